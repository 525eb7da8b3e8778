"""External jobs from a data version to a run (issue 4, EXP-9).

The must-show test: a Python script (plain urllib, no mlflow package) submitted with
`moebius job submit --experiment ... --data dataset@version`, reads the CSV the worker materialized
in its directory, logs params, per-step metrics and an artifact through the MLflow-compatible API
using only the environment it was given; the run shows them and is FINISHED. A failing script
makes its run FAILED, a cancelled job KILLED. Bad payload.data is a 400 at submission with nothing
queued and no run created. Remote workers hand each job a token of the job's submitter that the
server minted for the claim — not the worker's — and that stops working when the job ends."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402
sys.path.insert(0, os.path.dirname(__file__))
from jobhelpers import log_text, stop_processes, wait  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "data"))
from datahelpers import upload  # noqa: E402

PY = "/usr/bin/python3"
P = "/api/v1/projects/lab"
ROWS = [(i, round(0.5 * i + 1, 3), "a" if i % 3 else "b") for i in range(40)]

TRAIN = r'''
import csv, json, os, sys, time, urllib.request

uri = os.environ["MLFLOW_TRACKING_URI"]
token = os.environ["MLFLOW_TRACKING_TOKEN"]
run_id = os.environ["MLFLOW_RUN_ID"]
exp_id = os.environ["MLFLOW_EXPERIMENT_ID"]

def call(method, path, body=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(uri + path, data=data, method=method,
                                 headers={"Content-Type": ctype, "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        out = r.read()
        return json.loads(out) if out else {}

files = sorted(os.path.join(d, f) for d, _, fs in os.walk("data/points") for f in fs)
print("files", files, flush=True)
with open(next(f for f in files if f.endswith(".csv"))) as f:
    rows = list(csv.DictReader(f))
xs = [float(r["x"]) for r in rows]
mean = sum(xs) / len(xs)
now = int(time.time() * 1000)
call("POST", "/api/2.0/mlflow/runs/log-batch", {"run_id": run_id, "params": [
    {"key": "rows", "value": str(len(rows))}, {"key": "lr", "value": sys.argv[1]}]})
for step in range(5):
    call("POST", "/api/2.0/mlflow/runs/log-metric", {"run_id": run_id, "key": "loss", "value": mean / (step + 1),
                                                     "timestamp": now + step, "step": step})
summary = json.dumps({"rows": len(rows), "mean_x": mean}).encode()
call("PUT", "/api/2.0/mlflow-artifacts/artifacts/%s/%s/artifacts/summary.json" % (exp_id, run_id), raw=summary)
print("mean", mean, flush=True)
if sys.argv[2] == "fail":
    sys.exit(4)
if sys.argv[2] == "sleep":
    print("sleeping", flush=True)
    time.sleep(120)
'''


def setup_lab(server):
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "lab"})
    admin.ok("POST", "/api/v1/users", json={"username": "dev", "password": "dev-password-1", "global_role": "viewer"})
    admin.ok("PUT", f"{P}/members/dev", json={"role": "model-developer"})
    admin.ok("POST", "/api/v1/users", json={"username": "ops", "password": "ops-password-1", "global_role": "operator"})
    admin.ok("POST", f"{P}/datasets", json={"name": "points", "domain": "tabular"})
    csv = "id,x,label\n" + "".join(f"{i},{x},{l}\n" for i, x, l in ROWS)
    r = upload(admin, "lab", "points", csv.encode(), "file", "points.csv")
    assert r.status_code == 200, r.text
    admin.ok("POST", f"{P}/datasets/points/versions", json={"rounds": [1]})
    # 60 bytes of data: under a 100-byte limit by its recorded size, over it as a tar (headers).
    admin.ok("POST", f"{P}/datasets", json={"name": "tiny", "domain": "tabular"})
    assert upload(admin, "lab", "tiny", b"id,x\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(11)), "file", "tiny.csv").status_code == 200
    admin.ok("POST", f"{P}/datasets/tiny/versions", json={"rounds": [1]})
    dev = server.client(server.login("dev", "dev-password-1"))
    ops = server.client(server.login("ops", "ops-password-1"))
    return admin, dev, ops


def cli(server, token, *args):
    env = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token, HOME=tempfile.mkdtemp())
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture(scope="module")
def lab():
    server = Server(extra_args=["--workers", "2"]).start()
    admin, dev, ops = setup_lab(server)
    script = os.path.join(tempfile.mkdtemp(prefix="moebius-train-"), "train.py")
    with open(script, "w") as f:
        f.write(TRAIN)
    dev_token = dev.ok("POST", "/api/v1/tokens", json={"name": "cli"})["secret"]
    yield server, admin, dev, dev_token, script
    server.cleanup()


def submit_cli(server, token, script, mode, *extra):
    r = cli(server, token, "--json", "job", "submit", "lab", "--experiment", "external-jobs", "--data", "points@v1",
            "--name", f"train-{mode}", *extra, "--", PY, script, "0.05", mode)
    assert r.returncode == 0, r.stderr + r.stdout
    return json.loads(r.stdout)["job"]


def test_an_external_python_job_logs_through_the_mlflow_api_and_its_run_shows_it(lab):
    server, admin, dev, token, script = lab
    job = submit_cli(server, token, script, "ok", "--run-name", "first-try")
    assert job["run_id"] and job["payload"]["data"] == [{"dataset": "points", "version": 1, "path": "data/points"}]
    done = wait(dev, job["id"], {"succeeded", "failed"})
    text = log_text(dev, job["id"])
    assert done["state"] == "succeeded", (done, text)
    assert f"mean {sum(x for _, x, _ in ROWS) / len(ROWS)}" in text

    run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": job["run_id"]})["run"]
    assert run["info"]["status"] == "FINISHED" and run["info"]["end_time"] >= run["info"]["start_time"]
    assert run["info"]["run_name"] == "first-try"
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == {"rows": str(len(ROWS)), "lr": "0.05"}
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["moebius.job_id"] == str(job["id"])
    exp = dev.ok("GET", "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "external-jobs"})["experiment"]
    assert run["info"]["experiment_id"] == exp["experiment_id"]
    hist = dev.ok("GET", "/api/2.0/mlflow/metrics/get-history", params={"run_id": job["run_id"], "metric_key": "loss"})["metrics"]
    mean = sum(x for _, x, _ in ROWS) / len(ROWS)
    assert [(m["step"], m["value"]) for m in sorted(hist, key=lambda m: m["step"])] == [(s, mean / (s + 1)) for s in range(5)]
    arts = dev.ok("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": job["run_id"]})["files"]
    assert [a["path"] for a in arts] == ["summary.json"]
    body = dev.request("GET", f"/api/v1/runs/{job['run_id']}/artifacts/content", params={"path": "summary.json"})
    assert body.status_code == 200 and json.loads(body.content) == {"rows": len(ROWS), "mean_x": mean}
    # Lineage: the data version records the run that read it.
    v = dev.ok("GET", f"{P}/datasets/points/versions/v1")
    assert job["run_id"] in [r["run_id"] for r in v["runs"]]
    # The CLI shows the run and the data of the job.
    shown = cli(server, token, "job", "show", str(job["id"]))
    assert job["run_id"] in shown.stdout and "points@v1 in data/points" in shown.stdout


def test_a_failing_script_fails_its_run(lab):
    server, admin, dev, token, script = lab
    job = submit_cli(server, token, script, "fail", "--max-attempts", "1")
    done = wait(dev, job["id"], {"succeeded", "failed"})
    assert done["state"] == "failed" and done["exit_code"] == 4, done
    run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": job["run_id"]})["run"]
    assert run["info"]["status"] == "FAILED" and run["info"]["end_time"]
    assert {p["key"] for p in run["data"]["params"]} == {"rows", "lr"}  # what it logged before failing stays


def test_a_cancelled_job_kills_its_run(lab):
    server, admin, dev, token, script = lab
    job = submit_cli(server, token, script, "sleep")
    wait(dev, job["id"], {"running"})
    deadline = time.time() + 15
    while "sleeping" not in log_text(dev, job["id"]) and time.time() < deadline:
        time.sleep(0.2)
    dev.ok("POST", f"/api/v1/jobs/{job['id']}/cancel")
    done = wait(dev, job["id"], {"cancelled", "failed", "succeeded"}, timeout=15)
    assert done["state"] == "cancelled", done
    run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": job["run_id"]})["run"]
    assert run["info"]["status"] == "KILLED" and run["info"]["end_time"]


def test_a_job_cancelled_before_it_runs_kills_its_run_too(lab):
    server, admin, dev, token, script = lab
    # Too big for any worker: it stays queued until cancelled.
    r = dev.post(f"{P}/jobs", json={"payload": {"command": [PY, "-c", "pass"]}, "experiment": "external-jobs",
                                    "resources": {"cpus": 1000}})
    assert r.status_code == 200, r.text
    job = r.json()["job"]
    assert dev.ok("POST", f"/api/v1/jobs/{job['id']}/cancel")["job"]["state"] == "cancelled"
    run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": job["run_id"]})["run"]
    assert run["info"]["status"] == "KILLED"


def test_a_job_on_an_existing_run_gets_its_ids(lab):
    server, admin, dev, token, script = lab
    exp = dev.ok("GET", "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "external-jobs"})["experiment"]
    run = dev.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]})["run"]
    code = "import os; print('ids', os.environ['MLFLOW_RUN_ID'], os.environ['MLFLOW_EXPERIMENT_ID'])"
    job = dev.ok("POST", f"{P}/jobs", json={"payload": {"command": [PY, "-c", code], "run_id": run["info"]["run_id"]}})["job"]
    assert job["run_id"] == run["info"]["run_id"] and job["payload"]["experiment_id"] == exp["experiment_id"]
    wait(dev, job["id"], {"succeeded"})
    assert f"ids {run['info']['run_id']} {exp['experiment_id']}" in log_text(dev, job["id"])
    assert dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run["info"]["run_id"]})["run"]["info"]["status"] == "FINISHED"


@pytest.mark.parametrize("data, message", [
    ([{"dataset": "nope", "version": 1}], "payload.data[0].dataset"),
    ([{"dataset": "points", "version": 9}], "payload.data[0].version"),
    ([{"dataset": "points", "version": "v1"}], "positive integer"),
    ([{"dataset": "points", "version": 1, "path": "../out"}], "'..'"),
    ([{"dataset": "points", "version": 1, "path": "/tmp/x"}], "relative"),
    ([{"dataset": "points", "version": 1}, {"dataset": "points", "version": 1}], "overlaps"),
    ([{"dataset": "points", "version": 1, "extra": 1}], "unknown field"),
    ({"dataset": "points", "version": 1}, "must be a list"),
])
def test_bad_data_inputs_are_refused_at_submission_and_nothing_is_queued(lab, data, message):
    server, admin, dev, token, script = lab
    before = dev.ok("GET", f"{P}/jobs")["jobs"]
    r = dev.post(f"{P}/jobs", json={"payload": {"command": [PY, "-c", "pass"], "data": data}, "experiment": "never-made"})
    assert r.status_code == 400 and message in r.json()["message"], r.text
    assert dev.ok("GET", f"{P}/jobs")["jobs"] == before
    assert dev.get("/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "never-made"}).status_code == 404


def test_bad_run_references_are_refused(lab):
    server, admin, dev, token, script = lab
    for body, message in [
        ({"payload": {"command": ["true"], "run_id": "0" * 32}}, "payload.run_id"),
        ({"payload": {"command": ["true"]}, "run_name": "x"}, "run_name needs experiment"),
        ({"payload": {"command": ["true"]}, "experiment": ""}, "experiment"),
        ({"payload": {"command": ["true"]}, "experiment": 987654}, "experiment"),
        ({"payload": {"command": ["true"], "experiment_id": "0"}}, "filled in by the server"),
    ]:
        r = dev.post(f"{P}/jobs", json=body)
        assert r.status_code == 400 and message in r.json()["message"], (body, r.text)
    r = cli(server, token, "job", "submit", "lab", "--data", "points", "--", "true")
    assert r.returncode != 0 and "DATASET@VERSION" in r.stderr


# ---- per-job tokens on remote workers

WHOAMI = r'''
import json, os, sys, urllib.request, urllib.error
uri, token = os.environ["MOEBIUS_SERVER"], os.environ["MOEBIUS_TOKEN"]
assert token == os.environ["MLFLOW_TRACKING_TOKEN"]
def call(method, path, body=None):
    req = urllib.request.Request(uri + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")
status, me = call("GET", "/api/v1/auth/me")
print("me", status, me["user"]["username"], flush=True)
status, _ = call("POST", "/api/v1/workers/claim", {"worker": "thief", "resources": {"cpus": 1, "memory_mb": 1, "gpus": 0}})
print("claim", status, flush=True)
with open(sys.argv[1], "w") as f:
    f.write(token)
print("data", sorted(os.listdir("data/points")), flush=True)
'''


@pytest.fixture(scope="module")
def remote_lab():
    server = Server(extra_args=["--workers", "0"]).start()
    admin, dev, ops = setup_lab(server)
    worker_token = ops.ok("POST", "/api/v1/tokens", json={"name": "worker"})["secret"]
    work = tempfile.mkdtemp(prefix="moebius-worker-")
    lines, procs = [], []
    # remote-t takes the ordinary jobs (1 CPU, no GPU); remote-small offers half a CPU, so only jobs
    # that ask for that and a GPU fit it, and lets a job download at most 100 bytes of data.
    for name, extra in [("remote-t", ["--gpus", "0"]),
                        ("remote-small", ["--cpus", "0.5", "--gpus", "1", "--max-data-bytes", "100"])]:
        p = subprocess.Popen([BIN, "worker", "--server", server.url, "--token", worker_token, "--name", name, "--lease-s", "5",
                              "--work-dir", os.path.join(work, name), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.stdout.readline().startswith(f"worker {name} serving")
        threading.Thread(target=lambda p=p: [lines.append(l) for l in p.stdout], daemon=True).start()
        procs.append(p)
    yield server, admin, dev, worker_token, lines
    stop_processes(procs)
    server.cleanup()


def test_a_remote_job_runs_with_its_submitters_token_not_the_workers(remote_lab):
    server, admin, dev, worker_token, worker_output = remote_lab
    out = os.path.join(tempfile.mkdtemp(prefix="moebius-token-"), "token")
    script = os.path.join(os.path.dirname(out), "whoami.py")
    with open(script, "w") as f:
        f.write(WHOAMI)
    job = dev.ok("POST", f"{P}/jobs", json={"payload": {"command": [PY, script, out], "data": [{"dataset": "points", "version": 1}]},
                                            "max_attempts": 1})["job"]
    done = wait(dev, job["id"], {"succeeded", "failed"})
    text = log_text(dev, job["id"])
    assert done["state"] == "succeeded" and done["worker"] == "remote-t", (done, text)
    assert "me 200 dev\n" in text  # the job is its submitter, not the worker's operator account
    assert "claim 403\n" in text   # and cannot do what only the worker's account may
    assert "data ['.moebius', 'points.csv']" in text  # the version (and its manifest sidecar) downloaded with the job's token
    token = open(out).read()
    assert token.startswith("mbt_") and token != worker_token
    # Never shown: not in the job, its log, or the worker's output.
    assert token not in json.dumps(dev.ok("GET", f"/api/v1/jobs/{job['id']}")) and token not in text
    assert not any(token in line for line in worker_output)
    # It stopped working when the job ended; the worker's own token still works.
    r = requests.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Bearer " + token}, timeout=10)
    assert r.status_code == 401, r.text
    r = requests.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Bearer " + worker_token}, timeout=10)
    assert r.status_code == 200 and r.json()["user"]["username"] == "ops"
    tokens = [t for t in dev.ok("GET", "/api/v1/tokens")["tokens"] if t["name"] == f"job-{job['id']}-1"]
    assert len(tokens) == 1 and tokens[0]["revoked"] and tokens[0]["expires_at"], tokens


def test_a_remote_jobs_token_is_revoked_when_it_is_cancelled(remote_lab):
    server, admin, dev, worker_token, worker_output = remote_lab
    out = os.path.join(tempfile.mkdtemp(prefix="moebius-token-"), "token")
    code = ("import os, sys, time\n"
            "open(sys.argv[1], 'w').write(os.environ['MOEBIUS_TOKEN'])\n"
            "print('ready', flush=True)\n"
            "time.sleep(120)\n")
    job = dev.ok("POST", f"{P}/jobs", json={"payload": {"command": [PY, "-c", code, out]}, "timeout_s": 300})["job"]
    deadline = time.time() + 20
    while "ready" not in log_text(dev, job["id"]) and time.time() < deadline:
        time.sleep(0.2)
    token = open(out).read()
    headers = {"Authorization": "Bearer " + token}
    assert requests.get(server.url + "/api/v1/auth/me", headers=headers, timeout=10).status_code == 200
    info = [t for t in dev.ok("GET", "/api/v1/tokens")["tokens"] if t["name"] == f"job-{job['id']}-1"][0]
    # It expires at the timeout plus a margin (10 minutes) after the claim.
    assert 0 < info["expires_at"] - done_or_now_ms() <= (300 + 600) * 1000
    dev.ok("POST", f"/api/v1/jobs/{job['id']}/cancel")
    assert wait(dev, job["id"], {"cancelled"}, timeout=15)["state"] == "cancelled"
    assert requests.get(server.url + "/api/v1/auth/me", headers=headers, timeout=10).status_code == 401


def done_or_now_ms():
    return int(time.time() * 1000)


def test_data_over_the_workers_limit_fails_the_job_before_it_runs(remote_lab):
    server, admin, dev, worker_token, worker_output = remote_lab
    job = dev.ok("POST", f"{P}/jobs", json={"payload": {"command": [PY, "-c", "print('ran')"], "data": [{"dataset": "points", "version": 1}]},
                                            "resources": {"cpus": 0.5, "gpus": 1}, "max_attempts": 3})["job"]
    done = wait(dev, job["id"], {"succeeded", "failed"})
    assert done["state"] == "failed" and done["worker"] == "remote-small" and done["attempts"] == 1, done
    assert "preparing the job failed: points@v1" in done["error"] and "over the limit of 100 bytes" in done["error"], done
    assert "ran" not in log_text(dev, job["id"])


def test_an_archive_over_the_limit_stops_its_download(remote_lab):
    # The version's recorded size fits the limit; its archive does not: the streamed download stops.
    server, admin, dev, worker_token, worker_output = remote_lab
    assert dev.ok("GET", f"{P}/datasets/tiny/versions/v1")["version"]["bytes"] < 100
    job = dev.ok("POST", f"{P}/jobs", json={"payload": {"command": [PY, "-c", "print('ran')"], "data": [{"dataset": "tiny", "version": 1}]},
                                            "resources": {"cpus": 0.5, "gpus": 1}, "max_attempts": 1})["job"]
    done = wait(dev, job["id"], {"succeeded", "failed"})
    assert done["state"] == "failed" and done["worker"] == "remote-small", done
    assert "tiny@v1: its archive is over the limit of 100 bytes" in done["error"], done
    assert "ran" not in log_text(dev, job["id"])
