// Where the CLI keeps its login: `$MOEBIUS_CONFIG_DIR/credentials.json` or
// `~/.config/moebius/credentials.json`, mode 0600, written atomically. MOEBIUS_SERVER and
// MOEBIUS_TOKEN in the environment override the file; --server and --token override both.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"

namespace moebius::cli {

struct Credentials {
  std::string server;
  std::string username;
  std::string token;
  std::string token_id;
};

std::string CredentialsPath();
Result<std::optional<Credentials>> LoadCredentials(const std::string& path);
Status SaveCredentials(const std::string& path, const Credentials& c);
Status RemoveCredentials(const std::string& path);

}  // namespace moebius::cli
