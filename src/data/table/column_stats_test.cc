#include "data/table/column_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "data/table/table_reader.h"

namespace moebius::data {
namespace {

Table Load(std::string_view csv) {
  ReadOptions o;
  o.name = "s.csv";
  Result<Table> t = ReadTableFromBuffer(csv, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

constexpr char kData[] =
    "x,y,z,w,s,k\n"
    "1,2,4,1,a,7\n"
    "2,4,3,0,b,7\n"
    "3,6,2,1,a,7\n"
    "4,8,1,0,NA,7\n"
    ",10,0,1,a,7\n";

TEST(ColumnStatsTest, HandCheckedValues) {
  Table t = Load(kData);
  StatsOptions o;
  o.histogram_bins = 3;
  o.label = "s";
  o.threads = 2;
  Result<TableStats> r = ComputeStats(t, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 5u);
  const ColumnStats& x = r->columns[0];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.type, ColumnType::kInt);
  EXPECT_EQ(x.count, 4u);
  EXPECT_EQ(x.missing, 1u);
  EXPECT_DOUBLE_EQ(x.mean, 2.5);
  EXPECT_DOUBLE_EQ(x.std, std::sqrt(5.0 / 3.0));  // ddof = 1
  EXPECT_DOUBLE_EQ(x.min, 1);
  EXPECT_DOUBLE_EQ(x.q25, 1.75);
  EXPECT_DOUBLE_EQ(x.q50, 2.5);
  EXPECT_DOUBLE_EQ(x.q75, 3.25);
  EXPECT_DOUBLE_EQ(x.max, 4);
  ASSERT_TRUE(x.histogram.has_value());
  EXPECT_EQ(x.histogram->edges, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(x.histogram->counts, (std::vector<uint64_t>{1, 1, 2}));

  const ColumnStats& s = r->columns[4];
  EXPECT_EQ(s.type, ColumnType::kString);
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.missing, 1u);
  EXPECT_EQ(s.unique, 2u);
  ASSERT_EQ(s.top.size(), 2u);
  EXPECT_EQ(s.top[0].value, "a");
  EXPECT_EQ(s.top[0].count, 3u);
  EXPECT_EQ(s.top[1].value, "b");

  const ColumnStats& k = r->columns[5];
  EXPECT_DOUBLE_EQ(k.std, 0);
  EXPECT_EQ(k.histogram->edges.front(), 6.5);  // one value: numpy's range of +-0.5
  EXPECT_EQ(k.histogram->counts, (std::vector<uint64_t>{0, 5, 0}));

  // Pearson over pairwise-complete rows: x and y agree on the 4 rows where x is present.
  ASSERT_TRUE(r->correlations.has_value());
  const auto& c = *r->correlations;
  ASSERT_EQ(c.columns, (std::vector<std::string>{"x", "y", "z", "w", "k"}));
  EXPECT_NEAR(c.matrix[0][1], 1.0, 1e-15);
  EXPECT_NEAR(c.matrix[0][2], -1.0, 1e-15);
  EXPECT_NEAR(c.matrix[1][2], -1.0, 1e-15);
  EXPECT_NEAR(c.matrix[1][3], 0.0, 1e-15);
  EXPECT_EQ(c.matrix[0][0], 1.0);
  EXPECT_TRUE(std::isnan(c.matrix[4][4]));  // constant column
  EXPECT_TRUE(std::isnan(c.matrix[0][4]));
  EXPECT_EQ(c.matrix[2][0], c.matrix[0][2]);

  ASSERT_TRUE(r->label.has_value());
  EXPECT_EQ(r->label->count, 4u);
  EXPECT_EQ(r->label->missing, 1u);
  EXPECT_DOUBLE_EQ(r->label->minority_share, 0.25);
  EXPECT_DOUBLE_EQ(r->label->majority_share, 0.75);
  EXPECT_DOUBLE_EQ(r->label->imbalance_ratio, 3);
}

TEST(ColumnStatsTest, BoolAndEmptyColumns) {
  Table t = Load("b,e,one\ntrue,,5\nfalse,,\ntrue,,\n");
  Result<TableStats> r = ComputeStats(t);
  ASSERT_TRUE(r.ok());
  const ColumnStats& b = r->columns[0];
  EXPECT_EQ(b.type, ColumnType::kBool);
  EXPECT_NEAR(b.mean, 2.0 / 3.0, 1e-15);
  EXPECT_EQ(b.unique, 2u);
  EXPECT_EQ(b.top[0].value, "true");
  EXPECT_EQ(b.top[0].count, 2u);
  const ColumnStats& e = r->columns[1];
  EXPECT_EQ(e.count, 0u);
  EXPECT_TRUE(std::isnan(e.mean));
  EXPECT_FALSE(e.histogram.has_value());
  const ColumnStats& one = r->columns[2];
  EXPECT_EQ(one.mean, 5);
  EXPECT_TRUE(std::isnan(one.std));
  Json j = ToJson(*r);
  EXPECT_TRUE(j["columns"][1]["mean"].is_null());
  EXPECT_TRUE(j["columns"][2]["std"].is_null());
  EXPECT_EQ(j["columns"][0]["top"][0]["value"], "true");
}

TEST(ColumnStatsTest, QuantileMatchesNumpyLinear) {
  struct Case {
    std::vector<double> x;
    double p;
    double want;
  } cases[] = {
      {{10, 20, 30, 40}, 0.1, 13},
      {{40, 10, 30, 20}, 0.5, 25},
      {{5}, 0.75, 5},
      {{3, 1, 2}, 1.0, 3},
      {{3, 1, 2}, 0.0, 1},
      {{1, 1, 1, 9}, 0.9, 6.6},
  };
  for (auto& c : cases) EXPECT_NEAR(Quantile(c.x, c.p), c.want, 1e-12) << c.p;
}

TEST(ColumnStatsTest, DenseAndPairwiseCorrelationsAgree) {
  // The same data with and without a missing value in an unrelated column takes both paths.
  std::string a = "p,q,r\n", b = "p,q,r\n";
  for (int i = 0; i < 5000; ++i) {
    double p = std::sin(i * 0.37), q = p * 0.5 + std::cos(i * 1.3);
    a += std::to_string(p) + "," + std::to_string(q) + ",1\n";
    b += std::to_string(p) + "," + std::to_string(q) + (i == 17 ? ",\n" : ",1\n");
  }
  Result<TableStats> ra = ComputeStats(Load(a));
  Result<TableStats> rb = ComputeStats(Load(b));
  ASSERT_TRUE(ra.ok() && rb.ok());
  double dense = ra->correlations->matrix[0][1];
  EXPECT_GT(dense, 0.3);
  EXPECT_NEAR(dense, rb->correlations->matrix[0][1], 1e-12);
}

// numpy's linear quantile from a full sort, the reference for the fine-bin selection.
double SortedQuantile(std::vector<double> x, double p) {
  std::sort(x.begin(), x.end());
  double pos = static_cast<double>(x.size() - 1) * p;
  size_t lo = static_cast<size_t>(std::floor(pos));
  double frac = pos - static_cast<double>(lo);
  if (frac == 0 || lo + 1 == x.size()) return x[lo];
  double d = x[lo + 1] - x[lo];
  return frac >= 0.5 ? x[lo + 1] - d * (1 - frac) : x[lo] + d * frac;
}

TEST(ColumnStatsTest, LongColumnsMatchSortedReference) {
  // Long enough for the fine-bin quantile path; ties, skew, missing values, odd lengths, an
  // outlier that squeezes nearly everything into one fine bin, and a sample that misleads.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(3, 2);
  std::exponential_distribution<double> expo(0.5);
  struct Case {
    const char* name;
    size_t n;
    std::function<double(size_t)> gen;
  } cases[] = {
      {"normal", 50001, [&](size_t) { return normal(rng); }},
      {"few values", 40000, [&](size_t) { return static_cast<double>(rng() % 7); }},
      {"skewed with missing", 30001,
       [&](size_t i) { return i % 13 == 0 ? std::nan("") : std::round(expo(rng) * 1000) / 1000; }},
      {"outlier", 20000, [&](size_t i) { return i == 5 ? 1e9 : normal(rng); }},
      // The quartiles' sample (runs of 8 every 40000 / 1024 = 39 rows) sees only the -1000s.
      {"unrepresentative sample", 40000,
       [&](size_t i) { return i % 39 < 8 ? -1000.0 - static_cast<double>(i % 7) : normal(rng); }},
  };
  for (const auto& c : cases) {
    Column col;
    col.name = "v";
    col.type = ColumnType::kFloat;
    std::vector<double> present;
    for (size_t i = 0; i < c.n; ++i) {
      col.numbers.push_back(c.gen(i));
      if (!std::isnan(col.numbers.back())) present.push_back(col.numbers.back());
    }
    Table t;
    ASSERT_TRUE(t.AddColumn(col).ok());
    StatsOptions o;
    o.correlations = false;
    o.threads = 1;
    Result<TableStats> r = ComputeStats(t, o);
    ASSERT_TRUE(r.ok()) << c.name;
    const ColumnStats& st = r->columns[0];
    EXPECT_EQ(st.count, present.size()) << c.name;
    EXPECT_EQ(st.q25, SortedQuantile(present, 0.25)) << c.name;
    EXPECT_EQ(st.q50, SortedQuantile(present, 0.5)) << c.name;
    EXPECT_EQ(st.q75, SortedQuantile(present, 0.75)) << c.name;
    EXPECT_EQ(st.min, *std::min_element(present.begin(), present.end())) << c.name;
    EXPECT_EQ(st.max, *std::max_element(present.begin(), present.end())) << c.name;
    uint64_t total = 0;
    for (uint64_t k : st.histogram->counts) total += k;
    EXPECT_EQ(total, present.size()) << c.name;
  }
}

TEST(ColumnStatsTest, BadOptions) {
  Table t = Load(kData);
  StatsOptions o;
  o.histogram_bins = 0;
  EXPECT_EQ(ComputeStats(t, o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.label = "nope";
  EXPECT_EQ(ComputeStats(t, o).status().message(), "label column 'nope' is not in the table");
  o = {};
  o.label = "y";
  o.max_label_classes = 3;
  EXPECT_EQ(ComputeStats(t, o).status().message(),
            "label column 'y' has 5 distinct values; at most 3 classes are supported");
}

}  // namespace
}  // namespace moebius::data
