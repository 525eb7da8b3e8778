// Approval requests (REG-5; registry/approvals.h):
//   POST /api/v1/models/{model}/versions/{version}/requests   (model.register) {"stage": "production", "reason", "archive_existing"?}
//        or {"kind": "retire", "reason"} (REG-6)
//   GET/PUT /api/v1/projects/{project}/retirement-policy      (project.read / project.manage)
//        {"max_age_days", "superseded_by", "retention_days"} (0 turns a rule off)
//   GET  /api/v1/projects/{project}/retirement-candidates     (project.read) versions the policy names, with why
//   GET  /api/v1/approvals                                    (authenticated) ?state=&project= → requests of the caller's projects
//   GET  /api/v1/approvals/{approval}                         (project.read)  the request, its events and its evidence
//   POST /api/v1/approvals/{approval}/approve                 (model.approve) {"comment"?}
//   POST /api/v1/approvals/{approval}/reject                  (model.approve) {"comment"}
//   POST /api/v1/approvals/{approval}/cancel                  (model.register) the requester only
//   POST /api/v1/approvals/{approval}/comments                (project.read)  {"text"}
//   GET/PUT /api/v1/projects/{project}/registry-settings      (project.read / project.manage) {"required_approvals": 1..5}
// Evidence: the version (files, signature, lineage with the package's criteria result and the run's
// metrics) as the reviewer needs it to decide.
#include <algorithm>

#include "api/registry_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "auth/auth_service.h"
#include "base/strings.h"
#include "project/project_service.h"
#include "registry/approvals.h"
#include "registry/registry_service.h"
#include "registry/registry_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

Json EventJson(const registry::ApprovalEvent& e) {
  return Json{{"actor", e.actor}, {"action", e.action}, {"comment", e.comment}, {"at", e.at}};
}

Json RequestJson(const registry::ApprovalRequest& q) {
  Json events = Json::array();
  for (const auto& e : q.events) events.push_back(EventJson(e));
  return Json{{"id", q.id},
              {"project_id", q.project_id},
              {"kind", q.kind},
              {"model", q.model_name},
              {"version", q.version},
              {"target_stage", registry::StageName(q.target)},
              {"archive_existing", q.archive_existing},
              {"reason", q.reason},
              {"state", registry::RequestStateName(q.state)},
              {"required_approvals", q.required_approvals},
              {"approvals", q.approvals},
              {"requested_by", q.requested_by},
              {"created_at", q.created_at},
              {"decided_at", q.decided_at > 0 ? Json(q.decided_at) : Json(nullptr)},
              {"events", events}};
}

Result<int64_t> ApprovalId(RouteContext& ctx) {
  auto id = ParseInt64(ctx.Param("approval"));
  if (!id || *id < 1) return InvalidArgument("approval request id must be a positive integer, got '" + ctx.Param("approval").substr(0, 40) + "'");
  return *id;
}

ProjectResolver ApprovalFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t id, ApprovalId(ctx));
    ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Get(id));
    return std::vector<int64_t>{q.project_id};
  };
}

Result<std::string> OptionalText(RouteContext& ctx, const char* key) {
  ASSIGN_OR_RETURN(const Json* body, ctx.Body());
  if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
  ASSIGN_OR_RETURN(auto text, OptString(*body, key));
  return text.value_or("");
}

Result<HttpResponse> RequestResponse(Services& s, const registry::ApprovalRequest& q, bool evidence) {
  Json out = RequestJson(q);
  if (evidence) {
    ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersionById(q.version_id));
    out["evidence"] = VersionJson(v);
  }
  return JsonResponse(Json{{"request", out}});
}

}  // namespace

void RegisterApprovalRoutes(Router& r, Services& s) {
  r.Add("POST", "/api/v1/models/{model}/versions/{version}/requests", Permission::kModelRegister, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t n, VersionNumber(Json(ctx.Param("version"))));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          ASSIGN_OR_RETURN(auto stage_text, OptString(*body, "stage"));
          ASSIGN_OR_RETURN(registry::Stage stage, registry::ParseStage(stage_text.value_or("production")));
          ASSIGN_OR_RETURN(auto reason, OptString(*body, "reason"));
          ASSIGN_OR_RETURN(auto archive, OptBool(*body, "archive_existing"));
          ASSIGN_OR_RETURN(auto kind, OptString(*body, "kind"));
          ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Request(ctx.Param("model"), n, stage, archive.value_or(false),
                                                                             reason.value_or(""), ctx.user().username, kind.value_or("stage")));
          return RequestResponse(s, q, false);
        });

  r.Add("GET", "/api/v1/approvals", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    std::optional<registry::RequestState> state;
    if (auto st = ctx.req.Query("state")) {
      ASSIGN_OR_RETURN(state, registry::ParseRequestState(*st));
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> projects, VisibleProjects(s, ctx.user()));
    if (auto name = ctx.req.Query("project")) {
      ASSIGN_OR_RETURN(project::Project p, s.projects.GetProject(*name));
      bool visible = std::find(projects.begin(), projects.end(), p.id) != projects.end();
      projects.assign(visible ? 1 : 0, p.id);
    }
    ASSIGN_OR_RETURN(auto list, s.approvals.List(projects, state, 500));
    Json out = Json::array();
    for (const auto& q : list) {
      Json j = RequestJson(q);
      // For the inbox: may this caller review it? (an approver in its project who neither made
      // nor already reviewed it, while it is pending)
      bool reviewed = false;
      for (const auto& e : q.events) reviewed = reviewed || (e.actor == ctx.user().username && (e.action == "approve" || e.action == "reject"));
      bool approver = ctx.user().global_role == auth::Role::kAdmin;
      if (!approver) {
        ASSIGN_OR_RETURN(auto role, s.auth.RoleInProject(ctx.user().id, q.project_id));
        approver = role && auth::RoleHas(*role, Permission::kModelApprove);
      }
      j["awaiting_you"] = q.state == registry::RequestState::kPending && approver && !reviewed && q.requested_by != ctx.user().username;
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"requests", out}});
  });

  r.Add("GET", "/api/v1/approvals/{approval}", Permission::kProjectRead, ApprovalFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, ApprovalId(ctx));
    ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Get(id));
    return RequestResponse(s, q, true);
  });

  r.Add("POST", "/api/v1/approvals/{approval}/approve", Permission::kModelApprove, ApprovalFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ApprovalId(ctx));
          ASSIGN_OR_RETURN(std::string comment, OptionalText(ctx, "comment"));
          ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Approve(id, ctx.user().username, comment));
          return RequestResponse(s, q, false);
        });
  r.Add("POST", "/api/v1/approvals/{approval}/reject", Permission::kModelApprove, ApprovalFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ApprovalId(ctx));
          ASSIGN_OR_RETURN(std::string comment, OptionalText(ctx, "comment"));
          ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Reject(id, ctx.user().username, comment));
          return RequestResponse(s, q, false);
        });
  r.Add("POST", "/api/v1/approvals/{approval}/cancel", Permission::kModelRegister, ApprovalFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ApprovalId(ctx));
          ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Cancel(id, ctx.user().username));
          return RequestResponse(s, q, false);
        });
  r.Add("POST", "/api/v1/approvals/{approval}/comments", Permission::kProjectRead, ApprovalFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ApprovalId(ctx));
          ASSIGN_OR_RETURN(std::string text, OptionalText(ctx, "text"));
          ASSIGN_OR_RETURN(registry::ApprovalRequest q, s.approvals.Comment(id, ctx.user().username, text));
          return RequestResponse(s, q, false);
        });

  r.Add("GET", "/api/v1/projects/{project}/retirement-policy", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(registry::RetirementPolicy p, s.registry.store().GetRetirementPolicy(ctx.project_ids.at(0)));
          return JsonResponse(Json{{"max_age_days", p.max_age_days}, {"superseded_by", p.superseded_by}, {"retention_days", p.retention_days}});
        });

  r.Add("PUT", "/api/v1/projects/{project}/retirement-policy", Permission::kProjectManage, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          ASSIGN_OR_RETURN(registry::RetirementPolicy p, s.registry.store().GetRetirementPolicy(ctx.project_ids.at(0)));
          ASSIGN_OR_RETURN(auto age, OptInt(*body, "max_age_days"));
          ASSIGN_OR_RETURN(auto superseded, OptInt(*body, "superseded_by"));
          ASSIGN_OR_RETURN(auto retention, OptInt(*body, "retention_days"));
          if (age) p.max_age_days = *age;
          if (superseded) p.superseded_by = *superseded;
          if (retention) p.retention_days = *retention;
          RETURN_IF_ERROR(s.registry.store().SetRetirementPolicy(ctx.project_ids.at(0), p));
          return JsonResponse(Json{{"max_age_days", p.max_age_days}, {"superseded_by", p.superseded_by}, {"retention_days", p.retention_days}});
        });

  r.Add("GET", "/api/v1/projects/{project}/retirement-candidates", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(auto candidates, s.registry.RetirementCandidates(ctx.project_ids.at(0)));
          Json out = Json::array();
          for (const auto& c : candidates)
            out.push_back({{"model", c.version.model_name},
                           {"version", c.version.version},
                           {"stage", registry::StageName(c.version.stage)},
                           {"created_at", c.version.created_at},
                           {"reasons", c.reasons}});
          return JsonResponse(Json{{"candidates", out}});
        });

  r.Add("GET", "/api/v1/projects/{project}/registry-settings", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t n, s.approvals.RequiredApprovals(ctx.project_ids.at(0)));
          return JsonResponse(Json{{"required_approvals", n}});
        });
  r.Add("PUT", "/api/v1/projects/{project}/registry-settings", Permission::kProjectManage, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          ASSIGN_OR_RETURN(auto n, OptInt(*body, "required_approvals"));
          if (!n) return InvalidArgument("missing required field 'required_approvals' (1 to 5)");
          RETURN_IF_ERROR(s.approvals.SetRequiredApprovals(ctx.project_ids.at(0), *n));
          return JsonResponse(Json{{"required_approvals", *n}});
        });
}

}  // namespace moebius::api
