#include "eval/common.h"

#include <algorithm>
#include <cmath>

namespace moebius::eval {

const char* AverageName(Average a) {
  switch (a) {
    case Average::kBinary: return "binary";
    case Average::kMicro: return "micro";
    case Average::kMacro: return "macro";
    case Average::kWeighted: return "weighted";
  }
  return "?";
}

namespace internal {

Status CheckNonEmpty(size_t n, const char* what) {
  if (n == 0) return InvalidArgument(std::string(what) + " is empty");
  return Status::Ok();
}

Status CheckSameLength(size_t a, size_t b, const char* what_a, const char* what_b) {
  if (a != b) {
    return InvalidArgument(std::string(what_a) + " and " + what_b + " differ in length (" + std::to_string(a) +
                           " vs " + std::to_string(b) + ")");
  }
  return Status::Ok();
}

Status CheckFinite(std::span<const double> x, const char* what) {
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      return InvalidArgument(std::string(what) + "[" + std::to_string(i) + "] is " +
                             (std::isnan(x[i]) ? "NaN" : "infinite"));
    }
  }
  return Status::Ok();
}

Status CheckProbabilities(std::span<const double> x, const char* what) {
  RETURN_IF_ERROR(CheckFinite(x, what));
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] < 0 || x[i] > 1) {
      return InvalidArgument(std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(x[i]) +
                             " is not a probability in [0, 1]");
    }
  }
  return Status::Ok();
}

Status CheckScoreMatrix(const ScoreMatrix& m, size_t n_rows, bool probabilities, const char* what) {
  const std::string w(what);
  if (m.classes.size() < 2) return InvalidArgument(w + " needs at least two classes (columns)");
  for (size_t c = 1; c < m.classes.size(); ++c) {
    if (m.classes[c] <= m.classes[c - 1]) return InvalidArgument(w + ".classes must be distinct and ascending");
  }
  if (m.values.size() != n_rows * m.classes.size()) {
    return InvalidArgument(w + " has " + std::to_string(m.values.size()) + " values; expected " +
                           std::to_string(n_rows) + " rows x " + std::to_string(m.classes.size()) + " classes");
  }
  if (probabilities) {
    RETURN_IF_ERROR(CheckProbabilities(m.values, what));
    for (size_t i = 0; i < n_rows; ++i) {
      double s = 0;
      for (size_t c = 0; c < m.cols(); ++c) s += m.at(i, c);
      if (!(std::fabs(s - 1.0) <= 1e-8 + 1e-5 * std::fabs(s))) {
        return InvalidArgument(w + " row " + std::to_string(i) + " sums to " + std::to_string(s) +
                               ", not 1: probabilities over the classes must sum to 1");
      }
    }
  } else {
    RETURN_IF_ERROR(CheckFinite(m.values, what));
  }
  return Status::Ok();
}

std::vector<Label> UniqueLabels(std::span<const Label> a, std::span<const Label> b) {
  std::vector<Label> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int64_t IndexOf(std::span<const Label> labels, Label label) {
  auto it = std::lower_bound(labels.begin(), labels.end(), label);
  if (it == labels.end() || *it != label) return -1;
  return it - labels.begin();
}

double Sum(std::span<const double> x) {
  double s = 0, c = 0;
  for (double v : x) {
    double t = s + v;
    if (std::fabs(s) >= std::fabs(v)) {
      c += (s - t) + v;
    } else {
      c += (v - t) + s;
    }
    s = t;
  }
  return s + c;
}

double Mean(std::span<const double> x) { return Sum(x) / static_cast<double>(x.size()); }

std::string LabelList(std::span<const Label> labels) {
  std::string s = "[";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) s += ", ";
    if (i == 8 && labels.size() > 10) {
      s += "... " + std::to_string(labels.size() - 8) + " more";
      break;
    }
    s += std::to_string(labels[i]);
  }
  return s + "]";
}

}  // namespace internal
}  // namespace moebius::eval
