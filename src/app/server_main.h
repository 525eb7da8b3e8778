// `moebius server`: opens the data directory, migrates, wires the services and serves HTTP.
#pragma once

#include <string>

namespace moebius::app {

struct ServerConfig {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 0;
  size_t max_body_bytes = 64 << 20;
  bool durable_commits = false;  // fsync every commit (survives power loss, slower)
  bool demo = false;             // load the demo project on start
  bool access_log = true;        // one line per request on stderr
};

int RunServer(const ServerConfig& config);
// `moebius audit verify --data-dir DIR`: exit 0 when the chain is intact, 1 otherwise.
int RunAuditVerify(const std::string& data_dir);

}  // namespace moebius::app
