#include "orchestration/job_service.h"

#include <cstdio>

#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/log.h"
#include "base/strings.h"
#include "data/data_store.h"
#include "envcode/code_store.h"
#include "envcode/environment_store.h"
#include "jobs/job_store.h"
#include "orchestration/job_request.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::orchestration {
namespace {

constexpr size_t kMaxDataInputs = 32;

// kNotFound from a lookup of something the request names is the request's fault: 400.
Status AsBadInput(const Status& st, const std::string& field) {
  if (st.ok()) return st;
  if (st.code() == StatusCode::kNotFound || st.code() == StatusCode::kInvalidArgument)
    return InvalidArgument(field + ": " + st.message());
  return st;
}

// The experiment the submit body names, by id or name, in the job's project; created when no
// experiment has that name.
Result<tracking::Experiment> ExperimentFor(tracking::TrackingStore& tracking, int64_t project_id, const Json& value) {
  auto in_project = [&](const tracking::Experiment& e, const std::string& what) -> Result<tracking::Experiment> {
    if (e.project_id != project_id) return InvalidArgument("experiment " + what + " belongs to another project");
    if (e.lifecycle_stage != "active") return InvalidArgument("experiment " + what + " is deleted");
    return e;
  };
  if (value.is_number_integer()) {
    auto e = tracking.GetExperiment(value.get<int64_t>());
    RETURN_IF_ERROR(AsBadInput(e.status(), "experiment"));
    return in_project(*e, std::to_string(value.get<int64_t>()));
  }
  if (!value.is_string() || value.get<std::string>().empty()) return InvalidArgument("experiment must be an experiment name or id");
  std::string text = value.get<std::string>();
  auto e = tracking.GetExperimentByName(text);
  if (e.ok()) return in_project(*e, "'" + text + "'");
  if (e.status().code() != StatusCode::kNotFound) return e.status();
  if (auto id = ParseInt64(text); id && *id >= 0) {  // "7": the id of an experiment with no such name
    auto byid = tracking.GetExperiment(*id);
    if (byid.ok()) return in_project(*byid, text);
  }
  auto created = tracking.CreateExperiment(project_id, text, "", {});
  RETURN_IF_ERROR(AsBadInput(created.status(), "experiment"));
  return *created;
}

Status RequireInProject(auth::AuthService& auth, const auth::User& user, int64_t project_id, auth::Permission p,
                        const std::string& what) {
  if (user.global_role == auth::Role::kAdmin) return Status::Ok();
  ASSIGN_OR_RETURN(auto role, auth.RoleInProject(user.id, project_id));
  if (!role || !auth::RoleHas(*role, p))
    return PermissionDenied(what + " needs the '" + auth::InfoOf(p).name + "' permission in the job's project");
  return Status::Ok();
}

}  // namespace

Status JobService::CheckDataInputs(int64_t project_id, Json& payload) {
  if (!payload.contains("data")) return Status::Ok();
  Json& data = payload["data"];
  if (!data.is_array())
    return InvalidArgument("payload.data must be a list of {\"dataset\": NAME, \"version\": N, \"path\": \"data/NAME\"}");
  if (data.size() > kMaxDataInputs) return InvalidArgument("payload.data may name at most 32 data versions");
  std::vector<std::string> paths;
  for (size_t i = 0; i < data.size(); ++i) {
    Json& e = data[i];
    std::string field = "payload.data[" + std::to_string(i) + "]";
    if (!e.is_object()) return InvalidArgument(field + " must be an object {dataset, version, path}");
    for (auto it = e.begin(); it != e.end(); ++it)
      if (it.key() != "dataset" && it.key() != "version" && it.key() != "path")
        return InvalidArgument(field + " has an unknown field '" + it.key() + "' (known: dataset, version, path)");
    if (!e.contains("dataset") || !e["dataset"].is_string() || e["dataset"].get<std::string>().empty())
      return InvalidArgument(field + ".dataset must be a dataset name of the job's project");
    if (!e.contains("version") || !e["version"].is_number_integer() || e["version"].get<int64_t>() < 1)
      return InvalidArgument(field + ".version must be a positive integer (the version number)");
    std::string name = e["dataset"].get<std::string>();
    int64_t number = e["version"].get<int64_t>();
    auto dataset = d_.data.GetDataset(project_id, name);
    RETURN_IF_ERROR(AsBadInput(dataset.status(), field + ".dataset"));
    RETURN_IF_ERROR(AsBadInput(d_.data.GetVersion(dataset->id, number).status(), field + ".version"));
    if (!e.contains("path")) e["path"] = "data/" + name;
    if (!e["path"].is_string()) return InvalidArgument(field + ".path must be a string");
    std::string path = e["path"].get<std::string>();
    RETURN_IF_ERROR(CheckRelativePath(path, field + ".path"));
    for (const auto& other : paths)
      if (other == path || StartsWith(path, other + "/") || StartsWith(other, path + "/"))
        return InvalidArgument(field + ".path '" + path + "' overlaps the path of another data input '" + other + "'");
    paths.push_back(path);
  }
  return Status::Ok();
}

Result<std::optional<envcode::Environment>> JobService::ResolveEnvironment(int64_t project_id, const Json& p) {
  using Found = std::optional<envcode::Environment>;
  if (!p.is_object()) return Found();
  if (!p.contains("environment")) {
    if (p.contains("environment_revision")) return InvalidArgument("payload.environment_revision needs payload.environment");
    return Found();
  }
  if (!p["environment"].is_string()) return InvalidArgument("payload.environment must be the name of an environment of the project");
  std::optional<int64_t> revision;
  if (p.contains("environment_revision")) {
    if (!p["environment_revision"].is_number_integer() || p["environment_revision"].get<int64_t>() < 1)
      return InvalidArgument("payload.environment_revision must be a positive integer");
    revision = p["environment_revision"].get<int64_t>();
  }
  auto env = d_.environments.Get(project_id, p["environment"].get<std::string>(), revision);
  if (!env.ok()) {
    if (env.status().code() == StatusCode::kNotFound)
      return InvalidArgument("payload.environment: " + env.status().message() + " in this project");
    return env.status();
  }
  return Found(std::move(*env));
}

Result<std::optional<envcode::Environment>> JobService::PinEnvironmentAndCode(jobs::JobSpec& spec) {
  Json& p = spec.payload;
  if (!p.is_object()) return std::optional<envcode::Environment>();  // the payload check reports it
  ASSIGN_OR_RETURN(auto env, ResolveEnvironment(spec.project_id, p));
  if (env) p["environment_revision"] = env->revision;
  if (p.contains("code")) {
    if (!p["code"].is_string()) return InvalidArgument("payload.code must be a code snapshot id (64 hex digits or a unique prefix)");
    auto snap = d_.code.Get(spec.project_id, p["code"].get<std::string>());
    if (!snap.ok()) return InvalidArgument("payload.code: " + snap.status().message());
    p["code"] = snap->id;
  }
  return env;
}

Result<envcode::Environment> JobService::PinnedEnvironment(const jobs::Job& j) {
  const Json& p = j.spec.payload;
  if (!p.contains("environment") || !p["environment"].is_string()) return NotFound("the job has no payload.environment");
  std::optional<int64_t> revision;
  if (p.contains("environment_revision") && p["environment_revision"].is_number_integer()) revision = p["environment_revision"].get<int64_t>();
  return d_.environments.Get(j.spec.project_id, p["environment"].get<std::string>(), revision, true);
}

Result<jobs::JobSpec> JobService::SpecFromBody(int64_t project_id, const Json& body) {
  if (!body.is_object()) return InvalidArgument("a job must be a JSON object");
  jobs::JobSpec spec;
  spec.project_id = project_id;
  ASSIGN_OR_RETURN(auto kind, OptString(body, "kind"));
  spec.kind = kind.value_or("command");
  // Only commands run today; the built-in trainers and study trials come with their workers.
  if (spec.kind != "command") return InvalidArgument("job kind '" + spec.kind + "' is not supported; supported kinds: command");
  ASSIGN_OR_RETURN(auto name, OptString(body, "name"));
  spec.name = name.value_or("");
  if (body.contains("payload")) spec.payload = body["payload"];
  RETURN_IF_ERROR(ValidateCommandPayload(spec.payload));
  ASSIGN_OR_RETURN(auto env, PinEnvironmentAndCode(spec));
  // The environment's resources are the default; the request's fields override them.
  if (env) spec.resources = {env->spec.cpus, env->spec.memory_mb, env->spec.gpus};
  ASSIGN_OR_RETURN(auto priority, OptInt(body, "priority"));
  if (priority) {
    if (*priority < -1000 || *priority > 1000) return InvalidArgument("priority must be between -1000 and 1000");
    spec.priority = static_cast<int>(*priority);
  }
  ASSIGN_OR_RETURN(spec.resources, ResourcesOf(body, "resources", spec.resources));
  ASSIGN_OR_RETURN(auto attempts, OptInt(body, "max_attempts"));
  if (attempts) {
    if (*attempts < 1 || *attempts > 100) return InvalidArgument("max_attempts must be between 1 and 100");
    spec.max_attempts = static_cast<int>(*attempts);
  }
  ASSIGN_OR_RETURN(auto timeout, OptInt(body, "timeout_s"));
  spec.timeout_s = timeout.value_or(0);
  RETURN_IF_ERROR(CheckDataInputs(project_id, spec.payload));
  if (body.contains("run_name") && !body["run_name"].is_string()) return InvalidArgument("run_name must be a string");
  RETURN_IF_ERROR(GroupSpecFromBody(body).status());
  return spec;
}

Result<std::optional<jobs::Job>> JobService::FindByDedupKey(const std::string& key) { return d_.jobs.FindByDedupKey(key); }

Result<Submission> JobService::Submit(const auth::User& user, int64_t project_id, const Json& body, const std::string& dedup_key) {
  // Before anything is created: a redone submission finds the job (and run) of the first.
  ASSIGN_OR_RETURN(std::optional<jobs::Job> done, d_.jobs.FindByDedupKey(dedup_key));
  if (done) return Submission{*done, {*done}};
  ASSIGN_OR_RETURN(jobs::JobSpec spec, SpecFromBody(project_id, body));
  spec.dedup_key = dedup_key;
  ASSIGN_OR_RETURN(auto gspec, GroupSpecFromBody(body));
  // Data versions were checked above; the run (created from `experiment`) comes last, so that
  // nothing is created for a request that is refused.
  ASSIGN_OR_RETURN(std::string new_run, PrepareRun(user, body, spec));
  Submission out;
  if (gspec) {
    auto ranks = d_.jobs.EnqueueGroup(spec, *gspec, user.username);
    if (!ranks.ok()) {
      DiscardRun(new_run);
      return ranks.status();
    }
    out.ranks = std::move(*ranks);
  } else {
    auto job = d_.jobs.Enqueue(spec, user.username);
    if (!job.ok()) {
      DiscardRun(new_run);
      return job.status();
    }
    out.ranks = {std::move(*job)};
  }
  out.job = out.ranks.front();
  if (Status st = LinkRun(out.job); !st.ok()) {
    // The job is queued and its run exists; only the tag or the lineage is missing.
    log::Warn("job " + std::to_string(out.job.id) + ": linking its run: " + st.ToString());
  }
  return out;
}

Result<jobs::Job> JobService::SubmitSpec(jobs::JobSpec spec, const std::string& username) {
  ASSIGN_OR_RETURN(std::optional<jobs::Job> done, d_.jobs.FindByDedupKey(spec.dedup_key));
  if (done) return std::move(*done);
  if (spec.kind == "command") RETURN_IF_ERROR(ValidateCommandPayload(spec.payload));
  RETURN_IF_ERROR(PinEnvironmentAndCode(spec).status());
  RETURN_IF_ERROR(CheckDataInputs(spec.project_id, spec.payload));
  Json& p = spec.payload;
  if (p.contains("run_id")) {
    if (!p["run_id"].is_string()) return InvalidArgument("payload.run_id must be a run id");
    ASSIGN_OR_RETURN(tracking::Run run, d_.tracking.GetRun(p["run_id"].get<std::string>()));
    ASSIGN_OR_RETURN(tracking::Experiment e, d_.tracking.GetExperiment(run.info.experiment_id));
    if (e.project_id != spec.project_id) return InvalidArgument("payload.run_id names a run of another project");
    if (run.info.lifecycle_stage != "active") return InvalidArgument("payload.run_id names a deleted run");
    p["experiment_id"] = std::to_string(run.info.experiment_id);
  }
  ASSIGN_OR_RETURN(jobs::Job job, d_.jobs.Enqueue(spec, username));
  if (Status st = LinkRun(job); !st.ok()) log::Warn("job " + std::to_string(job.id) + ": linking its run: " + st.ToString());
  return job;
}

Result<std::string> JobService::PrepareRun(const auth::User& user, const Json& body, jobs::JobSpec& spec) {
  Json& p = spec.payload;
  bool has_experiment = body.contains("experiment") && !body["experiment"].is_null();
  if (body.contains("run_name") && !has_experiment) return InvalidArgument("run_name needs experiment (the run is created in it)");
  if (p.contains("experiment_id") && !p.contains("run_id"))
    return InvalidArgument("payload.experiment_id is filled in by the server from payload.run_id or experiment");
  if (has_experiment && p.contains("run_id"))
    return InvalidArgument("give either experiment (a new run is created) or payload.run_id (an existing run), not both");
  if (p.contains("run_id")) {
    if (!p["run_id"].is_string() || p["run_id"].get<std::string>().empty()) return InvalidArgument("payload.run_id must be a run id");
    auto run = d_.tracking.GetRun(p["run_id"].get<std::string>());
    RETURN_IF_ERROR(AsBadInput(run.status(), "payload.run_id"));
    ASSIGN_OR_RETURN(tracking::Experiment e, d_.tracking.GetExperiment(run->info.experiment_id));
    if (e.project_id != spec.project_id) return InvalidArgument("payload.run_id names a run of another project");
    if (run->info.lifecycle_stage != "active") return InvalidArgument("payload.run_id names a deleted run");
    RETURN_IF_ERROR(RequireInProject(d_.auth, user, spec.project_id, auth::Permission::kExperimentWrite, "a job that runs a tracking run"));
    p["experiment_id"] = std::to_string(run->info.experiment_id);
    return std::string();
  }
  if (!has_experiment) return std::string();
  RETURN_IF_ERROR(RequireInProject(d_.auth, user, spec.project_id, auth::Permission::kExperimentWrite, "a job that creates a run"));
  std::string run_name;
  if (body.contains("run_name")) run_name = body["run_name"].get<std::string>();  // a string: SpecFromBody checked it
  ASSIGN_OR_RETURN(tracking::Experiment e, ExperimentFor(d_.tracking, spec.project_id, body["experiment"]));
  auto run = d_.tracking.CreateRun(e.experiment_id, user.username, run_name, std::nullopt, {});
  RETURN_IF_ERROR(AsBadInput(run.status(), "run_name"));
  p["run_id"] = run->info.run_id;
  p["experiment_id"] = std::to_string(e.experiment_id);
  return run->info.run_id;
}

Status JobService::LinkRun(const jobs::Job& job) {
  const Json& p = job.spec.payload;
  if (!p.contains("run_id") || !p["run_id"].is_string()) return Status::Ok();
  return LinkRunTo(job, p["run_id"].get<std::string>());
}

Status JobService::LinkRunTo(const jobs::Job& job, const std::string& run_id) {
  const Json& p = job.spec.payload;
  RETURN_IF_ERROR(d_.tracking.LogBatch(run_id, {}, {}, {{"moebius.job_id", std::to_string(job.id)}}));
  if (!p.contains("data")) return Status::Ok();
  ASSIGN_OR_RETURN(project::Project proj, d_.projects.GetProjectById(job.spec.project_id));
  for (const Json& e : p["data"]) {
    ASSIGN_OR_RETURN(data::Dataset ds, d_.data.GetDataset(job.spec.project_id, e["dataset"].get<std::string>()));
    ASSIGN_OR_RETURN(data::Version v, d_.data.GetVersion(ds.id, e["version"].get<int64_t>()));
    // The same reference and detail as POST /api/v1/runs/{run}/inputs, plus where the job put it.
    RETURN_IF_ERROR(d_.tracking.LogInput(run_id, {"dataset_version", proj.name + "/" + ds.name + "@" + v.Name(),
                                                  Json{{"items", v.item_count}, {"status", v.status}, {"path", e["path"]}}.dump()}));
  }
  return Status::Ok();
}

Status JobService::LinkRunOfCaller(const auth::Principal& caller, const std::string& run_id) {
  if (caller.credential_kind != "token" || caller.credential_id.empty()) return Status::Ok();
  auto token = d_.auth.GetToken(caller.user.id, caller.credential_id);
  if (!token.ok()) return token.status().code() == StatusCode::kNotFound ? Status::Ok() : token.status();
  // "job-<id>-<attempt>", as the server's issue_token hook names them (src/app/server_main.cc).
  int64_t job_id = 0;
  unsigned long long id = 0, attempt = 0;
  char tail = 0;
  if (std::sscanf(token->name.c_str(), "job-%llu-%llu%c", &id, &attempt, &tail) == 2) job_id = static_cast<int64_t>(id);
  if (job_id == 0) return Status::Ok();
  ASSIGN_OR_RETURN(jobs::Job job, d_.jobs.Get(job_id));
  ASSIGN_OR_RETURN(tracking::Run run, d_.tracking.GetRun(run_id));
  ASSIGN_OR_RETURN(tracking::Experiment e, d_.tracking.GetExperiment(run.info.experiment_id));
  // A run elsewhere is not the job's to claim; nor is a token of someone else's named like a
  // job's (the job's tokens are its submitter's).
  if (e.project_id != job.spec.project_id || job.created_by != caller.user.username) return Status::Ok();
  return LinkRunTo(job, run_id);
}

void JobService::DiscardRun(const std::string& run_id) {
  if (run_id.empty()) return;
  tracking::RunUpdate up;
  up.status = "FAILED";
  up.end_time = d_.clock.NowMillis();
  auto st = d_.tracking.UpdateRun(run_id, up).status();
  if (st.ok()) st = d_.tracking.SetRunLifecycle(run_id, true);
  if (!st.ok()) log::Warn("discarding run " + run_id + " of a job that was not queued: " + st.ToString());
}

void JobService::EndJobRun(const jobs::Job& job) {
  const Json& p = job.spec.payload;
  if (!p.is_object() || !p.contains("run_id") || !p["run_id"].is_string()) return;
  std::string run_id = p["run_id"].get<std::string>();
  auto run = d_.tracking.GetRun(run_id);
  if (!run.ok()) {
    log::Warn("job " + std::to_string(job.id) + ": its run " + run_id + ": " + run.status().ToString());
    return;
  }
  // Why it failed, on the run too (issue 17): the run page, the runs table and MLflow clients
  // show it without reading the job.
  const bool failed = job.state == jobs::JobState::kFailed || job.state == jobs::JobState::kTimedOut;
  if (failed && !job.error.empty()) {
    auto st = d_.tracking.LogBatch(run_id, {}, {}, {{"moebius.failure_reason", job.error.substr(0, 1000)}});
    if (!st.ok()) log::Warn("job " + std::to_string(job.id) + ": its run's failure reason: " + st.ToString());
  }
  if (run->info.status != "RUNNING" && run->info.status != "SCHEDULED") return;  // the job set it itself
  tracking::RunUpdate up;
  up.status = job.state == jobs::JobState::kSucceeded ? "FINISHED" : job.state == jobs::JobState::kCancelled ? "KILLED" : "FAILED";
  up.end_time = job.finished_at > 0 ? job.finished_at : d_.clock.NowMillis();
  auto st = d_.tracking.UpdateRun(run_id, up);
  if (!st.ok()) log::Warn("job " + std::to_string(job.id) + ": ending its run " + run_id + ": " + st.status().ToString());
}

}  // namespace moebius::orchestration
