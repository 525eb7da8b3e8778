// Resumable uploads: a client opens an upload, sends numbered parts in any order (re-sending a
// part replaces it), asks which parts arrived, and completes it, which assembles the parts into
// one staged file for ingest. Parts live under `<root>/<upload id>/`; nothing of an upload is
// visible as data until its round commits. Uploads untouched for a day are removed on start.
//
// Thread-safety: thread-safe for different uploads; one client drives one upload.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"

namespace moebius::data {

struct UploadInfo {
  std::string id;
  int64_t dataset_id = 0;
  std::string user;
  int64_t created_at = 0;
  std::vector<std::pair<int, int64_t>> parts;  // (part number, bytes)
};

class UploadStore {
 public:
  static constexpr int kMaxParts = 10000;
  static constexpr int64_t kMaxPartBytes = 64LL << 20;

  UploadStore(std::string root, const Clock& clock) : root_(std::move(root)), clock_(clock) {}
  Status Init();  // creates the root and removes stale uploads

  Result<UploadInfo> Create(int64_t dataset_id, const std::string& user);
  // kNotFound unless the upload exists and belongs to `dataset_id`.
  Result<UploadInfo> Get(int64_t dataset_id, const std::string& id);
  // Part numbers run from 1 to kMaxParts; any other is kInvalidArgument (never truncated).
  Status PutPart(int64_t dataset_id, const std::string& id, int64_t part, std::string_view bytes);
  // Concatenates parts 1..N (all must be present) into one file and returns its path.
  Result<std::string> Assemble(int64_t dataset_id, const std::string& id);
  Status Remove(const std::string& id);

 private:
  std::string Dir(const std::string& id) const;
  std::string root_;
  const Clock& clock_;
};

}  // namespace moebius::data
