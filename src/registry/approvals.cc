#include "registry/approvals.h"

#include "base/strings.h"
#include "store/meta/sql_text.h"

namespace moebius::registry {
namespace {

using store::Row;
using store::SqlValue;
using store::Tx;

constexpr size_t kMaxText = 4000;

Status CheckText(const std::string& text, const char* what, bool required) {
  if (required && Trim(text).empty()) return InvalidArgument(std::string(what) + " is required");
  if (text.size() > kMaxText) return InvalidArgument(std::string(what) + " is longer than 4000 characters");
  return Status::Ok();
}


}  // namespace

const char* RequestStateName(RequestState s) {
  switch (s) {
    case RequestState::kPending: return "pending";
    case RequestState::kApproved: return "approved";
    case RequestState::kRejected: return "rejected";
    case RequestState::kCancelled: return "cancelled";
  }
  return "pending";
}

Result<RequestState> ParseRequestState(std::string_view text) {
  for (auto s : {RequestState::kPending, RequestState::kApproved, RequestState::kRejected, RequestState::kCancelled})
    if (text == RequestStateName(s)) return s;
  return InvalidArgument("state must be pending, approved, rejected or cancelled, got '" + std::string(text.substr(0, 40)) + "'");
}

Result<ApprovalRequest> Approvals::Load(Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(Row r, store::QueryOne(tx,
                                          "SELECT a.id, a.project_id, a.kind, a.model_id, m.name, a.version_id, v.version, a.target_stage, "
                                          "a.archive_existing, a.reason, a.state, a.required_approvals, a.requested_by, a.created_at, a.decided_at "
                                          "FROM approval_requests a JOIN registered_models m ON m.id = a.model_id "
                                          "JOIN model_versions v ON v.id = a.version_id WHERE a.id = ?",
                                          {id}, "approval request " + std::to_string(id)));
  ApprovalRequest q;
  q.id = r.Int(0);
  q.project_id = r.Int(1);
  q.kind = r.Text(2);
  q.model_id = r.Int(3);
  q.model_name = r.Text(4);
  q.version_id = r.Int(5);
  q.version = r.Int(6);
  q.target = ParseStage(r.Text(7)).ok() ? *ParseStage(r.Text(7)) : Stage::kProduction;
  q.archive_existing = r.Int(8) != 0;
  q.reason = r.Text(9);
  q.state = ParseRequestState(r.Text(10)).ok() ? *ParseRequestState(r.Text(10)) : RequestState::kPending;
  q.required_approvals = r.Int(11);
  q.requested_by = r.Text(12);
  q.created_at = r.Int(13);
  q.decided_at = r.Int(14);
  ASSIGN_OR_RETURN(auto events, tx.Query("SELECT actor, action, comment, at FROM approval_events WHERE request_id = ? ORDER BY id", {id}));
  for (const auto& e : events) {
    q.events.push_back({e.Text(0), e.Text(1), e.Text(2), e.Int(3)});
    if (e.Text(1) == "approve") ++q.approvals;
  }
  return q;
}

Status Approvals::AddEvent(Tx& tx, int64_t id, const std::string& actor, const std::string& action, const std::string& comment) {
  ASSIGN_OR_RETURN(int64_t eid, tx.NextId("approval_events"));
  return tx.Exec("INSERT INTO approval_events (id, request_id, actor, action, comment, at) VALUES (?, ?, ?, ?, ?, ?)",
                 {eid, id, actor, action, comment, clock_.NowMillis()})
      .status();
}

Result<ApprovalRequest> Approvals::Pending(Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(ApprovalRequest q, Load(tx, id));
  if (q.state != RequestState::kPending)
    return Conflict("request " + std::to_string(id) + " is " + RequestStateName(q.state) + ", no longer pending").WithReason("NOT_PENDING");
  return q;
}

Result<ApprovalRequest> Approvals::Request(const std::string& model, int64_t version, Stage target, bool archive_existing,
                                           const std::string& reason, const std::string& user, const std::string& kind) {
  if (kind != "stage" && kind != "retire") return InvalidArgument("kind must be 'stage' (production) or 'retire', got '" + kind + "'");
  if (kind == "retire") {
    target = Stage::kArchived;
    archive_existing = false;
  } else if (target != Stage::kProduction) {
    return InvalidArgument(std::string("only production needs an approved request; move a version to ") + StageName(target) + " directly");
  }
  RETURN_IF_ERROR(CheckText(reason, "reason", true));
  ASSIGN_OR_RETURN(ModelVersion v, registry_.GetVersion(model, version));
  if (v.retired_at > 0)
    return Conflict("version " + std::to_string(version) + " of '" + model + "' is retired (request " + std::to_string(v.retire_request) + ")")
        .WithReason("RETIRED");
  if (kind == "retire" && v.stage == Stage::kProduction)
    return Conflict("version " + std::to_string(version) + " of '" + model + "' is in production; promote another version before retiring it")
        .WithReason("IN_PRODUCTION");
  if (kind == "stage" && v.stage == target) return FailedPrecondition("version " + std::to_string(version) + " of '" + model + "' is already in production");
  ApprovalRequest out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto open, tx.Query("SELECT id FROM approval_requests WHERE version_id = ? AND kind = ? AND state = 'pending'",
                                         {v.id, kind}));
    if (!open.empty())
      return Conflict("request " + std::to_string(open[0].Int(0)) + " for this version is already pending").WithReason("DUPLICATE_REQUEST");
    ASSIGN_OR_RETURN(auto setting, tx.Query("SELECT required_approvals FROM registry_settings WHERE project_id = ?", {v.project_id}));
    int64_t required = setting.empty() ? 1 : setting[0].Int(0);
    ASSIGN_OR_RETURN(int64_t id, tx.NextId("approval_requests"));
    RETURN_IF_ERROR(tx.Exec("INSERT INTO approval_requests (id, project_id, kind, model_id, version_id, target_stage, archive_existing, reason, "
                            "state, required_approvals, requested_by, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 0)",
                            {id, v.project_id, kind, v.model_id, v.id, std::string(StageName(target)), int64_t{archive_existing ? 1 : 0}, reason,
                             required, user, clock_.NowMillis()})
                        .status());
    RETURN_IF_ERROR(AddEvent(tx, id, user, "request", reason));
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ApprovalRequest> Approvals::Approve(int64_t id, const std::string& user, const std::string& comment) {
  RETURN_IF_ERROR(CheckText(comment, "comment", false));
  ApprovalRequest out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(ApprovalRequest q, Pending(tx, id));
    if (q.requested_by == user)
      return Conflict("a request cannot be approved by the user who made it ('" + user + "'); another approver must review it")
          .WithReason("SELF_APPROVAL");
    for (const auto& e : q.events)
      if (e.actor == user && (e.action == "approve" || e.action == "reject"))
        return Conflict("'" + user + "' has already reviewed request " + std::to_string(id)).WithReason("ALREADY_REVIEWED");
    RETURN_IF_ERROR(AddEvent(tx, id, user, "approve", comment));
    if (q.approvals + 1 >= q.required_approvals) {
      int64_t now = clock_.NowMillis();
      RETURN_IF_ERROR(tx.Exec("UPDATE approval_requests SET state = 'approved', decided_at = ? WHERE id = ?", {now, id}).status());
      if (q.kind == "retire") {
        RETURN_IF_ERROR(registry_.RetireTx(tx, q.version_id, id, user, q.reason));
        RETURN_IF_ERROR(AddEvent(tx, id, user, "applied", "retired"));
      } else {
        ASSIGN_OR_RETURN(ModelVersion v, registry_.LoadVersionTx(tx, q.version_id));
        if (v.stage != q.target) {
          RETURN_IF_ERROR(registry_.TransitionTx(tx, q.version_id, q.target, q.archive_existing, user,
                                                 "approved request " + std::to_string(id) + " by " + q.requested_by + ": " + q.reason));
        }
        RETURN_IF_ERROR(AddEvent(tx, id, user, "applied", std::string("moved to ") + StageName(q.target)));
      }
    }
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ApprovalRequest> Approvals::Reject(int64_t id, const std::string& user, const std::string& comment) {
  RETURN_IF_ERROR(CheckText(comment, "comment (why the request is rejected)", true));
  ApprovalRequest out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(ApprovalRequest q, Pending(tx, id));
    if (q.requested_by == user)
      return Conflict("the requester cannot review their own request; cancel it instead").WithReason("SELF_APPROVAL");
    RETURN_IF_ERROR(AddEvent(tx, id, user, "reject", comment));
    RETURN_IF_ERROR(tx.Exec("UPDATE approval_requests SET state = 'rejected', decided_at = ? WHERE id = ?", {clock_.NowMillis(), id}).status());
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ApprovalRequest> Approvals::Cancel(int64_t id, const std::string& user) {
  ApprovalRequest out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(ApprovalRequest q, Pending(tx, id));
    if (q.requested_by != user)
      return Conflict("only the requester ('" + q.requested_by + "') may cancel request " + std::to_string(id)).WithReason("NOT_REQUESTER");
    RETURN_IF_ERROR(AddEvent(tx, id, user, "cancel", ""));
    RETURN_IF_ERROR(tx.Exec("UPDATE approval_requests SET state = 'cancelled', decided_at = ? WHERE id = ?", {clock_.NowMillis(), id}).status());
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ApprovalRequest> Approvals::Comment(int64_t id, const std::string& user, const std::string& text) {
  RETURN_IF_ERROR(CheckText(text, "text", true));
  ApprovalRequest out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(ApprovalRequest q, Load(tx, id));
    RETURN_IF_ERROR(AddEvent(tx, id, user, "comment", text));
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ApprovalRequest> Approvals::Get(int64_t id) {
  ApprovalRequest out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ApprovalRequest>> Approvals::List(const std::vector<int64_t>& project_ids, std::optional<RequestState> state, int64_t limit) {
  std::vector<ApprovalRequest> out;
  if (project_ids.empty()) return out;
  std::vector<SqlValue> params;
  for (int64_t p : project_ids) params.push_back(p);
  std::string sql = "SELECT id FROM approval_requests WHERE project_id IN (" + store::Placeholders(project_ids.size()) + ")";
  if (state) {
    sql += " AND state = ?";
    params.push_back(std::string(RequestStateName(*state)));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(limit);
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(ApprovalRequest q, Load(tx, r.Int(0)));
      out.push_back(std::move(q));
    }
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> Approvals::RequiredApprovals(int64_t project_id) {
  int64_t n = 1;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT required_approvals FROM registry_settings WHERE project_id = ?", {project_id}));
    if (!rows.empty()) n = rows[0].Int(0);
    return Status::Ok();
  }));
  return n;
}

Status Approvals::SetRequiredApprovals(int64_t project_id, int64_t n) {
  if (n < 1 || n > kMaxRequiredApprovals) return InvalidArgument("required_approvals must be between 1 and 5");
  return db_.Write([&](Tx& tx) -> Status {
    return tx.Exec("INSERT INTO registry_settings (project_id, required_approvals) VALUES (?, ?) "
                   "ON CONFLICT (project_id) DO UPDATE SET required_approvals = excluded.required_approvals",
                   {project_id, n})
        .status();
  });
}

}  // namespace moebius::registry
