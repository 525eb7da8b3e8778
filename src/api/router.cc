#include "api/router.h"

#include <chrono>

#include "api/metrics_registry.h"
#include "auth/audit_log.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"

namespace moebius::api {
namespace {

std::vector<std::string> PathSegments(const std::string& path) {
  std::vector<std::string> out;
  for (auto& s : Split(path, '/'))
    if (!s.empty()) out.push_back(s);
  return out;
}

// What follows the first `skip` non-empty segments of `path`, verbatim after one separating
// slash: a {rest...} parameter keeps empty segments and a leading slash ("a//b", "/etc/passwd")
// so that handlers can refuse them instead of receiving a silently normalized path.
std::string RestOfPath(const std::string& path, size_t skip) {
  size_t at = 0;
  for (size_t n = 0; n < skip; ++n) {
    while (at < path.size() && path[at] == '/') ++at;
    while (at < path.size() && path[at] != '/') ++at;
  }
  if (at < path.size() && path[at] == '/') ++at;
  std::string rest = path.substr(at);
  if (rest.size() > 1 && rest.back() == '/') rest.pop_back();  // "dir/" names "dir"
  return rest;
}

// The start of the 400's message when a JSON exception escapes a handler (see Handle); the route
// fuzz test fails on it, because it means a parser missed a check.
constexpr const char* kUncheckedJsonMessage = "the request or a document it reads has an unexpected shape: ";

bool IsMutating(const std::string& method) { return method != "GET" && method != "HEAD"; }

std::optional<std::string> CookieValue(const HttpRequest& req, std::string_view name) {
  auto header = req.Header("cookie");
  if (!header) return std::nullopt;
  for (const std::string& part : Split(*header, ';')) {
    std::string_view kv = Trim(part);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos && kv.substr(0, eq) == name) return std::string(kv.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace

Result<const Json*> RouteContext::Body() {
  if (!body_) {
    if (Trim(req.body).empty()) body_.emplace(Json::object());
    else body_.emplace(ParseJson(req.body, json_limits));
  }
  if (!body_->ok()) return body_->status();
  return &body_->value();
}

Result<std::optional<std::string>> RouteContext::QueryOrBodyString(const char* key) {
  if (auto q = req.Query(key)) return std::optional<std::string>(*q);
  if (req.method == "GET" || req.method == "HEAD") return std::optional<std::string>();
  ASSIGN_OR_RETURN(const Json* body, Body());
  if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = body->find(key);
  if (it == body->end() || it->is_null()) return std::optional<std::string>();
  if (it->is_string()) return std::optional<std::string>(it->get<std::string>());
  if (it->is_number_integer()) return std::optional<std::string>(std::to_string(it->get<int64_t>()));
  return InvalidArgument(std::string("field '") + key + "' must be a string, got " + it->type_name());
}

void Router::Add(const std::string& method, const std::string& pattern, auth::Permission permission, RouteHandler handler,
                 RouteOptions options) {
  Add(method, pattern, permission, nullptr, std::move(handler), options);
}

void Router::Add(const std::string& method, const std::string& pattern, auth::Permission permission,
                 ProjectResolver resolver, RouteHandler handler, RouteOptions options) {
  const auth::PermissionInfo& info = auth::InfoOf(permission);
  if (info.scope == auth::Scope::kProject && !resolver) {
    log::Error("route " + method + " " + pattern + " needs project permission " + info.name + " but has no project resolver");
    std::abort();  // a programming error: refusing to serve a route that cannot be authorized
  }
  if (!handler) {
    log::Error("route " + method + " " + pattern + " has no handler");
    std::abort();
  }
  for (const Route& r : routes_)
    if (r.method == method && r.pattern == pattern) {
      log::Error("route " + method + " " + pattern + " registered twice");
      std::abort();
    }
  routes_.push_back(Route{method, pattern, PathSegments(pattern), permission, std::move(resolver), std::move(handler),
                          options.audit.value_or(IsMutating(method)), options.v2_errors});
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const Route& r : routes_) out.push_back({r.method, r.pattern, r.permission});
  return out;
}

Result<auth::Principal> Router::Authenticate(const HttpRequest& req, bool* via_cookie) {
  *via_cookie = false;
  if (auto h = req.Header("authorization")) {
    std::string_view v = Trim(*h);
    if (StartsWith(ToLower(v.substr(0, 7)), "bearer ")) return auth_.AuthenticateSecret(std::string(Trim(v.substr(7))));
    if (StartsWith(ToLower(v.substr(0, 6)), "basic ")) {
      auto decoded = Base64Decode(Trim(v.substr(6)));
      if (!decoded) return Unauthenticated("malformed Basic credentials");
      size_t colon = decoded->find(':');
      if (colon == std::string::npos) return Unauthenticated("malformed Basic credentials");
      return auth_.AuthenticateBasic(decoded->substr(0, colon), decoded->substr(colon + 1),
                                     auth::SignInThrottle::AddressOf(req.remote_addr));
    }
    return Unauthenticated("unsupported Authorization scheme; use Bearer or Basic");
  }
  if (auto cookie = CookieValue(req, "moebius_session")) {
    *via_cookie = true;
    return auth_.AuthenticateSecret(*cookie);
  }
  return Unauthenticated("authentication required");
}

Status Router::Authorize(const Route& route, RouteContext& ctx) {
  const auth::PermissionInfo& info = auth::InfoOf(route.permission);
  const auth::User& user = ctx.principal->user;
  if (info.scope == auth::Scope::kAuthenticated) return Status::Ok();
  if (info.scope == auth::Scope::kGlobal) {
    if (auth::RoleHas(user.global_role, route.permission)) return Status::Ok();
    return PermissionDenied(std::string("this needs the '") + info.name + "' permission");
  }
  ASSIGN_OR_RETURN(ctx.project_ids, route.resolver(ctx));
  if (user.global_role == auth::Role::kAdmin) return Status::Ok();
  for (int64_t project_id : ctx.project_ids) {
    ASSIGN_OR_RETURN(std::optional<auth::Role> role, auth_.RoleInProject(user.id, project_id));
    // Non-members are told nothing about the project's contents.
    if (!role) return NotFound("the requested resource does not exist or you are not a member of its project");
    if (!auth::RoleHas(*role, route.permission))
      return PermissionDenied(std::string("your role '") + auth::RoleName(*role) + "' lacks the '" + info.name +
                              "' permission in this project");
  }
  return Status::Ok();
}

void Router::Audit(const Route& route, const RouteContext& ctx, int status) {
  if (!route.audit) return;
  std::string actor = ctx.principal ? ctx.principal->user.username : ctx.audit_actor.empty() ? "-" : ctx.audit_actor.substr(0, 64);
  Json detail{{"status", status}, {"request_id", ctx.req.request_id}, {"remote", ctx.req.remote_addr}};
  Status st = audit_.Append(actor, route.method + " " + route.pattern, ctx.req.path, detail.dump());
  if (!st.ok()) log::Error("audit append failed: " + st.ToString());
}

std::optional<HttpResponse> Router::Handle(HttpRequest& req) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> segs = PathSegments(req.path);
  const Route* match = nullptr;
  bool path_matched = false;
  std::map<std::string, std::string> params;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> p;
    bool ok = true;
    size_t i = 0;
    for (; i < r.segments.size(); ++i) {
      const std::string& s = r.segments[i];
      bool is_param = s.size() > 2 && s.front() == '{' && s.back() == '}';
      if (is_param && EndsWith(s, "...}")) {  // rest of the path
        if (i >= segs.size()) { ok = false; break; }
        p[s.substr(1, s.size() - 5)] = RestOfPath(req.path, i);
        i = r.segments.size();
        break;
      }
      if (i >= segs.size()) { ok = false; break; }
      if (is_param) p[s.substr(1, s.size() - 2)] = segs[i];
      else if (s != segs[i]) { ok = false; break; }
    }
    bool rest_pattern = !r.segments.empty() && EndsWith(r.segments.back(), "...}");
    if (!ok || (!rest_pattern && segs.size() != r.segments.size())) continue;
    path_matched = true;
    if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
      match = &r;
      params = std::move(p);
      break;
    }
  }
  if (!match) {
    bool v2 = req.path == "/v2" || StartsWith(req.path, "/v2/");
    if (!StartsWith(req.path, "/api/") && !v2 && !path_matched) return std::nullopt;
    Status st = path_matched ? Status(StatusCode::kInvalidArgument, "method " + req.method + " is not allowed on " + req.path)
                             : NotFound("no API endpoint " + req.method + " " + req.path);
    HttpResponse resp = v2 ? V2ErrorResponse(st) : ErrorResponse(st);
    if (path_matched) resp.status = 405;
    else if (!v2) resp.body = Json{{"error_code", "ENDPOINT_NOT_FOUND"}, {"message", st.message()}}.dump();
    metrics_.ObserveRequest("unmatched", req.method, resp.status,
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return resp;
  }

  RouteContext ctx(req);
  ctx.params = std::move(params);
  HttpResponse resp;
  auto run = [&]() -> Result<HttpResponse> {
    const auth::PermissionInfo& info = auth::InfoOf(match->permission);
    if (info.scope != auth::Scope::kPublic) {
      bool via_cookie = false;
      ASSIGN_OR_RETURN(ctx.principal, Authenticate(req, &via_cookie));
      if (via_cookie && IsMutating(req.method)) {
        auto sent = req.Header("x-csrf-token");
        if (!sent || !ConstantTimeEquals(*sent, ctx.principal->csrf_token))
          return PermissionDenied("missing or wrong X-CSRF-Token header for a cookie-authenticated request");
      }
      RETURN_IF_ERROR(Authorize(*match, ctx));
    }
    return match->handler(ctx);
  };
  // The safety net under checked parsing (base/json_reader.h): a JSON exception that escapes a
  // handler comes from reading a request or a stored document whose shape a parser did not
  // check. The cause is the input, so the answer is a 400 naming what was wrong, never a 500 that
  // MLflow clients would retry; the error log names the route, because the missed check is a bug
  // to fix (the route fuzz test fails on this message).
  Result<HttpResponse> result = InvalidArgument("");
  try {
    result = run();
  } catch (const nlohmann::json::exception& e) {
    log::Error("unchecked JSON read on " + match->method + " " + match->pattern + ": " + e.what());
    result = InvalidArgument(std::string(kUncheckedJsonMessage) + e.what());
  }
  resp = result.ok() ? std::move(result).value() : match->v2_errors ? V2ErrorResponse(result.status()) : ErrorResponse(result.status());
  if (resp.status >= 500) log::Error(req.method + " " + req.path + " -> " + std::to_string(resp.status) + ": " + resp.body.substr(0, 300));
  Audit(*match, ctx, resp.status);
  metrics_.ObserveRequest(match->pattern, match->method, resp.status,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return resp;
}

}  // namespace moebius::api
