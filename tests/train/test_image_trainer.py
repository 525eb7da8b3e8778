"""The built-in image classifier (issue 4 item 4, FE-4): `moebius train image` on a vision
dataset made here — three classes of coloured shapes on a noisy background, 32×32 PNGs written
with zlib + struct — uploaded through the API, labeled from its folders and split (stratified)
through the data API, then trained as real jobs of the embedded worker with payload.data (the
version materialized with its .moebius/manifest.jsonl, which carries labels and splits) and an
experiment. Checks the run (FINISHED, params, per-epoch metrics, artifacts, the test evaluation
clearly above chance, perf.*), that one seed gives the same model.pt bytes in two jobs and
another seed different ones, and that a one-class training set fails the job with a clear error
in its log and a FAILED run, nothing left queued."""
import hashlib
import json
import os
import struct
import sys
import zlib

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import Server  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "data"))
from datahelpers import tar_bytes, upload  # noqa: E402
sys.path.insert(0, os.path.dirname(__file__))
from trainhelpers import job_log, wait_job, wait_study  # noqa: E402

P = "/api/v1/projects/vis/datasets"
ML = "/api/2.0/mlflow/"
SIZE = 32
COLOURS = {"red": (220, 40, 40), "green": (40, 200, 60), "blue": (40, 60, 220)}


def png(pixels, width, height):
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        rows.extend(pixels[y * width * 3:(y + 1) * width * 3])

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b"")


def shape_image(cls, i):
    """A grey noisy background with a coloured shape of class `cls` at a position that varies with i."""
    state = (i * 2654435761 + len(cls) * 97) & 0xFFFFFFFF

    def noise():
        nonlocal state
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        return (state >> 16) % 41 - 20

    cx, cy = 10 + (i * 7) % 12, 10 + (i * 5) % 12
    r = 6 + i % 3
    px = bytearray()
    for y in range(SIZE):
        for x in range(SIZE):
            if cls == "red":  # a square
                inside = abs(x - cx) <= r and abs(y - cy) <= r
            elif cls == "green":  # a disc
                inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
            else:  # a horizontal bar
                inside = abs(y - cy) <= 2 and abs(x - cx) <= r + 4
            base = COLOURS[cls] if inside else (120, 120, 120)
            px.extend(max(0, min(255, c + noise())) for c in base)
    return png(px, SIZE, SIZE)


def vision_dataset(admin, name, classes, per_class):
    """Uploads <class>/<i>.png, labels from folders (v2) and splits stratified (v3); returns 3."""
    admin.ok("POST", P, json={"name": name, "domain": "vision"})
    members = [(f"{c}/{i:03d}.png", shape_image(c, i)) for c in classes for i in range(per_class)]
    r = upload(admin, "vis", name, tar_bytes(members))
    assert r.status_code == 200, r.text
    admin.ok("POST", f"{P}/{name}/versions", json={"status": "raw", "rounds": [1]})
    admin.ok("POST", f"{P}/{name}/versions", json={"status": "labeled", "from_version": "v1", "labels": {"from": "folders"}})
    method = "stratified" if len(classes) > 1 else "random"
    spec = {"method": method, "ratios": {"train": 0.6, "val": 0.2, "test": 0.2}, "seed": 3}
    v = admin.ok("POST", f"{P}/{name}/versions", json={"status": "split", "from_version": "v2", "split": spec})["version"]
    return v["number"]


@pytest.fixture(scope="module")
def env():
    server = Server(extra_args=["--workers", "1"]).start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "vis"})
    versions = {"shapes": vision_dataset(admin, "shapes", ["red", "green", "blue"], 24),
                "mono": vision_dataset(admin, "mono", ["red"], 12)}
    yield server, admin, versions
    server.cleanup()


def command(*extra, seed=7):
    return ["moebius", "train", "image", "--data", "data/shapes", "--size", "32", "--width", "8", "--blocks", "3",
            "--epochs", "6", "--batch-size", "8", "--lr", "0.01", "--augment", "flip,crop,brightness,contrast",
            "--seed", str(seed), "--threads", "2", "--perf-calls", "50", *extra]


def submit(admin, cmd, dataset, version, experiment):
    body = {"payload": {"command": cmd, "data": [{"dataset": dataset, "version": version, "path": "data/" + dataset}]},
            "experiment": experiment}
    return admin.ok("POST", "/api/v1/projects/vis/jobs", json=body)["job"]


def artifact(admin, run_id, path):
    r = admin.get(f"/api/v1/runs/{run_id}/artifacts/content", params={"path": path})
    assert r.status_code == 200, (path, r.status_code)
    return r.content


def test_a_job_trains_the_image_classifier_and_logs_the_run(env):
    server, admin, versions = env
    job = submit(admin, command(), "shapes", versions["shapes"], "image-e2e")
    j = wait_job(admin, job["id"])
    log = job_log(admin, job["id"])
    assert j["state"] == "succeeded", log
    assert "labels from manifest" in log  # the job's data folder carries .moebius/manifest.jsonl
    run_id = job["run_id"]
    run = admin.ok("GET", ML + "runs/get", params={"run_id": run_id})["run"]
    assert run["info"]["status"] == "FINISHED"
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params["trainer"] == "image" and params["task"] == "multiclass" and params["num_classes"] == "3"
    assert params["augment"] == "flip,crop,brightness,contrast" and params["augment.crop_pad"] == "4"
    assert params["size"] == "32" and params["epochs"] == "6" and params["seed"] == "7"
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags.get("moebius.trainer") == "image"
    m = {x["key"]: x["value"] for x in run["data"]["metrics"]}
    assert m["rows_train"] + m["rows_valid"] + m["rows_test"] == 72
    for key in ("perf.latency_p50_ms", "perf.latency_p99_ms", "perf.throughput_rows_per_s", "perf.model_rss_mb",
                "perf.peak_rss_mb", "test_accuracy", "epochs_trained"):
        assert key in m, key
    assert m["perf.latency_p99_ms"] >= m["perf.latency_p50_ms"] > 0
    assert m["test_accuracy"] > 0.7, m["test_accuracy"]  # chance is 1/3
    for key in ("train-loss", "train-accuracy", "valid-loss", "valid-accuracy"):
        hist = admin.ok("GET", ML + "metrics/get-history", params={"run_id": run_id, "metric_key": key})["metrics"]
        assert sorted(h["step"] for h in hist) == list(range(6)), key
    loss = sorted(admin.ok("GET", ML + "metrics/get-history", params={"run_id": run_id, "metric_key": "train-loss"})["metrics"],
                  key=lambda h: h["step"])
    assert loss[-1]["value"] < loss[0]["value"]

    files = {f["path"].split("/")[-1] for f in admin.ok("GET", f"/api/v1/runs/{run_id}/artifacts", params={"path": "model"})["files"]}
    assert {"model.pt", "transform.json", "signature.json"} <= files, files
    spec = json.loads(artifact(admin, run_id, "model/transform.json"))
    assert spec["kind"] == "image" and spec["size"] == 32 and spec["classes"] == ["blue", "green", "red"]
    assert len(spec["mean"]) == 3 and all(s > 0 for s in spec["std"])
    sig = json.loads(artifact(admin, run_id, "model/signature.json"))
    assert sig["inputs"][0]["type"] == "bytes" and sig["output"]["classes"] == ["blue", "green", "red"]
    assert artifact(admin, run_id, "model/model.pt")[:2] == b"PK"  # torch::save's zip archive
    perf = json.loads(artifact(admin, run_id, "perf.json"))
    assert perf["latency_calls"] == 50
    evaluation = json.loads(artifact(admin, run_id, "evaluations/test.json"))
    assert evaluation["problem"] == "classification"
    stored = admin.ok("GET", f"/api/v1/runs/{run_id}/evaluation", params={"name": "test"})["evaluation"]
    assert stored is not None


def test_the_same_seed_gives_the_same_model_bytes(env):
    server, admin, versions = env
    shas = []
    for seed in (11, 11, 12):
        job = submit(admin, command("--no-perf", seed=seed), "shapes", versions["shapes"], "image-determinism")
        j = wait_job(admin, job["id"])
        assert j["state"] == "succeeded", job_log(admin, job["id"])
        shas.append(hashlib.sha256(artifact(admin, job["run_id"], "model/model.pt")).hexdigest())
        run = admin.ok("GET", ML + "runs/get", params={"run_id": job["run_id"]})["run"]
        assert not any(x["key"].startswith("perf.") for x in run["data"]["metrics"])
    assert shas[0] == shas[1]
    assert shas[0] != shas[2]


def test_a_one_class_training_set_fails_the_job_clearly(env):
    server, admin, versions = env
    cmd = ["moebius", "train", "image", "--data", "data/mono", "--size", "16", "--epochs", "1", "--threads", "1"]
    job = submit(admin, cmd, "mono", versions["mono"], "image-bad")
    j = wait_job(admin, job["id"])
    assert j["state"] == "failed"
    log = job_log(admin, job["id"])
    assert "the train split has only one class ('red')" in log, log
    run = admin.ok("GET", ML + "runs/get", params={"run_id": job["run_id"]})["run"]
    assert run["info"]["status"] == "FAILED"
    # A bad option fails before any data is read, and nothing is left queued.
    bad = command()
    bad[bad.index("--augment") + 1] = "flip,blur"
    job = submit(admin, bad, "shapes", versions["shapes"], "image-bad")
    j = wait_job(admin, job["id"])
    assert j["state"] == "failed"
    assert "unknown operation 'blur'" in job_log(admin, job["id"])
    jobs = admin.ok("GET", "/api/v1/projects/vis/jobs")["jobs"]
    assert not [x for x in jobs if x["state"] in ("queued", "running")]


def test_the_image_trainer_is_an_automl_algorithm_by_name(env):
    server, admin, versions = env
    admin.ok("POST", "/api/v1/projects/vis/experiments", json={"name": "vis-automl"})
    body = {"name": "vis-automl", "experiment": "vis-automl", "objective": {"metric": "valid_score", "goal": "minimize"},
            "algorithms": [{"name": "cnn", "trainer": "image",
                            "args": {"size": 32, "epochs": 3, "batch_size": 8, "early_stopping": 0, "seed": 7},
                            "space": [{"name": "lr", "type": "float", "low": 0.003, "high": 0.03, "log": True},
                                      {"name": "width", "type": "int", "low": 4, "high": 8}]}],
            "sampler": {"type": "random", "seed": 1}, "n_trials": 2, "parallelism": 1,
            "trial": {"data": [{"dataset": "shapes", "version": versions["shapes"]}], "resources": {"cpus": 1}, "max_attempts": 1}}
    sid = admin.ok("POST", "/api/v1/projects/vis/studies", json=body)["study"]["id"]
    wait_study(admin, sid)
    trials = admin.ok("GET", f"/api/v1/studies/{sid}/trials")["trials"]
    assert [t["state"] for t in trials] == ["complete", "complete"], [(t["state"], t["error"], job_log(admin, t["job_id"])[-800:]) for t in trials]
    for t in trials:
        run = admin.ok("GET", ML + "runs/get", params={"run_id": t["run_id"]})["run"]
        params = {p["key"]: p["value"] for p in run["data"]["params"]}
        metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
        assert params["trainer"] == "image" and params["width"] == str(t["params"]["cnn.width"])
        assert float(params["lr"]) == pytest.approx(t["params"]["cnn.lr"], rel=1e-9)
        assert t["value"] == pytest.approx(metrics["valid_score"])
    bad = dict(body, name="bad", algorithms=[{"name": "cnn", "trainer": "image", "space": [{"name": "eta", "type": "float", "low": 0.1, "high": 0.2}]}])
    r = admin.request("POST", "/api/v1/projects/vis/studies", json=bad)
    assert r.status_code == 400 and "no parameter 'eta'" in r.json()["message"], r.text
