#include "report/report_service.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "base/strings.h"
#include "eval/metric_names.h"
#include "label/human_level.h"
#include "report/stored_documents.h"

namespace moebius::report {
namespace {

constexpr size_t kMaxPackageFiles = 10000;

std::optional<std::string> TagOf(const std::vector<tracking::KeyValue>& tags, const std::string& key) {
  for (const auto& t : tags)
    if (t.key == key) return t.value;
  return std::nullopt;
}

Json TaskSummary(const project::Task& t) {
  return Json{{"name", t.name},
              {"domain", t.domain},
              {"problem_type", t.problem_type},
              {"primary_metric", t.primary_metric},
              {"metrics", t.metrics},
              {"acceptance_criteria", t.acceptance_criteria},
              {"description", t.description}};
}

std::string RoleOf(const std::string& path) {
  std::string p = path;
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  if (p.rfind("evaluations/", 0) == 0) return "evaluation";
  if (p.find("explanations") != std::string::npos) return "explanations";
  if (p.find("signature") != std::string::npos) return "signature";
  if (p.find("transform") != std::string::npos) return "transform";
  if (p.find("model") != std::string::npos || p.ends_with(".ubj") || p.ends_with(".pt") || p.ends_with(".onnx")) return "model";
  return "other";
}

std::set<std::string> MetricNames(const Json& ev) {
  std::set<std::string> out;
  if (ev.contains("metrics") && ev["metrics"].is_object())
    for (auto it = ev["metrics"].begin(); it != ev["metrics"].end(); ++it) out.insert(it.key());
  return out;
}

}  // namespace

Result<std::optional<project::Task>> ReportService::TaskOf(const tracking::Run& run, int64_t project_id, const std::string& explicit_task) {
  std::string name = explicit_task;
  if (name.empty()) name = TagOf(run.tags, "moebius.task").value_or("");
  if (name.empty()) {
    ASSIGN_OR_RETURN(tracking::Experiment e, tracking_.GetExperiment(run.info.experiment_id));
    name = TagOf(e.tags, "moebius.task").value_or("");
  }
  if (!name.empty()) {
    auto t = projects_.GetTask(project_id, name);
    if (!t.ok()) {
      if (t.status().code() == StatusCode::kNotFound) return InvalidArgument("task '" + name + "' does not exist in this project");
      return t.status();
    }
    return std::optional<project::Task>(*t);
  }
  ASSIGN_OR_RETURN(auto tasks, projects_.ListTasks(project_id));
  if (tasks.size() == 1) return std::optional<project::Task>(tasks[0]);
  return std::optional<project::Task>();
}

Result<Json> ReportService::CheckCriteria(const tracking::Run& run, const project::Task& task) {
  if (task.acceptance_criteria.empty()) return FailedPrecondition("task '" + task.name + "' has no acceptance criteria to confirm against");
  ASSIGN_OR_RETURN(eval::Criteria criteria, eval::ParseCriteria(task.acceptance_criteria));
  std::map<std::string, double> logged;
  for (const auto& m : run.metrics) logged[m.key] = m.value;
  Json out = eval::EvaluationToJson(eval::RunMetrics(std::move(logged)).Evaluate(criteria));
  out["criteria"] = task.acceptance_criteria;
  out["task"] = task.name;
  return out;
}

Result<std::optional<Json>> ReportService::LoadDocument(const std::string& run_id, const std::string& path) {
  auto e = tracking_.GetArtifact(run_id, path);
  if (!e.ok()) {
    if (e.status().code() == StatusCode::kNotFound) return std::optional<Json>();
    return e.status();
  }
  if (e->is_dir) return std::optional<Json>();
  ASSIGN_OR_RETURN(std::string bytes, blobs_.Get(e->sha256));
  const bool evaluation = IsEvaluationPath(path);
  const std::string what = std::string(evaluation ? "this evaluation" : "this run's explanations") + " (" + path + " of run " + run_id + ")";
  Json j = Json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return FailedPrecondition(what + " is malformed: not JSON");
  Status st = evaluation ? CheckEvaluationDocument(j) : CheckExplanationsDocument(j);
  if (!st.ok()) return FailedPrecondition(what + " is malformed: " + st.message());
  return std::optional<Json>(std::move(j));
}

Result<std::optional<Json>> ReportService::Evaluation(const tracking::Run& run, int64_t project_id, const std::string& name_in,
                                                      const std::string& baseline_run) {
  std::string name = name_in;
  if (!name.empty() && (name.size() > 64 || name.find_first_of("/\\.") != std::string::npos))
    return InvalidArgument("evaluation name must be 1 to 64 letters, digits, '_' or '-'");
  std::optional<Json> ev;
  if (name.empty()) {
    ASSIGN_OR_RETURN(ev, LoadDocument(run.info.run_id, "evaluations/eval.json"));
    if (ev) name = "eval";
    else {
      auto list = tracking_.ListArtifacts(run.info.run_id, "evaluations");
      if (list.ok())
        for (const auto& f : *list)
          if (!f.is_dir && f.path.ends_with(".json")) {
            ASSIGN_OR_RETURN(ev, LoadDocument(run.info.run_id, f.path));
            name = f.path.substr(12, f.path.size() - 12 - 5);
            break;
          }
    }
  } else {
    ASSIGN_OR_RETURN(ev, LoadDocument(run.info.run_id, "evaluations/" + name + ".json"));
  }
  if (!ev) {
    if (!name_in.empty()) return NotFound("run '" + run.info.run_id + "' has no evaluation named '" + name_in + "'");
    return std::optional<Json>();
  }
  Json& e = *ev;
  if (!e.contains("baselines") || !e["baselines"].is_object()) e["baselines"] = Json::object();
  if (!e["baselines"].contains("simple")) e["baselines"]["simple"] = nullptr;
  e["baselines"]["human"] = nullptr;
  e["baselines"]["human_note"] = "not available: no labeling agreement recorded";
  // Human-level: the labelers' agreement over the labeled data the run read (its dataset inputs).
  for (const tracking::RunInput& in : run.inputs) {
    size_t slash = in.ref.find('/'), at = in.ref.rfind("@v");
    if (in.kind != "dataset_version" || slash == std::string::npos || at == std::string::npos || at < slash) continue;
    auto p = projects_.GetProject(in.ref.substr(0, slash));
    auto n = ParseInt64(in.ref.substr(at + 2));
    if (!p.ok() || !n) continue;
    ASSIGN_OR_RETURN(std::optional<Json> human, label::HumanLevel(labels_, p->id, in.ref.substr(slash + 1, at - slash - 1), *n));
    if (!human) continue;
    e["baselines"]["human_note"] = "labelers' agreement in labeling project " + (*human)["labeling_project"].get<std::string>() + " (" +
                                   (*human)["labeled_version"].get<std::string>() + ")";
    e["baselines"]["human"] = std::move(*human);
    break;
  }
  const std::string artifact = "evaluations/" + name + ".json";
  auto summary = [&](const tracking::Run& r, const Json& other) {
    return Json{{"run_id", r.info.run_id}, {"run_name", r.info.run_name}, {"metrics", other.value("metrics", Json::object())},
                {"roc", other.value("roc", Json(nullptr))}, {"pr", other.value("pr", Json(nullptr))}};
  };
  Json previous = nullptr;
  if (!baseline_run.empty()) {
    ASSIGN_OR_RETURN(tracking::Run other, tracking_.GetRun(baseline_run));
    ASSIGN_OR_RETURN(tracking::Experiment oe, tracking_.GetExperiment(other.info.experiment_id));
    if (oe.project_id != project_id) return NotFound("run '" + baseline_run + "' not found in this project");
    ASSIGN_OR_RETURN(auto oev, LoadDocument(baseline_run, artifact));
    if (!oev) return InvalidArgument("baseline_run '" + baseline_run + "' has no evaluation named '" + name + "'");
    previous = summary(other, *oev);
    previous["chosen"] = "explicit";
  } else {
    tracking::RunSearchRequest q;
    q.experiment_ids = {run.info.experiment_id};
    q.order_by = {"attributes.start_time DESC"};
    q.max_results = 200;
    ASSIGN_OR_RETURN(auto page, tracking_.SearchRuns(q));
    int64_t start = run.info.start_time.value_or(0);
    std::set<std::string> keys = MetricNames(e);
    for (const auto& r : page.first) {
      if (r.info.run_id == run.info.run_id || r.info.start_time.value_or(0) > start) continue;
      if (r.info.start_time.value_or(0) == start && r.info.run_id > run.info.run_id) continue;
      // A malformed evaluation of another run is no baseline; it must not break this page.
      auto loaded = LoadDocument(r.info.run_id, artifact);
      if (!loaded.ok() && loaded.status().code() == StatusCode::kFailedPrecondition) continue;
      ASSIGN_OR_RETURN(auto oev, std::move(loaded));
      if (!oev || MetricNames(*oev) != keys) continue;
      previous = summary(r, *oev);
      previous["chosen"] = "latest earlier run";
      break;
    }
  }
  e["baselines"]["previous"] = previous;
  e["name"] = name;
  e["artifact"] = artifact;
  return ev;
}

Result<ReportInputs> ReportService::Inputs(const std::string& run_id, int64_t project_id, const std::string& lang, const std::string& task_name,
                                           const std::string& baseline_run) {
  ReportInputs in;
  in.lang = lang;
  in.generated_at = clock_.NowMillis();
  ASSIGN_OR_RETURN(in.run, tracking_.GetRun(run_id));
  ASSIGN_OR_RETURN(tracking::Experiment e, tracking_.GetExperiment(in.run.info.experiment_id));
  in.experiment = e.name;
  ASSIGN_OR_RETURN(project::Project p, projects_.GetProjectById(project_id));
  in.project = Json{{"name", p.name}, {"display_name", p.display_name}, {"description", p.description}};
  ASSIGN_OR_RETURN(auto task, TaskOf(in.run, project_id, task_name));
  if (task) {
    in.task = TaskSummary(*task);
    if (!task->acceptance_criteria.empty()) {
      ASSIGN_OR_RETURN(Json c, CheckCriteria(in.run, *task));
      in.criteria = c;
    }
  }
  ASSIGN_OR_RETURN(auto ev, Evaluation(in.run, project_id, "", baseline_run));
  if (ev) {
    in.evaluation = *ev;
    const Json& prev = (*ev)["baselines"]["previous"];
    if (prev.is_object()) in.previous = prev;
  }
  ASSIGN_OR_RETURN(in.explanations, LoadDocument(run_id, "explanations.json"));
  ASSIGN_OR_RETURN(auto pkgs, packages_.ListForRun(run_id));
  for (const auto& pk : pkgs) in.packages.push_back(PackageJson(pk));
  return in;
}

Result<std::vector<tracking::ArtifactEntry>> ReportService::AllFiles(const std::string& run_id) {
  std::vector<tracking::ArtifactEntry> out;
  std::vector<std::string> dirs = {""};
  while (!dirs.empty()) {
    std::string d = dirs.back();
    dirs.pop_back();
    ASSIGN_OR_RETURN(auto entries, tracking_.ListArtifacts(run_id, d));
    for (auto& f : entries) {
      if (f.is_dir) dirs.push_back(f.path);
      else out.push_back(std::move(f));
      if (out.size() > kMaxPackageFiles) return InvalidArgument("run has more than 10,000 artifacts; a package cannot list them all");
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

Result<ConfirmOutcome> ReportService::Confirm(const std::string& run_id, int64_t project_id, const std::string& task_name, const std::string& user) {
  ASSIGN_OR_RETURN(tracking::Run run, tracking_.GetRun(run_id));
  ASSIGN_OR_RETURN(auto task, TaskOf(run, project_id, task_name));
  if (!task) return InvalidArgument("name the task to confirm against: the run has no moebius.task tag and the project has several or no tasks");
  ASSIGN_OR_RETURN(Json check, CheckCriteria(run, *task));
  ConfirmOutcome out;
  out.criteria = check;
  out.passed = check["passed"].get<bool>();
  if (!out.passed) return out;
  ASSIGN_OR_RETURN(auto existing, packages_.ListForRun(run_id));
  for (const auto& pk : existing)
    if (pk.task_id == task->id)
      return AlreadyExists("run '" + run_id + "' is already confirmed for task '" + task->name + "' (package " + std::to_string(pk.id) + ")");

  ASSIGN_OR_RETURN(tracking::Experiment e, tracking_.GetExperiment(run.info.experiment_id));
  ASSIGN_OR_RETURN(project::Project p, projects_.GetProjectById(project_id));
  ASSIGN_OR_RETURN(auto files, AllFiles(run_id));
  ASSIGN_OR_RETURN(int64_t id, packages_.NextId());
  int64_t now = clock_.NowMillis();
  Json artifacts = Json::array();
  for (const auto& f : files) artifacts.push_back({{"path", f.path}, {"size", f.file_size}, {"sha256", f.sha256}, {"role", RoleOf(f.path)}});
  ASSIGN_OR_RETURN(auto ev, Evaluation(run, project_id, "", ""));
  Json lineage = Json::array(), code = Json::array(), params = Json::object(), metrics = Json::object();
  for (const auto& i : run.inputs) {
    Json detail = Json::parse(i.detail.empty() ? "{}" : i.detail, nullptr, false);
    lineage.push_back({{"kind", i.kind}, {"ref", i.ref}, {"detail", detail.is_discarded() ? Json(i.detail) : detail}});
  }
  Json environment = nullptr;
  for (const auto& t : run.tags) {
    if (IsCodeTag(t.key)) code.push_back({{"key", t.key}, {"value", t.value}});
    if (t.key == "moebius.environment") environment = t.value;
  }
  for (const auto& kv : run.params) params[kv.key] = kv.value;
  for (const auto& m : run.metrics) metrics[m.key] = std::isfinite(m.value) ? Json(m.value) : Json(nullptr);
  Json manifest{{"schema", "moebius.confirmed-package/1"},
                {"package_id", id},
                {"project", p.name},
                {"run", {{"id", run_id}, {"name", run.info.run_name}, {"experiment_id", run.info.experiment_id}, {"experiment", e.name}, {"status", run.info.status}}},
                {"task", {{"name", task->name}, {"domain", task->domain}, {"problem_type", task->problem_type}, {"primary_metric", task->primary_metric},
                          {"acceptance_criteria", task->acceptance_criteria}}},
                {"criteria_result", check},
                {"confirmed_by", user},
                {"confirmed_at", now},
                {"artifacts", artifacts},
                {"evaluation", ev ? Json{{"artifact", (*ev)["artifact"]}, {"metrics", (*ev)["metrics"]}} : Json(nullptr)},
                {"data_lineage", lineage},
                {"code", code},
                {"environment", environment},
                {"params", params},
                {"metrics", metrics}};
  ASSIGN_OR_RETURN(store::BlobInfo blob, blobs_.Put(manifest.dump(2)));
  ConfirmedPackage pkg;
  pkg.id = id;
  pkg.project_id = project_id;
  pkg.run_id = run_id;
  pkg.task_id = task->id;
  pkg.task_name = task->name;
  pkg.criteria = task->acceptance_criteria;
  pkg.criteria_result = check;
  pkg.manifest_sha256 = blob.sha256;
  pkg.manifest_size = blob.size;
  pkg.created_by = user;
  pkg.created_at = now;
  RETURN_IF_ERROR(packages_.Create(pkg));
  out.package = pkg;
  out.manifest = std::move(manifest);
  return out;
}

Result<Json> ReportService::Manifest(const ConfirmedPackage& p) {
  ASSIGN_OR_RETURN(std::string bytes, blobs_.Get(p.manifest_sha256));
  Json j = Json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return Internal("manifest of package " + std::to_string(p.id) + " is not JSON");
  return j;
}

Result<std::vector<data::ManifestEntry>> ReportService::ArchiveEntries(const ConfirmedPackage& p) {
  ASSIGN_OR_RETURN(Json manifest, Manifest(p));
  std::vector<data::ManifestEntry> entries;
  entries.push_back({"manifest.json", p.manifest_sha256, p.manifest_size, "{}"});
  for (const Json& a : manifest["artifacts"])
    entries.push_back({"artifacts/" + a["path"].get<std::string>(), a["sha256"].get<std::string>(), a["size"].get<int64_t>(), "{}"});
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return entries;
}

}  // namespace moebius::report
