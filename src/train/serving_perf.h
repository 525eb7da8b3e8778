// Processing performance of a trained model as it will be served (issue 4 item 9): the saved
// model JSON is loaded into a fresh booster and the fitted transform spec into a Transformer,
// exactly what a server would hold, then
//   - latency: one row at a time, from raw cells (Transformer::ApplyRow) to XGBoost's in-place
//     prediction, over `latency_rows` timed calls cycling through the given rows; p50 and p99;
//   - throughput: whole-table transform plus one batch prediction, repeated for at least
//     `min_batch_seconds`, in rows per second;
//   - memory: the process's resident set growth from loading the model and transform (VmRSS
//     before and after), and its peak resident set so far (VmHWM, which includes training).
//
// Thread safety: call from one thread; XGBoost's own threads are bounded by its nthread.
#pragma once

#include <string>

#include "base/json.h"
#include "base/status.h"
#include "transform/table.h"

namespace moebius::train {

struct PerfOptions {
  size_t latency_rows = 2000;
  double min_batch_seconds = 0.2;
  int threads = 0;  // XGBoost nthread for prediction; 0: all cores
};

// {"latency_p50_ms", "latency_p99_ms", "latency_mean_ms", "throughput_rows_per_s",
//  "model_rss_mb", "peak_rss_mb", "batch_rows", "latency_calls"}.
Result<Json> MeasureServing(const std::string& model_json, const std::string& spec_json, const transform::Table& rows,
                            const PerfOptions& options);

}  // namespace moebius::train
