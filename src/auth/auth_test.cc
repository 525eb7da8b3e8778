#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/audit_log.h"
#include "auth/auth_schema.h"
#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/strings.h"
#include "store/meta/sqlite_database.h"

namespace moebius::auth {
namespace {

namespace fs = std::filesystem;

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-auth-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*db_, AuthMigrations()).ok());
    auth_ = std::make_unique<AuthService>(*db_, clock_);
    audit_ = std::make_unique<AuditLog>(*db_, clock_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Status Sql(const std::string& sql) {
    return db_->Write([&](store::Tx& tx) { return tx.Exec(sql).status(); });
  }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<AuditLog> audit_;
};

TEST_F(AuthTest, BootstrapCreatesAdminOnce) {
  auto pw = auth_->BootstrapAdmin();
  ASSERT_TRUE(pw.ok());
  ASSERT_TRUE(pw->has_value());
  EXPECT_GE((*pw)->size(), 20u);
  EXPECT_TRUE(auth_->CheckPassword("admin", **pw).ok());
  EXPECT_EQ(auth_->CheckPassword("admin", "admin").status().code(), StatusCode::kUnauthenticated);
  EXPECT_FALSE(auth_->BootstrapAdmin()->has_value());
}

TEST_F(AuthTest, UsersValidateNamesAndPasswords) {
  EXPECT_EQ(auth_->CreateUser("Bad Name", "longenough", "", Role::kViewer).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->CreateUser("alice", "short", "", Role::kViewer).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(auth_->CreateUser("alice", "longenough", "Alice", Role::kModelDeveloper).ok());
  EXPECT_EQ(auth_->CreateUser("alice", "longenough", "", Role::kViewer).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(auth_->CheckPassword("nobody", "longenough").status().message(),
            auth_->CheckPassword("alice", "wrongpassword").status().message());
}

TEST_F(AuthTest, TokensExpireAndRevoke) {
  User u = *auth_->CreateUser("bob", "longenough", "", Role::kViewer);
  auto tok = *auth_->CreateToken(u.id, "ci", 1);
  EXPECT_TRUE(StartsWith(tok.secret, "mbt_"));
  auto p = auth_->AuthenticateSecret(tok.secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user.username, "bob");
  EXPECT_TRUE(auth_->AuthenticateBasic("bob", tok.secret).ok());
  EXPECT_FALSE(auth_->AuthenticateBasic("admin", tok.secret).ok());
  clock_.Advance(86400000LL + 1);
  EXPECT_EQ(auth_->AuthenticateSecret(tok.secret).status().code(), StatusCode::kUnauthenticated);
  auto tok2 = *auth_->CreateToken(u.id, "ci2", std::nullopt);
  EXPECT_TRUE(auth_->AuthenticateSecret(tok2.secret).ok());
  EXPECT_TRUE(auth_->Revoke(u.id, tok2.id).ok());
  EXPECT_FALSE(auth_->AuthenticateSecret(tok2.secret).ok());
  EXPECT_EQ(auth_->Revoke(u.id, tok2.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(auth_->ListTokens(u.id)->size(), 2u);
  // Disabling the account stops its sessions and passwords.
  auto s = *auth_->CreateSession(u.id);
  EXPECT_FALSE(s.csrf_token.empty());
  ASSERT_TRUE(auth_->UpdateUser("bob", UserUpdate{.disabled = true}).ok());
  EXPECT_FALSE(auth_->AuthenticateSecret(s.secret).ok());
  EXPECT_FALSE(auth_->CheckPassword("bob", "longenough").ok());
}

TEST_F(AuthTest, PasswordChecksBackOffPerUserAndAddressBasicIncluded) {
  User u = *auth_->CreateUser("erin", "longenough", "", Role::kViewer);
  auto tok = *auth_->CreateToken(u.id, "ci", std::nullopt);
  for (int i = 0; i < 6; ++i)  // five free failures; the sixth starts the backoff
    EXPECT_EQ(auth_->CheckPassword("erin", "wrongpassword", "10.1.1.1").status().code(), StatusCode::kUnauthenticated) << i;
  // Past the free failures even the right password waits, by the login route and by Basic.
  auto held = auth_->CheckPassword("erin", "longenough", "10.1.1.2");
  EXPECT_EQ(held.status().code(), StatusCode::kResourceExhausted);
  EXPECT_GE(held.status().retry_after_seconds(), 1);
  EXPECT_EQ(auth_->AuthenticateBasic("erin", "longenough", "10.1.1.2").status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(auth_->AuthenticateBasic("erin", tok.secret, "10.1.1.2").ok());  // tokens are not password checks
  // An unknown user name backs off exactly like a real one.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(auth_->CheckPassword("nobody", "wrongpassword").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->CheckPassword("nobody", "wrongpassword").status().code(), StatusCode::kResourceExhausted);
  clock_.Advance(1001);
  EXPECT_TRUE(auth_->CheckPassword("erin", "longenough", "10.1.1.2").ok());
}

TEST_F(AuthTest, PasswordChangeEndsSessionsAndKeepsTokens) {
  // The documented choice (docs/design/auth.md): tokens are credentials of their own.
  User u = *auth_->CreateUser("frank", "longenough", "", Role::kViewer);
  auto tok = *auth_->CreateToken(u.id, "ci", std::nullopt);
  auto session = *auth_->CreateSession(u.id);
  ASSERT_TRUE(auth_->AuthenticateBasic("frank", "longenough").ok());  // cached
  UserUpdate change;
  change.password = "a-new-password";
  ASSERT_TRUE(auth_->UpdateUser("frank", change).ok());
  EXPECT_FALSE(auth_->AuthenticateSecret(session.secret).ok());
  EXPECT_EQ(auth_->AuthenticateBasic("frank", "longenough").status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth_->AuthenticateSecret(tok.secret).ok());
}

TEST_F(AuthTest, Memberships) {
  User u = *auth_->CreateUser("carol", "longenough", "", Role::kViewer);
  EXPECT_FALSE(auth_->RoleInProject(u.id, 7)->has_value());
  ASSERT_TRUE(auth_->SetMember(7, "carol", Role::kLabeler).ok());
  EXPECT_EQ(**auth_->RoleInProject(u.id, 7), Role::kLabeler);
  ASSERT_TRUE(auth_->SetMember(7, "carol", Role::kApprover).ok());
  EXPECT_EQ(**auth_->RoleInProject(u.id, 7), Role::kApprover);
  EXPECT_EQ(auth_->ListMembers(7)->size(), 1u);
  EXPECT_TRUE(auth_->RemoveMember(7, "carol").ok());
  EXPECT_EQ(auth_->RemoveMember(7, "carol").code(), StatusCode::kNotFound);
}

TEST_F(AuthTest, AuditChainDetectsEditsInsertsAndDeletes) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(audit_->Append("admin", "POST /x", "/x/" + std::to_string(i), "{}").ok());
  int64_t checked = 0;
  EXPECT_TRUE(audit_->Verify(&checked)->empty());
  EXPECT_EQ(checked, 5);

  ASSERT_TRUE(Sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").ok());
  auto problems = *audit_->Verify(&checked);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].seq, 3);
  ASSERT_TRUE(Sql("UPDATE audit_log SET actor = 'admin' WHERE seq = 3").ok());
  EXPECT_TRUE(audit_->Verify(&checked)->empty());

  ASSERT_TRUE(Sql("DELETE FROM audit_log WHERE seq = 2").ok());
  problems = *audit_->Verify(&checked);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].seq, 3);
}

TEST_F(AuthTest, AuditDetectsTruncatedTail) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(audit_->Append("admin", "POST /x", "/x", "{}").ok());
  ASSERT_TRUE(Sql("DELETE FROM audit_log WHERE seq = 3").ok());
  int64_t checked = 0;
  EXPECT_FALSE(audit_->Verify(&checked)->empty());
}

TEST(PermissionsTest, MatrixInvariants) {
  for (Role r : AllRoles()) {
    EXPECT_TRUE(RoleHas(r, Permission::kProjectRead)) << RoleName(r);
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  for (const auto& p : AllPermissions()) EXPECT_TRUE(RoleHas(Role::kAdmin, p.permission)) << p.name;
  EXPECT_FALSE(RoleHas(Role::kViewer, Permission::kExperimentWrite));
  EXPECT_FALSE(RoleHas(Role::kLabeler, Permission::kUserManage));
  EXPECT_TRUE(RoleHas(Role::kModelDeveloper, Permission::kExperimentWrite));
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_NE(RenderPermissionsMarkdown().find("| `experiment.write` | project |"), std::string::npos);
}

}  // namespace
}  // namespace moebius::auth
