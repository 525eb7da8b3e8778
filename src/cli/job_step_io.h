// Worker hooks for pipeline steps (EXP-3): a job whose payload has `pipeline_step` gets its
// inputs materialized at `<jobdir>/inputs/<name>` (a file, or a folder of files) before its
// command runs, with `outputs/` (and `outputs/<name>/` for folder outputs) created; after a
// successful command, each declared output is read from `outputs/<name>`, its files uploaded to
// the server's blob store (content-addressed) and the outputs recorded on the step. Other jobs
// pass through untouched.
//
// Both speak to the server at `server` with the job's own token (cli::RestClient):
//   GET  /api/v1/jobs/{job}/step-inputs, GET /api/v1/jobs/{job}/step-blobs/{sha256},
//   PUT  /api/v1/jobs/{job}/step-blobs (raw bytes), POST /api/v1/jobs/{job}/step-outputs.
// Errors: a missing output, a symbolic link or special file among the outputs, a path that
// escapes the folder, or a server error; the worker then fails the job with the message.
//
// Thread-safety: the returned functions may run on several job threads at once (one RestClient
// per call).
#pragma once

#include <functional>
#include <string>

#include "jobs/worker.h"

namespace moebius::cli {

std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string&)> StepInputPreparer(std::string server);
std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string&, int)> StepOutputCollector(std::string server);

}  // namespace moebius::cli
