// Built-in trainers as AutoML algorithms (EXP-5 with the trainers of src/train): an algorithm of a
// study may name a trainer instead of giving a command,
//
//   {"name": "gbdt", "trainer": "xgboost", "args": {"label": "y", "task": "binary"}, "space": {...}}
//
// and each trial then runs `moebius train ...` on the study's data (trial.data, materialized in the
// job's directory) with the trial's parameters. Without `space` the trainer's default space is
// used (below); a given space replaces it and its parameter names are checked against what the
// trainer accepts when the study is created, so a typo is a 400, not a study of failed trials.
//
//   xgboost         gbtree boosting: eta (log 0.01–0.3), max_depth (2–10), min_child_weight
//                   (log 0.5–20), subsample (0.5–1), colsample_bytree (0.5–1), lambda (log 1e-3–10)
//   xgboost_dart    dart boosting: eta, max_depth, subsample, rate_drop (0–0.3), skip_drop (0–0.5)
//   xgboost_rf      random forest (one round of 100 trees): max_depth (4–16), subsample (0.5–0.9),
//                   colsample_bynode (0.3–0.9), min_child_weight (log 0.5–20)
//   xgboost_linear  gblinear: lambda (log 1e-4–10), alpha (log 1e-4–10), eta (log 0.05–1)
//   image           the libtorch CNN (`moebius train image`): lr (log 1e-4–1e-2), width (8–32),
//                   dropout (0–0.5), weight_decay (log 1e-6–1e-3); also tunable: blocks,
//                   batch_size, epochs, flip_prob, crop_pad, brightness, contrast
//   text            fastText-style n-grams (`moebius train text`): lr (log 0.05–1), dim (16–128),
//                   word_ngrams (1–3), maxn (3–6); also tunable: hidden, minn, min_count, epochs,
//                   batch_size, optimizer (categorical: sgd, adam). Every corner of the space is
//                   checked against the trainer's option rules at creation (minn ≤ maxn, dim, …).
//
// args of the text trainer: data, text and label (required: the text and class columns), epochs
// (10), batch_size (32), early_stopping (2), seed, threads, case (simple), buckets (2^18: trials
// run side by side), explain, perf (false).
//
// args of the image trainer: data, label_key (default label), size (64), epochs (10), batch_size
// (32), early_stopping (3), seed, threads, augment ("flip,crop,brightness,contrast"), perf.
//
// args of the XGBoost trainers: data (folder in the job's directory; default: the path of trial.data's
// first entry), label (required), task (binary | multiclass | regression | ranking; default
// binary), group (ranking), features (list of columns), rounds (default 200; tunable as a
// parameter named `rounds`), early_stopping (default 20; 0 off), seed (default 0), threads
// (default: the trial's CPUs rounded up), explain and perf (default false: trials skip
// explanations and the serving measurement; the chosen model can be re-run with them).
// Every trainer logs `valid_score` for the model as kept (XGBoost: the valid split's last eval
// metric; image and text: the valid loss): the natural study objective across algorithms of one kind of
// data (minimize for losses and rmse; maximize for auc, ndcg).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/json_reader.h"
#include "base/status.h"

namespace moebius::hpo {

struct BuiltinTrainerInfo {
  std::string name;
  std::string description;
  Json space;  // the default space's parameters (tuning JSON)
  std::vector<std::string> args;  // the args it takes
};

const std::vector<BuiltinTrainerInfo>& BuiltinTrainers();

// The normalized args of `trainer` (every field checked and present, defaults filled,
// `default_data` used when args has no data), after checking the space's parameter names
// (`params`: the list of the algorithm's own, unprefixed parameters in tuning JSON) against it.
// kInvalidArgument naming the field's path (`where` is the algorithm's, "algorithms[0]") on
// error, listing the trainers for an unknown one.
Result<Json> NormalizeTrainerArgs(const std::string& trainer, const JsonReader& args, const JsonReader& params,
                                  const std::string& default_data, double trial_cpus, const std::string& where);

// The command of one trial: `moebius train ...` with the normalized args and the trial's
// parameter values (short names).
std::vector<std::string> TrainerCommand(const std::string& trainer, const Json& args, const Json& values);

}  // namespace moebius::hpo
