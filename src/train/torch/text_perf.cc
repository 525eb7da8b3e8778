#include "train/torch/text_perf.h"

#include <algorithm>

#include "train/perf_stats.h"
#include "train/torch/text_featurizer.h"
#include "train/torch/text_model.h"

namespace moebius::train {

Result<Json> MeasureTextServing(const std::string& model_bytes, const std::string& spec_json, const std::vector<std::string>& texts,
                                const PerfOptions& options) {
  if (texts.empty()) return InvalidArgument("no texts to measure serving performance on");
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

  auto single = [&](size_t i) -> Status {
    text::TextBatch one;
    one.Add(featurizer.Features(texts[i % texts.size()]));
    return model.LogProba(one).status();
  };
  auto batch = [&]() -> Result<size_t> {
    text::TextBatch all;
    for (const auto& t : texts) all.Add(featurizer.Features(t));
    RETURN_IF_ERROR(model.LogProba(all).status());
    return texts.size();
  };
  return TimeServing(options.latency_rows, single, batch, options.min_batch_seconds, rss_after - rss_before);
}

}  // namespace moebius::train
