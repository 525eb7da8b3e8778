// Column statistics for exploratory data analysis (FE-1): per-column summaries, the Pearson
// correlation matrix and the balance of a label column, as JSON-ready structs.
//
// The numbers follow pandas so that a user comparing with a notebook sees the same values:
// `std` is the sample standard deviation (ddof=1), quantiles use linear interpolation between
// order statistics (numpy's default), correlations are pairwise-complete (each pair uses the
// rows where both values are present), as in `DataFrame.describe()` and `DataFrame.corr()`.
// Histograms have equal-width bins from min to max, the last bin closed (numpy.histogram).
//
// Bool columns count as numeric (true = 1) and also get categories; string columns get the
// number of distinct values and the most frequent ones.
//
// Thread safety: ComputeStats reads the table only and may run alongside other readers; it uses
// up to `threads` threads of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "data/table/table.h"

namespace moebius::data {

struct StatsOptions {
  int histogram_bins = 10;  // 1..10000
  int top_k = 10;           // categories listed per string or bool column, 1..10000
  bool correlations = true;
  std::string label;        // label column for class balance; empty: none
  size_t max_label_classes = 1000;
  int threads = 0;          // 0: the machine's cores
};

struct CategoryCount {
  std::string value;
  uint64_t count = 0;
};

struct Histogram {
  std::vector<double> edges;    // bins + 1 ascending edges
  std::vector<uint64_t> counts;  // bins
};

// Undefined numbers (mean of no values, std of one) are NaN and become JSON null.
struct ColumnStats {
  std::string name;
  ColumnType type = ColumnType::kFloat;
  uint64_t count = 0;    // values present
  uint64_t missing = 0;
  // Int, float and bool columns.
  double mean = 0, std = 0, min = 0, q25 = 0, q50 = 0, q75 = 0, max = 0;
  std::optional<Histogram> histogram;  // absent with no values or an infinite one
  // String and bool columns.
  uint64_t unique = 0;
  std::vector<CategoryCount> top;  // by count descending, then value ascending
};

struct Correlations {
  std::vector<std::string> columns;        // the numeric columns, in table order
  std::vector<std::vector<double>> matrix;  // NaN where fewer than 2 pairs or a constant side
};

struct LabelBalance {
  std::string column;
  uint64_t count = 0;  // rows with a label
  uint64_t missing = 0;
  std::vector<CategoryCount> classes;  // every class, by count descending, then value ascending
  double minority_share = 0;           // smallest class / count; NaN with no labels
  double majority_share = 0;
  double imbalance_ratio = 0;          // largest class / smallest class
};

struct TableStats {
  uint64_t rows = 0;
  std::vector<ColumnStats> columns;
  std::optional<Correlations> correlations;
  std::optional<LabelBalance> label;
};

// kInvalidArgument for options out of range, an unknown label column, or a label column with
// more than max_label_classes distinct values.
Result<TableStats> ComputeStats(const Table& table, const StatsOptions& options = {});

// Counts of each distinct value of a column (as Column::Text), missing values left out, sorted
// by count descending, then value ascending.
std::vector<CategoryCount> CountValues(const Column& column);

// Linear-interpolation quantile of ascending probability `p` in [0, 1] over `values` (reordered
// in place; NaN-free, non-empty), numpy.percentile's default.
double Quantile(std::vector<double>& values, double p);

// JSON with NaN as null and infinities as the strings "inf" and "-inf".
Json ToJson(const TableStats& stats);
Json ToJson(const ColumnStats& stats);

}  // namespace moebius::data
