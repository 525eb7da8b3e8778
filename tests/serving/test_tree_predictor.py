"""The compiled tree predictor (src/serving/tree_predictor.h) against python3-xgboost on trained
models: binary, regression and multi-class, 100 and 1,000 trees, missing values, every output bit
equal (probabilities, margins, classes)."""
import json
import os
import subprocess
import tempfile

import numpy as np
import pytest
import xgboost as xgb

TOOL = os.environ.get("MOEBIUS_TREE_PREDICT", os.path.join(os.path.dirname(__file__), "..", "..", "build", "src", "serving", "moebius_tree_predict"))

CASES = [
    ("binary", {"objective": "binary:logistic", "max_depth": 6}, 100, None),
    ("binary-deep", {"objective": "binary:logistic", "max_depth": 8, "base_score": 0.3}, 1000, None),
    ("regression", {"objective": "reg:squarederror", "max_depth": 6}, 100, None),
    ("multiclass", {"objective": "multi:softprob", "num_class": 4, "max_depth": 5}, 60, None),
    ("softmax", {"objective": "multi:softmax", "num_class": 3, "max_depth": 4}, 40, None),
    ("logitraw", {"objective": "binary:logitraw", "max_depth": 4}, 50, None),
]


def data(kind, n=3000, features=28, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    x[rng.random(size=x.shape) < 0.05] = np.nan  # missing values follow each split's default
    if kind in ("multiclass", "softmax"):
        y = (np.nan_to_num(x[:, 0]) > 0).astype(int) + (np.nan_to_num(x[:, 1]) > 0.5).astype(int) + (np.nan_to_num(x[:, 2]) > 1).astype(int)
        y = np.minimum(y, 3 if kind == "multiclass" else 2)
    elif kind == "regression":
        y = np.nan_to_num(x[:, 0]) * 2 + np.nan_to_num(x[:, 1]) ** 2
    else:
        y = (np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 1]) * np.nan_to_num(x[:, 2]) > 0).astype(float)
    return x, y


def run_tool(model_path, rows, margin=False):
    with tempfile.TemporaryDirectory() as d:
        rows_path, out_path = os.path.join(d, "rows.f32"), os.path.join(d, "out.f32")
        rows.astype("<f4").tofile(rows_path)
        args = [TOOL, model_path, rows_path, str(rows.shape[0]), str(rows.shape[1]), out_path] + (["margin"] if margin else [])
        r = subprocess.run(args, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        info = json.loads(r.stdout)
        return np.fromfile(out_path, dtype="<f4").reshape(rows.shape[0], -1), info


@pytest.mark.parametrize("name,params,rounds,_", CASES, ids=[c[0] for c in CASES])
def test_outputs_equal_xgboost_to_the_last_bit(name, params, rounds, _):
    x, y = data(name)
    booster = xgb.train({**params, "seed": 1}, xgb.DMatrix(x, label=y), num_boost_round=rounds)
    test_x, _y = data(name, n=2000, seed=7)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        booster.save_model(path)
        ours, info = run_tool(path, test_x)
        theirs = booster.predict(xgb.DMatrix(test_x)).astype(np.float32).reshape(test_x.shape[0], -1)
        assert ours.shape == theirs.shape
        diff = np.flatnonzero(ours.view(np.uint32) != theirs.view(np.uint32))
        assert diff.size == 0, f"{diff.size} values differ, first at {diff[0]}: {ours.flat[diff[0]]!r} vs {theirs.flat[diff[0]]!r}"
        margins, _ = run_tool(path, test_x, margin=True)
        theirs_m = booster.predict(xgb.DMatrix(test_x), output_margin=True).astype(np.float32).reshape(test_x.shape[0], -1)
        assert np.array_equal(margins.view(np.uint32), theirs_m.view(np.uint32))
        assert info["trees"] == len(booster.get_dump())


def test_a_model_it_cannot_compute_is_refused_with_the_reason():
    x, y = data("binary", n=300)
    booster = xgb.train({"objective": "rank:pairwise", "max_depth": 2}, xgb.DMatrix(x, label=y, group=[300]), num_boost_round=2)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        booster.save_model(path)
        r = subprocess.run([TOOL, path, path, "1", "28", os.path.join(d, "o")], capture_output=True, text=True)
        assert r.returncode == 1 and "rank:pairwise" in r.stderr
