// Micro-benchmark of the phases behind moebius_table_stats: reading a CSV held in memory
// (ReadTableFromBuffer), the column statistics (ComputeStats without correlations) and the JSON
// text, on THREADS threads (default 1). Prints the minimum and median of each phase over the
// repeats in CPU seconds of the process (all its threads), so that a busy shared machine still
// gives comparable numbers between two builds, and in wall seconds (what more threads shorten).
//
//   table_stats_bench FILE [REPEATS] [THREADS]
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
// CPU time of the process: on a shared machine, waiting for a core does not count.
double Cpu() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Wall() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Stamp {
  double cpu = Cpu(), wall = Wall();
};

void Report(const char* phase, std::vector<double> cpu, std::vector<double> wall) {
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  std::printf("%-6s cpu min %.3f s  median %.3f s | wall min %.3f s  median %.3f s\n", phase, cpu.front(),
              cpu[cpu.size() / 2], wall.front(), wall[wall.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: table_stats_bench FILE [REPEATS] [THREADS]\n");
    return 2;
  }
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  ReadOptions ro;
  ro.name = argv[1];
  ro.threads = threads;
  StatsOptions so;
  so.correlations = false;
  so.threads = threads;
  std::vector<double> read, stats, json, read_w, stats_w, json_w;
  for (int i = 0; i < repeats; ++i) {
    Stamp t0;
    Result<Table> table = ReadTableFromBuffer(data, ro);
    Stamp t1;
    if (!table.ok()) {
      std::fprintf(stderr, "%s\n", table.status().message().c_str());
      return 1;
    }
    Result<TableStats> s = ComputeStats(*table, so);
    Stamp t2;
    std::string text = ToJson(*s).dump();
    Stamp t3;
    read.push_back(t1.cpu - t0.cpu);
    stats.push_back(t2.cpu - t1.cpu);
    json.push_back(t3.cpu - t2.cpu);
    read_w.push_back(t1.wall - t0.wall);
    stats_w.push_back(t2.wall - t1.wall);
    json_w.push_back(t3.wall - t2.wall);
  }
  Report("read", read, read_w);
  Report("stats", stats, stats_w);
  Report("json", json, json_w);
  return 0;
}
