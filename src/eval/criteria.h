// Acceptance criteria (사용자승인기준, PRJ-2): boolean expressions over metric names, such as
// `f1 >= 0.85 and p99_latency_ms <= 50` or `(accuracy > 0.9 or f1_macro >= 0.8) and not drift > 0.2`.
//
// Grammar (keywords are case-insensitive):
//   expr       := or
//   or         := and ( ("or" | "||") and )*
//   and        := unary ( ("and" | "&&") unary )*
//   unary      := ("not" | "!") unary | "(" expr ")" | comparison
//   comparison := operand op operand        -- exactly one side is a metric, the other a number
//   op         := < <= > >= == = !=          -- `=` means `==`
//   operand    := number | identifier | `backticked name`
// Identifiers: [A-Za-z_][A-Za-z0-9_.\-/]*; a backticked name is any text without a backtick or a
// control character. Numbers: optional sign, digits, fraction, exponent (`-1`, `.5`, `1e-3`);
// they must be finite. The text must be valid UTF-8, at most 4 KiB, nested at most 32 levels
// (parentheses and `not`).
//
// Evaluation: a comparison whose metric the run lacks, or whose value is NaN, is reported as not
// passed; missing metrics are listed in `missing`. Such a comparison is *unknown* to the logic
// (SQL's three-valued logic), so it can never make the whole expression pass: `not drift > 0.2`
// does not pass a run without a drift metric, while `a > 1 or b > 1` still passes on `b` alone.
//
// Thread-safety: a Criteria is immutable and may be shared between threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::eval {

struct ClauseResult {
  std::string text;  // canonical text of one comparison, e.g. "f1 >= 0.85"
  bool passed = false;
  std::optional<double> actual;  // the metric's value; nullopt when missing
  std::string metric;            // the metric name the comparison uses, e.g. "f1"
  std::string logged_as;         // the run's key that gave `actual` (metric_names.h); empty when missing
};

struct Evaluation {
  bool passed = false;
  std::vector<ClauseResult> clauses;  // every comparison, in source order
  std::vector<std::string> missing;   // metrics the lookup did not find, in first-use order
  // For each missing metric, the run's logged keys close to it (metric_names.h), best first;
  // filled by RunMetrics::Evaluate, not by Criteria::Evaluate.
  std::map<std::string, std::vector<std::string>> close;
};

class Criteria {
 public:
  struct Node;
  explicit Criteria(std::shared_ptr<const Node> root) : root_(std::move(root)) {}

  // The metric names the expression refers to, sorted, each once.
  std::vector<std::string> Metrics() const;
  // Normalized text: lower-case keywords, `==` for `=`, metric on the left, single spaces,
  // only the parentheses precedence needs. ParseCriteria(Canonical()) gives the same Canonical().
  std::string Canonical() const;
  // Evaluates every comparison (no short-circuit, so the report is complete). `lookup` returns
  // a metric's value or nullopt when the run does not have it.
  Evaluation Evaluate(const std::function<std::optional<double>(std::string_view)>& lookup) const;

 private:
  std::shared_ptr<const Node> root_;
};

// kInvalidArgument naming the 1-based column (in characters) and what was expected, e.g.
// "at column 7: expected a number after '>='".
Result<Criteria> ParseCriteria(std::string_view text);

}  // namespace moebius::eval
