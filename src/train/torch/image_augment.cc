#include "train/torch/image_augment.h"

#include <algorithm>
#include <cmath>

namespace moebius::train {
namespace {

uint8_t Clamp(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

}  // namespace

AugmentRng AugmentRng::For(uint64_t seed, uint64_t epoch, uint64_t item) {
  AugmentRng mix(seed ^ 0x6a09e667f3bcc909ULL);
  uint64_t s = mix.Next() ^ (epoch * 0x9e3779b97f4a7c15ULL);
  AugmentRng mix2(s);
  return AugmentRng(mix2.Next() ^ (item * 0xbf58476d1ce4e5b9ULL));
}

uint64_t AugmentRng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double AugmentRng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

uint64_t AugmentRng::Below(uint64_t n) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // draws at or above this would bias the result
  for (;;) {
    uint64_t v = Next();
    if (v < limit) return v % n;
  }
}

void FlipHorizontal(std::vector<uint8_t>& p, int width, int height, int channels) {
  for (int y = 0; y < height; ++y) {
    uint8_t* row = p.data() + static_cast<size_t>(y) * width * channels;
    for (int l = 0, r = width - 1; l < r; ++l, --r)
      for (int c = 0; c < channels; ++c) std::swap(row[l * channels + c], row[r * channels + c]);
  }
}

void Shift(std::vector<uint8_t>& p, int width, int height, int channels, int dx, int dy) {
  std::vector<uint8_t> out(p.size(), 0);
  for (int y = 0; y < height; ++y) {
    int sy = y + dy;
    if (sy < 0 || sy >= height) continue;
    for (int x = 0; x < width; ++x) {
      int sx = x + dx;
      if (sx < 0 || sx >= width) continue;
      for (int c = 0; c < channels; ++c)
        out[(static_cast<size_t>(y) * width + x) * channels + c] = p[(static_cast<size_t>(sy) * width + sx) * channels + c];
    }
  }
  p.swap(out);
}

void ScaleBrightness(std::vector<uint8_t>& p, double factor) {
  for (uint8_t& v : p) v = Clamp(v * factor);
}

void ScaleContrast(std::vector<uint8_t>& p, double factor) {
  if (p.empty()) return;
  double sum = 0;
  for (uint8_t v : p) sum += v;
  double mean = sum / static_cast<double>(p.size());
  for (uint8_t& v : p) v = Clamp(mean + (v - mean) * factor);
}

void Augment(std::vector<uint8_t>& p, int width, int height, int channels, const AugmentOptions& o, AugmentRng& rng) {
  if (o.flip) {
    if (rng.Uniform() < o.flip_prob) FlipHorizontal(p, width, height, channels);
  }
  if (o.crop) {
    int pad = std::max(1, o.crop_pad);
    int dx = static_cast<int>(rng.Below(2 * pad + 1)) - pad;
    int dy = static_cast<int>(rng.Below(2 * pad + 1)) - pad;
    if (dx || dy) Shift(p, width, height, channels, dx, dy);
  }
  if (o.brightness) ScaleBrightness(p, 1.0 + rng.Uniform(-o.brightness_delta, o.brightness_delta));
  if (o.contrast) ScaleContrast(p, 1.0 + rng.Uniform(-o.contrast_delta, o.contrast_delta));
}

}  // namespace moebius::train
