"""Components and pipelines (EXP-3) through the API with a real server and its embedded workers:
a three-step pipeline (preprocess writes a CSV, train reads it and writes a model folder,
evaluate reads both and logs a metric through the MLflow API) runs to success with its outputs
passed between steps; a re-run with the same parameters is served from the cache without jobs;
a changed parameter re-runs only the steps it reaches; a failing step fails the run and skips
its dependents; cancel stops a running step; bad definitions are 400s naming the problem; a step
reads a data version (materialized under inputs/<input> through payload.data), is cached while
the version is the same and re-runs on a new version."""
import hashlib
import os
import sqlite3
import sys
import time

import pytest

from moebius_server import Server

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "data"))
from datahelpers import upload  # noqa: E402

P = "/api/v1/projects/pipes"

PREP = """
import sys
rows, out = int(sys.argv[1]), sys.argv[2]
with open(out, 'w') as f:
    f.write('x,y\\n')
    for i in range(rows):
        f.write('%d,%d\\n' % (i, 2 * i + 1))
"""

TRAIN = """
import json, os, sys
table, out, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
xs, ys = [], []
for line in open(table).read().splitlines()[1:]:
    x, y = line.split(',')
    xs.append(float(x)); ys.append(float(y))
n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs) * scale
b = my - a * mx
os.makedirs(os.path.join(out, 'extra'), exist_ok=True)
json.dump(dict(a=a, b=b), open(os.path.join(out, 'model.json'), 'w'))
open(os.path.join(out, 'extra', 'n.txt'), 'w').write(str(n))
"""

EVALUATE = """
import json, os, sys, time, urllib.request
table, model, report = sys.argv[1], sys.argv[2], sys.argv[3]
m = json.load(open(os.path.join(model, 'model.json')))
rows = [l.split(',') for l in open(table).read().splitlines()[1:]]
mse = sum((float(y) - (m['a'] * float(x) + m['b'])) ** 2 for x, y in rows) / len(rows)
body = json.dumps(dict(run_id=os.environ['MLFLOW_RUN_ID'], key='mse', value=mse, timestamp=int(time.time() * 1000), step=0)).encode()
headers = dict([('Content-Type', 'application/json'), ('Authorization', 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN'])])
req = urllib.request.Request(os.environ['MLFLOW_TRACKING_URI'] + '/api/2.0/mlflow/runs/log-metric', data=body, headers=headers)
urllib.request.urlopen(req).read()
open(report, 'w').write('%.6f' % mse)
print('mse', mse)
"""

COUNT = """
import os, sys
folder, out = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.endswith('.csv'))
n = sum(len(open(f).read().splitlines()) - 1 for f in files)
print('files', [os.path.relpath(f, folder) for f in files], 'rows', n, flush=True)
open(out, 'w').write(str(n))
"""

COMPONENTS = [
    {"name": "prep", "kind": "preprocess", "command": ["python3", "-c", PREP, "{rows}", "{outputs.table}"],
     "parameters": [{"name": "rows", "type": "int", "default": 20}], "outputs": [{"name": "table", "type": "file"}]},
    {"name": "train", "kind": "train", "command": ["python3", "-c", TRAIN, "{inputs.table}", "{outputs.model}", "{scale}"],
     "parameters": [{"name": "scale", "type": "float", "default": 1.0}],
     "inputs": [{"name": "table", "type": "file"}], "outputs": [{"name": "model", "type": "dir"}]},
    {"name": "evaluate", "kind": "evaluate",
     "command": ["python3", "-c", EVALUATE, "{inputs.table}", "{inputs.model}", "{outputs.report}"],
     "inputs": [{"name": "table"}, {"name": "model", "type": "dir"}], "outputs": [{"name": "report"}]},
    {"name": "boom", "kind": "custom", "command": ["python3", "-c", "import sys; print('failing on purpose'); sys.exit(3)", "{inputs.table}"],
     "inputs": [{"name": "table"}], "outputs": [{"name": "table"}]},
    {"name": "forgetful", "command": ["python3", "-c", "print('writes nothing')"], "outputs": [{"name": "table"}]},
    {"name": "count", "kind": "preprocess", "command": ["python3", "-c", COUNT, "{inputs.rows}", "{outputs.n}"],
     "inputs": [{"name": "rows", "type": "dir"}], "outputs": [{"name": "n"}]},
    {"name": "sleeper", "command": ["python3", "-c", "import time; time.sleep(60)"], "outputs": [{"name": "table"}]},
]

THREE_STEPS = {
    "name": "linear", "description": "prep -> train -> evaluate",
    "parameters": [{"name": "rows", "type": "int", "default": 20}, {"name": "scale", "type": "float", "default": 1.0}],
    "steps": [
        {"name": "evaluate", "component": "evaluate", "inputs": {"table": "prep.outputs.table", "model": "train.outputs.model"}},
        {"name": "train", "component": "train@1", "params": {"scale": "{{pipeline.params.scale}}"},
         "inputs": {"table": {"step": "prep", "output": "table"}}},
        {"name": "prep", "component": "prep@latest", "params": {"rows": "{{pipeline.params.rows}}"}},
    ],
}


def csv_bytes(rows):
    return ("x,y\n" + "".join("%d,%d\n" % (i, 2 * i + 1) for i in range(rows))).encode()


@pytest.fixture(scope="module")
def env():
    server = Server(extra_args=["--workers", "2"]).start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "pipes"})
    for name, role in (("dev", "model-developer"), ("look", "viewer")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        admin.ok("PUT", f"/api/v1/projects/pipes/members/{name}", json={"role": role})
    dev = server.client(server.login("dev", "dev-password-1"))
    look = server.client(server.login("look", "look-password-1"))
    for c in COMPONENTS:
        assert dev.ok("POST", f"{P}/components", json=c)["created"]
    yield server, dev, look
    server.cleanup()


def wait_run(c, run_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = c.ok("GET", f"/api/v1/pipeline-runs/{run_id}")["run"]
        if run["state"] != "running":
            return run
        time.sleep(0.3)
    raise AssertionError(f"pipeline run {run_id} still running: {run}")


def job_count(c):
    return len(c.ok("GET", f"{P}/jobs", params={"limit": 1000})["jobs"])


def steps_of(run):
    return {s["name"]: s for s in run["steps"]}


def start(c, pipeline, **body):
    return c.ok("POST", f"{P}/pipelines/{pipeline}/runs", json=body)["run"]


def job_log(c, job_id):
    return "".join(ch["text"] for ch in c.ok("GET", f"/api/v1/jobs/{job_id}/logs")["chunks"])


def test_three_steps_run_pass_outputs_and_cache(env):
    server, dev, look = env
    saved = dev.ok("POST", f"{P}/pipelines", json=THREE_STEPS)
    assert saved["created"] and saved["pipeline"]["version"] == 1
    # Steps come back in topological order.
    assert [s["name"] for s in saved["pipeline"]["definition"]["steps"]] == ["prep", "train", "evaluate"]

    jobs_before = job_count(dev)
    first = start(dev, "linear", parameters={"rows": 12})
    assert first["state"] == "running" and first["params"] == {"rows": 12, "scale": 1.0}
    run = wait_run(look, first["id"])
    steps = steps_of(run)
    assert run["state"] == "succeeded", [(s["name"], s["state"], s["error"]) for s in run["steps"]]
    assert [s["state"] for s in run["steps"]] == ["succeeded"] * 3
    assert job_count(dev) == jobs_before + 3
    # The CSV went from prep to train and evaluate as content-hashed blobs.
    table = steps["prep"]["outputs"]["table"]
    assert table["sha256"] == hashlib.sha256(csv_bytes(12)).hexdigest() and table["size"] == len(csv_bytes(12))
    assert steps["train"]["inputs"]["table"]["sha256"] == table["sha256"]
    assert steps["evaluate"]["inputs"]["table"]["sha256"] == table["sha256"]
    model = steps["train"]["outputs"]["model"]
    assert model["type"] == "dir" and sorted(f["path"] for f in model["files"]) == ["extra/n.txt", "model.json"]
    assert steps["evaluate"]["inputs"]["model"]["sha256"] == model["sha256"]
    assert steps["train"]["command"][-1] == "1.0" and steps["train"]["command"][-3:-1] == ["inputs/table", "outputs/model"]
    # The evaluate step logged its metric to its own run, a child of the pipeline's run.
    ev = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": steps["evaluate"]["run_id"]})["run"]
    metrics = {m["key"]: m["value"] for m in ev["data"]["metrics"]}
    assert metrics["mse"] < 1e-9
    tags = {t["key"]: t["value"] for t in ev["data"]["tags"]}
    assert tags["mlflow.parentRunId"] == run["run_id"] and tags["moebius.pipeline_step"] == "evaluate"
    assert ev["info"]["status"] == "FINISHED"
    parent = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run["run_id"]})["run"]
    assert parent["info"]["status"] == "FINISHED"
    assert {p["key"]: p["value"] for p in parent["data"]["params"]} == {"rows": "12", "scale": "1.0"}
    assert "mse" in job_log(dev, steps["evaluate"]["job_id"])

    # Same parameters: every step is served from the cache and no job is queued.
    again = wait_run(dev, start(dev, "linear", parameters={"rows": 12})["id"])
    assert again["state"] == "succeeded" and [s["state"] for s in again["steps"]] == ["cached"] * 3
    assert job_count(dev) == jobs_before + 3
    for s in again["steps"]:
        assert s["job_id"] is None and s["cached_from"] == f"{first['id']}/{s['name']}"
        assert s["outputs"] == steps[s["name"]]["outputs"] and s["run_id"] == steps[s["name"]]["run_id"]

    # A new scale reaches train and evaluate only.
    changed = wait_run(dev, start(dev, "linear", parameters={"rows": 12, "scale": 0.5})["id"])
    states = {s["name"]: s["state"] for s in changed["steps"]}
    assert states == {"prep": "cached", "train": "succeeded", "evaluate": "succeeded"}, changed
    assert job_count(dev) == jobs_before + 5
    ev2 = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": steps_of(changed)["evaluate"]["run_id"]})["run"]
    assert {m["key"]: m["value"] for m in ev2["data"]["metrics"]}["mse"] > 1

    # cache: false runs everything again.
    fresh = wait_run(dev, start(dev, "linear", parameters={"rows": 12}, cache=False)["id"])
    assert [s["state"] for s in fresh["steps"]] == ["succeeded"] * 3 and job_count(dev) == jobs_before + 8

    listed = look.ok("GET", f"{P}/pipelines/linear/runs")["runs"]
    assert [r["id"] for r in listed][:4] == [fresh["id"], changed["id"], again["id"], first["id"]]
    assert look.ok("GET", f"{P}/pipeline-runs")["runs"][0]["id"] == fresh["id"]


def test_a_failing_step_fails_the_run_and_skips_dependents(env):
    server, dev, look = env
    dev.ok("POST", f"{P}/pipelines", json={"name": "breaks", "steps": [
        {"name": "prep", "component": "prep", "params": {"rows": 3}},
        {"name": "boom", "component": "boom", "inputs": {"table": "prep.outputs.table"}},
        {"name": "train", "component": "train", "inputs": {"table": "boom.outputs.table"}},
        {"name": "side", "component": "train", "inputs": {"table": "prep.outputs.table"}},
    ]})
    run = wait_run(dev, start(dev, "breaks")["id"])
    states = {s["name"]: s["state"] for s in run["steps"]}
    assert run["state"] == "failed" and states == {"prep": "succeeded", "boom": "failed", "train": "skipped", "side": "succeeded"}, run
    boom = steps_of(run)["boom"]
    assert "exited with status 3" in boom["error"] and "step 'boom' failed" in run["error"]
    assert "failing on purpose" in job_log(dev, boom["job_id"])
    assert steps_of(run)["train"]["job_id"] is None
    parent = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run["run_id"]})["run"]
    assert parent["info"]["status"] == "FAILED"

    # A step that exits 0 without writing its declared output fails too.
    dev.ok("POST", f"{P}/pipelines", json={"name": "forgets", "steps": [{"name": "f", "component": "forgetful"}]})
    run = wait_run(dev, start(dev, "forgets")["id"])
    f = steps_of(run)["f"]
    assert run["state"] == "failed" and f["state"] == "failed", run
    assert "did not write outputs/table" in job_log(dev, f["job_id"])
    # A failed step is not cached: the next run runs it again.
    again = wait_run(dev, start(dev, "forgets")["id"])
    assert steps_of(again)["f"]["job_id"] not in (None, f["job_id"])


def test_cancel_stops_running_steps_and_skips_the_rest(env):
    server, dev, look = env
    dev.ok("POST", f"{P}/pipelines", json={"name": "slow", "steps": [
        {"name": "nap", "component": "sleeper"},
        {"name": "after", "component": "train", "inputs": {"table": "nap.outputs.table"}},
    ]})
    run = start(dev, "slow")
    deadline = time.time() + 30
    while steps_of(dev.ok("GET", f"/api/v1/pipeline-runs/{run['id']}")["run"])["nap"]["state"] != "running":
        assert time.time() < deadline
        time.sleep(0.2)
    r = look.post(f"/api/v1/pipeline-runs/{run['id']}/cancel")
    assert r.status_code == 403
    cancelled = dev.ok("POST", f"/api/v1/pipeline-runs/{run['id']}/cancel")["run"]
    assert cancelled["state"] == "cancelled"
    states = {s["name"]: s["state"] for s in cancelled["steps"]}
    assert states == {"nap": "cancelled", "after": "skipped"}
    job_id = steps_of(cancelled)["nap"]["job_id"]
    deadline = time.time() + 20
    while dev.ok("GET", f"/api/v1/jobs/{job_id}")["job"]["state"] == "running":
        assert time.time() < deadline, "the step's job was not stopped"
        time.sleep(0.3)
    assert dev.ok("GET", f"/api/v1/jobs/{job_id}")["job"]["state"] == "cancelled"
    assert dev.post(f"/api/v1/pipeline-runs/{run['id']}/cancel").status_code == 400


def test_versions_follow_content(env):
    server, dev, look = env
    c = {"name": "ver", "command": ["echo", "{n}"], "parameters": [{"name": "n", "type": "int", "default": 1}]}
    first = dev.ok("POST", f"{P}/components", json=c)
    same = dev.ok("POST", f"{P}/components", json=c)
    assert first["created"] and not same["created"] and same["component"]["version"] == 1
    c["parameters"][0]["default"] = 2
    second = dev.ok("PUT", f"{P}/components/ver", json=c)
    assert second["created"] and second["component"]["version"] == 2 and second["component"]["hash"] != first["component"]["hash"]
    shown = look.ok("GET", f"{P}/components/ver")
    assert shown["component"]["version"] == 2 and [v["version"] for v in shown["versions"]] == [2, 1]
    assert look.ok("GET", f"{P}/components/ver/versions/1")["component"]["definition"]["parameters"][0]["default"] == 1
    assert "ver" in [x["name"] for x in look.ok("GET", f"{P}/components")["components"]]
    assert look.request("POST", f"{P}/components", json=c).status_code == 403
    dev.ok("DELETE", f"{P}/components/ver")
    assert look.get(f"{P}/components/ver").status_code == 404
    # Numbering continues after a delete: ver@1 never names two definitions.
    assert dev.ok("POST", f"{P}/components", json=c)["component"]["version"] == 3


BAD_COMPONENTS = [
    ({"name": "b", "command": ["echo", "{nope}"]}, "unknown placeholder {nope}"),
    ({"name": "b", "command": ["echo", "{outputs.x}"]}, "unknown placeholder {outputs.x}"),
    ({"name": "b", "command": ["echo"], "parameters": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}, "duplicate name 'a'"),
    ({"name": "b", "command": ["echo"], "parameters": [{"name": "a", "type": "int", "default": "x"}]}, "must be an integer"),
    ({"name": "b", "command": ["echo"], "parameters": [{"name": "a", "type": "matrix"}]}, "type must be one of"),
    ({"name": "b", "command": ["echo"], "outputs": [{"name": "o", "type": "socket"}]}, "type must be \"file\" or \"dir\""),
    ({"name": "b", "command": []}, "non-empty list"),
    ({"name": "b", "kind": "deploy", "command": ["echo"]}, "kind 'deploy'"),
    ({"name": "../b", "command": ["echo"]}, "component name"),
    ({"name": "b", "command": ["echo"], "colour": "red"}, "unknown field 'colour'"),
    ([1, 2], "must be a JSON object"),
]


@pytest.mark.parametrize("body,message", BAD_COMPONENTS)
def test_bad_components_are_400s(env, body, message):
    server, dev, look = env
    r = dev.post(f"{P}/components", json=body)
    assert r.status_code == 400 and message in r.json()["message"], r.text


BAD_PIPELINES = [
    ({"name": "x", "steps": [{"name": "a", "component": "prep", "after": ["b"]}, {"name": "b", "component": "prep", "after": ["a"]}]},
     "the steps form a cycle"),
    ({"name": "x", "steps": [{"name": "a", "component": "ghost"}]}, "unknown component 'ghost'"),
    ({"name": "x", "steps": [{"name": "a", "component": "prep@9"}]}, "unknown component 'prep@9'"),
    ({"name": "x", "steps": [{"name": "t", "component": "train"}]}, "required input 'table' of component 'train' is not wired"),
    ({"name": "x", "steps": [{"name": "t", "component": "train", "inputs": {"table": "nowhere.outputs.table"}}]}, "unknown step 'nowhere'"),
    ({"name": "x", "steps": [{"name": "p", "component": "prep"}, {"name": "t", "component": "train", "inputs": {"table": "p.outputs.model"}}]},
     "has no output 'model'"),
    ({"name": "x", "steps": [{"name": "r", "component": "train", "inputs": {"table": "q.outputs.model"}},
                             {"name": "q", "component": "train", "inputs": {"table": "p.outputs.table"}},
                             {"name": "p", "component": "prep"}]}, "is a file but q.outputs.model is a dir"),
    ({"name": "x", "steps": [{"name": "p", "component": "prep", "params": {"rows": "many"}}]}, "must be an integer"),
    ({"name": "x", "steps": [{"name": "p", "component": "prep", "params": {"cols": 1}}]}, "'cols' is not a parameter"),
    ({"name": "x", "steps": [{"name": "p", "component": "prep", "params": {"rows": "{{pipeline.params.nope}}"}}]}, "unknown pipeline parameter 'nope'"),
    ({"name": "x", "steps": [{"name": "p", "component": "prep"}, {"name": "p", "component": "prep"}]}, "duplicate step name 'p'"),
    ({"name": "x", "steps": [{"name": "c", "component": "count", "inputs": {"rows": {"dataset": "ghost", "version": 1}}}]},
     "step 'c': input 'rows': data version ghost@v1 does not exist in the project"),
    ({"name": "x", "steps": [{"name": "t", "component": "train", "inputs": {"table": {"dataset": "d", "version": 1}}}]},
     "step 't': input 'table' is a file but a data version is a folder"),
    ({"name": "x", "steps": []}, "non-empty list"),
]


@pytest.mark.parametrize("body,message", BAD_PIPELINES)
def test_bad_pipelines_are_400s(env, body, message):
    server, dev, look = env
    r = dev.post(f"{P}/pipelines", json=body)
    assert r.status_code == 400 and message in r.json()["message"], r.text


def test_bad_runs_are_400s_and_queue_nothing(env):
    server, dev, look = env
    dev.ok("POST", f"{P}/pipelines", json={"name": "typed", "parameters": [{"name": "rows", "type": "int"}],
                                           "steps": [{"name": "p", "component": "prep", "params": {"rows": "{{pipeline.params.rows}}"}}]})
    before = job_count(dev)
    for body, message in (({}, "pipeline parameter 'rows' is required"),
                          ({"parameters": {"rows": "ten"}}, "must be an integer"),
                          ({"parameters": {"rows": 1, "cols": 2}}, "unknown pipeline parameter 'cols'"),
                          ({"parameters": {"rows": 1}, "speed": 3}, "unknown field 'speed'"),
                          ({"parameters": {"rows": 1}, "version": 7}, "has no version 7")):
        r = dev.post(f"{P}/pipelines/typed/runs", json=body)
        assert r.status_code in (400, 404) and message in r.json()["message"], r.text
    assert dev.post(f"{P}/pipelines/nothing/runs", json={}).status_code == 404
    assert dev.get("/api/v1/pipeline-runs/999999").status_code == 404
    assert dev.get("/api/v1/pipeline-runs/abc").status_code == 400
    assert job_count(dev) == before
    assert look.post(f"{P}/pipelines/typed/runs", json={"parameters": {"rows": 1}}).status_code == 403


@pytest.mark.parametrize("crash_window", [False, True])
def test_a_run_survives_a_server_restart(crash_window):
    # No workers at first: the first step's job waits in the queue while the server stops.
    # crash_window: the server stopped after queueing the step's job but before recording it on
    # the step (the state is made in meta.db); the restart must take that job up, not queue another.
    first = Server(extra_args=["--workers", "0"]).start()
    second = None
    try:
        admin = first.client(first.login("admin", first.admin_password()))
        admin.ok("POST", "/api/v1/projects", json={"name": "restart"})
        for c in COMPONENTS[:2]:
            admin.ok("POST", "/api/v1/projects/restart/components", json=c)
        admin.ok("POST", "/api/v1/projects/restart/pipelines", json={"name": "two", "steps": [
            {"name": "prep", "component": "prep", "params": {"rows": 4}},
            {"name": "train", "component": "train", "inputs": {"table": "prep.outputs.table"}}]})
        run = admin.ok("POST", "/api/v1/projects/restart/pipelines/two/runs", json={})["run"]
        assert [s["state"] for s in run["steps"]] == ["queued", "pending"]
        first.stop()
        if crash_window:
            db = sqlite3.connect(os.path.join(first.data_dir, "meta.db"))
            n = db.execute("UPDATE pipeline_steps SET state = 'pending', job_id = NULL, run_id = '' "
                           "WHERE pipeline_run_id = ? AND name = 'prep'", (run["id"],)).rowcount
            db.commit()
            db.close()
            assert n == 1
        second = Server(data_dir=first.data_dir, extra_args=["--workers", "1"]).start()
        admin = second.client(second.login("admin", second.admin_password()))
        done = wait_run(admin, run["id"])
        assert done["state"] == "succeeded" and [s["state"] for s in done["steps"]] == ["succeeded", "succeeded"], done
        assert steps_of(done)["prep"]["job_id"] == run["steps"][0]["job_id"], "the queued job was not queued twice"
        prep_jobs = [j for j in admin.ok("GET", "/api/v1/projects/restart/jobs")["jobs"] if j["name"].endswith("/prep")]
        assert len(prep_jobs) == 1 and prep_jobs[0]["dedup_key"] == f"pipeline:{run['id']}:prep", prep_jobs
        assert steps_of(done)["prep"]["run_id"] == prep_jobs[0]["run_id"]
    finally:
        (second or first).cleanup()


def test_a_step_reads_a_data_version_and_caches_per_version(env):
    server, dev, look = env
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", f"{P}/datasets", json={"name": "points", "domain": "tabular"})
    r = upload(admin, "pipes", "points", csv_bytes(5), "file", "points.csv")
    assert r.status_code == 200, r.text
    admin.ok("POST", f"{P}/datasets/points/versions", json={"rounds": [1]})
    # The version must exist when the pipeline is saved.
    bad = dev.post(f"{P}/pipelines", json={"name": "counted", "steps": [
        {"name": "count", "component": "count", "inputs": {"rows": {"dataset": "points", "version": 2}}}]})
    assert bad.status_code == 400 and "step 'count': input 'rows': data version points@v2 does not exist" in bad.json()["message"], bad.text

    dev.ok("POST", f"{P}/pipelines", json={"name": "counted", "steps": [
        {"name": "count", "component": "count", "inputs": {"rows": {"dataset": "points", "version": 1}}}]})
    jobs_before = job_count(dev)
    run = wait_run(dev, start(dev, "counted")["id"])
    step = steps_of(run)["count"]
    assert run["state"] == "succeeded", (step["state"], step["error"])
    assert step["inputs"]["rows"]["from"] == "points@v1" and step["inputs"]["rows"]["type"] == "dataset"
    assert step["outputs"]["n"]["sha256"] == hashlib.sha256(b"5").hexdigest()
    job = dev.ok("GET", f"/api/v1/jobs/{step['job_id']}")["job"]
    assert job["payload"]["data"] == [{"dataset": "points", "version": 1, "path": "inputs/rows"}]
    assert "files ['points.csv'] rows 5" in job_log(dev, step["job_id"])
    assert job_count(dev) == jobs_before + 1
    # The step's run records the version it read (data lineage), as a submitted job's run does.
    step_run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": step["run_id"]})["run"]
    inputs = step_run["inputs"]["moebius_inputs"]
    assert [(i["kind"], i["ref"], i["detail"]["path"]) for i in inputs] == [("dataset_version", "pipes/points@v1", "inputs/rows")], inputs

    # The same version: served from the cache.
    again = wait_run(dev, start(dev, "counted")["id"])
    assert [s["state"] for s in again["steps"]] == ["cached"] and job_count(dev) == jobs_before + 1
    assert again["steps"][0]["cache_key"] == step["cache_key"]

    # A new version (another CSV added) changes the cache key and re-runs the step.
    r = upload(admin, "pipes", "points", csv_bytes(3), "file", "more.csv")
    assert r.status_code == 200, r.text
    admin.ok("POST", f"{P}/datasets/points/versions", json={"rounds": [1, 2]})
    dev.ok("PUT", f"{P}/pipelines/counted", json={"steps": [
        {"name": "count", "component": "count", "inputs": {"rows": {"dataset": "points", "version": 2}}}]})
    newer = wait_run(dev, start(dev, "counted")["id"])
    s2 = steps_of(newer)["count"]
    assert newer["state"] == "succeeded" and s2["state"] == "succeeded", (s2["state"], s2["error"])
    assert s2["cache_key"] != step["cache_key"] and job_count(dev) == jobs_before + 2
    assert "files ['more.csv', 'points.csv'] rows 8" in job_log(dev, s2["job_id"])
    # The older pipeline version still runs against v1, from the cache.
    old = wait_run(dev, start(dev, "counted", version=1)["id"])
    assert [s["state"] for s in old["steps"]] == ["cached"] and job_count(dev) == jobs_before + 2


GREET = "import os, sys; open(sys.argv[1], 'w').write(os.environ['GREETING'])"


def test_a_step_pins_its_environment_revision(env):
    """A step whose component names an environment runs with the revision current when the step
    was queued, pinned on its job (payload.environment_revision) as for a submitted job; a new
    revision of the environment is a new cache key, so the step runs again with it."""
    server, dev, look = env
    admin = server.client(server.login("admin", server.admin_password()))
    envs = f"{P}/environments"
    admin.ok("POST", envs, json={"name": "stepenv", "variables": [{"name": "GREETING", "value": "one"}]})
    dev.ok("POST", f"{P}/components", json={"name": "greet", "command": ["python3", "-c", GREET, "{outputs.out}"],
                                           "environment": "stepenv", "outputs": [{"name": "out"}]})
    dev.ok("POST", f"{P}/pipelines", json={"name": "greeting", "steps": [{"name": "greet", "component": "greet"}]})

    first = steps_of(wait_run(dev, start(dev, "greeting")["id"]))["greet"]
    assert first["state"] == "succeeded", first["error"]
    job = dev.ok("GET", f"/api/v1/jobs/{first['job_id']}")["job"]
    assert job["payload"]["environment"] == "stepenv" and job["payload"]["environment_revision"] == 1, job["payload"]
    assert first["outputs"]["out"]["sha256"] == hashlib.sha256(b"one").hexdigest()

    admin.ok("PUT", f"{envs}/stepenv", json={"variables": [{"name": "GREETING", "value": "two"}]})
    second = steps_of(wait_run(dev, start(dev, "greeting")["id"]))["greet"]
    assert second["state"] == "succeeded", (second["state"], second["error"])
    assert second["cache_key"] != first["cache_key"]
    job2 = dev.ok("GET", f"/api/v1/jobs/{second['job_id']}")["job"]
    assert job2["payload"]["environment_revision"] == 2
    assert second["outputs"]["out"]["sha256"] == hashlib.sha256(b"two").hexdigest()
