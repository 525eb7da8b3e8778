"""The model registry (REG-1 to REG-3) through MLflow 2.x's REST API and the native routes, with a
real server and a real XGBoost model (python3-xgboost): what an MLflow client does to register a
run's model and load it by alias, MLflow's error codes and semantics, stage history, lineage,
and the refusals (no model in the folder, a run of another project, a viewer, production
without an approved request)."""
import json
import os
import tempfile

import numpy as np
import pytest
import xgboost as xgb

from moebius_server import Server

P = "reg"
MLF = "/api/2.0/mlflow"


def train_model(seed=0, features=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, features)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.float32)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "seed": seed}, xgb.DMatrix(x, label=y), num_boost_round=8)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        booster.save_model(path)
        return open(path, "rb").read(), x


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    for name in (P, "other"):
        admin.ok("POST", "/api/v1/projects", json={"name": name})
    users = {}
    for name, role in (("dev", "model-developer"), ("look", "viewer"), ("boss", "approver")):
        admin.ok("POST", "/api/v1/users", json={"username": name, "password": f"{name}-password-1", "global_role": "viewer"})
        admin.ok("PUT", f"/api/v1/projects/{P}/members/{name}", json={"role": role})
        users[name] = server.client(server.login(name, f"{name}-password-1"))
    yield server, admin, users
    server.cleanup()


def new_run(client, project, files):
    """A run in `project` with `files` ({path: bytes}) as artifacts; returns its id."""
    exp_name = f"{project}-exp"
    found = client.get(f"{MLF}/experiments/get-by-name", params={"experiment_name": exp_name})
    if found.status_code == 200:
        exp = found.json()["experiment"]["experiment_id"]
    else:
        exp = client.ok("POST", f"{MLF}/experiments/create", json={"name": exp_name}, headers={"X-Moebius-Project": project})["experiment_id"]
    run = client.ok("POST", f"{MLF}/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    for path, data in files.items():
        client.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/{path}", data=data)
    return run


def error(r, status, code):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.json()["error_code"] == code, r.text
    return r.json()["message"]


def test_register_from_a_run_and_load_by_alias_as_an_mlflow_client_does(env):
    server, admin, u = env
    dev = u["dev"]
    model_bytes, x = train_model()
    signature = {"format": "moebius.signature", "version": 1, "inputs": [{"name": f"f{i}", "type": "float"} for i in range(4)],
                 "features": [{"name": f"f{i}", "type": "float"} for i in range(4)], "output": {"task": "binary", "type": "probability of classes[1]"}}
    run = new_run(dev, P, {"model/model.json": model_bytes, "model/signature.json": json.dumps(signature).encode()})

    # mlflow.register_model(f"runs:/{run}/model", "churn"): create the model, then the version.
    rm = dev.ok("POST", f"{MLF}/registered-models/create", json={"name": "churn", "description": "churn classifier"},
                headers={"X-Moebius-Project": P})["registered_model"]
    assert rm["name"] == "churn" and rm["latest_versions"] == [] and rm["aliases"] == []
    mv = dev.ok("POST", f"{MLF}/model-versions/create", json={"name": "churn", "source": f"runs:/{run}/model", "run_id": run})["model_version"]
    assert mv["version"] == "1" and mv["status"] == "READY" and mv["current_stage"] == "None" and mv["run_id"] == run
    dev.ok("POST", f"{MLF}/registered-models/alias", json={"name": "churn", "alias": "champion", "version": "1"})

    # mlflow.pyfunc.load_model("models:/churn@champion"): the alias, the download URI, the files.
    by_alias = dev.ok("GET", f"{MLF}/registered-models/alias", params={"name": "churn", "alias": "champion"})["model_version"]
    assert by_alias["version"] == "1" and by_alias["aliases"] == ["champion"]
    uri = dev.ok("GET", f"{MLF}/model-versions/get-download-uri", params={"name": "churn", "version": by_alias["version"]})["artifact_uri"]
    assert uri.startswith("mlflow-artifacts:/") and uri.endswith(f"/{run}/artifacts/model")
    listed = dev.ok("GET", "/api/2.0/mlflow-artifacts/artifacts", params={"path": uri[len("mlflow-artifacts:/"):]})["files"]
    assert sorted(f["path"] for f in listed) == ["model.json", "signature.json"]
    got = dev.get(f"/api/2.0/mlflow-artifacts/artifacts/{uri[len('mlflow-artifacts:/'):]}/model.json")
    assert got.status_code == 200 and got.content == model_bytes
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "m.json"), "wb").write(got.content)
        loaded = xgb.Booster()
        loaded.load_model(os.path.join(d, "m.json"))
    original = xgb.Booster()
    original.load_model(bytearray(model_bytes))
    assert np.array_equal(loaded.predict(xgb.DMatrix(x)), original.predict(xgb.DMatrix(x)))

    # What the registry keeps beyond MLflow: format, files by hash, signature, lineage.
    native = dev.ok("GET", "/api/v1/models/churn/versions/1")["version"]
    assert native["format"] == "xgboost" and native["flavor"] == "moebius" and native["model_file"] == "model.json"
    assert {f["path"]: f["role"] for f in native["files"]} == {"model.json": "model", "signature.json": "signature"}
    assert native["signature"]["inputs"][0] == {"name": "f0", "datatype": "FP64", "shape": [-1]}
    assert native["lineage"]["run"]["id"] == run and native["lineage"]["experiment"]["name"] == f"{P}-exp"
    assert len(native["content_sha256"]) == 64 and native["stage_history"] == []


def test_mlflow_error_codes_and_semantics(env):
    server, admin, u = env
    dev = u["dev"]
    model_bytes, _ = train_model(1)
    run = new_run(dev, P, {"model/model.json": model_bytes})
    dev.ok("POST", f"{MLF}/registered-models/create", json={"name": "fraud", "tags": [{"key": "team", "value": "risk"}]},
           headers={"X-Moebius-Project": P})
    # A duplicate name.
    error(dev.post(f"{MLF}/registered-models/create", json={"name": "fraud"}, headers={"X-Moebius-Project": P}), 400, "RESOURCE_ALREADY_EXISTS")
    for _ in range(3):
        dev.ok("POST", f"{MLF}/model-versions/create", json={"name": "fraud", "source": f"runs:/{run}/model"})
    # An unknown version, an unknown model.
    error(dev.get(f"{MLF}/model-versions/get", params={"name": "fraud", "version": "9"}), 404, "RESOURCE_DOES_NOT_EXIST")
    error(dev.get(f"{MLF}/registered-models/get", params={"name": "nope"}), 404, "RESOURCE_DOES_NOT_EXIST")
    # A bad filter.
    msg = error(dev.get(f"{MLF}/registered-models/search", params={"filter": "name = fraud"}), 400, "INVALID_PARAMETER_VALUE")
    assert "quoted string" in msg
    error(dev.get(f"{MLF}/model-versions/search", params={"filter": "metrics.x > 1"}), 400, "INVALID_PARAMETER_VALUE")
    # An alias on a missing version; a reserved alias.
    error(dev.post(f"{MLF}/registered-models/alias", json={"name": "fraud", "alias": "champion", "version": "7"}), 404, "RESOURCE_DOES_NOT_EXIST")
    error(dev.post(f"{MLF}/registered-models/alias", json={"name": "fraud", "alias": "v2", "version": "1"}), 400, "INVALID_PARAMETER_VALUE")

    # Search: by name and tag, paging.
    found = dev.ok("GET", f"{MLF}/registered-models/search", params={"filter": "tags.team = 'risk' AND name LIKE 'fr%'"})
    assert [m["name"] for m in found["registered_models"]] == ["fraud"]
    page = dev.ok("GET", f"{MLF}/model-versions/search", params={"filter": "name = 'fraud'", "max_results": 2})
    assert [v["version"] for v in page["model_versions"]] and "next_page_token" in page
    rest = dev.ok("GET", f"{MLF}/model-versions/search", params={"filter": "name = 'fraud'", "max_results": 2, "page_token": page["next_page_token"]})
    assert sorted(int(v["version"]) for v in page["model_versions"] + rest["model_versions"]) == [1, 2, 3]
    runs = dev.ok("POST", f"{MLF}/model-versions/search", json={"filter": f"run_id IN ('{run}', 'x')"})["model_versions"]
    assert len(runs) == 3

    # Stages: Staging with archive_existing_versions archives the one before; history kept.
    dev.ok("POST", f"{MLF}/model-versions/transition-stage", json={"name": "fraud", "version": "1", "stage": "Staging", "archive_existing_versions": False})
    v2 = dev.ok("POST", f"{MLF}/model-versions/transition-stage",
                json={"name": "fraud", "version": "2", "stage": "staging", "archive_existing_versions": True, "comment": "better recall"})["model_version"]
    assert v2["current_stage"] == "Staging"
    assert dev.ok("GET", f"{MLF}/model-versions/get", params={"name": "fraud", "version": "1"})["model_version"]["current_stage"] == "Archived"
    history = dev.ok("GET", "/api/v1/models/fraud/versions/1")["version"]["stage_history"]
    assert [(h["from"], h["to"], h["by"]) for h in history] == [("development", "staging", "dev"), ("staging", "archived", "dev")]
    assert history[1]["archived_for"] is not None
    latest = dev.ok("POST", f"{MLF}/registered-models/get-latest-versions", json={"name": "fraud", "stages": ["Staging"]})["model_versions"]
    assert [v["version"] for v in latest] == ["2"]
    error(dev.post(f"{MLF}/model-versions/transition-stage", json={"name": "fraud", "version": "2", "stage": "Live"}), 400, "INVALID_PARAMETER_VALUE")
    # Production only through an approved request.
    msg = error(dev.post(f"{MLF}/model-versions/transition-stage", json={"name": "fraud", "version": "2", "stage": "Production"}), 409, "APPROVAL_REQUIRED")
    assert "approved request" in msg
    assert dev.ok("GET", f"{MLF}/model-versions/get", params={"name": "fraud", "version": "2"})["model_version"]["current_stage"] == "Staging"

    # Tags: set, delete (an absent one too, as MLflow).
    dev.ok("POST", f"{MLF}/model-versions/set-tag", json={"name": "fraud", "version": "3", "key": "validated", "value": "yes"})
    assert dev.ok("GET", f"{MLF}/model-versions/get", params={"name": "fraud", "version": "3"})["model_version"]["tags"] == [{"key": "validated", "value": "yes"}]
    dev.ok("DELETE", f"{MLF}/registered-models/delete-tag", json={"name": "fraud", "key": "absent"})
    # Rename carries the versions; delete removes the model with its versions.
    dev.ok("POST", f"{MLF}/registered-models/rename", json={"name": "fraud", "new_name": "fraud-xgb"})
    assert dev.ok("GET", f"{MLF}/model-versions/get", params={"name": "fraud-xgb", "version": "3"})["model_version"]["name"] == "fraud-xgb"
    dev.ok("DELETE", f"{MLF}/registered-models/delete", json={"name": "fraud-xgb"})
    error(dev.get(f"{MLF}/model-versions/get", params={"name": "fraud-xgb", "version": "3"}), 404, "RESOURCE_DOES_NOT_EXIST")
    # Versions are numbered on: a recreated model starts at 1 again (a new model).
    dev.ok("POST", f"{MLF}/registered-models/create", json={"name": "fraud-xgb"}, headers={"X-Moebius-Project": P})
    assert dev.ok("POST", f"{MLF}/model-versions/create", json={"name": "fraud-xgb", "source": f"runs:/{run}/model"})["model_version"]["version"] == "1"


def test_bad_sources_and_roles_are_refused_and_change_nothing(env):
    server, admin, u = env
    dev, look = u["dev"], u["look"]
    dev.ok("POST", f"{MLF}/registered-models/create", json={"name": "empty"}, headers={"X-Moebius-Project": P})
    notes = new_run(dev, P, {"model/notes.txt": b"not a model"})
    msg = error(dev.post(f"{MLF}/model-versions/create", json={"name": "empty", "source": f"runs:/{notes}/model"}), 400, "INVALID_PARAMETER_VALUE")
    assert "no model file found" in msg
    # A model file whose signature disagrees with it.
    model_bytes, _ = train_model(2, features=4)
    sig = {"format": "moebius.signature", "version": 1, "inputs": [{"name": "a", "type": "float"}], "features": [{"name": "a", "type": "float"}]}
    wrong = new_run(dev, P, {"model/model.json": model_bytes, "model/signature.json": json.dumps(sig).encode()})
    msg = error(dev.post(f"{MLF}/model-versions/create", json={"name": "empty", "source": f"runs:/{wrong}/model"}), 400, "INVALID_PARAMETER_VALUE")
    assert "gives 1 features but model.json was trained on 4" in msg
    # A run of another project.
    foreign = new_run(admin, "other", {"model/model.json": model_bytes})
    msg = error(dev.post(f"{MLF}/model-versions/create", json={"name": "empty", "source": f"runs:/{foreign}/model"}), 400, "INVALID_PARAMETER_VALUE")
    assert "another project" in msg
    # A source that is no run URI, and run_id disagreeing with it.
    error(dev.post(f"{MLF}/model-versions/create", json={"name": "empty", "source": "s3://bucket/model"}), 400, "INVALID_PARAMETER_VALUE")
    error(dev.post(f"{MLF}/model-versions/create", json={"name": "empty", "source": f"runs:/{notes}/model", "run_id": wrong}), 400, "INVALID_PARAMETER_VALUE")
    assert dev.ok("GET", f"{MLF}/registered-models/get", params={"name": "empty"})["registered_model"]["latest_versions"] == []
    # A viewer reads but does not register or move.
    assert look.ok("GET", f"{MLF}/registered-models/get", params={"name": "empty"})["registered_model"]["name"] == "empty"
    error(look.post(f"{MLF}/registered-models/create", json={"name": "mine"}, headers={"X-Moebius-Project": P}), 403, "PERMISSION_DENIED")
    error(look.post(f"/api/v1/projects/{P}/models/empty/versions", json={"run_id": notes}), 403, "PERMISSION_DENIED")
    # A non-member sees nothing of the project's models.
    listed = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/users", json={"username": "outsider", "password": "outsider-password-1", "global_role": "viewer"})
    out = server.client(server.login("outsider", "outsider-password-1"))
    assert out.ok("GET", f"{MLF}/registered-models/search")["registered_models"] == []
    assert out.get(f"{MLF}/registered-models/get", params={"name": "empty"}).status_code == 404
    assert listed.ok("GET", f"/api/v1/projects/{P}/models")["models"]


def test_an_mlflow_model_directory_registers_with_its_signature(env):
    server, admin, u = env
    dev = u["dev"]
    model_bytes, _ = train_model(3, features=2)
    mlmodel = (
        "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.xgboost\n    data: model.xgb\n"
        "  xgboost:\n    data: model.xgb\n    model_class: xgboost.core.Booster\n"
        "signature:\n  inputs: '[{\"name\": \"x1\", \"type\": \"double\"}, {\"name\": \"x2\", \"type\": \"double\"}]'\n"
        "  outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1]}}]'\n")
    run = new_run(dev, P, {"model/MLmodel": mlmodel.encode(), "model/model.xgb": model_bytes, "model/requirements.txt": b"xgboost\n"})
    v = dev.ok("POST", f"/api/v1/projects/{P}/models/mlflow-dir/versions", json={"run_id": run, "path": "model", "tags": {"origin": "mlflow"}})["version"]
    assert v["flavor"] == "mlflow" and v["format"] == "xgboost" and v["model_file"] == "model.xgb"
    assert [i["name"] for i in v["signature"]["inputs"]] == ["x1", "x2"] and v["signature"]["source"] == "MLmodel"
    assert v["tags"] == [{"key": "origin", "value": "mlflow"}]
    model = dev.ok("GET", "/api/v1/models/mlflow-dir")
    assert model["model"]["project_id"] and [x["version"] for x in model["versions"]] == [1]


def test_production_only_through_an_approved_request(env):
    server, admin, u = env
    dev, look, boss = u["dev"], u["look"], u["boss"]
    model_bytes, _ = train_model(4)
    run = new_run(dev, P, {"model/model.json": model_bytes})
    for _ in range(2):
        dev.ok("POST", f"/api/v1/projects/{P}/models/prod/versions", json={"run_id": run})
    base = "/api/v1/models/prod/versions"
    # A viewer cannot request; a request needs a reason; only production needs one.
    error(look.post(f"{base}/1/requests", json={"stage": "production", "reason": "x"}), 403, "PERMISSION_DENIED")
    error(dev.post(f"{base}/1/requests", json={"stage": "production"}), 400, "INVALID_PARAMETER_VALUE")
    error(dev.post(f"{base}/1/requests", json={"stage": "staging", "reason": "x"}), 400, "INVALID_PARAMETER_VALUE")
    q = dev.ok("POST", f"{base}/1/requests", json={"stage": "production", "reason": "f1 0.91 on the holdout"})["request"]
    assert q["state"] == "pending" and q["requested_by"] == "dev" and q["required_approvals"] == 1
    error(dev.post(f"{base}/1/requests", json={"stage": "production", "reason": "again"}), 409, "DUPLICATE_REQUEST")
    # The inbox: the approver sees it awaiting them, the requester does not.
    inbox = {r["id"]: r for r in boss.ok("GET", "/api/v1/approvals", params={"state": "pending"})["requests"]}
    assert inbox[q["id"]]["awaiting_you"] is True
    assert {r["id"]: r for r in dev.ok("GET", "/api/v1/approvals")["requests"]}[q["id"]]["awaiting_you"] is False
    # The evidence a reviewer sees: the version with its files, signature and lineage.
    evidence = boss.ok("GET", f"/api/v1/approvals/{q['id']}")["request"]["evidence"]
    assert evidence["format"] == "xgboost" and evidence["lineage"]["run"]["id"] == run
    # The requester cannot approve; a developer holds no model.approve; another user cancels nothing.
    error(dev.post(f"/api/v1/approvals/{q['id']}/approve", json={}), 403, "PERMISSION_DENIED")
    admin.ok("PUT", f"/api/v1/projects/{P}/members/dev", json={"role": "approver"})  # dev is now an approver too
    try:
        error(dev.post(f"/api/v1/approvals/{q['id']}/approve", json={}), 409, "SELF_APPROVAL")
    finally:
        admin.ok("PUT", f"/api/v1/projects/{P}/members/dev", json={"role": "model-developer"})
    error(boss.post(f"/api/v1/approvals/{q['id']}/reject", json={}), 400, "INVALID_PARAMETER_VALUE")
    boss.ok("POST", f"/api/v1/approvals/{q['id']}/comments", json={"text": "checked the slices"})
    assert dev.get(f"{MLF}/model-versions/get", params={"name": "prod", "version": "1"}).json()["model_version"]["current_stage"] == "None"
    done = boss.ok("POST", f"/api/v1/approvals/{q['id']}/approve", json={"comment": "ok"})["request"]
    assert done["state"] == "approved" and [e["action"] for e in done["events"]] == ["request", "comment", "approve", "applied"]
    assert dev.ok("GET", f"{MLF}/model-versions/get", params={"name": "prod", "version": "1"})["model_version"]["current_stage"] == "Production"
    history = dev.ok("GET", f"{base}/1")["version"]["stage_history"]
    assert history[-1]["to"] == "production" and history[-1]["by"] == "boss" and f"approved request {q['id']} by dev" in history[-1]["reason"]
    error(boss.post(f"/api/v1/approvals/{q['id']}/approve", json={}), 409, "NOT_PENDING")
    # A production version is not deleted by accident.
    error(dev.request("DELETE", f"{MLF}/registered-models/delete", json={"name": "prod"}), 400, "INVALID_STATE")
    # A second request, cancelled by its requester only.
    q2 = dev.ok("POST", f"{base}/2/requests", json={"reason": "candidate", "archive_existing": True})["request"]
    error(boss.post(f"/api/v1/approvals/{q2['id']}/cancel"), 403, "PERMISSION_DENIED")
    admin_cancel = admin.post(f"/api/v1/approvals/{q2['id']}/cancel")
    assert admin_cancel.status_code == 409 and admin_cancel.json()["error_code"] == "NOT_REQUESTER"
    assert dev.ok("POST", f"/api/v1/approvals/{q2['id']}/cancel")["request"]["state"] == "cancelled"
    # Two approvals required: one is not enough.
    admin.ok("PUT", f"/api/v1/projects/{P}/registry-settings", json={"required_approvals": 2})
    error(admin.request("PUT", f"/api/v1/projects/{P}/registry-settings", json={"required_approvals": 9}), 400, "INVALID_PARAMETER_VALUE")
    q3 = dev.ok("POST", f"{base}/2/requests", json={"reason": "second try", "archive_existing": True})["request"]
    assert q3["required_approvals"] == 2
    assert boss.ok("POST", f"/api/v1/approvals/{q3['id']}/approve", json={})["request"]["state"] == "pending"
    assert admin.ok("POST", f"/api/v1/approvals/{q3['id']}/approve", json={})["request"]["state"] == "approved"
    versions = {v["version"]: v["stage"] for v in dev.ok("GET", "/api/v1/models/prod")["versions"]}
    assert versions == {2: "production", 1: "archived"}
    admin.ok("PUT", f"/api/v1/projects/{P}/registry-settings", json={"required_approvals": 1})
