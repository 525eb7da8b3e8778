// Content-addressed blob store. A blob is named by the SHA-256 of its bytes and lives at
// `<root>/sha256/ab/cdef…`. Writes go to a temporary file in `<root>/tmp`, are fsynced, then
// renamed into place (and the directory fsynced), so a crash never leaves a partial blob under
// its final name. Storing the same bytes twice stores them once. Paths are derived only from
// digests, never from names a user chose.
//
// Many small objects (dataset items) go into pack files instead: a PackWriter appends them to
// `<root>/packs/<name>.pack` and, on Commit, writes a sorted index `<name>.idx` (fsynced, renamed
// into place). A pack without its index is invisible (a crash before Commit leaves garbage, never
// a half-visible object). Per-file overhead, not hashing, is what makes small-file stores slow.
// Pack indexes are loaded into memory when the store opens (about 50 bytes per object).
//
// Thread-safety: thread-safe; concurrent puts of the same content are harmless (rename is
// atomic and the content is identical). A PackWriter is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace moebius::store {

struct BlobInfo {
  std::string sha256;  // lowercase hex
  int64_t size = 0;
};

// Streams bytes into the store; Commit() publishes the blob under its digest. Memory holds no
// more than the piece being appended, whatever the blob's size. A writer destroyed before
// Commit leaves nothing behind.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // A local file holding exactly the bytes appended so far, readable until Commit or the
  // writer's end, so a caller can check content before it is published.
  virtual const std::string& staged_path() const = 0;
  virtual int64_t size() const = 0;
  // Publishes the blob. After Commit the writer is finished. If `expected_sha256` is not empty
  // and differs, nothing is stored and kInvalidArgument is returned.
  virtual Result<BlobInfo> Commit(std::string_view expected_sha256 = {}) = 0;
};

// Appends objects to one new pack. Objects already stored (loose or packed) are not repeated.
class PackWriter {
 public:
  virtual ~PackWriter() = default;
  virtual Result<BlobInfo> Add(std::string_view bytes) = 0;
  // Makes every added object visible, durably. After Commit the writer is finished.
  virtual Status Commit() = 0;
  virtual int64_t added_objects() const = 0;
  virtual int64_t added_bytes() const = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual Result<BlobInfo> Put(std::string_view bytes) = 0;
  // Bounded streaming writer; Append past `max_bytes` fails with kTooLarge.
  virtual Result<std::unique_ptr<BlobWriter>> NewWriter(int64_t max_bytes) = 0;
  virtual Result<std::string> Get(std::string_view sha256) const = 0;
  virtual bool Exists(std::string_view sha256) const = 0;
  // Filesystem path of a loose blob; kFailedPrecondition for a packed one.
  virtual Result<std::string> PathOf(std::string_view sha256) const = 0;
  virtual Result<std::unique_ptr<PackWriter>> NewPack() = 0;
  // Calls fn for every stored object (loose and packed); used by fsck.
  virtual Status ForEach(const std::function<Status(const BlobInfo&)>& fn) const = 0;
  // Re-hashes a blob; kInternal if its bytes no longer match its name.
  virtual Status Verify(std::string_view sha256) const = 0;
};

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& root);

}  // namespace moebius::store
