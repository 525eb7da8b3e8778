// /api/v1/auth, users, tokens, orgs, permissions, routes, audit.
#include "api/json_views.h"
#include "api/router.h"
#include "api/services.h"
#include "auth/audit_log.h"
#include "auth/auth_service.h"
#include "project/project_service.h"
#include "base/strings.h"

namespace moebius::api {

using auth::Permission;

Result<std::vector<int64_t>> VisibleProjects(Services& s, const auth::User& user) {
  std::vector<int64_t> ids;
  if (user.global_role == auth::Role::kAdmin) {
    ASSIGN_OR_RETURN(auto all, s.projects.ListProjects(true, std::nullopt));
    for (const auto& p : all) ids.push_back(p.id);
    return ids;
  }
  ASSIGN_OR_RETURN(auto memberships, s.auth.ListMemberships(user.id));
  for (const auto& m : memberships) ids.push_back(m.project_id);
  return ids;
}

namespace {

Json TokenJson(const auth::TokenInfo& t) {
  Json j{{"id", t.id}, {"name", t.name}, {"created_at", t.created_at}, {"revoked", t.revoked}};
  j["expires_at"] = t.expires_at ? Json(*t.expires_at) : Json(nullptr);
  return j;
}

Result<auth::Role> RoleField(const Json& body, const char* key, auth::Role fallback) {
  ASSIGN_OR_RETURN(auto name, OptString(body, key));
  if (!name) return fallback;
  auto role = auth::ParseRole(*name);
  if (!role) return InvalidArgument("unknown role '" + *name + "'; see GET /api/v1/permissions for the roles");
  return *role;
}

}  // namespace

void RegisterAuthRoutes(Router& r, Services& s) {
  r.Add("POST", "/api/v1/auth/login", Permission::kPublic, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string username, ReqString(*body, "username"));
    ctx.audit_actor = username;
    ASSIGN_OR_RETURN(std::string password, ReqString(*body, "password"));
    ASSIGN_OR_RETURN(auth::User user, s.auth.CheckPassword(username, password, auth::SignInThrottle::AddressOf(ctx.req.remote_addr)));
    ASSIGN_OR_RETURN(auth::IssuedCredential session, s.auth.CreateSession(user.id));
    HttpResponse resp = JsonResponse(Json{{"token", session.secret}, {"csrf_token", session.csrf_token},
                                          {"expires_at", *session.expires_at}, {"user", UserJson(user)}});
    resp.headers.emplace_back("Set-Cookie", "moebius_session=" + session.secret +
                                                "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                                std::to_string(auth::AuthService::kSessionTtlMs / 1000));
    return resp;
  });

  r.Add("POST", "/api/v1/auth/logout", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    if (ctx.principal->credential_kind == "session") RETURN_IF_ERROR(s.auth.Revoke(ctx.user().id, ctx.principal->credential_id));
    HttpResponse resp = JsonResponse(Json::object());
    resp.headers.emplace_back("Set-Cookie", "moebius_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return resp;
  });

  r.Add("GET", "/api/v1/auth/me", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto memberships, s.auth.ListMemberships(ctx.user().id));
    Json ms = Json::array();
    for (const auto& m : memberships) {
      auto p = s.projects.GetProjectById(m.project_id);
      if (p.ok()) ms.push_back({{"project", p->name}, {"role", auth::RoleName(m.role)}});
    }
    Json perms = Json::array();
    for (const auto& info : auth::AllPermissions())
      if (info.scope == auth::Scope::kGlobal && auth::RoleHas(ctx.user().global_role, info.permission)) perms.push_back(info.name);
    return JsonResponse(Json{{"user", UserJson(ctx.user())},
                             {"global_role", auth::RoleName(ctx.user().global_role)},
                             {"memberships", ms},
                             {"permissions", perms},
                             {"csrf_token", ctx.principal->csrf_token}});
  });

  r.Add("GET", "/api/v1/permissions", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    Json roles = Json::array();
    for (auth::Role role : auth::AllRoles()) roles.push_back(auth::RoleName(role));
    Json perms = Json::array();
    for (const auto& info : auth::AllPermissions()) {
      Json holders = Json::array();
      for (auth::Role role : auth::AllRoles())
        if (auth::RoleHas(role, info.permission)) holders.push_back(auth::RoleName(role));
      const char* scope = info.scope == auth::Scope::kPublic          ? "public"
                          : info.scope == auth::Scope::kAuthenticated ? "authenticated"
                          : info.scope == auth::Scope::kGlobal        ? "global"
                                                                      : "project";
      perms.push_back({{"name", info.name}, {"scope", scope}, {"description", info.description}, {"roles", holders}});
    }
    return JsonResponse(Json{{"roles", roles}, {"permissions", perms}});
  });

  r.Add("GET", "/api/v1/routes", Permission::kAuthenticated, [&r](RouteContext&) -> Result<HttpResponse> {
    Json routes = Json::array();
    for (const auto& info : r.Routes())
      routes.push_back({{"method", info.method}, {"path", info.pattern}, {"permission", auth::InfoOf(info.permission).name}});
    return JsonResponse(Json{{"routes", routes}});
  });

  // --- users
  r.Add("GET", "/api/v1/users", Permission::kUserManage, [&s](RouteContext&) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto users, s.auth.ListUsers());
    Json out = Json::array();
    for (const auto& u : users) out.push_back(UserJson(u));
    return JsonResponse(Json{{"users", out}});
  });
  r.Add("POST", "/api/v1/users", Permission::kUserManage, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string username, ReqString(*body, "username"));
    ASSIGN_OR_RETURN(std::string password, ReqString(*body, "password"));
    ASSIGN_OR_RETURN(auto display, OptString(*body, "display_name"));
    ASSIGN_OR_RETURN(auth::Role role, RoleField(*body, "global_role", auth::Role::kViewer));
    ASSIGN_OR_RETURN(auth::User u, s.auth.CreateUser(username, password, display.value_or(""), role));
    return JsonResponse(Json{{"user", UserJson(u)}});
  });
  r.Add("PATCH", "/api/v1/users/{user}", Permission::kUserManage, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    auth::UserUpdate up;
    ASSIGN_OR_RETURN(up.display_name, OptString(*body, "display_name"));
    ASSIGN_OR_RETURN(up.disabled, OptBool(*body, "disabled"));
    ASSIGN_OR_RETURN(up.password, OptString(*body, "password"));
    if (body->contains("global_role")) {
      ASSIGN_OR_RETURN(auth::Role role, RoleField(*body, "global_role", auth::Role::kViewer));
      up.global_role = role;
    }
    if (ctx.Param("user") == ctx.user().username && ((up.disabled && *up.disabled) ||
                                                     (up.global_role && *up.global_role != auth::Role::kAdmin &&
                                                      ctx.user().global_role == auth::Role::kAdmin)))
      return FailedPrecondition("you cannot disable or demote your own account");
    ASSIGN_OR_RETURN(auth::User u, s.auth.UpdateUser(ctx.Param("user"), up));
    return JsonResponse(Json{{"user", UserJson(u)}});
  });

  // --- tokens (always the caller's own)
  r.Add("GET", "/api/v1/tokens", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto tokens, s.auth.ListTokens(ctx.user().id));
    Json out = Json::array();
    for (const auto& t : tokens) out.push_back(TokenJson(t));
    return JsonResponse(Json{{"tokens", out}});
  });
  r.Add("POST", "/api/v1/tokens", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    ASSIGN_OR_RETURN(auto days, OptInt(*body, "expires_in_days"));
    ASSIGN_OR_RETURN(auth::IssuedCredential c, s.auth.CreateToken(ctx.user().id, name, days));
    auth::TokenInfo info{c.id, c.name, c.created_at, c.expires_at, false};
    return JsonResponse(Json{{"token", TokenJson(info)}, {"secret", c.secret}});
  });
  r.Add("DELETE", "/api/v1/tokens/{token}", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    RETURN_IF_ERROR(s.auth.Revoke(ctx.user().id, ctx.Param("token")));
    return JsonResponse(Json::object());
  });

  // --- organizations
  r.Add("GET", "/api/v1/orgs", Permission::kAuthenticated, [&s](RouteContext&) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto orgs, s.auth.ListOrgs());
    Json out = Json::array();
    for (const auto& o : orgs) out.push_back({{"id", o.id}, {"name", o.name}, {"display_name", o.display_name}, {"created_at", o.created_at}});
    return JsonResponse(Json{{"orgs", out}});
  });
  r.Add("POST", "/api/v1/orgs", Permission::kOrgManage, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    ASSIGN_OR_RETURN(auto display, OptString(*body, "display_name"));
    ASSIGN_OR_RETURN(auth::Org o, s.auth.CreateOrg(name, display.value_or("")));
    return JsonResponse(Json{{"org", {{"id", o.id}, {"name", o.name}, {"display_name", o.display_name}, {"created_at", o.created_at}}}});
  });

  // --- audit
  r.Add("GET", "/api/v1/audit", Permission::kAuditRead, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    int64_t before = INT64_MAX, limit = 100;
    if (auto b = ctx.req.Query("before")) {
      auto v = ParseInt64(*b);
      if (!v) return InvalidArgument("before must be an integer");
      before = *v;
    }
    if (auto l = ctx.req.Query("limit")) {
      auto v = ParseInt64(*l);
      if (!v || *v < 1 || *v > 1000) return InvalidArgument("limit must be between 1 and 1000");
      limit = *v;
    }
    ASSIGN_OR_RETURN(auto entries, s.audit.List(before, static_cast<int>(limit)));
    Json out = Json::array();
    for (const auto& e : entries)
      out.push_back({{"seq", e.seq}, {"ts", e.ts}, {"actor", e.actor}, {"action", e.action}, {"target", e.target},
                     {"detail", Json::parse(e.detail, nullptr, false)}, {"hash", e.hash}});
    return JsonResponse(Json{{"entries", out}});
  });
  r.Add("GET", "/api/v1/audit/verify", Permission::kAuditRead, [&s](RouteContext&) -> Result<HttpResponse> {
    int64_t checked = 0;
    ASSIGN_OR_RETURN(auto problems, s.audit.Verify(&checked));
    Json out = Json::array();
    for (const auto& p : problems) out.push_back({{"seq", p.seq}, {"problem", p.problem}});
    return JsonResponse(Json{{"ok", problems.empty()}, {"checked", checked}, {"problems", out}});
  });
}

}  // namespace moebius::api
