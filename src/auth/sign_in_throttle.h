// Backoff for password sign-ins (the login route and HTTP Basic with a password), per user name
// and per client address. Each failed attempt counts against both keys; past a key's free
// failures it backs off for first_backoff_ms, doubling with each further failure up to
// max_backoff_ms. While either key backs off, Check refuses at once (kResourceExhausted with a
// Retry-After hint) and no password hash is computed, so a flood costs the server little.
// Unknown user names are tracked like real ones, so the answers never tell whether a user
// exists. A success forgets the user's failures, not the address's (one good account must not
// clear the address for guesses at others). A key's failures are forgotten once it has had
// none for forget_after_ms. At most max_tracked keys of each kind are kept; past that the
// entries that no longer back off are dropped first, then the oldest.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace moebius::auth {

struct SignInPolicy {
  int user_free_failures = 5;
  int address_free_failures = 20;
  int64_t first_backoff_ms = 1000;
  int64_t max_backoff_ms = 60'000;
  int64_t forget_after_ms = 15 * 60'000;
  size_t max_tracked = 100'000;
  // The password-hash pool (see password_hash_pool.h): threads that run argon2, and how many
  // request threads may wait on them at once (more are refused with kResourceExhausted).
  int hash_threads = 1;
  int max_waiting = 1;
};

class SignInThrottle {
 public:
  SignInThrottle(const SignInPolicy& policy, const Clock& clock) : policy_(policy), clock_(clock) {}

  // OK, or kResourceExhausted naming what backs off, with retry_after_seconds() set.
  Status Check(std::string_view user, std::string_view address);
  void RecordFailure(std::string_view user, std::string_view address);
  void RecordSuccess(std::string_view user);

  // "203.0.113.5" from "203.0.113.5:51234", "::1" from "::1:51234", "[::1]" from "[::1]:51234".
  static std::string AddressOf(std::string_view remote);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_failure_ms = 0;
    int64_t blocked_until_ms = 0;
  };
  using Table = std::unordered_map<std::string, Entry>;

  void Fail(Table& table, std::string_view key, int free_failures, int64_t now) REQUIRES(mu_);
  void Prune(Table& table, int64_t now) REQUIRES(mu_);

  const SignInPolicy policy_;
  const Clock& clock_;
  std::mutex mu_;
  Table users_ GUARDED_BY(mu_);
  Table addresses_ GUARDED_BY(mu_);
};

}  // namespace moebius::auth
