// The fitted preprocessing of the image classifier, saved beside the model as
// model/transform.json: what turns encoded image bytes into the model's input tensor.
//
//   {"kind":"image","size":64,"resize":"fit_crop","channels":3,
//    "mean":[..],"std":[..],"classes":["cat","dog"]}
//
// Preprocessing: decode (data/image: header checks, pixel limit, EXIF orientation), resize to
// size × size (fit_crop: aspect kept then centre-cropped; stretch: aspect not kept), RGB (or grey
// for channels 1), then per channel x = (v / 255 − mean[c]) / std[c], laid out channels-first
// (C × H × W floats). mean and std are fitted on the train split's pixels (before augmentation).
// `classes[i]` is the label of output i.
//
// Thread safety: a value; the methods are const.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "data/image/image.h"

namespace moebius::train {

struct ImageSpec {
  int size = 64;
  std::string resize = "fit_crop";  // fit_crop | stretch
  int channels = 3;
  std::vector<double> mean, std;    // one per channel, on the 0..1 scale
  std::vector<std::string> classes;

  Json ToJson() const;
  std::string Canonical() const;  // ToJson().dump(), the bytes of model/transform.json
  // kInvalidArgument for another kind, sizes or channels out of range, mean/std of the wrong
  // length, a std ≤ 0, or fewer than two classes.
  static Result<ImageSpec> Parse(std::string_view json);

  data::image::ResizeSpec Resize() const;
  int64_t InputSize() const { return static_cast<int64_t>(channels) * size * size; }

  // Fits mean and std per channel over the images (each size × size × channels bytes); a std
  // under 1e-3 (a constant channel) becomes 1e-3 so normalizing never divides by zero.
  void Fit(const std::vector<const std::vector<uint8_t>*>& images);

  // size × size × channels bytes → channels × size × size normalized floats at `out`.
  void Normalize(const uint8_t* pixels, float* out) const;

  // Encoded bytes → InputSize() floats at `out` (decode, resize, normalize).
  Status Preprocess(std::string_view encoded, float* out) const;
};

}  // namespace moebius::train
