// Reads an uploaded file — a tar (optionally gzip/xz/zstd-compressed) or zip archive, or a
// single plain file — and stores its files in the blob store, small ones in one pack. Every
// entry path is checked before anything is stored; links, devices, absolute and drive-letter
// paths and '..' fail the whole upload with an error naming the entry. libarchive is used only
// here.
//
// Memory is bounded whatever the archive holds: items up to 16 MiB are read whole (and packed),
// larger ones stream into a blob writer in 1 MiB pieces and are checked from its staged file.
// What an upload may unpack to is bounded too (IngestLimits): past the limits the ingest stops
// with kTooLarge naming the entry that crossed them, and nothing becomes visible.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "data/manifest.h"
#include "store/blob/blob_store.h"

struct archive;  // libarchive's writer, kept out of this header

namespace moebius::data {

struct IngestLimits {
  int64_t max_items = 10'000'000;
  int64_t max_item_bytes = 8LL << 30;
  // All items of one upload together, unpacked.
  int64_t max_total_bytes = 64LL << 30;
  // Unpacked bytes per byte of the uploaded file, checked once more than ratio_free_bytes have
  // been unpacked (small archives of very compressible text stay welcome; a zip bomb does not).
  int64_t max_expansion_ratio = 100;
  int64_t ratio_free_bytes = 64LL << 20;
};

// One item's bytes for its content check: whole in memory (items up to 16 MiB), or in a file
// (a larger item, streamed there) that the check reads in pieces.
class ItemContent {
 public:
  static ItemContent InMemory(std::string_view bytes) { return ItemContent(bytes, {}, static_cast<int64_t>(bytes.size())); }
  static ItemContent InFile(std::string path, int64_t size) { return ItemContent({}, std::move(path), size); }

  int64_t size() const { return size_; }
  bool in_memory() const { return file_.empty(); }
  std::string_view bytes() const { return bytes_; }  // in_memory() only
  const std::string& file() const { return file_; }  // !in_memory() only
  // Calls fn with successive pieces of at most 1 MiB, in order; stops at fn's first error.
  Status ForEachPiece(const std::function<Status(std::string_view)>& fn) const;
  // The first `n` bytes (fewer when the item is shorter).
  Result<std::string> Prefix(size_t n) const;

 private:
  ItemContent(std::string_view bytes, std::string file, int64_t size) : bytes_(bytes), file_(std::move(file)), size_(size) {}
  std::string_view bytes_;
  std::string file_;
  int64_t size_;
};

// Checks one item's content for its domain (e.g. tabular files parse, texts are UTF-8, images
// are a known type). kInvalidArgument names the item (and line) on failure.
using ContentCheck = std::function<Status(const std::string& path, const ItemContent& content)>;

// `format`: "archive" (detected: tar, tar.gz, zip, ...) or "file" (stored as `display_name`).
// Returns the entries sorted by path. On error nothing becomes visible (the pack is discarded).
Result<std::vector<ManifestEntry>> IngestUpload(store::BlobStore& blobs, const std::string& file, const std::string& format,
                                                const std::string& display_name, const ContentCheck& check,
                                                const IngestLimits& limits = {});

// A tar archive (ustar/pax) of the entries' content, byte for byte, in path order; entry times
// are fixed so the same version always yields the same archive. TarStream produces it piece by
// piece (about `piece_bytes` at a time, more when one item is larger), holding one item at a
// time; ExportTar gathers the pieces.
//
// With `manifest_sidecar`, the archive's last entry is kManifestSidecarPath: one JSON object per
// item in path order, {"path","sha256","size","meta"} (meta the item's object, e.g. its label and
// split), so a consumer of the files alone (a job's data folder, `moebius data checkout
// --manifest`) also has what the manifest says about them. Built in memory when the stream
// reaches it (about 150 bytes per item plus its meta). A version with an item at that very path
// cannot have the sidecar (kFailedPrecondition from the first Next()).
inline constexpr const char* kManifestSidecarPath = ".moebius/manifest.jsonl";

// The sidecar's content for entries (sorted by path).
std::string ManifestJsonl(const std::vector<ManifestEntry>& entries);

class TarStream {
 public:
  TarStream(store::BlobStore& blobs, std::vector<ManifestEntry> entries, size_t piece_bytes = 1 << 20,
            bool manifest_sidecar = false);
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  // The next piece; empty once the archive is complete.
  Result<std::string> Next();

 private:
  Status Open();
  Status WriteEntry(const std::string& path, const std::string& bytes);

  store::BlobStore& blobs_;
  std::vector<ManifestEntry> entries_;
  size_t piece_bytes_;
  bool manifest_sidecar_;
  size_t next_ = 0;
  ::archive* archive_ = nullptr;
  bool closed_ = false;
  std::string out_;
};

Result<std::string> ExportTar(store::BlobStore& blobs, const std::vector<ManifestEntry>& entries, bool manifest_sidecar = false);

}  // namespace moebius::data
