#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "report/pdf_writer.h"
#include "report/report_blocks.h"
#include "report/report_render.h"

namespace moebius::report {
namespace {

constexpr double kMargin = 50, kWidth = PdfWriter::kA4Width - 2 * kMargin;
const Rgb kBlack{0, 0, 0}, kGray{0.45, 0.45, 0.45}, kLight{0.85, 0.85, 0.85}, kBlue{0.15, 0.39, 0.92}, kGreen{0.08, 0.5, 0.24},
    kRed{0.73, 0.11, 0.11}, kHead{0.95, 0.96, 0.97};

class Layout {
 public:
  explicit Layout(PdfWriter& pdf) : pdf_(pdf) { Page(); }

  // Lines of `text` that fit `width` at `size`: breaks at spaces, or anywhere in a long word
  // (Korean and identifiers have no spaces to break at).
  std::vector<std::string> Wrap(const std::string& text, double size, double width) const {
    std::vector<std::string> lines;
    std::string line;
    auto cps = DecodeUtf8(text);
    std::string word;
    auto flush_word = [&]() {
      if (word.empty()) return;
      std::string candidate = line.empty() ? word : line + " " + word;
      if (pdf_.TextWidth(candidate, size) <= width) {
        line = candidate;
      } else {
        if (!line.empty()) lines.push_back(line), line.clear();
        // break the word itself by characters
        std::string piece;
        for (char32_t c : DecodeUtf8(word)) {
          std::string ch = Encode(c);
          if (!piece.empty() && pdf_.TextWidth(piece + ch, size) > width) lines.push_back(piece), piece.clear();
          piece += ch;
        }
        line = piece;
      }
      word.clear();
    };
    for (char32_t c : cps) {
      if (c == '\n') {
        flush_word();
        lines.push_back(line);
        line.clear();
      } else if (c == ' ') {
        flush_word();
      } else {
        word += Encode(c);
      }
    }
    flush_word();
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
  }

  static std::string Encode(char32_t c) {
    std::string o;
    if (c < 0x80) o += static_cast<char>(c);
    else if (c < 0x800) o += static_cast<char>(0xC0 | (c >> 6)), o += static_cast<char>(0x80 | (c & 0x3F));
    else if (c < 0x10000)
      o += static_cast<char>(0xE0 | (c >> 12)), o += static_cast<char>(0x80 | ((c >> 6) & 0x3F)), o += static_cast<char>(0x80 | (c & 0x3F));
    else
      o += static_cast<char>(0xF0 | (c >> 18)), o += static_cast<char>(0x80 | ((c >> 12) & 0x3F)), o += static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
          o += static_cast<char>(0x80 | (c & 0x3F));
    return o;
  }

  void Page() {
    pdf_.NewPage();
    y_ = PdfWriter::kA4Height - kMargin;
    std::string num = std::to_string(pdf_.page_count());
    pdf_.Text(PdfWriter::kA4Width / 2 - pdf_.TextWidth(num, 8) / 2, 25, 8, num, kGray);
    right_slot_ = false;
  }
  void Ensure(double h) {
    if (y_ - h < kMargin) Page();
  }

  void Title(const std::string& t, const std::string& sub) {
    y_ -= 22;
    pdf_.Text(kMargin, y_, 20, t, kBlack);
    y_ -= 16;
    pdf_.Text(kMargin, y_, 10, sub, kGray);
    y_ -= 8;
    pdf_.Line(kMargin, y_, kMargin + kWidth, y_, 1.5, kBlue);
    y_ -= 6;
  }

  void Heading(const std::string& t) {
    right_slot_ = false;
    Ensure(60);
    y_ -= 22;
    pdf_.Text(kMargin, y_, 14, t, kBlack);
    y_ -= 5;
    pdf_.Line(kMargin, y_, kMargin + kWidth, y_, 0.5, kLight);
    y_ -= 6;
  }

  void Sub(const std::string& t) {
    right_slot_ = false;
    Ensure(30);
    y_ -= 15;
    pdf_.Text(kMargin, y_, 11, t, kBlack);
    y_ -= 4;
  }

  void Para(const std::string& t, const std::string& style) {
    right_slot_ = false;
    Rgb c = style == "pass" ? kGreen : style == "fail" ? kRed : style == "muted" ? kGray : kBlack;
    for (const auto& line : Wrap(t, 10, kWidth)) {
      Ensure(14);
      y_ -= 14;
      pdf_.Text(kMargin, y_, 10, line, c);
    }
    y_ -= 4;
  }

  void Table(const Block& b) {
    right_slot_ = false;
    if (!b.text.empty()) Sub(b.text);
    const double size = 8.5, pad = 3, lh = 11;
    size_t cols = b.head.size();
    if (cols == 0) return;
    std::vector<double> natural(cols, 20);
    auto widen = [&](const std::vector<std::string>& row) {
      for (size_t i = 0; i < cols && i < row.size(); ++i) natural[i] = std::max(natural[i], std::min(260.0, pdf_.TextWidth(row[i], size) + 2 * pad));
    };
    widen(b.head);
    for (const auto& r : b.rows) widen(r);
    double total = 0;
    for (double w : natural) total += w;
    std::vector<double> width = natural;
    if (total > kWidth)
      for (double& w : width) w = w / total * kWidth;
    auto row_out = [&](const std::vector<std::string>& row, bool head) {
      std::vector<std::vector<std::string>> cells;
      size_t lines = 1;
      for (size_t i = 0; i < cols; ++i) {
        auto w = Wrap(i < row.size() ? row[i] : "", size, width[i] - 2 * pad);
        if (w.size() > 8) w.resize(8), w.back() += " …";
        lines = std::max(lines, w.size());
        cells.push_back(std::move(w));
      }
      double h = lines * lh + 2 * pad;
      Ensure(h);
      double x = kMargin;
      if (head) pdf_.FillRect(kMargin, y_ - h, std::min(total, kWidth), h, kHead);
      for (size_t i = 0; i < cols; ++i) {
        for (size_t l = 0; l < cells[i].size(); ++l) pdf_.Text(x + pad, y_ - pad - (l + 1) * lh + 2.5, size, cells[i][l], kBlack);
        x += width[i];
      }
      y_ -= h;
      pdf_.Line(kMargin, y_, kMargin + std::min(total, kWidth), y_, 0.4, kLight);
    };
    Ensure(lh * 3);
    pdf_.Line(kMargin, y_, kMargin + std::min(total, kWidth), y_, 0.4, kLight);
    row_out(b.head, true);
    for (const auto& r : b.rows) row_out(r, false);
    y_ -= 8;
  }

  void Curve(const Block& b) {
    const double w = 230, h = 190, l = 32, bo = 28, t = 18;
    double x0;
    if (right_slot_) {
      x0 = kMargin + 255;
      y_ = slot_top_;
      right_slot_ = false;
    } else {
      Ensure(h + 10);
      x0 = kMargin;
      slot_top_ = y_;
      right_slot_ = true;
    }
    double top = y_;
    pdf_.Text(x0, top - 12, 10, b.text, kBlack);
    double px = x0 + l, py = top - h + bo, pw = w - l - 8, ph = h - bo - t;
    auto X = [&](double v) { return px + std::clamp(v, 0.0, 1.0) * pw; };
    auto Y = [&](double v) { return py + std::clamp(v, 0.0, 1.0) * ph; };
    for (int i = 0; i <= 4; ++i) {
      double v = i / 4.0;
      pdf_.Line(X(v), Y(0), X(v), Y(1), 0.3, kLight);
      pdf_.Line(X(0), Y(v), X(1), Y(v), 0.3, kLight);
      std::string s = FormatValue(Json(v));
      pdf_.Text(X(v) - pdf_.TextWidth(s, 7) / 2, py - 10, 7, s, kGray);
      pdf_.Text(px - 4 - pdf_.TextWidth(s, 7), Y(v) - 2.5, 7, s, kGray);
    }
    pdf_.StrokeRect(px, py, pw, ph, 0.6, kGray);
    if (b.diagonal) pdf_.Line(X(0), Y(0), X(1), Y(1), 0.5, kLight);
    std::vector<std::pair<double, double>> pts;
    for (const auto& [x, y] : b.points) pts.push_back({X(x), Y(y)});
    pdf_.Polyline(pts, 1.4, kBlue);
    pdf_.Text(px + pw / 2 - pdf_.TextWidth(b.x_label, 8) / 2, py - 21, 8, b.x_label, kBlack);
    pdf_.Text(x0, top - 24, 8, b.y_label, kBlack);
    y_ = top - h - 6;
  }

  void Heatmap(const Block& b) {
    right_slot_ = false;
    size_t k = b.labels.size();
    double cell = k <= 6 ? 40 : k <= 12 ? 26 : std::max(8.0, 300.0 / k), lw = 70;
    double h = 20 + 16 + cell * k + 8;
    Ensure(std::min(h, PdfWriter::kA4Height - 2 * kMargin));
    y_ -= 14;
    pdf_.Text(kMargin, y_, 10, b.text, kBlack);
    y_ -= 16;
    double mx = 0;
    for (const auto& r : b.matrix)
      for (double v : r) mx = std::max(mx, v);
    double fs = std::min(8.0, cell * 0.35);
    for (size_t i = 0; i < k; ++i) {
      std::string lab = b.labels[i];
      pdf_.Text(kMargin + lw + cell * i + cell / 2 - pdf_.TextWidth(lab, fs) / 2, y_ - 2, fs, lab, kBlack);
    }
    y_ -= 6;
    for (size_t r = 0; r < b.matrix.size(); ++r) {
      Ensure(cell);
      pdf_.Text(kMargin + lw - 4 - pdf_.TextWidth(b.labels[r], fs), y_ - cell / 2 - fs / 3, fs, b.labels[r], kBlack);
      for (size_t c = 0; c < b.matrix[r].size(); ++c) {
        double v = b.matrix[r][c], a = mx > 0 ? v / mx : 0;
        double shade = 1 - a * 0.78;
        pdf_.FillRect(kMargin + lw + cell * c, y_ - cell, cell, cell, Rgb{shade, shade, 1});
        pdf_.StrokeRect(kMargin + lw + cell * c, y_ - cell, cell, cell, 0.5, Rgb{1, 1, 1});
        if (cell >= 20) {
          std::string s = FormatValue(Json(v));
          pdf_.Text(kMargin + lw + cell * c + cell / 2 - pdf_.TextWidth(s, fs) / 2, y_ - cell / 2 - fs / 3, fs, s, a > 0.6 ? Rgb{1, 1, 1} : kBlack);
        }
      }
      y_ -= cell;
    }
    y_ -= 10;
  }

  void Bars(const Block& b) {
    right_slot_ = false;
    Sub(b.text);
    double mx = 0;
    for (const auto& [n, v] : b.bars) mx = std::max(mx, std::abs(v));
    for (const auto& [n, v] : b.bars) {
      Ensure(13);
      y_ -= 13;
      std::string name = Wrap(n, 8.5, 170).front();
      pdf_.Text(kMargin, y_ + 2, 8.5, name, kBlack);
      double len = mx > 0 ? std::abs(v) / mx * 230 : 0;
      pdf_.FillRect(kMargin + 180, y_ + 1, std::max(len, 0.5), 8, kBlue);
      pdf_.Text(kMargin + 420, y_ + 2, 8.5, FormatValue(Json(v)), kBlack);
    }
    y_ -= 8;
  }

 private:
  PdfWriter& pdf_;
  double y_ = 0;
  bool right_slot_ = false;
  double slot_top_ = 0;
};

}  // namespace

Result<std::string> RenderPdf(const Json& model, const TrueTypeFont& font) {
  std::string title = model.value("title", std::string("Report"));
  std::string run = model["run"].value("name", std::string(""));
  return RenderBlocksPdf(title, run, model["project"].value("name", std::string("")) + " · " + run + " · " + FormatTime(model["generated_at"]),
                         ReportBlocks(model), font);
}

Result<std::string> RenderBlocksPdf(const std::string& title, const std::string& subject, const std::string& subtitle,
                                    const std::vector<Block>& blocks, const TrueTypeFont& font) {
  PdfWriter pdf(font);
  pdf.SetTitle(title + " — " + subject);
  Layout lay(pdf);
  lay.Title(title, subtitle);
  for (const Block& b : blocks) {
    switch (b.kind) {
      case Block::kHeading: lay.Heading(b.text); break;
      case Block::kSubheading: lay.Sub(b.text); break;
      case Block::kPara: lay.Para(b.text, b.style); break;
      case Block::kTable: lay.Table(b); break;
      case Block::kCurve: lay.Curve(b); break;
      case Block::kHeatmap: lay.Heatmap(b); break;
      case Block::kBars: lay.Bars(b); break;
    }
  }
  return pdf.Finish();
}

Result<std::shared_ptr<const TrueTypeFont>> ReportFont() {
  static std::mutex mu;
  static std::shared_ptr<const TrueTypeFont> cached;
  std::lock_guard<std::mutex> lock(mu);
  if (cached) return cached;
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("MOEBIUS_REPORT_FONT"); env && *env) candidates.push_back(env);
  for (const char* p : {"/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
                        "/usr/share/fonts/truetype/nanum/NanumSquareR.ttf", "/usr/local/share/fonts/NanumGothic.ttf"})
    candidates.push_back(p);
  std::string tried;
  for (const auto& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    auto font = TrueTypeFont::Load(path);
    if (!font.ok()) {
      tried += (tried.empty() ? "" : ", ") + path + " (" + font.status().message() + ")";
      continue;
    }
    if (font->GlyphOf(U'한') == 0) {
      tried += (tried.empty() ? "" : ", ") + path + " (no Hangul)";
      continue;
    }
    cached = std::make_shared<const TrueTypeFont>(std::move(*font));
    return cached;
  }
  return Unavailable("font not installed: PDF reports need a TrueType font with Korean glyphs (Debian package fonts-nanum); tried " + tried);
}

}  // namespace moebius::report
