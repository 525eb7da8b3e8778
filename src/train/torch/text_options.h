// TextOptions: what `moebius train text` is asked to do. Validate checks everything that needs
// no data (names, ranges, the size of the embedding) before any file is read.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "train/torch/text_featurizer.h"

namespace moebius::train {
namespace text {
enum class OptimizerKind { kSgd, kAdam };
}  // namespace text

struct TextOptions {
  std::string data_dir;  // a materialized split version
  std::string text;      // the text column
  std::string label;     // the class column
  text::FeatureSettings features;
  int dim = 64;
  int hidden = 0;                 // 0: linear model (fastText); > 0: one relu hidden layer
  std::string optimizer = "sgd";  // sgd (linear decay to 0, like fastText) | adam (constant)
  double lr = 0;                  // 0: the optimizer's default (sgd 0.5, adam 0.02); per example
  int epochs = 10;
  int batch_size = 32;
  int early_stopping = 0;  // stop after N epochs without a lower valid loss; 0: off
  uint64_t seed = 0;
  int threads = 0;  // libtorch intra-op threads; 0: all cores
  int perf_calls = 2000;
  bool explain = true;       // top n-grams per class (explanations.json)
  bool measure_perf = true;  // the serving measurement (perf.json, perf.* metrics)
};

// kInvalidArgument naming the option.
Status Validate(const TextOptions& o);
Result<text::OptimizerKind> ParseOptimizer(const std::string& name);
double EffectiveLr(const TextOptions& o);

}  // namespace moebius::train
