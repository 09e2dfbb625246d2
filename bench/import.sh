#!/usr/bin/env bash
# District import benchmark (issue: import of 10k bundles, time and peak memory; memory must
# not grow with the count). Generates N and N/4 small signed bundles (cached), imports each set
# into a fresh store, and reports wall time and peak RSS (/usr/bin/time -v).
# Usage: bench/import.sh [N]   (default 10000). ENROLL_BIN=path measures that binary instead
# of a release build in .build-bench/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-10000}"
quarter=$((n / 4))
cache="$here/.cache/import"
# shellcheck source=lib.sh
source "$here/lib.sh"
bin="$(release_binary "$root")"
need_time
mkdir -p "$cache"
[ -f "$cache/keys/bench.sec" ] || "$bin" keys generate --out "$cache/keys" --name bench >/dev/null

measure() { # label dir
  local label=$1 dir=$2 store
  store=$(mktemp -d "$cache/store-XXXXXX")
  rm -rf "$store"
  /usr/bin/time -v "$bin" import "$dir" --store "$store" --trust "$cache/keys" --format json \
    > "$cache/$label.json" 2> "$cache/$label.time" || true
  local wall rss count
  wall=$(grep "Elapsed (wall clock)" "$cache/$label.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$cache/$label.time" | awk '{print $NF}')
  count=$(python3 -c "import json; print(json.load(open('$cache/$label.json'))['summary']['new'])")
  printf '| %s | %s | %s | %s | %.1f |\n' "$label" "$(find "$dir" -mindepth 1 -maxdepth 1 -type d | wc -l)" "$count" "$wall" "$(echo "$rss / 1024" | bc -l)"
  rm -rf "$store"
}

generate_set "$bin" "$cache/keys/bench.sec" "$cache/data-$quarter" "$quarter" 100 --small
generate_set "$bin" "$cache/keys/bench.sec" "$cache/data-$n" "$n" 100 --small
echo "| run | bundles | imported new | wall (m:ss) | peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|"
measure "import-$quarter" "$cache/data-$quarter"
measure "import-$n" "$cache/data-$n"
