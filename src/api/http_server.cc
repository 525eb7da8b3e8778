#include "api/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"

namespace moebius::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string ErrorBody(const char* code, const std::string& message) {
  // Hand-written to keep JSON out of this file; messages here never contain quotes.
  return std::string("{\"error_code\":\"") + code + "\",\"message\":\"" + message + "\"}";
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// One connection: read a request, run the handler, write the response, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServerOptions& options, const HttpHandler& handler, std::atomic<int>& live)
      : stream_(std::move(socket)), options_(options), handler_(handler), live_(live) {
    ++live_;
  }
  ~Session() { --live_; }

  void Start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    ReadNext();
  }

 private:
  void ReadNext() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    // Answer "Expect: 100-continue" after the header, so clients do not wait for a timeout.
    http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnRead(ec, 0);
    const auto& req = parser_->get();
    if (req.payload_size() && *req.payload_size() > options_.max_body_bytes) return OnRead(http::error::body_limit, 0);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->Close();
        http::async_read(self->stream_, self->buffer_, *self->parser_,
                         beast::bind_front_handler(&Session::OnRead, self));
      });
      return;
    }
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
      return Close();
    if (ec == http::error::body_limit) {
      return SendError(http::status::payload_too_large, "RESOURCE_LIMIT_EXCEEDED",
                       "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return SendError(http::status::request_header_fields_too_large, "RESOURCE_LIMIT_EXCEEDED",
                       "request headers exceed " + std::to_string(options_.max_header_bytes) + " bytes");
    }
    if (ec) return SendError(http::status::bad_request, "INVALID_PARAMETER_VALUE", "malformed HTTP request: " + ec.message());

    auto& raw = parser_->get();
    HttpRequest req;
    req.method = std::string(raw.method_string().data(), raw.method_string().size());
    req.target = std::string(raw.target().data(), raw.target().size());
    std::string_view target = req.target;
    size_t q = target.find('?');
    auto path = UrlDecode(target.substr(0, q), false);
    if (!path || path->empty() || (*path)[0] != '/' || (q != std::string_view::npos && !ParseQueryString(target.substr(q + 1), &req.query)))
      return SendError(http::status::bad_request, "INVALID_PARAMETER_VALUE", "malformed request target");
    req.path = std::move(*path);
    req.headers.reserve(16);
    for (const auto& f : raw)
      req.headers.emplace_back(ToLower(std::string_view(f.name_string().data(), f.name_string().size())),
                               std::string(f.value().data(), f.value().size()));
    req.body = std::move(raw.body());
    req.remote_addr = remote_;
    auto rid = req.Header("x-request-id");
    req.request_id = rid && SaneRequestId(*rid) ? std::string(*rid) : RandomHex(8);
    keep_alive_ = raw.keep_alive();
    version_ = raw.version();
    head_ = raw.method() == http::verb::head;

    HttpResponse resp;
    try {
      resp = handler_(req);
    } catch (const std::exception& e) {
      log::Error("handler threw on " + req.method + " " + req.path + ": " + e.what());
      resp = HttpResponse::Json(500, ErrorBody("INTERNAL_ERROR", "internal error"));
    } catch (...) {
      log::Error("handler threw on " + req.method + " " + req.path);
      resp = HttpResponse::Json(500, ErrorBody("INTERNAL_ERROR", "internal error"));
    }
    Send(std::move(resp), req.request_id);
  }

  void SendError(http::status status, const char* code, const std::string& message) {
    keep_alive_ = false;  // the rest of the stream cannot be trusted after a bad request
    HttpResponse r = HttpResponse::Json(static_cast<int>(status), ErrorBody(code, message));
    Send(std::move(r), RandomHex(8));
  }

  void Send(HttpResponse r, const std::string& request_id) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_ ? version_ : 11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "moebius");
    res->set(http::field::content_type, r.content_type);
    res->set("X-Request-Id", request_id);
    for (auto& [k, v] : r.headers) res->insert(k, v);
    size_t length = r.body.size();
    if (!head_ && r.status != 304) res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    if (head_) res->content_length(length);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->ReadNext();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  const HttpHandler& handler_;
  std::atomic<int>& live_;
  std::string remote_;
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)), acceptor_(io_) {}

  ~BeastServer() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgument("invalid listen address '" + options_.host + "'");
    tcp::endpoint ep(address, static_cast<unsigned short>(options_.port));
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    Accept();
    // Handlers run on the io threads and may block on the database for milliseconds, so there
    // are at least two threads per core (and at least 4): one slow request never stalls the
    // accept loop or the other connections.
    int n = options_.threads > 0 ? options_.threads : std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
    return Status::Ok();
  }

  int port() const override { return port_; }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    asio::post(io_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    io_.stop();
    for (auto& t : threads_)
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
    cv_.notify_all();
  }

  void Wait() override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return stopped_; });
    lock.unlock();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<Session>(std::move(socket), options_, handler_, live_)->Start();
      Accept();
    });
  }

  HttpServerOptions options_;
  HttpHandler handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<int> live_{0};
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler));
  RETURN_IF_ERROR(server->Listen());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace moebius::api
