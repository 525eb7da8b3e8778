#!/usr/bin/env bash
# Stops a cluster started by scripts/start-postgres.sh and removes its directory.
#   scripts/stop-postgres.sh DIR [--keep]   (--keep: leave the directory, e.g. to read server.log)
set -euo pipefail
dir="${1:?usage: stop-postgres.sh DIR [--keep]}"
keep="${2:-}"
[[ -d $dir/data ]] || { echo "stop-postgres: $dir holds no cluster" >&2; exit 1; }
bin="${PG_BIN:-}"
[[ -n $bin ]] || bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1 || true)
[[ -n $bin ]] || bin=$(dirname "$(command -v pg_ctl)")
as=()
if [[ $(id -u) -eq 0 ]]; then as=(runuser -u "$(stat -c %U "$dir/data")" --); fi
if [[ -f $dir/data/postmaster.pid ]]; then
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop > /dev/null 2>&1 || {
    # pg_ctl failed (a half-started server?): end the postmaster named in its pid file.
    pid=$(head -n 1 "$dir/data/postmaster.pid" 2> /dev/null || true)
    [[ -n $pid ]] && kill -QUIT "$pid" 2> /dev/null || true
  }
fi
[[ $keep == --keep ]] || rm -rf "$dir"
