#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>

#include "tuning/parzen_estimator.h"
#include "tuning/sampler.h"
#include "tuning/study.h"

namespace moebius::tuning {
namespace {

SearchSpace Space(const char* json) {
  auto s = SearchSpace::FromJson(Json::parse(json));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

std::unique_ptr<Study> NewStudy(const SearchSpace& space, std::unique_ptr<Sampler> sampler,
                                Direction d = Direction::kMinimize) {
  auto s = Study::Create(space, {d}, std::move(sampler), nullptr);
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

// Runs n trials of f and returns the study.
std::unique_ptr<Study> RunStudy(const SearchSpace& space, std::unique_ptr<Sampler> sampler, int n,
                           const std::function<double(const Params&)>& f) {
  auto study = NewStudy(space, std::move(sampler));
  for (int i = 0; i < n; ++i) {
    auto t = study->Ask();
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_TRUE(study->Tell(t->number, TrialState::kComplete, {f(t->params)}).ok());
  }
  return study;
}

const char* kMixed = R"([
  {"name": "x", "type": "float", "low": -5, "high": 5},
  {"name": "lr", "type": "float", "low": 1e-4, "high": 1, "log": true},
  {"name": "n", "type": "int", "low": 1, "high": 20},
  {"name": "c", "type": "categorical", "choices": ["a", "b", "c"]}
])";

double Mixed(const Params& p) {
  return (p[0] - 1) * (p[0] - 1) + std::pow(std::log10(p[1]) + 2, 2) + std::fabs(p[2] - 7) + (p[3] == 1 ? 0 : 1);
}

TEST(GridSamplerTest, VisitsEveryCombinationOnceThenStops) {
  SearchSpace space = Space(R"([
    {"name": "n", "type": "int", "low": 1, "high": 3},
    {"name": "c", "type": "categorical", "choices": ["a", "b"]},
    {"name": "f", "type": "float", "low": 0, "high": 1, "step": 0.5},
    {"name": "x", "type": "float", "low": 1, "high": 100, "log": true}
  ])");
  GridOptions o;
  o.float_points = 3;
  auto study = NewStudy(space, NewGridSampler(o));
  std::set<std::string> seen;
  std::vector<std::string> order;
  for (int i = 0; i < 54; ++i) {  // 3 * 2 * 3 * 3, asked without telling: parallel asks
    auto t = study->Ask();
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    std::string key = space.ToExternal(t->params).dump();
    EXPECT_TRUE(seen.insert(key).second) << key;
    order.push_back(key);
  }
  int middle = 0;  // the log grid's middle point is 10 (to rounding)
  for (const std::string& k : seen) middle += k.rfind(R"({"c":"a","f":0.5,"n":2,"x":10.0)", 0) == 0 || k.rfind(R"({"c":"a","f":0.5,"n":2,"x":9.99999)", 0) == 0;
  EXPECT_EQ(middle, 1);
  auto done = study->Ask();
  EXPECT_EQ(done.status().code(), StatusCode::kFailedPrecondition);
  // Deterministic order.
  auto again = NewStudy(space, NewGridSampler(o));
  for (int i = 0; i < 54; ++i) EXPECT_EQ(space.ToExternal(again->Ask()->params).dump(), order[static_cast<size_t>(i)]);
}

TEST(GridSamplerTest, ConditionalChildrenOnlyUnderTheirParent) {
  SearchSpace space = Space(R"([
    {"name": "m", "type": "categorical", "choices": ["a", "b", "c"]},
    {"name": "k", "type": "int", "low": 1, "high": 4, "condition": {"parent": "m", "values": ["a", "b"]}}
  ])");
  auto study = NewStudy(space, NewGridSampler({}));
  int n = 0;
  while (study->Ask().ok()) ++n;
  EXPECT_EQ(n, 4 + 4 + 1);
}

TEST(GridSamplerTest, SkipsPointsOfWarmStartTrials) {
  SearchSpace space = Space(R"([{"name": "n", "type": "int", "low": 1, "high": 3}])");
  auto study = NewStudy(space, NewGridSampler({}));
  ASSERT_TRUE(study->AddTrial(Json{{"n", 2}}, TrialState::kComplete, {1.0}).ok());
  std::set<double> got;
  for (int i = 0; i < 2; ++i) got.insert(study->Ask()->params[0]);
  EXPECT_EQ(got, (std::set<double>{1, 3}));
  EXPECT_FALSE(study->Ask().ok());
}

using Factory = std::function<std::unique_ptr<Sampler>(uint64_t seed)>;

std::vector<std::pair<std::string, Factory>> Samplers() {
  return {
      {"random", [](uint64_t s) { return NewRandomSampler({s}); }},
      {"tpe", [](uint64_t s) { TpeOptions o; o.seed = s; return NewTpeSampler(o); }},
      {"tpe-multivariate-group", [](uint64_t s) { TpeOptions o; o.seed = s; o.multivariate = true; o.group = true; return NewTpeSampler(o); }},
      {"cmaes", [](uint64_t s) { CmaEsOptions o; o.seed = s; return NewCmaEsSampler(o); }},
      {"sep-cmaes-ipop", [](uint64_t s) { CmaEsOptions o; o.seed = s; o.separable = true; o.ipop = true; return NewCmaEsSampler(o); }},
  };
}

TEST(SamplerTest, SameSeedSameSuggestionsOtherSeedOthers) {
  SearchSpace space = Space(kMixed);
  for (auto& [name, make] : Samplers()) {
    auto a = RunStudy(space, make(7), 40, Mixed)->Trials();
    auto b = RunStudy(space, make(7), 40, Mixed)->Trials();
    auto c = RunStudy(space, make(8), 40, Mixed)->Trials();
    int differ = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      for (size_t k = 0; k < space.size(); ++k) EXPECT_EQ(a[i].params[k], b[i].params[k]) << name << " trial " << i;
      differ += a[i].params[0] != c[i].params[0];
    }
    EXPECT_GT(differ, 30) << name;
  }
}

TEST(SamplerTest, ConditionalParametersAbsentWhenInactive) {
  SearchSpace space = Space(R"([
    {"name": "model", "type": "categorical", "choices": ["svm", "tree"]},
    {"name": "c", "type": "float", "low": 0.01, "high": 100, "log": true, "condition": {"parent": "model", "values": ["svm"]}},
    {"name": "depth", "type": "int", "low": 1, "high": 10, "condition": {"parent": "model", "values": ["tree"]}},
    {"name": "lr", "type": "float", "low": 0, "high": 1}
  ])");
  for (auto& [name, make] : Samplers()) {
    auto study = RunStudy(space, make(3), 60, [](const Params& p) {
      return p[0] == 0 ? std::fabs(std::log10(p[1])) : std::fabs(p[2] - 4) * 0.3 + p[3];
    });
    int svm = 0;
    for (const Trial& t : study->Trials()) {
      ASSERT_EQ(t.state, TrialState::kComplete);
      bool is_svm = t.params[0] == 0;
      svm += is_svm;
      EXPECT_EQ(IsSet(t.params[1]), is_svm) << name;
      EXPECT_EQ(IsSet(t.params[2]), !is_svm) << name;
      EXPECT_TRUE(IsSet(t.params[3])) << name;
      Json ext = space.ToExternal(t.params);
      EXPECT_EQ(ext.contains("c"), is_svm);
      EXPECT_EQ(ext.contains("depth"), !is_svm);
    }
    EXPECT_GT(svm, 0) << name;
    EXPECT_LT(svm, 60) << name;
  }
}

TEST(TpeSamplerTest, ConcentratesNearTheOptimumOfAQuadratic) {
  SearchSpace space = Space(R"([{"name": "x", "type": "float", "low": -10, "high": 10},
                                {"name": "y", "type": "float", "low": -10, "high": 10}])");
  auto f = [](const Params& p) { return (p[0] - 3) * (p[0] - 3) + (p[1] + 2) * (p[1] + 2); };
  for (bool multivariate : {false, true}) {
    TpeOptions o;
    o.seed = 11;
    o.multivariate = multivariate;
    auto trials = RunStudy(space, NewTpeSampler(o), 150, f)->Trials();
    auto random = RunStudy(space, NewRandomSampler({11}), 150, f)->Trials();
    double tpe_late = 0, random_late = 0, best = INFINITY;
    for (size_t i = 100; i < 150; ++i) {
      tpe_late += trials[i].values[0] / 50;
      random_late += random[i].values[0] / 50;
    }
    for (const Trial& t : trials) best = std::min(best, t.values[0]);
    EXPECT_LT(best, 0.1) << multivariate;
    EXPECT_LT(tpe_late, random_late / 5) << multivariate;  // random's mean is ~75
  }
}

TEST(TpeSamplerTest, ParallelAsksDoNotRepeatRunningTrials) {
  SearchSpace space = Space(R"([{"name": "n", "type": "int", "low": 0, "high": 40},
                                {"name": "c", "type": "categorical", "choices": ["a", "b"]}])");
  TpeOptions o;
  o.seed = 5;
  auto study = NewStudy(space, NewTpeSampler(o));
  for (int i = 0; i < 20; ++i) {
    auto t = study->Ask();
    ASSERT_TRUE(study->Tell(t->number, TrialState::kComplete, {std::fabs(t->params[0] - 20)}).ok());
  }
  std::set<std::pair<double, double>> running;
  for (int i = 0; i < 30; ++i) {  // thirty workers ask before any reports
    auto t = study->Ask();
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(running.insert({t->params[0], t->params[1]}).second) << i;
  }
}

TEST(TpeSamplerTest, WarmStartSkipsRandomStartup) {
  SearchSpace space = Space(R"([{"name": "x", "type": "float", "low": -10, "high": 10}])");
  TpeOptions o;
  o.seed = 2;
  auto study = NewStudy(space, NewTpeSampler(o));
  for (int i = 0; i < 20; ++i) {
    double x = -10 + i;
    ASSERT_TRUE(study->AddTrial(Json{{"x", x}}, TrialState::kComplete, {std::fabs(x - 4)}).ok());
  }
  double mean_dist = 0;
  for (int i = 0; i < 10; ++i) {
    auto t = study->Ask();
    mean_dist += std::fabs(t->params[0] - 4) / 10;
    ASSERT_TRUE(study->Tell(t->number, TrialState::kComplete, {std::fabs(t->params[0] - 4)}).ok());
  }
  EXPECT_LT(mean_dist, 2.0);  // random would average ~6
}

TEST(CmaEsSamplerTest, ConvergesOnAShiftedSphere) {
  SearchSpace space = Space(R"([{"name": "a", "type": "float", "low": -5, "high": 5},
    {"name": "b", "type": "float", "low": -5, "high": 5}, {"name": "c", "type": "float", "low": -5, "high": 5},
    {"name": "d", "type": "float", "low": -5, "high": 5}, {"name": "e", "type": "float", "low": -5, "high": 5}])");
  auto sphere = [](const Params& p) {
    double s = 0;
    for (size_t i = 0; i < p.size(); ++i) s += (p[i] - 1.5) * (p[i] - 1.5);
    return s;
  };
  for (bool sep : {false, true}) {
    CmaEsOptions o;
    o.seed = 4;
    o.separable = sep;
    auto study = RunStudy(space, NewCmaEsSampler(o), 600, sphere);
    EXPECT_LT(study->BestTrial()->values[0], 1e-4) << sep;
  }
}

TEST(CmaEsSamplerTest, IntegersByRounding) {
  SearchSpace space = Space(R"([{"name": "a", "type": "int", "low": -20, "high": 20},
                                {"name": "b", "type": "int", "low": 1, "high": 1000, "log": true}])");
  CmaEsOptions o;
  o.seed = 9;
  auto study = RunStudy(space, NewCmaEsSampler(o), 200, [](const Params& p) {
    return std::fabs(p[0] - 7) + std::fabs(std::log(p[1] / 50.0));
  });
  auto best = study->BestTrial();
  EXPECT_EQ(best->params[0], 7);
  EXPECT_NEAR(best->params[1], 50, 5);
  for (const Trial& t : study->Trials()) EXPECT_EQ(t.params[0], std::round(t.params[0]));
}

TEST(ParzenEstimatorTest, WeightsAndGaussMassMatchOptuna) {
  auto w = DefaultWeights(27);
  ASSERT_EQ(w.size(), 27u);
  EXPECT_DOUBLE_EQ(w[0], 1.0 / 27);  // np.linspace(1/27, 1, 2) then 25 ones
  EXPECT_DOUBLE_EQ(w[1], 1.0);
  EXPECT_DOUBLE_EQ(w[26], 1.0);
  EXPECT_EQ(DefaultWeights(10), std::vector<double>(10, 1.0));
  // scipy.stats.norm: log(cdf(1) - cdf(-2)) = -0.2001966..., log(sf(40) - sf(41)) = -804.608...
  EXPECT_NEAR(LogGaussMass(-2, 1), std::log(0.8185946141203637), 1e-12);
  EXPECT_NEAR(LogGaussMass(-41, -40), std::log(1.0) + (-0.5 * 1600 - std::log(40.0) - 0.9189385332046727), 1e-3);
  EXPECT_NEAR(LogGaussMass(40, 41), LogGaussMass(-41, -40), 1e-12);
  EXPECT_NEAR(LogGaussMass(0.5, 0.6), std::log(0.30853753872598688 - 0.27425311775007355), 1e-12);
}

TEST(SamplerFromJsonTest, TypesAndErrors) {
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "tpe", "seed": 3, "multivariate": true, "group": true})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "cmaes", "separable": true, "ipop": true})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "grid", "float_points": 4})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "random"})")).ok());
  for (const char* bad : {R"({"type": "bayes"})", R"({"type": "tpe", "gamma": 3})", R"({"type": "tpe", "group": true})",
                          R"({"type": "tpe", "seed": "x"})", R"({"seed": 1})", R"({"type": "grid", "float_points": 1})"}) {
    auto s = SamplerFromJson(Json::parse(bad));
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace moebius::tuning
