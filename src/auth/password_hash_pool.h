// A small, bounded pool that runs argon2 password verifications on threads of its own, so a
// sign-in flood cannot spend every request thread's CPU on hashing. A caller waits for its
// result; at most `max_waiting` callers may wait at once, and one more is refused at once with
// kResourceExhausted (Retry-After 1 s) instead of queueing, so the flood cannot hold every
// request thread either. Threads start on the first verification.
//
// The pool's threads run at a lower priority (nice 10) than the request threads, so a busy pool
// yields the CPU to requests.
//
// VerifyOrDummy spends the same work whether or not the user exists: with no stored hash it
// verifies against a fixed hash of a random password (made once), so the time to answer does
// not tell which user names exist.
//
// Thread-safety: thread-safe. The destructor stops the threads after the queued work.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"

namespace moebius::auth {

class PasswordHashPool {
 public:
  PasswordHashPool(int threads, int max_waiting);
  ~PasswordHashPool();
  PasswordHashPool(const PasswordHashPool&) = delete;
  PasswordHashPool& operator=(const PasswordHashPool&) = delete;

  // Whether `password` matches `encoded_hash`; with no hash, verifies against the dummy and
  // answers false. kResourceExhausted when max_waiting callers already wait.
  Result<bool> VerifyOrDummy(const std::optional<std::string>& encoded_hash, const std::string& password);

 private:
  void Start() REQUIRES(mu_);
  void Run();
  const std::string& DummyHash();

  const int threads_;
  const int max_waiting_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<std::function<void()>> queue_ GUARDED_BY(mu_);
  int waiting_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_ GUARDED_BY(mu_);
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace moebius::auth
