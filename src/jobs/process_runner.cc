#include "jobs/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <linux/close_range.h>

extern char** environ;

namespace moebius::jobs {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool IsExecutableFile(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// The file execve should run, found the way a shell finds it; kNotFound "command not found".
Result<std::string> Resolve(const ProcessSpec& spec) {
  const std::string& name = spec.argv[0];
  if (name.empty()) return NotFound("command not found: (empty name)");
  if (name.find('/') != std::string::npos) {
    std::string path = name[0] == '/' || spec.cwd.empty() ? name : spec.cwd + "/" + name;
    if (!IsExecutableFile(path)) return NotFound("command not found: " + name + " (no executable file at that path)");
    return path;
  }
  std::string path_var = "/usr/local/bin:/usr/bin:/bin";
  if (const char* p = std::getenv("PATH")) path_var = p;
  for (const auto& [k, v] : spec.env)
    if (k == "PATH") path_var = v;
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
    start = end + 1;
  }
  return NotFound("command not found: " + name);
}

// Hands on output as valid UTF-8: an incomplete sequence at the end waits for the next read, and
// invalid bytes become U+FFFD (the log store and JSON need text).
class Utf8Chunker {
 public:
  // Appends `in` to `out`, keeping back an unfinished trailing sequence.
  void Feed(std::string_view in, std::string* out) {
    pending_.append(in);
    size_t i = 0;
    const auto* s = reinterpret_cast<const unsigned char*>(pending_.data());
    size_t n = pending_.size();
    while (i < n) {
      unsigned char c = s[i];
      size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
      if (len == 0) {
        out->append("\xEF\xBF\xBD");
        ++i;
        continue;
      }
      if (i + len > n) break;  // unfinished: wait for more
      bool ok = true;
      for (size_t k = 1; k < len; ++k) ok = ok && (s[i + k] >> 6) == 0x2;
      if (!ok) {
        out->append("\xEF\xBF\xBD");
        ++i;
        continue;
      }
      out->append(pending_, i, len);
      i += len;
    }
    pending_.erase(0, i);
  }
  void Finish(std::string* out) {
    if (!pending_.empty()) out->append("\xEF\xBF\xBD");
    pending_.clear();
  }

 private:
  std::string pending_;
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Result<ProcessResult> RunProcess(const ProcessSpec& spec, const ProcessOptions& options, const OutputSink& on_output,
                                 const std::atomic<bool>& cancel) {
  if (spec.argv.empty()) return InvalidArgument("the command is empty");
  if (!spec.cwd.empty()) {
    struct stat st{};
    if (::stat(spec.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return InvalidArgument("working directory " + spec.cwd + " does not exist");
  }
  ASSIGN_OR_RETURN(std::string exe, Resolve(spec));

  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    std::string_view key = kv.substr(0, kv.find('='));
    bool replaced = false;
    for (const auto& [k, v] : spec.env) replaced = replaced || k == key;
    if (!replaced) env_strings.emplace_back(kv);
  }
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Internal(std::string("pipe: ") + std::strerror(errno));
  }
  const char* cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    return Internal(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    // The job dies with its worker (kill -9 included) rather than run on unwatched while the
    // queue gives it to another worker. Only the direct child gets this; see the header.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // The server blocks SIGTERM/SIGINT in its threads and ignores SIGPIPE; the job must not.
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    // Descriptors the parent opened without O_CLOEXEC (sockets, databases) stay out of the job.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    int e = 0;
    if (cwd && ::chdir(cwd) != 0) e = errno;
    if (e == 0) {
      ::execve(exe.c_str(), argv.data(), envp.data());
      e = errno;
    }
    (void)!::write(err[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also in the parent, so a kill right after fork reaches the group
  ::close(out[1]);
  ::close(err[1]);
  int exec_errno = 0;
  ssize_t got;
  do got = ::read(err[0], &exec_errno, sizeof exec_errno);
  while (got < 0 && errno == EINTR);
  ::close(err[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    int status;
    ::waitpid(pid, &status, 0);
    ::close(out[0]);
    if (exec_errno == ENOENT) return NotFound("command not found: " + spec.argv[0]);
    return Internal("cannot run " + spec.argv[0] + ": " + std::strerror(exec_errno));
  }

  int rfd = out[0];
  ::fcntl(rfd, F_SETFL, ::fcntl(rfd, F_GETFL) | O_NONBLOCK);
  ProcessResult result;
  Utf8Chunker utf8;
  std::string buf;
  int64_t start = NowMs(), last_flush = start, kill_at = 0, drain_until = 0;
  bool stopping = false, killed = false, exited = false;
  int wait_status = 0;
  auto flush = [&] {
    if (!buf.empty()) on_output(buf);
    buf.clear();
    last_flush = NowMs();
  };
  auto stop = [&] {
    stopping = true;
    ::kill(-pid, SIGTERM);
    kill_at = NowMs() + options.kill_grace_ms;
  };
  char chunk[16384];
  for (;;) {
    if (rfd >= 0) {
      pollfd p{rfd, POLLIN, 0};
      ::poll(&p, 1, 100);
      for (;;) {
        ssize_t n = ::read(rfd, chunk, sizeof chunk);
        if (n > 0) {
          utf8.Feed(std::string_view(chunk, static_cast<size_t>(n)), &buf);
          if (buf.size() >= options.flush_bytes) flush();
          continue;
        }
        if (n == 0) {
          utf8.Finish(&buf);
          CloseFd(rfd);
        } else if (errno == EINTR) {
          continue;
        }
        break;  // EAGAIN: nothing more now
      }
    } else if (!exited) {
      ::poll(nullptr, 0, 50);
    }
    int64_t now = NowMs();
    if (!buf.empty() && now - last_flush >= options.flush_interval_ms) flush();
    if (!exited) {
      // Look without reaping, so the group id cannot be reused before the leftovers are killed.
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
        ::kill(-pid, SIGKILL);  // whatever the job left running in its group
        ::waitpid(pid, &wait_status, 0);
        exited = true;
        drain_until = now + 1000;
      }
    }
    if (exited && (rfd < 0 || now >= drain_until)) break;
    if (!exited && !stopping && cancel.load()) {
      result.cancelled = true;
      stop();
    }
    if (!exited && !stopping && options.timeout_ms > 0 && now - start >= options.timeout_ms) {
      result.timed_out = true;
      stop();
    }
    if (!exited && stopping && !killed && now >= kill_at) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
  }
  CloseFd(rfd);
  utf8.Finish(&buf);
  flush();
  if (WIFSIGNALED(wait_status)) {
    result.signal = WTERMSIG(wait_status);
    result.exit_code = -1;
  } else {
    result.exit_code = WEXITSTATUS(wait_status);
  }
  return result;
}

}  // namespace moebius::jobs
