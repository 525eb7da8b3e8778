"""Data management end to end: ingest rounds through the CLI and the API, versions, byte-identical
checkout, diff, rollback, lineage to runs, bad uploads, and kill -9 during a large ingest."""
import filecmp
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import BIN, Server  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from datahelpers import tar_bytes, upload  # noqa: E402


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "vision"})
    cfg = tempfile.mkdtemp(prefix="moebius-cli-")
    e = dict(os.environ, MOEBIUS_CONFIG_DIR=cfg)
    e.pop("MOEBIUS_SERVER", None)
    e.pop("MOEBIUS_TOKEN", None)
    subprocess.run([BIN, "login", "--server", server.url, "--username", "admin", "--password-stdin"],
                   input=server.admin_password(), text=True, env=e, check=True, capture_output=True)
    yield server, admin, e
    server.cleanup()


def cli(e, *args, ok=True):
    r = subprocess.run([BIN, *args], env=e, capture_output=True, text=True)
    if ok:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
JPG = b"\xff\xd8\xff\xe0" + bytes(range(100, 250))


def make_tree(root, files):
    for rel, data in files.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


def test_round_trip_versions_diff_rollback_lineage(env, tmp_path):
    server, admin, e = env
    cli(e, "data", "create", "vision/pets", "--domain", "vision", "--tag", "pets")
    files = {f"cat/c{i}.png": PNG + bytes([i]) for i in range(20)}
    files.update({f"dog/d{i}.jpg": JPG + bytes([i]) for i in range(20)})
    files["dog/고양이 아님.jpg"] = JPG + b"ko"
    make_tree(tmp_path / "r1", files)
    out = cli(e, "data", "ingest", "vision/pets", str(tmp_path / "r1"), "--note", "first batch").stdout
    assert "round 1: 41 items" in out
    # A second round through an archive, with one changed file and one new one.
    second = {"cat/c0.png": PNG + b"changed", "cat/new.png": PNG + b"new"}
    make_tree(tmp_path / "r2", second)
    with tarfile.open(tmp_path / "r2.tar.gz", "w:gz") as t:
        t.add(tmp_path / "r2" / "cat", arcname="cat")
    assert "round 2: 2 items" in cli(e, "data", "ingest", "vision/pets", str(tmp_path / "r2.tar.gz")).stdout

    assert "v1 (raw): 41 items" in cli(e, "data", "version", "vision/pets", "--round", "1").stdout
    assert "v2 (raw): 42 items, stored as delta" in cli(e, "data", "version", "vision/pets", "--round", "1", "--round", "2").stdout
    assert "v3 (labeled)" in cli(e, "data", "version", "vision/pets", "--from", "v2", "--status", "labeled", "--labels-from-folders").stdout

    # Checkout is byte-identical.
    cli(e, "data", "checkout", "vision/pets@v1", str(tmp_path / "out1"))
    cmp = filecmp.dircmp(tmp_path / "r1", tmp_path / "out1")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    for rel, data in files.items():
        assert (tmp_path / "out1" / rel).read_bytes() == data

    diff = cli(e, "--json", "data", "diff", "vision/pets@v1", "v2").stdout
    import json
    d = json.loads(diff)
    assert d["counts"] == {"added": 1, "removed": 0, "modified": 1, "renamed": 0, "label_changes": 0, "annotation_changes": 0}
    assert d["added"][0]["path"] == "cat/new.png" and d["modified"][0]["path"] == "cat/c0.png"
    labels = tmp_path / "labels.csv"
    labels.write_text("path,label\ncat/c1.png,dog\n")
    cli(e, "data", "version", "vision/pets", "--from", "v3", "--status", "labeled", "--labels", str(labels))
    d = json.loads(cli(e, "--json", "data", "diff", "vision/pets@v3", "v4").stdout)
    assert d["label_changes"] == ["cat/c1.png"]

    assert "v5 now equals v1" in cli(e, "data", "rollback", "vision/pets@v1").stdout
    cli(e, "data", "checkout", "vision/pets@v5", str(tmp_path / "out5"))
    assert not filecmp.dircmp(tmp_path / "out1", tmp_path / "out5").diff_files

    # A run records the version it read; the version and the lineage list the run.
    exp = admin.ok("POST", "/api/v1/projects/vision/experiments", json={"name": "pets-cnn"})["experiment"]["experiment_id"]
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp, "run_name": "cnn-1"})["run"]["info"]["run_id"]
    assert "used vision/pets@v3" in cli(e, "data", "use", run, "vision/pets@v3").stdout
    v3 = admin.ok("GET", "/api/v1/projects/vision/datasets/pets/versions/v3")
    assert [r["run_id"] for r in v3["runs"]] == [run]
    lineage = admin.ok("GET", "/api/v1/projects/vision/datasets/pets/lineage")
    assert any(e_["relation"] == "used by" and e_["to"] == f"run:{run}" for e_ in lineage["edges"])
    # A run that read two versions is one node with two edges.
    cli(e, "data", "use", run, "vision/pets@v1")
    lineage = admin.ok("GET", "/api/v1/projects/vision/datasets/pets/lineage")
    assert [n["id"] for n in lineage["nodes"]].count(f"run:{run}") == 1
    assert sorted(e_["from"] for e_ in lineage["edges"] if e_["to"] == f"run:{run}") == sorted(
        n["id"] for n in lineage["nodes"] if n["kind"] == "version" and n["label"] in ("v1", "v3"))
    assert any(e_["relation"] == "derived from" for e_ in lineage["edges"])
    run_json = admin.ok("GET", f"/api/v1/runs/{run}")["run"]
    assert sorted(i["ref"] for i in run_json["inputs"]["moebius_inputs"]) == ["vision/pets@v1", "vision/pets@v3"]
    bad = admin.post(f"/api/v1/runs/{run}/inputs", json={"kind": "dataset_version", "ref": "vision/pets@v99"})
    assert bad.status_code == 404

    # Bundles: a seeded sample of one label.
    b1 = admin.ok("POST", "/api/v1/projects/vision/datasets/pets/bundles", json={"rounds": [1, 2], "path_prefix": "dog/", "sample_size": 5, "seed": 3})
    b2 = admin.ok("POST", "/api/v1/projects/vision/datasets/pets/bundles", json={"rounds": [1, 2], "path_prefix": "dog/", "sample_size": 5, "seed": 3})
    items = lambda n: [i["path"] for i in admin.ok("GET", f"/api/v1/projects/vision/datasets/pets/rounds/{n}")["items"]]
    assert items(b1["round"]["number"]) == items(b2["round"]["number"]) and len(items(b1["round"]["number"])) == 5
    assert all(p.startswith("dog/") for p in items(b1["round"]["number"]))

    # Search by tag finds the dataset.
    assert "vision/pets" in cli(e, "data", "list", "-q", "pets").stdout
    assert subprocess.run([BIN, "fsck", "--data-dir", server.data_dir], capture_output=True).returncode == 0


def test_bad_uploads_name_the_file_and_leave_no_round(env):
    server, admin, e = env
    admin.ok("POST", "/api/v1/projects/vision/datasets", json={"name": "tables", "domain": "tabular"})
    admin.ok("POST", "/api/v1/projects/vision/datasets", json={"name": "texts", "domain": "language"})
    cases = [
        ("tables", b"\x1f\x8b this is not gzip", "archive", None, "is not a readable archive"),
        ("tables", tar_bytes([("../escape.csv", b"a\n1\n")]), "archive", None, "'../escape.csv'"),
        ("tables", tar_bytes([("/etc/passwd.csv", b"a\n1\n")]), "archive", None, "absolute path"),
        ("texts", tar_bytes([("ok.txt", "좋다\n".encode()), ("bad.txt", b"line one\ncaf\xe9\n")]), "archive", None, "bad.txt line 2 is not valid UTF-8"),
        ("texts", tar_bytes([("nul.txt", b"one\ntwo\x00three\n")]), "archive", None, "nul.txt line 2 is not valid UTF-8"),
        ("tables", b"x" * (10 * 1024 * 1024) + b"\n1\n", "file", "huge.csv", "huge.csv: line 1"),
        ("tables", b"", "file", "empty.csv", "empty.csv: the file is empty"),
        ("tables", b"a,b,c\n1,2,3\n4,5\n", "file", "ragged.csv", "ragged.csv: line 3 has 2 fields; the header has 3"),
        ("tables", b"a,b\n1,caf\xe9\n", "file", "latin1.csv", "latin1.csv: line 2"),
        ("tables", b"\x00\x01binary", "file", "model.bin", "model.bin has an unsupported type"),
    ]
    for ds, payload, fmt, name, message in cases:
        r = upload(admin, "vision", ds, payload, fmt, name)
        assert r.status_code == 400, (message, r.status_code, r.text)
        assert message in r.json()["message"], (message, r.json()["message"])
    for ds in ("tables", "texts"):
        assert admin.ok("GET", f"/api/v1/projects/vision/datasets/{ds}")["rounds"] == []
    missing = admin.post("/api/v1/projects/vision/datasets/texts/versions", json={"rounds": [7]})
    assert missing.status_code == 404
    assert requests.get(server.url + "/healthz").status_code == 200


def test_resumable_upload_in_parts(env):
    server, admin, e = env
    admin.ok("POST", "/api/v1/projects/vision/datasets", json={"name": "parts", "domain": "language"})
    payload = tar_bytes([(f"t/{i}.txt", f"text {i}\n".encode()) for i in range(300)])
    base = "/api/v1/projects/vision/datasets/parts"
    up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
    chunks = [payload[i:i + 20000] for i in range(0, len(payload), 20000)]
    for n in (3, 1):  # out of order, and part 2 missing
        admin.ok("PUT", f"{base}/uploads/{up}/parts/{n}", data=chunks[n - 1])
    r = admin.post(f"{base}/uploads/{up}/complete", json={})
    assert r.status_code == 400 and "missing part 2" in r.json()["message"]
    got = [p["part"] for p in admin.ok("GET", f"{base}/uploads/{up}")["upload"]["parts"]]
    assert got == [1, 3]
    for n in range(2, len(chunks) + 1):
        if n != 3:
            admin.ok("PUT", f"{base}/uploads/{up}/parts/{n}", data=chunks[n - 1])
    round_ = admin.ok("POST", f"{base}/uploads/{up}/complete", json={"note": "in parts"})["round"]
    assert round_["items"] == 300 and round_["note"] == "in parts"


def test_kill9_during_large_ingest_leaves_no_partial_round(tmp_path):
    server = Server().start()
    try:
        admin = server.client(server.login("admin", server.admin_password()))
        admin.ok("POST", "/api/v1/projects", json={"name": "big"})
        admin.ok("POST", "/api/v1/projects/big/datasets", json={"name": "texts", "domain": "language"})
        rng = random.Random(5)
        payload = tar_bytes([(f"d{i % 50}/f{i}.txt", (f"{i} " + "".join(rng.choice("abcdef ") for _ in range(2000)) + "\n").encode())
                             for i in range(20000)])
        base = "/api/v1/projects/big/datasets/texts"
        up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
        admin.ok("PUT", f"{base}/uploads/{up}/parts/1", data=payload)
        import threading
        t = threading.Thread(target=lambda: requests.post(server.url + f"{base}/uploads/{up}/complete", json={},
                                                          headers=admin.s.headers, timeout=60))
        t.start()
        time.sleep(0.3)  # the ingest is under way
        server.kill9()
        t.join()
        server.start()
        admin = server.client(server.login("admin", server.admin_password()))
        rounds = admin.ok("GET", base)["rounds"]
        assert all(r["items"] == 20000 for r in rounds)  # the round is whole or absent
        fsck = subprocess.run([BIN, "fsck", "--data-dir", server.data_dir], capture_output=True, text=True)
        assert fsck.returncode == 0, fsck.stdout
        up = admin.ok("POST", base + "/uploads", json={})["upload"]["id"]
        admin.ok("PUT", f"{base}/uploads/{up}/parts/1", data=payload)
        r = admin.ok("POST", f"{base}/uploads/{up}/complete", json={})["round"]
        assert r["items"] == 20000
    finally:
        server.cleanup()


def test_dictionary_versions_diff_entry_by_entry(env, tmp_path):
    server, admin, e = env
    cli(e, "data", "create", "vision/lexicon", "--domain", "language")
    make_tree(tmp_path / "d1", {"dictionary/nouns.tsv": "# 명사 사전\n사과\tNNG\n배\tNNG\n사과\tNNP\n".encode(), "texts/a.txt": "사과를 먹었다\n".encode()})
    make_tree(tmp_path / "d2", {"dictionary/nouns.tsv": "사과\tNNP\n배\tNNG\n포도\tNNG\n".encode()})
    cli(e, "data", "ingest", "vision/lexicon", str(tmp_path / "d1"))
    cli(e, "data", "ingest", "vision/lexicon", str(tmp_path / "d2"))
    cli(e, "data", "version", "vision/lexicon", "--round", "1")
    cli(e, "data", "version", "vision/lexicon", "--round", "1", "--round", "2")
    out = cli(e, "data", "diff", "vision/lexicon@v1", "v2").stdout
    assert "dictionary dictionary/nouns.tsv: 1 terms added, 0 removed, 1 changed" in out, out
    assert "+  포도" in out and "~  사과: NNG -> NNP" in out
    q = admin.ok("GET", "/api/v1/projects/vision/datasets/lexicon/versions/v1/quality")
    assert q["dictionaries"] == [{"path": "dictionary/nouns.tsv", "entries": 2, "duplicate_terms": 1, "example_lines": [4]}]
    # A dictionary line with no term is refused at ingest, naming the file and line.
    r = upload(admin, "vision", "lexicon", tar_bytes([("dict/bad.tsv", "좋다\tVA\n\tNNG\n".encode())]))
    assert r.status_code == 400 and "dict/bad.tsv line 2 has an empty term" in r.json()["message"]
