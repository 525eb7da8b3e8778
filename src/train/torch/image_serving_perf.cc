#include "train/torch/image_serving_perf.h"

#include <algorithm>

#include "train/perf_stats.h"
#include "train/torch/image_cnn.h"
#include "train/torch/image_spec.h"

namespace moebius::train {

Result<Json> MeasureImageServing(const std::string& model_bytes, const std::string& spec_json,
                                 const std::vector<std::string>& images, const ImagePerfOptions& o) {
  if (images.empty()) return InvalidArgument("no images to measure serving performance on");
  if (o.calls == 0 || o.batch == 0) return InvalidArgument("serving check: calls and batch must be positive");
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

  auto single = [&](size_t i) -> Status {
    RETURN_IF_ERROR(spec.Preprocess(images[i % images.size()], one.data()));
    return net.Predict(one.data(), 1).status();
  };
  size_t batch = std::min(o.batch, images.size());
  std::vector<float> inputs(batch * spec.InputSize());
  size_t next = 0;
  auto many = [&]() -> Result<size_t> {
    for (size_t k = 0; k < batch; ++k, ++next)
      RETURN_IF_ERROR(spec.Preprocess(images[next % images.size()], inputs.data() + k * spec.InputSize()));
    RETURN_IF_ERROR(net.Predict(inputs.data(), static_cast<int64_t>(batch)).status());
    return batch;
  };
  return TimeServing(o.calls, single, many, o.min_batch_seconds, rss_after - rss_before);
}

}  // namespace moebius::train
