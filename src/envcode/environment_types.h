// Environments (PRJ-6): named development and inference environments of a project — resources,
// a container image reference, variables (some secret), parameters and reference paths — that
// jobs run with. Every edit is a new revision; jobs pin the revision they were submitted with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::envcode {

struct EnvVariable {
  std::string name;   // [A-Za-z_][A-Za-z0-9_]*, not MOEBIUS_* or MLFLOW_* (the worker's own)
  std::string value;  // shown only to the job that runs with it when `secret`
  bool secret = false;
};

// A path the job is told about (MOEBIUS_REF_<NAME>); declared read-only, not enforced on the host.
struct Reference {
  std::string name;  // [A-Za-z_][A-Za-z0-9_]*
  std::string path;  // absolute
};

struct EnvironmentSpec {
  std::string kind = "development";  // development | inference
  std::string description;
  std::string image;                 // container image reference, recorded (see isolation)
  std::string isolation = "none";    // none (runs on the worker's host) | container (refused: not supported yet)
  double cpus = 1;
  int64_t memory_mb = 512;
  int64_t gpus = 0;
  std::vector<EnvVariable> variables;
  Json parameters = Json::object();  // defaults a job or trainer reads (MOEBIUS_ENV_PARAMS)
  std::vector<Reference> references;
};

struct Environment {
  int64_t project_id = 0;
  std::string name;
  int64_t revision = 0;  // this spec's revision
  int64_t latest_revision = 0;
  EnvironmentSpec spec;
  std::string message;   // what the revision changed
  int64_t created_at = 0;  // of the environment
  std::string created_by;
  int64_t revised_at = 0;  // of this revision
  std::string revised_by;
};

struct RevisionInfo {
  int64_t revision = 0;
  std::string message;
  int64_t created_at = 0;
  std::string created_by;
};

// Parses and validates a spec from its JSON form ({kind, description, image, isolation,
// resources: {cpus, memory_mb, gpus}, variables: [{name, value, secret}], parameters: {...},
// references: [{name, path}]}). A secret variable may come without a value (null or absent):
// `previous` (the current revision, when editing) supplies it; with no previous value that is
// kInvalidArgument. Isolation "container" is kInvalidArgument "not supported yet".
Result<EnvironmentSpec> ParseEnvironmentSpec(const Json& j, const EnvironmentSpec* previous);
// The spec as stored (secret values included).
Json SpecToStoredJson(const EnvironmentSpec& s);
// The spec for output: secret values masked ("value": null, "secret": true).
Json SpecToPublicJson(const EnvironmentSpec& s);
Status ValidateEnvironmentName(const std::string& name);

// What a job running with `env` gets in its process environment, in order (later entries win):
// MOEBIUS_ENVIRONMENT, MOEBIUS_ENVIRONMENT_REVISION, MOEBIUS_ENVIRONMENT_KIND, MOEBIUS_ENV_PARAMS
// (parameters as JSON), MOEBIUS_REFERENCES (JSON {name: path}), MOEBIUS_REF_<NAME> per reference,
// then the variables (secret ones included).
std::vector<std::pair<std::string, std::string>> JobEnvironmentVariables(const Environment& env);

}  // namespace moebius::envcode
