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
