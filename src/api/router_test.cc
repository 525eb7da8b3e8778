#include "api/router.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/metrics_registry.h"
#include "auth/audit_log.h"
#include "auth/auth_schema.h"
#include "store/meta/sqlite_database.h"

namespace moebius::api {
namespace {

namespace fs = std::filesystem;
using auth::Permission;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-router-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*db_, auth::AuthMigrations()).ok());
    auth_ = std::make_unique<auth::AuthService>(*db_, clock_);
    audit_ = std::make_unique<auth::AuditLog>(*db_, clock_);
    router_ = std::make_unique<Router>(*auth_, *audit_, metrics_);
    auto viewer = *auth_->CreateUser("vera", "longenough", "", auth::Role::kViewer);
    viewer_token_ = auth_->CreateToken(viewer.id, "t", std::nullopt)->secret;
    auto admin = *auth_->CreateUser("root", "longenough", "", auth::Role::kAdmin);
    admin_token_ = auth_->CreateToken(admin.id, "t", std::nullopt)->secret;
  }
  void TearDown() override { fs::remove_all(dir_); }

  HttpResponse Call(const std::string& method, const std::string& path, const std::string& token = "") {
    HttpRequest req;
    req.method = method;
    req.path = path;
    if (!token.empty()) req.headers.emplace_back("authorization", "Bearer " + token);
    auto r = router_->Handle(req);
    if (!r) return HttpResponse{0, "", {}, "no route"};
    return *r;
  }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<auth::AuditLog> audit_;
  MetricsRegistry metrics_;
  std::unique_ptr<Router> router_;
  std::string viewer_token_, admin_token_;
};

TEST_F(RouterTest, MatchesParamsAndRest) {
  router_->Add("GET", "/api/v1/things/{thing}/files/{path...}", Permission::kAuthenticated, [](RouteContext& ctx) -> Result<HttpResponse> {
    return JsonResponse(Json{{"thing", ctx.Param("thing")}, {"path", ctx.Param("path")}});
  });
  HttpResponse r = Call("GET", "/api/v1/things/7/files/a/b/c.txt", viewer_token_);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["path"], "a/b/c.txt");
  EXPECT_EQ(Json::parse(r.body)["thing"], "7");
  // The rest keeps empty segments and a leading slash, so handlers can refuse them.
  EXPECT_EQ(Json::parse(Call("GET", "/api/v1/things/7/files//etc/passwd", viewer_token_).body)["path"], "/etc/passwd");
  EXPECT_EQ(Json::parse(Call("GET", "/api/v1/things/7/files/a//b", viewer_token_).body)["path"], "a//b");
  EXPECT_EQ(Json::parse(Call("GET", "/api/v1/things/7/files/dir/", viewer_token_).body)["path"], "dir");
  EXPECT_EQ(Call("GET", "/api/v1/things/7/files", viewer_token_).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/things/7/files/x", viewer_token_).status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/nothing", viewer_token_).status, 404);
  EXPECT_EQ(Call("GET", "/index.html").status, 0);  // not an API path: left to static files
}

// The safety net: a JSON exception escaping a handler is the input's fault, a 400 naming it,
// never a 500 (which MLflow clients retry); other exceptions are left to the HTTP server.
TEST_F(RouterTest, UncheckedJsonReadsAreBadRequestsNotServerErrors) {
  router_->Add("GET", "/api/v1/shaky", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    Json doc = Json::array();
    return JsonResponse(Json{{"x", doc.value("x", "")}});  // throws: value() on an array
  });
  HttpResponse r = Call("GET", "/api/v1/shaky", viewer_token_);
  EXPECT_EQ(r.status, 400);
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["error_code"], "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(body["message"].get<std::string>().rfind("the request or a document it reads has an unexpected shape: ", 0), 0u) << r.body;
}

TEST_F(RouterTest, AuthenticationAndGlobalPermissions) {
  router_->Add("POST", "/api/v1/users", Permission::kUserManage, [](RouteContext&) -> Result<HttpResponse> {
    return JsonResponse(Json::object());
  });
  EXPECT_EQ(Call("POST", "/api/v1/users").status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/users", "mbt_wrongwrongwrong").status, 401);
  HttpResponse denied = Call("POST", "/api/v1/users", viewer_token_);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(Json::parse(denied.body)["error_code"], "PERMISSION_DENIED");
  EXPECT_EQ(Call("POST", "/api/v1/users", admin_token_).status, 200);
}

TEST_F(RouterTest, ProjectPermissionsUseMembership) {
  router_->Add("POST", "/api/v1/p/{project}/write", Permission::kExperimentWrite,
               [](RouteContext& ctx) -> Result<std::vector<int64_t>> {
                 if (ctx.Param("project") == "missing") return NotFound("project 'missing' does not exist");
                 return std::vector<int64_t>{42};
               },
               [](RouteContext&) -> Result<HttpResponse> { return JsonResponse(Json::object()); });
  EXPECT_EQ(Call("POST", "/api/v1/p/x/write", viewer_token_).status, 404);  // not a member
  ASSERT_TRUE(auth_->SetMember(42, "vera", auth::Role::kViewer).ok());
  EXPECT_EQ(Call("POST", "/api/v1/p/x/write", viewer_token_).status, 403);
  ASSERT_TRUE(auth_->SetMember(42, "vera", auth::Role::kModelDeveloper).ok());
  EXPECT_EQ(Call("POST", "/api/v1/p/x/write", viewer_token_).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/p/missing/write", admin_token_).status, 404);
}

TEST_F(RouterTest, MutatingRequestsAreAudited) {
  router_->Add("POST", "/api/v1/x", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    return InvalidArgument("bad");
  });
  router_->Add("GET", "/api/v1/y", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    return JsonResponse(Json::object());
  });
  HttpResponse bad = Call("POST", "/api/v1/x", viewer_token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["error_code"], "INVALID_PARAMETER_VALUE");
  Call("GET", "/api/v1/y", viewer_token_);
  auto entries = *audit_->List(INT64_MAX, 10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, "vera");
  EXPECT_EQ(entries[0].action, "POST /api/v1/x");
}

TEST_F(RouterTest, CookieSessionsNeedCsrfForWrites) {
  router_->Add("POST", "/api/v1/x", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    return JsonResponse(Json::object());
  });
  auto user = *auth_->GetUser("vera");
  auto session = *auth_->CreateSession(user.id);
  HttpRequest req;
  req.method = "POST";
  req.path = "/api/v1/x";
  req.headers.emplace_back("cookie", "other=1; moebius_session=" + session.secret);
  EXPECT_EQ(router_->Handle(req)->status, 403);
  req.headers.emplace_back("x-csrf-token", session.csrf_token);
  EXPECT_EQ(router_->Handle(req)->status, 200);
}

TEST(RouterDeathTest, RefusesProjectRouteWithoutResolver) {
  ManualClock clock(0);
  auto db = std::move(store::OpenSqlite(":memory:")).value();
  auth::AuthService auth(*db, clock);
  auth::AuditLog audit(*db, clock);
  MetricsRegistry metrics;
  Router router(auth, audit, metrics);
  EXPECT_DEATH(router.Add("GET", "/api/v1/p/{project}", Permission::kProjectRead,
                          [](RouteContext&) -> Result<HttpResponse> { return JsonResponse(Json::object()); }),
               "no project resolver");
}

}  // namespace
}  // namespace moebius::api
