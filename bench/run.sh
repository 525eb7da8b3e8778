#!/usr/bin/env bash
# Runs the foundation benchmarks and prints one JSON line per result. Pins the server and the
# load generator to different cores where the machine has two or more.
#   bench/run.sh [ingest|search|startup|all]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${MOEBIUS_BIN:-build/moebius}
B=build/bench
what=${1:-all}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

start_server() {  # $1 data dir; sets URL, PID, TOKEN
  taskset -c 0 "$BIN" server --data-dir "$1" --host 127.0.0.1 --port 0 > "$tmp/out" 2> "$tmp/err" &
  PID=$!
  for _ in $(seq 100); do grep -q '^listening on' "$tmp/out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on //p' "$tmp/out")
  TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -d "{\"username\":\"admin\",\"password\":\"$(cat "$1/initial-admin-password")\"}" \
    | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

if [[ $what == ingest || $what == all ]]; then
  start_server "$tmp/ingest"
  EXP=$(curl -sf -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/2.0/mlflow/experiments/create" -d '{"name":"bench-ingest"}' \
    | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  taskset -c 1 "$B/bench_ingest" "$URL" "$TOKEN" "$EXP" 4 2 > /dev/null  # warm-up
  echo "ingest: $(taskset -c 1 "$B/bench_ingest" "$URL" "$TOKEN" "$EXP" 4 10)"
  kill $PID; wait $PID 2>/dev/null || true
fi

if [[ $what == search || $what == all ]]; then
  RUNS=${RUNS:-100000}
  SEED=$("$B/bench_search" seed "$tmp/search" "$RUNS")
  EXP=$(echo "$SEED" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  start_server "$tmp/search"
  echo "search ($RUNS runs): $(taskset -c 1 "$B/bench_search" query "$URL" "$TOKEN" "$EXP" 50)"
  kill $PID; wait $PID 2>/dev/null || true
fi

if [[ $what == startup || $what == all ]]; then
  # Start-to-ready on an existing data directory (the usual restart), five times; then idle RSS.
  "$BIN" server --data-dir "$tmp/startup" --port 0 > /dev/null 2>&1 & p=$!; sleep 1; kill $p; wait $p 2>/dev/null || true
  for i in 1 2 3 4 5; do
    t0=$(date +%s%N)
    "$BIN" server --data-dir "$tmp/startup" --host 127.0.0.1 --port 0 > "$tmp/s$i" 2>/dev/null & p=$!
    until grep -q '^listening on' "$tmp/s$i"; do sleep 0.002; done
    t1=$(date +%s%N)
    url=$(sed -n 's/^listening on //p' "$tmp/s$i")
    until curl -sf "$url/readyz" > /dev/null; do sleep 0.002; done
    t2=$(date +%s%N)
    sleep 1
    rss=$(awk '/VmRSS/ {print $2}' /proc/$p/status)
    echo "startup: {\"listening_ms\": $(( (t1 - t0) / 1000000 )), \"ready_ms\": $(( (t2 - t0) / 1000000 )), \"idle_rss_mb\": $(( rss / 1024 ))}"
    kill $p; wait $p 2>/dev/null || true
  done
fi
