// The parts of a job submission that are checked without looking anything up: the command
// payload, resources, the distributed settings and relative paths. JobService::SpecFromBody
// (job_service.h) uses them; so do the worker routes for a worker's free resources.
#pragma once

#include <optional>
#include <string>

#include "base/json.h"
#include "base/status.h"
#include "jobs/job_types.h"

namespace moebius::orchestration {

// What a command job runs: {"command": ["python3", "train.py", ...], "env": {"K": "V"}}.
Status ValidateCommandPayload(const Json& payload);

// `{cpus, memory_mb, gpus}` under `key` of `body`, defaults from `r`.
Result<jobs::Resources> ResourcesOf(const Json& body, const char* key, jobs::Resources r);

// `distributed` of a submit body: {"workers": N (1..64), "rendezvous_timeout_s": T (1..86400,
// default 300)}; nullopt when absent or N is 1 (an ordinary job). Unknown keys are an error.
Result<std::optional<jobs::GroupSpec>> GroupSpecFromBody(const Json& body);

// A path inside the job's directory: relative, 1 to 512 characters, no NUL or backslash, no
// empty, '.' or '..' segments. kInvalidArgument naming `field`.
Status CheckRelativePath(const std::string& path, const std::string& field);

}  // namespace moebius::orchestration
