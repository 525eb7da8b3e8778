#!/usr/bin/env bash
# XGBoost through `moebius train xgboost` vs python3-xgboost directly (bench.py for details).
#   bench/xgboost/bench.sh [ROWS] [REPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
MOEBIUS_BIN=${MOEBIUS_BIN:-$PWD/build/moebius} exec /usr/bin/python3 bench/xgboost/bench.py "$@"
