#include "auth/auth_service.h"

#include "auth/password.h"
#include "base/crypto.h"
#include "base/strings.h"

namespace moebius::auth {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kUserColumns[] = "id, username, display_name, global_role, disabled, created_at";
constexpr int64_t kBasicCacheMs = 5 * 60 * 1000;

User UserOf(const Row& r) {
  User u;
  u.id = r.Int(0);
  u.username = r.Text(1);
  u.display_name = r.Text(2);
  u.global_role = ParseRole(r.Text(3)).value_or(Role::kViewer);
  u.disabled = r.Int(4) != 0;
  u.created_at = r.Int(5);
  return u;
}

Status BadLogin() { return Unauthenticated("invalid username or password"); }

}  // namespace

Status AuthService::ValidateName(std::string_view what, std::string_view name) {
  if (name.empty() || name.size() > 64)
    return InvalidArgument(std::string(what) + " must be 1 to 64 characters");
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!(alnum || (i > 0 && (c == '.' || c == '_' || c == '-'))))
      return InvalidArgument(std::string(what) + " '" + std::string(name) +
                             "' may use only lowercase letters, digits, '.', '_' and '-', starting with a letter or digit");
  }
  return Status::Ok();
}

Result<User> AuthService::CreateUser(const std::string& username, const std::string& password,
                                     const std::string& display_name, Role global_role) {
  RETURN_IF_ERROR(ValidateName("username", username));
  if (display_name.size() > 200) return InvalidArgument("display_name must be at most 200 characters");
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  User u;
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(u.id, tx.NextId("users"));
    u.username = username;
    u.display_name = display_name.empty() ? username : display_name;
    u.global_role = global_role;
    u.created_at = clock_.NowMillis();
    return tx.Exec("INSERT INTO users (id, username, display_name, password_hash, global_role, disabled, created_at) "
                   "VALUES (?, ?, ?, ?, ?, 0, ?)",
                   {u.id, u.username, u.display_name, hash, std::string(RoleName(global_role)), u.created_at})
        .status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("user '" + username + "' already exists");
  RETURN_IF_ERROR(st);
  return u;
}

Result<User> AuthService::GetUser(const std::string& username) {
  User u;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?",
                                            {username}, "user '" + username + "' does not exist"));
    u = UserOf(r);
    return Status::Ok();
  }));
  return u;
}

Result<User> AuthService::GetUserById(int64_t id) {
  User u;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", {id},
                                            "user " + std::to_string(id) + " does not exist"));
    u = UserOf(r);
    return Status::Ok();
  }));
  return u;
}

Result<std::vector<User>> AuthService::ListUsers() {
  std::vector<User> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username"));
    for (const Row& r : rows) out.push_back(UserOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<User> AuthService::UpdateUser(const std::string& username, const UserUpdate& up) {
  std::optional<std::string> hash;
  if (up.password) {
    ASSIGN_OR_RETURN(hash, HashPassword(*up.password));
  }
  if (up.display_name && up.display_name->size() > 200) return InvalidArgument("display_name must be at most 200 characters");
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT id FROM users WHERE username = ?", {username},
                                            "user '" + username + "' does not exist"));
    int64_t id = r.Int(0);
    if (up.display_name) RETURN_IF_ERROR(tx.Exec("UPDATE users SET display_name = ? WHERE id = ?", {*up.display_name, id}).status());
    if (up.global_role)
      RETURN_IF_ERROR(tx.Exec("UPDATE users SET global_role = ? WHERE id = ?", {std::string(RoleName(*up.global_role)), id}).status());
    if (up.disabled) {
      RETURN_IF_ERROR(tx.Exec("UPDATE users SET disabled = ? WHERE id = ?", {int64_t{*up.disabled ? 1 : 0}, id}).status());
    }
    if (hash) RETURN_IF_ERROR(tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {*hash, id}).status());
    if (hash || (up.disabled && *up.disabled)) {
      // A new password or a disabled account ends every session of the user.
      RETURN_IF_ERROR(tx.Exec("UPDATE credentials SET revoked_at = ? WHERE user_id = ? AND kind = 'session' AND revoked_at IS NULL",
                              {clock_.NowMillis(), id}).status());
    }
    return Status::Ok();
  }));
  Invalidate();
  return GetUser(username);
}

void AuthService::Invalidate() {
  std::lock_guard<std::mutex> lock(cache_mu_);
  ++generation_;
  basic_cache_.clear();
  principal_cache_.clear();
  role_cache_.clear();
}

Result<std::optional<std::string>> AuthService::BootstrapAdmin() {
  int64_t n = 0;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT COUNT(*) FROM users", {}, "count"));
    n = r.Int(0);
    return Status::Ok();
  }));
  if (n > 0) return std::optional<std::string>();
  std::string password = RandomToken(24);
  ASSIGN_OR_RETURN(User u, CreateUser("admin", password, "Administrator", Role::kAdmin));
  (void)u;
  return std::optional<std::string>(password);
}

Result<User> AuthService::CheckPassword(const std::string& username, const std::string& password, const std::string& address) {
  RETURN_IF_ERROR(throttle_.Check(username, address));
  std::optional<std::string> hash;
  User u;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kUserColumns + ", password_hash FROM users WHERE username = ?", {username}));
    if (!rows.empty()) {
      u = UserOf(rows[0]);
      hash = rows[0].Text(6);
    }
    return Status::Ok();
  }));
  // The same argon2 work for unknown and disabled users as for a wrong password.
  ASSIGN_OR_RETURN(bool match, hash_pool_.VerifyOrDummy(hash, password));
  if (!match || u.disabled) {
    throttle_.RecordFailure(username, address);
    return BadLogin();
  }
  throttle_.RecordSuccess(username);
  return u;
}

Result<IssuedCredential> AuthService::Issue(int64_t user_id, const std::string& kind, const std::string& name,
                                            std::optional<int64_t> expires_at) {
  IssuedCredential c;
  c.id = RandomHex(8);
  c.secret = std::string(kind == "token" ? kTokenPrefix : "mbs_") + RandomToken(40);
  c.csrf_token = kind == "session" ? RandomToken(32) : "";
  c.name = name;
  c.created_at = clock_.NowMillis();
  c.expires_at = expires_at;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) {
    return tx.Exec("INSERT INTO credentials (id, kind, user_id, name, secret_hash, csrf_token, created_at, expires_at, revoked_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                   {c.id, kind, user_id, name, Sha256Hex(c.secret), c.csrf_token, c.created_at,
                    expires_at ? SqlValue(*expires_at) : SqlValue(nullptr)})
        .status();
  }));
  return c;
}

Result<IssuedCredential> AuthService::CreateSession(int64_t user_id) {
  return Issue(user_id, "session", "session", clock_.NowMillis() + kSessionTtlMs);
}

Result<IssuedCredential> AuthService::CreateToken(int64_t user_id, const std::string& name,
                                                  std::optional<int64_t> expires_in_days) {
  if (name.empty() || name.size() > 100) return InvalidArgument("token name must be 1 to 100 characters");
  std::optional<int64_t> expires;
  if (expires_in_days) {
    if (*expires_in_days < 1 || *expires_in_days > 3650) return InvalidArgument("expires_in_days must be between 1 and 3650");
    expires = clock_.NowMillis() + *expires_in_days * 86400000LL;
  }
  return Issue(user_id, "token", name, expires);
}

Result<IssuedCredential> AuthService::CreateTokenUntil(int64_t user_id, const std::string& name, int64_t expires_at) {
  if (name.empty() || name.size() > 100) return InvalidArgument("token name must be 1 to 100 characters");
  if (expires_at <= clock_.NowMillis()) return InvalidArgument("a token must expire in the future");
  return Issue(user_id, "token", name, expires_at);
}

Result<std::vector<TokenInfo>> AuthService::ListTokens(int64_t user_id) {
  std::vector<TokenInfo> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT id, name, created_at, expires_at, revoked_at FROM credentials "
                                         "WHERE user_id = ? AND kind = 'token' ORDER BY created_at DESC, id",
                                         {user_id}));
    for (const Row& r : rows) {
      TokenInfo t{r.Text(0), r.Text(1), r.Int(2), std::nullopt, !r.IsNull(4)};
      if (!r.IsNull(3)) t.expires_at = r.Int(3);
      out.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return out;
}

Result<TokenInfo> AuthService::GetToken(int64_t user_id, const std::string& credential_id) {
  std::optional<TokenInfo> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT id, name, created_at, expires_at, revoked_at FROM credentials "
                                         "WHERE id = ? AND user_id = ? AND kind = 'token'",
                                         {credential_id, user_id}));
    if (rows.empty()) return Status::Ok();
    TokenInfo t{rows[0].Text(0), rows[0].Text(1), rows[0].Int(2), std::nullopt, !rows[0].IsNull(4)};
    if (!rows[0].IsNull(3)) t.expires_at = rows[0].Int(3);
    out = std::move(t);
    return Status::Ok();
  }));
  if (!out) return NotFound("token '" + credential_id + "' does not exist");
  return *out;
}

Status AuthService::Revoke(int64_t user_id, const std::string& credential_id) {
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE credentials SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                                        {clock_.NowMillis(), credential_id, user_id}));
    if (n == 0) return NotFound("token '" + credential_id + "' does not exist");
    return Status::Ok();
  });
  Invalidate();
  return st;
}

Result<Principal> AuthService::AuthenticateSecret(const std::string& secret) {
  if (secret.size() < 10 || secret.size() > 200) return Unauthenticated("invalid credentials");
  std::string hash = Sha256Hex(secret);
  int64_t now = clock_.NowMillis();
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = principal_cache_.find(hash);
    if (it != principal_cache_.end() && it->second.until > now) return it->second.principal;
    generation = generation_;
  }
  Principal p;
  int64_t expires_at = 0;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT c.id, c.kind, c.csrf_token, c.expires_at, c.revoked_at, u.id, u.username, "
                                         "u.display_name, u.global_role, u.disabled, u.created_at "
                                         "FROM credentials c JOIN users u ON u.id = c.user_id WHERE c.secret_hash = ?",
                                         {hash}));
    if (rows.empty()) return Unauthenticated("invalid credentials");
    const Row& r = rows[0];
    if (!r.IsNull(4)) return Unauthenticated("credentials have been revoked");
    if (!r.IsNull(3) && r.Int(3) <= clock_.NowMillis()) return Unauthenticated("credentials have expired");
    if (!r.IsNull(3)) expires_at = r.Int(3);
    p.credential_id = r.Text(0);
    p.credential_kind = r.Text(1);
    p.csrf_token = r.Text(2);
    p.user.id = r.Int(5);
    p.user.username = r.Text(6);
    p.user.display_name = r.Text(7);
    p.user.global_role = ParseRole(r.Text(8)).value_or(Role::kViewer);
    p.user.disabled = r.Int(9) != 0;
    p.user.created_at = r.Int(10);
    if (p.user.disabled) return Unauthenticated("account is disabled");
    return Status::Ok();
  }));
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (generation == generation_) {
    if (principal_cache_.size() >= 10000) principal_cache_.clear();
    int64_t until = now + kAuthCacheMs;
    if (expires_at > 0) until = std::min(until, expires_at);
    principal_cache_[hash] = CachedPrincipal{p, until};
  }
  return p;
}

Result<Principal> AuthService::AuthenticateBasic(const std::string& username, const std::string& password, const std::string& address) {
  if (StartsWith(password, kTokenPrefix)) {
    ASSIGN_OR_RETURN(Principal p, AuthenticateSecret(password));
    if (p.user.username != username) return Unauthenticated("invalid credentials");
    p.credential_kind = "token";
    return p;
  }
  std::string key = Sha256Hex(username + '\0' + password);
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = basic_cache_.find(key);
    cached = it != basic_cache_.end() && it->second > clock_.NowMillis();
  }
  Principal p;
  p.credential_kind = "basic";
  if (cached) {
    ASSIGN_OR_RETURN(p.user, GetUser(username));
    if (p.user.disabled) return BadLogin();
    return p;
  }
  ASSIGN_OR_RETURN(p.user, CheckPassword(username, password, address));
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (basic_cache_.size() > 10000) basic_cache_.clear();
  basic_cache_[key] = clock_.NowMillis() + kBasicCacheMs;
  return p;
}

Result<std::optional<Role>> AuthService::RoleInProject(int64_t user_id, int64_t project_id) {
  int64_t now = clock_.NowMillis();
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = role_cache_.find({user_id, project_id});
    if (it != role_cache_.end() && it->second.until > now) return it->second.role;
    generation = generation_;
  }
  std::optional<Role> role;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT role FROM memberships WHERE project_id = ? AND user_id = ?", {project_id, user_id}));
    if (!rows.empty()) role = ParseRole(rows[0].Text(0));
    return Status::Ok();
  }));
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (generation == generation_) {
    if (role_cache_.size() >= 100000) role_cache_.clear();
    role_cache_[{user_id, project_id}] = CachedRole{role, now + kAuthCacheMs};
  }
  return role;
}

Status AuthService::AddMemberTx(Tx& tx, int64_t project_id, int64_t user_id, Role role) {
  Invalidate();
  return tx.Exec("INSERT INTO memberships (project_id, user_id, role, added_at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
                 {project_id, user_id, std::string(RoleName(role)), clock_.NowMillis()})
      .status();
}

Result<Member> AuthService::SetMember(int64_t project_id, const std::string& username, Role role) {
  ASSIGN_OR_RETURN(User u, GetUser(username));
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) { return AddMemberTx(tx, project_id, u.id, role); }));
  Invalidate();
  Member m{u.id, u.username, role, clock_.NowMillis()};
  return m;
}

Status AuthService::RemoveMember(int64_t project_id, const std::string& username) {
  ASSIGN_OR_RETURN(User u, GetUser(username));
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM memberships WHERE project_id = ? AND user_id = ?", {project_id, u.id}));
    if (n == 0) return NotFound("user '" + username + "' is not a member of this project");
    return Status::Ok();
  });
  Invalidate();
  return st;
}

Result<std::vector<Member>> AuthService::ListMembers(int64_t project_id) {
  std::vector<Member> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT u.id, u.username, m.role, m.added_at FROM memberships m JOIN users u ON u.id = m.user_id "
                                         "WHERE m.project_id = ? ORDER BY u.username",
                                         {project_id}));
    for (const Row& r : rows) out.push_back({r.Int(0), r.Text(1), ParseRole(r.Text(2)).value_or(Role::kViewer), r.Int(3)});
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Membership>> AuthService::ListMemberships(int64_t user_id) {
  std::vector<Membership> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT project_id, role FROM memberships WHERE user_id = ?", {user_id}));
    for (const Row& r : rows) out.push_back({r.Int(0), ParseRole(r.Text(1)).value_or(Role::kViewer)});
    return Status::Ok();
  }));
  return out;
}

Result<Org> AuthService::CreateOrg(const std::string& name, const std::string& display_name) {
  RETURN_IF_ERROR(ValidateName("organization name", name));
  Org o{0, name, display_name.empty() ? name : display_name, clock_.NowMillis()};
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(o.id, tx.NextId("orgs"));
    return tx.Exec("INSERT INTO orgs (id, name, display_name, created_at) VALUES (?, ?, ?, ?)", {o.id, o.name, o.display_name, o.created_at}).status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("organization '" + name + "' already exists");
  RETURN_IF_ERROR(st);
  return o;
}

Result<std::vector<Org>> AuthService::ListOrgs() {
  std::vector<Org> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT id, name, display_name, created_at FROM orgs ORDER BY name"));
    for (const Row& r : rows) out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3)});
    return Status::Ok();
  }));
  return out;
}

Result<Org> AuthService::GetOrg(const std::string& name) {
  Org o;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT id, name, display_name, created_at FROM orgs WHERE name = ?", {name},
                                            "organization '" + name + "' does not exist"));
    o = {r.Int(0), r.Text(1), r.Text(2), r.Int(3)};
    return Status::Ok();
  }));
  return o;
}

}  // namespace moebius::auth
