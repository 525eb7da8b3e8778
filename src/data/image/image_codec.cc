// The image codec module, libmoebius-image.so: the one translation unit that includes OpenCV
// (DESIGN.md section 9), built as a module that image.cc loads on first use (see image_module.h
// for why). It uses no code of ours, only inline parts of base/status.h and the structs of
// image.h: no Result<T>::value(), no out-of-line Status member.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image/image_module.h"

namespace moebius::data::image {
namespace {

// Decodes an image whose header was checked (image.cc). JPEGs are decoded to BGR or grey with
// their EXIF orientation applied (re-encoding drops EXIF, so the pixels must be upright);
// everything else unchanged, alpha and 16 bits kept: 8- or 16-bit, 1, 3 (BGR) or 4 (BGRA)
// channels. `reduced`: a JPEG may be decoded at 1/8 scale, which still reads all of its entropy
// data (used to check that it decodes).
Status Decode(std::string_view bytes, const ImageInfo& info, bool reduced, cv::Mat* mat) {
  int flags = cv::IMREAD_UNCHANGED;
  if (info.format == "jpeg") {
    flags = info.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
    if (reduced) flags = info.channels == 1 ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8;
  }
  try {
    // imdecode only reads the buffer; the const_cast is for cv::Mat's constructor.
    cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    *mat = cv::imdecode(buf, flags);
  } catch (const cv::Exception& e) {
    return InvalidArgument("the " + info.format + " does not decode: " + e.msg);
  } catch (const std::exception& e) {
    return InvalidArgument("the " + info.format + " does not decode: " + e.what());
  }
  if (mat->empty()) return InvalidArgument("the " + info.format + " does not decode (corrupt or truncated data)");
  if (!reduced) {
    bool same = mat->cols == info.width && mat->rows == info.height;
    bool rotated = info.format == "jpeg" && mat->cols == info.height && mat->rows == info.width;
    if (!same && !rotated)
      return InvalidArgument("the " + info.format + " decodes to " + std::to_string(mat->cols) + "x" + std::to_string(mat->rows) +
                             " but its header says " + std::to_string(info.width) + "x" + std::to_string(info.height));
  }
  if (mat->depth() != CV_8U && mat->depth() != CV_16U)
    return FailedPrecondition("the " + info.format + " has samples of an unsupported depth; only 8- and 16-bit images are handled");
  int c = mat->channels();
  if (c != 1 && c != 3 && c != 4) return FailedPrecondition("the " + info.format + " has " + std::to_string(c) + " channels; 1, 3 or 4 are handled");
  return Status::Ok();
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
Status Encode(cv::Mat mat, const std::string& format, int quality, bool webp_lossless, Encoded* out) {
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
  out->bytes.assign(reinterpret_cast<const char*>(buf.data()), buf.size());
  out->info = ImageInfo{format, mat.cols, mat.rows, mat.channels(), format != "jpeg" && (format != "webp" || webp_lossless)};
  return Status::Ok();
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

Status ProbeImpl(std::string_view bytes, const ImageInfo& header, int* channels) {
  cv::Mat mat;
  RETURN_IF_ERROR(Decode(bytes, header, /*reduced=*/true, &mat));
  *channels = mat.channels();
  return Status::Ok();
}

Status ResizeImpl(std::string_view bytes, const ImageInfo& header, const ResizeSpec& spec, const Limits& limits,
                  internal::ResizedSizeFn resized_size, ResizeResult* res) {
  cv::Mat in;
  RETURN_IF_ERROR(Decode(bytes, header, /*reduced=*/false, &in));
  auto [w, h] = resized_size(spec, in.cols, in.rows);
  if (static_cast<int64_t>(w) * h > limits.max_pixels)
    return TooLarge("resizing " + std::to_string(in.cols) + "x" + std::to_string(in.rows) + " gives " + std::to_string(w) + "x" +
                    std::to_string(h) + ", over the pixel limit");
  if (w == in.cols && h == in.rows) {
    res->out.bytes = std::string(bytes);
    res->out.info = ImageInfo{header.format, w, h, in.channels(), header.lossless};
    res->changed = false;
    return Status::Ok();
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
  RETURN_IF_ERROR(Encode(out, header.format, spec.quality, header.format == "webp" && header.lossless, &res->out));
  res->changed = true;
  return Status::Ok();
}

Status ConvertImpl(std::string_view bytes, const ImageInfo& header, Color color, std::string_view format, int quality,
                   bool webp_lossless, Encoded* out) {
  cv::Mat in;
  RETURN_IF_ERROR(Decode(bytes, header, /*reduced=*/false, &in));
  cv::Mat mat;
  try {
    mat = ToColor(in, color);
  } catch (const cv::Exception& e) {
    return Internal("colour conversion failed: " + e.msg);
  }
  return Encode(mat, std::string(format), quality, webp_lossless, out);
}

Status DecodePixelsImpl(std::string_view bytes, const ImageInfo& header, const ResizeSpec& spec, int channels, Pixels* p) {
  cv::Mat in;
  RETURN_IF_ERROR(Decode(bytes, header, /*reduced=*/false, &in));
  cv::Mat out;
  try {
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
  p->width = out.cols;
  p->height = out.rows;
  p->channels = out.channels();
  p->data.resize(static_cast<size_t>(p->width) * p->height * p->channels);
  size_t row = static_cast<size_t>(p->width) * p->channels;
  for (int y = 0; y < p->height; ++y) std::memcpy(p->data.data() + y * row, out.ptr<uint8_t>(y), row);
  return Status::Ok();
}

bool CanWriteImpl(std::string_view extension) {
  try {
    return cv::haveImageWriter("x" + std::string(extension));
  } catch (const cv::Exception&) {
    return false;
  }
}

const internal::CodecApi kApi{
    internal::kCodecAbiVersion, &ProbeImpl, &ResizeImpl, &ConvertImpl, &DecodePixelsImpl, &CanWriteImpl,
};

}  // namespace
}  // namespace moebius::data::image

// The module's one exported symbol (image_module.h: kCodecEntryPoint).
extern "C" __attribute__((visibility("default"))) const moebius::data::image::internal::CodecApi* moebius_image_codec_v1() {
  return &moebius::data::image::kApi;
}
