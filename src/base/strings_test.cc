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

TEST(StringsTest, EscapeForLogKeepsOneLine) {
  // The forged access line of issue 11: a decoded path carrying CR LF and a fake record.
  EXPECT_EQ(EscapeForLog("/x\r\n[2026-01-01 00:00:00] access DELETE /p 200"), "/x\\r\\n[2026-01-01 00:00:00] access DELETE /p 200");
  EXPECT_EQ(EscapeForLog("a\tb"), "a\\tb");
  EXPECT_EQ(EscapeForLog(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(EscapeForLog("\x1b[31mred"), "\\x1b[31mred");   // terminal escape
  EXPECT_EQ(EscapeForLog("\x7f"), "\\x7f");
  EXPECT_EQ(EscapeForLog("\xc2\x9b"), "\\xc2\\x9b");      // C1 CSI
  EXPECT_EQ(EscapeForLog("\xe2\x80\xa8"), "\\xe2\\x80\\xa8");  // U+2028 line separator
  EXPECT_EQ(EscapeForLog("\xff\xfe"), "\\xff\\xfe");      // not UTF-8
  EXPECT_EQ(EscapeForLog("back\\slash"), "back\\\\slash");
  EXPECT_EQ(EscapeForLog("한국어 plain /api/v1"), "한국어 plain /api/v1");
}

TEST(StringsTest, DriveLetters) {
  EXPECT_TRUE(HasDriveLetter("C:/Windows/evil.bat"));
  EXPECT_TRUE(HasDriveLetter("c:evil"));
  EXPECT_TRUE(HasDriveLetter("Z:"));
  EXPECT_FALSE(HasDriveLetter("a/C:/x"));
  EXPECT_FALSE(HasDriveLetter("ab:c"));
  EXPECT_FALSE(HasDriveLetter("1:x"));
  EXPECT_FALSE(HasDriveLetter("C"));
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
