#include "store/blob/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "base/crypto.h"
#include "base/thread_annotations.h"

namespace moebius::store {
namespace {

namespace fs = std::filesystem;

constexpr char kIdxMagic[8] = {'M', 'B', 'P', 'K', 'I', 'D', 'X', '1'};

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

Result<std::string> ReadRange(const std::string& path, int64_t offset, int64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? NotFound("missing file " + path) : Errno("opening " + path);
  std::string out(static_cast<size_t>(size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t r = ::pread(fd, out.data() + done, out.size() - done, offset + static_cast<off_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ::close(fd);
      return r == 0 ? Internal("short read in " + path) : Errno("reading " + path);
    }
    done += static_cast<size_t>(r);
  }
  ::close(fd);
  return out;
}

Result<std::string> ReadWhole(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? NotFound("missing file " + path) : Errno("stat " + path);
  return ReadRange(path, 0, st.st_size);
}

std::string DigestBytes(std::string_view hex) {
  std::string out(32, '\0');
  for (size_t i = 0; i < 32; ++i) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    out[i] = static_cast<char>(nib(hex[2 * i]) * 16 + nib(hex[2 * i + 1]));
  }
  return out;
}

struct PackLocation {
  uint32_t pack;  // index into packs_
  int64_t offset;
  int64_t size;
};

class FileBlobStore;

class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(const FileBlobStore& store, int fd, fs::path tmp, int64_t max_bytes)
      : store_(store), fd_(fd), tmp_(std::move(tmp)), tmp_string_(tmp_.string()), max_bytes_(max_bytes) {}
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
  const std::string& staged_path() const override { return tmp_string_; }
  int64_t size() const override { return size_; }

 private:
  const FileBlobStore& store_;
  int fd_;
  fs::path tmp_;
  std::string tmp_string_;
  int64_t max_bytes_;
  int64_t size_ = 0;
  bool done_ = false;
  Sha256 hash_;
};

class FilePackWriter;

class FileBlobStore final : public BlobStore {
 public:
  explicit FileBlobStore(fs::path root) : root_(std::move(root)) {}

  Status Init() {
    for (const char* sub : {"sha256", "tmp", "packs"}) {
      std::error_code ec;
      fs::create_directories(root_ / sub, ec);
      if (ec) return Internal("creating " + (root_ / sub).string() + ": " + ec.message());
    }
    std::vector<fs::path> idx;
    for (const auto& e : fs::directory_iterator(root_ / "packs"))
      if (e.path().extension() == ".idx") idx.push_back(e.path());
    std::sort(idx.begin(), idx.end());
    for (const auto& p : idx) RETURN_IF_ERROR(LoadIndex(p));
    return Status::Ok();
  }

  Result<BlobInfo> Put(std::string_view bytes) override {
    std::string sha = Sha256Hex(bytes);
    if (Exists(sha)) return BlobInfo{sha, static_cast<int64_t>(bytes.size())};
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

  Result<std::unique_ptr<PackWriter>> NewPack() override;

  Result<std::string> Get(std::string_view sha) const override {
    if (!IsLowerHex(sha, 64)) return InvalidArgument("not a sha256 digest: '" + std::string(sha.substr(0, 80)) + "'");
    if (auto loc = FindPacked(sha)) return ReadRange(PackPath(loc->pack), loc->offset, loc->size);
    auto r = ReadWhole(LoosePath(sha));
    if (!r.ok() && r.status().code() == StatusCode::kNotFound) return NotFound("blob " + std::string(sha));
    return r;
  }

  bool Exists(std::string_view sha) const override {
    if (!IsLowerHex(sha, 64)) return false;
    return FindPacked(sha).has_value() || ::access(LoosePath(sha).c_str(), F_OK) == 0;
  }

  Result<std::string> PathOf(std::string_view sha) const override {
    if (!IsLowerHex(sha, 64)) return InvalidArgument("not a sha256 digest: '" + std::string(sha.substr(0, 80)) + "'");
    if (FindPacked(sha)) return FailedPrecondition("blob " + std::string(sha) + " is stored in a pack");
    return LoosePath(sha);
  }

  Status Verify(std::string_view sha) const override {
    ASSIGN_OR_RETURN(std::string bytes, Get(sha));
    if (Sha256Hex(bytes) != sha) return Internal("blob " + std::string(sha) + " is corrupt: content hash differs");
    return Status::Ok();
  }

  Status ForEach(const std::function<Status(const BlobInfo&)>& fn) const override {
    std::vector<BlobInfo> packed;
    {
      std::shared_lock<std::shared_mutex> lock(mu_);
      packed.reserve(index_.size());
      for (const auto& [digest, loc] : index_)
        packed.push_back({HexEncode(reinterpret_cast<const uint8_t*>(digest.data()), 32), loc.size});
    }
    for (const auto& b : packed) RETURN_IF_ERROR(fn(b));
    std::error_code ec;
    for (const auto& dir : fs::directory_iterator(root_ / "sha256", ec)) {
      for (const auto& f : fs::directory_iterator(dir.path(), ec)) {
        std::string sha = dir.path().filename().string() + f.path().filename().string();
        if (!IsLowerHex(sha, 64)) continue;
        RETURN_IF_ERROR(fn({sha, static_cast<int64_t>(f.file_size(ec))}));
      }
    }
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

  // Called by a committed pack writer: makes its objects visible.
  void RegisterPack(const std::string& name, const std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>>& objects) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    uint32_t id = static_cast<uint32_t>(packs_.size());
    packs_.push_back(name);
    for (const auto& [digest, loc] : objects) index_.emplace(digest, PackLocation{id, loc.first, loc.second});
  }

  const fs::path& root() const { return root_; }

 private:
  std::string LoosePath(std::string_view sha) const {
    return (root_ / "sha256" / std::string(sha.substr(0, 2)) / std::string(sha.substr(2))).string();
  }
  std::string PackPath(uint32_t pack) const {
    std::shared_lock<std::shared_mutex> lock(mu_);
    return (root_ / "packs" / (packs_[pack] + ".pack")).string();
  }
  std::optional<PackLocation> FindPacked(std::string_view sha) const {
    std::string key = DigestBytes(sha);
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  // Index file: magic, uint64 count, count × (32-byte digest, int64 offset, int64 size), then
  // the SHA-256 of everything before it.
  Status LoadIndex(const fs::path& path) {
    ASSIGN_OR_RETURN(std::string bytes, ReadWhole(path.string()));
    const size_t kEntry = 48;
    if (bytes.size() < 16 + 32 || std::memcmp(bytes.data(), kIdxMagic, 8) != 0)
      return Internal("pack index " + path.string() + " is damaged (bad header)");
    uint64_t count = 0;
    std::memcpy(&count, bytes.data() + 8, 8);
    if (bytes.size() != 16 + count * kEntry + 32) return Internal("pack index " + path.string() + " is damaged (bad size)");
    std::string body = bytes.substr(0, bytes.size() - 32);
    auto sum = Sha256Of(body);
    if (std::memcmp(sum.data(), bytes.data() + body.size(), 32) != 0)
      return Internal("pack index " + path.string() + " is damaged (checksum)");
    std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> objects;
    objects.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      const char* e = bytes.data() + 16 + i * kEntry;
      int64_t off = 0, size = 0;
      std::memcpy(&off, e + 32, 8);
      std::memcpy(&size, e + 40, 8);
      objects.push_back({std::string(e, 32), {off, size}});
    }
    RegisterPack(path.stem().string(), objects);
    return Status::Ok();
  }

  fs::path root_;
  mutable std::shared_mutex mu_;
  std::vector<std::string> packs_ GUARDED_BY(mu_);
  std::unordered_map<std::string, PackLocation> index_ GUARDED_BY(mu_);  // raw 32-byte digest → location
};

class FilePackWriter final : public PackWriter {
 public:
  FilePackWriter(FileBlobStore& store, std::string name, int fd) : store_(store), name_(std::move(name)), fd_(fd) {
    buffer_.reserve(kBuffer);
  }
  ~FilePackWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!done_) {
      std::error_code ec;
      fs::remove(store_.root() / "packs" / (name_ + ".pack"), ec);
    }
  }

  Result<BlobInfo> Add(std::string_view bytes) override {
    if (done_) return FailedPrecondition("pack already committed");
    std::string sha = Sha256Hex(bytes);
    BlobInfo info{sha, static_cast<int64_t>(bytes.size())};
    std::string digest = DigestBytes(sha);
    if (seen_.count(digest) || store_.Exists(sha)) return info;
    seen_.insert(digest);
    objects_.push_back({digest, {offset_, info.size}});
    buffer_.append(bytes);
    offset_ += info.size;
    added_bytes_ += info.size;
    if (buffer_.size() >= kBuffer) RETURN_IF_ERROR(Flush());
    return info;
  }

  Status Commit() override {
    if (done_) return FailedPrecondition("pack already committed");
    RETURN_IF_ERROR(Flush());
    if (::fsync(fd_) != 0) return Errno("fsync pack");
    ::close(fd_);
    fd_ = -1;
    fs::path dir = store_.root() / "packs";
    if (objects_.empty()) {  // nothing new: no pack at all
      std::error_code ec;
      fs::remove(dir / (name_ + ".pack"), ec);
      done_ = true;
      return Status::Ok();
    }
    std::sort(objects_.begin(), objects_.end());
    std::string idx(kIdxMagic, 8);
    uint64_t count = objects_.size();
    idx.append(reinterpret_cast<const char*>(&count), 8);
    for (const auto& [digest, loc] : objects_) {
      idx += digest;
      idx.append(reinterpret_cast<const char*>(&loc.first), 8);
      idx.append(reinterpret_cast<const char*>(&loc.second), 8);
    }
    auto sum = Sha256Of(idx);
    idx.append(reinterpret_cast<const char*>(sum.data()), 32);
    fs::path tmp = dir / (name_ + ".idx.tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("creating " + tmp.string());
    Status st = WriteAll(fd, idx.data(), idx.size());
    if (st.ok() && ::fsync(fd) != 0) st = Errno("fsync pack index");
    ::close(fd);
    RETURN_IF_ERROR(st);
    if (::rename(tmp.c_str(), (dir / (name_ + ".idx")).c_str()) != 0) return Errno("publishing pack index");
    RETURN_IF_ERROR(FsyncDir(dir));
    store_.RegisterPack(name_, objects_);
    done_ = true;
    return Status::Ok();
  }

  int64_t added_objects() const override { return static_cast<int64_t>(objects_.size()); }
  int64_t added_bytes() const override { return added_bytes_; }

 private:
  static constexpr size_t kBuffer = 4 << 20;
  Status Flush() {
    Status st = WriteAll(fd_, buffer_.data(), buffer_.size());
    buffer_.clear();
    return st;
  }

  FileBlobStore& store_;
  std::string name_;
  int fd_;
  std::string buffer_;
  int64_t offset_ = 0;
  int64_t added_bytes_ = 0;
  bool done_ = false;
  std::unordered_set<std::string> seen_;
  std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> objects_;
};

Result<std::unique_ptr<PackWriter>> FileBlobStore::NewPack() {
  std::string name = "pack-" + RandomHex(12);
  fs::path path = root_ / "packs" / (name + ".pack");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("creating " + path.string());
  return std::unique_ptr<PackWriter>(new FilePackWriter(*this, name, fd));
}

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
