#include "base/strings.h"

#include <gtest/gtest.h>

namespace moebius {
namespace {

TEST(StringsTest, UrlDecode) {
  EXPECT_EQ(*UrlDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(*UrlDecode("a+c", false), "a+c");
  EXPECT_FALSE(UrlDecode("%2", false).has_value());
  EXPECT_FALSE(UrlDecode("%", false).has_value());
  EXPECT_FALSE(UrlDecode("%zz", false).has_value());
  EXPECT_EQ(*UrlDecode(UrlEncode("한글 /?&"), false), "한글 /?&");
}

TEST(StringsTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("한국어"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));  // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
}

TEST(StringsTest, Base64RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "admin:p@ss:word"}) EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
  EXPECT_EQ(Base64Encode("admin:pw"), "YWRtaW46cHc=");
  EXPECT_FALSE(Base64Decode("a*b").has_value());
}

TEST(StringsTest, Numbers) {
  EXPECT_EQ(*ParseInt64("-12"), -12);
  EXPECT_FALSE(ParseInt64("12a").has_value());
  EXPECT_FALSE(ParseInt64("").has_value());
  EXPECT_DOUBLE_EQ(*ParseDouble("1e3"), 1000.0);
  EXPECT_FALSE(ParseDouble("1e3x").has_value());
}

}  // namespace
}  // namespace moebius
