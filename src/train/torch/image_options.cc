#include "train/torch/image_options.h"

#include <cmath>
#include <cstdio>

#include "base/strings.h"

namespace moebius::train {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string AugmentOptions::List() const {
  std::vector<std::string> on;
  if (flip) on.push_back("flip");
  if (crop) on.push_back("crop");
  if (brightness) on.push_back("brightness");
  if (contrast) on.push_back("contrast");
  return on.empty() ? "none" : Join(on, ",");
}

std::vector<std::pair<std::string, std::string>> AugmentOptions::Params() const {
  std::vector<std::pair<std::string, std::string>> p{{"augment", List()}};
  if (flip) p.emplace_back("augment.flip_prob", Num(flip_prob));
  if (crop) p.emplace_back("augment.crop_pad", std::to_string(crop_pad));
  if (brightness) p.emplace_back("augment.brightness", Num(brightness_delta));
  if (contrast) p.emplace_back("augment.contrast", Num(contrast_delta));
  return p;
}

Result<AugmentOptions> ParseAugmentList(const std::string& list, AugmentOptions base) {
  base.flip = base.crop = base.brightness = base.contrast = false;
  if (list.empty() || list == "none") return base;
  for (std::string name : Split(list, ',')) {
    name = std::string(Trim(name));
    bool* slot = name == "flip" ? &base.flip : name == "crop" ? &base.crop : name == "brightness" ? &base.brightness
                 : name == "contrast" ? &base.contrast : nullptr;
    if (!slot) return InvalidArgument("--augment: unknown operation '" + name + "'; use flip, crop, brightness, contrast (comma-separated) or none");
    if (*slot) return InvalidArgument("--augment names '" + name + "' twice");
    *slot = true;
  }
  return base;
}

Status ValidateImageOptions(const ImageOptions& o) {
  if (o.data_dir.empty()) return InvalidArgument("--data is required");
  if (o.label_key.empty()) return InvalidArgument("--label-key must not be empty");
  if (o.size < 8 || o.size > 512) return InvalidArgument("--size must be 8..512, not " + std::to_string(o.size));
  if (o.resize != "fit_crop" && o.resize != "stretch") return InvalidArgument("--resize must be fit_crop or stretch, not '" + o.resize + "'");
  if (o.width < 4 || o.width > 128) return InvalidArgument("--width must be 4..128, not " + std::to_string(o.width));
  if (o.blocks < 1 || o.blocks > 5) return InvalidArgument("--blocks must be 1..5, not " + std::to_string(o.blocks));
  if ((o.size >> o.blocks) < 1) return InvalidArgument("--size " + std::to_string(o.size) + " is too small for " + std::to_string(o.blocks) + " pooling blocks");
  if (!(o.dropout >= 0 && o.dropout <= 0.9)) return InvalidArgument("--dropout must be in [0, 0.9]");
  if (o.epochs < 1 || o.epochs > 1000) return InvalidArgument("--epochs must be 1..1000, not " + std::to_string(o.epochs));
  if (o.batch_size < 1 || o.batch_size > 4096) return InvalidArgument("--batch-size must be 1..4096, not " + std::to_string(o.batch_size));
  if (!(o.lr > 0 && o.lr <= 10)) return InvalidArgument("--lr must be in (0, 10]");
  if (!(o.weight_decay >= 0 && o.weight_decay <= 1)) return InvalidArgument("--weight-decay must be in [0, 1]");
  if (o.early_stopping < 0) return InvalidArgument("--early-stopping must be >= 0");
  if (o.threads < 0 || o.threads > 256) return InvalidArgument("--threads must be 0..256");
  if (o.measure_perf && (o.perf_calls < 1 || o.perf_calls > 1'000'000)) return InvalidArgument("--perf-calls must be 1..1000000");
  const AugmentOptions& a = o.augment;
  if (!(a.flip_prob >= 0 && a.flip_prob <= 1)) return InvalidArgument("--flip-prob must be in [0, 1]");
  if (a.crop_pad < 0 || a.crop_pad >= o.size) return InvalidArgument("--crop-pad must be 0..size-1 (0: size/8)");
  if (!(a.brightness_delta >= 0 && a.brightness_delta < 1)) return InvalidArgument("--brightness must be in [0, 1)");
  if (!(a.contrast_delta >= 0 && a.contrast_delta < 1)) return InvalidArgument("--contrast must be in [0, 1)");
  return Status::Ok();
}

}  // namespace moebius::train
