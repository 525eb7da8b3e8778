"""The job queue through the API (EXP-9): a model developer submits command jobs, workers (an
operator's token) claim them by priority and resources, heartbeat, log and finish; a worker that
stops heartbeating loses its job to another; cancel reaches a running job through its worker;
bad submissions are 400s that queue nothing."""
import time

import pytest

from moebius_server import Server


@pytest.fixture(scope="module")
def env():
    # No embedded workers: these tests play the worker themselves (tests/jobs runs real ones).
    server = Server(extra_args=["--workers", "0"]).start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "jobs"})
    for name, role in (("dev", "model-developer"), ("ops", "operator"), ("look", "viewer")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        if role == "operator":
            admin.ok("PATCH", f"/api/v1/users/{name}", json={"global_role": "operator"})
        else:
            admin.ok("PUT", f"/api/v1/projects/jobs/members/{name}", json={"role": role})
    clients = {n: server.client(server.login(n, f"{n}-password-1")) for n in ("dev", "ops", "look")}
    yield server, admin, clients
    server.cleanup()


def submit(c, **kw):
    body = {"payload": {"command": ["python3", "-c", "print(1)"]}}
    body.update(kw)
    return c.ok("POST", "/api/v1/projects/jobs/jobs", json=body)["job"]


def claim(ops, worker, **resources):
    body = {"worker": worker, "lease_s": 1, "resources": {"cpus": 4, "memory_mb": 8192, "gpus": 0, **resources}}
    return ops.ok("POST", "/api/v1/workers/claim", json=body)["job"]


def drain(ops):
    while claim(ops, "drain", gpus=8):
        pass


def test_claims_follow_priority_and_resources_and_finish_records_the_outcome(env):
    server, admin, c = env
    dev, ops = c["dev"], c["ops"]
    drain(ops)
    low = submit(dev, name="low")
    gpu = submit(dev, name="gpu", priority=9, resources={"gpus": 1})
    high = submit(dev, name="high", priority=5)
    assert low["state"] == "queued" and low["created_by"] == "dev" and low["project"] == "jobs"
    assert claim(ops, "cpu-box")["id"] == high["id"]  # the GPU job does not fit
    assert claim(ops, "gpu-box", gpus=1)["id"] == gpu["id"]
    got = claim(ops, "cpu-box")
    assert got["id"] == low["id"] and got["state"] == "running" and got["attempts"] == 1
    assert claim(ops, "cpu-box") is None
    ops.ok("POST", f"/api/v1/jobs/{low['id']}/log", json={"worker": "cpu-box", "text": "epoch 1\n"})
    ops.ok("POST", f"/api/v1/jobs/{low['id']}/log", json={"worker": "cpu-box", "text": "epoch 2\n"})
    done = ops.ok("POST", f"/api/v1/jobs/{low['id']}/finish", json={"worker": "cpu-box", "exit_code": 0})["job"]
    assert done["state"] == "succeeded" and done["exit_code"] == 0
    failed = ops.ok("POST", f"/api/v1/jobs/{high['id']}/finish", json={"worker": "cpu-box", "exit_code": 2})["job"]
    assert failed["state"] == "failed" and failed["error"] == "exited with status 2"
    logs = dev.ok("GET", f"/api/v1/jobs/{low['id']}/logs")
    assert [ch["text"] for ch in logs["chunks"]] == ["epoch 1\n", "epoch 2\n"] and logs["done"]
    more = dev.ok("GET", f"/api/v1/jobs/{low['id']}/logs", params={"after": logs["chunks"][0]["seq"]})
    assert [ch["text"] for ch in more["chunks"]] == ["epoch 2\n"]
    listed = c["look"].ok("GET", "/api/v1/projects/jobs/jobs", params={"state": "succeeded"})["jobs"]
    assert [j["id"] for j in listed] == [low["id"]]


def test_a_dead_workers_job_goes_to_another_worker(env):
    server, admin, c = env
    dev, ops = c["dev"], c["ops"]
    drain(ops)
    job = submit(dev, name="retry me", max_attempts=2)
    assert claim(ops, "dies")["id"] == job["id"]
    # "dies" never heartbeats; its 1 s lease runs out and the reaper (every 2 s) requeues the job.
    deadline = time.time() + 15
    while time.time() < deadline:
        j = dev.ok("GET", f"/api/v1/jobs/{job['id']}")["job"]
        if j["state"] == "queued":
            break
        time.sleep(0.3)
    assert j["state"] == "queued" and "stopped answering" in j["error"], j
    late = ops.post(f"/api/v1/jobs/{job['id']}/heartbeat", json={"worker": "dies"})
    assert late.status_code == 400 and "not held" in late.json()["message"]
    again = claim(ops, "survivor")
    assert again["id"] == job["id"] and again["attempts"] == 2
    assert ops.ok("POST", f"/api/v1/jobs/{job['id']}/heartbeat", json={"worker": "survivor", "lease_s": 30})["cancel_requested"] is False
    assert ops.ok("POST", f"/api/v1/jobs/{job['id']}/finish", json={"worker": "survivor", "exit_code": 0})["job"]["state"] == "succeeded"


def test_cancel_reaches_a_running_job_through_its_worker(env):
    server, admin, c = env
    dev, ops = c["dev"], c["ops"]
    drain(ops)
    queued = submit(dev, name="never runs", priority=-5)
    running = submit(dev, name="stopped")
    assert claim(ops, "w")["id"] == running["id"]
    assert dev.ok("POST", f"/api/v1/jobs/{queued['id']}/cancel")["job"]["state"] == "cancelled"
    assert dev.ok("POST", f"/api/v1/jobs/{running['id']}/cancel")["job"]["cancel_requested"] is True
    assert ops.ok("POST", f"/api/v1/jobs/{running['id']}/heartbeat", json={"worker": "w", "lease_s": 30})["cancel_requested"] is True
    end = ops.ok("POST", f"/api/v1/jobs/{running['id']}/finish", json={"worker": "w", "exit_code": -15})["job"]
    assert end["state"] == "cancelled"
    assert dev.post(f"/api/v1/jobs/{running['id']}/cancel").status_code == 400
    assert claim(ops, "w") is None


def test_permissions_and_bad_submissions(env):
    server, admin, c = env
    dev, ops, look = c["dev"], c["ops"], c["look"]
    assert look.post("/api/v1/projects/jobs/jobs", json={"payload": {"command": ["true"]}}).status_code == 403
    assert dev.post("/api/v1/workers/claim", json={"worker": "x"}).status_code == 403
    before = len(admin.ok("GET", "/api/v1/projects/jobs/jobs", params={"limit": 1000})["jobs"])
    for body, words in (
        ({"kind": "train", "payload": {"command": ["x"]}}, "not supported"),
        ({"payload": {"command": []}}, "payload.command"),
        ({"payload": {"command": "python3 x.py"}}, "payload.command"),
        ({"payload": {"command": ["x"], "env": {"A=B": "1"}}}, "payload.env"),
        ({"payload": {"command": ["x"]}, "resources": {"cpus": 0}}, "cpus"),
        ({"payload": {"command": ["x"]}, "max_attempts": 0}, "max_attempts"),
        ({"payload": {"command": ["x"]}, "timeout_s": -1}, "timeout_s"),
        ({"payload": {"command": ["x"]}, "priority": "high"}, "priority"),
    ):
        r = dev.post("/api/v1/projects/jobs/jobs", json=body)
        assert r.status_code == 400 and words in r.json()["message"], (body, r.text)
    assert len(admin.ok("GET", "/api/v1/projects/jobs/jobs", params={"limit": 1000})["jobs"]) == before
    assert dev.get("/api/v1/jobs/999999").status_code == 404
    assert dev.get("/api/v1/jobs/abc").status_code == 400
    assert ops.post("/api/v1/workers/claim", json={"worker": "w", "lease_s": 0}).status_code == 400
