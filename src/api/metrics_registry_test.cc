#include "api/metrics_registry.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace moebius::api {
namespace {

// Every line is a comment or `name{labels} value` (exposition format 0.0.4).
void ExpectValidExposition(const std::string& text) {
  static const std::regex kSample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eE]+|NaN|[+-]Inf$)");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    EXPECT_TRUE(std::regex_match(line, kSample)) << line;
  }
}

TEST(MetricsRegistryTest, CountsAndHistograms) {
  MetricsRegistry m;
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 200, 0.002);
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 200, 0.02);
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 404, 0.0001);
  std::string out = m.RenderPrometheus();
  EXPECT_NE(out.find("moebius_http_requests_total{route=\"/api/v1/runs/{run}\",method=\"GET\",status=\"200\"} 2"), std::string::npos);
  EXPECT_NE(out.find("moebius_http_requests_total{route=\"/api/v1/runs/{run}\",method=\"GET\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(out.find("moebius_http_request_duration_seconds_bucket{route=\"/api/v1/runs/{run}\",method=\"GET\",le=\"0.0025\"} 2"), std::string::npos);
  EXPECT_NE(out.find("moebius_http_request_duration_seconds_count{route=\"/api/v1/runs/{run}\",method=\"GET\"} 3"), std::string::npos);
  EXPECT_NE(out.find("process_resident_memory_bytes "), std::string::npos);
  ExpectValidExposition(out);
}

TEST(MetricsRegistryTest, EscapesLabels) {
  MetricsRegistry m;
  m.ObserveRequest("a\"b\\c\nd", "GET", 200, 0.1);
  std::string out = m.RenderPrometheus();
  EXPECT_NE(out.find("route=\"a\\\"b\\\\c\\nd\""), std::string::npos);
  ExpectValidExposition(out);
}

TEST(MetricsRegistryTest, ConcurrentObservations) {
  MetricsRegistry m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) m.ObserveRequest("/r" + std::to_string(i % 3), "POST", 200, 0.001);
    });
  for (auto& t : threads) t.join();
  std::string out = m.RenderPrometheus();
  int total = 0;
  for (int r = 0; r < 3; ++r) {
    std::string key = "moebius_http_requests_total{route=\"/r" + std::to_string(r) + "\",method=\"POST\",status=\"200\"} ";
    size_t pos = out.find(key);
    ASSERT_NE(pos, std::string::npos);
    total += std::stoi(out.substr(pos + key.size()));
  }
  EXPECT_EQ(total, 80000);
}

}  // namespace
}  // namespace moebius::api
