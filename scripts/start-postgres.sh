#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tests: initdb in a fresh directory, listening only on
# 127.0.0.1 at a free port, with a superuser that logs in by password (SCRAM) over TCP. Works as
# root (the server runs as the `postgres` user, or `nobody`) and as an ordinary user. Needs the
# Debian `postgresql` package (scripts/install-deps.sh). Stop it with scripts/stop-postgres.sh.
#
#   scripts/start-postgres.sh [--dir DIR] [--port PORT] [--user NAME] [--password PW]
#
# Prints shell assignments, so `eval "$(scripts/start-postgres.sh)"` sets them:
#   PGTEST_DIR=...   the cluster directory (pass it to stop-postgres.sh)
#   PGTEST_PORT=...  PGTEST_USER=...  PGTEST_PASSWORD=...
#   PGTEST_CONNINFO='host=127.0.0.1 port=... user=... password=... dbname=postgres'
#   PGTEST_URI=postgresql://user:password@127.0.0.1:port/postgres
# Everything else goes to stderr. Exit status is non-zero, with the server log, on failure.
set -euo pipefail

dir="" port="" user="moebius" password=""
while (($#)); do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "start-postgres: unknown argument $1" >&2; exit 2 ;;
  esac
done

# The server binaries: $PG_BIN, or the newest Debian version, or whatever is on PATH.
bin="${PG_BIN:-}"
if [[ -z $bin ]]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z $bin ]]; then
  bin=$(dirname "$(command -v initdb 2> /dev/null || echo /nonexistent/initdb)")
fi
for tool in initdb pg_ctl; do
  [[ -x $bin/$tool ]] || { echo "start-postgres: $tool not found (install the 'postgresql' package: scripts/install-deps.sh)" >&2; exit 1; }
done

# PostgreSQL refuses to run as root: use an unprivileged account for the server.
as=()
owner=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  if id postgres > /dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  as=(runuser -u "$owner" --)
fi

if [[ -z $dir ]]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/moebius-pg.XXXXXX")
else
  mkdir -p "$dir"
fi
dir=$(cd "$dir" && pwd)
if [[ -n $(ls -A "$dir") ]]; then
  echo "start-postgres: $dir is not empty" >&2
  exit 1
fi
# The server user must reach the directory: mktemp makes it 0700, and its parents may be too.
chmod 0755 "$dir"
chown "$owner" "$dir"
if [[ ${#as[@]} -gt 0 ]] && ! "${as[@]}" test -w "$dir"; then
  echo "start-postgres: $owner cannot write $dir (a parent directory is not searchable); use --dir under /tmp" >&2
  exit 1
fi

if [[ -z $password ]]; then
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
fi
if [[ -z $port ]]; then
  # Ask the kernel for a free port; a collision in the moment before the server binds it is
  # caught below and retried with another port.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pick_port=1
else
  pick_port=0
fi

pwfile="$dir/.pw"
printf '%s\n' "$password" > "$pwfile"
chown "$owner" "$pwfile"
chmod 0600 "$pwfile"
data="$dir/data"
# -N: no fsync (a throwaway cluster; about 3x faster to create).
if ! "${as[@]}" "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" -A scram-sha-256 --auth-local=trust \
     -E UTF8 --locale=C.UTF-8 -N > "$dir/initdb.log" 2>&1; then
  echo "start-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi
rm -f "$pwfile"
cat >> "$data/postgresql.conf" << CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
log_min_messages = warning
CONF

started=0
for attempt in 1 2 3 4 5; do
  if "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -o "-p $port" -w -t 30 start > /dev/null 2>&1; then
    started=1
    break
  fi
  if ((pick_port)) && grep -q "could not bind\|Address already in use" "$dir/server.log" 2> /dev/null; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    continue
  fi
  break
done
if ((!started)); then
  echo "start-postgres: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi
echo "$port" > "$dir/port"

echo "start-postgres: PostgreSQL listening on 127.0.0.1:$port (cluster in $dir; stop with scripts/stop-postgres.sh $dir)" >&2
printf "PGTEST_DIR=%q\n" "$dir"
printf "PGTEST_PORT=%q\n" "$port"
printf "PGTEST_USER=%q\n" "$user"
printf "PGTEST_PASSWORD=%q\n" "$password"
printf "PGTEST_CONNINFO=%q\n" "host=127.0.0.1 port=$port user=$user password=$password dbname=postgres"
printf "PGTEST_URI=%q\n" "postgresql://$user:$password@127.0.0.1:$port/postgres"
