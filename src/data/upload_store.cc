#include "data/upload_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/crypto.h"

namespace moebius::data {
namespace {
namespace fs = std::filesystem;
constexpr int64_t kStaleMs = 24LL * 3600 * 1000;

Status WriteFileDurably(const fs::path& path, std::string_view bytes) {
  fs::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write " + tmp.string() + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Internal("writing " + tmp.string() + ": " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Internal("fsync " + tmp.string());
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Internal("rename " + tmp.string());
  return Status::Ok();
}
}  // namespace

std::string UploadStore::Dir(const std::string& id) const { return (fs::path(root_) / id).string(); }

Status UploadStore::Init() {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) return Internal("cannot create " + root_ + ": " + ec.message());
  int64_t now = clock_.NowMillis();
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    std::ifstream meta(e.path() / "upload.json");
    Json j = Json::parse(meta, nullptr, false);
    int64_t created = j.is_object() ? j.value("created_at", int64_t{0}) : 0;
    if (now - created > kStaleMs) fs::remove_all(e.path(), ec);
  }
  return Status::Ok();
}

Result<UploadInfo> UploadStore::Create(int64_t dataset_id, const std::string& user) {
  UploadInfo info{RandomHex(12), dataset_id, user, clock_.NowMillis(), {}};
  std::error_code ec;
  fs::create_directories(Dir(info.id), ec);
  if (ec) return Internal("cannot create upload directory: " + ec.message());
  RETURN_IF_ERROR(WriteFileDurably(fs::path(Dir(info.id)) / "upload.json",
                                   Json{{"dataset_id", dataset_id}, {"user", user}, {"created_at", info.created_at}}.dump()));
  return info;
}

Result<UploadInfo> UploadStore::Get(int64_t dataset_id, const std::string& id) {
  if (!IsLowerHex(id, 24)) return NotFound("upload '" + id.substr(0, 40) + "' does not exist");
  std::ifstream meta(fs::path(Dir(id)) / "upload.json");
  Json j = Json::parse(meta, nullptr, false);
  if (!j.is_object() || j.value("dataset_id", int64_t{-1}) != dataset_id) return NotFound("upload '" + id + "' does not exist");
  UploadInfo info{id, dataset_id, j.value("user", ""), j.value("created_at", int64_t{0}), {}};
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(Dir(id), ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("part-", 0) != 0 || name.find(".tmp") != std::string::npos) continue;
    info.parts.push_back({std::atoi(name.c_str() + 5), static_cast<int64_t>(e.file_size(ec))});
  }
  std::sort(info.parts.begin(), info.parts.end());
  return info;
}

Status UploadStore::PutPart(int64_t dataset_id, const std::string& id, int64_t part, std::string_view bytes) {
  RETURN_IF_ERROR(Get(dataset_id, id).status());
  if (part < 1 || part > kMaxParts)
    return InvalidArgument("part number " + std::to_string(part) + " is out of range: parts run from 1 to " + std::to_string(kMaxParts));
  if (static_cast<int64_t>(bytes.size()) > kMaxPartBytes) return TooLarge("a part may hold at most 64 MiB");
  char name[32];
  std::snprintf(name, sizeof name, "part-%06d", static_cast<int>(part));
  return WriteFileDurably(fs::path(Dir(id)) / name, bytes);
}

Result<std::string> UploadStore::Assemble(int64_t dataset_id, const std::string& id) {
  ASSIGN_OR_RETURN(UploadInfo info, Get(dataset_id, id));
  if (info.parts.empty()) return InvalidArgument("upload " + id + " has no parts");
  for (size_t i = 0; i < info.parts.size(); ++i)
    if (info.parts[i].first != static_cast<int>(i + 1)) return InvalidArgument("upload " + id + " is missing part " + std::to_string(i + 1));
  fs::path out = fs::path(Dir(id)) / "assembled";
  std::ofstream o(out, std::ios::binary | std::ios::trunc);
  for (const auto& [n, size] : info.parts) {
    char name[32];
    std::snprintf(name, sizeof name, "part-%06d", n);
    std::ifstream in(fs::path(Dir(id)) / name, std::ios::binary);
    if (in.peek() != std::ifstream::traits_type::eof()) o << in.rdbuf();  // an empty part writes nothing
  }
  o.close();
  if (!o) return Internal("cannot assemble upload " + id);
  return out.string();
}

Status UploadStore::Remove(const std::string& id) {
  if (!IsLowerHex(id, 24)) return Status::Ok();
  std::error_code ec;
  fs::remove_all(Dir(id), ec);
  return Status::Ok();
}

}  // namespace moebius::data
