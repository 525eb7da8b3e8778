#include "hpo/study_spec.h"

#include <cctype>
#include <set>

#include "base/json_reader.h"
#include "hpo/builtin_trainers.h"

namespace moebius::hpo {
namespace {

constexpr int64_t kMaxTrials = 100000;
constexpr int64_t kMaxParallelism = 256;
constexpr const char* kAlgorithmParam = "algorithm";

const std::set<std::string> kTopFields = {"name", "experiment", "objective", "space", "algorithms", "sampler", "pruner", "n_trials",
                                          "parallelism", "timeout_s", "trial", "warm_start_from"};

// A command: a non-empty list of strings without NUL bytes.
Result<Json> Command(const JsonReader& c) {
  if (!c.json().is_array() || c.json().empty())
    return c.Invalid("must be a non-empty list of strings, e.g. [\"python3\", \"train.py\"]");
  ASSIGN_OR_RETURN(std::vector<std::string> args, c.Items<std::string>());
  for (const std::string& a : args)
    if (a.find('\0') != std::string::npos) return c.Invalid("must hold strings without NUL bytes");
  return Json(args);
}

// Environment variables: names (without '=') to strings.
Result<Json> Env(const JsonReader& e) {
  ASSIGN_OR_RETURN(auto members, e.Members());
  Json out = Json::object();
  for (const auto& [name, value] : members) {
    if (name.empty() || name.find('=') != std::string::npos) return e.Invalid("must map names (without '=') to strings");
    ASSIGN_OR_RETURN(out[name], value.As<std::string>());
  }
  return out;
}

// The parameter list of a space: {"params": [...]} or the list itself.
Result<JsonReader> ParamsOf(const JsonReader& space) {
  if (space.json().is_array()) return space;
  if (!space.json().is_object()) return space.Invalid("must be {\"params\": [...]} or a list of parameters");
  RETURN_IF_ERROR(space.OnlyKeys({"params"}));
  return space.Array("params");
}

// Checks what every parameter needs before tuning reads it: an object with a string name and
// type, and for numbers a non-empty range (low < high), which tuning accepts but cannot tune.
Status CheckParams(const JsonReader& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    JsonReader p = params[i];
    RETURN_IF_ERROR(p.ExpectObject());
    ASSIGN_OR_RETURN(std::string name, p.Req<std::string>("name"));
    ASSIGN_OR_RETURN(std::string type, p.Get<std::string>("type", ""));
    if (type != "float" && type != "int") continue;
    ASSIGN_OR_RETURN(auto low, p.Opt<double>("low"));
    ASSIGN_OR_RETURN(auto high, p.Opt<double>("high"));
    if (low && high && *low >= *high)
      return InvalidArgument(p.path() + " (" + name + "): empty range: low must be below high (" + p.json()["low"].dump() + " >= " +
                             p.json()["high"].dump() + ")");
  }
  return Status::Ok();
}

// A sampler or pruner: an object {"type": NAME, ...} or just the type's name; `def` when absent.
Result<Json> TypedObject(const JsonReader& body, const char* key, Json def) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> v, body.Find(key));
  if (!v) return def;
  if (v->json().is_string()) return Json{{"type", v->json()}};
  if (!v->json().is_object()) return v->Invalid("must be an object {\"type\": ...} or a type name");
  RETURN_IF_ERROR(v->Req<std::string>("type").status());
  return v->json();
}

bool ValidAlgorithmName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  return true;
}

}  // namespace

std::string ParamEnvName(const std::string& name) {
  std::string out = "MOEBIUS_PARAM_";
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

std::string ParamText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

namespace {

// The trial template: {command, env, resources, timeout_s, max_attempts, data}, defaults filled.
// `default_data` is the path of the first data input (where built-in trainers read).
Result<Json> NormalizeTrial(const JsonReader& body, std::string* default_data) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> found, body.Find("trial"));
  Json empty = Json::object();
  JsonReader trial = found ? *found : JsonReader(empty, "trial");
  if (!trial.json().is_object()) return trial.Invalid("must be an object {command, env, resources, timeout_s, max_attempts, data}");
  RETURN_IF_ERROR(trial.OnlyKeys({"command", "env", "resources", "timeout_s", "max_attempts", "data"}));
  Json tout = Json::object();
  ASSIGN_OR_RETURN(std::optional<JsonReader> command, trial.Find("command"));
  if (command) {
    ASSIGN_OR_RETURN(tout["command"], Command(*command));
  }
  tout["env"] = Json::object();
  ASSIGN_OR_RETURN(std::optional<JsonReader> env, trial.Find("env"));
  if (env) {
    ASSIGN_OR_RETURN(tout["env"], Env(*env));
  }
  Json res = {{"cpus", 1.0}, {"memory_mb", 512}, {"gpus", 0}};
  ASSIGN_OR_RETURN(std::optional<JsonReader> r, trial.OptObject("resources"));
  if (r) {
    ASSIGN_OR_RETURN(auto cpus, r->Opt<double>("cpus"));
    ASSIGN_OR_RETURN(auto mem, r->Opt<int64_t>("memory_mb"));
    ASSIGN_OR_RETURN(auto gpus, r->Opt<int64_t>("gpus"));
    if (cpus) {
      if (!(*cpus > 0) || *cpus > 1024) return InvalidArgument("trial.resources.cpus must be in (0, 1024]");
      res["cpus"] = *cpus;
    }
    if (mem) {
      if (*mem < 1 || *mem > (int64_t{1} << 24)) return InvalidArgument("trial.resources.memory_mb must be between 1 and 16777216");
      res["memory_mb"] = *mem;
    }
    if (gpus) {
      if (*gpus < 0 || *gpus > 64) return InvalidArgument("trial.resources.gpus must be between 0 and 64");
      res["gpus"] = *gpus;
    }
  }
  tout["resources"] = res;
  ASSIGN_OR_RETURN(auto timeout, trial.Opt<int64_t>("timeout_s"));
  if (timeout && (*timeout < 0 || *timeout > 30LL * 86400)) return InvalidArgument("trial.timeout_s must be between 0 (none) and 30 days");
  tout["timeout_s"] = timeout.value_or(0);
  ASSIGN_OR_RETURN(auto attempts, trial.Opt<int64_t>("max_attempts"));
  if (attempts && (*attempts < 1 || *attempts > 100)) return InvalidArgument("trial.max_attempts must be between 1 and 100");
  tout["max_attempts"] = attempts.value_or(3);
  // trial.data: the shape here; that the versions exist is StudyDriver::Create's check.
  ASSIGN_OR_RETURN(std::optional<JsonReader> data, trial.OptArray("data"));
  if (data) {
    if (data->size() > 32) return data->Invalid("must be a list of at most 32 {dataset, version, path}");
    Json dout = Json::array();
    for (size_t i = 0; i < data->size(); ++i) {
      JsonReader e = (*data)[i];
      RETURN_IF_ERROR(e.OnlyKeys({"dataset", "version", "path"}));
      ASSIGN_OR_RETURN(std::string dataset, e.Req<std::string>("dataset"));
      ASSIGN_OR_RETURN(int64_t version, e.Req<int64_t>("version"));
      ASSIGN_OR_RETURN(std::string path, e.Get<std::string>("path", "data/" + dataset));
      dout.push_back(Json{{"dataset", dataset}, {"version", version}, {"path", path}});
      if (i == 0) *default_data = path;
    }
    tout["data"] = dout;
  }
  return tout;
}

// AutoML: each algorithm normalized into `algorithms`, its parameters (named
// "<algorithm>.<param>", conditional on the algorithm's choice) appended to `params`.
Status NormalizeAlgorithms(const JsonReader& algos, const Json& tout, const std::string& default_data, Json& aout, Json& params) {
  if (algos.size() == 0) return algos.Invalid("must be a non-empty list of {name, space, command, env}");
  Json names = Json::array();
  std::set<std::string> seen;
  for (size_t i = 0; i < algos.size(); ++i) {
    JsonReader a = algos[i];
    const std::string& where = a.path();
    RETURN_IF_ERROR(a.OnlyKeys({"name", "space", "command", "env", "trainer", "args"}));
    ASSIGN_OR_RETURN(std::string an, a.Req<std::string>("name"));
    if (!ValidAlgorithmName(an)) return InvalidArgument(where + ".name must be 1 to 64 letters, digits, '_' or '-'");
    if (!seen.insert(an).second) return InvalidArgument(where + ": algorithm '" + an + "' is listed twice");
    ASSIGN_OR_RETURN(std::optional<std::string> trainer, a.Opt<std::string>("trainer"));
    ASSIGN_OR_RETURN(std::optional<JsonReader> command, a.Find("command"));
    if (trainer && command) return InvalidArgument(where + ": give either a trainer (a built-in trainer's name) or a command, not both");
    if (!trainer && a.Has("args")) return InvalidArgument(where + ".args belongs to a built-in trainer; add \"trainer\"");
    if (!trainer && !command && !tout.contains("command"))
      return InvalidArgument("unknown algorithm '" + an + "': give it a command, or name a built-in trainer (\"trainer\": \"xgboost\", ...)");
    Json algo{{"name", an}, {"env", Json::object()}};
    if (trainer) {
      algo["trainer"] = *trainer;
    } else if (command) {
      ASSIGN_OR_RETURN(algo["command"], Command(*command));
    } else {
      algo["command"] = tout["command"];
    }
    ASSIGN_OR_RETURN(std::optional<JsonReader> env, a.Find("env"));
    if (env) {
      ASSIGN_OR_RETURN(algo["env"], Env(*env));
    }
    // The algorithm's parameters: its space, else (a built-in trainer) the trainer's default space.
    Json defaults = Json::array();
    ASSIGN_OR_RETURN(std::optional<JsonReader> space, a.Find("space"));
    JsonReader aparams(defaults, where + ".space");  // reads `defaults`, filled below
    if (space) {
      ASSIGN_OR_RETURN(aparams, ParamsOf(*space));
      RETURN_IF_ERROR(CheckParams(aparams));
    }
    if (trainer) {
      if (!space)
        for (const auto& t : BuiltinTrainers())
          if (t.name == *trainer) defaults = t.space;
      Json no_args = Json::object();
      ASSIGN_OR_RETURN(std::optional<JsonReader> args, a.Find("args"));
      ASSIGN_OR_RETURN(algo["args"], NormalizeTrainerArgs(*trainer, args ? *args : JsonReader(no_args, where + ".args"), aparams,
                                                          default_data, tout["resources"]["cpus"].get<double>(), where));
    }
    for (size_t k = 0; k < aparams.size(); ++k) {
      JsonReader pr = aparams[k];
      ASSIGN_OR_RETURN(std::string pname, pr.Req<std::string>("name"));
      Json p = pr.json();
      ASSIGN_OR_RETURN(std::optional<JsonReader> condition, pr.Find("condition"));
      if (condition) {
        // A condition on another parameter of this algorithm names it by its short name.
        if (condition->json().is_object()) {
          ASSIGN_OR_RETURN(std::optional<std::string> parent, condition->Opt<std::string>("parent"));
          if (parent) p["condition"]["parent"] = an + "." + *parent;
        }
      } else {
        p["condition"] = {{"parent", kAlgorithmParam}, {"values", Json::array({an})}};
      }
      p["name"] = an + "." + pname;
      params.push_back(p);
    }
    names.push_back(an);
    aout.push_back(algo);
  }
  params.insert(params.begin(), Json{{"name", kAlgorithmParam}, {"type", "categorical"}, {"choices", names}});
  return Status::Ok();
}

}  // namespace

Result<Json> NormalizeStudySpec(const Json& body_json, uint64_t default_seed) {
  // Proto3 spellings ("10" for an integer) are taken, as the flat helpers this replaced took them.
  JsonReader body = JsonReader(body_json, "", "a study spec").Proto3();
  RETURN_IF_ERROR(body.ExpectObject());
  for (auto it = body_json.begin(); it != body_json.end(); ++it)
    if (!kTopFields.count(it.key())) return InvalidArgument("unknown field '" + it.key() + "' in the study spec");
  Json out = Json::object();
  ASSIGN_OR_RETURN(std::string name, body.Req<std::string>("name"));
  if (name.empty() || name.size() > 128) return InvalidArgument("name must be 1 to 128 characters");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20) return InvalidArgument("name must not contain control characters");
  out["name"] = name;
  const Json& experiment = body.Has("experiment") ? body_json["experiment"] : Json();
  if (!experiment.is_string() && !experiment.is_number_integer())
    return InvalidArgument("missing field 'experiment': the name or id of the experiment the trials' runs go to");
  if (experiment.is_string()) {
    out["experiment"] = experiment.get<std::string>();
  } else {
    ASSIGN_OR_RETURN(int64_t id, JsonReader(experiment, "experiment").As<int64_t>());
    out["experiment"] = std::to_string(id);
  }

  // objective
  if (!body.Has("objective")) return InvalidArgument("missing field 'objective': {\"metric\": NAME, \"goal\": \"minimize\" | \"maximize\"}");
  ASSIGN_OR_RETURN(JsonReader obj, body.Object("objective"));
  ASSIGN_OR_RETURN(auto metric, obj.Opt<std::string>("metric"));
  if (!metric || metric->empty()) return InvalidArgument("objective.metric is required: the name of the metric each trial logs");
  if (metric->size() > 250) return InvalidArgument("objective.metric must be at most 250 characters");
  ASSIGN_OR_RETURN(std::string g, obj.Get<std::string>("goal", "minimize"));
  if (g != "minimize" && g != "maximize") return InvalidArgument("objective.goal must be 'minimize' or 'maximize', got '" + g + "'");
  out["objective"] = {{"metric", *metric}, {"goal", g}};

  std::string default_data;
  ASSIGN_OR_RETURN(Json tout, NormalizeTrial(body, &default_data));

  // space, or algorithms (AutoML)
  Json params = Json::array();
  if (body.Has("algorithms")) {
    if (body.Has("space")) return InvalidArgument("give either 'space' or 'algorithms' (AutoML), not both");
    ASSIGN_OR_RETURN(JsonReader algos, body.Array("algorithms"));
    Json aout = Json::array();
    RETURN_IF_ERROR(NormalizeAlgorithms(algos, tout, default_data, aout, params));
    out["algorithms"] = aout;
  } else {
    ASSIGN_OR_RETURN(std::optional<JsonReader> space, body.Find("space"));
    if (!space) return InvalidArgument("missing field 'space': {\"params\": [...]} (or 'algorithms' for AutoML)");
    ASSIGN_OR_RETURN(JsonReader list, ParamsOf(*space));
    if (list.size() == 0) return InvalidArgument("space has no parameters");
    RETURN_IF_ERROR(CheckParams(list));
    params = list.json();
    if (!tout.contains("command")) return InvalidArgument("missing field 'trial.command': what each trial runs");
  }
  Json space{{"params", params}};
  auto parsed = tuning::SearchSpace::FromJson(space);
  if (!parsed.ok()) return InvalidArgument("space: " + parsed.status().message());
  out["space"] = parsed->ToJson();
  out["trial"] = tout;

  // sampler and pruner
  // The default sampler: TPE; multivariate with Scott's bandwidth where it is benchmarked (a space
  // without conditions: bench/RESULTS.md, ≥ Optuna's TPE on every function), Optuna's univariate
  // defaults for conditional (AutoML) spaces.
  bool conditional = false;
  for (const auto& p : parsed->params())
    if (!p.parent.empty()) conditional = true;
  Json default_sampler = conditional ? Json{{"type", "tpe"}} : Json{{"type", "tpe"}, {"multivariate", true}, {"scott_bandwidth", true}};
  ASSIGN_OR_RETURN(Json sampler, TypedObject(body, "sampler", default_sampler));
  const std::string sampler_type = sampler["type"].get<std::string>();
  if (!sampler.contains("seed") && sampler_type != "grid") sampler["seed"] = default_seed;
  auto s = tuning::SamplerFromJson(sampler);
  if (!s.ok()) return InvalidArgument("sampler: " + s.status().message());
  if (sampler_type == "cmaes" || sampler_type == "tpe_cmaes") {
    bool numeric = false;
    for (const auto& p : parsed->params())
      if (p.kind != tuning::ParamKind::kCategorical && p.parent.empty()) numeric = true;
    if (!numeric)
      return InvalidArgument("sampler: " + sampler_type + " needs at least one unconditional numeric parameter; this space is categorical (use tpe or random)");
  }
  out["sampler"] = sampler;
  ASSIGN_OR_RETURN(Json pruner, TypedObject(body, "pruner", Json{{"type", "none"}}));
  auto pr = tuning::PrunerFromJson(pruner);
  if (!pr.ok()) return InvalidArgument("pruner: " + pr.status().message());
  out["pruner"] = pruner;

  ASSIGN_OR_RETURN(auto n_trials, body.Opt<int64_t>("n_trials"));
  if (n_trials && (*n_trials < 1 || *n_trials > kMaxTrials)) return InvalidArgument("n_trials must be between 1 and " + std::to_string(kMaxTrials));
  out["n_trials"] = n_trials.value_or(10);
  ASSIGN_OR_RETURN(auto par, body.Opt<int64_t>("parallelism"));
  if (par && (*par < 1 || *par > kMaxParallelism)) return InvalidArgument("parallelism must be between 1 and " + std::to_string(kMaxParallelism));
  out["parallelism"] = par.value_or(1);
  ASSIGN_OR_RETURN(auto timeout, body.Opt<int64_t>("timeout_s"));
  if (timeout && (*timeout < 0 || *timeout > 365LL * 86400)) return InvalidArgument("timeout_s must be between 0 (none) and 365 days");
  out["timeout_s"] = timeout.value_or(0);
  ASSIGN_OR_RETURN(auto warm, body.Opt<int64_t>("warm_start_from"));
  if (warm && *warm < 1) return InvalidArgument("warm_start_from must be a study id");
  out["warm_start_from"] = warm ? Json(*warm) : Json(nullptr);
  return out;
}

Result<tuning::SearchSpace> SpaceOf(const Json& spec) { return tuning::SearchSpace::FromJson(spec.at("space")); }

tuning::Direction DirectionOf(const Json& spec) {
  return spec.at("objective").value("goal", "minimize") == "maximize" ? tuning::Direction::kMaximize : tuning::Direction::kMinimize;
}

Result<std::unique_ptr<tuning::Study>> NewStudyOf(const Json& spec) {
  ASSIGN_OR_RETURN(tuning::SearchSpace space, SpaceOf(spec));
  ASSIGN_OR_RETURN(auto sampler, tuning::SamplerFromJson(spec.at("sampler")));
  ASSIGN_OR_RETURN(auto pruner, tuning::PrunerFromJson(spec.at("pruner")));
  return tuning::Study::Create(std::move(space), {DirectionOf(spec)}, std::move(sampler), std::move(pruner));
}

TrialLaunch LaunchOf(const Json& spec, const Json& params) {
  TrialLaunch l;
  const Json& trial = spec.at("trial");
  Json command = trial.value("command", Json::array());
  l.env = trial.value("env", Json::object());
  if (spec.contains("algorithms") && params.contains(kAlgorithmParam)) {
    std::string algo = params[kAlgorithmParam].get<std::string>();
    l.params[kAlgorithmParam] = algo;
    std::string prefix = algo + ".";
    for (auto it = params.begin(); it != params.end(); ++it)
      if (it.key().rfind(prefix, 0) == 0) l.params[it.key().substr(prefix.size())] = *it;
    for (const Json& a : spec["algorithms"])
      if (a["name"] == algo) {
        command = a.contains("trainer") ? Json(TrainerCommand(a["trainer"].get<std::string>(), a["args"], l.params)) : a["command"];
        for (auto it = a["env"].begin(); it != a["env"].end(); ++it) l.env[it.key()] = *it;
      }
  } else {
    l.params = params;
  }
  for (const Json& a : command) {
    std::string s = a.get<std::string>();
    for (auto it = l.params.begin(); it != l.params.end(); ++it) {
      std::string key = "{" + it.key() + "}";
      std::string val = ParamText(*it);
      for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + val.size())) s.replace(pos, key.size(), val);
    }
    l.command.push_back(s);
  }
  for (auto it = l.params.begin(); it != l.params.end(); ++it) l.env[ParamEnvName(it.key())] = ParamText(*it);
  l.env["MOEBIUS_PARAMS_JSON"] = l.params.dump();
  return l;
}

}  // namespace moebius::hpo
