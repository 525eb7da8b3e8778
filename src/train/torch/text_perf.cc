#include "train/torch/text_perf.h"

#include <algorithm>
#include <chrono>

#include "train/perf_stats.h"
#include "train/torch/text_featurizer.h"
#include "train/torch/text_model.h"

namespace moebius::train {

Result<Json> MeasureTextServing(const std::string& model_bytes, const std::string& spec_json, const std::vector<std::string>& texts,
                                const PerfOptions& options) {
  if (texts.empty()) return InvalidArgument("no texts to measure serving performance on");
  using Clock = std::chrono::steady_clock;
  double rss_before = ProcStatusMb("VmRSS");
  ASSIGN_OR_RETURN(text::TextModel model, text::TextModel::Load(model_bytes));
  ASSIGN_OR_RETURN(text::TextFeaturizer featurizer, text::TextFeaturizer::Parse(spec_json));
  if (featurizer.num_features() != model.shape().num_features)
    return InvalidArgument("serving check: the spec has " + std::to_string(featurizer.num_features()) + " features, the model " +
                           std::to_string(model.shape().num_features));
  {
    text::TextBatch warm;
    warm.Add(featurizer.Features(texts.front()));
    RETURN_IF_ERROR(model.LogProba(warm).status());
  }
  double rss_after = ProcStatusMb("VmRSS");

  std::vector<double> latencies;
  latencies.reserve(options.latency_rows);
  for (size_t i = 0; i < options.latency_rows; ++i) {
    const std::string& t = texts[i % texts.size()];
    auto t0 = Clock::now();
    text::TextBatch one;
    one.Add(featurizer.Features(t));
    RETURN_IF_ERROR(model.LogProba(one).status());
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  double mean = 0;
  for (double l : latencies) mean += l / latencies.size();

  size_t batches = 0;
  auto b0 = Clock::now();
  double elapsed = 0;
  do {
    text::TextBatch all;
    for (const auto& t : texts) all.Add(featurizer.Features(t));
    RETURN_IF_ERROR(model.LogProba(all).status());
    ++batches;
    elapsed = std::chrono::duration<double>(Clock::now() - b0).count();
  } while (elapsed < options.min_batch_seconds);

  return Json{{"latency_p50_ms", Percentile(latencies, 0.5)},
              {"latency_p99_ms", Percentile(latencies, 0.99)},
              {"latency_mean_ms", mean},
              {"latency_calls", latencies.size()},
              {"throughput_rows_per_s", static_cast<double>(batches * texts.size()) / elapsed},
              {"batch_rows", texts.size()},
              {"model_rss_mb", std::max(0.0, rss_after - rss_before)},
              {"peak_rss_mb", ProcStatusMb("VmHWM")}};
}

}  // namespace moebius::train
