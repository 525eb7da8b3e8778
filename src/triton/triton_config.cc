#include "triton/triton_config.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <map>

#include "triton/model_config.pb.h"

namespace moebius::triton {
namespace {

namespace pb = ::inference;

const std::map<std::string, std::string>& V2ToTriton() {
  static const std::map<std::string, std::string> kTypes = {
      {"BOOL", "TYPE_BOOL"},   {"UINT8", "TYPE_UINT8"}, {"UINT16", "TYPE_UINT16"}, {"UINT32", "TYPE_UINT32"}, {"UINT64", "TYPE_UINT64"},
      {"INT8", "TYPE_INT8"},   {"INT16", "TYPE_INT16"}, {"INT32", "TYPE_INT32"},   {"INT64", "TYPE_INT64"},   {"FP16", "TYPE_FP16"},
      {"FP32", "TYPE_FP32"},   {"FP64", "TYPE_FP64"},   {"BYTES", "TYPE_STRING"},  {"BF16", "TYPE_BF16"}};
  return kTypes;
}

Result<pb::DataType> ToProtoType(const std::string& v2, const std::string& tensor) {
  std::string name = TritonTypeName(v2);
  pb::DataType t;
  if (name.empty() || !pb::DataType_Parse(name, &t)) return InvalidArgument("tensor '" + tensor + "' has datatype '" + v2 + "', which Triton lacks");
  return t;
}

// Collects the parser's errors (fatal) and warnings (unknown fields skipped).
class Collector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error.empty()) error = "config.pbtxt line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": " + message;
  }
  void AddWarning(int line, int column, const std::string& message) override {
    warnings.push_back("line " + std::to_string(line + 1) + ": " + message);
    (void)column;
  }
  std::string error;
  std::vector<std::string> warnings;
};

template <typename Map>
std::vector<std::pair<std::string, std::string>> Sorted(const Map& m) {
  std::vector<std::pair<std::string, std::string>> out(m.begin(), m.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string TritonTypeName(std::string_view v2) {
  auto it = V2ToTriton().find(std::string(v2));
  return it == V2ToTriton().end() ? "" : it->second;
}

std::string V2TypeName(std::string_view triton) {
  for (const auto& [v2, t] : V2ToTriton())
    if (t == triton) return v2;
  return "";
}

Result<std::string> RenderConfig(const ModelConfig& c) {
  pb::ModelConfig m;
  m.set_name(c.name);
  m.set_platform(c.platform);
  m.set_backend(c.backend);
  if (c.version_policy == "latest") {
    m.mutable_version_policy()->mutable_latest()->set_num_versions(static_cast<uint32_t>(c.latest_versions));
  } else if (c.version_policy == "all") {
    m.mutable_version_policy()->mutable_all();
  } else if (c.version_policy == "specific") {
    for (int64_t v : c.specific_versions) m.mutable_version_policy()->mutable_specific()->add_versions(v);
  } else if (!c.version_policy.empty()) {
    return InvalidArgument("version policy '" + c.version_policy + "' is not latest, all or specific");
  }
  m.set_max_batch_size(static_cast<int32_t>(c.max_batch_size));
  for (const auto& t : c.inputs) {
    auto* in = m.add_input();
    in->set_name(t.name);
    ASSIGN_OR_RETURN(pb::DataType dt, ToProtoType(t.datatype, t.name));
    in->set_data_type(dt);
    for (int64_t d : t.dims) in->add_dims(d);
  }
  for (const auto& t : c.outputs) {
    auto* out = m.add_output();
    out->set_name(t.name);
    ASSIGN_OR_RETURN(pb::DataType dt, ToProtoType(t.datatype, t.name));
    out->set_data_type(dt);
    for (int64_t d : t.dims) out->add_dims(d);
  }
  if (!c.ensemble.empty()) {
    auto* e = m.mutable_ensemble_scheduling();
    for (const auto& s : c.ensemble) {
      auto* step = e->add_step();
      step->set_model_name(s.model_name);
      step->set_model_version(s.model_version);
      for (const auto& [k, v] : s.input_map) (*step->mutable_input_map())[k] = v;
      for (const auto& [k, v] : s.output_map) (*step->mutable_output_map())[k] = v;
    }
  } else if (c.dynamic_batching) {
    auto* b = m.mutable_dynamic_batching();
    b->set_max_queue_delay_microseconds(static_cast<uint64_t>(c.max_queue_delay_us));
    for (int64_t s : c.preferred_batch_sizes) b->add_preferred_batch_size(static_cast<int32_t>(s));
  }
  if (!c.instance_kind.empty()) {
    auto* g = m.add_instance_group();
    pb::ModelInstanceGroup::Kind kind;
    if (!pb::ModelInstanceGroup::Kind_Parse(c.instance_kind, &kind)) return InvalidArgument("instance kind '" + c.instance_kind + "' is not one of Triton's");
    g->set_kind(kind);
    g->set_count(static_cast<int32_t>(c.instance_count));
  }
  m.set_default_model_filename(c.default_model_filename);
  for (const auto& [k, v] : c.parameters) (*m.mutable_parameters())[k].set_string_value(v);
  std::string out;
  google::protobuf::TextFormat::Printer printer;
  if (!printer.PrintToString(m, &out)) return Internal("config.pbtxt could not be printed");
  return out;
}

Result<ModelConfig> ParseConfig(std::string_view text, std::vector<std::string>* unknown) {
  pb::ModelConfig m;
  Collector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.AllowUnknownField(true);
  parser.AllowUnknownExtension(true);
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &m))
    return InvalidArgument(errors.error.empty() ? "config.pbtxt is not a Triton model configuration" : errors.error);
  if (unknown) *unknown = errors.warnings;
  ModelConfig c;
  c.name = m.name();
  c.platform = m.platform();
  c.backend = m.backend();
  if (m.has_version_policy()) {
    const auto& p = m.version_policy();
    if (p.has_latest()) {
      c.version_policy = "latest";
      c.latest_versions = p.latest().num_versions();
    } else if (p.has_all()) {
      c.version_policy = "all";
    } else if (p.has_specific()) {
      c.version_policy = "specific";
      c.specific_versions.assign(p.specific().versions().begin(), p.specific().versions().end());
    }
  }
  c.max_batch_size = m.max_batch_size();
  auto tensor = [](const std::string& name, pb::DataType dt, const auto& dims) {
    return TensorConfig{name, V2TypeName(pb::DataType_Name(dt)), std::vector<int64_t>(dims.begin(), dims.end())};
  };
  for (const auto& in : m.input()) c.inputs.push_back(tensor(in.name(), in.data_type(), in.dims()));
  for (const auto& out : m.output()) c.outputs.push_back(tensor(out.name(), out.data_type(), out.dims()));
  if (m.has_dynamic_batching()) {
    c.dynamic_batching = true;
    c.max_queue_delay_us = static_cast<int64_t>(m.dynamic_batching().max_queue_delay_microseconds());
    c.preferred_batch_sizes.assign(m.dynamic_batching().preferred_batch_size().begin(), m.dynamic_batching().preferred_batch_size().end());
  }
  if (m.has_ensemble_scheduling())
    for (const auto& s : m.ensemble_scheduling().step())
      c.ensemble.push_back({s.model_name(), s.model_version(), Sorted(s.input_map()), Sorted(s.output_map())});
  if (m.instance_group_size() > 0) {
    c.instance_kind = pb::ModelInstanceGroup::Kind_Name(m.instance_group(0).kind());
    c.instance_count = m.instance_group(0).count();
  }
  c.default_model_filename = m.default_model_filename();
  c.parameters.reserve(m.parameters().size());
  for (const auto& [k, v] : m.parameters()) c.parameters.emplace_back(k, v.string_value());
  std::sort(c.parameters.begin(), c.parameters.end());
  return c;
}

}  // namespace moebius::triton
