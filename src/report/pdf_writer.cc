#include "report/pdf_writer.h"

#include <zlib.h>

#include <cmath>
#include <cstdio>

namespace moebius::report {
namespace {

std::string Num(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string Color(Rgb c, bool stroke) {
  return Num(c.r) + " " + Num(c.g) + " " + Num(c.b) + (stroke ? " RG\n" : " rg\n");
}

std::string PdfString(std::string_view s) {  // a literal string, escaped, printable ASCII only
  std::string out = "(";
  for (unsigned char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c >= 32 && c < 127) out += static_cast<char>(c);
  }
  return out + ")";
}

std::string Utf16Hex(char32_t c) {
  char buf[16];
  if (c < 0x10000) {
    std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(c));
  } else {
    char32_t v = c - 0x10000;
    std::snprintf(buf, sizeof buf, "%04X%04X", static_cast<unsigned>(0xD800 + (v >> 10)), static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
  }
  return buf;
}

std::string TitleHex(std::string_view utf8) {  // UTF-16BE with BOM, for /Title
  std::string out = "<FEFF";
  for (char32_t c : DecodeUtf8(utf8)) out += Utf16Hex(c);
  return out + ">";
}

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) ok = false;
      v = (v << 6) | (cc & 0x3F);
    }
    out.push_back(ok ? v : 0xFFFD);
    i += ok ? len : 1;
  }
  return out;
}

std::string Deflate(std::string_view bytes) {
  uLongf cap = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(cap, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &cap, reinterpret_cast<const Bytef*>(bytes.data()),
                static_cast<uLong>(bytes.size()), 9) != Z_OK)
    return {};
  out.resize(cap);
  return out;
}

void PdfWriter::NewPage(double width, double height) { pages_.push_back({width, height, {}}); }

std::string& PdfWriter::Content() {
  if (pages_.empty()) NewPage();
  return pages_.back().content;
}

double PdfWriter::TextWidth(std::string_view utf8, double size) const {
  double units = 0;
  for (char32_t c : DecodeUtf8(utf8)) units += font_.Advance(font_.GlyphOf(c));
  return units * size / font_.units_per_em();
}

std::string PdfWriter::Glyphs(std::string_view utf8) {
  std::string hex;
  char buf[8];
  for (char32_t c : DecodeUtf8(utf8)) {
    if (c == '\t') c = ' ';
    if (c < 32) continue;
    uint16_t g = font_.GlyphOf(c);
    used_.emplace(g, c);
    std::snprintf(buf, sizeof buf, "%04X", g);
    hex += buf;
  }
  return hex;
}

void PdfWriter::Text(double x, double y, double size, std::string_view utf8, Rgb color) {
  std::string glyphs = Glyphs(utf8);
  Content() += "BT\n" + Color(color, false) + "/F1 " + Num(size) + " Tf\n" + Num(x) + " " + Num(y) + " Td\n<" + glyphs + "> Tj\nET\n";
}

void PdfWriter::Line(double x1, double y1, double x2, double y2, double width, Rgb color) {
  Content() += Color(color, true) + Num(width) + " w\n" + Num(x1) + " " + Num(y1) + " m " + Num(x2) + " " + Num(y2) + " l S\n";
}

void PdfWriter::FillRect(double x, double y, double w, double h, Rgb color) {
  Content() += Color(color, false) + Num(x) + " " + Num(y) + " " + Num(w) + " " + Num(h) + " re f\n";
}

void PdfWriter::StrokeRect(double x, double y, double w, double h, double width, Rgb color) {
  Content() += Color(color, true) + Num(width) + " w\n" + Num(x) + " " + Num(y) + " " + Num(w) + " " + Num(h) + " re S\n";
}

void PdfWriter::Polyline(const std::vector<std::pair<double, double>>& points, double width, Rgb color) {
  if (points.size() < 2) return;
  std::string& c = Content();
  c += Color(color, true) + Num(width) + " w 1 j\n";
  for (size_t i = 0; i < points.size(); ++i) c += Num(points[i].first) + " " + Num(points[i].second) + (i ? " l\n" : " m\n");
  c += "S\n";
}

Result<std::string> PdfWriter::Finish() {
  if (pages_.empty()) return FailedPrecondition("a PDF needs at least one page");
  std::vector<std::string> objects;  // object i+1
  auto add = [&](std::string body) {
    objects.push_back(std::move(body));
    return static_cast<int>(objects.size());
  };
  auto ref = [](int id) { return std::to_string(id) + " 0 R"; };
  auto stream = [](const std::string& dict_extra, const std::string& data, bool compress) {
    std::string bytes = compress ? Deflate(data) : data;
    return "<< /Length " + std::to_string(bytes.size()) + (compress ? " /Filter /FlateDecode" : "") + dict_extra + " >>\nstream\n" + bytes +
           "\nendstream";
  };

  int catalog = add(""), pages = add("");
  // Font program, subset to the glyphs used.
  std::set<uint16_t> glyphs;
  for (const auto& [g, c] : used_) glyphs.insert(g);
  ASSIGN_OR_RETURN(std::string program, font_.Subset(glyphs));
  int font_file = add(stream(" /Length1 " + std::to_string(program.size()), program, true));
  double k = 1000.0 / font_.units_per_em();
  const int* bb = font_.bbox();
  std::string base = "MOEBUS+" + font_.postscript_name();
  int descriptor = add("<< /Type /FontDescriptor /FontName /" + base + " /Flags 4 /FontBBox [" + Num(bb[0] * k) + " " + Num(bb[1] * k) +
                       " " + Num(bb[2] * k) + " " + Num(bb[3] * k) + "] /ItalicAngle 0 /Ascent " + Num(font_.ascent() * k) +
                       " /Descent " + Num(font_.descent() * k) + " /CapHeight " + Num(font_.ascent() * k) +
                       " /StemV 80 /FontFile2 " + ref(font_file) + " >>");
  std::string widths = "[";
  for (uint16_t g : glyphs) widths += std::to_string(g) + " [" + Num(font_.Advance(g) * k) + "] ";
  widths += "]";
  int cidfont = add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /" + base +
                    " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor " + ref(descriptor) +
                    " /DW 1000 /W " + widths + " /CIDToGIDMap /Identity >>");
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
      "/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
      "endcodespacerange\n";
  std::vector<std::pair<uint16_t, char32_t>> maps(used_.begin(), used_.end());
  for (size_t i = 0; i < maps.size(); i += 100) {
    size_t n = std::min<size_t>(100, maps.size() - i);
    cmap += std::to_string(n) + " beginbfchar\n";
    char buf[8];
    for (size_t j = i; j < i + n; ++j) {
      std::snprintf(buf, sizeof buf, "%04X", maps[j].first);
      cmap += std::string("<") + buf + "> <" + Utf16Hex(maps[j].second) + ">\n";
    }
    cmap += "endbfchar\n";
  }
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  int to_unicode = add(stream("", cmap, true));
  int font = add("<< /Type /Font /Subtype /Type0 /BaseFont /" + base + " /Encoding /Identity-H /DescendantFonts [" + ref(cidfont) +
                 "] /ToUnicode " + ref(to_unicode) + " >>");
  std::string kids;
  for (const Page& p : pages_) {
    int content = add(stream("", p.content, true));
    int page = add("<< /Type /Page /Parent " + ref(pages) + " /MediaBox [0 0 " + Num(p.width) + " " + Num(p.height) +
                   "] /Resources << /Font << /F1 " + ref(font) + " >> >> /Contents " + ref(content) + " >>");
    kids += ref(page) + " ";
  }
  objects[pages - 1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages_.size()) + " >>";
  objects[catalog - 1] = "<< /Type /Catalog /Pages " + ref(pages) + " >>";
  int info = add("<< /Producer (Moebius) /Title " + (title_.empty() ? PdfString("Report") : TitleHex(title_)) + " >>");

  std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  char buf[32];
  for (size_t off : offsets) {
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root " + ref(catalog) + " /Info " + ref(info) +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace moebius::report
