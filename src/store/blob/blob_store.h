// Content-addressed blob store. A blob is named by the SHA-256 of its bytes and lives at
// `<root>/sha256/ab/cdef…`. Writes go to a temporary file in `<root>/tmp`, are fsynced, then
// renamed into place (and the directory fsynced), so a crash never leaves a partial blob under
// its final name. Storing the same bytes twice stores them once. Paths are derived only from
// digests, never from names a user chose.
//
// Thread-safety: thread-safe; concurrent puts of the same content are harmless (rename is
// atomic and the content is identical).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace moebius::store {

struct BlobInfo {
  std::string sha256;  // lowercase hex
  int64_t size = 0;
};

// Streams bytes into the store; Commit() publishes the blob under its digest.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Publishes the blob. After Commit the writer is finished. If `expected_sha256` is not empty
  // and differs, nothing is stored and kInvalidArgument is returned.
  virtual Result<BlobInfo> Commit(std::string_view expected_sha256 = {}) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual Result<BlobInfo> Put(std::string_view bytes) = 0;
  // Bounded streaming writer; Append past `max_bytes` fails with kTooLarge.
  virtual Result<std::unique_ptr<BlobWriter>> NewWriter(int64_t max_bytes) = 0;
  virtual Result<std::string> Get(std::string_view sha256) const = 0;
  virtual bool Exists(std::string_view sha256) const = 0;
  // Filesystem path of a stored blob (for sendfile-style serving and checkout).
  virtual Result<std::string> PathOf(std::string_view sha256) const = 0;
  // Re-hashes a blob; kInternal if its bytes no longer match its name.
  virtual Status Verify(std::string_view sha256) const = 0;
};

Result<std::unique_ptr<BlobStore>> OpenBlobStore(const std::string& root);

}  // namespace moebius::store
