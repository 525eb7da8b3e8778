#include "cli/rest_client.h"

#include <curl/curl.h>

#include <cstdio>
#include <optional>
#include <utility>

#include "base/strings.h"

namespace moebius::cli {
namespace {

size_t Collect(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

StatusCode CodeOf(long http) {
  switch (http) {
    case 400: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kConflict;
    case 412: return StatusCode::kFailedPrecondition;
    case 413: return StatusCode::kTooLarge;
    case 429: return StatusCode::kResourceExhausted;
    case 502: return StatusCode::kUpstream;
    case 503:
    case 504: return StatusCode::kUnavailable;
    default: return StatusCode::kInternal;
  }
}

// The server's MLflow-style error_code says more than the HTTP status (several codes share 400).
std::optional<StatusCode> CodeOfError(const std::string& error_code) {
  static const std::pair<const char*, StatusCode> kCodes[] = {
      {"INVALID_PARAMETER_VALUE", StatusCode::kInvalidArgument},
      {"RESOURCE_ALREADY_EXISTS", StatusCode::kAlreadyExists},
      {"INVALID_STATE", StatusCode::kFailedPrecondition},
      {"UNAUTHENTICATED", StatusCode::kUnauthenticated},
      {"PERMISSION_DENIED", StatusCode::kPermissionDenied},
      {"RESOURCE_DOES_NOT_EXIST", StatusCode::kNotFound},
      {"RESOURCE_LIMIT_EXCEEDED", StatusCode::kTooLarge},
      {"REQUEST_LIMIT_EXCEEDED", StatusCode::kResourceExhausted},
      {"TEMPORARILY_UNAVAILABLE", StatusCode::kUnavailable},
      {"CONFLICT", StatusCode::kConflict},
      {"BAD_GATEWAY", StatusCode::kUpstream},
      {"INTERNAL_ERROR", StatusCode::kInternal},
  };
  for (const auto& [name, code] : kCodes)
    if (error_code == name) return code;
  return std::nullopt;
}

}  // namespace

RestClient::RestClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)), curl_(nullptr) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  static const bool init = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)init;
  curl_ = curl_easy_init();
}

RestClient::~RestClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::string RestClient::Segment(const std::string& s) { return UrlEncode(s); }

Result<long> RestClient::Perform(const char* method, const std::string& path, std::string_view body, bool has_body, bool json,
                                 std::string* response) {
  return PerformWith(method, path, body, has_body, json, &Collect, response);
}

Result<long> RestClient::PerformWith(const char* method, const std::string& path, std::string_view body, bool has_body, bool json,
                                     size_t (*write)(char*, size_t, size_t, void*), void* data) {
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) return Internal("could not initialize libcurl");
  curl_easy_reset(c);
  std::string url = base_url_ + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, json ? "Content-Type: application/json" : "Content-Type: application/octet-stream");
  headers = curl_slist_append(headers, "Expect:");
  std::string auth = "Authorization: Bearer " + token_;
  if (!token_.empty()) headers = curl_slist_append(headers, auth.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, data);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 3600L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (has_body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  CURLcode rc = curl_easy_perform(c);
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return Unavailable("cannot reach the server at " + base_url_ + ": " + curl_easy_strerror(rc));
  return http;
}

Status RestClient::ErrorFrom(long http, const std::string& response) {
  Json parsed = Json::parse(response, nullptr, false);
  std::string message = "HTTP " + std::to_string(http);
  StatusCode code = CodeOf(http);
  if (!parsed.is_discarded() && parsed.is_object()) {
    if (parsed.contains("message") && parsed["message"].is_string()) message = parsed["message"].get<std::string>();
    else if (parsed.contains("error") && parsed["error"].is_string()) message = parsed["error"].get<std::string>();  // the v2 protocol's form
    if (parsed.contains("error_code") && parsed["error_code"].is_string())
      code = CodeOfError(parsed["error_code"].get<std::string>()).value_or(code);
  }
  return Status(code, message);
}

Result<Json> RestClient::Call(const char* method, const std::string& path, const std::string* body) {
  std::string response;
  ASSIGN_OR_RETURN(long http, Perform(method, path, body ? std::string_view(*body) : std::string_view(), body != nullptr, true, &response));
  if (http < 200 || http >= 300) return ErrorFrom(http, response);
  Json parsed = response.empty() ? Json::object() : Json::parse(response, nullptr, false);
  if (parsed.is_discarded()) return Internal("the server answered with something that is not JSON");
  return parsed;
}

Result<Json> RestClient::PutBytes(const std::string& path, std::string_view bytes) {
  std::string response;
  ASSIGN_OR_RETURN(long http, Perform("PUT", path, bytes, true, false, &response));
  if (http < 200 || http >= 300) return ErrorFrom(http, response);
  Json parsed = response.empty() ? Json::object() : Json::parse(response, nullptr, false);
  if (parsed.is_discarded()) return Internal("the server answered with something that is not JSON");
  return parsed;
}

Result<Json> RestClient::PostBytes(const std::string& path, std::string_view bytes) {
  std::string response;
  ASSIGN_OR_RETURN(long http, Perform("POST", path, bytes, true, false, &response));
  if (http < 200 || http >= 300) return ErrorFrom(http, response);
  Json parsed = response.empty() ? Json::object() : Json::parse(response, nullptr, false);
  if (parsed.is_discarded()) return Internal("the server answered with something that is not JSON");
  return parsed;
}

Result<std::string> RestClient::GetBytes(const std::string& path) {
  std::string response;
  ASSIGN_OR_RETURN(long http, Perform("GET", path, {}, false, false, &response));
  if (http < 200 || http >= 300) return ErrorFrom(http, response);
  return response;
}

namespace {

// GetToFile's sink: a 2xx body goes to the file (up to the limit), any other to `error`.
struct FileSink {
  CURL* curl;
  std::FILE* file;
  int64_t max_bytes;
  int64_t written = 0;
  bool over = false, write_failed = false;
  std::string error;
};

size_t ToFile(char* p, size_t size, size_t n, void* out) {
  auto* s = static_cast<FileSink*>(out);
  size_t len = size * n;
  long http = 0;
  curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &http);
  if (http < 200 || http >= 300) {
    if (s->error.size() < (1 << 16)) s->error.append(p, len);
    return len;
  }
  if (s->written + static_cast<int64_t>(len) > s->max_bytes) {
    s->over = true;
    return 0;  // aborts the transfer
  }
  if (std::fwrite(p, 1, len, s->file) != len) {
    s->write_failed = true;
    return 0;
  }
  s->written += static_cast<int64_t>(len);
  return len;
}

}  // namespace

Result<int64_t> RestClient::GetToFile(const std::string& path, const std::string& file, int64_t max_bytes) {
  return ToFileCall("GET", path, nullptr, file, max_bytes);
}

Result<int64_t> RestClient::PostToFile(const std::string& path, const Json& body, const std::string& file, int64_t max_bytes) {
  std::string b = body.dump();
  return ToFileCall("POST", path, &b, file, max_bytes);
}

Result<int64_t> RestClient::ToFileCall(const char* method, const std::string& path, const std::string* body, const std::string& file,
                                       int64_t max_bytes) {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (!f) return Internal("cannot write " + file);
  FileSink sink{static_cast<CURL*>(curl_), f, max_bytes, 0, false, false, {}};
  auto http = PerformWith(method, path, body ? std::string_view(*body) : std::string_view(), body != nullptr, body != nullptr, &ToFile, &sink);
  bool closed = std::fclose(f) == 0;
  auto fail = [&](Status st) -> Result<int64_t> {
    std::remove(file.c_str());
    return st;
  };
  if (sink.over) return fail(TooLarge("the download is over the limit of " + std::to_string(max_bytes) + " bytes"));
  if (sink.write_failed || !closed) return fail(Internal("cannot write " + file));
  if (!http.ok()) return fail(http.status());
  if (*http < 200 || *http >= 300) return fail(ErrorFrom(*http, sink.error));
  return sink.written;
}

Result<Json> RestClient::Get(const std::string& path) { return Call("GET", path, nullptr); }
Result<Json> RestClient::Delete(const std::string& path) { return Call("DELETE", path, nullptr); }
Result<Json> RestClient::Post(const std::string& path, const Json& body) {
  std::string b = body.dump();
  return Call("POST", path, &b);
}
Result<Json> RestClient::Put(const std::string& path, const Json& body) {
  std::string b = body.dump();
  return Call("PUT", path, &b);
}
Result<Json> RestClient::Patch(const std::string& path, const Json& body) {
  std::string b = body.dump();
  return Call("PATCH", path, &b);
}

}  // namespace moebius::cli
