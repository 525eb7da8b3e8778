"""Projects are walls: a user who is not a member of a project can neither read nor write its
experiments, runs, metrics, artifacts or datasets through any route, whichever field carries the
id; a viewer member can read but not write. Denials of other projects' resources are 404 (their
existence is not revealed) or 403, never a success and never a 500."""
import pytest

from conftest import make_user


@pytest.fixture(scope="module")
def world(server, admin):
    """Project `iso-a` where the user is a model-developer, project `iso-b` where they are not a member
    (and `iso-c` where they are a viewer), each with an experiment, a run with a metric and an artifact."""
    out = {}
    for name in ("iso-a", "iso-b", "iso-c"):
        admin.ok("POST", "/api/v1/projects", json={"name": name})
        admin.ok("POST", f"/api/v1/projects/{name}/tasks",
                 json={"name": "t", "domain": "tabular", "problem_type": "classification", "acceptance_criteria": "f1 > 0.5"})
        exp = admin.ok("POST", f"/api/v1/projects/{name}/experiments", json={"name": f"{name}-exp"})["experiment"]["experiment_id"]
        run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp, "run_name": f"{name}-run"})["run"]["info"]["run_id"]
        admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={
            "run_id": run, "metrics": [{"key": "f1", "value": 0.25, "timestamp": 1, "step": 0}],
            "params": [{"key": "secret", "value": name}]})
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/secret.txt", data=name.encode())
        admin.ok("POST", f"/api/v1/projects/{name}/datasets", json={"name": "ds", "domain": "tabular"})
        out[name] = {"exp": exp, "run": run}
    user = make_user(server, admin, "iso-user", role="model-developer")
    admin.ok("PUT", "/api/v1/projects/iso-a/members/iso-user", json={"role": "model-developer"})
    admin.ok("PUT", "/api/v1/projects/iso-c/members/iso-user", json={"role": "viewer"})
    out["user"] = user
    return out


def denied(r, what):
    assert r.status_code in (403, 404), f"{what}: expected 403/404, got {r.status_code} {r.text[:300]}"
    assert r.json()["error_code"] in ("PERMISSION_DENIED", "RESOURCE_DOES_NOT_EXIST"), f"{what}: {r.text[:300]}"
    assert "iso-b-run" not in r.text and "0.25" not in r.text, f"{what} leaks data: {r.text[:300]}"


def test_member_reaches_own_project(world):
    u, a = world["user"], world["iso-a"]
    u.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": a["run"]})
    u.ok("POST", "/api/2.0/mlflow/runs/log-metric", json={"run_id": a["run"], "key": "m", "value": 1, "timestamp": 1})
    u.ok("POST", "/api/v1/projects/iso-a/tasks/t/evaluate", json={"run_id": a["run"]})


def test_outsider_cannot_read_other_projects(world):
    u, a, b = world["user"], world["iso-a"], world["iso-b"]
    exp, run = b["exp"], b["run"]
    denied(u.get("/api/v1/projects/iso-b"), "GET project")
    denied(u.get("/api/v1/projects/iso-b/experiments"), "list experiments")
    denied(u.get("/api/v1/projects/iso-b/datasets"), "list datasets")
    denied(u.get("/api/v1/projects/iso-b/members"), "list members")
    denied(u.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": exp}), "experiments/get")
    denied(u.get("/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "iso-b-exp"}), "experiments/get-by-name")
    denied(u.get(f"/api/v1/experiments/{exp}"), "native experiment")
    denied(u.get("/api/2.0/mlflow/runs/get", params={"run_id": run}), "runs/get")
    denied(u.get(f"/api/v1/runs/{run}"), "native run")
    denied(u.get("/api/2.0/mlflow/metrics/get-history", params={"run_id": run, "metric_key": "f1"}), "get-history")
    denied(u.get(f"/api/v1/runs/{run}/metrics/f1/history"), "native history")
    denied(u.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [exp]}), "runs/search")
    denied(u.post("/api/v1/runs/search", json={"experiment_ids": [exp]}), "native runs/search")
    # One visible and one hidden experiment: the whole search is refused, not silently half answered.
    denied(u.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [a["exp"], exp]}), "runs/search mixed")
    denied(u.post("/api/v1/metrics/bulk-history", json={"run_ids": [run], "metric_keys": ["f1"], "max_points": 100}), "bulk-history")
    denied(u.post("/api/v1/metrics/bulk-history", json={"run_ids": [a["run"], run], "metric_keys": ["f1"], "max_points": 100}),
           "bulk-history mixed")
    denied(u.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run}), "artifacts/list")
    denied(u.get(f"/api/v1/runs/{run}/artifacts"), "native artifacts")
    denied(u.get(f"/api/v1/runs/{run}/artifacts/content", params={"path": "secret.txt"}), "native artifact content")
    denied(u.get(f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/secret.txt"), "proxied download")
    denied(u.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": f"{exp}/{run}/artifacts"}), "proxied list")
    # The path names the user's own experiment but another project's run.
    denied(u.get(f"/api/2.0/mlflow-artifacts/artifacts/{a['exp']}/{run}/artifacts/secret.txt"), "proxied download, mixed ids")
    denied(u.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": f"{a['exp']}/{run}/artifacts"}), "proxied list, mixed ids")
    # A task of the user's project evaluated against another project's run must not reveal its metrics.
    denied(u.post("/api/v1/projects/iso-a/tasks/t/evaluate", json={"run_id": run}), "evaluate foreign run")
    found = u.ok("POST", "/api/2.0/mlflow/experiments/search", json={"max_results": 1000}).get("experiments", [])
    assert exp not in [e["experiment_id"] for e in found]
    assert "iso-b" not in [p["name"] for p in u.ok("GET", "/api/v1/projects")["projects"]]
    assert all(d["project"] != "iso-b" for d in u.ok("GET", "/api/v1/datasets")["datasets"])


def test_outsider_and_viewer_cannot_write(server, admin, world):
    u, a = world["user"], world["iso-a"]
    for project in ("iso-b", "iso-c"):
        exp, run = world[project]["exp"], world[project]["run"]
        writes = [
            ("POST", "/api/2.0/mlflow/runs/create", {"json": {"experiment_id": exp}}),
            ("POST", "/api/2.0/mlflow/runs/log-batch", {"json": {"run_id": run, "metrics": [{"key": "x", "value": 1, "timestamp": 1}]}}),
            ("POST", "/api/2.0/mlflow/runs/log-metric", {"json": {"run_id": run, "key": "x", "value": 1, "timestamp": 1}}),
            ("POST", "/api/2.0/mlflow/runs/log-parameter", {"json": {"run_id": run, "key": "x", "value": "1"}}),
            ("POST", "/api/2.0/mlflow/runs/set-tag", {"json": {"run_id": run, "key": "x", "value": "1"}}),
            ("POST", "/api/2.0/mlflow/runs/delete-tag", {"json": {"run_id": run, "key": "mlflow.runName"}}),
            ("POST", "/api/2.0/mlflow/runs/update", {"json": {"run_id": run, "status": "KILLED"}}),
            ("POST", "/api/2.0/mlflow/runs/delete", {"json": {"run_id": run}}),
            ("POST", "/api/2.0/mlflow/experiments/update", {"json": {"experiment_id": exp, "new_name": "hijacked"}}),
            ("POST", "/api/2.0/mlflow/experiments/set-experiment-tag", {"json": {"experiment_id": exp, "key": "x", "value": "1"}}),
            ("POST", "/api/2.0/mlflow/experiments/delete", {"json": {"experiment_id": exp}}),
            ("POST", "/api/2.0/mlflow/experiments/create", {"json": {"name": f"x-{project}"}, "headers": {"X-Moebius-Project": project}}),
            ("POST", "/api/2.0/mlflow/experiments/create", {"json": {"name": f"y-{project}", "tags": [{"key": "moebius.project", "value": project}]}}),
            ("POST", f"/api/v1/projects/{project}/experiments", {"json": {"name": "x"}}),
            ("POST", f"/api/v1/projects/{project}/datasets", {"json": {"name": "x", "domain": "tabular"}}),
            ("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/secret.txt", {"data": b"overwritten"}),
            # The user's own experiment in the path, another project's run: must not write into that run.
            ("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{a['exp']}/{run}/artifacts/secret.txt", {"data": b"overwritten"}),
            ("POST", f"/api/v1/runs/{run}/inputs", {"json": {"kind": "dataset_version", "ref": "iso-a/ds@v1"}}),
        ]
        for method, path, kw in writes:
            r = u.request(method, path, **kw)
            if project == "iso-c" and f"/{a['exp']}/" not in path:  # a viewer sees the project: a plain 403
                assert r.status_code == 403 and r.json()["error_code"] == "PERMISSION_DENIED", \
                    f"viewer {method} {path} -> {r.status_code} {r.text[:300]}"
            else:
                denied(r, f"outsider {method} {path}")
        # Nothing changed.
        got = admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run})["run"]
        assert got["info"]["status"] == "RUNNING" and got["info"]["lifecycle_stage"] == "active"
        assert [m["key"] for m in got["data"]["metrics"]] == ["f1"]
        assert [p["key"] for p in got["data"]["params"]] == ["secret"]
        assert not any(t["key"] == "x" for t in got["data"]["tags"])
        e = admin.ok("GET", "/api/2.0/mlflow/experiments/get", params={"experiment_id": exp})["experiment"]
        assert e["name"] == f"{project}-exp" and e["lifecycle_stage"] == "active"
        body = admin.get(f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/secret.txt").content
        assert body == project.encode()
        assert len(admin.ok("POST", "/api/2.0/mlflow/runs/search", json={"experiment_ids": [exp]})["runs"]) == 1
    # A viewer can still read.
    c = world["iso-c"]
    u.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": c["run"]})
    assert u.get(f"/api/2.0/mlflow-artifacts/artifacts/{c['exp']}/{c['run']}/artifacts/secret.txt").content == b"iso-c"


def test_removed_member_loses_access_at_once(server, admin, unique):
    name = unique("gone")
    admin.ok("POST", "/api/v1/projects", json={"name": name})
    exp = admin.ok("POST", f"/api/v1/projects/{name}/experiments", json={"name": unique("e")})["experiment"]["experiment_id"]
    user_name = unique("leaver")
    u = make_user(server, admin, user_name, role="model-developer")
    admin.ok("PUT", f"/api/v1/projects/{name}/members/{user_name}", json={"role": "model-developer"})
    run = u.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    admin.ok("PUT", f"/api/v1/projects/{name}/members/{user_name}", json={"role": "viewer"})
    r = u.post("/api/2.0/mlflow/runs/log-metric", json={"run_id": run, "key": "m", "value": 1, "timestamp": 1})
    assert r.status_code == 403, r.text
    admin.ok("DELETE", f"/api/v1/projects/{name}/members/{user_name}")
    denied_r = u.get("/api/2.0/mlflow/runs/get", params={"run_id": run})
    assert denied_r.status_code in (403, 404), denied_r.text
