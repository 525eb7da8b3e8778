#include "data/table/numeric_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace moebius::data::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Fine bins for quantile selection; columns shorter than kMinFineRows are selected directly.
constexpr size_t kFineBins = 4096;
constexpr size_t kMinFineRows = 4 * kFineBins;

// Runs step(lane, x) over the values, even rows on lane 0 and odd rows on lane 1, so that the
// two lanes' dependency chains overlap.
template <typename Lane, typename Step>
void ForEachOnTwoLanes(const std::vector<double>& v, Lane* lanes, Step step) {
  const size_t size = v.size();
  size_t i = 0;
  for (; i + 2 <= size; i += 2) {
    step(lanes[0], v[i]);
    step(lanes[1], v[i + 1]);
  }
  if (i < size) step(lanes[0], v[i]);
}

struct Moments {
  uint64_t n = 0;
  CompensatedSum sum;
  double min = kInf, max = -kInf;
};

// Pass 1: count, sum, min and max of the present values.
Moments ComputeMoments(const std::vector<double>& v) {
  Moments lanes[2];
  ForEachOnTwoLanes(v, lanes, [](Moments& m, double x) {
    if (x != x) return;
    ++m.n;
    m.sum.Add(x);
    m.min = std::min(m.min, x);
    m.max = std::max(m.max, x);
  });
  Moments& out = lanes[0];
  out.n += lanes[1].n;
  out.sum.Merge(lanes[1].sum);
  out.min = std::min(out.min, lanes[1].min);
  out.max = std::max(out.max, lanes[1].max);
  return out;
}

// Equal-width bins over [lo, hi] with the index of a value in [lo, hi]; values at hi fall in
// the last bin (numpy's closed last bin).
struct Binning {
  double lo = 0, scale = 0;
  size_t last = 0;
  size_t BinOf(double x) const { return std::min(last, static_cast<size_t>((x - lo) * scale)); }
};

Binning MakeBinning(double lo, double hi, size_t bins) {
  return {lo, static_cast<double>(bins) / (hi - lo), bins - 1};
}

struct SpreadLane {
  CompensatedSum squares;
  std::vector<uint64_t> histogram;  // empty when not wanted
  std::vector<uint64_t> fine;       // empty when not wanted
};

// Pass 2: the sum of squared deviations from `mean`, and counts in the histogram's and the
// fine bins (each only when its binning is given). Returns the lanes merged into one.
SpreadLane ComputeSpread(const std::vector<double>& v, double mean, const Binning* histogram,
                         const Binning* fine) {
  SpreadLane lanes[2];
  for (auto& lane : lanes) {
    if (histogram != nullptr) lane.histogram.assign(histogram->last + 1, 0);
    if (fine != nullptr) lane.fine.assign(fine->last + 1, 0);
  }
  ForEachOnTwoLanes(v, lanes, [&](SpreadLane& lane, double x) {
    if (x != x) return;
    lane.squares.Add((x - mean) * (x - mean));
    if (histogram != nullptr) ++lane.histogram[histogram->BinOf(x)];
    if (fine != nullptr) ++lane.fine[fine->BinOf(x)];
  });
  SpreadLane& out = lanes[0];
  out.squares.Merge(lanes[1].squares);
  for (size_t b = 0; b < out.histogram.size(); ++b) out.histogram[b] += lanes[1].histogram[b];
  for (size_t b = 0; b < out.fine.size(); ++b) out.fine[b] += lanes[1].fine[b];
  return out;
}

// Values at the given ascending 0-based ranks of the sorted present values, by selection on a
// copy. For short columns or ones the fine bins cannot split.
void SelectRanks(const std::vector<double>& v, size_t n, const size_t* ranks, size_t nranks, double* out) {
  std::vector<double> present;
  present.reserve(n);
  for (double x : v) {
    if (x == x) present.push_back(x);
  }
  size_t from = 0;
  for (size_t i = 0; i < nranks; ++i) {
    if (ranks[i] >= from) {
      std::nth_element(present.begin() + static_cast<ptrdiff_t>(from),
                       present.begin() + static_cast<ptrdiff_t>(ranks[i]), present.end());
      from = ranks[i] + 1;
    }
    out[i] = present[ranks[i]];
  }
}

// Pass 3: the same from the fine-bin counts (a bin's index is monotone in the value): gathers
// only the values of the bins that hold a wanted rank and selects inside each.
void SelectRanksInFineBins(const std::vector<double>& v, const Binning& fine, const std::vector<uint64_t>& counts,
                           const size_t* ranks, size_t nranks, double* out) {
  std::vector<size_t> bin(nranks), inner(nranks);
  std::vector<int> slot(counts.size(), -1);
  size_t nslots = 0;
  for (size_t i = 0; i < nranks; ++i) {
    uint64_t before = 0;
    size_t b = 0;
    while (before + counts[b] <= ranks[i]) before += counts[b++];
    bin[i] = b;
    inner[i] = ranks[i] - before;
    if (slot[b] < 0) slot[b] = static_cast<int>(nslots++);
  }
  std::vector<std::vector<double>> gathered(nslots);
  for (size_t b = 0; b < counts.size(); ++b) {
    if (slot[b] >= 0) gathered[static_cast<size_t>(slot[b])].reserve(counts[b]);
  }
  for (double x : v) {
    if (x != x) continue;
    int sl = slot[fine.BinOf(x)];
    if (sl >= 0) gathered[static_cast<size_t>(sl)].push_back(x);
  }
  for (size_t i = 0; i < nranks; ++i) {
    std::vector<double>& g = gathered[static_cast<size_t>(slot[bin[i]])];
    std::nth_element(g.begin(), g.begin() + static_cast<ptrdiff_t>(inner[i]), g.end());
    out[i] = g[inner[i]];
  }
}

Histogram MakeHistogram(double lo, double hi, int bins, std::vector<uint64_t> counts) {
  Histogram h;
  h.edges.resize(static_cast<size_t>(bins) + 1);
  for (int i = 0; i <= bins; ++i) h.edges[static_cast<size_t>(i)] = lo + (hi - lo) * i / bins;
  h.edges.back() = hi;
  h.counts = std::move(counts);
  return h;
}

}  // namespace

void SummarizeNumeric(const std::vector<double>& v, int bins, ColumnStats* st) {
  const Moments m = ComputeMoments(v);
  const size_t n = m.n;
  st->count = n;
  st->missing = v.size() - n;
  if (n == 0) {
    st->mean = st->std = st->min = st->q25 = st->q50 = st->q75 = st->max = kNaN;
    return;
  }
  st->mean = m.sum.Get() / static_cast<double>(n);
  st->min = m.min;
  st->max = m.max;

  // numpy.histogram's range: [min, max], widened by 0.5 each way for a single value.
  const bool finite = std::isfinite(m.min) && std::isfinite(m.max);
  double lo = m.min, hi = m.max;
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const Binning histogram = MakeBinning(lo, hi, static_cast<size_t>(bins));
  const bool use_fine = n >= kMinFineRows && m.max > m.min && std::isfinite(m.max - m.min);
  const Binning fine = use_fine ? MakeBinning(m.min, m.max, kFineBins) : Binning{};
  SpreadLane spread = ComputeSpread(v, st->mean, finite ? &histogram : nullptr, use_fine ? &fine : nullptr);
  st->std = n > 1 ? std::sqrt(spread.squares.Get() / static_cast<double>(n - 1)) : kNaN;
  if (finite) st->histogram = MakeHistogram(lo, hi, bins, std::move(spread.histogram));

  // Linear interpolation between the order statistics around (n - 1) * p, as numpy.
  const double probs[3] = {0.25, 0.5, 0.75};
  size_t ranks[6];
  double frac[3];
  for (int i = 0; i < 3; ++i) {
    double pos = static_cast<double>(n - 1) * probs[i];
    size_t r = std::min(n - 1, static_cast<size_t>(std::floor(pos)));
    frac[i] = pos - static_cast<double>(r);
    ranks[2 * i] = r;
    ranks[2 * i + 1] = std::min(n - 1, r + 1);
  }
  double at[6];
  if (use_fine) {
    SelectRanksInFineBins(v, fine, spread.fine, ranks, 6, at);
  } else {
    SelectRanks(v, n, ranks, 6, at);
  }
  double* q[3] = {&st->q25, &st->q50, &st->q75};
  for (int i = 0; i < 3; ++i) *q[i] = frac[i] > 0 ? Lerp(at[2 * i], at[2 * i + 1], frac[i]) : at[2 * i];
}

}  // namespace moebius::data::internal
