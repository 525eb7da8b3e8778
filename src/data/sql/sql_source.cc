#include "data/sql/sql_source.h"

#include <algorithm>
#include <filesystem>

#include "base/strings.h"

namespace moebius::data {
namespace {

namespace fs = std::filesystem;
using store::Row;
using store::Rows;
using store::Tx;

constexpr char kColumns[] = "id, project_id, name, kind, target, created_at, created_by";

SqlConnection ConnectionOf(const Row& r) {
  return SqlConnection{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Text(6)};
}

Status ValidateConnectionName(const std::string& name) {
  if (name.empty() || name.size() > 63) return InvalidArgument("connection name must be 1 to 63 characters");
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_' || c == '.'));
    if (!ok)
      return InvalidArgument("connection name '" + name +
                             "' may use only lowercase letters, digits, '-', '_' and '.', starting with a letter or digit");
  }
  return Status::Ok();
}

// True when `path` lies strictly below `root`, comparing whole components (so /data/sql-x is
// not under /data/sql).
bool IsBelow(const fs::path& path, const fs::path& root) {
  std::vector<fs::path> p, r;
  for (const auto& c : path)
    if (!c.empty()) p.push_back(c);
  for (const auto& c : root)
    if (!c.empty()) r.push_back(c);
  return p.size() > r.size() && std::equal(r.begin(), r.end(), p.begin());
}

}  // namespace

std::string SqlConnection::MaskedTarget() const { return kind == "postgresql" ? MaskPostgresTarget(target) : target; }

bool SqlConnection::HasPassword() const { return kind == "postgresql" && MaskPostgresTarget(target).find("****") != std::string::npos; }

SqlSources::SqlSources(store::Database& db, const Clock& clock, std::vector<std::string> sqlite_roots) : db_(db), clock_(clock) {
  for (const auto& root : sqlite_roots) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(fs::absolute(root, ec), ec);
    if (ec || resolved.empty()) resolved = fs::path(root).lexically_normal();
    roots_.push_back(resolved.string());
  }
}

Result<std::string> SqlSources::CheckSqlitePath(const std::string& path) const {
  if (roots_.empty())
    return InvalidArgument("SQLite sources are disabled on this server: the admin has allowed no directory for them "
                           "(moebius server --sql-source-root DIR)");
  if (path.empty() || path.size() > 4096 || path.find('\0') != std::string::npos || !fs::path(path).is_absolute())
    return InvalidArgument("a SQLite target must be an absolute file path");
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(path, ec);
  if (ec) return InvalidArgument("cannot resolve the SQLite path '" + path + "': " + ec.message());
  for (const auto& root : roots_)
    if (IsBelow(resolved, root)) return resolved.string();
  return InvalidArgument("'" + path + "' is not under a directory this server allows for SQLite sources (--sql-source-root)");
}

Result<SqlConnection> SqlSources::Create(int64_t project_id, const std::string& name, const std::string& kind,
                                         const std::string& target, const std::string& user) {
  RETURN_IF_ERROR(ValidateConnectionName(name));
  if (target.empty() || target.size() > 4096) return InvalidArgument("target must be 1 to 4096 bytes");
  if (!IsValidUtf8(target)) return InvalidArgument("target is not valid UTF-8");
  if (kind == "sqlite") {
    RETURN_IF_ERROR(CheckSqlitePath(target).status());
  } else if (kind == "postgresql") {
    RETURN_IF_ERROR(ValidatePostgresTarget(target));
  } else {
    return InvalidArgument("kind '" + kind + "' is not one of: sqlite, postgresql");
  }
  SqlConnection c{0, project_id, name, kind, target, clock_.NowMillis(), user};
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c.id, tx.NextId("data_connections"));
    return tx.Exec(std::string("INSERT INTO data_connections (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                   {c.id, project_id, name, kind, target, c.created_at, user})
        .status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("connection '" + name + "' already exists in this project");
  RETURN_IF_ERROR(st);
  return c;
}

Result<SqlConnection> SqlSources::Get(int64_t project_id, const std::string& name) {
  SqlConnection c;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM data_connections WHERE project_id = ? AND name = ?",
                                            {project_id, name}, "connection '" + name + "' does not exist"));
    c = ConnectionOf(r);
    return Status::Ok();
  }));
  return c;
}

Result<std::vector<SqlConnection>> SqlSources::List(int64_t project_id) {
  std::vector<SqlConnection> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM data_connections WHERE project_id = ? ORDER BY name", {project_id}));
    for (const Row& r : rows) out.push_back(ConnectionOf(r));
    return Status::Ok();
  }));
  return out;
}

Status SqlSources::Delete(int64_t project_id, const std::string& name) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM data_connections WHERE project_id = ? AND name = ?", {project_id, name}));
    if (n == 0) return NotFound("connection '" + name + "' does not exist");
    return Status::Ok();
  });
}

Result<SqlQueryResult> SqlSources::Query(const SqlConnection& connection, const std::string& query, const SqlQueryOptions& options) {
  if (Trim(query).empty()) return InvalidArgument("query is empty");
  if (query.size() > kMaxQueryBytes) return InvalidArgument("query must be at most " + std::to_string(kMaxQueryBytes) + " bytes");
  if (!IsValidUtf8(query) || query.find('\0') != std::string::npos) return InvalidArgument("query is not valid UTF-8");
  if (options.format != TableFormat::kCsv && options.format != TableFormat::kJsonl) return InvalidArgument("format must be csv or jsonl");
  SqlResultWriter writer(options.format, options.limits);
  if (connection.kind == "sqlite") {
    ASSIGN_OR_RETURN(std::string path, CheckSqlitePath(connection.target));
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return InvalidArgument("the SQLite file of connection '" + connection.name + "' does not exist");
    RETURN_IF_ERROR(RunSqliteQuery(path, query, options, &writer));
  } else if (connection.kind == "postgresql") {
    RETURN_IF_ERROR(RunPostgresQuery(connection.target, query, options, &writer));
  } else {
    return Internal("connection '" + connection.name + "' has an unknown kind '" + connection.kind + "'");
  }
  if (writer.rows() == 0) return InvalidArgument("the query returned no rows; a round needs at least one");
  SqlQueryResult out;
  out.rows = writer.rows();
  out.columns = writer.columns();
  out.bytes = writer.Finish();
  return out;
}

}  // namespace moebius::data
