"""AutoML with built-in trainers by name: a study whose algorithms are `xgboost` and
`xgboost_rf` (no commands) runs each trial as `moebius train xgboost` on the study's data
version, and the best trial is chosen by the trainer's `valid_score` across algorithms.

Run: MOEBIUS_BIN=build/moebius python3 -m pytest tests/train/test_automl_builtin.py
"""
import os
import subprocess
import sys

import pandas as pd
import pytest
from sklearn.datasets import make_classification

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402
from test_train_xgboost import dataset  # noqa: E402
from trainhelpers import wait_study  # noqa: E402

ML = "/api/2.0/mlflow/"


@pytest.fixture(scope="module")
def env():
    server = Server(extra_args=["--workers", "2"]).start()
    token = server.login("admin", server.admin_password())
    admin = server.client(token)
    server.token = token
    admin.ok("POST", "/api/v1/projects", json={"name": "ml"})
    admin.ok("POST", "/api/v1/projects/ml/experiments", json={"name": "automl-exp"})
    X, y = make_classification(n_samples=600, n_features=6, n_informative=4, random_state=11)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    df["y"] = y
    dataset(admin, "clf", df, "y")
    yield server, admin
    server.cleanup()


def study_body(**kw):
    body = {
        "name": "automl",
        "experiment": "automl-exp",
        "objective": {"metric": "valid_score", "goal": "minimize"},
        "algorithms": [
            {"name": "gbdt", "trainer": "xgboost", "args": {"label": "y", "rounds": 30, "early_stopping": 5},
             "space": [{"name": "eta", "type": "float", "low": 0.05, "high": 0.5, "log": True},
                       {"name": "max_depth", "type": "int", "low": 2, "high": 5}]},
            {"name": "forest", "trainer": "xgboost_rf", "args": {"label": "y"}},
        ],
        "sampler": {"type": "random", "seed": 3},
        "n_trials": 4,
        "parallelism": 2,
        "trial": {"data": [{"dataset": "clf", "version": 2}], "resources": {"cpus": 1}, "max_attempts": 1},
    }
    body.update(kw)
    return body


def test_built_in_trainers_are_automl_algorithms(env):
    server, admin = env
    s = admin.ok("POST", "/api/v1/projects/ml/studies", json=study_body())["study"]
    done = wait_study(admin, s["id"])
    trials = admin.ok("GET", f"/api/v1/studies/{s['id']}/trials")["trials"]
    assert len(trials) == 4
    assert all(t["state"] == "complete" for t in trials), [(t["state"], t["error"]) for t in trials]
    for t in trials:
        run = admin.ok("GET", ML + "runs/get", params={"run_id": t["run_id"]})["run"]
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
        tags = {x["key"]: x["value"] for x in run["data"]["tags"]}
        assert run["info"]["status"] == "FINISHED"
        assert tags["moebius.trainer"] == "xgboost"
        assert params["trainer"] == "xgboost" and params["label"] == "y"
        # the trial's value is what the trainer logged as valid_score
        assert t["value"] == pytest.approx(metrics["valid_score"])
        assert "test_accuracy" in metrics  # the trainer's test evaluation was stored
        if t["params"]["algorithm"] == "gbdt":
            assert params["mode"] == "boosting"
            assert float(params["xgb.eta"]) == pytest.approx(t["params"]["gbdt.eta"], rel=1e-6)
            assert params["xgb.max_depth"] == str(t["params"]["gbdt.max_depth"])
        else:
            assert params["mode"] == "random_forest"
        # the data version is materialized through payload.data
        job = admin.ok("GET", f"/api/v1/jobs/{t['job_id']}")["job"]
        assert job["payload"]["data"] == [{"dataset": "clf", "version": 2, "path": "data/clf"}]
    best = min(trials, key=lambda t: t["value"])
    assert done["best_trial"]["number"] == best["number"]


def test_built_in_trainer_mistakes_are_400_and_create_nothing(env):
    server, admin = env
    before = admin.ok("GET", "/api/v1/projects/ml/studies")["studies"]
    cases = [
        ({"algorithms": [{"name": "a", "trainer": "lightgbm", "args": {"label": "y"}}]}, "unknown trainer 'lightgbm'"),
        ({"algorithms": [{"name": "a", "trainer": "xgboost", "args": {}}]}, "args.label is required"),
        ({"algorithms": [{"name": "a", "trainer": "xgboost", "args": {"label": "y"},
                          "space": [{"name": "max_dept", "type": "int", "low": 2, "high": 4}]}]}, "max_dept"),
        ({"trial": {"data": [{"dataset": "clf", "version": 9}]}}, "trial.data[0].version"),
        ({"trial": {"data": [{"dataset": "nope", "version": 1}]}}, "trial.data[0].dataset"),
    ]
    for edit, words in cases:
        r = admin.request("POST", "/api/v1/projects/ml/studies", json=study_body(name="bad", **edit))
        assert r.status_code == 400, (edit, r.status_code, r.text)
        assert words in r.json()["message"], (words, r.text)
    assert admin.ok("GET", "/api/v1/projects/ml/studies")["studies"] == before


def test_the_cli_lists_the_trainers_and_their_default_spaces(env):
    server, admin = env
    r = subprocess.run([BIN, "study", "trainers"], env=dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=server.token),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    api = admin.ok("GET", "/api/v1/trainers")["trainers"]
    names = [t["name"] for t in api]
    assert names[:4] == ["xgboost", "xgboost_dart", "xgboost_rf", "xgboost_linear"] and {"image", "text"} <= set(names), names
    assert all("data" in t["args"] for t in api)
    for t in api:
        assert t["name"] in r.stdout
        assert " ".join(p["name"] for p in t["space"]) in r.stdout
