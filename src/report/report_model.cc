#include "report/report_model.h"

#include <algorithm>
#include <cmath>

namespace moebius::report {
namespace {

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

Json OptionalTime(const std::optional<int64_t>& t) { return t ? Json(*t) : Json(nullptr); }

// One bar list from {name: number} or {name: {"mean": number}}, largest first, top 15.
Json BarList(const std::string& title, const Json& obj) {
  Json items = Json::array();
  if (!obj.is_object()) return items;
  std::vector<std::pair<std::string, double>> v;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    double x;
    if (it->is_number()) x = it->get<double>();
    else if (it->is_object() && it->contains("mean") && (*it)["mean"].is_number()) x = (*it)["mean"].get<double>();
    else continue;
    if (std::isfinite(x)) v.push_back({it.key(), x});
  }
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  if (v.size() > 15) v.resize(15);
  for (const auto& [name, x] : v) items.push_back({{"name", name}, {"value", x}});
  if (items.empty()) return items;
  return Json{{"title", title}, {"items", items}};
}

Json Explanations(const Json& e) {
  Json out = Json::array();
  if (!e.is_object()) return out;
  auto push = [&](Json list) {
    if (list.is_object()) out.push_back(std::move(list));
  };
  if (e.contains("importance") && e["importance"].is_object())
    for (const char* kind : {"gain", "total_gain", "weight", "cover"})
      if (e["importance"].contains(kind)) push(BarList(std::string("importance: ") + kind, e["importance"][kind]));
  if (e.contains("shap") && e["shap"].is_object() && e["shap"].contains("mean_abs")) push(BarList("mean |SHAP|", e["shap"]["mean_abs"]));
  if (e.contains("permutation") && e["permutation"].is_object() && e["permutation"].contains("importance")) {
    std::string metric = e["permutation"].value("metric", "");
    push(BarList("permutation importance" + (metric.empty() ? "" : " (" + metric + ")"), e["permutation"]["importance"]));
  }
  return out;
}

}  // namespace

bool IsCodeTag(const std::string& key) {
  return StartsWith(key, "moebius.code") || StartsWith(key, "moebius.environment") || StartsWith(key, "mlflow.source.") ||
         key == "mlflow.gitRepoURL" || key == "git_commit";
}

Json BuildReportModel(const ReportInputs& in) {
  std::string lang = in.lang == "en" ? "en" : "ko";
  Json m;
  m["lang"] = lang;
  m["title"] = ReportText(lang, "title");
  m["generated_at"] = in.generated_at;
  m["project"] = in.project;
  m["experiment"] = in.experiment;
  const auto& info = in.run.info;
  m["run"] = {{"id", info.run_id}, {"name", info.run_name}, {"status", info.status}, {"user", info.user_id},
              {"start", OptionalTime(info.start_time)}, {"end", OptionalTime(info.end_time)}};
  m["task"] = in.task ? *in.task : Json(nullptr);
  m["criteria"] = in.criteria ? *in.criteria : Json(nullptr);
  Json data = Json::array();
  for (const auto& i : in.run.inputs) {
    Json detail = Json::parse(i.detail.empty() ? "{}" : i.detail, nullptr, false);
    data.push_back({{"kind", i.kind}, {"ref", i.ref}, {"detail", detail.is_discarded() ? Json(i.detail) : detail}});
  }
  m["data"] = data;
  Json code = Json::array(), params = Json::array(), metrics = Json::array();
  std::vector<tracking::KeyValue> tags = in.run.tags;
  std::sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (const auto& t : tags)
    if (IsCodeTag(t.key)) code.push_back({{"key", t.key}, {"value", t.value}});
  std::vector<tracking::KeyValue> ps = in.run.params;
  std::sort(ps.begin(), ps.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (const auto& p : ps) params.push_back({{"key", p.key}, {"value", p.value}});
  std::vector<tracking::MetricPoint> ms = in.run.metrics;
  std::sort(ms.begin(), ms.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (const auto& x : ms) metrics.push_back({{"key", x.key}, {"value", std::isfinite(x.value) ? Json(x.value) : Json(nullptr)}});
  m["code"] = code;
  m["params"] = params;
  m["metrics"] = metrics;
  m["evaluation"] = in.evaluation ? *in.evaluation : Json(nullptr);
  Json simple = nullptr;
  if (in.evaluation && in.evaluation->contains("baselines") && (*in.evaluation)["baselines"].contains("simple"))
    simple = (*in.evaluation)["baselines"]["simple"];
  Json human = in.evaluation ? in.evaluation->value("baselines", Json::object()).value("human", Json(nullptr)) : Json(nullptr);
  m["baselines"] = {{"simple", simple},
                    {"previous", in.previous ? *in.previous : Json(nullptr)},
                    {"human", human},
                    {"human_note", human.is_object() ? (*in.evaluation)["baselines"].value("human_note", "") : ReportText(lang, "no_labeling")}};
  m["explanations"] = in.explanations ? Explanations(*in.explanations) : Json::array();
  m["confirmation"] = in.packages;
  return m;
}

}  // namespace moebius::report
