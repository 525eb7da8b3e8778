"""Triton model repositories (INF-4, INF-5, EXP-10) with a real server, Debian's protoc and
python3-protobuf, and a real XGBoost model: a registered version exported in Triton's layout,
its config.pbtxt parsed against our model_config.proto by protobuf's own Python text format and
printed back unchanged, `moebius package verify` on the folder (hashes, config against model, one
inference), the repository re-imported as a new version that predicts exactly what the original
does, an ensemble, and the refusals: a changed file, a path that leaves the repository, a viewer."""
import importlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np
import pytest
import xgboost as xgb

from moebius_server import BIN, ROOT, Server
from test_registry import train_model

P = "tri"
MLF = "/api/2.0/mlflow"


@pytest.fixture(scope="module")
def model_config_pb2():
    """model_config.proto compiled by Debian's protoc for python3-protobuf."""
    out = tempfile.mkdtemp()
    proto_dir = os.path.join(ROOT, "src", "triton")
    subprocess.run(["protoc", f"--python_out={out}", f"-I{proto_dir}", os.path.join(proto_dir, "model_config.proto")], check=True)
    sys.path.insert(0, out)
    try:
        yield importlib.import_module("model_config_pb2")
    finally:
        sys.path.remove(out)


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": P})
    admin.ok("POST", "/api/v1/users", json={"username": "look", "password": "look-password-1", "global_role": "viewer"})
    admin.ok("PUT", f"/api/v1/projects/{P}/members/look", json={"role": "viewer"})
    viewer = server.client(server.login("look", "look-password-1"))
    model_bytes, x = train_model(seed=1, features=6)
    exp = admin.ok("POST", f"{MLF}/experiments/create", json={"name": "tri-exp"}, headers={"X-Moebius-Project": P})["experiment_id"]
    run = admin.ok("POST", f"{MLF}/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    signature = {"format": "moebius.signature", "version": 1, "inputs": [{"name": f"f{i}", "type": "float"} for i in range(6)],
                 "features": [{"name": f"f{i}", "type": "float"} for i in range(6)],
                 "output": {"task": "binary", "classes": ["no", "yes"], "type": "probability of classes[1]"}}
    files = {"model/model.json": model_bytes, "model/signature.json": json.dumps(signature).encode(),
             "model/transform.json": json.dumps({"format": "moebius.transform", "steps": []}).encode()}
    for path, data in files.items():
        admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/{path}", data=data)
    v = admin.ok("POST", f"/api/v1/projects/{P}/models/churn/versions", json={"run_id": run, "path": "model"})["version"]
    yield server, admin, viewer, v, x
    server.cleanup()


def export_tar(client, model, version):
    r = client.get(f"/api/v1/models/{model}/versions/{version}/export")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/x-tar")
    return r.content


def extract(tar_bytes, dest):
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as t:
        t.extractall(dest)
    return dest


def predict(model_bytes, x):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        open(path, "wb").write(model_bytes)
        b = xgb.Booster()
        b.load_model(path)
        return b.predict(xgb.DMatrix(x))


def test_export_is_tritons_layout_and_protobuf_reads_the_config_back_unchanged(env, model_config_pb2):
    from google.protobuf import text_format

    _, admin, _, v, _ = env
    with tempfile.TemporaryDirectory() as d:
        repo = extract(export_tar(admin, "churn", v["version"]), d)
        n = str(v["version"])
        assert os.path.isfile(os.path.join(repo, "churn", "config.pbtxt"))
        assert os.path.isfile(os.path.join(repo, "churn", n, "xgboost.json"))
        assert os.path.isfile(os.path.join(repo, "churn", n, "moebius", "transform.json"))
        assert os.path.isfile(os.path.join(repo, "churn", n, "moebius", "signature.json"))
        text = open(os.path.join(repo, "churn", "config.pbtxt")).read()
        config = text_format.Parse(text, model_config_pb2.ModelConfig())
        assert config.name == "churn" and config.backend == "fil"
        assert [(i.name, i.data_type, list(i.dims)) for i in config.input] == [("input__0", model_config_pb2.TYPE_FP32, [6])]
        assert list(config.output[0].dims) == [2]
        assert config.parameters["model_type"].string_value == "xgboost_json"
        assert config.instance_group[0].kind == model_config_pb2.ModelInstanceGroup.KIND_CPU
        assert config.HasField("dynamic_batching") and config.max_batch_size == 1024
        # Round trip: protobuf's own printer gives back the bytes the server wrote.
        assert text_format.MessageToString(config) == text
        manifest = json.load(open(os.path.join(repo, "moebius-repository.json")))
        assert manifest["format"] == "moebius.triton-repository"
        assert manifest["models"][0]["content_sha256"] == v["content_sha256"]
        assert manifest["models"][0]["lineage"]["run"]["id"] == v["run_id"]


def test_verify_checks_the_folder_and_runs_one_inference(env):
    _, admin, _, v, _ = env
    with tempfile.TemporaryDirectory() as d:
        repo = extract(export_tar(admin, "churn", v["version"]), d)
        r = subprocess.run([BIN, "package", "verify", repo, "--json"], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        report = json.loads(r.stdout)
        assert report["ok"] and report["manifest"] and report["problems"] == []
        inference = report["models"][0]["inference"]
        assert inference["ran"] and len(inference["output"]) == 1 and 0.0 <= inference["output"][0] <= 1.0
        # A changed byte, and a file the manifest does not list: each named, exit status 1.
        with open(os.path.join(repo, "churn", str(v["version"]), "moebius", "transform.json"), "a") as f:
            f.write(" ")
        open(os.path.join(repo, "churn", "stray.txt"), "w").write("x")
        r = subprocess.run([BIN, "package", "verify", repo, "--json"], capture_output=True, text=True)
        assert r.returncode != 0
        problems = json.loads(r.stdout)["problems"]
        assert any("transform.json does not match the manifest" in p for p in problems), problems
        assert any("stray.txt is not in the manifest" in p for p in problems), problems


def test_reimported_version_predicts_exactly_what_the_original_does(env):
    server, admin, _, v, x = env
    tar = export_tar(admin, "churn", v["version"])
    r = admin.post(f"/api/v1/projects/{P}/models/import?model=churn-copy", data=tar, headers={"Content-Type": "application/x-tar"})
    assert r.status_code == 201, r.text
    imported = r.json()["versions"][0]
    assert imported["model"] == "churn-copy" and imported["content_sha256"] == v["content_sha256"]
    assert imported["lineage"]["imported"]["registered_model"] == "churn"
    assert imported["lineage"]["run"]["id"] == v["run_id"]
    assert imported["signature"] == v["signature"]
    # Both versions' model files, through their own exports, predict the same to the last bit.
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        a = extract(tar, d1)
        b = extract(export_tar(admin, "churn-copy", imported["version"]), d2)
        pa = predict(open(os.path.join(a, "churn", str(v["version"]), "xgboost.json"), "rb").read(), x)
        pb = predict(open(os.path.join(b, "churn-copy", str(imported["version"]), "xgboost.json"), "rb").read(), x)
        assert np.array_equal(pa, pb)


def test_an_ensemble_of_two_versions(env, model_config_pb2):
    from google.protobuf import text_format

    _, admin, _, v, _ = env
    body = {"versions": [{"model": "churn", "version": v["version"]}, {"model": "churn-copy", "version": 1}], "ensemble": "both"}
    r = admin.post(f"/api/v1/projects/{P}/models/export", json=body)
    assert r.status_code == 200, r.text
    with tempfile.TemporaryDirectory() as d:
        repo = extract(r.content, d)
        config = text_format.Parse(open(os.path.join(repo, "both", "config.pbtxt")).read(), model_config_pb2.ModelConfig())
        assert config.platform == "ensemble"
        assert sorted(s.model_name for s in config.ensemble_scheduling.step) == ["churn", "churn-copy"]
        assert len(config.output) == 2


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_bad_repositories_are_refused_and_nothing_is_registered(env):
    _, admin, viewer, v, _ = env
    before = admin.ok("GET", f"/api/v1/projects/{P}/models")["models"]
    with tempfile.TemporaryDirectory() as d:
        repo = extract(export_tar(admin, "churn", v["version"]), d)
        files = {}
        for root, _, names in os.walk(repo):
            for n in names:
                p = os.path.join(root, n)
                files[os.path.relpath(p, repo)] = open(p, "rb").read()
    changed = dict(files)
    key = f"churn/{v['version']}/moebius/transform.json"
    changed[key] = changed[key] + b" "
    r = admin.post(f"/api/v1/projects/{P}/models/import?model=tampered", data=tar_of(changed))
    assert r.status_code == 400, r.text
    assert r.json()["error_code"] == "INVALID_REPOSITORY"
    assert any("does not match the manifest" in p for p in r.json()["problems"])

    escaping = dict(files)
    escaping["../outside.txt"] = b"x"
    r = admin.post(f"/api/v1/projects/{P}/models/import?model=escaping", data=tar_of(escaping))
    assert r.status_code == 400, r.text

    r = admin.post(f"/api/v1/projects/{P}/models/import", data=b"not a tar at all")
    assert r.status_code == 400, r.text

    r = viewer.post(f"/api/v1/projects/{P}/models/import?model=viewer", data=tar_of(files))
    assert r.status_code == 403, r.text
    assert admin.ok("GET", f"/api/v1/projects/{P}/models")["models"] == before
