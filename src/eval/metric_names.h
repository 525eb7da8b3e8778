// One naming of metrics between tasks and trainers (issue 17, bug 1).
//
// A run's metrics are logged under flat keys: the built-in trainers log their serving
// measurement as `perf.<what>` (perf.latency_p99_ms), their timings as `time.<what>`, and an
// evaluation named E (POST /api/v1/runs/{run}/evaluations, "test" for the trainers' test split)
// logs each of its metrics M as `E_M` (test_f1), as MLflow clients expect a flat key.
//
// Acceptance criteria and a task's primary metric name a metric in either form:
//   - the logged key itself: `test_f1`, `perf.latency_p99_ms`;
//   - `E.M`, the metric M of evaluation E: `test.f1` is the value logged as `test_f1`.
// The exact key wins when a run has both.
//
// When a name resolves to nothing, CloseNames lists the logged keys a user probably meant:
// those that contain every word of the name (`f1` → test_f1, valid_f1; `p99_latency_ms` →
// perf.latency_p99_ms), then those a few typing mistakes away, best first.
//
// Thread-safety: a RunMetrics is immutable after construction and may be shared.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "eval/criteria.h"

namespace moebius::eval {

class RunMetrics {
 public:
  // `logged`: a run's latest value per metric key.
  explicit RunMetrics(std::map<std::string, double> logged) : logged_(std::move(logged)) {}

  // The logged key `name` stands for (see above), or nullopt when the run has none.
  std::optional<std::string> Resolve(std::string_view name) const;
  // The value of Resolve(name), or nullopt.
  std::optional<double> Value(std::string_view name) const;
  // Up to `max` logged keys close to `name`, best first; empty when none is close.
  std::vector<std::string> CloseNames(std::string_view name, size_t max = 3) const;

  // Criteria::Evaluate over these metrics, with every clause's logged key and, for each missing
  // name, its close names.
  Evaluation Evaluate(const Criteria& criteria) const;

 private:
  std::map<std::string, double> logged_;
};

// The JSON every criteria check answers with: {passed, clauses: [{text, metric, logged_as,
// passed, actual}], missing: [name], close: {name: [logged key]}}; a non-finite actual is null.
Json EvaluationToJson(const Evaluation& ev);

}  // namespace moebius::eval
