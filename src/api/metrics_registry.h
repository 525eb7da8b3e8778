// Prometheus metrics for /metrics: per-route request counters and latency histograms, plus
// process metrics read at render time. Exposition format 0.0.4.
//
// Thread-safety: thread-safe. The hot path (ObserveRequest) takes a shared lock to find its
// series and updates atomics; the exclusive lock is taken only the first time a series appears.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "base/thread_annotations.h"

namespace moebius::api {

class MetricsRegistry {
 public:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  MetricsRegistry();

  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);
  std::string RenderPrometheus() const;

 private:
  struct Histogram {
    std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_nanos{0};
  };
  using CounterKey = std::tuple<std::string, std::string, int>;
  using HistogramKey = std::pair<std::string, std::string>;

  mutable std::shared_mutex mu_;
  std::map<CounterKey, std::unique_ptr<std::atomic<uint64_t>>> requests_ GUARDED_BY(mu_);
  std::map<HistogramKey, std::unique_ptr<Histogram>> durations_ GUARDED_BY(mu_);
  const double start_time_seconds_;
};

// Escapes a label value for the exposition format (backslash, quote, newline).
std::string EscapeLabelValue(std::string_view v);

}  // namespace moebius::api
