#include "jobs/worker.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/log.h"
#include "jobs/process_runner.h"

namespace moebius::jobs {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxAppend = 512 * 1024;        // per log append (the store takes up to 1 MiB)
constexpr size_t kMaxPending = 8 * 1024 * 1024;  // output held while the queue is unreachable
constexpr int64_t kLogFlushMs = 500;

using Clock = std::chrono::steady_clock;

// Output waiting to be appended to the job's log. The runner thread only buffers (so the
// child's pipe is always drained); the reporter thread sends.
class LogBuffer {
 public:
  void Add(std::string_view text) {
    std::lock_guard lock(mu_);
    if (pending_.size() + text.size() > kMaxPending) {
      dropped_ += text.size();
      return;
    }
    pending_.append(text);
    if (pending_.size() >= kMaxAppend) cv_.notify_one();
  }
  // Waits until output is due, `until` passes or `done`; returns the next piece to send.
  std::string Take(Clock::time_point until, const std::atomic<bool>& done) {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, until, [&] { return done.load() || pending_.size() >= kMaxAppend; });
    std::string out;
    if (dropped_) {
      out = "\n[moebius] " + std::to_string(dropped_) + " bytes of output were dropped: the server was not reachable\n";
      dropped_ = 0;
    }
    size_t n = pending_.size();
    if (n > kMaxAppend) {
      n = kMaxAppend;
      while (n > 0 && (static_cast<unsigned char>(pending_[n]) & 0xC0) == 0x80) --n;  // a UTF-8 boundary
    }
    out.append(pending_, 0, n);
    pending_.erase(0, n);
    for (const std::string& m : masks_)
      for (size_t at = out.find(m); at != std::string::npos; at = out.find(m, at + 3)) out.replace(at, m.size(), "***");
    return out;
  }
  bool Empty() {
    std::lock_guard lock(mu_);
    return pending_.empty() && dropped_ == 0;
  }
  void Wake() { cv_.notify_all(); }
  void SetMasks(std::vector<std::string> masks) {
    std::lock_guard lock(mu_);
    masks_.clear();
    for (auto& m : masks)
      if (m.size() >= 3) masks_.push_back(std::move(m));  // shorter values would mask ordinary text
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;  // GUARDED_BY(mu_)
  size_t dropped_ = 0;   // GUARDED_BY(mu_)
  std::vector<std::string> masks_;  // GUARDED_BY(mu_)
};

std::string SignalName(int sig) {
  const char* d = ::sigabbrev_np(sig);
  return d ? std::string("SIG") + d : "signal " + std::to_string(sig);
}

}  // namespace

struct Worker::Slot {
  Job job;
  std::atomic<bool> cancel{false};    // stop the process (cancel requested, lease lost or shutdown)
  std::atomic<bool> shutdown{false};  // the worker is stopping
  std::atomic<bool> done{false};
  std::thread thread;
};

Resources MachineResources() {
  Resources r;
  r.cpus = std::max(1u, std::thread::hardware_concurrency());
  long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  r.memory_mb = pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page / (1024 * 1024) : 1024;
  r.gpus = 0;
  for (int i = 0; i < 64; ++i)
    if (fs::exists("/dev/nvidia" + std::to_string(i))) ++r.gpus;
  return r;
}

std::string DefaultWorkerName(const std::string& prefix) {
  char host[256] = "host";
  ::gethostname(host, sizeof host - 1);
  return prefix + "@" + host + ":" + std::to_string(::getpid());
}

void Worker::Run(std::stop_token stop) {
  std::list<std::unique_ptr<Slot>> slots;
  std::mutex mu;
  std::condition_variable_any cv;
  int64_t backoff_ms = options_.poll_ms;
  while (!stop.stop_requested()) {
    for (auto it = slots.begin(); it != slots.end();) {
      if ((*it)->done.load()) {
        (*it)->thread.join();
        it = slots.erase(it);
      } else {
        ++it;
      }
    }
    bool claimed = false;
    if (static_cast<int>(slots.size()) < options_.slots) {
      Resources free = options_.capacity;
      for (const auto& s : slots) {
        free.cpus -= s->job.spec.resources.cpus;
        free.memory_mb -= s->job.spec.resources.memory_mb;
        free.gpus -= s->job.spec.resources.gpus;
      }
      auto job = queue_.Claim(options_.name, free, options_.lease_ms);
      if (!job.ok()) {
        log::Warn("worker " + options_.name + ": claim: " + job.status().ToString());
        backoff_ms = std::min<int64_t>(backoff_ms * 2, 30000);
      } else {
        backoff_ms = options_.poll_ms;
        if (*job) {
          auto slot = std::make_unique<Slot>();
          slot->job = std::move(**job);
          Slot* s = slot.get();
          ++running_;
          s->thread = std::thread([this, s] {
            RunJob(*s);
            --running_;
            s->done = true;
          });
          slots.push_back(std::move(slot));
          claimed = true;
        }
      }
    }
    if (claimed) continue;  // more may fit
    std::unique_lock lock(mu);
    // Wakes early when a slot frees up would be nicer; polling keeps the threads independent.
    cv.wait_for(lock, stop, std::chrono::milliseconds(slots.empty() ? backoff_ms : std::min<int64_t>(backoff_ms, 250)),
                [] { return false; });
  }
  for (auto& s : slots) {
    s->shutdown = true;
    s->cancel = true;
  }
  for (auto& s : slots) s->thread.join();
}

void Worker::RunJob(Slot& slot) {
  const Job& job = slot.job;
  const std::string& me = options_.name;
  LogBuffer logs;
  auto note = [&](const std::string& line) { logs.Add("[moebius] " + line + "\n"); };
  std::atomic<bool> lost{false}, reporter_done{false};

  // The reporter: sends output every ~0.5 s and heartbeats every lease/3 (at most 2 s apart).
  const auto beat_every = std::chrono::milliseconds(std::max<int64_t>(100, std::min(options_.lease_ms / 3, options_.max_heartbeat_ms)));
  std::thread reporter([&] {
    auto next_beat = Clock::now() + beat_every;
    for (;;) {
      bool last = reporter_done.load();
      auto until = std::min(next_beat, Clock::now() + std::chrono::milliseconds(kLogFlushMs));
      std::string text = logs.Take(until, reporter_done);
      if (!text.empty() && !lost) {
        Status st = queue_.AppendLog(job.id, me, text);
        if (st.code() == StatusCode::kFailedPrecondition) {
          lost = true;
          slot.cancel = true;
        } else if (!st.ok()) {
          log::Warn("job " + std::to_string(job.id) + ": log: " + st.ToString());
        }
      }
      if (!last && !lost && Clock::now() >= next_beat) {
        auto beat = queue_.Heartbeat(job.id, me, options_.lease_ms);
        if (!beat.ok() && beat.status().code() == StatusCode::kFailedPrecondition) {
          log::Warn("job " + std::to_string(job.id) + ": lost its lease (" + beat.status().message() + "); stopping it");
          lost = true;
          slot.cancel = true;
        } else if (!beat.ok()) {
          log::Warn("job " + std::to_string(job.id) + ": heartbeat: " + beat.status().ToString());
        } else if (*beat && !slot.cancel.load()) {
          logs.Add("[moebius] cancel requested; stopping the job\n");
          slot.cancel = true;
        }
        next_beat = Clock::now() + beat_every;
      }
      if (last && (logs.Empty() || lost)) break;
    }
  });
  auto stop_reporter = [&] {
    reporter_done = true;
    logs.Wake();
    reporter.join();
  };

  fs::path dir = fs::path(options_.work_dir) / ("job-" + std::to_string(job.id) + "-" + std::to_string(job.attempts));
  int exit_code = -1;
  bool timed_out = false;
  std::string error;
  JobToken token{options_.tracking_token, ""};
  bool issued = false, ran = false;
  [&] {
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) {
      error = "cannot create the working directory " + dir.string() + ": " + ec.message();
      return;
    }
    const Json& p = job.spec.payload;
    if (!p.contains("command") || !p["command"].is_array() || p["command"].empty()) {
      error = "the job has no payload.command to run";
      return;
    }
    ProcessSpec spec;
    for (const Json& a : p["command"]) {
      if (!a.is_string()) {
        error = "payload.command must hold strings";
        return;
      }
      spec.argv.push_back(a.get<std::string>());
    }
    // Built-in trainers are commands of this binary (`moebius train xgboost ...`): a leading
    // "moebius" runs the worker's own executable, not whatever PATH would find.
    if (spec.argv[0] == "moebius") {
      std::error_code self_ec;
      fs::path self = fs::read_symlink("/proc/self/exe", self_ec);
      if (!self_ec) spec.argv[0] = self.string();
    }
    spec.cwd = dir.string();
    if (!job.token.secret.empty()) {
      token = job.token;  // issued by the server for this attempt, revoked by it when the attempt ends
    } else if (options_.issue_token) {
      auto t = options_.issue_token(job);
      if (!t.ok()) {
        error = "cannot issue a token for the job: " + t.status().message();
        return;
      }
      token = *t;
      issued = true;
    }
    std::string id = std::to_string(job.id);
    spec.env = {{"MOEBIUS_JOB_ID", id},
                {"MOEBIUS_JOB_ATTEMPT", std::to_string(job.attempts)},
                {"MOEBIUS_SERVER", options_.tracking_uri},
                {"MOEBIUS_TOKEN", token.secret},
                {"MLFLOW_TRACKING_URI", options_.tracking_uri},
                {"MLFLOW_TRACKING_TOKEN", token.secret}};
    // A later value replaces an earlier one of the same name (a child's getenv takes the first).
    auto set_env = [&spec](const std::string& k, const std::string& v) {
      for (auto& kv : spec.env)
        if (kv.first == k) {
          kv.second = v;
          return;
        }
      spec.env.emplace_back(k, v);
    };
    if (job.group > 0) {  // a rank of a distributed group (docs/design/jobs.md "Job groups")
      set_env("MOEBIUS_JOB_GROUP", std::to_string(job.group));
      set_env("MOEBIUS_RANK", std::to_string(job.rank));
      set_env("MOEBIUS_WORLD_SIZE", std::to_string(job.world_size));
      set_env("MOEBIUS_RENDEZVOUS", options_.tracking_uri + "/api/v1/jobs/" + id + "/rendezvous");
      set_env("MOEBIUS_RENDEZVOUS_TIMEOUT_S", std::to_string(job.rendezvous_timeout_s));
      set_env("MOEBIUS_WORKER_NAME", me);
    }
    if (p.contains("run_id") && p["run_id"].is_string()) set_env("MLFLOW_RUN_ID", p["run_id"].get<std::string>());
    if (p.contains("experiment_id") && p["experiment_id"].is_string())
      set_env("MLFLOW_EXPERIMENT_ID", p["experiment_id"].get<std::string>());
    note("job " + id + " attempt " + std::to_string(job.attempts) + " on worker " + me + " in " + dir.string());
    for (const auto& prepare : options_.prepare) {
      if (slot.cancel.load()) {
        error = "stopped while preparing the job";
        return;
      }
      Status st = prepare(job, token, dir.string());
      if (!st.ok()) {
        error = "preparing the job failed: " + st.message();
        return;
      }
    }
    if (options_.job_env) {
      auto extra = options_.job_env(job, token);
      if (!extra.ok()) {
        error = extra.status().message();
        return;
      }
      logs.SetMasks(extra->masked);
      for (const auto& [k, v] : extra->variables) set_env(k, v);
    }
    if (p.contains("env") && p["env"].is_object())
      for (auto it = p["env"].begin(); it != p["env"].end(); ++it)
        if (it->is_string()) set_env(it.key(), it->get<std::string>());
    ProcessOptions po;
    po.timeout_ms = job.spec.timeout_s * 1000;
    po.kill_grace_ms = options_.kill_grace_ms;
    auto result = RunProcess(spec, po, [&](std::string_view chunk) { logs.Add(chunk); }, slot.cancel);
    ran = true;
    if (!result.ok()) {
      exit_code = result.status().code() == StatusCode::kNotFound ? 127 : 126;
      error = result.status().message();
      return;
    }
    exit_code = result->ShellCode();
    timed_out = result->timed_out;
    if (timed_out) error = "timed out after " + std::to_string(job.spec.timeout_s) + " s";
    else if (result->signal && !result->cancelled) error = "killed by " + SignalName(result->signal);
  }();
  if (!error.empty()) note(error);
  if (ran && !lost && !slot.shutdown) {
    for (const auto& collect : options_.collect) {
      Status st = collect(job, token, dir.string(), exit_code);
      if (st.ok()) continue;
      note("collecting the job's outputs failed: " + st.message());
      if (exit_code == 0 && !timed_out) {
        exit_code = -1;
        error = "collecting the job's outputs failed: " + st.message();
      }
    }
  }
  if (slot.shutdown && !lost) note("the worker is stopping; the job is left to be queued again when its lease runs out");
  stop_reporter();
  if (issued && options_.revoke_token) options_.revoke_token(job, token);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (lost || slot.shutdown) return;
  for (int attempt = 0; attempt < 10; ++attempt) {
    Status st = queue_.Finish(job.id, me, exit_code, timed_out, error);
    if (st.ok() || st.code() != StatusCode::kUnavailable) {
      if (!st.ok()) log::Warn("job " + std::to_string(job.id) + ": finish: " + st.ToString());
      return;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  log::Warn("job " + std::to_string(job.id) + ": could not report how it ended; its lease will run out");
}

}  // namespace moebius::jobs
