"""Environments (PRJ-6) through the API with a real server and its embedded worker: CRUD with
revisions, secret values masked in every answer and in the job log, container isolation refused
as not supported yet, and jobs that run with an environment — variables (payload.env overrides),
parameters, reference paths, default resources, the pinned revision, and run tags."""
import json

import pytest

from envcode_helpers import PROJECT, jobs_count, log_text, new_run, run_tags, start, wait_job

BASE = f"/api/v1/projects/{PROJECT}/environments"
SECRET = "hunter2-very-secret"


@pytest.fixture(scope="module")
def env():
    server, admin, users = start()
    yield server, admin, users
    server.cleanup()


def create(client, name, **spec):
    body = {"name": name, **spec}
    return client.ok("POST", BASE, json=body)["environment"]


def test_crud_revisions_and_masked_secrets(env):
    server, admin, u = env
    dev = u["dev"]
    e = create(dev, "train-dev", kind="development", image="registry.example.com/ml/train:1.4",
               resources={"cpus": 2, "memory_mb": 1024, "gpus": 0},
               variables=[{"name": "GREETING", "value": "hello"}, {"name": "API_KEY", "value": SECRET, "secret": True}],
               parameters={"learning_rate": 0.1, "depth": 6}, references=[{"name": "vocab", "path": "/srv/ref/vocab.txt"}],
               message="first")
    assert e["revision"] == 1 and e["kind"] == "development" and e["isolation"] == "none"
    assert e["image"] == "registry.example.com/ml/train:1.4"
    secret = next(v for v in e["variables"] if v["name"] == "API_KEY")
    assert secret["secret"] is True and secret["value"] is None
    # The secret value appears in no answer: create, get, list, revisions, a viewer's view.
    for path in (BASE, f"{BASE}/train-dev", f"{BASE}/train-dev?revision=1", f"{BASE}/train-dev/revisions"):
        for c in (dev, u["look"], admin):
            r = c.get(path)
            assert r.status_code == 200 and SECRET not in r.text, path
    listed = u["look"].ok("GET", BASE)["environments"]
    assert [x["name"] for x in listed] == ["train-dev"]

    # An edit is a new revision; the secret sent back without a value keeps its value (checked
    # below through a job); revision 1 stays readable.
    cur = dev.ok("GET", f"{BASE}/train-dev")["environment"]
    cur["variables"][0]["value"] = "hi again"
    cur["message"] = "friendlier"
    e2 = dev.ok("PUT", f"{BASE}/train-dev", json={k: cur[k] for k in ("kind", "image", "resources", "variables", "parameters", "references", "message")})["environment"]
    assert e2["revision"] == 2 and e2["latest_revision"] == 2
    old = dev.ok("GET", f"{BASE}/train-dev?revision=1")["environment"]
    assert old["revision"] == 1 and old["variables"][0]["value"] == "hello"
    revs = dev.ok("GET", f"{BASE}/train-dev/revisions")["revisions"]
    assert [r["revision"] for r in revs] == [2, 1] and revs[0]["message"] == "friendlier" and revs[0]["created_by"] == "dev"

    # Permissions: a viewer reads but cannot write; a project manager can.
    assert u["look"].post(BASE, json={"name": "nope"}).status_code == 403
    assert u["look"].request("PUT", f"{BASE}/train-dev", json={}).status_code == 403
    create(u["pm"], "serve-prod", kind="inference")
    assert u["pm"].request("DELETE", f"{BASE}/serve-prod").status_code == 200
    assert dev.get(f"{BASE}/serve-prod").status_code == 404


@pytest.mark.parametrize("spec,needle", [
    ({"isolation": "container", "image": "x:1"}, "not supported yet"),
    ({"kind": "production"}, "development' or 'inference"),
    ({"variables": [{"name": "MLFLOW_TRACKING_URI", "value": "x"}]}, "reserved"),
    ({"variables": [{"name": "S", "secret": True}]}, "needs a value"),
    ({"references": [{"name": "r", "path": "relative"}]}, "absolute"),
    ({"resources": {"gpus": -1}}, "gpus"),
    ({"name": "Has Space"}, "environment name"),
    ({"colour": "red"}, "unknown environment field"),
])
def test_bad_environments_are_400(env, spec, needle):
    _, _, u = env
    body = {"name": "bad-env", **spec}
    r = u["dev"].post(BASE, json=body)
    assert r.status_code == 400 and needle in r.json()["message"], r.text
    assert u["dev"].get(f"{BASE}/bad-env").status_code == 404


def test_duplicate_and_unknown(env):
    _, _, u = env
    create(u["dev"], "dup")
    r = u["dev"].post(BASE, json={"name": "dup"})
    assert r.status_code == 409 or r.status_code == 400, r.text
    assert u["dev"].request("PUT", f"{BASE}/missing", json={}).status_code == 404
    assert u["dev"].request("DELETE", f"{BASE}/missing").status_code == 404


def test_job_runs_with_the_environment(env):
    server, admin, u = env
    dev = u["dev"]
    create(dev, "runner", resources={"cpus": 0.5, "memory_mb": 256, "gpus": 0},
           variables=[{"name": "GREETING", "value": "from-env"}, {"name": "OVERRIDDEN", "value": "env"},
                      {"name": "TOKEN", "value": SECRET, "secret": True}],
           parameters={"lr": 0.25}, references=[{"name": "corpus", "path": "/srv/corpus"}])
    _, run_id = new_run(dev)
    script = ("import os, json; e = os.environ; "
              "print('greeting=' + e['GREETING']); print('overridden=' + e['OVERRIDDEN']); "
              "print('token-len=%d' % len(e['TOKEN'])); print('token=' + e['TOKEN']); "
              "print('lr=%s' % json.loads(e['MOEBIUS_ENV_PARAMS'])['lr']); print('ref=' + e['MOEBIUS_REF_CORPUS']); "
              "print('rev=' + e['MOEBIUS_ENVIRONMENT'] + '@' + e['MOEBIUS_ENVIRONMENT_REVISION'])")
    job = dev.ok("POST", f"/api/v1/projects/{PROJECT}/jobs",
                 json={"payload": {"command": ["python3", "-c", script], "environment": "runner", "run_id": run_id,
                                   "env": {"OVERRIDDEN": "job"}}})["job"]
    assert job["payload"]["environment_revision"] == 1
    assert job["resources"] == {"cpus": 0.5, "memory_mb": 256, "gpus": 0}  # from the environment
    assert SECRET not in json.dumps(job)
    # Editing the environment after submission does not change what the queued job runs with.
    done = wait_job(dev, job["id"])
    log = log_text(dev, job["id"])
    assert done["state"] == "succeeded", (done, log)
    assert "greeting=from-env" in log and "overridden=job" in log and "lr=0.25" in log and "ref=/srv/corpus" in log
    assert f"token-len={len(SECRET)}" in log  # the job got the secret ...
    assert SECRET not in log and "token=***" in log  # ... and its log masks it
    assert "rev=runner@1" in log
    tags = run_tags(dev, run_id)
    assert tags["moebius.environment"] == "runner" and tags["moebius.environment_revision"] == "1"

    # Request resources override the environment's field by field; a pinned older revision runs.
    dev.ok("PUT", f"{BASE}/runner", json={"resources": {"cpus": 0.5, "memory_mb": 256},
                                          "variables": [{"name": "GREETING", "value": "rev2"}, {"name": "OVERRIDDEN", "value": "x"},
                                                        {"name": "TOKEN", "value": None, "secret": True}]})
    j2 = dev.ok("POST", f"/api/v1/projects/{PROJECT}/jobs",
                json={"payload": {"command": ["python3", "-c", "import os; print('g=' + os.environ['GREETING'], len(os.environ['TOKEN']))"],
                                  "environment": "runner", "environment_revision": 1},
                      "resources": {"cpus": 1}})["job"]
    assert j2["resources"]["cpus"] == 1 and j2["resources"]["memory_mb"] == 256
    assert j2["payload"]["environment_revision"] == 1
    assert wait_job(dev, j2["id"])["state"] == "succeeded"
    assert f"g=from-env {len(SECRET)}" in log_text(dev, j2["id"])
    j3 = dev.ok("POST", f"/api/v1/projects/{PROJECT}/jobs",
                json={"payload": {"command": ["python3", "-c", "import os; print('g=' + os.environ['GREETING'], len(os.environ['TOKEN']))"],
                                  "environment": "runner"}})["job"]
    assert j3["payload"]["environment_revision"] == 2 and j3["resources"]["cpus"] == 0.5
    assert wait_job(dev, j3["id"])["state"] == "succeeded"
    assert f"g=rev2 {len(SECRET)}" in log_text(dev, j3["id"])  # the secret was kept without being sent back

    # The resolved environment (with secrets) is for running jobs only.
    r = dev.get(f"/api/v1/jobs/{j3['id']}/environment")
    assert r.status_code == 400 and "not running" in r.json()["message"]
    assert u["look"].get(f"/api/v1/jobs/{j3['id']}/environment").status_code == 403


def test_bad_environment_references_queue_nothing(env):
    _, _, u = env
    dev = u["dev"]
    before = jobs_count(dev)
    for payload, needle in (({"environment": "no-such-env"}, "does not exist"),
                            ({"environment": 7}, "payload.environment"),
                            ({"environment": "runner", "environment_revision": 99}, "no revision 99"),
                            ({"environment_revision": 1}, "needs payload.environment")):
        r = dev.post(f"/api/v1/projects/{PROJECT}/jobs", json={"payload": {"command": ["true"], **payload}})
        assert r.status_code == 400 and needle in r.json()["message"], r.text
    assert jobs_count(dev) == before
