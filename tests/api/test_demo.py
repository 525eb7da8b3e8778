"""`make up` starts the server with --demo: the loop run for real through the API — a generated
churn table in two rounds, a stratified split, a 4-trial XGBoost study run by the embedded worker,
the best trial confirmed against the task's criteria, registered with its card written, exported
as a Triton repository into the data directory, and a production request waiting for approval.
A restart resumes nothing twice."""
import json
import os
import subprocess
import time

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
        assert len(model["versions"]) == 1
        v = model["versions"][0]
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
        # A restart finds every step done.
        server.stop()
        server.start()
        out = wait_for_demo(server, 120)
        assert "demo: done" in out and "registered churn" not in out and "round 1" not in out, out
        admin = server.client(server.login("admin", server.admin_password()))
        assert len(admin.ok("GET", "/api/v1/models/churn")["versions"]) == 1
        assert len(admin.ok("GET", "/api/v1/approvals", params={"state": "pending"})["requests"]) == 1
        assert [p["name"] for p in admin.ok("GET", "/api/v1/projects")["projects"]].count("demo") == 1
    finally:
        server.cleanup()
