#include "train/torch/image_spec.h"

#include <algorithm>
#include <cmath>

namespace moebius::train {

Json ImageSpec::ToJson() const {
  return Json{{"kind", "image"}, {"size", size}, {"resize", resize}, {"channels", channels},
              {"mean", mean},    {"std", std},   {"classes", classes}};
}

std::string ImageSpec::Canonical() const { return ToJson().dump(); }

Result<ImageSpec> ImageSpec::Parse(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("image transform spec: not a JSON object");
  if (j.value("kind", "") != "image") return InvalidArgument("image transform spec: kind must be \"image\"");
  ImageSpec s;
  try {
    s.size = j.at("size").get<int>();
    s.resize = j.at("resize").get<std::string>();
    s.channels = j.at("channels").get<int>();
    s.mean = j.at("mean").get<std::vector<double>>();
    s.std = j.at("std").get<std::vector<double>>();
    s.classes = j.at("classes").get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("image transform spec: ") + e.what());
  }
  if (s.size < 1 || s.size > 4096) return InvalidArgument("image transform spec: size out of range");
  if (s.resize != "fit_crop" && s.resize != "stretch") return InvalidArgument("image transform spec: resize must be fit_crop or stretch");
  if (s.channels != 1 && s.channels != 3) return InvalidArgument("image transform spec: channels must be 1 or 3");
  if (s.mean.size() != static_cast<size_t>(s.channels) || s.std.size() != static_cast<size_t>(s.channels))
    return InvalidArgument("image transform spec: mean and std need one value per channel");
  for (double v : s.std)
    if (!(v > 0)) return InvalidArgument("image transform spec: std must be positive");
  if (s.classes.size() < 2) return InvalidArgument("image transform spec: at least two classes");
  return s;
}

data::image::ResizeSpec ImageSpec::Resize() const {
  data::image::ResizeSpec r;
  r.mode = resize == "stretch" ? data::image::ResizeMode::kExact : data::image::ResizeMode::kFill;
  r.width = r.height = size;
  r.interpolation = data::image::Interpolation::kArea;
  return r;
}

void ImageSpec::Fit(const std::vector<const std::vector<uint8_t>*>& images) {
  std::vector<double> sum(channels, 0), sq(channels, 0);
  double n = 0;
  for (const auto* img : images) {
    const auto& p = *img;
    for (size_t i = 0; i + channels <= p.size(); i += channels)
      for (int c = 0; c < channels; ++c) {
        double v = p[i + c] / 255.0;
        sum[c] += v;
        sq[c] += v * v;
      }
    n += static_cast<double>(p.size() / channels);
  }
  mean.assign(channels, 0);
  std.assign(channels, 1);
  if (n == 0) return;
  for (int c = 0; c < channels; ++c) {
    mean[c] = sum[c] / n;
    double var = std::max(0.0, sq[c] / n - mean[c] * mean[c]);
    std[c] = std::max(1e-3, std::sqrt(var));
  }
}

void ImageSpec::Normalize(const uint8_t* p, float* out) const {
  size_t plane = static_cast<size_t>(size) * size;
  for (int c = 0; c < channels; ++c) {
    float m = static_cast<float>(mean[c]), inv = static_cast<float>(1.0 / std[c]);
    float* o = out + c * plane;
    for (size_t i = 0; i < plane; ++i) o[i] = (p[i * channels + c] / 255.0f - m) * inv;
  }
}

Status ImageSpec::Preprocess(std::string_view encoded, float* out) const {
  ASSIGN_OR_RETURN(data::image::Pixels px, data::image::DecodePixels(encoded, Resize(), channels));
  Normalize(px.data.data(), out);
  return Status::Ok();
}

}  // namespace moebius::train
