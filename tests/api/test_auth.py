import base64

import requests

from conftest import make_user


def test_first_start_writes_admin_password_0600_and_no_default_password(server):
    assert server.password_file_mode() == 0o600
    for pw in ("admin", "password", "moebius", ""):
        r = requests.post(server.url + "/api/v1/auth/login", json={"username": "admin", "password": pw})
        assert r.status_code == 401, pw
        assert r.json()["error_code"] == "UNAUTHENTICATED"


def test_bearer_basic_and_anonymous(server, admin):
    assert requests.get(server.url + "/api/v1/auth/me").status_code == 401
    me = admin.ok("GET", "/api/v1/auth/me")
    assert me["user"]["username"] == "admin" and me["global_role"] == "admin"
    basic = requests.post(server.url + "/api/2.0/mlflow/experiments/search", json={"max_results": 5},
                          auth=("admin", server.admin_password()))
    assert basic.status_code == 200, basic.text
    bad = requests.post(server.url + "/api/2.0/mlflow/experiments/search", json={}, auth=("admin", "wrong-password"))
    assert bad.status_code == 401
    garbage = requests.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Basic " + base64.b64encode(b"nocolon").decode()})
    assert garbage.status_code == 401


def test_tokens_shown_once_listed_revocable_and_expiring(server, admin, unique):
    name = unique("tok")
    created = admin.ok("POST", "/api/v1/tokens", json={"name": name, "expires_in_days": 1})
    secret = created["secret"]
    assert secret.startswith("mbt_")
    listed = admin.ok("GET", "/api/v1/tokens")["tokens"]
    entry = [t for t in listed if t["name"] == name][0]
    assert "secret" not in entry and entry["expires_at"] is not None
    me = requests.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Bearer " + secret})
    assert me.status_code == 200
    # A token also works as the Basic password for MLflow clients.
    assert requests.get(server.url + "/api/v1/auth/me", auth=("admin", secret)).status_code == 200
    admin.ok("DELETE", "/api/v1/tokens/" + created["token"]["id"])
    assert requests.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Bearer " + secret}).status_code == 401
    assert admin.request("DELETE", "/api/v1/tokens/" + created["token"]["id"]).status_code == 404
    bad = admin.post("/api/v1/tokens", json={"name": "x", "expires_in_days": 0})
    assert bad.status_code == 400


def test_session_cookie_needs_csrf_for_writes(server, admin, unique):
    s = requests.Session()
    r = s.post(server.url + "/api/v1/auth/login", json={"username": "admin", "password": server.admin_password()})
    assert r.status_code == 200
    assert "moebius_session" in s.cookies
    csrf = r.json()["csrf_token"]
    assert s.get(server.url + "/api/v1/projects").status_code == 200  # reads need no CSRF token
    body = {"name": unique("csrf")}
    no = s.post(server.url + "/api/v1/projects", json=body)
    assert no.status_code == 403 and "CSRF" in no.json()["message"]
    yes = s.post(server.url + "/api/v1/projects", json=body, headers={"X-CSRF-Token": csrf})
    assert yes.status_code == 200, yes.text
    s.post(server.url + "/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert s.get(server.url + "/api/v1/projects").status_code == 401


def test_disabled_user_cannot_log_in(server, admin, unique):
    name = unique("dis")
    user = make_user(server, admin, name)
    assert user.get("/api/v1/auth/me").status_code == 200
    admin.ok("PATCH", f"/api/v1/users/{name}", json={"disabled": True})
    r = requests.post(server.url + "/api/v1/auth/login", json={"username": name, "password": "password-123"})
    assert r.status_code == 401


def test_audit_log_records_writes_and_verifies(server, admin, unique):
    name = unique("aud")
    admin.ok("POST", "/api/v1/projects", json={"name": name})
    entries = admin.ok("GET", "/api/v1/audit?limit=50")["entries"]
    hit = [e for e in entries if e["target"] == "/api/v1/projects" and e["action"] == "POST /api/v1/projects"]
    assert hit and hit[0]["actor"] == "admin" and hit[0]["detail"]["status"] == 200
    verify = admin.ok("GET", "/api/v1/audit/verify")
    assert verify["ok"] is True and verify["checked"] >= len(entries)


def test_wrong_password_and_unknown_user(server, admin, unique):
    name = unique("pw")
    make_user(server, admin, name)
    for user, pw in ((name, "password-124"), (name, "PASSWORD-123"), (unique("nobody"), "password-123")):
        r = requests.post(server.url + "/api/v1/auth/login", json={"username": user, "password": pw})
        assert r.status_code == 401 and r.json()["error_code"] == "UNAUTHENTICATED", (user, pw, r.text)
        # The message does not tell an unknown user from a wrong password.
        assert r.json()["message"] == "invalid username or password", r.text
    assert requests.get(server.url + "/api/v1/auth/me", auth=(name, "password-124")).status_code == 401


def test_expired_token_is_refused(server, admin, unique):
    """A token past its expires_at is refused (the clock is moved by editing the row, as another server
    sharing the database would: the principal cache of docs/design/auth.md sees it within 2 s)."""
    import sqlite3
    import time
    created = admin.ok("POST", "/api/v1/tokens", json={"name": unique("exp"), "expires_in_days": 1})
    secret, token_id = created["secret"], created["token"]["id"]
    bearer = {"Authorization": "Bearer " + secret}
    assert requests.get(server.url + "/api/v1/auth/me", headers=bearer).status_code == 200
    db = sqlite3.connect(f"{server.data_dir}/meta.db", timeout=30)
    n = db.execute("UPDATE credentials SET expires_at = ? WHERE id = ?", (int(time.time() * 1000) - 1000, token_id)).rowcount
    db.commit()
    db.close()
    assert n == 1, "the token row was not found in table credentials"
    time.sleep(2.1)  # AuthService::kAuthCacheMs
    r = requests.get(server.url + "/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and r.json()["error_code"] == "UNAUTHENTICATED", r.text
    assert "expired" in r.json()["message"]
    # Also as the Basic password of an MLflow client.
    assert requests.post(server.url + "/api/2.0/mlflow/experiments/search", json={}, auth=("admin", secret)).status_code == 401


def test_csrf_token_must_match_the_session(server, admin, unique):
    def session():
        s = requests.Session()
        r = s.post(server.url + "/api/v1/auth/login", json={"username": "admin", "password": server.admin_password()})
        assert r.status_code == 200
        return s, r.json()["csrf_token"]

    s1, csrf1 = session()
    s2, csrf2 = session()
    assert csrf1 != csrf2
    for bad in ("", "x", csrf2, csrf1.upper() if csrf1.upper() != csrf1 else csrf1.lower()):
        r = s1.post(server.url + "/api/v1/projects", json={"name": unique("csrf")}, headers={"X-CSRF-Token": bad})
        assert r.status_code == 403 and r.json()["error_code"] == "PERMISSION_DENIED", (bad, r.text)
    # The MLflow API and other verbs need it too when the cookie is the credential.
    r = s1.post(server.url + "/api/2.0/mlflow/experiments/create", json={"name": unique("csrf")})
    assert r.status_code == 403, r.text
    r = s1.request("PATCH", server.url + "/api/v1/users/admin", json={"display_name": "x"})
    assert r.status_code == 403, r.text
    r = s1.request("DELETE", server.url + "/api/v1/tokens/0000000000000000")
    assert r.status_code == 403, r.text
    # /auth/me hands the session its CSRF token again (a reloaded UI page).
    assert s1.get(server.url + "/api/v1/auth/me").json()["csrf_token"] == csrf1
    ok = s1.post(server.url + "/api/2.0/mlflow/experiments/create", json={"name": unique("csrf")}, headers={"X-CSRF-Token": csrf1})
    assert ok.status_code == 200, ok.text


def test_disabled_user_loses_tokens_and_basic(server, admin, unique):
    name = unique("off")
    user = make_user(server, admin, name, role="model-developer")
    secret = user.ok("POST", "/api/v1/tokens", json={"name": "ci"})["secret"]
    basic = (name, "password-123")
    assert requests.get(server.url + "/api/v1/auth/me", auth=basic).status_code == 200  # warms any Basic cache
    admin.ok("PATCH", f"/api/v1/users/{name}", json={"disabled": True})
    assert requests.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Bearer " + secret}).status_code == 401
    assert requests.get(server.url + "/api/v1/auth/me", auth=basic).status_code == 401
    assert requests.get(server.url + "/api/v1/auth/me", auth=(name, secret)).status_code == 401
    assert user.get("/api/v1/auth/me").status_code == 401


def test_password_change_ends_sessions_and_old_basic(server, admin, unique):
    name = unique("chg")
    user = make_user(server, admin, name)
    old = (name, "password-123")
    assert requests.get(server.url + "/api/v1/auth/me", auth=old).status_code == 200  # warms any Basic cache
    admin.ok("PATCH", f"/api/v1/users/{name}", json={"password": "password-456"})
    assert requests.get(server.url + "/api/v1/auth/me", auth=old).status_code == 401
    assert user.get("/api/v1/auth/me").status_code == 401
    assert requests.get(server.url + "/api/v1/auth/me", auth=(name, "password-456")).status_code == 200


def test_non_admin_cannot_escalate(server, admin, unique):
    name = unique("esc")
    user = make_user(server, admin, name, role="project-manager")
    assert user.request("PATCH", f"/api/v1/users/{name}", json={"global_role": "admin"}).status_code == 403
    assert user.post("/api/v1/users", json={"username": unique("x"), "password": "password-123", "global_role": "admin"}).status_code == 403
    p = unique("esc")
    user.ok("POST", "/api/v1/projects", json={"name": p})  # the creator becomes its project-manager
    assert user.ok("GET", "/api/v1/auth/me")["global_role"] == "project-manager"
    assert user.get("/api/v1/audit").status_code == 403


def test_audit_records_denials_and_failed_logins_and_pages(server, admin, unique):
    name = unique("aud")
    viewer = make_user(server, admin, name, role="viewer")
    assert viewer.post("/api/v1/projects", json={"name": unique("no")}).status_code == 403
    assert requests.post(server.url + "/api/v1/auth/login", json={"username": name, "password": "wrong-password"}).status_code == 401
    exp = admin.ok("POST", "/api/2.0/mlflow/experiments/create", json={"name": unique("aud")})["experiment_id"]
    entries = admin.ok("GET", "/api/v1/audit", params={"limit": 20})["entries"]
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    assert all(set(e) >= {"seq", "ts", "actor", "action", "target", "detail", "hash"} for e in entries)
    denied = [e for e in entries if e["actor"] == name and e["action"] == "POST /api/v1/projects"]
    assert denied and denied[0]["detail"]["status"] == 403
    # A failed sign-in names the username tried.
    assert any(e["action"] == "POST /api/v1/auth/login" and e["detail"]["status"] == 401 and e["actor"] == name for e in entries)
    assert any(e["action"] == "POST /api/2.0/mlflow/experiments/create" and e["detail"]["status"] == 200 for e in entries)
    assert "password-123" not in str(entries) and "wrong-password" not in str(entries)
    # Paging backwards with ?before=
    first = admin.ok("GET", "/api/v1/audit", params={"limit": 3})["entries"]
    older = admin.ok("GET", "/api/v1/audit", params={"limit": 3, "before": first[-1]["seq"]})["entries"]
    assert len(first) == 3 and [e["seq"] for e in older] == [first[-1]["seq"] - i for i in (1, 2, 3)]


def test_session_cookie_attributes_and_logout_ends_the_token(server):
    r = requests.post(server.url + "/api/v1/auth/login", json={"username": "admin", "password": server.admin_password()})
    cookie = r.headers["Set-Cookie"]
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert attrs[0].startswith("moebius_session=")
    assert "httponly" in attrs and "samesite=strict" in attrs and "path=/" in attrs, cookie
    token, csrf = r.json()["token"], r.json()["csrf_token"]
    assert token not in str(r.json()["user"]) and csrf != token
    bearer = {"Authorization": "Bearer " + token}
    assert requests.post(server.url + "/api/v1/auth/logout", headers=bearer).status_code == 200
    assert requests.get(server.url + "/api/v1/auth/me", headers=bearer).status_code == 401
    assert requests.get(server.url + "/api/v1/auth/me", cookies={"moebius_session": cookie.split(";")[0].split("=", 1)[1]}).status_code == 401


def test_users_list_never_shows_secrets(admin):
    users = admin.ok("GET", "/api/v1/users")["users"]
    for u in users:
        assert set(u) <= {"id", "username", "display_name", "global_role", "disabled", "created_at"}, u
    assert "argon2" not in str(users)
