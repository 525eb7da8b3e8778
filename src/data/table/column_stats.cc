#include "data/table/column_stats.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>
#include <unordered_map>

#include "data/table/numeric_summary.h"

namespace moebius::data {
namespace {

using internal::Lerp;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kBlockRows = 2048;

// Fills the quantiles of `x` (reordered) for ascending probabilities.
void Quantiles(std::vector<double>& x, const double* probs, size_t np, double* out) {
  const size_t n = x.size();
  size_t from = 0;  // x[0..from) is final for the positions asked so far
  for (size_t i = 0; i < np; ++i) {
    double h = static_cast<double>(n - 1) * probs[i];
    size_t lo = static_cast<size_t>(std::floor(h));
    if (lo >= n) lo = n - 1;
    double frac = h - static_cast<double>(lo);
    if (lo >= from) {
      std::nth_element(x.begin() + static_cast<ptrdiff_t>(from), x.begin() + static_cast<ptrdiff_t>(lo), x.end());
      from = lo + 1;
    }
    double a = x[lo];
    if (frac > 0 && lo + 1 < n) {
      if (lo + 1 >= from) {
        auto it = std::min_element(x.begin() + static_cast<ptrdiff_t>(lo + 1), x.end());
        std::iter_swap(x.begin() + static_cast<ptrdiff_t>(lo + 1), it);
        from = lo + 2;
      }
      out[i] = Lerp(a, x[lo + 1], frac);
    } else {
      out[i] = a;
    }
  }
}

std::vector<CategoryCount> SortedCounts(std::unordered_map<std::string, uint64_t>&& counts) {
  std::vector<CategoryCount> out;
  out.reserve(counts.size());
  for (auto& [k, v] : counts) out.push_back({k, v});
  std::sort(out.begin(), out.end(), [](const CategoryCount& a, const CategoryCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  return out;
}

ColumnStats StatsOf(const Column& col, const StatsOptions& o) {
  ColumnStats st;
  st.name = col.name;
  st.type = col.type;
  if (IsNumeric(col.type)) internal::SummarizeNumeric(col.numbers, o.histogram_bins, &st);
  if (col.type == ColumnType::kString || col.type == ColumnType::kBool) {
    std::vector<CategoryCount> all = CountValues(col);
    uint64_t present = 0;
    for (const auto& c : all) present += c.count;
    st.count = present;
    st.missing = col.size() - present;
    st.unique = all.size();
    if (all.size() > static_cast<size_t>(o.top_k)) all.resize(static_cast<size_t>(o.top_k));
    st.top = std::move(all);
  }
  return st;
}

// Runs fn(i) for i in [0, n) on up to `threads` threads.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn fn) {
  size_t t = std::min<size_t>(n, static_cast<size_t>(std::max(1, threads)));
  if (t <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t k = 0; k < t; ++k) {
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

// Neumaier's compensated sum. Kept for the pairwise correlations: there the running sums
// quickly dwarf each term, so its branch is predictable and it is cheaper than TwoSum.
struct Sum {
  double s = 0, c = 0;
  void Add(double x) {
    double t = s + x;
    c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  double Get() const { return s + c; }
};

// Pearson's r of two columns over the rows where both are present (pandas' nancorr).
double PairwiseR(const std::vector<double>& x, const std::vector<double>& y) {
  Sum sx, sy;
  size_t n = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != x[i] || y[i] != y[i]) continue;
    sx.Add(x[i]);
    sy.Add(y[i]);
    ++n;
  }
  if (n < 2) return kNaN;
  double mx = sx.Get() / static_cast<double>(n), my = sy.Get() / static_cast<double>(n);
  Sum sxx, syy, sxy;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != x[i] || y[i] != y[i]) continue;
    double dx = x[i] - mx, dy = y[i] - my;
    sxx.Add(dx * dx);
    syy.Add(dy * dy);
    sxy.Add(dx * dy);
  }
  double d = std::sqrt(sxx.Get() * syy.Get());
  return d != 0 ? sxy.Get() / d : kNaN;
}

Correlations ComputeCorrelations(const Table& table, const std::vector<ColumnStats>& stats, int threads) {
  Correlations out;
  std::vector<size_t> idx;
  for (size_t i = 0; i < table.num_columns(); ++i) {
    if (IsNumeric(table.columns()[i].type)) idx.push_back(i);
  }
  const size_t k = idx.size();
  const size_t rows = table.num_rows();
  for (size_t i : idx) out.columns.push_back(table.columns()[i].name);
  out.matrix.assign(k, std::vector<double>(k, kNaN));
  // Columns without missing or infinite values: one blocked pass computes every cross product
  // of centred values (X^T X), the rest go pair by pair.
  std::vector<size_t> dense;  // positions in idx
  for (size_t a = 0; a < k; ++a) {
    const ColumnStats& s = stats[idx[a]];
    if (s.missing == 0 && rows > 1 && std::isfinite(s.min) && std::isfinite(s.max)) dense.push_back(a);
  }
  const size_t d = dense.size();
  if (d > 0) {
    size_t nblocks = (rows + kBlockRows - 1) / kBlockRows;
    int t = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(1, threads)), nblocks));
    std::vector<std::vector<double>> partial(static_cast<size_t>(t), std::vector<double>(d * d, 0.0));
    std::atomic<size_t> next{0};
    ParallelFor(static_cast<size_t>(t), t, [&](size_t worker) {
      std::vector<double> block(d * kBlockRows);
      std::vector<double>& acc = partial[worker];
      for (size_t b; (b = next.fetch_add(1)) < nblocks;) {
        size_t r0 = b * kBlockRows, r1 = std::min(rows, r0 + kBlockRows), m = r1 - r0;
        for (size_t j = 0; j < d; ++j) {
          const double* src = table.columns()[idx[dense[j]]].numbers.data() + r0;
          const double mean = stats[idx[dense[j]]].mean;
          double* dst = block.data() + j * kBlockRows;
          for (size_t r = 0; r < m; ++r) dst[r] = src[r] - mean;
        }
        for (size_t a = 0; a < d; ++a) {
          const double* xa = block.data() + a * kBlockRows;
          for (size_t c = 0; c <= a; ++c) {
            const double* xc = block.data() + c * kBlockRows;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            size_t r = 0;
            for (; r + 4 <= m; r += 4) {
              s0 += xa[r] * xc[r];
              s1 += xa[r + 1] * xc[r + 1];
              s2 += xa[r + 2] * xc[r + 2];
              s3 += xa[r + 3] * xc[r + 3];
            }
            for (; r < m; ++r) s0 += xa[r] * xc[r];
            acc[a * d + c] += (s0 + s1) + (s2 + s3);
          }
        }
      }
    });
    std::vector<double> cross(d * d, 0.0);
    for (const auto& p : partial) {
      for (size_t i = 0; i < d * d; ++i) cross[i] += p[i];
    }
    for (size_t a = 0; a < d; ++a) {
      for (size_t c = 0; c <= a; ++c) {
        double den = std::sqrt(cross[a * d + a] * cross[c * d + c]);
        double r = den != 0 ? cross[a * d + c] / den : kNaN;
        if (a == c && den != 0) r = 1.0;
        out.matrix[dense[a]][dense[c]] = out.matrix[dense[c]][dense[a]] = r;
      }
    }
  }
  std::vector<bool> is_dense(k, false);
  for (size_t a : dense) is_dense[a] = true;
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t a = 0; a < k; ++a) {
    for (size_t c = 0; c <= a; ++c) {
      if (!is_dense[a] || !is_dense[c]) pairs.emplace_back(a, c);
    }
  }
  ParallelFor(pairs.size(), threads, [&](size_t i) {
    auto [a, c] = pairs[i];
    double r = PairwiseR(table.columns()[idx[a]].numbers, table.columns()[idx[c]].numbers);
    if (a == c && r == r) r = 1.0;
    out.matrix[a][c] = out.matrix[c][a] = r;
  });
  return out;
}

Json Number(double v) {
  if (std::isnan(v)) return nullptr;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

Json CountsJson(const std::vector<CategoryCount>& counts) {
  Json arr = Json::array();
  for (const auto& c : counts) arr.push_back({{"value", c.value}, {"count", c.count}});
  return arr;
}

}  // namespace

double Quantile(std::vector<double>& values, double p) {
  double out;
  Quantiles(values, &p, 1, &out);
  return out;
}

std::vector<CategoryCount> CountValues(const Column& column) {
  std::unordered_map<std::string, uint64_t> counts;
  if (column.type == ColumnType::kString) {
    for (const auto& s : column.strings) {
      if (s) ++counts[*s];
    }
  } else {
    std::unordered_map<double, uint64_t> by_number;
    for (double x : column.numbers) {
      if (x == x) ++by_number[x];
    }
    for (auto [x, n] : by_number) {
      std::string text = column.type == ColumnType::kBool ? (x != 0 ? "true" : "false") : FormatNumber(x);
      counts[text] += n;
    }
  }
  return SortedCounts(std::move(counts));
}

Result<TableStats> ComputeStats(const Table& table, const StatsOptions& options) {
  if (options.histogram_bins < 1 || options.histogram_bins > 10000) {
    return InvalidArgument("histogram_bins must be between 1 and 10000");
  }
  if (options.top_k < 1 || options.top_k > 10000) return InvalidArgument("top_k must be between 1 and 10000");
  if (options.threads < 0) return InvalidArgument("threads must not be negative");
  const Column* label = nullptr;
  if (!options.label.empty()) {
    label = table.Find(options.label);
    if (label == nullptr) return InvalidArgument("label column '" + options.label + "' is not in the table");
  }
  int threads = options.threads;
  if (threads == 0) threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));

  TableStats out;
  out.rows = table.num_rows();
  out.columns.resize(table.num_columns());
  ParallelFor(table.num_columns(), threads,
              [&](size_t i) { out.columns[i] = StatsOf(table.columns()[i], options); });
  if (options.correlations) out.correlations = ComputeCorrelations(table, out.columns, threads);
  if (label != nullptr) {
    LabelBalance lb;
    lb.column = label->name;
    lb.classes = CountValues(*label);
    if (lb.classes.size() > options.max_label_classes) {
      return InvalidArgument("label column '" + label->name + "' has " + std::to_string(lb.classes.size()) +
                             " distinct values; at most " + std::to_string(options.max_label_classes) +
                             " classes are supported");
    }
    for (const auto& c : lb.classes) lb.count += c.count;
    lb.missing = label->size() - lb.count;
    if (lb.count == 0) {
      lb.minority_share = lb.majority_share = lb.imbalance_ratio = kNaN;
    } else {
      double hi = static_cast<double>(lb.classes.front().count), lo = static_cast<double>(lb.classes.back().count);
      lb.majority_share = hi / static_cast<double>(lb.count);
      lb.minority_share = lo / static_cast<double>(lb.count);
      lb.imbalance_ratio = hi / lo;
    }
    out.label = std::move(lb);
  }
  return out;
}

Json ToJson(const ColumnStats& s) {
  Json j = {{"name", s.name}, {"type", ColumnTypeName(s.type)}, {"count", s.count}, {"missing", s.missing}};
  if (IsNumeric(s.type)) {
    j["mean"] = Number(s.mean);
    j["std"] = Number(s.std);
    j["min"] = Number(s.min);
    j["q25"] = Number(s.q25);
    j["q50"] = Number(s.q50);
    j["q75"] = Number(s.q75);
    j["max"] = Number(s.max);
    if (s.histogram) {
      Json edges = Json::array();
      for (double e : s.histogram->edges) edges.push_back(Number(e));
      j["histogram"] = {{"edges", std::move(edges)}, {"counts", s.histogram->counts}};
    } else {
      j["histogram"] = nullptr;
    }
  }
  if (s.type == ColumnType::kString || s.type == ColumnType::kBool) {
    j["unique"] = s.unique;
    j["top"] = CountsJson(s.top);
  }
  return j;
}

Json ToJson(const TableStats& stats) {
  Json j = {{"rows", stats.rows}};
  Json cols = Json::array();
  for (const auto& c : stats.columns) cols.push_back(ToJson(c));
  j["columns"] = std::move(cols);
  if (stats.correlations) {
    Json m = Json::array();
    for (const auto& row : stats.correlations->matrix) {
      Json r = Json::array();
      for (double v : row) r.push_back(Number(v));
      m.push_back(std::move(r));
    }
    j["correlations"] = {{"columns", stats.correlations->columns}, {"matrix", std::move(m)}};
  }
  if (stats.label) {
    const LabelBalance& lb = *stats.label;
    j["label"] = {{"column", lb.column},
                  {"count", lb.count},
                  {"missing", lb.missing},
                  {"classes", CountsJson(lb.classes)},
                  {"minority_share", Number(lb.minority_share)},
                  {"majority_share", Number(lb.majority_share)},
                  {"imbalance_ratio", Number(lb.imbalance_ratio)}};
  }
  return j;
}

}  // namespace moebius::data
