"""The built-in tabular trainer (issue 4 items 4 and 9): `moebius train xgboost` on a split
version made through the API, run as a job of the embedded worker (a leading "moebius" runs the
server's own binary). Its run holds params, per-iteration metrics, artifacts (model, transform,
signature, explanations) and the test evaluation; the evaluation equals scikit-learn on the
predictions of python3-xgboost loading our saved model; the same seed gives the same model;
bad input fails with a clear message and a non-zero exit.

The main job test gets its data through payload.data (the version materialized in the job's
directory) and its run through `experiment` (the worker sets MLFLOW_RUN_ID); the other tests run
the command directly on a `moebius data checkout` folder."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from sklearn import metrics as skm
from sklearn.datasets import make_classification, make_regression

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402
sys.path.insert(0, os.path.dirname(__file__))
from trainhelpers import job_log, wait_job  # noqa: E402

P = "/api/v1/projects/ml/datasets"
ML = "/api/2.0/mlflow/"
FEATURES = ["f0", "f1", "f2", "f3", "f4", "f5"]


def upload_csv(admin, ds, df, name):
    base = f"{P}/{ds}"
    up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"{base}/uploads/{up}/parts/1", data=df.to_csv(index=False).encode())
    admin.ok("POST", f"{base}/uploads/{up}/complete", json={"format": "file", "filename": name})


def dataset(admin, name, df, split_label):
    admin.ok("POST", P, json={"name": name, "domain": "tabular"})
    upload_csv(admin, name, df, name + ".csv")
    admin.ok("POST", f"{P}/{name}/versions", json={"status": "raw", "rounds": [1]})
    spec = {"method": "stratified", "ratios": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 5, "label": split_label}
    if split_label is None:
        spec = {"method": "random", "ratios": {"train": 0.7, "val": 0.15, "test": 0.15}, "seed": 5}
    return admin.ok("POST", f"{P}/{name}/versions", json={"status": "split", "from_version": "v1", "split": spec})["version"]


def checkout(env, ref, into):
    r = subprocess.run([BIN, "data", "checkout", ref, str(into)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return str(into)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    server = Server(extra_args=["--workers", "1"]).start()
    token = server.login("admin", server.admin_password())
    admin = server.client(token)
    admin.ok("POST", "/api/v1/projects", json={"name": "ml"})
    X, y = make_classification(n_samples=800, n_features=6, n_informative=4, random_state=3)
    clf = pd.DataFrame(X, columns=FEATURES)
    clf["region"] = np.array(["north", "south", "east"])[np.arange(800) % 3]
    clf["y"] = y
    dataset(admin, "clf", clf, "y")
    Xr, yr = make_regression(n_samples=500, n_features=6, noise=5.0, random_state=4)
    reg = pd.DataFrame(Xr, columns=FEATURES)
    reg["target"] = yr
    reg["name"] = "r" + pd.Series(range(500)).astype(str)
    dataset(admin, "reg", reg, None)
    one = clf.copy()
    one["y"] = 1
    dataset(admin, "one", one, None)
    cli_env = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token)
    tmp = tmp_path_factory.mktemp("train")
    dirs = {
        "clf": checkout(cli_env, "ml/clf@v2", tmp / "clf"),
        "clf_raw": checkout(cli_env, "ml/clf@v1", tmp / "clf_raw"),
        "reg": checkout(cli_env, "ml/reg@v2", tmp / "reg"),
        "one": checkout(cli_env, "ml/one@v2", tmp / "one"),
    }
    yield server, admin, dirs, tmp
    server.cleanup()


def train_direct(args, out=None):
    """Runs the trainer as a plain process with no tracking server (artifacts to --out)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    cmd = [BIN, "train", "xgboost", "--threads", "2", "--perf-calls", "100", *args]
    if out:
        cmd += ["--out", str(out)]
    return subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=300)


def submit(admin, command):
    return admin.ok("POST", "/api/v1/projects/ml/jobs", json={"payload": {"command": command}})["job"]["id"]


def test_a_job_trains_logs_the_run_and_its_evaluation_equals_sklearn(env):
    server, admin, dirs, tmp = env
    command = ["moebius", "train", "xgboost", "--data", "data/clf", "--label", "y", "--task", "binary",
               "--features", ",".join(FEATURES), "--rounds", "40", "--early-stopping", "5", "--seed", "7",
               "--params", json.dumps({"max_depth": 3, "eta": 0.3}), "--threads", "2", "--perf-calls", "300"]
    job = admin.ok("POST", "/api/v1/projects/ml/jobs",
                   json={"payload": {"command": command, "data": [{"dataset": "clf", "version": 2, "path": "data/clf"}]},
                         "experiment": "xgb-e2e"})["job"]
    run_id = job["run_id"]
    j = wait_job(admin, job["id"])
    log = job_log(admin, job["id"])
    assert j["state"] == "succeeded", log
    assert "created run" not in log  # the trainer logged into the job's run
    run = admin.ok("GET", ML + "runs/get", params={"run_id": run_id})["run"]
    assert run["info"]["status"] == "FINISHED"
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params["xgb.max_depth"] == "3" and params["xgb.objective"] == "binary:logistic" and params["xgb.seed"] == "7"
    assert params["task"] == "binary" and params["trainer"] == "xgboost"
    m = {x["key"]: x["value"] for x in run["data"]["metrics"]}
    for key in ("perf.latency_p50_ms", "perf.latency_p99_ms", "perf.throughput_rows_per_s", "perf.peak_rss_mb",
                "explain.shap_max_sum_error", "test_roc_auc", "test_accuracy", "best_iteration"):
        assert key in m, key
    assert m["perf.latency_p99_ms"] >= m["perf.latency_p50_ms"] > 0
    assert m["explain.shap_max_sum_error"] < 1e-3
    hist = admin.ok("GET", ML + "metrics/get-history", params={"run_id": run_id, "metric_key": "valid-logloss"})["metrics"]
    assert [h["step"] for h in hist] == list(range(int(m["rounds_trained"])))
    assert len(admin.ok("GET", ML + "metrics/get-history", params={"run_id": run_id, "metric_key": "train-logloss"})["metrics"]) == len(hist)

    files = {f["path"].split("/")[-1] for f in admin.ok("GET", f"/api/v1/runs/{run_id}/artifacts", params={"path": "model"})["files"]}
    assert {"model.json", "transform.json", "signature.json"} <= files, files
    get = lambda p: admin.get(f"/api/v1/runs/{run_id}/artifacts/content", params={"path": p}).content
    expl = json.loads(get("explanations.json"))
    assert set(expl["importance"]) >= {"weight", "gain", "cover"} and set(expl["permutation"]["importance"]) == set(FEATURES)
    sig = json.loads(get("model/signature.json"))
    assert [f["name"] for f in sig["features"]] == FEATURES and sig["output"]["classes"] == [0, 1]
    evaluation = json.loads(get("evaluations/test.json"))
    assert evaluation["problem"] == "classification"

    # python3-xgboost loads our model; sklearn on its predictions equals our stored metrics.
    booster = xgb.Booster()
    booster.load_model(bytearray(get("model/model.json")))
    df = pd.read_csv(os.path.join(dirs["clf"], "clf.csv"))
    test = df[df["split"] == "test"]
    p = booster.predict(xgb.DMatrix(test[FEATURES].to_numpy(np.float32), feature_names=FEATURES))
    y = test["y"].to_numpy()
    pred = (p >= 0.5).astype(int)
    want = {"test_roc_auc": skm.roc_auc_score(y, p), "test_accuracy": skm.accuracy_score(y, pred),
            "test_log_loss": skm.log_loss(y, p.astype(np.float64)), "test_f1": skm.f1_score(y, pred),
            "test_average_precision": skm.average_precision_score(y, p), "test_f1_macro": skm.f1_score(y, pred, average="macro")}
    for k, v in want.items():
        assert abs(m[k] - v) <= 1e-9, (k, m[k], v)
    assert m["test_roc_auc"] > 0.85


def test_the_same_seed_gives_the_same_model_and_metrics(env):
    server, admin, dirs, tmp = env
    args = ["--data", dirs["clf"], "--label", "y", "--features", ",".join(FEATURES), "--rounds", "15", "--seed", "11",
            "--params", json.dumps({"subsample": 0.8, "colsample_bytree": 0.8})]
    outs = []
    for i, seed in enumerate(("11", "11", "12")):
        a = list(args)
        a[a.index("--seed") + 1] = seed
        r = train_direct(a, tmp / f"seed{i}")
        assert r.returncode == 0, r.stderr
        outs.append(tmp / f"seed{i}")
    h = [hashlib.sha256((o / "model" / "model.json").read_bytes()).hexdigest() for o in outs]
    ev = [(o / "evaluation.json").read_text() for o in outs]
    assert h[0] == h[1] and ev[0] == ev[1]
    assert h[0] != h[2]
    assert json.loads((outs[0] / "explanations.json").read_text()) == json.loads((outs[1] / "explanations.json").read_text())


def test_transform_regression_and_modes(env):
    server, admin, dirs, tmp = env
    cfg = tmp / "transform.json"
    cfg.write_text(json.dumps({"columns": [{"column": "region", "steps": [{"kind": "one_hot"}]},
                                           {"column": "f0", "steps": [{"kind": "z_score"}]}]}))
    r = train_direct(["--data", dirs["clf"], "--label", "y", "--transform", str(cfg), "--rounds", "10", "--mode", "boosting",
                      "--booster", "dart"], tmp / "tf")
    assert r.returncode == 0, r.stderr
    spec = json.loads((tmp / "tf" / "model" / "transform.json").read_text())
    assert spec["columns"][0]["steps"][0]["kind"] == "one_hot"
    assert sorted(spec["columns"][0]["steps"][0]["vocabulary"]) == ["east", "north", "south"]
    sig = json.loads((tmp / "tf" / "model" / "signature.json").read_text())
    assert "region=north" in [f["name"] for f in sig["features"]]

    r = train_direct(["--data", dirs["clf"], "--label", "y", "--features", ",".join(FEATURES), "--mode", "random_forest",
                      "--rounds", "1", "--params", json.dumps({"num_parallel_tree": 20})], tmp / "rf")
    assert r.returncode == 0, r.stderr
    params = json.loads((tmp / "rf" / "params.json").read_text())
    assert params["xgb.num_parallel_tree"] == "20" and params["xgb.eta"] == "1"

    # Regression with gblinear; metrics equal sklearn on python3-xgboost's predictions.
    r = train_direct(["--data", dirs["reg"], "--label", "target", "--task", "regression", "--features", ",".join(FEATURES),
                      "--booster", "gblinear", "--rounds", "30"], tmp / "reg")
    assert r.returncode == 0, r.stderr
    ev = json.loads((tmp / "reg" / "evaluation.json").read_text())["metrics"]
    booster = xgb.Booster()
    booster.load_model(str(tmp / "reg" / "model" / "model.json"))
    df = pd.read_csv(os.path.join(dirs["reg"], "reg.csv"))
    test = df[df["split"] == "test"]
    p = booster.predict(xgb.DMatrix(test[FEATURES].to_numpy(np.float32), feature_names=FEATURES)).astype(np.float64)
    y = test["target"].to_numpy()
    assert abs(ev["rmse"] - np.sqrt(skm.mean_squared_error(y, p))) <= 1e-9
    assert abs(ev["mae"] - skm.mean_absolute_error(y, p)) <= 1e-9
    assert abs(ev["r2"] - skm.r2_score(y, p)) <= 1e-9


BAD = [
    (["--label", "y"], "one", "has one class"),
    (["--label", "y", "--task", "clustering"], "clf", "unknown task 'clustering'"),
    (["--label", "y", "--booster", "gbforest"], "clf", "unknown booster 'gbforest'"),
    (["--label", "y", "--params", '{"objective": "reg:squarederror"}'], "clf", "does not fit --task binary"),
    (["--label", "y", "--params", '{"max_depht": 3}'], "clf", "unknown XGBoost parameter 'max_depht'"),
    (["--label", "nope"], "clf", "no label column 'nope'"),
    (["--label", "y"], "clf_raw", "no 'split' column"),
    (["--label", "name", "--task", "regression", "--features", "f0"], "reg", "needs a numeric label"),
    (["--label", "y"], "clf", "'region' holds strings"),
]


@pytest.mark.parametrize("args,data,words", BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_a_clear_error(env, args, data, words):
    server, admin, dirs, tmp = env
    r = train_direct(["--data", dirs[data], *args], tmp / "bad")
    assert r.returncode != 0
    assert words in r.stderr, r.stderr


def test_a_bad_job_fails_with_the_message_in_its_log(env):
    server, admin, dirs, tmp = env
    job = submit(admin, ["moebius", "train", "xgboost", "--data", dirs["one"], "--label", "y", "--experiment", "xgb-bad",
                         "--project", "ml"])
    j = wait_job(admin, job)
    assert j["state"] == "failed"
    assert "has one class" in job_log(admin, job)
    # The run it created is marked FAILED, not left RUNNING.
    exp = admin.ok("GET", ML + "experiments/get-by-name", params={"experiment_name": "xgb-bad"})["experiment"]
    runs = admin.ok("POST", ML + "runs/search", json={"experiment_ids": [exp["experiment_id"]]})["runs"]
    assert [r["info"]["status"] for r in runs] == ["FAILED"]


def test_a_bad_ranking_evaluation_request_is_a_400(env):
    server, admin, dirs, tmp = env
    exp = admin.ok("POST", ML + "experiments/create", json={"name": "rank-eval", "tags": [{"key": "moebius.project", "value": "ml"}]})
    run = admin.ok("POST", ML + "runs/create", json={"experiment_id": exp["experiment_id"]})["run"]["info"]["run_id"]
    r = admin.post(f"/api/v1/runs/{run}/evaluations", json={"problem": "ranking", "y_true": [1, 0], "y_score": [0.5], "group": [1, 1]})
    assert r.status_code == 400 and "same length" in r.json()["message"]
    ok = admin.ok("POST", f"/api/v1/runs/{run}/evaluations",
                  json={"problem": "ranking", "y_true": [2, 0, 1, 0, 1], "y_score": [0.9, 0.1, 0.5, 0.3, 0.2], "group": [1, 1, 1, 2, 2]})
    want = (skm.ndcg_score([[2, 0, 1]], [[0.9, 0.1, 0.5]]) + skm.ndcg_score([[0, 1]], [[0.3, 0.2]])) / 2
    assert ok["evaluation"]["queries"] == 2
    assert abs(ok["evaluation"]["metrics"]["ndcg"] - want) <= 1e-9
