"""`make up` starts the server with --demo: the loop run for real through the API — a generated
churn table in two rounds, a stratified split, a 4-trial XGBoost study run by the embedded worker,
the best trial confirmed against the task's criteria, registered with its card written, exported
as a Triton repository into the data directory, a production request waiting for approval, and a
staging deployment with the study's runner-up as a 25% canary, captured traffic and feedback.
A restart resumes nothing twice."""
import io
import json
import os
import subprocess
import tarfile
import tempfile
import time

import numpy as np
import xgboost as xgb

from moebius_server import BIN, Server


def wait_for_demo(server, seconds=400):
    deadline = time.time() + seconds
    while time.time() < deadline:
        out = "".join(server.out)
        if "demo: done" in out or "demo: stopped" in out:
            return out
        time.sleep(1)
    raise AssertionError("the demo did not finish in time:\n" + out)


def test_the_demo_runs_the_loop_through_the_api_once():
    server = Server(extra_args=["--demo", "--workers", "1"]).start()
    try:
        out = wait_for_demo(server)
        assert "demo: done" in out, out
        admin = server.client(server.login("admin", server.admin_password()))
        ds = admin.ok("GET", "/api/v1/projects/demo/datasets/customers")
        assert len(ds["rounds"]) == 2 and len(ds["versions"]) == 2
        study = admin.ok("GET", "/api/v1/projects/demo/studies")["studies"][0]
        assert study["name"] == "churn-xgb" and study["state"] == "completed" and study["trial_counts"]["complete"] == 4
        best = study["best_trial"]["run_id"]
        pkgs = admin.ok("GET", "/api/v1/projects/demo/packages")["packages"]
        assert [p["run_id"] for p in pkgs] == [best]
        model = admin.ok("GET", "/api/v1/models/churn")
        assert sorted(x["version"] for x in model["versions"]) == [1, 2]  # the best trial, then the runner-up
        v = next(x for x in model["versions"] if x["version"] == 1)
        runner_up = next(x for x in model["versions"] if x["version"] == 2)
        assert runner_up["run_id"] != best and runner_up["stage"] == "development"
        assert v["stage"] == "staging" and v["package_id"] == pkgs[0]["id"] and v["run_id"] == best
        # The run read the split version: lineage reaches from the data to the package.
        assert [d["ref"] for d in v["lineage"]["data_versions"]] == ["demo/customers@v2"], v["lineage"]["data_versions"]
        card = admin.ok("GET", "/api/v1/models/churn/versions/1/card")["card"]
        written = {s["key"]: s["text"] for s in card["sections"]}
        assert written["intended_use"].startswith("Rank this month's customers")
        metrics = next(s for s in card["sections"] if s["key"] == "metrics")
        assert any(b.get("style") == "pass" for b in metrics["blocks"])  # the criteria result, from the package
        requests = admin.ok("GET", "/api/v1/approvals", params={"state": "pending"})["requests"]
        assert [(q["model"], q["version"], q["target_stage"]) for q in requests] == [("churn", 1, "production")]
        # The Triton repository on disk verifies, with one inference.
        repo = os.path.join(server.data_dir, "demo", "triton")
        r = subprocess.run([BIN, "package", "verify", repo, "--json"], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert json.loads(r.stdout)["models"][0]["inference"]["ran"]
        # The staging deployment answered the demo's requests on both variants (the runner-up as a 25%
        # canary, its guardrails holding), captured them, and has feedback for most; it answers ours.
        dep = admin.ok("GET", "/api/v1/deployments/churn-staging")["deployment"]
        stats = dep["stats"]
        assert dep["environment"] == "staging" and stats["v1"]["requests"] + stats["v2"]["requests"] == 400, stats
        assert 60 <= stats["v2"]["requests"] <= 140 and stats["v1"]["failures"] == stats["v2"]["failures"] == 0, stats  # 25 % of 400
        assert dep["policy"]["canary"]["variant"] == "v2" and dep["policy"]["canary"]["percent"] == 25
        assert [h["action"] for h in dep["history"]] == ["create", "canary-start"]
        fed = admin.ok("GET", "/api/v1/deployments/churn-staging/captures?feedback=only&limit=20")["captures"]
        assert len(fed) == 20 and all(c["feedback"]["churned"] in (0, 1) for c in fed)
        r = admin.post("/v2/models/churn-staging/versions/v1/infer", json={"inputs": [
            {"name": n, "shape": [1], "datatype": "FP64", "data": [x]} for n, x in
            (("tenure_months", 3), ("contract_months", 1), ("monthly_charges", 99.5), ("support_calls", 4))]})
        assert r.status_code == 200 and r.headers["X-Moebius-Variant"] == "v1", r.text
        assert 0.5 < r.json()["outputs"][0]["data"][0] < 1  # a short, expensive, monthly, unhappy customer leaves
        # The rest of the loop by hand: another user approves, the version is exported, verified and
        # re-imported, and the re-imported model predicts exactly what the original does.
        admin.ok("POST", "/api/v1/users", json={"username": "boss", "password": "boss-password-1", "global_role": "viewer"})
        admin.ok("PUT", "/api/v1/projects/demo/members/boss", json={"role": "approver"})
        boss = server.client(server.login("boss", "boss-password-1"))
        boss.ok("POST", f"/api/v1/approvals/{requests[0]['id']}/approve", json={"comment": "criteria met"})
        assert admin.ok("GET", "/api/v1/models/churn/versions/1")["version"]["stage"] == "production"
        tar = admin.get("/api/v1/models/churn/versions/1/export").content
        r = admin.post("/api/v1/projects/demo/models/import?model=churn-copy", data=tar)
        assert r.status_code == 201, r.text
        copy = r.json()["versions"][0]
        assert copy["content_sha256"] == v["content_sha256"]
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            for d, model, n in ((d1, "churn", 1), (d2, "churn-copy", copy["version"])):
                with tarfile.open(fileobj=io.BytesIO(admin.get(f"/api/v1/models/{model}/versions/{n}/export").content)) as t:
                    t.extractall(d)
                r = subprocess.run([BIN, "package", "verify", d, "--json"], capture_output=True, text=True)
                assert r.returncode == 0, r.stdout + r.stderr
            x = np.random.default_rng(3).uniform(0, 80, size=(500, 4)).astype(np.float32)
            preds = []
            for d, model, n in ((d1, "churn", 1), (d2, "churn-copy", copy["version"])):
                b = xgb.Booster()
                b.load_model(os.path.join(d, model, str(n), "xgboost.json"))
                preds.append(b.predict(xgb.DMatrix(x, feature_names=b.feature_names)))
            assert np.array_equal(preds[0], preds[1])
            assert 0 < preds[0].min() < preds[0].max() < 1
        # A restart finds every step done.
        server.stop()
        server.start()
        out = wait_for_demo(server, 120)
        assert "demo: done" in out and "registered churn" not in out and "round 1" not in out, out
        admin = server.client(server.login("admin", server.admin_password()))
        assert len(admin.ok("GET", "/api/v1/models/churn")["versions"]) == 2
        assert len(admin.ok("GET", "/api/v1/approvals", params={"project": "demo"})["requests"]) == 1
        assert [p["name"] for p in admin.ok("GET", "/api/v1/projects")["projects"]].count("demo") == 1
    finally:
        server.cleanup()
