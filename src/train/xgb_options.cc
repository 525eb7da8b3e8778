#include "train/xgb_options.h"

#include <algorithm>
#include <set>

#include "base/strings.h"

namespace moebius::train {
namespace {

// The parameters XGBoost 1.7 documents (general, tree booster, dart, linear booster, learning
// task) under their names and aliases. Keys the platform owns (booster, num_class, seed) are
// set from options and refused in --params when they would disagree.
const std::set<std::string>& KnownParams() {
  static const std::set<std::string> k = {
      // general
      "verbosity", "nthread", "validate_parameters", "disable_default_eval_metric", "seed", "random_state",
      "seed_per_iteration",
      // tree booster
      "eta", "learning_rate", "gamma", "min_split_loss", "max_depth", "min_child_weight", "max_delta_step", "subsample",
      "sampling_method", "colsample_bytree", "colsample_bylevel", "colsample_bynode", "lambda", "reg_lambda", "alpha",
      "reg_alpha", "tree_method", "sketch_eps", "scale_pos_weight", "updater", "refresh_leaf", "process_type",
      "grow_policy", "max_leaves", "max_bin", "predictor", "num_parallel_tree", "monotone_constraints",
      "interaction_constraints", "max_cat_to_onehot", "max_cat_threshold",
      // dart
      "sample_type", "normalize_type", "rate_drop", "one_drop", "skip_drop",
      // linear booster
      "feature_selector", "top_k",
      // learning task
      "objective", "base_score", "eval_metric", "tweedie_variance_power", "huber_slope", "fair_c", "num_pairsample",
      "ndcg_exp_gain", "max_position"};
  return k;
}

std::string ParamText(const std::string& key, const Json& v, Status* error) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  *error = InvalidArgument("--params: '" + key + "' must be a number, a string or a boolean, not " + v.dump().substr(0, 60));
  return "";
}

const char* DefaultObjective(Task t) {
  switch (t) {
    case Task::kBinary: return "binary:logistic";
    case Task::kMulticlass: return "multi:softprob";
    case Task::kRegression: return "reg:squarederror";
    case Task::kRanking: return "rank:ndcg";
  }
  return "";
}

}  // namespace

const char* TaskName(Task t) {
  switch (t) {
    case Task::kBinary: return "binary";
    case Task::kMulticlass: return "multiclass";
    case Task::kRegression: return "regression";
    case Task::kRanking: return "ranking";
  }
  return "";
}

Result<Task> ParseTask(const std::string& name) {
  for (Task t : {Task::kBinary, Task::kMulticlass, Task::kRegression, Task::kRanking})
    if (name == TaskName(t)) return t;
  return InvalidArgument("unknown task '" + name + "': use binary, multiclass, regression or ranking");
}

const std::vector<std::string>& ObjectivesFor(Task t) {
  static const std::vector<std::string> binary = {"binary:logistic", "binary:logitraw", "binary:hinge"};
  static const std::vector<std::string> multi = {"multi:softprob", "multi:softmax"};
  static const std::vector<std::string> reg = {"reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror",
                                               "reg:absoluteerror", "reg:gamma", "reg:tweedie", "count:poisson"};
  static const std::vector<std::string> rank = {"rank:ndcg", "rank:pairwise", "rank:map"};
  switch (t) {
    case Task::kBinary: return binary;
    case Task::kMulticlass: return multi;
    case Task::kRegression: return reg;
    case Task::kRanking: return rank;
  }
  return binary;
}

Status Validate(const XgbOptions& o) {
  if (o.data_dir.empty()) return InvalidArgument("--data is required: the folder of a split version (moebius data checkout)");
  if (o.label.empty()) return InvalidArgument("--label is required: the column to predict");
  if (o.booster != "gbtree" && o.booster != "gblinear" && o.booster != "dart")
    return InvalidArgument("unknown booster '" + o.booster + "': use gbtree, gblinear or dart");
  if (o.task == Task::kRanking && o.group.empty()) return InvalidArgument("--task ranking needs --group COL: the query column");
  if (o.task != Task::kRanking && !o.group.empty()) return InvalidArgument("--group is for --task ranking only");
  if (o.group == o.label && !o.group.empty()) return InvalidArgument("--group and --label name the same column");
  if (o.rounds < 1 || o.rounds > 100000) return InvalidArgument("--rounds must be 1 to 100000");
  if (o.early_stopping < 0) return InvalidArgument("--early-stopping must be ≥ 0");
  if (o.perf_calls < 1 || o.perf_calls > 1000000) return InvalidArgument("--perf-calls must be 1 to 1000000");
  if (o.threads < 0 || o.threads > 1024) return InvalidArgument("--threads must be 0 (all cores) to 1024");
  if (o.mode == Mode::kRandomForest) {
    if (o.booster != "gbtree") return InvalidArgument("--mode random_forest needs --booster gbtree (a forest is made of trees)");
    if (o.rounds != 1) return InvalidArgument("--mode random_forest trains one round of parallel trees: leave --rounds at 1");
    if (o.early_stopping) return InvalidArgument("--mode random_forest trains one round: --early-stopping does not apply");
  }
  for (const auto& f : o.features)
    if (f == o.label || f == "split" || f == "fold" || (!o.group.empty() && f == o.group))
      return InvalidArgument("--features must not include the label, split, fold or group column ('" + f + "')");
  return ParamsFor(o, 3).status();
}

Result<std::vector<std::pair<std::string, std::string>>> ParamsFor(const XgbOptions& o, int num_class) {
  if (!o.params.is_object()) return InvalidArgument("--params must be a JSON object, e.g. {\"max_depth\": 4}");
  std::vector<std::pair<std::string, std::string>> out;
  std::string objective = DefaultObjective(o.task);
  for (auto it = o.params.begin(); it != o.params.end(); ++it) {
    const std::string& k = it.key();
    if (!KnownParams().count(k)) {
      if (k == "booster") return InvalidArgument("--params: set the booster with --booster, not in --params");
      if (k == "num_class") return InvalidArgument("--params: num_class comes from the label's classes; leave it out");
      if (k == "n_estimators" || k == "num_boost_round" || k == "num_round")
        return InvalidArgument("--params: '" + k + "' is not an XGBoost parameter; use --rounds");
      return InvalidArgument("--params: unknown XGBoost parameter '" + k + "'");
    }
    if (k == "seed" || k == "random_state") return InvalidArgument("--params: set the seed with --seed, not '" + k + "'");
    if (k == "nthread") return InvalidArgument("--params: set the threads with --threads, not 'nthread'");
    if (k == "objective") {
      if (!it->is_string()) return InvalidArgument("--params: objective must be a string");
      objective = it->get<std::string>();
      const auto& allowed = ObjectivesFor(o.task);
      if (std::find(allowed.begin(), allowed.end(), objective) == allowed.end())
        return InvalidArgument("--params: objective '" + objective + "' does not fit --task " + TaskName(o.task) + "; use one of " +
                               Join(allowed, ", "));
    }
  }
  out.emplace_back("booster", o.booster);
  out.emplace_back("objective", objective);
  if (o.task == Task::kMulticlass) out.emplace_back("num_class", std::to_string(num_class));
  out.emplace_back("seed", std::to_string(o.seed));
  out.emplace_back("nthread", std::to_string(o.threads));
  if (!o.params.contains("tree_method") && o.booster != "gblinear") out.emplace_back("tree_method", "hist");
  if (o.mode == Mode::kRandomForest) {
    for (const auto& [k, v] : std::vector<std::pair<const char*, const char*>>{
             {"num_parallel_tree", "100"}, {"subsample", "0.8"}, {"colsample_bynode", "0.8"}, {"eta", "1"}}) {
      if (std::string(k) == "eta" && (o.params.contains("eta") || o.params.contains("learning_rate")))
        return InvalidArgument("--mode random_forest fixes eta at 1 (one round of averaged trees); leave eta out");
      if (!o.params.contains(k)) out.emplace_back(k, v);
    }
  }
  for (auto it = o.params.begin(); it != o.params.end(); ++it) {
    if (it.key() == "objective") continue;
    Status err;
    if (it.key() == "eval_metric" && it->is_array()) {
      for (const Json& m : *it) {
        if (!m.is_string()) return InvalidArgument("--params: eval_metric must be a string or a list of strings");
        out.emplace_back("eval_metric", m.get<std::string>());
      }
      continue;
    }
    std::string v = ParamText(it.key(), *it, &err);
    RETURN_IF_ERROR(err);
    out.emplace_back(it.key(), v);
  }
  return out;
}

}  // namespace moebius::train
