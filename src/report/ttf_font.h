// A TrueType font read for PDF embedding (src/report/pdf_writer.h): the character map, glyph
// advances, vertical metrics, and a glyph subset of the font file.
//
// Only TrueType outlines (a `glyf` table) are supported — what a PDF CIDFontType2 embeds as
// FontFile2. OpenType/CFF fonts (.otf, Noto CJK) are refused with kInvalidArgument. A font
// collection (.ttc) is read at its first face.
//
// Subset(): keeps every table a PDF viewer needs (head, hhea, maxp, hmtx, loca, glyf and the
// hinting tables cvt/fpgm/prep when present) and empties the outlines of glyphs not used, keeping
// glyph ids unchanged (so the PDF's CIDToGIDMap stays /Identity). Components of composite glyphs
// are kept with them. A Korean report of a few hundred distinct glyphs embeds a few tens of KiB
// instead of the whole 4 MiB NanumGothic.
//
// Thread-safety: immutable after Load; const methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "base/status.h"

namespace moebius::report {

class TrueTypeFont {
 public:
  static Result<TrueTypeFont> Load(const std::string& path);
  static Result<TrueTypeFont> FromBytes(std::string bytes);

  // Glyph id of a Unicode code point; 0 (.notdef) when the font lacks it.
  uint16_t GlyphOf(char32_t codepoint) const;
  // Advance width in font units.
  int Advance(uint16_t glyph) const;
  int units_per_em() const { return units_per_em_; }
  int ascent() const { return ascent_; }
  int descent() const { return descent_; }  // negative
  int num_glyphs() const { return num_glyphs_; }
  // Font bounding box in font units: xMin, yMin, xMax, yMax.
  const int* bbox() const { return bbox_; }
  const std::string& postscript_name() const { return ps_name_; }

  // A TrueType file with only `glyphs` (plus .notdef and composite components) outlined.
  Result<std::string> Subset(const std::set<uint16_t>& glyphs) const;

 private:
  struct Table {
    uint32_t offset = 0, length = 0;
  };
  Status Parse();
  Status ParseCmap();
  std::string_view TableBytes(const std::string& tag) const;
  std::pair<uint32_t, uint32_t> GlyphRange(uint16_t glyph) const;  // [start, end) within glyf

  std::string data_;
  std::map<std::string, Table> tables_;
  std::map<char32_t, uint16_t> cmap_;
  int units_per_em_ = 1000, ascent_ = 800, descent_ = -200, num_glyphs_ = 0, num_hmetrics_ = 0;
  int bbox_[4] = {0, 0, 0, 0};
  bool long_loca_ = false;
  std::string ps_name_ = "Font";
};

}  // namespace moebius::report
