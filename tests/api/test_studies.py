"""Studies (EXP-5) through the API with a real server and its embedded workers: each trial is a
job running a python3 script that reads its params from the environment, logs the objective
(with intermediate steps) through the MLflow REST API into its own run and posts predictions to
the evaluations endpoint. The driver tells the study the run's metric, prunes bad trials by
cancelling their jobs, survives a restart, and bad specs are 400s that create and queue nothing."""
import json
import os
import subprocess
import time

import pytest

from moebius_server import BIN, Server

# The trial: loss = (x - 1)^2 + (0 if kind == "b" else 0.5), logged at steps 0..2 as loss + 2 - step
# (so the last value is the loss); MODE=slow-bad makes every trial but the first log large values
# slowly (for the pruner); SLEEP slows each step.
TRIAL = r"""
import json, os, time, urllib.request
uri, tok, run = os.environ["MLFLOW_TRACKING_URI"], os.environ["MLFLOW_TRACKING_TOKEN"], os.environ["MLFLOW_RUN_ID"]
params = json.loads(os.environ["MOEBIUS_PARAMS_JSON"])
def post(path, body):
    req = urllib.request.Request(uri + path, data=json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    return urllib.request.urlopen(req).read()
x = float(os.environ.get("MOEBIUS_PARAM_X", params.get("x", 0)))
loss = (x - 1) ** 2 + (0 if params.get("kind", "b") == "b" else 0.5)
if "y" in params: loss = abs(params["y"] - 3) + 0.25
bad = os.environ.get("MODE") == "slow-bad" and os.environ["MOEBIUS_TRIAL_NUMBER"] != "0"
steps = 30 if bad else 3
for step in range(steps):
    v = 100.0 + step if bad else loss + 2 - step
    post("/api/2.0/mlflow/runs/log-metric", {"run_id": run, "key": "loss", "value": v, "timestamp": int(time.time() * 1000), "step": step})
    time.sleep(float(os.environ.get("SLEEP", "0")) + (1.0 if bad else 0))
post("/api/v1/runs/" + run + "/evaluations", {"name": "eval", "problem": "regression", "y_true": [1.0, 2.0, 3.0],
                                               "y_pred": [1.0 + loss, 2.0, 3.0]})
"""


def command():
    return ["python3", "-c", TRIAL]


@pytest.fixture(scope="module")
def env():
    server = Server(extra_args=["--workers", "2"]).start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "hpo"})
    admin.ok("POST", "/api/v1/projects/hpo/experiments", json={"name": "hpo-exp"})
    for name, role in (("dev", "model-developer"), ("look", "viewer")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        admin.ok("PUT", f"/api/v1/projects/hpo/members/{name}", json={"role": role})
    clients = {n: server.client(server.login(n, f"{n}-password-1")) for n in ("dev", "look")}
    yield server, admin, clients
    server.cleanup()


def spec(name, **kw):
    body = {
        "name": name,
        "experiment": "hpo-exp",
        "objective": {"metric": "loss", "goal": "minimize"},
        "space": {"params": [{"name": "x", "type": "int", "low": 0, "high": 3},
                             {"name": "kind", "type": "categorical", "choices": ["a", "b"]}]},
        "sampler": {"type": "grid"},
        "n_trials": 8,
        "parallelism": 2,
        "trial": {"command": command(), "max_attempts": 1},
    }
    body.update(kw)
    return body


def wait_for(c, sid, states=("completed",), timeout=150):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = c.ok("GET", f"/api/v1/studies/{sid}")["study"]
        if s["state"] in states:
            return s
        time.sleep(0.5)
    raise AssertionError(f"study {sid} still {s['state']} after {timeout}s: {s}")


def run_of(c, run_id):
    return c.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]


def test_a_small_study_runs_every_trial_as_a_run_and_finds_the_best(env):
    server, admin, clients = env
    dev = clients["dev"]
    s = dev.ok("POST", "/api/v1/projects/hpo/studies", json=spec("grid"))["study"]
    assert s["state"] == "running" and s["sampler"] == "grid"
    done = wait_for(dev, s["id"])
    trials = dev.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
    assert len(trials) == 8 and all(t["state"] == "complete" for t in trials), trials
    assert {(t["params"]["x"], t["params"]["kind"]) for t in trials} == {(x, k) for x in range(4) for k in "ab"}
    for t in trials:
        run = run_of(dev, t["run_id"])
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        assert params == {"x": str(t["params"]["x"]), "kind": t["params"]["kind"]}
        metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
        want = (t["params"]["x"] - 1) ** 2 + (0 if t["params"]["kind"] == "b" else 0.5)
        assert metrics["loss"] == pytest.approx(want) and t["value"] == pytest.approx(want)
        assert [p[0] for p in t["intermediate"]] == [0, 1, 2]
        tags = {x["key"]: x["value"] for x in run["data"]["tags"]}
        assert tags["mlflow.parentRunId"] == s["parent_run_id"]
        assert run["info"]["status"] == "FINISHED"
    best = done["best_trial"]
    assert best["value"] == 0 and best["params"] == {"x": 1, "kind": "b"}
    assert done["trial_counts"]["complete"] == 8
    # The best run carries its evaluation.
    best_run = run_of(dev, best["run_id"])
    assert any(m["key"] == "eval_rmse" and m["value"] == 0 for m in best_run["data"]["metrics"])
    parent = run_of(dev, s["parent_run_id"])
    assert parent["info"]["status"] == "FINISHED"
    assert {m["key"]: m["value"] for m in parent["data"]["metrics"]}["best_loss"] == 0
    # Plots: history, importance (x matters more than kind), parallel coordinates, slice, contour.
    plots = dev.ok("GET", f"/api/v1/studies/{s['id']}/plots")["plots"]
    assert len(plots["history"]) == 8 and plots["history"][-1]["best"] == 0
    assert plots["importance"][0]["name"] == "x"
    assert len(plots["parallel"]["rows"]) == 8 and plots["parallel"]["dimensions"] == ["x", "kind", "loss"]
    assert len(plots["slice"]["x"]) == 8
    c = plots["contour"]
    assert (c["x"], c["y"]) == ("x", "kind") and len(c["z"]) == 2  # rows: kind's two choices
    assert c["y_grid"] == [0, 1]
    # An int parameter's cells are its whole numbers, not 24 fractions such as 0.13 (issue 17).
    assert c["x_grid"] == [0, 1, 2, 3] and len(c["z"][0]) == 4
    c2 = dev.ok("GET", f"/api/v1/studies/{s['id']}/plots", params={"x": "kind", "y": "x"})["plots"]["contour"]
    assert (c2["x"], c2["y"]) == ("kind", "x")
    assert dev.get(f"/api/v1/studies/{s['id']}/plots", params={"x": "nope"}).status_code == 400
    # Lists and reads for a viewer; the CLI shows the same.
    look = clients["look"]
    listed = look.ok("GET", "/api/v1/projects/hpo/studies")["studies"]
    assert any(x["id"] == s["id"] and x["best_trial"]["value"] == 0 for x in listed)
    out = subprocess.run([BIN, "study", "trials", str(s["id"]), "--server", server.url, "--token", server.login("look", "look-password-1")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.count("complete") == 8, out.stdout + out.stderr


def test_the_pruner_cancels_a_bad_trial(env):
    server, admin, clients = env
    dev = clients["dev"]
    body = spec("pruned", n_trials=2, parallelism=1, pruner={"type": "median", "n_startup_trials": 1},
                space={"params": [{"name": "x", "type": "float", "low": 0, "high": 2}]}, sampler={"type": "random", "seed": 1},
                trial={"command": command(), "env": {"MODE": "slow-bad"}, "max_attempts": 1})
    s = dev.ok("POST", "/api/v1/projects/hpo/studies", json=body)["study"]
    t0 = time.time()
    wait_for(dev, s["id"], timeout=60)
    assert time.time() - t0 < 25  # the bad trial would log for 30 s
    trials = dev.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
    assert [t["state"] for t in trials] == ["complete", "pruned"]
    assert trials[1]["value"] >= 100
    deadline = time.time() + 20
    while time.time() < deadline:
        job = dev.ok("GET", f"/api/v1/jobs/{trials[1]['job_id']}")["job"]
        if job["state"] == "cancelled":
            break
        time.sleep(0.3)
    assert job["state"] == "cancelled"
    assert run_of(dev, trials[1]["run_id"])["info"]["status"] == "KILLED"


def test_automl_picks_among_algorithms_each_with_its_own_space_and_command(env):
    server, admin, clients = env
    dev = clients["dev"]
    body = spec("automl", n_trials=6, parallelism=2, sampler={"type": "random", "seed": 5})
    del body["space"]
    body["trial"] = {"max_attempts": 1}
    body["algorithms"] = [
        {"name": "quad", "space": [{"name": "x", "type": "float", "low": -2, "high": 3}], "command": command()},
        {"name": "steps", "space": [{"name": "y", "type": "int", "low": 0, "high": 6}], "command": command()},
    ]
    s = dev.ok("POST", "/api/v1/projects/hpo/studies", json=body)["study"]
    done = wait_for(dev, s["id"])
    trials = dev.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
    assert len(trials) == 6 and all(t["state"] == "complete" for t in trials)
    for t in trials:
        algo = t["params"]["algorithm"]
        run = run_of(dev, t["run_id"])
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        assert params["algorithm"] == algo
        assert set(params) == ({"algorithm", "x"} if algo == "quad" else {"algorithm", "y"})
    assert done["best_trial"]["value"] == min(t["value"] for t in trials)


def test_bad_specs_are_400s_that_create_and_queue_nothing(env):
    server, admin, clients = env
    dev, look = clients["dev"], clients["look"]
    before = len(dev.ok("GET", "/api/v1/projects/hpo/studies")["studies"])
    jobs_before = len(dev.ok("GET", "/api/v1/projects/hpo/jobs")["jobs"])
    x_float = {"name": "x", "type": "float", "low": 0, "high": 1}
    bad = [
        spec("b1", space={"params": [{"name": "x", "type": "float", "low": 1, "high": 1}]}),
        spec("b2", space={"params": [{"name": "x", "type": "int", "low": 5, "high": 2}]}),
        spec("b3", space={"params": [{"name": "x", "type": "float", "low": 0, "high": 1, "log": True}]}),
        spec("b4", sampler={"type": "bayesian"}),
        spec("b5", pruner={"type": "hyperband"}),
        spec("b6", sampler={"type": "cmaes"}, space={"params": [{"name": "c", "type": "categorical", "choices": [1, 2]}]}),
        spec("b7", n_trials=0),
        spec("b8", objective={"goal": "minimize"}),
        spec("b9", experiment=""),
        spec("b10", space={"params": [x_float]}, algorithms=[{"name": "a", "command": ["true"]}]),
        {**spec("b11"), "algorithms": [{"name": "mystery"}], "trial": {}, "space": None},
        spec("b12", warm_start_from=999999),
        spec("b13", parallelism=0),
        spec("b14", sampler={"type": "tpe_cmaes"}, space={"params": [{"name": "c", "type": "categorical", "choices": [1, 2]}]}),
        spec("b15", sampler={"type": "tpe_cmaes", "sigma0": 1}),
        spec("b16", sampler={"type": "tpe_cmaes", "top_fraction": 0}),
    ]
    del bad[10]["space"]
    for body in bad:
        r = dev.post("/api/v1/projects/hpo/studies", json=body)
        assert r.status_code == 400, (body["name"], r.status_code, r.text)
    assert "unknown algorithm" in dev.post("/api/v1/projects/hpo/studies", json=bad[10]).json()["message"]
    # Permissions: a viewer reads but does not start or stop studies.
    assert look.post("/api/v1/projects/hpo/studies", json=spec("viewer-made")).status_code == 403
    assert dev.ok("GET", "/api/v1/projects/hpo/studies")["studies"].__len__() == before
    assert len(dev.ok("GET", "/api/v1/projects/hpo/jobs")["jobs"]) == jobs_before
    assert dev.get("/api/v1/studies/999999").status_code == 404
    assert dev.get("/api/v1/studies/abc").status_code == 400


def test_study_create_makes_a_missing_experiment(env, tmp_path):
    """Issue 17: `study create` creates an experiment the project lacks, as `job submit
    --experiment` does; a refused spec creates none."""
    server, admin, clients = env
    dev = clients["dev"]
    names = lambda: {e["name"] for e in dev.ok("GET", "/api/v1/projects/hpo/experiments")["experiments"]}  # noqa: E731
    bad = dev.post("/api/v1/projects/hpo/studies", json=spec("no-exp-bad", experiment="made-by-a-refused-study", n_trials=0))
    assert bad.status_code == 400 and "made-by-a-refused-study" not in names()
    body = spec("made-exp", experiment="made-by-the-cli", n_trials=1, parallelism=1)
    path = tmp_path / "study.json"
    path.write_text(json.dumps({**body, "project": "hpo"}))
    out = subprocess.run([BIN, "study", "create", "--file", str(path), "--server", server.url, "--token", server.login("dev", "dev-password-1")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "created study" in out.stdout, out.stdout + out.stderr
    assert "made-by-the-cli" in names()
    s = next(x for x in dev.ok("GET", "/api/v1/projects/hpo/studies")["studies"] if x["name"] == "made-exp")
    exp = next(e for e in dev.ok("GET", "/api/v1/projects/hpo/experiments")["experiments"] if e["name"] == "made-by-the-cli")
    assert str(s["experiment_id"]) == str(exp["experiment_id"])
    wait_for(dev, s["id"], states=("completed", "failed"))


def test_stop_cancels_running_trials(env):
    server, admin, clients = env
    dev, look = clients["dev"], clients["look"]
    body = spec("stopped", n_trials=20, parallelism=1, trial={"command": command(), "env": {"SLEEP": "2"}, "max_attempts": 1})
    s = dev.ok("POST", "/api/v1/projects/hpo/studies", json=body)["study"]
    time.sleep(1.5)
    assert look.post(f"/api/v1/studies/{s['id']}/stop").status_code == 403
    stopped = dev.ok("POST", f"/api/v1/studies/{s['id']}/stop")["study"]
    assert stopped["state"] == "stopped"
    time.sleep(2)
    trials = dev.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
    assert len(trials) <= 2 and all(t["state"] != "running" for t in trials)


def test_a_restarted_server_keeps_the_study_and_finishes_it():
    server = Server(extra_args=["--workers", "1"]).start()
    try:
        admin = server.client(server.login("admin", server.admin_password()))
        admin.ok("POST", "/api/v1/projects", json={"name": "hpo"})
        admin.ok("POST", "/api/v1/projects/hpo/experiments", json={"name": "hpo-exp"})
        body = spec("restart", n_trials=3, parallelism=1, trial={"command": command(), "env": {"SLEEP": "0.5"}, "max_attempts": 3})
        s = admin.ok("POST", "/api/v1/projects/hpo/studies", json=body)["study"]
        deadline = time.time() + 60
        while time.time() < deadline:
            trials = admin.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
            if any(t["state"] == "complete" for t in trials):
                break
            time.sleep(0.3)
        server.stop()
        server.start()
        admin = server.client(server.login("admin", server.admin_password()))
        done = wait_for(admin, s["id"], timeout=150)  # an interrupted trial's job is retried once its lease runs out
        trials = admin.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
        assert len(trials) == 3 and all(t["state"] == "complete" for t in trials), trials
        assert done["best_trial"]["value"] == min(t["value"] for t in trials)
    finally:
        server.cleanup()
