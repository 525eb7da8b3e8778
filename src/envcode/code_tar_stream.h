// A code snapshot as a tar, produced piece by piece (about `piece_bytes` at a time, more when
// one file is larger) and holding one file's content at a time, for streamed downloads. Entries
// are in path order with their mode (0644/0755) and mtime 0, the same bytes as WriteCodeTar.
//
// Thread-safety: one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "envcode/code_tree.h"
#include "store/blob/blob_store.h"

struct archive;

namespace moebius::envcode {

class CodeTarStream {
 public:
  CodeTarStream(store::BlobStore& blobs, std::vector<CodeFile> files, size_t piece_bytes = 1 << 20);
  ~CodeTarStream();
  CodeTarStream(const CodeTarStream&) = delete;
  CodeTarStream& operator=(const CodeTarStream&) = delete;

  // The next piece; empty once the archive is complete.
  Result<std::string> Next();

 private:
  store::BlobStore& blobs_;
  std::vector<CodeFile> files_;
  size_t piece_bytes_;
  size_t next_ = 0;
  ::archive* archive_ = nullptr;
  bool closed_ = false;
  std::string out_;
};

}  // namespace moebius::envcode
