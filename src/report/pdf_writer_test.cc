#include "report/pdf_writer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <regex>

#include "report/ttf_font.h"

namespace moebius::report {
namespace {

const TrueTypeFont& Font() {
  static TrueTypeFont* f = [] {
    auto r = TrueTypeFont::Load(MOEBIUS_TEST_FONT);
    if (!r.ok()) return static_cast<TrueTypeFont*>(nullptr);
    return new TrueTypeFont(std::move(*r));
  }();
  if (!f) throw std::runtime_error("test font missing: install fonts-nanum");
  return *f;
}

std::string Inflate(const std::string& z) {
  std::string out(z.size() * 20 + 1024, '\0');
  uLongf n = out.size();
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(z.data()), z.size()) != Z_OK) return {};
  out.resize(n);
  return out;
}

TEST(TrueTypeFont, MapsHangulAndLatin) {
  const auto& f = Font();
  EXPECT_NE(f.GlyphOf(U'한'), 0);
  EXPECT_NE(f.GlyphOf(U'A'), 0);
  EXPECT_NE(f.GlyphOf(U'A'), f.GlyphOf(U'B'));
  EXPECT_EQ(f.GlyphOf(0x10FFFE), 0);
  EXPECT_GT(f.Advance(f.GlyphOf(U'한')), f.Advance(f.GlyphOf(U'i')));
  EXPECT_GT(f.units_per_em(), 0);
}

TEST(TrueTypeFont, RefusesWhatIsNotTrueType) {
  EXPECT_FALSE(TrueTypeFont::FromBytes("not a font at all").ok());
  EXPECT_FALSE(TrueTypeFont::FromBytes(std::string("OTTO") + std::string(100, '\0')).ok());
}

TEST(TrueTypeFont, SubsetKeepsUsedOutlinesAndIsSmall) {
  const auto& f = Font();
  uint16_t g = f.GlyphOf(U'한');
  auto sub = f.Subset({g});
  ASSERT_TRUE(sub.ok()) << sub.status().message();
  EXPECT_LT(sub->size(), 300u * 1024);  // the full NanumGothic is ~4.5 MiB
  auto back = TrueTypeFont::FromBytes(*sub + std::string());
  // A subset has no cmap (PDF CIDFontType2 maps by glyph id), so it does not load as a full font;
  // check the table directory instead: sorted tags including glyf and loca.
  EXPECT_FALSE(back.ok());
  EXPECT_NE(sub->find("glyf"), std::string::npos);
  EXPECT_NE(sub->find("loca"), std::string::npos);
  EXPECT_NE(sub->find("hmtx"), std::string::npos);
  auto bigger = f.Subset({g, f.GlyphOf(U'국'), f.GlyphOf(U'어')});
  ASSERT_TRUE(bigger.ok());
  EXPECT_GT(bigger->size(), sub->size());
}

TEST(PdfWriter, NeedsAPage) {
  PdfWriter w(Font());
  EXPECT_FALSE(w.Finish().ok());
}

TEST(PdfWriter, XrefOffsetsPointAtTheirObjects) {
  PdfWriter w(Font());
  w.SetTitle("모델 실험 결과서");
  w.NewPage();
  w.Text(50, 700, 14, "모델 실험 결과서 accuracy 0.875");
  w.Line(50, 690, 300, 690);
  w.FillRect(50, 600, 40, 40, {0.2, 0.3, 0.9});
  w.Polyline({{50, 500}, {100, 550}, {150, 520}});
  w.NewPage();
  w.Text(50, 700, 10, "두 번째 페이지");
  auto pdf = w.Finish();
  ASSERT_TRUE(pdf.ok());
  const std::string& s = *pdf;
  ASSERT_EQ(s.rfind("%PDF-1.7", 0), 0u);
  ASSERT_EQ(s.substr(s.size() - 6), "%%EOF\n");
  size_t sx = s.rfind("startxref\n");
  ASSERT_NE(sx, std::string::npos);
  size_t xref = std::stoul(s.substr(sx + 10));
  ASSERT_EQ(s.compare(xref, 5, "xref\n"), 0);
  std::smatch m;
  std::string tail = s.substr(xref);
  ASSERT_TRUE(std::regex_search(tail, m, std::regex("xref\n0 (\\d+)\n")));
  int count = std::stoi(m[1]);
  EXPECT_GE(count, 12);  // catalog, pages, font file, descriptor, cid font, cmap, type0, 2×(page, content), info
  size_t at = xref + m[0].length();
  EXPECT_EQ(s.substr(at, 20), "0000000000 65535 f \n");
  for (int i = 1; i < count; ++i) {
    std::string entry = s.substr(at + 20 * i, 20);
    ASSERT_EQ(entry.substr(10), " 00000 n \n") << entry;
    size_t off = std::stoul(entry.substr(0, 10));
    std::string head = std::to_string(i) + " 0 obj\n";
    EXPECT_EQ(s.compare(off, head.size(), head), 0) << "object " << i;
  }
  EXPECT_NE(s.find("/Count 2"), std::string::npos);
  EXPECT_NE(s.find("trailer\n<< /Size " + std::to_string(count)), std::string::npos);
}

TEST(PdfWriter, EmbedsTheFontAsCidType2WithToUnicode) {
  PdfWriter w(Font());
  w.NewPage();
  w.Text(50, 700, 12, "한글 F1");
  auto pdf = w.Finish();
  ASSERT_TRUE(pdf.ok());
  const std::string& s = *pdf;
  EXPECT_NE(s.find("/Subtype /Type0"), std::string::npos);
  EXPECT_NE(s.find("/Encoding /Identity-H"), std::string::npos);
  EXPECT_NE(s.find("/Subtype /CIDFontType2"), std::string::npos);
  EXPECT_NE(s.find("/CIDToGIDMap /Identity"), std::string::npos);
  EXPECT_NE(s.find("/FontFile2"), std::string::npos);
  EXPECT_NE(s.find("/ToUnicode"), std::string::npos);
  EXPECT_LT(s.size(), 200u * 1024);
  // The ToUnicode CMap maps the glyph of 한 back to U+D55C.
  char gid[8];
  std::snprintf(gid, sizeof gid, "%04X", Font().GlyphOf(U'한'));
  bool found = false;
  for (size_t p = s.find("stream\n"); p != std::string::npos; p = s.find("stream\n", p + 1)) {
    size_t end = s.find("\nendstream", p);
    std::string data = Inflate(s.substr(p + 7, end - p - 7));
    if (data.find("beginbfchar") != std::string::npos) found = data.find(std::string("<") + gid + "> <D55C>") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

TEST(PdfWriter, TextWidthGrowsWithText) {
  PdfWriter w(Font());
  EXPECT_GT(w.TextWidth("accuracy", 10), w.TextWidth("acc", 10));
  EXPECT_NEAR(w.TextWidth("한", 20), 2 * w.TextWidth("한", 10), 1e-9);
  EXPECT_EQ(DecodeUtf8("a한").size(), 2u);
  EXPECT_EQ(DecodeUtf8("\xff")[0], U'\uFFFD');
}

}  // namespace
}  // namespace moebius::report
