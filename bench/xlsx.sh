#!/usr/bin/env bash
# Spreadsheet export benchmark (issue #19): `enroll export xlsx` of N applications (default
# 200,000) against openpyxl's write-only mode writing the same rows, wall time and peak RSS
# (GNU time -v). The store: 40 generated signed bundles imported with `enroll import`, grown
# to N applications by bench/xlsx_bench.py clone (copies of the applications rows sharing
# their revisions). Results go to bench/XLSX.md's table format on stdout.
# Usage: bench/xlsx.sh [N]. ENROLL_BIN=path measures that binary instead of a release build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-200000}"
cache="$here/.cache/xlsx"
# shellcheck source=lib.sh
source "$here/lib.sh"
bin="$(release_binary "$root")"
need_time
python3 -c "import openpyxl" 2>/dev/null || { echo "openpyxl is needed (scripts/setup.sh)" >&2; exit 2; }
mkdir -p "$cache"
[ -f "$cache/keys/bench.sec" ] || "$bin" keys generate --out "$cache/keys" --name bench >/dev/null
generate_set "$bin" "$cache/keys/bench.sec" "$cache/data-40" 40 19 --small

store="$cache/store-$n"
if [ ! -f "$store/.complete" ]; then
  rm -rf "$store"
  "$bin" import "$cache/data-40" --store "$store" --trust "$cache/keys" --format json >/dev/null
  python3 "$here/xlsx_bench.py" clone "$store" "$n" >/dev/null
  touch "$store/.complete"
fi

run() { # label command...
  local label=$1 out=$2; shift 2
  rm -f "$out"
  /usr/bin/time -v "$@" >"$cache/$label.out" 2>"$cache/$label.time"
  local wall rss cpu_user cpu_sys size
  wall=$(grep "Elapsed (wall clock)" "$cache/$label.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$cache/$label.time" | awk '{print $NF}')
  cpu_user=$(grep "User time" "$cache/$label.time" | awk '{print $NF}')
  cpu_sys=$(grep "System time" "$cache/$label.time" | awk '{print $NF}')
  size=$(stat -c %s "$out")
  printf '| %s | %s | %s | %.1f | %.1f | %.1f |\n' "$label" "$n" "$wall" "$(echo "$cpu_user + $cpu_sys" | bc -l)" \
    "$(echo "$rss / 1024" | bc -l)" "$(echo "$size / 1048576" | bc -l)"
}

echo "| run | rows | wall (m:ss) | CPU (s) | peak RSS (MiB) | file (MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
run "enroll export xlsx" "$cache/enroll.xlsx" "$bin" export xlsx --store "$store" --out "$cache/enroll.xlsx" --schemas "$root/Schemas"
run "openpyxl write-only" "$cache/openpyxl.xlsx" python3 "$here/xlsx_bench.py" openpyxl "$store" "$root/Schemas" "$cache/openpyxl.xlsx"
