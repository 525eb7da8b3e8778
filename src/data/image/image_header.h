// Internal to src/data/image: container-level checks shared by image_header.cc and image.cc.
#pragma once

#include <string_view>

namespace moebius::data::image::internal {

// True when a JPEG's first scan (SOS) is followed somewhere by an end-of-image marker (FFD9).
// Marker bytes cannot occur inside entropy-coded data (0xFF is stuffed as FF00), so a missing
// FFD9 after the scan means the file was cut short.
bool JpegHasEndOfImage(std::string_view bytes);

}  // namespace moebius::data::image::internal
