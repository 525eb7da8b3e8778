#include "train/serving_perf.h"

#include <algorithm>
#include <vector>

#include "train/booster.h"
#include "train/perf_stats.h"
#include "transform/transformer.h"

namespace moebius::train {

Result<Json> MeasureServing(const std::string& model_json, const std::string& spec_json, const transform::Table& rows,
                            const PerfOptions& options) {
  if (rows.num_rows() == 0) return InvalidArgument("no rows to measure serving performance on");
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
  auto single = [&](size_t i) -> Status {
    size_t r = i % rows.num_rows();
    for (size_t c = 0; c < cols.size(); ++c) {
      const transform::Column& col = *cols[c];
      if (col.IsMissing(r)) cells[c] = transform::Cell::Missing();
      else if (col.type == transform::ColumnType::kNumeric) cells[c] = transform::Cell::Number(col.numbers[r]);
      else cells[c] = transform::Cell::String(*col.strings[r]);
    }
    RETURN_IF_ERROR(tf.ApplyRow(cells, std::span<float>(features)));
    return booster.PredictDense(features.data(), 1, features.size(), PredictKind::kValue).status();
  };
  auto batch = [&]() -> Result<size_t> {
    ASSIGN_OR_RETURN(transform::FeatureMatrix m, tf.ApplyTable(rows));
    RETURN_IF_ERROR(booster.PredictDense(m.values.data(), m.rows, m.cols(), PredictKind::kValue).status());
    return rows.num_rows();
  };
  return TimeServing(options.latency_rows, single, batch, options.min_batch_seconds, rss_after - rss_before);
}

}  // namespace moebius::train
