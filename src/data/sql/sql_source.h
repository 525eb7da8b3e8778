// SQL sources (DATA-1): per-project connections to a PostgreSQL or SQLite database, and running
// one read-only query against one into a CSV/JSONL table item.
//
// Safety rules, enforced here rather than at the HTTP edge:
// - A connection's target may hold a password. It is stored as given (meta.db is the server's
//   own secret store), never returned: MaskedTarget() is what the API shows.
// - SQLite targets are absolute paths that, with symlinks and '..' resolved, lie under a root
//   the server admin allowed (`--sql-source-root`); with no root, SQLite sources are refused.
//   The check runs at creation and again before every query (a symlink may change in between).
// - PostgreSQL targets must name a TCP host; Unix sockets and options that read server files or
//   the server's own credentials (passfile, service, sslkey, ...) are refused, since they would
//   act with the server's identity instead of the user's.
// - Queries run read-only three ways over: SQLite opens the file read-only with query_only, an
//   authorizer that allows only reads (no ATTACH, PRAGMA or writes) and one statement that
//   sqlite3_stmt_readonly() accepts; PostgreSQL runs one statement (extended protocol) inside
//   a READ ONLY transaction with default_transaction_read_only, a statement timeout and a
//   connect timeout.
//
// Errors: a bad name, kind or target, a bad or refused query, and a result over the caps are
// kInvalidArgument; a database that cannot be reached or refuses the login is kUnavailable (the
// API answers 502 for it); kNotFound for an unknown connection.
//
// Thread-safety: SqlSources is thread-safe (state is in the database; each query opens its own
// connection to the source).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "data/sql/result_writer.h"
#include "store/meta/database.h"

namespace moebius::data {

struct SqlConnection {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string kind;    // sqlite, postgresql
  std::string target;  // conninfo or URI, or an absolute file path; may hold a password
  int64_t created_at = 0;
  std::string created_by;

  // The target without its password ("host=db port=5432 dbname=app user=me password=****").
  std::string MaskedTarget() const;
  bool HasPassword() const;
};

struct SqlQueryOptions {
  TableFormat format = TableFormat::kCsv;
  SqlResultLimits limits;
  int statement_timeout_ms = 60'000;
  int connect_timeout_s = 10;
};

struct SqlQueryResult {
  std::string bytes;  // the CSV or JSONL item
  int64_t rows = 0;
  std::vector<std::string> columns;
};

class SqlSources {
 public:
  static constexpr size_t kMaxQueryBytes = 100'000;

  // `sqlite_roots`: directories SQLite files may lie under (resolved at construction).
  SqlSources(store::Database& db, const Clock& clock, std::vector<std::string> sqlite_roots);

  Result<SqlConnection> Create(int64_t project_id, const std::string& name, const std::string& kind, const std::string& target,
                               const std::string& user);
  Result<SqlConnection> Get(int64_t project_id, const std::string& name);
  Result<std::vector<SqlConnection>> List(int64_t project_id);
  Status Delete(int64_t project_id, const std::string& name);

  // Runs `query` read-only and renders its rows.
  Result<SqlQueryResult> Query(const SqlConnection& connection, const std::string& query, const SqlQueryOptions& options);

  // kInvalidArgument unless `path` resolves to a file path under an allowed root; returns the
  // resolved path.
  Result<std::string> CheckSqlitePath(const std::string& path) const;

 private:
  store::Database& db_;
  const Clock& clock_;
  std::vector<std::string> roots_;
};

// Checks a PostgreSQL conninfo or URI (syntax, a TCP host, no refused options).
Status ValidatePostgresTarget(const std::string& target);
// The masked form of a PostgreSQL target: its options as key=value with the password as ****.
std::string MaskPostgresTarget(const std::string& target);

// The drivers, one per kind (sqlite_query.cc, postgres_query.cc).
Status RunSqliteQuery(const std::string& path, const std::string& query, const SqlQueryOptions& options, SqlResultWriter* writer);
Status RunPostgresQuery(const std::string& conninfo, const std::string& query, const SqlQueryOptions& options,
                        SqlResultWriter* writer);

}  // namespace moebius::data
