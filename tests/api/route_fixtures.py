"""Fixtures for route-generated tests: one of every resource a route's path or fields can name,
created as admin in a project of its own, and the request (path, query, body) that addresses them."""
import io
import tarfile

TARGET_USER = "matrix-target"  # a member the member and user routes may change and remove


def build_fixtures(admin, project):
    p = project
    admin.ok("POST", "/api/v1/projects", json={"name": p})
    admin.ok("POST", f"/api/v1/projects/{p}/tasks",
             json={"name": "t1", "domain": "tabular", "problem_type": "classification", "acceptance_criteria": "f1 > 0.5"})
    exp_name = f"{p}-exp"
    exp = admin.ok("POST", f"/api/v1/projects/{p}/experiments", json={"name": exp_name})["experiment"]
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]})["run"]
    run_id = run["info"]["run_id"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": [{"key": "f1", "value": 0.7, "timestamp": 1, "step": 0}]})
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp['experiment_id']}/{run_id}/artifacts/a.txt", data=b"hello")
    # A confirmed model package (f1 0.7 meets t1's "f1 > 0.5").
    package = admin.ok("POST", f"/api/v1/runs/{run_id}/confirm", json={"task": "t1"})["package"]["id"]
    # A dataset with one round (a single CSV file) and one version, and an open upload.
    ds = f"{p}-ds"
    admin.ok("POST", f"/api/v1/projects/{p}/datasets", json={"name": ds, "domain": "tabular"})
    first = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/uploads", json={})["upload"]["id"]
    admin.ok("PUT", f"/api/v1/projects/{p}/datasets/{ds}/uploads/{first}/parts/1", data=b"a,b\n1,2\n3,4\n")
    rnd = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/uploads/{first}/complete",
                   json={"format": "file", "filename": "data.csv"})["round"]["number"]
    version = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/versions", json={"rounds": [rnd]})["version"]["name"]
    upload = admin.ok("POST", f"/api/v1/projects/{p}/datasets/{ds}/uploads", json={})["upload"]["id"]
    # A SQL source; making it does not connect, so no database needs to run.
    connection = f"{p}-pg"
    admin.ok("POST", f"/api/v1/projects/{p}/connections",
             json={"name": connection, "kind": "postgresql", "target": "host=127.0.0.1 port=1 dbname=x user=u password=secret"})
    # A queued command job (nothing runs it unless a worker claims it).
    job = admin.ok("POST", f"/api/v1/projects/{p}/jobs", json={"name": "fixture", "payload": {"command": ["true"]}})["job"]["id"]
    # A recurring job that fires once a year (it never fires during a test).
    schedule = admin.ok("POST", f"/api/v1/projects/{p}/schedules",
                        json={"name": "fixture", "cron": "0 3 1 1 *", "job": {"payload": {"command": ["true"]}}})["schedule"]["id"]
    # An environment and a code snapshot (one file).
    environment = "fx"  # the {name} of environment, component and pipeline routes alike
    admin.ok("POST", f"/api/v1/projects/{p}/environments", json={"name": environment, "variables": [{"name": "A", "value": "1"}]})
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("train.py")
        info.size = 9
        tar.addfile(info, io.BytesIO(b"print(1)\n"))
    snapshot = admin.ok("POST", f"/api/v1/projects/{p}/code", data=buf.getvalue())["snapshot"]["id"]
    # A one-trial study (its trial logs nothing, so it fails; the study completes either way).
    study = admin.ok("POST", f"/api/v1/projects/{p}/studies",
                     json={"name": "fixture-study", "experiment": exp_name, "objective": {"metric": "f1", "goal": "maximize"},
                           "space": {"params": [{"name": "x", "type": "float", "low": 0, "high": 1}]},
                           "sampler": {"type": "random"}, "n_trials": 1, "trial": {"command": ["true"], "max_attempts": 1}})["study"]["id"]
    # A component, a pipeline of it (both named "fx") and a run of the pipeline (its one step
    # runs `true` on the server's embedded worker, or stays queued without one).
    admin.ok("POST", f"/api/v1/projects/{p}/components", json={"name": "fx", "command": ["true"]})
    admin.ok("POST", f"/api/v1/projects/{p}/pipelines", json={"name": "fx", "steps": [{"name": "s", "component": "fx"}]})
    pipeline_run = admin.ok("POST", f"/api/v1/projects/{p}/pipelines/fx/runs", json={})["run"]["id"]
    # A registered model: version 1 from the run's model/ folder (an XGBoost JSON model), aliased.
    model = f"{p}-model"
    # One tree of one leaf: a model the server can serve (the deployment below).
    xgb = (b'{"learner": {"learner_model_param": {"num_feature": "2", "num_class": "0", "base_score": "5E-1"}, '
           b'"objective": {"name": "binary:logistic"}, "gradient_booster": {"name": "gbtree", "model": {"trees": [{"left_children": [-1], '
           b'"right_children": [-1], "split_conditions": [0.1], "split_indices": [0], "default_left": [0], "categories": []}], '
           b'"tree_info": [0]}}}}')
    admin.ok("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp['experiment_id']}/{run_id}/artifacts/model/model.json", data=xgb)
    admin.ok("POST", f"/api/v1/projects/{p}/models/{model}/versions", json={"run_id": run_id, "path": "model"})
    admin.ok("PUT", f"/api/v1/models/{model}/aliases/champion", json={"version": 1})
    # A deployment of that version under the model's name (so the v2 routes' {model} finds it), its
    # one variant named "v1" (so {version} names it).
    admin.ok("POST", f"/api/v1/projects/{p}/deployments",
             json={"name": model, "variants": [{"name": "v1", "model": model, "version": 1, "weight": 100}]})
    # A pending request to put that version into production (admin's own: admin's approval is a 409).
    approval = admin.ok("POST", f"/api/v1/models/{model}/versions/1/requests", json={"reason": "fixture"})["request"]["id"]
    # A label schema and a labeling project over the dataset's version (one table item), its item
    # assigned to admin.
    admin.ok("POST", f"/api/v1/projects/{p}/label-schemas",
             json={"name": "fx-schema", "spec": {"task_type": "tabular_classification", "classes": [{"name": "yes"}, {"name": "no"}]}})
    admin.ok("POST", f"/api/v1/projects/{p}/labeling", json={"name": "fx-label", "dataset": ds, "version": version, "schema": "fx-schema"})
    admin.ok("POST", f"/api/v1/projects/{p}/labeling/fx-label/assign", json={"mode": "manual", "labelers": ["admin"]})
    assignment = admin.ok("GET", f"/api/v1/projects/{p}/labeling/fx-label/assignments")["assignments"][0]
    return {"project": p, "experiment_id": exp["experiment_id"], "experiment_name": exp_name, "run_id": run_id,
            "dataset": ds, "round": str(rnd), "version": version, "upload": upload, "connection": connection, "job": str(job),
            "schedule": str(schedule), "environment": environment, "snapshot": snapshot, "study": str(study),
            "package": str(package), "pipeline_run": str(pipeline_run), "model": model,
            "approval": str(approval), "label_item": str(assignment["item_id"]), "assignment": str(assignment["id"])}


def fill_path(path, fx):
    values = {
        "project": fx["project"],
        "task": "t1",
        "experiment": fx["experiment_id"],
        "run": fx["run_id"],
        "key": "f1",
        "user": TARGET_USER,
        "token": "0000000000000000",
        "path...": f"{fx['experiment_id']}/{fx['run_id']}/artifacts/a.txt",
        "dataset": fx["dataset"],
        "round": fx["round"],
        "version": fx["version"],
        "upload": fx["upload"],
        "part": "2",
        # A fitted transform's content hash; an unknown one is a 404 (allowed) or a 403 (denied),
        # which is all the permission checks need.
        "hash": "0" * 64,
        "connection": fx["connection"],
        "job": fx["job"],
        "schedule": fx["schedule"],
        "snapshot": fx["snapshot"],
        "study": fx["study"],
        "package": fx["package"],
        "name": "fx",  # an environment, a component and a pipeline; for /code/templates/{name} an unknown template is a 404
        "id": fx["pipeline_run"],
        "sha256": "0" * 64,
        "model": fx["model"],  # {version} is the dataset's "v1", which names version 1 of the model too
        "alias": "champion",
        "approval": fx["approval"],
        "deployment": fx["model"],
        "request": "async-unknown",  # an asynchronous inference request id: unknown, a 404
        "schema": "fx-schema",
        "labeling": "fx-label",
        "item": fx["label_item"],
        "assignment": fx["assignment"],
    }
    out = []
    for seg in path.split("/"):
        if seg.startswith("{") and seg.endswith("}"):
            name = seg[1:-1]
            assert name in values, f"route {path} has a path parameter {{{name}}} this test does not know: add a fixture for it"
            out.append(values[name])
        else:
            out.append(seg)
    return "/".join(out)


def request_for(route, fx):
    """(path, query, json body, raw body) for one route, with every fixture id a handler may look for."""
    path = fill_path(route["path"], fx)
    query = {"experiment_id": fx["experiment_id"], "run_id": fx["run_id"], "experiment_name": fx["experiment_name"],
             "metric_key": "f1", "path": f"{fx['experiment_id']}/{fx['run_id']}/artifacts",
             "from": fx["version"], "to": fx["version"],
             # the MLflow registry routes name a model and a version in the query string
             "name": fx["model"], "version": "1", "alias": "champion"}
    body = {"experiment_id": fx["experiment_id"], "run_id": fx["run_id"], "experiment_ids": [fx["experiment_id"]],
            "run_ids": [fx["run_id"]], "metric_keys": ["f1"]}
    method = route["method"]
    if method == "PUT" and ("/artifacts/" in route["path"] or "/parts/" in route["path"]):
        return path, query, None, b"x"
    if method == "POST" and route["path"] == "/api/v1/projects/{project}/code":
        return path, query, body, b"not an archive"  # the raw body wins: a 400 for those allowed
    if method in ("POST", "PUT", "PATCH"):
        return path, query, body, None
    return path, query, None, None


def destructive(route):
    """Routes that delete, archive, roll back or end a session run after everything else."""
    p = route["path"]
    return route["method"] == "DELETE" or any(w in p for w in ("delete", "archive", "rollback", "logout"))
