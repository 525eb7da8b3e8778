// What the serving measurements of every trainer share (serving_perf.cc, and the torch trainers'
// image_serving_perf.cc and text_serving_perf.cc): the process's memory as the kernel reports it
// a latency percentile, and the timing loop itself.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::train {

// A field of /proc/self/status in MiB (VmRSS, VmHWM); 0 where unavailable.
double ProcStatusMb(const std::string& key);

// The q-quantile (0..1) of `v` by the nearest rank; `v` must not be empty.
double Percentile(std::vector<double> v, double q);

// The timing every serving measurement shares: `single(i)` (one raw input → prediction) timed for
// i = 0..calls-1, then `batch()` (returns the rows it predicted) repeated for at least
// `min_batch_seconds`. Returns perf.json: latency_p50_ms, latency_p99_ms, latency_mean_ms,
// latency_calls, throughput_rows_per_s, batch_rows, model_rss_mb (given), peak_rss_mb (VmHWM).
Result<Json> TimeServing(size_t calls, const std::function<Status(size_t)>& single, const std::function<Result<size_t>()>& batch,
                         double min_batch_seconds, double model_rss_mb);

}  // namespace moebius::train
