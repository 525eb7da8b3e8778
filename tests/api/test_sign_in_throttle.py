"""Sign-in throttling (issue 11, item 5) with a real server: a wrong-password flood — by the login
route and by HTTP Basic, as MLflow clients send it — gets 429s with Retry-After while another
user's token requests keep their latency (a ratio against the same requests without the flood),
and an unknown user name costs the same time to refuse as a wrong password (a ratio too).

Each test starts its own server: a flood leaves 127.0.0.1 backing off for a while."""
import multiprocessing
import statistics
import threading
import time
import uuid

import pytest
import requests

from moebius_server import Server


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.cleanup()


def login(server, username, password):
    return requests.post(server.url + "/api/v1/auth/login", json={"username": username, "password": password})


def timed(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def flood(url, stop, answers, threads=16, per_second=8):
    """Wrong passwords from `threads` clients until `stop`; puts [(status, Retry-After)] on `answers`."""
    seen, lock = [], threading.Lock()

    def client(i):
        s = requests.Session()
        while not stop.is_set():
            t0 = time.perf_counter()
            if i % 2:  # as an MLflow client would: Basic on every request
                user = "victim" if i % 4 == 1 else "ghost-" + uuid.uuid4().hex[:8]
                r = s.get(url + "/api/v1/auth/me", auth=(user, "wrong-password"))
            else:
                user = "victim" if i % 4 == 0 else "ghost-" + uuid.uuid4().hex[:8]
                r = s.post(url + "/api/v1/auth/login", json={"username": user, "password": "wrong-password"})
            with lock:
                seen.append((r.status_code, r.headers.get("Retry-After")))
            time.sleep(max(0.0, 1.0 / per_second - (time.perf_counter() - t0)))

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    answers.put(seen)


def test_flood_gets_429_and_other_users_keep_their_latency(server):
    admin = server.client(server.login("admin", server.admin_password()))
    admin.ok("POST", "/api/v1/users", json={"username": "victim", "password": "victim-password"})
    exp = admin.ok("POST", "/api/2.0/mlflow/experiments/create", json={"name": "latency"})["experiment_id"]
    run_id = admin.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp})["run"]["info"]["run_id"]
    probe = requests.Session()
    probe.headers["Authorization"] = admin.s.headers["Authorization"]  # a token: not a password check

    def get_run():
        r = probe.get(server.url + "/api/2.0/mlflow/runs/get", params={"run_id": run_id})
        assert r.status_code == 200, r.text

    timed(get_run, 20)  # warm up
    alone = timed(get_run, 50)

    # The flood runs in a process of its own (so the probe does not wait for its GIL), 16
    # threads at 8 attempts/s each: the rate of the probe in issue 11 (642 in 5 s).
    stop = multiprocessing.Event()
    answers = multiprocessing.Queue()
    flooder = multiprocessing.Process(target=flood, args=(server.url, stop, answers))
    flooder.start()
    try:
        time.sleep(0.5)  # the flood is under way
        flooded = statistics.median(timed(get_run, 100))
    finally:
        stop.set()
        seen = answers.get(timeout=60)
        flooder.join()
    time.sleep(0.2)
    alone += timed(get_run, 50)  # before and after, so a noisy neighbour weighs on both arms
    baseline = statistics.median(alone)

    statuses = [s for s, _ in seen]
    refused = [retry for s, retry in seen if s == 429]
    ratio = flooded / baseline
    print(f"runs/get median {baseline * 1e3:.2f} ms alone, {flooded * 1e3:.2f} ms under a flood of "
          f"{len(statuses)} sign-ins ({len(refused)} answered 429): ratio {ratio:.1f}")
    assert all(s in (401, 429) for s in statuses), sorted(set(statuses))
    assert len(refused) > len(statuses) // 2, (len(refused), len(statuses))
    assert all(retry is not None and int(retry) >= 1 for retry in refused)
    assert ratio < 5, f"runs/get median went from {baseline * 1e3:.2f} ms to {flooded * 1e3:.2f} ms under the flood"


def test_unknown_user_costs_the_same_as_a_wrong_password(server):
    admin = server.client(server.login("admin", server.admin_password()))
    # Distinct names, so no account reaches its backoff; 16 failures stay under the address's 20.
    users = [f"real-{i}" for i in range(8)]
    for u in users:
        admin.ok("POST", "/api/v1/users", json={"username": u, "password": "the-right-password"})

    def attempt(name):
        t0 = time.perf_counter()
        r = login(server, name, "a-wrong-password")
        elapsed = time.perf_counter() - t0
        assert r.status_code == 401, r.text
        return elapsed

    wrong, unknown = [], []
    for i, u in enumerate(users):  # alternate the arms
        wrong.append(attempt(u))
        unknown.append(attempt(f"nobody-{i}"))
    ratio = statistics.median(unknown) / statistics.median(wrong)
    print(f"median refusal: wrong password {statistics.median(wrong) * 1e3:.1f} ms, "
          f"unknown user {statistics.median(unknown) * 1e3:.1f} ms (ratio {ratio:.2f})")
    assert 0.5 < ratio < 2, (wrong, unknown)
