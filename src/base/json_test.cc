#include "base/json.h"

#include <gtest/gtest.h>

namespace moebius {
namespace {

TEST(JsonTest, RejectsMalformed) {
  for (const char* bad : {"{", "{\"a\":}", "[1,2", "nul", "{\"a\":1}}"}) {
    auto r = ParseJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(JsonTest, EnforcesDepth) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = ParseJson(deep, JsonLimits{.max_depth = 32});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeper"), std::string::npos);
  EXPECT_TRUE(ParseJson("[[[1]]]", JsonLimits{.max_depth = 3}).ok());
  EXPECT_FALSE(ParseJson("[[[[1]]]]", JsonLimits{.max_depth = 3}).ok());
}

TEST(JsonTest, EnforcesStringAndArrayLimits) {
  JsonLimits l{.max_depth = 8, .max_string_bytes = 4, .max_array_items = 3};
  EXPECT_TRUE(ParseJson(R"({"abcd":"1234"})", l).ok());
  EXPECT_FALSE(ParseJson(R"({"abcde":"1"})", l).ok());
  EXPECT_FALSE(ParseJson(R"({"a":"12345"})", l).ok());
  EXPECT_TRUE(ParseJson("[1,2,3]", l).ok());
  EXPECT_FALSE(ParseJson("[1,2,3,4]", l).ok());
}

TEST(JsonTest, TypedAccessors) {
  Json j = *ParseJson(R"({"s":"x","i":"42","n":1.5,"b":true,"bad":[1],"nan":"NaN"})");
  EXPECT_EQ(**OptString(j, "s"), "x");
  EXPECT_EQ(**OptInt(j, "i"), 42);
  EXPECT_DOUBLE_EQ(**OptDouble(j, "n"), 1.5);
  EXPECT_TRUE(**OptBool(j, "b"));
  EXPECT_FALSE(OptString(j, "missing")->has_value());
  EXPECT_FALSE(OptString(j, "bad").ok());
  EXPECT_FALSE(OptInt(j, "s").ok());
  EXPECT_FALSE(OptInt(j, "n").ok());
  EXPECT_TRUE(std::isnan(**OptDouble(j, "nan")));
  EXPECT_FALSE(ReqString(j, "missing").ok());
}

}  // namespace
}  // namespace moebius
