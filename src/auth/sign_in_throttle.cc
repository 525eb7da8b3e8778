#include "auth/sign_in_throttle.h"

#include <algorithm>
#include <vector>

namespace moebius::auth {
namespace {

int64_t NowMs(const Clock& clock) { return clock.MonotonicNanos() / 1'000'000; }

int SecondsUntil(int64_t until_ms, int64_t now_ms) { return static_cast<int>((until_ms - now_ms + 999) / 1000); }

}  // namespace

std::string SignInThrottle::AddressOf(std::string_view remote) {
  size_t colon = remote.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::string(remote);
  std::string_view port = remote.substr(colon + 1);
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::string(remote);
  return std::string(remote.substr(0, colon));
}

Status SignInThrottle::Check(std::string_view user, std::string_view address) {
  int64_t now = NowMs(clock_);
  std::lock_guard<std::mutex> lock(mu_);
  auto blocked = [&](const Table& table, std::string_view key) -> int64_t {
    auto it = table.find(std::string(key));
    return it == table.end() ? 0 : it->second.blocked_until_ms;
  };
  int64_t by_user = blocked(users_, user);
  int64_t by_address = address.empty() ? 0 : blocked(addresses_, address);
  if (by_user <= now && by_address <= now) return Status::Ok();
  int64_t until = std::max(by_user, by_address);
  const char* what = by_user > now ? "this account" : "this address";
  int seconds = SecondsUntil(until, now);
  return ResourceExhausted(std::string("too many failed sign-ins for ") + what + "; try again in " + std::to_string(seconds) + " s")
      .WithRetryAfter(seconds);
}

void SignInThrottle::RecordFailure(std::string_view user, std::string_view address) {
  int64_t now = NowMs(clock_);
  std::lock_guard<std::mutex> lock(mu_);
  Fail(users_, user, policy_.user_free_failures, now);
  if (!address.empty()) Fail(addresses_, address, policy_.address_free_failures, now);
}

void SignInThrottle::RecordSuccess(std::string_view user) {
  std::lock_guard<std::mutex> lock(mu_);
  users_.erase(std::string(user));
}

void SignInThrottle::Fail(Table& table, std::string_view key, int free_failures, int64_t now) {
  if (table.size() >= policy_.max_tracked && !table.count(std::string(key))) Prune(table, now);
  Entry& e = table[std::string(key)];
  if (e.failures > 0 && now - e.last_failure_ms > policy_.forget_after_ms) e = Entry{};
  ++e.failures;
  e.last_failure_ms = now;
  int over = e.failures - free_failures;
  if (over <= 0) return;
  int64_t backoff = policy_.first_backoff_ms;
  for (int i = 1; i < over && backoff < policy_.max_backoff_ms; ++i) backoff *= 2;
  e.blocked_until_ms = now + std::min(backoff, policy_.max_backoff_ms);
}

void SignInThrottle::Prune(Table& table, int64_t now) {
  for (auto it = table.begin(); it != table.end();) {
    bool stale = now - it->second.last_failure_ms > policy_.forget_after_ms;
    bool idle = it->second.blocked_until_ms <= now;
    it = stale || idle ? table.erase(it) : std::next(it);
  }
  if (table.size() < policy_.max_tracked) return;
  // Every entry still backs off: drop the oldest half rather than grow without bound.
  std::vector<std::pair<int64_t, std::string>> by_age;
  by_age.reserve(table.size());
  for (const auto& [key, e] : table) by_age.push_back({e.last_failure_ms, key});
  std::nth_element(by_age.begin(), by_age.begin() + by_age.size() / 2, by_age.end());
  for (size_t i = 0; i < by_age.size() / 2; ++i) table.erase(by_age[i].second);
}

}  // namespace moebius::auth
