"""kill -9 during concurrent log-batch load: every acknowledged write survives, the database
passes integrity_check, and the audit chain still verifies."""
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402


def integrity_ok(data_dir):
    """`sqlite3 DATA/meta.db 'PRAGMA integrity_check'` with the sqlite3 CLI (scripts/install-deps.sh installs it)."""
    assert shutil.which("sqlite3"), "the sqlite3 command-line tool is missing: run scripts/install-deps.sh"
    out = subprocess.run(["sqlite3", os.path.join(data_dir, "meta.db"), "PRAGMA integrity_check"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stdout + out.stderr


def test_kill9_during_ingest_keeps_acknowledged_writes():
    server = Server().start()
    try:
        token = server.login("admin", server.admin_password())
        h = {"Authorization": "Bearer " + token}
        exp = requests.post(server.url + "/api/2.0/mlflow/experiments/create", json={"name": "crash"}, headers=h).json()["experiment_id"]
        runs = [requests.post(server.url + "/api/2.0/mlflow/runs/create", json={"experiment_id": exp}, headers=h).json()["run"]["info"]["run_id"]
                for _ in range(4)]
        acked = {rid: [] for rid in runs}
        stop = threading.Event()

        def load(rid):
            s = requests.Session()
            step = 0
            while not stop.is_set():
                batch = [{"key": "m", "value": float(step + i), "timestamp": step + i, "step": step + i} for i in range(100)]
                try:
                    r = s.post(server.url + "/api/2.0/mlflow/runs/log-batch", json={"run_id": rid, "metrics": batch}, headers=h, timeout=5)
                except requests.RequestException:
                    return  # the server died mid-request: not acknowledged
                if r.status_code == 200:
                    acked[rid].append(step)
                else:
                    errors.append(f"log-batch -> {r.status_code} {r.text[:200]}")
                step += 100

        def create_runs():
            """A fifth writer: runs with a tag and a param, each checked after the restart."""
            s = requests.Session()
            i = 0
            while not stop.is_set():
                try:
                    r = s.post(server.url + "/api/2.0/mlflow/runs/create",
                               json={"experiment_id": exp, "run_name": f"c{i}", "tags": [{"key": "n", "value": str(i)}]}, headers=h, timeout=5)
                except requests.RequestException:
                    return
                if r.status_code == 200:
                    created.append((r.json()["run"]["info"]["run_id"], str(i)))
                else:
                    errors.append(f"runs/create -> {r.status_code} {r.text[:200]}")
                i += 1

        errors, created = [], []
        threads = [threading.Thread(target=load, args=(rid,)) for rid in runs] + [threading.Thread(target=create_runs)]
        for t in threads:
            t.start()
        time.sleep(2)
        server.kill9()
        stop.set()
        for t in threads:
            t.join()
        total = sum(len(v) for v in acked.values())
        print(f"{total} batches ({total * 100} points) acknowledged before kill -9")
        assert total > 20, "the load generator got too few batches in"
        assert not errors, errors[:5]

        integrity_ok(server.data_dir)

        server.start()
        for rid, starts in acked.items():
            steps, token_ = set(), None
            while True:
                params = {"run_id": rid, "metric_key": "m", "max_results": 25000}
                if token_:
                    params["page_token"] = token_
                res = requests.get(server.url + "/api/2.0/mlflow/metrics/get-history", params=params, headers=h).json()
                steps.update(m["step"] for m in res.get("metrics", []))
                token_ = res.get("next_page_token")
                if not token_:
                    break
            for start in starts:
                missing = [s for s in range(start, start + 100) if s not in steps]
                assert not missing, f"acknowledged batch at step {start} of run {rid} lost {len(missing)} points"
            # A batch is all or nothing: every stored point belongs to a complete batch.
            assert all(len([s for s in steps if s // 100 == b]) == 100 for b in {s // 100 for s in steps})
        for rid, n in created:
            r = requests.get(server.url + "/api/2.0/mlflow/runs/get", params={"run_id": rid}, headers=h)
            assert r.status_code == 200, f"acknowledged run {rid} lost: {r.status_code} {r.text}"
            assert {"key": "n", "value": n} in r.json()["run"]["data"]["tags"]
        # A repeated ingest after the restart succeeds.
        r = requests.post(server.url + "/api/2.0/mlflow/runs/log-batch",
                          json={"run_id": runs[0], "metrics": [{"key": "after", "value": 1, "timestamp": 1, "step": 0}]}, headers=h)
        assert r.status_code == 200
        server.stop()
        integrity_ok(server.data_dir)
        verify = subprocess.run([BIN, "audit", "verify", "--data-dir", server.data_dir], capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        server.cleanup()


def audit_verify(data_dir):
    return subprocess.run([BIN, "audit", "verify", "--data-dir", data_dir], capture_output=True, text=True)


def test_audit_verify_names_a_tampered_row():
    server = Server().start()
    try:
        token = server.login("admin", server.admin_password())
        for i in range(5):
            r = requests.post(server.url + "/api/v1/projects", json={"name": f"tamper-{i}"}, headers={"Authorization": "Bearer " + token})
            assert r.status_code == 200
        server.stop()
        ok = audit_verify(server.data_dir)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        db = sqlite3.connect(os.path.join(server.data_dir, "meta.db"))
        cols = [c[1] for c in db.execute("PRAGMA table_info(audit_log)")]
        assert {"seq", "actor", "detail", "hash"} <= set(cols), cols

        # 1. A changed field in row 3 is reported as row 3, and only that row.
        actor = db.execute("SELECT actor FROM audit_log WHERE seq = 3").fetchone()[0]
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        db.commit()
        bad = audit_verify(server.data_dir)
        assert bad.returncode == 1, bad.stdout
        assert "row 3" in bad.stdout and "row 2" not in bad.stdout and "row 4" not in bad.stdout, bad.stdout
        db.execute("UPDATE audit_log SET actor = ? WHERE seq = 3", (actor,))
        db.commit()
        assert audit_verify(server.data_dir).returncode == 0  # put back: the chain verifies again

        # 2. A changed detail (the recorded HTTP status) is caught as well.
        detail = db.execute("SELECT detail FROM audit_log WHERE seq = 4").fetchone()[0]
        db.execute("UPDATE audit_log SET detail = replace(detail, '200', '201') WHERE seq = 4")
        db.commit()
        bad = audit_verify(server.data_dir)
        assert bad.returncode == 1 and "row 4" in bad.stdout, bad.stdout
        db.execute("UPDATE audit_log SET detail = ? WHERE seq = 4", (detail,))
        db.commit()

        # 3. A deleted row in the middle is named by the row after the gap.
        row = db.execute("SELECT * FROM audit_log WHERE seq = 3").fetchone()
        db.execute("DELETE FROM audit_log WHERE seq = 3")
        db.commit()
        gap = audit_verify(server.data_dir)
        assert gap.returncode == 1 and "row 4" in gap.stdout, gap.stdout
        db.execute(f"INSERT INTO audit_log VALUES ({','.join('?' * len(row))})", row)
        db.commit()
        assert audit_verify(server.data_dir).returncode == 0

        # 4. The API reports the same problem while serving.
        actor2 = db.execute("SELECT actor FROM audit_log WHERE seq = 2").fetchone()[0]
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        db.commit()
        server.start()
        token = server.login("admin", server.admin_password())
        v = requests.get(server.url + "/api/v1/audit/verify", headers={"Authorization": "Bearer " + token}).json()
        assert v["ok"] is False and 2 in [p["seq"] for p in v["problems"]], v
        server.stop()

        # 5. A truncated tail (the newest rows deleted) is detected too.
        db.execute("UPDATE audit_log SET actor = ? WHERE seq = 2", (actor2,))
        db.commit()
        assert audit_verify(server.data_dir).returncode == 0
        db.execute("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        db.commit()
        tail = audit_verify(server.data_dir)
        assert tail.returncode == 1, tail.stdout
        db.close()
    finally:
        server.cleanup()
