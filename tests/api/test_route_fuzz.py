"""Every route from GET /api/v1/routes, called by an admin with malformed bodies and query values:
the answer is a 4xx (or a 2xx where the input happens to be acceptable) with a JSON error body,
never a 5xx, and the server stays up. Generated from the server's route table, like the role matrix."""
import json

import requests

from route_fixtures import build_fixtures, destructive, fill_path

RAW_BODIES = [
    b"", b"null", b"[]", b"\"text\"", b"123", b"true", b"{", b"{\"a\":}", b"\xff\xfe\x00",
    b"[" * 200 + b"]" * 200, b"{\"a\":" * 200 + b"1" + b"}" * 200,
]

# Every field name a handler reads, with values of the wrong type or shape.
FIELDS = ["name", "experiment_id", "run_id", "experiment_ids", "run_ids", "metric_keys", "max_points", "filter", "order_by",
          "max_results", "page_token", "run_view_type", "view_type", "key", "value", "timestamp", "step", "metrics", "params",
          "tags", "status", "end_time", "start_time", "run_name", "new_name", "username", "password", "global_role", "role",
          "display_name", "description", "disabled", "expires_in_days", "domain", "problem_type", "primary_metric",
          "acceptance_criteria", "expression", "rounds", "format", "filename", "labels", "from_version", "kind", "ref",
          "sample_size", "sample_fraction", "seed", "path_prefix", "label", "org", "sensitive", "message", "note"]
WRONG = [None, {"x": {"y": [1]}}, [[[]]], -1, 2**63, -2**63 - 1, 1e308, "", "\u0000", "x" * 70000, True]

QUERIES = [
    {"max_results": "-1", "page_token": "%%%", "limit": "abc", "before": "-5", "path": "../..", "from": "v0", "to": "x",
     "view_type": "NOPE", "include_archived": "maybe", "q": "'; DROP TABLE runs; --", "offset": "-1", "prefix": "/"},
    {"max_results": "99999999999999999999", "experiment_id": "-1", "run_id": "\u0000", "metric_key": "", "limit": "0",
     "before": "99999999999999999999", "offset": "99999999999999999999"},
]


def check(r, where, failures):
    if r.status_code >= 500:
        failures.append(f"{where} -> {r.status_code} {r.text[:200]}")
    elif r.status_code >= 400:
        try:
            body = r.json()
            assert body["error_code"] and body["message"]
        except Exception:  # noqa: BLE001
            failures.append(f"{where} -> {r.status_code} without a JSON error body: {r.text[:200]!r}")


def test_no_route_answers_malformed_input_with_a_5xx(server, admin):
    routes = admin.ok("GET", "/api/v1/routes")["routes"]
    fx = build_fixtures(admin, "fuzz")
    h = {"Authorization": admin.s.headers["Authorization"], "X-Moebius-Project": "fuzz"}
    failures, sent = [], 0
    for route in sorted(routes, key=destructive):
        method = route["method"]
        if route["path"] in ("/api/v1/auth/logout",):
            continue
        url = server.url + fill_path(route["path"], fx)
        where = f"{method} {route['path']}"
        for q in QUERIES:
            check(requests.request(method, url, params=q, headers=h), f"{where} ?{list(q)[:3]}…", failures)
            sent += 1
        if method in ("POST", "PUT", "PATCH"):
            for raw in RAW_BODIES:
                r = requests.request(method, url, data=raw, headers={**h, "Content-Type": "application/json"})
                check(r, f"{where} body {raw[:20]!r}", failures)
                sent += 1
            for wrong in WRONG:
                body = {f: wrong for f in FIELDS}
                r = requests.request(method, url, data=json.dumps(body), headers={**h, "Content-Type": "application/json"})
                check(r, f"{where} all fields = {json.dumps(wrong)[:30]}", failures)
                sent += 1
    assert sent > 500
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)
    assert requests.get(server.url + "/healthz").status_code == 200


def test_one_wrong_field_in_an_otherwise_good_body(server, admin):
    """A body that reaches the handler (the ids resolve) with one field of a wrong type or out of range."""
    from route_fixtures import request_for
    routes = admin.ok("GET", "/api/v1/routes")["routes"]
    fx = build_fixtures(admin, "fuzz-one")
    s = requests.Session()
    s.headers.update({"Authorization": admin.s.headers["Authorization"], "X-Moebius-Project": "fuzz-one",
                      "Content-Type": "application/json"})
    good = {"name": "fuzzed", "key": "k", "value": "v", "timestamp": 1, "step": 0, "domain": "tabular",
            "problem_type": "classification", "expression": "a > 1", "kind": "dataset_version", "role": "viewer",
            "username": "fuzz-user", "password": "password-123"}
    failures, sent = [], 0
    for route in sorted(routes, key=destructive):
        method = route["method"]
        if method not in ("POST", "PATCH") or route["path"] in ("/api/v1/auth/logout", "/api/v1/auth/login"):
            continue
        path, query, body, _ = request_for(route, fx)
        for field in FIELDS:
            for wrong in (None, {"x": 1}, [1, "a"], -1, 2**63, "", "x" * 10000):
                payload = {**good, **body, field: wrong}
                r = s.request(method, server.url + path, params=query, data=json.dumps(payload))
                check(r, f"{method} {route['path']} {field}={json.dumps(wrong)[:20]}", failures)
                sent += 1
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:50])
    assert requests.get(server.url + "/healthz").status_code == 200
