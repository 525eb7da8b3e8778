#include "auth/audit_log.h"

#include "base/crypto.h"

namespace moebius::auth {

namespace {
const char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

void AppendField(std::string& out, const std::string& f) {
  // Length-prefixed so that moving bytes between fields changes the hash.
  out += std::to_string(f.size());
  out += ':';
  out += f;
  out += '|';
}
}  // namespace

std::string AuditLog::HashOf(const AuditEntry& e) {
  std::string buf;
  AppendField(buf, std::to_string(e.seq));
  AppendField(buf, std::to_string(e.ts));
  AppendField(buf, e.actor);
  AppendField(buf, e.action);
  AppendField(buf, e.target);
  AppendField(buf, e.detail);
  AppendField(buf, e.prev_hash);
  return Sha256Hex(buf);
}

Status AuditLog::Append(store::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                        const std::string& detail) {
  AuditEntry e;
  ASSIGN_OR_RETURN(store::Rows last, tx.Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  // The counter survives deletion of the newest rows, so Verify can tell a truncated tail.
  ASSIGN_OR_RETURN(e.seq, tx.NextId("audit_log"));
  e.prev_hash = last.empty() ? kGenesis : last[0].Text(1);
  e.ts = clock_.NowMillis();
  e.actor = actor;
  e.action = action;
  e.target = target;
  e.detail = detail;
  e.hash = HashOf(e);
  return tx.Exec("INSERT INTO audit_log (seq, ts, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {e.seq, e.ts, e.actor, e.action, e.target, e.detail, e.prev_hash, e.hash})
      .status();
}

Status AuditLog::Append(const std::string& actor, const std::string& action, const std::string& target,
                        const std::string& detail) {
  return db_.Write([&](store::Tx& tx) { return Append(tx, actor, action, target, detail); });
}

static AuditEntry EntryOf(const store::Row& r) {
  return AuditEntry{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)};
}

Result<std::vector<AuditEntry>> AuditLog::List(int64_t before_seq, int limit) {
  std::vector<AuditEntry> out;
  RETURN_IF_ERROR(db_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx.Query("SELECT seq, ts, actor, action, target, detail, prev_hash, hash FROM audit_log "
                              "WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                              {before_seq, static_cast<int64_t>(limit)}));
    for (const auto& r : rows) out.push_back(EntryOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<AuditProblem>> AuditLog::Verify(int64_t* checked) {
  std::vector<AuditProblem> problems;
  *checked = 0;
  RETURN_IF_ERROR(db_.Read([&](store::Tx& tx) -> Status {
    std::string prev = kGenesis;
    int64_t expected_seq = 1;
    int64_t after = 0;
    while (true) {  // page through so memory stays flat on long logs
      ASSIGN_OR_RETURN(store::Rows rows,
                       tx.Query("SELECT seq, ts, actor, action, target, detail, prev_hash, hash FROM audit_log "
                                "WHERE seq > ? ORDER BY seq LIMIT 5000",
                                {after}));
      if (rows.empty()) break;
      for (const auto& r : rows) {
        AuditEntry e = EntryOf(r);
        ++*checked;
        if (e.seq != expected_seq)
          problems.push_back({e.seq, "sequence gap: expected " + std::to_string(expected_seq) + " (rows deleted or inserted)"});
        if (e.prev_hash != prev) problems.push_back({e.seq, "chain broken: prev_hash does not match the previous row"});
        if (HashOf(e) != e.hash) problems.push_back({e.seq, "row content changed: hash does not match"});
        prev = e.hash;
        expected_seq = e.seq + 1;
        after = e.seq;
      }
    }
    ASSIGN_OR_RETURN(store::Rows counter, tx.Query("SELECT value FROM counters WHERE name = 'audit_log'"));
    int64_t issued = counter.empty() ? 0 : counter[0].Int(0);
    if (issued != expected_seq - 1)
      problems.push_back({expected_seq, "log ends at " + std::to_string(expected_seq - 1) + " but " +
                                            std::to_string(issued) + " entries were written (newest rows deleted)"});
    return Status::Ok();
  }));
  return problems;
}

}  // namespace moebius::auth
