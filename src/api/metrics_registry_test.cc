#include "api/metrics_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace moebius::api {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

bool NameChar(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

// A small validator for text format 0.0.4: every line is `# HELP name text`, `# TYPE name type`
// or `name{label="value",...} value`; each family has one HELP and one TYPE, before its
// samples, and its samples are contiguous. Fails the test on any violation; returns the samples.
void ParseExpositionInto(const std::string& text, std::vector<Sample>& samples) {
  std::map<std::string, std::string> types;
  std::set<std::string> helps, finished;
  std::string current;  // family of the last line
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  std::istringstream in(text);
  std::string line;
  auto family_of = [&](const std::string& name) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        std::string base = name.substr(0, name.size() - s.size());
        if (types.count(base) && types[base] == "histogram") return base;
      }
    }
    return name;
  };
  auto enter = [&](const std::string& family) {
    if (family != current) {
      EXPECT_FALSE(finished.count(family)) << "family " << family << " is not contiguous";
      if (!current.empty()) finished.insert(current);
      current = family;
    }
  };
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      size_t sp = rest.find(' ');
      ASSERT_NE(sp, std::string::npos) << line;
      std::string name = rest.substr(0, sp);
      enter(name);
      if (line[2] == 'H') {
        EXPECT_TRUE(helps.insert(name).second) << "second HELP for " << name;
      } else {
        std::string type = rest.substr(sp + 1);
        EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram" || type == "summary" || type == "untyped") << line;
        EXPECT_TRUE(types.emplace(name, type).second) << "second TYPE for " << name;
      }
      continue;
    }
    EXPECT_FALSE(line.empty() || line[0] == '#') << "unexpected line '" << line << "'";
    Sample s;
    size_t i = 0;
    while (i < line.size() && NameChar(line[i], i == 0, true)) ++i;
    s.name = line.substr(0, i);
    ASSERT_FALSE(s.name.empty()) << line;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t start = i;
        while (i < line.size() && NameChar(line[i], i == start, false)) ++i;
        std::string label = line.substr(start, i - start);
        ASSERT_FALSE(label.empty()) << line;
        ASSERT_TRUE(i + 1 < line.size() && line[i] == '=' && line[i + 1] == '"') << line;
        i += 2;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            ASSERT_LT(i + 1, line.size()) << line;
            char e = line[++i];
            ASSERT_TRUE(e == '\\' || e == '"' || e == 'n') << line;
            value += e == 'n' ? '\n' : e;
          } else {
            value += line[i];
          }
          ++i;
        }
        ASSERT_LT(i, line.size()) << "unterminated label value: " << line;
        ++i;
        EXPECT_TRUE(s.labels.emplace(label, value).second) << "repeated label: " << line;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ASSERT_LT(i, line.size()) << line;
      ++i;
    }
    ASSERT_TRUE(i < line.size() && line[i] == ' ') << line;
    std::string v = line.substr(i + 1);
    if (v == "NaN") s.value = NAN;
    else if (v == "+Inf") s.value = INFINITY;
    else if (v == "-Inf") s.value = -INFINITY;
    else {
      char* end = nullptr;
      s.value = std::strtod(v.c_str(), &end);
      EXPECT_TRUE(!v.empty() && *end == '\0') << "bad value: " << line;
    }
    std::string family = family_of(s.name);
    enter(family);
    EXPECT_TRUE(types.count(family)) << "sample before its TYPE: " << line;
    EXPECT_TRUE(helps.count(family)) << "sample before its HELP: " << line;
    samples.push_back(std::move(s));
  }
}

std::vector<Sample> ParseExposition(const std::string& text) {
  std::vector<Sample> samples;
  ParseExpositionInto(text, samples);
  return samples;
}

double Find(const std::vector<Sample>& samples, const std::string& name, const std::map<std::string, std::string>& labels) {
  for (const auto& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  ADD_FAILURE() << "no sample " << name;
  return -1;
}

TEST(MetricsRegistryTest, CountsAndHistograms) {
  MetricsRegistry m;
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 200, 0.002);
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 200, 0.02);
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 404, 0.0001);
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 200, 0.0025);  // on a bound: le is inclusive
  m.ObserveRequest("/api/v1/runs/{run}", "GET", 500, 42);      // above every bound
  std::string out = m.RenderPrometheus();
  auto samples = ParseExposition(out);
  std::map<std::string, std::string> l{{"route", "/api/v1/runs/{run}"}, {"method", "GET"}};
  auto with = [&](std::string k, std::string v) {
    auto c = l;
    c[k] = v;
    return c;
  };
  EXPECT_EQ(Find(samples, "moebius_http_requests_total", with("status", "200")), 3);
  EXPECT_EQ(Find(samples, "moebius_http_requests_total", with("status", "404")), 1);
  EXPECT_EQ(Find(samples, "moebius_http_requests_total", with("status", "500")), 1);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_bucket", with("le", "0.0005")), 1);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_bucket", with("le", "0.0025")), 3);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_bucket", with("le", "0.025")), 4);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_bucket", with("le", "10")), 4);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_bucket", with("le", "+Inf")), 5);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_count", l), 5);
  EXPECT_NEAR(Find(samples, "moebius_http_request_duration_seconds_sum", l), 42.0246, 1e-6);
  // Buckets in the required bounds, cumulative, in order.
  std::vector<std::string> les;
  double last = -1;
  for (const auto& s : samples)
    if (s.name == "moebius_http_request_duration_seconds_bucket") {
      les.push_back(s.labels.at("le"));
      EXPECT_GE(s.value, last);
      last = s.value;
    }
  EXPECT_EQ(les, (std::vector<std::string>{"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                           "0.5", "1", "2.5", "5", "10", "+Inf"}));
  EXPECT_GT(Find(samples, "process_resident_memory_bytes", {}), 1e5);
  EXPECT_GT(Find(samples, "process_virtual_memory_bytes", {}), 1e5);
  EXPECT_GE(Find(samples, "process_cpu_seconds_total", {}), 0);
  EXPECT_GT(Find(samples, "process_open_fds", {}), 2);
  double start = Find(samples, "process_start_time_seconds", {});
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 24 * 3600);
  EXPECT_NE(out.find("# TYPE moebius_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE moebius_http_requests_total counter\n"), std::string::npos);
}

TEST(MetricsRegistryTest, EmptyRegistryRendersValidText) {
  MetricsRegistry m;
  ParseExposition(m.RenderPrometheus());
}

TEST(MetricsRegistryTest, OddStatusesAndDurations) {
  MetricsRegistry m;
  m.ObserveRequest("/r", "GET", 42, -1);
  m.ObserveRequest("/r", "GET", 1000, NAN);
  auto samples = ParseExposition(m.RenderPrometheus());
  EXPECT_EQ(Find(samples, "moebius_http_requests_total", {{"route", "/r"}, {"method", "GET"}, {"status", "100"}}), 1);
  EXPECT_EQ(Find(samples, "moebius_http_requests_total", {{"route", "/r"}, {"method", "GET"}, {"status", "599"}}), 1);
  EXPECT_EQ(Find(samples, "moebius_http_request_duration_seconds_sum", {{"route", "/r"}, {"method", "GET"}}), 0);
}

TEST(MetricsRegistryTest, EscapesLabels) {
  MetricsRegistry m;
  m.ObserveRequest("a\"b\\c\nd", "GET", 200, 0.1);
  m.GetGauge("moebius_queue_depth", "Jobs waiting.\nBy queue \\ name.", {{"queue", "x\"y"}}).Set(3);
  std::string out = m.RenderPrometheus();
  EXPECT_NE(out.find("route=\"a\\\"b\\\\c\\nd\""), std::string::npos);
  EXPECT_NE(out.find("# HELP moebius_queue_depth Jobs waiting.\\nBy queue \\\\ name.\n"), std::string::npos) << out;
  auto samples = ParseExposition(out);
  EXPECT_EQ(Find(samples, "moebius_http_requests_total", {{"route", "a\"b\\c\nd"}, {"method", "GET"}, {"status", "200"}}), 1);
  EXPECT_EQ(Find(samples, "moebius_queue_depth", {{"queue", "x\"y"}}), 3);
}

TEST(MetricsRegistryTest, CountersAndGauges) {
  MetricsRegistry m;
  Counter& a = m.GetCounter("moebius_jobs_total", "Jobs by state.", {{"state", "done"}, {"kind", "train"}});
  Counter& b = m.GetCounter("moebius_jobs_total", "ignored", {{"kind", "train"}, {"state", "done"}});
  EXPECT_EQ(&a, &b);  // label order does not matter
  Counter& failed = m.GetCounter("moebius_jobs_total", "", {{"kind", "train"}, {"state", "failed"}});
  EXPECT_NE(&a, &failed);
  a.Inc();
  b.Inc(2.5);
  a.Inc(-7);  // ignored
  failed.Inc();
  Counter& plain = m.GetCounter("moebius_events_total", "Events.");
  plain.Inc(4);
  Gauge& g = m.GetGauge("moebius_inflight", "In flight.", {{"pool", "p1"}});
  g.Set(10);
  g.Add(-3);
  m.GetGauge("moebius_temperature", "Odd values.").Set(INFINITY);
  std::string out = m.RenderPrometheus();
  auto samples = ParseExposition(out);
  EXPECT_EQ(Find(samples, "moebius_jobs_total", {{"kind", "train"}, {"state", "done"}}), 3.5);
  EXPECT_EQ(Find(samples, "moebius_jobs_total", {{"kind", "train"}, {"state", "failed"}}), 1);
  EXPECT_EQ(Find(samples, "moebius_events_total", {}), 4);
  EXPECT_EQ(Find(samples, "moebius_inflight", {{"pool", "p1"}}), 7);
  EXPECT_TRUE(std::isinf(Find(samples, "moebius_temperature", {})));
  EXPECT_NE(out.find("# HELP moebius_jobs_total Jobs by state.\n# TYPE moebius_jobs_total counter\n"), std::string::npos);
  EXPECT_NE(out.find("moebius_jobs_total{kind=\"train\",state=\"done\"} 3.5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("# TYPE moebius_inflight gauge\n"), std::string::npos);
}

TEST(MetricsRegistryDeathTest, MisuseAborts) {
  MetricsRegistry m;
  m.GetCounter("moebius_x_total", "x");
  EXPECT_DEATH(m.GetGauge("moebius_x_total", "x"), "both counter and gauge");
  EXPECT_DEATH(m.GetCounter("bad-name", "x"), "invalid metric name");
  EXPECT_DEATH(m.GetCounter("moebius_y", "x", {{"0bad", "v"}}), "invalid label name");
  EXPECT_DEATH(m.GetCounter("moebius_y", "x", {{"__reserved", "v"}}), "invalid label name");
  EXPECT_DEATH(m.GetCounter("moebius_y", "x", {{"a", "1"}, {"a", "2"}}), "repeated");
  EXPECT_DEATH(m.GetCounter("moebius_http_requests_total", "x"), "built in");
}

TEST(MetricsRegistryTest, ConcurrentObservationsAndRenders) {
  MetricsRegistry m;
  Counter& c = m.GetCounter("moebius_c_total", "c");
  std::atomic<bool> done{false};
  std::thread renderer([&] {
    while (!done) ParseExposition(m.RenderPrometheus());
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        // Many distinct series appear concurrently, so chains are built under contention.
        m.ObserveRequest("/r" + std::to_string((i + t) % 300), i % 2 ? "POST" : "GET", 200 + i % 3, 0.001 * (i % 7));
        c.Inc();
      }
    });
  for (auto& t : threads) t.join();
  done = true;
  renderer.join();
  auto samples = ParseExposition(m.RenderPrometheus());
  double total = 0, count = 0;
  for (const auto& s : samples) {
    if (s.name == "moebius_http_requests_total") total += s.value;
    if (s.name == "moebius_http_request_duration_seconds_count") count += s.value;
  }
  EXPECT_EQ(total, 160000);
  EXPECT_EQ(count, 160000);
  EXPECT_EQ(Find(samples, "moebius_c_total", {}), 160000);
}

}  // namespace
}  // namespace moebius::api
