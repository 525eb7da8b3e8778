#include "base/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius {
namespace {

Json Doc(const char* text) {
  auto j = ParseJson(text);
  EXPECT_TRUE(j.ok()) << text;
  return j.ok() ? *j : Json();
}

// The status is kInvalidArgument and its message is exactly `message`.
void ExpectInvalid(const Status& s, const std::string& message) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_EQ(s.message(), message);
}

TEST(JsonReaderTest, PathsNameNestedFields) {
  Json j = Doc(R"({"algorithms":[{"space":{"params":[{"name":"x","type":1}]}}]})");
  JsonReader spec(j, "spec");
  auto algos = spec.Array("algorithms");
  ASSERT_TRUE(algos.ok()) << algos.status().ToString();
  auto space = (*algos)[0].Object("space");
  ASSERT_TRUE(space.ok());
  auto params = space->Array("params");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ((*params)[0].path(), "spec.algorithms[0].space.params[0]");
  EXPECT_EQ(*(*params)[0].Req<std::string>("name"), "x");
  ExpectInvalid((*params)[0].Req<std::string>("type").status(), "field 'spec.algorithms[0].space.params[0].type' must be a string, got number");
  ExpectInvalid((*params)[0].Req<std::string>("low").status(), "missing required field 'spec.algorithms[0].space.params[0].low'");
}

TEST(JsonReaderTest, RootPathsHaveNoPrefix) {
  Json j = Doc(R"({"a":{"b":[true]}})");
  JsonReader body(j);
  EXPECT_EQ(body.PathOf("a"), "a");
  ExpectInvalid(body.Object("a")->Array("b")->Items<std::string>().status(), "field 'a.b[0]' must be a string, got boolean");
  Json arr = Doc("[1]");
  ExpectInvalid(JsonReader(arr).Opt<std::string>("x").status(), "the request body must be an object, got array");
  ExpectInvalid(JsonReader(arr, "", "the evaluation").ExpectObject(), "the evaluation must be an object, got array");
  EXPECT_EQ(JsonReader(arr)[0].path(), "[0]");
}

// Every conversion, table-driven: value, type, expected result or message.
TEST(JsonReaderTest, Conversions) {
  Json j = Doc(R"({"s":"x","i":42,"is":"42","f":2.0,"ff":2.5,"big":18446744073709551615,"n":1.5,"nan":"NaN","inf":"-Infinity",
                  "b":true,"bs":"false","arr":[1],"obj":{},"neg":-3,"i32":3000000000,"junk":"4x"})");
  JsonReader r(j, "q");
  EXPECT_EQ(*r.Req<std::string>("s"), "x");
  EXPECT_EQ(*r.Req<int64_t>("i"), 42);
  EXPECT_EQ(*r.Req<int64_t>("f"), 2);
  EXPECT_EQ(*r.Req<int>("neg"), -3);
  EXPECT_DOUBLE_EQ(*r.Req<double>("n"), 1.5);
  EXPECT_DOUBLE_EQ(*r.Req<double>("i"), 42.0);
  EXPECT_TRUE(*r.Req<bool>("b"));
  EXPECT_EQ(*r.Req<Json>("arr"), Json::array({1}));
  // proto3 JSON's spellings only in proto3 mode, which the readers it hands out inherit.
  ExpectInvalid(r.Req<int64_t>("is").status(), "field 'q.is' must be an integer, got string");
  ExpectInvalid(r.Req<double>("nan").status(), "field 'q.nan' must be a number, got string");
  ExpectInvalid(r.Req<bool>("bs").status(), "field 'q.bs' must be a boolean, got string");
  JsonReader p = r.Proto3();
  EXPECT_EQ(*p.Req<int64_t>("is"), 42);
  EXPECT_TRUE(std::isnan(*p.Req<double>("nan")));
  EXPECT_EQ(*p.Req<double>("inf"), -INFINITY);
  EXPECT_FALSE(*p.Req<bool>("bs"));
  Json nested = Doc(R"({"a":[{"n":"7"}]})");
  EXPECT_EQ(*JsonReader(nested).Proto3().Array("a")->operator[](0).Req<int64_t>("n"), 7);
  ExpectInvalid(JsonReader(nested).Array("a")->operator[](0).Req<int64_t>("n").status(), "field 'a[0].n' must be an integer, got string");

  struct Case {
    const char* key;
    Status status;
  };
  const Case cases[] = {
      {"i", r.Req<std::string>("i").status()},
      {"ff", r.Req<int64_t>("ff").status()},
      {"big", r.Req<int64_t>("big").status()},
      {"i32", r.Req<int>("i32").status()},
      {"junk", p.Req<int64_t>("junk").status()},
      {"s", p.Req<double>("s").status()},
      {"arr", r.Req<bool>("arr").status()},
      {"obj", r.Req<int64_t>("obj").status()},
      {"s", r.Object("s").status()},
      {"obj", r.Array("obj").status()},
  };
  const char* messages[] = {
      "field 'q.i' must be a string, got number",      "field 'q.ff' must be an integer, got 2.5",
      "field 'q.big' is out of range",                 "field 'q.i32' is out of range",
      "field 'q.junk' must be an integer, got '4x'",   "field 'q.s' must be a number, got 'x'",
      "field 'q.arr' must be a boolean, got array",    "field 'q.obj' must be an integer, got object",
      "field 'q.s' must be an object, got string",     "field 'q.obj' must be a list, got object",
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE(cases[i].key);
    ExpectInvalid(cases[i].status, messages[i]);
  }
}

TEST(JsonReaderTest, AbsentAndNullAreTheSame) {
  Json j = Doc(R"({"z":null})");
  JsonReader r(j, "q");
  for (const char* k : {"z", "missing"}) {
    EXPECT_FALSE(r.Has(k));
    EXPECT_FALSE(r.Opt<std::string>(k)->has_value());
    EXPECT_FALSE(r.Find(k)->has_value());
    EXPECT_FALSE(r.OptObject(k)->has_value());
    EXPECT_FALSE(r.OptList<std::string>(k)->has_value());
    EXPECT_EQ(*r.Get<int64_t>(k, 7), 7);
    ExpectInvalid(r.Req<int64_t>(k).status(), std::string("missing required field 'q.") + k + "'");
    ExpectInvalid(r.Object(k).status(), std::string("missing required field 'q.") + k + "'");
  }
  ExpectInvalid(JsonReader(j["z"], "q.z").As<Json>().status(), "field 'q.z' must not be null");
}

TEST(JsonReaderTest, ListsMembersAndUnknownKeys) {
  Json j = Doc(R"({"tags":["a","b"],"env":{"A":"1","B":2},"extra":0})");
  JsonReader r(j, "spec");
  EXPECT_EQ(**r.OptList<std::string>("tags"), (std::vector<std::string>{"a", "b"}));
  auto env = r.Object("env")->Members();
  ASSERT_TRUE(env.ok());
  ASSERT_EQ(env->size(), 2u);
  EXPECT_EQ((*env)[1].first, "B");
  ExpectInvalid((*env)[1].second.As<std::string>().status(), "field 'spec.env.B' must be a string, got number");
  EXPECT_TRUE(r.OnlyKeys({"tags", "env", "extra"}).ok());
  ExpectInvalid(r.OnlyKeys({"tags", "env"}), "unknown field 'spec.extra'");
  ExpectInvalid(r.Invalid("env", "must name at least three variables"), "field 'spec.env' must name at least three variables");
}

TEST(JsonReaderTest, LongStringsAreCutInMessages) {
  Json j = Json{{"n", std::string(100000, '7') + "x"}};
  auto s = JsonReader(j).Req<int64_t>("n").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_LT(s.message().size(), 120u);
}

TEST(JsonReaderTest, WrongTypesAtEveryDepthNeverThrow) {
  // Each accessor on each kind of value: an answer, never an exception.
  const Json values[] = {nullptr, true, 1, -1, 1.5, "s", Json::array({1}), Json::object({{"k", 1}}), 18446744073709551615ULL};
  for (const Json& v : values) {
    Json doc{{"k", v}};
    JsonReader r(doc);
    EXPECT_NO_THROW({
      (void)r.Opt<std::string>("k");
      (void)r.Opt<int64_t>("k");
      (void)r.Opt<int>("k");
      (void)r.Opt<double>("k");
      (void)r.Opt<bool>("k");
      (void)r.Opt<Json>("k");
      (void)r.OptObject("k");
      (void)r.OptArray("k");
      (void)r.OptList<std::string>("k");
      (void)JsonReader(v).Members();
      (void)JsonReader(v).Items<double>();
      (void)JsonReader(v).OnlyKeys({"k"});
      (void)JsonReader(v).Opt<std::string>("k");
    }) << v.dump();
  }
}

}  // namespace
}  // namespace moebius
