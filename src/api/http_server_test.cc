#include "api/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace moebius::api {
namespace {

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
  void Send(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // Reads one response (headers + Content-Length body).
  std::string ReadResponse() {
    while (true) {
      size_t hdr_end = buf_.find("\r\n\r\n");
      if (hdr_end != std::string::npos) {
        size_t cl = 0;
        size_t p = buf_.find("Content-Length: ");
        if (p != std::string::npos && p < hdr_end) cl = std::stoul(buf_.substr(p + 16));
        if (buf_.size() >= hdr_end + 4 + cl) {
          std::string out = buf_.substr(0, hdr_end + 4 + cl);
          buf_.erase(0, hdr_end + 4 + cl);
          return out;
        }
      }
      char tmp[65536];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) {
        std::string out = buf_;
        buf_.clear();
        return out;
      }
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string buf_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.port = 0;
    o.max_body_bytes = 1024;
    auto s = HttpServer::Start(o, [this](HttpRequest& req) {
      calls_++;
      std::string q;
      for (const auto& [k, v] : req.query) q += k + "=" + v + ";";
      return HttpResponse::Json(200, req.method + " " + req.path + " " + q + " " + req.body + " " + req.request_id);
    });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  void TearDown() override { server_->Stop(); }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> calls_{0};
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Conn c(server_->port());
  ASSERT_TRUE(c.connected());
  c.Send("GET /a%20b?x=1&y=h%C3%A9+z HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n");
  std::string r1 = c.ReadResponse();
  EXPECT_NE(r1.find("200 OK"), std::string::npos);
  EXPECT_NE(r1.find("GET /a b x=1;y=hé z;"), std::string::npos) << r1;
  EXPECT_NE(r1.find("X-Request-Id: abc-123"), std::string::npos);
  c.Send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  std::string r2 = c.ReadResponse();
  EXPECT_NE(r2.find("POST /b  hello"), std::string::npos) << r2;
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(HttpServerTest, OversizedBodyIs413WithoutCallingTheHandler) {
  Conn c(server_->port());
  c.Send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'));
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("413"), std::string::npos) << r;
  EXPECT_NE(r.find("RESOURCE_LIMIT_EXCEEDED"), std::string::npos);
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(HttpServerTest, GarbageIs400AndServerKeepsServing) {
  {
    Conn c(server_->port());
    c.Send("THIS IS NOT HTTP\r\n\r\n");
    std::string r = c.ReadResponse();
    EXPECT_NE(r.find("400"), std::string::npos) << r;
  }
  {
    Conn c(server_->port());
    c.Send("GET /bad%zz HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_NE(c.ReadResponse().find("400"), std::string::npos);
  }
  Conn c(server_->port());
  c.Send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, ConcurrentClients) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      Conn c(server_->port());
      for (int i = 0; i < 50; ++i) {
        c.Send("GET /c HTTP/1.1\r\nHost: t\r\n\r\n");
        if (c.ReadResponse().find("200 OK") != std::string::npos) ok++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST_F(HttpServerTest, StopWithOpenConnectionsReturnsPromptly) {
  Conn idle(server_->port());
  ASSERT_TRUE(idle.connected());
  auto t0 = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

}  // namespace
}  // namespace moebius::api
