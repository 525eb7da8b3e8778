// Images as bytes in, bytes out (DATA-6 refinement, DATA-8 quality): probe, resize, convert.
//
// The only door to OpenCV (imgcodecs, imgproc): its types stay in image.cc, so callers include
// this small header and an edit elsewhere never recompiles OpenCV's headers.
//
// Safety: every call reads the container header first (ReadHeader, no pixel is decoded) and
// refuses an image over Limits::max_pixels before any decoder allocates for it, so a 50 KB PNG
// that claims 100000×100000 pixels (a decompression bomb) costs microseconds, not 30 GB. A JPEG
// whose entropy data ends before its end-of-image marker is refused, although libjpeg would
// "decode" it with the missing part filled grey.
//
// Determinism: the same input bytes and spec give the same output bytes (fixed encoder
// parameters, no metadata, no timestamps), so a refined version is reproducible and its blobs
// deduplicate.
//
// Errors: kInvalidArgument for bytes that are not a supported image, are truncated or corrupt,
// or a spec out of range (a width × height over the pixel limit included); kTooLarge for an
// image, or the output a mode computes from it, over the pixel limit;
// kFailedPrecondition for a format this build cannot decode or encode (GIF; WebP without
// libwebp). Messages do not name the item; the caller adds its path.
//
// Thread-safety: all functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::data::image {

struct ImageInfo {
  std::string format;  // "png", "jpeg", "webp", "bmp", "gif", "tiff"
  int width = 0;       // as stored (a JPEG's EXIF orientation is not applied)
  int height = 0;
  int channels = 0;    // 1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha; 0 when the header does not say
  bool lossless = false;  // PNG, BMP, TIFF, GIF and lossless (VP8L) WebP
};

struct Limits {
  int64_t max_pixels = 100'000'000;  // input and output, width × height
};

// Reads format and dimensions from the container header only (PNG IHDR, JPEG SOFn, WebP
// VP8/VP8L/VP8X, BMP info header, GIF screen descriptor, TIFF IFD0). Cheap enough for ingest.
Result<ImageInfo> ReadHeader(std::string_view bytes);

// ReadHeader, the pixel limit, then a full decode: succeeds only for an image that decodes
// (a JPEG at 1/8 scale, which still reads all of its data). Dimensions are the header's;
// `channels` is the JPEG's component count, otherwise what the decoder yields (1, 3 or 4).
Result<ImageInfo> Probe(std::string_view bytes, const Limits& limits = {});

enum class ResizeMode {
  kExact,         // exactly width × height (aspect not kept)
  kFit,           // largest size inside width × height, aspect kept
  kFill,          // smallest size covering width × height, aspect kept, then centre-cropped to it
  kShorterSide,   // shorter side becomes `size`, aspect kept
};

enum class Interpolation { kArea, kLinear, kCubic, kNearest };

struct ResizeSpec {
  ResizeMode mode = ResizeMode::kFit;
  int width = 0;   // exact, fit, fill
  int height = 0;  // exact, fit, fill
  int size = 0;    // shorter_side
  Interpolation interpolation = Interpolation::kArea;
  // Lossy outputs (JPEG, lossy WebP) are re-encoded at this quality; a lossless WebP stays lossless.
  int quality = 95;
};

enum class Color { kKeep, kGray, kRgb };

struct ConvertSpec {
  std::string format;  // "png", "jpeg" (or "jpg"), "webp", "bmp", "tiff"
  int quality = 90;    // JPEG and WebP, 1..100; WebP above 100 is lossless
  Color color = Color::kKeep;  // gray: one channel; rgb: three (alpha dropped, not composited)
};

struct Encoded {
  std::string bytes;
  ImageInfo info;  // of the output
};

// Parses names as used in JSON specs ("fit", "shorter_side", "area", "gray", ...).
Result<ResizeMode> ParseResizeMode(std::string_view name);
Result<Interpolation> ParseInterpolation(std::string_view name);
Result<Color> ParseColor(std::string_view name);
// "jpg" → "jpeg"; kInvalidArgument for a format we cannot write.
Result<std::string> NormalizeOutputFormat(std::string_view name);
// The file extension for an output format, with the dot: ".jpg", ".png", ...
std::string ExtensionOf(std::string_view format);

// Checks the spec alone (sizes 1..65535, output within the pixel limit, quality range).
Status ValidateResize(const ResizeSpec& spec, const Limits& limits = {});
Status ValidateConvert(const ConvertSpec& spec);

// The output dimensions for an input of width × height (after EXIF orientation).
std::pair<int, int> ResizedSize(const ResizeSpec& spec, int width, int height);

// Decodes (applying a JPEG's EXIF orientation, so the output is upright), resizes, and encodes
// in the input's format. `changed` is false, and `bytes` the input, when the image already has
// the target size (no generational loss).
struct ResizeResult {
  Encoded out;
  bool changed = false;
};
Result<ResizeResult> Resize(std::string_view bytes, const ResizeSpec& spec, const Limits& limits = {});

// Decodes and re-encodes in spec.format with spec.color. Always re-encodes.
Result<Encoded> Convert(std::string_view bytes, const ConvertSpec& spec, const Limits& limits = {});

// Decoded pixels for a model's input: 8-bit, row-major, interleaved (height × width × channels),
// RGB order for 3 channels (not OpenCV's BGR), one grey channel for 1.
struct Pixels {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> data;
};

// Decodes (header-first checks and the pixel limit as everywhere here, a JPEG's EXIF orientation
// applied) to exactly spec.width × spec.height: spec.mode kFill keeps the aspect and centre-crops
// (a model's "fit_crop"), kExact stretches; other modes are kInvalidArgument. `channels` 3 (alpha
// dropped, grey repeated) or 1 (luma); 16-bit samples are scaled to 8 bits. The same bytes and
// spec give the same pixels.
Result<Pixels> DecodePixels(std::string_view bytes, const ResizeSpec& spec, int channels, const Limits& limits = {});

// Whether this build's OpenCV can encode and decode the format ("webp" depends on libwebp).
bool CanWrite(std::string_view format);

}  // namespace moebius::data::image
