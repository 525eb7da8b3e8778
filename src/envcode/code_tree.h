// Code trees (PRJ-7, EXP-2): the files of a code snapshot and the snapshot's id.
//
// The id is the SHA-256 (hex) of a canonical listing: one line "<mode> <sha256> <path>\n" per
// file, sorted by path bytes, where mode is "100755" for an executable file and "100644"
// otherwise and sha256 is the content's digest. Archive order, timestamps, owners and
// directories do not enter it, so the same tree always gets the same id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace moebius::envcode {

struct CodeFile {
  std::string path;    // relative, '/'-separated (ValidateCodePath)
  int mode = 0644;     // 0644 or 0755
  std::string sha256;  // of the content
  int64_t size = 0;
};

// A file with its bytes, as read from an archive or a working tree.
struct TreeFile {
  std::string path;
  int mode = 0644;
  std::string content;
};

// Relative, '/'-separated, UTF-8, no empty, '.' or '..' segments, no control characters or
// backslashes, at most 1024 bytes. kInvalidArgument naming the path otherwise.
Status ValidateCodePath(const std::string& path);
// 0755 when any execute bit is set, else 0644.
inline int CanonicalMode(unsigned mode) { return (mode & 0111) ? 0755 : 0644; }

// The snapshot id of `files` (any order; duplicate paths are kInvalidArgument).
Result<std::string> TreeHash(std::vector<CodeFile> files);
// CodeFile entries (with digests) of `files`, sorted by path.
Result<std::vector<CodeFile>> Describe(const std::vector<TreeFile>& files);

}  // namespace moebius::envcode
