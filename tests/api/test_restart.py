"""A restart on the same data directory keeps users, passwords, tokens and tracking data, and does
not write a new admin password."""
from moebius_server import Server


def test_restart_keeps_everything():
    server = Server().start()
    try:
        password = server.admin_password()
        admin = server.client(server.login("admin", password))
        secret = admin.ok("POST", "/api/v1/tokens", json={"name": "ci"})["secret"]
        exp = admin.ok("POST", "/api/2.0/mlflow/experiments/create", json={"name": "kept"})["experiment_id"]
        run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
        admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run, "metrics": [
            {"key": "m", "value": float(i), "timestamp": i, "step": i} for i in range(10)], "params": [{"key": "p", "value": "1"}]})
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/x.bin", data=b"\0\1\2")
        server.stop()
        server.start()
        assert server.admin_password() == password
        assert server.password_file_mode() == 0o600
        again = server.client(secret)
        got = again.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run})["run"]
        assert got["data"]["params"] == [{"key": "p", "value": "1"}]
        hist = again.ok("GET", "/api/2.0/mlflow/metrics/get-history", params={"run_id": run, "metric_key": "m"})["metrics"]
        assert [m["step"] for m in hist] == list(range(10))
        assert again.get(f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/x.bin").content == b"\0\1\2"
        assert again.ok("GET", "/api/v1/audit/verify")["ok"] is True
    finally:
        server.cleanup()


def test_sigterm_with_idle_keep_alive_connections_exits_promptly():
    """An open idle keep-alive connection (every HTTP client pool has them) must not hold up a
    SIGTERM: the server drains and exits within its drain timeout. Repeated: the race was timing-bound."""
    import signal
    import subprocess
    import time

    import requests
    server = Server()
    try:
        for _ in range(5):
            server.start()
            token = server.login("admin", server.admin_password())
            pool = [requests.Session() for _ in range(3)]
            for s in pool:
                assert s.get(server.url + "/api/v1/auth/me", headers={"Authorization": "Bearer " + token}).status_code == 200
            started = time.time()
            server.proc.send_signal(signal.SIGTERM)
            try:
                rc = server.proc.wait(8)
            except subprocess.TimeoutExpired:
                server.kill9()
                raise AssertionError("server still running 8 s after SIGTERM with idle keep-alive connections open")
            assert rc == 0, "".join(server.log[-5:])
            assert time.time() - started < 8
            for s in pool:
                s.close()
    finally:
        server.cleanup()
