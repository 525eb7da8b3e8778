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

// The file's path from MOEBIUS_CONFIG_DIR, else HOME; never fails.
std::string CredentialsPath();

// nullopt when the file does not exist; kInvalidArgument when it is not a credentials file.
Result<std::optional<Credentials>> LoadCredentials(const std::string& path);

// Creates missing folders (mode 0700) and replaces the file atomically: a temporary file of
// mode 0600 is written, fsynced and renamed, so a reader sees the old file or the new one.
// kInternal when a folder or the file cannot be written; the old file is then untouched.
Status SaveCredentials(const std::string& path, const Credentials& c);

// Deletes the file; a file that is already gone is OK. kInternal when it cannot be removed.
Status RemoveCredentials(const std::string& path);

}  // namespace moebius::cli
