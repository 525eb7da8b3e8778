#include "data/table/schema.h"

#include <gtest/gtest.h>

#include "data/table/table_reader.h"

namespace moebius::data {
namespace {

Table Load(std::string_view csv) {
  ReadOptions o;
  o.name = "v.csv";
  Result<Table> t = ReadTableFromBuffer(csv, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

constexpr char kTrain[] =
    "age,score,city,flag,label\n"
    "30,0.5,seoul,true,yes\n"
    "41,0.25,busan,false,no\n"
    "25,,seoul,true,yes\n"
    "60,1.0,daegu,false,no\n";

TEST(SchemaTest, InferAndRoundTrip) {
  SchemaOptions so;
  so.label = "label";
  Result<Schema> s = InferSchema(Load(kTrain), so);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->columns.size(), 5u);
  const ColumnSchema& age = s->columns[0];
  EXPECT_EQ(age.type, ColumnType::kInt);
  EXPECT_FALSE(age.nullable);
  EXPECT_EQ(age.min, 25);
  EXPECT_EQ(age.max, 60);
  EXPECT_TRUE(s->columns[1].nullable);
  EXPECT_EQ(s->columns[2].categories, (std::vector<std::string>{"busan", "daegu", "seoul"}));
  EXPECT_EQ(s->columns[3].categories, (std::vector<std::string>{"false", "true"}));

  Json j = ToJson(*s);
  Result<Schema> back = ParseSchema(j.dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToJson(*back), j);
  EXPECT_EQ(back->label, "label");

  ValidationReport clean = Validate(Load(kTrain), *s);
  EXPECT_TRUE(clean.ok()) << ToJson(clean).dump();
}

TEST(SchemaTest, ReportsEachAnomalyWithCountsAndExamples) {
  SchemaOptions so;
  so.label = "label";
  so.min_minority_share = 0.3;
  Schema s = InferSchema(Load(kTrain), so).value();
  Table t = Load(
      "age,score,city,flag,label,extra\n"
      "30,0.5,seoul,true,yes,1\n"      // 1
      ",0.5,seoul,true,yes,1\n"        // 2 missing age
      "31.5,0.5,incheon,true,yes,1\n"  // 3 age not int, unseen city
      "99,7,seoul,true,yes,1\n"        // 4 age and score out of range
      "30,0.5,seoul,true,yes,1\n"      // 5 duplicate of 1
      "30,0.5,seoul,true,no,1\n");     // 6
  ValidationReport r = Validate(t, s);
  std::map<std::string, Anomaly> by;
  for (const auto& a : r.anomalies) by[std::string(AnomalyKindName(a.kind)) + ":" + a.column] = a;
  ASSERT_TRUE(by.count("missing_values:age")) << ToJson(r).dump(2);
  EXPECT_EQ(by["missing_values:age"].count, 1u);
  EXPECT_EQ(by["missing_values:age"].example_rows, (std::vector<uint64_t>{2}));
  EXPECT_EQ(by["type_mismatch:age"].example_rows, (std::vector<uint64_t>{3}));
  EXPECT_EQ(by["out_of_range:age"].example_rows, (std::vector<uint64_t>{4}));
  EXPECT_EQ(by["out_of_range:age"].message, "column 'age' has 1 value outside [25, 60]");
  EXPECT_EQ(by["out_of_range:score"].example_rows, (std::vector<uint64_t>{4}));
  EXPECT_EQ(by["unseen_category:city"].example_rows, (std::vector<uint64_t>{3}));
  EXPECT_EQ(by["unexpected_column:extra"].count, 6u);
  EXPECT_EQ(by["constant_column:extra"].count, 6u);
  EXPECT_EQ(by["constant_column:flag"].count, 6u);
  EXPECT_EQ(by["duplicate_rows:"].example_rows, (std::vector<uint64_t>{5}));
  ASSERT_TRUE(by.count("label_imbalance:label"));
  EXPECT_EQ(by["label_imbalance:label"].count, 1u);
  EXPECT_EQ(by["label_imbalance:label"].message,
            "class 'no' of label 'label' holds 16.67% of 6 labelled rows; the threshold is 30%");
  EXPECT_EQ(by["type_mismatch:age"].message, "column 'age' has 1 value that is not int");
  EXPECT_EQ(r.anomalies.size(), 10u) << ToJson(r).dump(2);
}

TEST(SchemaTest, TypeMismatchAcrossTypesAndExampleCap) {
  Schema s;
  s.columns.push_back({"n", ColumnType::kFloat, false, 0.0, 100.0, {}});
  std::string csv = "n\n";
  for (int i = 0; i < 8; ++i) csv += "x" + std::to_string(i) + "\n";
  csv += "5\n";
  ValidationReport r = Validate(Load(csv), s);
  ASSERT_EQ(r.anomalies.size(), 1u) << ToJson(r).dump(2);
  EXPECT_EQ(r.anomalies[0].kind, AnomalyKind::kTypeMismatch);
  EXPECT_EQ(r.anomalies[0].count, 8u);
  EXPECT_EQ(r.anomalies[0].example_rows, (std::vector<uint64_t>{1, 2, 3, 4, 5}));

  Schema missing;
  missing.columns.push_back({"gone", ColumnType::kInt, true, std::nullopt, std::nullopt, {}});
  missing.columns.push_back({"n", ColumnType::kString, true, std::nullopt, std::nullopt, {}});
  ValidationReport m = Validate(Load("n\na\nb\n"), missing);
  ASSERT_EQ(m.anomalies.size(), 1u);
  EXPECT_EQ(m.anomalies[0].kind, AnomalyKind::kMissingColumn);
  EXPECT_EQ(m.anomalies[0].message, "column 'gone' of the schema is not in the table");
}

TEST(SchemaTest, LabelClassAbsentFromNewData) {
  Schema s;
  s.columns.push_back({"y", ColumnType::kString, false, std::nullopt, std::nullopt, {"a", "b", "c"}});
  s.label = "y";
  ValidationOptions vo;
  vo.check_constant = false;
  vo.check_duplicates = false;
  ValidationReport r = Validate(Load("y\na\nb\na\nb\n"), s, vo);
  ASSERT_EQ(r.anomalies.size(), 1u) << ToJson(r).dump(2);
  EXPECT_EQ(r.anomalies[0].kind, AnomalyKind::kLabelImbalance);
  EXPECT_EQ(r.anomalies[0].count, 0u);
  EXPECT_EQ(r.anomalies[0].message, "class 'c' of label 'y' holds 0% of 4 labelled rows; the threshold is 10%");
}

TEST(SchemaTest, StrictJson) {
  struct Case {
    const char* json;
    const char* message;
  } cases[] = {
      {"[]", "a schema must be a JSON object"},
      {R"({"version":2,"columns":[{"name":"a","type":"int"}]})", "version: must be 1"},
      {R"({"version":1,"columns":[]})", "columns: must not be empty"},
      {R"({"version":1,"columns":[{"name":"a","type":"int"}],"extra":1})", "extra: unknown field"},
      {R"({"version":1,"columns":[{"name":"a","type":"decimal"}]})", "columns[0].type: must be one of int, float, bool, string"},
      {R"({"version":1,"columns":[{"name":"a","type":"int","min":5,"max":1}]})", "columns[0].min: is greater than max"},
      {R"({"version":1,"columns":[{"name":"a","type":"int"},{"name":"a","type":"float"}]})", "columns[1].name: 'a' appears twice"},
      {R"({"version":1,"columns":[{"name":"a","type":"int","categories":["x"]}]})", "columns[0].categories: only string and bool columns have categories"},
      {R"({"version":1,"columns":[{"name":"a","type":"string","categories":["x","x"]}]})", "columns[0].categories: lists 'x' twice"},
      {R"({"version":1,"columns":[{"name":"a","type":"string","colour":1}]})", "columns[0].colour: unknown field"},
      {R"({"version":1,"columns":[{"name":"a","type":"int"}],"label":"b"})", "label: 'b' is not a column"},
      {R"({"version":1,"columns":[{"name":"a","type":"int"}],"min_minority_share":2})", "min_minority_share: must be between 0 and 1"},
      {R"({"version":1,"columns":[{"name":"","type":"int"}]})", "columns[0].name: must be a non-empty string"},
  };
  for (const auto& c : cases) {
    Result<Schema> s = ParseSchema(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.status().message(), c.message) << c.json;
  }
  EXPECT_FALSE(ParseSchema("{not json").ok());
}

}  // namespace
}  // namespace moebius::data
