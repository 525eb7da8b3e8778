#include "app/server_main.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stop_token>
#include <thread>

#include "api/http_server.h"
#include "api/metrics_registry.h"
#include "api/router.h"
#include "api/services.h"
#include "api/static_assets.h"
#include "app/demo.h"
#include "auth/audit_log.h"
#include "auth/auth_schema.h"
#include "auth/auth_service.h"
#include "cli/job_code_inputs.h"
#include "cli/job_environment.h"
#include "data/data_schema.h"
#include "data/data_store.h"
#include "data/sql/sql_source.h"
#include "data/upload_store.h"
#include "api/schedule_handlers.h"
#include "cli/job_data_inputs.h"
#include "envcode/code_store.h"
#include "envcode/environment_store.h"
#include "hpo/study_driver.h"
#include "orchestration/job_service.h"
#include "orchestration/schedule_runner.h"
#include "registry/registry_schema.h"
#include "registry/approvals.h"
#include "serving/async_inference.h"
#include "serving/serving_service.h"
#include "label/label_service.h"
#include "triton/repository_service.h"
#include "registry/registry_service.h"
#include "report/package_store.h"
#include "hpo/study_store.h"
#include "jobs/job_store.h"
#include "jobs/schedule_store.h"
#include "jobs/worker.h"
#include "report/package_store.h"
#include "pipeline/pipeline_scheduler.h"
#include "pipeline/pipeline_store.h"
#include "base/crypto.h"
#include "cli/job_step_io.h"
#include "base/log.h"
#include "base/strings.h"
#include "project/project_service.h"
#include "store/blob/blob_store.h"
#include "store/meta/data_dir.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"
#include "tracking/tracking_store.h"

namespace moebius::app {
namespace {

namespace fs = std::filesystem;


std::vector<store::Migration> AllMigrations() {
  std::vector<store::Migration> all;
  for (auto* part : {auth::AuthMigrations, project::ProjectMigrations, tracking::TrackingMigrations, data::DataMigrations,
                     jobs::JobMigrations, envcode::EnvironmentMigrations, envcode::CodeMigrations,
                     hpo::HpoMigrations, report::ReportMigrations, pipeline::PipelineMigrations,
                     registry::RegistryMigrations, serving::ServingMigrations, serving::CaptureMigrations, label::LabelMigrations}) {
    auto m = part();
    all.insert(all.end(), m.begin(), m.end());
  }
  return all;
}

Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& data_dir, bool durable) {
  // The data directory holds secrets: 0700, its database and keys 0600. Looser modes (an
  // older release made meta.db 0644) are fixed with a warning; unfixable ones stop the start.
  ASSIGN_OR_RETURN(std::vector<std::string> fixed, store::SecureDataDir(data_dir));
  for (const std::string& f : fixed) log::Warn("data directory: " + f);
  store::SqliteOptions options;
  options.synchronous_full = durable;
  ASSIGN_OR_RETURN(auto db, store::OpenSqlite((fs::path(data_dir) / "meta.db").string(), options));
  RETURN_IF_ERROR(store::Migrate(*db, AllMigrations()));
  return db;
}

Status WriteSecretFile(const fs::path& path, const std::string& content) {
  fs::path tmp = path.string() + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return Internal("cannot write " + tmp.string());
  ::fchmod(fileno(f), 0600);
  std::fputs(content.c_str(), f);
  std::fputc('\n', f);
  std::fflush(f);
  ::fsync(fileno(f));
  std::fclose(f);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Internal("cannot write " + path.string());
  return Status::Ok();
}

// A server secret kept in the data directory (mode 0600), created on first use.
Result<std::string> LoadOrCreateSecret(const fs::path& path) {
  std::ifstream in(path);
  std::string secret;
  if (in && std::getline(in, secret) && secret.size() >= 32) return secret;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Internal("cannot create " + path.parent_path().string());
  ::chmod(path.parent_path().c_str(), 0700);
  secret = RandomHex(32);
  RETURN_IF_ERROR(WriteSecretFile(path, secret));
  return secret;
}

// The `default` project holds experiments created through the MLflow API without a project
// (and MLflow's experiment 0).
Status EnsureDefaultProject(project::ProjectService& projects, tracking::TrackingStore& tracking) {
  auto existing = projects.GetProject("default");
  int64_t id = 0;
  if (existing.ok()) {
    id = existing->id;
  } else {
    ASSIGN_OR_RETURN(project::Project p, projects.CreateProject("default", "Default", "Experiments created through the MLflow API without a project.",
                                                                std::nullopt, "admin", nullptr));
    id = p.id;
  }
  return tracking.EnsureDefaultExperiment(id);
}

// The embedded web UI, with index.html as the fallback for client-side routes.
api::HttpResponse ServeWebUi(const api::HttpRequest& req) {
  if (req.method != "GET" && req.method != "HEAD") return api::ErrorResponse(NotFound("no such resource " + req.path));
  if (!api::HaveWebUi()) {
    api::HttpResponse r;
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "The web UI is not built into this binary. Build it with `make` (runs `npm run build` in web/).\n";
    return r;
  }
  std::string path = req.path == "/" ? "/index.html" : req.path;
  const api::StaticAsset* asset = api::FindStaticAsset(path);
  bool is_index = false;
  if (!asset) {
    if (StartsWith(path, "/assets/")) return api::ErrorResponse(NotFound("no such file " + path));
    asset = api::FindStaticAsset("/index.html");
    is_index = true;
  }
  if (!asset) return api::ErrorResponse(NotFound("no such file " + path));
  is_index = is_index || path == "/index.html";
  api::HttpResponse r;
  std::string etag = "\"" + std::string(asset->etag) + "\"";
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", is_index ? "no-cache" : "public, max-age=31536000, immutable");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  if (auto inm = req.Header("if-none-match"); inm && *inm == etag) {
    r.status = 304;
    r.content_type = std::string(asset->content_type);
    return r;
  }
  r.content_type = std::string(asset->content_type);
  r.body = std::string(asset->body);
  return r;
}

}  // namespace

int RunServer(const ServerConfig& config) {
  auto start = std::chrono::steady_clock::now();
  ::signal(SIGPIPE, SIG_IGN);
  if (!config.web_dir.empty()) {
    if (Status st = api::UseWebDirectory(config.web_dir); !st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  auto db_or = OpenDatabase(config.data_dir, config.durable_commits);
  if (!db_or.ok()) {
    std::fprintf(stderr, "error: %s\n", db_or.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<store::Database> db = std::move(db_or).value();
  auto blobs_or = store::OpenBlobStore((fs::path(config.data_dir) / "blobs").string());
  if (!blobs_or.ok()) {
    std::fprintf(stderr, "error: %s\n", blobs_or.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<store::BlobStore> blobs = std::move(blobs_or).value();
  const Clock& clock = SystemClock::Instance();
  // Password hashing runs on a pool of its own; at most half the HTTP threads may wait on it,
  // so a sign-in flood always leaves the other half to everyone else (docs/limits.md).
  const int http_threads = config.threads > 0 ? config.threads : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  auth::SignInPolicy sign_in;
  sign_in.max_waiting = std::max(1, http_threads / 2);
  sign_in.hash_threads = std::clamp(http_threads / 4, 1, 4);
  auth::AuthService auth(*db, clock, sign_in);
  auth::AuditLog audit(*db, clock);
  project::ProjectService projects(*db, clock);
  tracking::TrackingStore tracking(*db, *blobs, clock);
  api::MetricsRegistry metrics;
  auto pii_key = LoadOrCreateSecret(fs::path(config.data_dir) / "secrets" / "pii.key");
  if (!pii_key.ok()) {
    std::fprintf(stderr, "error: %s\n", pii_key.status().ToString().c_str());
    return 1;
  }
  data::DataStore data_store(*db, *blobs, clock, *pii_key);
  data::UploadStore uploads((fs::path(config.data_dir) / "uploads").string(), clock);
  if (Status st = uploads.Init(); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
    return 1;
  }

  data::SqlSources sql_sources(*db, clock, config.sql_source_roots);
  jobs::JobStore job_store(*db, clock);
  envcode::EnvironmentStore environments(*db, clock);
  envcode::CodeStore code(*db, *blobs, clock);
  hpo::StudyStore study_store(*db);
  // Every job submission (API, schedules, pipeline steps, study trials) goes through one service.
  orchestration::JobService job_service({job_store, tracking, data_store, environments, code, auth, projects, clock});
  hpo::StudyDriver study_driver(study_store, job_service, job_store, tracking, clock);
  pipeline::PipelineStore pipeline_store(*db, clock);
  pipeline::PipelineScheduler pipeline_scheduler(pipeline_store, job_service, job_store, tracking, *blobs, clock);
  report::PackageStore packages(*db);
  registry::RegistryStore registry_store(*db, clock);
  registry::RegistryService registry(registry_store, tracking, *blobs, packages, clock);
  registry::Approvals approvals(*db, registry_store, clock);
  triton::RepositoryService repositories(registry, *blobs, clock);
  serving::DeploymentStore deployment_store(*db, clock);
  // Captured inferences: zstd segments under <data>/capture, written off the request threads.
  serving::CaptureLog capture(*db, (fs::path(config.data_dir) / "capture").string(), clock);
  serving::ServingService serving(deployment_store, registry, capture, clock);
  serving::AsyncInference async_inference(serving, clock);
  label::LabelStore label_store(*db, clock);
  label::LabelService labeling(label_store, data_store);

  auto pw = auth.BootstrapAdmin();
  if (!pw.ok()) {
    std::fprintf(stderr, "error: creating the admin user: %s\n", pw.status().ToString().c_str());
    return 1;
  }
  if (pw->has_value()) {
    fs::path file = fs::path(config.data_dir) / "initial-admin-password";
    Status st = WriteSecretFile(file, **pw);
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
      return 1;
    }
    std::printf("created user 'admin' with password: %s\n(also written once to %s)\n", (*pw)->c_str(), file.c_str());
  }
  if (Status st = EnsureDefaultProject(projects, tracking); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
    return 1;
  }

  api::Services services{*db, *blobs, auth, audit, projects, tracking, metrics, clock,
                         api::ServerLimits{config.max_body_bytes, config.max_body_bytes}, data_store, uploads,
                         sql_sources, job_store, job_service, environments, code, pipeline_store, pipeline_scheduler, registry, approvals,
                         repositories, serving, async_inference};
  // Per-attempt job tokens (the submitter's, for embedded and remote workers alike), revoked when
  // the attempt ends however it ends; and a job's run gets the job's outcome.
  job_store.SetHooks(jobs::JobStoreHooks{
      .issue_token = [&auth](const jobs::Job& j, int64_t expires_at) -> Result<jobs::JobToken> {
        ASSIGN_OR_RETURN(auth::User u, auth.GetUser(j.created_by));
        if (u.disabled) return PermissionDenied("the job's submitter '" + u.username + "' is disabled");
        ASSIGN_OR_RETURN(auth::IssuedCredential c,
                         auth.CreateTokenUntil(u.id, "job-" + std::to_string(j.id) + "-" + std::to_string(j.attempts), expires_at));
        return jobs::JobToken{c.secret, c.id};
      },
      .revoke_token = [&auth](const jobs::Job& j, const std::string& credential_id) -> Status {
        ASSIGN_OR_RETURN(auth::User u, auth.GetUser(j.created_by));
        return auth.Revoke(u.id, credential_id);
      },
      .job_ended = [&job_service](const jobs::Job& j) { job_service.EndJobRun(j); },
  });
  api::Router router(auth, audit, metrics);
  api::RegisterAuthRoutes(router, services);
  api::RegisterProjectRoutes(router, services);
  api::RegisterTrackingRoutes(router, services);
  api::RegisterMlflowRoutes(router, services);
  api::RegisterArtifactRoutes(router, services);
  api::RegisterDataRoutes(router, services);
  api::RegisterJobRoutes(router, services);
  jobs::ScheduleStore schedules(*db, clock);
  api::RegisterScheduleRoutes(router, services, schedules);
  api::RegisterEvaluationRoutes(router, services);
  api::RegisterEnvironmentRoutes(router, services);
  api::RegisterCodeRoutes(router, services);
  api::RegisterStudyRoutes(router, services, study_store, study_driver);
  api::RegisterReportRoutes(router, services);
  api::RegisterPipelineRoutes(router, services);
  api::RegisterRegistryRoutes(router, services);
  api::RegisterMlflowRegistryRoutes(router, services);
  api::RegisterApprovalRoutes(router, services);
  api::RegisterTritonRoutes(router, services);
  api::RegisterServingRoutes(router, services);
  api::RegisterLabelRoutes(router, services, labeling);

  bool ready = false;
  auto route = [&](api::HttpRequest& req) -> api::HttpResponse {
    if (req.path == "/healthz") return api::JsonResponse(Json{{"status", "ok"}});
    if (req.path == "/readyz") {
      Status st = db->Read([](store::Tx& tx) { return tx.Query("SELECT 1").status(); });
      if (!ready || !st.ok()) return api::JsonResponse(Json{{"status", "not ready"}}, 503);
      return api::JsonResponse(Json{{"status", "ok"}});
    }
    if (req.path == "/metrics") {
      api::HttpResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics.RenderPrometheus();
      serving.RenderPrometheus(r.body);
      return r;
    }
    if (auto resp = router.Handle(req)) return std::move(*resp);
    return ServeWebUi(req);
  };
  // The access log: one line per request on stderr (request id, method, path, status, time).
  auto handler = [&](api::HttpRequest& req) -> api::HttpResponse {
    auto t0 = std::chrono::steady_clock::now();
    api::HttpResponse resp = route(req);
    if (config.access_log) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      char buf[64];
      std::snprintf(buf, sizeof buf, " %d %.2fms", resp.status, ms);
      log::Info("access " + req.request_id + " " + req.remote_addr + " " + req.method + " " + req.path + buf);
    }
    return resp;
  };

  api::HttpServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.max_body_bytes = config.max_body_bytes;
  // SIGINT/SIGTERM are blocked in every thread and taken by sigwait below, so shutdown runs in
  // ordinary code rather than in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto server_or = api::HttpServer::Start(options, handler);
  if (!server_or.ok()) {
    std::fprintf(stderr, "error: %s\n", server_or.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<api::HttpServer> server = std::move(server_or).value();
  ready = true;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::printf("listening on http://%s:%d\n", host.c_str(), server->port());
  std::fflush(stdout);
  log::Info("ready in " + std::to_string(static_cast<int>(ms)) + " ms; data in " + config.data_dir);
  // The demo runs through the API while the server already answers; it stops between steps on
  // shutdown and is joined before the services go away.
  std::atomic<bool> demo_stop{false};
  std::thread demo;
  if (config.demo) {
    std::string local = config.host == "0.0.0.0" || config.host == "::" ? "127.0.0.1" : host;
    demo = std::thread([&services, &config, &demo_stop, local, port = server->port()] {
      DemoContext ctx{services, "http://" + local + ":" + std::to_string(port), config.data_dir, demo_stop};
      Status st = RunDemo(ctx);
      if (!st.ok()) {
        std::printf("demo: stopped: %s\n", st.ToString().c_str());
        std::fflush(stdout);
        log::Warn("demo: " + st.ToString());
      }
    });
  }
  // The job reaper: jobs whose worker stopped heartbeating go back to the queue (or fail), and
  // jobs past their timeout end, every few seconds.
  std::jthread reaper([&job_store](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      auto reaped = job_store.ReapExpired();
      if (!reaped.ok()) log::Warn("job reaper: " + reaped.status().ToString());
      else if (*reaped > 0) log::Info("job reaper: " + std::to_string(*reaped) + " job(s) requeued, failed or timed out");
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, std::chrono::seconds(2), [] { return false; });
    }
  });
  // The scheduler: recurring jobs whose cron time has come are queued (each fire once; see
  // jobs/schedule_store.h), checked every 2 s.
  orchestration::ScheduleRunner schedule_runner(schedules, job_service, auth);
  std::jthread scheduler([&schedule_runner](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      schedule_runner.FireDue();
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, std::chrono::seconds(2), [] { return false; });
    }
  });
  // Deployments: canary steps, the end of blue-green windows and guardrails, checked every second.
  std::jthread deployments([&serving, &clock](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      serving.Tick(clock.NowMillis());
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
    }
  });
  // The study driver: keeps running studies' trials in flight as jobs and tells them their results.
  std::jthread studies([&study_driver](std::stop_token stop) { study_driver.Run(stop); });
  // The pipeline scheduler: queues steps whose inputs are ready, follows their jobs, ends runs.
  std::jthread pipelines([&pipeline_scheduler](std::stop_token stop) { pipeline_scheduler.Run(stop); });
  // The embedded worker pool: jobs run as children of the server. Each job gets a token of its
  // own for the user who submitted it (so it can do what they can, no more), revoked when it ends.
  jobs::LocalQueue local_queue(job_store);
  std::unique_ptr<jobs::Worker> worker;
  std::jthread worker_thread;
  if (config.workers > 0) {
    jobs::WorkerOptions wo;
    wo.name = jobs::DefaultWorkerName("server");
    wo.slots = config.workers;
    wo.capacity = jobs::MachineResources();
    wo.work_dir = config.work_dir.empty() ? (fs::path(config.data_dir) / "work").string() : config.work_dir;
    std::string self = config.host == "0.0.0.0" || config.host.empty() ? "127.0.0.1" : config.host == "::" ? "::1" : config.host;
    if (self.find(':') != std::string::npos) self = "[" + self + "]";
    wo.tracking_uri = "http://" + self + ":" + std::to_string(server->port());
    // Each claim carries the job's own token (the store's issue_token hook above).
    wo.prepare.push_back(cli::JobDataPreparer(wo.tracking_uri));
    wo.prepare.push_back(cli::CodeSnapshotPreparer(wo.tracking_uri));  // payload.code
    wo.prepare.push_back(cli::StepInputPreparer(wo.tracking_uri));     // pipeline step inputs
    wo.collect.push_back(cli::StepOutputCollector(wo.tracking_uri));   // pipeline step outputs
    wo.job_env = cli::EnvironmentResolver(wo.tracking_uri);             // payload.environment
    worker = std::make_unique<jobs::Worker>(local_queue, std::move(wo));
    worker_thread = std::jthread([&worker](std::stop_token stop) { worker->Run(stop); });
    log::Info("embedded worker " + worker->options().name + ": " + std::to_string(config.workers) + " slot(s), jobs run in " +
              worker->options().work_dir);
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::Info(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  demo_stop = true;
  if (worker_thread.joinable()) {
    worker_thread.request_stop();  // kills running jobs' process groups; their leases requeue them
    worker_thread.join();
  }
  reaper.request_stop();
  scheduler.request_stop();
  studies.request_stop();
  pipelines.request_stop();
  server->Stop();
  reaper.join();
  scheduler.join();
  studies.join();
  pipelines.join();
  if (demo.joinable()) demo.join();
  log::Info("stopped");
  return 0;
}

int RunAuditVerify(const std::string& data_dir) {
  if (!fs::exists(fs::path(data_dir) / "meta.db")) {
    std::fprintf(stderr, "error: no database in %s\n", data_dir.c_str());
    return 2;
  }
  auto db = OpenDatabase(data_dir, false);
  if (!db.ok()) {
    std::fprintf(stderr, "error: %s\n", db.status().ToString().c_str());
    return 2;
  }
  auth::AuditLog audit(**db, SystemClock::Instance());
  int64_t checked = 0;
  auto problems = audit.Verify(&checked);
  if (!problems.ok()) {
    std::fprintf(stderr, "error: %s\n", problems.status().ToString().c_str());
    return 2;
  }
  for (const auto& p : *problems) std::printf("row %lld: %s\n", static_cast<long long>(p.seq), p.problem.c_str());
  std::printf("%lld entries checked, %zu problem(s)\n", static_cast<long long>(checked), problems->size());
  return problems->empty() ? 0 : 1;
}

}  // namespace moebius::app

namespace moebius::app {

int RunFsck(const std::string& data_dir) {
  if (!fs::exists(fs::path(data_dir) / "meta.db")) {
    std::fprintf(stderr, "error: no database in %s\n", data_dir.c_str());
    return 2;
  }
  auto db = OpenDatabase(data_dir, false);
  auto blobs = store::OpenBlobStore((fs::path(data_dir) / "blobs").string());
  if (!db.ok() || !blobs.ok()) {
    std::fprintf(stderr, "error: %s\n", (!db.ok() ? db.status() : blobs.status()).ToString().c_str());
    return 1;  // a damaged pack index is a finding too
  }
  data::DataStore data_store(**db, **blobs, SystemClock::Instance());
  tracking::TrackingStore tracking(**db, **blobs, SystemClock::Instance());
  auto problems = data_store.Fsck();
  if (!problems.ok()) {
    std::fprintf(stderr, "error: %s\n", problems.status().ToString().c_str());
    return 2;
  }
  auto artifacts = tracking.AllArtifacts();
  if (artifacts.ok())
    for (const auto& [run, path, sha] : *artifacts)
      if (!(*blobs)->Exists(sha)) problems->push_back("run " + run + ": artifact '" + path + "' has no stored content " + sha);
  auto integrity = (*db)->IntegrityCheck();
  if (integrity.ok())
    for (const auto& p : *integrity) problems->push_back("meta.db: " + p);
  for (const auto& p : *problems) std::printf("%s\n", p.c_str());
  std::printf("fsck: %zu problem(s)\n", problems->size());
  return problems->empty() ? 0 : 1;
}

}  // namespace moebius::app
