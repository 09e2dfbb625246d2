#!/usr/bin/env bash
# Printing benchmark (issue 17): pages per second and peak memory of
# `enroll print collection-form --all` over N applications, and over N/4 to show that memory
# does not grow with the count. Generates small signed bundles (cached), imports them into a
# fresh store, marks every application verified (so non-local forms print too), then prints.
# Usage: bench/print.sh [N]   (default 1000). ENROLL_BIN=path uses that binary instead of a
# release build in .build-bench/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-1000}"
quarter=$((n / 4))
cache="$here/.cache/print"
# shellcheck source=lib.sh
source "$here/lib.sh"
bin="$(release_binary "$root")"
need_time
mkdir -p "$cache"
[ -f "$cache/keys/bench.sec" ] || "$bin" keys generate --out "$cache/keys" --name bench >/dev/null
[ -f "$cache/district/district.sec" ] || "$bin" keys generate --out "$cache/district" --name district >/dev/null

prepare() { # dir store
  local dir=$1 store=$2
  [ -f "$store/.ready" ] && return
  rm -rf "$store"
  "$bin" import "$dir" --store "$store" --trust "$cache/keys" --format json >/dev/null
  "$bin" review list --store "$store" --status received --format json \
    | python3 -c "import json,sys; [print(r['collectionNumber']) for r in json.load(sys.stdin)]" \
    | while read -r number; do "$bin" review verify "$number" --store "$store" >/dev/null; done
  touch "$store/.ready"
}

measure() { # label dir
  local label=$1 dir=$2 store="$cache/store-$1" out="$cache/out-$1"
  prepare "$dir" "$store"
  rm -rf "$out"
  /usr/bin/time -v "$bin" print collection-form --all --store "$store" --key "$cache/district/district.sec" --out "$out" \
    > "$cache/$label.out" 2> "$cache/$label.time"
  local wall seconds rss files pages
  wall=$(grep "Elapsed (wall clock)" "$cache/$label.time" | awk '{print $NF}')
  seconds=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(grep "Maximum resident set size" "$cache/$label.time" | awk '{print $NF}')
  files=$(ls "$out" | wc -l)
  pages=0
  for pdf in "$out"/*.pdf; do pages=$((pages + $(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}'))); done
  printf '| %s | %s | %s | %s | %s | %.1f | %.1f |\n' "$label" "$(find "$dir" -mindepth 1 -maxdepth 1 -type d | wc -l)" "$files" "$pages" "$wall" \
    "$(echo "$pages / $seconds" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

generate_set "$bin" "$cache/keys/bench.sec" "$cache/data-$quarter" "$quarter" 300 --small
generate_set "$bin" "$cache/keys/bench.sec" "$cache/data-$n" "$n" 300 --small
echo "| run | applications | PDFs | pages | wall (m:ss) | pages/s | peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
measure "print-$quarter" "$cache/data-$quarter"
measure "print-$n" "$cache/data-$n"
