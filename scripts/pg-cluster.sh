#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (issue #18).
#
#   eval "$(bash scripts/pg-cluster.sh start)"   # prints export ENROLL_TEST_POSTGRES=… and ENROLL_PG_CLUSTER=…
#   bash scripts/pg-cluster.sh stop              # stops it and removes its directory
#
# initdb into a new temporary directory as a non-root user (the server refuses root: as root
# the script runs it as the `postgres` user Debian's package creates), trust authentication
# on 127.0.0.1 only, a free loopback port. The URL names the admin database `postgres`; the
# tests create and drop one database per store they open.
set -euo pipefail

bin_dir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin_dir="$candidate"
done
if [ -z "$bin_dir" ] && command -v initdb >/dev/null; then bin_dir="$(dirname "$(command -v initdb)")"; fi

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    [ -n "$bin_dir" ] || { echo "pg-cluster: PostgreSQL is not installed (apt-get install postgresql; scripts/setup.sh does it)" >&2; exit 2; }
    dir="$(mktemp -d /tmp/enroll-pg.XXXXXX)"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_server_user "$bin_dir/initdb" -D "$dir/data" -U enroll --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 2; }
    # Tests need no durability (the cluster is thrown away); ENROLL_PG_FSYNC=on (the
    # benchmark) keeps the server's defaults.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${ENROLL_PG_FSYNC:-off}" = on ] && durability=""
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    as_server_user "$bin_dir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 $durability" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 2; }
    echo "export ENROLL_PG_CLUSTER=$dir"
    echo "export ENROLL_TEST_POSTGRES=postgres://enroll@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir="${ENROLL_PG_CLUSTER:-${2:-}}"
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg-cluster: no cluster to stop (ENROLL_PG_CLUSTER is not set)" >&2; exit 0; }
    as_server_user "$bin_dir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/pg-cluster.sh start|stop" >&2
    exit 2
    ;;
esac
