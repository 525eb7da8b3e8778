#include "train/perf_stats.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace moebius::train {

double ProcStatusMb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream ss(line.substr(key.size() + 1));
      double kb = 0;
      ss >> kb;
      return kb / 1024.0;
    }
  }
  return 0;
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(q * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

Result<Json> TimeServing(size_t calls, const std::function<Status(size_t)>& single, const std::function<Result<size_t>()>& batch,
                         double min_batch_seconds, double model_rss_mb) {
  using Clock = std::chrono::steady_clock;
  if (calls == 0) return InvalidArgument("serving check: the number of timed calls must be positive");
  std::vector<double> latencies;
  latencies.reserve(calls);
  for (size_t i = 0; i < calls; ++i) {
    auto t0 = Clock::now();
    RETURN_IF_ERROR(single(i));
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  double mean = 0;
  for (double l : latencies) mean += l / static_cast<double>(latencies.size());
  size_t rows = 0, batch_rows = 0;
  auto b0 = Clock::now();
  double elapsed = 0;
  do {
    ASSIGN_OR_RETURN(batch_rows, batch());
    rows += batch_rows;
    elapsed = std::chrono::duration<double>(Clock::now() - b0).count();
  } while (elapsed < min_batch_seconds);
  return Json{{"latency_p50_ms", Percentile(latencies, 0.5)},
              {"latency_p99_ms", Percentile(latencies, 0.99)},
              {"latency_mean_ms", mean},
              {"latency_calls", latencies.size()},
              {"throughput_rows_per_s", static_cast<double>(rows) / elapsed},
              {"batch_rows", batch_rows},
              {"model_rss_mb", std::max(0.0, model_rss_mb)},
              {"peak_rss_mb", ProcStatusMb("VmHWM")}};
}

}  // namespace moebius::train
