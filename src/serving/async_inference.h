// Asynchronous inference (SRV-2; docs/design/serving.md): a request is queued and answered with an
// id at once; a worker thread answers it through the deployment (routing, metrics and capture as a
// synchronous request) and keeps the v2 answer for the deployment's `async.keep_s`, to be polled,
// and POSTs it to the deployment's `async.webhook` when one is set — retried with backoff (1, 2, 4,
// 8 s; five attempts) until a 2xx answer, so a receiver gets every result at least once (once when
// it answers in time). A deployment's queue holds at most `async.max_queue` requests: beyond, the
// request is refused with 429 and Retry-After. Results live in memory: a restart loses the queue
// and the results not yet fetched.
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "serving/serving_service.h"

namespace moebius::serving {

class AsyncInference {
 public:
  AsyncInference(ServingService& serving, const Clock& clock);
  ~AsyncInference();
  AsyncInference(const AsyncInference&) = delete;
  AsyncInference& operator=(const AsyncInference&) = delete;

  // Queues the request; its id (the request's own, or one made for it). kResourceExhausted when the
  // deployment's queue is full; kNotFound for an unknown deployment.
  Result<std::string> Submit(const std::string& deployment, const std::string& variant, InferRequest request, const std::string& key);
  // {id, deployment, status: queued|done|failed, created_at, finished_at?, variant?, response?, error?,
  //  webhook?: {url, attempts, delivered, last_error?}}; kNotFound when unknown or expired.
  Result<Json> Get(const std::string& deployment, const std::string& id);

 private:
  struct Job;
  void Work();
  void Deliver();
  void Expire(int64_t now_ms);

  ServingService& serving_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable work_cv_, deliver_cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::deque<std::shared_ptr<Job>> deliveries_;  // due webhook deliveries, in due order
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // by deployment + '\n' + id
  std::map<std::string, int64_t> queued_;             // per deployment
  bool stop_ = false;
  std::thread worker_, deliverer_;
};

}  // namespace moebius::serving
