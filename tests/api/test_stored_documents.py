"""Stored documents that every reader of a run depends on (issue 11, item 2): a user with
experiment.write could PUT evaluations/eval.json or explanations.json with any body, after which
the run's evaluation page, its report (HTML and PDF) and confirmation answered 500 to everyone.

Now the artifact route checks those reserved paths against their schema when written (a 400
naming the field), and the readers check them again when read (documents stored before the check):
a 400 saying the evaluation is malformed and which field, never a 5xx; another run's malformed
evaluation is skipped as a previous-model candidate instead of breaking this run's page."""
import os
import sqlite3

import pytest
import requests

from moebius_server import Server

# Each body, with the field its message names (for the evaluation path).
BAD_EVALUATIONS = [
    ("[]", "the evaluation must be an object, got array"),
    ('"str"', "the evaluation must be an object, got string"),
    ('{"baselines": []}', "field 'baselines' must be an object, got array"),
    ('{"slices": 5}', "field 'slices' must be a list, got number"),
    ('{"metrics": {"f1": 0.7}, "roc": {"fpr": "x"}}', "field 'roc.fpr' must be a list, got string"),
    ('{"slices": [{"slices": [{"gap": "wide"}]}]}', "field 'slices[0].slices[0].gap' must be a number, got string"),
    ('{"baselines": {"simple": {"metrics": []}}}', "field 'baselines.simple.metrics' must be an object, got array"),
    ("not json", "not JSON"),
]
BAD_EXPLANATIONS = [
    ("[]", "the explanations must be an object, got array"),
    ('"str"', "the explanations must be an object, got string"),
    ('{"permutation": {"metric": 5}}', "field 'permutation.metric' must be a string, got number"),
]


@pytest.fixture(scope="module")
def env():
    server = Server().start()
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/projects", json={"name": "docs"})
    admin.ok("POST", "/api/v1/projects/docs/tasks",
             json={"name": "t", "domain": "tabular", "problem_type": "classification", "acceptance_criteria": "f1 > 0.5"})
    exp = admin.ok("POST", "/api/v1/projects/docs/experiments", json={"name": "docs-exp"})["experiment"]["experiment_id"]
    yield server, admin, exp
    server.cleanup()


def new_run(admin, exp):
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run, "metrics": [{"key": "f1", "value": 0.7, "timestamp": 1, "step": 0}]})
    return run


def put(admin, exp, run, path, body):
    return admin.request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/{path}", data=body.encode())


def readers(admin, run):
    """Every read of a run that loads its evaluation or explanations: (what, response)."""
    return [("evaluation", admin.get(f"/api/v1/runs/{run}/evaluation")),
            ("report html", admin.get(f"/api/v1/runs/{run}/report", params={"format": "html", "lang": "en"})),
            ("report pdf", admin.get(f"/api/v1/runs/{run}/report", params={"format": "pdf"})),
            ("confirm", admin.post(f"/api/v1/runs/{run}/confirm", json={"task": "t"}))]


@pytest.mark.parametrize("path,cases", [("evaluations/eval.json", BAD_EVALUATIONS), ("explanations.json", BAD_EXPLANATIONS)])
def test_reserved_documents_are_checked_when_written(env, path, cases):
    server, admin, exp = env
    for body, message in cases:
        run = new_run(admin, exp)
        r = put(admin, exp, run, path, body)
        assert r.status_code == 400, (body, r.status_code, r.text)
        assert r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert path in r.json()["message"] and message in r.json()["message"], (body, r.text)
        # Nothing was stored, so every reader still works.
        for what, resp in readers(admin, run):
            assert resp.status_code == 200, (body, what, resp.status_code, resp.text[:300])
    # Other paths hold anything, and a well-formed document is accepted at the reserved ones.
    run = new_run(admin, exp)
    assert put(admin, exp, run, "evaluations/notes.txt", "[]").status_code == 200
    assert put(admin, exp, run, "results/eval.json", '{"slices": 5}').status_code == 200
    assert put(admin, exp, run, "evaluations/eval.json", '{"metrics": {"f1": 0.7}, "slices": []}').status_code == 200
    assert put(admin, exp, run, "explanations.json", '{"importance": {"gain": {"x": 1.5}}}').status_code == 200
    assert all(resp.status_code == 200 for _, resp in readers(admin, run))


def store_behind_the_check(server, runs_and_docs):
    """Stores documents at reserved paths as an older server would have: each is uploaded under a
    free path, then renamed in the database while the server is stopped."""
    for run, staged, _ in runs_and_docs:
        assert staged.startswith("staged/")
    server.stop()
    db = sqlite3.connect(os.path.join(server.data_dir, "meta.db"))
    with db:
        for run, staged, path in runs_and_docs:
            db.execute("UPDATE run_artifacts SET path = ? WHERE run_uuid = ? AND path = ?", (path, run, staged))
    db.close()
    server.start()
    return server.client(server.login("admin", server.admin_password()))


def test_malformed_stored_documents_are_4xx_for_every_reader(env):
    server, admin, exp = env
    planted = []  # (run, staged path, reserved path, message)
    for i, (body, message) in enumerate(BAD_EVALUATIONS):
        run = new_run(admin, exp)
        assert put(admin, exp, run, f"staged/e{i}.json", body).status_code == 200
        planted.append((run, f"staged/e{i}.json", "evaluations/eval.json", message))
    for i, (body, message) in enumerate(BAD_EXPLANATIONS):
        run = new_run(admin, exp)
        assert put(admin, exp, run, f"staged/x{i}.json", body).status_code == 200
        planted.append((run, f"staged/x{i}.json", "explanations.json", message))
    admin = store_behind_the_check(server, [(run, staged, path) for run, staged, path, _ in planted])

    for run, _, path, message in planted:
        listed = [f["path"] for f in admin.ok("GET", f"/api/v1/runs/{run}/artifacts", params={"path": path.rsplit("/", 1)[0] if "/" in path else ""})["files"]]
        assert path in listed
        for what, resp in readers(admin, run):
            if path == "explanations.json" and what in ("evaluation", "confirm"):
                assert resp.status_code == 200, (what, resp.text[:300])  # these do not read explanations
                continue
            assert resp.status_code == 400, (path, message, what, resp.status_code, resp.text[:300])
            body = resp.json()
            assert body["error_code"] == "INVALID_STATE"
            assert "is malformed" in body["message"] and message in body["message"] and path in body["message"], (what, body)

    # A later run of the same experiment: the malformed evaluations before it are no previous
    # model, and its own page, report and confirmation work.
    later = new_run(admin, exp)
    assert put(admin, exp, later, "evaluations/eval.json", '{"metrics": {"f1": 0.7}}').status_code == 200
    previous = admin.ok("GET", f"/api/v1/runs/{later}/evaluation")["evaluation"]["baselines"]["previous"]
    assert previous is None or previous["run_id"] not in {run for run, *_ in planted}, previous
    assert all(resp.status_code == 200 for _, resp in readers(admin, later))
    assert requests.get(server.url + "/healthz").status_code == 200
