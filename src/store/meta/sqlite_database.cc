#include "store/meta/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <condition_variable>
#include <mutex>
#include <unordered_map>

#include "base/thread_annotations.h"

namespace moebius::store {
namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return AlreadyExists(msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Unavailable(msg);
  if (primary == SQLITE_TOOBIG) return TooLarge(msg);
  return Internal(msg);
}

// One connection with its prepared-statement cache. Used by one thread at a time.
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool readonly, const SqliteOptions& o) {
    auto c = std::make_unique<Connection>();
    int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &c->db_, flags, nullptr);
    if (rc != SQLITE_OK) return SqliteError(c->db_, rc, "opening " + path);
    sqlite3_extended_result_codes(c->db_, 1);
    sqlite3_busy_timeout(c->db_, o.busy_timeout_ms);
    std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA case_sensitive_like=ON; PRAGMA cache_size=-65536;";
    if (!readonly) {
      pragmas += "PRAGMA journal_mode=WAL;";
      pragmas += o.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
    }
    char* err = nullptr;
    rc = sqlite3_exec(c->db_, pragmas.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string m = err ? err : "?";
      sqlite3_free(err);
      return Internal("configuring " + path + ": " + m);
    }
    return c;
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "preparing SQL");
    if (cache_.size() > 512) {  // bound the cache; statements built from search ASTs vary
      for (auto& [s, st] : cache_) sqlite3_finalize(st);
      cache_.clear();
    }
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, const std::vector<SqlValue>& params) {
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt))
      return Internal("SQL expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) + " parameters, got " +
                      std::to_string(params.size()));
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1), rc = SQLITE_OK;
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) rc = sqlite3_bind_null(stmt, idx);
      else if (auto* n = std::get_if<int64_t>(&v)) rc = sqlite3_bind_int64(stmt, idx, *n);
      else if (auto* d = std::get_if<double>(&v)) rc = sqlite3_bind_double(stmt, idx, *d);
      else if (auto* s = std::get_if<std::string>(&v)) rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      else if (auto* b = std::get_if<Blob>(&v)) rc = sqlite3_bind_blob(stmt, idx, b->bytes.data(), static_cast<int>(b->bytes.size()), SQLITE_STATIC);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "binding parameter");
    }
    return Status::Ok();
  }

  Status ExecRaw(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string m = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      int primary = rc & 0xff;
      if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Unavailable(std::string(sql) + ": " + m);
      return Internal(std::string(sql) + ": " + m);
    }
    return Status::Ok();
  }

  sqlite3* db() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c) : c_(c) {}

  Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, c_.Prepare(sql));
    RETURN_IF_ERROR(c_.Bind(stmt, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status st = rc == SQLITE_DONE ? Status::Ok() : SqliteError(c_.db(), sqlite3_extended_errcode(c_.db()), "executing SQL");
    sqlite3_reset(stmt);
    RETURN_IF_ERROR(st);
    return static_cast<int64_t>(sqlite3_changes(c_.db()));
  }

  Result<Rows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, c_.Prepare(sql));
    RETURN_IF_ERROR(c_.Bind(stmt, params));
    Rows rows;
    int rc;
    const int ncol = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<SqlValue> vals;
      vals.reserve(ncol);
      for (int i = 0; i < ncol; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER: vals.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i))); break;
          case SQLITE_FLOAT: vals.emplace_back(sqlite3_column_double(stmt, i)); break;
          case SQLITE_TEXT:
            vals.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                          static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
            break;
          case SQLITE_BLOB: {
            const void* p = sqlite3_column_blob(stmt, i);
            vals.emplace_back(Blob{std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt, i)))});
            break;
          }
          default: vals.emplace_back(nullptr);
        }
      }
      rows.emplace_back(std::move(vals));
    }
    Status st = rc == SQLITE_DONE ? Status::Ok() : SqliteError(c_.db(), sqlite3_extended_errcode(c_.db()), "running query");
    sqlite3_reset(stmt);
    RETURN_IF_ERROR(st);
    return rows;
  }

  Status ExecMany(std::string_view sql, const std::vector<std::vector<SqlValue>>& param_sets) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, c_.Prepare(sql));
    for (const auto& params : param_sets) {
      sqlite3_reset(stmt);
      RETURN_IF_ERROR(c_.Bind(stmt, params));
      int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        Status st = SqliteError(c_.db(), sqlite3_extended_errcode(c_.db()), "executing SQL");
        sqlite3_reset(stmt);
        return st;
      }
    }
    sqlite3_reset(stmt);
    return Status::Ok();
  }

  Result<int64_t> NextId(std::string_view counter) override {
    ASSIGN_OR_RETURN(Rows rows, Query("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
                                      {std::string(counter)}));
    if (rows.empty()) return Internal("counter update returned nothing");
    return rows[0].Int(0);
  }

 private:
  Connection& c_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, SqliteOptions o) : path_(std::move(path)), options_(o) {}

  Status Init() {
    ASSIGN_OR_RETURN(writer_, Connection::Open(path_, false, options_));
    // Refreshes planner statistics where they are stale (cheap; SQLite's advice for long-lived
    // connections), so searches over large tables pick their indexes.
    return writer_->ExecRaw("PRAGMA optimize=0x10002");
  }

  Status Read(const std::function<Status(Tx&)>& fn) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
    Status st = conn->ExecRaw("BEGIN");
    if (st.ok()) {
      SqliteTx tx(*conn);
      st = fn(tx);
      Status end = conn->ExecRaw(st.ok() ? "COMMIT" : "ROLLBACK");
      if (st.ok()) st = end;
    }
    ReleaseReader(std::move(conn));
    return st;
  }

  Status Write(const std::function<Status(Tx&)>& fn) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    RETURN_IF_ERROR(writer_->ExecRaw("BEGIN IMMEDIATE"));
    SqliteTx tx(*writer_);
    Status st = fn(tx);
    if (!st.ok()) {
      (void)writer_->ExecRaw("ROLLBACK");
      return st;
    }
    Status commit = writer_->ExecRaw("COMMIT");
    if (!commit.ok()) (void)writer_->ExecRaw("ROLLBACK");
    return commit;
  }

  std::string Dialect() const override { return "sqlite"; }

  Result<std::vector<std::string>> IntegrityCheck() override {
    std::vector<std::string> problems;
    RETURN_IF_ERROR(Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(Rows rows, tx.Query("PRAGMA integrity_check"));
      for (const Row& r : rows)
        if (r.Text(0) != "ok") problems.push_back(r.Text(0));
      return Status::Ok();
    }));
    return problems;
  }

 private:
  Result<std::unique_ptr<Connection>> AcquireReader() {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      if (!readers_.empty()) {
        auto c = std::move(readers_.back());
        readers_.pop_back();
        return c;
      }
    }
    // Readers open read-write so they can see the WAL index; they never write.
    return Connection::Open(path_, false, options_);
  }

  void ReleaseReader(std::unique_ptr<Connection> c) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (static_cast<int>(readers_.size()) < options_.reader_pool_size) readers_.push_back(std::move(c));
  }

  const std::string path_;
  const SqliteOptions options_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_ GUARDED_BY(write_mu_);
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> readers_ GUARDED_BY(pool_mu_);
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const SqliteOptions& options) {
  // SQLite would create the file 0644 (less the umask); it holds secrets, so it is made 0600
  // first. SQLite gives the WAL and SHM files the database file's mode.
  if (path != ":memory:" && path.rfind("file:", 0) != 0) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Internal("cannot create " + path + ": " + std::strerror(errno));
    ::close(fd);
  }
  auto db = std::make_unique<SqliteDatabase>(path, options);
  RETURN_IF_ERROR(db->Init());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace moebius::store
