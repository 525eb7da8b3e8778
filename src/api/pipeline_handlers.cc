// Components, pipelines and pipeline runs (EXP-3): CRUD of versioned components and pipelines,
// starting, listing and cancelling runs, and the step-IO routes the workers' hooks use
// (src/cli/job_step_io.cc). See docs/design/pipeline.md.
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/crypto.h"
#include "base/strings.h"
#include "data/data_store.h"
#include "jobs/job_store.h"
#include "pipeline/component_spec.h"
#include "pipeline/pipeline_scheduler.h"
#include "pipeline/pipeline_spec.h"
#include "pipeline/pipeline_store.h"
#include "project/project_service.h"

namespace moebius::api {

using auth::Permission;
using pipeline::DefKind;

namespace {

Json DefinitionJson(const pipeline::Definition& d) {
  return Json{{"name", d.name},         {"version", d.version},       {"hash", d.hash},
              {"definition", d.definition}, {"created_at", d.created_at}, {"created_by", d.created_by}};
}

Json StepJson(const pipeline::StepRecord& s) {
  Json inputs = Json::object();
  const Json wiring = s.resolved.value("wiring", Json::object());
  const Json resolved_inputs = s.resolved.value("inputs", Json::object());
  for (auto it = wiring.begin(); it != wiring.end(); ++it) {
    if (it->contains("dataset")) {
      Json in{{"from", (*it)["dataset"].get<std::string>() + "@v" + std::to_string((*it)["version"].get<int64_t>())},
              {"type", "dataset"}, {"dataset", (*it)["dataset"]}, {"version", (*it)["version"]}};
      if (resolved_inputs.contains(it.key())) in["identity"] = resolved_inputs[it.key()].value("identity", "");
      inputs[it.key()] = in;
      continue;
    }
    Json in{{"from", (*it)["step"].get<std::string>() + ".outputs." + (*it)["output"].get<std::string>()}};
    if (resolved_inputs.contains(it.key())) {
      in["sha256"] = resolved_inputs[it.key()]["sha256"];
      in["type"] = resolved_inputs[it.key()]["type"];
    }
    inputs[it.key()] = in;
  }
  Json out{{"name", s.name},
           {"component", s.component},
           {"component_version", s.component_version},
           {"kind", s.resolved.value("component", Json::object()).value("kind", "")},
           {"depends_on", s.depends_on},
           {"state", pipeline::StepStateName(s.state)},
           {"run_id", s.run_id},
           {"cache_key", s.cache_key},
           {"params", s.resolved.value("params", Json::object())},
           {"command", s.resolved.value("command", Json::array())},
           {"inputs", inputs},
           {"outputs", s.outputs},
           {"cached_from", s.cached_from},
           {"error", s.error},
           {"started_at", s.started_at},
           {"finished_at", s.finished_at}};
  out["job_id"] = s.job_id ? Json(*s.job_id) : Json(nullptr);
  return out;
}

Json RunJson(const pipeline::PipelineRun& r, const std::string& project) {
  Json out{{"id", r.id},
           {"project", project},
           {"pipeline", r.pipeline},
           {"pipeline_version", r.pipeline_version},
           {"params", r.params},
           {"cache", r.cache},
           {"state", pipeline::RunStateName(r.state)},
           {"run_id", r.run_id},
           {"experiment_id", r.experiment_id},
           {"error", r.error},
           {"created_at", r.created_at},
           {"finished_at", r.finished_at},
           {"created_by", r.created_by}};
  if (!r.steps.empty()) {
    Json steps = Json::array();
    Json counts = Json::object();
    for (const auto& s : r.steps) {
      steps.push_back(StepJson(s));
      counts[pipeline::StepStateName(s.state)] = counts.value(pipeline::StepStateName(s.state), 0) + 1;
    }
    out["steps"] = steps;
    out["step_counts"] = counts;
  } else {
    out["step_counts"] = r.step_counts;
  }
  return out;
}

Result<int64_t> PositiveId(RouteContext& ctx, const char* param, const char* what) {
  auto id = ParseInt64(ctx.Param(param));
  if (!id || *id < 1) return InvalidArgument(std::string(what) + " must be a positive integer, got '" + ctx.Param(param).substr(0, 40) + "'");
  return *id;
}

// The data versions of `project`, for checking pipeline steps' data version inputs.
pipeline::DataVersionLookup DataVersions(Services& s, int64_t project) {
  return [&s, project](const std::string& dataset, int64_t number) -> Result<Json> {
    ASSIGN_OR_RETURN(data::Dataset d, s.data.GetDataset(project, dataset));
    ASSIGN_OR_RETURN(data::Version v, s.data.GetVersion(d.id, number));
    return Json{{"dataset_id", d.id}, {"version_id", v.id}, {"number", v.number}};
  };
}

ProjectResolver PipelineRunFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "id", "pipeline run id"));
    ASSIGN_OR_RETURN(pipeline::PipelineRun r, s.pipelines.GetRun(id));
    return std::vector<int64_t>{r.project_id};
  };
}

ProjectResolver StepJobFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "job", "job id"));
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Get(id));
    return std::vector<int64_t>{j.spec.project_id};
  };
}

Result<std::optional<int64_t>> VersionOf(RouteContext& ctx) {
  auto v = ParseInt64(ctx.Param("version"));
  if (!v || *v < 1) return InvalidArgument("version must be a positive integer, got '" + ctx.Param("version").substr(0, 40) + "'");
  return std::optional<int64_t>(*v);
}

// CRUD routes shared by components and pipelines.
void RegisterDefinitionRoutes(Router& r, Services& s, DefKind kind) {
  const bool comp = kind == DefKind::kComponent;
  const std::string plural = comp ? "components" : "pipelines";
  const std::string singular = comp ? "component" : "pipeline";
  const std::string base = "/api/v1/projects/{project}/" + plural;

  auto save = [&s, kind, comp, singular](RouteContext& ctx, const Json& body) -> Result<HttpResponse> {
    int64_t project = ctx.project_ids.at(0);
    Json normalized;
    if (comp) {
      ASSIGN_OR_RETURN(normalized, pipeline::NormalizeComponent(body));
    } else {
      auto lookup = [&s, project](const std::string& name, std::optional<int64_t> v) {
        return s.pipelines.Get(DefKind::kComponent, project, name, v);
      };
      ASSIGN_OR_RETURN(normalized, pipeline::NormalizePipeline(body, lookup, DataVersions(s, project)));
    }
    ASSIGN_OR_RETURN(auto saved, s.pipelines.Save(kind, project, normalized, ctx.user().username));
    return JsonResponse(Json{{singular, DefinitionJson(saved.first)}, {"created", saved.second}});
  };

  r.Add("POST", base, Permission::kJobRun, ProjectFromPath(s), [save](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    return save(ctx, *body);
  });
  // A new version under the name in the path (the body's name, if any, must agree).
  r.Add("PUT", base + "/{name}", Permission::kJobRun, ProjectFromPath(s), [save, singular](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    Json b = *body;
    if (!b.is_object()) return InvalidArgument("a " + singular + " definition must be a JSON object");
    if (b.contains("name") && b["name"] != ctx.Param("name"))
      return InvalidArgument("the " + singular + " name in the body must match the path ('" + ctx.Param("name") + "')");
    b["name"] = ctx.Param("name");
    return save(ctx, b);
  });
  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&s, kind, plural](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto list, s.pipelines.ListLatest(kind, ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& d : list) out.push_back(DefinitionJson(d));
    return JsonResponse(Json{{plural, out}});
  });
  r.Add("GET", base + "/{name}", Permission::kProjectRead, ProjectFromPath(s), [&s, kind, singular](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto versions, s.pipelines.Versions(kind, ctx.project_ids.at(0), ctx.Param("name")));
    Json vs = Json::array();
    for (const auto& d : versions) vs.push_back({{"version", d.version}, {"hash", d.hash}, {"created_at", d.created_at}, {"created_by", d.created_by}});
    return JsonResponse(Json{{singular, DefinitionJson(versions.front())}, {"versions", vs}});
  });
  r.Add("GET", base + "/{name}/versions/{version}", Permission::kProjectRead, ProjectFromPath(s),
        [&s, kind, singular](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(auto v, VersionOf(ctx));
          ASSIGN_OR_RETURN(auto d, s.pipelines.Get(kind, ctx.project_ids.at(0), ctx.Param("name"), v));
          return JsonResponse(Json{{singular, DefinitionJson(d)}});
        });
  r.Add("DELETE", base + "/{name}", Permission::kJobRun, ProjectFromPath(s), [&s, kind](RouteContext& ctx) -> Result<HttpResponse> {
    RETURN_IF_ERROR(s.pipelines.Delete(kind, ctx.project_ids.at(0), ctx.Param("name")));
    return JsonResponse(Json::object());
  });
}

}  // namespace

void RegisterPipelineRoutes(Router& r, Services& s) {
  RegisterDefinitionRoutes(r, s, DefKind::kComponent);
  RegisterDefinitionRoutes(r, s, DefKind::kPipeline);

  r.Add("POST", "/api/v1/projects/{project}/pipelines/{name}/runs", Permission::kJobRun, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("the body must be an object {parameters, version, cache}");
          for (auto it = body->begin(); it != body->end(); ++it)
            if (it.key() != "parameters" && it.key() != "version" && it.key() != "cache")
              return InvalidArgument("unknown field '" + it.key().substr(0, 64) + "' (known: parameters, version, cache)");
          pipeline::StartRequest rq;
          rq.project_id = ctx.project_ids.at(0);
          rq.project = ctx.Param("project");
          rq.pipeline = ctx.Param("name");
          rq.params = body->value("parameters", Json::object());
          ASSIGN_OR_RETURN(auto version, OptInt(*body, "version"));
          if (version && *version < 1) return InvalidArgument("version must be a positive integer");
          rq.version = version;
          ASSIGN_OR_RETURN(auto cache, OptBool(*body, "cache"));
          rq.cache = cache.value_or(true);
          rq.user = ctx.user().username;
          rq.data = DataVersions(s, rq.project_id);
          ASSIGN_OR_RETURN(pipeline::PipelineRun run, s.pipeline_runs.Start(rq));
          return JsonResponse(Json{{"run", RunJson(run, rq.project)}});
        });

  auto list_runs = [&s](RouteContext& ctx, const std::string& pipeline) -> Result<HttpResponse> {
    int limit = 100;
    if (auto l = ctx.req.Query("limit")) {
      auto v = ParseInt64(*l);
      if (!v || *v < 1 || *v > 1000) return InvalidArgument("limit must be between 1 and 1000");
      limit = static_cast<int>(*v);
    }
    ASSIGN_OR_RETURN(auto runs, s.pipelines.ListRuns(ctx.project_ids.at(0), pipeline, limit));
    Json out = Json::array();
    for (const auto& run : runs) out.push_back(RunJson(run, ctx.Param("project")));
    return JsonResponse(Json{{"runs", out}});
  };
  r.Add("GET", "/api/v1/projects/{project}/pipelines/{name}/runs", Permission::kProjectRead, ProjectFromPath(s),
        [&s, list_runs](RouteContext& ctx) -> Result<HttpResponse> {
          RETURN_IF_ERROR(s.pipelines.Versions(DefKind::kPipeline, ctx.project_ids.at(0), ctx.Param("name")).status());
          return list_runs(ctx, ctx.Param("name"));
        });
  r.Add("GET", "/api/v1/projects/{project}/pipeline-runs", Permission::kProjectRead, ProjectFromPath(s),
        [list_runs](RouteContext& ctx) -> Result<HttpResponse> { return list_runs(ctx, ""); });

  r.Add("GET", "/api/v1/pipeline-runs/{id}", Permission::kProjectRead, PipelineRunFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "id", "pipeline run id"));
    ASSIGN_OR_RETURN(pipeline::PipelineRun run, s.pipelines.GetRun(id));
    ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(run.project_id));
    return JsonResponse(Json{{"run", RunJson(run, p.name)}});
  });
  r.Add("POST", "/api/v1/pipeline-runs/{id}/cancel", Permission::kJobRun, PipelineRunFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "id", "pipeline run id"));
    ASSIGN_OR_RETURN(pipeline::PipelineRun run, s.pipeline_runs.Cancel(id, ctx.user().username));
    ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(run.project_id));
    return JsonResponse(Json{{"run", RunJson(run, p.name)}});
  });

  // ---- step IO for the workers' hooks (the job's own token)
  r.Add("GET", "/api/v1/jobs/{job}/step-inputs", Permission::kProjectRead, StepJobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "job", "job id"));
    ASSIGN_OR_RETURN(Json inputs, s.pipeline_runs.InputsOfJob(id));
    return JsonResponse(Json{{"inputs", inputs}});
  });
  r.Add("GET", "/api/v1/jobs/{job}/step-blobs/{sha256}", Permission::kProjectRead, StepJobFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "job", "job id"));
          const std::string& sha = ctx.Param("sha256");
          ASSIGN_OR_RETURN(Json inputs, s.pipeline_runs.InputsOfJob(id));
          bool listed = false;
          for (auto it = inputs.begin(); it != inputs.end() && !listed; ++it)
            for (const Json& f : (*it)["files"])
              if (f.value("sha256", "") == sha) listed = true;
          if (!listed) return NotFound("content " + sha.substr(0, 64) + " is not an input of job " + std::to_string(id));
          ASSIGN_OR_RETURN(std::string bytes, s.blobs.Get(sha));
          HttpResponse resp;
          resp.content_type = "application/octet-stream";
          resp.body = std::move(bytes);
          return resp;
        });
  r.Add("PUT", "/api/v1/jobs/{job}/step-blobs", Permission::kJobRun, StepJobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "job", "job id"));
    RETURN_IF_ERROR(s.pipelines.StepOfJob(id).status());
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Get(id));
    if (j.state != jobs::JobState::kRunning) return FailedPrecondition("job " + std::to_string(id) + " is not running");
    if (ctx.req.body.size() > s.limits.max_artifact_bytes) return TooLarge("a step output file exceeds the upload limit");
    ASSIGN_OR_RETURN(store::BlobInfo blob, s.blobs.Put(ctx.req.body));
    return JsonResponse(Json{{"sha256", blob.sha256}, {"size", blob.size}});
  }, RouteOptions{.audit = false});  // content-addressed; the step-outputs call that records it is audited
  r.Add("POST", "/api/v1/jobs/{job}/step-outputs", Permission::kJobRun, StepJobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, PositiveId(ctx, "job", "job id"));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object() || !body->contains("outputs")) return InvalidArgument("missing required field 'outputs'");
    ASSIGN_OR_RETURN(Json recorded, s.pipeline_runs.RecordOutputs(id, (*body)["outputs"]));
    return JsonResponse(Json{{"outputs", recorded}});
  });
}

}  // namespace moebius::api
