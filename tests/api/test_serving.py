"""Deployments and the KServe v2 protocol (INF-6, INF-7, INF-8, SRV-1) with a real server and real
XGBoost models (python3-xgboost): outputs equal python3-xgboost's bit for bit, a 90/10 split holds
within ±2% over 10,000 requests, sticky keys stay on their variant, a named variant answers, v2
errors are {"error": ...} with 400/404, a production deployment needs approved versions, a retired
version is never served, a viewer cannot deploy, rollback restores the previous state, and no
request fails while the variants are swapped under load."""
import json
import os
import tempfile
import threading

import numpy as np
import pytest
import xgboost as xgb

from moebius_server import Server

P = "srv"
MLF = "/api/2.0/mlflow"
FEATURES = ["age", "income", "visits"]


def train(seed, rounds=30):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(500, 3)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(np.float32)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "seed": seed},
                        xgb.DMatrix(x, label=y, feature_names=FEATURES), num_boost_round=rounds)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        booster.save_model(path)
        return open(path, "rb").read(), booster


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": P})
    users = {}
    for name, role in (("look", "viewer"), ("boss", "approver")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        admin.ok("PUT", f"/api/v1/projects/{P}/members/{name}", json={"role": role})
        users[name] = server.client(server.login(name, f"{name}-password-1"))
    exp = admin.ok("POST", f"{MLF}/experiments/create", json={"name": "srv-exp"}, headers={"X-Moebius-Project": P})["experiment_id"]
    boosters = []
    for seed in (1, 2, 3):
        model_bytes, booster = train(seed)
        run = admin.ok("POST", f"{MLF}/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/model.json", data=model_bytes)
        admin.ok("POST", f"/api/v1/projects/{P}/models/churn/versions", json={"run_id": run, "path": "model"})
        boosters.append(booster)
    yield server, admin, users, boosters
    server.cleanup()


def body(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return {"id": "req-1", "inputs": [{"name": n, "shape": [len(rows)], "datatype": "FP32", "data": rows[:, i].tolist()} for i, n in enumerate(FEATURES)]}


def test_outputs_equal_python_xgboost_and_name_the_variant(env):
    server, admin, u, boosters = env
    d = admin.ok("POST", f"/api/v1/projects/{P}/deployments",
                 json={"name": "churn-dev", "variants": [{"name": "blue", "model": "churn", "version": 1, "weight": 100}]})["deployment"]
    assert d["environment"] == "development" and d["variants"][0]["name"] == "blue"
    rows = np.random.default_rng(5).normal(size=(64, 3)).astype(np.float32)
    r = admin.post("/v2/models/churn-dev/infer", json=body(rows))
    assert r.status_code == 200, r.text
    assert r.headers["X-Moebius-Variant"] == "blue"
    out = r.json()
    assert out["model_name"] == "churn-dev" and out["id"] == "req-1"
    got = np.array(out["outputs"][0]["data"], dtype=np.float32)
    want = boosters[0].predict(xgb.DMatrix(rows, feature_names=FEATURES)).astype(np.float32)
    assert out["outputs"][0]["shape"] == [64] and np.array_equal(got.view(np.uint32), want.view(np.uint32))
    # The features themselves as Triton FIL's input__0.
    r = admin.post("/v2/models/churn-dev/infer", json={"inputs": [{"name": "input__0", "shape": [64, 3], "datatype": "FP32", "data": rows.tolist()}]})
    assert np.array_equal(np.array(r.json()["outputs"][0]["data"], dtype=np.float32).view(np.uint32), want.view(np.uint32))
    meta = admin.ok("GET", "/v2/models/churn-dev")
    assert [i["name"] for i in meta["inputs"]] == FEATURES and meta["versions"] == ["blue"]
    assert admin.get("/v2/models/churn-dev/ready").status_code == 200
    assert admin.ok("GET", "/v2/models/churn-dev/versions/blue")["versions"] == ["blue"]
    assert admin.get("/v2/models/churn-dev/versions/blue/ready").status_code == 200
    r = admin.get("/v2/models/churn-dev/versions/green/ready")
    assert r.status_code == 404 and "no variant 'green'" in r.json()["error"], r.text
    assert admin.get("/v2/health/ready").status_code == 200


def binary_request(rows, binary_output=True, extra=b"", size_delta=0):
    rows = np.asarray(rows, dtype=np.float32)
    header = {"id": "bin-1", "inputs": [{"name": n, "shape": [len(rows)], "datatype": "FP32",
                                         "parameters": {"binary_data_size": 4 * len(rows) + (size_delta if i == 0 else 0)}}
                                        for i, n in enumerate(FEATURES)]}
    if binary_output:
        header["parameters"] = {"binary_data_output": True}
    head = json.dumps(header).encode()
    tail = b"".join(rows[:, i].astype("<f4").tobytes() for i in range(3)) + extra
    return head + tail, {"Inference-Header-Content-Length": str(len(head)), "Content-Type": "application/octet-stream"}


def test_binary_tensors_in_and_out_equal_the_json_answer(env):
    server, admin, u, boosters = env
    rows = np.random.default_rng(9).normal(size=(32, 3)).astype(np.float32)
    want = np.array(admin.post("/v2/models/churn-dev/versions/blue/infer", json=body(rows)).json()["outputs"][0]["data"], dtype=np.float32)
    data, headers = binary_request(rows)
    r = admin.post("/v2/models/churn-dev/versions/blue/infer", data=data, headers=headers)
    assert r.status_code == 200, r.text
    n = int(r.headers["Inference-Header-Content-Length"])
    head = json.loads(r.content[:n])
    out = head["outputs"][0]
    assert out["parameters"]["binary_data_size"] == 4 * 32 and "data" not in out and head["id"] == "bin-1"
    got = np.frombuffer(r.content[n:], dtype="<f4")
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
    # Binary in, JSON out.
    data, headers = binary_request(rows, binary_output=False)
    r = admin.post("/v2/models/churn-dev/versions/blue/infer", data=data, headers=headers)
    assert np.array_equal(np.array(r.json()["outputs"][0]["data"], dtype=np.float32).view(np.uint32), want.view(np.uint32))
    # A size that does not match the shape, bytes no input claims, a header past the body: 400s.
    for data, headers, words in (
        (*binary_request(rows, size_delta=-4), "is not 32"),
        (*binary_request(rows, extra=b"\0\0\0\0"), "no input claims"),
    ):
        r = admin.post("/v2/models/churn-dev/infer", data=data, headers=headers)
        assert r.status_code == 400 and words in r.json()["error"], r.text
    data, headers = binary_request(rows)
    r = admin.post("/v2/models/churn-dev/infer", data=data, headers={**headers, "Inference-Header-Content-Length": str(len(data) + 1)})
    assert r.status_code == 400 and "Inference-Header-Content-Length" in r.json()["error"], r.text


def test_v2_errors_are_400_and_404_with_an_error_field(env):
    server, admin, u, _ = env
    good = body([[0.1, 0.2, 0.3]])
    cases = [
        ({"inputs": good["inputs"][:2]}, "missing input 'visits'"),
        ({"inputs": good["inputs"] + [{"name": "zip", "shape": [1], "datatype": "FP32", "data": [1]}]}, "unknown input 'zip'"),
        ({"inputs": [{**good["inputs"][0], "shape": [2]}] + good["inputs"][1:]}, "shape holds 2"),
        ({"inputs": [{**good["inputs"][0], "datatype": "BYTES", "data": ["x"]}] + good["inputs"][1:]}, "send numbers"),
        ({"inputs": [{**good["inputs"][0], "datatype": "COMPLEX"}] + good["inputs"][1:]}, "datatype"),
        ({"inputs": []}, "non-empty list"),
        ({"inputs": good["inputs"], "outputs": [{"name": "logits"}]}, "unknown output 'logits'"),
    ]
    for req, words in cases:
        r = admin.post("/v2/models/churn-dev/infer", json=req)
        assert r.status_code == 400, (req, r.status_code, r.text)
        assert words in r.json()["error"], (words, r.text)
    r = admin.post("/v2/models/nope/infer", json=good)
    assert r.status_code == 404 and "error" in r.json(), r.text
    r = admin.post("/v2/models/churn-dev/versions/green/infer", json=good)
    assert r.status_code == 404 and "no variant 'green'" in r.json()["error"], r.text
    assert admin.get("/v2/nothing-here").status_code == 404


def test_a_90_10_split_sticky_keys_a_named_variant_and_rollback(env):
    server, admin, u, _ = env
    admin.ok("PUT", "/api/v1/deployments/churn-dev",
             json={"variants": [{"name": "blue", "model": "churn", "version": 1, "weight": 90},
                                {"name": "green", "model": "churn", "version": 2, "weight": 10}], "reason": "canary 10%"})
    good = body([[0.1, 0.2, 0.3]])
    counts = {"blue": 0, "green": 0}
    # blue's counters go on across the change (same version): its failures so far are the error test's.
    failed_before = admin.ok("GET", "/api/v1/deployments/churn-dev")["deployment"]["stats"]["blue"]["failures"]
    for _ in range(10000):
        r = admin.post("/v2/models/churn-dev/infer", json=good)
        counts[r.headers["X-Moebius-Variant"]] += 1
    assert abs(counts["green"] / 10000 - 0.10) <= 0.02, counts
    assert admin.post("/v2/models/churn-dev/versions/green/infer", json=good).headers["X-Moebius-Variant"] == "green"
    stats = admin.ok("GET", "/api/v1/deployments/churn-dev")["deployment"]["stats"]
    assert stats["green"]["requests"] == counts["green"] + 1 and stats["blue"]["failures"] == failed_before
    # Sticky: one key, one variant; keys spread over both.
    admin.ok("PUT", "/api/v1/deployments/churn-dev",
             json={"strategy": "sticky", "sticky_header": "X-User", "variants": [{"name": "blue", "model": "churn", "version": 1, "weight": 50},
                                                                                 {"name": "green", "model": "churn", "version": 2, "weight": 50}]})
    seen = {}
    for user in [f"user-{i}" for i in range(40)] * 3:
        v = admin.post("/v2/models/churn-dev/infer", json=good, headers={"X-User": user}).headers["X-Moebius-Variant"]
        assert seen.setdefault(user, v) == v
    assert set(seen.values()) == {"blue", "green"}
    # Rollback: the state before the last change comes back, and the history has every step.
    d = admin.ok("POST", "/api/v1/deployments/churn-dev/rollback", json={"reason": "undo sticky"})["deployment"]
    assert [(v["name"], v["weight"]) for v in d["variants"]] == [("blue", 90), ("green", 10)]
    history = admin.ok("GET", "/api/v1/deployments/churn-dev")["deployment"]["history"]
    assert [h["action"] for h in history] == ["create", "update", "update", "rollback"]
    assert history[1]["reason"] == "canary 10%" and history[-1]["actor"] == "admin"


def test_no_request_fails_while_variants_are_swapped(env):
    server, admin, u, _ = env
    good = body([[0.4, -0.2, 1.3]])
    failures, done, served = [], threading.Event(), []
    token = server.login("admin", server.admin_password())

    def load():
        c = server.client(token)
        while not done.is_set():
            served.append(1)
            r = c.post("/v2/models/churn-dev/infer", json=good)
            if r.status_code != 200:
                failures.append(r.text)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    i = 0
    while i < 20 or len(served) < 300:  # swaps under a steady load, at least 300 requests through them
        i += 1
        version = 1 + i % 3
        admin.ok("PUT", "/api/v1/deployments/churn-dev", json={"variants": [{"name": f"v{version}", "model": "churn", "version": version, "weight": 1}]})
    done.set()
    for t in threads:
        t.join()
    assert failures == [] , failures[:3]


def test_production_needs_approved_versions_retired_is_refused_viewer_cannot_deploy(env):
    server, admin, u, _ = env
    spec = {"name": "churn-prod", "environment": "production", "variants": [{"name": "main", "model": "churn", "version": 3, "weight": 100}]}
    r = admin.post(f"/api/v1/projects/{P}/deployments", json=spec)
    assert r.status_code == 409 and r.json()["error_code"] == "APPROVAL_REQUIRED", r.text
    q = admin.ok("POST", "/api/v1/models/churn/versions/3/requests", json={"reason": "best"})["request"]
    u["boss"].ok("POST", f"/api/v1/approvals/{q['id']}/approve", json={})
    assert admin.post(f"/api/v1/projects/{P}/deployments", json=spec).status_code == 200
    r = u["look"].post(f"/api/v1/projects/{P}/deployments", json={**spec, "name": "viewer-made", "environment": "development"})
    assert r.status_code == 403, r.text
    assert u["look"].post("/v2/models/churn-prod/infer", json=body([[0, 0, 0]])).status_code == 200  # a member may call it
    q = admin.ok("POST", "/api/v1/models/churn/versions/1/requests", json={"kind": "retire", "reason": "old"})["request"]
    u["boss"].ok("POST", f"/api/v1/approvals/{q['id']}/approve", json={})
    r = admin.post(f"/api/v1/projects/{P}/deployments", json={"name": "old", "variants": [{"model": "churn", "version": 1}]})
    assert r.status_code == 409 and r.json()["error_code"] == "RETIRED", r.text
    names = [d["name"] for d in admin.ok("GET", f"/api/v1/projects/{P}/deployments")["deployments"]]
    assert names == ["churn-dev", "churn-prod"]


def test_the_compiled_predictor_and_xgboosts_runtime_answer_the_same_bits(env):
    server, admin, u, boosters = env
    # The same version on both runtimes, and python3-xgboost: equal to the last bit.
    admin.ok("POST", f"/api/v1/projects/{P}/deployments",
             json={"name": "runtimes", "variants": [{"name": "tree", "model": "churn", "version": 2, "weight": 1, "runtime": "compiled"},
                                                    {"name": "capi", "model": "churn", "version": 2, "weight": 1, "runtime": "xgboost"}]})
    rows = np.random.default_rng(11).normal(size=(300, 3)).astype(np.float32)
    rows[::7, 1] = np.nan  # missing values take the default direction on both
    want = boosters[1].predict(xgb.DMatrix(rows, feature_names=FEATURES, missing=np.nan)).astype(np.float32)
    # NaN travels as binary tensor data (JSON has no NaN).
    head = json.dumps({"inputs": [{"name": "input__0", "shape": [300, 3], "datatype": "FP32", "parameters": {"binary_data_size": rows.nbytes}}],
                       "parameters": {"binary_data_output": True}}).encode()
    for variant in ("tree", "capi"):
        r = admin.post(f"/v2/models/runtimes/versions/{variant}/infer", data=head + rows.astype("<f4").tobytes(),
                       headers={"Inference-Header-Content-Length": str(len(head)), "Content-Type": "application/octet-stream"})
        assert r.status_code == 200, r.text
        got = np.frombuffer(r.content[int(r.headers["Inference-Header-Content-Length"]):], dtype="<f4")
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), variant
    stats = admin.ok("GET", "/api/v1/deployments/runtimes")["deployment"]["stats"]
    assert stats["tree"]["runtime"] == "compiled" and stats["capi"]["runtime"] == "xgboost"
    # A dart booster and a UBJSON file: the compiled predictor refuses them, XGBoost's runtime serves them.
    exp = admin.ok("POST", f"{MLF}/experiments/create", json={"name": "srv-rt"}, headers={"X-Moebius-Project": P})["experiment_id"]
    rng = np.random.default_rng(12)
    x = rng.normal(size=(300, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    made = {}
    for name, params, ext in (("dart", {"booster": "dart", "rate_drop": 0.1}, "json"), ("ubj", {}, "ubj")):
        b = xgb.train({"objective": "binary:logistic", "max_depth": 3, **params}, xgb.DMatrix(x, label=y, feature_names=FEATURES), num_boost_round=8)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, f"model.{ext}")
            b.save_model(path)
            data = open(path, "rb").read()
        run = admin.ok("POST", f"{MLF}/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/model.{ext}", data=data)
        if ext == "ubj":  # a binary model names no features: its signature comes with it
            sig = {"format": "moebius.signature", "inputs": [{"name": n, "type": "float"} for n in FEATURES]}
            admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/signature.json", data=json.dumps(sig))
        admin.ok("POST", f"/api/v1/projects/{P}/models/rt-{name}/versions", json={"run_id": run, "path": "model"})
        made[name] = b
        r = admin.post(f"/api/v1/projects/{P}/deployments",
                       json={"name": f"rt-{name}-c", "variants": [{"model": f"rt-{name}", "version": 1, "runtime": "compiled"}]})
        assert r.status_code == 400 and "compiled" in r.json()["message"], r.text
        admin.ok("POST", f"/api/v1/projects/{P}/deployments", json={"name": f"rt-{name}", "variants": [{"name": "main", "model": f"rt-{name}", "version": 1}]})
        r = admin.post(f"/v2/models/rt-{name}/infer", json={"inputs": [{"name": "input__0", "shape": [300, 3], "datatype": "FP32", "data": x.ravel().tolist()}]})
        assert r.status_code == 200, r.text
        got = np.array(r.json()["outputs"][0]["data"], dtype=np.float32)
        assert np.array_equal(got.view(np.uint32), b.predict(xgb.DMatrix(x, feature_names=FEATURES)).astype(np.float32).view(np.uint32)), name
        assert admin.ok("GET", f"/api/v1/deployments/rt-{name}")["deployment"]["stats"]["main"]["runtime"] == "xgboost"
    r = admin.post(f"/api/v1/projects/{P}/deployments", json={"name": "rt-bad", "variants": [{"model": "churn", "version": 1, "runtime": "gpu"}]})
    assert r.status_code == 400 and "runtime must be auto, compiled or xgboost" in r.json()["message"], r.text
