"""`make up` starts the server with --demo: a project with a task, an experiment and runs."""
import time

from moebius_server import Server


def test_demo_project_loads_and_evaluates():
    server = Server(extra_args=["--demo"]).start()
    try:
        admin = server.client(server.login("admin", server.admin_password()))
        deadline = time.time() + 30
        runs = []
        while time.time() < deadline:
            exps = admin.get("/api/v1/projects/demo/experiments")
            if exps.status_code == 200 and exps.json()["experiments"]:
                exp = exps.json()["experiments"][0]["experiment_id"]
                runs = admin.ok("POST", "/api/v1/runs/search", json={"experiment_ids": [exp], "filter": "attributes.status = 'FINISHED'",
                                                                      "order_by": ["metrics.f1 DESC"]})["runs"]
                if len(runs) == 12:
                    break
            time.sleep(0.2)
        assert len(runs) == 12
        task = admin.ok("GET", "/api/v1/projects/demo/tasks/churn")["task"]
        assert task["acceptance_criteria"] == "f1 >= 0.85 and p99_latency_ms <= 50"
        best, worst = runs[0]["info"]["run_id"], runs[-1]["info"]["run_id"]
        results = [admin.ok("POST", "/api/v1/projects/demo/tasks/churn/evaluate", json={"run_id": r})["passed"] for r in (best, worst)]
        assert results[1] is False  # not every generated run passes
        hist = admin.ok("POST", "/api/v1/metrics/bulk-history", json={"run_ids": [best], "metric_keys": ["train_loss"], "max_points": 100})
        assert hist["series"][0]["total"] == 300
        # A restart does not load the demo twice.
        server.stop()
        server.start()
        admin = server.client(server.login("admin", server.admin_password()))
        assert [p["name"] for p in admin.ok("GET", "/api/v1/projects")["projects"]].count("demo") == 1
    finally:
        server.cleanup()
