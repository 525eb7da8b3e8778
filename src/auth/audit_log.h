// The hash-chained audit log (GOV-4, MON-9). Each entry's hash covers its own fields and the
// previous entry's hash, so editing, inserting or deleting a row breaks the chain from that
// row on, and Verify() names the first row that no longer fits.
//
// Thread-safety: stateless; appends are serialized by the database's single writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "store/meta/database.h"

namespace moebius::auth {

struct AuditEntry {
  int64_t seq = 0;
  int64_t ts = 0;
  std::string actor;   // username, or "-" for anonymous
  std::string action;  // e.g. "POST /api/v1/projects"
  std::string target;  // e.g. "/api/v1/projects/demo"
  std::string detail;  // JSON text: status, request id, ...
  std::string prev_hash;
  std::string hash;
};

struct AuditProblem {
  int64_t seq;
  std::string problem;
};

class AuditLog {
 public:
  AuditLog(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  // Appends inside the caller's write transaction.
  Status Append(store::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                const std::string& detail);
  // Appends in a transaction of its own.
  Status Append(const std::string& actor, const std::string& action, const std::string& target,
                const std::string& detail);
  Result<std::vector<AuditEntry>> List(int64_t before_seq, int limit);
  // Walks the whole chain. Returns the problems found (empty when intact) and the count checked.
  Result<std::vector<AuditProblem>> Verify(int64_t* checked);

  static std::string HashOf(const AuditEntry& e);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace moebius::auth
