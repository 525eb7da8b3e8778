// Driver of bench/tuning/tuning_bench.py: runs our samplers on the benchmark functions and
// times the sampler on a mixed space. Output is one JSON object per line.
//
//   tuning_bench quality FUNCTION SAMPLER SEEDS TRIALS CHECKPOINT...
//       FUNCTION branin | hartmann6 | rosenbrock10 | ackley10; SAMPLER tpe | tpe-mv | tpe-scott |
//       tpe-mv-o31 (tpe-mv with Optuna 3.1's unnormalized kernels) | cmaes | tpe-cmaes | random; SEEDS "N" (0..N-1) or "FIRST+N"; prints {"function", "sampler", "seed", "best": [best value at each checkpoint]}
//   tuning_bench timing SAMPLER HISTORY ASKS
//       adds HISTORY random complete trials on the 8-parameter mixed space, then times ASKS
//       ask+tell rounds; prints {"history", "ms": [per-round wall milliseconds], "cpu_ms": [the
//       thread's CPU milliseconds]}
// The functions must stay identical to those in tuning_bench.py.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "tuning/rng.h"
#include "tuning/study.h"

using namespace moebius;
using namespace moebius::tuning;

namespace {

double Branin(const Params& x) {
  const double a = 1, b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, r = 6, s = 10, t = 1 / (8 * M_PI);
  return a * std::pow(x[1] - b * x[0] * x[0] + c * x[0] - r, 2) + s * (1 - t) * std::cos(x[0]) + s;
}

double Hartmann6(const Params& x) {
  static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
  static const double P[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  double s = 0;
  for (int i = 0; i < 4; ++i) {
    double e = 0;
    for (int j = 0; j < 6; ++j) e += A[i][j] * std::pow(x[j] - P[i][j], 2);
    s += alpha[i] * std::exp(-e);
  }
  return -s;
}

// Rosenbrock on [-5, 5]^10 with z = x - 2: optimum 0 at x = 3 (box centre 0).
double Rosenbrock10(const Params& x) {
  double s = 0;
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    double zi = x[i] - 2, zn = x[i + 1] - 2;
    s += 100 * std::pow(zn - zi * zi, 2) + std::pow(zi - 1, 2);
  }
  return s;
}

// Ackley on [-10, 10]^10 with z = x - 3.5: optimum 0 at x = 3.5 (box centre 0).
double Ackley10(const Params& x) {
  double s1 = 0, s2 = 0;
  const double n = static_cast<double>(x.size());
  for (double v : x) {
    double z = v - 3.5;
    s1 += z * z;
    s2 += std::cos(2 * M_PI * z);
  }
  return -20 * std::exp(-0.2 * std::sqrt(s1 / n)) - std::exp(s2 / n) + 20 + M_E;
}

Json Box(int n, double lo, double hi) {
  Json params = Json::array();
  for (int i = 0; i < n; ++i) params.push_back({{"name", "x" + std::to_string(i)}, {"type", "float"}, {"low", lo}, {"high", hi}});
  return params;
}

// "tpe:KEY[=VALUE],...": TPE with options changed from the defaults (for experiments):
// mv, scott, group, cand=N, startup=N, gamma=RATIO, gmax=N, prior=W, endpoints, noclip, o31.
std::unique_ptr<Sampler> TpeVariant(const std::string& spec, uint64_t seed) {
  TpeOptions o;
  o.seed = seed;
  size_t pos = 4;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string::npos) end = spec.size();
    const std::string item = spec.substr(pos, end - pos);
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const double v = eq == std::string::npos ? 1 : std::atof(item.c_str() + eq + 1);
    if (key == "mv") o.multivariate = v != 0;
    else if (key == "group") o.group = v != 0;
    else if (key == "cand") o.n_ei_candidates = static_cast<int>(v);
    else if (key == "startup") o.n_startup_trials = static_cast<int>(v);
    else if (key == "gamma") o.gamma_ratio = v;
    else if (key == "gmax") o.gamma_max = static_cast<int>(v);
    else if (key == "prior") o.prior_weight = v;
    else if (key == "endpoints") o.consider_endpoints = v != 0;
    else if (key == "noclip") o.consider_magic_clip = v == 0;
    else if (key == "scott") o.scott_bandwidth = v != 0;
    else if (key == "o31") o.optuna31_kernels = v != 0;
    else {
      std::fprintf(stderr, "unknown TPE option %s\n", key.c_str());
      std::exit(2);
    }
    pos = end + 1;
  }
  return NewTpeSampler(o);
}

std::unique_ptr<Sampler> MakeSampler(const std::string& name, uint64_t seed) {
  if (name == "tpe" || name == "tpe-mv" || name == "tpe-scott" || name == "tpe-mv-o31") {
    TpeOptions o;
    o.seed = seed;
    o.multivariate = name != "tpe";
    o.scott_bandwidth = name == "tpe-scott";
    o.optuna31_kernels = name == "tpe-mv-o31";
    return NewTpeSampler(o);
  }
  if (name.rfind("tpe:", 0) == 0) return TpeVariant(name, seed);
  if (name == "cmaes") {
    CmaEsOptions o;
    o.seed = seed;
    return NewCmaEsSampler(o);
  }
  if (name == "tpe-cmaes" || name.rfind("tpe-cmaes:", 0) == 0) {
    // "tpe-cmaes:K[,top=F]": other hand-over points and top fractions (for experiments).
    TpeCmaEsOptions o;
    o.seed = seed;
    if (name.size() > 10) {
      o.n_tpe_trials = std::atoi(name.c_str() + 10);
      const size_t top = name.find(",top=");
      if (top != std::string::npos) o.top_fraction = std::atof(name.c_str() + top + 5);
    }
    return NewTpeCmaEsSampler(o);
  }
  if (name == "random") return NewRandomSampler({seed});
  std::fprintf(stderr, "unknown sampler %s\n", name.c_str());
  std::exit(2);
}

int Quality(int argc, char** argv) {
  if (argc < 7) return 2;
  const std::string fn = argv[2], sampler = argv[3];
  // SEEDS: "N" for seeds 0..N-1, or "FIRST+N" for FIRST..FIRST+N-1 (held-out checks).
  int first_seed = 0, seeds = 0;
  if (const char* plus = std::strchr(argv[4], '+')) {
    first_seed = std::atoi(argv[4]);
    seeds = std::atoi(plus + 1);
  } else {
    seeds = std::atoi(argv[4]);
  }
  const int trials = std::atoi(argv[5]);
  std::vector<int> checkpoints;
  for (int i = 6; i < argc; ++i) checkpoints.push_back(std::atoi(argv[i]));
  Json space_json;
  double (*f)(const Params&) = nullptr;
  if (fn == "branin") {
    space_json = {{{"name", "x0"}, {"type", "float"}, {"low", -5}, {"high", 10}}, {{"name", "x1"}, {"type", "float"}, {"low", 0}, {"high", 15}}};
    f = Branin;
  } else if (fn == "hartmann6") {
    space_json = Box(6, 0, 1);
    f = Hartmann6;
  } else if (fn == "rosenbrock10") {
    space_json = Box(10, -5, 5);
    f = Rosenbrock10;
  } else if (fn == "ackley10") {
    space_json = Box(10, -10, 10);
    f = Ackley10;
  } else {
    std::fprintf(stderr, "unknown function %s\n", fn.c_str());
    return 2;
  }
  SearchSpace space = SearchSpace::FromJson(space_json).value();
  for (int seed = first_seed; seed < first_seed + seeds; ++seed) {
    auto study = Study::Create(space, {Direction::kMinimize}, MakeSampler(sampler, static_cast<uint64_t>(seed)), nullptr).value();
    Json best = Json::array();
    double b = INFINITY;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 1; i <= trials; ++i) {
      Trial t = study->Ask().value();
      double v = f(t.params);
      b = std::min(b, v);
      if (!study->Tell(t.number, TrialState::kComplete, {v}).ok()) return 1;
      for (int c : checkpoints) {
        if (c == i) best.push_back(b);
      }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s\n", Json{{"function", fn}, {"sampler", sampler}, {"seed", seed}, {"best", best}, {"seconds", secs}}.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
}

// The 8-parameter mixed space of the timing benchmark (same as tuning_bench.py).
const char* kMixedSpace = R"([
  {"name": "x0", "type": "float", "low": -5, "high": 5},
  {"name": "x1", "type": "float", "low": -5, "high": 5},
  {"name": "lr", "type": "float", "low": 1e-5, "high": 1, "log": true},
  {"name": "drop", "type": "float", "low": 0, "high": 0.5, "step": 0.05},
  {"name": "n", "type": "int", "low": 1, "high": 100},
  {"name": "k", "type": "int", "low": 1, "high": 1024, "log": true},
  {"name": "c1", "type": "categorical", "choices": ["a", "b", "c", "d"]},
  {"name": "c2", "type": "categorical", "choices": ["x", "y", "z"]}
])";

double MixedObjective(const Params& p) {
  return p[0] * p[0] + std::fabs(p[1] - 1) + std::pow(std::log10(p[2]) + 3, 2) + p[3] + std::fabs(p[4] - 30) / 10 +
         std::fabs(std::log2(p[5]) - 5) + (p[6] == 2 ? 0 : 1) + (p[7] == 0 ? 0 : 0.5);
}

// CPU time of this thread: unlike wall time, not inflated when other processes share the cores.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

int Timing(int argc, char** argv) {
  if (argc < 5) return 2;
  const std::string sampler = argv[2];
  const int history = std::atoi(argv[3]), asks = std::atoi(argv[4]);
  SearchSpace space = SearchSpace::FromJson(Json::parse(kMixedSpace)).value();
  auto study = Study::Create(space, {Direction::kMinimize}, MakeSampler(sampler, 1), nullptr).value();
  Rng rng(12345);
  for (int i = 0; i < history; ++i) {
    Params p(space.size());
    for (size_t k = 0; k < space.size(); ++k) p[k] = SampleUniform(space, k, rng);
    if (!study->AddTrial(space.ToExternal(p), TrialState::kComplete, {MixedObjective(p)}).ok()) return 1;
  }
  Json ms = Json::array(), cpu_ms = Json::array();
  for (int i = 0; i < asks; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuMs();
    Trial t = study->Ask().value();
    if (!study->Tell(t.number, TrialState::kComplete, {MixedObjective(t.params)}).ok()) return 1;
    cpu_ms.push_back(ThreadCpuMs() - c0);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("%s\n", Json{{"sampler", sampler}, {"history", history}, {"ms", ms}, {"cpu_ms", cpu_ms}}.dump().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "quality") == 0) return Quality(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "timing") == 0) return Timing(argc, argv);
  std::fprintf(stderr, "usage: tuning_bench quality FUNCTION SAMPLER SEEDS TRIALS CHECKPOINT... | timing SAMPLER HISTORY ASKS\n");
  return 2;
}
