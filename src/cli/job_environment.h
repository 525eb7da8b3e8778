// The worker's resolver for `payload.environment` (PRJ-6): fetches the variables of the
// environment revision the job pinned (GET /api/v1/jobs/{id}/environment, with the job's token;
// secret values included — they go only into the job's process environment, never its log),
// tags the job's run (payload.run_id) with moebius.environment and moebius.environment_revision,
// and adds MOEBIUS_CODE_SNAPSHOT when the job has payload.code. Secret values are masked in the
// job's log.
//
// Thread-safety: the returned function may run on several worker threads at once.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "jobs/worker.h"

namespace moebius::cli {

std::function<Result<jobs::JobEnvironment>(const jobs::Job&, const jobs::JobToken&)> EnvironmentResolver(std::string server_url);

}  // namespace moebius::cli
