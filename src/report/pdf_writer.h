// A small PDF 1.7 writer for generated reports: A4 pages of text, lines, rectangles and
// polylines in one embedded TrueType font (ttf_font.h), written with a valid cross-reference
// table.
//
// Text: the font is embedded as a Type0 font over a CIDFontType2 with /Identity-H encoding
// (two-byte glyph ids in the content streams, CIDToGIDMap /Identity), a /W width array for the
// glyphs used and a /ToUnicode CMap, so viewers render Korean and `pdftotext` extracts it. The
// font program is subset (TrueTypeFont::Subset: unused outlines emptied, ids unchanged).
// Content streams and the font are Flate-compressed (zlib).
//
// Coordinates are PDF points with the origin at the bottom left of the page.
//
// Thread-safety: one writer per document and thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "report/ttf_font.h"

namespace moebius::report {

struct Rgb {
  double r = 0, g = 0, b = 0;
};

class PdfWriter {
 public:
  static constexpr double kA4Width = 595.28, kA4Height = 841.89;

  explicit PdfWriter(const TrueTypeFont& font) : font_(font) {}

  void SetTitle(std::string title) { title_ = std::move(title); }
  void NewPage(double width = kA4Width, double height = kA4Height);
  int page_count() const { return static_cast<int>(pages_.size()); }

  // Width of UTF-8 text at `size` points.
  double TextWidth(std::string_view utf8, double size) const;
  void Text(double x, double y, double size, std::string_view utf8, Rgb color = {});
  void Line(double x1, double y1, double x2, double y2, double width = 0.5, Rgb color = {});
  void FillRect(double x, double y, double w, double h, Rgb color);
  void StrokeRect(double x, double y, double w, double h, double width = 0.5, Rgb color = {});
  void Polyline(const std::vector<std::pair<double, double>>& points, double width = 1, Rgb color = {});

  // The whole file. kFailedPrecondition when no page was added.
  Result<std::string> Finish();

 private:
  struct Page {
    double width, height;
    std::string content;
  };
  std::string& Content();
  std::string Glyphs(std::string_view utf8);  // hex of two-byte glyph ids; records use

  const TrueTypeFont& font_;
  std::string title_;
  std::vector<Page> pages_;
  std::map<uint16_t, char32_t> used_;  // glyph -> first code point that produced it
};

// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::u32string DecodeUtf8(std::string_view s);
// zlib deflate of `bytes` (for /FlateDecode streams).
std::string Deflate(std::string_view bytes);

}  // namespace moebius::report
