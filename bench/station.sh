#!/usr/bin/env bash
# The station web app under load, on loopback: server time to render each form and to check one
# field (p50/p99 over --requests requests per form, a keep-alive Python client), then the
# server's memory and the day's list with --drafts drafts in the station directory.
#   bench/station.sh [--bin PATH] [--requests 1000] [--drafts 2000]
# Uses an enroll binary already built (default .build/release/enroll if present, else
# .build/debug/enroll — say which when you quote numbers). Writes bench/.cache/station/results.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=""
requests=1000
drafts=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --drafts) drafts="$2"; shift 2 ;;
    *) echo "usage: bench/station.sh [--bin PATH] [--requests N] [--drafts N]" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  bin="$root/.build/release/enroll"
  [ -x "$bin" ] || bin="$root/.build/debug/enroll"
fi
[ -x "$bin" ] || { echo "station bench: no enroll binary at $bin (swift build first)" >&2; exit 2; }

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -INT "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/keys" "$root/bench/.cache/station"
"$bin" keys generate --out "$work/keys" --name bench-station --no-age >/dev/null
forms="harbin-public-primary-2024 beijing-local-primary-2024 beijing-nonlocal-primary-2021 beijing-nonlocal-primary-2024 beijing-nonlocal-primary-2025"
for form in $forms; do
  "$bin" sample generate --form "$form" --count 1 --out "$work/samples/$form" --key "$work/keys/bench-station.sec" \
    --seed 3 --small --schemas "$root/Schemas" --format json >/dev/null
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" station serve --station-dir "$work/station" --key "$work/keys/bench-station.sec" --listen "127.0.0.1:$port" \
  --schemas "$root/Schemas" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q "http://" "$work/server.log" 2>/dev/null && break; sleep 0.1; done
python3 "$root/bench/station_load.py" --port "$port" --pid "$server" --samples "$work/samples" --requests "$requests" \
  --drafts "$drafts" --binary "$bin" --out "$root/bench/.cache/station/results.json"
