// The image trainer end to end on tiny synthetic images written as BMP files: it converges on a
// trivially separable set, is deterministic for a seed, round-trips model.pt, and refuses bad
// input clearly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/json.h"
#include "train/torch/image_cnn.h"
#include "train/torch/image_folder.h"
#include "train/torch/image_spec.h"
#include "train/torch/image_trainer.h"

namespace moebius::train {
namespace {

namespace fs = std::filesystem;

void Put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Put16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}

// A 24-bit BMP of w × h, every pixel (r, g, b) plus a small deterministic texture.
std::string Bmp(int w, int h, int r, int g, int b, int salt) {
  int row = (w * 3 + 3) & ~3;
  std::string s = "BM";
  Put32(s, 54 + row * h);
  Put32(s, 0);
  Put32(s, 54);
  Put32(s, 40);
  Put32(s, w);
  Put32(s, h);
  Put16(s, 1);
  Put16(s, 24);
  Put32(s, 0);
  Put32(s, row * h);
  Put32(s, 2835);
  Put32(s, 2835);
  Put32(s, 0);
  Put32(s, 0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      int n = ((x * 7 + y * 13 + salt * 29) % 31) - 15;
      auto c = [&](int v) { return static_cast<char>(std::clamp(v + n, 0, 255)); };
      s.push_back(c(b));
      s.push_back(c(g));
      s.push_back(c(r));
    }
    s.append(row - w * 3, '\0');
  }
  return s;
}

class ImageTrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("moebius-image-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& bytes) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << bytes;
  }
  // Reddish vs bluish images in train/val/test folders.
  void FolderSet(int per_class_train = 12) {
    int salt = 0;
    for (const char* split : {"train", "val", "test"}) {
      int n = std::string(split) == "train" ? per_class_train : 4;
      for (int i = 0; i < n; ++i) {
        Write(std::string(split) + "/red/" + std::to_string(i) + ".bmp", Bmp(20, 16, 200, 40, 40, ++salt));
        Write(std::string(split) + "/blue/" + std::to_string(i) + ".bmp", Bmp(16, 20, 40, 40, 200, ++salt));
      }
    }
  }
  ImageOptions Options() {
    ImageOptions o;
    o.data_dir = dir_.string();
    o.size = 16;
    o.width = 4;
    o.blocks = 2;
    o.epochs = 5;
    o.batch_size = 4;
    o.lr = 0.01;
    o.threads = 1;
    o.seed = 3;
    o.perf_calls = 5;
    o.augment.flip = o.augment.crop = o.augment.brightness = o.augment.contrast = true;
    return o;
  }
  fs::path dir_;
};

TEST_F(ImageTrainerTest, LearnsASeparableSetDeterministically) {
  FolderSet();
  auto log = [](const std::string&) {};
  auto a = TrainImage(Options(), log);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->trainer, "image");
  EXPECT_EQ(a->model_file, "model.pt");
  EXPECT_EQ(a->evaluation["metrics"]["accuracy"].get<double>(), 1.0) << a->evaluation.dump();
  EXPECT_EQ(a->eval_request["pos_label"], "red");  // classes sorted: blue, red
  // Per-epoch metrics at step = epoch.
  int valid_loss = 0;
  for (const auto& m : a->history)
    if (m.key == "valid-loss") {
      EXPECT_EQ(m.step, valid_loss++);
    }
  EXPECT_EQ(valid_loss, 5);
  EXPECT_TRUE(a->perf.contains("latency_p50_ms"));
  EXPECT_GT(a->metrics.at("perf.throughput_rows_per_s"), 0);
  auto spec = ImageSpec::Parse(a->transform_spec);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->classes, (std::vector<std::string>{"blue", "red"}));

  auto b = TrainImage(Options(), log);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(a->model_bytes, b->model_bytes);
  ASSERT_EQ(a->history.size(), b->history.size());
  for (size_t i = 0; i < a->history.size(); ++i) EXPECT_EQ(a->history[i].value, b->history[i].value) << a->history[i].key;
  EXPECT_EQ(a->eval_request, b->eval_request);

  ImageOptions other = Options();
  other.seed = 4;
  auto c = TrainImage(other, log);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->model_bytes, c->model_bytes);

  // model.pt loads into a fresh network that predicts what the trained one did.
  auto net = ImageCnn::Load(a->model_bytes);
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_EQ(net->config().classes, 2);
  std::vector<float> x(spec->InputSize());
  ASSERT_TRUE(spec->Preprocess(Bmp(16, 16, 200, 40, 40, 99), x.data()).ok());
  auto p = net->Predict(x.data(), 1);
  ASSERT_TRUE(p.ok());
  EXPECT_GT((*p)[1], 0.5f);  // red
  EXPECT_EQ(ImageCnn::Load("not a model").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ImageTrainerTest, EarlyStoppingKeepsTheBestEpoch) {
  FolderSet();
  ImageOptions o = Options();
  o.epochs = 12;
  o.early_stopping = 1;
  o.resize = "stretch";
  o.measure_perf = false;
  std::vector<std::string> lines;
  auto r = TrainImage(o, [&](const std::string& l) { lines.push_back(l); });
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->metrics.count("best_epoch"));
  int best = static_cast<int>(r->metrics.at("best_epoch"));
  int trained = static_cast<int>(r->metrics.at("epochs_trained"));
  EXPECT_LE(trained, 12);
  // The kept valid loss is the lowest of the epochs trained, and the run stopped at most one epoch after it
  // (or ran out of epochs).
  double lowest = 1e300;
  for (const auto& m : r->history)
    if (m.key == "valid-loss") lowest = std::min(lowest, m.value);
  EXPECT_EQ(r->metrics.at("best_valid_loss"), lowest);
  EXPECT_TRUE(trained == 12 || trained == best + 2) << trained << " " << best;
  EXPECT_TRUE(r->perf.is_null());
  EXPECT_FALSE(r->metrics.count("perf.latency_p50_ms"));
  auto spec = ImageSpec::Parse(r->transform_spec);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->resize, "stretch");
  // The saved model is the best epoch's: its valid loss, recomputed here, is best_valid_loss.
  auto net = ImageCnn::Load(r->model_bytes);
  ASSERT_TRUE(net.ok()) << net.status().message();
  auto folder = ImageFolder::Load(dir_.string(), "label");
  ASSERT_TRUE(folder.ok());
  double loss = 0;
  std::vector<float> x(spec->InputSize());
  for (const auto& item : folder->valid) {
    std::ifstream in(dir_ / item.path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(spec->Preprocess(bytes, x.data()).ok());
    auto p = net->Predict(x.data(), 1);
    ASSERT_TRUE(p.ok());
    size_t cls = std::find(spec->classes.begin(), spec->classes.end(), item.label) - spec->classes.begin();
    loss -= std::log(std::max(static_cast<double>((*p)[cls]), 1e-12));
  }
  loss /= static_cast<double>(folder->valid.size());
  EXPECT_NEAR(loss, r->metrics.at("best_valid_loss"), 1e-4 + 1e-3 * loss);
}

TEST_F(ImageTrainerTest, ReadsLabelsAndSplitsFromTheManifestSidecar) {
  std::string manifest;
  int salt = 0;
  const char* splits[] = {"train", "train", "train", "train", "validation", "test"};
  for (int i = 0; i < 6; ++i)
    for (const char* cls : {"cat", "dog", "eel"}) {
      std::string path = std::string("img/") + cls + "-" + std::to_string(i) + ".bmp";
      int r = cls[0] == 'c' ? 220 : 30, g = cls[0] == 'd' ? 220 : 30, b = cls[0] == 'e' ? 220 : 30;
      Write(path, Bmp(16, 16, r, g, b, ++salt));
      manifest += Json{{"path", path}, {"sha256", "x"}, {"size", 1}, {"meta", {{"kind", cls}, {"split", splits[i]}}}}.dump() + "\n";
    }
  manifest += Json{{"path", "notes.txt"}, {"meta", Json::object()}}.dump() + "\n";  // not an image: skipped
  Write(".moebius/manifest.jsonl", manifest);
  auto folder = ImageFolder::Load(dir_.string(), "kind");
  ASSERT_TRUE(folder.ok()) << folder.status().message();
  EXPECT_EQ(folder->source, "manifest");
  EXPECT_EQ(folder->train.size(), 12u);
  EXPECT_EQ(folder->valid.size(), 3u);
  EXPECT_EQ(folder->test.size(), 3u);
  ImageOptions o = Options();
  o.label_key = "kind";
  o.epochs = 10;
  auto r = TrainImage(o, [](const std::string&) {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->eval_request.contains("proba"));  // three classes: multiclass
  EXPECT_EQ(r->evaluation["metrics"]["accuracy"].get<double>(), 1.0) << r->evaluation.dump();
  // The default label key "label" is absent: a clear error.
  auto missing = TrainImage(Options(), [](const std::string&) {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no meta 'label'"), std::string::npos) << missing.status().message();
}

TEST_F(ImageTrainerTest, RefusesBadInputClearly) {
  auto log = [](const std::string&) {};
  // One class in train.
  for (const char* split : {"train", "test"})
    for (int i = 0; i < 3; ++i) Write(std::string(split) + "/red/" + std::to_string(i) + ".bmp", Bmp(8, 8, 200, 0, 0, i));
  auto one = TrainImage(Options(), log);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(one.status().message().find("only one class"), std::string::npos) << one.status().message();
  // A test label train never saw.
  Write("train/blue/0.bmp", Bmp(8, 8, 0, 0, 200, 5));
  Write("test/green/0.bmp", Bmp(8, 8, 0, 200, 0, 6));
  auto unseen = TrainImage(Options(), log);
  ASSERT_FALSE(unseen.ok());
  EXPECT_NE(unseen.status().message().find("'green'"), std::string::npos) << unseen.status().message();
  fs::remove_all(dir_ / "test" / "green");
  // A corrupt image is named.
  Write("train/blue/bad.png", "not a png");
  auto corrupt = TrainImage(Options(), log);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().message().find("train/blue/bad.png"), std::string::npos) << corrupt.status().message();
  fs::remove(dir_ / "train" / "blue" / "bad.png");
  // Files outside split/label folders, with no manifest.
  Write("loose.bmp", Bmp(8, 8, 1, 2, 3, 0));
  auto loose = TrainImage(Options(), log);
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.status().message().find("--manifest"), std::string::npos) << loose.status().message();
  // Early stopping without valid images; options checked before any reading.
  fs::remove(dir_ / "loose.bmp");
  ImageOptions es = Options();
  es.early_stopping = 2;
  EXPECT_NE(TrainImage(es, log).status().message().find("--early-stopping"), std::string::npos);
  ImageOptions bad = Options();
  bad.data_dir = "/nonexistent/folder";
  bad.epochs = 0;
  EXPECT_NE(TrainImage(bad, log).status().message().find("--epochs"), std::string::npos);
}

}  // namespace
}  // namespace moebius::train
