// Code archives: reading an uploaded tar (optionally gzip/bzip2/xz/zstd-compressed) or zip into
// files, writing files as a tar, and unpacking a snapshot into a job's directory. libarchive is
// used only in code_archive.cc and code_tar_stream.cc.
//
// Reading checks every entry before anything is returned: absolute paths, '..' segments, links
// and special files, duplicate paths and oversized content fail the whole archive with
// kInvalidArgument (or kTooLarge) naming the entry; directories are skipped; only a file's
// execute bit is kept.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "envcode/code_tree.h"

namespace moebius::envcode {

struct ArchiveLimits {
  int64_t max_files = 20000;
  int64_t max_total_bytes = 256LL << 20;
};

Result<std::vector<TreeFile>> ReadCodeArchive(const std::string& bytes, const ArchiveLimits& limits = {});
// A ustar/pax tar of `files` in path order, mode 0644/0755, mtime 0 (the same files give the same bytes).
Result<std::string> WriteCodeTar(std::vector<TreeFile> files);
// Writes `files` under `dir` (created if missing), never outside it; executable files get 0755.
Status WriteFiles(const std::vector<TreeFile>& files, const std::string& dir);

}  // namespace moebius::envcode
