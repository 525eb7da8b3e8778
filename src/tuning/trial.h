// Trial: one evaluation of a point of the search space, and its life as a study sees it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "tuning/space.h"

namespace moebius::tuning {

enum class TrialState { kRunning, kComplete, kPruned, kFailed };
enum class Direction { kMinimize, kMaximize };

const char* TrialStateName(TrialState state);
const char* DirectionName(Direction direction);

struct Trial {
  int64_t number = 0;  // 0, 1, 2, ... in the order the study created or added them
  TrialState state = TrialState::kRunning;
  Params params;       // internal form, NaN for inactive parameters (see space.h)
  std::vector<double> values;                 // one per objective once complete
  std::map<int64_t, double> intermediate;     // step -> reported value

  bool finished() const { return state != TrialState::kRunning; }
  std::optional<int64_t> last_step() const {
    if (intermediate.empty()) return std::nullopt;
    return intermediate.rbegin()->first;
  }
};

// Whether value a is better than b in the given direction (NaN is never better).
inline bool Better(Direction d, double a, double b) {
  return d == Direction::kMinimize ? a < b : a > b;
}

// The value as a loss: minimizing it is optimizing the study.
inline double AsLoss(Direction d, double v) { return d == Direction::kMinimize ? v : -v; }

}  // namespace moebius::tuning
