"""A good body for every route that reads a JSON body, as docs/api.md documents it, for the route
fuzz test to break one field at a time (test_route_fuzz.py). `fx` is route_fixtures.build_fixtures'
answer. Keys are "METHOD pattern" as GET /api/v1/routes lists them; a route with several shapes
(a study by space or by algorithms, a version by rounds, operations, labels or split) has several."""

# Routes whose body is not JSON (artifacts, upload parts, code archives) or that take none.
RAW_OR_EMPTY = {
    "PUT /api/2.0/mlflow-artifacts/artifacts/{path...}",
    "PUT /api/v1/projects/{project}/datasets/{dataset}/uploads/{upload}/parts/{part}",
    "POST /api/v1/projects/{project}/code",
    "PUT /api/v1/jobs/{job}/step-blobs",
    "POST /api/v1/auth/logout",
    "POST /api/v1/projects/{project}/models/import",
    "POST /api/v1/projects/{project}/labeling/{labeling}/import",
}


def documented_bodies(fx):
    p, e, r = fx["project"], fx["experiment_id"], fx["run_id"]
    ds, version = fx["dataset"], fx["version"]
    number = int(version.lstrip("v"))
    v2_body = {"id": "r1", "inputs": [{"name": "input__0", "shape": [1, 2], "datatype": "FP32", "data": [0.5, 1.5]}],
               "outputs": [{"name": "predict"}]}
    study_trial = {"command": ["true", "{x}"], "env": {"A": "1"}, "resources": {"cpus": 1, "memory_mb": 256, "gpus": 0},
                   "timeout_s": 60, "max_attempts": 1, "data": [{"dataset": ds, "version": number, "path": "data/d"}]}
    job = {"kind": "command", "name": "fz", "payload": {"command": ["true"], "env": {"A": "1"},
                                                         "data": [{"dataset": ds, "version": number, "path": "data/d"}]},
           "experiment": fx["experiment_name"], "run_name": "fz", "priority": 1, "resources": {"cpus": 1, "memory_mb": 256, "gpus": 0}, "max_attempts": 1,
           "timeout_s": 60}
    component = {"name": "fzc", "kind": "preprocess", "description": "d", "command": ["true", "{rows}", "{inputs.raw}", "{outputs.table}"],
                 "parameters": [{"name": "rows", "type": "int", "default": 10}, {"name": "on", "type": "bool", "default": True}],
                 "inputs": [{"name": "raw", "type": "dir", "optional": True}], "outputs": [{"name": "table", "type": "file"}],
                 "resources": {"cpus": 1, "memory_mb": 256, "gpus": 0}, "env": {"K": "V"}, "timeout_s": 0, "max_attempts": 1}
    pipeline = {"name": "fzp", "description": "d", "parameters": [{"name": "rows", "type": "int", "default": 3}],
                "steps": [{"name": "a", "component": "fx", "params": {}, "cache": True},
                          {"name": "b", "component": "fx@latest", "after": ["a"], "inputs": {}}]}
    environment = {"kind": "development", "description": "d", "image": "", "isolation": "none",
                   "resources": {"cpus": 1, "memory_mb": 256, "gpus": 0},
                   "variables": [{"name": "A", "value": "1", "secret": False}, {"name": "S", "value": "s", "secret": True}],
                   "parameters": {"p": 1}, "references": [{"name": "r", "path": "/srv/data"}], "message": "m"}
    evaluation = {"name": "fz", "problem": "classification", "y_true": [0, 1, 1, 0], "y_pred": [0, 1, 0, 0],
                  "y_score": [0.1, 0.9, 0.4, 0.2], "pos_label": 1,
                  "slices": {"features": {"g": ["a", "b", "a", "b"]}, "tags": [["x"], [], [], ["x"]], "metric": "accuracy",
                             "baseline": 0.5, "min_rows": 1}}
    v1 = "/api/v1/projects/{project}"
    dsr = v1 + "/datasets/{dataset}"
    return {
        "POST /api/v1/auth/login": [{"username": "admin", "password": "not-the-password"}],
        "POST /api/v1/users": [{"username": "fz-user", "password": "password-123", "display_name": "F", "global_role": "viewer"}],
        "PATCH /api/v1/users/{user}": [{"display_name": "F", "global_role": "viewer", "disabled": False}],
        "POST /api/v1/tokens": [{"name": "fz", "expires_in_days": 1}],
        "POST /api/v1/orgs": [{"name": "fz-org", "display_name": "Org"}],
        "POST /api/v1/projects": [{"name": "fz-new", "display_name": "F", "description": "d"}],
        "PATCH " + v1: [{"display_name": "F", "description": "d"}],
        "PUT " + v1 + "/members/{user}": [{"role": "viewer"}],
        "POST " + v1 + "/tasks": [{"name": "t2", "domain": "tabular", "problem_type": "classification", "primary_metric": "f1",
                                  "metrics": ["f1"], "acceptance_criteria": "f1 > 0.5", "description": "d"}],
        "PATCH " + v1 + "/tasks/{task}": [{"description": "d", "primary_metric": "f1", "metrics": ["f1"], "acceptance_criteria": "f1 > 0.5"}],
        "POST " + v1 + "/tasks/{task}/evaluate": [{"run_id": r}],
        "POST /api/v1/criteria/validate": [{"expression": "f1 > 0.5 and accuracy >= 0.7"}],
        "POST " + v1 + "/experiments": [{"name": "fz-exp2", "tags": [{"key": "k", "value": "v"}]}],
        "POST /api/v1/runs/search": [{"experiment_ids": [e], "filter": "metrics.f1 > 0", "order_by": ["metrics.f1 DESC"],
                                      "max_results": 5, "page_token": "", "run_view_type": "ACTIVE_ONLY"}],
        "POST /api/v1/metrics/bulk-history": [{"run_ids": [r], "metric_keys": ["f1"], "max_points": 10}],
        "POST /api/v1/runs/{run}/inputs": [{"kind": "dataset_version", "ref": f"{p}/{ds}@{version}"}],
        "POST /api/v1/runs/{run}/evaluations": [evaluation,
                                                {"problem": "regression", "y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.0, 2.5]}],
        "POST /api/v1/runs/{run}/confirm": [{"task": "t1"}],
        "POST /api/2.0/mlflow/experiments/create": [{"name": "fz-mlflow", "artifact_location": "", "tags": [{"key": "k", "value": "v"}]}],
        "POST /api/2.0/mlflow/experiments/search": [{"max_results": 10, "filter": "name = 'x'", "order_by": ["name"],
                                                    "view_type": "ACTIVE_ONLY", "page_token": ""}],
        "POST /api/2.0/mlflow/experiments/set-experiment-tag": [{"experiment_id": e, "key": "k", "value": "v"}],
        "POST /api/2.0/mlflow/experiments/update": [{"experiment_id": e, "new_name": fx["experiment_name"]}],
        "POST /api/2.0/mlflow/experiments/delete": [{"experiment_id": e}],
        "POST /api/2.0/mlflow/experiments/restore": [{"experiment_id": e}],
        "POST /api/2.0/mlflow/runs/create": [{"experiment_id": e, "run_name": "fz", "start_time": 1, "user_id": "u",
                                              "tags": [{"key": "k", "value": "v"}]}],
        "POST /api/2.0/mlflow/runs/update": [{"run_id": r, "status": "RUNNING", "end_time": 2, "run_name": "n"}],
        "POST /api/2.0/mlflow/runs/delete": [{"run_id": r}],
        "POST /api/2.0/mlflow/runs/restore": [{"run_id": r}],
        "POST /api/2.0/mlflow/runs/log-metric": [{"run_id": r, "key": "m", "value": 1.5, "timestamp": 1, "step": 0}],
        "POST /api/2.0/mlflow/runs/log-parameter": [{"run_id": r, "key": "p", "value": "v"}],
        "POST /api/2.0/mlflow/runs/set-tag": [{"run_id": r, "key": "k", "value": "v"}],
        "POST /api/2.0/mlflow/runs/delete-tag": [{"run_id": r, "key": "k"}],
        "POST /api/2.0/mlflow/runs/log-batch": [{"run_id": r, "metrics": [{"key": "m", "value": 1.0, "timestamp": 1, "step": 0}],
                                                 "params": [{"key": "p", "value": "v"}], "tags": [{"key": "t", "value": "v"}]}],
        "POST /api/2.0/mlflow/runs/search": [{"experiment_ids": [e], "filter": "metrics.f1 > 0", "run_view_type": "ACTIVE_ONLY",
                                              "max_results": 10, "order_by": ["metrics.f1 DESC"], "page_token": ""}],
        "POST " + v1 + "/datasets": [{"name": "fz-ds", "domain": "tabular", "description": "d", "sensitive": False, "tags": ["a"]}],
        "POST " + dsr + "/uploads/{upload}/complete": [{"format": "file", "filename": "d.csv", "note": "n"}],
        "POST " + dsr + "/bundles": [{"rounds": [1], "path_prefix": "", "sample_size": 1, "seed": 1, "note": "n"}],
        "POST " + dsr + "/versions": [
            {"status": "raw", "rounds": [1], "message": "m"},
            {"status": "refined", "from_version": version, "message": "m",
             "operations": [{"op": "drop_duplicate_items"}, {"op": "normalize_text", "lowercase": True, "collapse_whitespace": True},
                            {"op": "drop_missing_rows", "columns": ["a"]},
                            {"op": "filter_outliers", "column": "a", "method": "iqr", "k": 1.5},
                            {"op": "filter_rows", "expression": "a > 0"}, {"op": "pseudonymize", "columns": ["b"]},
                            {"op": "resize_images", "mode": "exact", "width": 8, "height": 8, "interpolation": "area",
                             "quality": 90, "on_error": "skip"},
                            {"op": "convert_images", "format": "png", "quality": 90, "color": "keep", "on_error": "skip"}]},
            {"status": "labeled", "from_version": version, "labels": {"format": "csv", "content": "path,label\ndata.csv,x\n"}},
            {"status": "split", "from_version": version,
             "split": {"method": "random", "ratios": {"train": 0.5, "test": 0.5}, "seed": 1}},
        ],
        "POST " + dsr + "/schema": [{"version": version, "item": "data.csv", "label": "b", "max_categories": 10}],
        "POST " + dsr + "/versions/{version}/transforms": [
            {"config": {"columns": [{"column": "a", "name": "a_z", "steps": [{"kind": "impute", "strategy": "constant", "value": -1},
                                                                              {"kind": "z_score"}]},
                        {"column": "b", "steps": [{"kind": "bucketize", "buckets": 2}]}]}, "item": "data.csv"}],
        "POST " + dsr + "/rounds/sql": [{"connection": fx["connection"], "query": "SELECT 1 AS a", "format": "csv", "name": "q.csv",
                                         "note": "n", "max_rows": 10}],
        "POST " + v1 + "/connections": [{"name": "fz-pg", "kind": "postgresql", "target": "host=127.0.0.1 port=1 dbname=x user=u"}],
        "POST " + v1 + "/jobs": [job, {**job, "distributed": {"workers": 2, "rendezvous_timeout_s": 60}}],
        "PUT /api/v1/jobs/{job}/rendezvous": [{"key": "k", "value": "v"}],
        "POST /api/v1/workers/claim": [{"worker": "fz-worker", "resources": {"cpus": 1, "memory_mb": 256, "gpus": 0}, "lease_s": 30}],
        "POST /api/v1/jobs/{job}/heartbeat": [{"worker": "fz-worker", "lease_s": 30}],
        "POST /api/v1/jobs/{job}/log": [{"worker": "fz-worker", "text": "hello"}],
        "POST /api/v1/jobs/{job}/finish": [{"worker": "fz-worker", "exit_code": 0, "timed_out": False, "error": ""}],
        "POST /api/v1/jobs/{job}/step-outputs": [{"outputs": {"table": {"type": "file", "files": [{"path": "", "sha256": "0" * 64,
                                                                                                   "size": 1}]}}}],
        "POST " + v1 + "/schedules": [{"name": "fz", "cron": "0 3 1 1 *", "job": {"payload": {"command": ["true"]}}}],
        "POST " + v1 + "/studies": [
            {"name": "fz-s", "experiment": fx["experiment_name"], "objective": {"metric": "f1", "goal": "maximize"},
             "space": {"params": [{"name": "x", "type": "float", "low": 0, "high": 1, "log": False},
                                  {"name": "n", "type": "int", "low": 1, "high": 4, "step": 1},
                                  {"name": "c", "type": "categorical", "choices": ["a", "b"]},
                                  {"name": "d", "type": "float", "low": 0, "high": 1, "condition": {"parent": "c", "values": ["b"]}}]},
             "sampler": {"type": "tpe", "seed": 1}, "pruner": {"type": "median", "n_startup_trials": 1},
             "n_trials": 1, "parallelism": 1, "timeout_s": 0, "trial": study_trial},
            {"name": "fz-automl", "experiment": fx["experiment_name"], "objective": {"metric": "valid_score"},
             "n_trials": 1, "trial": study_trial,
             "algorithms": [{"name": "gbdt", "trainer": "xgboost",
                             "args": {"label": "b", "task": "binary", "features": ["a"], "rounds": 5, "explain": False},
                             "space": {"params": [{"name": "max_depth", "type": "int", "low": 2, "high": 4}]}},
                            {"name": "txt", "trainer": "text", "args": {"text": "a", "label": "b", "epochs": 1},
                             "space": [{"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]}]},
                            {"name": "cmd", "command": ["true", "{y}"], "env": {"B": "2"},
                             "space": [{"name": "y", "type": "float", "low": 0, "high": 1}]}]},
        ],
        "POST " + v1 + "/components": [component],
        "PUT " + v1 + "/components/{name}": [{k: v for k, v in component.items() if k != "name"}],
        "POST " + v1 + "/pipelines": [pipeline],
        "PUT " + v1 + "/pipelines/{name}": [{k: v for k, v in pipeline.items() if k != "name"}],
        "POST " + v1 + "/pipelines/{name}/runs": [{"parameters": {}, "version": 1, "cache": True}],
        "POST " + v1 + "/environments": [{"name": "fz-env", **environment}],
        "PUT " + v1 + "/environments/{name}": [environment],
        # the registry (native) and approvals
        "POST " + v1 + "/models/{model}/versions": [{"run_id": r, "path": "model", "description": "d", "tags": {"k": "v"}},
                                                    {"package_id": int(fx["package"]), "path": "model"}],
        "POST /api/v1/models/{model}/versions/{version}/stage": [{"stage": "staging", "archive_existing": False, "reason": "r"}],
        "PUT /api/v1/models/{model}/aliases/{alias}": [{"version": 1}],
        "POST /api/v1/models/{model}/versions/{version}/requests": [{"stage": "production", "reason": "r", "archive_existing": False},
                                                                    {"kind": "retire", "reason": "r"}],
        "PUT " + v1 + "/retirement-policy": [{"max_age_days": 365, "superseded_by": 3, "retention_days": 30}],
        "POST /api/v1/approvals/{approval}/approve": [{"comment": "c"}],
        "POST /api/v1/approvals/{approval}/reject": [{"comment": "c"}],
        "POST /api/v1/approvals/{approval}/comments": [{"text": "t"}],
        "PUT " + v1 + "/registry-settings": [{"required_approvals": 1}],
        "PUT /api/v1/models/{model}/versions/{version}/card": [{"sections": {"intended_use": "u", "caveats_recommendations": "c"}}],
        "POST " + v1 + "/models/export": [{"versions": [{"model": fx["model"], "version": 1}], "ensemble": "fz-ens", "max_batch_size": 8, "instances": 1}],
        # deployments and the v2 protocol
        "POST " + v1 + "/deployments": [{"name": "fz-deploy", "environment": "development", "strategy": "weighted", "description": "d",
                                         "variants": [{"name": "a", "model": fx["model"], "version": 1, "weight": 100}], "reason": "r"}],
        "PUT /api/v1/deployments/{deployment}": [{"variants": [{"name": "v1", "model": fx["model"], "version": 1, "weight": 100}],
                                                  "strategy": "sticky", "sticky_header": "x-user", "description": "d", "reason": "r",
                                                  "capture_rate": 0.5, "shadow": None,
                                                  "guardrails": {"max_error_rate": 0.1, "max_p99_ms": 50, "window_s": 30, "min_requests": 5}}],
        "POST /api/v1/deployments/{deployment}/canary": [{"model": fx["model"], "version": 1, "name": "c1", "steps": [10, 50], "interval_s": 60,
                                                         "reason": "r"}],
        "POST /api/v1/deployments/{deployment}/switch": [{"model": fx["model"], "version": 1, "name": "s1", "keep_s": 60, "reason": "r"}],
        "POST /api/v1/deployments/{deployment}/feedback": [{"request_id": "r1", "value": {"label": 1}},
                                                           {"feedback": [{"request_id": "r2", "value": 0}]}],
        "POST /api/v1/deployments/{deployment}/rollback": [{"reason": "r"}],
        "POST /v2/models/{model}/infer": [v2_body],
        "POST /v2/models/{model}/versions/{version}/infer": [v2_body],
        # labeling
        "POST " + v1 + "/label-schemas": [{"name": "fz-schema", "spec": {"task_type": "ner", "allow_overlap": False, "multi_label": False,
                                                                          "classes": [{"name": "PER", "color": "#ff0000", "hotkey": "1", "description": "d"}]}}],
        "POST " + v1 + "/labeling": [{"name": "fz-label", "description": "d", "dataset": ds, "version": version, "schema": "fx-schema",
                                      "schema_version": 1, "overlap": 1, "batch_size": 10, "path_prefix": ""}],
        "POST " + v1 + "/labeling/{labeling}/assign": [{"mode": "round_robin", "labelers": ["admin"], "overlap": 1, "batches": [1],
                                                        "items": [int(fx["label_item"])]}],
        "PUT " + v1 + "/labeling/{labeling}/assignments/{assignment}": [{"annotation": {"rows": ["yes", None]}}],
        "POST " + v1 + "/labeling/{labeling}/assignments/{assignment}/submit": [{"annotation": {"rows": ["yes", "no"]}}],
        "POST " + v1 + "/labeling/{labeling}/assignments/{assignment}/review": [{"decision": "reject", "comment": "c"}],
        "POST " + v1 + "/labeling/{labeling}/finish": [{"message": "m", "allow_partial": True}],
        **mlflow_registry_bodies(fx),
    }


def mlflow_registry_bodies(fx):
    """MLflow's registry routes, under both prefixes."""
    m, r = fx["model"], fx["run_id"]
    out = {}
    for prefix in ("/api/2.0/mlflow/", "/api/2.0/preview/mlflow/"):
        rm, mv = prefix + "registered-models/", prefix + "model-versions/"
        out.update({
            "POST " + rm + "create": [{"name": "fz-" + prefix.strip("/").replace("/", "-"), "description": "d", "tags": [{"key": "k", "value": "v"}]}],
            "POST " + rm + "rename": [{"name": m, "new_name": m}],
            "PATCH " + rm + "update": [{"name": m, "description": "d"}],
            "POST " + rm + "search": [{"filter": "name LIKE 'x%'", "max_results": 5, "order_by": ["name ASC"], "page_token": ""}],
            "POST " + rm + "get-latest-versions": [{"name": m, "stages": ["Staging", "None"]}],
            "POST " + rm + "set-tag": [{"name": m, "key": "k", "value": "v"}],
            "POST " + rm + "alias": [{"name": m, "alias": "champion", "version": "1"}],
            "POST " + mv + "create": [{"name": m, "source": f"runs:/{r}/model", "run_id": r, "description": "d",
                                       "tags": [{"key": "k", "value": "v"}]}],
            "PATCH " + mv + "update": [{"name": m, "version": "1", "description": "d"}],
            "POST " + mv + "search": [{"filter": f"run_id = '{r}'", "max_results": 5, "order_by": ["version_number DESC"], "page_token": ""}],
            "POST " + mv + "transition-stage": [{"name": m, "version": "1", "stage": "Staging", "archive_existing_versions": False, "comment": "c"}],
            "POST " + mv + "set-tag": [{"name": m, "version": "1", "key": "k", "value": "v"}],
        })
    return out
