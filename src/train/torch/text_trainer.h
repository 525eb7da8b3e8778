// TrainText: the built-in text classifier (`moebius train text`, issue 4 item 4): a
// fastText-style model over word unigrams, hashed word n-grams and hashed character n-grams
// (text_featurizer.h), so Korean words that differ only in their particles or endings
// ("데이터를", "데이터가") share most features without a morphological analyzer.
//
// Steps: validate the options; read the split version like the XGBoost trainer
// (TabularSplits: every .csv/.tsv/.jsonl under --data, rows by the `split` column; classes are
// the distinct train labels, one class or a valid/test label unseen in train is an error); fit
// the featurizer on the train texts; train the model (text_model.h) for --epochs with seeded
// shuffling (SplitMix64, our own bounded draw) and per-epoch metrics train-loss, valid-loss,
// valid-accuracy, valid-f1_macro at step = epoch (1-based); optional early stopping on the
// valid loss (the best epoch's model is kept); evaluate the test split through src/eval
// (binary with y_score and pos_label = classes[1] for two classes, multiclass with proba
// otherwise); top n-grams per class (explanations.json); the serving measurement
// (text_perf.h).
//
// Same data, options, seed and thread count → the same model bytes and metrics (only time.*
// and perf.* vary).
//
// Thread safety: calls SetUpTorch (process-wide state); run one training at a time.
#pragma once

#include "base/status.h"
#include "train/torch/text_options.h"
#include "train/train_result.h"

namespace moebius::train {

Result<TrainResult> TrainText(const TextOptions& o, const TrainLog& log);

}  // namespace moebius::train
