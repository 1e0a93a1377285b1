#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL server on loopback for the test suites, and prints the
# TEST_DATABASE_URL to use. Debian's postgresql package is enough; nothing listens beyond 127.0.0.1.
#   scripts/pg-test-server.sh start [DIR] [PORT]   -> prints TEST_DATABASE_URL=…
#   scripts/pg-test-server.sh stop  [DIR]
set -euo pipefail
cmd=${1:-start}
dir=${2:-${TMPDIR:-/tmp}/ekomuna-pg-test}
port=${3:-54329}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }

# The server refuses to run as root; run it as the postgres system user when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
      as_owner "$bindir/initdb" -D "$dir" -U ekomuna --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
    fi
    echo "TEST_DATABASE_URL=postgres://ekomuna@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
