// One call that evaluates a model's predictions described in JSON — what the API, the CLI and
// the workers use (EVAL-1). The request:
//
//   {"problem": "classification" | "regression" | "ranking",
//    "y_true": [...], "y_pred": [...],            labels (numbers or strings) or numbers
//    "y_score": [...],                             binary: the positive class's score (optional)
//    "proba": [[...], ...], "classes": [...],      multiclass: per-class probabilities (optional;
//                                                  columns in `classes` order, default sorted labels)
//    "pos_label": 1,
//    "group": [...]}                               ranking: the query of each document (y_true
//                                                  relevance, y_score the model's score);
//                                                  metrics ndcg, ndcg_5, ndcg_10, map, mrr                               binary: the positive class (default 1, "1",
//                                                  "yes", "true" or "positive" when present)
//
// The answer: {"problem", "n", "labels", "metrics": {name: value} (flat, ready to log on a
// run), and the detail: "report" (per class), "confusion", "roc", "pr" (binary with scores)}.
// Bad requests are kInvalidArgument naming the field.
#pragma once

#include "base/json.h"
#include "base/status.h"

namespace moebius::eval {

Result<Json> EvaluateJson(const Json& request);

}  // namespace moebius::eval
