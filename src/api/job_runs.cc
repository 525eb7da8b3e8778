#include "api/job_runs.h"

#include "api/envcode_jobs.h"

#include "api/resolvers.h"
#include "base/json.h"
#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/log.h"
#include "base/strings.h"
#include "data/data_store.h"
#include "jobs/job_store.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {
namespace {

constexpr size_t kMaxDataInputs = 32;

// kNotFound from a lookup of something the request names is the request's fault: 400.
Status AsBadInput(const Status& st, const std::string& field) {
  if (st.ok()) return st;
  if (st.code() == StatusCode::kNotFound || st.code() == StatusCode::kInvalidArgument)
    return InvalidArgument(field + ": " + st.message());
  return st;
}

Status CheckRelativePath(const std::string& path, const std::string& field) {
  if (path.empty() || path.size() > 512) return InvalidArgument(field + " must be 1 to 512 characters");
  if (path.front() == '/') return InvalidArgument(field + " must be relative to the job's directory, got '" + path + "'");
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos)
    return InvalidArgument(field + " must not contain NUL bytes or backslashes");
  for (const auto& seg : Split(path, '/'))
    if (seg.empty() || seg == "." || seg == "..")
      return InvalidArgument(field + " must not contain empty, '.' or '..' segments, got '" + path + "'");
  return Status::Ok();
}

}  // namespace

Status CheckDataInputs(Services& s, int64_t project_id, Json& payload) {
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
    auto d = s.data.GetDataset(project_id, name);
    RETURN_IF_ERROR(AsBadInput(d.status(), field + ".dataset"));
    RETURN_IF_ERROR(AsBadInput(s.data.GetVersion(d->id, number).status(), field + ".version"));
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

namespace {

Status RequireInProject(Services& s, const auth::User& user, int64_t project_id, auth::Permission p, const std::string& what) {
  if (user.global_role == auth::Role::kAdmin) return Status::Ok();
  ASSIGN_OR_RETURN(auto role, s.auth.RoleInProject(user.id, project_id));
  if (!role || !auth::RoleHas(*role, p))
    return PermissionDenied(what + " needs the '" + auth::InfoOf(p).name + "' permission in the job's project");
  return Status::Ok();
}

// The experiment the submit body names, by id or name, in the job's project; created when no
// experiment has that name.
Result<tracking::Experiment> ExperimentFor(Services& s, int64_t project_id, const Json& value) {
  auto in_project = [&](const tracking::Experiment& e, const std::string& what) -> Result<tracking::Experiment> {
    if (e.project_id != project_id) return InvalidArgument("experiment " + what + " belongs to another project");
    if (e.lifecycle_stage != "active") return InvalidArgument("experiment " + what + " is deleted");
    return e;
  };
  if (value.is_number_integer()) {
    auto e = s.tracking.GetExperiment(value.get<int64_t>());
    RETURN_IF_ERROR(AsBadInput(e.status(), "experiment"));
    return in_project(*e, std::to_string(value.get<int64_t>()));
  }
  if (!value.is_string() || value.get<std::string>().empty()) return InvalidArgument("experiment must be an experiment name or id");
  std::string text = value.get<std::string>();
  auto e = s.tracking.GetExperimentByName(text);
  if (e.ok()) return in_project(*e, "'" + text + "'");
  if (e.status().code() != StatusCode::kNotFound) return e.status();
  if (auto id = ParseInt64(text); id && *id >= 0) {  // "7": the id of an experiment with no such name
    auto byid = s.tracking.GetExperiment(*id);
    if (byid.ok()) return in_project(*byid, text);
  }
  auto created = s.tracking.CreateExperiment(project_id, text, "", {});
  RETURN_IF_ERROR(AsBadInput(created.status(), "experiment"));
  return *created;
}

// What a command job runs: {"command": ["python3", "train.py", ...], "env": {"K": "V"}}.
Status ValidateCommandPayload(const Json& p) {
  if (!p.is_object() || !p.contains("command") || !p["command"].is_array() || p["command"].empty())
    return InvalidArgument("a command job needs payload.command: a non-empty list of strings, e.g. [\"python3\", \"train.py\"]");
  for (const Json& a : p["command"])
    if (!a.is_string() || a.get<std::string>().find('\0') != std::string::npos)
      return InvalidArgument("payload.command must hold strings without NUL bytes");
  if (p.contains("env")) {
    if (!p["env"].is_object()) return InvalidArgument("payload.env must be an object of strings");
    for (auto it = p["env"].begin(); it != p["env"].end(); ++it)
      if (!it->is_string() || it.key().empty() || it.key().find('=') != std::string::npos)
        return InvalidArgument("payload.env must map names (without '=') to strings");
  }
  return Status::Ok();
}

}  // namespace

Result<jobs::Resources> JobResourcesOf(const Json& body, const char* key, jobs::Resources r) {
  if (!body.contains(key)) return r;
  const Json& o = body[key];
  if (!o.is_object()) return InvalidArgument(std::string("field '") + key + "' must be an object {cpus, memory_mb, gpus}");
  ASSIGN_OR_RETURN(auto cpus, OptDouble(o, "cpus"));
  ASSIGN_OR_RETURN(auto memory, OptInt(o, "memory_mb"));
  ASSIGN_OR_RETURN(auto gpus, OptInt(o, "gpus"));
  if (cpus) r.cpus = *cpus;
  if (memory) r.memory_mb = *memory;
  if (gpus) r.gpus = *gpus;
  return r;
}

Result<jobs::JobSpec> JobSpecFromBody(Services& s, int64_t project_id, const Json& body) {
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
  RETURN_IF_ERROR(ApplyJobEnvironmentAndCode(s, spec));  // payload.environment, payload.code (envcode_jobs.h)
  ASSIGN_OR_RETURN(auto priority, OptInt(body, "priority"));
  if (priority) {
    if (*priority < -1000 || *priority > 1000) return InvalidArgument("priority must be between -1000 and 1000");
    spec.priority = static_cast<int>(*priority);
  }
  ASSIGN_OR_RETURN(spec.resources, JobResourcesOf(body, "resources", spec.resources));
  ASSIGN_OR_RETURN(auto attempts, OptInt(body, "max_attempts"));
  if (attempts) {
    if (*attempts < 1 || *attempts > 100) return InvalidArgument("max_attempts must be between 1 and 100");
    spec.max_attempts = static_cast<int>(*attempts);
  }
  ASSIGN_OR_RETURN(auto timeout, OptInt(body, "timeout_s"));
  spec.timeout_s = timeout.value_or(0);
  RETURN_IF_ERROR(CheckDataInputs(s, project_id, spec.payload));
  if (body.contains("run_name") && !body["run_name"].is_string()) return InvalidArgument("run_name must be a string");
  RETURN_IF_ERROR(GroupSpecFromBody(body).status());
  return spec;
}

Result<std::optional<jobs::GroupSpec>> GroupSpecFromBody(const Json& body) {
  if (!body.contains("distributed") || body["distributed"].is_null()) return std::optional<jobs::GroupSpec>();
  const Json& d = body["distributed"];
  if (!d.is_object()) return InvalidArgument("distributed must be an object {\"workers\": N, \"rendezvous_timeout_s\": T}");
  for (auto it = d.begin(); it != d.end(); ++it)
    if (it.key() != "workers" && it.key() != "rendezvous_timeout_s")
      return InvalidArgument("distributed has an unknown field '" + it.key() + "' (known: workers, rendezvous_timeout_s)");
  auto int_field = [&d](const char* key) -> Result<std::optional<int64_t>> {
    if (!d.contains(key) || d[key].is_null()) return std::optional<int64_t>();
    if (!d[key].is_number_integer()) return InvalidArgument(std::string("distributed.") + key + " must be an integer");
    return std::optional<int64_t>(d[key].get<int64_t>());
  };
  ASSIGN_OR_RETURN(auto workers, int_field("workers"));
  if (!workers) return InvalidArgument("distributed.workers is required: the number of ranks (2 to 64; 1 is an ordinary job)");
  if (*workers < 1 || *workers > 64) return InvalidArgument("distributed.workers must be between 1 and 64, got " + std::to_string(*workers));
  ASSIGN_OR_RETURN(auto timeout, int_field("rendezvous_timeout_s"));
  if (timeout && (*timeout < 1 || *timeout > 86400)) return InvalidArgument("distributed.rendezvous_timeout_s must be between 1 and 86400");
  if (*workers == 1) return std::optional<jobs::GroupSpec>();
  jobs::GroupSpec g;
  g.world_size = static_cast<int>(*workers);
  g.rendezvous_timeout_s = timeout.value_or(300);
  return std::optional<jobs::GroupSpec>(g);
}

Result<jobs::Job> SubmitJob(Services& s, const auth::User& user, int64_t project_id, const Json& body, std::vector<jobs::Job>* group,
                            const std::string& dedup_key) {
  // Before anything is created: a redone submission finds the job (and run) of the first.
  ASSIGN_OR_RETURN(std::optional<jobs::Job> done, s.jobs.FindByDedupKey(dedup_key));
  if (done) {
    if (group) *group = {*done};
    return std::move(*done);
  }
  ASSIGN_OR_RETURN(jobs::JobSpec spec, JobSpecFromBody(s, project_id, body));
  spec.dedup_key = dedup_key;
  ASSIGN_OR_RETURN(auto gspec, GroupSpecFromBody(body));
  // Data versions were checked above; the run (created from `experiment`) comes last, so that
  // nothing is created for a request that is refused.
  ASSIGN_OR_RETURN(std::string new_run, PrepareJobRun(s, user, body, spec));
  Result<jobs::Job> queued = InvalidArgument("not queued");
  if (gspec) {
    auto ranks = s.jobs.EnqueueGroup(spec, *gspec, user.username);
    if (ranks.ok()) {
      queued = (*ranks)[0];
      if (group) *group = std::move(*ranks);
    } else {
      queued = ranks.status();
    }
  } else {
    queued = s.jobs.Enqueue(spec, user.username);
    if (queued.ok() && group) *group = {*queued};
  }
  if (!queued.ok()) {
    DiscardJobRun(s, new_run);
    return queued.status();
  }
  if (Status st = LinkJobRun(s, *queued); !st.ok()) {
    // The job is queued and its run exists; only the tag or the lineage is missing.
    log::Warn("job " + std::to_string(queued->id) + ": linking its run: " + st.ToString());
  }
  return std::move(*queued);
}

Result<std::string> PrepareJobRun(Services& s, const auth::User& user, const Json& body, jobs::JobSpec& spec) {
  Json& p = spec.payload;
  bool has_experiment = body.contains("experiment") && !body["experiment"].is_null();
  if (body.contains("run_name") && !has_experiment) return InvalidArgument("run_name needs experiment (the run is created in it)");
  if (p.contains("experiment_id") && !p.contains("run_id"))
    return InvalidArgument("payload.experiment_id is filled in by the server from payload.run_id or experiment");
  if (has_experiment && p.contains("run_id"))
    return InvalidArgument("give either experiment (a new run is created) or payload.run_id (an existing run), not both");
  if (p.contains("run_id")) {
    if (!p["run_id"].is_string() || p["run_id"].get<std::string>().empty()) return InvalidArgument("payload.run_id must be a run id");
    auto run = s.tracking.GetRun(p["run_id"].get<std::string>());
    RETURN_IF_ERROR(AsBadInput(run.status(), "payload.run_id"));
    ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperiment(run->info.experiment_id));
    if (e.project_id != spec.project_id) return InvalidArgument("payload.run_id names a run of another project");
    if (run->info.lifecycle_stage != "active") return InvalidArgument("payload.run_id names a deleted run");
    RETURN_IF_ERROR(RequireInProject(s, user, spec.project_id, auth::Permission::kExperimentWrite, "a job that runs a tracking run"));
    p["experiment_id"] = std::to_string(run->info.experiment_id);
    return std::string();
  }
  if (!has_experiment) return std::string();
  RETURN_IF_ERROR(RequireInProject(s, user, spec.project_id, auth::Permission::kExperimentWrite, "a job that creates a run"));
  std::string run_name;
  if (body.contains("run_name")) {
    if (!body["run_name"].is_string()) return InvalidArgument("run_name must be a string");
    run_name = body["run_name"].get<std::string>();
  }
  ASSIGN_OR_RETURN(tracking::Experiment e, ExperimentFor(s, spec.project_id, body["experiment"]));
  auto run = s.tracking.CreateRun(e.experiment_id, user.username, run_name, std::nullopt, {});
  RETURN_IF_ERROR(AsBadInput(run.status(), "run_name"));
  p["run_id"] = run->info.run_id;
  p["experiment_id"] = std::to_string(e.experiment_id);
  return run->info.run_id;
}

Status LinkJobRun(Services& s, const jobs::Job& job) {
  const Json& p = job.spec.payload;
  if (!p.contains("run_id") || !p["run_id"].is_string()) return Status::Ok();
  std::string run_id = p["run_id"].get<std::string>();
  RETURN_IF_ERROR(s.tracking.LogBatch(run_id, {}, {}, {{"moebius.job_id", std::to_string(job.id)}}));
  if (!p.contains("data")) return Status::Ok();
  ASSIGN_OR_RETURN(project::Project proj, s.projects.GetProjectById(job.spec.project_id));
  for (const Json& e : p["data"]) {
    ASSIGN_OR_RETURN(data::Dataset d, s.data.GetDataset(job.spec.project_id, e["dataset"].get<std::string>()));
    ASSIGN_OR_RETURN(data::Version v, s.data.GetVersion(d.id, e["version"].get<int64_t>()));
    // The same reference and detail as POST /api/v1/runs/{run}/inputs, plus where the job put it.
    RETURN_IF_ERROR(s.tracking.LogInput(run_id, {"dataset_version", proj.name + "/" + d.name + "@" + v.Name(),
                                                 Json{{"items", v.item_count}, {"status", v.status}, {"path", e["path"]}}.dump()}));
  }
  return Status::Ok();
}

void DiscardJobRun(Services& s, const std::string& run_id) {
  if (run_id.empty()) return;
  tracking::RunUpdate up;
  up.status = "FAILED";
  up.end_time = s.clock.NowMillis();
  auto st = s.tracking.UpdateRun(run_id, up).status();
  if (st.ok()) st = s.tracking.SetRunLifecycle(run_id, true);
  if (!st.ok()) log::Warn("discarding run " + run_id + " of a job that was not queued: " + st.ToString());
}

void EndJobRun(Services& s, const jobs::Job& job) {
  const Json& p = job.spec.payload;
  if (!p.is_object() || !p.contains("run_id") || !p["run_id"].is_string()) return;
  std::string run_id = p["run_id"].get<std::string>();
  auto run = s.tracking.GetRun(run_id);
  if (!run.ok()) {
    log::Warn("job " + std::to_string(job.id) + ": its run " + run_id + ": " + run.status().ToString());
    return;
  }
  if (run->info.status != "RUNNING" && run->info.status != "SCHEDULED") return;  // the job set it itself
  tracking::RunUpdate up;
  up.status = job.state == jobs::JobState::kSucceeded ? "FINISHED" : job.state == jobs::JobState::kCancelled ? "KILLED" : "FAILED";
  up.end_time = job.finished_at > 0 ? job.finished_at : s.clock.NowMillis();
  auto st = s.tracking.UpdateRun(run_id, up);
  if (!st.ok()) log::Warn("job " + std::to_string(job.id) + ": ending its run " + run_id + ": " + st.status().ToString());
}

}  // namespace moebius::api
