#include "hpo/study_spec.h"

#include <cctype>
#include <set>

#include "hpo/builtin_trainers.h"

namespace moebius::hpo {
namespace {

constexpr int64_t kMaxTrials = 100000;
constexpr int64_t kMaxParallelism = 256;
constexpr const char* kAlgorithmParam = "algorithm";

const std::set<std::string> kTopFields = {"name", "experiment", "objective", "space", "algorithms", "sampler", "pruner", "n_trials",
                                          "parallelism", "timeout_s", "trial", "warm_start_from"};

Status CheckCommand(const Json& c, const std::string& where) {
  if (!c.is_array() || c.empty()) return InvalidArgument(where + " must be a non-empty list of strings, e.g. [\"python3\", \"train.py\"]");
  for (const Json& a : c)
    if (!a.is_string() || a.get<std::string>().find('\0') != std::string::npos) return InvalidArgument(where + " must hold strings without NUL bytes");
  return Status::Ok();
}

Status CheckEnv(const Json& e, const std::string& where) {
  if (!e.is_object()) return InvalidArgument(where + " must be an object of strings");
  for (auto it = e.begin(); it != e.end(); ++it)
    if (!it->is_string() || it.key().empty() || it.key().find('=') != std::string::npos)
      return InvalidArgument(where + " must map names (without '=') to strings");
  return Status::Ok();
}

Result<Json> ParamsArray(const Json& space, const std::string& where) {
  if (space.is_array()) return space;
  if (space.is_object() && space.contains("params") && space["params"].is_array() && space.size() == 1) return space["params"];
  return InvalidArgument(where + " must be {\"params\": [...]} or a list of parameters");
}

// Refuses what a study cannot tune although tuning accepts it: an empty range (low >= high).
Status CheckRanges(const Json& params, const std::string& where) {
  for (size_t i = 0; i < params.size(); ++i) {
    const Json& p = params[i];
    if (!p.is_object()) return InvalidArgument(where + "[" + std::to_string(i) + "] must be an object");
    std::string type = p.value("type", "");
    if (type != "float" && type != "int") continue;
    if (p.contains("low") && p.contains("high") && p["low"].is_number() && p["high"].is_number() &&
        p["low"].get<double>() >= p["high"].get<double>())
      return InvalidArgument(where + "[" + std::to_string(i) + "] (" + p.value("name", "") + "): empty range: low must be below high (" +
                             p["low"].dump() + " >= " + p["high"].dump() + ")");
  }
  return Status::Ok();
}

Result<Json> Object(const Json& body, const char* key, Json def) {
  if (!body.contains(key) || body[key].is_null()) return def;
  const Json& v = body[key];
  if (v.is_string()) return Json{{"type", v.get<std::string>()}};
  if (!v.is_object()) return InvalidArgument(std::string("field '") + key + "' must be an object {\"type\": ...} or a type name");
  if (!v.contains("type")) return InvalidArgument(std::string("field '") + key + "' needs a type");
  return v;
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

Result<Json> NormalizeStudySpec(const Json& body, uint64_t default_seed) {
  if (!body.is_object()) return InvalidArgument("a study spec must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!kTopFields.count(it.key())) return InvalidArgument("unknown field '" + it.key() + "' in the study spec");
  Json out = Json::object();
  ASSIGN_OR_RETURN(std::string name, ReqString(body, "name"));
  if (name.empty() || name.size() > 128) return InvalidArgument("name must be 1 to 128 characters");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20) return InvalidArgument("name must not contain control characters");
  out["name"] = name;
  if (!body.contains("experiment") || !(body["experiment"].is_string() || body["experiment"].is_number_integer()))
    return InvalidArgument("missing field 'experiment': the name or id of the experiment the trials' runs go to");
  out["experiment"] = body["experiment"].is_string() ? body["experiment"].get<std::string>() : std::to_string(body["experiment"].get<int64_t>());

  // objective
  if (!body.contains("objective") || !body["objective"].is_object())
    return InvalidArgument("missing field 'objective': {\"metric\": NAME, \"goal\": \"minimize\" | \"maximize\"}");
  const Json& obj = body["objective"];
  ASSIGN_OR_RETURN(auto metric, OptString(obj, "metric"));
  if (!metric || metric->empty()) return InvalidArgument("objective.metric is required: the name of the metric each trial logs");
  if (metric->size() > 250) return InvalidArgument("objective.metric must be at most 250 characters");
  ASSIGN_OR_RETURN(auto goal, OptString(obj, "goal"));
  std::string g = goal.value_or("minimize");
  if (g != "minimize" && g != "maximize") return InvalidArgument("objective.goal must be 'minimize' or 'maximize', got '" + g + "'");
  out["objective"] = {{"metric", *metric}, {"goal", g}};

  // trial template
  Json trial = body.contains("trial") && !body["trial"].is_null() ? body["trial"] : Json::object();
  if (!trial.is_object()) return InvalidArgument("field 'trial' must be an object {command, env, resources, timeout_s, max_attempts, data}");
  for (auto it = trial.begin(); it != trial.end(); ++it)
    if (it.key() != "command" && it.key() != "env" && it.key() != "resources" && it.key() != "timeout_s" && it.key() != "max_attempts" &&
        it.key() != "data")
      return InvalidArgument("unknown field 'trial." + it.key() + "'");
  Json tout = Json::object();
  if (trial.contains("command")) {
    RETURN_IF_ERROR(CheckCommand(trial["command"], "trial.command"));
    tout["command"] = trial["command"];
  }
  tout["env"] = Json::object();
  if (trial.contains("env")) {
    RETURN_IF_ERROR(CheckEnv(trial["env"], "trial.env"));
    tout["env"] = trial["env"];
  }
  Json res = {{"cpus", 1.0}, {"memory_mb", 512}, {"gpus", 0}};
  if (trial.contains("resources")) {
    const Json& r = trial["resources"];
    if (!r.is_object()) return InvalidArgument("trial.resources must be an object {cpus, memory_mb, gpus}");
    ASSIGN_OR_RETURN(auto cpus, OptDouble(r, "cpus"));
    ASSIGN_OR_RETURN(auto mem, OptInt(r, "memory_mb"));
    ASSIGN_OR_RETURN(auto gpus, OptInt(r, "gpus"));
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
  ASSIGN_OR_RETURN(auto ttimeout, OptInt(trial, "timeout_s"));
  if (ttimeout && (*ttimeout < 0 || *ttimeout > 30LL * 86400)) return InvalidArgument("trial.timeout_s must be between 0 (none) and 30 days");
  tout["timeout_s"] = ttimeout.value_or(0);
  ASSIGN_OR_RETURN(auto attempts, OptInt(trial, "max_attempts"));
  if (attempts && (*attempts < 1 || *attempts > 100)) return InvalidArgument("trial.max_attempts must be between 1 and 100");
  tout["max_attempts"] = attempts.value_or(3);
  // trial.data: the shape here; that the versions exist is StudyDriver::Create's check.
  std::string default_data;
  if (trial.contains("data")) {
    const Json& d = trial["data"];
    if (!d.is_array() || d.size() > 32) return InvalidArgument("trial.data must be a list of at most 32 {dataset, version, path}");
    for (const Json& e : d) {
      if (!e.is_object() || !e.contains("dataset") || !e["dataset"].is_string() || !e.contains("version") || !e["version"].is_number_integer())
        return InvalidArgument("trial.data entries must be {\"dataset\": NAME, \"version\": N, \"path\": \"data/NAME\"}");
    }
    tout["data"] = d;
    if (!d.empty()) default_data = d[0].contains("path") && d[0]["path"].is_string() ? d[0]["path"].get<std::string>()
                                                                                     : "data/" + d[0]["dataset"].get<std::string>();
  }

  // space, or algorithms (AutoML)
  Json params = Json::array();
  if (body.contains("algorithms")) {
    if (body.contains("space")) return InvalidArgument("give either 'space' or 'algorithms' (AutoML), not both");
    const Json& algos = body["algorithms"];
    if (!algos.is_array() || algos.empty()) return InvalidArgument("algorithms must be a non-empty list of {name, space, command, env}");
    Json names = Json::array();
    Json aout = Json::array();
    std::set<std::string> seen;
    for (size_t i = 0; i < algos.size(); ++i) {
      const Json& a = algos[i];
      std::string where = "algorithms[" + std::to_string(i) + "]";
      if (!a.is_object()) return InvalidArgument(where + " must be an object {name, space, command, env}");
      for (auto it = a.begin(); it != a.end(); ++it)
        if (it.key() != "name" && it.key() != "space" && it.key() != "command" && it.key() != "env" && it.key() != "trainer" &&
            it.key() != "args")
          return InvalidArgument("unknown field '" + where + "." + it.key() + "'");
      ASSIGN_OR_RETURN(std::string an, ReqString(a, "name"));
      if (!ValidAlgorithmName(an)) return InvalidArgument(where + ".name must be 1 to 64 letters, digits, '_' or '-'");
      if (!seen.insert(an).second) return InvalidArgument(where + ": algorithm '" + an + "' is listed twice");
      const bool builtin = a.contains("trainer");
      if (builtin && (!a["trainer"].is_string() || a.contains("command")))
        return InvalidArgument(where + ": give either a trainer (a built-in trainer's name) or a command, not both");
      if (!builtin && a.contains("args")) return InvalidArgument(where + ".args belongs to a built-in trainer; add \"trainer\"");
      if (!builtin && !a.contains("command") && !tout.contains("command"))
        return InvalidArgument("unknown algorithm '" + an + "': give it a command, or name a built-in trainer (\"trainer\": \"xgboost\", ...)");
      Json algo{{"name", an}, {"env", Json::object()}};
      if (builtin) {
        algo["trainer"] = a["trainer"];
      } else if (a.contains("command")) {
        RETURN_IF_ERROR(CheckCommand(a["command"], where + ".command"));
        algo["command"] = a["command"];
      } else {
        algo["command"] = tout["command"];
      }
      if (a.contains("env")) {
        RETURN_IF_ERROR(CheckEnv(a["env"], where + ".env"));
        algo["env"] = a["env"];
      }
      Json aparams = Json::array();
      if (a.contains("space")) {
        ASSIGN_OR_RETURN(aparams, ParamsArray(a["space"], where + ".space"));
        RETURN_IF_ERROR(CheckRanges(aparams, where + ".space"));
      }
      if (builtin) {
        std::string trainer = a["trainer"].get<std::string>();
        if (!a.contains("space"))
          for (const auto& t : BuiltinTrainers())
            if (t.name == trainer) aparams = t.space;
        ASSIGN_OR_RETURN(algo["args"], NormalizeTrainerArgs(trainer, a.value("args", Json::object()), aparams, default_data,
                                                            res["cpus"].get<double>(), where));
      }
      for (Json p : aparams) {
        if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) return InvalidArgument(where + ".space: every parameter needs a name");
        if (p.contains("condition")) {
          Json c = p["condition"];
          if (c.is_object() && c.contains("parent") && c["parent"].is_string()) c["parent"] = an + "." + c["parent"].get<std::string>();
          p["condition"] = c;
        } else {
          p["condition"] = {{"parent", kAlgorithmParam}, {"values", Json::array({an})}};
        }
        p["name"] = an + "." + p["name"].get<std::string>();
        params.push_back(p);
      }
      names.push_back(an);
      aout.push_back(algo);
    }
    params.insert(params.begin(), Json{{"name", kAlgorithmParam}, {"type", "categorical"}, {"choices", names}});
    out["algorithms"] = aout;
  } else {
    if (!body.contains("space")) return InvalidArgument("missing field 'space': {\"params\": [...]} (or 'algorithms' for AutoML)");
    ASSIGN_OR_RETURN(params, ParamsArray(body["space"], "space"));
    if (params.empty()) return InvalidArgument("space has no parameters");
    RETURN_IF_ERROR(CheckRanges(params, "space.params"));
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
  ASSIGN_OR_RETURN(Json sampler, Object(body, "sampler", default_sampler));
  if (!sampler.contains("seed") && sampler.value("type", "") != "grid") sampler["seed"] = default_seed;
  auto s = tuning::SamplerFromJson(sampler);
  if (!s.ok()) return InvalidArgument("sampler: " + s.status().message());
  if (sampler["type"] == "cmaes" || sampler["type"] == "tpe_cmaes") {
    bool numeric = false;
    for (const auto& p : parsed->params())
      if (p.kind != tuning::ParamKind::kCategorical && p.parent.empty()) numeric = true;
    if (!numeric)
      return InvalidArgument("sampler: " + sampler["type"].get<std::string>() +
                             " needs at least one unconditional numeric parameter; this space is categorical (use tpe or random)");
  }
  out["sampler"] = sampler;
  ASSIGN_OR_RETURN(Json pruner, Object(body, "pruner", Json{{"type", "none"}}));
  auto pr = tuning::PrunerFromJson(pruner);
  if (!pr.ok()) return InvalidArgument("pruner: " + pr.status().message());
  out["pruner"] = pruner;

  ASSIGN_OR_RETURN(auto n_trials, OptInt(body, "n_trials"));
  if (n_trials && (*n_trials < 1 || *n_trials > kMaxTrials)) return InvalidArgument("n_trials must be between 1 and " + std::to_string(kMaxTrials));
  out["n_trials"] = n_trials.value_or(10);
  ASSIGN_OR_RETURN(auto par, OptInt(body, "parallelism"));
  if (par && (*par < 1 || *par > kMaxParallelism)) return InvalidArgument("parallelism must be between 1 and " + std::to_string(kMaxParallelism));
  out["parallelism"] = par.value_or(1);
  ASSIGN_OR_RETURN(auto timeout, OptInt(body, "timeout_s"));
  if (timeout && (*timeout < 0 || *timeout > 365LL * 86400)) return InvalidArgument("timeout_s must be between 0 (none) and 365 days");
  out["timeout_s"] = timeout.value_or(0);
  ASSIGN_OR_RETURN(auto warm, OptInt(body, "warm_start_from"));
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
