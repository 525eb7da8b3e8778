"""Every route × every role: allowed or 403, and 401 without credentials.

Generated from the server's own tables (GET /api/v1/permissions and GET /api/v1/routes), so a
route added later is covered without editing this file; a path parameter this test does not
know fails loudly instead of being skipped."""
import requests

from conftest import make_user

FIXTURE_PROJECT = "matrix"


def build_fixtures(server, admin):
    admin.ok("POST", "/api/v1/projects", json={"name": FIXTURE_PROJECT})
    admin.ok("POST", f"/api/v1/projects/{FIXTURE_PROJECT}/tasks",
             json={"name": "t1", "domain": "tabular", "problem_type": "classification", "acceptance_criteria": "f1 > 0.5"})
    exp = admin.ok("POST", f"/api/v1/projects/{FIXTURE_PROJECT}/experiments", json={"name": "matrix-exp"})["experiment"]
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]})["run"]
    run_id = run["info"]["run_id"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": [{"key": "f1", "value": 0.7, "timestamp": 1, "step": 0}]})
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp['experiment_id']}/{run_id}/artifacts/a.txt", data=b"hello")
    return {"experiment_id": exp["experiment_id"], "experiment_name": "matrix-exp", "run_id": run_id}


def fill_path(path, fx, role_user):
    values = {
        "project": FIXTURE_PROJECT,
        "task": "t1",
        "experiment": fx["experiment_id"],
        "run": fx["run_id"],
        "key": "f1",
        "user": "matrix-target",  # a member the member routes may change and remove
        "token": "0000000000000000",
        "path...": f"{fx['experiment_id']}/{fx['run_id']}/artifacts/a.txt",
    }
    out = []
    for seg in path.split("/"):
        if seg.startswith("{") and seg.endswith("}"):
            name = seg[1:-1]
            assert name in values, f"route {path} has a path parameter {{{name}}} this test does not know"
            out.append(values[name])
        else:
            out.append(seg)
    return "/".join(out)


def request_for(route, fx, role_user):
    path = fill_path(route["path"], fx, role_user)
    query = {"experiment_id": fx["experiment_id"], "run_id": fx["run_id"], "experiment_name": fx["experiment_name"],
             "metric_key": "f1", "path": f"{fx['experiment_id']}/{fx['run_id']}/artifacts"}
    body = {"experiment_id": fx["experiment_id"], "run_id": fx["run_id"], "experiment_ids": [fx["experiment_id"]],
            "run_ids": [fx["run_id"]], "metric_keys": ["f1"]}
    if route["path"] == "/api/v1/auth/logout":
        return None  # would end the caller's own credentials; covered in test_auth
    return path, query, body


def test_every_route_for_every_role(server, admin):
    perms = admin.ok("GET", "/api/v1/permissions")
    routes = admin.ok("GET", "/api/v1/routes")["routes"]
    holders = {p["name"]: set(p["roles"]) for p in perms["permissions"]}
    scope = {p["name"]: p["scope"] for p in perms["permissions"]}
    assert len(routes) > 40
    fx = build_fixtures(server, admin)

    clients = {}
    for role in perms["roles"]:
        name = f"matrix-{role}"
        clients[role] = make_user(server, admin, name, role=role)
        admin.ok("PUT", f"/api/v1/projects/{FIXTURE_PROJECT}/members/{name}", json={"role": role})

    make_user(server, admin, "matrix-target")
    admin.ok("PUT", f"/api/v1/projects/{FIXTURE_PROJECT}/members/matrix-target", json={"role": "viewer"})

    checked = 0
    # Mutating routes last, so deletes do not disturb the reads.
    ordered = sorted(routes, key=lambda r: (r["method"] != "GET", "delete" in r["path"] or r["method"] == "DELETE"))
    for route in ordered:
        for role, client in clients.items():
            req = request_for(route, fx, f"matrix-{role}")
            if req is None:
                continue
            path, query, body = req
            r = client.request(route["method"], path, params=query, headers={"X-Moebius-Project": FIXTURE_PROJECT},
                               json=body if route["method"] in ("POST", "PATCH") else None,
                               data=b"x" if route["method"] == "PUT" and "artifacts" in path else None)
            perm = route["permission"]
            allowed = scope[perm] in ("public", "authenticated") or role in holders[perm]
            if allowed:
                assert r.status_code not in (401, 403), f"{role} {route['method']} {route['path']} -> {r.status_code} {r.text}"
            else:
                assert r.status_code == 403, f"{role} {route['method']} {route['path']} -> {r.status_code} {r.text}"
                assert r.json()["error_code"] == "PERMISSION_DENIED"
            assert r.status_code < 500, f"{role} {route['method']} {route['path']} -> {r.status_code} {r.text}"
            checked += 1
        # Without credentials every non-public route is 401.
        if scope[route["permission"]] != "public":
            req = request_for(route, fx, "nobody")
            if req:
                r = requests.request(route["method"], server.url + req[0], params=req[1])
                assert r.status_code == 401, f"anonymous {route['method']} {route['path']} -> {r.status_code}"
    assert checked >= len(routes) * len(clients) - len(clients)
