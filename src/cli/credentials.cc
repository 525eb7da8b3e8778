#include "cli/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/json.h"

namespace moebius::cli {

namespace fs = std::filesystem;

std::string CredentialsPath() {
  if (const char* dir = std::getenv("MOEBIUS_CONFIG_DIR"); dir && *dir) return (fs::path(dir) / "credentials.json").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : ".") / ".config" / "moebius" / "credentials.json").string();
}

Result<std::optional<Credentials>> LoadCredentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::optional<Credentials>();
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = ParseJson(ss.str());
  if (!j.ok() || !j->is_object()) return InvalidArgument(path + " is not a credentials file; run `moebius login` again");
  Credentials c;
  c.server = j->value("server", "");
  c.username = j->value("username", "");
  c.token = j->value("token", "");
  c.token_id = j->value("token_id", "");
  return std::optional<Credentials>(c);
}

Status SaveCredentials(const std::string& path, const Credentials& c) {
  fs::path dir = fs::path(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    fs::path created;
    // Create one level at a time so each new folder gets 0700 (the token is a secret).
    for (const auto& part : dir) {
      created /= part;
      if (fs::exists(created, ec)) continue;
      if (::mkdir(created.c_str(), 0700) != 0 && errno != EEXIST)
        return Internal("cannot create " + created.string() + ": " + std::strerror(errno));
    }
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write " + tmp + ": " + std::strerror(errno));
  std::string body = Json{{"server", c.server}, {"username", c.username}, {"token", c.token}, {"token_id", c.token_id}}.dump(2) + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
            ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Internal("cannot write " + path);
  }
  return Status::Ok();
}

Status RemoveCredentials(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Internal("cannot remove " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace moebius::cli
