#include "pipeline/component_spec.h"

#include <cmath>
#include <set>

#include "base/crypto.h"

namespace moebius::pipeline {
namespace {

const std::set<std::string> kKinds = {"preprocess", "train", "evaluate", "postprocess", "custom"};

Status CheckKeys(const Json& obj, const std::set<std::string>& allowed, const std::string& what) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!allowed.count(it.key())) {
      std::string list;
      for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
      return InvalidArgument(what + ": unknown field '" + it.key().substr(0, 64) + "' (known: " + list + ")");
    }
  return Status::Ok();
}

// A list of {"name": identifier, ...} objects with unique names.
Status CheckNamedList(const Json& list, const std::string& what) {
  if (!list.is_array()) return InvalidArgument(what + " must be a list of objects with a \"name\"");
  if (list.size() > 256) return InvalidArgument(what + ": at most 256 entries");
  std::set<std::string> seen;
  for (const Json& e : list) {
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string())
      return InvalidArgument(what + " must be a list of objects with a \"name\"");
    std::string n = e["name"].get<std::string>();
    if (!IsIdentifier(n)) return InvalidArgument(what + ": name '" + n.substr(0, 64) + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 64)");
    if (!seen.insert(n).second) return InvalidArgument(what + ": duplicate name '" + n + "'");
  }
  return Status::Ok();
}

}  // namespace

bool IsValidObjectName(std::string_view s) {
  if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool IsParamType(std::string_view t) { return t == "int" || t == "float" || t == "string" || t == "bool"; }

Result<Json> CoerceValue(const std::string& type, const Json& v, const std::string& what) {
  if (type == "int") {
    if (v.is_number_integer()) return v;
    if (v.is_number_float() && std::isfinite(v.get<double>()) && std::floor(v.get<double>()) == v.get<double>() &&
        std::fabs(v.get<double>()) < 9e15)
      return Json(static_cast<int64_t>(v.get<double>()));
    return InvalidArgument(what + " must be an integer, got " + v.dump().substr(0, 64));
  }
  if (type == "float") {
    if (v.is_number() && std::isfinite(v.get<double>())) return Json(v.get<double>());
    return InvalidArgument(what + " must be a number, got " + v.dump().substr(0, 64));
  }
  if (type == "string") {
    if (v.is_string()) return v;
    return InvalidArgument(what + " must be a string, got " + v.dump().substr(0, 64));
  }
  if (type == "bool") {
    if (v.is_boolean()) return v;
    return InvalidArgument(what + " must be true or false, got " + v.dump().substr(0, 64));
  }
  return InvalidArgument(what + ": unknown type '" + type + "'");
}

std::vector<TemplatePart> ParseTemplate(std::string_view arg) {
  std::vector<TemplatePart> parts;
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) parts.push_back({false, lit});
    lit.clear();
  };
  for (size_t i = 0; i < arg.size();) {
    if (arg.compare(i, 2, "{{") == 0 || arg.compare(i, 2, "}}") == 0) {
      lit += arg[i];
      i += 2;
      continue;
    }
    if (arg[i] == '{') {
      size_t j = i + 1;
      while (j < arg.size() && (std::isalnum(static_cast<unsigned char>(arg[j])) || arg[j] == '_' || arg[j] == '.')) ++j;
      if (j > i + 1 && j < arg.size() && arg[j] == '}' &&
          (std::isalpha(static_cast<unsigned char>(arg[i + 1])) || arg[i + 1] == '_')) {
        flush();
        parts.push_back({true, std::string(arg.substr(i + 1, j - i - 1))});
        i = j + 1;
        continue;
      }
    }
    lit += arg[i++];
  }
  flush();
  return parts;
}

std::string ParamText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

Result<Json> NormalizeComponent(const Json& in) {
  if (!in.is_object()) return InvalidArgument("a component definition must be a JSON object");
  RETURN_IF_ERROR(CheckKeys(in, {"name", "kind", "description", "command", "parameters", "inputs", "outputs", "resources",
                                 "environment", "env", "timeout_s", "max_attempts"},
                            "component"));
  Json out = Json::object();
  ASSIGN_OR_RETURN(std::string name, ReqString(in, "name"));
  if (!IsValidObjectName(name)) return InvalidArgument("component name '" + name.substr(0, 64) + "' must be 1-64 of [A-Za-z0-9_.-], starting with a letter or digit");
  out["name"] = name;
  ASSIGN_OR_RETURN(auto kind, OptString(in, "kind"));
  std::string k = kind.value_or("custom");
  if (!kKinds.count(k)) return InvalidArgument("component kind '" + k.substr(0, 64) + "' must be one of: preprocess, train, evaluate, postprocess, custom");
  out["kind"] = k;
  ASSIGN_OR_RETURN(auto desc, OptString(in, "description"));
  out["description"] = desc.value_or("");
  if (out["description"].get<std::string>().size() > 4096) return InvalidArgument("description must be at most 4096 characters");

  // parameters
  Json params = in.value("parameters", Json::array());
  RETURN_IF_ERROR(CheckNamedList(params, "parameters"));
  Json nparams = Json::array();
  for (const Json& p : params) {
    RETURN_IF_ERROR(CheckKeys(p, {"name", "type", "default", "description"}, "parameter '" + p["name"].get<std::string>() + "'"));
    std::string pn = p["name"].get<std::string>();
    if (pn == "inputs" || pn == "outputs") return InvalidArgument("parameter name '" + pn + "' is reserved");
    std::string type = p.contains("type") && p["type"].is_string() ? p["type"].get<std::string>() : "";
    if (!IsParamType(type)) return InvalidArgument("parameter '" + pn + "': type must be one of int, float, string, bool");
    Json np{{"name", pn}, {"type", type}, {"description", p.contains("description") ? p["description"] : Json("")}};
    if (!np["description"].is_string()) return InvalidArgument("parameter '" + pn + "': description must be a string");
    if (p.contains("default")) {
      ASSIGN_OR_RETURN(Json d, CoerceValue(type, p["default"], "parameter '" + pn + "' default"));
      np["default"] = d;
    }
    nparams.push_back(np);
  }
  out["parameters"] = nparams;

  for (const char* side : {"inputs", "outputs"}) {
    Json list = in.value(side, Json::array());
    RETURN_IF_ERROR(CheckNamedList(list, side));
    Json nl = Json::array();
    for (const Json& e : list) {
      std::string en = e["name"].get<std::string>();
      std::string what = std::string(side == std::string("inputs") ? "input" : "output") + " '" + en + "'";
      RETURN_IF_ERROR(CheckKeys(e, side == std::string("inputs") ? std::set<std::string>{"name", "type", "optional", "description"}
                                                                : std::set<std::string>{"name", "type", "description"},
                                what));
      std::string type = e.contains("type") ? (e["type"].is_string() ? e["type"].get<std::string>() : "?") : "file";
      if (type != "file" && type != "dir") return InvalidArgument(what + ": type must be \"file\" or \"dir\"");
      Json ne{{"name", en}, {"type", type}, {"description", e.contains("description") ? e["description"] : Json("")}};
      if (!ne["description"].is_string()) return InvalidArgument(what + ": description must be a string");
      if (side == std::string("inputs")) {
        if (e.contains("optional") && !e["optional"].is_boolean()) return InvalidArgument(what + ": optional must be true or false");
        ne["optional"] = e.value("optional", false);
      }
      nl.push_back(ne);
    }
    out[side] = nl;
  }

  // command
  if (!in.contains("command") || !in["command"].is_array() || in["command"].empty())
    return InvalidArgument("component needs \"command\": a non-empty list of strings, e.g. [\"python3\", \"train.py\", \"{outputs.model}\"]");
  if (in["command"].size() > 1024) return InvalidArgument("command: at most 1024 arguments");
  std::set<std::string> pnames, inames, onames;
  for (const Json& p : nparams) pnames.insert(p["name"].get<std::string>());
  for (const Json& p : out["inputs"]) inames.insert(p["name"].get<std::string>());
  for (const Json& p : out["outputs"]) onames.insert(p["name"].get<std::string>());
  for (const Json& a : in["command"]) {
    if (!a.is_string() || a.get<std::string>().find('\0') != std::string::npos)
      return InvalidArgument("command must hold strings without NUL bytes");
    for (const auto& part : ParseTemplate(a.get<std::string>())) {
      if (!part.placeholder) continue;
      const std::string& ph = part.text;
      bool known = false;
      if (ph.rfind("inputs.", 0) == 0) known = inames.count(ph.substr(7)) > 0;
      else if (ph.rfind("outputs.", 0) == 0) known = onames.count(ph.substr(8)) > 0;
      else known = pnames.count(ph) > 0;
      if (!known)
        return InvalidArgument("command: unknown placeholder {" + ph.substr(0, 64) +
                               "} (use a parameter name, inputs.<input> or outputs.<output>; write {{ and }} for literal braces)");
    }
  }
  out["command"] = in["command"];

  Json res = in.value("resources", Json::object());
  if (!res.is_object()) return InvalidArgument("resources must be an object {cpus, memory_mb, gpus}");
  RETURN_IF_ERROR(CheckKeys(res, {"cpus", "memory_mb", "gpus"}, "resources"));
  ASSIGN_OR_RETURN(auto cpus, OptDouble(res, "cpus"));
  ASSIGN_OR_RETURN(auto mem, OptInt(res, "memory_mb"));
  ASSIGN_OR_RETURN(auto gpus, OptInt(res, "gpus"));
  if (cpus && (!(*cpus > 0) || *cpus > 1024)) return InvalidArgument("resources.cpus must be in (0, 1024]");
  if (mem && (*mem < 1 || *mem > (int64_t{1} << 24))) return InvalidArgument("resources.memory_mb must be between 1 and 16777216");
  if (gpus && (*gpus < 0 || *gpus > 64)) return InvalidArgument("resources.gpus must be between 0 and 64");
  out["resources"] = {{"cpus", cpus.value_or(1.0)}, {"memory_mb", mem.value_or(512)}, {"gpus", gpus.value_or(0)}};

  ASSIGN_OR_RETURN(auto envname, OptString(in, "environment"));
  out["environment"] = envname.value_or("");
  if (!out["environment"].get<std::string>().empty() && !IsValidObjectName(out["environment"].get<std::string>()))
    return InvalidArgument("environment must be an environment name (1-64 of [A-Za-z0-9_.-])");
  Json env = in.value("env", Json::object());
  if (!env.is_object()) return InvalidArgument("env must be an object of strings");
  for (auto it = env.begin(); it != env.end(); ++it)
    if (!it->is_string() || it.key().empty() || it.key().find('=') != std::string::npos)
      return InvalidArgument("env must map names (without '=') to strings");
  out["env"] = env;
  ASSIGN_OR_RETURN(auto timeout, OptInt(in, "timeout_s"));
  if (timeout && (*timeout < 0 || *timeout > 30LL * 86400)) return InvalidArgument("timeout_s must be between 0 (none) and 30 days");
  out["timeout_s"] = timeout.value_or(0);
  ASSIGN_OR_RETURN(auto attempts, OptInt(in, "max_attempts"));
  if (attempts && (*attempts < 1 || *attempts > 100)) return InvalidArgument("max_attempts must be between 1 and 100");
  out["max_attempts"] = attempts.value_or(1);
  return out;
}

std::string DefinitionHash(const Json& normalized) { return Sha256Hex(normalized.dump()); }

Result<std::vector<std::string>> ExpandCommand(const Json& component, const Json& params) {
  std::vector<std::string> argv;
  for (const Json& a : component["command"]) {
    std::string arg;
    for (const auto& part : ParseTemplate(a.get<std::string>())) {
      if (!part.placeholder) {
        arg += part.text;
      } else if (part.text.rfind("inputs.", 0) == 0) {
        arg += "inputs/" + part.text.substr(7);
      } else if (part.text.rfind("outputs.", 0) == 0) {
        arg += "outputs/" + part.text.substr(8);
      } else if (params.contains(part.text)) {
        arg += ParamText(params[part.text]);
      } else {
        return InvalidArgument("command: parameter {" + part.text + "} has no value");
      }
    }
    argv.push_back(std::move(arg));
  }
  return argv;
}

}  // namespace moebius::pipeline
