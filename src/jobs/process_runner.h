// Runs one command as a child process for a job: its own process group, stdout and stderr through
// one pipe into output chunks, a timeout (SIGTERM to the group, SIGKILL after a grace period) and
// cancel (the same, at once). No shell is involved unless argv names one.
//
// The child's group is the unit that is stopped: a job's grandchildren (`sh -c 'a & b'`) die
// with it. A process that leaves the group on purpose (setsid, setpgid) escapes; see
// docs/design/jobs.md. When the main child exits, whatever it left running in its group is
// killed too, so a job never leaves processes behind. The direct child also gets SIGKILL when the
// thread that started it dies (PR_SET_PDEATHSIG), so a worker killed with -9 takes its jobs'
// main processes along; their grandchildren are orphaned then (nothing is left to signal them).
//
// Thread-safety: RunProcess may be called from several threads at once (each call owns its child).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace moebius::jobs {

struct ProcessSpec {
  std::vector<std::string> argv;                            // argv[0] is looked up in PATH unless it has a '/'
  std::vector<std::pair<std::string, std::string>> env;     // added to (or replacing in) the parent's environment
  std::string cwd;                                          // empty: the parent's
};

struct ProcessOptions {
  int64_t timeout_ms = 0;            // 0: none
  int64_t kill_grace_ms = 5000;      // between SIGTERM and SIGKILL
  int64_t flush_interval_ms = 500;   // output is handed on at least this often while it arrives...
  size_t flush_bytes = 64 * 1024;    // ...or as soon as this much is buffered
};

struct ProcessResult {
  int exit_code = 0;      // the child's exit status; -1 when a signal ended it
  int signal = 0;         // the signal that ended it, else 0
  bool timed_out = false; // stopped because it ran past timeout_ms
  bool cancelled = false; // stopped because `cancel` became true
  // 128 + signal for a signal, like a shell; the exit status otherwise.
  int ShellCode() const { return signal ? 128 + signal : exit_code; }
};

using OutputSink = std::function<void(std::string_view chunk)>;

// Starts spec.argv and waits for it. `on_output` gets the child's merged stdout/stderr in order,
// in chunks (called on this thread; a slow sink delays reading, so sinks should only buffer).
// `cancel` is polled about every 100 ms. Errors (nothing was run): kNotFound "command not
// found: NAME" when argv[0] is not an executable in PATH (or at its path); kInvalidArgument for
// an empty argv or a working directory that does not exist; kInternal when pipe/fork fail.
Result<ProcessResult> RunProcess(const ProcessSpec& spec, const ProcessOptions& options, const OutputSink& on_output,
                                 const std::atomic<bool>& cancel);

}  // namespace moebius::jobs
