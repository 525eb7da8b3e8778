#include "serving/v2_protocol.h"

#include <cmath>
#include <cstring>
#include <set>

namespace moebius::serving {
namespace {

const std::set<std::string>& Datatypes() {
  static const std::set<std::string> kTypes = {"BOOL",   "INT8",   "INT16",  "INT32", "INT64", "UINT8", "UINT16",
                                               "UINT32", "UINT64", "FP16",   "FP32",  "FP64",  "BYTES"};
  return kTypes;
}

// Appends the leaves of (possibly nested) `data` to `t`, checking each against the datatype.
Status Flatten(const Json& data, InputTensor& t, int depth) {
  if (depth > 8) return InvalidArgument("input '" + t.name + "': data is nested deeper than 8 levels");
  if (data.is_array()) {
    for (const Json& d : data) RETURN_IF_ERROR(Flatten(d, t, depth + 1));
    return Status::Ok();
  }
  if (t.datatype == "BYTES") {
    if (!data.is_string()) return InvalidArgument("input '" + t.name + "' is BYTES: its data must be strings");
    t.strings.push_back(data.get<std::string>());
    return Status::Ok();
  }
  if (t.datatype == "BOOL") {
    if (!data.is_boolean()) return InvalidArgument("input '" + t.name + "' is BOOL: its data must be true or false");
    t.numbers.push_back(data.get<bool>() ? 1 : 0);
    return Status::Ok();
  }
  if (!data.is_number()) return InvalidArgument("input '" + t.name + "' is " + t.datatype + ": its data must be numbers");
  bool integral = t.datatype[0] == 'I' || t.datatype[0] == 'U';
  if (integral && !data.is_number_integer()) return InvalidArgument("input '" + t.name + "' is " + t.datatype + ": its data must be integers");
  if (t.datatype[0] == 'U' && data.is_number_integer() && !data.is_number_unsigned() && data.get<int64_t>() < 0)
    return InvalidArgument("input '" + t.name + "' is " + t.datatype + ": its data must not be negative");
  t.numbers.push_back(data.get<double>());
  return Status::Ok();
}

// Element size in bytes of a fixed-size datatype; 0 for BYTES (length-prefixed elements).
size_t ElementSize(const std::string& dt) {
  if (dt == "BOOL" || dt == "INT8" || dt == "UINT8") return 1;
  if (dt == "INT16" || dt == "UINT16" || dt == "FP16") return 2;
  if (dt == "INT32" || dt == "UINT32" || dt == "FP32") return 4;
  if (dt == "INT64" || dt == "UINT64" || dt == "FP64") return 8;
  return 0;
}

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // the protocol's binary data is little-endian, as this machine is
  return v;
}

// Decodes `count` elements of `t.datatype` from `bytes` (Triton's binary tensor extension).
Status DecodeBinary(std::string_view bytes, int64_t count, InputTensor& t) {
  const std::string& dt = t.datatype;
  if (dt == "BYTES") {
    size_t at = 0;
    while (at < bytes.size()) {
      if (bytes.size() - at < 4) return InvalidArgument("input '" + t.name + "': binary BYTES data ends inside a length");
      uint32_t n = Load<uint32_t>(bytes.data() + at);
      at += 4;
      if (bytes.size() - at < n) return InvalidArgument("input '" + t.name + "': binary BYTES data ends inside an element");
      t.strings.emplace_back(bytes.substr(at, n));
      at += n;
    }
    return Status::Ok();
  }
  if (dt == "FP16") return InvalidArgument("input '" + t.name + "': FP16 binary data is not taken");
  size_t size = ElementSize(dt);
  if (bytes.size() != static_cast<size_t>(count) * size)
    return InvalidArgument("input '" + t.name + "': binary_data_size " + std::to_string(bytes.size()) + " is not " + std::to_string(count) + " × " +
                           std::to_string(size) + " bytes");
  t.numbers.reserve(static_cast<size_t>(count));
  for (size_t i = 0; i < bytes.size(); i += size) {
    const char* p = bytes.data() + i;
    double v = dt == "BOOL" ? (p[0] != 0) : dt == "INT8" ? Load<int8_t>(p) : dt == "UINT8" ? Load<uint8_t>(p) : dt == "INT16" ? Load<int16_t>(p)
             : dt == "UINT16" ? Load<uint16_t>(p) : dt == "INT32" ? Load<int32_t>(p) : dt == "UINT32" ? Load<uint32_t>(p)
             : dt == "FP32" ? Load<float>(p) : dt == "INT64" ? static_cast<double>(Load<int64_t>(p)) : dt == "UINT64" ? static_cast<double>(Load<uint64_t>(p))
             : Load<double>(p);
    t.numbers.push_back(v);
  }
  return Status::Ok();
}

}  // namespace

Result<InferRequest> ParseInferRequest(const Json& body, std::string_view binary) {
  size_t binary_at = 0;
  if (!body.is_object()) return InvalidArgument("the request body must be a JSON object with \"inputs\"");
  InferRequest r;
  if (body.contains("id")) {
    if (!body["id"].is_string()) return InvalidArgument("\"id\" must be a string");
    r.id = body["id"].get<std::string>();
  }
  if (!body.contains("inputs") || !body["inputs"].is_array() || body["inputs"].empty())
    return InvalidArgument("\"inputs\" must be a non-empty list of tensors");
  std::set<std::string> names;
  for (size_t i = 0; i < body["inputs"].size(); ++i) {
    const Json& in = body["inputs"][i];
    std::string at = "inputs[" + std::to_string(i) + "]";
    if (!in.is_object()) return InvalidArgument(at + " must be an object {name, shape, datatype, data}");
    InputTensor t;
    if (!in.contains("name") || !in["name"].is_string() || in["name"].get<std::string>().empty()) return InvalidArgument(at + " needs a \"name\"");
    t.name = in["name"].get<std::string>();
    if (!names.insert(t.name).second) return InvalidArgument("input '" + t.name + "' is given twice");
    if (!in.contains("datatype") || !in["datatype"].is_string() || !Datatypes().count(in["datatype"].get<std::string>()))
      return InvalidArgument("input '" + t.name + "' needs a \"datatype\" of the protocol (BOOL, INT8..INT64, UINT8..UINT64, FP16, FP32, FP64, BYTES)");
    t.datatype = in["datatype"].get<std::string>();
    if (!in.contains("shape") || !in["shape"].is_array() || in["shape"].empty() || in["shape"].size() > 8)
      return InvalidArgument("input '" + t.name + "' needs a \"shape\" of 1 to 8 dimensions");
    int64_t count = 1;
    for (const Json& d : in["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > (int64_t{1} << 31))
        return InvalidArgument("input '" + t.name + "': shape holds something other than a dimension size");
      t.shape.push_back(d.get<int64_t>());
      count *= t.shape.back();
      if (count > (int64_t{1} << 31)) return InvalidArgument("input '" + t.name + "' is too large");
    }
    const Json params = in.value("parameters", Json::object());
    if (params.is_object() && params.contains("binary_data_size")) {
      if (!params["binary_data_size"].is_number_unsigned()) return InvalidArgument("input '" + t.name + "': binary_data_size must be a byte count");
      size_t n = params["binary_data_size"].get<size_t>();
      if (in.contains("data")) return InvalidArgument("input '" + t.name + "' has both \"data\" and binary_data_size");
      if (binary.size() - binary_at < n)
        return InvalidArgument("input '" + t.name + "': binary_data_size " + std::to_string(n) + " runs past the end of the request's binary data");
      RETURN_IF_ERROR(DecodeBinary(binary.substr(binary_at, n), count, t));
      binary_at += n;
    } else {
      if (!in.contains("data")) return InvalidArgument("input '" + t.name + "' has no \"data\" and no binary_data_size");
      RETURN_IF_ERROR(Flatten(in["data"], t, 0));
    }
    if (static_cast<int64_t>(t.size()) != count)
      return InvalidArgument("input '" + t.name + "' has " + std::to_string(t.size()) + " values but its shape holds " + std::to_string(count));
    r.inputs.push_back(std::move(t));
  }
  if (binary_at != binary.size())
    return InvalidArgument("the request has " + std::to_string(binary.size() - binary_at) + " bytes of binary data no input claims");
  if (body.contains("outputs")) {
    if (!body["outputs"].is_array()) return InvalidArgument("\"outputs\" must be a list of {\"name\"}");
    for (const Json& o : body["outputs"]) {
      if (!o.is_object() || !o.contains("name") || !o["name"].is_string()) return InvalidArgument("each of \"outputs\" needs a \"name\"");
      r.requested_outputs.push_back(o["name"].get<std::string>());
      const Json op = o.value("parameters", Json::object());
      if (op.is_object() && op.value("binary_data", false) == true) r.binary_outputs = true;
    }
  }
  const Json rp = body.value("parameters", Json::object());
  if (rp.is_object() && rp.value("binary_data_output", false) == true) r.binary_outputs = true;
  return r;
}

std::string InferResponseBinary(const std::string& model, const std::string& version, const std::string& id,
                                const std::vector<OutputTensor>& outputs, size_t* header_length) {
  Json outs = Json::array();
  std::string tail;
  for (const auto& o : outputs) {
    size_t n = o.data.size() * sizeof(float);
    outs.push_back({{"name", o.name}, {"datatype", o.datatype}, {"shape", o.shape}, {"parameters", {{"binary_data_size", n}}}});
    tail.append(reinterpret_cast<const char*>(o.data.data()), n);
  }
  Json r{{"model_name", model}, {"model_version", version}, {"outputs", std::move(outs)}};
  if (!id.empty()) r["id"] = id;
  std::string header = r.dump();
  *header_length = header.size();
  return header + tail;
}

Json InferResponseJson(const std::string& model, const std::string& version, const std::string& id, const std::vector<OutputTensor>& outputs) {
  Json outs = Json::array();
  for (const auto& o : outputs) {
    Json data = Json::array();
    for (float v : o.data) data.push_back(std::isfinite(v) ? Json(v) : Json(nullptr));
    outs.push_back({{"name", o.name}, {"datatype", o.datatype}, {"shape", o.shape}, {"data", std::move(data)}});
  }
  Json r{{"model_name", model}, {"model_version", version}, {"outputs", std::move(outs)}};
  if (!id.empty()) r["id"] = id;
  return r;
}

}  // namespace moebius::serving
