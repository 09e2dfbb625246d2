#!/usr/bin/env bash
# Browser tests of the district review desk in a real headless Chromium (Debian's chromium and
# chromium-driver, Selenium from PyPI). Builds nothing: it runs .build/debug/enroll, which
# `swift build --build-tests` made. Fails (never skips) when a browser piece is missing.
#
# Two clerks in two browsers: one finds an application from the queue, opens its photos
# (zoom, rotate) and rejects it with two reasons; the other admits another application. Then
# `enroll log` must show both clerks' accounts (and the second's printed admission notice) and the status archive exported afterwards must
# carry both answers.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build/debug/enroll"
out="$root/.build/browser-screenshots/desk"

command -v chromium >/dev/null || { echo "desk browser tests: chromium is missing (apt-get install chromium; scripts/setup.sh installs it)" >&2; exit 1; }
command -v chromedriver >/dev/null || { echo "desk browser tests: chromedriver is missing (apt-get install chromium-driver)" >&2; exit 1; }
python3 -c "import selenium" 2>/dev/null || { echo "desk browser tests: selenium is missing (pip install selenium)" >&2; exit 1; }
[ -x "$bin" ] || { echo "desk browser tests: $bin is missing; run swift build --build-tests first" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -INT "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"

store="$work/store"
# The sample keys with the secret ones at mode 0600 (git keeps 0644; signing refuses that).
cp -r "$root/SampleBundles/keys" "$work/keys"
chmod 600 "$work/keys/"*.sec
keys="$work/keys"
"$bin" import --store "$store" --trust "$keys/trust" --schemas "$root/Schemas" "$root/SampleBundles/valid" --format json >/dev/null
password="browser-pass-1"
for account in wang.admin:admin li.clerk:reviewer zhao.clerk:reviewer; do
  echo "$password" | "$bin" district user add "${account%%:*}" --role "${account##*:}" --store "$store" >/dev/null
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" district serve --store "$store" --listen "127.0.0.1:$port" --schemas "$root/Schemas" --key "$keys/sample-district.sec" --lang en >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q "http://127.0.0.1:$port/" "$work/server.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; echo "desk browser tests: the server did not start" >&2; exit 1; }
  sleep 0.1
done

python3 "$root/Tests/browser/desk_test.py" --url "http://127.0.0.1:$port" --password "$password" --out "$out" >"$work/decided.json"

# The audit log (the CLI, on the same store while the desk runs) names both clerks.
"$bin" log --store "$store" --format json >"$work/log.json"
# The status archive exported afterwards carries both answers, as a station takes it in.
"$bin" status export --store "$store" --key "$keys/sample-district.sec" --out "$work/status.tar.zst" >/dev/null
"$bin" status import "$work/status.tar.zst" --station-dir "$work/station" --trust "$keys/trust" >/dev/null
python3 - "$work" "$bin" <<'PY'
import json, subprocess, sys
work, enroll = sys.argv[1], sys.argv[2]
decided = json.load(open(work + "/decided.json"))
log = json.load(open(work + "/log.json"))
events = log if isinstance(log, list) else log.get("events", [])
actions = {(e["actor"], e["action"]) for e in events}
assert ("li.clerk", "review.reject") in actions, sorted(actions)
assert ("zhao.clerk", "review.admit") in actions, sorted(actions)
assert ("zhao.clerk", "print.issued") in actions, sorted(actions)
def show(number):
    done = subprocess.run([enroll, "status", "show", number, "--station-dir", work + "/station", "--format", "json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)
rejected = show(decided["rejected"]["number"])
assert rejected["status"] == "rejected", rejected
assert rejected["reasons"] == decided["rejected"]["reasons"], (rejected["reasons"], decided["rejected"]["reasons"])
admitted = show(decided["admitted"]["number"])
assert admitted["status"] == "admitted" and admitted["school"] == decided["admitted"]["school"], admitted
print("desk browser tests: the log names li.clerk and zhao.clerk; the status archive carries both answers")
PY

# TLS: --tls-cert/--tls-key serve HTTPS (swift-nio-ssl) and every cookie is Secure.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" district serve --store "$store" --listen "127.0.0.1:$tls_port" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" --lang en \
  --schemas "$root/Schemas" >"$work/tls.log" 2>&1 &
tls_server=$!
for _ in $(seq 1 100); do grep -q "https://127.0.0.1:$tls_port/" "$work/tls.log" 2>/dev/null && break; sleep 0.1; done
headers=$(curl -sk -D - -o /dev/null "https://127.0.0.1:$tls_port/login")
kill -INT "$tls_server"; wait "$tls_server" || true
echo "$headers" | grep -qi '^set-cookie: desk-csrf=.*; Secure' || { echo "$headers" >&2; echo "desk browser tests: no Secure cookie over TLS" >&2; exit 1; }
plain=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$tls_port/login" || true)
[ "$plain" != "200" ] || { echo "desk browser tests: the TLS port answered plain HTTP" >&2; exit 1; }
echo "desk browser tests: HTTPS with Secure cookies"

kill -INT "$server"
status=0
wait "$server" || status=$?
server=""
[ "$status" -eq 0 ] || { cat "$work/server.log" >&2; echo "desk browser tests: the server exited with $status on SIGINT" >&2; exit 1; }
echo "desk browser tests: passed (screenshots in $out)"
