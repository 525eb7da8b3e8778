// Spec parsing and checks, and the header-first checks of every decode; the pixel work itself is
// in the codec module (image_codec.cc, loaded on first use by image_module.cc), so this file and
// the binaries that link it name no OpenCV library.
#include "data/image/image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "data/image/image_header.h"
#include "data/image/image_module.h"

namespace moebius::data::image {
namespace {

constexpr int kMaxSide = 65535;

Status CheckPixels(const ImageInfo& info, const Limits& limits) {
  int64_t pixels = static_cast<int64_t>(info.width) * info.height;
  if (pixels > limits.max_pixels)
    return TooLarge("the " + info.format + " image is " + std::to_string(info.width) + "x" + std::to_string(info.height) + " (" +
                    std::to_string(pixels / 1'000'000) + " MP), over the limit of " + std::to_string(limits.max_pixels / 1'000'000) +
                    " MP; it is not decoded");
  return Status::Ok();
}

// What every decode checks before a decoder sees the bytes: the header, the pixel limit, the
// size, a format we can decode, and a JPEG's end-of-image marker (libjpeg would "decode" a JPEG
// cut short, filling the rest grey).
Result<ImageInfo> CheckedHeader(std::string_view bytes, const Limits& limits) {
  ASSIGN_OR_RETURN(ImageInfo info, ReadHeader(bytes));
  RETURN_IF_ERROR(CheckPixels(info, limits));
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return TooLarge("the " + info.format + " file is over 2 GiB");
  if (info.format == "gif") return FailedPrecondition("GIF images cannot be decoded by this build (OpenCV 4.6 has no GIF reader)");
  if (info.format == "jpeg" && !internal::JpegHasEndOfImage(bytes))
    return InvalidArgument("the jpeg is truncated (its data ends before the end-of-image marker)");
  return info;
}

int Scaled(int side, double scale) { return std::max(1, static_cast<int>(std::lround(side * scale))); }

}  // namespace

Result<ResizeMode> ParseResizeMode(std::string_view name) {
  if (name == "exact") return ResizeMode::kExact;
  if (name == "fit") return ResizeMode::kFit;
  if (name == "fill") return ResizeMode::kFill;
  if (name == "shorter_side") return ResizeMode::kShorterSide;
  return InvalidArgument("resize mode '" + std::string(name) + "' is not one of: exact, fit, fill, shorter_side");
}

Result<Interpolation> ParseInterpolation(std::string_view name) {
  if (name == "area") return Interpolation::kArea;
  if (name == "linear") return Interpolation::kLinear;
  if (name == "cubic") return Interpolation::kCubic;
  if (name == "nearest") return Interpolation::kNearest;
  return InvalidArgument("interpolation '" + std::string(name) + "' is not one of: area, linear, cubic, nearest");
}

Result<Color> ParseColor(std::string_view name) {
  if (name == "keep") return Color::kKeep;
  if (name == "gray" || name == "grayscale") return Color::kGray;
  if (name == "rgb") return Color::kRgb;
  return InvalidArgument("color '" + std::string(name) + "' is not one of: keep, gray, rgb");
}

Result<std::string> NormalizeOutputFormat(std::string_view name) {
  std::string f(name);
  if (f == "jpg") f = "jpeg";
  if (f == "tif") f = "tiff";
  if (f != "png" && f != "jpeg" && f != "webp" && f != "bmp" && f != "tiff")
    return InvalidArgument("image format '" + std::string(name) + "' is not one of: png, jpeg, webp, bmp, tiff");
  ASSIGN_OR_RETURN(const internal::CodecApi* codec, internal::LoadCodec());
  if (!codec->can_write(ExtensionOf(f))) return FailedPrecondition("this build cannot write " + f + " images");
  return f;
}

std::string ExtensionOf(std::string_view format) {
  if (format == "jpeg") return ".jpg";
  if (format == "tiff") return ".tif";
  return "." + std::string(format);
}

bool CanWrite(std::string_view format) {
  auto codec = internal::LoadCodec();
  return codec.ok() && (*codec)->can_write(ExtensionOf(format));
}

Status ValidateResize(const ResizeSpec& s, const Limits& limits) {
  auto side = [](int v, const char* name) -> Status {
    if (v < 1 || v > kMaxSide) return InvalidArgument(std::string(name) + " must be between 1 and " + std::to_string(kMaxSide));
    return Status::Ok();
  };
  if (s.mode == ResizeMode::kShorterSide) {
    RETURN_IF_ERROR(side(s.size, "size"));
  } else {
    RETURN_IF_ERROR(side(s.width, "width"));
    RETURN_IF_ERROR(side(s.height, "height"));
    if (static_cast<int64_t>(s.width) * s.height > limits.max_pixels)
      return InvalidArgument("the requested " + std::to_string(s.width) + "x" + std::to_string(s.height) + " is over the pixel limit");
  }
  if (s.quality < 1 || s.quality > 100) return InvalidArgument("quality must be between 1 and 100");
  return Status::Ok();
}

Status ValidateConvert(const ConvertSpec& s) {
  RETURN_IF_ERROR(NormalizeOutputFormat(s.format).status());
  if (s.quality < 1 || s.quality > 101) return InvalidArgument("quality must be between 1 and 100 (101: lossless WebP)");
  return Status::Ok();
}

std::pair<int, int> ResizedSize(const ResizeSpec& s, int w, int h) {
  switch (s.mode) {
    case ResizeMode::kExact:
    case ResizeMode::kFill:
      return {s.width, s.height};
    case ResizeMode::kFit: {
      double scale = std::min(static_cast<double>(s.width) / w, static_cast<double>(s.height) / h);
      return {std::min(s.width, Scaled(w, scale)), std::min(s.height, Scaled(h, scale))};
    }
    case ResizeMode::kShorterSide: {
      double scale = static_cast<double>(s.size) / std::min(w, h);
      return {Scaled(w, scale), Scaled(h, scale)};
    }
  }
  return {w, h};
}

Result<ImageInfo> Probe(std::string_view bytes, const Limits& limits) {
  ASSIGN_OR_RETURN(ImageInfo info, CheckedHeader(bytes, limits));
  ASSIGN_OR_RETURN(const internal::CodecApi* codec, internal::LoadCodec());
  int channels = 0;
  RETURN_IF_ERROR(codec->probe(bytes, info, &channels));
  if (info.format != "jpeg") info.channels = channels;
  return info;
}

Result<ResizeResult> Resize(std::string_view bytes, const ResizeSpec& spec, const Limits& limits) {
  RETURN_IF_ERROR(ValidateResize(spec, limits));
  ASSIGN_OR_RETURN(ImageInfo info, CheckedHeader(bytes, limits));
  ASSIGN_OR_RETURN(const internal::CodecApi* codec, internal::LoadCodec());
  ResizeResult res;
  RETURN_IF_ERROR(codec->resize(bytes, info, spec, limits, &ResizedSize, &res));
  return res;
}

Result<Encoded> Convert(std::string_view bytes, const ConvertSpec& spec, const Limits& limits) {
  RETURN_IF_ERROR(ValidateConvert(spec));
  ASSIGN_OR_RETURN(std::string format, NormalizeOutputFormat(spec.format));
  ASSIGN_OR_RETURN(ImageInfo info, CheckedHeader(bytes, limits));
  ASSIGN_OR_RETURN(const internal::CodecApi* codec, internal::LoadCodec());
  Encoded out;
  RETURN_IF_ERROR(codec->convert(bytes, info, spec.color, format, std::min(spec.quality, 100), format == "webp" && spec.quality > 100, &out));
  return out;
}

Result<Pixels> DecodePixels(std::string_view bytes, const ResizeSpec& spec, int channels, const Limits& limits) {
  if (spec.mode != ResizeMode::kFill && spec.mode != ResizeMode::kExact)
    return InvalidArgument("decoding to pixels resizes by fill (aspect kept, centre crop) or exact (stretched) only");
  if (channels != 1 && channels != 3) return InvalidArgument("decoding to pixels gives 1 or 3 channels, not " + std::to_string(channels));
  RETURN_IF_ERROR(ValidateResize(spec, limits));
  ASSIGN_OR_RETURN(ImageInfo info, CheckedHeader(bytes, limits));
  ASSIGN_OR_RETURN(const internal::CodecApi* codec, internal::LoadCodec());
  Pixels p;
  RETURN_IF_ERROR(codec->decode_pixels(bytes, info, spec, channels, &p));
  return p;
}

}  // namespace moebius::data::image
