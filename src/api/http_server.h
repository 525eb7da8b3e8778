// The HTTP/1.1 server (Boost.Beast). Keep-alive, TCP_NODELAY, one io thread per core (at least
// 2). Requests are parsed with header and body limits enforced by the parser itself: a body
// over the limit is answered 413, a malformed request 400, both as JSON errors, before any
// handler runs. Each complete request is passed to the single `HttpHandler`, which must not
// throw (exceptions are caught and logged as 500 anyway).
//
// Beast headers are included only by http_server.cc.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/http_types.h"
#include "base/status.h"

namespace moebius::api {

using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  int threads = 0;  // 0: one per core, at least 2
  size_t max_body_bytes = 64 << 20;
  size_t max_header_bytes = 64 << 10;
  int idle_timeout_seconds = 120;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Binds, listens and starts the io threads. Fails if the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler handler);
  virtual int port() const = 0;
  // Stops accepting, closes connections, joins the threads. Idempotent.
  virtual void Stop() = 0;
  // Blocks until Stop() is called from another thread (or a signal handler calls Stop()).
  virtual void Wait() = 0;
};

}  // namespace moebius::api
