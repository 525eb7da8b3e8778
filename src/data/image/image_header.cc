// Header-only parsing of image containers: no decoder, no OpenCV, bounded reads.
#include "data/image/image_header.h"

#include <cstdint>
#include <string>

#include "data/image/image.h"

namespace moebius::data::image {
namespace {

// Bounds-checked big- and little-endian reads; `ok` turns false on the first read past the end.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  size_t size() const { return b_.size(); }
  uint32_t U8(size_t at) { return Has(at, 1) ? static_cast<uint8_t>(b_[at]) : 0; }
  uint32_t Be16(size_t at) { return (U8(at) << 8) | U8(at + 1); }
  uint32_t Be32(size_t at) { return (Be16(at) << 16) | Be16(at + 2); }
  uint32_t Le16(size_t at) { return U8(at) | (U8(at + 1) << 8); }
  uint32_t Le24(size_t at) { return Le16(at) | (U8(at + 2) << 16); }
  uint32_t Le32(size_t at) { return Le16(at) | (Le16(at + 2) << 16); }
  bool Match(size_t at, std::string_view s) const { return at + s.size() <= b_.size() && b_.substr(at, s.size()) == s; }

 private:
  bool Has(size_t at, size_t n) {
    if (at + n > b_.size() || at + n < at) ok_ = false;
    return ok_;
  }
  std::string_view b_;
  bool ok_ = true;
};

Status Truncated(const std::string& format) { return InvalidArgument("the " + format + " header is truncated"); }

Result<ImageInfo> Finish(ImageInfo info, int64_t width, int64_t height) {
  if (width <= 0 || height <= 0 || width > INT32_MAX || height > INT32_MAX)
    return InvalidArgument("the " + info.format + " header gives impossible dimensions " + std::to_string(width) + "x" + std::to_string(height));
  info.width = static_cast<int>(width);
  info.height = static_cast<int>(height);
  return info;
}

Result<ImageInfo> Png(Reader& r) {
  ImageInfo info{"png", 0, 0, 0, true};
  if (!r.Match(12, "IHDR")) return r.size() < 16 ? Truncated("png") : InvalidArgument("the png header has no IHDR chunk first");
  uint32_t w = r.Be32(16), h = r.Be32(20), color = r.U8(25);
  if (!r.ok()) return Truncated("png");
  switch (color) {
    case 0: info.channels = 1; break;
    case 2: info.channels = 3; break;
    case 3: info.channels = 3; break;
    case 4: info.channels = 2; break;
    case 6: info.channels = 4; break;
    default: return InvalidArgument("the png header has an unknown colour type " + std::to_string(color));
  }
  return Finish(info, w, h);
}

bool IsSof(uint32_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

// Walks the marker segments up to the frame header (SOFn). Returns the offset of the first SOS
// in `*sos` when asked.
Result<ImageInfo> Jpeg(Reader& r, size_t* sos = nullptr) {
  ImageInfo info{"jpeg", 0, 0, 0, false};
  size_t at = 2;
  bool have_frame = false;
  int64_t w = 0, h = 0;
  while (true) {
    if (at >= r.size()) return Truncated("jpeg");
    if (r.U8(at) != 0xFF) return InvalidArgument("the jpeg header is corrupt (no marker at byte " + std::to_string(at) + ")");
    while (at < r.size() && r.U8(at) == 0xFF) ++at;  // fill bytes
    uint32_t m = r.U8(at++);
    if (!r.ok()) return Truncated("jpeg");
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length
    if (m == 0xD9) return InvalidArgument("the jpeg ends before its image data");
    uint32_t len = r.Be16(at);
    if (!r.ok()) return Truncated("jpeg");
    if (len < 2) return InvalidArgument("the jpeg header is corrupt (segment length " + std::to_string(len) + ")");
    if (IsSof(m) && !have_frame) {
      h = r.Be16(at + 3);
      w = r.Be16(at + 5);
      info.channels = static_cast<int>(r.U8(at + 7));
      info.lossless = m == 0xC3 || m == 0xC7 || m == 0xCB || m == 0xCF;
      if (!r.ok()) return Truncated("jpeg");
      if (h == 0) return InvalidArgument("the jpeg defines its height later (DNL marker), which is not supported");
      have_frame = true;
      if (!sos) return Finish(info, w, h);
    }
    if (m == 0xDA) {
      if (!have_frame) return InvalidArgument("the jpeg has image data before its frame header");
      *sos = at + len;
      return Finish(info, w, h);
    }
    at += len;
  }
}

Result<ImageInfo> Webp(Reader& r) {
  ImageInfo info{"webp", 0, 0, 0, false};
  // Chunks after "RIFF" size "WEBP": VP8X (extended: canvas size), VP8 (lossy), VP8L (lossless).
  size_t at = 12;
  int64_t w = 0, h = 0;
  bool sized = false;
  for (int i = 0; i < 64 && at + 8 <= r.size(); ++i) {
    uint32_t len = r.Le32(at + 4);
    size_t data = at + 8;
    if (r.Match(at, "VP8X")) {
      uint32_t flags = r.U8(data);
      w = static_cast<int64_t>(r.Le24(data + 4)) + 1;
      h = static_cast<int64_t>(r.Le24(data + 7)) + 1;
      info.channels = (flags & 0x10) ? 4 : 3;
      sized = true;
    } else if (r.Match(at, "VP8 ")) {
      if (!r.Match(data + 3, "\x9d\x01\x2a")) return InvalidArgument("the webp VP8 chunk has no frame start code");
      if (!sized) {
        w = r.Le16(data + 6) & 0x3FFF;
        h = r.Le16(data + 8) & 0x3FFF;
        info.channels = 3;
      }
      if (!r.ok()) return Truncated("webp");
      return Finish(info, w, h);
    } else if (r.Match(at, "VP8L")) {
      if (r.U8(data) != 0x2F) return InvalidArgument("the webp VP8L chunk has a bad signature");
      uint32_t bits = r.Le32(data + 1);
      if (!sized) {
        w = static_cast<int64_t>(bits & 0x3FFF) + 1;
        h = static_cast<int64_t>((bits >> 14) & 0x3FFF) + 1;
        info.channels = (bits >> 28) & 1 ? 4 : 3;
      }
      info.lossless = true;
      if (!r.ok()) return Truncated("webp");
      return Finish(info, w, h);
    }
    if (!r.ok()) return Truncated("webp");
    at = data + len + (len & 1);
    if (at < data) break;
  }
  if (sized) return Finish(info, w, h);  // e.g. an animation (ANMF frames)
  return Truncated("webp");
}

Result<ImageInfo> Bmp(Reader& r) {
  ImageInfo info{"bmp", 0, 0, 0, true};
  uint32_t dib = r.Le32(14);
  int64_t w, h;
  uint32_t bpp;
  if (dib == 12) {
    w = r.Le16(18);
    h = r.Le16(20);
    bpp = r.Le16(24);
  } else if (dib >= 40) {
    w = static_cast<int32_t>(r.Le32(18));
    h = static_cast<int32_t>(r.Le32(22));
    if (h < 0) h = -h;  // top-down rows
    bpp = r.Le16(28);
  } else {
    return r.ok() ? InvalidArgument("the bmp header has an unknown size " + std::to_string(dib)) : Truncated("bmp");
  }
  if (!r.ok()) return Truncated("bmp");
  info.channels = bpp == 32 ? 4 : bpp >= 16 ? 3 : 0;  // palettes may be grey or colour
  return Finish(info, w, h);
}

Result<ImageInfo> Gif(Reader& r) {
  ImageInfo info{"gif", 0, 0, 3, true};
  int64_t w = r.Le16(6), h = r.Le16(8);
  if (!r.ok()) return Truncated("gif");
  return Finish(info, w, h);
}

Result<ImageInfo> Tiff(Reader& r, bool little) {
  ImageInfo info{"tiff", 0, 0, 0, true};
  auto u16 = [&](size_t at) { return little ? r.Le16(at) : r.Be16(at); };
  auto u32 = [&](size_t at) { return little ? r.Le32(at) : r.Be32(at); };
  size_t ifd = u32(4);
  uint32_t n = u16(ifd);
  if (!r.ok()) return Truncated("tiff");
  int64_t w = 0, h = 0;
  for (uint32_t i = 0; i < n && i < 4096; ++i) {
    size_t e = ifd + 2 + 12 * static_cast<size_t>(i);
    uint32_t tag = u16(e), type = u16(e + 2);
    uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);  // SHORT or LONG, inline
    if (!r.ok()) return Truncated("tiff");
    if (tag == 256) w = value;
    else if (tag == 257) h = value;
    else if (tag == 277) info.channels = static_cast<int>(value);
  }
  if (w == 0 || h == 0) return InvalidArgument("the tiff's first directory has no image width or length");
  return Finish(info, w, h);
}

}  // namespace

namespace internal {

bool JpegHasEndOfImage(std::string_view bytes) {
  Reader r(bytes);
  size_t sos = 0;
  if (!Jpeg(r, &sos).ok()) return false;
  return bytes.find("\xFF\xD9", sos) != std::string_view::npos;
}

}  // namespace internal

Result<ImageInfo> ReadHeader(std::string_view bytes) {
  Reader r(bytes);
  if (bytes.empty()) return InvalidArgument("the image is empty");
  if (r.Match(0, "\x89PNG\r\n\x1a\n")) return Png(r);
  if (r.Match(0, "\xFF\xD8\xFF")) return Jpeg(r);
  if (r.Match(0, "RIFF") && r.Match(8, "WEBP")) return Webp(r);
  if (r.Match(0, "BM")) return Bmp(r);
  if (r.Match(0, "GIF87a") || r.Match(0, "GIF89a")) return Gif(r);
  if (r.Match(0, std::string_view("II*\0", 4))) return Tiff(r, true);
  if (r.Match(0, std::string_view("MM\0*", 4))) return Tiff(r, false);
  return InvalidArgument("not a supported image (PNG, JPEG, WebP, BMP, GIF, TIFF)");
}

}  // namespace moebius::data::image
