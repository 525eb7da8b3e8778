// The worker preparer for payload.data (a WorkerOptions::prepare hook): each named data version is downloaded
// over the API with the job's own token (GET .../datasets/{d}/versions/{n}/archive) and extracted
// into <jobdir>/<path>/ with the version's files as the archive lays them out, plus the manifest
// sidecar <path>/.moebius/manifest.jsonl (each item's path, sha256, size and meta: labels,
// split), which the built-in image trainer reads.
//
// Safety: an archive entry with an absolute path, a '..' or empty segment, or that is not a
// regular file (links, devices) fails the job before anything is written for it; the folders on
// the way to <path> must not be symbolic links (an earlier preparer's files cannot redirect the
// data out of the job's directory); a version larger than the limit (by its recorded size, then by
// the archive's) fails the job before or instead of being written.
//
// Thread-safety: the returned function may run on several worker threads at once (a client each).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "jobs/job_types.h"

namespace moebius::cli {

// All data versions of one job together, bytes (each archive is streamed to a file beside the job
// directory, extracted from it and removed).
inline constexpr int64_t kMaxJobDataBytes = 2LL << 30;

Status MaterializeJobData(const std::string& server, const jobs::Job& job, const jobs::JobToken& token, const std::string& dir,
                          int64_t max_bytes = kMaxJobDataBytes);

// MaterializeJobData against `server`, as a WorkerOptions::prepare hook.
std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string&)> JobDataPreparer(std::string server,
                                                                                                    int64_t max_bytes = kMaxJobDataBytes);

}  // namespace moebius::cli
