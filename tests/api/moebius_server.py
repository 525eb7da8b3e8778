"""Starts the real moebius binary on port 0 for API tests and talks to it over HTTP."""
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("MOEBIUS_BIN", os.path.join(ROOT, "build", "moebius"))


class Server:
    """One server process over a data directory; restartable on the same directory."""

    def __init__(self, data_dir=None, extra_args=(), env=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="moebius-api-")
        self.extra_args = list(extra_args)
        self.env = None if env is None else {**os.environ, **env}  # added to the environment
        self.proc = None
        self.url = None
        self.log = []
        self.out = []  # stdout after "listening on", e.g. the demo's progress

    def start(self):
        self.proc = subprocess.Popen(
            [BIN, "server", "--data-dir", self.data_dir, "--host", "127.0.0.1", "--port", "0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server exited: " + self.proc.stderr.read()[-2000:])
            m = re.match(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1)
                break
        else:
            raise RuntimeError("server did not print its address")
        # Drain stderr so the pipe never fills up.
        threading.Thread(target=lambda: [self.log.append(l) for l in self.proc.stderr], daemon=True).start()
        self.out = []
        threading.Thread(target=lambda out=self.out: [out.append(l) for l in self.proc.stdout], daemon=True).start()
        return self

    def admin_password(self):
        path = os.path.join(self.data_dir, "initial-admin-password")
        return open(path).read().strip()

    def password_file_mode(self):
        return stat.S_IMODE(os.stat(os.path.join(self.data_dir, "initial-admin-password")).st_mode)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    # ---- HTTP helpers

    def login(self, username, password):
        r = requests.post(self.url + "/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def client(self, token):
        return Client(self.url, token)


class Client:
    """requests with a bearer token and the server URL filled in."""

    def __init__(self, url, token):
        self.url = url
        self.s = requests.Session()
        if token:
            self.s.headers["Authorization"] = "Bearer " + token

    def request(self, method, path, **kw):
        r = self.s.request(method, self.url + path, **kw)
        # A client's mistake is never a 500 (MLflow clients retry those): no test expects one.
        assert r.status_code < 500, f"{method} {path} -> {r.status_code} {r.text[:500]}"
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def ok(self, method, path, **kw):
        r = self.request(method, path, **kw)
        assert r.status_code == 200, f"{method} {path} -> {r.status_code} {r.text}"
        return r.json() if r.content else {}
