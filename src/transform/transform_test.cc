// Fit, the fitted spec's JSON, and Apply. Expected statistics come from Python 3.11's statistics
// and math modules on the same columns (quoted beside each case).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>

#include "transform/fit.h"
#include "transform/hash.h"
#include "transform/spec.h"
#include "transform/transformer.h"

namespace moebius::transform {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// age: 5 present values [25, 40, 31, 58, 22]; city: seoul x3, busan x2, daegu x1, one missing;
// income for log: log1p(max(x, 0)).
Table TrainTable() {
  Table t;
  EXPECT_TRUE(t.AddNumeric("age", {25, kNaN, 40, 31, kNaN, 58, 22}).ok());
  EXPECT_TRUE(t.AddString("city", {"seoul", "busan", std::nullopt, "seoul", "daegu", "busan", "seoul"}).ok());
  EXPECT_TRUE(t.AddNumeric("income", {1000, 0, 250, -5, 99, 1e4, 30}).ok());
  return t;
}

TransformConfig ConfigFrom(const char* json) {
  auto parsed = ParseJson(json);
  EXPECT_TRUE(parsed.ok()) << json;
  auto config = TransformConfig::FromJson(*parsed);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return *config;
}

TransformSpec FitOrDie(const char* config_json, const Table& table) {
  auto spec = Fit(ConfigFrom(config_json), table);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : TransformSpec{};
}

std::vector<float> Row(const Transformer& t, std::vector<Cell> cells) {
  std::vector<float> out;
  Status st = t.ApplyRow(std::span<const Cell>(cells), &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(TableTest, RejectsBadColumns) {
  Table t;
  ASSERT_TRUE(t.AddNumeric("a", {1, 2}).ok());
  EXPECT_EQ(t.AddNumeric("a", {1, 2}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t.AddString("b", {"x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t.AddNumeric("", {1, 2}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t.num_rows(), 2u);
  EXPECT_TRUE(t.Find("a")->IsMissing(0) == false);
}

TEST(FitTest, NumericStatistics) {
  Table t = TrainTable();
  struct Case {
    const char* steps;
    double got_index;  // which learned value to read: see below
    double want;
  };
  // mean([25,40,31,58,22]) = 35.2; median = 31; most_frequent of [3,1,3,1,2] tested in stats_test.
  TransformSpec spec = FitOrDie(R"({"columns": [
      {"column": "age", "name": "a_mean", "steps": [{"kind": "impute", "strategy": "mean"}]},
      {"column": "age", "name": "a_median", "steps": [{"kind": "impute", "strategy": "median"}, {"kind": "z_score"}]},
      {"column": "age", "name": "a_const", "steps": [{"kind": "impute", "strategy": "constant", "value": -1}]},
      {"column": "age", "name": "a_mm", "steps": [{"kind": "min_max"}]},
      {"column": "age", "name": "a_q", "steps": [{"kind": "bucketize", "buckets": 4}]},
      {"column": "income", "steps": [{"kind": "log"}, {"kind": "min_max"}]}]})",
                                t);
  ASSERT_EQ(spec.columns.size(), 6u);
  EXPECT_NEAR(std::get<double>(spec.columns[0].steps[0].fill), 35.2, 1e-12);
  EXPECT_NEAR(std::get<double>(spec.columns[1].steps[0].fill), 31.0, 1e-12);
  // z_score is fitted on the imputed column [25,31,40,31,31,58,22]:
  //   statistics.mean = 34, statistics.pstdev = 11.109841197270617
  EXPECT_NEAR(spec.columns[1].steps[1].mean, 34.0, 1e-12);
  EXPECT_NEAR(spec.columns[1].steps[1].std, 11.109841197270617, 1e-12);
  EXPECT_EQ(std::get<double>(spec.columns[2].steps[0].fill), -1.0);
  EXPECT_EQ(spec.columns[3].steps[0].min, 22.0);
  EXPECT_EQ(spec.columns[3].steps[0].max, 58.0);
  // statistics.quantiles([25,40,31,58,22], n=4, method='inclusive') = [25.0, 31.0, 40.0]
  EXPECT_EQ(spec.columns[4].steps[0].boundaries, (std::vector<double>{25.0, 31.0, 40.0}));
  // min_max after log sees log1p(max(x,0)): min = 0.0, max = math.log1p(1e4) = 9.210440366976517
  EXPECT_NEAR(spec.columns[5].steps[1].min, 0.0, 1e-12);
  EXPECT_NEAR(spec.columns[5].steps[1].max, 9.210440366976517, 1e-12);

  auto tr = Transformer::Create(spec);
  ASSERT_TRUE(tr.ok());
  EXPECT_EQ(tr->spec().FeatureNames(),
            (std::vector<std::string>{"a_mean", "a_median", "a_const", "a_mm", "a_q_bucket", "income"}));
  struct RowCase {
    double age, income;
    std::vector<double> want;  // compared after the same rounding to float
  } rows[] = {
      // (40-34)/11.109841197270617 = 0.5400617248673217; (40-22)/36 = 0.5;
      // (log1p(250)-0)/log1p(1e4) = 0.5999119172350287
      {40, 250, {40, 0.5400617248673217, 40, 0.5, 3, 0.5999119172350287}},
      // missing: imputed where an impute runs, NaN otherwise; bucket of NaN is NaN
      {kNaN, -3, {35.2, (31 - 34) / 11.109841197270617, -1, kNaN, kNaN, 0}},
      // boundaries [25,31,40]: 22 -> 0, 25 -> 1 (a boundary opens its bucket), 31 -> 2, 100 -> 3
      {22, 0, {22, (22 - 34) / 11.109841197270617, 22, 0, 0, 0}},
      {25, 0, {25, (25 - 34) / 11.109841197270617, 25, 3.0 / 36, 1, 0}},
      {31, 0, {31, (31 - 34) / 11.109841197270617, 31, 9.0 / 36, 2, 0}},
      {100, 1e4, {100, (100 - 34) / 11.109841197270617, 100, 78.0 / 36, 3, 1}},
  };
  for (const auto& r : rows) {
    auto got = Row(*tr, {Cell::Number(r.age), Cell::Number(r.income)});
    ASSERT_EQ(got.size(), r.want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      if (std::isnan(r.want[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << r.age << " feature " << i;
      } else {
        EXPECT_NEAR(got[i], static_cast<float>(r.want[i]), 1e-6) << r.age << " feature " << i;
      }
    }
  }
}

TEST(FitTest, ConstantColumnsScaleToZero) {
  Table t;
  ASSERT_TRUE(t.AddNumeric("k", {7, 7, 7}).ok());
  TransformSpec spec = FitOrDie(R"({"columns": [{"column": "k", "name": "mm", "steps": [{"kind": "min_max"}]},
      {"column": "k", "name": "z", "steps": [{"kind": "z_score"}]},
      {"column": "k", "name": "b", "steps": [{"kind": "bucketize", "buckets": 5}]}]})",
                                t);
  EXPECT_EQ(spec.columns[1].steps[0].std, 0.0);
  // Four equal cut points deduplicate to one.
  EXPECT_EQ(spec.columns[2].steps[0].boundaries, (std::vector<double>{7.0}));
  auto tr = *Transformer::Create(spec);
  EXPECT_EQ(Row(tr, {Cell::Number(7)}), (std::vector<float>{0, 0, 1}));
  EXPECT_EQ(Row(tr, {Cell::Number(9)}), (std::vector<float>{0, 0, 1}));
  EXPECT_EQ(Row(tr, {Cell::Number(6)}), (std::vector<float>{0, 0, 0}));
}

TEST(FitTest, VocabulariesAndOov) {
  Table t = TrainTable();
  TransformSpec spec = FitOrDie(R"({"columns": [
      {"column": "city", "steps": [{"kind": "one_hot", "top_k": 2}]},
      {"column": "city", "name": "c_all", "steps": [{"kind": "one_hot"}]},
      {"column": "city", "name": "c_min2", "steps": [{"kind": "vocabulary", "min_frequency": 2}]},
      {"column": "city", "name": "c_imp", "steps": [{"kind": "impute", "strategy": "most_frequent"},
                                                    {"kind": "vocabulary"}]},
      {"column": "city", "name": "c_unk", "steps": [{"kind": "impute", "strategy": "constant", "value": "?"},
                                                    {"kind": "one_hot"}]},
      {"column": "city", "name": "c_h", "steps": [{"kind": "hash", "buckets": 8}]}]})",
                                t);
  // Counts: seoul 3, busan 2, daegu 1 (the missing value is not counted).
  EXPECT_EQ(spec.columns[0].steps[0].vocabulary, (std::vector<std::string>{"seoul", "busan"}));
  EXPECT_EQ(spec.columns[1].steps[0].vocabulary, (std::vector<std::string>{"seoul", "busan", "daegu"}));
  EXPECT_EQ(spec.columns[2].steps[0].vocabulary, (std::vector<std::string>{"seoul", "busan"}));
  EXPECT_EQ(std::get<std::string>(spec.columns[3].steps[0].fill), "seoul");
  // The constant "?" fills the missing row, so it enters the vocabulary (ties by value: "?" < "daegu").
  EXPECT_EQ(spec.columns[4].steps[1].vocabulary, (std::vector<std::string>{"seoul", "busan", "?", "daegu"}));

  auto tr = *Transformer::Create(spec);
  EXPECT_EQ(tr.spec().FeatureNames(),
            (std::vector<std::string>{"city=seoul", "city=busan", "city=__oov__", "c_all=seoul", "c_all=busan",
                                      "c_all=daegu", "c_all=__oov__", "c_min2_index", "c_imp_index", "c_unk=seoul",
                                      "c_unk=busan", "c_unk=?", "c_unk=daegu", "c_unk=__oov__", "c_h_hash"}));
  auto h = [](const char* s) { return static_cast<float>(HashBucket(s, 8)); };
  EXPECT_EQ(Row(tr, {Cell::String("busan")}),
            (std::vector<float>{0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, h("busan")}));
  EXPECT_EQ(Row(tr, {Cell::String("daegu")}),
            (std::vector<float>{0, 0, 1, 0, 0, 1, 0, 2, 2, 0, 0, 0, 1, 0, h("daegu")}));
  // Unseen: every OOV slot; vocabulary ids equal the vocabulary size.
  EXPECT_EQ(Row(tr, {Cell::String("jeju")}),
            (std::vector<float>{0, 0, 1, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 1, h("jeju")}));
  // Missing: OOV without an imputer, the fill with one; hash of a missing value is NaN.
  auto missing = Row(tr, {Cell::Missing()});
  std::vector<float> want = {0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(std::vector<float>(missing.begin(), missing.end() - 1), want);
  EXPECT_TRUE(std::isnan(missing.back()));
}

TEST(FitTest, Errors) {
  Table t = TrainTable();
  ASSERT_TRUE(t.AddNumeric("empty", {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN}).ok());
  struct Case {
    const char* config;
    const char* message_part;
  } cases[] = {
      {R"({"columns": [{"column": "nope", "steps": []}]})", "no column 'nope'"},
      {R"({"columns": [{"column": "city", "steps": [{"kind": "z_score"}]}]})", "columns[0].steps[0]: z_score needs a numeric column"},
      {R"({"columns": [{"column": "age", "steps": [{"kind": "one_hot"}]}]})", "one_hot needs a string column"},
      {R"({"columns": [{"column": "city", "steps": [{"kind": "impute", "strategy": "mean"}, {"kind": "hash", "buckets": 2}]}]})",
       "mean needs a numeric column"},
      {R"({"columns": [{"column": "city", "steps": [{"kind": "impute", "strategy": "most_frequent"}]}]})",
       "must end in one_hot"},
      {R"({"columns": [{"column": "age", "steps": [{"kind": "bucketize", "buckets": 2}, {"kind": "log"}]}]})",
       "nothing may follow"},
      {R"({"columns": [{"column": "age", "steps": [{"kind": "impute", "strategy": "constant", "value": "x"}]}]})",
       "value: must be a number"},
      {R"({"columns": [{"column": "empty", "steps": [{"kind": "min_max"}]}]})", "no values to fit min_max"},
      {R"({"columns": [{"column": "age", "steps": []}, {"column": "age", "steps": [{"kind": "log"}]}]})",
       "feature name 'age' is produced twice"},
  };
  for (const auto& c : cases) {
    auto spec = Fit(ConfigFrom(c.config), t);
    ASSERT_FALSE(spec.ok()) << c.config;
    EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(spec.status().message().find(c.message_part), std::string::npos)
        << c.config << " -> " << spec.status().message();
  }
  Table inf;
  ASSERT_TRUE(inf.AddNumeric("x", {1, INFINITY}).ok());
  auto spec = Fit(ConfigFrom(R"({"columns": [{"column": "x", "steps": []}]})"), inf);
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("column 'x' row 1"), std::string::npos);
}

TEST(ConfigTest, JsonRoundTripAndErrors) {
  const char* text = R"({"columns": [{"column": "a", "name": "b", "steps": [
      {"kind": "impute", "strategy": "constant", "value": 2.5}, {"kind": "z_score"}]},
      {"column": "c", "steps": [{"kind": "one_hot", "top_k": 3, "min_frequency": 2}]}]})";
  TransformConfig config = ConfigFrom(text);
  auto again = TransformConfig::FromJson(config.ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), config.ToJson());
  EXPECT_EQ(config.columns[0].OutputName(), "b");
  EXPECT_EQ(config.columns[1].steps[0].top_k, 3);

  struct Case {
    const char* json;
    const char* message_part;
  } cases[] = {
      {R"([])", "must be a JSON object"},
      {R"({"columns": {}})", "columns: must be an array"},
      {R"({"columns": [], "extra": 1})", "config.extra: unknown field"},
      {R"({"columns": [{"steps": []}]})", "columns[0].column: required"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "scale"}]}]})", "columns[0].steps[0].kind: unknown step kind 'scale'"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "bucketize", "buckets": -2}]}]})", "columns[0].steps[0].buckets: must be between 1"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "bucketize", "buckets": "4"}]}]})", "buckets: must be an integer, got a string"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "bucketize"}]}]})", "buckets: required"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "hash", "buckets": 0}]}]})", "buckets: must be between 1"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "one_hot", "top_k": 1.5}]}]})", "top_k: must be an integer"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "one_hot", "min_frequency": 0}]}]})", "min_frequency: must be between 1"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "impute", "strategy": "mode"}]}]})", "unknown strategy 'mode'"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "impute", "strategy": "constant"}]}]})", "value: required"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "impute", "strategy": "mean", "value": 1}]}]})", "only the constant strategy"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "log", "buckets": 3}]}]})", "steps[0].buckets: unknown field"},
      {R"({"columns": [{"column": "a", "steps": [{"kind": "log", "min": 3}]}]})", "steps[0].min: unknown field"},
      {R"({"columns": [{"column": "a", "steps": [7]}]})", "steps[0]: must be an object"},
  };
  for (const auto& c : cases) {
    auto json = ParseJson(c.json);
    ASSERT_TRUE(json.ok()) << c.json;
    auto r = TransformConfig::FromJson(*json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << c.json << " -> " << r.status().message();
  }
}

// A small spec built in memory, its canonical form written out by hand (sorted keys, shortest
// round-trip doubles) and its SHA-256 from Python's hashlib over that text.
TransformSpec HandSpec() {
  TransformSpec spec;
  FittedColumn x{"x", "x", ColumnType::kNumeric, {}};
  FittedStep imp;
  imp.config.kind = StepKind::kImpute;
  imp.config.strategy = ImputeStrategy::kMean;
  imp.fill = 0.1;
  FittedStep mm;
  mm.config.kind = StepKind::kMinMax;
  mm.min = -0.0;
  mm.max = 1.0 / 3;
  x.steps = {imp, mm};
  FittedColumn c{"c", "c", ColumnType::kString, {}};
  FittedStep oh;
  oh.config.kind = StepKind::kOneHot;
  oh.vocabulary = {"b", "a"};
  c.steps = {oh};
  spec.columns = {x, c};
  return spec;
}

TEST(SpecTest, CanonicalJsonAndHashArePinned) {
  TransformSpec spec = HandSpec();
  ASSERT_TRUE(spec.Validate().ok());
  EXPECT_EQ(spec.Canonical(),
            R"({"columns":[{"column":"x","name":"x","steps":[{"fill":0.1,"kind":"impute","strategy":"mean"},)"
            R"({"kind":"min_max","max":0.3333333333333333,"min":-0.0}],"type":"numeric"},)"
            R"({"column":"c","name":"c","steps":[{"kind":"one_hot","min_frequency":1,"vocabulary":["b","a"]}],)"
            R"("type":"string"}],"format":"moebius.transform","version":1})");
  EXPECT_EQ(spec.Hash(), "986947deed1ca58f3c45811c1448e75f575146aa30034b4ded21f8888f6b97ef");
}

TEST(SpecTest, RoundTripIsBitExact) {
  // Doubles that a fixed-precision printer would damage.
  Table t;
  std::vector<double> x = {0.1, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, 123456789.123456789, -7.25, kNaN, 0.7};
  ASSERT_TRUE(t.AddNumeric("x", x).ok());
  ASSERT_TRUE(t.AddString("s", {"a", "b", "a", std::nullopt, "c", "\"quoted\"", "한글", "a", "b"}).ok());
  TransformSpec spec = FitOrDie(R"({"columns": [
      {"column": "x", "steps": [{"kind": "impute", "strategy": "mean"}, {"kind": "z_score"}]},
      {"column": "x", "name": "xl", "steps": [{"kind": "log"}, {"kind": "min_max"}]},
      {"column": "x", "name": "xb", "steps": [{"kind": "bucketize", "buckets": 7}]},
      {"column": "s", "steps": [{"kind": "one_hot", "top_k": 10}]},
      {"column": "s", "name": "sh", "steps": [{"kind": "impute", "strategy": "constant", "value": "none"},
                                              {"kind": "hash", "buckets": 1000}]}]})",
                                t);
  auto parsed = TransformSpec::Parse(spec.Canonical());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Canonical(), spec.Canonical());
  EXPECT_EQ(parsed->Hash(), spec.Hash());
  EXPECT_EQ(std::memcmp(&parsed->columns[0].steps[1].mean, &spec.columns[0].steps[1].mean, sizeof(double)), 0);
  EXPECT_EQ(parsed->columns[2].steps[0].boundaries, spec.columns[2].steps[0].boundaries);
  // Pretty-printed or reordered input parses to the same spec and hash.
  auto pretty = TransformSpec::Parse(spec.ToJson().dump(2));
  ASSERT_TRUE(pretty.ok());
  EXPECT_EQ(pretty->Hash(), spec.Hash());
  // Fitting again on the same data gives the same hash; the config survives the trip.
  EXPECT_EQ(FitOrDie(spec.Config().ToJson().dump().c_str(), t).Hash(), spec.Hash());
  // The parsed spec transforms the training table bit for bit as the original does.
  auto a = Transformer::Create(spec)->ApplyTable(t);
  auto b = Transformer::Create(*parsed)->ApplyTable(t);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->values.size(), b->values.size());
  EXPECT_EQ(std::memcmp(a->values.data(), b->values.data(), a->values.size() * sizeof(float)), 0);
}

TEST(SpecTest, FromJsonRejectsBadSpecs) {
  const std::string good = HandSpec().Canonical();
  ASSERT_TRUE(TransformSpec::Parse(good).ok());
  // Each case edits the good spec's JSON.
  struct Case {
    const char* what;
    std::function<void(Json&)> edit;
    const char* message_part;
  } cases[] = {
      {"format", [](Json& j) { j["format"] = "other"; }, "spec.format"},
      {"version", [](Json& j) { j["version"] = 2; }, "spec.version: version 2 is not supported"},
      {"version type", [](Json& j) { j["version"] = "1"; }, "spec.version: must be an integer"},
      {"unknown top field", [](Json& j) { j["extra"] = true; }, "spec.extra: unknown field"},
      {"columns type", [](Json& j) { j["columns"] = "x"; }, "spec.columns: must be an array"},
      {"column type", [](Json& j) { j["columns"][0]["type"] = "bool"; }, "columns[0].type"},
      {"missing name", [](Json& j) { j["columns"][0].erase("name"); }, "columns[0].name: required"},
      {"step kind", [](Json& j) { j["columns"][0]["steps"][1]["kind"] = "scale"; }, "unknown step kind 'scale'"},
      {"learned type", [](Json& j) { j["columns"][0]["steps"][1]["min"] = "0"; }, "columns[0].steps[1].min: must be a number"},
      {"missing learned", [](Json& j) { j["columns"][0]["steps"][1].erase("max"); }, "columns[0].steps[1].max: required"},
      {"min > max", [](Json& j) { j["columns"][0]["steps"][1]["min"] = 5; }, "min: must not exceed max"},
      {"fill type", [](Json& j) { j["columns"][0]["steps"][0]["fill"] = "a"; }, "columns[0].steps[0].fill: must be a number"},
      {"fill missing", [](Json& j) { j["columns"][0]["steps"][0].erase("fill"); }, "columns[0].steps[0].fill: required"},
      {"foreign learned key", [](Json& j) { j["columns"][0]["steps"][0]["vocabulary"] = Json::array(); }, "vocabulary: unknown field"},
      {"vocab item", [](Json& j) { j["columns"][1]["steps"][0]["vocabulary"][1] = 3; }, "columns[1].steps[0].vocabulary[1]: must be a string"},
      {"vocab dup", [](Json& j) { j["columns"][1]["steps"][0]["vocabulary"][1] = "b"; }, "'b' appears twice"},
      {"vocab > top_k", [](Json& j) { j["columns"][1]["steps"][0]["top_k"] = 1; }, "longer than top_k"},
      {"one_hot on numeric", [](Json& j) { j["columns"][1]["type"] = "numeric"; }, "one_hot needs a string column"},
      {"negative buckets", [](Json& j) {
         j["columns"][0]["steps"][1] = Json{{"kind", "bucketize"}, {"buckets", -4}, {"boundaries", Json::array()}};
       }, "columns[0].steps[1].buckets: must be between 1"},
      {"unsorted boundaries", [](Json& j) {
         j["columns"][0]["steps"][1] = Json{{"kind", "bucketize"}, {"buckets", 4}, {"boundaries", {2.0, 1.0}}};
       }, "strictly increasing"},
      {"too many boundaries", [](Json& j) {
         j["columns"][0]["steps"][1] = Json{{"kind", "bucketize"}, {"buckets", 2}, {"boundaries", {1.0, 2.0}}};
       }, "more than buckets - 1"},
      {"negative std", [](Json& j) {
         j["columns"][0]["steps"][1] = Json{{"kind", "z_score"}, {"mean", 0}, {"std", -1}};
       }, "columns[0].steps[1].std: must not be negative"},
      {"hash buckets too big", [](Json& j) {
         j["columns"][1]["steps"][0] = Json{{"kind", "hash"}, {"buckets", int64_t{1} << 40}};
       }, "columns[1].steps[0].buckets: must be between 1"},
      {"type conflict", [](Json& j) { j["columns"][1]["column"] = "x"; }, "used both as numeric and as string"},
      {"duplicate feature", [](Json& j) {
         j["columns"][1] = Json{{"column", "x"}, {"name", "x"}, {"type", "numeric"}, {"steps", Json::array()}};
       }, "feature name 'x' is produced twice"},
      {"oov collision", [](Json& j) { j["columns"][1]["steps"][0]["vocabulary"][1] = "__oov__"; },
       "feature name 'c=__oov__' is produced twice"},
  };
  for (const auto& c : cases) {
    Json j = Json::parse(good);
    c.edit(j);
    auto r = TransformSpec::FromJson(j);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << c.what << " -> " << r.status().message();
  }
  EXPECT_EQ(TransformSpec::Parse("{not json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TransformSpec::Parse(R"({"format":"moebius.transform","version":1,"columns":[{"column":"x","name":"x",)"
                                 R"("type":"numeric","steps":[{"kind":"min_max","min":0,"max":1e999}]}]})")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(ApplyTest, RowErrorsNameTheColumn) {
  auto tr = *Transformer::Create(HandSpec());
  std::vector<float> out;
  std::vector<Cell> wrong = {Cell::String("1"), Cell::String("a")};
  Status st = tr.ApplyRow(std::span<const Cell>(wrong), &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column 'x': expected a number, got a string"), std::string::npos) << st.message();
  std::vector<Cell> short_row = {Cell::Number(1)};
  EXPECT_EQ(tr.ApplyRow(std::span<const Cell>(short_row), &out).code(), StatusCode::kInvalidArgument);
  std::vector<Cell> ok = {Cell::Number(1), Cell::String("a")};
  std::vector<float> small(2);
  EXPECT_EQ(tr.ApplyRow(std::span<const Cell>(ok), std::span<float>(small)).code(), StatusCode::kInvalidArgument);

  Table t;
  ASSERT_TRUE(t.AddString("x", {"1"}).ok());
  ASSERT_TRUE(t.AddString("c", {"a"}).ok());
  auto m = tr.ApplyTable(t);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("column 'x' is string in the table but numeric"), std::string::npos);
  Table missing;
  ASSERT_TRUE(missing.AddNumeric("x", {1}).ok());
  EXPECT_NE(tr.ApplyTable(missing).status().message().find("no column 'c'"), std::string::npos);
}

// Training (ApplyTable) and serving (ApplyRow by vector and by map) must agree bit for bit on
// random data with missing values, unseen categories and out-of-range numbers.
TEST(ApplyTest, TrainingAndServingAreBitIdentical) {
  std::mt19937_64 rng(20260401);
  std::normal_distribution<double> normal(0, 100);
  std::uniform_int_distribution<int> pick(0, 29);
  const size_t n = 2000;
  std::vector<double> a(n), b(n);
  std::vector<std::optional<std::string>> s(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = pick(rng) == 0 ? kNaN : normal(rng);
    b[i] = pick(rng) < 2 ? kNaN : std::exp(normal(rng) / 50);
    int k = pick(rng);
    s[i] = k == 0 ? std::nullopt : std::optional<std::string>("v" + std::to_string(k * k % 17));
  }
  Table train;
  ASSERT_TRUE(train.AddNumeric("a", {a.begin(), a.begin() + n / 2}).ok());
  ASSERT_TRUE(train.AddNumeric("b", {b.begin(), b.begin() + n / 2}).ok());
  ASSERT_TRUE(train.AddString("s", {s.begin(), s.begin() + n / 2}).ok());
  TransformSpec spec = FitOrDie(R"({"columns": [
      {"column": "a", "steps": [{"kind": "impute", "strategy": "median"}, {"kind": "z_score"}]},
      {"column": "a", "name": "a_raw", "steps": [{"kind": "min_max"}]},
      {"column": "a", "name": "a_q", "steps": [{"kind": "impute", "strategy": "mean"}, {"kind": "bucketize", "buckets": 10}]},
      {"column": "b", "steps": [{"kind": "log"}, {"kind": "impute", "strategy": "most_frequent"}, {"kind": "min_max"}]},
      {"column": "b", "name": "b_pass", "steps": [{"kind": "passthrough"}]},
      {"column": "s", "steps": [{"kind": "one_hot", "top_k": 5}]},
      {"column": "s", "name": "s_id", "steps": [{"kind": "impute", "strategy": "most_frequent"}, {"kind": "vocabulary", "min_frequency": 40}]},
      {"column": "s", "name": "s_h", "steps": [{"kind": "hash", "buckets": 13}]}]})",
                                train);
  auto tr = *Transformer::Create(spec);
  ASSERT_EQ(tr.input_columns().size(), 3u);

  // Serve the full range: the second half holds values and categories training never saw.
  Table all;
  ASSERT_TRUE(all.AddString("s", s).ok());  // column order differs from the spec's input order
  ASSERT_TRUE(all.AddNumeric("b", b).ok());
  ASSERT_TRUE(all.AddNumeric("a", a).ok());
  auto batch = tr.ApplyTable(all);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->rows, n);
  const size_t w = tr.num_features();
  std::vector<float> out, out_map;
  out.reserve(w);
  for (size_t i = 0; i < n; ++i) {
    std::vector<Cell> row = {std::isnan(a[i]) ? Cell::Missing() : Cell::Number(a[i]), Cell::Number(b[i]),
                             s[i] ? Cell::String(*s[i]) : Cell::Missing()};
    ASSERT_TRUE(tr.ApplyRow(std::span<const Cell>(row), &out).ok());
    ASSERT_EQ(std::memcmp(out.data(), batch->values.data() + i * w, w * sizeof(float)), 0) << "row " << i;
    std::unordered_map<std::string, Cell> by_name = {{"a", Cell::Number(a[i])}, {"b", Cell::Number(b[i])}};
    if (s[i]) by_name["s"] = Cell::String(*s[i]);
    by_name["unused"] = Cell::String("ignored");
    ASSERT_TRUE(tr.ApplyRow(by_name, &out_map).ok());
    ASSERT_EQ(std::memcmp(out_map.data(), out.data(), w * sizeof(float)), 0) << "row " << i;
  }
  // Determinism: fitting twice gives the same hash, and a reparsed spec the same batch.
  EXPECT_EQ(FitOrDie(spec.Config().ToJson().dump().c_str(), train).Hash(), spec.Hash());
  auto again = Transformer::Create(*TransformSpec::Parse(spec.Canonical()))->ApplyTable(all);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::memcmp(again->values.data(), batch->values.data(), batch->values.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace moebius::transform
