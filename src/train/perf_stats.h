// What the serving measurements of every trainer share (serving_perf.cc, and the torch trainers'
// image_serving_perf.cc and text_serving_perf.cc): the process's memory as the kernel reports it
// and a latency percentile.
#pragma once

#include <string>
#include <vector>

namespace moebius::train {

// A field of /proc/self/status in MiB (VmRSS, VmHWM); 0 where unavailable.
double ProcStatusMb(const std::string& key);

// The q-quantile (0..1) of `v` by the nearest rank; `v` must not be empty.
double Percentile(std::vector<double> v, double q);

}  // namespace moebius::train
