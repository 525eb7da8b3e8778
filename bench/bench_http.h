// A minimal libcurl client for the load generators: one keep-alive handle per thread.
#pragma once

#include <curl/curl.h>

#include <string>

namespace moebius::bench {

class HttpClient {
 public:
  explicit HttpClient(std::string token) : token_("Authorization: Bearer " + std::move(token)) {
    curl_ = curl_easy_init();
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, token_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &HttpClient::Write);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
  }
  ~HttpClient() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  // Returns the HTTP status (0 on transport error); the response body is in body().
  long Post(const std::string& url, const std::string& payload) {
    body_.clear();
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    if (curl_easy_perform(curl_) != CURLE_OK) return 0;
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    return code;
  }
  const std::string& body() const { return body_; }

 private:
  static size_t Write(char* p, size_t s, size_t n, void* ud) {
    static_cast<std::string*>(ud)->append(p, s * n);
    return s * n;
  }
  CURL* curl_;
  curl_slist* headers_;
  std::string token_;
  std::string body_;
};

}  // namespace moebius::bench
