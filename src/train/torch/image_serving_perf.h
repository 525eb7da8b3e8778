// Processing performance of a trained image classifier as it will be served (issue 4 item 9),
// with the keys of the tabular trainer's measurement (src/train/serving_perf.h): the saved
// model.pt bytes are loaded into a fresh network and transform.json into an ImageSpec — what a
// server would hold — then
//   - latency: one encoded image at a time: decode → resize → normalize → forward → probabilities,
//     over `calls` timed calls cycling through the given images; p50, p99 and mean;
//   - throughput: batches of up to `batch` images (decode and normalize each, one forward),
//     repeated for at least `min_batch_seconds`, in images per second (throughput_rows_per_s);
//   - memory: resident set growth from loading the model and spec (VmRSS before and after) and
//     the process's peak resident set (VmHWM, which includes training).
//
// Thread safety: call from one thread; libtorch's intra-op threads are set by SetUpTorch.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::train {

struct ImagePerfOptions {
  size_t calls = 200;
  size_t batch = 32;
  double min_batch_seconds = 0.2;
};

// {"latency_p50_ms", "latency_p99_ms", "latency_mean_ms", "latency_calls", "throughput_rows_per_s",
//  "batch_rows", "model_rss_mb", "peak_rss_mb"}.
Result<Json> MeasureImageServing(const std::string& model_bytes, const std::string& spec_json,
                                 const std::vector<std::string>& encoded_images, const ImagePerfOptions& options);

}  // namespace moebius::train
