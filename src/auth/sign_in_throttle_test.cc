#include "auth/sign_in_throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/password.h"
#include "auth/password_hash_pool.h"

namespace moebius::auth {
namespace {

SignInPolicy Policy() {
  SignInPolicy p;
  p.user_free_failures = 3;
  p.address_free_failures = 5;
  p.first_backoff_ms = 1000;
  p.max_backoff_ms = 8000;
  p.forget_after_ms = 60'000;
  return p;
}

TEST(SignInThrottle, UserBacksOffAfterFreeFailuresDoublingToTheCap) {
  ManualClock clock(0);
  SignInThrottle t(Policy(), clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(t.Check("alice", "").ok()) << i;
    t.RecordFailure("alice", "");
  }
  ASSERT_TRUE(t.Check("alice", "").ok());  // three free failures, no backoff yet
  t.RecordFailure("alice", "");            // the fourth: 1 s
  Status st = t.Check("alice", "");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(st.retry_after_seconds(), 1);
  EXPECT_NE(st.message().find("this account"), std::string::npos) << st.message();
  EXPECT_TRUE(t.Check("bob", "").ok());  // other users are not affected
  clock.Advance(1000);
  ASSERT_TRUE(t.Check("alice", "").ok());
  for (int expected : {2, 4, 8, 8}) {
    t.RecordFailure("alice", "");
    EXPECT_EQ(t.Check("alice", "").retry_after_seconds(), expected);
    clock.Advance(expected * 1000);
  }
  t.RecordSuccess("alice");
  EXPECT_TRUE(t.Check("alice", "").ok());
  t.RecordFailure("alice", "");
  EXPECT_TRUE(t.Check("alice", "").ok());  // a success forgot the earlier failures
}

TEST(SignInThrottle, AddressBacksOffAcrossUserNamesAndASuccessDoesNotClearIt) {
  ManualClock clock(0);
  SignInThrottle t(Policy(), clock);
  for (int i = 0; i < 6; ++i) t.RecordFailure("user" + std::to_string(i), "10.0.0.7");
  Status st = t.Check("someone-else", "10.0.0.7");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(st.retry_after_seconds(), 1);
  EXPECT_NE(st.message().find("this address"), std::string::npos) << st.message();
  EXPECT_TRUE(t.Check("someone-else", "10.0.0.8").ok());
  t.RecordSuccess("user1");
  EXPECT_EQ(t.Check("user1", "10.0.0.7").code(), StatusCode::kResourceExhausted);
}

TEST(SignInThrottle, FailuresAreForgottenAfterAQuietWindow) {
  ManualClock clock(0);
  SignInThrottle t(Policy(), clock);
  for (int i = 0; i < 3; ++i) t.RecordFailure("carol", "");
  clock.Advance(61'000);
  t.RecordFailure("carol", "");
  EXPECT_TRUE(t.Check("carol", "").ok());
}

TEST(SignInThrottle, TableStaysBounded) {
  ManualClock clock(0);
  SignInPolicy p = Policy();
  p.max_tracked = 100;
  SignInThrottle t(p, clock);
  for (int i = 0; i < 1000; ++i) t.RecordFailure("u" + std::to_string(i), "");
  // Still answers, and a user past the free failures still backs off.
  for (int i = 0; i < 4; ++i) t.RecordFailure("dave", "");
  EXPECT_EQ(t.Check("dave", "").code(), StatusCode::kResourceExhausted);
}

TEST(SignInThrottle, AddressOfDropsThePort) {
  EXPECT_EQ(SignInThrottle::AddressOf("203.0.113.5:51234"), "203.0.113.5");
  EXPECT_EQ(SignInThrottle::AddressOf("::1:51234"), "::1");
  EXPECT_EQ(SignInThrottle::AddressOf("[::1]:8080"), "[::1]");
  EXPECT_EQ(SignInThrottle::AddressOf("localhost"), "localhost");
  EXPECT_EQ(SignInThrottle::AddressOf(""), "");
}

TEST(PasswordHashPool, VerifiesAndSpendsTheSameWorkForUnknownUsers) {
  PasswordHashPool pool(1, 4);
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(*pool.VerifyOrDummy(*hash, "correct horse"));
  EXPECT_FALSE(*pool.VerifyOrDummy(*hash, "wrong horse"));
  EXPECT_FALSE(*pool.VerifyOrDummy(std::nullopt, "correct horse"));
}

TEST(PasswordHashPool, RefusesCallersBeyondMaxWaitingInsteadOfQueueing) {
  PasswordHashPool pool(1, 1);
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  ASSERT_TRUE(pool.VerifyOrDummy(*hash, "warm up").ok());  // threads and dummy hash ready
  std::atomic<int> refused{0}, verified{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 8; ++i)
    callers.emplace_back([&] {
      auto r = pool.VerifyOrDummy(*hash, "correct horse");
      if (r.ok()) {
        EXPECT_TRUE(*r);
        ++verified;
      } else {
        EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
        EXPECT_EQ(r.status().retry_after_seconds(), 1);
        ++refused;
      }
    });
  for (auto& t : callers) t.join();
  EXPECT_GE(verified.load(), 1);
  EXPECT_GE(refused.load(), 1);
}

}  // namespace
}  // namespace moebius::auth
