#!/usr/bin/env bash
# Instructions the server spends on log-batch requests, exactly and whatever the load
# (callgrind counts instructions): the server runs under `valgrind --tool=callgrind`, one client
# sends 5 warm-up batches, then 20 log-batches of 1,000 metrics (bench_ingest's shape) with
# instrumentation on only around them. Prints the total; divide by 20,000 for per point.
#   bench/ingest_callgrind.sh [BINARY]      (default build/moebius)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/moebius}
tmp=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$tmp"' EXIT
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/cg" \
  "$BIN" server --data-dir "$tmp/d" --host 127.0.0.1 --port 0 --threads 2 > "$tmp/out" 2> "$tmp/err" &
PID=$!
for _ in $(seq 600); do grep -q '^listening on' "$tmp/out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$tmp/out")
TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -d "{\"username\":\"admin\",\"password\":\"$(cat "$tmp/d/initial-admin-password")\"}" \
  | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
batches() {  # $1 count
  /usr/bin/python3 - "$URL" "$TOKEN" "$1" <<'PY'
import http.client, json, sys, urllib.parse
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(u.hostname, u.port)
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def post(path, body):
    c.request("POST", path, body, h)
    r = c.getresponse()
    data = r.read()
    assert r.status == 200, (r.status, data[:300])
    return json.loads(data) if data else {}
exp = post("/api/2.0/mlflow/experiments/create", json.dumps({"name": "cg-%d" % n}))["experiment_id"]
run = post("/api/2.0/mlflow/runs/create", json.dumps({"experiment_id": exp, "run_name": "cg"}))["run"]["info"]["run_id"]
step = 0
for _ in range(n):
    parts = []
    for i in range(1000):
        parts.append('{"key":"m%d","value":%f,"timestamp":%d,"step":%d}' % (i % 10, step * 0.001, 1700000000000 + step, step))
        step += 1
    post("/api/2.0/mlflow/runs/log-batch", '{"run_id":"%s","metrics":[%s]}' % (run, ",".join(parts)))
PY
}
batches 5  # warm-up
callgrind_control -i on $PID > /dev/null 2>&1
batches 20
callgrind_control -i off $PID > /dev/null 2>&1
callgrind_control -d $PID > /dev/null 2>&1
total=$(awk '/^totals:/ {t += $2} END {print t}' "$tmp"/cg*)
echo "{\"binary\": \"$BIN\", \"instructions_for_20_batches\": $total, \"per_point\": $((total / 20000))}"
