#include "hpo/study_driver.h"

#include <cmath>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "hpo/study_spec.h"

namespace moebius::hpo {
namespace {

using tuning::TrialState;

std::optional<TrialState> TuningState(const std::string& s) {
  if (s == "running") return TrialState::kRunning;
  if (s == "complete") return TrialState::kComplete;
  if (s == "pruned") return TrialState::kPruned;
  if (s == "failed") return TrialState::kFailed;
  return std::nullopt;
}

// The run's last value of `metric` (the latest by step, then time), if it logged one.
std::optional<double> LastValue(const tracking::Run& run, const std::string& metric) {
  for (const auto& m : run.metrics)
    if (m.key == metric) return m.value;
  return std::nullopt;
}

// The experiment `ref` names in the project, by id or name; nullopt when no experiment has that
// name (and it is not an id), so the caller creates it — as a job submitted with `experiment`
// does. One of another project, or deleted, is refused.
Result<std::optional<tracking::Experiment>> ResolveExperiment(tracking::TrackingStore& tracking, int64_t project_id, const std::string& ref) {
  if (ref.empty()) return InvalidArgument("experiment must be an experiment name or id");
  Result<tracking::Experiment> e = tracking.GetExperimentByName(ref);
  if (!e.ok() && e.status().code() != StatusCode::kNotFound) return e.status();
  if (!e.ok()) {
    if (auto id = ParseInt64(ref)) e = tracking.GetExperiment(*id);
    if (!e.ok()) {
      if (e.status().code() == StatusCode::kNotFound || e.status().code() == StatusCode::kInvalidArgument)
        return std::optional<tracking::Experiment>();
      return e.status();
    }
  }
  if (e->project_id != project_id) return InvalidArgument("experiment '" + ref + "' belongs to another project");
  if (e->lifecycle_stage != "active") return InvalidArgument("experiment '" + ref + "' is deleted");
  return std::optional<tracking::Experiment>(*e);
}

}  // namespace

Result<StudyRecord> StudyDriver::Create(int64_t project_id, const Json& body, const std::string& user) {
  uint64_t seed = 0;
  for (char c : RandomHex(8)) seed = seed * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  ASSIGN_OR_RETURN(Json spec, NormalizeStudySpec(body, seed % 1000000007));
  // trial.data: the versions must exist in the project, as for a job (paths filled in).
  if (!spec["trial"].value("data", Json::array()).empty()) {
    Json payload{{"data", spec["trial"]["data"]}};
    if (Status st = launcher_.CheckDataInputs(project_id, payload); !st.ok())
      return Status(st.code(), "trial." + st.message().substr(st.message().rfind("payload.", 0) == 0 ? 8 : 0));
    spec["trial"]["data"] = payload["data"];
  }
  ASSIGN_OR_RETURN(std::optional<tracking::Experiment> found, ResolveExperiment(tracking_, project_id, spec["experiment"].get<std::string>()));
  // The tuning objects must build (the sampler and pruner options were checked; this checks the
  // combination once more, so the driver never meets a spec it cannot run).
  RETURN_IF_ERROR(NewStudyOf(spec).status());
  if (spec["warm_start_from"].is_number_integer()) {
    int64_t from = spec["warm_start_from"].get<int64_t>();
    auto src = store_.Get(from);
    if (!src.ok() || src->project_id != project_id)
      return InvalidArgument("warm_start_from: study " + std::to_string(from) + " does not exist in this project");
  }
  {
    auto existing = store_.List(project_id);
    if (!existing.ok()) return existing.status();
    for (const auto& s : *existing)
      if (s.name == spec["name"]) return AlreadyExists("the project already has a study named '" + s.name + "'");
  }
  // Every check passed: a missing experiment is created now (nothing is created for a refused study).
  tracking::Experiment exp;
  if (found) {
    exp = *found;
  } else {
    auto created_exp = tracking_.CreateExperiment(project_id, spec["experiment"].get<std::string>(), "", {});
    if (!created_exp.ok())
      return created_exp.status().code() == StatusCode::kInvalidArgument || created_exp.status().code() == StatusCode::kAlreadyExists
                 ? InvalidArgument("experiment: " + created_exp.status().message())
                 : created_exp.status();
    exp = *created_exp;
  }
  StudyRecord s;
  s.project_id = project_id;
  s.name = spec["name"].get<std::string>();
  s.experiment_id = exp.experiment_id;
  s.spec = spec;
  s.created_by = user;
  s.created_at = clock_.NowMillis();
  ASSIGN_OR_RETURN(tracking::Run parent, tracking_.CreateRun(exp.experiment_id, user, s.name, s.created_at,
                                                             {{"moebius.study", s.name}, {"moebius.role", "study"}}));
  s.parent_run_id = parent.info.run_id;
  auto created = store_.Create(s);
  if (!created.ok()) {
    EndRun(s.parent_run_id, "FAILED");
    return created.status();
  }
  (void)tracking_.LogBatch(s.parent_run_id, {},
                           {{"study_id", std::to_string(created->id)},
                            {"sampler", spec["sampler"].value("type", "")},
                            {"pruner", spec["pruner"].value("type", "")},
                            {"n_trials", std::to_string(spec["n_trials"].get<int64_t>())},
                            {"objective", spec["objective"]["metric"].get<std::string>() + " (" +
                                              spec["objective"]["goal"].get<std::string>() + ")"}},
                           {});
  Wake();
  return created;
}

void StudyDriver::EndRun(const std::string& run_id, const char* status) {
  auto run = tracking_.GetRun(run_id);
  if (!run.ok() || run->info.status != "RUNNING") return;
  tracking::RunUpdate up;
  up.status = status;
  up.end_time = clock_.NowMillis();
  auto st = tracking_.UpdateRun(run_id, up);
  if (!st.ok()) log::Warn("study driver: ending run " + run_id + ": " + st.status().ToString());
}

Result<StudyDriver::Live*> StudyDriver::LiveOf(const StudyRecord& s) {
  auto it = live_.find(s.id);
  if (it != live_.end()) return &it->second;
  Live live;
  ASSIGN_OR_RETURN(live.study, NewStudyOf(s.spec));
  // Warm start: the earlier study's finished trials, when they fit this space.
  if (s.spec.value("warm_start_from", Json()).is_number_integer()) {
    ASSIGN_OR_RETURN(auto earlier, store_.Trials(s.spec["warm_start_from"].get<int64_t>()));
    int added = 0, skipped = 0;
    for (const auto& t : earlier) {
      auto state = TuningState(t.state);
      if (!state || *state == TrialState::kRunning || *state == TrialState::kFailed) continue;
      std::vector<double> values;
      if (*state == TrialState::kComplete) {
        if (!t.value) continue;
        values = {*t.value};
      }
      auto r = live.study->AddTrial(t.params, *state, values, t.intermediate);
      r.ok() ? ++added : ++skipped;
    }
    log::Info("study " + std::to_string(s.id) + ": warm start with " + std::to_string(added) + " trial(s) of study " +
              s.spec["warm_start_from"].dump() + (skipped ? " (" + std::to_string(skipped) + " outside this space skipped)" : ""));
  }
  ASSIGN_OR_RETURN(auto trials, store_.Trials(s.id));
  for (const auto& t : trials) {
    auto state = TuningState(t.state).value_or(TrialState::kFailed);
    std::vector<double> values;
    if (state == TrialState::kComplete) {
      if (t.value) values = {*t.value};
      else state = TrialState::kFailed;
    }
    auto n = live.study->AddTrial(t.params, state, values, t.intermediate);
    if (!n.ok()) return Internal("study " + std::to_string(s.id) + ": trial " + std::to_string(t.number) + " does not fit the space: " +
                                 n.status().message());
    live.mem[t.number] = *n;
  }
  return &live_.emplace(s.id, std::move(live)).first->second;
}

Status StudyDriver::Tick() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto running, store_.ListRunning());
  Status first = Status::Ok();
  for (const auto& s : running) {
    Status st = [&]() -> Status {
      ASSIGN_OR_RETURN(Live * live, LiveOf(s));
      return Advance(s, *live);
    }();
    if (!st.ok()) {
      log::Warn("study " + std::to_string(s.id) + " failed: " + st.ToString());
      // A store that cannot be reached is not the study's fault: try again next tick.
      if (st.code() == StatusCode::kUnavailable) {
        if (first.ok()) first = st;
        continue;
      }
      (void)store_.SetState(s.id, StudyState::kFailed, st.message(), clock_.NowMillis());
      EndRun(s.parent_run_id, "FAILED");
      live_.erase(s.id);
    }
  }
  return first;
}

Status StudyDriver::Advance(const StudyRecord& s, Live& live) {
  ASSIGN_OR_RETURN(auto trials, store_.Trials(s.id));
  int64_t in_flight = 0;
  for (auto& t : trials) {
    if (t.state != "running") continue;
    RETURN_IF_ERROR(Poll(s, live, t));
    if (t.state == "running") ++in_flight;
  }
  const int64_t n_trials = s.spec["n_trials"].get<int64_t>();
  const int64_t parallelism = s.spec["parallelism"].get<int64_t>();
  const int64_t timeout_s = s.spec["timeout_s"].get<int64_t>();
  const bool timed_out = timeout_s > 0 && clock_.NowMillis() - s.created_at >= timeout_s * 1000;
  int64_t total = static_cast<int64_t>(trials.size());
  bool exhausted = false;
  while (!timed_out && in_flight < parallelism && total < n_trials) {
    Status st = StartTrial(s, live, total);
    if (st.code() == StatusCode::kFailedPrecondition) {  // the sampler has nothing left (a grid)
      exhausted = true;
      break;
    }
    RETURN_IF_ERROR(st);
    ++in_flight;
    ++total;
  }
  if (in_flight == 0 && (total >= n_trials || timed_out || exhausted)) return Complete(s, live);
  return Status::Ok();
}

Status StudyDriver::StartTrial(const StudyRecord& s, Live& live, int64_t number) {
  ASSIGN_OR_RETURN(tuning::Trial asked, live.study->Ask());
  const Json params = live.study->space().ToExternal(asked.params);
  TrialRecord t;
  t.study_id = s.id;
  t.number = number;
  t.params = params;
  t.created_at = clock_.NowMillis();
  live.mem[number] = asked.number;
  // The row first: a server that dies before the job is queued leaves a running trial without a
  // job, which the next tick fails instead of losing track of it.
  RETURN_IF_ERROR(store_.PutTrial(t));
  TrialLaunch launch = LaunchOf(s.spec, params);
  std::vector<tracking::KeyValue> tags = {{"mlflow.parentRunId", s.parent_run_id},
                                          {"moebius.study", s.name},
                                          {"moebius.study_id", std::to_string(s.id)},
                                          {"moebius.trial", std::to_string(number)}};
  ASSIGN_OR_RETURN(tracking::Run run,
                   tracking_.CreateRun(s.experiment_id, s.created_by, s.name + "-" + std::to_string(number), t.created_at, tags));
  t.run_id = run.info.run_id;
  std::vector<tracking::KeyValue> logged;
  for (auto it = launch.params.begin(); it != launch.params.end(); ++it) logged.push_back({it.key(), ParamText(*it).substr(0, 6000)});
  for (size_t i = 0; i < logged.size(); i += 100)
    RETURN_IF_ERROR(tracking_.LogBatch(t.run_id, {}, std::vector<tracking::KeyValue>(logged.begin() + i, logged.begin() + std::min(logged.size(), i + 100)), {}));
  const Json& tmpl = s.spec["trial"];
  launch.env["MOEBIUS_STUDY_ID"] = std::to_string(s.id);
  launch.env["MOEBIUS_TRIAL_NUMBER"] = std::to_string(number);
  jobs::JobSpec spec;
  spec.project_id = s.project_id;
  spec.kind = "command";
  spec.name = s.name + " trial " + std::to_string(number);
  spec.payload = {{"command", launch.command}, {"env", launch.env}, {"run_id", t.run_id},
                  {"experiment_id", std::to_string(s.experiment_id)}, {"study_id", s.id}, {"trial", number}};
  if (tmpl.contains("data") && !tmpl["data"].empty()) spec.payload["data"] = tmpl["data"];
  spec.resources = {tmpl["resources"]["cpus"].get<double>(), tmpl["resources"]["memory_mb"].get<int64_t>(),
                    tmpl["resources"]["gpus"].get<int64_t>()};
  spec.max_attempts = static_cast<int>(tmpl["max_attempts"].get<int64_t>());
  spec.timeout_s = tmpl["timeout_s"].get<int64_t>();
  // Through the JobService: data versions checked and recorded as the trial run's inputs.
  auto job = launcher_.SubmitSpec(spec, s.created_by);
  if (!job.ok()) {
    RETURN_IF_ERROR(Finish(s, live, t, "failed", std::nullopt, "queueing its job: " + job.status().message(), "FAILED"));
    return job.status();
  }
  t.job_id = job->id;
  return store_.PutTrial(t);
}

Status StudyDriver::Poll(const StudyRecord& s, Live& live, TrialRecord& t) {
  if (t.job_id == 0) return Finish(s, live, t, "failed", std::nullopt, "the server stopped before the trial's job was queued", "FAILED");
  ASSIGN_OR_RETURN(jobs::Job job, jobs_.Get(t.job_id));
  const std::string metric = s.spec["objective"]["metric"].get<std::string>();
  int64_t mem = live.mem.at(t.number);
  // Intermediate values: new steps of the objective metric's history, in step order.
  ASSIGN_OR_RETURN(auto history, tracking_.GetMetricHistory(t.run_id, metric, 25000, ""));
  int64_t last = t.intermediate.empty() ? -1 : t.intermediate.rbegin()->first;
  bool changed = false, prune = false;
  for (const auto& p : history.first) {
    if (p.step <= last || t.intermediate.count(p.step)) continue;
    t.intermediate[p.step] = p.value;
    changed = true;
    ASSIGN_OR_RETURN(bool should, live.study->Report(mem, p.step, p.value));
    if (should && !jobs::IsFinal(job.state)) {
      prune = true;
      break;
    }
  }
  if (prune) {
    auto c = jobs_.Cancel(t.job_id, s.created_by);
    if (!c.ok() && c.status().code() != StatusCode::kFailedPrecondition) return c.status();
    std::optional<double> v = t.intermediate.rbegin()->second;
    (void)tracking_.LogBatch(t.run_id, {}, {}, {{"moebius.trial_state", "pruned"}});
    return Finish(s, live, t, "pruned", v, "pruned at step " + std::to_string(t.intermediate.rbegin()->first), "KILLED");
  }
  if (!jobs::IsFinal(job.state)) {
    if (changed) RETURN_IF_ERROR(store_.PutTrial(t));
    return Status::Ok();
  }
  if (job.state != jobs::JobState::kSucceeded) {
    std::string why = std::string("job ") + jobs::JobStateName(job.state) + (job.error.empty() ? "" : ": " + job.error);
    return Finish(s, live, t, "failed", std::nullopt, why, job.state == jobs::JobState::kCancelled ? "KILLED" : "FAILED");
  }
  ASSIGN_OR_RETURN(tracking::Run run, tracking_.GetRun(t.run_id));
  auto value = LastValue(run, metric);
  if (!value) return Finish(s, live, t, "failed", std::nullopt, "the trial's run has no metric '" + metric + "'", "FAILED");
  if (std::isnan(*value)) return Finish(s, live, t, "failed", std::nullopt, "the metric '" + metric + "' is NaN", "FAILED");
  return Finish(s, live, t, "complete", value, "", "FINISHED");
}

Status StudyDriver::Finish(const StudyRecord& s, Live& live, TrialRecord& t, const std::string& state, std::optional<double> value,
                           const std::string& error, const char* run_status) {
  auto mem = live.mem.find(t.number);
  if (mem != live.mem.end()) {
    TrialState ts = TuningState(state).value_or(TrialState::kFailed);
    std::vector<double> values;
    if (ts == TrialState::kComplete) values = {*value};
    Status st = live.study->Tell(mem->second, ts, values);
    if (!st.ok() && st.code() != StatusCode::kFailedPrecondition) return st;
  }
  t.state = state;
  t.value = value;
  t.error = error;
  t.finished_at = clock_.NowMillis();
  RETURN_IF_ERROR(store_.PutTrial(t));
  if (!t.run_id.empty()) EndRun(t.run_id, run_status);
  return Status::Ok();
}

Status StudyDriver::Complete(const StudyRecord& s, Live& live) {
  ASSIGN_OR_RETURN(auto trials, store_.Trials(s.id));
  const bool maximize = DirectionOf(s.spec) == tuning::Direction::kMaximize;
  const TrialRecord* best = nullptr;
  for (const auto& t : trials)
    if (t.state == "complete" && t.value && (!best || (maximize ? *t.value > *best->value : *t.value < *best->value))) best = &t;
  if (best) {
    std::string metric = s.spec["objective"]["metric"].get<std::string>();
    (void)tracking_.LogBatch(s.parent_run_id, {{"best_" + metric, *best->value, clock_.NowMillis(), 0}}, {},
                             {{"moebius.best_trial", std::to_string(best->number)}, {"moebius.best_run", best->run_id}});
  }
  RETURN_IF_ERROR(store_.SetState(s.id, StudyState::kCompleted, "", clock_.NowMillis()));
  EndRun(s.parent_run_id, "FINISHED");
  live_.erase(s.id);
  return Status::Ok();
}

Result<StudyRecord> StudyDriver::Stop(int64_t id, const std::string& user) {
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(StudyRecord s, store_.Get(id));
    if (s.state != StudyState::kRunning) return s;
    ASSIGN_OR_RETURN(auto trials, store_.Trials(id));
    auto live = LiveOf(s);
    for (auto& t : trials) {
      if (t.state != "running") continue;
      if (t.job_id) {
        auto c = jobs_.Cancel(t.job_id, user);
        if (!c.ok() && c.status().code() != StatusCode::kFailedPrecondition) return c.status();
      }
      if (live.ok()) RETURN_IF_ERROR(Finish(s, **live, t, "failed", std::nullopt, "the study was stopped", "KILLED"));
      else {
        t.state = "failed";
        t.error = "the study was stopped";
        t.finished_at = clock_.NowMillis();
        RETURN_IF_ERROR(store_.PutTrial(t));
        EndRun(t.run_id, "KILLED");
      }
    }
    RETURN_IF_ERROR(store_.SetState(id, StudyState::kStopped, "stopped by " + user, clock_.NowMillis()));
    EndRun(s.parent_run_id, "KILLED");
    live_.erase(id);
  }
  return store_.Get(id);
}

void StudyDriver::Wake() {
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void StudyDriver::Run(std::stop_token stop, int64_t period_ms) {
  while (!stop.stop_requested()) {
    Status st = Tick();
    if (!st.ok()) log::Warn("study driver: " + st.ToString());
    std::unique_lock lock(wake_mu_);
    wake_cv_.wait_for(lock, stop, std::chrono::milliseconds(period_ms), [this] { return woken_; });
    woken_ = false;
  }
}

}  // namespace moebius::hpo
