// Test support for the unit tests (gtest/gmock), after abseil's status matchers:
//
//   EXPECT_OK(expr) / ASSERT_OK(expr)       expr is a Status or Result<T>; on failure the message
//                                           prints the status (code and text), not just "false"
//   ASSERT_OK_AND_ASSIGN(lhs, rexpr)        lhs = the value of a Result, or the test fails there
//   EXPECT_THAT(expr, StatusIs(code))       a Status or Result<T> with that code
//   EXPECT_THAT(expr, StatusIs(code, HasSubstr("field 'x'")))   ... and a message matcher
//   TempDir                                 a fresh directory per test, removed at the end
//
// Only test targets link moebius_testing.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

#include "base/status.h"

namespace moebius {

// gtest prints these in failure messages.
void PrintTo(const Status& status, std::ostream* os);
void PrintTo(StatusCode code, std::ostream* os);

namespace testing {

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) { return r.status(); }

MATCHER_P2(StatusIsMatcher, code, message_matcher, "") {
  const Status& s = ::moebius::testing::StatusOf(arg);
  if (s.code() != code) {
    *result_listener << "whose status is " << s.ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(message_matcher, s.message(), result_listener);
}

// Matches a Status or Result<T> whose code is `code` (and whose message matches `message`).
inline auto StatusIs(StatusCode code) { return StatusIsMatcher(code, ::testing::_); }
template <typename M>
auto StatusIs(StatusCode code, M message) {
  return StatusIsMatcher(code, ::testing::MatcherCast<const std::string&>(message));
}

// A directory of its own for each test: <tmp>/moebius-<test suite>-<test>-<pid>, empty at the
// start and removed at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace testing
}  // namespace moebius

#define EXPECT_OK(expr) EXPECT_TRUE(::moebius::testing::StatusOf(expr).ok()) << ::moebius::testing::StatusOf(expr).ToString()
#define ASSERT_OK(expr)                                                            \
  do {                                                                             \
    const ::moebius::Status _moebius_st = ::moebius::testing::StatusOf(expr);      \
    ASSERT_TRUE(_moebius_st.ok()) << #expr << ": " << _moebius_st.ToString();      \
  } while (0)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(MOEBIUS_CONCAT(_moebius_res_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr)                         \
  auto tmp = (rexpr);                                                      \
  ASSERT_TRUE(tmp.ok()) << #rexpr << ": " << tmp.status().ToString();      \
  lhs = std::move(tmp).value()
