#include "train/torch/text_options.h"

namespace moebius::train {

Result<text::OptimizerKind> ParseOptimizer(const std::string& name) {
  if (name == "sgd") return text::OptimizerKind::kSgd;
  if (name == "adam") return text::OptimizerKind::kAdam;
  return InvalidArgument("unknown --optimizer '" + name.substr(0, 64) + "': use sgd or adam");
}

double EffectiveLr(const TextOptions& o) {
  if (o.lr > 0) return o.lr;
  return o.optimizer == "adam" ? 0.02 : 0.5;
}

Status Validate(const TextOptions& o) {
  if (o.data_dir.empty()) return InvalidArgument("--data is required");
  if (o.text.empty()) return InvalidArgument("--text names the text column and is required");
  if (o.label.empty()) return InvalidArgument("--label names the class column and is required");
  if (o.text == o.label) return InvalidArgument("--text and --label name the same column '" + o.text + "'");
  if (o.text == "split" || o.label == "split" || o.text == "fold" || o.label == "fold")
    return InvalidArgument("--text and --label cannot be the split or fold column");
  RETURN_IF_ERROR(text::ValidateSettings(o.features));
  if (o.dim < 1 || o.dim > 1024) return InvalidArgument("--dim must be 1..1024");
  if (o.hidden < 0 || o.hidden > 4096) return InvalidArgument("--hidden must be 0..4096");
  RETURN_IF_ERROR(ParseOptimizer(o.optimizer).status());
  if (!(o.lr >= 0) || o.lr > 100) return InvalidArgument("--lr must be > 0 (or 0 for the optimizer's default) and at most 100");
  if (o.epochs < 1 || o.epochs > 10000) return InvalidArgument("--epochs must be 1..10000");
  if (o.batch_size < 1 || o.batch_size > 65536) return InvalidArgument("--batch-size must be 1..65536");
  if (o.early_stopping < 0) return InvalidArgument("--early-stopping must be >= 0");
  if (o.threads < 0) return InvalidArgument("--threads must be >= 0");
  if (o.perf_calls < 1 || o.perf_calls > 1000000) return InvalidArgument("--perf-calls must be 1..1000000");
  // The embedding is dense in memory: (vocabulary + buckets) × dim floats; bound the hashed part.
  if (o.features.buckets * static_cast<int64_t>(o.dim) > (int64_t{1} << 28))
    return InvalidArgument("--buckets × --dim must be at most 2^28 (1 GiB of float32 embedding); lower one of them");
  return Status::Ok();
}

}  // namespace moebius::train
