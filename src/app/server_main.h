// `moebius server`: opens the data directory, migrates, wires the services and serves HTTP.
#pragma once

#include <string>
#include <vector>

namespace moebius::app {

struct ServerConfig {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 0;
  size_t max_body_bytes = 64 << 20;
  bool durable_commits = false;  // fsync every commit (survives power loss, slower)
  bool demo = false;             // load the demo project on start
  std::string web_dir;           // --web-dir: the UI from a folder instead of the embedded copy
  bool access_log = true;        // one line per request on stderr
  // Directories SQLite files of SQL sources may lie under (--sql-source-root); none: refused.
  std::vector<std::string> sql_source_roots;
  // Embedded job worker slots (--workers); 0 disables them (then only `moebius worker` runs jobs).
  int workers = 1;
  std::string work_dir;  // where embedded jobs run (--work-dir); empty: <data-dir>/work
};

int RunServer(const ServerConfig& config);
// `moebius audit verify --data-dir DIR`: exit 0 when the chain is intact, 1 otherwise.
int RunAuditVerify(const std::string& data_dir);
// `moebius fsck --data-dir DIR`: re-hashes every blob, reads every manifest and delta, and checks
// that every item and artifact has its content. Exit 0 when clean, 1 with one line per problem.
int RunFsck(const std::string& data_dir);

}  // namespace moebius::app
