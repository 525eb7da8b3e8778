#include "api/json_views.h"

#include <cmath>

namespace moebius::api {

Json DoubleJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

Json UserJson(const auth::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"global_role", auth::RoleName(u.global_role)},
          {"disabled", u.disabled},
          {"created_at", u.created_at}};
}

Json ProjectJson(const project::Project& p) {
  Json j{{"id", p.id},
         {"name", p.name},
         {"display_name", p.display_name},
         {"description", p.description},
         {"archived", p.archived},
         {"created_at", p.created_at},
         {"created_by", p.created_by}};
  j["org_id"] = p.org_id ? Json(*p.org_id) : Json(nullptr);
  return j;
}

Json TaskJson(const project::Task& t, const std::string& project_name) {
  return {{"id", t.id},
          {"project", project_name},
          {"name", t.name},
          {"domain", t.domain},
          {"problem_type", t.problem_type},
          {"primary_metric", t.primary_metric},
          {"metrics", t.metrics},
          {"acceptance_criteria", t.acceptance_criteria},
          {"description", t.description},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at}};
}

static Json KeyValuesJson(const std::vector<tracking::KeyValue>& kvs) {
  Json out = Json::array();
  for (const auto& kv : kvs) out.push_back({{"key", kv.key}, {"value", kv.value}});
  return out;
}

Json ExperimentJson(const tracking::Experiment& e) {
  return {{"experiment_id", std::to_string(e.experiment_id)},
          {"name", e.name},
          {"artifact_location", e.artifact_location},
          {"lifecycle_stage", e.lifecycle_stage},
          {"creation_time", e.creation_time},
          {"last_update_time", e.last_update_time},
          {"tags", KeyValuesJson(e.tags)}};
}

Json RunInfoJson(const tracking::RunInfo& i) {
  Json j{{"run_id", i.run_id},
         {"run_uuid", i.run_id},
         {"run_name", i.run_name},
         {"experiment_id", std::to_string(i.experiment_id)},
         {"user_id", i.user_id},
         {"status", i.status},
         {"artifact_uri", i.artifact_uri},
         {"lifecycle_stage", i.lifecycle_stage}};
  if (i.start_time) j["start_time"] = *i.start_time;
  if (i.end_time) j["end_time"] = *i.end_time;
  return j;
}

Json MetricJson(const tracking::MetricPoint& m) {
  return {{"key", m.key}, {"value", DoubleJson(m.value)}, {"timestamp", m.timestamp}, {"step", m.step}};
}

Json RunJson(const tracking::Run& r) {
  Json metrics = Json::array();
  for (const auto& m : r.metrics) metrics.push_back(MetricJson(m));
  Json inputs = Json::array();
  for (const auto& in : r.inputs)
    inputs.push_back({{"kind", in.kind}, {"ref", in.ref}, {"detail", Json::parse(in.detail, nullptr, false)}});
  return {{"info", RunInfoJson(r.info)},
          {"data", {{"metrics", metrics}, {"params", KeyValuesJson(r.params)}, {"tags", KeyValuesJson(r.tags)}}},
          {"inputs", {{"dataset_inputs", Json::array()}, {"moebius_inputs", inputs}}}};
}

}  // namespace moebius::api
