// The one translation unit that includes OpenCV (DESIGN.md section 9).
#include "data/image/image.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image/image_header.h"

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

struct Decoded {
  ImageInfo header;
  cv::Mat mat;  // 8- or 16-bit, 1, 3 (BGR) or 4 (BGRA) channels
};

// Header, limit, then the decoder. JPEGs are decoded to BGR or grey with their EXIF orientation
// applied (re-encoding drops EXIF, so the pixels must be upright); everything else unchanged,
// alpha and 16 bits kept. `reduced`: a JPEG may be decoded at 1/8 scale, which still reads all
// of its entropy data (used to check that it decodes).
Result<Decoded> Decode(std::string_view bytes, const Limits& limits, bool reduced = false) {
  ASSIGN_OR_RETURN(ImageInfo info, ReadHeader(bytes));
  RETURN_IF_ERROR(CheckPixels(info, limits));
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return TooLarge("the " + info.format + " file is over 2 GiB");
  if (info.format == "gif") return FailedPrecondition("GIF images cannot be decoded by this build (OpenCV 4.6 has no GIF reader)");
  int flags = cv::IMREAD_UNCHANGED;
  if (info.format == "jpeg") {
    if (!internal::JpegHasEndOfImage(bytes)) return InvalidArgument("the jpeg is truncated (its data ends before the end-of-image marker)");
    flags = info.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
    if (reduced) flags = info.channels == 1 ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8;
  }
  Decoded d{info, {}};
  try {
    // imdecode only reads the buffer; the const_cast is for cv::Mat's constructor.
    cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    d.mat = cv::imdecode(buf, flags);
  } catch (const cv::Exception& e) {
    return InvalidArgument("the " + info.format + " does not decode: " + e.msg);
  } catch (const std::exception& e) {
    return InvalidArgument("the " + info.format + " does not decode: " + e.what());
  }
  if (d.mat.empty()) return InvalidArgument("the " + info.format + " does not decode (corrupt or truncated data)");
  if (!reduced) {
    bool same = d.mat.cols == info.width && d.mat.rows == info.height;
    bool rotated = info.format == "jpeg" && d.mat.cols == info.height && d.mat.rows == info.width;
    if (!same && !rotated)
      return InvalidArgument("the " + info.format + " decodes to " + std::to_string(d.mat.cols) + "x" + std::to_string(d.mat.rows) +
                             " but its header says " + std::to_string(info.width) + "x" + std::to_string(info.height));
  }
  if (d.mat.depth() != CV_8U && d.mat.depth() != CV_16U)
    return FailedPrecondition("the " + info.format + " has samples of an unsupported depth; only 8- and 16-bit images are handled");
  int c = d.mat.channels();
  if (c != 1 && c != 3 && c != 4) return FailedPrecondition("the " + info.format + " has " + std::to_string(c) + " channels; 1, 3 or 4 are handled");
  return d;
}

cv::Mat ToColor(const cv::Mat& in, Color color) {
  cv::Mat out;
  int c = in.channels();
  if (color == Color::kGray && c != 1) cv::cvtColor(in, out, c == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  else if (color == Color::kRgb && c == 1) cv::cvtColor(in, out, cv::COLOR_GRAY2BGR);
  else if (color == Color::kRgb && c == 4) cv::cvtColor(in, out, cv::COLOR_BGRA2BGR);
  else out = in;
  return out;
}

// Encodes with fixed parameters. Formats without alpha or 16 bits get the mat reduced to fit.
Result<Encoded> Encode(cv::Mat mat, const std::string& format, int quality, bool webp_lossless) {
  std::vector<int> params;
  std::string ext = "." + format;
  bool keeps_16 = format == "png" || format == "tiff";
  if (mat.depth() == CV_16U && !keeps_16) mat.convertTo(mat, CV_8U, 1.0 / 257.0);
  if ((format == "jpeg" || format == "bmp") && mat.channels() == 4) mat = ToColor(mat, Color::kRgb);
  if (format == "png") {
    params = {cv::IMWRITE_PNG_COMPRESSION, 6};
  } else if (format == "jpeg") {
    ext = ".jpg";
    params = {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_PROGRESSIVE, 0, cv::IMWRITE_JPEG_OPTIMIZE, 0};
  } else if (format == "webp") {
    params = {cv::IMWRITE_WEBP_QUALITY, webp_lossless ? 101 : std::clamp(quality, 1, 100)};
  } else if (format == "tiff") {
    ext = ".tif";
  }
  std::vector<uchar> buf;
  try {
    if (!cv::imencode(ext, mat, buf, params)) return Internal("the " + format + " encoder failed");
  } catch (const cv::Exception& e) {
    return FailedPrecondition("cannot write " + format + ": " + e.msg);
  }
  Encoded out;
  out.bytes.assign(reinterpret_cast<const char*>(buf.data()), buf.size());
  out.info = ImageInfo{format, mat.cols, mat.rows, mat.channels(), format != "jpeg" && (format != "webp" || webp_lossless)};
  return out;
}

int CvInterpolation(Interpolation i) {
  switch (i) {
    case Interpolation::kArea: return cv::INTER_AREA;
    case Interpolation::kLinear: return cv::INTER_LINEAR;
    case Interpolation::kCubic: return cv::INTER_CUBIC;
    case Interpolation::kNearest: return cv::INTER_NEAREST;
  }
  return cv::INTER_AREA;
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
  if (!CanWrite(f)) return FailedPrecondition("this build cannot write " + f + " images");
  return f;
}

std::string ExtensionOf(std::string_view format) {
  if (format == "jpeg") return ".jpg";
  if (format == "tiff") return ".tif";
  return "." + std::string(format);
}

bool CanWrite(std::string_view format) {
  try {
    return cv::haveImageWriter("x" + ExtensionOf(format));
  } catch (const cv::Exception&) {
    return false;
  }
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
  ASSIGN_OR_RETURN(Decoded d, Decode(bytes, limits, /*reduced=*/true));
  ImageInfo info = d.header;
  if (info.format != "jpeg") info.channels = d.mat.channels();
  return info;
}

Result<ResizeResult> Resize(std::string_view bytes, const ResizeSpec& spec, const Limits& limits) {
  RETURN_IF_ERROR(ValidateResize(spec, limits));
  ASSIGN_OR_RETURN(Decoded d, Decode(bytes, limits));
  const cv::Mat& in = d.mat;
  auto [w, h] = ResizedSize(spec, in.cols, in.rows);
  if (static_cast<int64_t>(w) * h > limits.max_pixels)
    return TooLarge("resizing " + std::to_string(in.cols) + "x" + std::to_string(in.rows) + " gives " + std::to_string(w) + "x" +
                    std::to_string(h) + ", over the pixel limit");
  ResizeResult res;
  if (w == in.cols && h == in.rows) {
    res.out.bytes = std::string(bytes);
    res.out.info = ImageInfo{d.header.format, w, h, in.channels(), d.header.lossless};
    return res;
  }
  cv::Mat out;
  try {
    if (spec.mode == ResizeMode::kFill) {
      double scale = std::max(static_cast<double>(w) / in.cols, static_cast<double>(h) / in.rows);
      int rw = std::max(w, Scaled(in.cols, scale)), rh = std::max(h, Scaled(in.rows, scale));
      cv::Mat scaled;
      cv::resize(in, scaled, cv::Size(rw, rh), 0, 0, CvInterpolation(spec.interpolation));
      out = scaled(cv::Rect((rw - w) / 2, (rh - h) / 2, w, h)).clone();
    } else {
      cv::resize(in, out, cv::Size(w, h), 0, 0, CvInterpolation(spec.interpolation));
    }
  } catch (const cv::Exception& e) {
    return Internal("resize failed: " + e.msg);
  }
  ASSIGN_OR_RETURN(res.out, Encode(out, d.header.format, spec.quality, d.header.format == "webp" && d.header.lossless));
  res.changed = true;
  return res;
}

Result<Encoded> Convert(std::string_view bytes, const ConvertSpec& spec, const Limits& limits) {
  RETURN_IF_ERROR(ValidateConvert(spec));
  ASSIGN_OR_RETURN(std::string format, NormalizeOutputFormat(spec.format));
  ASSIGN_OR_RETURN(Decoded d, Decode(bytes, limits));
  cv::Mat mat;
  try {
    mat = ToColor(d.mat, spec.color);
  } catch (const cv::Exception& e) {
    return Internal("colour conversion failed: " + e.msg);
  }
  return Encode(mat, format, std::min(spec.quality, 100), format == "webp" && spec.quality > 100);
}

Result<Pixels> DecodePixels(std::string_view bytes, const ResizeSpec& spec, int channels, const Limits& limits) {
  if (spec.mode != ResizeMode::kFill && spec.mode != ResizeMode::kExact)
    return InvalidArgument("decoding to pixels resizes by fill (aspect kept, centre crop) or exact (stretched) only");
  if (channels != 1 && channels != 3) return InvalidArgument("decoding to pixels gives 1 or 3 channels, not " + std::to_string(channels));
  RETURN_IF_ERROR(ValidateResize(spec, limits));
  ASSIGN_OR_RETURN(Decoded d, Decode(bytes, limits));
  cv::Mat out;
  try {
    cv::Mat in = d.mat;
    if (in.depth() == CV_16U) {
      cv::Mat eight;
      in.convertTo(eight, CV_8U, 1.0 / 257.0);
      in = eight;
    }
    int c = in.channels();
    cv::Mat color;
    if (channels == 3) {
      if (c == 1) cv::cvtColor(in, color, cv::COLOR_GRAY2RGB);
      else if (c == 4) cv::cvtColor(in, color, cv::COLOR_BGRA2RGB);
      else cv::cvtColor(in, color, cv::COLOR_BGR2RGB);
    } else {
      if (c == 1) color = in;
      else cv::cvtColor(in, color, c == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    }
    int w = spec.width, h = spec.height;
    if (color.cols == w && color.rows == h) {
      out = color;
    } else if (spec.mode == ResizeMode::kFill) {
      double scale = std::max(static_cast<double>(w) / color.cols, static_cast<double>(h) / color.rows);
      int rw = std::max(w, Scaled(color.cols, scale)), rh = std::max(h, Scaled(color.rows, scale));
      cv::Mat scaled;
      cv::resize(color, scaled, cv::Size(rw, rh), 0, 0, CvInterpolation(spec.interpolation));
      out = scaled(cv::Rect((rw - w) / 2, (rh - h) / 2, w, h));
    } else {
      cv::resize(color, out, cv::Size(w, h), 0, 0, CvInterpolation(spec.interpolation));
    }
  } catch (const cv::Exception& e) {
    return Internal("decoding to pixels failed: " + e.msg);
  }
  Pixels p;
  p.width = out.cols;
  p.height = out.rows;
  p.channels = out.channels();
  p.data.resize(static_cast<size_t>(p.width) * p.height * p.channels);
  size_t row = static_cast<size_t>(p.width) * p.channels;
  for (int y = 0; y < p.height; ++y) std::memcpy(p.data.data() + y * row, out.ptr<uint8_t>(y), row);
  return p;
}

}  // namespace moebius::data::image
