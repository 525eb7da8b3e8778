"""Evaluating a run's predictions through the API: metrics equal scikit-learn's (Debian's
python3-sklearn) on the same data, are logged on the run and kept as an artifact; bad requests
are 400s that log nothing."""
import math
import random

import pytest
from sklearn import metrics as skm

from moebius_server import Server


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "ev"})
    exp = admin.ok("POST", "/api/v1/projects/ev/experiments", json={"name": "ev-exp"})["experiment"]["experiment_id"]
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    yield server, admin, run
    server.cleanup()


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_binary_classification_matches_sklearn_and_is_logged(env):
    server, admin, run = env
    rng = random.Random(3)
    y_true = ["yes" if rng.random() < 0.3 else "no" for _ in range(500)]
    score = [round(min(1, max(0, (0.35 if t == "yes" else 0) + rng.random() * 0.65)), 2) for t in y_true]
    y_pred = ["yes" if s >= 0.5 else "no" for s in score]
    ev = admin.ok("POST", f"/api/v1/runs/{run}/evaluations",
                  json={"name": "test", "problem": "classification", "y_true": y_true, "y_pred": y_pred, "y_score": score,
                        "pos_label": "yes"})["evaluation"]
    m = ev["metrics"]
    yt = [1 if t == "yes" else 0 for t in y_true]
    yp = [1 if p == "yes" else 0 for p in y_pred]
    assert close(m["accuracy"], skm.accuracy_score(yt, yp))
    assert close(m["f1"], skm.f1_score(yt, yp))
    assert close(m["f1_macro"], skm.f1_score(yt, yp, average="macro"))
    assert close(m["roc_auc"], skm.roc_auc_score(yt, score))
    assert close(m["average_precision"], skm.average_precision_score(yt, score))
    assert close(m["log_loss"], skm.log_loss(yt, score))
    assert close(m["mcc"], skm.matthews_corrcoef(yt, yp))
    assert ev["labels"] == ["no", "yes"] and ev["confusion"]["matrix"] == skm.confusion_matrix(y_true, y_pred, labels=["no", "yes"]).tolist()
    logged = {x["key"]: x["value"] for x in admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run})["run"]["data"]["metrics"]}
    assert close(logged["test_roc_auc"], m["roc_auc"]) and "test_accuracy" in logged
    files = [f["path"] for f in admin.ok("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": run, "path": "evaluations"})["files"]]
    assert files == ["evaluations/test.json"]


def test_multiclass_and_regression_match_sklearn(env):
    server, admin, run = env
    rng = random.Random(8)
    y_true = [rng.randrange(3) for _ in range(300)]
    proba = []
    for t in y_true:
        w = [rng.random() + (1.5 if c == t else 0) for c in range(3)]
        proba.append([x / sum(w) for x in w])
    y_pred = [max(range(3), key=lambda c: p[c]) for p in proba]
    m = admin.ok("POST", f"/api/v1/runs/{run}/evaluations",
                 json={"name": "mc", "problem": "classification", "y_true": y_true, "y_pred": y_pred, "proba": proba})["evaluation"]["metrics"]
    assert close(m["f1_weighted"], skm.f1_score(y_true, y_pred, average="weighted"))
    assert close(m["log_loss"], skm.log_loss(y_true, proba))
    assert close(m["roc_auc_ovr_macro"], skm.roc_auc_score(y_true, proba, multi_class="ovr", average="macro"))
    assert close(m["cohen_kappa"], skm.cohen_kappa_score(y_true, y_pred))
    t = [rng.gauss(10, 3) for _ in range(200)]
    p = [x + rng.gauss(0, 1) for x in t]
    r = admin.ok("POST", f"/api/v1/runs/{run}/evaluations", json={"name": "reg", "problem": "regression", "y_true": t, "y_pred": p})["evaluation"]["metrics"]
    assert close(r["rmse"], math.sqrt(skm.mean_squared_error(t, p)))
    assert close(r["r2"], skm.r2_score(t, p)) and close(r["mape"], skm.mean_absolute_percentage_error(t, p))


def test_bad_requests_log_nothing(env):
    server, admin, run = env
    before = admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run})["run"]["data"]["metrics"]
    for body, words in (
        ({"problem": "clustering", "y_true": [1], "y_pred": [1]}, "problem"),
        ({"problem": "classification", "y_true": [0, 1], "y_pred": [0]}, "length"),
        ({"problem": "classification", "y_true": [0, "a"], "y_pred": [0, 0]}, "mix"),
        ({"problem": "classification", "y_true": [0, 1, 2], "y_pred": [0, 1, 2], "y_score": [0.1, 0.2, 0.3]}, "binary"),
        ({"problem": "regression", "y_true": [1.0, "x"], "y_pred": [1.0, 2.0]}, "numbers"),
        ({"problem": "classification", "name": "bad name!", "y_true": [0], "y_pred": [0]}, "name"),
    ):
        r = admin.post(f"/api/v1/runs/{run}/evaluations", json=body)
        assert r.status_code == 400 and words in r.json()["message"].lower(), (body, r.text)
    after = admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run})["run"]["data"]["metrics"]
    assert len(after) == len(before)
