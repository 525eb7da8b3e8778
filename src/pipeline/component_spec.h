// Component definitions (EXP-3): validation and normalization, the content hash, typed
// parameters, and the command template.
//
// A component (JSON):
//   {"name": "prep", "kind": "preprocess" | "train" | "evaluate" | "custom", "description": "",
//    "command": ["python3", "prep.py", "--rows", "{rows}", "{inputs.raw}", "{outputs.table}"],
//    "parameters": [{"name": "rows", "type": "int" | "float" | "string" | "bool", "default": 10}],
//    "inputs":  [{"name": "raw", "type": "file" | "dir", "optional": false}],
//    "outputs": [{"name": "table", "type": "file" | "dir"}],
//    "resources": {"cpus": 1, "memory_mb": 512, "gpus": 0}, "environment": "", "env": {"K": "V"},
//    "timeout_s": 0, "max_attempts": 1}
// A parameter without "default" is required. Inputs are materialized at `inputs/<name>` in the
// job's working directory and outputs are collected from `outputs/<name>`, so `{inputs.x}` and
// `{outputs.x}` expand to those relative paths.
//
// Template syntax: `{name}`, `{inputs.name}` and `{outputs.name}` are placeholders (names are
// identifiers); `{{` and `}}` are literal braces; any other brace is literal text, so Python
// dict literals pass through, but `{word}` always is a placeholder and must be known.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::pipeline {

// Names of components and pipelines: 1-64 of [A-Za-z0-9_.-], starting with a letter or digit.
bool IsValidObjectName(std::string_view s);
// Names of parameters, inputs, outputs and steps: identifiers [A-Za-z_][A-Za-z0-9_]*, at most 64.
bool IsIdentifier(std::string_view s);

// The validated definition with every optional field filled in; kInvalidArgument naming the
// problem (unknown placeholder, duplicate names, bad types, ...).
Result<Json> NormalizeComponent(const Json& in);

// sha256 (hex) of the canonical JSON of a normalized definition (keys sorted by nlohmann).
std::string DefinitionHash(const Json& normalized);

// A value of a parameter type: int (whole numbers), float (any number), string, bool.
// kInvalidArgument "<what> must be ..." otherwise. An int given for float becomes a float.
Result<Json> CoerceValue(const std::string& type, const Json& value, const std::string& what);
bool IsParamType(std::string_view type);

// One template argument split into literal text and placeholders.
struct TemplatePart {
  bool placeholder = false;
  std::string text;  // literal text, or the placeholder's name ("rows", "inputs.raw")
};
std::vector<TemplatePart> ParseTemplate(std::string_view arg);

// The command line with parameters (as text: ints plainly, floats shortest round-trip, bools
// true/false) and input/output paths substituted. `params` holds every parameter's value.
Result<std::vector<std::string>> ExpandCommand(const Json& component, const Json& params);

// Text of a parameter value as placed in a command line.
std::string ParamText(const Json& value);

}  // namespace moebius::pipeline
