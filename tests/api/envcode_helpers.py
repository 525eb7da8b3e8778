"""Shared by test_environments.py and test_code.py: a server with an embedded worker, users, and
small helpers for jobs and tar archives."""
import io
import tarfile
import time

from moebius_server import Server

PROJECT = "envcode"


def start(project=PROJECT):
    server = Server().start()  # one embedded worker: jobs really run
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": project})
    users = {}
    for name, role in (("dev", "model-developer"), ("look", "viewer"), ("pm", "project-manager")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        admin.ok("PUT", f"/api/v1/projects/{project}/members/{name}", json={"role": role})
        users[name] = server.client(server.login(name, f"{name}-password-1"))
    return server, admin, users


def tar_bytes(files, gz=False, order=None, mtime=0):
    """A tar of {path: (content, mode)}; `order` fixes the member order, `mtime` their times."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w") as tar:
        for path in order or list(files):
            content, mode = files[path] if isinstance(files[path], tuple) else (files[path], 0o644)
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = mode
            info.mtime = mtime
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def jobs_count(client, project=PROJECT):
    return len(client.ok("GET", f"/api/v1/projects/{project}/jobs?limit=1000")["jobs"])


def wait_job(client, job_id, timeout=30):
    deadline = time.time() + timeout
    while True:
        j = client.ok("GET", f"/api/v1/jobs/{job_id}")["job"]
        if j["state"] not in ("queued", "running") or time.time() > deadline:
            return j
        time.sleep(0.2)


def log_text(client, job_id):
    return "".join(c["text"] for c in client.ok("GET", f"/api/v1/jobs/{job_id}/logs")["chunks"])


def new_run(client, project=PROJECT, name="runs"):
    exps = client.ok("GET", f"/api/v1/projects/{project}/experiments")["experiments"]
    exp = next((e for e in exps if e["name"] == name), None)
    if exp is None:
        exp = client.ok("POST", f"/api/v1/projects/{project}/experiments", json={"name": name})["experiment"]
    run = client.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]})["run"]
    return exp["experiment_id"], run["info"]["run_id"]


def run_tags(client, run_id):
    run = client.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]
    return {t["key"]: t["value"] for t in run["data"].get("tags", [])}
