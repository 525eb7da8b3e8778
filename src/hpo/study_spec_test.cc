#include "hpo/study_spec.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace moebius::hpo {
namespace {

Json Body() {
  return Json::parse(R"({
    "name": "s", "experiment": "exp",
    "objective": {"metric": "loss", "goal": "minimize"},
    "space": {"params": [{"name": "lr", "type": "float", "low": 0.001, "high": 0.1, "log": true},
                         {"name": "depth", "type": "int", "low": 2, "high": 8}]},
    "trial": {"command": ["python3", "train.py", "--lr={lr}", "--depth", "{depth}"]}
  })");
}

Status Bad(const std::function<void(Json&)>& edit) {
  Json b = Body();
  edit(b);
  return NormalizeStudySpec(b, 7).status();
}

TEST(StudySpecTest, DefaultsAreFilledAndTheSeedFixed) {
  Json s = NormalizeStudySpec(Body(), 7).value();
  EXPECT_EQ(s["sampler"]["type"], "tpe");
  EXPECT_EQ(s["sampler"]["multivariate"], true);  // no conditions: the benchmarked variant
  EXPECT_EQ(s["sampler"]["scott_bandwidth"], true);
  EXPECT_EQ(s["sampler"]["seed"], 7);
  EXPECT_EQ(s["pruner"]["type"], "none");
  EXPECT_EQ(s["n_trials"], 10);
  EXPECT_EQ(s["parallelism"], 1);
  EXPECT_EQ(s["trial"]["max_attempts"], 3);
  EXPECT_TRUE(s["warm_start_from"].is_null());
  EXPECT_TRUE(NewStudyOf(s).ok());
}

TEST(StudySpecTest, BadInputIsRefusedWithTheReason) {
  auto code = [](Status st) { return st.code(); };
  EXPECT_EQ(code(Bad([](Json& b) { b["space"]["params"][0]["low"] = 0.5; b["space"]["params"][0]["high"] = 0.5; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["space"]["params"][1]["low"] = 9; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["space"]["params"][0]["low"] = 0; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["sampler"] = {{"type", "bayes"}}; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["pruner"] = {{"type", "hyperband"}}; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["n_trials"] = 0; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["objective"].erase("metric"); })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b.erase("experiment"); })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["trial"].erase("command"); })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) { b["bogus"] = 1; })), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Bad([](Json& b) {
              b["sampler"] = {{"type", "cmaes"}};
              b["space"] = {{"params", {{{"name", "c"}, {"type", "categorical"}, {"choices", {"a", "b"}}}}}};
            })),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(Bad([](Json& b) { b["sampler"] = {{"type", "cmaes"}}; }).ok());
  // tpe_cmaes: the same rule as cmaes (CMA-ES needs a numeric parameter), unknown fields refused.
  Status cat = Bad([](Json& b) {
    b["sampler"] = {{"type", "tpe_cmaes"}};
    b["space"] = {{"params", {{{"name", "c"}, {"type", "categorical"}, {"choices", {"a", "b"}}}}}};
  });
  EXPECT_EQ(cat.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cat.message().find("tpe_cmaes needs"), std::string::npos) << cat.message();
  EXPECT_TRUE(Bad([](Json& b) { b["sampler"] = {{"type", "tpe_cmaes"}, {"n_tpe_trials", 20}}; }).ok());
  EXPECT_EQ(code(Bad([](Json& b) { b["sampler"] = {{"type", "tpe_cmaes"}, {"sigma0", 1}}; })), StatusCode::kInvalidArgument);
  Status msg = Bad([](Json& b) { b["space"]["params"][1]["low"] = 9; });
  EXPECT_NE(msg.message().find("depth"), std::string::npos) << msg.message();
}

TEST(StudySpecTest, LaunchSubstitutesParamsIntoTheCommandAndEnv) {
  Json s = NormalizeStudySpec(Body(), 7).value();
  TrialLaunch l = LaunchOf(s, Json{{"lr", 0.01}, {"depth", 4}});
  EXPECT_EQ(l.command, (std::vector<std::string>{"python3", "train.py", "--lr=0.01", "--depth", "4"}));
  EXPECT_EQ(l.env["MOEBIUS_PARAM_LR"], "0.01");
  EXPECT_EQ(l.env["MOEBIUS_PARAM_DEPTH"], "4");
  EXPECT_EQ(Json::parse(l.env["MOEBIUS_PARAMS_JSON"].get<std::string>()), (Json{{"lr", 0.01}, {"depth", 4}}));
}

TEST(StudySpecTest, AutoMlMakesAConditionalSpaceKeyedByAlgorithm) {
  Json b = Body();
  b.erase("space");
  b.erase("trial");
  b["algorithms"] = Json::parse(R"([
    {"name": "svm", "space": [{"name": "C", "type": "float", "low": 0.1, "high": 10, "log": true}], "command": ["svm", "{C}"]},
    {"name": "tree", "space": [{"name": "depth", "type": "int", "low": 1, "high": 5}], "command": ["tree", "--depth={depth}"]}
  ])");
  Json s = NormalizeStudySpec(b, 7).value();
  auto space = SpaceOf(s).value();
  EXPECT_EQ(s["sampler"], (Json{{"type", "tpe"}, {"seed", 7}}));  // conditional: Optuna's defaults
  ASSERT_EQ(space.size(), 3u);
  EXPECT_EQ(space.param(0).name, "algorithm");
  EXPECT_EQ(space.param(1).name, "svm.C");
  EXPECT_EQ(space.param(1).parent, "algorithm");
  TrialLaunch l = LaunchOf(s, Json{{"algorithm", "tree"}, {"tree.depth", 3}});
  EXPECT_EQ(l.command, (std::vector<std::string>{"tree", "--depth=3"}));
  EXPECT_EQ(l.params, (Json{{"algorithm", "tree"}, {"depth", 3}}));
  EXPECT_EQ(l.env["MOEBIUS_PARAM_ALGORITHM"], "tree");
  // An algorithm with nothing to run is unknown.
  b["algorithms"][1].erase("command");
  Status st = NormalizeStudySpec(b, 7).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("unknown algorithm 'tree'"), std::string::npos);
}

Json TrainerBody() {
  Json b = Body();
  b.erase("space");
  b["trial"] = Json::parse(R"({"data": [{"dataset": "churn", "version": 2}], "resources": {"cpus": 2}})");
  b["algorithms"] = Json::parse(R"([
    {"name": "gbdt", "trainer": "xgboost", "args": {"label": "y"}},
    {"name": "rf", "trainer": "xgboost_rf", "args": {"label": "y"},
     "space": [{"name": "max_depth", "type": "int", "low": 3, "high": 6}]}
  ])");
  return b;
}

TEST(StudySpecTest, BuiltInTrainersAreAlgorithmsWithDefaultSpacesAndCommands) {
  Json s = NormalizeStudySpec(TrainerBody(), 7).value();
  auto space = SpaceOf(s).value();
  // algorithm + the six parameters of xgboost's default space + rf's one
  ASSERT_EQ(space.size(), 8u);
  EXPECT_EQ(space.param(1).name, "gbdt.eta");
  EXPECT_EQ(space.param(7).name, "rf.max_depth");
  EXPECT_EQ(s["trial"]["data"][0]["dataset"], "churn");
  EXPECT_EQ(s["algorithms"][0]["args"]["data"], "data/churn");  // trial.data's first entry
  EXPECT_EQ(s["algorithms"][0]["args"]["threads"], 2);             // the trial's CPUs

  TrialLaunch l = LaunchOf(s, Json{{"algorithm", "gbdt"}, {"gbdt.eta", 0.05}, {"gbdt.max_depth", 4}});
  std::vector<std::string> want = {"moebius", "train", "xgboost", "--data", "data/churn", "--label", "y", "--task", "binary",
                                   "--seed", "0", "--threads", "2", "--rounds", "200", "--early-stopping", "20",
                                   "--params", R"({"eta":0.05,"max_depth":4})", "--no-explain", "--no-perf"};
  EXPECT_EQ(l.command, want);
  TrialLaunch rf = LaunchOf(s, Json{{"algorithm", "rf"}, {"rf.max_depth", 5}});
  EXPECT_NE(std::find(rf.command.begin(), rf.command.end(), "random_forest"), rf.command.end());
  EXPECT_EQ(rf.command.back(), "--no-perf");
}

TEST(StudySpecTest, TheImageTrainerIsAnAlgorithmToo) {
  Json b = TrainerBody();
  b["algorithms"] = Json::parse(R"([{"name": "cnn", "trainer": "image", "args": {"size": 32, "epochs": 4}}])");
  Json s = NormalizeStudySpec(b, 7).value();
  auto space = SpaceOf(s).value();
  ASSERT_EQ(space.size(), 5u);  // algorithm + lr, width, dropout, weight_decay
  EXPECT_EQ(space.param(1).name, "cnn.lr");
  TrialLaunch l = LaunchOf(s, Json{{"algorithm", "cnn"}, {"cnn.lr", 0.001}, {"cnn.width", 16}, {"cnn.weight_decay", 1e-5}});
  std::vector<std::string> want = {"moebius", "train", "image", "--data", "data/churn", "--label-key", "label", "--size", "32",
                                   "--epochs", "4", "--batch-size", "32", "--early-stopping", "3", "--seed", "0", "--threads", "2",
                                   "--augment", "flip,crop,brightness,contrast", "--lr", "0.001", "--weight-decay", "1.0000000000000001e-05",
                                   "--width", "16", "--no-perf"};
  EXPECT_EQ(l.command, want);
  // A tuned epochs replaces the args' (CLI11 refuses a flag given twice).
  b["algorithms"][0]["space"] = Json::parse(R"([{"name": "epochs", "type": "int", "low": 2, "high": 8}])");
  l = LaunchOf(NormalizeStudySpec(b, 7).value(), Json{{"algorithm", "cnn"}, {"cnn.epochs", 6}});
  EXPECT_EQ(std::count(l.command.begin(), l.command.end(), "--epochs"), 1);
  EXPECT_EQ(*(std::find(l.command.begin(), l.command.end(), "--epochs") + 1), "6");
  b["algorithms"][0]["space"] = Json::parse(R"([{"name": "eta", "type": "float", "low": 0.1, "high": 0.2}])");
  Status st = NormalizeStudySpec(b, 7).status();
  EXPECT_NE(st.message().find("no parameter 'eta'"), std::string::npos) << st.message();
  b["algorithms"][0]["space"] = Json::array();
  b["algorithms"][0]["args"]["label"] = "y";  // an XGBoost arg
  EXPECT_NE(NormalizeStudySpec(b, 7).status().message().find("unknown field 'algorithms[0].args.label'"), std::string::npos);
}

TEST(StudySpecTest, TheTextTrainerIsAnAlgorithmWithCheckedCorners) {
  Json b = TrainerBody();
  b["algorithms"] = Json::parse(R"([{"name": "ft", "trainer": "text", "args": {"text": "body", "label": "topic", "epochs": 5}}])");
  Json s = NormalizeStudySpec(b, 7).value();
  auto space = SpaceOf(s).value();
  ASSERT_EQ(space.size(), 5u);  // algorithm + lr, dim, word_ngrams, maxn
  EXPECT_EQ(space.param(1).name, "ft.lr");
  TrialLaunch l = LaunchOf(s, Json{{"algorithm", "ft"}, {"ft.lr", 0.25}, {"ft.dim", 32}, {"ft.maxn", 5}, {"ft.word_ngrams", 2}});
  std::vector<std::string> want = {"moebius", "train", "text", "--data", "data/churn", "--text", "body", "--label", "topic",
                                   "--case", "simple", "--buckets", "262144", "--early-stopping", "2", "--seed", "0",
                                   "--threads", "2", "--epochs", "5", "--batch-size", "32", "--dim", "32", "--lr", "0.25",
                                   "--maxn", "5", "--word-ngrams", "2", "--no-explain", "--no-perf"};
  EXPECT_EQ(l.command, want);

  // A tuned epochs replaces the args' (the flag is given once); the optimizer is a choice.
  b["algorithms"][0]["space"] = Json::parse(R"([{"name": "epochs", "type": "int", "low": 2, "high": 8},
      {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]}])");
  s = NormalizeStudySpec(b, 7).value();
  l = LaunchOf(s, Json{{"algorithm", "ft"}, {"ft.epochs", 3}, {"ft.optimizer", "adam"}});
  EXPECT_EQ(std::count(l.command.begin(), l.command.end(), "--epochs"), 1);
  EXPECT_NE(std::find(l.command.begin(), l.command.end(), "adam"), l.command.end());

  auto msg = [&](const char* space, const char* args = R"({"text": "body", "label": "topic"})") {
    b["algorithms"][0]["args"] = Json::parse(args);
    b["algorithms"][0]["space"] = Json::parse(space);
    Status st = NormalizeStudySpec(b, 7).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << space;
    return st.message();
  };
  // minn up to 4 with maxn from 3: the corner minn=4, maxn=3 is refused when the study is created.
  std::string m = msg(R"([{"name": "minn", "type": "int", "low": 2, "high": 4}, {"name": "maxn", "type": "int", "low": 3, "high": 6}])");
  EXPECT_NE(m.find("minn=4"), std::string::npos) << m;
  EXPECT_NE(m.find("maxn=3"), std::string::npos) << m;
  // maxn from 0 (no character n-grams) passes through 1, below minn 2.
  EXPECT_NE(msg(R"([{"name": "maxn", "type": "int", "low": 0, "high": 4}])").find("maxn=1"), std::string::npos);
  EXPECT_NE(msg(R"([{"name": "dim", "type": "int", "low": 8, "high": 4096}])").find("--dim"), std::string::npos);
  EXPECT_NE(msg(R"([{"name": "optimizer", "type": "categorical", "choices": ["sgd", "rmsprop"]}])").find("rmsprop"), std::string::npos);
  EXPECT_NE(msg(R"([{"name": "lr", "type": "categorical", "choices": [0.1, 0.2]}])").find("must be a number"), std::string::npos);
  EXPECT_NE(msg(R"([{"name": "width", "type": "int", "low": 8, "high": 16}])").find("no parameter 'width'"), std::string::npos);
  EXPECT_NE(msg("[]", R"({"label": "topic"})").find("args.text is required"), std::string::npos);
  EXPECT_NE(msg("[]", R"({"text": "body", "label": "topic", "case": "upper"})").find("args.case"), std::string::npos);
  EXPECT_NE(msg("[]", R"({"text": "topic", "label": "topic"})").find("same column"), std::string::npos);
  EXPECT_NE(msg("[]", R"({"text": "body", "label": "topic", "label_key": "x"})").find("unknown field 'algorithms[0].args.label_key'"), std::string::npos);
}

TEST(StudySpecTest, BuiltInTrainerMistakesAreClearErrors) {
  auto msg = [](const std::function<void(Json&)>& edit) {
    Json b = TrainerBody();
    edit(b);
    Status st = NormalizeStudySpec(b, 7).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    return st.message();
  };
  EXPECT_NE(msg([](Json& b) { b["algorithms"][0]["trainer"] = "lightgbm"; }).find("unknown trainer 'lightgbm'"), std::string::npos);
  EXPECT_NE(msg([](Json& b) { b["algorithms"][0]["args"].erase("label"); }).find("args.label is required"), std::string::npos);
  EXPECT_NE(msg([](Json& b) { b["trial"].erase("data"); }).find("needs data"), std::string::npos);
  EXPECT_NE(msg([](Json& b) { b["algorithms"][1]["space"][0]["name"] = "max_dept"; }).find("max_dept"), std::string::npos);
  EXPECT_NE(msg([](Json& b) { b["algorithms"][0]["args"]["task"] = "clustering"; }).find("args.task"), std::string::npos);
  EXPECT_NE(msg([](Json& b) { b["algorithms"][0]["command"] = {"x"}; }).find("not both"), std::string::npos);
}

// Wrong types anywhere in a spec are kInvalidArgument naming the field's path, never an
// exception (issue 11: a numeric parameter type used to escape as a JSON type error, a 500).
TEST(StudySpecTest, WrongTypesNameTheField) {
  struct Case {
    std::function<void(Json&)> edit;
    const char* message;
  };
  const Case cases[] = {
      {[](Json& b) { b["space"]["params"][0]["type"] = 1; }, "field 'space.params[0].type' must be a string, got number"},
      {[](Json& b) { b["space"]["params"][0]["name"] = Json::array(); }, "field 'space.params[0].name' must be a string, got array"},
      {[](Json& b) { b["space"]["params"][1]["low"] = "two"; }, "field 'space.params[1].low' must be a number, got 'two'"},
      {[](Json& b) { b["space"]["params"] = 5; }, "field 'space.params' must be a list, got number"},
      {[](Json& b) { b["space"] = Json{{"params", Json::array()}, {"x", 1}}; }, "unknown field 'space.x'"},
      {[](Json& b) { b["objective"]["goal"] = false; }, "field 'objective.goal' must be a string, got boolean"},
      {[](Json& b) { b["objective"] = "loss"; }, "field 'objective' must be an object, got string"},
      {[](Json& b) { b["trial"]["command"][1] = 7; }, "field 'trial.command[1]' must be a string, got number"},
      {[](Json& b) { b["trial"]["env"] = Json{{"A", 1}}; }, "field 'trial.env.A' must be a string, got number"},
      {[](Json& b) { b["trial"]["resources"] = Json{{"cpus", Json::object()}}; }, "field 'trial.resources.cpus' must be a number, got object"},
      {[](Json& b) { b["trial"]["data"] = Json::array({Json{{"dataset", 3}, {"version", 1}}}); },
       "field 'trial.data[0].dataset' must be a string, got number"},
      {[](Json& b) { b["sampler"] = Json{{"type", 1}}; }, "field 'sampler.type' must be a string, got number"},
      {[](Json& b) { b["pruner"] = Json::array(); }, "field 'pruner' must be an object {\"type\": ...} or a type name"},
      {[](Json& b) { b["n_trials"] = "many"; }, "field 'n_trials' must be an integer, got 'many'"},
      {[](Json& b) { b["warm_start_from"] = Json::object(); }, "field 'warm_start_from' must be an integer, got object"},
  };
  for (const Case& c : cases) {
    Status st = Bad(c.edit);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(st.message().find(c.message), std::string::npos) << st.message();
  }
}

TEST(StudySpecTest, WrongTypesInAutoMlAlgorithmsNameTheField) {
  struct Case {
    std::function<void(Json&)> edit;
    const char* message;
  };
  const Case cases[] = {
      {[](Json& b) { b["algorithms"][1]["space"][0]["name"] = 5; }, "field 'algorithms[1].space[0].name' must be a string, got number"},
      {[](Json& b) { b["algorithms"][1]["space"][0]["type"] = 5; }, "field 'algorithms[1].space[0].type' must be a string, got number"},
      {[](Json& b) { b["algorithms"][1]["space"] = Json{{"params", Json::array({Json{{"name", "max_depth"}, {"type", true}}})}}; },
       "field 'algorithms[1].space.params[0].type' must be a string, got boolean"},
      {[](Json& b) { b["algorithms"][0]["name"] = 1; }, "field 'algorithms[0].name' must be a string, got number"},
      {[](Json& b) { b["algorithms"][0]["trainer"] = Json::array(); }, "field 'algorithms[0].trainer' must be a string, got array"},
      {[](Json& b) { b["algorithms"][0]["args"] = "y"; }, "field 'algorithms[0].args' must be an object, got string"},
      {[](Json& b) { b["algorithms"][0]["args"]["label"] = 1; }, "field 'algorithms[0].args.label' must be a string, got number"},
      {[](Json& b) { b["algorithms"][0]["args"]["rounds"] = "x"; }, "field 'algorithms[0].args.rounds' must be an integer, got 'x'"},
      {[](Json& b) { b["algorithms"][0]["args"]["features"] = Json::array({1}); }, "field 'algorithms[0].args.features[0]' must be a string"},
      {[](Json& b) { b["algorithms"][0]["args"]["perf"] = 1; }, "field 'algorithms[0].args.perf' must be a boolean, got number"},
      {[](Json& b) { b["algorithms"][0]["env"] = Json::array(); }, "field 'algorithms[0].env' must be an object, got array"},
      {[](Json& b) { b["algorithms"][1]["space"][0]["condition"] = Json{{"parent", 2}}; },
       "field 'algorithms[1].space[0].condition.parent' must be a string, got number"},
      {[](Json& b) {
         b["algorithms"][0]["trainer"] = "text";
         b["algorithms"][0]["args"] = Json{{"text", "t"}, {"label", "y"}};
         b["algorithms"][0]["space"] = Json::array({Json{{"name", "optimizer"}, {"type", "categorical"}, {"choices", 3}}});
       },
       "field 'algorithms[0].space[0].choices' must be a list, got number"},
  };
  for (const Case& c : cases) {
    Json b = TrainerBody();
    c.edit(b);
    Status st = NormalizeStudySpec(b, 7).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(st.message().find(c.message), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace moebius::hpo
