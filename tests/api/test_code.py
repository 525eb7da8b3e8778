"""Code snapshots (PRJ-7, EXP-2) through the API with a real server: content-hashed snapshots
(the same tree gives the same id whatever the archive order, times or compression), listing,
files, single files, the streamed archive, bad archives refused with nothing stored, a job that
runs a snapshot's script with an environment's variables and tags its run, the runs that used a
snapshot, and the templates — the generated external Python script really logs params, metrics
and an artifact through the MLflow-compatible API, run directly and as a job."""
import hashlib
import io
import os
import subprocess
import tarfile
import zipfile

import pytest

from envcode_helpers import PROJECT, jobs_count, log_text, new_run, run_tags, start, tar_bytes, wait_job

BASE = f"/api/v1/projects/{PROJECT}/code"
FILES = {"train.py": ("import os\nprint('greeting=' + os.environ.get('GREETING', '?'))\nprint('helper=' + open('lib/helper.txt').read())\n", 0o755),
         "lib/helper.txt": ("from the snapshot", 0o644)}


def tree_id(files):
    lines = ""
    for path in sorted(files):
        content, mode = files[path]
        data = content.encode() if isinstance(content, str) else content
        lines += ("100755 " if mode & 0o111 else "100644 ") + hashlib.sha256(data).hexdigest() + " " + path + "\n"
    return hashlib.sha256(lines.encode()).hexdigest()


@pytest.fixture(scope="module")
def env():
    server, admin, users = start()
    yield server, admin, users
    server.cleanup()


def push(client, data, **query):
    return client.ok("POST", BASE, params=query, data=data)


def test_snapshots_are_content_hashed_and_browsable(env):
    server, admin, u = env
    dev = u["dev"]
    first = push(dev, tar_bytes(FILES), message="first push")
    snap = first["snapshot"]
    assert first["created"] is True and snap["id"] == tree_id(FILES)
    assert snap["files"] == 2 and snap["source"] == "archive" and snap["created_by"] == "dev"
    # Other order, other mtimes, gzip: the same snapshot.
    again = push(dev, tar_bytes(FILES, gz=True, order=["lib/helper.txt", "train.py"], mtime=1700000000))
    assert again["created"] is False and again["snapshot"]["id"] == snap["id"]
    # A changed mode is another tree.
    other = dict(FILES, **{"train.py": (FILES["train.py"][0], 0o644)})
    assert push(dev, tar_bytes(other))["snapshot"]["id"] != snap["id"]

    listed = u["look"].ok("GET", BASE)["snapshots"]
    assert snap["id"] in [s["id"] for s in listed]
    shown = u["look"].ok("GET", f"{BASE}/{snap['id'][:12]}")  # a unique prefix works
    assert shown["snapshot"]["id"] == snap["id"]
    assert [(f["path"], f["mode"]) for f in shown["files"]] == [("lib/helper.txt", "644"), ("train.py", "755")]
    r = u["look"].get(f"{BASE}/{snap['id']}/files/lib/helper.txt")
    assert r.status_code == 200 and r.text == "from the snapshot" and r.headers["Content-Type"].startswith("text/plain")
    assert u["look"].get(f"{BASE}/{snap['id']}/files/nope.py").status_code == 404
    arch = u["look"].get(f"{BASE}/{snap['id']}/archive")
    assert arch.status_code == 200 and arch.headers["Content-Type"] == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(arch.content)) as tar:
        got = {m.name: (tar.extractfile(m).read().decode(), m.mode) for m in tar.getmembers()}
    assert tree_id(got) == snap["id"]
    assert u["look"].get(f"{BASE}/{'0' * 64}").status_code == 404
    assert u["look"].get(f"{BASE}/xyz").status_code == 400
    # A viewer cannot push; git metadata is recorded.
    assert u["look"].post(BASE, data=tar_bytes(FILES)).status_code == 403
    g = push(dev, tar_bytes({"a.py": ("print(1)\n", 0o644)}), source="git", git_commit="a" * 40, git_branch="main", git_dirty="true")
    assert g["snapshot"]["git_commit"] == "a" * 40 and g["snapshot"]["git_dirty"] is True


def test_bad_archives_are_400_and_store_nothing(env):
    _, _, u = env
    dev = u["dev"]
    before = len(dev.ok("GET", BASE)["snapshots"])

    def raw_tar(name, kind=tarfile.REGTYPE, link=""):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            ok = tarfile.TarInfo("ok.py")
            ok.size = 1
            tar.addfile(ok, io.BytesIO(b"x"))
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = link
            info.size = 1 if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(b"y") if kind == tarfile.REGTYPE else None)
        return buf.getvalue()

    def zip_of(name):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("ok.py", "x")
            z.writestr(zipfile.ZipInfo(name), "y")
        return buf.getvalue()

    good = tar_bytes({"a.py": "print(1)\n" * 200})
    cases = [
        (zip_of("C:/Windows/evil.bat"), "drive letter"),
        (zip_of("c:evil.bat"), "drive letter"),
        (raw_tar("D:/evil.py"), "drive letter"),
        # libarchive reads a zip's backslashes as separators, so these meet the '..' check; a
        # tar keeps them, and meets the backslash check.
        (zip_of("..\\evil.bat"), "traversal"),
        (zip_of("lib\\..\\..\\evil.bat"), "traversal"),
        (raw_tar("..\\evil.bat"), "backslash"),
        (raw_tar("../escape.py"), "traversal"),
        (raw_tar("/etc/cron.d/x"), "absolute"),
        (raw_tar("a/../../b.py"), "traversal"),
        (raw_tar("link.py", tarfile.SYMTYPE, "/etc/passwd"), "link"),
        (raw_tar("hard.py", tarfile.LNKTYPE, "ok.py"), "link"),
        (b"definitely not an archive", "archive"),
        (good[:700], "corrupt"),
        (b"", "empty"),
        (tar_bytes({}), "no files"),
    ]
    for data, needle in cases:
        r = dev.post(BASE, data=data)
        assert r.status_code == 400 and needle in r.json()["message"], (needle, r.text)
    assert dev.post(BASE, params={"source": "svn"}, data=good).status_code == 400
    assert dev.post(BASE, params={"source": "git", "git_commit": "xyz"}, data=good).status_code == 400
    assert len(dev.ok("GET", BASE)["snapshots"]) == before


def test_job_runs_the_snapshot_with_the_environment_and_tags_the_run(env):
    server, admin, u = env
    dev = u["dev"]
    dev.ok("POST", f"/api/v1/projects/{PROJECT}/environments",
           json={"name": "code-env", "variables": [{"name": "GREETING", "value": "from-environment"}]})
    files = dict(FILES, **{"VERSION": ("2\n", 0o644)})  # a tree not pushed before, so this push records the git origin
    snap = push(dev, tar_bytes(files), source="git", git_commit="b" * 40, git_branch="feature")["snapshot"]
    _, run_id = new_run(dev)
    job = dev.ok("POST", f"/api/v1/projects/{PROJECT}/jobs",
                 json={"payload": {"command": ["python3", "train.py"], "code": snap["id"][:10], "environment": "code-env",
                                   "run_id": run_id}})["job"]
    assert job["payload"]["code"] == snap["id"]  # the prefix is pinned to the full id
    done = wait_job(dev, job["id"])
    log = log_text(dev, job["id"])
    assert done["state"] == "succeeded", (done, log)
    assert "greeting=from-environment" in log and "helper=from the snapshot" in log
    tags = run_tags(dev, run_id)
    assert tags["moebius.code_snapshot"] == snap["id"]
    assert tags["mlflow.source.git.commit"] == "b" * 40 and tags["mlflow.source.git.branch"] == "feature"
    assert tags["moebius.environment"] == "code-env"
    runs = dev.ok("GET", f"{BASE}/{snap['id']}/runs")["runs"]
    assert [r["run_id"] for r in runs] == [run_id] and runs[0]["git_commit"] == "b" * 40


def test_bad_code_references_queue_nothing(env):
    _, _, u = env
    dev = u["dev"]
    before = jobs_count(dev)
    for code, needle in (("f" * 64, "does not exist"), ("nothex!!", "64 hex"), (12, "payload.code"), ("abc", "64 hex")):
        r = dev.post(f"/api/v1/projects/{PROJECT}/jobs", json={"payload": {"command": ["true"], "code": code}})
        assert r.status_code == 400 and needle in r.json()["message"], r.text
    assert jobs_count(dev) == before


def test_templates(env):
    server, admin, u = env
    look = u["look"]
    names = [t["name"] for t in look.ok("GET", "/api/v1/code/templates")["templates"]]
    assert names[0] == "xgboost" and {"image", "text", "python-mlflow"} <= set(names), names
    img = {f["path"]: f for f in look.ok("GET", "/api/v1/code/templates/image", params={"dataset": "pets", "label": "species"})["files"]}
    assert '"train",' in img["job.json"]["content"] and '"image",' in img["job.json"]["content"]
    x = look.ok("GET", "/api/v1/code/templates/xgboost", params={"dataset": "iris", "label": "species", "task": "multiclass",
                                                                  "rounds": "30", "seed": "7"})
    files = {f["path"]: f for f in x["files"]}
    assert set(files) == {"README.md", "job.json", "params.json", "train.sh"} and files["train.sh"]["mode"] == "755"
    import json
    cmd = json.loads(files["job.json"]["content"])["payload"]["command"]
    assert cmd[:3] == ["moebius", "train", "xgboost"]
    flags = dict(zip(cmd[3::2], cmd[4::2]))
    assert flags["--data"] == "data/iris" and flags["--label"] == "species" and flags["--task"] == "multiclass"
    assert flags["--rounds"] == "30" and flags["--seed"] == "7" and json.loads(flags["--params"])["objective"] == "multi:softprob"
    assert look.get("/api/v1/code/templates/xgboost", params={"task": "clustering"}).status_code == 400
    assert look.get("/api/v1/code/templates/xgboost", params={"colour": "red"}).status_code == 400
    assert look.get("/api/v1/code/templates/nope").status_code == 404


def test_generated_python_script_logs_through_the_mlflow_api(env, tmp_path):
    server, admin, u = env
    dev = u["dev"]
    token = server.login("admin", server.admin_password())
    files = {f["path"]: f for f in dev.ok("GET", "/api/v1/code/templates/python-mlflow", params={"experiment": "tmpl"})["files"]}
    script = tmp_path / "train.py"
    script.write_text(files["train.py"]["content"])
    # Run directly, as a user would on a laptop (here the admin): it creates experiment "tmpl" (in
    # the default project) and a run, logs, and ends the run.
    out = subprocess.run(["/usr/bin/python3", str(script), "--param", "epochs=5"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "MLFLOW_TRACKING_URI": server.url, "MLFLOW_TRACKING_TOKEN": token})
    assert out.returncode == 0, out.stderr
    run_id = out.stdout.strip().splitlines()[-1].split()[-1]
    run = admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params["epochs"] == "5" and params["learning_rate"] == "0.5"
    assert run["info"]["status"] == "FINISHED"
    exp = admin.ok("GET", "/api/2.0/mlflow/experiments/get", params={"experiment_id": run["info"]["experiment_id"]})["experiment"]
    assert exp["name"] == "tmpl"
    hist = admin.ok("GET", "/api/2.0/mlflow/metrics/get-history", params={"run_id": run_id, "metric_key": "loss"})["metrics"]
    assert [m["step"] for m in hist] == [0, 1, 2, 3, 4] and hist[-1]["value"] < hist[0]["value"]
    arts = admin.ok("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": run_id})["files"]
    assert [a["path"] for a in arts] == ["model.json"]

    # As a job from a pushed snapshot of the generated files, logging into a run made for it.
    snap = push(dev, tar_bytes({p: (f["content"], 0o755 if f["mode"] == "755" else 0o644) for p, f in files.items()}))["snapshot"]
    _, run2 = new_run(dev)
    job = dev.ok("POST", f"/api/v1/projects/{PROJECT}/jobs",
                 json={"payload": {"command": ["python3", "train.py", "--param", "epochs=3"], "code": snap["id"],
                                   "env": {"MLFLOW_RUN_ID": run2}, "run_id": run2}})["job"]
    done = wait_job(dev, job["id"], timeout=60)
    assert done["state"] == "succeeded", log_text(dev, job["id"])
    run = dev.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": run2})["run"]
    assert {p["key"]: p["value"] for p in run["data"]["params"]}["epochs"] == "3"
    assert {m["key"] for m in run["data"]["metrics"]} == {"loss", "accuracy"}
    assert run_tags(dev, run2)["moebius.code_snapshot"] == snap["id"]
    assert [a["path"] for a in dev.ok("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": run2})["files"]] == ["model.json"]
