#include "registry/model_inspect.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "base/crypto.h"
#include "base/strings.h"

namespace moebius::registry {
namespace {

constexpr int64_t kMaxSmallFile = 64 << 20;  // signature.json, MLmodel, an XGBoost model read whole
constexpr int64_t kHead = 1 << 20;           // how much of a TorchScript or ONNX file is looked at

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string FormatOfName(const std::string& path) {
  std::string b = ToLower(BaseName(path));
  if (b == "model.json" || b == "model.ubj" || EndsWith(b, ".xgb") || EndsWith(b, ".ubj")) return "xgboost";
  if (EndsWith(b, ".pt") || EndsWith(b, ".pth") || EndsWith(b, ".torchscript")) return "torchscript";
  if (EndsWith(b, ".onnx")) return "onnx";
  return "";
}

// The v2 datatype of a column type of the built-in trainers (int|float|bool|string).
std::string DatatypeOfColumn(const std::string& t) {
  if (t == "int") return "INT64";
  if (t == "float" || t == "number" || t == "numeric") return "FP64";
  if (t == "bool") return "BOOL";
  return "BYTES";
}

// MLflow's column types (mlflow.types.DataType) and numpy dtypes → v2 datatypes.
std::string DatatypeOfMlflow(const std::string& t) {
  static const std::map<std::string, std::string> kTypes = {
      {"boolean", "BOOL"}, {"bool", "BOOL"},       {"integer", "INT32"},  {"int32", "INT32"},  {"long", "INT64"},
      {"int64", "INT64"},  {"float", "FP32"},      {"float32", "FP32"},   {"double", "FP64"},  {"float64", "FP64"},
      {"string", "BYTES"}, {"str", "BYTES"},       {"binary", "BYTES"},   {"bytes", "BYTES"},  {"datetime", "BYTES"},
      {"int8", "INT8"},    {"int16", "INT16"},     {"uint8", "UINT8"},    {"uint16", "UINT16"}, {"uint32", "UINT32"},
      {"uint64", "UINT64"}, {"float16", "FP16"},   {"object", "BYTES"}};
  auto it = kTypes.find(ToLower(t));
  return it == kTypes.end() ? "" : it->second;
}

// One side (inputs or outputs) of an MLflow signature: a JSON list of column specs
// {"name", "type"} or tensor specs {"type": "tensor", "tensor-spec": {"dtype", "shape"}}.
Result<Json> MlflowSide(const std::string& text, const char* side) {
  Json spec = Json::parse(text, nullptr, false);
  if (!spec.is_array()) return InvalidArgument(std::string("MLmodel signature.") + side + " is not a JSON list");
  Json out = Json::array();
  for (size_t i = 0; i < spec.size(); ++i) {
    const Json& c = spec[i];
    std::string at = std::string("MLmodel signature.") + side + "[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("type") || !c["type"].is_string()) return InvalidArgument(at + " has no type");
    std::string name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : std::string(side) + "__" + std::to_string(i);
    if (c["type"] == "tensor") {
      if (!c.contains("tensor-spec") || !c["tensor-spec"].is_object()) return InvalidArgument(at + " is a tensor without tensor-spec");
      const Json& ts = c["tensor-spec"];
      std::string dt = DatatypeOfMlflow(ts.value("dtype", ""));
      if (dt.empty()) return InvalidArgument(at + " has an unknown dtype '" + ts.value("dtype", "") + "'");
      Json shape = ts.value("shape", Json::array());
      if (!shape.is_array()) return InvalidArgument(at + ".tensor-spec.shape is not a list");
      for (const Json& d : shape)
        if (!d.is_number_integer()) return InvalidArgument(at + ".tensor-spec.shape holds a non-integer");
      out.push_back({{"name", name}, {"datatype", dt}, {"shape", shape}});
    } else {
      std::string dt = DatatypeOfMlflow(c["type"].get<std::string>());
      if (dt.empty()) return InvalidArgument(at + " has an unknown type '" + c["type"].get<std::string>() + "'");
      out.push_back({{"name", name}, {"datatype", dt}, {"shape", Json::array({-1})}});
    }
  }
  return out;
}

struct MlModel {
  std::string format;
  std::string data;  // the flavour's data path, relative to the MLmodel's folder
  Json signature;    // null when MLmodel has none
};

Result<MlModel> ParseMlModel(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("MLmodel is not valid YAML: ") + e.what());
  }
  if (!root.IsMap() || !root["flavors"] || !root["flavors"].IsMap()) return InvalidArgument("MLmodel has no flavors");
  MlModel m;
  auto flavors = root["flavors"];
  try {
    if (flavors["xgboost"]) {
      m.format = "xgboost";
      m.data = flavors["xgboost"]["data"] ? flavors["xgboost"]["data"].as<std::string>() : "model.xgb";
    } else if (flavors["onnx"]) {
      m.format = "onnx";
      m.data = flavors["onnx"]["data"] ? flavors["onnx"]["data"].as<std::string>() : "model.onnx";
    } else if (flavors["pytorch"]) {
      m.format = "torchscript";
      std::string dir = flavors["pytorch"]["model_data"] ? flavors["pytorch"]["model_data"].as<std::string>() : "data";
      m.data = dir + "/model.pth";
    } else {
      std::string names;
      for (const auto& f : flavors) names += (names.empty() ? "" : ", ") + f.first.as<std::string>();
      return InvalidArgument("MLmodel flavours " + names + " are not supported; supported: xgboost, pytorch (TorchScript), onnx");
    }
    if (root["signature"] && root["signature"].IsMap()) {
      auto sig = root["signature"];
      Json s{{"source", "MLmodel"}};
      if (!sig["inputs"]) return InvalidArgument("MLmodel signature has no inputs");
      ASSIGN_OR_RETURN(s["inputs"], MlflowSide(sig["inputs"].as<std::string>(), "inputs"));
      if (sig["outputs"] && !sig["outputs"].IsNull()) {
        ASSIGN_OR_RETURN(s["outputs"], MlflowSide(sig["outputs"].as<std::string>(), "outputs"));
      } else {
        s["outputs"] = Json::array();
      }
      m.signature = s;
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("MLmodel: ") + e.what());
  }
  return m;
}

}  // namespace

Result<XgbInfo> ReadXgboost(const std::string& bytes, const std::string& path) {
  XgbInfo info;
  if (bytes.empty() || bytes[0] != '{') return InvalidArgument(path + " is not an XGBoost model (JSON or UBJSON)");
  if (bytes.find("learner") == std::string::npos) return InvalidArgument(path + " is not an XGBoost model: it has no learner");
  Json j = Json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return info;  // UBJSON: a model, nothing more read here
  if (!j.is_object() || !j.contains("learner") || !j["learner"].is_object()) return InvalidArgument(path + " is not an XGBoost model");
  const Json& l = j["learner"];
  if (l.contains("learner_model_param") && l["learner_model_param"].is_object()) {
    const Json& p = l["learner_model_param"];
    if (p.contains("num_feature") && p["num_feature"].is_string()) info.num_feature = ParseInt64(p["num_feature"].get<std::string>()).value_or(-1);
    if (p.contains("num_class") && p["num_class"].is_string()) info.num_class = ParseInt64(p["num_class"].get<std::string>()).value_or(0);
  }
  if (l.contains("objective") && l["objective"].is_object() && l["objective"].contains("name") && l["objective"]["name"].is_string())
    info.objective = l["objective"]["name"].get<std::string>();
  if (l.contains("feature_names") && l["feature_names"].is_array())
    for (const Json& f : l["feature_names"])
      if (f.is_string()) info.feature_names.push_back(f.get<std::string>());
  return info;
}

namespace {

Json XgbOutputs(const XgbInfo& x) {
  bool multi = x.num_class > 1 && x.objective == "multi:softprob";
  return Json::array({{{"name", "predict"}, {"datatype", "FP32"}, {"shape", multi ? Json::array({-1, x.num_class}) : Json::array({-1})}}});
}

Json SignatureFromXgboost(const XgbInfo& x) {
  Json inputs = Json::array();
  if (!x.feature_names.empty()) {
    for (const auto& n : x.feature_names) inputs.push_back({{"name", n}, {"datatype", "FP32"}, {"shape", Json::array({-1})}});
  } else {
    inputs.push_back({{"name", "input__0"}, {"datatype", "FP32"}, {"shape", Json::array({-1, x.num_feature})}});
  }
  return Json{{"inputs", inputs}, {"outputs", XgbOutputs(x)}, {"source", "model file"}};
}

bool IsZipWithTorchScript(const std::string& head) {
  // A TorchScript file is a zip archive holding <name>/code/… and <name>/constants.pkl; a pickled
  // nn.Module (torch.save) is a zip without code/.
  return head.size() > 4 && head.compare(0, 4, "PK\x03\x04") == 0 && head.find("/code/") != std::string::npos;
}

std::string RoleOf(const std::string& path, const std::string& model_file) {
  std::string b = BaseName(path);
  if (path == model_file) return "model";
  if (b == "MLmodel") return "mlmodel";
  if (b == "signature.json") return "signature";
  if (b == "transform.json") return "transform";
  return "other";
}

}  // namespace

Result<Json> SignatureFromMoebius(const Json& doc) {
  if (!doc.is_object() || doc.value("format", "") != "moebius.signature")
    return InvalidArgument("signature.json is not a moebius.signature document");
  if (!doc.contains("inputs") || !doc["inputs"].is_array() || doc["inputs"].empty())
    return InvalidArgument("signature.json has no inputs");
  Json inputs = Json::array();
  for (size_t i = 0; i < doc["inputs"].size(); ++i) {
    const Json& in = doc["inputs"][i];
    if (!in.is_object() || !in.contains("name") || !in["name"].is_string() || !in.contains("type") || !in["type"].is_string())
      return InvalidArgument("signature.json inputs[" + std::to_string(i) + "] needs a name and a type");
    inputs.push_back({{"name", in["name"]}, {"datatype", DatatypeOfColumn(in["type"].get<std::string>())}, {"shape", Json::array({-1})}});
  }
  Json out{{"inputs", inputs}, {"source", "signature.json"}};
  const Json output = doc.value("output", Json::object());
  int64_t classes = output.contains("classes") && output["classes"].is_array() ? static_cast<int64_t>(output["classes"].size()) : 0;
  std::string type = output.value("type", "");
  bool per_class = type.find("per class") != std::string::npos && classes > 0;
  out["outputs"] = Json::array({{{"name", "predict"}, {"datatype", "FP32"}, {"shape", per_class ? Json::array({-1, classes}) : Json::array({-1})}}});
  if (doc.contains("features") && doc["features"].is_array()) out["features"] = static_cast<int64_t>(doc["features"].size());
  if (!output.empty()) out["output"] = output;
  return out;
}

std::string ContentHash(const std::vector<ModelFile>& files) {
  std::vector<const ModelFile*> sorted;
  for (const auto& f : files) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const ModelFile* a, const ModelFile* b) { return a->path < b->path; });
  std::string text;
  for (const ModelFile* f : sorted) text += f->path + std::string(1, '\0') + f->sha256 + "\n";
  return Sha256Hex(text);
}

Result<InspectedModel> InspectModelFiles(std::vector<ModelFile> files, const ReadFile& read, const Json& given_signature) {
  if (files.empty()) return InvalidArgument("the folder holds no files");
  auto find = [&](const std::string& path) -> const ModelFile* {
    for (const auto& f : files)
      if (f.path == path) return &f;
    return nullptr;
  };
  auto small = [&](const ModelFile& f) -> Result<std::string> {
    if (f.size > kMaxSmallFile) return InvalidArgument(f.path + " is larger than 64 MiB");
    return read(f, kMaxSmallFile);
  };
  InspectedModel m;
  Json signature;
  // 1. An MLflow model directory.
  const ModelFile* mlmodel = nullptr;
  for (const auto& f : files)
    if (BaseName(f.path) == "MLmodel" && (!mlmodel || f.path.size() < mlmodel->path.size())) mlmodel = &f;
  if (mlmodel) {
    ASSIGN_OR_RETURN(std::string text, small(*mlmodel));
    ASSIGN_OR_RETURN(MlModel ml, ParseMlModel(text));
    std::string dir = DirName(mlmodel->path);
    std::string data = dir.empty() ? ml.data : dir + "/" + ml.data;
    const ModelFile* model = find(data);
    if (!model) return InvalidArgument("MLmodel names the " + ml.format + " model file '" + ml.data + "', which the folder lacks");
    m.flavor = "mlflow";
    m.format = ml.format;
    m.model_file = model->path;
    signature = ml.signature;
  } else {
    // 2. The built-in trainers' layout, or one recognizable model file.
    std::vector<const ModelFile*> candidates;
    for (const auto& f : files)
      if (!FormatOfName(f.path).empty()) candidates.push_back(&f);
    if (candidates.empty())
      return InvalidArgument("no model file found: expected model.json or model.ubj (XGBoost), a .pt TorchScript file, a .onnx file, "
                             "or an MLflow model directory (MLmodel)");
    if (candidates.size() > 1) {
      std::string names;
      for (const ModelFile* c : candidates) names += (names.empty() ? "" : ", ") + c->path;
      return InvalidArgument("more than one model file (" + names + "); register the folder that holds one");
    }
    m.flavor = "moebius";
    m.format = FormatOfName(candidates[0]->path);
    m.model_file = candidates[0]->path;
    std::string dir = DirName(m.model_file);
    if (const ModelFile* sig = find(dir.empty() ? "signature.json" : dir + "/signature.json")) {
      ASSIGN_OR_RETURN(std::string text, small(*sig));
      Json doc = Json::parse(text, nullptr, false);
      if (doc.is_discarded()) return InvalidArgument(sig->path + " is not valid JSON");
      ASSIGN_OR_RETURN(signature, SignatureFromMoebius(doc));
    }
  }
  if (signature.is_null() && !given_signature.is_null()) signature = given_signature;
  const ModelFile& model = *find(m.model_file);
  // 3. The model file itself: the format checked, the signature inferred or checked.
  if (m.format == "xgboost") {
    ASSIGN_OR_RETURN(std::string bytes, small(model));
    ASSIGN_OR_RETURN(XgbInfo x, ReadXgboost(bytes, model.path));
    if (signature.is_null()) {
      if (x.num_feature < 0) return InvalidArgument(model.path + " is a binary (UBJSON) XGBoost model without a signature; add signature.json");
      signature = SignatureFromXgboost(x);
    } else if (x.num_feature >= 0) {
      int64_t expected = signature.contains("features") ? signature["features"].get<int64_t>() : -1;
      if (expected < 0 && signature.value("source", "") == "MLmodel") {
        expected = 0;
        for (const Json& in : signature["inputs"]) {
          const Json& shape = in["shape"];
          expected += shape.size() >= 2 && shape.back().get<int64_t>() > 0 ? shape.back().get<int64_t>() : 1;
        }
      }
      if (expected >= 0 && expected != x.num_feature)
        return InvalidArgument("the signature (" + signature.value("source", "") + ") gives " + std::to_string(expected) +
                               " features but " + model.path + " was trained on " + std::to_string(x.num_feature));
      if (signature.value("source", "") == "MLmodel" && signature["outputs"].empty()) signature["outputs"] = XgbOutputs(x);
    }
  } else if (m.format == "torchscript") {
    ASSIGN_OR_RETURN(std::string head, read(model, kHead));
    if (!IsZipWithTorchScript(head))
      return InvalidArgument(model.path + " is not a TorchScript file (a pickled PyTorch module cannot be served without Python; save it "
                             "with torch.jit.script or torch.jit.trace)");
  } else if (m.format == "onnx") {
    ASSIGN_OR_RETURN(std::string head, read(model, kHead));
    // ModelProto starts with ir_version (field 1, varint: 0x08) in every exporter's output.
    if (head.empty() || head[0] != '\x08') return InvalidArgument(model.path + " is not an ONNX model");
  }
  if (signature.is_null())
    return InvalidArgument("no signature for the " + m.format + " model " + model.path +
                           ": add signature.json (moebius.signature) or log the model with an MLflow signature");
  m.signature = std::move(signature);
  for (auto& f : files) f.role = RoleOf(f.path, m.model_file);
  m.files = std::move(files);
  return m;
}

}  // namespace moebius::registry
