#include <algorithm>
#include <cstdio>

#include "report/report_blocks.h"
#include "report/report_render.h"

namespace moebius::report {
namespace {

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string N(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string CurveSvg(const Block& b) {
  const double w = 320, h = 240, l = 40, r = 10, t = 10, bo = 34;
  double pw = w - l - r, ph = h - t - bo;
  auto X = [&](double x) { return l + std::clamp(x, 0.0, 1.0) * pw; };
  auto Y = [&](double y) { return t + (1 - std::clamp(y, 0.0, 1.0)) * ph; };
  std::string s = "<svg class=\"curve\" width=\"" + N(w) + "\" height=\"" + N(h) + "\" viewBox=\"0 0 " + N(w) + " " + N(h) +
                  "\" role=\"img\" aria-label=\"" + Esc(b.text) + "\">";
  s += "<rect x=\"" + N(l) + "\" y=\"" + N(t) + "\" width=\"" + N(pw) + "\" height=\"" + N(ph) + "\" fill=\"#fff\" stroke=\"#999\"/>";
  for (int i = 0; i <= 4; ++i) {
    double v = i / 4.0;
    s += "<line x1=\"" + N(X(v)) + "\" y1=\"" + N(Y(0)) + "\" x2=\"" + N(X(v)) + "\" y2=\"" + N(Y(1)) + "\" stroke=\"#eee\"/>";
    s += "<line x1=\"" + N(X(0)) + "\" y1=\"" + N(Y(v)) + "\" x2=\"" + N(X(1)) + "\" y2=\"" + N(Y(v)) + "\" stroke=\"#eee\"/>";
    s += "<text x=\"" + N(X(v)) + "\" y=\"" + N(h - bo + 14) + "\" font-size=\"10\" text-anchor=\"middle\">" + N(v).substr(0, 4) + "</text>";
    s += "<text x=\"" + N(l - 4) + "\" y=\"" + N(Y(v) + 3) + "\" font-size=\"10\" text-anchor=\"end\">" + N(v).substr(0, 4) + "</text>";
  }
  if (b.diagonal)
    s += "<line x1=\"" + N(X(0)) + "\" y1=\"" + N(Y(0)) + "\" x2=\"" + N(X(1)) + "\" y2=\"" + N(Y(1)) + "\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>";
  s += "<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\" points=\"";
  for (const auto& [x, y] : b.points) s += N(X(x)) + "," + N(Y(y)) + " ";
  s += "\"/>";
  s += "<text x=\"" + N(l + pw / 2) + "\" y=\"" + N(h - 4) + "\" font-size=\"11\" text-anchor=\"middle\">" + Esc(b.x_label) + "</text>";
  s += "<text x=\"12\" y=\"" + N(t + ph / 2) + "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 " + N(t + ph / 2) + ")\">" +
       Esc(b.y_label) + "</text></svg>";
  return s;
}

std::string HeatmapSvg(const Block& b) {
  size_t k = b.labels.size();
  double cell = k <= 6 ? 48 : k <= 12 ? 30 : 16, lw = 80;
  double w = lw + cell * k + 10, h = lw + cell * k + 10;
  double mx = 0;
  for (const auto& r : b.matrix)
    for (double v : r) mx = std::max(mx, v);
  std::string s = "<svg class=\"heatmap\" width=\"" + N(w) + "\" height=\"" + N(h) + "\" role=\"img\" aria-label=\"" + Esc(b.text) + "\">";
  for (size_t i = 0; i < k; ++i) {
    s += "<text x=\"" + N(lw - 4) + "\" y=\"" + N(lw + cell * i + cell / 2 + 4) + "\" font-size=\"11\" text-anchor=\"end\">" + Esc(b.labels[i]) + "</text>";
    s += "<text x=\"" + N(lw + cell * i + cell / 2) + "\" y=\"" + N(lw - 6) + "\" font-size=\"11\" text-anchor=\"middle\">" + Esc(b.labels[i]) + "</text>";
  }
  for (size_t r = 0; r < b.matrix.size(); ++r)
    for (size_t c = 0; c < b.matrix[r].size(); ++c) {
      double v = b.matrix[r][c], a = mx > 0 ? v / mx : 0;
      int shade = static_cast<int>(255 - a * 200);
      s += "<rect x=\"" + N(lw + cell * c) + "\" y=\"" + N(lw + cell * r) + "\" width=\"" + N(cell) + "\" height=\"" + N(cell) +
           "\" fill=\"rgb(" + std::to_string(shade) + "," + std::to_string(shade) + ",255)\" stroke=\"#fff\"/>";
      if (cell >= 24)
        s += "<text x=\"" + N(lw + cell * c + cell / 2) + "\" y=\"" + N(lw + cell * r + cell / 2 + 4) + "\" font-size=\"11\" text-anchor=\"middle\" fill=\"" +
             (a > 0.6 ? "#fff" : "#111") + "\">" + FormatValue(Json(v)) + "</text>";
    }
  return s + "</svg>";
}

std::string Bars(const Block& b) {
  double mx = 0;
  for (const auto& [n, v] : b.bars) mx = std::max(mx, std::abs(v));
  std::string s = "<table class=\"bars\">";
  for (const auto& [n, v] : b.bars) {
    double pct = mx > 0 ? std::abs(v) / mx * 100 : 0;
    s += "<tr><td>" + Esc(n) + "</td><td class=\"barcell\"><span class=\"bar\" style=\"width:" + N(pct) + "%\"></span></td><td class=\"num\">" +
         Esc(FormatValue(Json(v))) + "</td></tr>";
  }
  return s + "</table>";
}

}  // namespace

std::string RenderHtml(const Json& model) {
  return RenderBlocksHtml(model.value("lang", std::string("ko")), model.value("title", std::string("Report")),
                          model["run"].value("name", std::string("")), ReportBlocks(model));
}

std::string RenderBlocksHtml(const std::string& lang, const std::string& title, const std::string& subject, const std::vector<Block>& blocks) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"" + Esc(lang) + "\"><head><meta charset=\"utf-8\"><title>" + Esc(title) + " — " +
                  Esc(subject) + "</title><style>"
                  "body{font-family:'NanumGothic','Noto Sans CJK KR',sans-serif;margin:32px auto;max-width:960px;color:#111;line-height:1.45}"
                  "h1{font-size:26px;border-bottom:2px solid #2563eb;padding-bottom:6px}h2{font-size:19px;margin-top:28px;border-bottom:1px solid #ddd}"
                  "h3{font-size:15px;margin:14px 0 6px}table{border-collapse:collapse;margin:6px 0 12px}"
                  "th,td{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}th{background:#f3f4f6}"
                  "td.num{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#15803d;font-weight:bold}.fail{color:#b91c1c;font-weight:bold}"
                  ".muted{color:#666}.bars td{border:none;padding:2px 6px}.barcell{width:280px}.bar{display:inline-block;height:10px;background:#2563eb}"
                  "figure{display:inline-block;margin:6px 12px 6px 0}figcaption{font-size:13px;font-weight:bold}p.text{white-space:pre-wrap}"
                  "</style></head><body>\n<h1>" + Esc(title) + "</h1>\n";
  bool open = false;
  for (const Block& b : blocks) {
    switch (b.kind) {
      case Block::kHeading: {
        if (open) h += "</section>\n";
        std::string id = b.style;  // the section key
        h += "<section id=\"sec-" + id + "\"><h2>" + Esc(b.text) + "</h2>\n";
        open = true;
        break;
      }
      case Block::kSubheading: h += "<h3>" + Esc(b.text) + "</h3>\n"; break;
      case Block::kPara: h += "<p" + (b.style.empty() ? "" : " class=\"" + b.style + "\"") + ">" + Esc(b.text) + "</p>\n"; break;
      case Block::kTable: {
        if (!b.text.empty()) h += "<h3>" + Esc(b.text) + "</h3>\n";
        h += "<table><thead><tr>";
        for (const auto& c : b.head) h += "<th>" + Esc(c) + "</th>";
        h += "</tr></thead><tbody>\n";
        for (const auto& r : b.rows) {
          h += "<tr>";
          for (const auto& c : r) h += "<td>" + Esc(c) + "</td>";
          h += "</tr>\n";
        }
        h += "</tbody></table>\n";
        break;
      }
      case Block::kCurve: h += "<figure><figcaption>" + Esc(b.text) + "</figcaption>" + CurveSvg(b) + "</figure>\n"; break;
      case Block::kHeatmap: h += "<figure><figcaption>" + Esc(b.text) + "</figcaption>" + HeatmapSvg(b) + "</figure>\n"; break;
      case Block::kBars: h += "<h3>" + Esc(b.text) + "</h3>" + Bars(b) + "\n"; break;
    }
  }
  if (open) h += "</section>\n";
  return h + "</body></html>\n";
}

}  // namespace moebius::report
