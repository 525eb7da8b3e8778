// Augmentation (FE-4), options and the image transform spec: pure functions on small buffers.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "train/torch/image_augment.h"
#include "train/torch/image_options.h"
#include "train/torch/image_spec.h"

namespace moebius::train {
namespace {

// A w × h × c image whose sample (x, y, ch) is 10y + x + 100ch (distinct, position-revealing).
std::vector<uint8_t> Ramp(int w, int h, int c) {
  std::vector<uint8_t> p(static_cast<size_t>(w) * h * c);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int ch = 0; ch < c; ++ch) p[(y * w + x) * c + ch] = static_cast<uint8_t>(10 * y + x + 100 * ch);
  return p;
}

uint8_t At(const std::vector<uint8_t>& p, int w, int c, int x, int y, int ch) { return p[(y * w + x) * c + ch]; }

TEST(AugmentRng, IsSeededAndPlatformIndependent) {
  AugmentRng a(42), b(42), c(43);
  std::vector<uint64_t> va, vb, vc;
  for (int i = 0; i < 5; ++i) {
    va.push_back(a.Next());
    vb.push_back(b.Next());
    vc.push_back(c.Next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
  // SplitMix64's published first output for seed 0 (our own generator, not the standard library's).
  EXPECT_EQ(AugmentRng(0).Next(), 0xe220a8397b1dcdafULL);
  AugmentRng r(7);
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    uint64_t v = r.Below(5);
    ASSERT_LT(v, 5u);
    seen.insert(v);
    double u = r.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(AugmentRng::For(1, 2, 3).Next(), AugmentRng::For(1, 2, 3).Next());
  EXPECT_NE(AugmentRng::For(1, 2, 3).Next(), AugmentRng::For(1, 2, 4).Next());
  EXPECT_NE(AugmentRng::For(1, 2, 3).Next(), AugmentRng::For(1, 3, 3).Next());
}

TEST(Augment, FlipMirrorsEachRow) {
  auto p = Ramp(3, 2, 2);
  auto before = p;
  FlipHorizontal(p, 3, 2, 2);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x)
      for (int c = 0; c < 2; ++c) EXPECT_EQ(At(p, 3, 2, x, y, c), At(before, 3, 2, 2 - x, y, c));
  FlipHorizontal(p, 3, 2, 2);
  EXPECT_EQ(p, before);
}

TEST(Augment, ShiftIsPadAndCrop) {
  auto p = Ramp(4, 3, 1);
  auto before = p;
  Shift(p, 4, 3, 1, 1, -1);  // out(x, y) = in(x + 1, y - 1)
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) {
      int sx = x + 1, sy = y - 1;
      uint8_t want = (sx < 4 && sy >= 0) ? At(before, 4, 1, sx, sy, 0) : 0;
      EXPECT_EQ(At(p, 4, 1, x, y, 0), want) << x << "," << y;
    }
}

TEST(Augment, BrightnessScalesAndClamps) {
  std::vector<uint8_t> p{0, 10, 100, 200, 255};
  ScaleBrightness(p, 1.5);
  EXPECT_EQ(p, (std::vector<uint8_t>{0, 15, 150, 255, 255}));
  std::vector<uint8_t> q{10, 100};
  ScaleBrightness(q, 0.5);
  EXPECT_EQ(q, (std::vector<uint8_t>{5, 50}));
}

TEST(Augment, ContrastScalesAroundTheMean) {
  std::vector<uint8_t> p{50, 150};  // mean 100
  ScaleContrast(p, 2.0);
  EXPECT_EQ(p, (std::vector<uint8_t>{0, 200}));
  std::vector<uint8_t> q{50, 150};
  ScaleContrast(q, 0.5);
  EXPECT_EQ(q, (std::vector<uint8_t>{75, 125}));
}

TEST(Augment, SameSeedSameResultAndEachOperationActs) {
  AugmentOptions all;
  all.flip = all.crop = all.brightness = all.contrast = true;
  all.flip_prob = 0.5;
  all.crop_pad = 2;
  auto base = Ramp(8, 8, 3);
  auto run = [&](uint64_t seed, uint64_t epoch, uint64_t item, const AugmentOptions& o) {
    auto p = base;
    AugmentRng rng = AugmentRng::For(seed, epoch, item);
    Augment(p, 8, 8, 3, o, rng);
    return p;
  };
  EXPECT_EQ(run(5, 0, 1, all), run(5, 0, 1, all));
  std::set<std::vector<uint8_t>> outs;
  for (uint64_t item = 0; item < 20; ++item) outs.insert(run(5, 0, item, all));
  EXPECT_GT(outs.size(), 15u);  // items draw differently
  // Flip with probability 1 always mirrors; 0 never.
  AugmentOptions flip;
  flip.flip = true;
  flip.flip_prob = 1;
  auto mirrored = base;
  FlipHorizontal(mirrored, 8, 8, 3);
  EXPECT_EQ(run(1, 0, 0, flip), mirrored);
  flip.flip_prob = 0;
  EXPECT_EQ(run(1, 0, 0, flip), base);
  // Crop only shifts: some draws produce zero borders, none changes a sample's value.
  AugmentOptions crop;
  crop.crop = true;
  crop.crop_pad = 2;
  bool shifted = false;
  for (uint64_t item = 0; item < 10; ++item) {
    auto p = run(3, 0, item, crop);
    std::multiset<uint8_t> values(base.begin(), base.end());
    for (uint8_t v : p)
      if (v != 0) EXPECT_TRUE(values.count(v)) << int(v);
    shifted |= p != base;
  }
  EXPECT_TRUE(shifted);
  // Brightness within ±0.2 keeps every sample within 20% (plus rounding).
  AugmentOptions bright;
  bright.brightness = true;
  bright.brightness_delta = 0.2;
  auto b = run(9, 1, 2, bright);
  EXPECT_NE(b, base);
  for (size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(b[i], base[i], 0.2 * base[i] + 1.0);
  // Disabled: unchanged.
  EXPECT_EQ(run(9, 1, 2, AugmentOptions{}), base);
}

TEST(ImageOptions, AugmentListAndValidation) {
  auto a = ParseAugmentList("flip, contrast", AugmentOptions{});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->flip && a->contrast && !a->crop && !a->brightness);
  EXPECT_EQ(a->List(), "flip,contrast");
  EXPECT_EQ(ParseAugmentList("flip,blur", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAugmentList("flip,flip", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseAugmentList("none", {})->any());
  ImageOptions o;
  o.data_dir = "/tmp/x";
  EXPECT_TRUE(ValidateImageOptions(o).ok());
  for (auto bad : std::vector<std::function<void(ImageOptions&)>>{
           [](ImageOptions& x) { x.size = 4; }, [](ImageOptions& x) { x.resize = "fit"; }, [](ImageOptions& x) { x.epochs = 0; },
           [](ImageOptions& x) { x.lr = 0; }, [](ImageOptions& x) { x.batch_size = 0; }, [](ImageOptions& x) { x.blocks = 9; },
           [](ImageOptions& x) { x.augment.brightness_delta = 1.5; }, [](ImageOptions& x) { x.data_dir.clear(); },
           [](ImageOptions& x) { x.size = 8; x.blocks = 4; }}) {
    ImageOptions b = o;
    bad(b);
    EXPECT_EQ(ValidateImageOptions(b).code(), StatusCode::kInvalidArgument);
  }
}

TEST(ImageSpec, FitNormalizeAndRoundTrip) {
  ImageSpec s;
  s.size = 2;
  s.channels = 3;
  s.classes = {"a", "b"};
  // Two 2×2 images: channel 0 all 0 or all 255, channel 1 constant 51, channel 2 ramp.
  std::vector<uint8_t> i1{0, 51, 0, 0, 51, 85, 0, 51, 170, 0, 51, 255};
  std::vector<uint8_t> i2{255, 51, 0, 255, 51, 85, 255, 51, 170, 255, 51, 255};
  s.Fit({&i1, &i2});
  EXPECT_NEAR(s.mean[0], 0.5, 1e-9);
  EXPECT_NEAR(s.std[0], 0.5, 1e-9);
  EXPECT_NEAR(s.mean[1], 0.2, 1e-9);
  EXPECT_NEAR(s.std[1], 1e-3, 1e-12);  // constant channel: floored
  std::vector<float> out(12);
  s.Normalize(i2.data(), out.data());
  // CHW: plane 0 all (1 − 0.5) / 0.5 = 1.
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(out[i], 1.0, 1e-5);
  for (int i = 4; i < 8; ++i) EXPECT_NEAR(out[i], 0.0, 1e-3);
  EXPECT_LT(out[8], out[11]);  // the ramp survives in plane 2
  auto back = ImageSpec::Parse(s.Canonical());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->Canonical(), s.Canonical());
  EXPECT_EQ(ImageSpec::Parse(R"({"kind":"table"})").status().code(), StatusCode::kInvalidArgument);
  Json j = s.ToJson();
  j["std"] = Json::array({1, 0, 1});
  EXPECT_EQ(ImageSpec::Parse(j.dump()).status().code(), StatusCode::kInvalidArgument);
  j = s.ToJson();
  j["classes"] = Json::array({"one"});
  EXPECT_EQ(ImageSpec::Parse(j.dump()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moebius::train
