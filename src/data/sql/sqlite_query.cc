// The SQLite driver of SQL sources: read-only open, an authorizer that allows reads only, one
// statement, a deadline enforced by the progress handler.
#include <sqlite3.h>

#include <chrono>
#include <memory>

#include "base/strings.h"
#include "data/sql/sql_source.h"

namespace moebius::data {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// Reads and the functions that compute over them; everything else (ATTACH, PRAGMA, writes,
// schema changes, transactions) is denied before the statement can run.
int ReadOnlyAuthorizer(void*, int action, const char*, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    default:
      return SQLITE_DENY;
  }
}

using Clock = std::chrono::steady_clock;

int DeadlineHandler(void* arg) { return Clock::now() > *static_cast<Clock::time_point*>(arg) ? 1 : 0; }

// What remains of `sql` after the first statement: only blanks, semicolons and comments are fine.
bool OnlyTrivia(const char* tail) {
  std::string_view t(tail ? tail : "");
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';') {
      ++i;
    } else if (t.substr(i, 2) == "--") {
      size_t nl = t.find('\n', i);
      i = nl == std::string_view::npos ? t.size() : nl + 1;
    } else if (t.substr(i, 2) == "/*") {
      size_t end = t.find("*/", i + 2);
      i = end == std::string_view::npos ? t.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

Status RunSqliteQuery(const std::string& path, const std::string& query, const SqlQueryOptions& options, SqlResultWriter* writer) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK)
    return InvalidArgument(std::string("cannot open the SQLite file: ") + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 5000);
  // query_only is belt and braces over the read-only open; set before the authorizer denies PRAGMA.
  char* err = nullptr;
  if (sqlite3_exec(db.get(), "PRAGMA query_only = 1", nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    return InvalidArgument("cannot open the SQLite file: " + m);
  }
  sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, 0);
  // The file is not ours: its schema (views, triggers) must not call functions with side effects.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_set_authorizer(db.get(), ReadOnlyAuthorizer, nullptr);
  auto deadline = Clock::now() + std::chrono::milliseconds(options.statement_timeout_ms);
  sqlite3_progress_handler(db.get(), 10000, DeadlineHandler, &deadline);

  sqlite3_stmt* raw_stmt = nullptr;
  const char* tail = nullptr;
  rc = sqlite3_prepare_v2(db.get(), query.c_str(), static_cast<int>(query.size()), &raw_stmt, &tail);
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw_stmt);
  if (rc == SQLITE_AUTH || (rc & 0xff) == SQLITE_AUTH)
    return InvalidArgument(std::string("the query is refused: only reading statements (SELECT, WITH) may run on a SQL source (") +
                           sqlite3_errmsg(db.get()) + ")");
  if (rc != SQLITE_OK) return InvalidArgument(std::string("SQLite: ") + sqlite3_errmsg(db.get()));
  if (!stmt) return InvalidArgument("the query holds no statement");
  if (!OnlyTrivia(tail)) return InvalidArgument("the query must be one statement; remove what follows the first ';'");
  if (!sqlite3_stmt_readonly(stmt.get()) || sqlite3_column_count(stmt.get()) == 0)
    return InvalidArgument("the query is refused: only reading statements (SELECT, WITH) may run on a SQL source");

  int n = sqlite3_column_count(stmt.get());
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(stmt.get(), i);
    names.push_back(name ? name : "");
  }
  RETURN_IF_ERROR(writer->Begin(names));
  std::vector<SqlCell> cells(static_cast<size_t>(n));
  while (true) {
    rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_INTERRUPT)
      return InvalidArgument("the query ran longer than " + std::to_string(options.statement_timeout_ms / 1000) + " s and was stopped");
    if (rc != SQLITE_ROW) return InvalidArgument(std::string("SQLite: ") + sqlite3_errmsg(db.get()));
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt.get(), i)) {
        case SQLITE_NULL: cells[i] = SqlCell::Null(); break;
        case SQLITE_INTEGER: cells[i] = SqlCell::Integer(sqlite3_column_int64(stmt.get(), i)); break;
        case SQLITE_FLOAT: cells[i] = SqlCell::Real(sqlite3_column_double(stmt.get(), i)); break;
        case SQLITE_BLOB: cells[i] = SqlCell::Binary(); break;
        default: {
          const unsigned char* t = sqlite3_column_text(stmt.get(), i);
          int len = sqlite3_column_bytes(stmt.get(), i);
          cells[i] = SqlCell::Text(std::string_view(reinterpret_cast<const char*>(t ? t : reinterpret_cast<const unsigned char*>("")),
                                                    static_cast<size_t>(len)));
        }
      }
    }
    RETURN_IF_ERROR(writer->AddRow(cells));
  }
  return Status::Ok();
}

}  // namespace moebius::data
