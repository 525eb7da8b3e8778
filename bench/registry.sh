#!/usr/bin/env bash
# Registry benchmarks (issue 12), one JSON line per result:
#   search  MLflow's model-versions/search (name and tag) and registered-models/search (name
#           pattern) over 100,000 versions (1,000 models × 100), over HTTP; target p50 <= 20 ms
#   export  a 1,000-tree XGBoost model: `moebius model export` + `moebius package verify`, against
#           `cp -r` + `sha256sum` of the same files, in the same run (ratio)
#   bench/registry.sh [search|export|all]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${MOEBIUS_BIN:-build/moebius}
B=build/bench
PY=/usr/bin/python3
what=${1:-all}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

start_server() {  # $1 data dir; sets URL, PID, TOKEN
  taskset -c 0 "$BIN" server --data-dir "$1" --host 127.0.0.1 --port 0 --no-access-log > "$tmp/out" 2> "$tmp/err" &
  PID=$!
  for _ in $(seq 200); do grep -q '^listening on' "$tmp/out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on //p' "$tmp/out")
  TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -d "{\"username\":\"admin\",\"password\":\"$(cat "$1/initial-admin-password")\"}" \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

if [[ $what == search || $what == all ]]; then
  MODELS=${MODELS:-1000} PER=${PER:-100}
  SEED=$("$B/bench_registry" seed "$tmp/search" "$MODELS" "$PER")
  start_server "$tmp/search"
  echo "registry search ($SEED): $(taskset -c 1 "$B/bench_registry" query "$URL" "$TOKEN" 50)"
  kill $PID; wait $PID 2>/dev/null || true
fi

if [[ $what == export || $what == all ]]; then
  start_server "$tmp/export"
  export MOEBIUS_SERVER=$URL MOEBIUS_TOKEN=$TOKEN MOEBIUS_CONFIG_DIR=$tmp/config
  mkdir -p "$tmp/model"
  $PY - "$tmp/model" <<'PY'
import json, sys
import numpy as np, xgboost as xgb
rng = np.random.default_rng(0)
x = rng.normal(size=(20000, 20)).astype(np.float32)
y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(np.float32)
b = xgb.train({"objective": "binary:logistic", "max_depth": 6, "seed": 0}, xgb.DMatrix(x, label=y), num_boost_round=1000)
b.save_model(sys.argv[1] + "/model.json")
PY
  "$BIN" project create bench > /dev/null
  EXP=$(curl -sf -H "Authorization: Bearer $TOKEN" -H "X-Moebius-Project: bench" -X POST "$URL/api/2.0/mlflow/experiments/create" -d '{"name":"bench-export"}' \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  RUN=$(curl -sf -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/2.0/mlflow/runs/create" -d "{\"experiment_id\":\"$EXP\"}" \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
  curl -sf -H "Authorization: Bearer $TOKEN" -X PUT --data-binary @"$tmp/model/model.json" \
    "$URL/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/model/model.json" > /dev/null
  "$BIN" model register bench big --run "$RUN" > /dev/null
  size=$(stat -c %s "$tmp/model/model.json")
  # Alternating, three rounds each; the median of each.
  ours=() peer=()
  for i in 1 2 3; do
    rm -rf "$tmp/repo" "$tmp/copy"
    t0=$(date +%s%N)
    "$BIN" model export big 1 --out "$tmp/repo" > /dev/null
    "$BIN" package verify "$tmp/repo" > /dev/null
    t1=$(date +%s%N)
    cp -r "$tmp/model" "$tmp/copy"
    sha256sum "$tmp/copy"/* > /dev/null
    t2=$(date +%s%N)
    ours+=($(( (t1 - t0) / 1000000 ))); peer+=($(( (t2 - t1) / 1000000 )))
  done
  med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
  o=$(med "${ours[@]}"); p=$(med "${peer[@]}")
  echo "registry export (1000 trees, model.json $size bytes): {\"export_and_verify_ms\": $o, \"cp_and_sha256sum_ms\": $p, \"ratio\": $($PY -c "print(round($o / max($p, 1), 1))")}"
  kill $PID; wait $PID 2>/dev/null || true
fi
