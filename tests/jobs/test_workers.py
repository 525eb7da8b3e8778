"""Jobs that really run (EXP-9): the server's embedded worker and `moebius worker` processes run
command jobs as process groups, stream their output to the job log, report exit codes, stop on
cancel and timeout (grandchildren included), fail clearly when the command does not exist, and a
job whose remote worker is killed -9 runs again on another worker once its lease runs out. An
external Python job logs a param and a metric through the MLflow-compatible API with the
environment the worker gives it."""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402
sys.path.insert(0, os.path.dirname(__file__))
from jobhelpers import log_text, stop_processes, wait  # noqa: E402

PY = "/usr/bin/python3"


def setup_users(server):
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "work"})
    admin.ok("POST", "/api/v1/users", json={"username": "dev", "password": "dev-password-1", "global_role": "viewer"})
    admin.ok("PUT", "/api/v1/projects/work/members/dev", json={"role": "model-developer"})
    admin.ok("POST", "/api/v1/users", json={"username": "ops", "password": "ops-password-1", "global_role": "operator"})
    # ops runs workers; it is no member of the project: jobs run with their submitter's token.
    dev = server.client(server.login("dev", "dev-password-1"))
    ops = server.client(server.login("ops", "ops-password-1"))
    return admin, dev, ops


def submit(dev, command, **kw):
    payload = {"command": command}
    payload.update(kw.pop("payload", {}))
    return dev.ok("POST", "/api/v1/projects/work/jobs", json={"payload": payload, **kw})["job"]


def alive(marker):
    """Whether a live (not zombie) process has `marker` in its command line."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        if marker in cmd and ") Z " not in stat:
            return True
    return False


@pytest.fixture(scope="module")
def embedded():
    server = Server(extra_args=["--workers", "2"]).start()
    admin, dev, ops = setup_users(server)
    yield server, admin, dev
    server.cleanup()


def test_embedded_worker_runs_python_and_streams_its_output(embedded):
    server, admin, dev = embedded
    code = ("import os, sys\n"
            "print('hello from job', os.environ['MOEBIUS_JOB_ID'], flush=True)\n"
            "print('to stderr', file=sys.stderr, flush=True)\n"
            "print('cwd', os.getcwd())\n"
            "print('uri', os.environ['MLFLOW_TRACKING_URI'], 'x', os.environ['MY_VAR'])\n")
    job = submit(dev, [PY, "-c", code], payload={"env": {"MY_VAR": "42"}})
    done = wait(dev, job["id"], {"succeeded", "failed"})
    text = log_text(dev, job["id"])
    assert done["state"] == "succeeded" and done["exit_code"] == 0, (done, text)
    assert f"hello from job {job['id']}\n" in text and "to stderr\n" in text
    assert f"uri {server.url} x 42\n" in text
    assert text.index("hello from job") < text.index("to stderr")
    cwd = next(l for l in text.splitlines() if l.startswith("cwd "))[4:]
    assert cwd.startswith(os.path.join(server.data_dir, "work", f"job-{job['id']}-1"))
    assert not os.path.exists(cwd)  # removed after the job
    assert done["worker"].startswith("server@")


def test_a_non_zero_exit_fails_the_job(embedded):
    server, admin, dev = embedded
    job = submit(dev, [PY, "-c", "import sys; print('bad'); sys.exit(3)"])
    done = wait(dev, job["id"], {"succeeded", "failed"})
    # The reason is what the end of the log says (issue 17): here its last line.
    assert done["state"] == "failed" and done["exit_code"] == 3 and done["error"] == "exited with status 3: bad"
    assert "bad\n" in log_text(dev, job["id"])
    # A Python traceback: its exception line, not the frames.
    job = submit(dev, [PY, "-c", "print('loading'); import json; json.loads('{nope')"])
    done = wait(dev, job["id"], {"succeeded", "failed"})
    assert done["state"] == "failed" and done["error"].startswith("exited with status 1: json.decoder.JSONDecodeError: Expecting"), done


def test_a_command_that_does_not_exist_fails_clearly(embedded):
    server, admin, dev = embedded
    t0 = time.time()
    job = submit(dev, ["moebius-no-such-command", "--x"], max_attempts=3)
    done = wait(dev, job["id"], {"succeeded", "failed"}, timeout=10)
    assert done["state"] == "failed" and done["error"] == "command not found: moebius-no-such-command", done
    assert done["attempts"] == 1 and done["exit_code"] == 127
    assert "command not found: moebius-no-such-command" in log_text(dev, job["id"])
    assert time.time() - t0 < 10
    assert dev.ok("GET", "/api/v1/projects/work/jobs", params={"state": "queued"})["jobs"] == []


def test_cancel_stops_a_running_job_and_its_children(embedded):
    server, admin, dev = embedded
    job = submit(dev, ["sh", "-c", "echo started; sleep 201.25 & sleep 202.25"])
    wait(dev, job["id"], {"running"})
    deadline = time.time() + 10
    while not (alive("sleep 201.25") and alive("sleep 202.25")) and time.time() < deadline:
        time.sleep(0.1)
    assert alive("sleep 201.25") and alive("sleep 202.25")
    t0 = time.time()
    assert dev.ok("POST", f"/api/v1/jobs/{job['id']}/cancel")["job"]["cancel_requested"] is True
    done = wait(dev, job["id"], {"cancelled", "failed", "succeeded"}, timeout=10)
    assert done["state"] == "cancelled", done
    assert time.time() - t0 < 8
    time.sleep(0.3)
    assert not alive("sleep 201.25") and not alive("sleep 202.25")
    assert "cancel requested" in log_text(dev, job["id"])


def test_a_job_past_its_timeout_is_stopped(embedded):
    server, admin, dev = embedded
    job = submit(dev, [PY, "-c", "import time; print('waiting', flush=True); time.sleep(60)"], timeout_s=1)
    done = wait(dev, job["id"], {"timed_out", "failed", "succeeded"}, timeout=15)
    assert done["state"] == "timed_out" and "timed out after 1 s" in done["error"], done


EXTERNAL = r'''
import json, os, time, urllib.request
uri = os.environ["MLFLOW_TRACKING_URI"]
token = os.environ["MLFLOW_TRACKING_TOKEN"]

def call(path, body):
    req = urllib.request.Request(uri + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")

run = call("/api/2.0/mlflow/runs/create", {"experiment_id": os.environ["EXPERIMENT_ID"], "run_name": "job-" + os.environ["MOEBIUS_JOB_ID"]})["run"]
run_id = run["info"]["run_id"]
now = int(time.time() * 1000)
call("/api/2.0/mlflow/runs/log-batch", {"run_id": run_id, "params": [{"key": "lr", "value": "0.1"}],
                                        "metrics": [{"key": "loss", "value": 0.25, "timestamp": now, "step": 1}]})
call("/api/2.0/mlflow/runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": now})
print("RUN_ID=" + run_id)
'''


def check_external_job(dev, make_script_dir, worker_prefix=None):
    exp = dev.ok("POST", "/api/v1/projects/work/experiments", json={"name": f"external-{time.time()}"})["experiment"]
    path = os.path.join(make_script_dir, "train.py")
    with open(path, "w") as f:
        f.write(EXTERNAL)
    job = submit(dev, [PY, path], payload={"env": {"EXPERIMENT_ID": str(exp["experiment_id"])}})
    done = wait(dev, job["id"], {"succeeded", "failed"})
    text = log_text(dev, job["id"])
    assert done["state"] == "succeeded", (done, text)
    if worker_prefix:
        assert done["worker"].startswith(worker_prefix)
    run_id = next(l for l in text.splitlines() if l.startswith("RUN_ID="))[7:]
    run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == {"lr": "0.1"}
    assert {m["key"]: m["value"] for m in run["data"]["metrics"]} == {"loss": 0.25}
    assert run["info"]["status"] == "FINISHED"
    return job


def test_an_external_python_job_logs_through_the_mlflow_api(embedded):
    server, admin, dev = embedded
    scripts = tempfile.mkdtemp(prefix="moebius-job-script-")
    job = check_external_job(dev, scripts, "server@")
    # The server gave the job's attempt a token of its submitter, revoked when the job ended.
    tokens = [t for t in dev.ok("GET", "/api/v1/tokens")["tokens"] if t["name"] == f"job-{job['id']}-1"]
    assert len(tokens) == 1 and tokens[0]["revoked"] is True, tokens


# ---- remote workers


@pytest.fixture(scope="module")
def remote():
    server = Server(extra_args=["--workers", "0"]).start()
    admin, dev, ops = setup_users(server)
    token = ops.ok("POST", "/api/v1/tokens", json={"name": "worker"})["secret"]
    procs = []
    work = tempfile.mkdtemp(prefix="moebius-worker-")

    def start_worker(name):
        p = subprocess.Popen([BIN, "worker", "--server", server.url, "--token", token, "--name", name, "--lease-s", "3",
                              "--slots", "2", "--work-dir", os.path.join(work, name)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = p.stdout.readline()
        assert line.startswith(f"worker {name} serving {server.url}"), line
        threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()  # never let the pipe fill
        procs.append(p)
        return p

    yield server, dev, start_worker
    stop_processes(procs)
    server.cleanup()


def test_no_job_runs_without_a_worker_when_the_pool_is_off(remote):
    server, dev, start_worker = remote
    job = submit(dev, [PY, "-c", "print(1)"], name="waits")
    time.sleep(2)
    assert dev.ok("GET", f"/api/v1/jobs/{job['id']}")["job"]["state"] == "queued"
    dev.ok("POST", f"/api/v1/jobs/{job['id']}/cancel")


def test_a_remote_worker_runs_jobs_and_a_killed_workers_job_runs_again(remote):
    server, dev, start_worker = remote
    a = start_worker("remote-a")
    scripts = tempfile.mkdtemp(prefix="moebius-job-script-")
    check_external_job(dev, scripts, "remote-a")
    code = ("import os, time\n"
            "n = os.environ['MOEBIUS_JOB_ATTEMPT']\n"
            "print('attempt', n, flush=True)\n"
            "time.sleep(60 if n == '1' else 0)\n")
    job = submit(dev, [PY, "-c", code, "moebius-retry-marker"], max_attempts=2)
    running = wait(dev, job["id"], {"running"})
    assert running["worker"] == "remote-a"
    deadline = time.time() + 10
    while "attempt 1" not in log_text(dev, job["id"]) and time.time() < deadline:
        time.sleep(0.2)
    a.kill()  # SIGKILL: no goodbye, the lease has to run out
    a.wait()
    b = start_worker("remote-b")
    done = wait(dev, job["id"], {"succeeded", "failed"}, timeout=30)
    assert done["state"] == "succeeded" and done["attempts"] == 2 and done["worker"] == "remote-b", done
    assert "attempt 2" in log_text(dev, job["id"])
    # Each attempt had a token of its own (the submitter's); the reaper revoked the dead worker's
    # one when it queued the job again, the finish revoked the second.
    tokens = {t["name"]: t for t in dev.ok("GET", "/api/v1/tokens")["tokens"] if t["name"].startswith(f"job-{job['id']}-")}
    assert set(tokens) == {f"job-{job['id']}-1", f"job-{job['id']}-2"} and all(t["revoked"] for t in tokens.values()), tokens
    # The first attempt's process died with its worker (parent-death signal), not left running.
    time.sleep(0.5)
    assert not alive("moebius-retry-marker")
    b.send_signal(signal.SIGTERM)
    assert b.wait(10) == 0


def test_the_worker_refuses_a_token_without_worker_run(remote):
    server, dev, start_worker = remote
    r = subprocess.run([BIN, "worker", "--server", server.url, "--token", "not-a-token", "--work-dir", tempfile.mkdtemp()],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1 and "error:" in r.stderr
