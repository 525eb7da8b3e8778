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
      // Hands over to CMA-ES after 15 trials, so the tests below see both phases.
      {"tpe_cmaes", [](uint64_t s) { TpeCmaEsOptions o; o.seed = s; o.n_tpe_trials = 15; return NewTpeCmaEsSampler(o); }},
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
  for (int variant : {0, 1, 2}) {  // univariate, multivariate, multivariate + Scott bandwidths
    const bool multivariate = variant > 0;
    TpeOptions o;
    o.seed = 11;
    o.multivariate = multivariate;
    o.scott_bandwidth = variant == 2;
    auto trials = RunStudy(space, NewTpeSampler(o), 150, f)->Trials();
    auto random = RunStudy(space, NewRandomSampler({11}), 150, f)->Trials();
    double tpe_late = 0, random_late = 0, best = INFINITY;
    for (size_t i = 100; i < 150; ++i) {
      tpe_late += trials[i].values[0] / 50;
      random_late += random[i].values[0] / 50;
    }
    for (const Trial& t : trials) best = std::min(best, t.values[0]);
    EXPECT_LT(best, 0.1) << variant;
    EXPECT_LT(tpe_late, random_late / 5) << variant;  // random's mean is ~75
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

// Five floats in [-5, 5] and the sphere centred at 1.5 in each, away from the box centre.
constexpr const char* kSphere5 = R"([{"name": "a", "type": "float", "low": -5, "high": 5},
    {"name": "b", "type": "float", "low": -5, "high": 5}, {"name": "c", "type": "float", "low": -5, "high": 5},
    {"name": "d", "type": "float", "low": -5, "high": 5}, {"name": "e", "type": "float", "low": -5, "high": 5}])";
double sphere(const Params& p) {
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) s += (p[i] - 1.5) * (p[i] - 1.5);
  return s;
}

TEST(CmaEsSamplerTest, ConvergesOnAShiftedSphere) {
  SearchSpace space = Space(kSphere5);
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

TEST(SamplerTest, SuggestionsStayInTheirDomain) {
  SearchSpace space = Space(kMixed);
  for (auto& [name, make] : Samplers()) {
    for (const Trial& t : RunStudy(space, make(12), 80, Mixed)->Trials()) {
      EXPECT_GE(t.params[0], -5) << name;
      EXPECT_LE(t.params[0], 5) << name;
      EXPECT_GE(t.params[1], 1e-4) << name;
      EXPECT_LE(t.params[1], 1) << name;
      EXPECT_EQ(t.params[2], std::round(t.params[2])) << name;
      EXPECT_GE(t.params[2], 1) << name;
      EXPECT_LE(t.params[2], 20) << name;
      EXPECT_TRUE(t.params[3] == 0 || t.params[3] == 1 || t.params[3] == 2) << name;
    }
  }
}

// tpe_cmaes on a 5-dimensional shifted sphere: far ahead of random, and after the hand-over it
// converges as CMA-ES does (TPE alone stays 100 times worse in 400 trials).
TEST(TpeCmaEsSamplerTest, ConvergesAfterTheHandOver) {
  SearchSpace space = Space(kSphere5);
  TpeCmaEsOptions o;
  o.seed = 4;
  o.n_tpe_trials = 40;
  auto study = RunStudy(space, NewTpeCmaEsSampler(o), 400, sphere);
  auto random = RunStudy(space, NewRandomSampler({4}), 400, sphere);
  EXPECT_LT(study->BestTrial()->values[0], 1e-4);
  EXPECT_LT(study->BestTrial()->values[0], random->BestTrial()->values[0] / 100);
  TpeOptions t;
  t.seed = 4;
  t.multivariate = true;
  t.scott_bandwidth = true;
  EXPECT_LT(study->BestTrial()->values[0], RunStudy(space, NewTpeSampler(t), 400, sphere)->BestTrial()->values[0] / 100);
}

// CMA-ES starts from the Gaussian fitted to the best trials, not from the centre of the box:
// warm-start trials whose best three sit near (4, -3) put the first CMA-ES proposals there.
TEST(TpeCmaEsSamplerTest, StartsFromTheBestTrials) {
  SearchSpace space = Space(R"([{"name": "x", "type": "float", "low": -10, "high": 10},
                                {"name": "y", "type": "float", "low": -10, "high": 10}])");
  TpeCmaEsOptions o;
  o.seed = 6;
  o.n_tpe_trials = 20;
  o.top_fraction = 0.15;  // the best 3 of 20
  auto study = NewStudy(space, NewTpeCmaEsSampler(o));
  for (int i = 0; i < 20; ++i) {
    const bool good = i % 7 == 3;  // trials 3, 10, 17
    const double x = good ? 4 + 0.1 * (i % 3) : -8 + 0.5 * i, y = good ? -3 - 0.1 * (i % 2) : 9 - 0.3 * i;
    ASSERT_TRUE(study->AddTrial(Json{{"x", x}, {"y", y}}, TrialState::kComplete, {good ? 0.0 : 100.0 + i}).ok());
  }
  for (int i = 0; i < 6; ++i) {
    auto t = study->Ask();
    ASSERT_TRUE(t.ok());
    EXPECT_NEAR(t->params[0], 4.1, 1.0) << i;
    EXPECT_NEAR(t->params[1], -3.05, 1.0) << i;
  }
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

// Log densities of Optuna 3.1's own _ParzenEstimator (prior, magic clip, default weights) on 40
// fixed observations, from bench/tuning/parzen_fixture.py. Ours must agree to 1e-9: the
// bandwidths, weight ramp, truncation, bin masses and categorical smoothing are all in them.
// The fixture applies upstream's fix of 3.1's truncated-normal logpdf (optuna/optuna#5109: it
// left out -log sigma); ours is the normalized density. Numeric observations have no ties.
TEST(ParzenEstimatorTest, MatchesOptunaParzenEstimator) {
  const std::vector<double> f = {-2.5600000000000001, 0.41460320816253171, -0.17621837962774262, 3.7455899866923676, 0.015014682786058227, -1.189680634883483, 1.1710482891869456, -0.016053067899469333, -3.7859696565595482, 0.17102662110994202, -0.42394833026784623, 2.5289075340902967, 0.00017669608757245775, -1.9540193906928454, 0.64375452445224468, -0.086849772253961108, 4.6641342567717041, 0.048424226232500651, -0.83540107028845467, 1.6091517067120638, -0.0024316469427203336, -2.990825484389672, 0.30464283643443724, -0.25416138144721245, 3.2431714817885569, 0.0052593595649996052, -1.4521132636547289, 0.94478584059250537, -0.034347010270022016, -4.3416355799391626, 0.11217656116832245, -0.55952455944442836, 2.1448065526058282, -4.6428577660741166e-06, -2.315621574331983, 0.49427327176636998, -0.13710605785954433, 4.0806582863735281, 0.024819034688682677, -1.0444759702107951};
  const std::vector<double> lg = {0.0015848931924611136, 0.4700412797265342, 0.013940296147267274, 0.0004134357237444664, 0.12261511223462611, 0.0036364699238236055, 0.00010784896955906693, 0.031985415742755492, 0.00094861065842320963, 0.28133515240549217, 0.008343725349932777, 0.00024745486697933292, 0.073389174048319003, 0.0021765467510260687, 0.64551152412248214, 0.019144322426269823, 0.00056777465229487496, 0.16838833394605443, 0.0049939938133063983, 0.00014810986974508859, 0.043925832381805495, 0.0013027347561342995, 0.38635985997688765, 0.011458506092545813, 0.00033983178760020198, 0.10078595144150287, 0.002989069409810299, 0.8864862422665204, 0.026291054170525852, 0.0007797295619954897, 0.23124907274782636, 0.0068582924456360612, 0.00020340049242559543, 0.060323703964096032, 0.0017890562685235014, 0.53059114769351146, 0.015736059897269287, 0.00046669376631494586, 0.1384101693429737, 0.0041049134058120385};
  const std::vector<double> it = {140, 64, 187, 111, 35, 158, 82, 6, 129, 53, 176, 100, 24, 147, 71, 194, 118, 42, 165, 89, 13, 136, 60, 183, 107, 31, 154, 78, 2, 125, 49, 172, 96, 20, 143, 67, 190, 114, 38, 161};
  const std::vector<double> st = {2, 8.2000000000000011, 4.3500000000000005, 0.55000000000000004, 6.7000000000000002, 2.9000000000000004, 9.0999999999999996, 5.25, 1.4500000000000002, 7.6000000000000005, 3.8000000000000003, 10, 6.1500000000000004, 2.3500000000000001, 8.5, 4.7000000000000002, 0.90000000000000002, 7.0500000000000007, 3.25, 9.4500000000000011, 5.6000000000000005, 1.8, 7.9500000000000002, 4.1500000000000004, 0.35000000000000003, 6.5, 2.7000000000000002, 8.8499999999999996, 5.0500000000000007, 1.25, 7.4000000000000004, 3.6000000000000001, 9.75, 5.9500000000000002, 2.1499999999999999, 8.3000000000000007, 4.5, 0.65000000000000002, 6.8500000000000005, 3.0500000000000003};
  const std::vector<double> ct = {0, 0, 1, 0, 2, 0, 0, 1, 0, 2, 1, 0, 1, 0, 0, 1, 0, 2, 0, 0, 1, 0, 2, 1, 0, 2, 0, 0, 1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 2, 0};
  const std::vector<std::vector<double>> expected = {
    {-3.8333874766258638, -2.6828412448530887, -0.95095083732914221, -0.47336774401617765, -0.47417331011789665, -2.8758642139445154, -3.3680532282590439},
    {-2.9362668602178559, -2.2963513506848892, -2.1926393451480006, -2.2491416226125605, -2.6095598291601534},
    {-5.2321901651297908, -5.1776203440786892, -5.4294578140901688, -5.4807099272479896, -6.3472104438560875},
    {-6.7016382070213245, -6.4189088367083391, -5.3575232613150678, -5.3864133792918247, -5.1404529648053385},
    {-0.61077741587679335, -1.3455562194754769, -1.6261948008055427},
    {-12.311803456895246, -9.198589751463615, -9.6695810532043982, -7.0050623300401522},
  };
  // Optuna 3.1 as it is (`parzen_fixture.py --as-is`), which ours reproduces with optuna31_kernels.
  const std::vector<std::vector<double>> expected_as_is = {
    {-3.2452743037764615, -2.7782715355761183, -2.0874670896220047, -1.7189641227810428, -1.7195912983105779, -2.8209771127449152, -3.0810567089051113},
    {-3.1422559367177225, -2.8374439624199939, -2.8595544559023529, -2.8074310597159045, -3.0036291213786797},
    expected[2], expected[3], expected[4],
    {-10.028341524326029, -8.6985416084876661, -9.0692277278426161, -6.800579618586692},
  };
  struct Case {
    const char* space;
    std::vector<const std::vector<double>*> obs;   // one per dimension, internal values
    std::vector<std::vector<double>> samples;      // one per dimension, internal values
    bool multivariate = false;
  };
  const std::vector<Case> cases = {
      {R"([{"name": "x", "type": "float", "low": -5, "high": 5}])", {&f}, {{-4.9, -2.0, -0.3, 0.0, 0.01, 1.7, 4.99}}},
      {R"([{"name": "x", "type": "float", "low": 1e-4, "high": 1, "log": true}])", {&lg}, {{1e-4, 3e-4, 0.01, 0.2, 1.0}}},
      {R"([{"name": "x", "type": "int", "low": 1, "high": 200}])", {&it}, {{1, 2, 77, 130, 200}}},
      {R"([{"name": "x", "type": "float", "low": 0, "high": 10, "step": 0.05}])", {&st}, {{0.0, 0.05, 2.5, 9.45, 10.0}}},
      {R"([{"name": "x", "type": "categorical", "choices": ["a", "b", "c"]}])", {&ct}, {{0, 1, 2}}},
      {R"([{"name": "x", "type": "float", "low": -5, "high": 5}, {"name": "n", "type": "int", "low": 1, "high": 200},
           {"name": "c", "type": "categorical", "choices": ["a", "b", "c"]}])",
       {&f, &it, &ct}, {{-4.0, 0.1, 2.5, 0.0}, {3, 100, 200, 1}, {0, 2, 1, 1}}, true},
  };
  ASSERT_EQ(cases.size(), expected.size());
  for (size_t c = 0; c < cases.size(); ++c) {
    SCOPED_TRACE(cases[c].space);
    SearchSpace space = SearchSpace::FromJson(Json::parse(cases[c].space)).value();
    const size_t nd = space.size();
    std::vector<size_t> dims(nd);
    for (size_t d = 0; d < nd; ++d) dims[d] = d;
    ParzenOptions o;
    o.multivariate = cases[c].multivariate;
    ParzenEstimator probe(space, dims, {}, o);  // for the transforms
    const size_t n = cases[c].obs[0]->size();
    std::vector<double> obs(n * nd);
    for (size_t k = 0; k < n; ++k) {
      for (size_t d = 0; d < nd; ++d) obs[k * nd + d] = probe.ToTransformed(d, (*cases[c].obs[d])[k]);
    }
    const size_t m = cases[c].samples[0].size();
    std::vector<double> samples(m * nd);
    for (size_t s = 0; s < m; ++s) {
      for (size_t d = 0; d < nd; ++d) samples[s * nd + d] = probe.ToTransformed(d, cases[c].samples[d][s]);
    }
    for (bool as_is : {false, true}) {
      o.optuna31_kernels = as_is;
      ParzenEstimator pe(space, dims, obs, o);
      std::vector<double> got = pe.LogPdf(samples);
      const std::vector<double>& want = as_is ? expected_as_is[c] : expected[c];
      ASSERT_EQ(got.size(), want.size());
      for (size_t s = 0; s < m; ++s) EXPECT_NEAR(got[s], want[s], 1e-9) << "sample " << s << " as_is " << as_is;
    }
  }
}

// scott_bandwidth: every observation kernel of dimension d gets sd_d * n^(-1/(d+4)), with sd_d
// the sample standard deviation, clipped to [range / min(100, n + 2), range]; the prior keeps
// the range. Checked against the mixture written out here.
TEST(ParzenEstimatorTest, ScottBandwidthFromTheObservationsSpread) {
  SearchSpace space = Space(R"([{"name": "x", "type": "float", "low": -5, "high": 5},
                                {"name": "y", "type": "float", "low": 0, "high": 1}])");
  std::vector<double> obs;
  const size_t n = 30;
  for (size_t k = 0; k < n; ++k) {
    obs.push_back(1.0 + 0.05 * static_cast<double>(k % 7) - 0.02 * static_cast<double>(k % 3));  // x near 1.1
    obs.push_back(0.2 + 0.3 * static_cast<double>((k * 7) % 10) / 10);                           // y spread
  }
  ParzenOptions o;
  o.multivariate = true;
  o.scott_bandwidth = true;
  ParzenEstimator pe(space, {0, 1}, obs, o);
  const double lows[2] = {-5, 0}, highs[2] = {5, 1};
  double sigma[2];
  for (size_t d = 0; d < 2; ++d) {
    double mean = 0, ss = 0;
    for (size_t k = 0; k < n; ++k) mean += obs[k * 2 + d] / n;
    for (size_t k = 0; k < n; ++k) ss += (obs[k * 2 + d] - mean) * (obs[k * 2 + d] - mean);
    const double range = highs[d] - lows[d];
    sigma[d] = std::clamp(std::sqrt(ss / (n - 1)) * std::pow(30.0, -1.0 / 6), range / 32, range);
  }
  EXPECT_NEAR(sigma[0], 10.0 / 32, 1e-12);  // x's spread is below the magic clip
  EXPECT_GT(sigma[1], 1.0 / 32);            // y's is not
  auto truncated = [](double x, double mu, double s, double lo, double hi) {
    const double z = 0.5 * (std::erf((hi - mu) / s / std::sqrt(2.0)) - std::erf((lo - mu) / s / std::sqrt(2.0)));
    return std::exp(-0.5 * (x - mu) * (x - mu) / (s * s)) / (s * std::sqrt(2 * M_PI) * z);
  };
  const std::vector<double> samples = {1.1, 0.5, -3.0, 0.9, 4.0, 0.05};
  std::vector<double> got = pe.LogPdf(samples);
  for (size_t s = 0; s < 3; ++s) {
    const double x = samples[s * 2], y = samples[s * 2 + 1];
    const std::vector<double> w = DefaultWeights(n);  // the 5 oldest ramp up from 1/30
    double p = truncated(x, 0, 10, -5, 5) * truncated(y, 0.5, 1, 0, 1), total = 1;  // the prior
    for (size_t k = 0; k < n; ++k) {
      p += w[k] * truncated(x, obs[k * 2], sigma[0], -5, 5) * truncated(y, obs[k * 2 + 1], sigma[1], 0, 1);
      total += w[k];
    }
    EXPECT_NEAR(got[s], std::log(p / total), 1e-9) << s;
  }
}

TEST(SamplerFromJsonTest, TypesAndErrors) {
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "tpe", "seed": 3, "multivariate": true, "group": true})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "cmaes", "separable": true, "ipop": true})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "tpe", "multivariate": true, "scott_bandwidth": true})")).ok());
  EXPECT_FALSE(SamplerFromJson(Json::parse(R"({"type": "tpe", "scott_bandwidth": true})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "grid", "float_points": 4})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "random"})")).ok());
  EXPECT_TRUE(SamplerFromJson(Json::parse(R"({"type": "tpe", "optuna31_kernels": true})")).ok());
  auto hybrid = SamplerFromJson(Json::parse(R"({"type": "tpe_cmaes", "seed": 2, "n_tpe_trials": 30, "top_fraction": 0.2, "popsize": 8})"));
  ASSERT_TRUE(hybrid.ok()) << hybrid.status().ToString();
  EXPECT_EQ((*hybrid)->name(), "tpe_cmaes");
  for (const char* bad : {R"({"type": "tpe_cmaes", "sigma0": 1})", R"({"type": "tpe_cmaes", "n_tpe_trials": 0})",
                          R"({"type": "tpe_cmaes", "top_fraction": 0})", R"({"type": "tpe_cmaes", "top_fraction": 1.5})",
                          R"({"type": "tpe_cmaes", "popsize": -1})", R"({"type": "bayes"})", R"({"type": "tpe", "gamma": 3})", R"({"type": "tpe", "group": true})",
                          R"({"type": "tpe", "seed": "x"})", R"({"seed": 1})", R"({"type": "grid", "float_points": 1})"}) {
    auto s = SamplerFromJson(Json::parse(bad));
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace moebius::tuning
