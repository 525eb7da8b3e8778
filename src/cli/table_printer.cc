#include "cli/table_printer.h"

#include <algorithm>

namespace moebius::cli {
namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes count as one column.
uint32_t NextCodePoint(const std::string& s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
         (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
         (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

// Combining marks, zero-width spaces and joiners, Hangul medial/final jamo and variation
// selectors occupy no column of their own.
bool IsZeroWidth(uint32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0x200b && cp <= 0x200f) ||
         (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff;
}

size_t Columns(uint32_t cp) { return IsZeroWidth(cp) ? 0 : IsWide(cp) ? 2 : 1; }

std::string Truncate(const std::string& s, size_t max) {
  if (DisplayWidth(s) <= max) return s;
  std::string out;
  size_t width = 0, i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    size_t w = Columns(cp);
    if (width + w > max - 1) break;
    out.append(s, start, i - start);
    width += w;
  }
  return out + "…";
}

std::string Clean(const std::string& s) {
  std::string out = s;
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\t', ' ');
  return out;
}

}  // namespace

size_t DisplayWidth(const std::string& s) {
  size_t width = 0, i = 0;
  while (i < s.size()) width += Columns(NextCodePoint(s, i));
  return width;
}

void TablePrinter::AddRow(std::vector<std::string> row) {
  row.resize(headers_.size());
  for (auto& cell : row) cell = Truncate(Clean(cell), max_cell_);
  rows_.push_back(std::move(row));
}

std::string TablePrinter::Render() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const auto& r : rows_) widths[c] = std::max(widths[c], DisplayWidth(r[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      out += cells[c];
      if (c + 1 < cells.size()) out += std::string(widths[c] - DisplayWidth(cells[c]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& r : rows_) out += line(r);
  return out;
}

}  // namespace moebius::cli
