// The text trainer end to end on generated data: convergence, character n-grams helping on
// inflected words never seen whole, determinism, the model file round trip, the evaluation
// request shapes, early stopping and bad input.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "train/torch/text_model.h"
#include "train/torch/text_trainer.h"

namespace moebius::train {
namespace {

namespace fs = std::filesystem;

// Korean review-like texts of three topics. A topic's stem carries a particle or ending; train
// and valid rows use one set of endings, test rows another, so a test text's topic word never
// appeared whole in training — only its character n-grams did.
std::string MakeDir(const std::string& name, int classes = 3, bool one_class = false) {
  fs::path dir = fs::temp_directory_path() / ("moebius_text_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream out(dir / "data.csv");
  out << "review,topic,split\n";
  const char* stems[3][3] = {{"배송", "택배", "도착"}, {"품질", "재질", "마감"}, {"가격", "가성비", "할인"}};
  const char* topics[3] = {"delivery", "quality", "price"};
  const char* train_endings[] = {"이", "은", "도", "만", "이었는데"};
  const char* test_endings[] = {"을", "에", "까지", "보다", "이라서"};
  const char* filler[] = {"정말", "너무", "그냥", "조금", "생각보다", "이번", "제품", "주문", "했어요", "좋아요", "별로예요", "괜찮아요"};
  uint64_t s = 12345;
  auto next = [&s](uint64_t n) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return (s >> 33) % n;
  };
  for (int i = 0; i < 420; ++i) {
    int c = one_class ? 0 : i % classes;
    bool test = i >= 360;
    const char* split = test ? "test" : i % 6 == 0 ? "val" : "train";
    std::string stem = stems[c][next(3)];
    std::string word = stem + (test ? test_endings[next(5)] : train_endings[next(5)]);
    std::string t = std::string(filler[next(12)]) + " " + word + " " + filler[next(12)] + " " + filler[next(12)];
    out << "\"" << t << "\"," << topics[c] << "," << split << "\n";
  }
  return dir.string();
}

TextOptions Base(const std::string& dir) {
  TextOptions o;
  o.data_dir = dir;
  o.text = "review";
  o.label = "topic";
  o.features.buckets = 1 << 14;
  o.dim = 16;
  o.epochs = 8;
  o.batch_size = 8;
  o.seed = 3;
  o.threads = 1;
  o.perf_calls = 50;
  return o;
}

void Quiet(const std::string&) {}

double TestAccuracy(const TrainResult& r) { return r.evaluation["metrics"]["accuracy"].get<double>(); }

TEST(TextTrainer, CharNgramsCarryInflectedWords) {
  std::string dir = MakeDir("conv");
  auto r = TrainText(Base(dir), Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(TestAccuracy(*r), 0.85) << r->evaluation.dump();
  // Multiclass: proba in the request, per-epoch metrics at steps 1..epochs.
  EXPECT_TRUE(r->eval_request.contains("proba"));
  EXPECT_FALSE(r->eval_request.contains("y_score"));
  int valid_loss_points = 0;
  double first = 0, last = 0;
  for (const auto& m : r->history) {
    if (m.key != "train-loss") continue;
    if (m.step == 1) first = m.value;
    last = m.value;
  }
  for (const auto& m : r->history) valid_loss_points += m.key == "valid-loss";
  EXPECT_EQ(valid_loss_points, 8);
  EXPECT_LT(last, first * 0.5);
  // Without early stopping the kept model is the last epoch's: valid_score is its valid loss.
  double last_valid_loss = -1;
  for (const auto& m : r->history)
    if (m.key == "valid-loss") last_valid_loss = m.value;
  EXPECT_EQ(r->metrics.at("valid_score"), last_valid_loss);
  EXPECT_EQ(r->model_file, "model.pt");
  EXPECT_EQ(r->trainer, "text");
  EXPECT_TRUE(r->metrics.count("perf.latency_p50_ms"));
  EXPECT_TRUE(r->metrics.count("perf.throughput_rows_per_s"));
  // The top features of a class come from its stems.
  const Json& top = r->explanations["classes"][0];
  EXPECT_EQ(top["class"], "delivery");
  std::string first_source = top["top"][0]["sources"][0]["text"];
  bool from_stem = false;
  for (const char* stem : {"배", "택", "도"}) from_stem |= first_source.find(stem) != std::string::npos;
  EXPECT_TRUE(from_stem) << top.dump();

  // Words only: the test words were never seen whole, so the topic is lost.
  TextOptions words = Base(dir);
  words.features.maxn = 0;
  words.features.word_ngrams = 1;
  auto w = TrainText(words, Quiet);
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_LT(TestAccuracy(*w), 0.6);
  EXPECT_LT(TestAccuracy(*w) + 0.25, TestAccuracy(*r));
  fs::remove_all(dir);
}

TEST(TextTrainer, SameSeedSameBytesOtherSeedOtherBytes) {
  std::string dir = MakeDir("det");
  for (const char* optimizer : {"sgd", "adam"}) {
    TextOptions o = Base(dir);
    o.optimizer = optimizer;
    o.epochs = 3;
    o.measure_perf = false;
    o.hidden = std::string(optimizer) == "adam" ? 8 : 0;
    auto a = TrainText(o, Quiet), b = TrainText(o, Quiet);
    ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.status().message() : a.status().message());
    EXPECT_EQ(a->model_bytes, b->model_bytes) << optimizer;
    EXPECT_EQ(a->transform_spec, b->transform_spec);
    ASSERT_EQ(a->history.size(), b->history.size());
    for (size_t i = 0; i < a->history.size(); ++i) EXPECT_EQ(a->history[i].value, b->history[i].value) << a->history[i].key;
    EXPECT_EQ(a->evaluation, b->evaluation);
    EXPECT_EQ(a->explanations, b->explanations);
    o.seed = 4;
    auto c = TrainText(o, Quiet);
    ASSERT_TRUE(c.ok());
    EXPECT_NE(a->model_bytes, c->model_bytes) << optimizer;
  }
  fs::remove_all(dir);
}

TEST(TextTrainer, ModelFileRoundTripAndBinaryRequest) {
  std::string dir = MakeDir("bin", 2);
  TextOptions o = Base(dir);
  o.epochs = 4;
  o.early_stopping = 1;
  auto r = TrainText(o, Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->eval_request["pos_label"], "quality");  // classes sorted: delivery, quality
  EXPECT_EQ(r->eval_request["y_score"].size(), r->eval_request["y_true"].size());
  EXPECT_TRUE(r->evaluation["metrics"].contains("roc_auc"));
  EXPECT_TRUE(r->metrics.count("best_epoch"));
  // With early stopping the kept model is the best epoch's: valid_score is the lowest valid loss.
  double lowest = 1e300;
  for (const auto& h : r->history)
    if (h.key == "valid-loss") lowest = std::min(lowest, h.value);
  EXPECT_EQ(r->metrics.at("valid_score"), lowest);
  EXPECT_EQ(r->metrics.at("best_valid_loss"), lowest);
  auto m = text::TextModel::Load(r->model_bytes);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->shape().classes, 2);
  EXPECT_EQ(m->shape().dim, 16);
  auto again = m->Save();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, r->model_bytes);
  EXPECT_EQ(text::TextModel::Load("not a model").status().code(), StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

TEST(TextTrainer, BadInputIsInvalidArgument) {
  std::string dir = MakeDir("bad");
  auto msg = [](const Result<TrainResult>& r) { return r.ok() ? std::string("ok") : r.status().message(); };
  TextOptions o = Base(dir);
  o.text = "body";
  auto r = TrainText(o, Quiet);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(msg(r).find("--text: no text column 'body'"), std::string::npos) << msg(r);
  o = Base(dir);
  o.label = "nope";
  EXPECT_NE(msg(TrainText(o, Quiet)).find("no label column 'nope'"), std::string::npos);
  o = Base(dir);
  o.text = "topic";
  EXPECT_NE(msg(TrainText(o, Quiet)).find("same column"), std::string::npos);
  o = Base(dir);
  o.optimizer = "lbfgs";
  EXPECT_NE(msg(TrainText(o, Quiet)).find("unknown --optimizer"), std::string::npos);
  o = Base(dir);
  o.features.minn = 3;
  o.features.maxn = 2;
  EXPECT_NE(msg(TrainText(o, Quiet)).find("--minn"), std::string::npos);
  o = Base(dir);
  o.features.buckets = 1 << 24;
  o.dim = 512;
  EXPECT_NE(msg(TrainText(o, Quiet)).find("--buckets × --dim"), std::string::npos);
  o = Base("/nonexistent/dir");
  EXPECT_EQ(TrainText(o, Quiet).status().code(), StatusCode::kInvalidArgument);
  std::string one = MakeDir("one", 3, true);
  o = Base(one);
  EXPECT_NE(msg(TrainText(o, Quiet)).find("one class"), std::string::npos) << msg(TrainText(o, Quiet));
  fs::remove_all(dir);
  fs::remove_all(one);
}

}  // namespace
}  // namespace moebius::train
