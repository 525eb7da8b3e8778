#include "pipeline/pipeline_scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <set>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "pipeline/component_spec.h"
#include "pipeline/pipeline_spec.h"

namespace moebius::pipeline {
namespace {

const Json* FindNamed(const Json& list, const std::string& name) {
  for (const Json& e : list)
    if (e["name"] == name) return &e;
  return nullptr;
}

bool SafeRelativePath(const std::string& p) {
  if (p.empty() || p.size() > 1024 || p[0] == '/' || p.find('\0') != std::string::npos || p.find('\\') != std::string::npos) return false;
  for (const auto& seg : Split(p, '/'))
    if (seg.empty() || seg == "." || seg == "..") return false;
  return true;
}

}  // namespace

Result<PipelineRun> PipelineScheduler::Start(const StartRequest& rq) {
  ASSIGN_OR_RETURN(Definition p, store_.Get(DefKind::kPipeline, rq.project_id, rq.pipeline, rq.version));
  ASSIGN_OR_RETURN(Json params, ResolvePipelineParams(p.definition, rq.params));
  PipelineRun run;
  run.project_id = rq.project_id;
  run.pipeline = p.name;
  run.pipeline_version = p.version;
  run.params = params;
  run.cache = rq.cache;
  run.created_by = rq.user;
  int ordinal = 0;
  for (const Json& s : p.definition["steps"]) {
    StepRecord step;
    step.name = s["name"];
    step.ordinal = ordinal++;
    std::optional<int64_t> v;
    if (!s["version"].is_null()) v = s["version"].get<int64_t>();
    auto comp = store_.Get(DefKind::kComponent, rq.project_id, s["component"], v);
    if (!comp.ok()) return InvalidArgument("step '" + step.name + "': " + comp.status().message());
    step.component = comp->name;
    step.component_version = comp->version;
    for (const Json& d : s["after"]) step.depends_on.push_back(d);
    ASSIGN_OR_RETURN(Json sp, ResolveStepParams(s, comp->definition, params));
    // The component may have changed since the pipeline was saved (NAME@latest): its inputs must
    // still be wired and exist.
    for (const Json& ci : comp->definition["inputs"])
      if (!ci["optional"].get<bool>() && !s["inputs"].contains(ci["name"].get<std::string>()))
        return InvalidArgument("step '" + step.name + "': input '" + ci["name"].get<std::string>() + "' of component " + comp->name + "@" +
                               std::to_string(comp->version) + " is not wired; save the pipeline again");
    for (auto it = s["inputs"].begin(); it != s["inputs"].end(); ++it)
      if (!FindNamed(comp->definition["inputs"], it.key()))
        return InvalidArgument("step '" + step.name + "': component " + comp->name + "@" + std::to_string(comp->version) +
                               " has no input '" + it.key() + "'; save the pipeline again");
    // Data version inputs: they must still exist; pinned by dataset and version id.
    Json data = Json::object();
    for (auto it = s["inputs"].begin(); it != s["inputs"].end(); ++it) {
      if (!it->contains("dataset")) continue;
      ASSIGN_OR_RETURN(Json found, CheckDataVersion(rq.data, step.name, it.key(), (*it)["dataset"], (*it)["version"].get<int64_t>()));
      found["dataset"] = (*it)["dataset"];
      found["version"] = (*it)["version"];
      data[it.key()] = found;
    }
    ASSIGN_OR_RETURN(Json command, ExpandCommand(comp->definition, sp));
    step.resolved = {{"component_hash", comp->hash}, {"component", comp->definition}, {"params", sp}, {"command", command},
                     {"wiring", s["inputs"]}, {"data", data}, {"cache", s["cache"]}};
    run.steps.push_back(std::move(step));
  }
  // Wiring of outputs: the upstream components were resolved too; check the outputs still exist.
  std::map<std::string, const StepRecord*> by_name;
  for (const auto& s : run.steps) by_name[s.name] = &s;
  for (const auto& s : run.steps)
    for (auto it = s.resolved["wiring"].begin(); it != s.resolved["wiring"].end(); ++it) {
      if (!it->contains("step")) continue;  // a data version
      const StepRecord* up = by_name.at((*it)["step"].get<std::string>());
      if (!FindNamed(up->resolved["component"]["outputs"], (*it)["output"].get<std::string>()))
        return InvalidArgument("step '" + s.name + "': component " + up->component + "@" + std::to_string(up->component_version) +
                               " of step '" + up->name + "' has no output '" + (*it)["output"].get<std::string>() + "'; save the pipeline again");
    }

  // The parent tracking run.
  std::string exp_name = rq.project + "/pipeline/" + p.name;
  auto exp = tracking_.GetExperimentByName(exp_name);
  if (!exp.ok() && exp.status().code() == StatusCode::kNotFound)
    exp = tracking_.CreateExperiment(rq.project_id, exp_name, "", {{"moebius.pipeline", p.name}});
  if (!exp.ok()) return exp.status();
  if (exp->project_id != rq.project_id) return Internal("experiment '" + exp_name + "' belongs to another project");
  run.experiment_id = exp->experiment_id;
  ASSIGN_OR_RETURN(tracking::Run parent,
                   tracking_.CreateRun(exp->experiment_id, rq.user, p.name + " v" + std::to_string(p.version), clock_.NowMillis(),
                                       {{"moebius.pipeline", p.name}, {"moebius.pipeline_version", std::to_string(p.version)}}));
  run.run_id = parent.info.run_id;
  std::vector<tracking::KeyValue> kv;
  for (auto it = params.begin(); it != params.end(); ++it) kv.push_back({it.key(), ParamText(*it)});
  if (!kv.empty()) RETURN_IF_ERROR(tracking_.LogBatch(run.run_id, {}, kv, {}));
  RETURN_IF_ERROR(store_.CreateRun(run));
  RETURN_IF_ERROR(tracking_.LogBatch(run.run_id, {}, {}, {{"moebius.pipeline_run", std::to_string(run.id)}}));
  {
    std::lock_guard lock(mu_);
    Status st = Advance(run.id);
    if (!st.ok()) log::Warn("pipeline run " + std::to_string(run.id) + ": " + st.ToString());
  }
  return store_.GetRun(run.id);
}

void PipelineScheduler::EndTrackingRun(const std::string& run_id, const char* status) {
  if (run_id.empty()) return;
  auto r = tracking_.GetRun(run_id);
  if (!r.ok() || r->info.status != "RUNNING") return;
  tracking::RunUpdate u;
  u.status = status;
  u.end_time = clock_.NowMillis();
  auto st = tracking_.UpdateRun(run_id, u);
  if (!st.ok()) log::Warn("pipeline: ending tracking run " + run_id + ": " + st.status().ToString());
}

Result<PipelineRun> PipelineScheduler::Cancel(int64_t id, const std::string& user) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(PipelineRun run, store_.GetRun(id));
  ASSIGN_OR_RETURN(bool changed, store_.FinishRun(id, RunState::kCancelled, "cancelled by " + user));
  if (!changed) return FailedPrecondition("pipeline run " + std::to_string(id) + " already ended (" + RunStateName(run.state) + ")");
  for (auto& s : run.steps) {
    if (s.state == StepState::kPending) {
      s.state = StepState::kSkipped;
      s.error = "the pipeline run was cancelled";
    } else if (s.state == StepState::kQueued || s.state == StepState::kRunning) {
      if (s.job_id) {
        auto j = jobs_.Cancel(*s.job_id, user);
        if (!j.ok() && j.status().code() != StatusCode::kFailedPrecondition) log::Warn("pipeline cancel: job: " + j.status().ToString());
      }
      s.state = StepState::kCancelled;
      s.error = "cancelled by " + user;
      EndTrackingRun(s.run_id, "KILLED");
    } else {
      continue;
    }
    s.finished_at = clock_.NowMillis();
    RETURN_IF_ERROR(store_.UpdateStep(s));
  }
  EndTrackingRun(run.run_id, "KILLED");
  return store_.GetRun(id);
}

Status PipelineScheduler::Tick() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto ids, store_.ActiveRunIds());
  for (int64_t id : ids) {
    Status st = Advance(id);
    if (!st.ok()) {
      log::Warn("pipeline run " + std::to_string(id) + ": " + st.ToString());
      if (st.code() != StatusCode::kUnavailable && st.code() != StatusCode::kInternal) {
        auto ended = store_.FinishRun(id, RunState::kFailed, st.message());
        if (ended.ok() && *ended) {
          auto run = store_.GetRun(id);
          if (run.ok()) EndTrackingRun(run->run_id, "FAILED");
        }
      }
    }
  }
  return Status::Ok();
}

void PipelineScheduler::Run(std::stop_token stop, int64_t period_ms) {
  std::mutex m;
  std::condition_variable_any cv;
  while (!stop.stop_requested()) {
    Status st = Tick();
    if (!st.ok()) log::Warn("pipeline scheduler: " + st.ToString());
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, std::chrono::milliseconds(period_ms), [] { return false; });
  }
}

Status PipelineScheduler::StartStep(PipelineRun& run, StepRecord& step, const std::map<std::string, StepRecord*>& by_name) {
  const Json& comp = step.resolved["component"];
  // Inputs: the recorded outputs of the upstream steps.
  // Data versions: in the job's payload.data, under inputs/<name>.
  Json inputs = Json::object(), hashes = Json::object(), data = Json::array();
  for (auto it = step.resolved["wiring"].begin(); it != step.resolved["wiring"].end(); ++it) {
    if (!it->contains("dataset")) continue;
    const Json d = step.resolved.value("data", Json::object()).value(it.key(), Json::object());
    if (!d.contains("dataset_id")) {
      step.state = StepState::kFailed;
      step.error = "input '" + it.key() + "': the data version was not resolved when the run started";
      step.finished_at = clock_.NowMillis();
      return store_.UpdateStep(step);
    }
    std::string identity = "dataset:" + std::to_string(d["dataset_id"].get<int64_t>()) + "@v" + std::to_string(d["number"].get<int64_t>());
    inputs[it.key()] = {{"type", "dataset"}, {"dataset", d["dataset"]}, {"version", d["version"]}, {"dataset_id", d["dataset_id"]},
                        {"version_id", d["version_id"]}, {"identity", identity}};
    hashes[it.key()] = identity;
    data.push_back({{"dataset", d["dataset"]}, {"version", d["version"]}, {"path", "inputs/" + it.key()}});
  }
  for (auto it = step.resolved["wiring"].begin(); it != step.resolved["wiring"].end(); ++it) {
    if (!it->contains("step")) continue;
    const StepRecord* up = by_name.at((*it)["step"].get<std::string>());
    std::string out = (*it)["output"];
    if (!up->outputs.contains(out)) {
      step.state = StepState::kFailed;
      step.error = "input '" + it.key() + "': step '" + up->name + "' recorded no output '" + out + "'";
      step.finished_at = clock_.NowMillis();
      return store_.UpdateStep(step);
    }
    inputs[it.key()] = up->outputs[out];
    hashes[it.key()] = up->outputs[out]["sha256"];
  }
  step.resolved["inputs"] = inputs;
  // The environment revision is resolved now and pinned on the job, so the cache key names what
  // the step runs with: a new revision of the environment runs the step again.
  std::string environment = comp.value("environment", "");
  std::string environment_ref;
  int64_t environment_revision = 0;
  if (!environment.empty()) {
    auto env = launcher_.ResolveEnvironment(run.project_id, Json{{"environment", environment}});
    if (!env.ok()) {
      step.state = StepState::kFailed;
      step.error = "environment '" + environment + "': " + env.status().message();
      step.finished_at = clock_.NowMillis();
      return store_.UpdateStep(step);
    }
    environment_revision = (*env)->revision;
    environment_ref = environment + "@" + std::to_string(environment_revision);
  }
  step.cache_key = CacheKey(step.resolved["component_hash"], step.resolved["params"], hashes, environment_ref, "");
  if (run.cache && step.resolved.value("cache", true)) {
    ASSIGN_OR_RETURN(auto hit, store_.FindCached(run.project_id, step.cache_key));
    bool usable = hit.has_value();
    if (usable)
      for (auto it = hit->outputs.begin(); it != hit->outputs.end() && usable; ++it)
        for (const Json& f : (*it)["files"])
          if (!blobs_.Exists(f["sha256"].get<std::string>())) usable = false;
    if (usable) {
      step.state = StepState::kCached;
      step.outputs = hit->outputs;
      step.run_id = hit->run_id;
      step.cached_from = std::to_string(hit->pipeline_run_id) + "/" + hit->name;
      step.started_at = step.finished_at = clock_.NowMillis();
      return store_.UpdateStep(step);
    }
  }
  // A child tracking run and a command job, keyed by the step: if a crash came between queueing
  // the job and recording it here, the job (and its run) from before the crash is taken up.
  const std::string dedup_key = "pipeline:" + std::to_string(run.id) + ":" + step.name;
  ASSIGN_OR_RETURN(std::optional<jobs::Job> queued, launcher_.FindByDedupKey(dedup_key));
  if (queued) {
    step.state = StepState::kQueued;
    step.job_id = queued->id;
    step.run_id = queued->spec.payload.value("run_id", "");
    return store_.UpdateStep(step);
  }
  ASSIGN_OR_RETURN(tracking::Run child, tracking_.CreateRun(run.experiment_id, run.created_by, run.pipeline + "/" + step.name,
                                                           clock_.NowMillis(),
                                                           {{"mlflow.parentRunId", run.run_id},
                                                            {"moebius.pipeline_run", std::to_string(run.id)},
                                                            {"moebius.pipeline_step", step.name},
                                                            {"moebius.component", step.component + "@" + std::to_string(step.component_version)}}));
  std::vector<tracking::KeyValue> kv;
  for (auto it = step.resolved["params"].begin(); it != step.resolved["params"].end(); ++it) kv.push_back({it.key(), ParamText(*it)});
  if (!kv.empty()) RETURN_IF_ERROR(tracking_.LogBatch(child.info.run_id, {}, kv, {}));
  Json env = comp.value("env", Json::object());
  env["MOEBIUS_PIPELINE_RUN"] = std::to_string(run.id);
  env["MOEBIUS_PIPELINE_STEP"] = step.name;
  Json in_names = Json::array();
  for (auto it = inputs.begin(); it != inputs.end(); ++it) in_names.push_back(it.key());
  Json outs = Json::array();
  for (const Json& o : comp["outputs"]) outs.push_back({{"name", o["name"]}, {"type", o["type"]}});
  jobs::JobSpec spec;
  spec.project_id = run.project_id;
  spec.kind = "command";
  spec.name = run.pipeline + "#" + std::to_string(run.id) + "/" + step.name;
  spec.payload = {{"command", step.resolved["command"]},
                  {"env", env},
                  {"run_id", child.info.run_id},  // the worker sets MLFLOW_RUN_ID and MLFLOW_EXPERIMENT_ID
                  {"experiment_id", std::to_string(run.experiment_id)},
                  {"pipeline_step", {{"pipeline_run", run.id}, {"step", step.name}, {"inputs", in_names}, {"outputs", outs}}}};
  if (!environment.empty()) {
    spec.payload["environment"] = environment;
    spec.payload["environment_revision"] = environment_revision;
  }
  if (!data.empty()) spec.payload["data"] = data;
  spec.resources = {comp["resources"]["cpus"].get<double>(), comp["resources"]["memory_mb"].get<int64_t>(),
                    comp["resources"]["gpus"].get<int64_t>()};
  spec.max_attempts = comp["max_attempts"].get<int>();
  spec.timeout_s = comp["timeout_s"].get<int64_t>();
  spec.dedup_key = dedup_key;
  // Through the JobService: the environment and code are pinned, the data versions checked, and
  // the child run records the job and its data versions (lineage).
  auto job = launcher_.SubmitSpec(spec, run.created_by);
  if (!job.ok()) {
    step.state = StepState::kFailed;
    step.error = "cannot queue the step's job: " + job.status().message();
    step.run_id = child.info.run_id;
    step.finished_at = clock_.NowMillis();
    EndTrackingRun(child.info.run_id, "FAILED");
    return store_.UpdateStep(step);
  }
  step.state = StepState::kQueued;
  step.job_id = job->id;
  step.run_id = child.info.run_id;
  return store_.UpdateStep(step);
}

Status PipelineScheduler::Advance(int64_t id) {
  ASSIGN_OR_RETURN(PipelineRun run, store_.GetRun(id));
  if (run.state != RunState::kRunning) return Status::Ok();
  std::map<std::string, StepRecord*> by_name;
  for (auto& s : run.steps) by_name[s.name] = &s;
  for (auto& step : run.steps) {
    if (step.state == StepState::kPending) {
      bool ready = true;
      std::string blocked;
      for (const auto& d : step.depends_on) {
        StepState ds = by_name.at(d)->state;
        if (ds == StepState::kFailed || ds == StepState::kSkipped || ds == StepState::kCancelled) blocked = d;
        else if (!IsStepDone(ds)) ready = false;
      }
      if (!blocked.empty()) {
        step.state = StepState::kSkipped;
        step.error = "step '" + blocked + "' did not succeed";
        step.finished_at = clock_.NowMillis();
        RETURN_IF_ERROR(store_.UpdateStep(step));
      } else if (ready) {
        RETURN_IF_ERROR(StartStep(run, step, by_name));
      }
    } else if ((step.state == StepState::kQueued || step.state == StepState::kRunning) && step.job_id) {
      ASSIGN_OR_RETURN(jobs::Job job, jobs_.Get(*step.job_id));
      StepRecord before = step;
      switch (job.state) {
        case jobs::JobState::kQueued: step.state = StepState::kQueued; break;
        case jobs::JobState::kRunning:
          step.state = StepState::kRunning;
          if (!step.started_at) step.started_at = job.started_at;
          break;
        case jobs::JobState::kSucceeded: {
          std::string missing;
          for (const Json& o : step.resolved["component"]["outputs"])
            if (!step.outputs.contains(o["name"].get<std::string>())) missing += (missing.empty() ? "" : ", ") + o["name"].get<std::string>();
          step.state = missing.empty() ? StepState::kSucceeded : StepState::kFailed;
          if (!missing.empty()) step.error = "job " + std::to_string(job.id) + " succeeded but reported no output " + missing;
          break;
        }
        case jobs::JobState::kCancelled:
          step.state = StepState::kCancelled;
          step.error = "job " + std::to_string(job.id) + " was cancelled" + (job.error.empty() ? "" : ": " + job.error);
          break;
        case jobs::JobState::kFailed:
        case jobs::JobState::kTimedOut:
          step.state = StepState::kFailed;
          step.error = "job " + std::to_string(job.id) + " " + jobs::JobStateName(job.state) + (job.error.empty() ? "" : ": " + job.error);
          break;
      }
      if (IsStepFinal(step.state)) {
        step.finished_at = job.finished_at ? job.finished_at : clock_.NowMillis();
        if (!step.started_at) step.started_at = job.started_at;
        EndTrackingRun(step.run_id, step.state == StepState::kSucceeded ? "FINISHED" : step.state == StepState::kCancelled ? "KILLED" : "FAILED");
      }
      if (step.state != before.state || step.started_at != before.started_at) RETURN_IF_ERROR(store_.UpdateStep(step));
    }
  }
  bool all_final = true;
  std::string failed, cancelled;
  for (const auto& s : run.steps) {
    if (!IsStepFinal(s.state)) all_final = false;
    if (s.state == StepState::kFailed && failed.empty()) failed = "step '" + s.name + "' failed: " + s.error;
    if (s.state == StepState::kCancelled && cancelled.empty()) cancelled = "step '" + s.name + "' was cancelled";
  }
  if (!all_final) return Status::Ok();
  RunState end = !failed.empty() ? RunState::kFailed : !cancelled.empty() ? RunState::kCancelled : RunState::kSucceeded;
  ASSIGN_OR_RETURN(bool changed, store_.FinishRun(id, end, !failed.empty() ? failed : cancelled));
  if (changed) EndTrackingRun(run.run_id, end == RunState::kSucceeded ? "FINISHED" : end == RunState::kFailed ? "FAILED" : "KILLED");
  return Status::Ok();
}

Result<Json> PipelineScheduler::RecordOutputs(int64_t job_id, const Json& outputs) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto found, store_.StepOfJob(job_id));
  StepRecord step = found.first;
  ASSIGN_OR_RETURN(jobs::Job job, jobs_.Get(job_id));
  if (job.state != jobs::JobState::kRunning || IsStepFinal(step.state))
    return FailedPrecondition("job " + std::to_string(job_id) + " is not running (" + jobs::JobStateName(job.state) + "); outputs are reported while it runs");
  if (!outputs.is_object()) return InvalidArgument("outputs must be an object {name: {type, files: [{path, sha256, size}]}}");
  Json recorded = Json::object();
  for (const Json& o : step.resolved["component"]["outputs"]) {
    std::string name = o["name"];
    if (!outputs.contains(name)) return InvalidArgument("output '" + name + "' is missing (the command did not write outputs/" + name + ")");
    const Json& r = outputs[name];
    if (!r.is_object() || !r.contains("type") || r["type"] != o["type"] || !r.contains("files") || !r["files"].is_array())
      return InvalidArgument("output '" + name + "' must be {\"type\": \"" + o["type"].get<std::string>() + "\", \"files\": [...]}");
    if (o["type"] == "file" && r["files"].size() != 1) return InvalidArgument("output '" + name + "' is a file: exactly one entry with path \"\"");
    std::vector<std::pair<std::string, Json>> files;
    int64_t total = 0;
    for (const Json& f : r["files"]) {
      if (!f.is_object() || !f.contains("sha256") || !f["sha256"].is_string() || !IsLowerHex(f["sha256"].get<std::string>(), 64) ||
          !f.contains("path") || !f["path"].is_string() || !f.contains("size") || !f["size"].is_number_integer())
        return InvalidArgument("output '" + name + "': each file needs path, sha256 (64 lowercase hex) and size");
      std::string path = f["path"];
      if (o["type"] == "dir" ? !SafeRelativePath(path) : !path.empty())
        return InvalidArgument("output '" + name + "': bad file path '" + path.substr(0, 80) + "'");
      if (!blobs_.Exists(f["sha256"].get<std::string>()))
        return InvalidArgument("output '" + name + "': content " + f["sha256"].get<std::string>() + " was not uploaded");
      total += f["size"].get<int64_t>();
      files.emplace_back(path, Json{{"path", path}, {"sha256", f["sha256"]}, {"size", f["size"]}});
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < files.size(); ++i)
      if (files[i].first == files[i - 1].first) return InvalidArgument("output '" + name + "': duplicate path '" + files[i].first + "'");
    Json list = Json::array();
    Json ident = Json::array();
    for (auto& [p, f] : files) {
      ident.push_back({p, f["sha256"]});
      list.push_back(f);
    }
    std::string sha = o["type"] == "file" ? list[0]["sha256"].get<std::string>() : Sha256Hex(ident.dump());
    recorded[name] = {{"type", o["type"]}, {"sha256", sha}, {"size", total}, {"files", list}};
  }
  step.outputs = recorded;
  RETURN_IF_ERROR(store_.UpdateStep(step));
  return recorded;
}

Result<Json> PipelineScheduler::InputsOfJob(int64_t job_id) {
  ASSIGN_OR_RETURN(auto found, store_.StepOfJob(job_id));
  // Data versions are materialized from payload.data by the worker, not from step blobs.
  Json out = Json::object();
  const Json inputs = found.first.resolved.value("inputs", Json::object());
  for (auto it = inputs.begin(); it != inputs.end(); ++it)
    if (it->value("type", "") != "dataset") out[it.key()] = *it;
  return out;
}

}  // namespace moebius::pipeline
