#!/usr/bin/env bash
# City store benchmark (issue #18): import of N generated applications (small images) into
# PostgreSQL with 1 and 4 concurrent importers, against SQLite with 1; then the review queue
# query and the city-wide duplicate-child check at N rows, p50/p99 (pgbench, per-statement
# latencies). Wall time, throughput and peak RSS of every importer (/usr/bin/time -v).
# Usage: bench/city-store.sh [N]   (default 200000; bench/city-store.sh 2000 to try it out).
# Starts its own throw-away cluster (scripts/pg-cluster.sh; fsync on, as a server would run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-200000}"
cache="$here/.cache/city"
# shellcheck source=lib.sh
source "$here/lib.sh"
bin="$(release_binary "$root")"
need_time
mkdir -p "$cache"
[ -f "$cache/keys/bench.sec" ] || "$bin" keys generate --out "$cache/keys" --name bench >/dev/null

# Four disjoint quarters, so four importers each take one.
for q in 0 1 2 3; do
  generate_set "$bin" "$cache/keys/bench.sec" "$cache/data-$n-q$q" $(( n / 4 )) $(( 200 + 10 * q )) --small
done

eval "$(ENROLL_PG_FSYNC=on bash "$root/scripts/pg-cluster.sh" start)"
trap 'bash "$root/scripts/pg-cluster.sh" stop' EXIT
admin="$ENROLL_TEST_POSTGRES"
base="${admin%/*}"

fresh_db() { # name -> URL of a new empty database
  psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
  echo "$base/$1"
}

row() { # label importers wall-seconds peak-rss-kib...
  local label=$1 importers=$2 wall=$3
  shift 3
  local peak=0 r
  for r in "$@"; do [ "$r" -gt "$peak" ] && peak=$r; done
  printf '| %s | %d | %d | %.1f | %.0f | %.0f |\n' "$label" "$importers" "$n" "$wall" "$(echo "$n / $wall" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
}

timed_import() { # label store-args... ; runs the four quarters in one process
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v "$bin" import "$cache"/data-"$n"-q{0,1,2,3} "$@" --trust "$cache/keys" --format json \
    >"$cache/$label.json" 2>"$cache/$label.time" || true
  t1=$(date +%s.%N)
  row "$label" 1 "$(echo "$t1 - $t0" | bc -l)" "$(grep 'Maximum resident' "$cache/$label.time" | awk '{print $NF}')"
}

echo "| run | importers | applications | wall (s) | applications/s | peak RSS per importer (MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
sqlite_store="$cache/sqlite-store"; rm -rf "$sqlite_store"
timed_import "SQLite" --store "$sqlite_store"
rm -rf "$sqlite_store"

url=$(fresh_db bench_one); rm -rf "$cache/objects-one"
"$bin" store migrate --store "$url" >/dev/null
timed_import "PostgreSQL" --store "$url" --objects "$cache/objects-one"
rm -rf "$cache/objects-one"

url=$(fresh_db bench_city); rm -rf "$cache/objects-city"
"$bin" store migrate --store "$url" >/dev/null
t0=$(date +%s.%N)
for q in 0 1 2 3; do
  /usr/bin/time -v "$bin" import "$cache/data-$n-q$q" --store "$url" --objects "$cache/objects-city" --trust "$cache/keys" \
    --format json >"$cache/city-$q.json" 2>"$cache/city-$q.time" &
done
wait
t1=$(date +%s.%N)
rss=()
for q in 0 1 2 3; do rss+=("$(grep 'Maximum resident' "$cache/city-$q.time" | awk '{print $NF}')"); done
row "PostgreSQL" 4 "$(echo "$t1 - $t0" | bc -l)" "${rss[@]}"

# The queue's first page (received, by number) and the city-wide duplicate check of one
# child, as the backend issues them, 2000 times each from 2 clients.
cat >"$cache/queue.sql" <<'SQL'
SELECT a.id, a.collection_number, a.status, count(*) OVER () AS total FROM applications a
WHERE a.status = 'received' ORDER BY a.collection_number LIMIT 50 OFFSET 0;
SQL
cat >"$cache/duplicate.sql" <<'SQL'
\set n random(1, 50000)
SELECT o.id, o.collection_number, o.district FROM applications a JOIN applications o ON o.child_id = a.child_id
WHERE a.collection_number = (SELECT collection_number FROM applications ORDER BY collection_number OFFSET :n LIMIT 1)
  AND o.id <> a.id AND o.status <> 'withdrawn';
SQL
echo
echo "| query at $n rows | p50 (ms) | p99 (ms) |"
echo "|---|---:|---:|"
for query in queue duplicate; do
  (cd "$cache" && rm -f pgbench_log.* && pgbench -n -c 2 -j 2 -t 1000 -l -f "$query.sql" "$url" >/dev/null 2>&1)
  cat "$cache"/pgbench_log.* | awk '{print $3 / 1000}' | sort -n | awk -v q="$query" '{a[NR]=$1} END {printf "| %s | %.2f | %.2f |\n", q, a[int(NR*0.5)], a[int(NR*0.99)]}'
  rm -f "$cache"/pgbench_log.*
done
