"""Canary steps, blue-green switches, shadow mirrors, guardrails with automatic rollback, capture and
feedback, Triton's statistics extension and the serving metrics on /metrics (INF-6, INF-7, SRV-1,
SRV-5, SRV-6, MON-3) with a real server and real XGBoost models. The deployment controller ticks
once a second, so the waits here are a few seconds."""
import os
import tempfile
import time

import numpy as np
import pytest
import xgboost as xgb

from moebius_server import Server

P = "strat"
MLF = "/api/2.0/mlflow"
FEATURES = ["age", "income", "visits"]


def train(seed, features=FEATURES):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(400, len(features))).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "seed": seed},
                        xgb.DMatrix(x, label=y, feature_names=features), num_boost_round=10)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        booster.save_model(path)
        return open(path, "rb").read(), booster


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": P})
    exp = admin.ok("POST", f"{MLF}/experiments/create", json={"name": "strat-exp"}, headers={"X-Moebius-Project": P})["experiment_id"]
    boosters = []
    # Versions 1 to 3 take the three features; version 4 needs a fourth ("zip") the clients never send.
    for seed, features in ((1, FEATURES), (2, FEATURES), (3, FEATURES), (4, FEATURES + ["zip"])):
        model_bytes, booster = train(seed, features)
        run = admin.ok("POST", f"{MLF}/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/model.json", data=model_bytes)
        admin.ok("POST", f"/api/v1/projects/{P}/models/churn/versions", json={"run_id": run, "path": "model"})
        boosters.append(booster)
    yield server, admin, boosters
    server.cleanup()


def body(rows, rid=None):
    rows = np.asarray(rows, dtype=np.float32)
    b = {"inputs": [{"name": n, "shape": [len(rows)], "datatype": "FP32", "data": rows[:, i].tolist()} for i, n in enumerate(FEATURES)]}
    if rid:
        b["id"] = rid
    return b


def deploy(admin, name, variants, **extra):
    return admin.ok("POST", f"/api/v1/projects/{P}/deployments", json={"name": name, "variants": variants, **extra})["deployment"]


def get(admin, name):
    return admin.ok("GET", f"/api/v1/deployments/{name}")["deployment"]


def wait_for(check, seconds=8.0):
    end = time.time() + seconds
    while time.time() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    return check()


def test_canary_steps_on_their_schedule_then_replace_the_baseline(env):
    server, admin, _ = env
    deploy(admin, "can", [{"name": "stable", "model": "churn", "version": 1, "weight": 100}])
    d = admin.ok("POST", "/api/v1/deployments/can/canary",
                 json={"model": "churn", "version": 2, "name": "next", "steps": [20, 60], "interval_s": 1, "reason": "try v2"})["deployment"]
    weights = {v["name"]: v["weight"] for v in d["variants"]}
    assert weights["next"] * 4 == weights["stable"], weights  # 20 % / 80 %
    assert d["policy"]["canary"]["steps"] == [20, 60, 100] and d["policy"]["canary"]["percent"] == 20
    r = admin.post("/api/v1/deployments/can/canary", json={"model": "churn", "version": 3, "name": "other"})
    assert r.status_code == 409 and "already runs a canary" in r.json()["message"], r.text
    # Settings alone keep the canary running.
    d = admin.ok("PUT", "/api/v1/deployments/can", json={"capture_rate": 0.5, "reason": "more capture"})["deployment"]
    assert d["policy"]["capture_rate"] == 0.5 and d["policy"]["canary"] is not None
    promoted = wait_for(lambda: (lambda x: x if x["policy"]["canary"] is None else None)(get(admin, "can")))
    assert [(v["name"], v["version"]) for v in promoted["variants"]] == [("next", 2)]
    actions = [h["action"] for h in promoted["history"]]
    assert actions == ["create", "canary-start", "configure", "canary-step", "canary-promote"], actions
    assert promoted["history"][3]["actor"] == "moebius" and "60%" in promoted["history"][3]["reason"]
    for _ in range(20):
        assert admin.post("/v2/models/can/infer", json=body([[0.1, 0.2, 0.3]])).headers["X-Moebius-Variant"] == "next"
    # A rollback after the promotion returns to the baseline, not to the last step.
    d = admin.ok("POST", "/api/v1/deployments/can/rollback", json={"reason": "back"})["deployment"]
    assert [(v["name"], v["version"], v["weight"]) for v in d["variants"]] == [("stable", 1, 100)]


def test_a_failing_canary_is_rolled_back_by_its_guardrail(env):
    server, admin, _ = env
    deploy(admin, "guarded", [{"name": "stable", "model": "churn", "version": 1, "weight": 100}],
           guardrails={"max_error_rate": 0.2, "window_s": 10, "min_requests": 10})
    # Version 4 refuses every request of the clients (it needs an input they do not send).
    admin.ok("POST", "/api/v1/deployments/guarded/canary",
             json={"model": "churn", "version": 4, "name": "broken", "steps": [50], "interval_s": 600, "reason": "try v4"})
    failed = 0
    for _ in range(80):
        r = admin.post("/v2/models/guarded/infer", json=body([[0.1, 0.2, 0.3]]))
        failed += r.status_code != 200
    assert failed > 10, failed
    rolled = wait_for(lambda: (lambda x: x if x["history"][-1]["action"] == "auto-rollback" else None)(get(admin, "guarded")))
    assert rolled, get(admin, "guarded")["history"]
    last = rolled["history"][-1]
    assert last["actor"] == "moebius" and "guardrail: variant 'broken' failed" in last["reason"], last
    assert [(v["name"], v["weight"]) for v in rolled["variants"]] == [("stable", 100)] and rolled["policy"]["canary"] is None
    for _ in range(30):
        assert admin.post("/v2/models/guarded/infer", json=body([[0.1, 0.2, 0.3]])).status_code == 200
    # Guardrails are checked when given.
    r = admin.request("PUT", "/api/v1/deployments/guarded", json={"guardrails": {"window_s": 10}})
    assert r.status_code == 400 and "max_error_rate or max_p99_ms" in r.json()["message"], r.text


def test_blue_green_keeps_the_previous_variant_warm_for_its_window(env):
    server, admin, _ = env
    deploy(admin, "bg", [{"name": "blue", "model": "churn", "version": 1, "weight": 100}])
    d = admin.ok("POST", "/api/v1/deployments/bg/switch", json={"model": "churn", "version": 2, "name": "green", "keep_s": 30})["deployment"]
    assert [(v["name"], v["weight"]) for v in d["variants"]] == [("blue", 0), ("green", 100)]
    for _ in range(20):
        assert admin.post("/v2/models/bg/infer", json=body([[0.3, 0.2, 0.1]])).headers["X-Moebius-Variant"] == "green"
    # Within the window: back at once.
    d = admin.ok("POST", "/api/v1/deployments/bg/rollback", json={})["deployment"]
    assert [(v["name"], v["weight"]) for v in d["variants"]] == [("blue", 100)]
    # A short window ends: the previous variant is removed; a rollback still returns to it.
    admin.ok("POST", "/api/v1/deployments/bg/switch", json={"model": "churn", "version": 3, "name": "teal", "keep_s": 1})
    done = wait_for(lambda: (lambda x: x if x["history"][-1]["action"] == "switch-finish" else None)(get(admin, "bg")))
    assert [(v["name"], v["weight"]) for v in done["variants"]] == [("teal", 100)] and done["policy"]["blue_green"] is None
    d = admin.ok("POST", "/api/v1/deployments/bg/rollback", json={})["deployment"]
    assert [(v["name"], v["weight"]) for v in d["variants"]] == [("blue", 100)]


def test_shadow_answers_are_captured_and_never_returned(env):
    server, admin, boosters = env
    deploy(admin, "shadowed", [{"name": "main", "model": "churn", "version": 1, "weight": 100},
                               {"name": "mirror", "model": "churn", "version": 2, "weight": 0}],
           shadow={"variant": "mirror", "share": 1.0}, capture_rate=0)
    r = admin.post(f"/api/v1/projects/{P}/deployments", json={"name": "bad-shadow", "shadow": {"variant": "main"},
                                                               "variants": [{"name": "main", "model": "churn", "version": 1, "weight": 100}]})
    assert r.status_code == 400 and "must have weight 0" in r.json()["message"], r.text
    rows = np.random.default_rng(3).normal(size=(30, 3)).astype(np.float32)
    ids = []
    for i, row in enumerate(rows):
        r = admin.post("/v2/models/shadowed/infer", json=body([row], rid=f"s-{i}"))
        assert r.status_code == 200 and r.headers["X-Moebius-Variant"] == "main"
        assert r.headers["X-Moebius-Request-Id"] == f"s-{i}"
        ids.append(f"s-{i}")
    captures = wait_for(lambda: (lambda c: c if sum(x["shadow"] for x in c) == 30 else None)(
        admin.ok("GET", "/api/v1/deployments/shadowed/captures?limit=200")["captures"]))
    assert captures, "the shadow answers were not all captured"
    shadow = {c["id"]: c for c in captures if c["shadow"]}
    live = {c["id"]: c for c in captures if not c["shadow"]}
    assert set(shadow) == set(ids) and set(live) == set(ids)  # a mirrored request is captured on both sides
    want = boosters[1].predict(xgb.DMatrix(rows, feature_names=FEATURES)).astype(np.float32)
    for i, rid in enumerate(ids):
        assert shadow[rid]["variant"] == "mirror" and np.float32(shadow[rid]["outputs"]["predict"]["data"][0]) == want[i]
        assert live[rid]["variant"] == "main"
    stats = get(admin, "shadowed")["stats"]
    assert stats["mirror"]["requests"] == 30 and stats["mirror"]["shadow"] is True and stats["main"]["requests"] == 30


def test_captures_with_feedback_and_their_mistakes(env):
    server, admin, _ = env
    deploy(admin, "captured", [{"name": "main", "model": "churn", "version": 1, "weight": 100}], capture_rate=1.0)
    rows = np.random.default_rng(4).normal(size=(20, 3)).astype(np.float32)
    made = []
    for row in rows:
        r = admin.post("/v2/models/captured/infer", json=body([row]))
        made.append(r.headers["X-Moebius-Request-Id"])  # ids the server made
    assert len(set(made)) == 20
    r = admin.ok("POST", "/api/v1/deployments/captured/feedback",
                 json={"feedback": [{"request_id": rid, "value": {"label": i % 2}} for i, rid in enumerate(made[:5])]})
    assert r["accepted"] == 5
    admin.ok("POST", "/api/v1/deployments/captured/feedback", json={"request_id": made[0], "value": {"label": 7}})  # replaces
    got = admin.ok("GET", "/api/v1/deployments/captured/captures?feedback=only")
    assert sorted(c["id"] for c in got["captures"]) == sorted(made[:5]) and got["counts"]["written"] == 20
    first = next(c for c in got["captures"] if c["id"] == made[0])
    assert first["feedback"] == {"label": 7} and first["inputs"]["age"]["data"] == [pytest.approx(float(rows[0][0]))]
    assert len(admin.ok("GET", "/api/v1/deployments/captured/captures?limit=7")["captures"]) == 7
    one = admin.ok("GET", f"/api/v1/deployments/captured/captures?request_id={made[3]}")["captures"]
    assert [c["id"] for c in one] == [made[3]]
    for path, words in (("captures?limit=0", "limit"), ("captures?feedback=yes", "feedback")):
        r = admin.get(f"/api/v1/deployments/captured/{path}")
        assert r.status_code == 400 and words in r.json()["message"], r.text
    for bad, words in (({"value": 1}, "request_id"), ({"request_id": "x"}, "value"), ({"feedback": [{"request_id": 5, "value": 1}]}, "feedback[0].request_id")):
        r = admin.post("/api/v1/deployments/captured/feedback", json=bad)
        assert r.status_code == 400 and words in r.json()["message"], (bad, r.text)


def test_statistics_extension_percentiles_and_prometheus(env):
    server, admin, _ = env
    deploy(admin, "measured", [{"name": "main", "model": "churn", "version": 1, "weight": 100}])
    for _ in range(25):
        admin.post("/v2/models/measured/infer", json=body([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]))
    admin.post("/v2/models/measured/infer", json={"inputs": body([[0, 0, 0]])["inputs"][:2]})  # a failure
    stats = admin.ok("GET", "/v2/models/measured/stats")["model_stats"]
    assert len(stats) == 1 and stats[0]["name"] == "measured" and stats[0]["version"] == "main"
    s = stats[0]["inference_stats"]
    assert s["success"]["count"] == 25 and s["fail"]["count"] == 1 and s["success"]["ns"] > 0
    assert stats[0]["inference_count"] == 50 and stats[0]["execution_count"] == 25
    assert s["compute_infer"]["ns"] > 0 and s["compute_input"]["ns"] > 0 and s["compute_output"]["ns"] > 0
    assert admin.ok("GET", "/v2/models/measured/versions/main/stats")["model_stats"][0]["version"] == "main"
    assert admin.get("/v2/models/measured/versions/nope/stats").status_code == 404
    assert "measured" in [m["name"] for m in admin.ok("GET", "/v2/models/stats")["model_stats"]]
    assert "statistics" in admin.ok("GET", "/v2")["extensions"]
    d = admin.ok("GET", "/api/v1/deployments/measured?window_s=30")["deployment"]
    main = d["stats"]["main"]
    assert d["window_s"] == 30 and main["window"]["requests"] == 26 and main["failures"] == 1
    assert 0 < main["p50_ms"] <= main["p99_ms"] and main["error_rate"] == pytest.approx(1 / 26)
    assert admin.get("/api/v1/deployments/measured?window_s=1").status_code == 400
    text = admin.get("/metrics").text
    assert 'moebius_inference_requests_total{deployment="measured",variant="main",model="churn",version="1",outcome="success"} 25' in text
    assert 'moebius_inference_duration_seconds_count{deployment="measured",variant="main",model="churn",version="1"} 25' in text


def test_ab_comparison_on_feedback_matches_a_recomputation(env):
    server, admin, boosters = env
    deploy(admin, "ab", [{"name": "a", "model": "churn", "version": 1, "weight": 60}, {"name": "b", "model": "churn", "version": 3, "weight": 40}],
           strategy="sticky", sticky_header="X-User", capture_rate=1.0)
    rows = np.random.default_rng(8).normal(size=(300, 3)).astype(np.float32)
    truth = (rows[:, 0] + rows[:, 1] > 0.3).astype(int)  # not what either model learnt exactly
    fb = []
    for i, row in enumerate(rows):
        r = admin.post("/v2/models/ab/infer", json=body([row]), headers={"X-User": f"u{i % 97}"})
        fb.append({"request_id": r.headers["X-Moebius-Request-Id"], "value": {"churned": int(truth[i])}})
    admin.ok("POST", "/api/v1/deployments/ab/feedback", json={"feedback": fb})
    out = admin.ok("GET", "/api/v1/deployments/ab/compare?metric=accuracy&label=churned&threshold=0.5")
    assert out["control"] == "a" and out["scored"] == 300
    caps = admin.ok("GET", "/api/v1/deployments/ab/captures?limit=1000&feedback=only")["captures"]
    for arm in out["arms"]:
        mine = [c for c in caps if c["variant"] == arm["variant"]]
        right = sum((c["outputs"]["predict"]["data"][0] >= 0.5) == bool(c["feedback"]["churned"]) for c in mine)
        assert arm["n"] == len(mine) and arm["value"] == pytest.approx(right / len(mine))
    b = next(a for a in out["arms"] if a["variant"] == "b")
    assert 0 <= b["vs_control"]["p"] <= 1 and b["vs_control"]["test"] == "two-proportion z"
    assert [e["variant"] for e in out["error_rates"]] == ["a", "b"]
    r = admin.get("/api/v1/deployments/ab/compare?metric=auc")
    assert r.status_code == 400 and "metric must be" in r.json()["message"], r.text
    r = admin.get("/api/v1/deployments/ab/compare?control=zzz")
    assert r.status_code == 400 and "control 'zzz'" in r.json()["message"], r.text


def test_async_requests_are_answered_polled_and_delivered_once_and_a_full_queue_is_429(env):
    import http.server
    import json as _json
    import threading
    server, admin, boosters = env
    got = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(_json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        deploy(admin, "later", [{"name": "main", "model": "churn", "version": 1, "weight": 100}],
               **{"async": {"webhook": f"http://127.0.0.1:{hook.server_port}/results", "keep_s": 60, "max_queue": 50}})
        rows = np.random.default_rng(6).normal(size=(20, 3)).astype(np.float32)
        ids = []
        for i, row in enumerate(rows):
            r = admin.post("/v2/models/later/infer", json=body([row], rid=f"a-{i}"), headers={"Prefer": "respond-async"})
            assert r.status_code == 202 and r.json()["id"] == f"a-{i}", r.text
            ids.append(r.json()["id"])
        want = boosters[0].predict(xgb.DMatrix(rows, feature_names=FEATURES)).astype(np.float32)
        for i, rid in enumerate(ids):
            st = wait_for(lambda: (lambda x: x if x["status"] == "done" else None)(admin.ok("GET", f"/api/v1/deployments/later/async/{rid}")))
            assert st and st["variant"] == "main", st
            assert np.float32(st["response"]["outputs"][0]["data"][0]) == want[i]
        assert wait_for(lambda: len(got) >= 20)
        time.sleep(0.5)
        assert sorted(g["id"] for g in got) == sorted(ids)  # every result once
        assert all(g["status"] == "done" for g in got)
        assert admin.get("/api/v1/deployments/later/async/nope").status_code == 404
        r = admin.post("/v2/models/later/infer", json=body([rows[0]], rid="a-0"), headers={"Prefer": "respond-async"})
        assert r.status_code == 409, r.text  # the id is taken while its result is kept
    finally:
        hook.shutdown()
    # A full queue: requests beyond max_queue are refused with 429 and Retry-After.
    deploy(admin, "busy", [{"name": "main", "model": "churn", "version": 1, "weight": 100}], **{"async": {"max_queue": 1}})
    big = _json.dumps(body(np.random.default_rng(7).normal(size=(50000, 3)).astype(np.float32)))
    token = server.login("admin", server.admin_password())

    def send(_):
        return server.client(token).post("/v2/models/busy/infer", data=big,
                                         headers={"Prefer": "respond-async", "Content-Type": "application/json"})

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(8)))
    refused = [r for r in statuses if r.status_code == 429]
    assert refused and refused[0].headers.get("Retry-After") == "1" and "queue" in refused[0].json()["error"], [r.status_code for r in statuses]
    assert all(r.status_code in (202, 429) for r in statuses)
