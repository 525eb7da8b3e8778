#!/usr/bin/env bash
# The run page's time to usable (bench/run_page.mjs), today's UI against this tree's, served by
# the same server binary (build/moebius) over the same demo data.
#   bench/run_page.sh [BASE_REF]    BASE_REF: the UI to compare with (default: main)
# ROUNDS (default 7) loads of each, alternated. Record figures only on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-main}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Today's UI: the web folder of BASE_REF, built with this tree's node_modules.
git archive "$base" web | tar -x -C "$tmp"
ln -s "$PWD/web/node_modules" "$tmp/web/node_modules"
(cd "$tmp/web" && npx vite build --logLevel error)
(cd web && npm run build --silent)
echo "bench: $(date -u +%FT%TZ) base $(git rev-parse --short "$base") head $(git rev-parse --short HEAD) load: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/run_page.mjs --rounds "${ROUNDS:-7}" "before=$tmp/web/dist" "after=$PWD/web/dist"
