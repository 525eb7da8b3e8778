// Approvals (REG-5, PRJ-8): the only way a model version enters production. A holder of
// model.register requests it (with a reason); holders of model.approve other than the requester
// approve or reject (a rejection needs a comment); the requester may cancel while it is pending;
// anyone who may read the project may comment. When a request has the project's number of
// approvals (registry settings, 1 by default, at most 5), its stage move is applied in the same
// transaction that records the last approval, and the stage history names the request. Every
// step is an event of the request (and, through the router, a row of the audit log).
//
// Refusals: a second pending request for the same version and stage, approving one's own
// request, reviewing twice, acting on a request that is no longer pending, cancelling another
// user's request — each kConflict with a reason (SELF_APPROVAL, ALREADY_REVIEWED, NOT_PENDING,
// NOT_REQUESTER, DUPLICATE_REQUEST); nothing changes.
//
// Thread-safety: thread-safe (state lives in the database; each call is one transaction).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "registry/registry_store.h"
#include "registry/registry_types.h"
#include "store/meta/database.h"

namespace moebius::registry {

inline constexpr int64_t kMaxRequiredApprovals = 5;

class Approvals {
 public:
  Approvals(store::Database& db, RegistryStore& registry, const Clock& clock) : db_(db), registry_(registry), clock_(clock) {}

  // A request to move `version` of `model` to `target` (production: the stage that needs one), or
  // with kind "retire" to retire it (REG-6: applied as archived plus the retirement record; a
  // version in production is kConflict IN_PRODUCTION). A retired version is kConflict RETIRED.
  Result<ApprovalRequest> Request(const std::string& model, int64_t version, Stage target, bool archive_existing,
                                  const std::string& reason, const std::string& user, const std::string& kind = "stage");
  Result<ApprovalRequest> Approve(int64_t id, const std::string& user, const std::string& comment);
  Result<ApprovalRequest> Reject(int64_t id, const std::string& user, const std::string& comment);
  Result<ApprovalRequest> Cancel(int64_t id, const std::string& user);
  Result<ApprovalRequest> Comment(int64_t id, const std::string& user, const std::string& text);

  Result<ApprovalRequest> Get(int64_t id);
  // Requests of the given projects, newest first; `state` filters.
  Result<std::vector<ApprovalRequest>> List(const std::vector<int64_t>& project_ids, std::optional<RequestState> state, int64_t limit);

  Result<int64_t> RequiredApprovals(int64_t project_id);
  Status SetRequiredApprovals(int64_t project_id, int64_t n);  // 1..5

 private:
  Result<ApprovalRequest> Load(store::Tx& tx, int64_t id);
  Status AddEvent(store::Tx& tx, int64_t id, const std::string& actor, const std::string& action, const std::string& comment);
  // Loads the request inside `tx` and checks it is pending (kConflict NOT_PENDING otherwise).
  Result<ApprovalRequest> Pending(store::Tx& tx, int64_t id);

  store::Database& db_;
  RegistryStore& registry_;
  const Clock& clock_;
};

}  // namespace moebius::registry
