"""What the trainer tests share: waiting for a job or a study, and reading a job's log."""
import time


def wait_job(admin, job_id, timeout=300):
    """The job once it has ended (or as it is when `timeout` seconds have passed)."""
    deadline = time.time() + timeout
    while True:
        j = admin.ok("GET", f"/api/v1/jobs/{job_id}")["job"]
        if j["state"] in ("succeeded", "failed", "cancelled") or time.time() > deadline:
            return j
        time.sleep(0.3)


def job_log(admin, job_id):
    return "".join(c["text"] for c in admin.ok("GET", f"/api/v1/jobs/{job_id}/logs")["chunks"])


def wait_study(admin, sid, timeout=240):
    """The study once it is no longer running; AssertionError after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = admin.ok("GET", f"/api/v1/studies/{sid}")["study"]
        if s["state"] != "running":
            return s
        time.sleep(0.5)
    raise AssertionError(f"study {sid} still running after {timeout}s: {s}")
