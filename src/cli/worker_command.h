// `moebius worker --server URL`: runs jobs of a remote server on this machine (see
// src/jobs/worker.h and docs/design/jobs.md).
#pragma once

namespace moebius::cli {
// Exit codes: 0 stopped by SIGINT/SIGTERM, 1 the server refused the token or is unreachable at
// start, 2 usage error.
int RunWorkerCommand(int argc, char** argv);
}  // namespace moebius::cli
