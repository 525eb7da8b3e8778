#!/usr/bin/env bash
# Data benchmarks (issue 3), each with its peer in the same run:
#   ingest of 100,000 files of 2 KiB (ours: one round from a tar) vs `git add` of the same files
#   SHA-256 of a 1 GiB file (ours) vs `openssl dgst -sha256`
#   diff of two 1,000,000-item versions with 1% changed, and the manifest bytes the second adds
# Arms alternate (A B A B A B) and the median of three is reported.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/bench/bench_data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | sed -n 2p; }

echo "generating 100,000 files of 2 KiB..." >&2
/usr/bin/python3 - "$tmp/files" <<'PY'
import os, sys, random
root = sys.argv[1]
rng = random.Random(7)
for i in range(100_000):
    d = os.path.join(root, f"d{i % 100:02d}")
    if i < 100: os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:06d}.bin"), "wb") as f:
        f.write(rng.randbytes(2048))
PY
tar -cf "$tmp/files.tar" -C "$tmp/files" .
ours=(); git=()
for round in 1 2 3; do
  ours+=("$(taskset -c 0 $B ingest "$tmp/files.tar" "$tmp/store" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["files_per_s"])')")
  rm -rf "$tmp/files/.git"
  t0=$(date +%s.%N); (cd "$tmp/files" && git init -q && taskset -c 0 git add -A); t1=$(date +%s.%N)
  git+=("$(/usr/bin/python3 -c "print(round(100000 / ($t1 - $t0)))")")
done
o=$(printf '%s\n' "${ours[@]}" | median); g=$(printf '%s\n' "${git[@]}" | median)
echo "ingest: {\"ours_files_per_s\": $o, \"git_add_files_per_s\": $g, \"ratio\": $(/usr/bin/python3 -c "print(round($o / $g, 2))"), \"runs\": \"${ours[*]} / ${git[*]}\"}"

head -c 1073741824 /dev/urandom > "$tmp/big"
ours=(); ossl=()
for round in 1 2 3; do
  ours+=("$(taskset -c 0 $B sha256 "$tmp/big" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["mb_per_s"])')")
  t0=$(date +%s.%N); taskset -c 0 openssl dgst -sha256 "$tmp/big" > /dev/null; t1=$(date +%s.%N)
  ossl+=("$(/usr/bin/python3 -c "print(round(1073.741824 / ($t1 - $t0), 1))")")
done
o=$(printf '%s\n' "${ours[@]}" | median); s=$(printf '%s\n' "${ossl[@]}" | median)
echo "sha256: {\"ours_mb_per_s\": $o, \"openssl_mb_per_s\": $s, \"ratio\": $(/usr/bin/python3 -c "print(round($o / $s, 3))")}"

echo "diff: $($B diff 1000000 0.01)"
