#include "store/meta/migrations.h"

#include <algorithm>
#include <set>

#include "base/strings.h"

namespace moebius::store {
namespace {

std::vector<std::string> SplitStatements(const std::string& sql) {
  std::vector<std::string> out;
  for (const std::string& part : Split(sql, ';')) {
    std::string_view t = Trim(part);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

}  // namespace

Status Migrate(Database& db, std::vector<Migration> migrations) {
  std::sort(migrations.begin(), migrations.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < migrations.size(); ++i)
    if (migrations[i].version == migrations[i - 1].version)
      return Internal("two migrations share version " + std::to_string(migrations[i].version));

  RETURN_IF_ERROR(db.Write([](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").status());
    RETURN_IF_ERROR(tx.Exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)").status());
    return Status::Ok();
  }));

  std::set<int64_t> applied;
  RETURN_IF_ERROR(db.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT version FROM schema_migrations"));
    for (const Row& r : rows) applied.insert(r.Int(0));
    return Status::Ok();
  }));
  std::set<int64_t> known;
  for (const Migration& m : migrations) known.insert(m.version);
  for (int64_t v : applied)
    if (!known.count(v))
      return FailedPrecondition("database has migration " + std::to_string(v) +
                                " that this binary does not know; it was written by a newer Moebius");

  for (const Migration& m : migrations) {
    if (applied.count(m.version)) continue;
    Status st = db.Write([&](Tx& tx) -> Status {
      for (const std::string& stmt : SplitStatements(m.sql)) RETURN_IF_ERROR(tx.Exec(stmt).status());
      return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)",
                     {static_cast<int64_t>(m.version), m.name}).status();
    });
    if (!st.ok()) return st.WithContext("migration " + std::to_string(m.version) + " (" + m.name + ")");
  }
  return Status::Ok();
}

}  // namespace moebius::store
