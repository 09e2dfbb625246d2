#!/usr/bin/env bash
# Browser tests of the station web app in a real headless Chromium (Debian's chromium and
# chromium-driver, Selenium from PyPI). Builds nothing: it runs .build/debug/enroll, which
# `swift build --build-tests` made. Fails (never skips) when a browser piece is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build/debug/enroll"
out="$root/.build/browser-screenshots"

command -v chromium >/dev/null || { echo "browser tests: chromium is missing (apt-get install chromium; scripts/setup.sh installs it)" >&2; exit 1; }
command -v chromedriver >/dev/null || { echo "browser tests: chromedriver is missing (apt-get install chromium-driver)" >&2; exit 1; }
python3 -c "import selenium" 2>/dev/null || { echo "browser tests: selenium is missing (pip install selenium)" >&2; exit 1; }
[ -x "$bin" ] || { echo "browser tests: $bin is missing; run swift build --build-tests first" >&2; exit 1; }

work=$(mktemp -d)
# Inside the Harbin collection window (Beijing 2025 has none): the clock every enroll command reads.
export ENROLL_NOW=2024-06-05T10:00:00+08:00
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -INT "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/keys" "$work/trust" "$out"
"$bin" keys generate --out "$work/keys" --name browser-station --no-age >/dev/null
cp "$work/keys/browser-station.pub" "$work/trust/"
for form in harbin-public-primary-2024 beijing-nonlocal-primary-2025; do
  "$bin" sample generate --form "$form" --count 1 --out "$work/samples/$form" --key "$work/keys/browser-station.sec" \
    --seed 11 --small --schemas "$root/Schemas" --format json >/dev/null
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" station serve --station-dir "$work/station" --key "$work/keys/browser-station.sec" --listen "127.0.0.1:$port" \
  --schemas "$root/Schemas" --lang en >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q "http://127.0.0.1:$port/" "$work/server.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; echo "browser tests: the server did not start" >&2; exit 1; }
  sleep 0.1
done

python3 "$root/Tests/browser/station_test.py" --url "http://127.0.0.1:$port" --samples "$work/samples" \
  --station-dir "$work/station" --enroll "$bin" --trust "$work/trust" --schemas "$root/Schemas" --out "$out"

# Ctrl-C stops the server cleanly.
kill -INT "$server"
status=0
wait "$server" || status=$?
# Inside the Harbin collection window (Beijing 2025 has none): the clock every enroll command reads.
export ENROLL_NOW=2024-06-05T10:00:00+08:00
server=""
[ "$status" -eq 0 ] || { cat "$work/server.log" >&2; echo "browser tests: the server exited with $status on SIGINT" >&2; exit 1; }
echo "browser tests: passed (screenshots in $out)"
