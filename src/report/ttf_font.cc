#include "report/ttf_font.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace moebius::report {
namespace {

uint16_t U16(std::string_view d, size_t at) {
  if (at + 2 > d.size()) return 0;
  return static_cast<uint16_t>((static_cast<uint8_t>(d[at]) << 8) | static_cast<uint8_t>(d[at + 1]));
}
int16_t S16(std::string_view d, size_t at) { return static_cast<int16_t>(U16(d, at)); }
uint32_t U32(std::string_view d, size_t at) {
  return (static_cast<uint32_t>(U16(d, at)) << 16) | U16(d, at + 2);
}
void Put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v & 0xffff));
}
void Set32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
}
uint32_t Checksum(std::string_view d) {
  uint32_t sum = 0;
  for (size_t i = 0; i < d.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | (i + k < d.size() ? static_cast<uint8_t>(d[i + k]) : 0);
    sum += v;
  }
  return sum;
}

}  // namespace

Result<TrueTypeFont> TrueTypeFont::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("font file '" + path + "' cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return FromBytes(ss.str());
}

Result<TrueTypeFont> TrueTypeFont::FromBytes(std::string bytes) {
  TrueTypeFont f;
  f.data_ = std::move(bytes);
  RETURN_IF_ERROR(f.Parse());
  return f;
}

std::string_view TrueTypeFont::TableBytes(const std::string& tag) const {
  auto it = tables_.find(tag);
  if (it == tables_.end()) return {};
  return std::string_view(data_).substr(it->second.offset, it->second.length);
}

Status TrueTypeFont::Parse() {
  std::string_view d = data_;
  size_t base = 0;
  if (d.substr(0, 4) == "ttcf") base = U32(d, 12);  // first face of a collection
  uint32_t version = U32(d, base);
  if (d.substr(base, 4) == "OTTO") return InvalidArgument("font has CFF outlines (OpenType/CFF); a TrueType (glyf) font is needed");
  if (version != 0x00010000 && d.substr(base, 4) != "true") return InvalidArgument("not a TrueType font");
  uint16_t n = U16(d, base + 4);
  for (uint16_t i = 0; i < n; ++i) {
    size_t rec = base + 12 + 16 * i;
    if (rec + 16 > d.size()) return InvalidArgument("truncated font table directory");
    Table t{U32(d, rec + 8), U32(d, rec + 12)};
    if (static_cast<uint64_t>(t.offset) + t.length > d.size()) return InvalidArgument("font table outside the file");
    tables_[std::string(d.substr(rec, 4))] = t;
  }
  for (const char* need : {"head", "hhea", "maxp", "hmtx", "cmap"})
    if (!tables_.count(need)) return InvalidArgument(std::string("font lacks the '") + need + "' table");
  if (!tables_.count("glyf") || !tables_.count("loca")) return InvalidArgument("font has no TrueType outlines (glyf/loca)");
  auto head = TableBytes("head");
  units_per_em_ = U16(head, 18);
  if (units_per_em_ == 0) return InvalidArgument("font unitsPerEm is 0");
  for (int i = 0; i < 4; ++i) bbox_[i] = S16(head, 36 + 2 * i);
  long_loca_ = S16(head, 50) == 1;
  auto hhea = TableBytes("hhea");
  ascent_ = S16(hhea, 4);
  descent_ = S16(hhea, 6);
  num_hmetrics_ = U16(hhea, 34);
  num_glyphs_ = U16(TableBytes("maxp"), 4);
  if (num_hmetrics_ == 0 || num_glyphs_ == 0) return InvalidArgument("font has no glyph metrics");
  auto name = TableBytes("name");
  if (!name.empty()) {  // PostScript name (id 6), Windows Unicode or Mac Roman
    size_t count = U16(name, 2), strings = U16(name, 4);
    for (uint16_t i = 0; i < count; ++i) {
      size_t rec = 6 + 12 * i;
      size_t platform = U16(name, rec), id = U16(name, rec + 6), len = U16(name, rec + 8), off = U16(name, rec + 10);
      if (id != 6 || strings + off + len > name.size()) continue;
      std::string s;
      auto raw = name.substr(strings + off, len);
      if (platform == 3 || platform == 0)
        for (size_t k = 1; k < raw.size(); k += 2) s.push_back(raw[k]);
      else
        s = std::string(raw);
      std::string clean;
      for (char c : s)
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') clean.push_back(c);
      if (!clean.empty()) ps_name_ = clean;
      if (platform == 3) break;
    }
  }
  return ParseCmap();
}

Status TrueTypeFont::ParseCmap() {
  auto cmap = TableBytes("cmap");
  uint16_t n = U16(cmap, 2);
  size_t best = 0;
  int best_rank = 0;
  for (uint16_t i = 0; i < n; ++i) {
    uint16_t platform = U16(cmap, 4 + 8 * i), encoding = U16(cmap, 6 + 8 * i);
    uint32_t off = U32(cmap, 8 + 8 * i);
    uint16_t format = U16(cmap, off);
    int rank = 0;
    if (format == 12 && (platform == 3 || platform == 0)) rank = 3;
    else if (format == 4 && platform == 3 && encoding == 1) rank = 2;
    else if (format == 4 && platform == 0) rank = 1;
    if (rank > best_rank) best_rank = rank, best = off;
  }
  if (best_rank == 0) return InvalidArgument("font has no Unicode character map (cmap format 4 or 12)");
  if (U16(cmap, best) == 12) {
    uint32_t groups = U32(cmap, best + 12);
    for (uint32_t g = 0; g < groups; ++g) {
      size_t at = best + 16 + 12 * g;
      uint32_t start = U32(cmap, at), end = U32(cmap, at + 4), gid = U32(cmap, at + 8);
      if (end < start || end - start > 0x10FFFF) continue;
      for (uint32_t c = start; c <= end; ++c)
        if (gid + (c - start) < static_cast<uint32_t>(num_glyphs_)) cmap_[c] = static_cast<uint16_t>(gid + (c - start));
    }
    return Status::Ok();
  }
  uint16_t segs = U16(cmap, best + 6) / 2;
  size_t ends = best + 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs, ranges = deltas + 2 * segs;
  for (uint16_t s = 0; s < segs; ++s) {
    uint16_t end = U16(cmap, ends + 2 * s), start = U16(cmap, starts + 2 * s);
    int16_t delta = S16(cmap, deltas + 2 * s);
    uint16_t range = U16(cmap, ranges + 2 * s);
    for (uint32_t c = start; c <= end && c != 0xFFFF; ++c) {
      uint16_t gid;
      if (range == 0) {
        gid = static_cast<uint16_t>(c + delta);
      } else {
        size_t at = ranges + 2 * s + range + 2 * (c - start);
        gid = U16(cmap, at);
        if (gid != 0) gid = static_cast<uint16_t>(gid + delta);
      }
      if (gid != 0 && gid < num_glyphs_) cmap_[c] = gid;
    }
  }
  return Status::Ok();
}

uint16_t TrueTypeFont::GlyphOf(char32_t codepoint) const {
  auto it = cmap_.find(codepoint);
  return it == cmap_.end() ? 0 : it->second;
}

int TrueTypeFont::Advance(uint16_t glyph) const {
  auto hmtx = TableBytes("hmtx");
  int i = glyph < num_hmetrics_ ? glyph : num_hmetrics_ - 1;
  return U16(hmtx, 4 * i);
}

std::pair<uint32_t, uint32_t> TrueTypeFont::GlyphRange(uint16_t glyph) const {
  auto loca = TableBytes("loca");
  if (glyph >= num_glyphs_) return {0, 0};
  uint32_t a = long_loca_ ? U32(loca, 4 * glyph) : 2u * U16(loca, 2 * glyph);
  uint32_t b = long_loca_ ? U32(loca, 4 * (glyph + 1)) : 2u * U16(loca, 2 * (glyph + 1));
  uint32_t glyf_len = static_cast<uint32_t>(TableBytes("glyf").size());
  if (b < a || b > glyf_len) return {0, 0};
  return {a, b};
}

Result<std::string> TrueTypeFont::Subset(const std::set<uint16_t>& glyphs) const {
  auto glyf = TableBytes("glyf");
  // Close over composite components.
  std::set<uint16_t> keep = {0};
  std::vector<uint16_t> todo(glyphs.begin(), glyphs.end());
  while (!todo.empty()) {
    uint16_t g = todo.back();
    todo.pop_back();
    if (g >= num_glyphs_ || !keep.insert(g).second) continue;
    auto [a, b] = GlyphRange(g);
    if (b - a < 10 || S16(glyf, a) >= 0) continue;
    size_t at = a + 10;
    for (int guard = 0; guard < 64 && at + 4 <= b; ++guard) {
      uint16_t flags = U16(glyf, at), comp = U16(glyf, at + 2);
      todo.push_back(comp);
      at += 4 + ((flags & 0x0001) ? 4 : 2);
      if (flags & 0x0008) at += 2;
      else if (flags & 0x0040) at += 4;
      else if (flags & 0x0080) at += 8;
      if (!(flags & 0x0020)) break;
    }
  }
  // glyf/loca rebuilt with long offsets; unused glyphs become empty.
  std::string new_glyf, new_loca;
  for (int g = 0; g < num_glyphs_; ++g) {
    Put32(new_loca, static_cast<uint32_t>(new_glyf.size()));
    if (!keep.count(static_cast<uint16_t>(g))) continue;
    auto [a, b] = GlyphRange(static_cast<uint16_t>(g));
    new_glyf.append(glyf.substr(a, b - a));
    while (new_glyf.size() % 4) new_glyf.push_back('\0');
  }
  Put32(new_loca, static_cast<uint32_t>(new_glyf.size()));
  std::string head(TableBytes("head"));
  Set32(head, 8, 0);  // checksumAdjustment, recomputed below
  head[50] = 0, head[51] = 1;  // indexToLocFormat = long

  std::map<std::string, std::string> out_tables;
  out_tables["head"] = head;
  out_tables["loca"] = new_loca;
  out_tables["glyf"] = new_glyf;
  for (const char* tag : {"hhea", "maxp", "hmtx", "cvt ", "fpgm", "prep"})
    if (tables_.count(tag)) out_tables[tag] = std::string(TableBytes(tag));

  uint16_t n = static_cast<uint16_t>(out_tables.size());
  uint16_t pow2 = 1, log2 = 0;
  while (pow2 * 2 <= n) pow2 *= 2, ++log2;
  std::string out;
  Put32(out, 0x00010000);
  Put16(out, n);
  Put16(out, static_cast<uint16_t>(pow2 * 16));
  Put16(out, log2);
  Put16(out, static_cast<uint16_t>(n * 16 - pow2 * 16));
  size_t offset = 12 + 16 * n;
  std::string body;
  size_t head_at = 0;
  for (const auto& [tag, bytes] : out_tables) {  // std::map: tags sorted, as the format asks
    out += tag;
    Put32(out, Checksum(bytes));
    Put32(out, static_cast<uint32_t>(offset + body.size()));
    Put32(out, static_cast<uint32_t>(bytes.size()));
    if (tag == "head") head_at = offset + body.size();
    body += bytes;
    while (body.size() % 4) body.push_back('\0');
  }
  out += body;
  Set32(out, head_at + 8, 0xB1B0AFBAu - Checksum(out));
  return out;
}

}  // namespace moebius::report
