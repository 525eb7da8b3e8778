#include "eval/text.h"

#include <gtest/gtest.h>

namespace moebius::eval {
namespace {

const TagSequences kMessy = {{"B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-ORG", "I-PER"}};

TEST(NerTest, LenientFollowsSeqevalDefault) {
  auto e = *ExtractEntities(kMessy);
  std::vector<Entity> want = {{"PER", 0, 0, 1}, {"LOC", 0, 3, 4}, {"ORG", 0, 5, 5}, {"PER", 0, 6, 6}};
  EXPECT_EQ(e, want);
  auto iobes = *ExtractEntities(TagSequences{{"S-PER", "B-LOC", "E-LOC", "E-LOC"}});
  std::vector<Entity> want_iobes = {{"PER", 0, 0, 0}, {"LOC", 0, 1, 2}, {"LOC", 0, 3, 3}};
  EXPECT_EQ(iobes, want_iobes);
}

TEST(NerTest, BarePrefixesHaveTheUnderscoreType) {
  // seqeval: a bare "I" after "O" starts an entity of type "_" even though the types match.
  auto e = *ExtractEntities(TagSequences{{"O", "I", "I", "B", "O"}});
  std::vector<Entity> want = {{"_", 0, 1, 2}, {"_", 0, 3, 3}};
  EXPECT_EQ(e, want);
}

TEST(NerTest, StrictIob2DropsIllFormedSpans) {
  auto e = *ExtractEntities(kMessy, NerMode::kStrictIob2);
  std::vector<Entity> want = {{"PER", 0, 0, 1}, {"ORG", 0, 5, 5}};
  EXPECT_EQ(e, want);
  EXPECT_FALSE(ExtractEntities(TagSequences{{"S-PER"}}, NerMode::kStrictIob2).ok());
}

TEST(NerTest, EntitiesNeverCrossSentences) {
  auto e = *ExtractEntities(TagSequences{{"B-PER"}, {"I-PER"}});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].sentence, 1u);
}

TEST(NerTest, SpanScores) {
  TagSequences t = {{"B-PER", "I-PER", "O", "B-LOC"}};
  TagSequences p = {{"B-PER", "O", "O", "B-LOC"}};
  auto m = *NerSpanMetrics(t, p);  // PER boundary wrong, LOC right
  EXPECT_DOUBLE_EQ(m.micro.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.micro.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.micro.f1, 0.5);
  ASSERT_EQ(m.per_type.size(), 2u);
  EXPECT_EQ(m.per_type[0].type, "LOC");
  EXPECT_DOUBLE_EQ(m.per_type[0].f1, 1.0);
  EXPECT_DOUBLE_EQ(m.per_type[1].f1, 0.0);
  EXPECT_DOUBLE_EQ(m.macro.f1, 0.5);
}

TEST(NerTest, BadInput) {
  auto bad = NerSpanMetrics(TagSequences{{"B-PER", "X-PER"}}, TagSequences{{"O", "O"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("token 1"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(NerSpanMetrics(TagSequences{{"O"}}, TagSequences{{"O", "O"}}).ok());
  EXPECT_FALSE(NerSpanMetrics(TagSequences{}, TagSequences{}).ok());
  EXPECT_FALSE(ExtractEntities(TagSequences{{"B-"}}).ok());
}

TEST(QaTest, SquadNormalization) {
  EXPECT_EQ(NormalizeAnswer("The  Cat, sat!"), "cat sat");
  EXPECT_EQ(NormalizeAnswer("theater an-apple"), "theater anapple");
  EXPECT_EQ(NormalizeAnswer("(An) apple"), "apple");
  EXPECT_EQ(NormalizeAnswer("서울의 the 봄"), "서울의 봄");
}

TEST(QaTest, ExactMatchAndTokenF1) {
  std::vector<std::string> golds = {"a cat on a mat", "dog"};
  EXPECT_EQ(ExactMatch("The cat on the mat.", golds), 1.0);
  // pred tokens cat sat on mat; gold cat on mat: 3 shared -> P 3/4, R 1.
  EXPECT_NEAR(TokenF1("the cat sat on the mat", golds), 2 * 0.75 / 1.75, 1e-15);
  std::vector<std::string> empty = {"the"};
  EXPECT_EQ(TokenF1("", empty), 1.0);  // both normalize to nothing
  EXPECT_EQ(TokenF1("x", empty), 0.0);
  auto m = *QaScores(std::vector<std::string>{"cat", "dog"},
                     std::vector<std::vector<std::string>>{{"the cat"}, {"a cat"}});
  EXPECT_DOUBLE_EQ(m.exact_match, 0.5);
  EXPECT_FALSE(QaScores(std::vector<std::string>{"x"}, std::vector<std::vector<std::string>>{{}}).ok());
  EXPECT_FALSE(QaScores({}, {}).ok());
}

}  // namespace
}  // namespace moebius::eval
