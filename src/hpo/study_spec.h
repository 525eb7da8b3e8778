// The spec of a study: what a POST /api/v1/projects/{p}/studies body (or `moebius study create
// --file`) says, validated and normalized, and how it becomes a tuning::Study and trial jobs.
//
// Body fields (docs/api.md has the full list):
//   name, experiment (name or id; resolved by the driver), objective {metric, goal},
//   space {"params": [...]} (tuning::SearchSpace::FromJson) | algorithms [{name, space, command, env}],
//   sampler {"type": grid|random|tpe|cmaes|tpe_cmaes, ...} (default tpe), pruner {"type": none|median|
//   successive_halving, ...} (default none), n_trials (default 10), parallelism (default 1),
//   timeout_s (0 = none), trial {command, env, resources, timeout_s, max_attempts},
//   warm_start_from (a study id of the same project).
//
// AutoML (`algorithms`): the space becomes one categorical `algorithm` over the algorithms'
// names, and each algorithm's parameters, named "<algorithm>.<param>", conditional on it. A
// trial's job runs the chosen algorithm's command with its own parameters under their short names.
//
// Every check is here except those that need the stores (the experiment and the warm-start
// study exist in the project), which the driver makes; all errors are kInvalidArgument.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "tuning/pruner.h"
#include "tuning/sampler.h"
#include "tuning/space.h"
#include "tuning/study.h"

namespace moebius::hpo {

// The normalized spec (stored as the study's `spec`): every field present, defaults filled,
// sampler seed fixed, space expanded for AutoML.
Result<Json> NormalizeStudySpec(const Json& body, uint64_t default_seed);

// The tuning objects of a normalized spec.
Result<tuning::SearchSpace> SpaceOf(const Json& spec);
tuning::Direction DirectionOf(const Json& spec);
Result<std::unique_ptr<tuning::Study>> NewStudyOf(const Json& spec);

// What one trial runs, from the spec and the trial's parameters (external form).
struct TrialLaunch {
  Json params = Json::object();      // as the job sees them (AutoML: short names plus `algorithm`)
  std::vector<std::string> command;  // with {name} substituted
  Json env = Json::object();         // the template's env plus MOEBIUS_PARAM_<NAME> and MOEBIUS_PARAMS_JSON
};
TrialLaunch LaunchOf(const Json& spec, const Json& params);

// MOEBIUS_PARAM_<NAME>: the name upper-cased, characters other than letters and digits as '_'.
std::string ParamEnvName(const std::string& name);
// A parameter value as text: strings as they are, numbers in JSON form, booleans true/false.
std::string ParamText(const Json& v);

}  // namespace moebius::hpo
