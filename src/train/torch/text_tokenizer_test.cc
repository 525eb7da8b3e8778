// The text trainer's tokenizer and featurizer (no torch).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "train/torch/text_featurizer.h"
#include "train/torch/text_tokenizer.h"

namespace moebius::train::text {
namespace {

using Words = std::vector<std::string>;

TEST(TextTokenizer, SplitsOnWhitespaceAndPunctuation) {
  EXPECT_EQ(Tokenize("Hello, World! It's 3.5x", CaseMode::kAscii), (Words{"hello", "world", "it", "s", "3", "5x"}));
  EXPECT_EQ(Tokenize("  \t\n ", CaseMode::kSimple), Words{});
  // CJK punctuation, the ideographic space, full-width forms and brackets.
  EXPECT_EQ(Tokenize("배송이　빨라요。「최고」！좋아요、정말…", CaseMode::kSimple), (Words{"배송이", "빨라요", "최고", "좋아요", "정말"}));
  // Full-width letters become ASCII and are lower-cased; half-width CJK punctuation separates.
  EXPECT_EQ(Tokenize("ＡＢＣ｡def", CaseMode::kSimple), (Words{"abc", "def"}));
  // Zero-width space and no-break space separate; Hangul is never case-folded.
  EXPECT_EQ(Tokenize("데이터\u200B분석\u00A0Ok", CaseMode::kNone), (Words{"데이터", "분석", "Ok"}));
}

TEST(TextTokenizer, CaseModes) {
  EXPECT_EQ(Tokenize("ÉCOLE Straße", CaseMode::kAscii), (Words{"École", "straße"}));
  EXPECT_EQ(Tokenize("ÉCOLE ŁÓDŹ ΑΘΗΝΑ МОСКВА", CaseMode::kSimple), (Words{"école", "łódź", "αθηνα", "москва"}));
  EXPECT_EQ(Tokenize("ÉCOLE", CaseMode::kNone), (Words{"ÉCOLE"}));
  EXPECT_EQ(ParseCaseMode("simple").value(), CaseMode::kSimple);
  EXPECT_EQ(ParseCaseMode("upper").status().code(), StatusCode::kInvalidArgument);
}

TEST(TextTokenizer, InvalidUtf8BecomesReplacementCharacters) {
  std::u32string d = DecodeUtf8(std::string("a\xff\xc3(b\xe2\x82", 7));
  EXPECT_EQ(d, (std::u32string{U'a', 0xFFFD, 0xFFFD, U'(', U'b', 0xFFFD, 0xFFFD}));
  EXPECT_EQ(DecodeUtf8("\xc0\xaf"), (std::u32string{0xFFFD, 0xFFFD}));  // overlong '/'
  EXPECT_EQ(DecodeUtf8("데"), std::u32string{U'데'});
  std::string round;
  for (char32_t c : DecodeUtf8("한국어 text 😀")) AppendUtf8(round, c);
  EXPECT_EQ(round, "한국어 text 😀");
}

TEST(TextTokenizer, CharNgramsOfKoreanInflectionsShareTheStem) {
  auto a = CharNgrams("데이터를", 2, 4), b = CharNgrams("데이터가", 2, 4);
  EXPECT_EQ(a, (Words{"<데", "<데이", "<데이터", "데이", "데이터", "데이터를", "이터", "이터를", "이터를>", "터를", "터를>", "를>"}));
  std::set<std::string> sa(a.begin(), a.end()), shared;
  for (const auto& g : b)
    if (sa.count(g)) shared.insert(g);
  EXPECT_EQ(shared, (std::set<std::string>{"<데", "<데이", "<데이터", "데이", "데이터", "이터"}));
  // Lone boundary markers are never n-grams; the whole bounded word is one when short enough.
  EXPECT_EQ(CharNgrams("ab", 1, 4), (Words{"<a", "<ab", "<ab>", "a", "ab", "ab>", "b", "b>"}));
  EXPECT_TRUE(CharNgrams("ab", 2, 0).empty());
}

TEST(TextTokenizer, Fnv1aValuesArePinned) {
  EXPECT_EQ(Fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(Fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(Fnv1a32("foobar"), 0xbf9cf968u);
  EXPECT_EQ(Fnv1a32("<데이"), 0xb6b40552u);
  EXPECT_EQ(Fnv1a32("데이터"), 0x2ccad4a3u);
}

FeatureSettings Small() {
  FeatureSettings s;
  s.buckets = 1000;
  return s;
}

TEST(TextFeaturizer, VocabularyIdsThenHashedNgrams) {
  auto f = TextFeaturizer::Fit({"good good price", "bad price", "good"}, Small(), "review", "y", Json::array({"neg", "pos"}));
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->vocabulary(), (Words{"good", "price", "bad"}));  // by count, then bytes
  EXPECT_EQ(f->num_features(), 3 + 1000);
  std::vector<int64_t> ids = f->Features("Good unknown");
  // "good": word id 0, then its char n-grams; "unknown": only char n-grams; then the bigram.
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], 0);
  size_t grams = CharNgrams("good", 2, 4).size() + CharNgrams("unknown", 2, 4).size();
  ASSERT_EQ(ids.size(), 1 + grams + 1);
  EXPECT_EQ(ids[1], 3 + static_cast<int64_t>(Fnv1a32("<g") % 1000));
  uint64_t h = uint64_t{Fnv1a32("good")} * 116049371u + Fnv1a32("unknown");
  EXPECT_EQ(ids.back(), 3 + static_cast<int64_t>(h % 1000));
  for (int64_t id : ids) EXPECT_LT(id, f->num_features());
  // ForEachFeature gives the same ids with their sources.
  std::vector<int64_t> again;
  std::vector<std::string> sources;
  f->ForEachFeature("Good unknown", [&](int64_t id, FeatureKind, const std::string& s) {
    again.push_back(id);
    sources.push_back(s);
  });
  EXPECT_EQ(again, ids);
  EXPECT_EQ(sources.front(), "good");
  EXPECT_EQ(sources.back(), "good unknown");
  EXPECT_TRUE(f->Features(" ,. ").empty());
}

TEST(TextFeaturizer, MinCountAndWordsOnly) {
  FeatureSettings s = Small();
  s.min_count = 2;
  s.maxn = 0;
  s.word_ngrams = 1;
  auto f = TextFeaturizer::Fit({"a b", "a c"}, s, "t", "y", Json::array({0, 1}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->vocabulary(), Words{"a"});
  EXPECT_EQ(f->num_features(), 1);  // nothing hashed: no buckets
  EXPECT_EQ(f->Features("a b a"), (std::vector<int64_t>{0, 0}));
  s.min_count = 5;
  EXPECT_EQ(TextFeaturizer::Fit({"a b"}, s, "t", "y", Json::array({0, 1})).status().code(), StatusCode::kInvalidArgument);
}

TEST(TextFeaturizer, SpecRoundTripGivesTheSameIds) {
  auto f = TextFeaturizer::Fit({"데이터를 분석했다", "데이터가 많다", "Data is GOOD"}, Small(), "text", "label", Json::array({"a", "b"}));
  ASSERT_TRUE(f.ok());
  std::string spec = f->Canonical();
  EXPECT_EQ(spec.find(": "), std::string::npos);  // canonical: no spaces after separators
  auto g = TextFeaturizer::Parse(spec);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->Canonical(), spec);
  EXPECT_EQ(g->Hash(), f->Hash());
  for (const char* t : {"데이터를 봤다", "data good", "", "새로운 문장"}) EXPECT_EQ(g->Features(t), f->Features(t)) << t;
  // "데이터를" and "데이터는" (unseen as a word) share hashed ids.
  auto a = f->Features("데이터를"), b = f->Features("데이터는");
  std::set<int64_t> sa(a.begin(), a.end());
  size_t shared = 0;
  for (int64_t id : b) shared += sa.count(id);
  EXPECT_GE(shared, 6u);
  EXPECT_EQ(TextFeaturizer::Parse("{}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TextFeaturizer::Parse("not json").status().code(), StatusCode::kInvalidArgument);
  Json bad = Json::parse(spec);
  bad["buckets"] = -1;
  EXPECT_EQ(TextFeaturizer::Parse(bad.dump()).status().code(), StatusCode::kInvalidArgument);
}

TEST(TextFeaturizer, SettingsAreChecked) {
  FeatureSettings s;
  s.minn = 5;
  s.maxn = 4;
  EXPECT_EQ(ValidateSettings(s).code(), StatusCode::kInvalidArgument);
  s = FeatureSettings{};
  s.word_ngrams = 0;
  EXPECT_EQ(ValidateSettings(s).code(), StatusCode::kInvalidArgument);
  s = FeatureSettings{};
  s.buckets = 0;
  EXPECT_EQ(ValidateSettings(s).code(), StatusCode::kInvalidArgument);
  s.word_ngrams = 1;
  s.maxn = 0;
  EXPECT_TRUE(ValidateSettings(s).ok());
}

}  // namespace
}  // namespace moebius::train::text
