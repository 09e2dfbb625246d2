#!/usr/bin/env bash
# District review desk load test (issue #15, item 9): 20 concurrent signed-in clients browse
# the queue (filtered, sorted, paged) and open applications on a store of 20,000 generated
# applications for 60 s, on loopback only. Reports p50/p99 latency per kind of request,
# errors (target: none) and the server's memory (VmRSS / VmHWM from /proc).
# Usage: bench/district-load.sh [APPLICATIONS] [SECONDS] [CLIENTS]   (default 20000 60 20)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-20000}"
seconds="${2:-60}"
clients="${3:-20}"
cache="$here/.cache/district-load"
bin="$root/.build-bench/release/enroll"
[ -x "$bin" ] || (cd "$root" && swift build -c release --scratch-path .build-bench --product enroll >&2)
mkdir -p "$cache"
[ -f "$cache/keys/bench.sec" ] || "$bin" keys generate --out "$cache/keys" --name bench --no-age >/dev/null

store="$cache/store-$n"
if [ ! -f "$store/.complete" ]; then
  rm -rf "$store" "$cache/data-$n"
  per=$(( n / 5 )) seed=200
  for form in harbin-public-primary-2024 beijing-local-primary-2024 beijing-nonlocal-primary-2021 beijing-nonlocal-primary-2024 beijing-nonlocal-primary-2025; do
    "$bin" sample generate --form "$form" --count "$per" --out "$cache/data-$n" --key "$cache/keys/bench.sec" --seed $seed --small \
      --schemas "$root/Schemas" >/dev/null
    seed=$((seed + 1))
  done
  "$bin" import "$cache/data-$n" --store "$store" --trust "$cache/keys" --schemas "$root/Schemas" --format json >"$cache/import-$n.json"
  echo "bench-load-pass" | "$bin" district user add bench --role reviewer --store "$store" >/dev/null
  rm -rf "$cache/data-$n"
  touch "$store/.complete"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" district serve --store "$store" --listen "127.0.0.1:$port" --schemas "$root/Schemas" --lang en >"$cache/server.log" 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "http://127.0.0.1:$port/" "$cache/server.log" 2>/dev/null && break
  sleep 0.1
done
python3 "$here/district_load.py" --url "http://127.0.0.1:$port" --user bench --password bench-load-pass \
  --clients "$clients" --seconds "$seconds" --pid "$server"
