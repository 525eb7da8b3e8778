#include "pipeline/pipeline_spec.h"

#include <map>
#include <set>

#include "base/crypto.h"
#include "pipeline/component_spec.h"
#include "pipeline/dag.h"

namespace moebius::pipeline {
namespace {

constexpr char kRefPrefix[] = "{{pipeline.params.";

// Pipeline parameter references in a binding string, in order.
std::vector<std::string> ParamRefs(const std::string& s) {
  std::vector<std::string> refs;
  size_t at = 0;
  while ((at = s.find(kRefPrefix, at)) != std::string::npos) {
    size_t start = at + sizeof(kRefPrefix) - 1;
    size_t end = s.find("}}", start);
    if (end == std::string::npos) break;
    refs.push_back(s.substr(start, end - start));
    at = end + 2;
  }
  return refs;
}

bool IsWholeRef(const std::string& s, std::string* name) {
  auto refs = ParamRefs(s);
  if (refs.size() != 1) return false;
  if (s != kRefPrefix + refs[0] + "}}") return false;
  *name = refs[0];
  return true;
}

const Json* FindNamed(const Json& list, const std::string& name) {
  for (const Json& e : list)
    if (e["name"] == name) return &e;
  return nullptr;
}

Result<std::pair<std::string, std::optional<int64_t>>> ParseComponentRef(const std::string& ref, const std::string& step) {
  std::string name = ref;
  std::optional<int64_t> version;
  if (auto at = ref.find('@'); at != std::string::npos) {
    name = ref.substr(0, at);
    std::string v = ref.substr(at + 1);
    if (v != "latest") {
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1) return InvalidArgument("step '" + step + "': component '" + ref.substr(0, 80) + "' must be NAME, NAME@VERSION or NAME@latest");
      version = n;
    }
  }
  if (!IsValidObjectName(name)) return InvalidArgument("step '" + step + "': component '" + ref.substr(0, 80) + "' is not a component name");
  return std::make_pair(name, version);
}

}  // namespace

Result<Json> CheckDataVersion(const DataVersionLookup& data, const std::string& step, const std::string& input,
                              const std::string& dataset, int64_t number) {
  std::string what = "step '" + step + "': input '" + input + "'";
  if (!data) return InvalidArgument(what + ": data version inputs cannot be checked here");
  auto found = data(dataset, number);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound || found.status().code() == StatusCode::kInvalidArgument)
      return InvalidArgument(what + ": data version " + dataset.substr(0, 64) + "@v" + std::to_string(number) +
                             " does not exist in the project (" + found.status().message() + ")");
    return found.status();
  }
  return *found;
}

Result<Json> NormalizePipeline(const Json& in, const ComponentLookup& lookup, const DataVersionLookup& data) {
  if (!in.is_object()) return InvalidArgument("a pipeline definition must be a JSON object");
  for (auto it = in.begin(); it != in.end(); ++it)
    if (it.key() != "name" && it.key() != "description" && it.key() != "parameters" && it.key() != "steps")
      return InvalidArgument("pipeline: unknown field '" + it.key().substr(0, 64) + "' (known: name, description, parameters, steps)");
  Json out = Json::object();
  ASSIGN_OR_RETURN(std::string name, ReqString(in, "name"));
  if (!IsValidObjectName(name)) return InvalidArgument("pipeline name '" + name.substr(0, 64) + "' must be 1-64 of [A-Za-z0-9_.-], starting with a letter or digit");
  out["name"] = name;
  ASSIGN_OR_RETURN(auto desc, OptString(in, "description"));
  out["description"] = desc.value_or("");

  // Pipeline parameters: declared like component parameters.
  Json params = in.value("parameters", Json::array());
  if (!params.is_array()) return InvalidArgument("parameters must be a list of {name, type, default}");
  Json nparams = Json::array();
  std::set<std::string> pnames;
  for (const Json& p : params) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !IsIdentifier(p["name"].get<std::string>()))
      return InvalidArgument("pipeline parameters need a \"name\" that is an identifier");
    std::string pn = p["name"].get<std::string>();
    if (!pnames.insert(pn).second) return InvalidArgument("pipeline parameters: duplicate name '" + pn + "'");
    std::string type = p.contains("type") && p["type"].is_string() ? p["type"].get<std::string>() : "";
    if (!IsParamType(type)) return InvalidArgument("pipeline parameter '" + pn + "': type must be one of int, float, string, bool");
    Json np{{"name", pn}, {"type", type}};
    if (p.contains("default")) {
      ASSIGN_OR_RETURN(Json d, CoerceValue(type, p["default"], "pipeline parameter '" + pn + "' default"));
      np["default"] = d;
    }
    nparams.push_back(np);
  }
  out["parameters"] = nparams;

  if (!in.contains("steps") || !in["steps"].is_array() || in["steps"].empty())
    return InvalidArgument("pipeline needs \"steps\": a non-empty list of {name, component, params, inputs}");
  if (in["steps"].size() > 500) return InvalidArgument("a pipeline has at most 500 steps");
  // First pass: names and components, so that wiring can refer to any step.
  std::map<std::string, Json> steps;           // normalized, by name
  std::map<std::string, Definition> comps;     // resolved component of each step
  std::vector<std::string> order_in;
  for (const Json& s : in["steps"]) {
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string())
      return InvalidArgument("every step needs a \"name\"");
    std::string sn = s["name"].get<std::string>();
    if (!IsIdentifier(sn)) return InvalidArgument("step name '" + sn.substr(0, 64) + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 64)");
    if (steps.count(sn)) return InvalidArgument("duplicate step name '" + sn + "'");
    for (auto it = s.begin(); it != s.end(); ++it)
      if (it.key() != "name" && it.key() != "component" && it.key() != "params" && it.key() != "inputs" && it.key() != "after" &&
          it.key() != "cache")
        return InvalidArgument("step '" + sn + "': unknown field '" + it.key().substr(0, 64) + "' (known: name, component, params, inputs, after, cache)");
    if (!s.contains("component") || !s["component"].is_string()) return InvalidArgument("step '" + sn + "' needs \"component\": NAME or NAME@VERSION");
    ASSIGN_OR_RETURN(auto ref, ParseComponentRef(s["component"].get<std::string>(), sn));
    auto comp = lookup(ref.first, ref.second);
    if (!comp.ok()) {
      if (comp.status().code() == StatusCode::kNotFound)
        return InvalidArgument("step '" + sn + "': unknown component '" + s["component"].get<std::string>() + "'");
      return comp.status();
    }
    comps[sn] = *comp;
    if (s.contains("cache") && !s["cache"].is_boolean()) return InvalidArgument("step '" + sn + "': cache must be true or false");
    Json ns{{"name", sn}, {"component", ref.first}, {"version", ref.second ? Json(*ref.second) : Json(nullptr)},
            {"cache", s.value("cache", true)}};
    steps[sn] = ns;
    order_in.push_back(sn);
  }
  // Second pass: parameters, inputs and dependencies.
  std::vector<std::vector<std::string>> deps;
  for (const Json& s : in["steps"]) {
    std::string sn = s["name"].get<std::string>();
    Json& ns = steps[sn];
    const Json& comp = comps[sn].definition;
    std::set<std::string> dep_set;
    // parameters
    Json bindings = s.value("params", Json::object());
    if (!bindings.is_object()) return InvalidArgument("step '" + sn + "': params must be an object");
    for (auto it = bindings.begin(); it != bindings.end(); ++it) {
      const Json* cp = FindNamed(comp["parameters"], it.key());
      std::string what = "step '" + sn + "': parameter '" + it.key().substr(0, 64) + "'";
      if (!cp) return InvalidArgument(what + " is not a parameter of component '" + comp["name"].get<std::string>() + "'");
      std::string type = (*cp)["type"];
      std::string ref;
      if (it->is_string() && IsWholeRef(it->get<std::string>(), &ref)) {
        const Json* pp = FindNamed(nparams, ref);
        if (!pp) return InvalidArgument(what + ": unknown pipeline parameter '" + ref.substr(0, 64) + "'");
        std::string ptype = (*pp)["type"];
        if (ptype != type && !(ptype == "int" && type == "float") && type != "string")
          return InvalidArgument(what + " is " + type + " but pipeline parameter '" + ref + "' is " + ptype);
      } else if (it->is_string() && !ParamRefs(it->get<std::string>()).empty()) {
        if (type != "string") return InvalidArgument(what + " is " + type + ": only a whole {{pipeline.params.x}} may be bound to it");
        for (const auto& r : ParamRefs(it->get<std::string>()))
          if (!FindNamed(nparams, r)) return InvalidArgument(what + ": unknown pipeline parameter '" + r.substr(0, 64) + "'");
      } else {
        RETURN_IF_ERROR(CoerceValue(type, *it, what).status());
      }
    }
    for (const Json& cp : comp["parameters"])
      if (!cp.contains("default") && !bindings.contains(cp["name"].get<std::string>()))
        return InvalidArgument("step '" + sn + "': required parameter '" + cp["name"].get<std::string>() + "' of component '" +
                               comp["name"].get<std::string>() + "' is not bound");
    ns["params"] = bindings;
    // inputs
    Json wiring = s.value("inputs", Json::object());
    if (!wiring.is_object()) return InvalidArgument("step '" + sn + "': inputs must be an object {input: \"step.outputs.name\"}");
    Json ninputs = Json::object();
    int data_inputs = 0;
    for (auto it = wiring.begin(); it != wiring.end(); ++it) {
      std::string what = "step '" + sn + "': input '" + it.key().substr(0, 64) + "'";
      const Json* ci = FindNamed(comp["inputs"], it.key());
      if (!ci) return InvalidArgument(what + " is not an input of component '" + comp["name"].get<std::string>() + "'");
      std::string from, output;
      if (it->is_string()) {
        std::string v = it->get<std::string>();
        auto dot = v.find(".outputs.");
        if (dot == std::string::npos) return InvalidArgument(what + ": '" + v.substr(0, 80) + "' must be STEP.outputs.NAME");
        from = v.substr(0, dot);
        output = v.substr(dot + 9);
      } else if (it->is_object() && it->contains("dataset")) {
        for (auto f = it->begin(); f != it->end(); ++f)
          if (f.key() != "dataset" && f.key() != "version")
            return InvalidArgument(what + ": unknown field '" + f.key().substr(0, 64) + "' in a data version input (known: dataset, version)");
        if (!(*it)["dataset"].is_string() || (*it)["dataset"].get<std::string>().empty())
          return InvalidArgument(what + ": dataset must be a dataset name of the project");
        if (!it->contains("version") || !(*it)["version"].is_number_integer() || (*it)["version"].get<int64_t>() < 1)
          return InvalidArgument(what + ": version must be a positive integer (the data version's number)");
        if ((*ci)["type"] != "dir")
          return InvalidArgument(what + " is a file but a data version is a folder; declare the component's input with \"type\": \"dir\"");
        if (++data_inputs > kMaxStepDataInputs)
          return InvalidArgument("step '" + sn + "': at most " + std::to_string(kMaxStepDataInputs) + " inputs may be data versions");
        std::string dataset = (*it)["dataset"];
        int64_t number = (*it)["version"];
        RETURN_IF_ERROR(CheckDataVersion(data, sn, it.key(), dataset, number).status());
        ninputs[it.key()] = {{"dataset", dataset}, {"version", number}};
        continue;
      } else if (it->is_object() && it->contains("step") && it->contains("output") && (*it)["step"].is_string() && (*it)["output"].is_string()) {
        from = (*it)["step"];
        output = (*it)["output"];
      } else {
        return InvalidArgument(what + " must be \"STEP.outputs.NAME\" or {\"step\": ..., \"output\": ...}");
      }
      if (!steps.count(from)) return InvalidArgument(what + ": unknown step '" + from.substr(0, 64) + "'");
      if (from == sn) return InvalidArgument("the steps form a cycle: " + sn + " -> " + sn);
      const Json* co = FindNamed(comps[from].definition["outputs"], output);
      if (!co) return InvalidArgument(what + ": step '" + from + "' (component '" + comps[from].name + "') has no output '" + output.substr(0, 64) + "'");
      if ((*co)["type"] != (*ci)["type"])
        return InvalidArgument(what + " is a " + (*ci)["type"].get<std::string>() + " but " + from + ".outputs." + output + " is a " +
                               (*co)["type"].get<std::string>());
      ninputs[it.key()] = {{"step", from}, {"output", output}};
      dep_set.insert(from);
    }
    for (const Json& ci : comp["inputs"])
      if (!ci["optional"].get<bool>() && !ninputs.contains(ci["name"].get<std::string>()))
        return InvalidArgument("step '" + sn + "': required input '" + ci["name"].get<std::string>() + "' of component '" +
                               comp["name"].get<std::string>() + "' is not wired");
    ns["inputs"] = ninputs;
    Json after = s.value("after", Json::array());
    if (!after.is_array()) return InvalidArgument("step '" + sn + "': after must be a list of step names");
    for (const Json& a : after) {
      if (!a.is_string() || !steps.count(a.get<std::string>()))
        return InvalidArgument("step '" + sn + "': after names unknown step " + a.dump().substr(0, 64));
      dep_set.insert(a.get<std::string>());
    }
    ns["after"] = Json(std::vector<std::string>(dep_set.begin(), dep_set.end()));
    deps.emplace_back(dep_set.begin(), dep_set.end());
  }
  ASSIGN_OR_RETURN(auto order, TopologicalOrder(order_in, deps));
  Json nsteps = Json::array();
  for (const auto& sn : order) nsteps.push_back(steps[sn]);
  out["steps"] = nsteps;
  return out;
}

Result<Json> ResolvePipelineParams(const Json& pipeline, const Json& given) {
  if (!given.is_object()) return InvalidArgument("parameters must be an object {name: value}");
  Json out = Json::object();
  for (auto it = given.begin(); it != given.end(); ++it)
    if (!FindNamed(pipeline["parameters"], it.key()))
      return InvalidArgument("unknown pipeline parameter '" + it.key().substr(0, 64) + "'");
  for (const Json& p : pipeline["parameters"]) {
    std::string pn = p["name"];
    if (given.contains(pn)) {
      ASSIGN_OR_RETURN(out[pn], CoerceValue(p["type"], given[pn], "pipeline parameter '" + pn + "'"));
    } else if (p.contains("default")) {
      out[pn] = p["default"];
    } else {
      return InvalidArgument("pipeline parameter '" + pn + "' is required");
    }
  }
  return out;
}

Result<Json> ResolveStepParams(const Json& step, const Json& component, const Json& pipeline_params) {
  Json out = Json::object();
  const Json& bindings = step["params"];
  for (const Json& cp : component["parameters"]) {
    std::string pn = cp["name"];
    std::string what = "step '" + step["name"].get<std::string>() + "': parameter '" + pn + "'";
    if (!bindings.contains(pn)) {
      if (!cp.contains("default")) return InvalidArgument(what + " is required and not bound");
      out[pn] = cp["default"];
      continue;
    }
    Json v = bindings[pn];
    std::string ref;
    if (v.is_string() && IsWholeRef(v.get<std::string>(), &ref)) {
      if (!pipeline_params.contains(ref)) return InvalidArgument(what + ": unknown pipeline parameter '" + ref + "'");
      v = pipeline_params[ref];
      if (cp["type"] == "string" && !v.is_string()) v = ParamText(v);
    } else if (v.is_string()) {
      std::string s = v.get<std::string>();
      for (const auto& r : ParamRefs(s)) {
        if (!pipeline_params.contains(r)) return InvalidArgument(what + ": unknown pipeline parameter '" + r + "'");
        std::string token = kRefPrefix + r + "}}";
        for (size_t at; (at = s.find(token)) != std::string::npos;) s.replace(at, token.size(), ParamText(pipeline_params[r]));
      }
      v = s;
    }
    ASSIGN_OR_RETURN(out[pn], CoerceValue(cp["type"], v, what));
  }
  return out;
}

std::string CacheKey(const std::string& component_hash, const Json& params, const Json& input_hashes,
                     const std::string& environment, const std::string& code) {
  Json k{{"component", component_hash}, {"params", params}, {"inputs", input_hashes}, {"environment", environment}, {"code", code},
         {"v", 1}};
  return Sha256Hex(k.dump());
}

}  // namespace moebius::pipeline
