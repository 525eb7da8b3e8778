#!/usr/bin/env bash
# Labeling benchmarks (issue 15): COCO export of 100,000 boxes against Python's json.dump of the
# same structure, and agreement over 100,000 items x 3 labelers against scikit-learn and
# statsmodels, each in the same run. Results: bench/RESULTS.md.
#   bench/label.sh [BUILD_DIR]   (default build)
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/bench/bench_label
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "== COCO export, 20,000 images x 5 boxes"
for i in 1 2 3; do
  "$BIN" coco "$TMP/ours.json" 20000 5
  "$PY" bench/label_reference.py coco "$TMP/python.json" 20000 5
done
"$PY" -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a==b, 'exports differ'; print('same COCO structure:', len(a['annotations']), 'annotations')" "$TMP/ours.json" "$TMP/python.json"
echo "== agreement, 100,000 items x 3 labelers"
for i in 1 2 3; do
  OURS=$("$BIN" agreement 100000 3)
  echo "$OURS"
  "$PY" bench/label_reference.py agreement 100000 3 "$OURS"
done
