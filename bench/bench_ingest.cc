// Tracking ingest: metric points per second through POST /api/2.0/mlflow/runs/log-batch over
// loopback, 1000 metrics per batch, from N client threads, each logging to its own run.
//
// usage: bench_ingest URL TOKEN EXPERIMENT_ID THREADS SECONDS
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "bench/bench_http.h"

using moebius::Json;
using moebius::bench::HttpClient;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s URL TOKEN EXPERIMENT_ID THREADS SECONDS\n", argv[0]);
    return 2;
  }
  std::string url = argv[1], token = argv[2], exp = argv[3];
  int threads = std::atoi(argv[4]);
  double seconds = std::atof(argv[5]);
  curl_global_init(CURL_GLOBAL_ALL);
  std::atomic<long> points{0}, failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      HttpClient http(token);
      if (http.Post(url + "/api/2.0/mlflow/runs/create", Json{{"experiment_id", exp}, {"run_name", "ingest-" + std::to_string(t)}}.dump()) != 200) {
        failures++;
        return;
      }
      std::string run_id = Json::parse(http.body())["run"]["info"]["run_id"];
      int64_t step = 0;
      while (!stop) {
        // Pre-rendered JSON keeps the client cheap; the server does all the parsing.
        std::string body = "{\"run_id\":\"" + run_id + "\",\"metrics\":[";
        for (int i = 0; i < 1000; ++i, ++step) {
          if (i) body += ',';
          body += "{\"key\":\"m" + std::to_string(i % 10) + "\",\"value\":" + std::to_string(step * 0.001) +
                  ",\"timestamp\":" + std::to_string(1700000000000 + step) + ",\"step\":" + std::to_string(step) + "}";
        }
        body += "]}";
        if (http.Post(url + "/api/2.0/mlflow/runs/log-batch", body) == 200) points += 1000;
        else failures++;
      }
    });
  }
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  long counted = points.load();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  for (auto& w : workers) w.join();
  std::printf("{\"points_per_second\": %.0f, \"points\": %ld, \"seconds\": %.2f, \"threads\": %d, \"failures\": %ld}\n",
              counted / elapsed, counted, elapsed, threads, failures.load());
  return failures.load() ? 1 : 0;
}
