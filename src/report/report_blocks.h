// The experiment report as a flat list of blocks — headings, paragraphs, tables, curves, a
// heat map, bar lists — that both renderers draw in order (report_html.cc as HTML with inline
// SVG, report_pdf.cc as PDF text and vector paths), so the two formats always carry the same
// content. Built from the report model (report_model.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/json.h"

namespace moebius::report {

struct Block {
  enum Kind { kHeading, kSubheading, kPara, kTable, kCurve, kHeatmap, kBars };
  Kind kind = kPara;
  std::string text;   // heading / paragraph text; title of a table, curve, heat map or bar list
  std::string style;  // paragraph: "pass", "fail", "muted" or empty; heading: the section key
  // kTable
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  // kCurve: x and y in [0, 1]; `diagonal` draws the chance line y = x
  std::string x_label, y_label;
  std::vector<std::pair<double, double>> points;
  bool diagonal = false;
  // kHeatmap: labels and counts (rows: true, columns: predicted)
  std::vector<std::string> labels;
  std::vector<std::vector<double>> matrix;
  // kBars
  std::vector<std::pair<std::string, double>> bars;
};

std::vector<Block> ReportBlocks(const Json& model);

// The evaluation section's blocks (metrics, per class, confusion, curves, residuals) and the
// slices section's, for one stored evaluation (eval/evaluate_detail.h), in `lang` ("ko" | "en").
std::vector<Block> EvaluationBlocks(const std::string& lang, const Json& evaluation);
std::vector<Block> SliceBlocks(const std::string& lang, const Json& evaluation);

// Numbers as the report prints them: up to 4 significant decimals, "—" for null.
std::string FormatValue(const Json& v);
// Milliseconds since the epoch as "2026-11-26 15:04 UTC"; "—" for null.
std::string FormatTime(const Json& ms);

}  // namespace moebius::report
