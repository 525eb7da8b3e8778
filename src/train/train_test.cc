#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "train/xgb_options.h"
#include "train/xgb_trainer.h"

namespace moebius::train {
namespace {

namespace fs = std::filesystem;

// A split table: x1, x2 numeric, city string, y (binary), cls (3 classes), target (number),
// q (query), rel (relevance), split.
std::string MakeDir(const std::string& name, bool one_class = false, bool with_split = true) {
  fs::path dir = fs::temp_directory_path() / ("moebius_train_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "tables");
  std::ofstream out(dir / "tables" / "data.csv");
  out << "x1,x2,city,y,cls,target,q,rel" << (with_split ? ",split" : "") << "\n";
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n(0, 1);
  const char* cities[] = {"seoul", "busan", "daegu"};
  for (int i = 0; i < 600; ++i) {
    double x1 = n(rng), x2 = n(rng);
    int c = i % 3;
    int y = one_class ? 1 : (x1 + 0.5 * x2 + (c == 0 ? 0.5 : 0) + 0.3 * n(rng) > 0);
    int cls = x1 > 0.5 ? 2 : x1 > -0.5 ? 1 : 0;
    double target = 3 * x1 - 2 * x2 + c + 0.1 * n(rng);
    int rel = x1 > 1 ? 2 : x1 > 0 ? 1 : 0;
    const char* split = i % 10 < 7 ? "train" : i % 10 < 8 ? "val" : "test";
    out << x1 << "," << x2 << "," << cities[c] << "," << y << "," << cls << "," << target << "," << (i / 10) << "," << rel;
    if (with_split) out << "," << split;
    out << "\n";
  }
  return dir.string();
}

XgbOptions Base(const std::string& dir) {
  XgbOptions o;
  o.data_dir = dir;
  o.label = "y";
  o.task = Task::kBinary;
  o.features = {"x1", "x2"};
  o.rounds = 20;
  o.seed = 3;
  o.threads = 2;
  o.perf_calls = 50;
  return o;
}

void Quiet(const std::string&) {}

TEST(XgbOptions, RejectsUnknownNames) {
  XgbOptions o = Base("/tmp");
  o.params = Json{{"max_depht", 3}};
  EXPECT_NE(Validate(o).message().find("unknown XGBoost parameter 'max_depht'"), std::string::npos);
  o.params = Json{{"objective", "reg:squarederror"}};
  EXPECT_NE(Validate(o).message().find("does not fit --task binary"), std::string::npos);
  o.params = Json{{"objective", "binary:nonsense"}};
  EXPECT_FALSE(Validate(o).ok());
  o.params = Json::object();
  o.booster = "gbforest";
  EXPECT_NE(Validate(o).message().find("unknown booster"), std::string::npos);
  EXPECT_FALSE(ParseTask("clustering").ok());
  o.booster = "gbtree";
  o.mode = Mode::kRandomForest;
  EXPECT_NE(Validate(o).message().find("random_forest"), std::string::npos);  // rounds 20
  o.rounds = 1;
  EXPECT_TRUE(Validate(o).ok());
}

TEST(XgbOptions, RandomForestParams) {
  XgbOptions o = Base("/tmp");
  o.mode = Mode::kRandomForest;
  o.rounds = 1;
  auto p = ParamsFor(o, 2);
  ASSERT_TRUE(p.ok());
  std::map<std::string, std::string> m(p->begin(), p->end());
  EXPECT_EQ(m["num_parallel_tree"], "100");
  EXPECT_EQ(m["eta"], "1");
  EXPECT_EQ(m["subsample"], "0.8");
  EXPECT_EQ(m["colsample_bynode"], "0.8");
}

TEST(XgbTrainer, ParseEvalLineAndKeys) {
  auto m = ParseEvalLine("[3]\ttrain-logloss:0.25\tvalid-ndcg@10:0.5", 3);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].key, "train-logloss");
  EXPECT_DOUBLE_EQ((*m)[0].value, 0.25);
  EXPECT_EQ((*m)[1].key, "valid-ndcg_10");
  EXPECT_EQ((*m)[1].step, 3);
}

TEST(XgbTrainer, BinaryIsDeterministicAndExplained) {
  std::string dir = MakeDir("binary");
  XgbOptions o = Base(dir);
  auto a = TrainXgboost(o, Quiet);
  ASSERT_TRUE(a.ok()) << a.status().message();
  auto b = TrainXgboost(o, Quiet);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->model_bytes, b->model_bytes);
  EXPECT_EQ(a->evaluation, b->evaluation);
  EXPECT_EQ(a->explanations, b->explanations);
  o.seed = 4;
  o.params = Json{{"subsample", 0.7}};
  auto c = TrainXgboost(o, Quiet);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->model_bytes, c->model_bytes);

  EXPECT_GT(a->evaluation["metrics"]["roc_auc"].get<double>(), 0.8);
  // 20 rounds, train and valid logloss each.
  EXPECT_EQ(a->history.size(), 40u);
  EXPECT_EQ(a->history.back().key, "valid-logloss");
  EXPECT_LT(a->explanations["shap"]["max_sum_error"].get<double>(), 1e-3);
  EXPECT_TRUE(a->explanations["importance"]["gain"].contains("x1"));
  EXPECT_GT(a->explanations["permutation"]["importance"]["x1"]["mean"].get<double>(),
            a->explanations["permutation"]["importance"]["x2"]["mean"].get<double>());
  EXPECT_GT(a->metrics.at("perf.latency_p50_ms"), 0);
  EXPECT_GE(a->metrics.at("perf.latency_p99_ms"), a->metrics.at("perf.latency_p50_ms"));
  EXPECT_GT(a->metrics.at("perf.throughput_rows_per_s"), 0);
  EXPECT_EQ(a->signature["output"]["classes"], Json::array({0, 1}));

  // Without explanations and the serving measurement: the same model, neither part computed.
  o = Base(dir);
  o.explain = false;
  o.measure_perf = false;
  auto d = TrainXgboost(o, Quiet);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->model_bytes, a->model_bytes);
  EXPECT_TRUE(d->explanations.is_null());
  EXPECT_TRUE(d->perf.is_null());
  EXPECT_EQ(d->metrics.count("perf.latency_p50_ms"), 0u);
  EXPECT_EQ(d->metrics.count("explain.shap_max_sum_error"), 0u);
  fs::remove_all(dir);
}

TEST(XgbTrainer, TransformEarlyStoppingMulticlassRegressionRanking) {
  std::string dir = MakeDir("tasks");
  XgbOptions o = Base(dir);
  o.features = {"x1", "x2", "city"};
  o.transform = Json::parse(R"({"columns":[{"column":"city","steps":[{"kind":"one_hot"}]}]})");
  o.rounds = 200;
  o.early_stopping = 5;
  auto r = TrainXgboost(o, Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_LT(r->metrics.at("rounds_trained"), 200);
  EXPECT_EQ(r->signature["features"].size(), 6u);  // city=busan, daegu, seoul, __oov__, x1, x2

  o = Base(dir);
  o.label = "cls";
  o.task = Task::kMulticlass;
  r = TrainXgboost(o, Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(r->evaluation["metrics"]["accuracy"].get<double>(), 0.8);
  EXPECT_TRUE(r->evaluation["metrics"].contains("log_loss"));
  EXPECT_LT(r->explanations["shap"]["max_sum_error"].get<double>(), 1e-3);

  o = Base(dir);
  o.label = "target";
  o.task = Task::kRegression;
  o.booster = "gblinear";
  r = TrainXgboost(o, Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->evaluation["metrics"].contains("rmse"));

  o = Base(dir);
  o.label = "y";
  o.mode = Mode::kRandomForest;
  o.rounds = 1;
  r = TrainXgboost(o, Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(r->evaluation["metrics"]["roc_auc"].get<double>(), 0.8);

  o = Base(dir);
  o.label = "rel";
  o.task = Task::kRanking;
  o.group = "q";
  r = TrainXgboost(o, Quiet);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(r->evaluation["metrics"]["ndcg"].get<double>(), 0.5);
  EXPECT_TRUE(r->evaluation["metrics"].contains("map"));
  EXPECT_TRUE(r->evaluation["metrics"].contains("mrr"));
  fs::remove_all(dir);
}

TEST(XgbTrainer, BadInputIsAClearError) {
  std::string dir = MakeDir("bad");
  auto err = [](const XgbOptions& o) {
    auto r = TrainXgboost(o, Quiet);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  XgbOptions o = Base(dir);
  o.label = "nope";
  EXPECT_NE(err(o).find("no label column 'nope'"), std::string::npos);
  o = Base(dir);
  o.label = "city";
  o.task = Task::kRegression;
  EXPECT_NE(err(o).find("needs a numeric label"), std::string::npos);
  o = Base(dir);
  o.features = {"x1", "city"};
  EXPECT_NE(err(o).find("'city' holds strings"), std::string::npos);
  o = Base(dir);
  o.params = Json{{"tree_method", "nonsense"}};
  EXPECT_NE(err(o).find("xgboost"), std::string::npos);
  o = Base(dir);
  o.label = "cls";
  EXPECT_NE(err(o).find("use --task multiclass"), std::string::npos);

  std::string one = MakeDir("one", true);
  o = Base(one);
  EXPECT_NE(err(o).find("has one class"), std::string::npos);
  std::string nosplit = MakeDir("nosplit", false, false);
  o = Base(nosplit);
  EXPECT_NE(err(o).find("no 'split' column"), std::string::npos);
  fs::remove_all(dir);
  fs::remove_all(one);
  fs::remove_all(nosplit);
}

}  // namespace
}  // namespace moebius::train
