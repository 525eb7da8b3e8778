"""Retirement (REG-6) with a real server: a project's policy names candidates with why, a retirement
is requested and approved by another user like a production move, and a retired version stays
archived with its record — it can no longer change stage, be requested for production, be exported
(or deployed) or be retired twice; a version in production cannot be retired; a viewer cannot ask."""
import pytest

from moebius_server import Server
from test_registry import MLF, error, train_model

P = "ret"


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": P})
    users = {}
    for name, role in (("dev", "model-developer"), ("look", "viewer"), ("boss", "approver")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        admin.ok("PUT", f"/api/v1/projects/{P}/members/{name}", json={"role": role})
        users[name] = server.client(server.login(name, f"{name}-password-1"))
    exp = admin.ok("POST", f"{MLF}/experiments/create", json={"name": "ret-exp"}, headers={"X-Moebius-Project": P})["experiment_id"]
    for seed in range(3):
        model_bytes, _ = train_model(seed=seed)
        run = admin.ok("POST", f"{MLF}/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/model.json", data=model_bytes)
        users["dev"].ok("POST", f"/api/v1/projects/{P}/models/old/versions", json={"run_id": run, "path": "model"})
    yield server, admin, users
    server.cleanup()


def test_policy_candidates_request_approval_and_what_a_retired_version_refuses(env):
    server, admin, u = env
    dev, boss = u["dev"], u["boss"]
    assert admin.ok("GET", f"/api/v1/projects/{P}/retirement-candidates")["candidates"] == []  # no policy, no candidates
    policy = admin.ok("PUT", f"/api/v1/projects/{P}/retirement-policy", json={"superseded_by": 1, "retention_days": 30})
    assert policy == {"max_age_days": 0, "superseded_by": 1, "retention_days": 30}
    cands = admin.ok("GET", f"/api/v1/projects/{P}/retirement-candidates")["candidates"]
    assert [(c["model"], c["version"]) for c in cands] == [("old", 2), ("old", 1)]
    assert cands[1]["reasons"] == ["superseded by 2 newer versions (policy: 1)"]

    q = dev.ok("POST", "/api/v1/models/old/versions/1/requests", json={"kind": "retire", "reason": "superseded"})["request"]
    assert q["kind"] == "retire" and q["state"] == "pending" and q["target_stage"] == "archived"
    assert error(dev.post(f"/api/v1/approvals/{q['id']}/approve", json={}), 403, "PERMISSION_DENIED")  # a developer does not approve
    assert error(dev.post("/api/v1/models/old/versions/1/requests", json={"kind": "retire", "reason": "again"}), 409, "DUPLICATE_REQUEST")
    done = boss.ok("POST", f"/api/v1/approvals/{q['id']}/approve", json={"comment": "ok"})["request"]
    assert done["state"] == "approved"
    v = admin.ok("GET", "/api/v1/models/old/versions/1")["version"]
    assert v["stage"] == "archived"
    r = v["retirement"]
    assert r["request_id"] == q["id"] and r["retired_by"] == "boss" and r["reason"] == "superseded"
    assert r["keep_files_until"] - r["retired_at"] == 30 * 86400000
    assert v["stage_history"][-1]["reason"] == "retired: superseded"

    # What a retired version refuses, each a 409 RETIRED, nothing changed.
    assert error(dev.post("/api/v1/models/old/versions/1/stage", json={"stage": "staging"}), 409, "RETIRED")
    assert error(dev.post("/api/v1/models/old/versions/1/requests", json={"stage": "production", "reason": "r"}), 409, "RETIRED")
    assert error(dev.post("/api/v1/models/old/versions/1/requests", json={"kind": "retire", "reason": "r"}), 409, "RETIRED")
    assert error(dev.get("/api/v1/models/old/versions/1/export"), 409, "RETIRED")
    assert error(dev.post(f"/api/v1/projects/{P}/models/export", json={"versions": [{"model": "old", "version": 1}]}), 409, "RETIRED")
    assert error(dev.post(f"{MLF}/model-versions/transition-stage", json={"name": "old", "version": "1", "stage": "Staging"}), 409, "RETIRED")
    assert admin.ok("GET", "/api/v1/models/old/versions/1")["version"]["stage"] == "archived"
    cands = admin.ok("GET", f"/api/v1/projects/{P}/retirement-candidates")["candidates"]
    assert [(c["model"], c["version"]) for c in cands] == [("old", 2)]


def test_a_version_in_production_cannot_be_retired_and_a_viewer_cannot_ask(env):
    server, admin, u = env
    dev, boss, look = u["dev"], u["boss"], u["look"]
    q = dev.ok("POST", "/api/v1/models/old/versions/3/requests", json={"stage": "production", "reason": "best"})["request"]
    boss.ok("POST", f"/api/v1/approvals/{q['id']}/approve", json={})
    assert error(dev.post("/api/v1/models/old/versions/3/requests", json={"kind": "retire", "reason": "r"}), 409, "IN_PRODUCTION")
    r = look.post("/api/v1/models/old/versions/2/requests", json={"kind": "retire", "reason": "r"})
    assert r.status_code == 403, r.text
    r = dev.post("/api/v1/models/old/versions/2/requests", json={"kind": "sunset", "reason": "r"})
    assert r.status_code == 400 and "kind must be" in r.json()["message"], r.text
    r = admin.request("PUT", f"/api/v1/projects/{P}/retirement-policy", json={"retention_days": -1})
    assert r.status_code == 400, r.text
    assert admin.ok("GET", f"/api/v1/projects/{P}/retirement-policy") == {"max_age_days": 0, "superseded_by": 1, "retention_days": 30}
