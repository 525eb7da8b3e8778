// Options of the built-in image classifier (`moebius train image`), checked before any data is
// read. The augmentation list (FE-4) is parsed here too: `flip,crop,brightness,contrast` in any
// order, each with its strength option.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace moebius::train {

// What the train split's images go through each time they are drawn (never valid or test).
struct AugmentOptions {
  bool flip = false;         // horizontal mirror with probability flip_prob
  double flip_prob = 0.5;
  bool crop = false;         // pad-and-crop: shift by up to crop_pad pixels each way, zero-filled
  int crop_pad = 0;          // 0: size / 8 (at least 1)
  bool brightness = false;   // multiply every sample by 1 + u, u uniform in [-brightness_delta, +]
  double brightness_delta = 0.2;
  bool contrast = false;     // scale around the image's mean by 1 + u, u uniform in [-contrast_delta, +]
  double contrast_delta = 0.2;

  bool any() const { return flip || crop || brightness || contrast; }
  // "flip,crop" — the enabled operations in the fixed order they are applied.
  std::string List() const;
  // Params as logged: augment, augment.flip_prob, ... (only for enabled operations).
  std::vector<std::pair<std::string, std::string>> Params() const;
};

// Enables the operations named in `list` (comma-separated; empty or "none": no augmentation) on
// `base`, which carries the strengths. kInvalidArgument for an unknown or repeated name.
Result<AugmentOptions> ParseAugmentList(const std::string& list, AugmentOptions base);

struct ImageOptions {
  std::string data_dir;              // a checked-out version (payload.data or `moebius data checkout`)
  std::string label_key = "label";   // the meta key of the class in .moebius/manifest.jsonl
  int size = 64;                     // square input side, 8..512
  std::string resize = "fit_crop";   // fit_crop (aspect kept, centre crop) | stretch
  int width = 16;                    // channels of the first conv block (doubled per block), 4..128
  int blocks = 3;                    // conv-BN-ReLU-maxpool blocks, 1..5
  double dropout = 0.2;              // before the linear layer, [0, 0.9]
  int epochs = 10;                   // 1..1000
  int batch_size = 32;               // 1..4096
  double lr = 1e-3;                  // Adam
  double weight_decay = 0;           // Adam's L2 penalty
  int early_stopping = 0;            // epochs without a better valid loss before stopping; 0: off
  AugmentOptions augment;
  uint64_t seed = 0;
  int threads = 0;                   // libtorch intra-op threads; 0: all cores
  bool measure_perf = true;
  int perf_calls = 200;              // single-image predictions timed for perf.latency_*
};

// Every bound above; kInvalidArgument naming the flag.
Status ValidateImageOptions(const ImageOptions& o);

}  // namespace moebius::train
