#include "eval/ranking.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::eval {
namespace {

// sklearn's ndcg_score docstring: relevance [10, 0, 0, 1, 5].
const Rows kRel = {{10, 0, 0, 1, 5}};

TEST(RankingTest, NdcgMatchesSklearnDocstring) {
  EXPECT_NEAR(*Ndcg(kRel, Rows{{0.1, 0.2, 0.3, 4, 70}}), 0.6956940443813076, 1e-15);
  EXPECT_NEAR(*Ndcg(kRel, Rows{{0.05, 1.1, 1.0, 0.5, 0.0}}), 0.49368019137737595, 1e-15);
  // Documents 0 and 4 tie at the top: averaged, they share (10 + 5) / 2 over the two best
  // discounts; ignoring ties, sklearn puts the later one (relevance 5) first.
  const Rows tied = {{1, 0, 0, 0, 1}};
  EXPECT_NEAR(*Ndcg(kRel, tied), 0.9279733094794905, 1e-15);
  EXPECT_NEAR(*Ndcg(kRel, tied, 1), 0.75, 1e-15);
  EXPECT_NEAR(*Ndcg(kRel, tied, 1, /*ignore_ties=*/true), 0.5, 1e-15);
}

TEST(RankingTest, AllIrrelevantQueryScoresZeroAndKCuts) {
  auto per = *NdcgPerQuery(Rows{{0, 0, 0}, {0, 3, 0}}, Rows{{1, 2, 3}, {3, 2, 1}}, std::nullopt, false);
  EXPECT_EQ(per[0], 0.0);
  EXPECT_NEAR(per[1], 1.0 / std::log2(3.0) / 1.0, 1e-15);  // relevant document at rank 2
  EXPECT_EQ(*Ndcg(Rows{{0, 3, 0}}, Rows{{3, 2, 1}}, 1), 0.0);
}

TEST(RankingTest, MapAndMrr) {
  // Query 0: relevant at ranks 1 and 3 -> AP (1 + 2/3) / 2. Query 1: no relevant document.
  Rows rel = {{1, 0, 1}, {0, 0, 0}, {0, 0, 2}};
  Rows sc = {{0.9, 0.8, 0.7}, {1, 2, 3}, {3, 2, 1}};
  auto map = *MeanAveragePrecision(rel, sc);
  EXPECT_EQ(map.queries, 2);
  EXPECT_EQ(map.skipped_queries, 1);
  EXPECT_NEAR(map.value, ((1 + 2.0 / 3) / 2 + 1.0 / 3) / 2, 1e-15);
  auto mrr = *MeanReciprocalRank(rel, sc);
  EXPECT_NEAR(mrr.value, (1 + 1.0 / 3) / 2, 1e-15);
  // Ties keep the given order.
  EXPECT_NEAR(MeanReciprocalRank(Rows{{0, 1}}, Rows{{1, 1}})->value, 0.5, 1e-15);
  EXPECT_TRUE(std::isnan(MeanReciprocalRank(Rows{{0, 0}}, Rows{{1, 2}})->value));
}

TEST(RankingTest, BadInput) {
  EXPECT_FALSE(Ndcg(Rows{}, Rows{}).ok());
  EXPECT_FALSE(Ndcg(Rows{{1, 0}}, Rows{{0.1}}).ok());
  EXPECT_FALSE(Ndcg(Rows{{}}, Rows{{}}).ok());
  EXPECT_FALSE(Ndcg(Rows{{-1, 0}}, Rows{{0.1, 0.2}}).ok());
  EXPECT_FALSE(Ndcg(Rows{{1, 0}}, Rows{{NAN, 0.2}}).ok());
  EXPECT_FALSE(Ndcg(kRel, kRel, 0).ok());
  auto r = MeanAveragePrecision(Rows{{1, 0}, {1}}, Rows{{1, 2}, {1, 2}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("query 1"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace moebius::eval
