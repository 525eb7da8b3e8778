#include "train/torch/image_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include "base/crypto.h"
#include "eval/evaluate.h"
#include "train/torch/image_augment.h"
#include "train/torch/image_cnn.h"
#include "train/torch/image_folder.h"
#include "train/torch/image_serving_perf.h"
#include "train/torch/image_spec.h"
#include "train/torch/torch_env.h"

namespace moebius::train {
namespace {

namespace fs = std::filesystem;

constexpr size_t kPerfImages = 64;  // test images kept encoded for the serving measurement

struct Split {
  std::vector<std::vector<uint8_t>> pixels;  // size × size × channels each
  std::vector<int64_t> y;                    // class index
  std::vector<std::string> labels;
  size_t size() const { return y.size(); }
};

Result<std::string> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Split> Decode(const std::string& dir, const std::vector<ImageItem>& items, const ImageSpec& spec,
                     const std::map<std::string, int64_t>& index, const char* name, std::vector<std::string>* keep) {
  Split s;
  for (const ImageItem& it : items) {
    auto cls = index.find(it.label);
    if (cls == index.end())
      return InvalidArgument(std::string("the ") + name + " split has label '" + it.label + "' (" + it.path +
                             ") that no train image has; the classifier can only predict train labels");
    ASSIGN_OR_RETURN(std::string bytes, ReadBytes((fs::path(dir) / it.path).string()));
    auto px = data::image::DecodePixels(bytes, spec.Resize(), spec.channels);
    if (!px.ok()) return InvalidArgument(it.path + ": " + px.status().message());
    s.pixels.push_back(std::move(px->data));
    s.y.push_back(cls->second);
    s.labels.push_back(it.label);
    if (keep && keep->size() < kPerfImages) keep->push_back(std::move(bytes));
  }
  return s;
}

struct Scores {
  double loss = 0, accuracy = 0;
  std::vector<float> proba;  // n × classes
};

// Evaluation mode over a whole split in batches.
Result<Scores> Score(ImageCnn& net, const Split& s, const ImageSpec& spec, int batch_size) {
  Scores r;
  if (s.size() == 0) return r;
  size_t k = spec.classes.size(), in = spec.InputSize();
  std::vector<float> x;
  int64_t hits = 0;
  for (size_t b = 0; b < s.size(); b += batch_size) {
    size_t n = std::min<size_t>(batch_size, s.size() - b);
    x.resize(n * in);
    for (size_t i = 0; i < n; ++i) spec.Normalize(s.pixels[b + i].data(), x.data() + i * in);
    ASSIGN_OR_RETURN(std::vector<float> p, net.Predict(x.data(), static_cast<int64_t>(n)));
    for (size_t i = 0; i < n; ++i) {
      const float* row = p.data() + i * k;
      int64_t y = s.y[b + i];
      r.loss -= std::log(std::max(static_cast<double>(row[y]), 1e-12));
      if (std::max_element(row, row + k) - row == y) ++hits;
    }
    r.proba.insert(r.proba.end(), p.begin(), p.end());
  }
  r.loss /= static_cast<double>(s.size());
  r.accuracy = static_cast<double>(hits) / static_cast<double>(s.size());
  return r;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Result<TrainResult> TrainImage(const ImageOptions& options, const TrainLog& log) {
  RETURN_IF_ERROR(ValidateImageOptions(options));
  ImageOptions o = options;
  if (o.augment.crop && o.augment.crop_pad == 0) o.augment.crop_pad = std::max(1, o.size / 8);
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  ASSIGN_OR_RETURN(ImageFolder folder, ImageFolder::Load(o.data_dir, o.label_key));
  if (o.early_stopping > 0 && folder.valid.empty())
    return InvalidArgument("--early-stopping needs images with split val (or valid) to watch; this version has none");
  std::set<std::string> distinct;
  for (const ImageItem& it : folder.train) distinct.insert(it.label);
  if (distinct.size() < 2)
    return InvalidArgument("the train split has only one class ('" + *distinct.begin() + "'); a classifier needs at least two");

  ImageSpec spec;
  spec.size = o.size;
  spec.resize = o.resize;
  spec.channels = 3;
  spec.classes.assign(distinct.begin(), distinct.end());
  std::map<std::string, int64_t> index;
  for (size_t i = 0; i < spec.classes.size(); ++i) index[spec.classes[i]] = static_cast<int64_t>(i);
  std::vector<std::string> perf_images;
  ASSIGN_OR_RETURN(Split train, Decode(o.data_dir, folder.train, spec, index, "train", nullptr));
  ASSIGN_OR_RETURN(Split valid, Decode(o.data_dir, folder.valid, spec, index, "valid", nullptr));
  ASSIGN_OR_RETURN(Split test, Decode(o.data_dir, folder.test, spec, index, "test", &perf_images));
  std::vector<const std::vector<uint8_t>*> train_pixels;
  for (const auto& p : train.pixels) train_pixels.push_back(&p);
  spec.Fit(train_pixels);
  double read_s = seconds();
  log("read " + std::to_string(train.size()) + " train, " + std::to_string(valid.size()) + " valid, " + std::to_string(test.size()) +
      " test images (labels from " + folder.source + "), " + std::to_string(spec.classes.size()) + " classes, decoded at " +
      std::to_string(o.size) + "x" + std::to_string(o.size));

  SetUpTorch(o.seed, o.threads);
  CnnConfig cc;
  cc.channels = spec.channels;
  cc.size = o.size;
  cc.width = o.width;
  cc.blocks = o.blocks;
  cc.classes = static_cast<int>(spec.classes.size());
  cc.dropout = o.dropout;
  ASSIGN_OR_RETURN(ImageCnn net, ImageCnn::Create(cc));
  net.SetOptimizer(o.lr, o.weight_decay);

  TrainResult res;
  res.trainer = "image";
  res.model_file = "model.pt";
  const size_t in = spec.InputSize();
  std::vector<size_t> order(train.size());
  AugmentRng shuffle_rng(o.seed ^ 0x5bd1e995a1b2c3d4ULL);
  std::vector<float> x;
  std::vector<int64_t> y;
  std::vector<uint8_t> work;
  int best_epoch = -1, epochs_done = 0;
  double best_loss = 0;
  std::optional<double> last_valid_loss;
  std::string best_bytes;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), size_t{0});
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle_rng.Below(i)]);
    double loss_sum = 0;
    int64_t correct = 0;
    for (size_t b = 0; b < order.size(); b += o.batch_size) {
      size_t n = std::min<size_t>(o.batch_size, order.size() - b);
      x.resize(n * in);
      y.resize(n);
      for (size_t i = 0; i < n; ++i) {
        size_t item = order[b + i];
        work = train.pixels[item];
        if (o.augment.any()) {
          AugmentRng rng = AugmentRng::For(o.seed, static_cast<uint64_t>(epoch), item);
          Augment(work, o.size, o.size, spec.channels, o.augment, rng);
        }
        spec.Normalize(work.data(), x.data() + i * in);
        y[i] = train.y[item];
      }
      ASSIGN_OR_RETURN(StepResult step, net.TrainStep(x.data(), static_cast<int64_t>(n), y.data()));
      if (!std::isfinite(step.loss))
        return InvalidArgument("the train loss became " + Num(step.loss) + " at epoch " + std::to_string(epoch) + "; lower --lr");
      loss_sum += step.loss * static_cast<double>(n);
      correct += step.correct;
    }
    ++epochs_done;
    double train_loss = loss_sum / static_cast<double>(train.size());
    double train_acc = static_cast<double>(correct) / static_cast<double>(train.size());
    res.history.push_back({"train-loss", train_loss, epoch});
    res.history.push_back({"train-accuracy", train_acc, epoch});
    std::string line = "epoch " + std::to_string(epoch) + ": train-loss " + Num(train_loss) + " train-accuracy " + Num(train_acc);
    if (valid.size()) {
      ASSIGN_OR_RETURN(Scores v, Score(net, valid, spec, o.batch_size));
      res.history.push_back({"valid-loss", v.loss, epoch});
      last_valid_loss = v.loss;
      res.history.push_back({"valid-accuracy", v.accuracy, epoch});
      line += " valid-loss " + Num(v.loss) + " valid-accuracy " + Num(v.accuracy);
      if (o.early_stopping > 0) {
        if (best_epoch < 0 || v.loss < best_loss) {
          best_epoch = epoch;
          best_loss = v.loss;
          ASSIGN_OR_RETURN(best_bytes, net.Save());
        } else if (epoch - best_epoch >= o.early_stopping) {
          log(line);
          log("early stopping at epoch " + std::to_string(epoch) + ": best valid-loss " + Num(best_loss) + " at epoch " +
              std::to_string(best_epoch));
          break;
        }
      }
    }
    log(line);
  }
  const bool restored = o.early_stopping > 0 && best_epoch >= 0 && best_epoch + 1 < epochs_done;
  if (restored) RETURN_IF_ERROR(net.Restore(best_bytes));
  double train_s = seconds() - read_s;
  ASSIGN_OR_RETURN(res.model_bytes, net.Save());
  res.transform_spec = spec.Canonical();
  log("trained " + std::to_string(epochs_done) + " epoch(s) in " + Num(train_s) + " s; model.pt " + std::to_string(res.model_bytes.size()) +
      " bytes, " + std::to_string(net.NumParameters()) + " parameters");

  res.params = {{"trainer", "image"},
                {"torch_version", TorchVersion()},
                {"task", spec.classes.size() == 2 ? "binary" : "multiclass"},
                {"label_key", o.label_key},
                {"labels_from", folder.source},
                {"size", std::to_string(o.size)},
                {"resize", o.resize},
                {"channels", std::to_string(spec.channels)},
                {"arch", "cnn"},
                {"width", std::to_string(o.width)},
                {"blocks", std::to_string(o.blocks)},
                {"dropout", Num(o.dropout)},
                {"epochs", std::to_string(o.epochs)},
                {"batch_size", std::to_string(o.batch_size)},
                {"optimizer", "adam"},
                {"lr", Num(o.lr)},
                {"weight_decay", Num(o.weight_decay)},
                {"early_stopping", std::to_string(o.early_stopping)},
                {"seed", std::to_string(o.seed)},
                {"threads", std::to_string(o.threads)},
                {"num_classes", std::to_string(spec.classes.size())},
                {"transform_hash", Sha256Hex(res.transform_spec).substr(0, 16)}};
  for (auto& p : o.augment.Params()) res.params.push_back(std::move(p));

  res.metrics["rows_train"] = static_cast<double>(train.size());
  res.metrics["rows_valid"] = static_cast<double>(valid.size());
  res.metrics["rows_test"] = static_cast<double>(test.size());
  res.metrics["epochs_trained"] = epochs_done;
  res.metrics["num_parameters"] = static_cast<double>(net.NumParameters());
  res.metrics["model_bytes"] = static_cast<double>(res.model_bytes.size());
  res.metrics["time.read_s"] = read_s;
  res.metrics["time.train_s"] = train_s;
  // valid_score: the valid loss of the model as kept (the best epoch when restored, else the
  // last) — the objective a study compares across the built-in trainers.
  if (last_valid_loss) res.metrics["valid_score"] = restored ? best_loss : *last_valid_loss;
  if (o.early_stopping > 0 && best_epoch >= 0) {
    res.metrics["best_epoch"] = best_epoch;
    res.metrics["best_valid_loss"] = best_loss;
  }

  // Signature: encoded image bytes in, one probability per class out.
  Json formats = Json::array({"png", "jpeg", "bmp", "tiff"});
  if (data::image::CanWrite("webp")) formats.push_back("webp");
  Json input{{"name", "image"},
             {"type", "bytes"},
             {"formats", formats},
             {"resize", o.resize},
             {"size", Json::array({o.size, o.size})},
             {"channels", spec.channels}};
  Json features = Json::array({Json{{"name", "pixels"}, {"type", "float"}, {"shape", Json::array({spec.channels, o.size, o.size})},
                                    {"layout", "CHW"}, {"normalized", "per-channel mean/std of the train split (model/transform.json)"}}});
  Json output{{"task", spec.classes.size() == 2 ? "binary" : "multiclass"},
              {"label", o.label_key},
              {"label_type", "string"},
              {"classes", spec.classes},
              {"type", "probability per class"}};
  res.signature = Json{{"format", "moebius.signature"}, {"version", 1}, {"inputs", Json::array({input})}, {"features", features},
                       {"output", output}};

  // Test evaluation (the request shape of the tabular trainer's).
  ASSIGN_OR_RETURN(Scores ts, Score(net, test, spec, o.batch_size));
  size_t k = spec.classes.size();
  Json y_true = Json::array(), y_pred = Json::array();
  for (size_t i = 0; i < test.size(); ++i) {
    const float* row = ts.proba.data() + i * k;
    y_true.push_back(test.labels[i]);
    y_pred.push_back(spec.classes[std::max_element(row, row + k) - row]);
  }
  res.eval_request = Json{{"problem", "classification"}, {"y_true", y_true}, {"y_pred", y_pred}, {"classes", spec.classes}};
  if (k == 2) {
    Json s = Json::array();
    for (size_t i = 0; i < test.size(); ++i) s.push_back(static_cast<double>(ts.proba[i * k + 1]));
    res.eval_request["y_score"] = s;
    res.eval_request["pos_label"] = spec.classes[1];
  } else {
    Json rows = Json::array();
    for (size_t i = 0; i < test.size(); ++i) {
      Json r = Json::array();
      for (size_t c = 0; c < k; ++c) r.push_back(static_cast<double>(ts.proba[i * k + c]));
      rows.push_back(r);
    }
    res.eval_request["proba"] = rows;
  }
  auto evaluation = eval::EvaluateJson(res.eval_request);
  if (!evaluation.ok()) return InvalidArgument("evaluating the test split: " + evaluation.status().message());
  res.evaluation = *evaluation;
  log("test accuracy " + Num(ts.accuracy) + " on " + std::to_string(test.size()) + " images");

  if (o.measure_perf) {
    ImagePerfOptions po;
    po.calls = static_cast<size_t>(o.perf_calls);
    po.batch = static_cast<size_t>(o.batch_size);
    ASSIGN_OR_RETURN(res.perf, MeasureImageServing(res.model_bytes, res.transform_spec, perf_images, po));
    for (auto it = res.perf.begin(); it != res.perf.end(); ++it) res.metrics["perf." + it.key()] = it->get<double>();
  }
  res.metrics["time.total_s"] = seconds();
  return res;
}

}  // namespace moebius::train
