// Persistent studies (EXP-5): a study's record and its trials as the metadata store keeps them.
// The algorithmic state (sampler, pruner) lives in a tuning::Study that the driver rebuilds from
// these records; see docs/design/hpo.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/json.h"

namespace moebius::hpo {

// running → completed (n_trials done, the grid exhausted or the timeout passed, and no trial in
// flight) | stopped (by a user) | failed (the driver could not go on, e.g. a run could not be
// created; `error` says why).
enum class StudyState { kRunning, kStopped, kCompleted, kFailed };
const char* StudyStateName(StudyState s);
std::optional<StudyState> ParseStudyState(std::string_view s);

struct StudyRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  int64_t experiment_id = 0;
  std::string parent_run_id;  // the study's own run; every trial's run is its child
  Json spec;                  // the normalized spec (study_spec.h)
  StudyState state = StudyState::kRunning;
  std::string error;
  std::string created_by;
  int64_t created_at = 0;
  int64_t finished_at = 0;
};

// Persisted trial states are tuning's: running, complete, pruned, failed.
struct TrialRecord {
  int64_t study_id = 0;
  int64_t number = 0;          // 0, 1, ... within the study (warm-start trials are not numbered here)
  std::string state = "running";
  Json params = Json::object();  // external form (only active parameters)
  std::optional<double> value;   // complete: the objective; pruned: the last intermediate value
  std::map<int64_t, double> intermediate;  // step -> value read from the run's metric history
  std::string run_id;
  int64_t job_id = 0;
  std::string error;
  int64_t created_at = 0;
  int64_t finished_at = 0;
};

}  // namespace moebius::hpo
