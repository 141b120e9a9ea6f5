#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the store tests and
# print its DSN. Runs the server as the unprivileged postgres user (initdb
# refuses root) with its data in a fresh temp dir; idempotent: a server this
# script started earlier on the same port is reused.
#   usage: export HARNESS_TEST_POSTGRES=$(.ci/postgres.sh [PORT])
set -euo pipefail
port="${1:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dir="/tmp/harness-pg-$port"
dsn="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
# initdb refuses to run as root: as root, run the server as postgres.
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ -f "$dir/postmaster.pid" ] && as "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  echo "$dsn"; exit 0
fi
rm -rf "$dir"
if [ "$(id -u)" -eq 0 ]; then install -d -o postgres -g postgres -m 700 "$dir"; else install -d -m 700 "$dir"; fi
as "$bin/initdb" -D "$dir" -A trust -U postgres --no-sync >"$dir.log" 2>&1
as "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >>"$dir.log" 2>&1
echo "$dsn"
