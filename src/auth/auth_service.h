// Users, organizations, project memberships, credentials (API tokens and UI sessions).
//
// Secrets (tokens, session ids) are random, shown once, and stored only as SHA-256 hashes.
// Passwords are stored as argon2id hashes. Failed logins say only "invalid username or
// password", whichever part was wrong, and take the same work for unknown users. Password
// checks (login and HTTP Basic) are throttled per user and per client address and hashed on a
// small pool of their own (see sign_in_throttle.h, password_hash_pool.h).
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/password_hash_pool.h"
#include "auth/permissions.h"
#include "auth/sign_in_throttle.h"
#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/meta/database.h"

namespace moebius::auth {

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role global_role = Role::kViewer;
  bool disabled = false;
  int64_t created_at = 0;
};

struct Principal {
  User user;
  std::string credential_id;    // empty for HTTP Basic with a password
  std::string credential_kind;  // "token", "session" or "basic"
  std::string csrf_token;       // sessions only
};

struct IssuedCredential {
  std::string id;
  std::string secret;  // shown once
  std::string csrf_token;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
};

struct TokenInfo {
  std::string id;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  bool revoked = false;
};

struct Member {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kViewer;
  int64_t added_at = 0;
};

struct Membership {
  int64_t project_id = 0;
  Role role = Role::kViewer;
};

struct Org {
  int64_t id = 0;
  std::string name;
  std::string display_name;
  int64_t created_at = 0;
};

struct UserUpdate {
  std::optional<std::string> display_name;
  std::optional<Role> global_role;
  std::optional<bool> disabled;
  std::optional<std::string> password;
};

class AuthService {
 public:
  static constexpr int64_t kSessionTtlMs = 12LL * 3600 * 1000;
  static constexpr const char* kTokenPrefix = "mbt_";

  AuthService(store::Database& db, const Clock& clock, const SignInPolicy& policy = {})
      : db_(db), clock_(clock), throttle_(policy, clock), hash_pool_(policy.hash_threads, policy.max_waiting) {}

  // Names: 1-64 chars of [a-z0-9._-], starting with a letter or digit.
  static Status ValidateName(std::string_view what, std::string_view name);

  Result<User> CreateUser(const std::string& username, const std::string& password, const std::string& display_name,
                          Role global_role);
  Result<User> GetUser(const std::string& username);
  Result<User> GetUserById(int64_t id);
  Result<std::vector<User>> ListUsers();
  Result<User> UpdateUser(const std::string& username, const UserUpdate& update);
  // On an empty database: creates `admin` with a random password and returns the password.
  // Returns nullopt if any user exists.
  Result<std::optional<std::string>> BootstrapAdmin();

  // kUnauthenticated for unknown users, wrong passwords and disabled accounts alike.
  // kResourceExhausted (with a retry hint) while the user or `address` (the client's, from
  // SignInThrottle::AddressOf; empty: not throttled by address) backs off after failures, or
  // when the hash pool is full.
  Result<User> CheckPassword(const std::string& username, const std::string& password, const std::string& address = "");
  Result<IssuedCredential> CreateSession(int64_t user_id);
  Result<IssuedCredential> CreateToken(int64_t user_id, const std::string& name, std::optional<int64_t> expires_in_days);
  // A token that expires at `expires_at` (ms since the epoch, in the future): short-lived
  // credentials such as the per-attempt tokens of jobs.
  Result<IssuedCredential> CreateTokenUntil(int64_t user_id, const std::string& name, int64_t expires_at);
  Result<std::vector<TokenInfo>> ListTokens(int64_t user_id);
  // The token `credential_id` of `user_id`; kNotFound when it is not one of theirs.
  Result<TokenInfo> GetToken(int64_t user_id, const std::string& credential_id);
  // Revokes a credential of `user_id`; kNotFound when it is not theirs.
  Status Revoke(int64_t user_id, const std::string& credential_id);
  // Token or session secret → principal; kUnauthenticated when unknown, expired or revoked.
  Result<Principal> AuthenticateSecret(const std::string& secret);
  // HTTP Basic: the password may be the account password or an API token. A password goes
  // through CheckPassword (throttled) unless it was verified in the last few minutes.
  Result<Principal> AuthenticateBasic(const std::string& username, const std::string& password, const std::string& address = "");

  Result<std::optional<Role>> RoleInProject(int64_t user_id, int64_t project_id);
  Result<Member> SetMember(int64_t project_id, const std::string& username, Role role);
  Status RemoveMember(int64_t project_id, const std::string& username);
  Result<std::vector<Member>> ListMembers(int64_t project_id);
  Result<std::vector<Membership>> ListMemberships(int64_t user_id);
  // SetMember inside the caller's transaction (used when creating a project).
  Status AddMemberTx(store::Tx& tx, int64_t project_id, int64_t user_id, Role role);

  Result<Org> CreateOrg(const std::string& name, const std::string& display_name);
  Result<std::vector<Org>> ListOrgs();
  Result<Org> GetOrg(const std::string& name);

 private:
  Result<IssuedCredential> Issue(int64_t user_id, const std::string& kind, const std::string& name,
                                 std::optional<int64_t> expires_at);

  store::Database& db_;
  const Clock& clock_;
  SignInThrottle throttle_;
  PasswordHashPool hash_pool_;
  // Forgets every cached credential and role (after a revocation, a user change, a membership
  // change has committed).
  void Invalidate();

  // Basic auth with a password would cost one argon2 verification per request; remember
  // recent successes (by a hash of username and password) for a short while.
  std::mutex cache_mu_;
  std::unordered_map<std::string, int64_t> basic_cache_ GUARDED_BY(cache_mu_);  // key → expiry ms
  // Every request authenticates its token and most check a project role: both are kept for
  // kAuthCacheMs, so the request path reads no database for them. Changes made through this
  // service forget them at once (Invalidate); a change made on another server sharing the
  // database is seen within kAuthCacheMs. A generation counter keeps a read that raced a change
  // from being cached.
  static constexpr int64_t kAuthCacheMs = 2000;
  struct CachedPrincipal {
    Principal principal;
    int64_t until = 0;
  };
  struct CachedRole {
    std::optional<Role> role;
    int64_t until = 0;
  };
  uint64_t generation_ GUARDED_BY(cache_mu_) = 0;
  std::unordered_map<std::string, CachedPrincipal> principal_cache_ GUARDED_BY(cache_mu_);  // by secret hash
  std::map<std::pair<int64_t, int64_t>, CachedRole> role_cache_ GUARDED_BY(cache_mu_);     // by (user, project)
};

}  // namespace moebius::auth
