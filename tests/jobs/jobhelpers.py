"""What the job tests share: waiting for a job's state, reading its log, stopping worker processes."""
import signal
import subprocess
import time


def wait(client, job_id, states, timeout=30):
    deadline = time.time() + timeout
    while True:
        j = client.ok("GET", f"/api/v1/jobs/{job_id}")["job"]
        if j["state"] in states or time.time() > deadline:
            assert j["state"] in states, j
            return j
        time.sleep(0.2)


def log_text(client, job_id):
    return "".join(c["text"] for c in client.ok("GET", f"/api/v1/jobs/{job_id}/logs")["chunks"])


def stop_processes(procs):
    """SIGTERM each process still running (a worker drains and exits), SIGKILL after 10 s."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
