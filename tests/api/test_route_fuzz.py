"""Every route from GET /api/v1/routes, called by an admin with malformed bodies and query values:
the answer is a 4xx (or a 2xx where the input happens to be acceptable) with a JSON error body,
never a 5xx, and the server stays up. Generated from the server's route table, like the role matrix.

The last test takes the documented body of every route (route_bodies.py) and replaces each member
and element, at every depth, by values of other JSON types: every answer is a 2xx or a 4xx that a
parser gave (not the router's safety net for unchecked JSON reads)."""
import copy
import json

import pytest
import requests

from moebius_server import Server
from route_bodies import RAW_OR_EMPTY, documented_bodies
from route_fixtures import build_fixtures, destructive, fill_path

# The start of the message of the router's safety net (src/api/router.h kUncheckedJsonMessage).
UNCHECKED = "the request or a document it reads has an unexpected shape"

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
            # The v2 protocol's errors are {"error": "..."}; every other route's carry error_code and message.
            assert (body["error"] if where.split(" ")[1].startswith("/v2") else body["error_code"] and body["message"])
        except Exception:  # noqa: BLE001
            failures.append(f"{where} -> {r.status_code} without a JSON error body: {r.text[:200]!r}")
            return
        if body.get("message", body.get("error", "")).startswith(UNCHECKED):
            failures.append(f"{where} -> caught only by the router's safety net (a parser missed a check): {r.text[:200]}")


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


# ---- wrong types at every depth of every documented body

def wrong_values(v):
    """Values of another JSON type (and edge values of the same) for a node holding `v`."""
    if isinstance(v, bool):
        return ["true", 1, None, [], {}]
    if isinstance(v, (int, float)):
        return ["x", "", None, True, [1], {"a": 1}, 2**63, -2**63 - 1, 1e308, 0.5]
    if isinstance(v, str):
        return [1, 1.5, True, None, [], {}, ["x"], {"x": "y"}]
    if isinstance(v, list):
        return [{}, "x", 1, None, [[[]]], [{}], [None], [True]]
    if isinstance(v, dict):
        return [[], "x", 1, None, True, [{}]]
    return ["x", 1, [], {}]


def nodes(value, path=()):
    """(path, value) of every member and element below the root, at every depth."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield path + (key,), child
        yield from nodes(child, path + (key,))


def replaced(body, path, value):
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


# Routes that read no body field (an empty body is their whole input).
NO_BODY_FIELDS = {
    "POST /api/v1/projects/{project}/archive", "POST /api/v1/projects/{project}/unarchive",
    "POST /api/v1/projects/{project}/datasets/{dataset}/uploads",
    "POST /api/v1/projects/{project}/datasets/{dataset}/versions/{version}/rollback",
    "POST /api/v1/jobs/{job}/cancel", "POST /api/v1/studies/{study}/stop", "POST /api/v1/pipeline-runs/{id}/cancel",
    "POST /api/v1/approvals/{approval}/cancel",
}


@pytest.fixture(scope="module")
def own_server():
    """A server of its own: these bodies claim jobs and run studies, which the shared one must not."""
    s = Server().start()
    yield s
    s.cleanup()


def test_wrong_types_at_every_depth_of_every_documented_body(own_server):
    server = own_server
    admin = server.client(server.login("admin", server.admin_password()))
    routes = admin.ok("GET", "/api/v1/routes")["routes"]
    fx = build_fixtures(admin, "deep")
    bodies = documented_bodies(fx)
    mutating = {f"{r['method']} {r['path']}" for r in routes if r["method"] in ("POST", "PUT", "PATCH")}
    unknown = mutating - set(bodies) - RAW_OR_EMPTY - NO_BODY_FIELDS
    assert not unknown, f"routes without a documented body in route_bodies.py: {sorted(unknown)}"
    assert not set(bodies) - mutating, f"bodies for routes that do not exist: {sorted(set(bodies) - mutating)}"

    s = requests.Session()
    s.headers.update({"Authorization": admin.s.headers["Authorization"], "Content-Type": "application/json"})
    failures, sent = [], 0
    for route in sorted((r for r in routes if f"{r['method']} {r['path']}" in bodies), key=destructive):
        method, pattern = route["method"], route["path"]
        url = server.url + fill_path(pattern, fx)
        for body in bodies[f"{method} {pattern}"]:
            for path, value in list(nodes(body)):
                for wrong in wrong_values(value):
                    r = s.request(method, url, data=json.dumps(replaced(body, path, wrong)))
                    where = f"{method} {pattern} {'.'.join(map(str, path))}={json.dumps(wrong)[:20]}"
                    # A SQL round that reaches its (absent) database is the documented 502.
                    if r.status_code == 502 and pattern.endswith("/rounds/sql"):
                        continue
                    check(r, where, failures)
                    sent += 1
    assert sent > 2000
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:60])
    assert requests.get(server.url + "/healthz").status_code == 200
