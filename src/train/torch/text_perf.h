// Processing performance of a trained text classifier as it will be served (issue 4 item 9),
// with the keys of the XGBoost trainer's MeasureServing (serving_perf.h): the saved model file
// is loaded into a fresh TextModel and the spec into a fresh TextFeaturizer, then
//   - latency: one raw text at a time → tokens and n-gram ids → class probabilities, over
//     `latency_rows` timed calls cycling through the given texts; p50, p99, mean;
//   - throughput: all given texts featurized and predicted as one batch, repeated for at least
//     `min_batch_seconds`, in texts per second;
//   - memory: VmRSS growth from loading model and spec (the dense embedding is allocated
//     whole), and the process's VmHWM (which includes training).
//
// Thread safety: call from one thread; libtorch's intra-op threads are whatever SetUpTorch set.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "train/serving_perf.h"

namespace moebius::train {

// {"latency_p50_ms", "latency_p99_ms", "latency_mean_ms", "latency_calls",
//  "throughput_rows_per_s", "batch_rows", "model_rss_mb", "peak_rss_mb"}.
Result<Json> MeasureTextServing(const std::string& model_bytes, const std::string& spec_json, const std::vector<std::string>& texts,
                                const PerfOptions& options);

}  // namespace moebius::train
