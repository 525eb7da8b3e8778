"""The version archive's opt-in manifest sidecar: GET …/versions/{n}/archive?manifest=1 appends
.moebius/manifest.jsonl (each item's path, sha256, size and meta, in path order) as the last
entry, deterministically; without it the archive holds only the files; `moebius data checkout
--manifest` writes it; a bad value is a 400."""
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from datahelpers import tar_bytes, upload  # noqa: E402

P = "/api/v1/projects/arch/datasets"


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    token = server.login("admin", server.admin_password())
    admin = server.client(token)
    admin.ok("POST", "/api/v1/projects", json={"name": "arch"})
    admin.ok("POST", P, json={"name": "notes", "domain": "language"})
    files = [(f"{c}/{i}.txt", f"{c} note {i}\n".encode()) for c in ("cat", "dog") for i in range(5)]
    assert upload(admin, "arch", "notes", tar_bytes(files)).status_code == 200
    admin.ok("POST", f"{P}/notes/versions", json={"status": "raw", "rounds": [1]})
    admin.ok("POST", f"{P}/notes/versions", json={"status": "labeled", "from_version": "v1", "labels": {"from": "folders"}})
    admin.ok("POST", f"{P}/notes/versions", json={"status": "split", "from_version": "v2",
                                                   "split": {"method": "stratified", "ratios": {"train": 0.6, "val": 0.2, "test": 0.2}, "seed": 1}})
    yield server, admin, token
    server.cleanup()


def members(blob):
    with tarfile.open(fileobj=io.BytesIO(blob)) as t:
        return [(m.name, t.extractfile(m).read()) for m in t.getmembers()]


def test_the_sidecar_is_the_last_entry_and_matches_the_items(env):
    server, admin, _ = env
    with_manifest = admin.get(f"{P}/notes/versions/v3/archive", params={"manifest": "1"})
    assert with_manifest.status_code == 200
    got = members(with_manifest.content)
    name, text = got[-1]
    assert name == ".moebius/manifest.jsonl"
    lines = [json.loads(line) for line in text.decode().splitlines()]
    items = admin.ok("GET", f"{P}/notes/versions/v3/items", params={"limit": 1000})["items"]
    assert lines == [{"path": i["path"], "sha256": i["sha256"], "size": i["size"], "meta": i["meta"]} for i in items]
    assert {line["meta"]["label"] for line in lines} == {"cat", "dog"}
    assert {line["meta"]["split"] for line in lines} == {"train", "val", "test"}
    assert [n for n, _ in got[:-1]] == [i["path"] for i in items]
    # Deterministic, and absent unless asked for.
    assert admin.get(f"{P}/notes/versions/v3/archive", params={"manifest": "true"}).content == with_manifest.content
    plain = members(admin.get(f"{P}/notes/versions/v3/archive").content)
    assert [n for n, _ in plain] == [i["path"] for i in items]
    assert [n for n, _ in members(admin.get(f"{P}/notes/versions/v3/archive", params={"manifest": "0"}).content)] == [n for n, _ in plain]


def test_a_bad_manifest_value_is_a_400(env):
    server, admin, _ = env
    r = admin.get(f"{P}/notes/versions/v3/archive", params={"manifest": "yes please"})
    assert r.status_code == 400 and "manifest must be 1 or 0" in r.json()["message"]


def test_checkout_with_manifest_writes_the_sidecar(env, tmp_path):
    server, admin, token = env
    e = dict(os.environ, MOEBIUS_SERVER=server.url, MOEBIUS_TOKEN=token)
    r = subprocess.run([BIN, "data", "checkout", "--manifest", "arch/notes@v3", str(tmp_path / "a")], env=e, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = (tmp_path / "a" / ".moebius" / "manifest.jsonl").read_text().splitlines()
    assert len(lines) == 10 and json.loads(lines[0])["path"] == "cat/0.txt"
    r = subprocess.run([BIN, "data", "checkout", "arch/notes@v3", str(tmp_path / "b")], env=e, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "b" / ".moebius").exists()
