#include "train/xgb_trainer.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <set>

#include "base/strings.h"
#include "eval/classification.h"
#include "eval/curves.h"
#include "eval/evaluate.h"
#include "eval/ranking.h"
#include "eval/regression.h"
#include "train/booster.h"
#include "train/explain.h"
#include "train/serving_perf.h"
#include "train/tabular_splits.h"
#include "transform/fit.h"
#include "transform/transformer.h"

namespace moebius::train {
namespace {

bool HigherIsBetter(const std::string& metric) {
  for (const char* p : {"auc", "aucpr", "ndcg", "map", "pre"})
    if (metric.rfind(p, 0) == 0) return true;
  return false;
}

// The fitted config: the user's entries, then passthrough for every other feature column.
Result<transform::TransformConfig> BuildConfig(const XgbOptions& o, const TabularSplits& d) {
  transform::TransformConfig config;
  if (o.transform) {
    auto parsed = transform::TransformConfig::FromJson(*o.transform);
    if (!parsed.ok()) return InvalidArgument("--transform: " + parsed.status().message());
    config = *parsed;
  }
  std::set<std::string> read;
  for (const auto& c : config.columns) read.insert(c.column);
  for (const auto& f : d.feature_columns) {
    if (read.count(f)) continue;
    const transform::Column* c = d.train.inputs.Find(f);
    if (c->type == transform::ColumnType::kString)
      return InvalidArgument("feature column '" + f +
                             "' holds strings: give --transform with a one_hot, vocabulary or hash step for it, or leave it out with --features");
    transform::ColumnConfig cc;
    cc.column = f;
    cc.steps.push_back(transform::StepConfig{});  // passthrough
    config.columns.push_back(std::move(cc));
  }
  return config;
}

Result<DMatrix> MatrixFor(const transform::FeatureMatrix& m, const SplitSet& s, const std::vector<std::string>& names,
                          int threads) {
  ASSIGN_OR_RETURN(DMatrix d, DMatrix::FromDense(m.values, m.rows, m.cols(), threads));
  RETURN_IF_ERROR(d.SetLabels(s.labels));
  if (!s.groups.empty()) RETURN_IF_ERROR(d.SetGroups(s.groups));
  RETURN_IF_ERROR(d.SetFeatureNames(names));
  return d;
}

// Keeps rank `shard`'s rows of `s` and `m`: row i when i % shards == shard; for ranking, whole
// queries (the i-th query when i % shards == shard), so no query is split across ranks.
void KeepShard(transform::FeatureMatrix& m, SplitSet& s, int shard, int shards) {
  size_t cols = m.cols();
  std::vector<float> values, labels;
  std::vector<unsigned> groups;
  auto keep_row = [&](size_t r) {
    values.insert(values.end(), m.values.begin() + r * cols, m.values.begin() + (r + 1) * cols);
    labels.push_back(s.labels[r]);
  };
  if (!s.groups.empty()) {
    size_t at = 0;
    for (size_t q = 0; q < s.groups.size(); ++q) {
      if (static_cast<int>(q % shards) == shard) {
        for (size_t r = at; r < at + s.groups[q]; ++r) keep_row(r);
        groups.push_back(s.groups[q]);
      }
      at += s.groups[q];
    }
  } else {
    for (size_t r = 0; r < s.rows(); ++r)
      if (static_cast<int>(r % shards) == shard) keep_row(r);
  }
  m.values = std::move(values);
  m.rows = labels.size();
  s.labels = std::move(labels);
  s.groups = std::move(groups);
}

std::string ParamValue(const std::vector<std::pair<std::string, std::string>>& params, const std::string& key) {
  for (const auto& [k, v] : params)
    if (k == key) return v;
  return "";
}

// How the test predictions become an evaluation: the request for src/eval and the task metric
// for permutation importance.
struct Scoring {
  Task task;
  std::string objective;
  const TabularSplits* data;

  size_t Width(const Prediction& p) const { return p.values.size() / std::max<size_t>(1, data->test.rows()); }

  std::vector<eval::Label> PredictedClasses(const Prediction& p) const {
    size_t n = data->test.rows(), w = Width(p);
    std::vector<eval::Label> out(n);
    for (size_t i = 0; i < n; ++i) {
      const float* v = &p.values[i * w];
      if (task == Task::kBinary) out[i] = objective == "binary:logistic" ? (v[0] >= 0.5f) : objective == "binary:logitraw" ? (v[0] > 0) : (v[0] >= 0.5f);
      else if (w == 1) out[i] = static_cast<eval::Label>(v[0]);
      else out[i] = std::max_element(v, v + w) - v;
    }
    return out;
  }
  bool HasScore() const { return task == Task::kBinary && objective != "binary:hinge"; }
  bool HasProba() const { return task == Task::kMulticlass && objective == "multi:softprob"; }

  std::vector<eval::Label> TrueClasses() const {
    std::vector<eval::Label> t;
    for (float v : data->test.labels) t.push_back(static_cast<eval::Label>(v));
    return t;
  }

  std::string MetricName() const {
    switch (task) {
      case Task::kBinary: return HasScore() ? "roc_auc" : "accuracy";
      case Task::kMulticlass: return "accuracy";
      case Task::kRegression: return "rmse";
      case Task::kRanking: return "ndcg";
    }
    return "";
  }
  bool HigherBetter() const { return task != Task::kRegression; }

  eval::Rows QueryRows(const std::vector<double>& v) const {
    eval::Rows rows;
    size_t at = 0;
    for (unsigned g : data->test.groups) {
      rows.emplace_back(v.begin() + at, v.begin() + at + g);
      at += g;
    }
    return rows;
  }

  Result<double> Metric(const Prediction& p) const {
    std::vector<double> values(p.values.begin(), p.values.end());
    switch (task) {
      case Task::kBinary:
      case Task::kMulticlass: {
        auto t = TrueClasses();
        if (HasScore()) return eval::RocAuc(t, values, 1);
        auto pred = PredictedClasses(p);
        return eval::Accuracy(t, pred);
      }
      case Task::kRegression: {
        std::vector<double> t(data->test.labels.begin(), data->test.labels.end());
        ASSIGN_OR_RETURN(auto m, eval::Regression(t, values));
        return m.rmse;
      }
      case Task::kRanking: {
        std::vector<double> t(data->test.labels.begin(), data->test.labels.end());
        return eval::Ndcg(QueryRows(t), QueryRows(values));
      }
    }
    return Internal("unknown task");
  }

  Json Request(const Prediction& p) const {
    const auto& test = data->test;
    size_t n = test.rows(), w = Width(p);
    Json req;
    if (task == Task::kRegression) {
      req = Json{{"problem", "regression"}, {"y_true", test.y_true}};
      Json y = Json::array();
      for (float v : p.values) y.push_back(static_cast<double>(v));
      req["y_pred"] = y;
      return req;
    }
    if (task == Task::kRanking) {
      Json s = Json::array();
      for (float v : p.values) s.push_back(static_cast<double>(v));
      return Json{{"problem", "ranking"}, {"y_true", test.y_true}, {"y_score", s}, {"group", test.group_ids}};
    }
    auto pred = PredictedClasses(p);
    Json yp = Json::array();
    for (auto c : pred) yp.push_back(data->classes[c]);
    req = Json{{"problem", "classification"}, {"y_true", test.y_true}, {"y_pred", yp}, {"classes", data->classes}};
    if (HasScore()) {
      Json s = Json::array();
      for (size_t i = 0; i < n; ++i) s.push_back(static_cast<double>(p.values[i * w]));
      req["y_score"] = s;
      req["pos_label"] = data->classes[1];
    }
    if (HasProba()) {
      Json rows = Json::array();
      for (size_t i = 0; i < n; ++i) {
        Json r = Json::array();
        for (size_t k = 0; k < w; ++k) r.push_back(static_cast<double>(p.values[i * w + k]));
        rows.push_back(r);
      }
      req["proba"] = rows;
    }
    return req;
  }
};

}  // namespace

Result<std::vector<IterationMetric>> ParseEvalLine(const std::string& line, int64_t step) {
  std::vector<IterationMetric> out;
  auto parts = Split(line, '\t');
  for (size_t i = 1; i < parts.size(); ++i) {
    auto colon = parts[i].rfind(':');
    if (colon == std::string::npos) return Internal("unexpected XGBoost evaluation line: " + line);
    char* end = nullptr;
    std::string num = parts[i].substr(colon + 1);
    double v = std::strtod(num.c_str(), &end);
    if (end == num.c_str()) return Internal("unexpected XGBoost evaluation value: " + parts[i]);
    out.push_back({MetricKey(parts[i].substr(0, colon)), v, step});
  }
  return out;
}

Result<TrainResult> TrainXgboost(const XgbOptions& o, const TrainLog& log) {
  RETURN_IF_ERROR(Validate(o));
  if (o.shards < 1 || o.shard < 0 || o.shard >= o.shards)
    return InvalidArgument("rank " + std::to_string(o.shard) + " is not in a world of " + std::to_string(o.shards));
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  ASSIGN_OR_RETURN(TabularSplits data, TabularSplits::Load(o));
  log("read " + std::to_string(data.files.size()) + " table file(s): " + std::to_string(data.train.rows()) + " train, " +
      std::to_string(data.valid.rows()) + " valid, " + std::to_string(data.test.rows()) + " test rows");
  if (o.early_stopping > 0 && data.valid.rows() == 0)
    return InvalidArgument("--early-stopping needs rows with split=val (or valid) to watch; this version has none");

  // Transform: fitted on train only, applied to every split.
  ASSIGN_OR_RETURN(transform::TransformConfig config, BuildConfig(o, data));
  auto fitted = transform::Fit(config, data.train.inputs);
  if (!fitted.ok()) return InvalidArgument("--transform: fitting on the train split: " + fitted.status().message());
  ASSIGN_OR_RETURN(transform::Transformer tf, transform::Transformer::Create(*fitted));
  std::vector<std::string> names = tf.spec().FeatureNames();
  ASSIGN_OR_RETURN(transform::FeatureMatrix ftrain, tf.ApplyTable(data.train.inputs));
  ASSIGN_OR_RETURN(transform::FeatureMatrix fvalid, tf.ApplyTable(data.valid.inputs));
  ASSIGN_OR_RETURN(transform::FeatureMatrix ftest, tf.ApplyTable(data.test.inputs));
  const bool distributed = o.shards > 1;
  const size_t rows_train = data.train.rows(), rows_valid = data.valid.rows();
  if (distributed) {
    // The transform was fitted on the whole train split above: every rank has the same features.
    KeepShard(ftrain, data.train, o.shard, o.shards);
    KeepShard(fvalid, data.valid, o.shard, o.shards);
    log("rank " + std::to_string(o.shard) + " of " + std::to_string(o.shards) + ": training on " + std::to_string(data.train.rows()) +
        " train and " + std::to_string(data.valid.rows()) + " valid rows of its shard");
  }
  // Every rank builds the same matrices in the same order: XGBoost syncs their shapes.
  ASSIGN_OR_RETURN(DMatrix dtrain, MatrixFor(ftrain, data.train, names, o.threads));
  ASSIGN_OR_RETURN(DMatrix dvalid, MatrixFor(fvalid, data.valid, names, o.threads));
  ASSIGN_OR_RETURN(DMatrix dtest, MatrixFor(ftest, data.test, names, o.threads));
  double read_s = seconds();

  TrainResult res;
  int num_class = static_cast<int>(data.classes.size());
  ASSIGN_OR_RETURN(auto xparams, ParamsFor(o, num_class));
  std::vector<const DMatrix*> cache{&dtrain};
  std::vector<std::pair<std::string, const DMatrix*>> watch{{"train", &dtrain}};
  if (rows_valid) {  // the whole split's count: every rank watches the same sets
    cache.push_back(&dvalid);
    watch.emplace_back("valid", &dvalid);
  }
  ASSIGN_OR_RETURN(Booster booster, Booster::Create(cache));
  for (const auto& [k, v] : xparams) RETURN_IF_ERROR(booster.SetParam(k, v));
  RETURN_IF_ERROR(booster.SetFeatureNames(names));

  const std::string objective = ParamValue(xparams, "objective");
  int best = -1;
  double best_value = 0;
  std::string watched;
  int rounds_done = 0;
  for (int i = 0; i < o.rounds; ++i) {
    RETURN_IF_ERROR(booster.UpdateOneIter(i, dtrain));
    ++rounds_done;
    ASSIGN_OR_RETURN(std::string line, booster.EvalOneIter(i, watch));
    ASSIGN_OR_RETURN(auto points, ParseEvalLine(line, i));
    res.history.insert(res.history.end(), points.begin(), points.end());
    if (o.early_stopping > 0 && !points.empty()) {
      const IterationMetric& m = points.back();  // the last metric of the valid set
      watched = m.key;
      bool up = HigherIsBetter(m.key.substr(m.key.find('-') + 1));
      if (best < 0 || (up ? m.value > best_value : m.value < best_value)) {
        best = i;
        best_value = m.value;
      } else if (i - best >= o.early_stopping) {
        log("early stopping at round " + std::to_string(i) + ": best " + watched + " " + std::to_string(best_value) +
            " at round " + std::to_string(best));
        break;
      }
    }
  }
  const bool sliced = o.early_stopping > 0 && best >= 0 && best + 1 < rounds_done && o.booster != "gblinear";
  if (sliced) {
    ASSIGN_OR_RETURN(booster, booster.Slice(0, best + 1));
  }
  // valid_score: the valid split's last eval metric for the model as kept (the best round when
  // sliced, else the last round) — one number a study can optimize whatever the mode.
  std::optional<IterationMetric> valid_score;
  for (const auto& m : res.history)
    if (m.key.rfind("valid-", 0) == 0 && m.step == (sliced ? best : rounds_done - 1)) valid_score = m;
  double train_s = seconds() - read_s;
  ASSIGN_OR_RETURN(res.model_bytes, booster.SaveJson());
  res.transform_spec = tf.spec().Canonical();
  log("trained " + std::to_string(rounds_done) + " round(s) in " + std::to_string(train_s) + " s");
  if (distributed) {
    // The model is final: the rest (evaluation, explanations, serving) is rank 0's alone.
    if (o.leave_collective) RETURN_IF_ERROR(o.leave_collective());
    if (o.shard != 0) return res;
  }

  // Params as logged: the options and every XGBoost parameter set.
  res.params = {{"trainer", "xgboost"},
                {"xgboost_version", XgboostVersion()},
                {"task", TaskName(o.task)},
                {"mode", o.mode == Mode::kRandomForest ? "random_forest" : "boosting"},
                {"label", o.label},
                {"rounds", std::to_string(o.rounds)},
                {"early_stopping", std::to_string(o.early_stopping)},
                {"num_features", std::to_string(names.size())},
                {"transform_hash", tf.spec().Hash()}};
  if (!o.group.empty()) res.params.emplace_back("group", o.group);
  std::map<std::string, std::string> xp;
  for (const auto& [k, v] : xparams) {
    auto& slot = xp["xgb." + k];
    slot = slot.empty() ? v : slot + "," + v;
  }
  for (const auto& kv : xp) res.params.push_back(kv);

  res.metrics["rows_train"] = rows_train;
  res.metrics["rows_valid"] = rows_valid;
  if (distributed) {
    res.metrics["rows_train_rank0"] = data.train.rows();
    res.metrics["rows_valid_rank0"] = data.valid.rows();
  }
  res.metrics["rows_test"] = data.test.rows();
  res.metrics["rounds_trained"] = rounds_done;
  res.metrics["time.read_s"] = read_s;
  res.metrics["time.train_s"] = train_s;
  if (valid_score) {
    res.metrics["valid_score"] = valid_score->value;
    res.tags["moebius.xgb.valid_score_metric"] = valid_score->key;
  }
  if (o.early_stopping > 0 && best >= 0) {
    res.metrics["best_iteration"] = best;
    res.metrics["best_score"] = best_value;
    res.tags["moebius.xgb.early_stopping_metric"] = watched;
  }

  // Signature.
  Json inputs = Json::array(), features = Json::array();
  for (const auto& [n, t] : data.column_types) inputs.push_back(Json{{"name", n}, {"type", t}});
  for (const auto& f : tf.spec().Features()) features.push_back(Json{{"name", f.name}, {"type", "float"}, {"discrete", f.discrete}});
  Json output{{"task", TaskName(o.task)}, {"objective", objective}, {"label", o.label}, {"label_type", data.label_type}};
  if (!data.classes.empty()) output["classes"] = data.classes;
  output["type"] = o.task == Task::kBinary ? (objective == "binary:hinge" ? "class" : objective == "binary:logitraw" ? "margin" : "probability of classes[1]")
                   : o.task == Task::kMulticlass ? (objective == "multi:softprob" ? "probability per class" : "class index")
                   : o.task == Task::kRanking ? "score" : "number";
  res.signature = Json{{"format", "moebius.signature"}, {"version", 1}, {"inputs", inputs}, {"features", features}, {"output", output}};

  // Test evaluation.
  Scoring scoring{o.task, objective, &data};
  ASSIGN_OR_RETURN(Prediction test_pred, booster.Predict(dtest, PredictKind::kValue));
  res.eval_request = scoring.Request(test_pred);
  auto evaluation = eval::EvaluateJson(res.eval_request);
  if (!evaluation.ok()) return InvalidArgument("evaluating the test split: " + evaluation.status().message());
  res.evaluation = *evaluation;

  // Explanations.
  if (o.explain) {
  ExplainInput ex;
  ex.booster = &booster;
  ex.feature_names = names;
  ex.features = &ftest.values;
  ex.rows = ftest.rows;
  ex.metric = [&scoring](const Prediction& p) { return scoring.Metric(p); };
  ex.metric_name = scoring.MetricName();
  ex.higher_is_better = scoring.HigherBetter();
  ex.trees = o.booster != "gblinear";
  ex.seed = o.seed;
  ASSIGN_OR_RETURN(res.explanations, Explain(ex));
  res.metrics["explain.shap_max_sum_error"] = res.explanations["shap"]["max_sum_error"].get<double>();
  // The top features by gain (weight for gblinear), as tags.
  const Json& imp = res.explanations["importance"][ex.trees ? "gain" : "weight"];
  std::vector<std::pair<double, std::string>> ranked;
  for (auto it = imp.begin(); it != imp.end(); ++it) ranked.emplace_back(-std::fabs(it->get<double>()), it.key());
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> top;
  for (size_t i = 0; i < ranked.size() && i < 5; ++i) top.push_back(ranked[i].second);
  res.tags["moebius.explain.top_features"] = Join(top, ",");
  const Json& perm = res.explanations["permutation"]["importance"];
  for (auto it = perm.begin(); it != perm.end(); ++it)
    if (res.metrics.size() < 400) res.metrics["explain.perm." + MetricKey(it.key())] = (*it)["mean"].get<double>();
  res.metrics["explain.perm_baseline"] = res.explanations["permutation"]["baseline"].is_number() ? res.explanations["permutation"]["baseline"].get<double>() : NAN;
  }

  // Serving performance.
  if (o.measure_perf) {
    PerfOptions po;
    po.threads = o.threads;
    po.latency_rows = o.perf_calls;
    ASSIGN_OR_RETURN(res.perf, MeasureServing(res.model_bytes, res.transform_spec, data.test.inputs, po));
    for (auto it = res.perf.begin(); it != res.perf.end(); ++it) res.metrics["perf." + it.key()] = it->get<double>();
  }
  res.metrics["time.total_s"] = seconds();
  return res;
}

}  // namespace moebius::train
