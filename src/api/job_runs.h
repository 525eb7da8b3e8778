// Jobs and the tracking runs and data versions they use (EXP-9; docs/design/jobs.md): what the submit
// handler checks and fills in before a job is queued, and what the server does to a job's run
// when the job ends.
//
//   payload.data   [{"dataset": NAME, "version": N, "path": "data/NAME"}]: each version must
//                  exist in the job's project; `path` is relative, without '.' or '..'.
//   experiment     (top level of the submit body, name or id; optional run_name): creates a run
//                  in that experiment of the job's project (the experiment is created when no
//                  experiment has that name) and fills payload.run_id and payload.experiment_id.
//   payload.run_id an existing run of the job's project; payload.experiment_id is filled in.
// The run is tagged moebius.job_id and records the data versions of payload.data as inputs.
//
// Thread-safety: stateless functions over thread-safe services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/services.h"
#include "base/json.h"
#include "base/status.h"
#include "jobs/job_types.h"

namespace moebius::auth {
struct User;
}

namespace moebius::api {

// A job from a submit body ({kind, name, payload, priority, resources, max_attempts, timeout_s,
// experiment, run_name}) for `project_id`: every field checked, payload.data included; creates
// nothing (the experiment is looked at when the job is submitted).
Result<jobs::JobSpec> JobSpecFromBody(Services& s, int64_t project_id, const Json& body);
// payload.data checked against the project (each version exists, paths relative and disjoint),
// each entry's path filled in (data/<dataset> by default). kInvalidArgument naming the entry.
Status CheckDataInputs(Services& s, int64_t project_id, Json& payload);
// `{cpus, memory_mb, gpus}` under `key` of `body`, defaults from `r`.
Result<jobs::Resources> JobResourcesOf(const Json& body, const char* key, jobs::Resources r);

// `distributed` of a submit body: {"workers": N (1..64), "rendezvous_timeout_s": T (1..86400,
// default 300)}; nullopt when absent or N is 1 (an ordinary job). Unknown keys are an error.
Result<std::optional<jobs::GroupSpec>> GroupSpecFromBody(const Json& body);

// Submits a job as `user` (POST /api/v1/projects/{p}/jobs and the scheduler): JobSpecFromBody,
// PrepareJobRun, Enqueue (EnqueueGroup for a distributed body), LinkJobRun. Nothing is queued or
// created on error. Returns the job (rank 0 of a group); `group`, when given, receives every rank.
// With a `dedup_key` that a job already holds, that job is returned and nothing is created (a
// submission redone after a crash); see JobSpec::dedup_key.
Result<jobs::Job> SubmitJob(Services& s, const auth::User& user, int64_t project_id, const Json& body,
                            std::vector<jobs::Job>* group = nullptr, const std::string& dedup_key = "");

// The run part of a submission for `spec` (payload already set and checked) and the submit `body`; creates the run when
// the body names an experiment (returned so it can be tagged, or discarded if queuing fails).
// Errors are kInvalidArgument (400) naming the field; nothing is created on error.
Result<std::string> PrepareJobRun(Services& s, const auth::User& user, const Json& body, jobs::JobSpec& spec);

// After the job was queued: tags its run moebius.job_id and records its data inputs.
Status LinkJobRun(Services& s, const jobs::Job& job);

// Queuing failed after PrepareJobRun created `run_id`: the run is marked FAILED and deleted.
void DiscardJobRun(Services& s, const std::string& run_id);

// The job reached a final state: its run (payload.run_id), if still RUNNING or SCHEDULED, gets
// status FINISHED (succeeded), KILLED (cancelled) or FAILED (failed, timed out) and the job's end
// time. Called from the job store's job_ended hook; errors are logged.
void EndJobRun(Services& s, const jobs::Job& job);

}  // namespace moebius::api
