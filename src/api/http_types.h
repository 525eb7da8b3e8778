// Transport-neutral HTTP request and response values passed between the Beast server and the
// router. Nothing here depends on Boost, so handlers compile without Beast headers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace moebius::api {

struct HttpRequest {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // raw request target, e.g. "/api/v1/runs?x=1"
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;
  std::string request_id;  // from X-Request-Id if sane, else generated

  // First value of a header (name in lower case) or query parameter.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string> Query(std::string_view name) const;
  std::vector<std::string> QueryAll(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, replaces `body`: the body is sent as it is produced, in chunks (chunked transfer
  // encoding), so a large download never sits in memory whole. Each call returns the next piece;
  // an empty string ends the body. An error after the headers went out closes the connection,
  // so the client sees a truncated transfer, never a complete-looking one. HTTP/1.0 clients get
  // the pieces gathered into one body.
  std::function<Result<std::string>()> stream;

  static HttpResponse Json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

// Parses "a=1&b=x%20y" into decoded pairs; returns false on a malformed escape.
bool ParseQueryString(std::string_view qs, std::vector<std::pair<std::string, std::string>>* out);

}  // namespace moebius::api
