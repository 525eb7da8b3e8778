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
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Internal("cannot create " + fs::path(path).parent_path().string() + ": " + ec.message());
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::string body = Json{{"server", c.server}, {"username", c.username}, {"token", c.token}, {"token_id", c.token_id}}.dump(2) + "\n";
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && ::fsync(fd) == 0;
  ::close(fd);
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
