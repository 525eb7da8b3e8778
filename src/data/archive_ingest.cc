#include "data/archive_ingest.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <utility>

#include "base/json.h"
#include "base/strings.h"

namespace moebius::data {
namespace {

constexpr int64_t kPackThreshold = 16 << 20;  // larger items are streamed into loose blobs
constexpr size_t kPiece = 1 << 20;

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string NormalizeEntryPath(std::string p) {
  while (StartsWith(p, "./")) p = p.substr(2);
  return p;
}

std::string Bytes(int64_t n) {
  char buf[32];
  if (n >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(n) / (1LL << 30));
  else if (n >= (1LL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1LL << 20));
  else std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(n));
  return buf;
}

// What one upload may unpack to (IngestLimits), counted as bytes arrive; the error names the
// entry that crossed a limit.
class UnpackBudget {
 public:
  UnpackBudget(const IngestLimits& limits, int64_t packed_bytes, std::string upload)
      : limits_(limits), packed_(std::max<int64_t>(packed_bytes, 1)), upload_(std::move(upload)) {}

  Status Add(const std::string& entry, int64_t item_before, int64_t n) {
    total_ += n;
    if (item_before + n > limits_.max_item_bytes)
      return TooLarge(upload_ + ": entry '" + entry + "' is larger than the item limit of " + Bytes(limits_.max_item_bytes));
    if (total_ > limits_.max_total_bytes)
      return TooLarge(upload_ + ": entry '" + entry + "' takes the upload past its limit of " + Bytes(limits_.max_total_bytes) +
                      " unpacked");
    if (total_ > limits_.ratio_free_bytes && total_ / packed_ >= limits_.max_expansion_ratio)
      return TooLarge(upload_ + ": entry '" + entry + "' unpacks the upload to more than " +
                      std::to_string(limits_.max_expansion_ratio) + " times its " + Bytes(packed_) +
                      " (the expansion limit for archives)");
    return Status::Ok();
  }

 private:
  const IngestLimits& limits_;
  const int64_t packed_;
  const std::string upload_;
  int64_t total_ = 0;
};

// One item on its way into the store: held in memory while it fits a pack, streamed into a
// blob writer (and checked from its staged file) once it outgrows that.
class ItemSink {
 public:
  ItemSink(store::BlobStore& blobs, UnpackBudget& budget, std::string& buffer, std::string path, int64_t max_bytes)
      : blobs_(blobs), budget_(budget), buffer_(buffer), path_(std::move(path)), max_bytes_(max_bytes) {
    buffer_.clear();
  }

  Status Append(std::string_view piece) {
    RETURN_IF_ERROR(budget_.Add(path_, size_, static_cast<int64_t>(piece.size())));
    size_ += static_cast<int64_t>(piece.size());
    if (!writer_ && static_cast<int64_t>(buffer_.size() + piece.size()) <= kPackThreshold) {
      buffer_.append(piece);
      return Status::Ok();
    }
    if (!writer_) {
      ASSIGN_OR_RETURN(writer_, blobs_.NewWriter(max_bytes_));
      RETURN_IF_ERROR(writer_->Append(buffer_));
      buffer_.clear();
    }
    return writer_->Append(piece);
  }

  // Checks the content, then stores it (small items in `pack`).
  Result<ManifestEntry> Finish(const ContentCheck& check, store::PackWriter& pack) {
    if (check) {
      ItemContent content = writer_ ? ItemContent::InFile(writer_->staged_path(), size_) : ItemContent::InMemory(buffer_);
      RETURN_IF_ERROR(check(path_, content));
    }
    store::BlobInfo info;
    if (writer_) {
      ASSIGN_OR_RETURN(info, writer_->Commit());
    } else {
      ASSIGN_OR_RETURN(info, pack.Add(buffer_));
    }
    return ManifestEntry{path_, info.sha256, info.size, "{}"};
  }

 private:
  store::BlobStore& blobs_;
  UnpackBudget& budget_;
  std::string& buffer_;
  std::string path_;
  int64_t max_bytes_;
  int64_t size_ = 0;
  std::unique_ptr<store::BlobWriter> writer_;
};

int64_t FileSize(const std::string& file) {
  std::error_code ec;
  auto n = std::filesystem::file_size(file, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

Result<std::vector<ManifestEntry>> IngestFile(store::BlobStore& blobs, const std::string& file, const std::string& display_name,
                                              const ContentCheck& check, const IngestLimits& limits) {
  RETURN_IF_ERROR(ValidateItemPath(display_name));
  std::ifstream in(file, std::ios::binary);
  if (!in) return Internal("cannot read the staged upload " + file);
  ASSIGN_OR_RETURN(auto pack, blobs.NewPack());
  UnpackBudget budget(limits, FileSize(file), display_name);
  std::string buffer;
  ItemSink sink(blobs, budget, buffer, display_name, limits.max_item_bytes);
  std::string piece(kPiece, '\0');
  while (in) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (in.gcount() > 0) RETURN_IF_ERROR(sink.Append(std::string_view(piece.data(), static_cast<size_t>(in.gcount()))));
  }
  if (in.bad()) return Internal("cannot read the staged upload " + file);
  ASSIGN_OR_RETURN(ManifestEntry entry, sink.Finish(check, *pack));
  RETURN_IF_ERROR(pack->Commit());
  return std::vector<ManifestEntry>{std::move(entry)};
}

std::string ArchiveError(archive* a, const char* fallback) {
  const char* e = archive_error_string(a);
  return e ? e : fallback;
}

}  // namespace

Status ItemContent::ForEachPiece(const std::function<Status(std::string_view)>& fn) const {
  if (in_memory()) {
    for (size_t at = 0; at < bytes_.size(); at += kPiece) RETURN_IF_ERROR(fn(bytes_.substr(at, kPiece)));
    return Status::Ok();
  }
  std::ifstream in(file_, std::ios::binary);
  if (!in) return Internal("cannot read the staged item " + file_);
  std::string piece(kPiece, '\0');
  while (in) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (in.gcount() > 0) RETURN_IF_ERROR(fn(std::string_view(piece.data(), static_cast<size_t>(in.gcount()))));
  }
  if (in.bad()) return Internal("cannot read the staged item " + file_);
  return Status::Ok();
}

Result<std::string> ItemContent::Prefix(size_t n) const {
  if (in_memory()) return std::string(bytes_.substr(0, n));
  std::ifstream in(file_, std::ios::binary);
  if (!in) return Internal("cannot read the staged item " + file_);
  std::string out(n, '\0');
  in.read(out.data(), static_cast<std::streamsize>(n));
  if (in.bad()) return Internal("cannot read the staged item " + file_);
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

Result<std::vector<ManifestEntry>> IngestUpload(store::BlobStore& blobs, const std::string& file, const std::string& format,
                                                const std::string& display_name, const ContentCheck& check,
                                                const IngestLimits& limits) {
  if (format == "file") return IngestFile(blobs, file, display_name, check, limits);
  if (format != "archive") return InvalidArgument("format must be 'archive' or 'file', got '" + format + "'");

  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_7zip(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    return InvalidArgument(display_name + " is not a readable archive: " + ArchiveError(a.get(), "unknown format"));
  ASSIGN_OR_RETURN(auto pack, blobs.NewPack());
  UnpackBudget budget(limits, FileSize(file), display_name);
  std::vector<ManifestEntry> entries;
  std::string buffer;
  std::string chunk(256 << 10, '\0');
  archive_entry* entry = nullptr;
  while (true) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      return InvalidArgument(display_name + " is corrupt after " + std::to_string(entries.size()) + " files: " +
                             ArchiveError(a.get(), "read error"));
    const char* raw_name = archive_entry_pathname_utf8(entry);
    if (!raw_name) raw_name = archive_entry_pathname(entry);
    std::string name = raw_name ? raw_name : "";
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG || archive_entry_hardlink(entry))
      return InvalidArgument(display_name + ": entry '" + name + "' is a link or special file; only regular files can be ingested");
    if (!name.empty() && name.front() == '/') return InvalidArgument(display_name + ": entry '" + name + "' has an absolute path");
    std::string path = NormalizeEntryPath(name);
    Status valid = ValidateItemPath(path);
    if (!valid.ok()) return InvalidArgument(display_name + ": entry '" + name + "': " + valid.message());
    if (static_cast<int64_t>(entries.size()) >= limits.max_items) return TooLarge(display_name + " has more than " + std::to_string(limits.max_items) + " files");
    int64_t size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
    if (size > limits.max_item_bytes)
      return TooLarge(display_name + ": entry '" + path + "' is larger than the item limit of " + Bytes(limits.max_item_bytes));

    ItemSink sink(blobs, budget, buffer, path, limits.max_item_bytes);
    while (true) {
      la_ssize_t n = archive_read_data(a.get(), chunk.data(), chunk.size());
      if (n < 0) return InvalidArgument(display_name + ": entry '" + path + "' is corrupt: " + ArchiveError(a.get(), "read error"));
      if (n == 0) break;
      RETURN_IF_ERROR(sink.Append(std::string_view(chunk.data(), static_cast<size_t>(n))));
    }
    ASSIGN_OR_RETURN(ManifestEntry stored, sink.Finish(check, *pack));
    entries.push_back(std::move(stored));
  }
  if (entries.empty()) return InvalidArgument(display_name + " contains no files");
  RETURN_IF_ERROR(SortEntries(entries).WithContext(display_name));
  RETURN_IF_ERROR(pack->Commit());
  return entries;
}

std::string ManifestJsonl(const std::vector<ManifestEntry>& entries) {
  std::string out;
  for (const ManifestEntry& e : entries) {
    Json meta = Json::parse(e.meta, nullptr, false);
    if (meta.is_discarded() || !meta.is_object()) meta = Json::object();
    out += Json{{"path", e.path}, {"sha256", e.sha256}, {"size", e.size}, {"meta", meta}}.dump();
    out += '\n';
  }
  return out;
}

TarStream::TarStream(store::BlobStore& blobs, std::vector<ManifestEntry> entries, size_t piece_bytes, bool manifest_sidecar)
    : blobs_(blobs), entries_(std::move(entries)), piece_bytes_(piece_bytes), manifest_sidecar_(manifest_sidecar) {}

TarStream::~TarStream() {
  if (archive_) archive_write_free(archive_);
}

Status TarStream::Open() {
  if (manifest_sidecar_)
    for (const ManifestEntry& e : entries_)
      if (e.path == kManifestSidecarPath)
        return FailedPrecondition(std::string("this version has an item at ") + kManifestSidecarPath +
                                  ", so its archive cannot carry the manifest sidecar");
  archive_ = archive_write_new();
  archive_write_set_format_pax_restricted(archive_);
  auto write_cb = [](archive*, void* ud, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(ud)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  archive_write_set_bytes_in_last_block(archive_, 1);
  if (archive_write_open(archive_, &out_, nullptr, write_cb, nullptr) != ARCHIVE_OK)
    return Internal(std::string("tar writer: ") + archive_error_string(archive_));
  return Status::Ok();
}

Status TarStream::WriteEntry(const std::string& path, const std::string& bytes) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname_utf8(entry, path.c_str());
  archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_mtime(entry, 0, 0);
  int rc = archive_write_header(archive_, entry);
  archive_entry_free(entry);
  if (rc != ARCHIVE_OK) return Internal(std::string("tar writer: ") + archive_error_string(archive_));
  if (archive_write_data(archive_, bytes.data(), bytes.size()) < 0) return Internal(std::string("tar writer: ") + archive_error_string(archive_));
  return Status::Ok();
}

Result<std::string> TarStream::Next() {
  if (!archive_) RETURN_IF_ERROR(Open());
  while (out_.size() < piece_bytes_ && !closed_) {
    if (next_ == entries_.size()) {
      if (manifest_sidecar_) {
        RETURN_IF_ERROR(WriteEntry(kManifestSidecarPath, ManifestJsonl(entries_)));
        ++next_;  // past the sidecar
        continue;
      }
    }
    if (next_ >= entries_.size()) {
      if (archive_write_close(archive_) != ARCHIVE_OK) return Internal(std::string("tar writer: ") + archive_error_string(archive_));
      closed_ = true;
      break;
    }
    const ManifestEntry& e = entries_[next_++];
    ASSIGN_OR_RETURN(std::string bytes, blobs_.Get(e.sha256));
    RETURN_IF_ERROR(WriteEntry(e.path, bytes));
  }
  return std::exchange(out_, std::string());
}

Result<std::string> ExportTar(store::BlobStore& blobs, const std::vector<ManifestEntry>& entries, bool manifest_sidecar) {
  TarStream stream(blobs, entries, 1 << 20, manifest_sidecar);
  std::string out;
  for (;;) {
    ASSIGN_OR_RETURN(std::string piece, stream.Next());
    if (piece.empty()) return out;
    out += piece;
  }
}

}  // namespace moebius::data
