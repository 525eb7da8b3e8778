#include "envcode/code_store.h"

#include <cctype>

#include "base/crypto.h"

namespace moebius::envcode {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kColumns[] =
    "project_id, id, files, bytes, source, git_commit, git_branch, git_dirty, message, created_at, created_by";

CodeSnapshot SnapshotOf(const Row& r) {
  CodeSnapshot s;
  s.project_id = r.Int(0);
  s.id = r.Text(1);
  s.files = r.Int(2);
  s.bytes = r.Int(3);
  s.origin.source = r.Text(4);
  s.origin.git_commit = r.Text(5);
  s.origin.git_branch = r.Text(6);
  s.origin.git_dirty = r.Int(7) != 0;
  s.origin.message = r.Text(8);
  s.created_at = r.Int(9);
  s.created_by = r.Text(10);
  return s;
}

Status ValidateOrigin(const CodeOrigin& o) {
  if (o.source != "archive" && o.source != "git" && o.source != "dir") return InvalidArgument("source must be archive, git or dir");
  if (!o.git_commit.empty() && !IsLowerHex(o.git_commit, 40)) return InvalidArgument("git_commit must be 40 lowercase hex digits");
  if (o.git_branch.size() > 255) return InvalidArgument("git_branch must be at most 255 characters");
  if (o.message.size() > 2000) return InvalidArgument("message must be at most 2000 bytes");
  return Status::Ok();
}

}  // namespace

std::vector<store::Migration> CodeMigrations() {
  return {{801, "code_snapshots", R"SQL(
CREATE TABLE code_snapshots (
  project_id BIGINT NOT NULL,
  id TEXT NOT NULL,
  files BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  source TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  git_branch TEXT NOT NULL,
  git_dirty BIGINT NOT NULL,
  message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX code_snapshots_recent ON code_snapshots (project_id, created_at);
CREATE TABLE code_files (
  project_id BIGINT NOT NULL,
  snapshot_id TEXT NOT NULL,
  path TEXT NOT NULL,
  mode BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  PRIMARY KEY (project_id, snapshot_id, path)
)
)SQL"}};
}

Result<CodeSnapshot> CodeStore::Push(int64_t project_id, const std::vector<TreeFile>& files, const CodeOrigin& origin,
                                     const std::string& user, bool* created) {
  RETURN_IF_ERROR(ValidateOrigin(origin));
  if (files.empty()) return InvalidArgument("a code snapshot needs at least one file");
  ASSIGN_OR_RETURN(std::vector<CodeFile> described, Describe(files));
  ASSIGN_OR_RETURN(std::string id, TreeHash(described));
  if (created) *created = false;
  auto existing = Get(project_id, id);
  if (existing.ok()) return existing;
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  // Contents first (content-addressed, harmless if the metadata write fails), then the rows.
  ASSIGN_OR_RETURN(auto pack, blobs_.NewPack());
  int64_t bytes = 0;
  for (const TreeFile& f : files) {
    if (f.content.size() > (16u << 20)) {
      RETURN_IF_ERROR(blobs_.Put(f.content).status());
    } else {
      RETURN_IF_ERROR(pack->Add(f.content).status());
    }
    bytes += static_cast<int64_t>(f.content.size());
  }
  RETURN_IF_ERROR(pack->Commit());
  CodeSnapshot s{project_id, id, static_cast<int64_t>(described.size()), bytes, origin, clock_.NowMillis(), user};
  bool inserted = false;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT 1 FROM code_snapshots WHERE project_id = ? AND id = ?", {project_id, id}));
    if (!rows.empty()) return Status::Ok();  // a concurrent push of the same tree
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO code_snapshots (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {project_id, id, s.files, s.bytes, origin.source, origin.git_commit, origin.git_branch,
                             int64_t{origin.git_dirty ? 1 : 0}, origin.message, s.created_at, user})
                        .status());
    std::vector<std::vector<SqlValue>> rowsets;
    for (const CodeFile& f : described) rowsets.push_back({project_id, id, f.path, int64_t{f.mode}, f.sha256, f.size});
    RETURN_IF_ERROR(tx.ExecMany("INSERT INTO code_files (project_id, snapshot_id, path, mode, sha256, size) VALUES (?, ?, ?, ?, ?, ?)", rowsets));
    inserted = true;
    return Status::Ok();
  }));
  if (created) *created = inserted;
  if (!inserted) return Get(project_id, id);
  return s;
}

Result<CodeSnapshot> CodeStore::Get(int64_t project_id, const std::string& ref) {
  std::string r = ref;
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (r.size() < 8 || r.size() > 64 || !IsLowerHex(r, r.size()))
    return InvalidArgument("a code snapshot id is 64 hex digits (or a unique prefix of at least 8), got '" + ref.substr(0, 80) + "'");
  CodeSnapshot out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    Rows rows;
    if (r.size() == 64) {
      ASSIGN_OR_RETURN(rows, tx.Query(std::string("SELECT ") + kColumns + " FROM code_snapshots WHERE project_id = ? AND id = ?", {project_id, r}));
    } else {
      // Prefix: ids are lowercase hex, so the range [prefix, prefix + 'g') holds exactly the matches.
      ASSIGN_OR_RETURN(rows, tx.Query(std::string("SELECT ") + kColumns + " FROM code_snapshots WHERE project_id = ? AND id >= ? AND id < ? LIMIT 2",
                                      {project_id, r, r + "g"}));
    }
    if (rows.empty()) return NotFound("code snapshot '" + ref.substr(0, 80) + "' does not exist in this project");
    if (rows.size() > 1) return InvalidArgument("code snapshot prefix '" + ref + "' is ambiguous; give more digits");
    out = SnapshotOf(rows[0]);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<CodeSnapshot>> CodeStore::List(int64_t project_id, int limit) {
  std::vector<CodeSnapshot> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns +
                                             " FROM code_snapshots WHERE project_id = ? ORDER BY created_at DESC, id LIMIT ?",
                                         {project_id, int64_t{limit}}));
    for (const Row& r : rows) out.push_back(SnapshotOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<CodeFile>> CodeStore::Files(int64_t project_id, const std::string& id) {
  std::vector<CodeFile> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT path, mode, sha256, size FROM code_files WHERE project_id = ? AND snapshot_id = ? ORDER BY path",
                                         {project_id, id}));
    for (const Row& r : rows) out.push_back({r.Text(0), static_cast<int>(r.Int(1)), r.Text(2), r.Int(3)});
    return Status::Ok();
  }));
  return out;
}

Result<CodeFile> CodeStore::File(int64_t project_id, const std::string& id, const std::string& path) {
  CodeFile out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT path, mode, sha256, size FROM code_files WHERE project_id = ? AND snapshot_id = ? AND path = ?",
                                            {project_id, id, path}, "the snapshot has no file '" + path.substr(0, 200) + "'"));
    out = {r.Text(0), static_cast<int>(r.Int(1)), r.Text(2), r.Int(3)};
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::envcode
