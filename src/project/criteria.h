// Acceptance criteria (사용자승인기준, PRJ-2): boolean expressions over metric names, such as
// `f1 >= 0.85 and p99_latency_ms <= 50` or `(accuracy > 0.9 or f1_macro >= 0.8) and not drift > 0.2`.
//
// Grammar (case-insensitive keywords):
//   expr       := or
//   or         := and ( ("or" | "||") and )*
//   and        := unary ( ("and" | "&&") unary )*
//   unary      := ("not" | "!") unary | "(" expr ")" | comparison
//   comparison := operand op operand        -- exactly one side is a metric, the other a number
//   op         := < <= > >= == = !=
//   operand    := number | identifier | `backticked name`
// Identifiers: [A-Za-z_][A-Za-z0-9_.\-/]*. At most 4 KiB of text and 32 levels of nesting.
//
// A metric the run does not have makes its comparison false and is listed in `missing`; NaN
// compares false.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::project {

struct ClauseResult {
  std::string text;  // canonical text of one comparison
  bool passed = false;
  std::optional<double> actual;
};

struct Evaluation {
  bool passed = false;
  std::vector<ClauseResult> clauses;  // every comparison, in source order
  std::vector<std::string> missing;   // metrics the lookup did not find
};

class Criteria {
 public:
  struct Node;
  explicit Criteria(std::shared_ptr<const Node> root) : root_(std::move(root)) {}

  std::vector<std::string> Metrics() const;
  std::string Canonical() const;
  Evaluation Evaluate(const std::function<std::optional<double>(std::string_view)>& lookup) const;

 private:
  std::shared_ptr<const Node> root_;
};

// kInvalidArgument naming the 1-based column: "at column 12: expected a number after '>='".
Result<Criteria> ParseCriteria(std::string_view text);

}  // namespace moebius::project
