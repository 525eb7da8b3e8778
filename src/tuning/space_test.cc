#include "tuning/space.h"

#include <gtest/gtest.h>

namespace moebius::tuning {
namespace {

Json Parse(const char* text) { return Json::parse(text); }

TEST(SpaceTest, ParsesEveryKindAndRoundTrips) {
  auto space = SearchSpace::FromJson(Parse(R"({"params": [
    {"name": "lr", "type": "float", "low": 1e-5, "high": 0.1, "log": true},
    {"name": "frac", "type": "float", "low": 0, "high": 1, "step": 0.25},
    {"name": "depth", "type": "int", "low": 1, "high": 10},
    {"name": "leaves", "type": "int", "low": 8, "high": 1024, "log": true},
    {"name": "even", "type": "int", "low": 0, "high": 9, "step": 2},
    {"name": "booster", "type": "categorical", "choices": ["gbtree", "dart", 3, true]},
    {"name": "rate_drop", "type": "float", "low": 0, "high": 1, "condition": {"parent": "booster", "values": ["dart"]}}
  ]})"));
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  EXPECT_EQ(space->size(), 7u);
  EXPECT_EQ(space->param(4).high, 8);  // the largest value on the step grid
  EXPECT_EQ(space->Cardinality(1), 5u);
  EXPECT_EQ(space->Cardinality(4), 5u);
  EXPECT_EQ(space->Cardinality(5), 4u);
  EXPECT_EQ(space->Cardinality(0), 0u);
  auto again = SearchSpace::FromJson(space->ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToJson(), space->ToJson());
}

struct BadCase {
  const char* json;
  const char* name_in_message;
  const char* reason;
};

TEST(SpaceTest, RefusesBadSpacesNamingTheParameter) {
  const BadCase cases[] = {
      {R"([{"name": "x", "type": "float", "low": 1, "high": 1}])", "(x)", "empty range"},
      {R"([{"name": "x", "type": "float", "low": 2, "high": 1}])", "(x)", "low > high"},
      {R"([{"name": "n", "type": "int", "low": 5, "high": 1}])", "(n)", "low > high"},
      {R"([{"name": "lr", "type": "float", "low": 0, "high": 1, "log": true}])", "(lr)", "log scale"},
      {R"([{"name": "lr", "type": "float", "low": -1, "high": 1, "log": true}])", "(lr)", "log scale"},
      {R"([{"name": "k", "type": "int", "low": 0, "high": 10, "log": true}])", "(k)", "log scale"},
      {R"([{"name": "x", "type": "gaussian", "low": 0, "high": 1}])", "(x)", "unknown type"},
      {R"([{"name": "x", "type": "float", "low": 0, "high": 1, "step": 2}])", "(x)", "empty range"},
      {R"([{"name": "x", "type": "float", "low": 0, "high": 1, "step": 0}])", "(x)", "step"},
      {R"([{"name": "n", "type": "int", "low": 0.5, "high": 3}])", "(n)", "integers"},
      {R"([{"name": "c", "type": "categorical", "choices": []}])", "(c)", "no choices"},
      {R"([{"name": "c", "type": "categorical", "choices": ["a", "a"]}])", "(c)", "duplicate choice"},
      {R"([{"name": "c", "type": "categorical", "choices": [[1]]}])", "(c)", "not a string"},
      {R"([{"name": "x", "type": "float", "low": 0}])", "(x)", "missing 'high'"},
      {R"([{"name": "x", "type": "float", "low": 0, "high": 1, "colour": 1}])", "(x)", "unknown field"},
      {R"([{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "x", "type": "int", "low": 0, "high": 1}])", "(x)", "duplicate name"},
      {R"([{"name": "y", "type": "float", "low": 0, "high": 1, "condition": {"parent": "c", "values": ["a"]}}])", "(y)", "not a parameter defined before"},
      {R"([{"name": "x", "type": "float", "low": 0, "high": 1}, {"name": "y", "type": "float", "low": 0, "high": 1, "condition": {"parent": "x", "values": [1]}}])", "(y)", "not categorical"},
      {R"([{"name": "c", "type": "categorical", "choices": ["a"]}, {"name": "y", "type": "float", "low": 0, "high": 1, "condition": {"parent": "c", "values": ["b"]}}])", "(y)", "not a choice"},
      {R"([{"name": "", "type": "float", "low": 0, "high": 1}])", "params[0]", "name"},
  };
  for (const BadCase& c : cases) {
    auto space = SearchSpace::FromJson(Parse(c.json));
    ASSERT_FALSE(space.ok()) << c.json;
    EXPECT_EQ(space.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(space.status().message().find(c.name_in_message), std::string::npos) << space.status().message();
    EXPECT_NE(space.status().message().find(c.reason), std::string::npos) << space.status().message();
  }
  EXPECT_FALSE(SearchSpace::FromJson(Parse(R"({"params": []})")).ok());
  EXPECT_FALSE(SearchSpace::FromJson(Parse(R"({"parameters": []})")).ok());
}

TEST(SpaceTest, ConditionsAndExternalForm) {
  auto space = SearchSpace::FromJson(Parse(R"([
    {"name": "model", "type": "categorical", "choices": ["svm", "tree"]},
    {"name": "kernel", "type": "categorical", "choices": ["rbf", "linear"], "condition": {"parent": "model", "values": ["svm"]}},
    {"name": "gamma", "type": "float", "low": 0.001, "high": 10, "log": true, "condition": {"parent": "kernel", "values": ["rbf"]}},
    {"name": "depth", "type": "int", "low": 1, "high": 8, "condition": {"parent": "model", "values": ["tree"]}}
  ])"));
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  auto p = space->FromExternal(Parse(R"({"model": "svm", "kernel": "rbf", "gamma": 0.5})"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(space->Contains(*p));
  EXPECT_FALSE(IsSet((*p)[3]));
  EXPECT_EQ(space->ToExternal(*p), Parse(R"({"model": "svm", "kernel": "rbf", "gamma": 0.5})"));
  EXPECT_FALSE(space->FromExternal(Parse(R"({"model": "tree", "depth": 3, "gamma": 1})")).ok());  // inactive given
  EXPECT_FALSE(space->FromExternal(Parse(R"({"model": "svm", "kernel": "linear", "depth": 3})")).ok());
  EXPECT_FALSE(space->FromExternal(Parse(R"({"model": "tree"})")).ok());  // depth missing
  EXPECT_FALSE(space->FromExternal(Parse(R"({"model": "tree", "depth": 9})")).ok());  // out of range
  EXPECT_FALSE(space->FromExternal(Parse(R"({"model": "tree", "depth": 2.5})")).ok());
  EXPECT_TRUE(space->FromExternal(Parse(R"({"model": "tree", "depth": 8})")).ok());
}

}  // namespace
}  // namespace moebius::tuning
