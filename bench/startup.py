#!/usr/bin/python3
"""Server start: time to `listening on` and to a 200 from /readyz, and RSS one second later, on
an existing data directory (the usual restart), for one or more binaries started in turn
(A B A B ...), so a before/after comparison shares the same minutes.

usage: startup.py [--rounds N] NAME=BINARY [NAME=BINARY ...]

One JSON line per start, then one summary line per binary (medians, min-max) and, with two or
more binaries, the median ratios of the later ones to the first. Each binary gets its own data
directory, created by one start that is not measured. The reading side stays in this process
(a pipe read for the address, urllib for /readyz), so measuring spawns nothing that competes
with the server for a core.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def start(binary, data_dir):
    """Starts the server; returns (process, url, listening_ms, ready_ms)."""
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "server", "--data-dir", data_dir, "--host", "127.0.0.1", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = None
    for line in proc.stdout:
        if line.startswith("listening on "):
            url = line.split()[-1]
            break
    t1 = time.monotonic()
    if url is None:
        raise RuntimeError(f"{binary} exited without listening (status {proc.wait()})")
    while True:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.001)
    t2 = time.monotonic()
    return proc, url, (t1 - t0) * 1000, (t2 - t0) * 1000


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv):
    rounds = 5
    if len(argv) > 1 and argv[0] == "--rounds":
        rounds, argv = int(argv[1]), argv[2:]
    arms = [a.split("=", 1) for a in argv]
    if not arms or any(len(a) != 2 for a in arms):
        print(__doc__, file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="moebius-startup-")
    results = {name: [] for name, _ in arms}
    try:
        for name, binary in arms:  # first start: creates the data directory, not measured
            proc, *_ = start(binary, os.path.join(tmp, name))
            stop(proc)
        for _ in range(rounds):
            for name, binary in arms:
                proc, _, listening, ready = start(binary, os.path.join(tmp, name))
                time.sleep(1)
                rss = rss_mb(proc.pid)
                stop(proc)
                row = {"binary": name, "listening_ms": round(listening, 1), "ready_ms": round(ready, 1), "idle_rss_mb": round(rss, 1)}
                results[name].append(row)
                print("startup: " + json.dumps(row), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    summary = {}
    for name, _ in arms:
        rows = results[name]
        s = {"binary": name, "starts": len(rows)}
        for k in ("listening_ms", "ready_ms", "idle_rss_mb"):
            v = [r[k] for r in rows]
            s[k] = {"median": round(statistics.median(v), 1), "min": min(v), "max": max(v)}
        summary[name] = s
        print("startup summary: " + json.dumps(s), flush=True)
    first = arms[0][0]
    for name, _ in arms[1:]:
        ratio = {k: round(summary[name][k]["median"] / max(summary[first][k]["median"], 1e-9), 2)
                 for k in ("listening_ms", "ready_ms", "idle_rss_mb")}
        print(f"startup ratio {name}/{first}: " + json.dumps(ratio), flush=True)
    with open(os.environ.get("STARTUP_SUMMARY", os.devnull), "w") as f:
        json.dump(summary, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
