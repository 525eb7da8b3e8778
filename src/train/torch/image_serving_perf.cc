#include "train/torch/image_serving_perf.h"

#include <algorithm>
#include <chrono>

#include "train/perf_stats.h"
#include "train/torch/image_cnn.h"
#include "train/torch/image_spec.h"

namespace moebius::train {

Result<Json> MeasureImageServing(const std::string& model_bytes, const std::string& spec_json,
                                 const std::vector<std::string>& images, const ImagePerfOptions& o) {
  if (images.empty()) return InvalidArgument("no images to measure serving performance on");
  if (o.calls == 0 || o.batch == 0) return InvalidArgument("serving check: calls and batch must be positive");
  using Clock = std::chrono::steady_clock;
  double rss_before = ProcStatusMb("VmRSS");
  ASSIGN_OR_RETURN(ImageCnn net, ImageCnn::Load(model_bytes));
  ASSIGN_OR_RETURN(ImageSpec spec, ImageSpec::Parse(spec_json));
  if (spec.channels != net.config().channels || spec.size != net.config().size ||
      static_cast<int>(spec.classes.size()) != net.config().classes)
    return InvalidArgument("serving check: transform.json does not fit model.pt (size, channels or classes differ)");
  std::vector<float> one(spec.InputSize());
  // Warm up once (allocator, kernels) before the memory reading.
  RETURN_IF_ERROR(spec.Preprocess(images[0], one.data()));
  RETURN_IF_ERROR(net.Predict(one.data(), 1).status());
  double rss_after = ProcStatusMb("VmRSS");

  std::vector<double> latencies;
  latencies.reserve(o.calls);
  for (size_t i = 0; i < o.calls; ++i) {
    const std::string& img = images[i % images.size()];
    auto t0 = Clock::now();
    RETURN_IF_ERROR(spec.Preprocess(img, one.data()));
    RETURN_IF_ERROR(net.Predict(one.data(), 1).status());
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  double mean = 0;
  for (double l : latencies) mean += l / latencies.size();

  size_t batch = std::min(o.batch, images.size());
  std::vector<float> inputs(batch * spec.InputSize());
  size_t done = 0, next = 0;
  auto b0 = Clock::now();
  double elapsed = 0;
  do {
    for (size_t k = 0; k < batch; ++k, ++next)
      RETURN_IF_ERROR(spec.Preprocess(images[next % images.size()], inputs.data() + k * spec.InputSize()));
    RETURN_IF_ERROR(net.Predict(inputs.data(), static_cast<int64_t>(batch)).status());
    done += batch;
    elapsed = std::chrono::duration<double>(Clock::now() - b0).count();
  } while (elapsed < o.min_batch_seconds);

  return Json{{"latency_p50_ms", Percentile(latencies, 0.5)},
              {"latency_p99_ms", Percentile(latencies, 0.99)},
              {"latency_mean_ms", mean},
              {"latency_calls", latencies.size()},
              {"throughput_rows_per_s", static_cast<double>(done) / elapsed},
              {"batch_rows", batch},
              {"model_rss_mb", std::max(0.0, rss_after - rss_before)},
              {"peak_rss_mb", ProcStatusMb("VmHWM")}};
}

}  // namespace moebius::train
