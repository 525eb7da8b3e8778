#include "triton/repository_layout.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace moebius::triton {
namespace {

std::string Dims(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// A signature tensor's shape as a Triton dims list: the leading -1 (the batch) dropped when the
// model batches.
std::vector<int64_t> DimsOf(const Json& shape, bool batched) {
  std::vector<int64_t> dims;
  for (const Json& d : shape) dims.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
  if (batched && !dims.empty()) dims.erase(dims.begin());
  if (dims.empty()) dims.push_back(1);
  return dims;
}

bool Batched(const Json& signature) {
  for (const char* side : {"inputs", "outputs"})
    for (const Json& t : signature.value(side, Json::array()))
      if (!t.contains("shape") || !t["shape"].is_array() || t["shape"].empty() || t["shape"][0] != -1) return false;
  return true;
}

// The feature count an XGBoost version takes: the model's own, else the signature's.
int64_t FeatureCount(const Json& signature, const registry::XgbInfo& xgb) {
  if (xgb.num_feature >= 0) return xgb.num_feature;
  if (signature.contains("features") && signature["features"].is_number_integer()) return signature["features"].get<int64_t>();
  int64_t n = 0;
  for (const Json& in : signature.value("inputs", Json::array())) {
    const Json& shape = in.value("shape", Json::array());
    n += shape.size() >= 2 && shape.back().is_number_integer() && shape.back().get<int64_t>() > 0 ? shape.back().get<int64_t>() : 1;
  }
  return n;
}

// FIL's outputs: probabilities per class for a classifier, one value for a regressor.
struct FilOutput {
  bool classifier = false;
  int64_t width = 1;
};

FilOutput FilOutputOf(const Json& signature, const registry::XgbInfo& xgb) {
  FilOutput o;
  if (!xgb.objective.empty()) {
    if (StartsWith(xgb.objective, "multi:")) {
      o.classifier = true;
      o.width = std::max<int64_t>(xgb.num_class, 2);
    } else if (StartsWith(xgb.objective, "binary:")) {
      o.classifier = true;
      o.width = 2;
    }
    return o;
  }
  const Json outputs = signature.value("outputs", Json::array());
  if (!outputs.empty() && outputs[0].contains("shape") && outputs[0]["shape"].size() >= 2) {
    o.classifier = true;
    o.width = outputs[0]["shape"][1].get<int64_t>();
  } else if (signature.contains("output") && signature["output"].contains("classes")) {
    o.classifier = true;
    o.width = 2;
  }
  return o;
}

std::string Param(const ModelConfig& c, const std::string& key) {
  for (const auto& [k, v] : c.parameters)
    if (k == key) return v;
  return "";
}

}  // namespace

std::string RepositoryName(std::string_view registered_model) {
  std::string out;
  for (char c : registered_model) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') ? c : '_';
  if (out.empty() || out == "." || out == "..") out = "model";
  return out;
}

std::string TritonModelFileName(const std::string& format, const std::string& model_file) {
  if (format == "xgboost") return EndsWith(ToLower(model_file), ".json") ? "xgboost.json" : "xgboost.ubj";
  if (format == "torchscript") return "model.pt";
  return "model.onnx";
}

Result<ModelConfig> ConfigForVersion(const std::string& name, const std::string& format, const Json& signature, const registry::XgbInfo& xgb,
                                     const std::string& model_file, const ConfigOptions& o) {
  ModelConfig c;
  c.name = name;
  c.instance_kind = "KIND_CPU";
  c.instance_count = o.instances;
  if (format == "xgboost") {
    c.backend = "fil";
    c.max_batch_size = o.max_batch_size;
    int64_t features = FeatureCount(signature, xgb);
    if (features <= 0) return InvalidArgument("the XGBoost model's feature count is unknown (a UBJSON model without a signature)");
    FilOutput out = FilOutputOf(signature, xgb);
    c.inputs.push_back({"input__0", "FP32", {features}});
    c.outputs.push_back({"output__0", "FP32", {out.width}});
    c.parameters = {{"model_type", TritonModelFileName(format, model_file) == "xgboost.json" ? "xgboost_json" : "xgboost_ubj"},
                    {"output_class", out.classifier ? "true" : "false"},
                    {"predict_proba", out.classifier ? "true" : "false"},
                    {"storage_type", "AUTO"}};
  } else if (format == "torchscript" || format == "onnx") {
    c.platform = format == "torchscript" ? "pytorch_libtorch" : "onnxruntime_onnx";
    bool batched = Batched(signature);
    c.max_batch_size = batched ? o.max_batch_size : 0;
    int i = 0;
    for (const Json& t : signature.value("inputs", Json::array())) {
      std::string n = format == "torchscript" ? "INPUT__" + std::to_string(i++) : t.value("name", "");
      c.inputs.push_back({n, t.value("datatype", ""), DimsOf(t.value("shape", Json::array()), batched)});
    }
    i = 0;
    for (const Json& t : signature.value("outputs", Json::array())) {
      std::string n = format == "torchscript" ? "OUTPUT__" + std::to_string(i++) : t.value("name", "");
      c.outputs.push_back({n, t.value("datatype", ""), DimsOf(t.value("shape", Json::array()), batched)});
    }
    if (c.outputs.empty()) return InvalidArgument("the " + format + " model's signature has no outputs, which Triton's configuration needs");
  } else {
    return InvalidArgument("format '" + format + "' has no Triton backend here");
  }
  if (c.max_batch_size > 0) {
    c.dynamic_batching = true;
    c.max_queue_delay_us = o.max_queue_delay_us;
  }
  return c;
}

Result<ConfigModel> ModelOfConfig(const ModelConfig& c) {
  ConfigModel m;
  if (c.backend == "fil") {
    std::string type = Param(c, "model_type");
    m.format = "xgboost";
    if (type == "xgboost_json") {
      m.file_name = "xgboost.json";
    } else if (type == "xgboost_ubj") {
      m.file_name = "xgboost.ubj";
    } else {
      return InvalidArgument("FIL model_type '" + type + "' is not one Moebius registers (xgboost_json, xgboost_ubj)");
    }
  } else if (c.platform == "pytorch_libtorch" || c.backend == "pytorch") {
    m = {"torchscript", "model.pt"};
  } else if (c.platform == "onnxruntime_onnx" || c.backend == "onnxruntime") {
    m = {"onnx", "model.onnx"};
  } else {
    return InvalidArgument("platform '" + c.platform + "' / backend '" + c.backend +
                           "' is not one Moebius registers (fil with XGBoost, pytorch_libtorch, onnxruntime_onnx)");
  }
  if (!c.default_model_filename.empty()) m.file_name = c.default_model_filename;
  return m;
}

Status CheckConfigAgainstModel(const ModelConfig& c, const std::string& format, const Json& signature, const registry::XgbInfo& xgb) {
  ASSIGN_OR_RETURN(ConfigModel m, ModelOfConfig(c));
  if (m.format != format) return InvalidArgument("config.pbtxt is for a " + m.format + " model but the version holds a " + format + " model");
  if (format == "xgboost") {
    if (c.inputs.size() != 1) return InvalidArgument("the FIL backend takes one input, config.pbtxt has " + std::to_string(c.inputs.size()));
    const TensorConfig& in = c.inputs[0];
    if (in.datatype != "FP32") return InvalidArgument("FIL input '" + in.name + "' must be FP32, config.pbtxt says " + in.datatype);
    int64_t features = FeatureCount(signature, xgb);
    if (in.dims != std::vector<int64_t>{features})
      return InvalidArgument("config.pbtxt input '" + in.name + "' has dims " + Dims(in.dims) + " but the model takes " + std::to_string(features) +
                             " features");
    if (c.outputs.size() != 1) return InvalidArgument("the FIL backend gives one output, config.pbtxt has " + std::to_string(c.outputs.size()));
    FilOutput out = FilOutputOf(signature, xgb);
    bool proba = Param(c, "predict_proba") == "true";
    int64_t width = out.classifier && proba ? out.width : 1;
    if (c.outputs[0].dims != std::vector<int64_t>{width})
      return InvalidArgument("config.pbtxt output '" + c.outputs[0].name + "' has dims " + Dims(c.outputs[0].dims) + " but the model gives " +
                             std::to_string(width) + " value(s) per row");
    return Status::Ok();
  }
  bool batched = c.max_batch_size > 0;
  for (const char* side : {"inputs", "outputs"}) {
    const auto& tensors = std::string(side) == "inputs" ? c.inputs : c.outputs;
    const Json sig = signature.value(side, Json::array());
    if (sig.size() != tensors.size())
      return InvalidArgument("config.pbtxt has " + std::to_string(tensors.size()) + " " + side + ", the signature " + std::to_string(sig.size()));
    for (size_t i = 0; i < tensors.size(); ++i) {
      const TensorConfig& t = tensors[i];
      if (t.datatype != sig[i].value("datatype", ""))
        return InvalidArgument("config.pbtxt " + std::string(side) + " '" + t.name + "' is " + t.datatype + ", the signature says " +
                               sig[i].value("datatype", ""));
      std::vector<int64_t> want = DimsOf(sig[i].value("shape", Json::array()), batched);
      if (t.dims != want)
        return InvalidArgument("config.pbtxt " + std::string(side) + " '" + t.name + "' has dims " + Dims(t.dims) + ", the signature " + Dims(want));
    }
  }
  return Status::Ok();
}

Json SignatureOfConfig(const ModelConfig& c) {
  bool batched = c.max_batch_size > 0;
  auto side = [&](const std::vector<TensorConfig>& ts) {
    Json out = Json::array();
    for (const auto& t : ts) {
      Json shape = Json::array();
      if (batched) shape.push_back(-1);
      for (int64_t d : t.dims) shape.push_back(d);
      out.push_back({{"name", t.name}, {"datatype", t.datatype}, {"shape", shape}});
    }
    return out;
  };
  Json s{{"inputs", side(c.inputs)}, {"outputs", side(c.outputs)}, {"source", "config.pbtxt"}};
  if (c.backend == "fil" && c.inputs.size() == 1 && c.inputs[0].dims.size() == 1) s["features"] = c.inputs[0].dims[0];
  return s;
}

Status CheckRepositoryPath(std::string_view path) {
  if (path.empty()) return InvalidArgument("an empty path");
  bool drive = path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':';
  if (path.front() == '/' || drive || path.find('\\') != std::string_view::npos)
    return InvalidArgument("path '" + std::string(path) + "' leaves the repository (absolute, drive letter or backslash)");
  for (const auto& seg : Split(path, '/'))
    if (seg.empty() || seg == "." || seg == "..") return InvalidArgument("path '" + std::string(path) + "' leaves the repository or has an empty segment");
  return Status::Ok();
}

}  // namespace moebius::triton
