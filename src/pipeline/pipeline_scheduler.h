// Pipeline runs (EXP-3): starting a run, advancing it, caching, cancelling, and the step
// outputs reported by workers.
//
// Start resolves the pipeline version, its parameters and every step's component (NAME@latest
// is pinned to the version current at start), creates the parent tracking run (in the
// experiment "<project>/pipeline/<pipeline>") and the run's steps, all pending. Tick (the
// scheduler thread calls it every 500 ms) advances every running run, one step at a time in
// topological order:
//   pending  → skipped when a dependency failed, was skipped or cancelled; otherwise, once all
//              dependencies are succeeded/cached, its inputs are the dependencies' recorded
//              outputs and the data versions it is wired to (checked and pinned, by dataset id
//              and version id, at Start), and its cache key is sha256(component hash, params,
//              input content hashes — "dataset:<id>@v<n>" for a data version —, environment
//              and its revision, code). With caching on (run and step), a succeeded step of the same
//              project with that key is reused: the step is `cached`, takes its outputs and its
//              tracking run, and no job is queued. Otherwise a child tracking run is created
//              (tag mlflow.parentRunId) and a command job is submitted through the
//              JobService (environment revision pinned, data versions checked and recorded as
//              the child run's inputs) with payload.run_id, the
//              MLFLOW_RUN_ID environment, and payload.pipeline_step {pipeline_run, step, inputs,
//              outputs} which the worker's step-IO hooks use to materialize inputs and upload
//              outputs.
//   queued/running → follows its job; a succeeded job whose outputs were not all recorded fails
//              the step; a failed, timed-out or cancelled job fails (cancels) the step.
// A run ends when every step has: failed if any step failed, cancelled if cancelled, else
// succeeded; the parent tracking run gets FINISHED / FAILED / KILLED.
//
// Restart safety: all state is in the PipelineStore and the JobStore; after a restart Tick picks
// the running runs up again. A step's job is keyed by the step (JobSpec::dedup_key
// "pipeline:RUN:STEP"), so a crash between queueing it and recording it on the step takes that
// job up again on restart instead of queueing the step twice.
//
// Thread-safety: thread-safe. One mutex orders Tick, Cancel and RecordOutputs, so a cancel never
// races a step being queued and recorded outputs are never overwritten. One scheduler per
// metadata store (the server runs one).
#pragma once

#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "base/clock.h"
#include "jobs/job_store.h"
#include "orchestration/job_service.h"
#include "pipeline/pipeline_spec.h"
#include "pipeline/pipeline_store.h"
#include "store/blob/blob_store.h"
#include "tracking/tracking_store.h"

namespace moebius::pipeline {

struct StartRequest {
  int64_t project_id = 0;
  std::string project;   // its name (the experiment is named after it)
  std::string pipeline;
  std::optional<int64_t> version;  // nullopt: the latest
  Json params = Json::object();
  bool cache = true;
  std::string user;
  // Checks the steps' data version inputs (they may have been deleted since the pipeline was
  // saved); required when the pipeline has any.
  DataVersionLookup data;
};

class PipelineScheduler {
 public:
  // Step jobs are submitted through `launcher`; `jobs` is read (states) and cancelled directly.
  PipelineScheduler(PipelineStore& store, orchestration::JobService& launcher, jobs::JobStore& jobs, tracking::TrackingStore& tracking,
                    store::BlobStore& blobs, const Clock& clock)
      : store_(store), launcher_(launcher), jobs_(jobs), tracking_(tracking), blobs_(blobs), clock_(clock) {}

  // kNotFound for an unknown pipeline; kInvalidArgument for bad parameters or a component that no
  // longer fits the pipeline. The run is advanced once before returning.
  Result<PipelineRun> Start(const StartRequest& request);
  // Cancels a running run: queued/running step jobs are cancelled, pending steps skipped.
  // kFailedPrecondition when the run already ended.
  Result<PipelineRun> Cancel(int64_t id, const std::string& user);
  // Advances every running run. Errors of one run are logged on it and do not stop the others.
  Status Tick();
  // Calls Tick every `period_ms` until stopped.
  void Run(std::stop_token stop, int64_t period_ms = 500);

  // Outputs reported by the collector of a step's job (which must be running):
  // {name: {"type": "file"|"dir", "files": [{"path", "sha256", "size"}]}} with every declared
  // output, each blob already stored. Records them with their content hash on the step.
  Result<Json> RecordOutputs(int64_t job_id, const Json& outputs);
  // The step inputs of a job: {name: {"type", "sha256", "files": [...]}}.
  Result<Json> InputsOfJob(int64_t job_id);

 private:
  Status Advance(int64_t run_id);
  Status StartStep(PipelineRun& run, StepRecord& step, const std::map<std::string, StepRecord*>& by_name);
  void EndTrackingRun(const std::string& run_id, const char* status);

  PipelineStore& store_;
  orchestration::JobService& launcher_;
  jobs::JobStore& jobs_;
  tracking::TrackingStore& tracking_;
  store::BlobStore& blobs_;
  const Clock& clock_;
  std::mutex mu_;
};

}  // namespace moebius::pipeline
