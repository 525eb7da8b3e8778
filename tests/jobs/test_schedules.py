"""Recurring jobs (EXP-9): cron schedules over the API and the CLI. Bad expressions and bad job
templates are 400s that name the problem; a due schedule queues its job once per fire time, as
its creator — also across a server restart in the same minute, and across a crash between queueing
a fire's job and moving the schedule on (the job is keyed by the fire); deleting a schedule stops
it."""
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402

P = "/api/v1/projects/cron"


@pytest.fixture(scope="module")
def env():
    server = Server(extra_args=["--workers", "0"]).start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "cron"})
    admin.ok("POST", "/api/v1/users", json={"username": "dev", "password": "dev-password-1", "global_role": "viewer"})
    admin.ok("PUT", f"{P}/members/dev", json={"role": "model-developer"})
    admin.ok("POST", "/api/v1/users", json={"username": "viewer", "password": "viewer-password-1", "global_role": "viewer"})
    admin.ok("PUT", f"{P}/members/viewer", json={"role": "viewer"})
    yield server, admin
    server.cleanup()


def client(server, user):
    return server.client(server.login(user, f"{user}-password-1"))


@pytest.mark.parametrize("cron, message", [
    ("* * * *", "5 fields"),
    ("61 * * * *", "minute: 61 is outside 0-59"),
    ("* * * * MON-XYZ", "day-of-week"),
    ("0 0 30 2 *", "never fires"),
    ("*/0 * * * *", "step"),
    ("@often", "unknown cron macro"),
])
def test_bad_cron_expressions_are_400s_naming_the_field(env, cron, message):
    server, admin = env
    dev = client(server, "dev")
    r = dev.post(f"{P}/schedules", json={"name": "bad", "cron": cron, "job": {"payload": {"command": ["true"]}}})
    assert r.status_code == 400 and message in r.json()["message"], r.text
    assert dev.ok("GET", f"{P}/schedules")["schedules"] == []


def test_bad_templates_and_rights_are_refused(env):
    server, admin = env
    dev = client(server, "dev")
    for body, code, message in [
        ({"name": "x", "cron": "@daily"}, 400, "job"),
        ({"name": "x", "cron": "@daily", "job": {"payload": {}}}, 400, "payload.command"),
        ({"name": "x", "cron": "@daily", "job": {"payload": {"command": ["true"], "data": [{"dataset": "nope", "version": 1}]}}}, 400,
         "payload.data[0].dataset"),
        ({"name": "bad name!", "cron": "@daily", "job": {"payload": {"command": ["true"]}}}, 400, "schedule name"),
    ]:
        r = dev.post(f"{P}/schedules", json=body)
        assert r.status_code == code and message in r.json()["message"], (body, r.text)
    r = client(server, "viewer").post(f"{P}/schedules", json={"name": "v", "cron": "@daily", "job": {"payload": {"command": ["true"]}}})
    assert r.status_code == 403, r.text
    dev.ok("POST", f"{P}/schedules", json={"name": "nightly", "cron": "0 3 * * *", "job": {"payload": {"command": ["true"]}}})
    r = dev.post(f"{P}/schedules", json={"name": "nightly", "cron": "@daily", "job": {"payload": {"command": ["true"]}}})
    assert r.status_code == 400 and r.json()["error_code"] == "RESOURCE_ALREADY_EXISTS", r.text
    s = [x for x in dev.ok("GET", f"{P}/schedules")["schedules"] if x["name"] == "nightly"][0]
    # The next fire is the next 03:00 UTC.
    now = time.time()
    assert s["next_fire_at"] % 86_400_000 == 3 * 3_600_000 and 0 < s["next_fire_at"] / 1000 - now <= 86_400
    dev.ok("DELETE", f"{P}/schedules/{s['id']}")
    assert [x for x in dev.ok("GET", f"{P}/schedules")["schedules"] if x["name"] == "nightly"] == []


def test_a_due_schedule_queues_its_job_once_per_fire_even_across_a_restart(env):
    server, admin = env
    dev = client(server, "dev")
    token = dev.ok("POST", "/api/v1/tokens", json={"name": "cli"})["secret"]
    cli_env = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token, HOME=tempfile.mkdtemp())
    r = subprocess.run([BIN, "job", "schedule", "create", "cron", "every-minute", "--cron", "* * * * *", "--", "echo", "tick"],
                       capture_output=True, text=True, timeout=30, env=cli_env)
    assert r.returncode == 0 and "schedule every-minute (* * * * *) created" in r.stdout, r.stderr

    def jobs():
        return [j for j in dev.ok("GET", f"{P}/jobs")["jobs"] if j["name"] == "every-minute"]

    deadline = time.time() + 75
    while not jobs() and time.time() < deadline:
        time.sleep(0.5)
    first = jobs()
    assert len(first) == 1, first
    assert first[0]["created_by"] == "dev" and first[0]["payload"]["command"] == ["echo", "tick"]
    s = [x for x in dev.ok("GET", f"{P}/schedules")["schedules"] if x["name"] == "every-minute"][0]
    assert s["last_job_id"] == first[0]["id"] and s["last_error"] == "" and s["next_fire_at"] - s["last_fire_at"] == 60_000
    # A restart within the same minute does not fire that minute again.
    fired_at = s["last_fire_at"]
    server.stop()
    server.start()
    dev = client(server, "dev")
    time.sleep(3)  # the scheduler has run at least once since the start
    now_ms = time.time() * 1000
    if now_ms < fired_at + 60_000:
        assert len(jobs()) == 1, jobs()
    listed = subprocess.run([BIN, "job", "schedule", "list", "cron"], capture_output=True, text=True, timeout=30,
                            env=dict(cli_env, MOEBIUS_SERVER=server.url))
    assert listed.returncode == 0 and "every-minute" in listed.stdout and "echo tick" in listed.stdout, listed.stderr
    # Each fire time queued exactly one job.
    s = [x for x in dev.ok("GET", f"{P}/schedules")["schedules"] if x["name"] == "every-minute"][0]
    fires = (s["last_fire_at"] - fired_at) // 60_000 + 1
    assert len(jobs()) == fires, (jobs(), s)
    assert sorted(j["dedup_key"] for j in jobs()) == [f"schedule:{s['id']}:{fired_at + 60_000 * k}" for k in range(fires)]

    # A crash after the fire's job was queued but before the schedule moved on: on restart the
    # fire is redone, and its key finds the job queued before the crash instead of a second one.
    last_fire, last_job = s["last_fire_at"], s["last_job_id"]
    before = {j["id"] for j in jobs()}
    server.stop()
    db = sqlite3.connect(os.path.join(server.data_dir, "meta.db"))
    db.execute("UPDATE job_schedules SET next_fire_at = ?, last_fire_at = ?, last_job_id = 0 WHERE id = ?",
               (last_fire, last_fire - 60_000, s["id"]))
    db.commit()
    db.close()
    server.start()
    dev = client(server, "dev")
    time.sleep(3)
    s = [x for x in dev.ok("GET", f"{P}/schedules")["schedules"] if x["name"] == "every-minute"][0]
    after = jobs()
    keys = [j["dedup_key"] for j in after]
    assert len(keys) == len(set(keys)), after  # no fire queued twice
    assert {j["id"] for j in after} >= before
    redone = [j for j in after if j["dedup_key"] == f"schedule:{s['id']}:{last_fire}"]
    assert [j["id"] for j in redone] == [last_job], after
    assert s["next_fire_at"] > last_fire and (s["last_job_id"] == last_job or s["last_fire_at"] > last_fire), s
    deleted = subprocess.run([BIN, "job", "schedule", "delete", "cron", str(s["id"])], capture_output=True, text=True, timeout=30,
                             env=dict(cli_env, MOEBIUS_SERVER=server.url))
    assert deleted.returncode == 0, deleted.stderr
    assert [x for x in dev.ok("GET", f"{P}/schedules")["schedules"] if x["name"] == "every-minute"] == []
