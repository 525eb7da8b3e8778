// Why a job failed, in one line a person can act on (issue 17, item 5): "exited with status 1"
// names no reason, the end of the job's log usually does. FailureReason picks, from the last
// part of a log:
//   1. the exception line of the last Python traceback ("ValueError: could not convert ..."),
//   2. else the last line that reads as an error ("error:", "Error", "fatal", "failed",
//      "exception", "not found", "denied", "killed", "panic", "abort"),
//   3. else the last non-empty line that is not one of the worker's "[moebius] ..." notes;
// without terminal colour codes, trimmed, and cut to `max_chars` bytes (at a UTF-8 boundary).
// Returns "" for a log without a non-empty line.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace moebius::jobs {

std::string FailureReason(std::string_view log_tail, size_t max_chars = 300);

}  // namespace moebius::jobs
