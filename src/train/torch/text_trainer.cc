#include "train/torch/text_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include "eval/evaluate.h"
#include "train/tabular_splits.h"
#include "train/torch/text_featurizer.h"
#include "train/torch/text_model.h"
#include "train/torch/text_perf.h"
#include "train/torch/torch_env.h"

namespace moebius::train {
namespace {

using text::TextBatch;
using text::TextFeaturizer;
using text::TextModel;

// SplitMix64 with an unbiased bounded draw: the same sequence on every platform and library.
class Shuffler {
 public:
  explicit Shuffler(uint64_t seed) : state_(seed ^ 0x9E3779B97F4A7C15ull) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) {
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
    uint64_t x;
    do x = Next();
    while (x >= limit);
    return x % n;
  }
  void Shuffle(std::vector<size_t>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  uint64_t state_;
};

// One split as the model sees it: feature ids per text and class indices.
struct TextSplit {
  std::vector<std::string> texts;
  std::vector<std::vector<int64_t>> ids;
  std::vector<int64_t> labels;
  const SplitSet* set = nullptr;
  size_t size() const { return texts.size(); }
};

Result<std::vector<std::string>> TextsOf(const SplitSet& s, const std::string& column) {
  const transform::Column* c = s.inputs.Find(column);
  if (!c) return Internal("text column missing from the split");
  if (c->type != transform::ColumnType::kString)
    return InvalidArgument("text column '" + column + "' holds numbers, not text: --text must name a string column");
  std::vector<std::string> out;
  out.reserve(c->strings.size());
  for (const auto& v : c->strings) out.push_back(v.value_or(""));
  return out;
}

TextSplit Featurize(const SplitSet& s, std::vector<std::string> texts, const TextFeaturizer& f) {
  TextSplit out;
  out.set = &s;
  out.texts = std::move(texts);
  out.ids.reserve(out.texts.size());
  for (const auto& t : out.texts) out.ids.push_back(f.Features(t));
  for (float l : s.labels) out.labels.push_back(static_cast<int64_t>(l));
  return out;
}

TextBatch BatchOf(const TextSplit& s, const std::vector<size_t>& rows, size_t from, size_t to, bool labels) {
  TextBatch b;
  for (size_t i = from; i < to; ++i) {
    b.Add(s.ids[rows[i]]);
    if (labels) b.labels.push_back(s.labels[rows[i]]);
  }
  return b;
}

// Log-probabilities of every text of the split, rows × classes.
Result<std::vector<float>> PredictAll(const TextModel& m, const TextSplit& s) {
  std::vector<float> out;
  std::vector<size_t> rows(s.size());
  std::iota(rows.begin(), rows.end(), 0);
  for (size_t from = 0; from < s.size(); from += 1024) {
    ASSIGN_OR_RETURN(std::vector<float> lp, m.LogProba(BatchOf(s, rows, from, std::min(s.size(), from + 1024), false)));
    out.insert(out.end(), lp.begin(), lp.end());
  }
  return out;
}

struct SplitScores {
  double loss = 0, accuracy = 0, f1_macro = 0;
};

SplitScores Score(const std::vector<float>& lp, const std::vector<int64_t>& labels, int classes) {
  SplitScores s;
  size_t n = labels.size();
  if (n == 0) return s;
  std::vector<double> tp(classes), fp(classes), fn(classes);
  size_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* row = &lp[i * classes];
    int64_t pred = std::max_element(row, row + classes) - row;
    s.loss -= row[labels[i]];
    if (pred == labels[i]) {
      ++correct;
      tp[pred]++;
    } else {
      fp[pred]++;
      fn[labels[i]]++;
    }
  }
  s.loss /= static_cast<double>(n);
  s.accuracy = static_cast<double>(correct) / static_cast<double>(n);
  for (int c = 0; c < classes; ++c) {
    double denom = 2 * tp[c] + fp[c] + fn[c];
    s.f1_macro += denom > 0 ? 2 * tp[c] / denom : 0;
  }
  s.f1_macro /= classes;
  return s;
}

Json EvalRequest(const std::vector<float>& lp, const TextSplit& test, const Json& classes) {
  const size_t k = classes.size(), n = test.size();
  Json yp = Json::array();
  for (size_t i = 0; i < n; ++i) {
    const float* row = &lp[i * k];
    yp.push_back(classes[std::max_element(row, row + k) - row]);
  }
  Json req{{"problem", "classification"}, {"y_true", test.set->y_true}, {"y_pred", yp}, {"classes", classes}};
  if (k == 2) {
    Json s = Json::array();
    for (size_t i = 0; i < n; ++i) s.push_back(std::exp(static_cast<double>(lp[i * 2 + 1])));
    req["y_score"] = s;
    req["pos_label"] = classes[1];
  } else {
    Json rows = Json::array();
    for (size_t i = 0; i < n; ++i) {
      Json r = Json::array();
      for (size_t c = 0; c < k; ++c) r.push_back(std::exp(static_cast<double>(lp[i * k + c])));
      rows.push_back(r);
    }
    req["proba"] = rows;
  }
  return req;
}

const char* KindName(text::FeatureKind k) {
  switch (k) {
    case text::FeatureKind::kWord: return "word";
    case text::FeatureKind::kCharNgram: return "char_ngram";
    case text::FeatureKind::kWordNgram: return "word_ngram";
  }
  return "";
}

// The features that push each class up most: a feature's logit contribution to the class minus
// its mean contribution over all classes (softmax ignores a shift shared by every class), for
// the features of the (first 20,000) train texts, named by what produced them (a hashed bucket
// may hold several n-grams: up to three are listed).
Result<Json> TopFeatures(const TextModel& m, const TextFeaturizer& f, const TextSplit& train, const Json& classes, size_t top) {
  struct Info {
    std::vector<std::pair<std::string, std::string>> sources;  // kind, text
    int64_t count = 0;
  };
  std::map<int64_t, Info> seen;
  for (size_t i = 0; i < train.size() && i < 20000; ++i) {
    f.ForEachFeature(train.texts[i], [&](int64_t id, text::FeatureKind kind, const std::string& source) {
      Info& info = seen[id];
      info.count++;
      std::pair<std::string, std::string> s{KindName(kind), source};
      if (info.sources.size() < 3 && std::find(info.sources.begin(), info.sources.end(), s) == info.sources.end()) info.sources.push_back(s);
    });
  }
  std::vector<int64_t> ids;
  for (const auto& [id, info] : seen) ids.push_back(id);
  const size_t k = classes.size();
  std::vector<float> scores;
  for (size_t from = 0; from < ids.size(); from += 4096) {
    std::vector<int64_t> part(ids.begin() + from, ids.begin() + std::min(ids.size(), from + 4096));
    ASSIGN_OR_RETURN(std::vector<float> s, m.FeatureScores(part));
    scores.insert(scores.end(), s.begin(), s.end());
  }
  Json per_class = Json::array();
  for (size_t c = 0; c < k; ++c) {
    std::vector<std::pair<double, size_t>> ranked;
    for (size_t i = 0; i < ids.size(); ++i) {
      double mean = 0;
      for (size_t j = 0; j < k; ++j) mean += scores[i * k + j] / static_cast<double>(k);
      ranked.emplace_back(-(scores[i * k + c] - mean), i);
    }
    std::partial_sort(ranked.begin(), ranked.begin() + std::min(top, ranked.size()), ranked.end());
    Json list = Json::array();
    for (size_t r = 0; r < ranked.size() && r < top; ++r) {
      const Info& info = seen[ids[ranked[r].second]];
      Json src = Json::array();
      for (const auto& [kind, s] : info.sources) src.push_back(Json{{"kind", kind}, {"text", s}});
      list.push_back(Json{{"id", ids[ranked[r].second]}, {"score", -ranked[r].first}, {"count", info.count}, {"sources", src}});
    }
    per_class.push_back(Json{{"class", classes[c]}, {"top", list}});
  }
  return Json{{"method", "logit contribution of a feature alone, minus its mean over classes"},
              {"features_scored", ids.size()},
              {"classes", per_class}};
}

}  // namespace

Result<TrainResult> TrainText(const TextOptions& o, const TrainLog& log) {
  RETURN_IF_ERROR(Validate(o));
  ASSIGN_OR_RETURN(text::OptimizerKind optimizer, ParseOptimizer(o.optimizer));
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  // Read the split version: the text column is the one input, the label gives the classes.
  XgbOptions read;
  read.data_dir = o.data_dir;
  read.label = o.label;
  read.task = Task::kMulticlass;
  read.features = {o.text};
  read.threads = o.threads;
  auto loaded = TabularSplits::Load(read);
  if (!loaded.ok()) {
    std::string msg = loaded.status().message();
    if (msg.rfind("--features: no column", 0) == 0) return InvalidArgument("--text: no text column" + msg.substr(std::string("--features: no column").size()));
    return loaded.status();
  }
  TabularSplits data = std::move(*loaded);
  const Json classes = data.classes;
  const int k = static_cast<int>(classes.size());
  log("read " + std::to_string(data.files.size()) + " table file(s): " + std::to_string(data.train.rows()) + " train, " +
      std::to_string(data.valid.rows()) + " valid, " + std::to_string(data.test.rows()) + " test rows, " + std::to_string(k) + " classes");
  if (o.early_stopping > 0 && data.valid.rows() == 0)
    return InvalidArgument("--early-stopping needs rows with split=val (or valid) to watch; this version has none");

  ASSIGN_OR_RETURN(std::vector<std::string> train_texts, TextsOf(data.train, o.text));
  ASSIGN_OR_RETURN(std::vector<std::string> valid_texts, TextsOf(data.valid, o.text));
  ASSIGN_OR_RETURN(std::vector<std::string> test_texts, TextsOf(data.test, o.text));
  ASSIGN_OR_RETURN(TextFeaturizer featurizer, TextFeaturizer::Fit(train_texts, o.features, o.text, o.label, classes));
  TextSplit train = Featurize(data.train, std::move(train_texts), featurizer);
  TextSplit valid = Featurize(data.valid, std::move(valid_texts), featurizer);
  TextSplit test = Featurize(data.test, std::move(test_texts), featurizer);
  size_t empty = 0;
  for (const auto& ids : train.ids) empty += ids.empty();
  if (empty == train.size()) return InvalidArgument("text column '" + o.text + "' has no words in any train row");
  log("features: " + std::to_string(featurizer.vocabulary().size()) + " words in the vocabulary + " +
      std::to_string(featurizer.settings().buckets) + " hash buckets" + (empty ? "; " + std::to_string(empty) + " train texts without words" : ""));
  double read_s = seconds();

  // Train.
  SetUpTorch(o.seed, o.threads);
  ASSIGN_OR_RETURN(TextModel model, TextModel::Create({featurizer.num_features(), o.dim, o.hidden, k}));
  TrainResult res;
  res.trainer = "text";
  const double lr0 = EffectiveLr(o);
  const size_t n = train.size();
  const double total = static_cast<double>(n) * o.epochs;
  Shuffler rng(o.seed);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  int best_epoch = 0, epochs_done = 0;
  double best_loss = 0;
  std::optional<double> last_valid_loss;
  std::string best_bytes;
  double processed = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    rng.Shuffle(order);
    double loss_sum = 0;
    for (size_t from = 0; from < n; from += o.batch_size) {
      size_t to = std::min(n, from + static_cast<size_t>(o.batch_size));
      double lr = optimizer == text::OptimizerKind::kSgd ? lr0 * std::max(0.0, 1.0 - processed / total) : lr0;
      ASSIGN_OR_RETURN(double loss, model.TrainStep(BatchOf(train, order, from, to, true), optimizer, lr));
      loss_sum += loss * static_cast<double>(to - from);
      processed += static_cast<double>(to - from);
    }
    ++epochs_done;
    double train_loss = loss_sum / static_cast<double>(n);
    res.history.push_back({"train-loss", train_loss, epoch});
    std::string line = "epoch " + std::to_string(epoch) + ": train-loss " + std::to_string(train_loss);
    if (valid.size()) {
      ASSIGN_OR_RETURN(std::vector<float> lp, PredictAll(model, valid));
      SplitScores s = Score(lp, valid.labels, k);
      res.history.push_back({"valid-loss", s.loss, epoch});
      last_valid_loss = s.loss;
      res.history.push_back({"valid-accuracy", s.accuracy, epoch});
      res.history.push_back({"valid-f1_macro", s.f1_macro, epoch});
      line += ", valid-loss " + std::to_string(s.loss) + ", valid-accuracy " + std::to_string(s.accuracy);
      if (o.early_stopping > 0) {
        if (best_epoch == 0 || s.loss < best_loss) {
          best_epoch = epoch;
          best_loss = s.loss;
          ASSIGN_OR_RETURN(best_bytes, model.Save());
        } else if (epoch - best_epoch >= o.early_stopping) {
          log(line);
          log("early stopping at epoch " + std::to_string(epoch) + ": best valid-loss " + std::to_string(best_loss) + " at epoch " +
              std::to_string(best_epoch));
          break;
        }
      }
    }
    log(line);
  }
  const bool restored = o.early_stopping > 0 && best_epoch > 0 && best_epoch < epochs_done;
  if (restored) {
    ASSIGN_OR_RETURN(model, TextModel::Load(best_bytes));
    res.model_bytes = std::move(best_bytes);
  } else {
    ASSIGN_OR_RETURN(res.model_bytes, model.Save());
  }
  double train_s = seconds() - read_s;
  res.model_file = "model.pt";
  res.transform_spec = featurizer.Canonical();
  log("trained " + std::to_string(epochs_done) + " epoch(s) in " + std::to_string(train_s) + " s; model file " +
      std::to_string(res.model_bytes.size()) + " bytes");

  const auto& fs = featurizer.settings();
  res.params = {{"trainer", "text"},
                {"torch_version", TorchVersion()},
                {"text", o.text},
                {"label", o.label},
                {"task", k == 2 ? "binary" : "multiclass"},
                {"model", o.hidden > 0 ? "embedding_bag+hidden+linear" : "embedding_bag+linear"},
                {"dim", std::to_string(o.dim)},
                {"hidden", std::to_string(o.hidden)},
                {"optimizer", o.optimizer},
                {"lr", std::to_string(lr0)},
                {"epochs", std::to_string(o.epochs)},
                {"batch_size", std::to_string(o.batch_size)},
                {"early_stopping", std::to_string(o.early_stopping)},
                {"seed", std::to_string(o.seed)},
                {"threads", std::to_string(o.threads)},
                {"case", text::CaseModeName(fs.case_mode)},
                {"min_count", std::to_string(fs.min_count)},
                {"word_ngrams", std::to_string(fs.word_ngrams)},
                {"minn", std::to_string(fs.minn)},
                {"maxn", std::to_string(fs.maxn)},
                {"buckets", std::to_string(fs.buckets)},
                {"num_features", std::to_string(featurizer.num_features())},
                {"transform_hash", featurizer.Hash()}};
  res.metrics["rows_train"] = static_cast<double>(train.size());
  res.metrics["rows_valid"] = static_cast<double>(valid.size());
  res.metrics["rows_test"] = static_cast<double>(test.size());
  res.metrics["vocabulary_size"] = static_cast<double>(featurizer.vocabulary().size());
  res.metrics["epochs_trained"] = epochs_done;
  res.metrics["model_bytes"] = static_cast<double>(res.model_bytes.size());
  res.metrics["time.read_s"] = read_s;
  res.metrics["time.train_s"] = train_s;
  // valid_score: the valid loss of the model as kept (the best epoch when restored, else the
  // last) — the objective a study compares across the built-in trainers.
  if (last_valid_loss) res.metrics["valid_score"] = restored ? best_loss : *last_valid_loss;
  if (o.early_stopping > 0 && best_epoch > 0) {
    res.metrics["best_epoch"] = best_epoch;
    res.metrics["best_valid_loss"] = best_loss;
  }

  Json output{{"task", k == 2 ? "binary" : "multiclass"}, {"label", o.label}, {"label_type", data.label_type}, {"classes", classes},
              {"type", "probability per class"}};
  res.signature = Json{{"format", "moebius.signature"},
                       {"version", 1},
                       {"inputs", Json::array({Json{{"name", o.text}, {"type", "string"}}})},
                       {"features", Json::array({Json{{"name", o.text + ":ngrams"},
                                                      {"type", "bag of feature ids"},
                                                      {"count", featurizer.num_features()},
                                                      {"vocabulary", featurizer.vocabulary().size()},
                                                      {"buckets", fs.buckets}}})},
                       {"output", output}};

  // Test evaluation.
  ASSIGN_OR_RETURN(std::vector<float> test_lp, PredictAll(model, test));
  res.eval_request = EvalRequest(test_lp, test, classes);
  auto evaluation = eval::EvaluateJson(res.eval_request);
  if (!evaluation.ok()) return InvalidArgument("evaluating the test split: " + evaluation.status().message());
  res.evaluation = *evaluation;

  if (o.explain) {
    ASSIGN_OR_RETURN(res.explanations, TopFeatures(model, featurizer, train, classes, 15));
    res.metrics["explain.features_scored"] = res.explanations["features_scored"].get<double>();
  }

  if (o.measure_perf) {
    PerfOptions po;
    po.threads = o.threads;
    po.latency_rows = static_cast<size_t>(o.perf_calls);
    ASSIGN_OR_RETURN(res.perf, MeasureTextServing(res.model_bytes, res.transform_spec, test.texts, po));
    for (auto it = res.perf.begin(); it != res.perf.end(); ++it) res.metrics["perf." + it.key()] = it->get<double>();
  }
  res.metrics["time.total_s"] = seconds();
  return res;
}

}  // namespace moebius::train
