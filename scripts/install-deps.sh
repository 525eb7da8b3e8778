#!/usr/bin/env bash
# Installs every build and test dependency of Moebius on Debian 12, idempotently: packages
# already present are not touched (a second run is fast and needs no network), npm trees are
# installed from their lock files only when missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo > /dev/null; then SUDO=sudo; else echo "install-deps: run as root or install sudo" >&2; exit 1; fi
fi

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libssl-dev libcurl4-openssl-dev curl
  libargon2-dev libcli11-dev libspdlog-dev libfmt-dev libzstd-dev libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpq-dev
  python3 python3-pytest python3-requests
  chromium fonts-noto-cjk
  postgresql nginx prometheus
)
command -v node > /dev/null || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2> /dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q || echo "install-deps: apt-get update failed; trying with the current package lists" >&2
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages present"
fi

# npm trees: web UI, browser test, MLflow client test.
for dir in web tests/browser tests/mlflow-client; do
  [[ -f $dir/package-lock.json ]] || continue
  if [[ ! -d $dir/node_modules || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    echo "install-deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
echo "install-deps: done"
