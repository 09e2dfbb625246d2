#!/usr/bin/env bash
# District import benchmark (issue: import of 10k bundles, time and peak memory; memory must
# not grow with the count). Generates N and N/4 small signed bundles (cached), imports each set
# into a fresh store, and reports wall time and peak RSS (/usr/bin/time -v).
# Usage: bench/import.sh [N]   (default 10000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-10000}"
quarter=$((n / 4))
cache="$here/.cache/import"
bin="$root/.build-bench/release/enroll"
[ -x "$bin" ] || (cd "$root" && swift build -c release --scratch-path .build-bench --product enroll >&2)
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
mkdir -p "$cache"
[ -f "$cache/keys/bench.sec" ] || "$bin" keys generate --out "$cache/keys" --name bench >/dev/null

generate() { # count dir
  local count=$1 dir=$2 per=$(( $1 / 4 )) seed=100
  [ -d "$dir" ] && [ "$(ls "$dir" | wc -l)" -eq "$count" ] && return
  rm -rf "$dir"
  for form in harbin-public-primary-2024 beijing-local-primary-2024 beijing-nonlocal-primary-2021 beijing-nonlocal-primary-2025; do
    "$bin" sample generate --form "$form" --count "$per" --out "$dir" --key "$cache/keys/bench.sec" --seed $seed --small >/dev/null
    seed=$((seed + 1))
  done
}

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
  printf '| %s | %s | %s | %s | %.1f |\n' "$label" "$(ls "$dir" | wc -l)" "$count" "$wall" "$(echo "$rss / 1024" | bc -l)"
  rm -rf "$store"
}

generate "$quarter" "$cache/data-$quarter"
generate "$n" "$cache/data-$n"
echo "| run | bundles | imported new | wall (m:ss) | peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|"
measure "import-$quarter" "$cache/data-$quarter"
measure "import-$n" "$cache/data-$n"
