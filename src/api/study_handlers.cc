// Studies (EXP-5): hyperparameter searches whose trials run as jobs, each trial a run. The
// driver (src/hpo/study_driver.h) does the work; these routes create, read and stop studies and
// serve the data behind their plots.
#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "hpo/builtin_trainers.h"
#include "hpo/study_driver.h"
#include "hpo/study_plots.h"
#include "hpo/study_store.h"
#include "project/project_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

Json TrialJson(const hpo::TrialRecord& t) {
  Json im = Json::array();
  for (const auto& [step, v] : t.intermediate) im.push_back(Json::array({step, DoubleJson(v)}));
  return {{"number", t.number},
          {"state", t.state},
          {"params", t.params},
          {"value", t.value ? DoubleJson(*t.value) : Json(nullptr)},
          {"intermediate", im},
          {"run_id", t.run_id},
          {"job_id", t.job_id},
          {"error", t.error},
          {"created_at", t.created_at},
          {"finished_at", t.finished_at}};
}

// The study with its trial counts and best trial.
Json StudyJson(const hpo::StudyRecord& s, const std::string& project, const std::vector<hpo::TrialRecord>& trials) {
  Json counts = {{"running", 0}, {"complete", 0}, {"pruned", 0}, {"failed", 0}};
  const bool maximize = s.spec["objective"].value("goal", "minimize") == "maximize";
  const hpo::TrialRecord* best = nullptr;
  for (const auto& t : trials) {
    if (counts.contains(t.state)) counts[t.state] = counts[t.state].get<int64_t>() + 1;
    if (t.state == "complete" && t.value && (!best || (maximize ? *t.value > *best->value : *t.value < *best->value))) best = &t;
  }
  Json out = {{"id", s.id},
              {"project_id", s.project_id},
              {"project", project},
              {"name", s.name},
              {"experiment_id", s.experiment_id},
              {"parent_run_id", s.parent_run_id},
              {"state", hpo::StudyStateName(s.state)},
              {"error", s.error},
              {"created_by", s.created_by},
              {"created_at", s.created_at},
              {"finished_at", s.finished_at},
              {"spec", s.spec},
              {"n_trials", s.spec["n_trials"]},
              {"objective", s.spec["objective"]},
              {"sampler", s.spec["sampler"].value("type", "")},
              {"pruner", s.spec["pruner"].value("type", "")},
              {"trial_counts", counts}};
  out["best_trial"] = best ? TrialJson(*best) : Json(nullptr);
  return out;
}

Result<int64_t> StudyId(RouteContext& ctx) {
  auto id = ParseInt64(ctx.Param("study"));
  if (!id || *id < 1) return InvalidArgument("study id must be a positive integer, got '" + ctx.Param("study").substr(0, 40) + "'");
  return *id;
}

ProjectResolver StudyFromPath(hpo::StudyStore& store) {
  return [&store](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t id, StudyId(ctx));
    ASSIGN_OR_RETURN(hpo::StudyRecord st, store.Get(id));
    return std::vector<int64_t>{st.project_id};
  };
}

Result<Json> StudyOut(Services& s, hpo::StudyStore& store, const hpo::StudyRecord& st) {
  ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(st.project_id));
  ASSIGN_OR_RETURN(auto trials, store.Trials(st.id));
  return StudyJson(st, p.name, trials);
}

}  // namespace

void RegisterStudyRoutes(Router& r, Services& s, hpo::StudyStore& store, hpo::StudyDriver& driver) {
  const std::string base = "/api/v1/projects/{project}/studies";

  // The built-in trainers a study's AutoML algorithms may name (hpo/builtin_trainers.h).
  r.Add("GET", "/api/v1/trainers", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    Json out = Json::array();
    for (const auto& t : hpo::BuiltinTrainers()) out.push_back(Json{{"name", t.name}, {"description", t.description}, {"space", t.space}, {"args", t.args}});
    return JsonResponse(Json{{"trainers", out}});
  });

  r.Add("POST", base, Permission::kJobRun, ProjectFromPath(s), [&s, &store, &driver](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(hpo::StudyRecord st, driver.Create(ctx.project_ids.at(0), *body, ctx.user().username));
    ASSIGN_OR_RETURN(Json out, StudyOut(s, store, st));
    return JsonResponse(Json{{"study", out}});
  });

  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&store](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto list, store.List(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& st : list) {
      ASSIGN_OR_RETURN(auto trials, store.Trials(st.id));
      Json j = StudyJson(st, ctx.Param("project"), trials);
      j.erase("spec");
      out.push_back(j);
    }
    return JsonResponse(Json{{"studies", out}});
  });

  r.Add("GET", "/api/v1/studies/{study}", Permission::kProjectRead, StudyFromPath(store), [&s, &store](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, StudyId(ctx));
    ASSIGN_OR_RETURN(hpo::StudyRecord st, store.Get(id));
    ASSIGN_OR_RETURN(Json out, StudyOut(s, store, st));
    return JsonResponse(Json{{"study", out}});
  });

  r.Add("GET", "/api/v1/studies/{study}/trials", Permission::kProjectRead, StudyFromPath(store), [&store](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, StudyId(ctx));
    ASSIGN_OR_RETURN(auto trials, store.Trials(id));
    Json out = Json::array();
    for (const auto& t : trials) out.push_back(TrialJson(t));
    return JsonResponse(Json{{"trials", out}});
  });

  r.Add("POST", "/api/v1/studies/{study}/stop", Permission::kJobRun, StudyFromPath(store), [&s, &store, &driver](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, StudyId(ctx));
    ASSIGN_OR_RETURN(hpo::StudyRecord st, driver.Stop(id, ctx.user().username));
    ASSIGN_OR_RETURN(Json out, StudyOut(s, store, st));
    return JsonResponse(Json{{"study", out}});
  });

  r.Add("GET", "/api/v1/studies/{study}/plots", Permission::kProjectRead, StudyFromPath(store), [&store](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, StudyId(ctx));
    ASSIGN_OR_RETURN(hpo::StudyRecord st, store.Get(id));
    ASSIGN_OR_RETURN(auto trials, store.Trials(id));
    ASSIGN_OR_RETURN(Json plots, hpo::StudyPlots(st, trials, ctx.req.Query("x").value_or(""), ctx.req.Query("y").value_or("")));
    return JsonResponse(Json{{"plots", plots}});
  });
}

}  // namespace moebius::api
