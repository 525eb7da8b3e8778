// What a deployment variant did (MON-3, MON-5, INF-7, SRV-1 statistics; docs/design/serving.md):
// counts and latency histograms since the variant was loaded, and the same over a sliding window of
// recent seconds, for the statistics extension, /metrics, the deployment page and the guardrails
// that roll a failing canary back.
//
// Latency histograms are log-linear (16 buckets per power of two from 1 µs to about 68 s; a
// percentile is reported as its bucket's upper bound, at most 6.25% above the true value) and mergeable: the window's histogram is the sum of
// its slots', and a deployment's the sum of its variants'. Recording touches only atomics.
//
// Thread-safety: thread-safe. Record from many threads; snapshots may be read at any time (a
// snapshot taken while requests are recorded may miss the requests in flight).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "base/json.h"

namespace moebius::serving {

// A latency distribution: counts per bucket.
class Histogram {
 public:
  static constexpr int kSubBuckets = 16;        // per power of two
  static constexpr int kMinExponent = 10;       // 2^10 ns ≈ 1 µs: bucket 0 holds everything below
  static constexpr int kMaxExponent = 36;       // 2^36 ns ≈ 68.7 s: the last bucket holds everything above
  static constexpr int kBuckets = (kMaxExponent - kMinExponent) * kSubBuckets + 2;

  static int BucketOf(int64_t nanos);
  // The largest duration bucket `b` holds (its upper bound), in nanoseconds.
  static double UpperNanos(int bucket);

  std::array<uint64_t, kBuckets> counts{};
  uint64_t total = 0;

  void Merge(const Histogram& other);
  // The q-quantile (0 < q <= 1) as a bucket's upper bound, in milliseconds; 0 when empty.
  double QuantileMs(double q) const;
};

// Counts of one variant over some span of time.
struct VariantSnapshot {
  uint64_t requests = 0;       // answered (success + failures)
  uint64_t failures = 0;       // the variant could not answer: a request it refused (4xx) or an error
  uint64_t rows = 0;           // rows answered
  uint64_t success_ns = 0;     // Triton's success: whole-request time of the successful ones
  uint64_t fail_ns = 0;
  uint64_t input_ns = 0;       // reading the request and transforming its columns
  uint64_t infer_ns = 0;       // the model
  uint64_t output_ns = 0;      // writing the answer
  uint64_t queue_ns = 0;       // waiting for a batch (dynamic batching; 0 without it)
  int64_t last_ms = 0;         // unix ms of the last request, 0 when none
  Histogram latency;           // whole-request time of the successful requests

  void Merge(const VariantSnapshot& other);
  double ErrorRate() const { return requests ? static_cast<double>(failures) / requests : 0.0; }
  // {requests, failures, error_rate, rows, p50_ms, p90_ms, p99_ms, mean_ms, ...}
  Json ToJson() const;
};

// One request's times, in nanoseconds.
struct RequestTimes {
  uint64_t input_ns = 0;
  uint64_t infer_ns = 0;
  uint64_t output_ns = 0;
  uint64_t queue_ns = 0;
  uint64_t Total() const { return input_ns + infer_ns + output_ns + queue_ns; }
};

class VariantMetrics {
 public:
  static constexpr int kSlotSeconds = 5;
  static constexpr int kSlots = 72;  // six minutes of 5-second slots: the longest window
  static constexpr int kMaxWindowSeconds = kSlotSeconds * (kSlots - 1);

  void RecordSuccess(const RequestTimes& t, uint64_t rows, int64_t now_ms);
  void RecordFailure(const RequestTimes& t, int64_t now_ms);

  // Since the variant was loaded.
  VariantSnapshot Total() const;
  // Over the last `seconds` (rounded up to whole slots, at most kMaxWindowSeconds) before `now_ms`.
  VariantSnapshot Window(int seconds, int64_t now_ms) const;

 private:
  struct Cells {
    std::atomic<uint64_t> requests{0}, failures{0}, rows{0}, success_ns{0}, fail_ns{0}, input_ns{0}, infer_ns{0}, output_ns{0}, queue_ns{0};
    std::array<std::atomic<uint64_t>, Histogram::kBuckets> latency{};
    void Add(const RequestTimes& t, uint64_t rows, bool ok);
    void Clear();
    void AddTo(VariantSnapshot& s) const;
  };
  struct Slot {
    std::atomic<int64_t> epoch{-1};  // now_ms / (kSlotSeconds * 1000) this slot counts
    Cells cells;
  };
  Cells& SlotFor(int64_t now_ms);
  void Record(const RequestTimes& t, uint64_t rows, bool ok, int64_t now_ms);

  Cells total_;
  std::atomic<int64_t> last_ms_{0};
  std::array<Slot, kSlots> slots_;
  std::mutex rotate_mu_;  // taken only when a slot starts a new epoch
};

}  // namespace moebius::serving
