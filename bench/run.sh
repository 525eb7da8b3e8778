#!/usr/bin/env bash
# Runs the foundation benchmarks and prints one JSON line per result. Pins the server and the
# load generator to different cores where the machine has two or more.
#   bench/run.sh [ingest|ceiling|search|startup|all]
#
# ARMS="after=build/moebius before=/path/to/old/moebius" compares binaries in the same run:
# ingest and startup alternate them (A B A B ...), ROUNDS times each (default 3 with several
# arms, else 1); the first arm is the one the checks apply to. Default: ARMS="moebius=$BIN".
#
# `all` ends with the checks (issue 18; DESIGN.md section 7), and exits 1 when one fails, so a
# later dependency that slows the start or the ingest shows up:
#   start to /readyz, median  <= STARTUP_MAX_MS (50)     idle RSS, median <= RSS_MAX_MB (30)
#   ingest, median            >= INGEST_MIN (200000 points per second of server CPU; with
#                                INGEST_WALL_MIN set, also that many points per second of wall time)
# Record figures only on a quiet machine (load average < 1.5; the script prints it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${MOEBIUS_BIN:-build/moebius}
B=build/bench
what=${1:-all}
read -r -a arms <<< "${ARMS:-moebius=$BIN}"
rounds=${ROUNDS:-$(( ${#arms[@]} > 1 ? 3 : 1 ))}
STARTUP_MAX_MS=${STARTUP_MAX_MS:-50}
RSS_MAX_MB=${RSS_MAX_MB:-30}
INGEST_MIN=${INGEST_MIN:-200000}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "bench: $(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null || echo '?') load: $(cut -d' ' -f1-3 /proc/loadavg)"

start_server() {  # $1 binary, $2 data dir; sets URL, PID, TOKEN
  : > "$tmp/out"  # emptied here, not by the child's redirect: the loop below must not see the last server's line
  taskset -c 0 "$1" server --data-dir "$2" --host 127.0.0.1 --port 0 > "$tmp/out" 2> "$tmp/err" &
  PID=$!
  for _ in $(seq 200); do grep -q '^listening on' "$tmp/out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on //p' "$tmp/out")
  TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -d "{\"username\":\"admin\",\"password\":\"$(cat "$2/initial-admin-password")\"}" \
    | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

failed=0
check() {  # $1 name, $2 value, $3 op (le|ge), $4 limit
  local ok
  ok=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {print (op == "le" ? v <= l : v >= l) ? 1 : 0}')
  if [[ $ok == 1 ]]; then echo "check: $1 = $2 ($3 $4): ok"; else echo "check: $1 = $2 ($3 $4): FAILED"; failed=1; fi
}

if [[ $what == ingest || $what == all ]]; then
  # A fresh data directory per start, so every arm logs into the same empty tables.
  for ((r = 1; r <= rounds; r++)); do
    for arm in "${arms[@]}"; do
      name=${arm%%=*} bin=${arm#*=}
      rm -rf "$tmp/ingest"
      start_server "$bin" "$tmp/ingest"
      EXP=$(curl -sf -H "Authorization: Bearer $TOKEN" -X POST "$URL/api/2.0/mlflow/experiments/create" -d '{"name":"bench-ingest"}' \
        | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
      taskset -c 1 "$B/bench_ingest" "$URL" "$TOKEN" "$EXP" 4 2 > /dev/null  # warm-up
      # The server's CPU time too: points per CPU second barely move when the machine is shared,
      # where points per second follow the share of core 0 the server gets.
      cpu0=$(awk '{print $14 + $15}' /proc/$PID/stat)
      out=$(taskset -c 1 "$B/bench_ingest" "$URL" "$TOKEN" "$EXP" 4 10)
      cpu1=$(awk '{print $14 + $15}' /proc/$PID/stat)
      ticks=$(getconf CLK_TCK)
      echo "ingest [$name]: $out server_cpu_s=$(awk -v d=$((cpu1 - cpu0)) -v t="$ticks" 'BEGIN {printf "%.2f", d / t}')" \
        "points_per_cpu_second=$(echo "$out" | /usr/bin/python3 -c "import json,sys; print(round(json.load(sys.stdin)['points'] / max($((cpu1 - cpu0)) / $ticks, 0.01)))")"
      echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["points_per_second"])' >> "$tmp/ingest-$name"
      echo "$out" | /usr/bin/python3 -c "import json,sys; print(round(json.load(sys.stdin)['points'] / max($((cpu1 - cpu0)) / $ticks, 0.01)))" >> "$tmp/ingest-cpu-$name"
      kill $PID; wait $PID 2>/dev/null || true
    done
  done
  for arm in "${arms[@]}"; do
    name=${arm%%=*}
    echo "ingest median [$name]: $(median < "$tmp/ingest-$name") points/s (runs: $(paste -sd' ' "$tmp/ingest-$name")); $(median < "$tmp/ingest-cpu-$name") points per server CPU second (runs: $(paste -sd' ' "$tmp/ingest-cpu-$name"))"
  done
fi

if [[ $what == ceiling || $what == ingest || $what == all ]]; then
  # The same rows straight into SQLite with the server's schema and pragmas: ingest's ceiling.
  echo "ceiling: $(taskset -c 0 "$B/bench_sqlite_ingest" "$tmp/ceiling" 5)"
fi

if [[ $what == search || $what == all ]]; then
  RUNS=${RUNS:-100000}
  SEED=$("$B/bench_search" seed "$tmp/search" "$RUNS")
  EXP=$(echo "$SEED" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
  start_server "${arms[0]#*=}" "$tmp/search"
  echo "search ($RUNS runs): $(taskset -c 1 "$B/bench_search" query "$URL" "$TOKEN" "$EXP" 50)"
  kill $PID; wait $PID 2>/dev/null || true
fi

if [[ $what == startup || $what == all ]]; then
  # Start to `listening` and to /readyz 200 on an existing data directory (the usual restart),
  # then idle RSS one second later: five starts per arm, alternated (bench/startup.py).
  STARTUP_SUMMARY="$tmp/startup.json" /usr/bin/python3 bench/startup.py --rounds $(( rounds > 1 ? rounds + 2 : 5 )) "${arms[@]}"
  for lib in "${arms[@]}"; do echo "shared libraries at start [${lib%%=*}]: $(ldd "${lib#*=}" | wc -l)"; done
fi

if [[ $what == all ]]; then
  first=${arms[0]%%=*}
  read -r ready rss < <(/usr/bin/python3 -c "import json; s = json.load(open('$tmp/startup.json'))['$first']; print(s['ready_ms']['median'], s['idle_rss_mb']['median'])")
  check "startup ready_ms [$first]" "$ready" le "$STARTUP_MAX_MS"
  check "idle_rss_mb [$first]" "$rss" le "$RSS_MAX_MB"
  # Per second of server CPU: a slower request path shows up even while the machine is shared
  # (points/s then follows the core's share, and is printed above); INGEST_WALL_MIN checks that too.
  check "ingest points per server CPU second [$first]" "$(median < "$tmp/ingest-cpu-$first")" ge "$INGEST_MIN"
  if [[ ${INGEST_WALL_MIN:-0} != 0 ]]; then check "ingest points/s [$first]" "$(median < "$tmp/ingest-$first")" ge "$INGEST_WALL_MIN"; fi
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit $failed
fi
