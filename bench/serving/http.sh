#!/usr/bin/env bash
# Serving over HTTP against the peer kit (issue 13 benchmarks; ../shared/peers/serving): the same
# models (S: 100 trees depth 6, L: 1,000 trees depth 8, 28 features), the same v2 bodies and the
# same wrk script, in one run — Moebius through a deployment (capture at its default rate) and the
# peers' FastAPI arms (lean: uvicorn + uvloop + httptools; typical: pydantic), each server pinned to
# CPU 0 with one worker, wrk pinned to CPU 1. One RESULT line per point.
#   bench/serving/http.sh                          # S and L, batch 1 and 256, c 1 8 32 64
#   ARMS="moebius fastapi" MODELS_RUN=S BATCHES=1 CONCS="1 8" DURATION=5 bench/serving/http.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers/serving}
BIN=${MOEBIUS_BIN:-$ROOT/build/moebius}
PY=/usr/bin/python3
ARMS=${ARMS:-"moebius fastapi fastapi_typical"}
MODELS_RUN=${MODELS_RUN:-"S L"}
BATCHES=${BATCHES:-"1 256"}
CONCS=${CONCS:-"1 8 32 64"}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CAPTURE_RATE=${CAPTURE_RATE:-}  # empty: the deployment's default
tmp=$(mktemp -d)
PID=""
stop() { if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; fi; }
trap 'stop; rm -rf "$tmp"' EXIT

# The peer kit in a copy of its own (its scripts write next to themselves), models and bodies made.
cp -r "$PEERS" "$tmp/peers"
(cd "$tmp/peers" && rm -rf raw raw_pass2 && $PY make_models.py > /dev/null && $PY make_bodies.py > /dev/null)

wait_ready() {  # $1 URL
  for _ in $(seq 200); do curl -sf -o /dev/null "$1/v2/health/ready" && return 0; sleep 0.1; done
  echo "server at $1 did not get ready" >&2; return 1
}

start_moebius() {
  taskset -c 0 "$BIN" server --data-dir "$tmp/data" --host 127.0.0.1 --port 8091 --threads 1 --no-access-log > "$tmp/out" 2> "$tmp/err" &
  PID=$!
  wait_ready http://127.0.0.1:8091
  URL=http://127.0.0.1:8091
  TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -d "{\"username\":\"admin\",\"password\":\"$(cat "$tmp/data/initial-admin-password")\"}" \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  H=(-H "Authorization: Bearer $TOKEN")
  curl -sf "${H[@]}" -X POST "$URL/api/v1/projects" -d '{"name":"bench"}' > /dev/null
  EXP=$(curl -sf "${H[@]}" -H "X-Moebius-Project: bench" -X POST "$URL/api/2.0/mlflow/experiments/create" -d '{"name":"serving"}' \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  for m in S L; do
    RUN=$(curl -sf "${H[@]}" -X POST "$URL/api/2.0/mlflow/runs/create" -d "{\"experiment_id\":\"$EXP\"}" \
      | $PY -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
    curl -sf "${H[@]}" -X PUT --data-binary @"$tmp/peers/model_$m.json" "$URL/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/model/model.json" > /dev/null
    curl -sf "${H[@]}" -X POST "$URL/api/v1/projects/bench/models/$m/versions" -d "{\"run_id\":\"$RUN\",\"path\":\"model\"}" > /dev/null
    extra=""
    [[ -n $CAPTURE_RATE ]] && extra=",\"capture_rate\":$CAPTURE_RATE"
    curl -sf "${H[@]}" -X POST "$URL/api/v1/projects/bench/deployments" \
      -d "{\"name\":\"$m\",\"variants\":[{\"name\":\"main\",\"model\":\"$m\",\"version\":1,\"weight\":100}]$extra}" > /dev/null
  done
  # The answers equal the kit's expected outputs (first rows, both models) before anything is timed.
  for m in S L; do
    $PY - "$URL" "$TOKEN" "$m" "$tmp/peers" <<'PY'
import json, sys, urllib.request
import numpy as np
url, token, m, peers = sys.argv[1:]
exp = json.load(open(f"{peers}/expected.json"))
x = np.asarray(exp["rows"], dtype=np.float32)
body = {"inputs": [{"name": "input__0", "shape": list(x.shape), "datatype": "FP32", "data": x.ravel().tolist()}]}
req = urllib.request.Request(f"{url}/v2/models/{m}/infer", data=json.dumps(body).encode(),
                             headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
got = np.asarray(json.load(urllib.request.urlopen(req))["outputs"][0]["data"], dtype=np.float32)
want = np.asarray(exp["predictions"][m], dtype=np.float32)
assert np.max(np.abs(got - want)) <= 1e-6, (m, np.max(np.abs(got - want)))
PY
  done
  LUA=$ROOT/bench/serving/auth.lua
}

start_peer() {  # $1 arm
  local style=lean
  [[ $1 == fastapi_typical ]] && style=typical
  (cd "$tmp/peers" && exec env OMP_NUM_THREADS=1 STYLE=$style taskset -c 0 $PY -m uvicorn --app-dir "$tmp/peers" fastapi_v2:app --host 127.0.0.1 \
    --port 8001 --workers 1 --loop uvloop --http httptools --no-access-log --log-level warning > "$tmp/peer.log" 2>&1) &
  PID=$!
  wait_ready http://127.0.0.1:8001
  URL=http://127.0.0.1:8001
  LUA=$tmp/peers/infer_v2.lua
}

for arm in $ARMS; do
  if [[ $arm == moebius ]]; then start_moebius; else start_peer "$arm"; fi
  for m in $MODELS_RUN; do
    for b in $BATCHES; do
      body=$tmp/peers/body_b$b.json
      PEER_LUA=$tmp/peers/infer_v2.lua TOKEN=${TOKEN:-} BODY=$body taskset -c 1 wrk -t1 -c8 -d${WARMUP}s -s "$LUA" "$URL/v2/models/$m/infer" > /dev/null
      for c in $CONCS; do
        line=$(PEER_LUA=$tmp/peers/infer_v2.lua TOKEN=${TOKEN:-} BODY=$body taskset -c 1 wrk -t1 -c$c -d${DURATION}s --timeout 10s --latency -s "$LUA" \
          "$URL/v2/models/$m/infer" | grep '^RESULT')
        rss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0)
        echo "$arm model=$m batch=$b conc=$c ${line#RESULT } server_rss_kb=$rss"
      done
    done
  done
  stop
done
