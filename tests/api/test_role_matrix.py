"""Every route × every role: allowed or 403, and 401 without credentials.

Generated from the server's own tables (GET /api/v1/permissions and GET /api/v1/routes), so a
route added later is covered without editing this file; a path parameter this test does not
know fails loudly instead of being skipped."""
import requests

from conftest import make_user
from route_fixtures import TARGET_USER, build_fixtures, destructive, request_for

FIXTURE_PROJECT = "matrix"


def test_every_route_for_every_role(server, admin):
    perms = admin.ok("GET", "/api/v1/permissions")
    routes = admin.ok("GET", "/api/v1/routes")["routes"]
    holders = {p["name"]: set(p["roles"]) for p in perms["permissions"]}
    scope = {p["name"]: p["scope"] for p in perms["permissions"]}
    assert len(routes) > 40
    assert {"admin", "viewer"} <= set(perms["roles"])
    for route in routes:
        assert route["permission"] in holders, f"{route} names a permission missing from GET /api/v1/permissions"
    fx = build_fixtures(admin, FIXTURE_PROJECT)

    clients = {}
    for role in perms["roles"]:
        name = f"matrix-{role}"
        clients[role] = make_user(server, admin, name, role=role)
        admin.ok("PUT", f"/api/v1/projects/{FIXTURE_PROJECT}/members/{name}", json={"role": role})
    make_user(server, admin, TARGET_USER)
    admin.ok("PUT", f"/api/v1/projects/{FIXTURE_PROJECT}/members/{TARGET_USER}", json={"role": "viewer"})

    failures, checked = [], 0
    # Reads first, then writes, then the destructive ones, so deletes do not disturb other checks.
    ordered = sorted(routes, key=lambda r: (destructive(r), r["method"] != "GET"))
    for route in ordered:
        method, perm = route["method"], route["permission"]
        path, query, body, raw = request_for(route, fx)
        where = f"{method} {route['path']}"
        if route["path"] != "/api/v1/auth/logout":  # logging out would end the role's own session; test_auth covers it
            # On a destructive route the roles that may call it go last: the first to succeed
            # deletes what the others' checks need.
            def allowed_role(role):
                return scope[perm] in ("public", "authenticated") or role in holders[perm]
            ordered_clients = sorted(clients.items(), key=lambda kv: destructive(route) and allowed_role(kv[0]))
            for role, client in ordered_clients:
                r = client.request(method, path, params=query, headers={"X-Moebius-Project": FIXTURE_PROJECT}, json=body, data=raw)
                checked += 1
                allowed = scope[perm] in ("public", "authenticated") or role in holders[perm]
                code = r.json().get("error_code") if r.headers.get("Content-Type", "").startswith("application/json") else None
                if route["path"].startswith("/v2") and r.status_code == 403 and "error" in r.json():
                    code = "PERMISSION_DENIED"  # the v2 protocol's errors are {"error": "..."}
                if r.status_code >= 500:
                    failures.append(f"{role:16} {where} -> {r.status_code} {r.text[:200]}")
                elif allowed and (r.status_code in (401, 403) or code == "ENDPOINT_NOT_FOUND"):
                    failures.append(f"{role:16} {where} -> {r.status_code} (expected allowed; needs {perm}) {r.text[:200]}")
                elif not allowed and (r.status_code != 403 or code != "PERMISSION_DENIED"):
                    failures.append(f"{role:16} {where} -> {r.status_code} (expected 403 PERMISSION_DENIED; needs {perm}) {r.text[:200]}")
        # Without credentials every non-public route is 401.
        if scope[perm] != "public":
            r = requests.request(method, server.url + path, params=query, json=body, data=raw)
            v2_form = route["path"].startswith("/v2") and "error" in r.json()
            if r.status_code != 401 or (r.json().get("error_code") != "UNAUTHENTICATED" and not v2_form):
                failures.append(f"{'anonymous':16} {where} -> {r.status_code} (expected 401 UNAUTHENTICATED) {r.text[:200]}")
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)
    assert checked >= (len(routes) - 1) * len(clients)
