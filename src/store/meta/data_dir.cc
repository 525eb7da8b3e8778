#include "store/meta/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace moebius::store {
namespace {

namespace fs = std::filesystem;

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Tightens `path` to `want` when group or others have access; missing paths are fine.
Status Tighten(const fs::path& path, mode_t want, std::vector<std::string>* fixed) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Internal("cannot stat " + path.string() + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) return FailedPrecondition(path.string() + " is a symbolic link; the data directory's own files must not be");
  if ((st.st_mode & 077) == 0) return Status::Ok();
  if (::chmod(path.c_str(), want) != 0)
    return FailedPrecondition(path.string() + " has mode " + Octal(st.st_mode) + " (open to other users) and cannot be made " +
                              Octal(want) + ": " + std::strerror(errno) + "; run the server as the owner of its data directory");
  fixed->push_back(path.string() + " was " + Octal(st.st_mode) + ", now " + Octal(want));
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> SecureDataDir(const std::string& dir) {
  std::vector<std::string> fixed;
  fs::path root(dir);
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    fs::create_directories(root, ec);
    if (ec) return Internal("cannot create data directory " + dir + ": " + ec.message());
    if (::chmod(root.c_str(), 0700) != 0) return Internal("cannot set the mode of " + dir + ": " + std::strerror(errno));
    return fixed;
  }
  RETURN_IF_ERROR(Tighten(root, 0700, &fixed));
  for (const char* name : {"meta.db", "meta.db-wal", "meta.db-shm", "meta.db-journal", "initial-admin-password"})
    RETURN_IF_ERROR(Tighten(root / name, 0600, &fixed));
  fs::path secrets = root / "secrets";
  RETURN_IF_ERROR(Tighten(secrets, 0700, &fixed));
  if (fs::is_directory(secrets, ec))
    for (const auto& e : fs::directory_iterator(secrets, ec))
      if (e.is_regular_file(ec)) RETURN_IF_ERROR(Tighten(e.path(), 0600, &fixed));
  return fixed;
}

}  // namespace moebius::store
