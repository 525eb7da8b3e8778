#include "api/metrics_registry.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tuple>
#include <type_traits>

#include "base/log.h"

namespace moebius::api {

namespace {

constexpr std::string_view kRequestsName = "moebius_http_requests_total";
constexpr std::string_view kDurationName = "moebius_http_request_duration_seconds";
constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;

// Names the registry renders itself; GetCounter/GetGauge may not take them.
constexpr std::string_view kBuiltinNames[] = {kRequestsName,
                                              kDurationName,
                                              "process_resident_memory_bytes",
                                              "process_virtual_memory_bytes",
                                              "process_cpu_seconds_total",
                                              "process_start_time_seconds",
                                              "process_open_fds"};

// Shortest text that reads back as the same double ("0.0025", not "0.0025000000000000001"),
// with the exposition format's spellings of the special values.
void AppendNum(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    // Plain decimals in the usual range ("0.0005", not "5e-04"), exponents beyond it.
    double a = std::fabs(v);
    bool fixed = a == 0 || (a >= 1e-6 && a < 1e15);
    auto [end, ec] = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                           : std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += "=\"";
  out += EscapeLabelValue(value);
  out += '"';
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {  // HELP escapes only backslash and newline
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

bool ValidName(std::string_view s, bool allow_colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

[[noreturn]] void Misuse(const std::string& what) {
  log::Error("metrics registry misuse: " + what);
  std::fprintf(stderr, "metrics registry misuse: %s\n", what.c_str());
  std::abort();
}

uint64_t HashKey(std::string_view route, std::string_view method) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : route) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;
  for (char c : method) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

double WallSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// The process's real start (it may predate the registry), from /proc; now when unreadable.
double ProcessStartSeconds() {
  double boot = 0;
  if (FILE* f = std::fopen("/proc/stat", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::strncmp(line, "btime ", 6) == 0) boot = std::strtod(line + 6, nullptr);
    std::fclose(f);
  }
  double ticks = -1;
  if (FILE* f = std::fopen("/proc/self/stat", "r")) {
    char buf[1024];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    // Fields after the command name (which may hold spaces) start after the last ')';
    // starttime is field 22, the 20th after it.
    if (char* p = std::strrchr(buf, ')')) {
      char* save = nullptr;
      char* tok = strtok_r(p + 1, " ", &save);
      for (int field = 3; tok && field < 22; ++field) tok = strtok_r(nullptr, " ", &save);
      if (tok) ticks = std::strtod(tok, nullptr);
    }
  }
  long hz = sysconf(_SC_CLK_TCK);
  if (boot <= 0 || ticks < 0 || hz <= 0) return WallSeconds();
  return boot + ticks / static_cast<double>(hz);
}

}  // namespace

// One (route, method): its latency histogram and its request counts by status.
struct MetricsRegistry::RequestSeries {
  RequestSeries(std::string_view r, std::string_view m) : route(r), method(m) {}
  const std::string route;
  const std::string method;
  RequestSeries* next = nullptr;  // set before the series is published, never changed after
  // Per-bucket (not cumulative) counts, so an observation is one increment; the last bucket
  // holds observations above the largest bound. Summed at render time.
  alignas(64) std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
  std::atomic<uint64_t> sum_nanos{0};
  std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
};

struct MetricsRegistry::Family {
  std::string help;
  bool is_counter = true;
  // Keyed by the rendered label set, e.g. `a="x",b="y"` with names sorted.
  std::map<std::string, std::unique_ptr<Counter>> counters;
  std::map<std::string, std::unique_ptr<Gauge>> gauges;
};

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

MetricsRegistry::MetricsRegistry() : start_time_seconds_(ProcessStartSeconds()) {}

MetricsRegistry::~MetricsRegistry() {
  for (auto& head : requests_) {
    RequestSeries* s = head.load(std::memory_order_acquire);
    while (s) {
      RequestSeries* next = s->next;
      delete s;
      s = next;
    }
  }
}

MetricsRegistry::RequestSeries* MetricsRegistry::FindOrAddSeries(std::string_view route, std::string_view method) {
  std::atomic<RequestSeries*>& head = requests_[HashKey(route, method) & (kTableSize - 1)];
  RequestSeries* first = head.load(std::memory_order_acquire);
  for (RequestSeries* s = first; s; s = s->next)
    if (s->route == route && s->method == method) return s;
  auto fresh = std::make_unique<RequestSeries>(route, method);
  while (true) {
    fresh->next = first;
    if (head.compare_exchange_weak(first, fresh.get(), std::memory_order_release, std::memory_order_acquire))
      return fresh.release();
    // Another thread published first; it may have added this very series.
    for (RequestSeries* s = first; s; s = s->next)
      if (s->route == route && s->method == method) return s;
  }
}

void MetricsRegistry::ObserveRequest(std::string_view route, std::string_view method, int status, double seconds) {
  RequestSeries* s = FindOrAddSeries(route, method);
  int st = std::clamp(status, kMinStatus, kMaxStatus);
  s->by_status[static_cast<size_t>(st - kMinStatus)].fetch_add(1, std::memory_order_relaxed);
  if (!(seconds >= 0)) seconds = 0;  // negative or NaN
  size_t b = static_cast<size_t>(std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  s->buckets[b].fetch_add(1, std::memory_order_relaxed);
  double nanos = std::min(seconds * 1e9, 1e18);
  s->sum_nanos.fetch_add(static_cast<uint64_t>(nanos), std::memory_order_relaxed);
}

template <typename T>
T& MetricsRegistry::GetSeries(std::string_view name, std::string_view help, const MetricLabels& labels, bool is_counter) {
  if (!ValidName(name, /*allow_colon=*/true)) Misuse("invalid metric name '" + std::string(name) + "'");
  for (std::string_view builtin : kBuiltinNames)
    if (name == builtin) Misuse("metric name '" + std::string(name) + "' is built in");
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(labels.size());
  for (const auto& l : labels) {
    if (!ValidName(l.first, /*allow_colon=*/false) || l.first.rfind("__", 0) == 0)
      Misuse("invalid label name '" + l.first + "' on " + std::string(name));
    sorted.push_back(&l);
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string key;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i]->first == sorted[i - 1]->first) Misuse("label '" + sorted[i]->first + "' repeated on " + std::string(name));
    if (i > 0) key += ',';
    AppendLabel(key, sorted[i]->first, sorted[i]->second);
  }

  std::lock_guard<std::mutex> lock(families_mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<Family>();
    f->help = std::string(help);
    f->is_counter = is_counter;
    it = families_.emplace(std::string(name), std::move(f)).first;
  }
  Family& f = *it->second;
  if (f.is_counter != is_counter) Misuse("metric '" + std::string(name) + "' registered as both counter and gauge");
  auto& series = [&]() -> auto& {
    if constexpr (std::is_same_v<T, Counter>) return f.counters;
    else return f.gauges;
  }();
  auto& slot = series[key];
  if (!slot) slot = std::make_unique<T>();
  return *slot;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help, const MetricLabels& labels) {
  return GetSeries<Counter>(name, help, labels, /*is_counter=*/true);
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  return GetSeries<Gauge>(name, help, labels, /*is_counter=*/false);
}

void MetricsRegistry::RenderRequests(std::string& out) const {
  std::vector<const RequestSeries*> all;
  for (const auto& head : requests_)
    for (const RequestSeries* s = head.load(std::memory_order_acquire); s; s = s->next) all.push_back(s);
  std::sort(all.begin(), all.end(), [](const RequestSeries* a, const RequestSeries* b) {
    return std::tie(a->route, a->method) < std::tie(b->route, b->method);
  });

  AppendHeader(out, kRequestsName, "HTTP requests by route pattern, method and status.", "counter");
  for (const RequestSeries* s : all) {
    for (size_t i = 0; i < s->by_status.size(); ++i) {
      uint64_t n = s->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += kRequestsName;
      out += '{';
      AppendLabel(out, "route", s->route);
      out += ',';
      AppendLabel(out, "method", s->method);
      out += ",status=\"";
      AppendUint(out, i + kMinStatus);
      out += "\"} ";
      AppendUint(out, n);
      out += '\n';
    }
  }

  AppendHeader(out, kDurationName, "Time from a complete request to its response, by route pattern and method.", "histogram");
  for (const RequestSeries* s : all) {
    std::string labels;
    AppendLabel(labels, "route", s->route);
    labels += ',';
    AppendLabel(labels, "method", s->method);
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += s->buckets[i].load(std::memory_order_relaxed);
      out += kDurationName;
      out += "_bucket{";
      out += labels;
      out += ",le=\"";
      if (i < kBuckets.size()) AppendNum(out, kBuckets[i]);
      else out += "+Inf";
      out += "\"} ";
      AppendUint(out, cumulative);
      out += '\n';
    }
    // _count is the +Inf bucket, so the two always agree even while requests are counted.
    out += kDurationName;
    out += "_sum{";
    out += labels;
    out += "} ";
    AppendNum(out, static_cast<double>(s->sum_nanos.load(std::memory_order_relaxed)) / 1e9);
    out += '\n';
    out += kDurationName;
    out += "_count{";
    out += labels;
    out += "} ";
    AppendUint(out, cumulative);
    out += '\n';
  }
}

void MetricsRegistry::RenderFamilies(std::string& out) const {
  std::lock_guard<std::mutex> lock(families_mu_);
  for (const auto& [name, f] : families_) {
    AppendHeader(out, name, f->help, f->is_counter ? "counter" : "gauge");
    auto line = [&](const std::string& labels, double value) {
      out += name;
      if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
      }
      out += ' ';
      AppendNum(out, value);
      out += '\n';
    };
    for (const auto& [labels, c] : f->counters) line(labels, c->Value());
    for (const auto& [labels, g] : f->gauges) line(labels, g->Value());
  }
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  out.reserve(16384);
  RenderRequests(out);
  RenderFamilies(out);

  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) pages = resident = 0;
    std::fclose(f);
  }
  long page_size = sysconf(_SC_PAGESIZE);
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  int fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++fds;
    closedir(d);
    --fds;  // the directory stream's own descriptor
  }

  AppendHeader(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter");
  out += "process_cpu_seconds_total ";
  AppendNum(out, cpu);
  out += '\n';
  AppendHeader(out, "process_open_fds", "Number of open file descriptors.", "gauge");
  out += "process_open_fds ";
  AppendUint(out, static_cast<uint64_t>(std::max(fds, 0)));
  out += '\n';
  AppendHeader(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
  out += "process_resident_memory_bytes ";
  AppendUint(out, static_cast<uint64_t>(resident) * static_cast<uint64_t>(page_size));
  out += '\n';
  AppendHeader(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge");
  out += "process_start_time_seconds ";
  AppendNum(out, start_time_seconds_);
  out += '\n';
  AppendHeader(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge");
  out += "process_virtual_memory_bytes ";
  AppendUint(out, static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size));
  out += '\n';
  return out;
}

}  // namespace moebius::api
