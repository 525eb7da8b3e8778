// Image augmentation for the train split (FE-4): horizontal flip, pad-and-crop, brightness and
// contrast on 8-bit interleaved pixels (height × width × channels), before normalization.
//
// Randomness comes from AugmentRng, a SplitMix64 generator of our own with our own uniform
// draws, so one seed gives the same augmented pixels on every standard library and platform
// (std::uniform_*_distribution differs between libstdc++ and libc++). The trainer gives each
// (seed, epoch, item) its own generator, so the result does not depend on batch order or threads.
//
// Operations run in a fixed order — flip, crop, brightness, contrast — and every enabled one
// draws its numbers whether or not it changes the image, so enabling one operation never shifts
// another's draws.
//
// Thread safety: AugmentRng is a value; Augment touches only its arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "train/torch/image_options.h"

namespace moebius::train {

class AugmentRng {
 public:
  explicit AugmentRng(uint64_t seed) : state_(seed) {}
  // A generator for one item of one epoch, independent of the others.
  static AugmentRng For(uint64_t seed, uint64_t epoch, uint64_t item);

  uint64_t Next();             // SplitMix64
  double Uniform();            // [0, 1), 53 bits
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  uint64_t Below(uint64_t n);  // [0, n), unbiased (rejection); n > 0

 private:
  uint64_t state_;
};

// Augments `pixels` (width × height × channels bytes) in place. `options.crop_pad` must be
// resolved (> 0) when crop is on.
void Augment(std::vector<uint8_t>& pixels, int width, int height, int channels, const AugmentOptions& options, AugmentRng& rng);

// The single operations, exposed for tests.
void FlipHorizontal(std::vector<uint8_t>& pixels, int width, int height, int channels);
// out(x, y) = in(x + dx, y + dy), zero outside the image (a shift; pad-and-crop by pad + dx, pad + dy).
void Shift(std::vector<uint8_t>& pixels, int width, int height, int channels, int dx, int dy);
// v → round(v × factor), clamped to 0..255.
void ScaleBrightness(std::vector<uint8_t>& pixels, double factor);
// v → round(mean + (v − mean) × factor), clamped; mean of all samples.
void ScaleContrast(std::vector<uint8_t>& pixels, double factor);

}  // namespace moebius::train
