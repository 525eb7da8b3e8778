#include "api/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/thread_annotations.h"

namespace moebius::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// How long Stop() lets requests in flight finish before it cuts their connections.
constexpr auto kDrainTimeout = std::chrono::seconds(5);
// After an error response the connection is closed for writing and the rest of the request is
// read and discarded for a while: closing with unread data makes the kernel send a reset,
// and a client still uploading would then see "connection reset" instead of the 413.
constexpr auto kLingerTotal = std::chrono::seconds(10);
constexpr auto kLingerRead = std::chrono::seconds(2);

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  // Hand-written so that this translation unit needs no JSON library.
  std::string out = "{\"error_code\":\"";
  out += code;
  out += "\",\"message\":\"";
  out += JsonEscape(message);
  out += "\"}";
  return out;
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// Framing headers belong to the server; a handler cannot set them.
bool IsFramingHeader(std::string_view name) {
  auto is = [name](std::string_view lower) {
    return name.size() == lower.size() &&
           std::equal(name.begin(), name.end(), lower.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  return is("content-length") || is("transfer-encoding") || is("connection");
}

// Statuses whose responses never carry a body (RFC 9110 §6.4.1), and so no Content-Length.
bool IsBodilessStatus(int status) { return status < 200 || status == 204 || status == 304; }

// Status line fields and headers every response carries; framing headers are the server's.
template <class Body>
void SetHeaders(http::response<Body>& res, const HttpResponse& r, const std::string& request_id) {
  res.result(static_cast<unsigned>(r.status));
  res.set(http::field::server, "moebius");
  res.set(http::field::content_type, r.content_type);
  res.set("X-Request-Id", request_id);
  for (const auto& [k, v] : r.headers)
    if (!IsFramingHeader(k)) res.insert(k, v);
}

class BeastServer;

// The server whose io thread this is; Stop() from a handler must not join its own thread.
thread_local const BeastServer* tls_io_server = nullptr;

// One connection: read a request, run the handler, write the response, repeat while
// keep-alive. Thread-safety: every member is touched only on the connection's strand, except
// the list links, which belong to BeastServer::sessions_mu_.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, BeastServer& server) : stream_(std::move(socket)), server_(server) {}
  ~Session();

  void Start();
  // Called on any thread when the server stops: closes an idle connection now and makes a busy
  // one close after its response.
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kWriting) {
        self->keep_alive_ = false;
      } else {
        self->Close();
      }
    });
  }
  // Only once no io thread runs any more.
  void CloseNow() { Close(); }

  Session* prev_ = nullptr;  // links of BeastServer's list, guarded by its sessions_mu_
  Session* next_ = nullptr;

 private:
  enum class State { kReading, kHandling, kWriting, kLingering, kClosed };

  void ReadNext();
  void OnHeader(beast::error_code ec, std::size_t);
  void OnRead(beast::error_code ec, std::size_t);
  void Handle();
  void SendError(http::status status, std::string_view code, std::string_view message);
  void Send(HttpResponse& r, const std::string& request_id);
  void OnWritten(beast::error_code ec, std::size_t);
  void SendStreamed(HttpResponse& r, const std::string& request_id);
  void WriteNextChunk();
  void Linger();
  void Close();

  beast::tcp_stream stream_;
  BeastServer& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
  // A streamed response: its header, serializer, producer and the piece being written.
  std::optional<http::response<http::empty_body>> stream_res_;
  std::optional<http::response_serializer<http::empty_body>> stream_sr_;
  std::function<Result<std::string>()> producer_;
  std::string chunk_;
  HttpRequest req_;  // reused from request to request, so its buffers keep their capacity
  std::string remote_;
  State state_ = State::kReading;
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
  std::unique_ptr<char[]> discard_;  // only while lingering
  std::chrono::steady_clock::time_point linger_until_;
};

// All io threads run one shared io_context, and every connection has its own strand. A handler
// that blocks (SQLite, a few milliseconds) holds one thread; the others keep accepting and
// serving. The alternative, an io_context per thread with SO_REUSEPORT, pins each connection to
// one thread chosen by the kernel: one slow handler would then stall every connection (and the
// accepts) on that thread while the other threads idle.
//
// Thread-safety: Start, port, Stop and Wait may be called from any thread.
class BeastServer final : public HttpServer {
 public:
  BeastServer(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)), acceptor_(asio::make_strand(io_)) {}

  ~BeastServer() override {
    Stop();
    Finish();
  }

  Status Listen() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgument("invalid listen address '" + options_.host + "'");
    if (options_.port < 0 || options_.port > 65535) return InvalidArgument("invalid port " + std::to_string(options_.port));
    tcp::endpoint ep(address, static_cast<unsigned short>(options_.port));
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    Accept();
    int n = options_.threads > 0 ? options_.threads : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    threads_.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
    return Status::Ok();
  }

  int port() const override { return port_; }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_.load()) return;
      stopping_.store(true);
    }
    stopped_cv_.notify_all();
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    // Collected first: dropping the last reference runs ~Session, which takes sessions_mu_.
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      for (Session* s = sessions_; s; s = s->next_)
        if (auto alive = s->weak_from_this().lock()) live.push_back(std::move(alive));
    }
    for (auto& s : live) s->Shutdown();
    live.clear();
    // A handler that stops the server cannot wait for its own thread; Wait() or the destructor
    // finishes the job.
    if (tls_io_server != this) Finish();
  }

  void Wait() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      stopped_cv_.wait(lock, [this] { return stopping_.load(); });
    }
    Finish();
  }

  const HttpServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  HttpResponse CallHandler(HttpRequest& req) { return handler_(req); }

  void Register(Session* s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    s->next_ = sessions_;
    if (sessions_) sessions_->prev_ = s;
    sessions_ = s;
  }

  void Unregister(Session* s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    if (s->prev_) s->prev_->next_ = s->next_;
    else if (sessions_ == s) sessions_ = s->next_;
    else return;  // never registered
    if (s->next_) s->next_->prev_ = s->prev_;
    if (!sessions_) drained_cv_.notify_all();
  }

 private:
  void Run() {
    tls_io_server = this;
    while (true) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        log::Error(std::string("http: exception on an io thread: ") + e.what());
      } catch (...) {
        log::Error("http: unknown exception on an io thread");
      }
    }
  }

  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor_.is_open()) return;
      if (!ec) {
        std::make_shared<Session>(std::move(socket), *this)->Start();
        return Accept();
      }
      if (ec == asio::error::operation_aborted) return;
      // Out of file descriptors and the like: back off instead of spinning on the error.
      log::Warn("http: accept failed: " + ec.message());
      auto timer = std::make_shared<asio::steady_timer>(acceptor_.get_executor(), std::chrono::milliseconds(50));
      timer->async_wait([this, timer](beast::error_code) {
        if (acceptor_.is_open()) Accept();
      });
    });
  }

  // Lets connections drain, stops the io threads and closes what is left. Runs once; callers
  // after the first return at once.
  void Finish() {
    std::lock_guard<std::mutex> join_lock(join_mu_);
    if (finished_) return;
    {
      std::unique_lock<std::mutex> lock(sessions_mu_);
      drained_cv_.wait_for(lock, kDrainTimeout, [this] { return sessions_ == nullptr; });
    }
    io_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    // No io thread runs now, so sockets may be touched from here.
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      for (Session* s = sessions_; s; s = s->next_) s->CloseNow();
    }
    finished_ = true;
  }

  // Declaration order matters: io_ is destroyed first, and with it the sessions its pending
  // operations own; they unlink themselves under sessions_mu_.
  HttpServerOptions options_;
  HttpHandler handler_;
  std::mutex sessions_mu_;
  std::condition_variable drained_cv_;
  Session* sessions_ GUARDED_BY(sessions_mu_) = nullptr;
  std::mutex mu_;
  std::condition_variable stopped_cv_;
  std::atomic<bool> stopping_{false};
  std::mutex join_mu_;
  bool finished_ GUARDED_BY(join_mu_) = false;
  std::vector<std::thread> threads_;
  int port_ = 0;
  asio::io_context io_;
  tcp::acceptor acceptor_;
};

Session::~Session() { server_.Unregister(this); }

void Session::Start() {
  server_.Register(this);
  // Everything else on the strand, where a concurrent Shutdown() also runs. Registered before
  // the check there, so a concurrent Stop() either reaches this session or is seen by it.
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->server_.stopping()) return self->Close();
    beast::error_code ec;
    self->stream_.socket().set_option(tcp::no_delay(true), ec);
    auto ep = self->stream_.socket().remote_endpoint(ec);
    if (!ec) self->remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    self->ReadNext();
  });
}

void Session::ReadNext() {
  if (state_ == State::kClosed) return;
  if (server_.stopping()) return Close();
  state_ = State::kReading;
  const HttpServerOptions& o = server_.options();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(o.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(o.max_body_bytes);
  stream_.expires_after(std::chrono::seconds(o.idle_timeout_seconds));
  http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code ec, std::size_t n) {
  if (ec) return OnRead(ec, n);
  const auto& req = parser_->get();
  // Refuse a declared oversized body before reading (or asking for) any of it.
  if (req.payload_size() && *req.payload_size() > server_.options().max_body_bytes) return OnRead(http::error::body_limit, 0);
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_seconds));
  if (req.version() >= 11 && beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
      if (wec) return self->Close();
      http::async_read(self->stream_, self->buffer_, *self->parser_, beast::bind_front_handler(&Session::OnRead, self));
    });
    return;
  }
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::OnRead(beast::error_code ec, std::size_t) {
  if (state_ == State::kClosed) return;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
      ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
      ec == asio::error::broken_pipe)
    return Close();
  if (ec == http::error::body_limit)
    return SendError(http::status::payload_too_large, "RESOURCE_LIMIT_EXCEEDED",
                     "request body exceeds " + std::to_string(server_.options().max_body_bytes) + " bytes");
  if (ec == http::error::header_limit)
    return SendError(http::status::request_header_fields_too_large, "RESOURCE_LIMIT_EXCEEDED",
                     "request headers exceed " + std::to_string(server_.options().max_header_bytes) + " bytes");
  if (ec) return SendError(http::status::bad_request, "INVALID_PARAMETER_VALUE", "malformed HTTP request: " + ec.message());
  Handle();
}

void Session::Handle() {
  state_ = State::kHandling;
  auto& raw = parser_->get();
  HttpRequest& req = req_;
  req.query.clear();
  req.headers.clear();
  req.method.assign(raw.method_string().data(), raw.method_string().size());
  req.target.assign(raw.target().data(), raw.target().size());
  std::string_view target = req.target;
  size_t q = target.find('?');
  auto path = UrlDecode(target.substr(0, q), false);
  if (!path || path->empty() || (*path)[0] != '/' || path->find('\0') != std::string::npos ||
      (q != std::string_view::npos && !ParseQueryString(target.substr(q + 1), &req.query)))
    return SendError(http::status::bad_request, "INVALID_PARAMETER_VALUE", "malformed request target");
  req.path = std::move(*path);
  for (const auto& f : raw) {
    auto name = f.name_string();
    auto& h = req.headers.emplace_back();
    h.first.resize(name.size());
    std::transform(name.begin(), name.end(), h.first.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    h.second.assign(f.value().data(), f.value().size());
  }
  req.body = std::move(raw.body());
  req.remote_addr = remote_;
  auto rid = req.Header("x-request-id");
  if (rid && SaneRequestId(*rid)) req.request_id.assign(rid->data(), rid->size());
  else req.request_id = RandomHex(8);
  keep_alive_ = raw.keep_alive();
  version_ = raw.version();
  head_ = raw.method() == http::verb::head;

  HttpResponse resp;
  try {
    resp = server_.CallHandler(req);
  } catch (const std::exception& e) {
    log::Error("http: handler threw on " + req.method + " " + req.path + ": " + e.what());
    resp = HttpResponse::Json(500, ErrorBody("INTERNAL_ERROR", "internal error"));
  } catch (...) {
    log::Error("http: handler threw on " + req.method + " " + req.path);
    resp = HttpResponse::Json(500, ErrorBody("INTERNAL_ERROR", "internal error"));
  }
  if (resp.status < 100 || resp.status > 599) {
    log::Error("http: handler returned status " + std::to_string(resp.status) + " on " + req.method + " " + req.path);
    resp = HttpResponse::Json(500, ErrorBody("INTERNAL_ERROR", "internal error"));
  }
  Send(resp, req.request_id);
}

void Session::SendError(http::status status, std::string_view code, std::string_view message) {
  keep_alive_ = false;  // the rest of the stream cannot be trusted after a refused request
  head_ = false;
  std::string request_id;
  if (parser_) {  // the fields parsed before the error, if any
    const auto& raw = parser_->get();
    version_ = raw.version() == 10 ? 10 : 11;
    auto it = raw.find("x-request-id");
    if (it != raw.end() && SaneRequestId(std::string_view(it->value().data(), it->value().size())))
      request_id.assign(it->value().data(), it->value().size());
  }
  if (request_id.empty()) request_id = RandomHex(8);
  HttpResponse r = HttpResponse::Json(static_cast<int>(status), ErrorBody(code, message));
  Send(r, request_id);
}

void Session::Send(HttpResponse& r, const std::string& request_id) {
  if (r.stream && !IsBodilessStatus(r.status)) {
    if (version_ != 10 && !head_) return SendStreamed(r, request_id);
    // HTTP/1.0 cannot take chunks: gather the pieces (HEAD: produce none).
    r.body.clear();
    while (!head_) {
      Result<std::string> piece = r.stream();
      if (!piece.ok()) {
        log::Error("http: streamed body failed: " + piece.status().ToString());
        r = HttpResponse::Json(500, ErrorBody("INTERNAL_ERROR", "internal error"));
        break;
      }
      if (piece->empty()) break;
      r.body += *piece;
    }
    r.stream = nullptr;
  }
  state_ = State::kWriting;
  auto& res = res_.emplace();
  res.version(version_ == 10 ? 10 : 11);
  SetHeaders(res, r, request_id);
  if (!IsBodilessStatus(r.status)) {
    // HEAD gets the length the GET body would have had.
    res.content_length(r.body.size());
    if (!head_) res.body() = std::move(r.body);
  }
  res.keep_alive(keep_alive_);
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_seconds));
  http::async_write(stream_, res, beast::bind_front_handler(&Session::OnWritten, shared_from_this()));
}

void Session::SendStreamed(HttpResponse& r, const std::string& request_id) {
  state_ = State::kWriting;
  auto& res = stream_res_.emplace();
  res.version(11);
  SetHeaders(res, r, request_id);
  res.chunked(true);
  res.keep_alive(keep_alive_);
  producer_ = std::move(r.stream);
  auto& sr = stream_sr_.emplace(res);
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_seconds));
  http::async_write_header(stream_, sr, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->Close();
    self->WriteNextChunk();
  });
}

void Session::WriteNextChunk() {
  Result<std::string> piece = producer_();
  if (!piece.ok()) {
    log::Error("http: streamed body failed: " + piece.status().ToString());
    return Close();  // no last chunk: the client sees the transfer cut short
  }
  chunk_ = std::move(*piece);
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_seconds));
  if (chunk_.empty()) {
    return asio::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->producer_ = nullptr;
      self->stream_sr_.reset();
      self->stream_res_.reset();
      self->OnWritten(ec, n);
    });
  }
  asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->Close();
    self->WriteNextChunk();
  });
}

void Session::OnWritten(beast::error_code ec, std::size_t) {
  res_.reset();
  if (ec) return Close();
  if (!keep_alive_) return Linger();
  ReadNext();
}

void Session::Linger() {
  if (state_ != State::kLingering) {
    state_ = State::kLingering;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    discard_ = std::make_unique<char[]>(16384);
    linger_until_ = std::chrono::steady_clock::now() + kLingerTotal;
  }
  auto now = std::chrono::steady_clock::now();
  if (now >= linger_until_ || server_.stopping()) return Close();
  stream_.expires_at(std::min(linger_until_, now + kLingerRead));
  stream_.async_read_some(asio::buffer(discard_.get(), 16384), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->Close();
    self->Linger();
  });
}

void Session::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler));
  RETURN_IF_ERROR(server->Listen());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace moebius::api
