#include "hpo/builtin_trainers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "base/json_reader.h"
#include "train/torch/text_options.h"
#include "train/xgb_options.h"

namespace moebius::hpo {
namespace {

const std::vector<std::string> kXgbArgs = {"data", "label", "task", "group", "features", "rounds", "early_stopping",
                                           "seed", "threads", "explain", "perf"};
const std::vector<std::string> kImageArgs = {"data", "label_key", "size", "epochs", "batch_size", "early_stopping",
                                             "seed", "threads", "augment", "perf"};
const std::vector<std::string> kTextArgs = {"data", "text", "label", "epochs", "batch_size", "early_stopping", "seed",
                                            "threads", "case", "buckets", "explain", "perf"};

Json Float(const char* name, double low, double high, bool log = false) {
  return Json{{"name", name}, {"type", "float"}, {"low", low}, {"high", high}, {"log", log}};
}
Json Int(const char* name, int64_t low, int64_t high) { return Json{{"name", name}, {"type", "int"}, {"low", low}, {"high", high}}; }

// Parameters a trial may tune that are the trainer's flags, not XGBoost parameters.
const std::set<std::string> kFlagParams = {"rounds", "early_stopping"};

bool IsXgboost(const std::string& t) { return t == "xgboost" || t == "xgboost_dart" || t == "xgboost_rf" || t == "xgboost_linear"; }

std::string Names() {
  std::string out;
  for (const auto& t : BuiltinTrainers()) out += (out.empty() ? "" : ", ") + t.name;
  return out;
}

// A parameter of a space as the trainers check it: its name, type and what tuning can propose.
struct Param {
  std::string name;
  std::string type;
  Json choices = Json::array();  // categorical
  Json low = 0, high = 0;        // float and int
};

Result<std::vector<Param>> ParamsOf(const JsonReader& params) {
  RETURN_IF_ERROR(params.ExpectArray());
  std::vector<Param> out;
  for (size_t i = 0; i < params.size(); ++i) {
    JsonReader p = params[i];
    Param q;
    ASSIGN_OR_RETURN(q.name, p.Req<std::string>("name"));
    ASSIGN_OR_RETURN(q.type, p.Get<std::string>("type", ""));
    if (q.type == "categorical") {
      ASSIGN_OR_RETURN(std::optional<JsonReader> choices, p.OptArray("choices"));
      if (choices) q.choices = choices->json();
    } else {
      for (auto [key, field] : {std::pair{"low", &q.low}, std::pair{"high", &q.high}}) {
        ASSIGN_OR_RETURN(std::optional<double> v, p.Opt<double>(key));
        if (v) *field = p.json()[key];
      }
    }
    out.push_back(std::move(q));
  }
  return out;
}

// A value of a parameter that tuning could propose, to check the name against the trainer.
Json Representative(const Param& p) {
  if (p.type == "categorical" && !p.choices.empty()) return p.choices[0];
  return p.low;
}

train::XgbOptions XgbOptionsOf(const std::string& trainer, const Json& args) {
  train::XgbOptions o;
  o.label = args.value("label", "");
  auto task = train::ParseTask(args.value("task", "binary"));
  if (task.ok()) o.task = *task;
  o.group = args.value("group", "");
  if (trainer == "xgboost_dart") o.booster = "dart";
  if (trainer == "xgboost_linear") o.booster = "gblinear";
  if (trainer == "xgboost_rf") {
    o.mode = train::Mode::kRandomForest;
    o.rounds = 1;
    o.early_stopping = 0;
  } else {
    o.rounds = args.value("rounds", 200);
    o.early_stopping = args.value("early_stopping", 20);
  }
  return o;
}

// The normalized args are built field by field from the request's: each read checked, each
// default filled, so the commands below read only what these wrote.

// out[k]: in's string k, when present.
Status StringArg(const JsonReader& in, Json& out, const char* k) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, in.Opt<std::string>(k));
  if (v) out[k] = *v;
  return Status::Ok();
}

// out[k]: in's integer k in [lo, hi], `def` when absent.
Status IntArg(const JsonReader& in, Json& out, const char* k, int64_t def, int64_t lo, int64_t hi) {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, in.Opt<int64_t>(k));
  if (v && (*v < lo || *v > hi)) return in.Invalid(k, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  out[k] = v.value_or(def);
  return Status::Ok();
}

// out[k]: in's boolean k, false when absent.
Status BoolArg(const JsonReader& in, Json& out, const char* k) {
  ASSIGN_OR_RETURN(std::optional<bool> v, in.Opt<bool>(k));
  out[k] = v.value_or(false);
  return Status::Ok();
}

// out.data: in's, else the first trial.data entry's path.
Status DataArg(const JsonReader& in, Json& out, const std::string& default_data, const std::string& where) {
  RETURN_IF_ERROR(StringArg(in, out, "data"));
  if (out.contains("data")) return Status::Ok();
  if (default_data.empty())
    return InvalidArgument(where + ": a built-in trainer needs data: give trial.data [{dataset, version}] or " + where + ".args.data");
  out["data"] = default_data;
  return Status::Ok();
}

Status KnownArgs(const JsonReader& in, const std::vector<std::string>& known) {
  ASSIGN_OR_RETURN(auto members, in.Members());
  for (const auto& [key, value] : members)
    if (std::find(known.begin(), known.end(), key) == known.end()) return InvalidArgument("unknown field '" + value.path() + "'");
  return Status::Ok();
}

// kInvalidArgument naming what the trainer tunes when `name` is not one of `tunable`'s keys.
Status Tunable(const std::map<std::string, std::string>& tunable, const char* trainer, const std::string& name, const std::string& where) {
  if (tunable.count(name)) return Status::Ok();
  std::string known;
  for (const auto& [k, flag] : tunable) known += (known.empty() ? "" : ", ") + k;
  return InvalidArgument(where + ".space: the " + trainer + " trainer has no parameter '" + name + "' (it tunes " + known + ")");
}

// A number as a flag value: integers as such, floats with every digit.
std::string FlagValue(const Json& v) {
  if (!v.is_number_float()) return v.is_string() ? v.get<std::string>() : v.dump();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v.get<double>());
  return buf;
}

// The image trainer's flags a space may tune (name → flag), and the integer ones among them.
const std::map<std::string, std::string> kImageParams = {
    {"lr", "--lr"},           {"width", "--width"},         {"blocks", "--blocks"},       {"dropout", "--dropout"},
    {"weight_decay", "--weight-decay"}, {"batch_size", "--batch-size"}, {"epochs", "--epochs"}, {"flip_prob", "--flip-prob"},
    {"crop_pad", "--crop-pad"}, {"brightness", "--brightness"}, {"contrast", "--contrast"}};

Result<Json> NormalizeImageArgs(const JsonReader& in, const std::vector<Param>& params, const std::string& default_data, double trial_cpus,
                               const std::string& where) {
  RETURN_IF_ERROR(KnownArgs(in, kImageArgs));
  Json args = Json::object();
  RETURN_IF_ERROR(DataArg(in, args, default_data, where));
  ASSIGN_OR_RETURN(args["label_key"], in.Get<std::string>("label_key", "label"));
  ASSIGN_OR_RETURN(args["augment"], in.Get<std::string>("augment", "flip,crop,brightness,contrast"));
  RETURN_IF_ERROR(IntArg(in, args, "size", 64, 8, 1024));
  RETURN_IF_ERROR(IntArg(in, args, "epochs", 10, 1, 10000));
  RETURN_IF_ERROR(IntArg(in, args, "batch_size", 32, 1, 4096));
  RETURN_IF_ERROR(IntArg(in, args, "early_stopping", 3, 0, 10000));
  RETURN_IF_ERROR(IntArg(in, args, "seed", 0, 0, int64_t{1} << 53));
  RETURN_IF_ERROR(IntArg(in, args, "threads", std::max<int64_t>(1, static_cast<int64_t>(std::ceil(trial_cpus))), 0, 1024));
  RETURN_IF_ERROR(BoolArg(in, args, "perf"));
  for (const Param& p : params) {
    RETURN_IF_ERROR(Tunable(kImageParams, "image", p.name, where));
    if (p.type == "categorical") return InvalidArgument(where + ".space: '" + p.name + "' must be a number (float or int)");
  }
  return args;
}

std::vector<std::string> ImageCommand(const Json& args, const Json& values) {
  std::vector<std::string> c = {"moebius", "train", "image", "--data", args["data"].get<std::string>(), "--label-key",
                                args["label_key"].get<std::string>(), "--size", std::to_string(args["size"].get<int64_t>())};
  // epochs and batch_size from args unless the trial tunes them (a flag is given once).
  if (!values.contains("epochs")) c.insert(c.end(), {"--epochs", std::to_string(args["epochs"].get<int64_t>())});
  if (!values.contains("batch_size")) c.insert(c.end(), {"--batch-size", std::to_string(args["batch_size"].get<int64_t>())});
  c.insert(c.end(), {"--early-stopping", std::to_string(args["early_stopping"].get<int64_t>()), "--seed",
                     std::to_string(args["seed"].get<int64_t>()), "--threads", std::to_string(args["threads"].get<int64_t>()),
                     "--augment", args["augment"].get<std::string>()});
  for (auto it = values.begin(); it != values.end(); ++it) {
    auto flag = kImageParams.find(it.key());
    if (flag != kImageParams.end()) c.insert(c.end(), {flag->second, FlagValue(*it)});  // else "algorithm"
  }
  if (!args["perf"].get<bool>()) c.push_back("--no-perf");
  return c;
}

// The text trainer's flags a space may tune (name → flag). All numbers except optimizer.
const std::map<std::string, std::string> kTextParams = {
    {"lr", "--lr"},           {"dim", "--dim"},           {"hidden", "--hidden"},         {"word_ngrams", "--word-ngrams"},
    {"minn", "--minn"},       {"maxn", "--maxn"},         {"min_count", "--min-count"},   {"epochs", "--epochs"},
    {"batch_size", "--batch-size"}, {"optimizer", "--optimizer"}};

// Sets the TextOptions field a tunable parameter stands for.
void SetTextParam(train::TextOptions& o, const std::string& name, const Json& v) {
  auto i = [&] { return static_cast<int>(v.is_number() ? std::llround(v.get<double>()) : 0); };
  if (name == "lr") o.lr = v.is_number() ? v.get<double>() : -1;
  else if (name == "dim") o.dim = i();
  else if (name == "hidden") o.hidden = i();
  else if (name == "word_ngrams") o.features.word_ngrams = i();
  else if (name == "minn") o.features.minn = i();
  else if (name == "maxn") o.features.maxn = i();
  else if (name == "min_count") o.features.min_count = i();
  else if (name == "epochs") o.epochs = i();
  else if (name == "batch_size") o.batch_size = i();
  else if (name == "optimizer") o.optimizer = v.is_string() ? v.get<std::string>() : "";
}

// The values of a parameter that bound what tuning can propose: low and high (and 1 for a
// maxn that can be 0, its smallest value with character n-grams), or every choice.
std::vector<Json> Extremes(const Param& p) {
  if (p.type == "categorical") return std::vector<Json>(p.choices.begin(), p.choices.end());
  std::vector<Json> v = {p.low, p.high};
  if (p.name == "maxn" && v[0].is_number() && v[0].get<double>() < 1 && v[1].is_number() && v[1].get<double>() >= 1) v.push_back(1);
  return v;
}

Result<Json> NormalizeTextArgs(const JsonReader& in, const std::vector<Param>& params, const std::string& default_data, double trial_cpus,
                              const std::string& where) {
  RETURN_IF_ERROR(KnownArgs(in, kTextArgs));
  Json args = Json::object();
  for (const char* k : {"text", "label"}) {
    ASSIGN_OR_RETURN(std::string v, in.Get<std::string>(k, ""));
    if (v.empty()) return InvalidArgument(where + ".args." + k + " is required: the " + (std::string(k) == "text" ? "text" : "class") + " column");
    args[k] = v;
  }
  RETURN_IF_ERROR(DataArg(in, args, default_data, where));
  ASSIGN_OR_RETURN(args["case"], in.Get<std::string>("case", "simple"));
  RETURN_IF_ERROR(IntArg(in, args, "epochs", 10, 1, 10000));
  RETURN_IF_ERROR(IntArg(in, args, "batch_size", 32, 1, 65536));
  RETURN_IF_ERROR(IntArg(in, args, "early_stopping", 2, 0, 10000));
  RETURN_IF_ERROR(IntArg(in, args, "seed", 0, 0, int64_t{1} << 53));
  RETURN_IF_ERROR(IntArg(in, args, "threads", std::max<int64_t>(1, static_cast<int64_t>(std::ceil(trial_cpus))), 0, 1024));
  // Fewer buckets than the command's default (2^20): trials run side by side, and the
  // embedding is (vocabulary + buckets) × dim floats.
  RETURN_IF_ERROR(IntArg(in, args, "buckets", int64_t{1} << 18, 0, int64_t{1} << 24));
  RETURN_IF_ERROR(BoolArg(in, args, "explain"));
  RETURN_IF_ERROR(BoolArg(in, args, "perf"));

  train::TextOptions o;
  o.data_dir = args["data"].get<std::string>();
  o.text = args["text"].get<std::string>();
  o.label = args["label"].get<std::string>();
  auto case_mode = train::text::ParseCaseMode(args["case"].get<std::string>());
  if (!case_mode.ok()) return InvalidArgument(where + ".args.case: " + case_mode.status().message());
  o.features.case_mode = *case_mode;
  o.features.buckets = args["buckets"].get<int64_t>();
  o.epochs = static_cast<int>(args["epochs"].get<int64_t>());
  o.batch_size = static_cast<int>(args["batch_size"].get<int64_t>());
  o.early_stopping = static_cast<int>(args["early_stopping"].get<int64_t>());
  std::vector<std::pair<std::string, std::vector<Json>>> tuned;
  for (const Param& p : params) {
    RETURN_IF_ERROR(Tunable(kTextParams, "text", p.name, where));
    bool categorical = p.type == "categorical";
    if ((p.name == "optimizer") != categorical)
      return InvalidArgument(where + ".space: '" + p.name + "' must be " + (categorical ? "a number (float or int)" : "categorical (sgd, adam)"));
    tuned.emplace_back(p.name, Extremes(p));
  }
  // Every corner of the space must be options the trainer accepts (the ranges are boxes and
  // each option's validity is monotone, so the corners bound every point), checked now rather
  // than as failed trials. minn > maxn is the combination this catches.
  size_t corners = 1;
  for (const auto& t : tuned) corners *= std::max<size_t>(1, t.second.size());
  if (corners > 4096) corners = 4096;  // only through long choice lists; the leading ones are checked
  for (size_t c = 0; c < corners; ++c) {
    train::TextOptions at = o;
    std::string point;
    size_t rest = c;
    for (const auto& [name, values] : tuned) {
      if (values.empty()) continue;
      const Json& v = values[rest % values.size()];
      rest /= values.size();
      SetTextParam(at, name, v);
      point += (point.empty() ? "" : ", ") + name + "=" + FlagValue(v);
    }
    Status st = train::Validate(at);
    if (!st.ok()) return InvalidArgument(where + ": at " + (point.empty() ? "the args" : point) + ": " + st.message());
  }
  return args;
}

std::vector<std::string> TextCommand(const Json& args, const Json& values) {
  std::vector<std::string> c = {"moebius", "train", "text", "--data", args["data"].get<std::string>(), "--text",
                                args["text"].get<std::string>(), "--label", args["label"].get<std::string>(), "--case",
                                args["case"].get<std::string>(), "--buckets", std::to_string(args["buckets"].get<int64_t>()),
                                "--early-stopping", std::to_string(args["early_stopping"].get<int64_t>()), "--seed",
                                std::to_string(args["seed"].get<int64_t>()), "--threads", std::to_string(args["threads"].get<int64_t>())};
  // epochs and batch_size from args unless the trial tunes them (a flag is given once).
  if (!values.contains("epochs")) c.insert(c.end(), {"--epochs", std::to_string(args["epochs"].get<int64_t>())});
  if (!values.contains("batch_size")) c.insert(c.end(), {"--batch-size", std::to_string(args["batch_size"].get<int64_t>())});
  for (auto it = values.begin(); it != values.end(); ++it) {
    auto flag = kTextParams.find(it.key());
    if (flag != kTextParams.end()) c.insert(c.end(), {flag->second, FlagValue(*it)});  // else "algorithm"
  }
  if (!args["explain"].get<bool>()) c.push_back("--no-explain");
  if (!args["perf"].get<bool>()) c.push_back("--no-perf");
  return c;
}

}  // namespace

const std::vector<BuiltinTrainerInfo>& BuiltinTrainers() {
  static const std::vector<BuiltinTrainerInfo> kTrainers = {
      {"xgboost", "XGBoost gradient-boosted trees (gbtree)",
       Json::array({Float("eta", 0.01, 0.3, true), Int("max_depth", 2, 10), Float("min_child_weight", 0.5, 20, true),
                    Float("subsample", 0.5, 1.0), Float("colsample_bytree", 0.5, 1.0), Float("lambda", 1e-3, 10, true)}), kXgbArgs},
      {"xgboost_dart", "XGBoost with dropout trees (dart)",
       Json::array({Float("eta", 0.01, 0.3, true), Int("max_depth", 2, 10), Float("subsample", 0.5, 1.0), Float("rate_drop", 0.0, 0.3),
                    Float("skip_drop", 0.0, 0.5)}), kXgbArgs},
      {"xgboost_rf", "XGBoost random forest (one round of 100 trees)",
       Json::array({Int("max_depth", 4, 16), Float("subsample", 0.5, 0.9), Float("colsample_bynode", 0.3, 0.9),
                    Float("min_child_weight", 0.5, 20, true)}), kXgbArgs},
      {"xgboost_linear", "XGBoost linear booster (gblinear)",
       Json::array({Float("lambda", 1e-4, 10, true), Float("alpha", 1e-4, 10, true), Float("eta", 0.05, 1.0, true)}), kXgbArgs},
      {"image", "Image classification: a small CNN in libtorch with augmentation",
       Json::array({Float("lr", 1e-4, 1e-2, true), Int("width", 8, 32), Float("dropout", 0.0, 0.5), Float("weight_decay", 1e-6, 1e-3, true)}), kImageArgs},
      {"text", "Text classification: fastText-style word and character n-grams in libtorch",
       Json::array({Float("lr", 0.05, 1.0, true), Int("dim", 16, 128), Int("word_ngrams", 1, 3), Int("maxn", 3, 6)}), kTextArgs},
  };
  return kTrainers;
}

Result<Json> NormalizeTrainerArgs(const std::string& trainer, const JsonReader& args_in, const JsonReader& space, const std::string& default_data,
                                  double trial_cpus, const std::string& where) {
  const JsonReader& in = args_in;
  RETURN_IF_ERROR(in.ExpectObject());
  ASSIGN_OR_RETURN(std::vector<Param> params, ParamsOf(space));
  if (trainer == "image") return NormalizeImageArgs(in, params, default_data, trial_cpus, where);
  if (trainer == "text") return NormalizeTextArgs(in, params, default_data, trial_cpus, where);
  if (!IsXgboost(trainer)) return InvalidArgument(where + ": unknown trainer '" + trainer + "' (built-in trainers: " + Names() + ")");
  RETURN_IF_ERROR(KnownArgs(in, kXgbArgs));
  Json args = Json::object();
  ASSIGN_OR_RETURN(std::string label, in.Get<std::string>("label", ""));
  if (label.empty()) return InvalidArgument(where + ".args.label is required: the column the trainer predicts");
  args["label"] = label;
  RETURN_IF_ERROR(DataArg(in, args, default_data, where));
  ASSIGN_OR_RETURN(args["task"], in.Get<std::string>("task", "binary"));
  RETURN_IF_ERROR(StringArg(in, args, "group"));
  auto task = train::ParseTask(args["task"].get<std::string>());
  if (!task.ok()) return InvalidArgument(where + ".args.task: " + task.status().message());
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> features, in.OptList<std::string>("features"));
  if (features) {
    if (features->empty()) return InvalidArgument(where + ".args.features must be a non-empty list of column names");
    for (const std::string& c : *features)
      if (c.empty() || c.find(',') != std::string::npos) return InvalidArgument(where + ".args.features must hold column names without commas");
    args["features"] = *features;
  }
  RETURN_IF_ERROR(IntArg(in, args, "rounds", 200, 1, 100000));
  RETURN_IF_ERROR(IntArg(in, args, "early_stopping", 20, 0, 100000));
  RETURN_IF_ERROR(IntArg(in, args, "seed", 0, 0, int64_t{1} << 53));
  RETURN_IF_ERROR(IntArg(in, args, "threads", std::max<int64_t>(1, static_cast<int64_t>(std::ceil(trial_cpus))), 0, 1024));
  RETURN_IF_ERROR(BoolArg(in, args, "explain"));
  RETURN_IF_ERROR(BoolArg(in, args, "perf"));

  // The space's names against the trainer: each a flag it tunes or an XGBoost parameter that
  // the trainer's own check accepts.
  train::XgbOptions o = XgbOptionsOf(trainer, args);
  o.data_dir = args["data"].get<std::string>();
  for (const Param& p : params) {
    if (kFlagParams.count(p.name)) {
      if (trainer == "xgboost_rf") return InvalidArgument(where + ".space: '" + p.name + "' is fixed for the random forest (one round)");
      continue;
    }
    o.params[p.name] = Representative(p);
  }
  Status st = train::Validate(o);
  if (!st.ok()) return InvalidArgument(where + ": " + st.message());
  return args;
}

std::vector<std::string> TrainerCommand(const std::string& trainer, const Json& args, const Json& values) {
  if (trainer == "image") return ImageCommand(args, values);
  if (trainer == "text") return TextCommand(args, values);
  Json xgb = Json::object();
  int64_t rounds = args.value("rounds", 200), early = args.value("early_stopping", 20);
  for (auto it = values.begin(); it != values.end(); ++it) {
    if (it.key() == "algorithm") continue;
    if (it.key() == "rounds" && it->is_number()) rounds = static_cast<int64_t>(std::llround(it->get<double>()));
    else if (it.key() == "early_stopping" && it->is_number()) early = static_cast<int64_t>(std::llround(it->get<double>()));
    else xgb[it.key()] = *it;
  }
  std::vector<std::string> c = {"moebius", "train", "xgboost", "--data", args["data"].get<std::string>(),
                                "--label", args["label"].get<std::string>(), "--task", args["task"].get<std::string>(),
                                "--seed", std::to_string(args["seed"].get<int64_t>()), "--threads", std::to_string(args["threads"].get<int64_t>())};
  if (trainer == "xgboost_rf") {
    c.insert(c.end(), {"--mode", "random_forest", "--rounds", "1"});
  } else {
    c.insert(c.end(), {"--rounds", std::to_string(rounds), "--early-stopping", std::to_string(early)});
    if (trainer == "xgboost_dart") c.insert(c.end(), {"--booster", "dart"});
    if (trainer == "xgboost_linear") c.insert(c.end(), {"--booster", "gblinear"});
  }
  if (!xgb.empty()) c.insert(c.end(), {"--params", xgb.dump()});
  if (args.contains("group") && !args["group"].get<std::string>().empty()) c.insert(c.end(), {"--group", args["group"].get<std::string>()});
  if (args.contains("features")) {
    std::string f;
    for (const Json& col : args["features"]) f += (f.empty() ? "" : ",") + col.get<std::string>();
    c.insert(c.end(), {"--features", f});
  }
  if (!args["explain"].get<bool>()) c.push_back("--no-explain");
  if (!args["perf"].get<bool>()) c.push_back("--no-perf");
  return c;
}

}  // namespace moebius::hpo
