// Micro-benchmark of the phases behind moebius_table_stats, one thread: reading a CSV held in
// memory (ReadTableFromBuffer), the column statistics (ComputeStats without correlations) and
// the JSON text. Prints the minimum and median of each phase over the repeats, in CPU seconds of
// the thread, so that a busy shared machine still gives comparable numbers between two builds.
//
//   table_stats_bench FILE [REPEATS]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/table/column_stats.h"
#include "data/table/table_reader.h"

namespace {

using namespace moebius;
using namespace moebius::data;
// CPU time of this thread: on a shared machine, waiting for a core does not count.
double Now() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void Report(const char* phase, std::vector<double> t) {
  std::sort(t.begin(), t.end());
  std::printf("%-6s min %.3f s  median %.3f s\n", phase, t.front(), t[t.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: table_stats_bench FILE [REPEATS]\n");
    return 2;
  }
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  ReadOptions ro;
  ro.name = argv[1];
  StatsOptions so;
  so.correlations = false;
  so.threads = 1;
  std::vector<double> read, stats, json;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = Now();
    Result<Table> table = ReadTableFromBuffer(data, ro);
    auto t1 = Now();
    if (!table.ok()) {
      std::fprintf(stderr, "%s\n", table.status().message().c_str());
      return 1;
    }
    Result<TableStats> s = ComputeStats(*table, so);
    auto t2 = Now();
    std::string text = ToJson(*s).dump();
    auto t3 = Now();
    read.push_back(t1 - t0);
    stats.push_back(t2 - t1);
    json.push_back(t3 - t2);
  }
  Report("read", read);
  Report("stats", stats);
  Report("json", json);
  return 0;
}
