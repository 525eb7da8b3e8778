#include "data/archive_ingest.h"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>
#include <utility>

#include "base/json.h"
#include "base/strings.h"

namespace moebius::data {
namespace {

constexpr int64_t kPackThreshold = 16 << 20;  // larger items are stored as loose blobs

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string NormalizeEntryPath(std::string p) {
  while (StartsWith(p, "./")) p = p.substr(2);
  return p;
}

}  // namespace

Result<std::vector<ManifestEntry>> IngestUpload(store::BlobStore& blobs, const std::string& file, const std::string& format,
                                                const std::string& display_name, const ContentCheck& check,
                                                const IngestLimits& limits) {
  std::vector<ManifestEntry> entries;
  ASSIGN_OR_RETURN(auto pack, blobs.NewPack());

  if (format == "file") {
    RETURN_IF_ERROR(ValidateItemPath(display_name));
    std::ifstream in(file, std::ios::binary);
    if (!in) return Internal("cannot read the staged upload " + file);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (static_cast<int64_t>(bytes.size()) > limits.max_item_bytes) return TooLarge(display_name + " is larger than the item limit");
    if (check) RETURN_IF_ERROR(check(display_name, bytes));
    ASSIGN_OR_RETURN(store::BlobInfo info, pack->Add(bytes));
    entries.push_back({display_name, info.sha256, info.size, "{}"});
    RETURN_IF_ERROR(pack->Commit());
    return entries;
  }
  if (format != "archive") return InvalidArgument("format must be 'archive' or 'file', got '" + format + "'");

  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_7zip(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    return InvalidArgument(display_name + " is not a readable archive: " + (archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown format"));
  archive_entry* entry = nullptr;
  std::string buffer;
  while (true) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      return InvalidArgument(display_name + " is corrupt after " + std::to_string(entries.size()) + " files: " +
                             (archive_error_string(a.get()) ? archive_error_string(a.get()) : "read error"));
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
    if (size > limits.max_item_bytes) return TooLarge(display_name + ": entry '" + path + "' is larger than the item limit");

    buffer.clear();
    if (size >= 0) buffer.reserve(static_cast<size_t>(size));
    char chunk[1 << 16];
    while (true) {
      la_ssize_t n = archive_read_data(a.get(), chunk, sizeof chunk);
      if (n < 0) return InvalidArgument(display_name + ": entry '" + path + "' is corrupt: " + (archive_error_string(a.get()) ? archive_error_string(a.get()) : "read error"));
      if (n == 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
      if (static_cast<int64_t>(buffer.size()) > limits.max_item_bytes) return TooLarge(display_name + ": entry '" + path + "' is larger than the item limit");
    }
    if (check) RETURN_IF_ERROR(check(path, buffer));
    store::BlobInfo info;
    if (static_cast<int64_t>(buffer.size()) > kPackThreshold) {
      ASSIGN_OR_RETURN(info, blobs.Put(buffer));
    } else {
      ASSIGN_OR_RETURN(info, pack->Add(buffer));
    }
    entries.push_back({path, info.sha256, info.size, "{}"});
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
