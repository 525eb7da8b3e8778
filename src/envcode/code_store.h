// Code snapshots (PRJ-7, EXP-2) in the metadata store (migration 801) with file contents in the
// blob store: `code_snapshots` (one row per project and tree id, with where it came from: an
// uploaded archive, a git commit — commit id, branch, dirty flag — or a plain directory) and
// `code_files` (path, mode, sha256, size per file). The id is TreeHash() of the files, so
// pushing the same tree again returns the existing snapshot (created = false) and keeps the
// first push's metadata.
//
// Snapshots are immutable and not deleted (runs point at them).
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "base/clock.h"
#include "envcode/code_tree.h"
#include "store/blob/blob_store.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::envcode {

std::vector<store::Migration> CodeMigrations();

struct CodeOrigin {
  std::string source = "archive";  // archive | git | dir
  std::string git_commit;          // 40 hex, when read from git
  std::string git_branch;
  bool git_dirty = false;          // the working tree had changes; the snapshot holds the working files
  std::string message;
};

struct CodeSnapshot {
  int64_t project_id = 0;
  std::string id;  // 64 hex
  int64_t files = 0;
  int64_t bytes = 0;
  CodeOrigin origin;
  int64_t created_at = 0;
  std::string created_by;
};

class CodeStore {
 public:
  CodeStore(store::Database& db, store::BlobStore& blobs, const Clock& clock) : db_(db), blobs_(blobs), clock_(clock) {}

  // Stores the files' contents and the snapshot. `created` tells whether it is new.
  Result<CodeSnapshot> Push(int64_t project_id, const std::vector<TreeFile>& files, const CodeOrigin& origin, const std::string& user,
                            bool* created = nullptr);
  // `ref`: a full id or a unique prefix of at least 8 hex digits. kNotFound / kInvalidArgument (ambiguous).
  Result<CodeSnapshot> Get(int64_t project_id, const std::string& ref);
  Result<std::vector<CodeSnapshot>> List(int64_t project_id, int limit = 200);
  Result<std::vector<CodeFile>> Files(int64_t project_id, const std::string& id);
  Result<CodeFile> File(int64_t project_id, const std::string& id, const std::string& path);
  store::BlobStore& blobs() { return blobs_; }

 private:
  store::Database& db_;
  store::BlobStore& blobs_;
  const Clock& clock_;
};

}  // namespace moebius::envcode
