"""Every route × every role: allowed or 403, and 401 without credentials.

Generated from the server's own tables (GET /api/v1/permissions and GET /api/v1/routes), so a
route added later is covered without editing this file; a path parameter this test does not
know fails loudly instead of being skipped."""
import requests

from conftest import make_user

FIXTURE_PROJECT = "matrix"
TARGET_USER = "matrix-target"  # a member the member and user routes may change and remove


def build_fixtures(server, admin):
    p = FIXTURE_PROJECT
    admin.ok("POST", "/api/v1/projects", json={"name": p})
    admin.ok("POST", f"/api/v1/projects/{p}/tasks",
             json={"name": "t1", "domain": "tabular", "problem_type": "classification", "acceptance_criteria": "f1 > 0.5"})
    exp = admin.ok("POST", f"/api/v1/projects/{p}/experiments", json={"name": "matrix-exp"})["experiment"]
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]})["run"]
    run_id = run["info"]["run_id"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": [{"key": "f1", "value": 0.7, "timestamp": 1, "step": 0}]})
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp['experiment_id']}/{run_id}/artifacts/a.txt", data=b"hello")
    # A dataset with one round (a single CSV file) and one version, and an open upload.
    ds = "matrix-ds"
    admin.ok("POST", f"/api/v1/projects/{p}/datasets", json={"name": ds, "domain": "tabular"})
    first = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"/api/v1/projects/{p}/datasets/{ds}/uploads/{first}/parts/1", data=b"a,b\n1,2\n3,4\n")
    rnd = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/uploads/{first}/complete",
                   json={"format": "file", "filename": "data.csv"})["round"]["number"]
    version = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/versions", json={"rounds": [rnd]})["version"]["name"]
    upload = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/uploads", json={})["upload"]["id"]
    return {"experiment_id": exp["experiment_id"], "experiment_name": "matrix-exp", "run_id": run_id,
            "dataset": ds, "round": str(rnd), "version": version, "upload": upload}


def fill_path(path, fx):
    values = {
        "project": FIXTURE_PROJECT,
        "task": "t1",
        "experiment": fx["experiment_id"],
        "run": fx["run_id"],
        "key": "f1",
        "user": TARGET_USER,
        "token": "0000000000000000",
        "path...": f"{fx['experiment_id']}/{fx['run_id']}/artifacts/a.txt",
        "dataset": fx["dataset"],
        "round": fx["round"],
        "version": fx["version"],
        "upload": fx["upload"],
        "part": "2",
    }
    out = []
    for seg in path.split("/"):
        if seg.startswith("{") and seg.endswith("}"):
            name = seg[1:-1]
            assert name in values, f"route {path} has a path parameter {{{name}}} this test does not know: add a fixture for it"
            out.append(values[name])
        else:
            out.append(seg)
    return "/".join(out)


def request_for(route, fx):
    """(path, query, json body, raw body) for one route, with every fixture id a handler may look for."""
    path = fill_path(route["path"], fx)
    query = {"experiment_id": fx["experiment_id"], "run_id": fx["run_id"], "experiment_name": fx["experiment_name"],
             "metric_key": "f1", "path": f"{fx['experiment_id']}/{fx['run_id']}/artifacts",
             "from": fx["version"], "to": fx["version"]}
    body = {"experiment_id": fx["experiment_id"], "run_id": fx["run_id"], "experiment_ids": [fx["experiment_id"]],
            "run_ids": [fx["run_id"]], "metric_keys": ["f1"]}
    method = route["method"]
    if method == "PUT" and ("/artifacts/" in route["path"] or "/parts/" in route["path"]):
        return path, query, None, b"x"
    if method in ("POST", "PUT", "PATCH"):
        return path, query, body, None
    return path, query, None, None


def destructive(route):
    """Routes that delete, archive, roll back or end a session run after everything else."""
    p = route["path"]
    return route["method"] == "DELETE" or any(w in p for w in ("delete", "archive", "rollback", "logout"))


def test_every_route_for_every_role(server, admin):
    perms = admin.ok("GET", "/api/v1/permissions")
    routes = admin.ok("GET", "/api/v1/routes")["routes"]
    holders = {p["name"]: set(p["roles"]) for p in perms["permissions"]}
    scope = {p["name"]: p["scope"] for p in perms["permissions"]}
    assert len(routes) > 40
    assert {"admin", "viewer"} <= set(perms["roles"])
    for route in routes:
        assert route["permission"] in holders, f"{route} names a permission missing from GET /api/v1/permissions"
    fx = build_fixtures(server, admin)

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
            for role, client in clients.items():
                r = client.request(method, path, params=query, headers={"X-Moebius-Project": FIXTURE_PROJECT}, json=body, data=raw)
                checked += 1
                allowed = scope[perm] in ("public", "authenticated") or role in holders[perm]
                code = r.json().get("error_code") if r.headers.get("Content-Type", "").startswith("application/json") else None
                if r.status_code >= 500:
                    failures.append(f"{role:16} {where} -> {r.status_code} {r.text[:200]}")
                elif allowed and (r.status_code in (401, 403) or code == "ENDPOINT_NOT_FOUND"):
                    failures.append(f"{role:16} {where} -> {r.status_code} (expected allowed; needs {perm}) {r.text[:200]}")
                elif not allowed and (r.status_code != 403 or code != "PERMISSION_DENIED"):
                    failures.append(f"{role:16} {where} -> {r.status_code} (expected 403 PERMISSION_DENIED; needs {perm}) {r.text[:200]}")
        # Without credentials every non-public route is 401.
        if scope[perm] != "public":
            r = requests.request(method, server.url + path, params=query, json=body, data=raw)
            if r.status_code != 401 or r.json().get("error_code") != "UNAUTHENTICATED":
                failures.append(f"{'anonymous':16} {where} -> {r.status_code} (expected 401 UNAUTHENTICATED) {r.text[:200]}")
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)
    assert checked >= (len(routes) - 1) * len(clients)
