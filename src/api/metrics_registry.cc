#include "api/metrics_registry.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>

namespace moebius::api {

namespace {
double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Shortest text that reads back as the same double ("0.0025", not "0.0025000000000000001").
std::string Num(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}
}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

MetricsRegistry::MetricsRegistry() : start_time_seconds_(NowSeconds()) {}

void MetricsRegistry::ObserveRequest(std::string_view route, std::string_view method, int status, double seconds) {
  CounterKey ck{std::string(route), std::string(method), status};
  HistogramKey hk{std::string(route), std::string(method)};
  std::atomic<uint64_t>* counter = nullptr;
  Histogram* hist = nullptr;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto c = requests_.find(ck);
    if (c != requests_.end()) counter = c->second.get();
    auto h = durations_.find(hk);
    if (h != durations_.end()) hist = h->second.get();
  }
  if (!counter || !hist) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto& c = requests_[ck];
    if (!c) c = std::make_unique<std::atomic<uint64_t>>(0);
    counter = c.get();
    auto& h = durations_[hk];
    if (!h) h = std::make_unique<Histogram>();
    hist = h.get();
  }
  counter->fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) hist->buckets[i].fetch_add(1, std::memory_order_relaxed);
  hist->count.fetch_add(1, std::memory_order_relaxed);
  hist->sum_nanos.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  out.reserve(8192);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    out += "# HELP moebius_http_requests_total HTTP requests by route pattern, method and status.\n";
    out += "# TYPE moebius_http_requests_total counter\n";
    for (const auto& [key, value] : requests_) {
      const auto& [route, method, status] = key;
      out += "moebius_http_requests_total{route=\"" + EscapeLabelValue(route) + "\",method=\"" + EscapeLabelValue(method) +
             "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(value->load()) + "\n";
    }
    out += "# HELP moebius_http_request_duration_seconds Time from a complete request to its response, by route.\n";
    out += "# TYPE moebius_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : durations_) {
      std::string labels = "route=\"" + EscapeLabelValue(key.first) + "\",method=\"" + EscapeLabelValue(key.second) + "\"";
      for (size_t i = 0; i < kBuckets.size(); ++i)
        out += "moebius_http_request_duration_seconds_bucket{" + labels + ",le=\"" + Num(kBuckets[i]) + "\"} " +
               std::to_string(h->buckets[i].load()) + "\n";
      out += "moebius_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h->count.load()) + "\n";
      out += "moebius_http_request_duration_seconds_sum{" + labels + "} " + Num(h->sum_nanos.load() / 1e9) + "\n";
      out += "moebius_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h->count.load()) + "\n";
    }
  }
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n";
  out += "process_resident_memory_bytes " + std::to_string(resident * sysconf(_SC_PAGESIZE)) + "\n";
  out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\n";
  out += "process_cpu_seconds_total " + Num(cpu) + "\n";
  out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\n";
  out += "process_start_time_seconds " + Num(start_time_seconds_) + "\n";
  return out;
}

}  // namespace moebius::api
