#include "serving/v2_protocol.h"

#include <cmath>
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

}  // namespace

Result<InferRequest> ParseInferRequest(const Json& body) {
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
    if (!in.contains("data")) return InvalidArgument("input '" + t.name + "' has no \"data\" (binary tensor data is not taken yet)");
    RETURN_IF_ERROR(Flatten(in["data"], t, 0));
    if (static_cast<int64_t>(t.size()) != count)
      return InvalidArgument("input '" + t.name + "' has " + std::to_string(t.size()) + " values but its shape holds " + std::to_string(count));
    r.inputs.push_back(std::move(t));
  }
  if (body.contains("outputs")) {
    if (!body["outputs"].is_array()) return InvalidArgument("\"outputs\" must be a list of {\"name\"}");
    for (const Json& o : body["outputs"]) {
      if (!o.is_object() || !o.contains("name") || !o["name"].is_string()) return InvalidArgument("each of \"outputs\" needs a \"name\"");
      r.requested_outputs.push_back(o["name"].get<std::string>());
    }
  }
  return r;
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
