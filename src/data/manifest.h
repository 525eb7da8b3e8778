// Manifests: what a round or a data version contains, as entries (path, sha256, size, meta)
// sorted by path.
//
// Storage (DESIGN.md section 4): a full manifest is split into content-defined chunks — a chunk
// ends after an entry whose path hashes to a boundary, so inserting or changing entries moves
// only nearby boundaries and unchanged chunks keep their digests — each chunk zstd-compressed
// and stored by its SHA-256; the root lists the chunks. A version that changes a small part of
// its parent is stored as a delta (added, modified, removed entries) against it, so a 1% change
// of a million items costs about 1% of a manifest and diffs without reading the rest.
//
// Thread-safety: ManifestStore is thread-safe (the blob store is).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/blob/blob_store.h"

namespace moebius::data {

struct ManifestEntry {
  std::string path;
  std::string sha256;
  int64_t size = 0;
  std::string meta = "{}";  // compact JSON object: labels and per-item metadata

  bool operator==(const ManifestEntry& o) const {
    return path == o.path && sha256 == o.sha256 && size == o.size && meta == o.meta;
  }
};

struct ManifestDelta {
  std::vector<ManifestEntry> added;     // paths not in the base
  std::vector<ManifestEntry> modified;  // paths in the base whose content or meta changed
  std::vector<std::string> removed;     // base paths that are gone
  // The base's entries of the modified and removed paths, so a delta alone answers a diff
  // (renames by content, label changes) without reading the base manifest. After a round trip
  // through the store, entries of modified paths keep their meta but not their digest ("-").
  std::vector<ManifestEntry> before;
  size_t size() const { return added.size() + modified.size() + removed.size(); }
};

// Item paths: relative, '/'-separated, UTF-8, no empty, '.' or '..' segments, no control
// characters, at most 1024 bytes. kInvalidArgument naming the path otherwise.
Status ValidateItemPath(const std::string& path);

// Sorts by path and rejects duplicates (kInvalidArgument naming the path).
Status SortEntries(std::vector<ManifestEntry>& entries);

// The difference from `a` to `b` (both sorted).
ManifestDelta Diff(const std::vector<ManifestEntry>& a, const std::vector<ManifestEntry>& b);
// `base` with `delta` applied (base sorted; result sorted).
Result<std::vector<ManifestEntry>> Apply(const std::vector<ManifestEntry>& base, const ManifestDelta& delta);

class ManifestStore {
 public:
  explicit ManifestStore(store::BlobStore& blobs) : blobs_(blobs) {}

  // Stores sorted entries as chunks plus a root; returns the root's digest.
  Result<std::string> WriteFull(const std::vector<ManifestEntry>& sorted);
  Result<std::vector<ManifestEntry>> ReadFull(const std::string& root) const;
  // The chunk digests a root lists (fsck, dedup statistics).
  Result<std::vector<std::string>> Chunks(const std::string& root) const;

  Result<std::string> WriteDelta(const ManifestDelta& delta);
  Result<ManifestDelta> ReadDelta(const std::string& sha) const;

  // Bytes stored under the objects of a root or delta (compressed), for the "adds ~1%" check.
  Result<int64_t> StoredBytes(const std::string& sha, bool is_root) const;

 private:
  Result<std::string> PutCompressed(const std::string& text);
  Result<std::string> GetCompressed(const std::string& sha) const;

  store::BlobStore& blobs_;
};

}  // namespace moebius::data
