#include "auth/password_hash_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <future>

#include "auth/password.h"
#include "base/crypto.h"

namespace moebius::auth {
namespace {
constexpr int kNice = 10;
}  // namespace

PasswordHashPool::PasswordHashPool(int threads, int max_waiting)
    : threads_(std::max(1, threads)), max_waiting_(std::max(1, max_waiting)) {}

PasswordHashPool::~PasswordHashPool() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  work_cv_.notify_all();
  for (std::thread& t : workers) t.join();
}

void PasswordHashPool::Start() {
  // The dummy first, so the first sign-in after start costs the same for any user name.
  queue_.push_back([this] { DummyHash(); });
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { Run(); });
}

void PasswordHashPool::Run() {
  // Below the request threads: when a flood keeps the pool busy, the CPU goes to answering
  // requests first (Linux nice values are per thread).
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kNice);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

const std::string& PasswordHashPool::DummyHash() {
  std::call_once(dummy_once_, [this] {
    // Same parameters as every stored hash, of a password nobody knows.
    auto hash = HashPassword(RandomToken(32));
    dummy_hash_ = hash.ok() ? *hash : std::string();
  });
  return dummy_hash_;
}

Result<bool> PasswordHashPool::VerifyOrDummy(const std::optional<std::string>& encoded_hash, const std::string& password) {
  std::packaged_task<bool()> task([this, &encoded_hash, &password] {
    if (encoded_hash) return VerifyPassword(*encoded_hash, password);
    (void)VerifyPassword(DummyHash(), password);
    return false;
  });
  std::future<bool> result = task.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("the server is stopping");
    if (waiting_ >= max_waiting_)
      return ResourceExhausted("too many sign-ins at once; try again in 1 s").WithRetryAfter(1);
    ++waiting_;
    if (workers_.empty()) Start();
    queue_.push_back([&task] { task(); });
  }
  work_cv_.notify_one();
  bool ok = result.get();
  std::lock_guard<std::mutex> lock(mu_);
  --waiting_;
  return ok;
}

}  // namespace moebius::auth
