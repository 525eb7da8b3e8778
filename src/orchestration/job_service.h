// JobService: how anything in Moebius starts a job (EXP-9; docs/design/jobs.md). The REST API,
// the scheduler, the pipeline scheduler and the study driver all submit through it, so every job
// gets the same checks and the same bookkeeping whoever started it:
//
//   payload.environment   a name in the job's project; pinned as payload.environment_revision (the
//                         latest revision unless the submitter gave one); the job's resources
//                         default to the environment's
//   payload.code          a code snapshot id or unique prefix; pinned to the full id
//   payload.data          [{"dataset": NAME, "version": N, "path": "data/NAME"}]: each version
//                         exists in the job's project; paths relative, without '.'/'..', disjoint
//   payload.run_id        the tracking run the job executes: tagged moebius.job_id, and each data
//                         version is recorded as a `dataset_version` input (data lineage)
//
// A run the job's own process creates (an MLflow script, `moebius train` without MLFLOW_RUN_ID,
// a nested run) is linked the same way when it is created with the job's per-attempt token
// (LinkRunOfCaller), so every run that read a version records it, whatever started it.
//
// A submission from a request body (Submit) may also name a top-level `experiment` (name or id;
// created when no experiment has that name; needs experiment.write) and `run_name`: the run is
// created just before the job is queued, and failed and deleted if queuing fails. Nothing is
// queued or created when a check fails; errors are kInvalidArgument naming the field.
//
// When a job ends by any path (its worker, a cancel, the reaper), EndJobRun gives its run the
// job's outcome unless the job ended the run itself.
//
// Thread-safety: thread-safe (stateless over thread-safe stores).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "envcode/environment_types.h"
#include "jobs/job_types.h"

namespace moebius {
namespace auth {
class AuthService;
struct User;
struct Principal;
}  // namespace auth
namespace data {
class DataStore;
}
namespace envcode {
class EnvironmentStore;
class CodeStore;
}  // namespace envcode
namespace jobs {
class JobStore;
}
namespace project {
class ProjectService;
}
namespace tracking {
class TrackingStore;
}
}  // namespace moebius

namespace moebius::orchestration {

struct JobServiceDeps {
  jobs::JobStore& jobs;
  tracking::TrackingStore& tracking;
  data::DataStore& data;
  envcode::EnvironmentStore& environments;
  envcode::CodeStore& code;
  auth::AuthService& auth;
  project::ProjectService& projects;
  const Clock& clock;
};

// A queued submission: the job (rank 0 of a group) and every rank (one for an ordinary job).
struct Submission {
  jobs::Job job;
  std::vector<jobs::Job> ranks;
};

class JobService {
 public:
  explicit JobService(JobServiceDeps deps) : d_(deps) {}

  // A job from a submit body ({kind, name, payload, priority, resources, max_attempts, timeout_s,
  // experiment, run_name, distributed}) for `project_id`: every field checked, environment and
  // code pinned, payload.data checked; creates nothing.
  Result<jobs::JobSpec> SpecFromBody(int64_t project_id, const Json& body);

  // Submits a request body as `user`: SpecFromBody, the run (from `experiment`), the job (a group
  // for a `distributed` body), then the run's links. With a `dedup_key` that a job already holds,
  // that job is returned and nothing is created (a submission redone after a crash).
  Result<Submission> Submit(const auth::User& user, int64_t project_id, const Json& body, const std::string& dedup_key = "");

  // Submits a job the platform built (a pipeline step, a study trial) as `username`: the same
  // environment, code and data checks and pins as Submit, then the job, then the links of its
  // payload.run_id (which, when set, must be an active run of the job's project that the caller
  // created). A spec whose dedup_key a job holds returns that job.
  Result<jobs::Job> SubmitSpec(jobs::JobSpec spec, const std::string& username);

  // The job holding `key`, if any (see JobSpec::dedup_key).
  Result<std::optional<jobs::Job>> FindByDedupKey(const std::string& key);

  // payload.data checked against the project, each entry's path filled in (data/<dataset> by
  // default). kInvalidArgument naming the entry.
  Status CheckDataInputs(int64_t project_id, Json& payload);

  // The environment revision `payload` would pin in `project_id` (nullopt without
  // payload.environment); kInvalidArgument for a name or revision the project lacks.
  Result<std::optional<envcode::Environment>> ResolveEnvironment(int64_t project_id, const Json& payload);
  // The environment revision a job pinned (deleted environments included).
  Result<envcode::Environment> PinnedEnvironment(const jobs::Job& job);

  // When `caller` authenticated with a job's per-attempt token (named "job-<id>-<attempt>"), links
  // `run_id`, a run it just created in the job's project, to that job: tag moebius.job_id and the
  // job's payload.data versions as inputs. Otherwise does nothing. Errors name what failed; the
  // run stays as created.
  Status LinkRunOfCaller(const auth::Principal& caller, const std::string& run_id);

  // The job reached a final state: its run (payload.run_id), if still RUNNING or SCHEDULED, gets
  // FINISHED (succeeded), KILLED (cancelled) or FAILED (failed, timed out) and the job's end
  // time; a failed or timed-out job's error (its reason) becomes the run's tag
  // moebius.failure_reason either way. Called from the job store's job_ended hook; errors are
  // logged.
  void EndJobRun(const jobs::Job& job);

 private:
  // Pins payload.environment (returning the revision) and payload.code of `spec`.
  Result<std::optional<envcode::Environment>> PinEnvironmentAndCode(jobs::JobSpec& spec);
  Result<std::string> PrepareRun(const auth::User& user, const Json& body, jobs::JobSpec& spec);
  Status LinkRun(const jobs::Job& job);
  // Tags `run_id` with the job and records the job's payload.data versions as its inputs.
  Status LinkRunTo(const jobs::Job& job, const std::string& run_id);
  void DiscardRun(const std::string& run_id);

  JobServiceDeps d_;
};

}  // namespace moebius::orchestration
