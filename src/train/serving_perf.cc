#include "train/serving_perf.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "train/booster.h"
#include "train/perf_stats.h"
#include "transform/transformer.h"

namespace moebius::train {

Result<Json> MeasureServing(const std::string& model_json, const std::string& spec_json, const transform::Table& rows,
                            const PerfOptions& options) {
  if (rows.num_rows() == 0) return InvalidArgument("no rows to measure serving performance on");
  using Clock = std::chrono::steady_clock;
  double rss_before = ProcStatusMb("VmRSS");
  ASSIGN_OR_RETURN(Booster booster, Booster::Load(model_json));
  RETURN_IF_ERROR(booster.SetParam("nthread", std::to_string(options.threads)));
  ASSIGN_OR_RETURN(transform::TransformSpec spec, transform::TransformSpec::Parse(spec_json));
  ASSIGN_OR_RETURN(transform::Transformer tf, transform::Transformer::Create(std::move(spec)));
  // Warm up once (XGBoost configures the learner lazily) before the memory reading.
  ASSIGN_OR_RETURN(transform::FeatureMatrix warm, tf.ApplyTable(rows));
  RETURN_IF_ERROR(booster.PredictDense(warm.values.data(), 1, warm.cols(), PredictKind::kValue).status());
  double rss_after = ProcStatusMb("VmRSS");

  // Raw cells per row in the transformer's input order.
  const auto& inputs = tf.input_columns();
  std::vector<const transform::Column*> cols;
  for (const auto& [name, type] : inputs) {
    const transform::Column* c = rows.Find(name);
    if (!c) return InvalidArgument("serving check: no input column '" + name + "'");
    cols.push_back(c);
  }
  std::vector<transform::Cell> cells(cols.size());
  std::vector<float> features(tf.num_features());
  std::vector<double> latencies;
  latencies.reserve(options.latency_rows);
  for (size_t i = 0; i < options.latency_rows; ++i) {
    size_t r = i % rows.num_rows();
    auto t0 = Clock::now();
    for (size_t c = 0; c < cols.size(); ++c) {
      const transform::Column& col = *cols[c];
      if (col.IsMissing(r)) cells[c] = transform::Cell::Missing();
      else if (col.type == transform::ColumnType::kNumeric) cells[c] = transform::Cell::Number(col.numbers[r]);
      else cells[c] = transform::Cell::String(*col.strings[r]);
    }
    RETURN_IF_ERROR(tf.ApplyRow(cells, std::span<float>(features)));
    RETURN_IF_ERROR(booster.PredictDense(features.data(), 1, features.size(), PredictKind::kValue).status());
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  double mean = 0;
  for (double l : latencies) mean += l / latencies.size();

  size_t batches = 0;
  auto b0 = Clock::now();
  double elapsed = 0;
  do {
    ASSIGN_OR_RETURN(transform::FeatureMatrix m, tf.ApplyTable(rows));
    RETURN_IF_ERROR(booster.PredictDense(m.values.data(), m.rows, m.cols(), PredictKind::kValue).status());
    ++batches;
    elapsed = std::chrono::duration<double>(Clock::now() - b0).count();
  } while (elapsed < options.min_batch_seconds);

  return Json{{"latency_p50_ms", Percentile(latencies, 0.5)},
              {"latency_p99_ms", Percentile(latencies, 0.99)},
              {"latency_mean_ms", mean},
              {"latency_calls", latencies.size()},
              {"throughput_rows_per_s", static_cast<double>(batches * rows.num_rows()) / elapsed},
              {"batch_rows", rows.num_rows()},
              {"model_rss_mb", std::max(0.0, rss_after - rss_before)},
              {"peak_rss_mb", ProcStatusMb("VmHWM")}};
}

}  // namespace moebius::train
