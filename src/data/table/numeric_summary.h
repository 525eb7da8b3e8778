// The summary of one numeric column for ComputeStats (column_stats.h): count, missing, mean,
// std, min, quartiles, max and the histogram, equal to pandas' describe() and numpy.histogram.
// Internal.
//
// Three passes over the values, each a single loop without calls:
//   1. count, compensated sum, min, max;
//   2. compensated sum of squared deviations from the mean (two-pass variance, as pandas),
//      the histogram, and counts in 4096 fine equal-width bins over [min, max];
//   3. only the values of the fine bins that hold a wanted order statistic are gathered and
//      selected (nth_element on a few hundred values instead of a column copy).
// Passes 1 and 2 run two independent accumulator lanes (even and odd rows) so that the
// floating-point add latency and the histogram's store-to-load chains overlap; the lanes are
// merged exactly at the end (the sums are error-free transformations, see CompensatedSum).
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <vector>

#include "data/table/column_stats.h"

namespace moebius::data::internal {

// An error-compensated sum: each addition's exact rounding error (Knuth's branch-free TwoSum)
// is accumulated beside the sum, as accurate as Neumaier's variant without its data-dependent
// branch.
struct CompensatedSum {
  double s = 0, c = 0;
  void Add(double x) {
    double t = s + x;
    double bp = t - s;
    c += (s - (t - bp)) + (x - bp);
    s = t;
  }
  void Merge(const CompensatedSum& o) {
    Add(o.s);
    c += o.c;
  }
  double Get() const { return s + c; }
};

// numpy's _lerp: exact at both ends and monotone.
inline double Lerp(double a, double b, double t) {
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// Fills count, missing, mean, std, min, q25, q50, q75, max and histogram (`bins` equal-width
// bins, the last closed; absent when a value is infinite) of `st` from the column's values
// (NaN missing). With no values the numbers are NaN and there is no histogram.
void SummarizeNumeric(const std::vector<double>& values, int bins, ColumnStats* st);

}  // namespace moebius::data::internal
