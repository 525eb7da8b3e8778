#include "orchestration/job_request.h"

#include "base/strings.h"

namespace moebius::orchestration {

Status ValidateCommandPayload(const Json& p) {
  if (!p.is_object() || !p.contains("command") || !p["command"].is_array() || p["command"].empty())
    return InvalidArgument("a command job needs payload.command: a non-empty list of strings, e.g. [\"python3\", \"train.py\"]");
  for (const Json& a : p["command"])
    if (!a.is_string() || a.get<std::string>().find('\0') != std::string::npos)
      return InvalidArgument("payload.command must hold strings without NUL bytes");
  if (p.contains("env")) {
    if (!p["env"].is_object()) return InvalidArgument("payload.env must be an object of strings");
    for (auto it = p["env"].begin(); it != p["env"].end(); ++it)
      if (!it->is_string() || it.key().empty() || it.key().find('=') != std::string::npos)
        return InvalidArgument("payload.env must map names (without '=') to strings");
  }
  return Status::Ok();
}

Result<jobs::Resources> ResourcesOf(const Json& body, const char* key, jobs::Resources r) {
  if (!body.contains(key)) return r;
  const Json& o = body[key];
  if (!o.is_object()) return InvalidArgument(std::string("field '") + key + "' must be an object {cpus, memory_mb, gpus}");
  ASSIGN_OR_RETURN(auto cpus, OptDouble(o, "cpus"));
  ASSIGN_OR_RETURN(auto memory, OptInt(o, "memory_mb"));
  ASSIGN_OR_RETURN(auto gpus, OptInt(o, "gpus"));
  if (cpus) r.cpus = *cpus;
  if (memory) r.memory_mb = *memory;
  if (gpus) r.gpus = *gpus;
  return r;
}

Result<std::optional<jobs::GroupSpec>> GroupSpecFromBody(const Json& body) {
  if (!body.contains("distributed") || body["distributed"].is_null()) return std::optional<jobs::GroupSpec>();
  const Json& d = body["distributed"];
  if (!d.is_object()) return InvalidArgument("distributed must be an object {\"workers\": N, \"rendezvous_timeout_s\": T}");
  for (auto it = d.begin(); it != d.end(); ++it)
    if (it.key() != "workers" && it.key() != "rendezvous_timeout_s")
      return InvalidArgument("distributed has an unknown field '" + it.key() + "' (known: workers, rendezvous_timeout_s)");
  auto int_field = [&d](const char* key) -> Result<std::optional<int64_t>> {
    if (!d.contains(key) || d[key].is_null()) return std::optional<int64_t>();
    if (!d[key].is_number_integer()) return InvalidArgument(std::string("distributed.") + key + " must be an integer");
    return std::optional<int64_t>(d[key].get<int64_t>());
  };
  ASSIGN_OR_RETURN(auto workers, int_field("workers"));
  if (!workers) return InvalidArgument("distributed.workers is required: the number of ranks (2 to 64; 1 is an ordinary job)");
  if (*workers < 1 || *workers > 64) return InvalidArgument("distributed.workers must be between 1 and 64, got " + std::to_string(*workers));
  ASSIGN_OR_RETURN(auto timeout, int_field("rendezvous_timeout_s"));
  if (timeout && (*timeout < 1 || *timeout > 86400)) return InvalidArgument("distributed.rendezvous_timeout_s must be between 1 and 86400");
  if (*workers == 1) return std::optional<jobs::GroupSpec>();
  jobs::GroupSpec g;
  g.world_size = static_cast<int>(*workers);
  g.rendezvous_timeout_s = timeout.value_or(300);
  return std::optional<jobs::GroupSpec>(g);
}

Status CheckRelativePath(const std::string& path, const std::string& field) {
  if (path.empty() || path.size() > 512) return InvalidArgument(field + " must be 1 to 512 characters");
  if (path.front() == '/') return InvalidArgument(field + " must be relative to the job's directory, got '" + path + "'");
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos)
    return InvalidArgument(field + " must not contain NUL bytes or backslashes");
  for (const auto& seg : Split(path, '/'))
    if (seg.empty() || seg == "." || seg == "..")
      return InvalidArgument(field + " must not contain empty, '.' or '..' segments, got '" + path + "'");
  return Status::Ok();
}

}  // namespace moebius::orchestration
