"""Distributed jobs (EXP-8, issue 4 item 7): a submission with `distributed: {workers: N}` runs N
ranks of one group. A 2-rank `moebius train xgboost` trains collectively through our rabit
tracker (rank 0 publishes it at the group's rendezvous, every rank joins XGBoost's collective)
and logs one run with the distributed settings; both ranks end with the same model, close to a
single-worker model on the same data. Any command gets the rank variables and the rendezvous
route. A group that cannot all start fails every rank at its rendezvous timeout, cancelling one
rank cancels all, a bad `distributed` is a 400 with nothing queued."""
import hashlib
import os
import re
import threading
import subprocess
import sys
import time

import pandas as pd
import pytest
from sklearn.datasets import make_classification

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
sys.path.insert(0, os.path.dirname(__file__))
from jobhelpers import log_text, stop_processes, wait  # noqa: E402
from moebius_server import BIN, Server  # noqa: E402

P = "/api/v1/projects/ml"
ML = "/api/2.0/mlflow/"
FEATURES = ["f0", "f1", "f2", "f3", "f4"]
FINAL = ("succeeded", "failed", "cancelled", "timed_out")


def make_project(admin):
    admin.ok("POST", "/api/v1/projects", json={"name": "ml"})
    X, y = make_classification(n_samples=900, n_features=5, n_informative=4, n_redundant=0, random_state=11)
    df = pd.DataFrame(X, columns=FEATURES)
    df["y"] = y
    d = f"{P}/datasets"
    admin.ok("POST", d, json={"name": "clf", "domain": "tabular"})
    up = admin.ok("POST", f"{d}/clf/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"{d}/clf/uploads/{up}/parts/1", data=df.to_csv(index=False).encode())
    admin.ok("POST", f"{d}/clf/uploads/{up}/complete", json={"format": "file", "filename": "clf.csv"})
    admin.ok("POST", f"{d}/clf/versions", json={"status": "raw", "rounds": [1]})
    spec = {"method": "stratified", "ratios": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 5, "label": "y"}
    admin.ok("POST", f"{d}/clf/versions", json={"status": "split", "from_version": "v1", "split": spec})


@pytest.fixture(scope="module")
def env():
    server = Server(extra_args=["--workers", "2"]).start()
    token = server.login("admin", server.admin_password())
    admin = server.client(token)
    server.cli_env = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token)
    make_project(admin)
    yield server, admin
    server.cleanup()


def wait_all(admin, ids, states, timeout=60):
    return [wait(admin, i, states, timeout) for i in ids]


def queued(admin):
    return admin.ok("GET", f"{P}/jobs", params={"state": "queued"})["jobs"]


TRAIN = ["moebius", "train", "xgboost", "--data", "data/clf", "--label", "y", "--features", ",".join(FEATURES),
         "--rounds", "25", "--seed", "3", "--threads", "1", "--no-explain", "--perf-calls", "50",
         "--params", '{"max_depth": 3, "eta": 0.3}']
DATA = [{"dataset": "clf", "version": 2, "path": "data/clf"}]


def run_of(admin, run_id):
    run = admin.ok("GET", ML + "runs/get", params={"run_id": run_id})["run"]
    return (run, {p["key"]: p["value"] for p in run["data"]["params"]}, {m["key"]: m["value"] for m in run["data"]["metrics"]},
            {t["key"]: t["value"] for t in run["data"]["tags"]})


def test_two_ranks_train_xgboost_collectively_into_one_run(env):
    server, admin = env
    out = admin.ok("POST", f"{P}/jobs", json={"payload": {"command": TRAIN, "data": DATA}, "experiment": "dist",
                                             "distributed": {"workers": 2}})
    ranks = out["group"]
    assert [r["rank"] for r in ranks] == [0, 1] and all(r["world_size"] == 2 and r["group"] == ranks[0]["id"] for r in ranks)
    assert ranks[0]["run_id"] and ranks[1]["run_id"] is None  # the leader owns the run
    ends = wait_all(admin, [r["id"] for r in ranks], FINAL, timeout=120)
    logs = [log_text(admin, r["id"]) for r in ranks]
    assert [e["state"] for e in ends] == ["succeeded", "succeeded"], logs
    assert "rabit tracker for 2 ranks" in logs[0] and "in XGBoost's collective as rank 1 of 2" in logs[1], logs
    assert "training on" in logs[1] and "rank 1 of 2" in logs[1]

    run, params, metrics, tags = run_of(admin, ranks[0]["run_id"])
    assert run["info"]["status"] == "FINISHED"
    assert params["distributed.workers"] == "2" and params["distributed.backend"] == "xgboost-rabit"
    assert params["distributed.job_ids"] == f"{ranks[0]['id']},{ranks[1]['id']}"
    assert len(params["distributed.worker_names"].split(",")) == 2
    assert tags["moebius.distributed"] == "xgboost-rabit"
    # Each rank trained on about half of the train rows; the run counts all of them.
    assert metrics["rows_train"] > metrics["rows_train_rank0"] > 0.4 * metrics["rows_train"]
    # Both ranks ended with the model the run holds.
    model = admin.get(f"/api/v1/runs/{ranks[0]['run_id']}/artifacts/content", params={"path": "model/model.json"}).content
    sha = hashlib.sha256(model).hexdigest()
    assert tags["moebius.model_sha256"] == sha
    for r, log in enumerate(logs):
        assert re.search(rf"rank {r}: model sha256 {sha}", log), log
    assert metrics["test_accuracy"] > 0.8

    # The same training on one worker: close, not necessarily equal.
    single = admin.ok("POST", f"{P}/jobs", json={"payload": {"command": TRAIN, "data": DATA}, "experiment": "dist"})["job"]
    assert wait(admin, single["id"], FINAL, timeout=120)["state"] == "succeeded", log_text(admin, single["id"])
    _, sparams, smetrics, stags = run_of(admin, single["run_id"])
    assert "distributed.workers" not in sparams and "moebius.distributed" not in stags
    print(f"2 ranks: accuracy {metrics['test_accuracy']:.4f} auc {metrics['test_roc_auc']:.4f} train {metrics['time.train_s']:.2f}s; "
          f"1 worker: accuracy {smetrics['test_accuracy']:.4f} auc {smetrics['test_roc_auc']:.4f} train {smetrics['time.train_s']:.2f}s")
    assert abs(smetrics["test_accuracy"] - metrics["test_accuracy"]) < 0.06
    assert abs(smetrics["test_roc_auc"] - metrics["test_roc_auc"]) < 0.04


RANK_SCRIPT = r"""
import json, os, time, urllib.request
env = {k: os.environ[k] for k in ("MOEBIUS_RANK", "MOEBIUS_WORLD_SIZE", "MOEBIUS_JOB_GROUP", "MOEBIUS_RENDEZVOUS")}
print("env", json.dumps(env), flush=True)
def call(method, body=None):
    req = urllib.request.Request(os.environ["MOEBIUS_RENDEZVOUS"], method=method,
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": "Bearer " + os.environ["MOEBIUS_TOKEN"], "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
if env["MOEBIUS_RANK"] == "0":
    call("PUT", {"key": "master", "value": "10.1.2.3:29500"})
deadline = time.time() + 30
while True:
    values = call("GET")["values"]
    if "master" in values or time.time() > deadline:
        break
    time.sleep(0.3)
print("master", values.get("master"), flush=True)
"""


def test_any_command_gets_the_rank_variables_and_the_rendezvous(env):
    server, admin = env
    out = admin.ok("POST", f"{P}/jobs", json={"payload": {"command": ["python3", "-c", RANK_SCRIPT]}, "distributed": {"workers": 2}})
    ids = [r["id"] for r in out["group"]]
    ends = wait_all(admin, ids, FINAL)
    logs = [log_text(admin, i) for i in ids]
    assert [e["state"] for e in ends] == ["succeeded", "succeeded"], logs
    for rank, log in enumerate(logs):
        assert f'"MOEBIUS_RANK": "{rank}"' in log and '"MOEBIUS_WORLD_SIZE": "2"' in log, log
        assert f'"MOEBIUS_JOB_GROUP": "{ids[0]}"' in log and f"/api/v1/jobs/{ids[rank]}/rendezvous" in log
        assert "master 10.1.2.3:29500" in log, log
    listed = admin.ok("GET", f"{P}/jobs", params={"group": ids[0]})["jobs"]
    assert sorted(j["id"] for j in listed) == ids
    # The rendezvous is for running ranks of a group only.
    assert admin.request("PUT", f"/api/v1/jobs/{ids[0]}/rendezvous", json={"key": "k", "value": "v"}).status_code == 400


def test_a_group_that_cannot_all_start_fails_every_rank(env):
    server, admin = env
    # Three ranks, two slots: two start, the third never can.
    out = admin.ok("POST", f"{P}/jobs", json={"payload": {"command": ["sleep", "60"]},
                                             "distributed": {"workers": 3, "rendezvous_timeout_s": 10}})
    ids = [r["id"] for r in out["group"]]
    ends = wait_all(admin, ids, FINAL, timeout=40)
    for e in ends:
        assert e["state"] == "failed" and "only 2 of 3 workers started within 10 s" in e["error"], e
    assert queued(admin) == []


def test_cancelling_one_rank_cancels_the_group(env):
    server, admin = env
    out = admin.ok("POST", f"{P}/jobs", json={"payload": {"command": ["sleep", "60"]}, "distributed": {"workers": 2},
                                             "experiment": "dist-cancel"})
    ids = [r["id"] for r in out["group"]]
    wait_all(admin, ids, ("running",))
    admin.ok("POST", f"/api/v1/jobs/{ids[1]}/cancel")
    ends = wait_all(admin, ids, FINAL, timeout=20)
    assert [e["state"] for e in ends] == ["cancelled", "cancelled"], ends
    run = admin.ok("GET", ML + "runs/get", params={"run_id": out["job"]["run_id"]})["run"]
    deadline = time.time() + 10
    while run["info"]["status"] == "RUNNING" and time.time() < deadline:
        time.sleep(0.3)
        run = admin.ok("GET", ML + "runs/get", params={"run_id": out["job"]["run_id"]})["run"]
    assert run["info"]["status"] == "KILLED"


@pytest.mark.parametrize("distributed", [{"workers": 0}, {"workers": 65}, {"workers": "2"}, {}, {"workers": 2, "nodes": 2},
                                         {"workers": 2, "rendezvous_timeout_s": 0}, 3])
def test_a_bad_distributed_setting_is_a_400_and_queues_nothing(env, distributed):
    server, admin = env
    before = len(admin.ok("GET", f"{P}/jobs", params={"limit": 1000})["jobs"])
    r = admin.request("POST", f"{P}/jobs", json={"payload": {"command": ["true"]}, "distributed": distributed})
    assert r.status_code == 400, r.text
    assert "distributed" in r.text, r.text
    assert len(admin.ok("GET", f"{P}/jobs", params={"limit": 1000})["jobs"]) == before


def test_the_cli_submits_a_group_and_shows_its_ranks(env):
    server, admin = env
    cli = lambda *a: subprocess.run([BIN, *a], env=server.cli_env, capture_output=True, text=True, timeout=60)
    r = cli("job", "submit", "ml", "--workers", "2", "--rendezvous-timeout", "30", "--", "true")
    assert r.returncode == 0, r.stderr
    m = re.search(r"submitted job (\d+) .*group (\d+) of 2 ranks \(jobs (\d+), (\d+)\)", r.stdout)
    assert m and m.group(1) == m.group(2) == m.group(3), r.stdout
    ids = [int(m.group(3)), int(m.group(4))]
    wait_all(admin, ids, FINAL)
    listed = cli("job", "list", "ml", "--group", str(ids[0]))
    assert listed.returncode == 0, listed.stderr
    assert f"{ids[0]} r0/2" in listed.stdout and f"{ids[0]} r1/2" in listed.stdout, listed.stdout
    shown = cli("job", "show", str(ids[1]))
    assert f"rank 1 of 2 in group {ids[0]} (rendezvous timeout 30 s" in shown.stdout, shown.stdout
    bad = cli("job", "submit", "ml", "--workers", "100", "--", "true")
    assert bad.returncode != 0 and "distributed.workers must be between 1 and 64" in bad.stderr + bad.stdout


def test_ranks_on_two_remote_workers_train_together(tmp_path):
    """Each rank on its own `moebius worker` process (one slot each): the group's job JSON reaches
    them over the worker protocol, the tracker address goes through the server."""
    server = Server(extra_args=["--workers", "0"]).start()
    procs = []
    try:
        token = server.login("admin", server.admin_password())
        admin = server.client(token)
        make_project(admin)
        for name in ("wa", "wb"):
            p = subprocess.Popen([BIN, "worker", "--server", server.url, "--token", token, "--name", name, "--slots", "1",
                                  "--work-dir", str(tmp_path / name)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            assert p.stdout.readline().startswith(f"worker {name} serving")
            threading.Thread(target=lambda p=p: [None for _ in p.stdout], daemon=True).start()
            procs.append(p)
        out = admin.ok("POST", f"{P}/jobs", json={"payload": {"command": TRAIN, "data": DATA}, "experiment": "remote",
                                                 "distributed": {"workers": 2}})
        ids = [r["id"] for r in out["group"]]
        ends = wait_all(admin, ids, FINAL, timeout=120)
        logs = [log_text(admin, i) for i in ids]
        assert [e["state"] for e in ends] == ["succeeded", "succeeded"], logs
        assert {e["worker"] for e in ends} == {"wa", "wb"}, ends  # one rank on each worker
        _, params, _, tags = run_of(admin, out["job"]["run_id"])
        assert sorted(params["distributed.worker_names"].split(",")) == ["wa", "wb"]
        for r, log in enumerate(logs):
            assert f"rank {r}: model sha256 {tags['moebius.model_sha256']}" in log, log
    finally:
        stop_processes(procs)
        server.cleanup()
