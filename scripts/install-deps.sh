#!/usr/bin/env bash
# Installs every build and test dependency of Moebius on Debian 12, idempotently: packages
# already present are not touched (a second run is fast and needs no network), npm trees are
# installed from their lock files only when missing or older than the lock.
#
# Python test dependencies come from Debian only (PyPI may be unreachable); run the Python
# suites with /usr/bin/python3, not a pyenv/venv python3 that may come first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

step="starting"
trap 'echo "install-deps: FAILED while $step (exit $?)" >&2' ERR

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo > /dev/null; then
    SUDO=sudo
  else
    echo "install-deps: FAILED: not root and sudo is not installed; run as root" >&2
    exit 1
  fi
fi

PACKAGES=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libargon2-dev libcli11-dev libspdlog-dev libfmt-dev libzstd-dev libarchive-dev libpq-dev
  libgit2-dev  # code snapshots of git commits (src/envcode/local_tree.cc)
  libgtest-dev libgmock-dev libbenchmark-dev
  # reports (src/report): zlib for PDF streams; a TrueType Korean font the PDF embeds (NanumGothic)
  zlib1g-dev fonts-nanum
  # images (src/data/image): only the OpenCV modules used, not libopencv-dev's ~200 packages
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  # model registry (src/registry): MLflow's MLmodel files are YAML
  libyaml-cpp-dev
  # Triton model repositories (src/registry): config.pbtxt in protobuf's text format against our
  # model_config.proto; protoc generates its C++, python3-protobuf reads it back in tests
  protobuf-compiler libprotobuf-dev python3-protobuf
  # tabular trainer (src/train): XGBoost's C API; python3-xgboost is its peer in tests and bench
  libxgboost-dev
  # image and text trainers (src/train/torch): libtorch 1.13 on CPU; only torch_*.cc include it
  libtorch-dev
  # tests: tools, Python (Debian packages only), real peers, browser and fonts for Korean text
  sqlite3 curl python3 python3-pytest python3-requests python3-pandas python3-sklearn
  python3-optuna  # peer of bench/tuning (Optuna 3.1; pulls python3-cmaes)
  python3-xgboost  # peer of tests/train and bench/xgboost (XGBoost 1.7)
  python3-statsmodels  # peer of tests/label and bench/label: statsmodels' fleiss_kappa
  postgresql nginx prometheus chromium fonts-noto-cjk
  poppler-utils  # pdftotext/pdfinfo/pdffonts check the exported PDF reports (tests/api/test_report.py)
  valgrind  # bench/ingest_callgrind.sh counts the instructions of a log-batch (bench/RESULTS.md, issue 18)
  # serving benchmark (bench/serving/http.sh): the peer kit of ../shared/peers/serving and its load generator
  wrk python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-flask gunicorn
)
# Node from Debian only when none is on PATH (a newer one may have been installed another way).
command -v node > /dev/null || PACKAGES+=(nodejs)
command -v npm > /dev/null || PACKAGES+=(npm)

installed() {
  # Multi-arch packages print one status per architecture; any installed one will do.
  dpkg-query -W -f='${Status}\n' "$1" 2> /dev/null | grep -q '^install ok installed$'
}

step="checking Debian packages"
missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  step="running apt-get update"
  $SUDO apt-get update -q || echo "install-deps: apt-get update failed; trying with the current package lists" >&2
  step="installing ${missing[*]} with apt-get"
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  step="checking the installed packages"
  for p in "${missing[@]}"; do
    installed "$p" || { echo "install-deps: FAILED: $p is still not installed" >&2; exit 1; }
  done
else
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
fi

# npm trees: web UI, browser test, MLflow client test. `npm ci` writes
# node_modules/.package-lock.json, so a tree older than its lock file is reinstalled.
for dir in web tests/browser tests/mlflow-client; do
  [[ -f $dir/package-lock.json ]] || continue
  if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    echo "install-deps: npm ci in $dir"
    step="running npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: $dir/node_modules is current"
  fi
done
echo "install-deps: done"
