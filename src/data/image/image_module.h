// Internal to src/data/image: the image codec module and how image.cc finds it.
//
// OpenCV's imgcodecs pulls in about 150 shared libraries (GDAL, poppler, HDF5, ...), which cost
// a process ~200 ms and ~50 MB at every start when linked in. So nothing that `moebius` links
// names OpenCV: the pixel work lives in a module of ours, libmoebius-image.so (image_codec.cc,
// the only file that includes OpenCV), which image.cc loads with dlopen the first time an image
// is decoded or encoded. A process that never decodes an image never loads OpenCV.
//
// The module and the binary come from the same build: the table below is plain C++ (Status,
// std::string, the structs of image.h), and kCodecAbiVersion guards against a module from an
// older build. The module links nothing of ours (no moebius_base code, only inline parts of
// status.h and the structs of image.h), so it carries no second copy of global state.
//
// Where the module is looked for, first match wins:
//   1. $MOEBIUS_IMAGE_MODULE, a path to the file; when set, nothing else is tried;
//   2. libmoebius-image.so beside the running executable (build/ holds moebius, moebius-torch
//      and the module);
//   3. the module's path in the build tree this library was built in (for test binaries, which
//      live in build/src/...).
//
// When it cannot be loaded (not there, or OpenCV's libraries missing), every decode and encode
// is kUnavailable, naming the module and what the dynamic loader said (for a missing OpenCV
// library, its file name); the HTTP edge makes that a 503. Loading is tried once per process.
//
// Thread-safety: LoadCodec may be called from any thread; the module is loaded once and never
// unloaded.
#pragma once

#include <string_view>
#include <utility>

#include "base/status.h"
#include "data/image/image.h"

namespace moebius::data::image::internal {

// Bump when CodecApi or the structs of image.h change.
inline constexpr int kCodecAbiVersion = 1;

// The name of the module's file and of its one exported symbol (extern "C", returning
// const CodecApi*).
inline constexpr const char* kCodecModuleFile = "libmoebius-image.so";
inline constexpr const char* kCodecEntryPoint = "moebius_image_codec_v1";

// The output size rule of a resize (image::ResizedSize), passed in so that the rule lives in one
// place and the module needs no code of ours.
using ResizedSizeFn = std::pair<int, int> (*)(const ResizeSpec& spec, int width, int height);

// What the module does. Every call gets an image whose header image.cc has already read and
// checked (ReadHeader, the pixel limit, the 2 GiB bound, no GIF, a JPEG's end-of-image marker):
// `header` is that header. Calls are thread-safe.
struct CodecApi {
  int abi_version;  // kCodecAbiVersion of the build that made the module
  // Decodes (a JPEG at 1/8 scale) and sets *channels to what the decoder yields.
  Status (*probe)(std::string_view bytes, const ImageInfo& header, int* channels);
  // image::Resize after the spec was validated.
  Status (*resize)(std::string_view bytes, const ImageInfo& header, const ResizeSpec& spec, const Limits& limits,
                   ResizedSizeFn resized_size, ResizeResult* out);
  // image::Convert to `format` (normalized), `quality` 1..100, `webp_lossless`.
  Status (*convert)(std::string_view bytes, const ImageInfo& header, Color color, std::string_view format, int quality,
                    bool webp_lossless, Encoded* out);
  // image::DecodePixels after the spec, mode and channels were validated.
  Status (*decode_pixels)(std::string_view bytes, const ImageInfo& header, const ResizeSpec& spec, int channels, Pixels* out);
  // Whether OpenCV has a writer for a file name ending in `extension` (".webp").
  bool (*can_write)(std::string_view extension);
};

// The module's table, loaded on the first call; kUnavailable (the same status every time) when
// it cannot be loaded.
Result<const CodecApi*> LoadCodec();

}  // namespace moebius::data::image::internal
