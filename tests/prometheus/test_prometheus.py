"""A real Prometheus (Debian's) scrapes the server's /metrics and can query what it exposes."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
from moebius_server import Server  # noqa: E402

PROMETHEUS = shutil.which("prometheus")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_prometheus_scrapes_metrics():
    assert PROMETHEUS, "prometheus is missing: scripts/install-deps.sh installs it"
    server = Server().start()
    tmp = tempfile.mkdtemp(prefix="moebius-prom-")
    prom = None
    try:
        target = server.url.replace("http://", "")
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: moebius
    static_configs:
      - targets: ['{target}']
""")
        port = free_port()
        prom = subprocess.Popen([PROMETHEUS, f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
                                 f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        token = server.login("admin", server.admin_password())
        requests.get(server.url + "/api/v1/projects", headers={"Authorization": "Bearer " + token})
        api = f"http://127.0.0.1:{port}/api/v1/query"
        deadline = time.time() + 60
        up, requests_total = None, None
        while time.time() < deadline:
            try:
                up = requests.get(api, params={"query": 'up{job="moebius"}'}, timeout=2).json()["data"]["result"]
                requests_total = requests.get(api, params={
                    "query": 'moebius_http_requests_total{route="/api/v1/projects",method="GET",status="200"}'}, timeout=2).json()["data"]["result"]
                if up and up[0]["value"][1] == "1" and requests_total:
                    break
            except (requests.RequestException, KeyError, ValueError):
                pass
            time.sleep(0.5)
        assert up and up[0]["value"][1] == "1", f"Prometheus could not scrape {server.url}/metrics: {up}"
        assert requests_total and float(requests_total[0]["value"][1]) >= 1
        hist = requests.get(api, params={"query": "histogram_quantile(0.99, sum by (le) (moebius_http_request_duration_seconds_bucket))"}).json()
        assert hist["status"] == "success"
        rss = requests.get(api, params={"query": 'process_resident_memory_bytes{job="moebius"}'}).json()["data"]["result"]
        assert rss and float(rss[0]["value"][1]) > 1e6
    finally:
        if prom:
            prom.terminate()
            prom.wait(10)
        server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
