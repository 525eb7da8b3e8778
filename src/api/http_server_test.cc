#include "api/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace moebius::api {
namespace {

using std::chrono::steady_clock;

// A raw TCP client, so the test sees exactly what goes over the wire.
class Conn {
 public:
  explicit Conn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Conn() { ::close(fd_); }
  bool connected() const { return connected_; }
  // Returns false once the peer stops taking data.
  bool Send(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads one response: headers, then a Content-Length body unless `head`. Whatever arrived
  // when the connection ends early.
  std::string ReadResponse(bool head = false) {
    while (true) {
      size_t hdr_end = buf_.find("\r\n\r\n");
      if (hdr_end != std::string::npos) {
        size_t cl = 0;
        size_t p = buf_.find("Content-Length: ");
        if (!head && p != std::string::npos && p < hdr_end) cl = std::stoul(buf_.substr(p + 16));
        if (buf_.size() >= hdr_end + 4 + cl) {
          std::string out = buf_.substr(0, hdr_end + 4 + cl);
          buf_.erase(0, hdr_end + 4 + cl);
          return out;
        }
      }
      if (!Fill()) {
        std::string out = buf_;
        buf_.clear();
        return out;
      }
    }
  }
  // Reads until `marker` has arrived (or the connection ends); returns everything up to it.
  std::string ReadUntil(const std::string& marker) {
    size_t p;
    while ((p = buf_.find(marker)) == std::string::npos)
      if (!Fill()) return std::exchange(buf_, std::string());
    std::string out = buf_.substr(0, p + marker.size());
    buf_.erase(0, p + marker.size());
    return out;
  }
  // True when the server has closed the connection (EOF) with nothing more to read.
  bool ReadsEof() { return buf_.empty() && !Fill() && buf_.empty(); }

 private:
  bool Fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buf_;
};

std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t p = response.find("\r\n" + name + ": ");
  if (p == std::string::npos) return "";
  p += name.size() + 4;
  return response.substr(p, response.find("\r\n", p) - p);
}

std::string BodyOf(const std::string& response) {
  size_t p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions o = {}) {
    o.port = 0;
    if (o.max_body_bytes == HttpServerOptions{}.max_body_bytes) o.max_body_bytes = 1024;
    auto s = HttpServer::Start(o, [this](HttpRequest& req) { return Handle(req); });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  void SetUp() override { StartServer(); }
  void TearDown() override { server_->Stop(); }

  HttpResponse Handle(HttpRequest& req) {
    calls_++;
    if (req.path == "/throw") throw std::runtime_error("boom");
    if (req.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    if (req.path == "/nocontent") {
      HttpResponse r;
      r.status = 204;
      r.body = "ignored";
      return r;
    }
    if (req.path == "/stream" || req.path == "/stream-fail") {
      auto pieces = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"alpha", std::string(70000, 'b'), "gamma"});
      bool fail = req.path == "/stream-fail";
      HttpResponse r;
      r.content_type = "text/plain";
      r.stream = [pieces, fail, n = size_t{0}]() mutable -> Result<std::string> {
        if (fail && n == 1) return Internal("disk went away");
        return n < pieces->size() ? (*pieces)[n++] : std::string();
      };
      return r;
    }
    if (req.path == "/stop") {
      server_->Stop();  // from an io thread: must neither deadlock nor join itself
      return HttpResponse::Json(200, "stopping");
    }
    if (req.path == "/headers") {
      HttpResponse r = HttpResponse::Json(200, std::string(req.Header("x-custom").value_or("none")));
      r.content_type = "text/plain";
      r.headers.emplace_back("ETag", "\"abc\"");
      r.headers.emplace_back("Content-Length", "999");  // framing is the server's; ignored
      return r;
    }
    std::string q;
    for (const auto& [k, v] : req.query) q += k + "=" + v + ";";
    return HttpResponse::Json(200, req.method + " " + req.path + " " + q + " " + req.body + " " + req.request_id);
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> calls_{0};
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Conn c(server_->port());
  ASSERT_TRUE(c.connected());
  c.Send("GET /a HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n");
  std::string r1 = c.ReadResponse();
  EXPECT_NE(r1.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_EQ(HeaderOf(r1, "X-Request-Id"), "abc-123");
  EXPECT_EQ(HeaderOf(r1, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderOf(r1, "Connection"), "");
  c.Send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  std::string r2 = c.ReadResponse();
  EXPECT_NE(r2.find("POST /b  hello"), std::string::npos) << r2;
  EXPECT_EQ(HeaderOf(r2, "Content-Length"), std::to_string(BodyOf(r2).size()));
  // Two pipelined requests in one write are answered in order.
  c.Send("GET /p1 HTTP/1.1\r\nHost: t\r\n\r\nGET /p2 HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("GET /p1"), std::string::npos);
  EXPECT_NE(c.ReadResponse().find("GET /p2"), std::string::npos);
  EXPECT_EQ(calls_.load(), 4);
}

TEST_F(HttpServerTest, DecodesPathAndQuery) {
  Conn c(server_->port());
  c.Send("GET /a%20b/c%2Bd+e?x=1&y=h%C3%A9+z&flag&x=2 HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("GET /a b/c+d+e x=1;y=hé z;flag=;x=2;"), std::string::npos) << r;
}

TEST_F(HttpServerTest, RequestIdIsGeneratedWhenMissingOrUnsafe) {
  Conn c(server_->port());
  c.Send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string r1 = c.ReadResponse();
  EXPECT_TRUE(std::regex_match(HeaderOf(r1, "X-Request-Id"), std::regex("[0-9a-f]{16}"))) << r1;
  c.Send("GET /a HTTP/1.1\r\nHost: t\r\nX-Request-Id: bad id<script>\r\n\r\n");
  std::string r2 = c.ReadResponse();
  EXPECT_TRUE(std::regex_match(HeaderOf(r2, "X-Request-Id"), std::regex("[0-9a-f]{16}"))) << r2;
  c.Send("GET /a HTTP/1.1\r\nHost: t\r\nX-Request-Id: " + std::string(65, 'a') + "\r\n\r\n");
  EXPECT_EQ(HeaderOf(c.ReadResponse(), "X-Request-Id").size(), 16u);
}

TEST_F(HttpServerTest, OversizedBodyIs413WithoutCallingTheHandler) {
  Conn c(server_->port());
  c.Send("POST /x HTTP/1.1\r\nHost: t\r\nX-Request-Id: big-1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'));
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("HTTP/1.1 413"), std::string::npos) << r;
  EXPECT_EQ(BodyOf(r), R"({"error_code":"RESOURCE_LIMIT_EXCEEDED","message":"request body exceeds 1024 bytes"})");
  EXPECT_EQ(HeaderOf(r, "Connection"), "close");
  EXPECT_EQ(HeaderOf(r, "X-Request-Id"), "big-1");
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  Conn c(server_->port());
  std::string chunk(800, 'b');
  c.Send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" + chunk +
         "\r\n0\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("HTTP/1.1 413"), std::string::npos) << r;
  EXPECT_EQ(calls_.load(), 0);
}

// A client that uploads its whole (large) body before reading gets the 413, not a reset.
TEST_F(HttpServerTest, ClientThatSendsEverythingStillReads413) {
  Conn c(server_->port());
  std::string body(4 << 20, 'z');
  c.Send("PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_TRUE(c.Send(body));
  EXPECT_NE(c.ReadResponse().find("HTTP/1.1 413"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponseOrEarly413) {
  {
    Conn c(server_->port());
    c.Send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    std::string interim = c.ReadResponse();
    EXPECT_NE(interim.find("HTTP/1.1 100 Continue"), std::string::npos) << interim;
    c.Send("data");
    EXPECT_NE(c.ReadResponse().find("POST /e  data"), std::string::npos);
  }
  Conn c(server_->port());
  c.Send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("HTTP/1.1 413"), std::string::npos);
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(HttpServerTest, HeadHasGetLengthAndNoBody) {
  Conn c(server_->port());
  c.Send("HEAD /h HTTP/1.1\r\nHost: t\r\nX-Request-Id: r1\r\n\r\n");
  std::string r = c.ReadResponse(/*head=*/true);
  EXPECT_NE(r.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "Content-Length"), std::to_string(std::string("HEAD /h   r1").size()));
  EXPECT_EQ(BodyOf(r), "");
  // The connection is still in step: the next response starts right after the headers.
  c.Send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string n = c.ReadResponse();
  EXPECT_EQ(n.rfind("HTTP/1.1 200 OK", 0), 0u) << n;
}

TEST_F(HttpServerTest, GarbageIs400AndServerKeepsServing) {
  {
    Conn c(server_->port());
    c.Send("THIS IS NOT HTTP\r\n\r\n");
    std::string r = c.ReadResponse();
    EXPECT_NE(r.find("HTTP/1.1 400"), std::string::npos) << r;
    EXPECT_NE(r.find("\"error_code\":\"INVALID_PARAMETER_VALUE\""), std::string::npos) << r;
    EXPECT_EQ(HeaderOf(r, "Connection"), "close");
  }
  for (std::string target : {"/bad%zz", "/bad%4", "relative", "/nul%00byte", "/q?x=%g1"}) {
    Conn c(server_->port());
    c.Send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string r = c.ReadResponse();
    EXPECT_NE(r.find("HTTP/1.1 400"), std::string::npos) << target << "\n" << r;
  }
  EXPECT_EQ(calls_.load(), 0);
  Conn c(server_->port());
  c.Send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  Conn c(server_->port());
  c.Send("GET /h HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(70 << 10, 'h') + "\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("HTTP/1.1 431"), std::string::npos);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndConnectionSurvives) {
  Conn c(server_->port());
  c.Send("GET /throw HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("HTTP/1.1 500"), std::string::npos) << r;
  EXPECT_NE(r.find("INTERNAL_ERROR"), std::string::npos);
  c.Send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, ResponseHeadersFromHandler) {
  Conn c(server_->port());
  c.Send("GET /headers HTTP/1.1\r\nHost: t\r\nX-CUSTOM: Mixed Case\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"abc\"");
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/plain");
  EXPECT_EQ(HeaderOf(r, "Content-Length"), "10");
  EXPECT_EQ(BodyOf(r), "Mixed Case");
}

TEST_F(HttpServerTest, NoContentHasNoBodyOrLength) {
  Conn c(server_->port());
  c.Send("GET /nocontent HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string r = c.ReadResponse(/*head=*/true);
  EXPECT_NE(r.find("HTTP/1.1 204"), std::string::npos) << r;
  EXPECT_EQ(HeaderOf(r, "Content-Length"), "");
  EXPECT_EQ(c.ReadResponse().rfind("HTTP/1.1 200 OK", 0), 0u);
}

TEST_F(HttpServerTest, ClientCloseAndHttp10AreHonoured) {
  {
    Conn c(server_->port());
    c.Send("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    std::string r = c.ReadResponse();
    EXPECT_EQ(HeaderOf(r, "Connection"), "close");
    EXPECT_TRUE(c.ReadsEof());
  }
  Conn c(server_->port());
  c.Send("GET /a HTTP/1.0\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_EQ(r.rfind("HTTP/1.0 200 OK", 0), 0u) << r;
  EXPECT_TRUE(c.ReadsEof());
}

// Decodes a chunked body ("<hex>\r\n<data>\r\n" ... "0\r\n\r\n").
std::string Dechunk(std::string_view s) {
  std::string out;
  for (size_t p = 0;;) {
    size_t eol = s.find("\r\n", p);
    if (eol == std::string_view::npos) return out + "<truncated>";
    size_t n = std::stoul(std::string(s.substr(p, eol - p)), nullptr, 16);
    if (n == 0) return out;
    out += s.substr(eol + 2, n);
    p = eol + 2 + n + 2;
  }
}

TEST_F(HttpServerTest, StreamedBodiesAreChunkedAndKeepTheConnection) {
  Conn c(server_->port());
  c.Send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string head = c.ReadUntil("\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK", 0), 0u) << head;
  EXPECT_EQ(HeaderOf(head, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(HeaderOf(head, "Content-Length"), "");
  EXPECT_EQ(Dechunk(c.ReadUntil("\r\n0\r\n\r\n")), "alpha" + std::string(70000, 'b') + "gamma");
  c.Send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n");  // the connection is still usable
  EXPECT_EQ(c.ReadResponse().rfind("HTTP/1.1 200 OK", 0), 0u);
  // HTTP/1.0 gets one body with its length.
  Conn old(server_->port());
  old.Send("GET /stream HTTP/1.0\r\n\r\n");
  std::string r = old.ReadResponse();
  EXPECT_EQ(HeaderOf(r, "Content-Length"), std::to_string(70010));
  EXPECT_EQ(BodyOf(r), "alpha" + std::string(70000, 'b') + "gamma");
}

TEST_F(HttpServerTest, StreamThatFailsCutsTheTransferShort) {
  Conn c(server_->port());
  c.Send("GET /stream-fail HTTP/1.1\r\nHost: t\r\n\r\n");
  c.ReadUntil("\r\n\r\n");
  std::string rest = c.ReadUntil("\r\n0\r\n\r\n");  // never arrives: the server closes
  EXPECT_EQ(Dechunk(rest), "alpha<truncated>");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, ConcurrentClients) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      Conn c(server_->port());
      for (int i = 0; i < 200; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        c.Send("POST /c HTTP/1.1\r\nHost: t\r\nX-Request-Id: " + id + "\r\nContent-Length: " + std::to_string(id.size()) +
               "\r\n\r\n" + id);
        std::string r = c.ReadResponse();
        if (r.find("200 OK") != std::string::npos && BodyOf(r) == "POST /c  " + id + " " + id) ok++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1600);
}

TEST_F(HttpServerTest, SlowHandlerDoesNotBlockOtherConnections) {
  std::thread slow([&] {
    Conn c(server_->port());
    c.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto t0 = steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    Conn c(server_->port());  // a new connection each time: the accept loop must be free
    c.Send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
  }
  EXPECT_LT(steady_clock::now() - t0, std::chrono::milliseconds(1000));
  slow.join();
}

TEST_F(HttpServerTest, StopWithOpenConnectionsReturnsPromptlyAndClosesThem) {
  Conn idle(server_->port());
  ASSERT_TRUE(idle.connected());
  Conn used(server_->port());
  used.Send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(used.ReadResponse().find("200 OK"), std::string::npos);
  Conn partial(server_->port());
  partial.Send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto t0 = steady_clock::now();
  server_->Stop();
  EXPECT_LT(steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(idle.ReadsEof());
  EXPECT_TRUE(used.ReadsEof());
  EXPECT_TRUE(partial.ReadsEof());
  server_->Stop();  // idempotent
  Conn late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, StopLetsARequestInFlightFinish) {
  std::string response;
  std::thread slow([&] {
    Conn c(server_->port());
    c.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    response = c.ReadResponse();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server_->Stop();
  slow.join();
  EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
}

TEST_F(HttpServerTest, WaitReturnsAfterStopFromAnotherThreadAndStopIsThreadSafe) {
  std::atomic<bool> waited{false};
  std::thread waiter([&] {
    server_->Wait();
    waited = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(waited.load());
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) stoppers.emplace_back([&] { server_->Stop(); });
  for (auto& t : stoppers) t.join();
  waiter.join();
  EXPECT_TRUE(waited.load());
}

TEST_F(HttpServerTest, StopFromAHandler) {
  std::thread waiter([&] { server_->Wait(); });
  Conn c(server_->port());
  c.Send("GET /stop HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
  waiter.join();
}

TEST(HttpServerStartTest, BadAddressAndBusyPortFail) {
  HttpServerOptions o;
  o.host = "not an address";
  EXPECT_FALSE(HttpServer::Start(o, [](HttpRequest&) { return HttpResponse{}; }).ok());
  o.host = "127.0.0.1";
  auto first = HttpServer::Start(o, [](HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(first.ok());
  o.port = (*first)->port();
  EXPECT_FALSE(HttpServer::Start(o, [](HttpRequest&) { return HttpResponse{}; }).ok());
}

TEST(HttpServerStartTest, IdleConnectionsTimeOut) {
  HttpServerOptions o;
  o.idle_timeout_seconds = 1;
  auto s = HttpServer::Start(o, [](HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(s.ok());
  Conn c((*s)->port());
  auto t0 = steady_clock::now();
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_LT(steady_clock::now() - t0, std::chrono::seconds(3));
}

}  // namespace
}  // namespace moebius::api

namespace moebius::api {
namespace {

TEST(HttpTypesTest, ParseQueryString) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(ParseQueryString("a=1&b=x%20y+z&&c&d=&a=2&e=%3D%26", &q));
  EXPECT_EQ(q, (std::vector<std::pair<std::string, std::string>>{
                   {"a", "1"}, {"b", "x y z"}, {"c", ""}, {"d", ""}, {"a", "2"}, {"e", "=&"}}));
  q.clear();
  EXPECT_TRUE(ParseQueryString("", &q));
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(ParseQueryString("a=%zz", &q));
  EXPECT_FALSE(ParseQueryString("a%=1", &q));
  EXPECT_FALSE(ParseQueryString("a=%4", &q));
}

TEST(HttpTypesTest, RequestAccessors) {
  HttpRequest r;
  r.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  r.query = {{"k", "v1"}, {"other", "o"}, {"k", "v2"}};
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_FALSE(r.Header("missing").has_value());
  EXPECT_EQ(r.Query("k"), "v1");
  EXPECT_FALSE(r.Query("nope").has_value());
  EXPECT_EQ(r.QueryAll("k"), (std::vector<std::string>{"v1", "v2"}));
  EXPECT_TRUE(r.QueryAll("nope").empty());
}

}  // namespace
}  // namespace moebius::api
