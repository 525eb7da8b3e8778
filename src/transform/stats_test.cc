#include "transform/stats.h"

#include <gtest/gtest.h>

#include <cmath>

#include "transform/hash.h"

namespace moebius::transform {
namespace {

// Expected values from Python 3.11's statistics module on the same data:
//   x = [2.5, 7.0, 1.0, 4.0, 9.5, 3.0, 6.0]; y = [1.0, 2.0, 2.0, 8.0, 7.5, 3.0, 5.0]
//   mean(x) = 4.714285714285714   median(x) = 4.0   pstdev(x) = 2.7236679949910885
//   quantiles(x, n=4, method='inclusive') = [2.75, 4.0, 6.5]; n=3 -> [3.0, 6.0]
//   correlation(x, y) = 0.533023685187107
const std::vector<double> kX = {2.5, 7.0, 1.0, 4.0, 9.5, 3.0, 6.0};
const std::vector<double> kY = {1.0, 2.0, 2.0, 8.0, 7.5, 3.0, 5.0};

TEST(StatsTest, MomentsAndOrderStatistics) {
  EXPECT_NEAR(stats::Mean(kX), 4.714285714285714, 1e-12);
  EXPECT_NEAR(stats::Median(kX), 4.0, 1e-12);
  EXPECT_NEAR(stats::Median({4.0, 1.0, 3.0, 2.0}), 2.5, 1e-12);
  EXPECT_NEAR(stats::PopulationStd(kX, stats::Mean(kX)), 2.7236679949910885, 1e-12);
  EXPECT_EQ(stats::MostFrequent({3, 1, 3, 1, 2}), 1);  // tie between 1 and 3: smallest wins
  EXPECT_EQ(stats::MostFrequent({5, 2, 5}), 5);
}

TEST(StatsTest, QuantileCutsMatchPythonInclusive) {
  struct Case {
    int n;
    std::vector<double> want;
  } cases[] = {{4, {2.75, 4.0, 6.5}}, {3, {3.0, 6.0}}, {1, {}}, {2, {4.0}}};
  for (const auto& c : cases) {
    auto got = stats::QuantileCuts(kX, c.n);
    ASSERT_EQ(got.size(), c.want.size()) << c.n;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], c.want[i], 1e-12) << c.n << " " << i;
  }
  EXPECT_EQ(stats::QuantileCuts({5.0}, 3), (std::vector<double>{5.0, 5.0}));
}

TEST(StatsTest, Pearson) {
  EXPECT_NEAR(stats::Pearson(kX, kY), 0.533023685187107, 1e-12);
  std::vector<double> lin = {1, 2, 3, 4}, neg = {8, 6, 4, 2}, flat = {1, 1, 1, 1};
  EXPECT_NEAR(stats::Pearson(lin, neg), -1.0, 1e-12);
  EXPECT_TRUE(std::isnan(stats::Pearson(lin, flat)));
  // Pairs with a NaN on either side are left out: the remaining three are perfectly linear.
  std::vector<double> a = {1, 2, NAN, 4}, b = {2, 4, 100, 8};
  EXPECT_NEAR(stats::Pearson(a, b), 1.0, 1e-12);
}

TEST(StatsTest, MutualInformation) {
  // Identical balanced binary variables share ln 2 nats; independent ones share none.
  std::vector<int64_t> x = {0, 0, 1, 1}, same = {0, 0, 1, 1}, indep = {0, 1, 0, 1};
  EXPECT_NEAR(stats::MutualInformation(x, same), std::log(2.0), 1e-12);
  EXPECT_NEAR(stats::MutualInformation(x, indep), 0.0, 1e-12);
  // By hand: x = [0,0,0,1], y = [0,0,1,1]. p(0,0)=1/2, p(0,1)=1/4, p(1,1)=1/4; p(x=0)=3/4,
  // p(x=1)=1/4, p(y=0)=p(y=1)=1/2. MI = 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2.
  std::vector<int64_t> x2 = {0, 0, 0, 1}, y2 = {0, 0, 1, 1};
  double want = 0.5 * std::log(4.0 / 3) + 0.25 * std::log(2.0 / 3) + 0.25 * std::log(2.0);
  EXPECT_NEAR(stats::MutualInformation(x2, y2), want, 1e-12);
}

TEST(HashTest, Fnv1aKnownValues) {
  // Reference values of 64-bit FNV-1a (the FNV authors' test suite).
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
  static_assert(HashBucket("foobar", 1) == 0);
  EXPECT_LT(HashBucket("seoul", 7), 7u);
}

}  // namespace
}  // namespace moebius::transform
