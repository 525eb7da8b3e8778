// The moebius binary: `server`, `worker`, `audit verify` and `permissions` run here; every other command
// is the CLI, a client of the REST API (src/cli).
#include <clocale>
#include <cstdio>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>

#include "app/server_main.h"
#include "auth/permissions.h"
#include "cli/cli.h"
#include "cli/worker_command.h"

namespace {

int ServerCommand(int argc, char** argv) {
  moebius::app::ServerConfig config;
  CLI::App app{"moebius server: the control plane (REST API, web UI)"};
  app.add_option("--data-dir", config.data_dir, "directory for meta.db and blobs")->capture_default_str();
  app.add_option("--host", config.host, "address to listen on")->capture_default_str();
  app.add_option("--port", config.port, "port to listen on; 0 picks a free port")->capture_default_str();
  app.add_option("--threads", config.threads, "HTTP threads; 0 = one per core");
  size_t max_body_mb = config.max_body_bytes >> 20;
  app.add_option("--max-body-mb", max_body_mb, "largest request body accepted, MiB")->capture_default_str();
  app.add_flag("--durable", config.durable_commits, "fsync every commit (survives power loss; slower)");
  app.add_flag("--demo", config.demo, "load the demo project on start");
  app.add_option("--sql-source-root", config.sql_source_roots,
                 "a directory whose SQLite files projects may query as SQL sources (repeatable; default: none, SQLite sources refused)");
  app.add_option("--workers", config.workers, "embedded job worker slots; 0 = none (jobs then need `moebius worker`)")
      ->capture_default_str()->check(CLI::Range(0, 256));
  app.add_option("--work-dir", config.work_dir, "where embedded workers run jobs (default: <data-dir>/work)");
  app.add_option("--web-dir", config.web_dir, "serve the web UI from this folder (a `npm run build` output) instead of the built-in copy");
  bool no_access_log = false;
  app.add_flag("--no-access-log", no_access_log, "do not log one line per request");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  config.max_body_bytes = max_body_mb << 20;
  config.access_log = !no_access_log;
  return moebius::app::RunServer(config);
}

int AuditCommand(int argc, char** argv) {
  CLI::App app{"moebius audit verify: check the hash chain of the audit log"};
  std::string data_dir = "./data";
  auto* verify = app.add_subcommand("verify", "walk the chain and report edited, inserted or deleted rows");
  verify->add_option("--data-dir", data_dir, "the server's data directory")->capture_default_str();
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return moebius::app::RunAuditVerify(data_dir);
}

int FsckCommand(int argc, char** argv) {
  CLI::App app{"moebius fsck: check every blob, manifest, item and artifact of a data directory"};
  std::string data_dir = "./data";
  app.add_option("--data-dir", data_dir, "the server's data directory")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return moebius::app::RunFsck(data_dir);
}

}  // namespace

int main(int argc, char** argv) {
  // Item paths are UTF-8; libarchive converts names through the C library's locale.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  if (argc >= 2) {
    std::string cmd = argv[1];
    if (cmd == "server") return ServerCommand(argc - 1, argv + 1);
    if (cmd == "worker") return moebius::cli::RunWorkerCommand(argc - 1, argv + 1);
    if (cmd == "audit") return AuditCommand(argc - 1, argv + 1);
    if (cmd == "fsck") return FsckCommand(argc - 1, argv + 1);
    if (cmd == "permissions") {
      std::fputs(moebius::auth::RenderPermissionsMarkdown().c_str(), stdout);
      return 0;
    }
  }
  return moebius::cli::RunCli(argc, argv);
}
