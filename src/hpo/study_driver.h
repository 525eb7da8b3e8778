// StudyDriver: runs persistent studies over the job queue (EXP-5).
//
// Create validates a spec (study_spec.h), resolves its experiment and warm-start study, creates
// the study's parent run and stores the study. Tick — called every second by the server's
// driver thread (Run), and at once after Create/Stop through Wake — advances every running
// study:
//   - for each running trial: reads the run's history of the objective metric, reports new steps
//     to the pruner (a pruned trial's job is cancelled and the trial is `pruned`); when the job
//     has ended, tells the study the run's last value of the metric (complete) or fails the trial
//     (the job failed, or the metric is missing) and sets the run's status if still RUNNING;
//   - asks for new trials while fewer than `parallelism` are in flight and fewer than n_trials
//     exist: each gets a run (a child of the parent run, params logged) and a command job with
//     payload.run_id (submitted through the JobService, so trial.data is checked and recorded as
//     the run's inputs), the params as MOEBIUS_PARAM_<NAME>, MOEBIUS_PARAMS_JSON and `{name}`
//     substituted in the command;
//   - completes the study when nothing is in flight and n_trials are done, the sampler has
//     nothing left (an exhausted grid) or timeout_s has passed.
// The in-memory tuning::Study of a study is rebuilt from its persisted trials (running ones
// included, via AddTrial) the first time a tick sees it, so a restarted server goes on where it
// stopped: the trials' jobs are requeued by the job reaper and finish into the same runs.
//
// Thread-safety: all public methods may be called from any thread; one mutex serializes ticks,
// Stop and the in-memory studies. Create does not take it (it only writes a new row).
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "hpo/study_store.h"
#include "jobs/job_store.h"
#include "orchestration/job_service.h"
#include "tracking/tracking_store.h"
#include "tuning/study.h"

namespace moebius::hpo {

class StudyDriver {
 public:
  // Trial jobs are submitted through `launcher`; `jobs` is read (states) and cancelled directly.
  StudyDriver(StudyStore& store, orchestration::JobService& launcher, jobs::JobStore& jobs, tracking::TrackingStore& tracking,
              const Clock& clock)
      : store_(store), launcher_(launcher), jobs_(jobs), tracking_(tracking), clock_(clock) {}

  // kInvalidArgument for a bad spec, an unknown experiment (not in the project) or warm-start
  // study; kAlreadyExists for a duplicate name. Nothing is created or queued on error.
  Result<StudyRecord> Create(int64_t project_id, const Json& body, const std::string& user);
  // Stops a running study: its running trials' jobs are cancelled, the trials failed ("stopped"),
  // their runs and the parent run KILLED. A study that has already ended is returned unchanged.
  Result<StudyRecord> Stop(int64_t id, const std::string& user);

  // One pass over the running studies. Errors of one study are recorded on it (failed) and do
  // not stop the others; returns the first store error.
  Status Tick();
  // Ticks every `period_ms` (sooner after Wake) until `stop`.
  void Run(std::stop_token stop, int64_t period_ms = 1000);
  void Wake();

 private:
  struct Live {
    std::unique_ptr<tuning::Study> study;
    std::map<int64_t, int64_t> mem;  // persisted trial number -> tuning trial number
  };
  Result<Live*> LiveOf(const StudyRecord& s) REQUIRES(mu_);
  Status Advance(const StudyRecord& s, Live& live) REQUIRES(mu_);
  Status Poll(const StudyRecord& s, Live& live, TrialRecord& t) REQUIRES(mu_);
  Status StartTrial(const StudyRecord& s, Live& live, int64_t number) REQUIRES(mu_);
  Status Finish(const StudyRecord& s, Live& live, TrialRecord& t, const std::string& state, std::optional<double> value,
                const std::string& error, const char* run_status) REQUIRES(mu_);
  Status Complete(const StudyRecord& s, Live& live) REQUIRES(mu_);
  void EndRun(const std::string& run_id, const char* status);

  StudyStore& store_;
  orchestration::JobService& launcher_;
  jobs::JobStore& jobs_;
  tracking::TrackingStore& tracking_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<int64_t, Live> live_ GUARDED_BY(mu_);
  std::mutex wake_mu_;
  std::condition_variable_any wake_cv_;
  bool woken_ = false;
};

}  // namespace moebius::hpo
