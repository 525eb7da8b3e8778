// Pipeline definitions (EXP-3): a DAG of steps, each a component with parameter bindings and
// input wiring. Validation, normalization and the per-run resolution of parameters.
//
// A pipeline (JSON):
//   {"name": "churn", "description": "",
//    "parameters": [{"name": "depth", "type": "int", "default": 3}],
//    "steps": [
//      {"name": "prep", "component": "prep" | "prep@2" | "prep@latest", "params": {"rows": 100}},
//      {"name": "train", "component": "train", "params": {"depth": "{{pipeline.params.depth}}"},
//       "inputs": {"table": "prep.outputs.table"}, "after": [], "cache": true}]}
// A binding is a constant of the parameter's type or a string with `{{pipeline.params.x}}`: the
// whole string takes the pipeline parameter's typed value, a reference inside a longer string is
// replaced by its text (string parameters only). Inputs are wired from an earlier step's output
// ("step.outputs.name" or {"step": "s", "output": "o"}) or from a data version of the project
// ({"dataset": NAME, "version": N}), which must exist and may only feed a "dir" input: the step's
// job gets it in payload.data with path inputs/<input>, where the worker materializes it.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "pipeline/pipeline_types.h"

namespace moebius::pipeline {

// Finds a saved component: `version` nullopt means the latest. kNotFound when absent.
using ComponentLookup = std::function<Result<Definition>(const std::string& name, std::optional<int64_t> version)>;
// Finds a data version of the pipeline's project: {"dataset_id", "version_id", "number"} (plus
// whatever else identifies its content). kNotFound (or kInvalidArgument for a bad name) when the
// dataset or the version is absent.
using DataVersionLookup = std::function<Result<Json>(const std::string& dataset, int64_t number)>;

// At most this many data version inputs per step (payload.data's limit).
inline constexpr int kMaxStepDataInputs = 32;

// The validated definition: steps in topological order, each with "component", "version" (null:
// latest), "params", "inputs" ({name: {"step", "output"}}), "after" (all its dependencies) and
// "cache"; an input wired from a data version is {"dataset": NAME, "version": N}.
// kInvalidArgument naming the problem (cycle, unknown step/output/component/parameter, unknown
// dataset or version, unbound required input or parameter, type mismatch); kNotFound is turned
// into kInvalidArgument. Without `data` (null), data version inputs are refused.
Result<Json> NormalizePipeline(const Json& in, const ComponentLookup& lookup, const DataVersionLookup& data = nullptr);

// Checks that a data version input exists: the lookup's answer, or kInvalidArgument naming the
// step and the input when the dataset or version is absent.
Result<Json> CheckDataVersion(const DataVersionLookup& data, const std::string& step, const std::string& input,
                              const std::string& dataset, int64_t number);

// The run's pipeline parameters: `given` checked against the declared ones (unknown names and
// bad types refused), defaults filled in, required ones without a value refused.
Result<Json> ResolvePipelineParams(const Json& pipeline, const Json& given);

// A step's component parameters for one run: bindings with pipeline parameters substituted,
// coerced to the component's types, defaults filled in.
Result<Json> ResolveStepParams(const Json& step, const Json& component, const Json& pipeline_params);

// The cache key of a step: sha256 over the component definition hash, the resolved parameters,
// the content hash of each input (for a data version input, its dataset id and version number),
// and the environment and code references.
std::string CacheKey(const std::string& component_hash, const Json& params, const Json& input_hashes,
                     const std::string& environment, const std::string& code);

}  // namespace moebius::pipeline
