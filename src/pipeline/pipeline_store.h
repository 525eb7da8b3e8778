// Saved components and pipelines (versioned, content-hashed) and pipeline runs with their steps,
// in the metadata store (migration 1000). Everything a run needs to continue after a restart is
// here: the scheduler keeps no state of its own.
//
// Versioning: saving a definition whose hash equals the latest version's returns that version
// (created = false); any change makes version N+1. Deleting a component or pipeline hides all its
// versions; saving the name again continues the numbering, so NAME@N never means two things.
//
// Thread-safety: thread-safe (the Database serializes writes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "pipeline/pipeline_types.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::pipeline {

std::vector<store::Migration> PipelineMigrations();

// Which kind of definition: the two are stored alike in their own tables.
enum class DefKind { kComponent, kPipeline };

class PipelineStore {
 public:
  PipelineStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // `normalized` must come from NormalizeComponent / NormalizePipeline.
  Result<std::pair<Definition, bool>> Save(DefKind kind, int64_t project_id, const Json& normalized, const std::string& user);
  // `version` nullopt: the latest. kNotFound "component 'x' does not exist" / "... has no version N".
  Result<Definition> Get(DefKind kind, int64_t project_id, const std::string& name, std::optional<int64_t> version);
  // The latest version of each, by name.
  Result<std::vector<Definition>> ListLatest(DefKind kind, int64_t project_id);
  // All versions of one, newest first.
  Result<std::vector<Definition>> Versions(DefKind kind, int64_t project_id, const std::string& name);
  Status Delete(DefKind kind, int64_t project_id, const std::string& name);

  // Creates the run and its steps (pending); fills run.id.
  Status CreateRun(PipelineRun& run);
  Result<PipelineRun> GetRun(int64_t id);
  // Newest first; `pipeline` empty: every pipeline of the project. Steps are not loaded; their
  // counts per state are.
  Result<std::vector<PipelineRun>> ListRuns(int64_t project_id, const std::string& pipeline, int limit);
  Result<std::vector<int64_t>> ActiveRunIds();
  // Writes a step's mutable fields (state, job, run, cache key, resolved, outputs, ...).
  Status UpdateStep(const StepRecord& step);
  // Ends a running run; a run that is no longer running is left as it is (returns false).
  Result<bool> FinishRun(int64_t id, RunState state, const std::string& error);

  // The newest succeeded step of the project with this cache key (its outputs are reusable).
  Result<std::optional<StepRecord>> FindCached(int64_t project_id, const std::string& cache_key);
  // The step a job runs, with its pipeline run's project; kNotFound when the job is no step.
  Result<std::pair<StepRecord, int64_t>> StepOfJob(int64_t job_id);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace moebius::pipeline
