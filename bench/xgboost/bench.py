"""XGBoost through the platform vs python3-xgboost directly, same data, same params, same run.

Platform arm: `moebius train xgboost` as a process with MLFLOW_TRACKING_URI/TOKEN set (what a job
gets), timed end to end: reading the split version's CSV, fitting/applying the transform
(passthrough), training with per-round train/valid evaluation, test evaluation, explanations,
the serving measurement and logging everything (params, per-round metrics, artifacts, the
evaluation) to a real server.
Peer arm: pandas.read_csv + split filter + DMatrix + xgboost.train with the same resolved
parameters (hist, depth, eta, seed, nthread) and the same evals list, nothing logged.

Arms alternate; each runs REPS times; medians are reported.
Usage: MOEBIUS_BIN=build/moebius /usr/bin/python3 bench/xgboost/bench.py [ROWS] [REPS]"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.datasets import make_classification

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "api"))
from moebius_server import BIN, Server  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
FEATURES = 20
ROUNDS = 100
THREADS = 2
PARAMS = {"max_depth": 6, "eta": 0.1}


def main():
    tmp = tempfile.mkdtemp(prefix="bench-xgb-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    X, y = make_classification(n_samples=ROWS, n_features=FEATURES, n_informative=10, random_state=1)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(FEATURES)])
    df["y"] = y
    df["split"] = np.array(["train"] * 8 + ["val", "test"])[np.random.default_rng(1).integers(0, 10, ROWS)]
    path = os.path.join(data, "bench.csv")
    df.to_csv(path, index=False)
    del df, X, y

    server = Server().start()
    token = server.login("admin", server.admin_password())
    server.client(token).ok("POST", "/api/v1/projects", json={"name": "bench"})
    env = dict(os.environ, MLFLOW_TRACKING_URI=server.url, MLFLOW_TRACKING_TOKEN=token)
    env.pop("MLFLOW_RUN_ID", None)
    cmd = [BIN, "train", "xgboost", "--data", data, "--label", "y", "--rounds", str(ROUNDS), "--seed", "0",
           "--threads", str(THREADS), "--params", json.dumps(PARAMS), "--experiment", "bench-xgb", "--project", "bench"]

    def platform(extra=()):
        t0 = time.perf_counter()
        r = subprocess.run(cmd + list(extra), env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        assert r.returncode == 0, r.stderr
        run_id = r.stdout.split("created run ", 1)[1].split()[0]
        return dt, run_id

    def peer():
        t0 = time.perf_counter()
        d = pd.read_csv(path)
        feats = [c for c in d.columns if c not in ("y", "split")]
        tr, va = d[d["split"] == "train"], d[d["split"] == "val"]
        dtrain = xgb.DMatrix(tr[feats].to_numpy(np.float32), label=tr["y"].to_numpy(np.float32), feature_names=feats, nthread=THREADS)
        dvalid = xgb.DMatrix(va[feats].to_numpy(np.float32), label=va["y"].to_numpy(np.float32), feature_names=feats, nthread=THREADS)
        params = {"booster": "gbtree", "objective": "binary:logistic", "seed": 0, "nthread": THREADS, "tree_method": "hist", **PARAMS}
        xgb.train(params, dtrain, ROUNDS, evals=[(dtrain, "train"), (dvalid, "valid")], verbose_eval=False)
        return time.perf_counter() - t0

    # Arms alternate. "core" does what the peer does (read, train with train/valid evaluated every
    # round) plus logging to the server and the test evaluation; "full" also computes the
    # explanations and the serving measurement, which the peer has no counterpart for.
    core_flags = ("--no-explain", "--no-perf")
    platform(core_flags)  # warm the page cache and the server
    plat, core, py, runs = [], [], [], []
    for _ in range(REPS):
        core.append(platform(core_flags)[0])
        py.append(peer())
        dt, run_id = platform()
        plat.append(dt)
        runs.append(run_id)
    admin = server.client(token)
    m = {x["key"]: x["value"] for x in admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": runs[-1]})["run"]["data"]["metrics"]}
    server.cleanup()
    out = {
        "rows": ROWS, "features": FEATURES, "rounds": ROUNDS, "threads": THREADS, "xgboost": xgb.__version__,
        "platform_core_s": [round(x, 3) for x in core], "platform_full_s": [round(x, 3) for x in plat],
        "python_s": [round(x, 3) for x in py],
        "platform_core_median_s": round(statistics.median(core), 3), "platform_full_median_s": round(statistics.median(plat), 3),
        "python_median_s": round(statistics.median(py), 3),
        "ratio_core": round(statistics.median(core) / statistics.median(py), 3),
        "ratio_full": round(statistics.median(plat) / statistics.median(py), 3),
        "platform_breakdown_s": {k: round(m[k], 3) for k in ("time.read_s", "time.train_s", "time.total_s") if k in m},
        "test_roc_auc": m.get("test_roc_auc"),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
