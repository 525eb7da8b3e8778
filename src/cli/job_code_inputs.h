// The worker preparer for `payload.code` (a WorkerOptions::prepare hook): downloads the job's code snapshot over
// the API with the job's token (GET /api/v1/jobs/{id}/code, .../code/archive), checks that the
// archive is the snapshot it claims (its tree hash), unpacks it into the job's directory, and —
// when the job executes a tracking run (payload.run_id) — tags the run with
// moebius.code_snapshot and, when the snapshot came from git, mlflow.source.git.commit,
// mlflow.source.git.branch and moebius.code_dirty. Jobs without payload.code are left alone.
//
// Thread-safety: the returned function may run on several worker threads at once (a client per call).
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "cli/rest_client.h"
#include "jobs/worker.h"

namespace moebius::cli {

std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string& dir)> CodeSnapshotPreparer(std::string server_url);

// Sets tags on the run a job executes (payload.run_id), if it has one, through the
// MLflow-compatible API. Shared by the code and environment hooks.
Status TagJobRun(RestClient& client, const jobs::Job& job, const std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace moebius::cli
