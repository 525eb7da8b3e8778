// What an evaluation page and the experiment report (모델 실험 결과서) show beyond the flat
// metrics of EvaluateJson (evaluate.h): computed from the same request, kept in the stored
// evaluation so a report never recomputes from predictions it no longer has.
//
//   "calibration": binary problems whose y_score lies in [0, 1] — calibration_curve with 10
//                  uniform bins (curves.h);
//   "residuals":   regression — residual = y_true − y_pred: mean, std (population), min, max,
//                  mean |r|, percentiles 5/25/50/75/95 (numpy's linear), and a 20-bin histogram;
//   "slices":      when the request has
//                    "slices": {"features": {"<name>": [one value per row], ...},
//                               "tags": [[tag, ...] per row],
//                               "metric": "accuracy" (default; "rmse" for regression),
//                               "baseline": number (optional; default the metric on all rows),
//                               "min_rows": 1}
//                  one SliceReport per feature (keys "<name>=<value>") and one for the tags,
//                  sorted by priority = gap × share (slices.h). Label metrics see labels as
//                  their sorted index, so roc_auc / average_precision take the second label as
//                  the positive class;
//   "baselines":   {"simple": {...}} — a simple model evaluated on the same rows with the same
//                  metric names: classification predicts the majority class of y_true (ties:
//                  the smallest label) with the class shares as its scores (the prior); regression
//                  predicts the mean of y_true. "model" names which.
//
// Ranking evaluations get none of these (an empty object; slices asked for are kInvalidArgument).
// Bad slice specs (a feature whose length differs from y_true, an unknown metric) are
// kInvalidArgument naming the field.
#pragma once

#include "base/json.h"
#include "base/status.h"

namespace moebius::eval {

// `result` is EvaluateJson(request)'s answer; returns the fields above to merge into it.
Result<Json> EvaluationDetail(const Json& request, const Json& result);

}  // namespace moebius::eval
