#include "store/blob/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/crypto.h"

namespace moebius::store {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what) { return Internal(what + ": " + std::strerror(errno)); }

Status WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("writing blob");
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status FsyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("opening " + dir.string());
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("fsync " + dir.string());
}

class FileBlobStore;

class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(const FileBlobStore& store, int fd, fs::path tmp, int64_t max_bytes)
      : store_(store), fd_(fd), tmp_(std::move(tmp)), max_bytes_(max_bytes) {}
  ~FileBlobWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!done_) {
      std::error_code ec;
      fs::remove(tmp_, ec);
    }
  }
  Status Append(std::string_view bytes) override {
    if (done_ || fd_ < 0) return FailedPrecondition("blob writer already finished");
    if (size_ + static_cast<int64_t>(bytes.size()) > max_bytes_)
      return TooLarge("upload exceeds " + std::to_string(max_bytes_) + " bytes");
    hash_.Update(bytes);
    size_ += static_cast<int64_t>(bytes.size());
    return WriteAll(fd_, bytes.data(), bytes.size());
  }
  Result<BlobInfo> Commit(std::string_view expected) override;

 private:
  const FileBlobStore& store_;
  int fd_;
  fs::path tmp_;
  int64_t max_bytes_;
  int64_t size_ = 0;
  bool done_ = false;
  Sha256 hash_;
};

class FileBlobStore final : public BlobStore {
 public:
  explicit FileBlobStore(fs::path root) : root_(std::move(root)) {}

  Status Init() {
    std::error_code ec;
    fs::create_directories(root_ / "sha256", ec);
    if (ec) return Internal("creating " + (root_ / "sha256").string() + ": " + ec.message());
    fs::create_directories(root_ / "tmp", ec);
    if (ec) return Internal("creating " + (root_ / "tmp").string() + ": " + ec.message());
    return Status::Ok();
  }

  Result<BlobInfo> Put(std::string_view bytes) override {
    ASSIGN_OR_RETURN(auto w, NewWriter(static_cast<int64_t>(bytes.size())));
    RETURN_IF_ERROR(w->Append(bytes));
    return w->Commit();
  }

  Result<std::unique_ptr<BlobWriter>> NewWriter(int64_t max_bytes) override {
    fs::path tmp = root_ / "tmp" / ("put-" + RandomHex(12));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("creating " + tmp.string());
    return std::unique_ptr<BlobWriter>(new FileBlobWriter(*this, fd, tmp, max_bytes));
  }

  Result<std::string> Get(std::string_view sha) const override {
    ASSIGN_OR_RETURN(std::string path, PathOf(sha));
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? NotFound("blob " + std::string(sha)) : Errno("opening blob");
    std::string out;
    char buf[1 << 16];
    while (true) {
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        ::close(fd);
        return Errno("reading blob");
      }
      if (r == 0) break;
      out.append(buf, static_cast<size_t>(r));
    }
    ::close(fd);
    return out;
  }

  bool Exists(std::string_view sha) const override {
    auto p = PathOf(sha);
    return p.ok() && ::access(p->c_str(), F_OK) == 0;
  }

  Result<std::string> PathOf(std::string_view sha) const override {
    if (!IsLowerHex(sha, 64)) return InvalidArgument("not a sha256 digest: '" + std::string(sha.substr(0, 80)) + "'");
    return (root_ / "sha256" / std::string(sha.substr(0, 2)) / std::string(sha.substr(2))).string();
  }

  Status Verify(std::string_view sha) const override {
    ASSIGN_OR_RETURN(std::string bytes, Get(sha));
    if (Sha256Hex(bytes) != sha) return Internal("blob " + std::string(sha) + " is corrupt: content hash differs");
    return Status::Ok();
  }

  Status Publish(const fs::path& tmp, const std::string& sha) const {
    fs::path dir = root_ / "sha256" / sha.substr(0, 2);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Internal("creating " + dir.string() + ": " + ec.message());
    fs::path final_path = dir / sha.substr(2);
    if (::access(final_path.c_str(), F_OK) == 0) {  // already stored once
      fs::remove(tmp, ec);
      return Status::Ok();
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) return Errno("publishing blob");
    return FsyncDir(dir);
  }

 private:
  fs::path root_;
};

Result<BlobInfo> FileBlobWriter::Commit(std::string_view expected) {
  if (done_) return FailedPrecondition("blob writer already finished");
  if (::fsync(fd_) != 0) return Errno("fsync blob");
  ::close(fd_);
  fd_ = -1;
  std::string sha = HexEncode(hash_.Finish());
  if (!expected.empty() && expected != sha)
    return InvalidArgument("content sha256 " + sha + " does not match the expected " + std::string(expected));
  RETURN_IF_ERROR(store_.Publish(tmp_, sha));
  done_ = true;
  return BlobInfo{sha, size_};
}

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& root) {
  auto s = std::make_unique<FileBlobStore>(root);
  RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<BlobStore>(std::move(s));
}

}  // namespace moebius::store
