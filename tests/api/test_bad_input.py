"""Bad input gets a clear 4xx with error_code and message; nothing is half written; the server
keeps serving."""
import requests
import pytest


@pytest.fixture(scope="module")
def run(admin):
    exp = admin.ok("POST", "/api/2.0/mlflow/experiments/create", json={"name": "bad-input"})["experiment_id"]
    run = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run["run_id"], "params": [{"key": "lr", "value": "0.1"}],
                                                           "metrics": [{"key": "acc", "value": 0.5, "timestamp": 1, "step": 0}]})
    return run


def expect_error(r, status, code=None):
    assert r.status_code == status, f"{r.status_code} {r.text}"
    body = r.json()
    assert set(body) >= {"error_code", "message"} and body["message"], body
    if code:
        assert body["error_code"] == code, body
    return body


def test_malformed_json(admin):
    for raw in (b"{", b"{\"name\":}", b"[1,2", b"\xff\xfe", b"{\"name\": \"x\"}}"):
        r = admin.request("POST", "/api/2.0/mlflow/experiments/create", data=raw, headers={"Content-Type": "application/json"})
        expect_error(r, 400, "INVALID_PARAMETER_VALUE")


def test_deep_nesting_and_huge_body(server, admin):
    deep = b"[" * 1000 + b"]" * 1000
    expect_error(admin.request("POST", "/api/2.0/mlflow/runs/search", data=deep), 400, "INVALID_PARAMETER_VALUE")
    big = b"x" * (65 * 1024 * 1024)
    r = requests.post(server.url + "/api/2.0/mlflow/experiments/create", data=big,
                      headers={"Authorization": admin.s.headers["Authorization"]})
    expect_error(r, 413, "RESOURCE_LIMIT_EXCEEDED")


def test_wrong_types(admin, run):
    expect_error(admin.post("/api/2.0/mlflow/experiments/create", json={"name": {"x": 1}}), 400, "INVALID_PARAMETER_VALUE")
    expect_error(admin.post("/api/2.0/mlflow/runs/create", json={"experiment_id": {"a": 1}}), 400)
    expect_error(admin.post("/api/2.0/mlflow/runs/log-metric", json={"run_id": run["run_id"], "key": "m", "value": "high", "timestamp": 1}), 400)
    expect_error(admin.post("/api/2.0/mlflow/runs/log-batch", json={"run_id": run["run_id"], "metrics": "nope"}), 400)
    expect_error(admin.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": "1"}), 400)
    expect_error(admin.post("/api/v1/projects", json={"name": 7}), 400)
    expect_error(admin.post("/api/2.0/mlflow/runs/log-metric", json={"run_id": run["run_id"], "key": "m", "value": 1}), 400)  # no timestamp


def test_unknown_ids(admin):
    expect_error(admin.get("/api/2.0/mlflow/runs/get", params={"run_id": "0" * 32}), 404, "RESOURCE_DOES_NOT_EXIST")
    expect_error(admin.get("/api/2.0/mlflow/runs/get", params={"run_id": "not-a-run"}), 404, "RESOURCE_DOES_NOT_EXIST")
    expect_error(admin.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": "987654"}), 404, "RESOURCE_DOES_NOT_EXIST")
    expect_error(admin.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": "abc"}), 400)
    expect_error(admin.get("/api/v1/projects/no-such-project"), 404)
    expect_error(admin.get("/api/v1/no/such/endpoint"), 404, "ENDPOINT_NOT_FOUND")


def test_filters_that_look_like_sql(admin, run):
    exp = run["experiment_id"]
    for f in ("metrics.a > 1; DROP TABLE runs", "params.x = '' OR 1=1 --", "metrics.acc > 0 UNION SELECT * FROM users",
              "attributes.status = 'x' /* */", "tags.`a` = 'b') OR (1=1"):
        body = expect_error(admin.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [exp], "filter": f}), 400,
                            "INVALID_PARAMETER_VALUE")
        assert "position" in body["message"]
    for order in ("metrics.acc DESC; DROP TABLE runs", "start_time; --"):
        expect_error(admin.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [exp], "order_by": [order]}), 400)
    runs = admin.ok("POST", "/api/2.0/mlflow/runs/search", json={"experiment_ids": [exp]})["runs"]
    assert len(runs) == 1  # the data is still there


def raw_request(server, admin, method, path, body=b""):
    """http.client sends the path as written; requests would remove the dot segments."""
    import http.client
    import json
    from urllib.parse import urlparse
    u = urlparse(server.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(method, path, body=body, headers={"Authorization": admin.s.headers["Authorization"]})
    resp = conn.getresponse()
    return resp.status, json.loads(resp.read() or b"{}")


def test_artifact_paths_outside_the_run(server, admin, run):
    base = f"/api/2.0/mlflow-artifacts/artifacts/{run['experiment_id']}/{run['run_id']}/artifacts"
    for bad in ("../../../etc/passwd", "a/../../b", "./x", "%2e%2e/%2e%2e/etc/passwd", "a/%2E%2E/b"):
        status, body = raw_request(server, admin, "PUT", f"{base}/{bad}", b"x")
        assert status == 400, (bad, status, body)
        assert body["error_code"] == "INVALID_PARAMETER_VALUE" and body["message"]
    status, body = raw_request(server, admin, "GET", f"{base}/../../../../etc/passwd")
    assert status == 400, body
    expect_error(admin.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"], "path": "/etc"}), 400)
    expect_error(admin.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"], "path": "../x"}), 400)
    expect_error(admin.get(f"/api/v1/runs/{run['run_id']}/artifacts/content", params={"path": "/etc/passwd"}), 400)
    expect_error(admin.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": "/etc/passwd"}), 400)


def test_absolute_or_empty_segment_proxied_artifact_paths(server, admin, run):
    base = f"/api/2.0/mlflow-artifacts/artifacts/{run['experiment_id']}/{run['run_id']}/artifacts"
    # An absolute path after the run's artifact root (an empty segment, or an encoded slash) is
    # refused too, as artifacts/list refuses ?path=/etc, instead of being folded into etc/passwd.
    for bad in ("/etc/passwd", "%2Fetc%2Fpasswd", "a//b"):
        for method in ("PUT", "GET"):
            status, body = raw_request(server, admin, method, f"{base}/{bad}", b"x" if method == "PUT" else b"")
            assert status == 400, (method, bad, status, body)
    files = admin.ok("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"]}).get("files", [])
    assert not [f for f in files if f["path"] in ("etc", "a")], files


def test_batch_over_limits_writes_nothing(admin, run):
    rid = run["run_id"]
    cases = [
        {"metrics": [{"key": "over", "value": 1, "timestamp": 1, "step": i} for i in range(1001)]},
        {"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]},
        {"tags": [{"key": f"t{i}", "value": "v"} for i in range(101)]},
        {"metrics": [{"key": "over", "value": 1, "timestamp": 1, "step": 0}], "params": [{"key": "lr", "value": "0.2"}]},
    ]
    for body in cases:
        expect_error(admin.post("/api/2.0/mlflow/runs/log-batch", json={"run_id": rid, **body}), 400, "INVALID_PARAMETER_VALUE")
    data = admin.ok("GET", "/api/2.0/mlflow/runs/get", params={"run_id": rid})["run"]["data"]
    assert [m["key"] for m in data["metrics"]] == ["acc"]
    assert data["params"] == [{"key": "lr", "value": "0.1"}]
    assert not any(t["key"].startswith("t") and t["key"][1:].isdigit() for t in data["tags"])


def test_relogging_a_param(admin, run):
    rid = run["run_id"]
    admin.ok("POST", "/api/2.0/mlflow/runs/log-parameter", json={"run_id": rid, "key": "lr", "value": "0.1"})
    body = expect_error(admin.post("/api/2.0/mlflow/runs/log-parameter", json={"run_id": rid, "key": "lr", "value": "0.3"}), 400,
                        "INVALID_PARAMETER_VALUE")
    assert "Changing param values is not allowed" in body["message"]


def test_bad_criteria_names_the_column(admin, unique):
    name = unique("crit")
    admin.ok("POST", "/api/v1/projects", json={"name": name})
    body = expect_error(admin.post(f"/api/v1/projects/{name}/tasks", json={
        "name": "t", "domain": "tabular", "problem_type": "classification", "acceptance_criteria": "f1 >= "}), 400)
    assert "column 7" in body["message"]
    expect_error(admin.post(f"/api/v1/projects/{name}/tasks", json={"name": "t", "domain": "audio", "problem_type": "classification"}), 400)
    assert admin.ok("GET", f"/api/v1/projects/{name}/tasks")["tasks"] == []


def test_server_still_healthy(server):
    assert requests.get(server.url + "/healthz").status_code == 200
    assert requests.get(server.url + "/readyz").status_code == 200
