// Local archive work for `moebius data ingest` (pack a folder into a tar to upload) and
// `moebius data checkout` (unpack a version's tar into a folder without ever writing outside it).
#pragma once

#include <string>

#include "base/status.h"

namespace moebius::cli {

// Writes a tar of every regular file under `dir` (paths relative to it, sorted) to `out_file`.
// Returns the number of files. Symlinks and special files are refused, naming the path.
Result<int64_t> TarDirectory(const std::string& dir, const std::string& out_file);

// Extracts a tar held in memory into `dir` (created if missing). Entries with absolute paths,
// '..' segments or links are refused before anything is written for them.
Result<int64_t> ExtractTar(const std::string& tar_bytes, const std::string& dir);
// The same for a tar file on disk, read as it is extracted (memory stays small whatever its size).
Result<int64_t> ExtractTarFile(const std::string& tar_file, const std::string& dir);

}  // namespace moebius::cli
