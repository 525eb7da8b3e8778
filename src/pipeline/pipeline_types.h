// Components, pipelines and pipeline runs (EXP-3): the value types shared by the spec parsers,
// the store and the scheduler.
//
// A component is a versioned, content-hashed command template; a pipeline is a versioned DAG of
// steps, each a component with parameter bindings and input wiring; a pipeline run executes one
// pipeline version with parameters, one command job per step that is not served from the cache.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"

namespace moebius::pipeline {

// A saved, versioned definition (component or pipeline). `definition` is the normalized JSON
// that `hash` (sha256 of its canonical dump) covers.
struct Definition {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  int64_t version = 0;
  std::string hash;
  Json definition = Json::object();
  int64_t created_at = 0;
  std::string created_by;
};

// pending → (queued → running →) succeeded | failed | cancelled, or cached / skipped directly.
enum class StepState { kPending, kQueued, kRunning, kSucceeded, kFailed, kCached, kSkipped, kCancelled };
const char* StepStateName(StepState s);
std::optional<StepState> ParseStepState(std::string_view name);
inline bool IsStepFinal(StepState s) {
  return s != StepState::kPending && s != StepState::kQueued && s != StepState::kRunning;
}
// Its outputs are available to downstream steps.
inline bool IsStepDone(StepState s) { return s == StepState::kSucceeded || s == StepState::kCached; }

// running → succeeded | failed | cancelled.
enum class RunState { kRunning, kSucceeded, kFailed, kCancelled };
const char* RunStateName(RunState s);
std::optional<RunState> ParseRunState(std::string_view name);

struct StepRecord {
  int64_t pipeline_run_id = 0;
  std::string name;
  int ordinal = 0;                 // topological position
  std::string component;           // name
  int64_t component_version = 0;   // resolved when the run started
  std::vector<std::string> depends_on;
  StepState state = StepState::kPending;
  std::optional<int64_t> job_id;
  std::string run_id;              // the tracking run of the step (the original's when cached)
  std::string cache_key;
  // Resolved parameters, the command line, the inputs' content ({name: output record}).
  Json resolved = Json::object();
  // {name: {"type": "file"|"dir", "sha256": content hash, "size": bytes, "files": [{path, sha256, size}]}}
  Json outputs = Json::object();
  std::string cached_from;         // "<pipeline run id>/<step>" whose outputs were reused
  std::string error;
  int64_t started_at = 0, finished_at = 0;
};

struct PipelineRun {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string pipeline;
  int64_t pipeline_version = 0;
  Json params = Json::object();    // resolved pipeline parameters
  bool cache = true;
  RunState state = RunState::kRunning;
  std::string run_id;              // the parent tracking run
  int64_t experiment_id = 0;
  std::string error;
  int64_t created_at = 0, finished_at = 0;
  std::string created_by;
  std::vector<StepRecord> steps;   // in topological order
  std::map<std::string, int> step_counts;  // steps per state (filled by ListRuns, which loads no steps)
};

}  // namespace moebius::pipeline
