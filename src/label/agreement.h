// Agreement between labelers (LBL-5): the statistics for classes (Cohen's kappa, Fleiss' kappa,
// Krippendorff's alpha for nominal data), IoU-matched F1 for boxes, polygons and masks, exact span
// F1 for entities, and exact match and token F1 for QA answers; and the report of a labeling
// project's annotations built on them (per pair, per labeler, per class, and the disagreements).
//
// References the tests compare with: scikit-learn's cohen_kappa_score, statsmodels' fleiss_kappa,
// the `krippendorff` package's alpha (level nominal), the SQuAD v2 evaluation script.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"

namespace moebius::label {

// Cohen's kappa of two raters' category indices over the same units (equal length). nullopt
// when undefined (chance agreement 1: both raters gave one and the same category throughout),
// where scikit-learn answers NaN.
std::optional<double> CohenKappa(const std::vector<int>& a, const std::vector<int>& b);

// Fleiss' kappa from a units x categories table of counts (how many raters put the unit in the
// category). Units with fewer than 2 ratings are skipped; units may have different numbers of
// raters (with the same number everywhere it is statsmodels' fleiss_kappa, method "fleiss").
std::optional<double> FleissKappa(const std::vector<std::vector<int64_t>>& counts);

// Krippendorff's alpha for nominal data from the same table (missing ratings are simply absent).
std::optional<double> KrippendorffAlphaNominal(const std::vector<std::vector<int64_t>>& counts);

// Geometry.
struct Box {
  std::string cls;
  double x = 0, y = 0, w = 0, h = 0;
};
double BoxIoU(const Box& a, const Box& b);
struct Polygon {
  std::string cls;
  std::vector<std::pair<double, double>> points;
};
// IoU of the pixel centres (x + 0.5, y + 0.5) inside each polygon (even-odd rule): the masks the
// polygons rasterize to.
double PolygonIoU(const Polygon& a, const Polygon& b);
struct RleMask {
  std::string cls;
  int64_t height = 0, width = 0;
  std::vector<int64_t> counts;  // COCO uncompressed RLE: runs of 0, 1, 0, ... in column-major order
};
double MaskIoU(const RleMask& a, const RleMask& b);

// Matching of two labelers' objects: pairs of the same class with IoU >= threshold, greedily by
// IoU (highest first). F1 = 2 * matched / (count_a + count_b); 1 when both are empty.
struct MatchCounts {
  int64_t matched = 0, a = 0, b = 0;
  void Add(const MatchCounts& o) {
    matched += o.matched;
    a += o.a;
    b += o.b;
  }
  double F1() const { return a + b == 0 ? 1.0 : 2.0 * static_cast<double>(matched) / static_cast<double>(a + b); }
};
// `iou(i, j)` of a's i-th and b's j-th object; class equality is the caller's (it passes -1).
MatchCounts GreedyMatch(size_t na, size_t nb, double threshold, const std::function<double(size_t, size_t)>& iou);

// SQuAD's answer normalization (lower case, ASCII punctuation and the articles a/an/the removed,
// whitespace collapsed), exact match and token F1.
std::string NormalizeAnswer(const std::string& s);
double AnswerExactMatch(const std::string& a, const std::string& b);
double AnswerTokenF1(const std::string& a, const std::string& b);

// One labeler's annotation of one item.
struct Annotated {
  int64_t item_id = 0;
  std::string path;
  std::string labeler;
  Json annotation;
};

struct AgreementOptions {
  double iou_threshold = 0.5;
  size_t max_disagreements = 200;
};

// The agreement report of a schema's annotations (see docs/design/label.md for its fields):
// items with at least two labelers are compared. "hlp" is the human-level performance the
// evaluations show: {"metric", "value"} (mean pairwise accuracy for classes, F1 for objects and
// spans, token F1 for QA), null when fewer than two labelers annotated one item.
Json AgreementReport(const Json& schema_spec, const std::vector<Annotated>& annotations, const AgreementOptions& options = {});

}  // namespace moebius::label
