#include "serving/async_inference.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "base/log.h"

namespace moebius::serving {

struct AsyncInference::Job {
  std::string deployment;
  std::string variant;
  std::string key;
  std::string id;
  InferRequest request;
  std::string status = "queued";
  int64_t created_at = 0;
  int64_t finished_at = 0;
  int64_t expires_at = 0;
  std::string answered_by;
  Json response;
  std::string error;
  // Webhook delivery.
  std::string webhook;
  int attempts = 0;
  bool delivered = false;
  std::string last_error;
  int64_t due_ms = 0;
};

namespace {

constexpr int kAttempts = 5;

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// POSTs `body` to `url`; ok when the receiver answered 2xx within 10 s.
Status PostJson(const std::string& url, const std::string& body) {
  CURL* c = curl_easy_init();
  if (!c) return Internal("cannot start an HTTP client");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) return Unavailable(std::string("webhook: ") + curl_easy_strerror(rc));
  if (code < 200 || code > 299) return Unavailable("webhook answered " + std::to_string(code));
  return Status::Ok();
}

std::string MakeId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[24];
  std::snprintf(buf, sizeof buf, "async-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

AsyncInference::AsyncInference(ServingService& serving, const Clock& clock) : serving_(serving), clock_(clock) {
  worker_ = std::thread([this] { Work(); });
  deliverer_ = std::thread([this] { Deliver(); });
}

AsyncInference::~AsyncInference() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  deliver_cv_.notify_all();
  worker_.join();
  deliverer_.join();
}

Result<std::string> AsyncInference::Submit(const std::string& deployment, const std::string& variant, InferRequest request, const std::string& key) {
  ASSIGN_OR_RETURN(DeploymentPolicy policy, serving_.PolicyOf(deployment));
  auto job = std::make_shared<Job>();
  job->deployment = deployment;
  job->variant = variant;
  job->key = key;
  job->id = request.id.empty() ? MakeId() : request.id;
  job->created_at = clock_.NowMillis();
  job->expires_at = job->created_at + int64_t{policy.async.keep_s} * 1000;
  job->webhook = policy.async.webhook;
  job->request = std::move(request);
  {
    std::lock_guard lock(mu_);
    Expire(job->created_at);
    int64_t& waiting = queued_[deployment];
    if (waiting >= policy.async.max_queue)
      return ResourceExhausted("the asynchronous queue of deployment '" + deployment + "' is full (" + std::to_string(policy.async.max_queue) +
                               " requests waiting)")
          .WithRetryAfter(1);
    std::string slot = deployment + '\n' + job->id;
    if (jobs_.count(slot)) return Conflict("request id '" + job->id + "' is already taken on deployment '" + deployment + "'");
    ++waiting;
    jobs_[slot] = job;
    queue_.push_back(job);
  }
  work_cv_.notify_one();
  return job->id;
}

Result<Json> AsyncInference::Get(const std::string& deployment, const std::string& id) {
  std::lock_guard lock(mu_);
  Expire(clock_.NowMillis());
  auto it = jobs_.find(deployment + '\n' + id);
  if (it == jobs_.end()) return NotFound("deployment '" + deployment + "' has no asynchronous request '" + id + "' (or its result has expired)");
  const Job& j = *it->second;
  Json out{{"id", j.id}, {"deployment", j.deployment}, {"status", j.status}, {"created_at", j.created_at}, {"expires_at", j.expires_at}};
  if (j.finished_at) out["finished_at"] = j.finished_at;
  if (!j.answered_by.empty()) out["variant"] = j.answered_by;
  if (j.status == "done") out["response"] = j.response;
  if (!j.error.empty()) out["error"] = j.error;
  if (!j.webhook.empty()) {
    out["webhook"] = {{"url", j.webhook}, {"attempts", j.attempts}, {"delivered", j.delivered}};
    if (!j.last_error.empty()) out["webhook"]["last_error"] = j.last_error;
  }
  return out;
}

void AsyncInference::Expire(int64_t now_ms) {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const Job& j = *it->second;
    bool pending = j.status == "queued" || (!j.webhook.empty() && !j.delivered && j.attempts < kAttempts);
    if (!pending && j.expires_at <= now_ms) it = jobs_.erase(it);
    else ++it;
  }
}

void AsyncInference::Work() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = queue_.front();
      queue_.pop_front();
    }
    auto t0 = std::chrono::steady_clock::now();
    auto answer = serving_.Infer(job->deployment, job->variant, job->request, job->key, 0);
    Json response;
    std::string error;
    std::string variant;
    if (answer.ok()) {
      response = InferResponseJson(job->deployment, answer->variant, job->id, answer->outputs);
      variant = answer->variant;
      serving_.Complete(*answer, job->request,
                        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count()));
    } else {
      error = answer.status().message();
    }
    {
      std::lock_guard lock(mu_);
      --queued_[job->deployment];
      job->status = answer.ok() ? "done" : "failed";
      job->response = std::move(response);
      job->error = std::move(error);
      job->answered_by = std::move(variant);
      job->finished_at = clock_.NowMillis();
      job->expires_at = std::max(job->expires_at, job->finished_at + (job->expires_at - job->created_at));
      job->request = InferRequest{};  // the inputs are not kept
      if (!job->webhook.empty()) {
        job->due_ms = job->finished_at;
        deliveries_.push_back(job);
      }
    }
    if (!job->webhook.empty()) deliver_cv_.notify_one();
  }
}

void AsyncInference::Deliver() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop_) return;
    if (deliveries_.empty()) {
      deliver_cv_.wait(lock);
      continue;
    }
    auto next = std::min_element(deliveries_.begin(), deliveries_.end(), [](const auto& a, const auto& b) { return a->due_ms < b->due_ms; });
    int64_t now = clock_.NowMillis();
    if ((*next)->due_ms > now) {
      deliver_cv_.wait_for(lock, std::chrono::milliseconds((*next)->due_ms - now));
      continue;
    }
    std::shared_ptr<Job> job = *next;
    deliveries_.erase(next);
    Json body{{"id", job->id}, {"deployment", job->deployment}, {"status", job->status}};
    if (job->status == "done") body["response"] = job->response;
    else body["error"] = job->error;
    std::string url = job->webhook;
    lock.unlock();
    Status sent = PostJson(url, body.dump());
    lock.lock();
    ++job->attempts;
    if (sent.ok()) {
      job->delivered = true;
      job->last_error.clear();
    } else {
      job->last_error = sent.message();
      if (job->attempts < kAttempts) {
        job->due_ms = clock_.NowMillis() + (int64_t{1000} << (job->attempts - 1));
        deliveries_.push_back(job);
      } else {
        log::Warn("async inference: webhook of '" + job->deployment + "' request " + job->id + " gave up after " + std::to_string(kAttempts) +
                  " attempts: " + sent.message());
      }
    }
  }
}

}  // namespace moebius::serving
