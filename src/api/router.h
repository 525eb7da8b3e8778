// The router: matches method + path pattern, authenticates, checks the route's declared
// permission, runs the handler, maps a failed Status to the JSON error, appends mutating
// requests to the audit log, and records per-route metrics.
//
// Every route names its Permission when it is added; a project-scoped permission also needs a
// resolver that finds the project(s) the request addresses. Add() refuses (aborts at start-up)
// a route without them, so no route can skip authorization. Patterns are literal segments,
// `{name}` parameters and a final `{name...}` that takes the rest of the path.
//
// Thread-safety: routes are added before serving starts; Handle() is then thread-safe.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/error_mapping.h"
#include "api/http_types.h"
#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/json.h"
#include "base/status.h"

namespace moebius::auth {
class AuditLog;
}

namespace moebius::api {

class MetricsRegistry;

struct RouteContext {
  explicit RouteContext(HttpRequest& r) : req(r) {}
  HttpRequest& req;
  std::map<std::string, std::string> params;
  std::optional<auth::Principal> principal;
  // Whom the audit log names when there is no principal: set by the login handler to the
  // username tried, so failed and successful sign-ins are attributed.
  std::string audit_actor;
  std::vector<int64_t> project_ids;  // resolved scope of project-scoped routes
  JsonLimits json_limits;
  // A route's own reading of the body, left by its resolver for its handler, where the route
  // has one cheaper than the JSON tree (log-batch: api/tracking_requests.h). Empty otherwise.
  std::any decoded_body;

  // The request body as JSON, parsed once with limits; an empty body is `{}`.
  Result<const Json*> Body();
  // A field from the query string or, failing that, the JSON body (MLflow clients use both).
  Result<std::optional<std::string>> QueryOrBodyString(const char* key);
  const std::string& Param(const std::string& name) const { return params.at(name); }
  const auth::User& user() const { return principal->user; }

 private:
  std::optional<Result<Json>> body_;
};

using RouteHandler = std::function<Result<HttpResponse>(RouteContext&)>;
// Finds the project(s) a request addresses; kNotFound when the addressed resource is absent.
using ProjectResolver = std::function<Result<std::vector<int64_t>>(RouteContext&)>;

struct RouteOptions {
  // Mutating requests are audited; read-only POSTs (searches) set this false.
  std::optional<bool> audit;
  // Errors in the KServe v2 form, {"error": "..."} (the /v2 routes), instead of error_code/message.
  bool v2_errors = false;
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  auth::Permission permission;
};

class Router {
 public:
  Router(auth::AuthService& auth, auth::AuditLog& audit, MetricsRegistry& metrics)
      : auth_(auth), audit_(audit), metrics_(metrics) {}

  void Add(const std::string& method, const std::string& pattern, auth::Permission permission, RouteHandler handler,
           RouteOptions options = {});
  void Add(const std::string& method, const std::string& pattern, auth::Permission permission, ProjectResolver resolver,
           RouteHandler handler, RouteOptions options = {});

  // Handles /api/... requests. Returns nullopt when no route pattern matches the path, so the
  // caller can serve static files.
  std::optional<HttpResponse> Handle(HttpRequest& req);
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    auth::Permission permission;
    ProjectResolver resolver;
    RouteHandler handler;
    bool audit;
    bool v2_errors;
  };
  Result<auth::Principal> Authenticate(const HttpRequest& req, bool* via_cookie);
  Status Authorize(const Route& route, RouteContext& ctx);
  void Audit(const Route& route, const RouteContext& ctx, int status);

  auth::AuthService& auth_;
  auth::AuditLog& audit_;
  MetricsRegistry& metrics_;
  std::vector<Route> routes_;
};

}  // namespace moebius::api
