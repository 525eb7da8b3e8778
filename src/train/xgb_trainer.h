// TrainXgboost: the whole tabular training run of `moebius train xgboost`, without any I/O to a
// server: read the split version, fit the transform on the train split and apply it to every
// split, train with per-iteration evaluation (train and valid) and optional early stopping,
// predict the test split and evaluate it with src/eval, explain the model and measure it as it
// will be served. The caller (src/cli/cli_train.cc) logs the result to the tracking API.
//
// The transform: the --transform config's entries, then a passthrough entry for every selected
// feature column the config does not read, so the fitted spec alone turns a raw row into the
// model's features. A string column with no entry is an error (it needs one_hot, vocabulary or
// hash).
//
// Determinism: for one seed and the same data and options the model JSON, the per-iteration
// metrics, the evaluation and the explanations are identical (XGBoost's seed, and a seeded
// generator for permutation importance); only the serving measurements vary.
//
// Early stopping keeps the rounds up to the best valid score (the model is sliced there; a
// gblinear model, which cannot be sliced, keeps its last round and records best_iteration).
//
// Thread safety: reentrant; each call owns its boosters.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "train/train_result.h"
#include "train/xgb_options.h"

namespace moebius::train {

Result<TrainResult> TrainXgboost(const XgbOptions& options, const TrainLog& log);

// One evaluation line of XGBoost ("[3]\ttrain-logloss:0.25\tvalid-auc:0.9") as metrics at `step`.
Result<std::vector<IterationMetric>> ParseEvalLine(const std::string& line, int64_t step);


}  // namespace moebius::train
