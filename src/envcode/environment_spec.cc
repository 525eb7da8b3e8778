#include <cctype>
#include <cmath>
#include <set>

#include "base/json_reader.h"
#include "base/strings.h"
#include "envcode/environment_types.h"

namespace moebius::envcode {
namespace {

constexpr size_t kMaxVariables = 200;
constexpr size_t kMaxReferences = 100;
constexpr size_t kMaxValueBytes = 32 * 1024;
constexpr size_t kMaxParameterBytes = 64 * 1024;

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Status ValidateEnvironmentName(const std::string& name) {
  if (name.empty() || name.size() > 63) return InvalidArgument("environment name must be 1 to 63 characters");
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'; };
  if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
    return InvalidArgument("environment name '" + name.substr(0, 64) + "' must start with a lowercase letter or digit");
  for (char c : name)
    if (!ok(c)) return InvalidArgument("environment name '" + name.substr(0, 64) + "' may hold only a-z, 0-9, '-', '_' and '.'");
  return Status::Ok();
}

Result<EnvironmentSpec> ParseEnvironmentSpec(const Json& j, const EnvironmentSpec* previous) {
  if (!j.is_object()) return InvalidArgument("an environment must be a JSON object");
  static const std::set<std::string> kKnown = {"name", "kind", "description", "image", "isolation", "resources",
                                               "variables", "parameters", "references", "message"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kKnown.count(it.key()))
      return InvalidArgument("unknown environment field '" + it.key().substr(0, 64) +
                             "'; fields: kind, description, image, isolation, resources, variables, parameters, references, message");
  EnvironmentSpec s;
  // Proto3 spellings ("512" for an integer) are taken, as the flat helpers this replaced took them.
  JsonReader body = JsonReader(j).Proto3();
  ASSIGN_OR_RETURN(auto kind, body.Opt<std::string>("kind"));
  if (kind) s.kind = *kind;
  else if (previous) s.kind = previous->kind;
  if (s.kind != "development" && s.kind != "inference")
    return InvalidArgument("environment kind must be 'development' or 'inference', got '" + s.kind.substr(0, 64) + "'");
  ASSIGN_OR_RETURN(auto desc, body.Opt<std::string>("description"));
  s.description = desc.value_or("");
  if (s.description.size() > 4000) return InvalidArgument("description must be at most 4000 bytes");
  ASSIGN_OR_RETURN(auto image, body.Opt<std::string>("image"));
  s.image = image.value_or("");
  if (s.image.size() > 512) return InvalidArgument("image must be at most 512 characters");
  for (char c : s.image)
    if (std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20)
      return InvalidArgument("image must be a container image reference without spaces, e.g. registry.example.com/team/train:1.4");
  ASSIGN_OR_RETURN(auto isolation, body.Opt<std::string>("isolation"));
  s.isolation = isolation.value_or("none");
  if (s.isolation == "container")
    return InvalidArgument(
        "container isolation is not supported yet: workers run jobs on their host as the worker's user; "
        "use isolation 'none' (the image reference is still recorded)");
  if (s.isolation != "none") return InvalidArgument("isolation must be 'none' (container isolation is not supported yet)");

  if (j.contains("resources")) {
    JsonReader r = JsonReader(j["resources"], "resources").Proto3();
    if (!r.json().is_object()) return InvalidArgument("resources must be an object {cpus, memory_mb, gpus}");
    ASSIGN_OR_RETURN(auto cpus, r.Opt<double>("cpus"));
    ASSIGN_OR_RETURN(auto mem, r.Opt<int64_t>("memory_mb"));
    ASSIGN_OR_RETURN(auto gpus, r.Opt<int64_t>("gpus"));
    if (cpus) s.cpus = *cpus;
    if (mem) s.memory_mb = *mem;
    if (gpus) s.gpus = *gpus;
  }
  if (!(s.cpus > 0) || s.cpus > 1024 || !std::isfinite(s.cpus)) return InvalidArgument("resources.cpus must be in (0, 1024]");
  if (s.memory_mb < 1 || s.memory_mb > (int64_t{1} << 24)) return InvalidArgument("resources.memory_mb must be between 1 and 16777216");
  if (s.gpus < 0 || s.gpus > 64) return InvalidArgument("resources.gpus must be between 0 and 64");

  std::set<std::string> seen;
  if (j.contains("variables")) {
    const Json& vars = j["variables"];
    if (!vars.is_array()) return InvalidArgument("variables must be a list of {name, value, secret}");
    if (vars.size() > kMaxVariables) return InvalidArgument("at most " + std::to_string(kMaxVariables) + " variables");
    for (size_t i = 0; i < vars.size(); ++i) {
      const Json& v = vars[i];
      if (!v.is_object()) return InvalidArgument("each variable must be an object {name, value, secret}");
      JsonReader vr = JsonReader(v, "variables[" + std::to_string(i) + "]").Proto3();
      EnvVariable var;
      ASSIGN_OR_RETURN(var.name, vr.Req<std::string>("name"));
      if (!IsIdentifier(var.name)) return InvalidArgument("variable name '" + var.name.substr(0, 64) + "' must match [A-Za-z_][A-Za-z0-9_]* (at most 128)");
      std::string upper = Upper(var.name);
      if (StartsWith(upper, "MOEBIUS_") || StartsWith(upper, "MLFLOW_"))
        return InvalidArgument("variable name '" + var.name + "' is reserved: MOEBIUS_* and MLFLOW_* are set by the worker");
      if (!seen.insert(var.name).second) return InvalidArgument("variable '" + var.name + "' is given twice");
      ASSIGN_OR_RETURN(auto secret, vr.Opt<bool>("secret"));
      var.secret = secret.value_or(false);
      bool has_value = v.contains("value") && !v["value"].is_null();
      if (has_value) {
        if (!v["value"].is_string()) return InvalidArgument("variable '" + var.name + "': value must be a string");
        var.value = v["value"].get<std::string>();
      } else if (var.secret && previous) {
        bool found = false;
        for (const auto& p : previous->variables)
          if (p.name == var.name) {
            var.value = p.value;
            found = true;
          }
        if (!found) return InvalidArgument("secret variable '" + var.name + "' needs a value (it has none to keep)");
      } else if (var.secret) {
        return InvalidArgument("secret variable '" + var.name + "' needs a value");
      }
      if (var.value.size() > kMaxValueBytes || var.value.find('\0') != std::string::npos)
        return InvalidArgument("variable '" + var.name + "': value must be at most 32 KiB without NUL bytes");
      s.variables.push_back(std::move(var));
    }
  }
  if (j.contains("parameters")) {
    if (!j["parameters"].is_object()) return InvalidArgument("parameters must be a JSON object of defaults, e.g. {\"learning_rate\": 0.1}");
    s.parameters = j["parameters"];
    if (s.parameters.dump().size() > kMaxParameterBytes) return InvalidArgument("parameters must be at most 64 KiB as JSON");
  }
  if (j.contains("references")) {
    const Json& refs = j["references"];
    if (!refs.is_array()) return InvalidArgument("references must be a list of {name, path}");
    if (refs.size() > kMaxReferences) return InvalidArgument("at most " + std::to_string(kMaxReferences) + " references");
    std::set<std::string> names;
    for (size_t i = 0; i < refs.size(); ++i) {
      if (!refs[i].is_object()) return InvalidArgument("each reference must be an object {name, path}");
      JsonReader r(refs[i], "references[" + std::to_string(i) + "]");
      Reference ref;
      ASSIGN_OR_RETURN(ref.name, r.Req<std::string>("name"));
      ASSIGN_OR_RETURN(ref.path, r.Req<std::string>("path"));
      if (!IsIdentifier(ref.name)) return InvalidArgument("reference name '" + ref.name.substr(0, 64) + "' must match [A-Za-z_][A-Za-z0-9_]*");
      if (!names.insert(Upper(ref.name)).second) return InvalidArgument("reference '" + ref.name + "' is given twice");
      if (ref.path.empty() || ref.path[0] != '/' || ref.path.size() > 4096 || ref.path.find('\0') != std::string::npos)
        return InvalidArgument("reference '" + ref.name + "': path must be absolute (start with '/'), at most 4096 bytes");
      for (const auto& seg : Split(ref.path, '/'))
        if (seg == "..") return InvalidArgument("reference '" + ref.name + "': path must not contain '..'");
      s.references.push_back(std::move(ref));
    }
  }
  return s;
}

namespace {
Json SpecJson(const EnvironmentSpec& s, bool reveal) {
  Json vars = Json::array();
  for (const auto& v : s.variables) {
    Json o{{"name", v.name}, {"secret", v.secret}};
    o["value"] = v.secret && !reveal ? Json(nullptr) : Json(v.value);
    vars.push_back(std::move(o));
  }
  Json refs = Json::array();
  for (const auto& r : s.references) refs.push_back({{"name", r.name}, {"path", r.path}});
  return {{"kind", s.kind},
          {"description", s.description},
          {"image", s.image},
          {"isolation", s.isolation},
          {"resources", {{"cpus", s.cpus}, {"memory_mb", s.memory_mb}, {"gpus", s.gpus}}},
          {"variables", vars},
          {"parameters", s.parameters},
          {"references", refs}};
}
}  // namespace

Json SpecToStoredJson(const EnvironmentSpec& s) { return SpecJson(s, true); }
Json SpecToPublicJson(const EnvironmentSpec& s) { return SpecJson(s, false); }

std::vector<std::pair<std::string, std::string>> JobEnvironmentVariables(const Environment& env) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"MOEBIUS_ENVIRONMENT", env.name},
      {"MOEBIUS_ENVIRONMENT_REVISION", std::to_string(env.revision)},
      {"MOEBIUS_ENVIRONMENT_KIND", env.spec.kind},
      {"MOEBIUS_ENV_PARAMS", env.spec.parameters.dump()},
  };
  Json refs = Json::object();
  for (const auto& r : env.spec.references) refs[r.name] = r.path;
  out.emplace_back("MOEBIUS_REFERENCES", refs.dump());
  for (const auto& r : env.spec.references) out.emplace_back("MOEBIUS_REF_" + Upper(r.name), r.path);
  for (const auto& v : env.spec.variables) out.emplace_back(v.name, v.value);
  return out;
}

}  // namespace moebius::envcode
