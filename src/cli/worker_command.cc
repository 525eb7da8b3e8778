#include "cli/worker_command.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "base/log.h"
#include "cli/credentials.h"
#include "cli/job_data_inputs.h"
#include "cli/job_code_inputs.h"
#include "cli/job_environment.h"
#include "cli/job_step_io.h"
#include "cli/remote_queue.h"
#include "jobs/worker.h"

namespace moebius::cli {

int RunWorkerCommand(int argc, char** argv) {
  jobs::Resources machine = jobs::MachineResources();
  std::string server, token, work_dir = "./moebius-work", name;
  int slots = 1;
  int64_t lease_s = 30;
  int64_t max_data_bytes = kMaxJobDataBytes;
  double cpus = machine.cpus;
  int64_t memory_mb = machine.memory_mb, gpus = machine.gpus;
  CLI::App app{"moebius worker: run the jobs of a Moebius server on this machine"};
  app.add_option("--server", server, "server URL (default: MOEBIUS_SERVER or `moebius login`)");
  app.add_option("--token", token, "API token with worker.run, e.g. an operator's (default: MOEBIUS_TOKEN or `moebius login`)");
  app.add_option("--slots", slots, "jobs at once")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--cpus", cpus, "CPUs offered to jobs (default: this machine's cores)")->capture_default_str()->check(CLI::Range(0.0, 1024.0));
  app.add_option("--memory-mb", memory_mb, "memory offered to jobs, MiB (default: this machine's)")->capture_default_str()->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  app.add_option("--gpus", gpus, "GPUs offered to jobs (default: /dev/nvidia* devices)")->capture_default_str()->check(CLI::Range(int64_t{0}, int64_t{64}));
  app.add_option("--work-dir", work_dir, "folder under which each job gets a fresh working directory")->capture_default_str();
  app.add_option("--name", name, "worker name shown on its jobs (default: worker@HOST:PID)");
  app.add_option("--lease-s", lease_s, "lease per claim, seconds; a job of a worker silent this long is retried elsewhere")
      ->capture_default_str()->check(CLI::Range(int64_t{3}, int64_t{3600}));
  app.add_option("--max-data-bytes", max_data_bytes, "most bytes of data versions (payload.data) one job may download")
      ->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (server.empty()) if (const char* e = std::getenv("MOEBIUS_SERVER")) server = e;
  if (token.empty()) if (const char* e = std::getenv("MOEBIUS_TOKEN")) token = e;
  if (server.empty() || token.empty()) {
    auto creds = LoadCredentials(CredentialsPath());
    if (creds.ok() && *creds) {
      if (server.empty()) server = (*creds)->server;
      if (token.empty()) token = (*creds)->token;
    }
  }
  if (server.empty()) {
    std::fprintf(stderr, "error: --server URL is required (or MOEBIUS_SERVER, or `moebius login`)\n");
    return 2;
  }
  while (!server.empty() && server.back() == '/') server.pop_back();
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) {
    std::fprintf(stderr, "error: cannot create the work directory %s: %s\n", work_dir.c_str(), ec.message().c_str());
    return 1;
  }
  work_dir = std::filesystem::absolute(work_dir).string();

  RemoteQueue queue(server, token);
  // A claim that nothing fits checks the server and the token's worker.run permission.
  auto probe = queue.Claim(name.empty() ? "probe" : name, jobs::Resources{0, 0, 0}, lease_s * 1000);
  if (!probe.ok()) {
    std::fprintf(stderr, "error: %s\n", probe.status().message().c_str());
    return 1;
  }

  jobs::WorkerOptions wo;
  wo.name = name.empty() ? jobs::DefaultWorkerName("worker") : name;
  wo.slots = slots;
  wo.capacity = {cpus, memory_mb, gpus};
  wo.lease_ms = lease_s * 1000;
  wo.work_dir = work_dir;
  wo.tracking_uri = server;
  // Jobs never get this worker's own token: each claim carries a token the server issued for the
  // job's submitter, revoked when the attempt ends (docs/design/jobs.md, security notes).
  wo.prepare.push_back(JobDataPreparer(server, max_data_bytes));
  wo.prepare.push_back(CodeSnapshotPreparer(wo.tracking_uri));  // payload.code
  wo.prepare.push_back(StepInputPreparer(wo.tracking_uri));     // pipeline step inputs
  wo.collect.push_back(StepOutputCollector(wo.tracking_uri));   // pipeline step outputs
  wo.job_env = EnvironmentResolver(wo.tracking_uri);             // payload.environment

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  jobs::Worker worker(queue, wo);
  std::printf("worker %s serving %s: %d slot(s), %.6g cpus, %lld MiB, %lld gpus; jobs run under %s\n", wo.name.c_str(), server.c_str(),
              slots, cpus, static_cast<long long>(memory_mb), static_cast<long long>(gpus), work_dir.c_str());
  std::fflush(stdout);
  std::jthread runner([&worker](std::stop_token stop) { worker.Run(stop); });
  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::Info(std::string("worker stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + "; running jobs are stopped and will be retried");
  runner.request_stop();
  runner.join();
  return 0;
}

}  // namespace moebius::cli
