// Prometheus metrics for /metrics: per-route request counters and latency histograms, generic
// counters and gauges with labels, and process metrics read at render time. Text exposition
// format 0.0.4.
//
// Thread-safety: thread-safe. Updating a metric never takes a lock: ObserveRequest finds its
// series in a lock-free, insert-only hash table and updates atomics; Counter and Gauge are
// atomics. GetCounter/GetGauge and RenderPrometheus take a mutex, so callers look a series up
// once and keep the reference.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/thread_annotations.h"

namespace moebius::api {

// Label names and values of one series, e.g. {{"deployment", "fraud"}, {"model", "v3"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing value.
class Counter {
 public:
  // `v` must be >= 0; a negative or NaN increment is ignored (counters never go down).
  void Inc(double v = 1) {
    if (v > 0) value_.fetch_add(v, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class MetricsRegistry {
 public:
  // Upper bounds of moebius_http_request_duration_seconds, in seconds.
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Counts one request in moebius_http_requests_total{route,method,status} and its duration in
  // moebius_http_request_duration_seconds{route,method}. `route` is the route pattern (never
  // the raw path, which would make one series per id). A status outside 100..599 counts as 599.
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);

  // The series of `name` with `labels` (in any order), created on first use; the reference is
  // valid as long as the registry. `help` is used when the family is first created. A name or
  // label name that Prometheus does not accept, a repeated label name, or a name already used
  // with another type (including the built-in moebius_http_* and process_* names) is a
  // programming error: it is logged and the process aborts.
  Counter& GetCounter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});

  // Every metric, grouped by family with # HELP and # TYPE, sorted by name and labels.
  std::string RenderPrometheus() const;

 private:
  struct RequestSeries;
  struct Family;
  static constexpr size_t kTableSize = 256;  // power of two; chains grow past it

  RequestSeries* FindOrAddSeries(std::string_view route, std::string_view method);
  template <typename T>
  T& GetSeries(std::string_view name, std::string_view help, const MetricLabels& labels, bool is_counter);
  void RenderRequests(std::string& out) const;
  void RenderFamilies(std::string& out) const;

  // Heads of insert-only chains; a series, once published, is never moved or freed before the
  // registry is destroyed.
  std::array<std::atomic<RequestSeries*>, kTableSize> requests_{};
  mutable std::mutex families_mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_ GUARDED_BY(families_mu_);
  const double start_time_seconds_;
};

// Escapes a label value for the exposition format (backslash, quote, newline).
std::string EscapeLabelValue(std::string_view v);

}  // namespace moebius::api
