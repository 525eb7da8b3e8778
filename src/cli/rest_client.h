// A small JSON REST client over libcurl for the CLI. One keep-alive handle per client.
// Server errors ({"error_code","message"}) become a Status carrying the server's message;
// transport failures become kUnavailable naming the server.
//
// Thread-safety: not thread-safe; one client per thread.
#pragma once

#include <memory>
#include <string>

#include "base/json.h"
#include "base/status.h"

namespace moebius::cli {

class RestClient {
 public:
  RestClient(std::string base_url, std::string token);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // `path` starts with "/" and has its variable segments already encoded with Segment().
  // Returns the parsed body of a 2xx answer ({} when empty). Errors: a non-2xx answer gives the
  // server's `message` with the code its `error_code` names (else one from the HTTP status); no
  // connection gives kUnavailable "cannot reach the server at URL: ..."; a 2xx body that is not
  // JSON gives kInternal.
  Result<Json> Get(const std::string& path);
  Result<Json> Post(const std::string& path, const Json& body);
  Result<Json> Put(const std::string& path, const Json& body);
  Result<Json> Patch(const std::string& path, const Json& body);
  Result<Json> Delete(const std::string& path);
  // Raw bodies: uploads of data parts and downloads of archives.
  Result<Json> PutBytes(const std::string& path, std::string_view bytes);
  Result<Json> PostBytes(const std::string& path, std::string_view bytes);
  Result<std::string> GetBytes(const std::string& path);
  // Streams a 2xx body into `file` (created or truncated) without holding it in memory; returns
  // its size. A body past `max_bytes` stops the transfer: kTooLarge naming the limit (the
  // partial file is removed). An error response is returned as for Get.
  Result<int64_t> GetToFile(const std::string& path, const std::string& file, int64_t max_bytes);
  // The same for a POST with a JSON body (an export of several versions).
  Result<int64_t> PostToFile(const std::string& path, const Json& body, const std::string& file, int64_t max_bytes);

  const std::string& base_url() const { return base_url_; }

  // Percent-encodes one path segment (project names, usernames, metric keys).
  static std::string Segment(const std::string& s);

 private:
  Result<Json> Call(const char* method, const std::string& path, const std::string* body);
  // Performs the request; returns the HTTP status and fills `response`.
  Result<long> Perform(const char* method, const std::string& path, std::string_view body, bool has_body, bool json,
                       std::string* response);
  // The same with the body going to a curl write callback (`write(ptr, 1, n, data)`).
  Result<long> PerformWith(const char* method, const std::string& path, std::string_view body, bool has_body, bool json,
                           size_t (*write)(char*, size_t, size_t, void*), void* data);
  Result<int64_t> ToFileCall(const char* method, const std::string& path, const std::string* body, const std::string& file, int64_t max_bytes);
  static Status ErrorFrom(long http, const std::string& response);

  std::string base_url_;
  std::string token_;
  void* curl_;  // CURL*
};

}  // namespace moebius::cli
