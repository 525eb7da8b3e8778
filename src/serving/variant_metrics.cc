#include "serving/variant_metrics.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace moebius::serving {

int Histogram::BucketOf(int64_t nanos) {
  if (nanos < (int64_t{1} << kMinExponent)) return 0;
  int e = 63 - std::countl_zero(static_cast<uint64_t>(nanos));
  if (e >= kMaxExponent) return kBuckets - 1;
  int sub = static_cast<int>((static_cast<uint64_t>(nanos) >> (e - 4)) & (kSubBuckets - 1));
  return 1 + (e - kMinExponent) * kSubBuckets + sub;
}

double Histogram::UpperNanos(int bucket) {
  if (bucket <= 0) return std::ldexp(1.0, kMinExponent);
  if (bucket >= kBuckets - 1) return std::ldexp(1.0, kMaxExponent + 1);
  int e = kMinExponent + (bucket - 1) / kSubBuckets;
  int sub = (bucket - 1) % kSubBuckets;
  return std::ldexp(1.0 + (sub + 1.0) / kSubBuckets, e);
}

void Histogram::Merge(const Histogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts[i] += other.counts[i];
  total += other.total;
}

double Histogram::QuantileMs(double q) const {
  if (total == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts[i];
    if (seen >= rank) return UpperNanos(i) / 1e6;
  }
  return UpperNanos(kBuckets - 1) / 1e6;
}

void VariantSnapshot::Merge(const VariantSnapshot& o) {
  requests += o.requests;
  failures += o.failures;
  rows += o.rows;
  success_ns += o.success_ns;
  fail_ns += o.fail_ns;
  input_ns += o.input_ns;
  infer_ns += o.infer_ns;
  output_ns += o.output_ns;
  queue_ns += o.queue_ns;
  if (o.last_ms > last_ms) last_ms = o.last_ms;
  latency.Merge(o.latency);
}

Json VariantSnapshot::ToJson() const {
  uint64_t ok = requests - failures;
  return Json{{"requests", requests},
              {"failures", failures},
              {"error_rate", ErrorRate()},
              {"rows", rows},
              {"mean_ms", ok ? static_cast<double>(success_ns) / static_cast<double>(ok) / 1e6 : 0.0},
              {"p50_ms", latency.QuantileMs(0.50)},
              {"p90_ms", latency.QuantileMs(0.90)},
              {"p99_ms", latency.QuantileMs(0.99)},
              {"last_ms", last_ms}};
}

void VariantMetrics::Cells::Add(const RequestTimes& t, uint64_t n, bool ok) {
  constexpr auto r = std::memory_order_relaxed;
  requests.fetch_add(1, r);
  input_ns.fetch_add(t.input_ns, r);
  infer_ns.fetch_add(t.infer_ns, r);
  output_ns.fetch_add(t.output_ns, r);
  queue_ns.fetch_add(t.queue_ns, r);
  if (ok) {
    rows.fetch_add(n, r);
    success_ns.fetch_add(t.Total(), r);
    latency[Histogram::BucketOf(static_cast<int64_t>(t.Total()))].fetch_add(1, r);
  } else {
    failures.fetch_add(1, r);
    fail_ns.fetch_add(t.Total(), r);
  }
}

void VariantMetrics::Cells::Clear() {
  constexpr auto r = std::memory_order_relaxed;
  for (auto* a : {&requests, &failures, &rows, &success_ns, &fail_ns, &input_ns, &infer_ns, &output_ns, &queue_ns}) a->store(0, r);
  for (auto& b : latency) b.store(0, r);
}

void VariantMetrics::Cells::AddTo(VariantSnapshot& s) const {
  constexpr auto r = std::memory_order_relaxed;
  s.requests += requests.load(r);
  s.failures += failures.load(r);
  s.rows += rows.load(r);
  s.success_ns += success_ns.load(r);
  s.fail_ns += fail_ns.load(r);
  s.input_ns += input_ns.load(r);
  s.infer_ns += infer_ns.load(r);
  s.output_ns += output_ns.load(r);
  s.queue_ns += queue_ns.load(r);
  for (int i = 0; i < Histogram::kBuckets; ++i) {
    uint64_t c = latency[i].load(r);
    s.latency.counts[i] += c;
    s.latency.total += c;
  }
}

VariantMetrics::Cells& VariantMetrics::SlotFor(int64_t now_ms) {
  int64_t epoch = now_ms / (kSlotSeconds * 1000);
  Slot& slot = slots_[static_cast<size_t>(epoch % kSlots)];
  if (slot.epoch.load(std::memory_order_acquire) != epoch) {
    std::lock_guard lock(rotate_mu_);
    if (slot.epoch.load(std::memory_order_relaxed) != epoch) {
      slot.cells.Clear();
      slot.epoch.store(epoch, std::memory_order_release);
    }
  }
  return slot.cells;
}

void VariantMetrics::Record(const RequestTimes& t, uint64_t rows, bool ok, int64_t now_ms) {
  total_.Add(t, rows, ok);
  SlotFor(now_ms).Add(t, rows, ok);
  int64_t last = last_ms_.load(std::memory_order_relaxed);
  while (now_ms > last && !last_ms_.compare_exchange_weak(last, now_ms, std::memory_order_relaxed)) {
  }
}

void VariantMetrics::RecordSuccess(const RequestTimes& t, uint64_t rows, int64_t now_ms) { Record(t, rows, true, now_ms); }
void VariantMetrics::RecordFailure(const RequestTimes& t, int64_t now_ms) { Record(t, 0, false, now_ms); }

VariantSnapshot VariantMetrics::Total() const {
  VariantSnapshot s;
  total_.AddTo(s);
  s.last_ms = last_ms_.load(std::memory_order_relaxed);
  return s;
}

VariantSnapshot VariantMetrics::Window(int seconds, int64_t now_ms) const {
  VariantSnapshot s;
  int64_t current = now_ms / (kSlotSeconds * 1000);
  int n = std::clamp((seconds + kSlotSeconds - 1) / kSlotSeconds, 1, kSlots - 1);
  for (int64_t e = current - n + 1; e <= current; ++e) {
    const Slot& slot = slots_[static_cast<size_t>(((e % kSlots) + kSlots) % kSlots)];
    if (slot.epoch.load(std::memory_order_acquire) == e) slot.cells.AddTo(s);
  }
  s.last_ms = last_ms_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace moebius::serving
