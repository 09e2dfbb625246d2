#!/usr/bin/env bash
# The regression guard (issue 21): counts the instructions of the schema engine and the bag
# hasher under `valgrind --tool=callgrind` and compares them with the committed baseline
# (bench/guard/baseline.tsv). Instruction counts are the same run after run for the same
# binary and inputs, whatever else the machine is doing, so a change that makes the engine do
# more work shows even on a loaded shared machine, where wall times do not.
#
# Usage: bench/guard/check.sh            compare; exit 1 when a count grew beyond the tolerance
#        bench/guard/check.sh --update   measure and rewrite baseline.tsv (commit it with the change)
# Env:   GUARD_TOLERANCE   allowed growth in percent (default 2)
#        GUARD_BIN         a built guard-count binary (default: built in release here)
#
# Swift's per-process hash seed is fixed (SWIFT_DETERMINISTIC_HASHING) so dictionaries do the same
# work every run. Only the measured rounds are counted (--toggle-collect on measuredRounds), not reading
# the inputs or starting the process. The counts depend on the CPU's instruction-set
# extensions (the crypto picks its code by them; under valgrind, whose CPU has no SHA-NI,
# SHA-256 runs BoringSSL's AVX code) and on the Swift compiler: the baseline records both, and
# the script refuses to compare across them.
# For wall time and allocations per round: swift package --package-path bench/guard benchmark.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
baseline="$here/baseline.tsv"
tolerance="${GUARD_TOLERANCE:-2}"
update=0
case "${1:-}" in
  --update) update=1 ;;
  "") ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

command -v valgrind >/dev/null || { echo "guard: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
if [ -n "${GUARD_BIN:-}" ]; then
  bin="$GUARD_BIN"
else
  swift build -c release --package-path "$here" --product guard-count >&2
  bin="$here/.build/release/guard-count"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 of Swift 6 release builds; the symbol table is enough.
cp "$bin" "$work/guard-count" && strip --strip-debug "$work/guard-count"
bin="$work/guard-count"
# The synthetic set of bench/schema (seeded: the same documents every time).
python3 "$root/bench/schema/generate.py" "$work/synthetic" 200 >/dev/null

cpu_flags() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'sha_ni|avx2|avx512f' | sort | tr '\n' ' ' | sed 's/ $//'; }
machine="cpu: $(cpu_flags); $(swift --version 2>&1 | head -1)"

# kind rounds: enough rounds for a stable count, few enough for valgrind's slowdown.
kinds=("schema-forms 20" "schema-synthetic 5" "form-check 10" "bag-hash 3")

count() { # kind rounds -> "instructions result inputs"
  local kind=$1 rounds=$2 log out
  log="$work/$kind.log"
  out=$(SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measuredRounds*' \
        "$bin" "$kind" "$rounds" --synthetic "$work/synthetic" --repository "$root" 2>"$log" </dev/null) \
    || { echo "guard: $kind failed:" >&2; cat "$log" >&2; exit 2; }
  local collected
  collected=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$log")
  [ -n "$collected" ] || { echo "guard: no instruction count for $kind in valgrind's output:" >&2; cat "$log" >&2; exit 2; }
  echo "$collected $(echo "$out" | cut -f3) $(echo "$out" | cut -f4)"
}

if [ "$update" = 1 ]; then
  {
    echo "# Instruction counts of bench/guard/check.sh ($(date -u +%F), enroll $(git -C "$root" rev-parse --short HEAD))"
    echo "# machine	$machine"
    echo "# kind	rounds	instructions	per-round	result	inputs"
    for entry in "${kinds[@]}"; do
      read -r kind rounds <<<"$entry"
      measured=$(count "$kind" "$rounds")
      read -r instructions result inputs <<<"$measured"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$rounds" "$instructions" "$((instructions / rounds))" "$result" "$inputs"
    done
  } >"$baseline.new"
  mv "$baseline.new" "$baseline"
  cat "$baseline"
  exit 0
fi

[ -f "$baseline" ] || { echo "guard: no baseline ($baseline); run $0 --update and commit it" >&2; exit 2; }
recorded=$(sed -n 's/^# machine\t//p' "$baseline")
if [ "$recorded" != "$machine" ]; then
  echo "guard: the baseline was counted on another CPU or compiler; counts are not comparable." >&2
  echo "  baseline: $recorded" >&2
  echo "  here:     $machine" >&2
  echo "  Count the parent commit here with --update, then compare this change against it." >&2
  exit 2
fi

status=0
printf '%-18s %16s %16s %9s\n' kind baseline now change
while IFS=$'\t' read -r kind rounds instructions _ result inputs; do
  case "$kind" in '#'*|'') continue ;; esac
  measured=$(count "$kind" "$rounds")
  read -r now now_result now_inputs <<<"$measured"
  change=$(awk -v a="$instructions" -v b="$now" 'BEGIN { printf "%+.2f", (b - a) * 100 / a }')
  verdict=""
  if awk -v c="$change" -v t="$tolerance" 'BEGIN { exit !(c > t) }'; then verdict="  SLOWER (more than +$tolerance%)"; status=1; fi
  if [ "$now_inputs" != "$inputs" ]; then
    verdict="$verdict  $now_inputs inputs, baseline $inputs: the input set changed (SampleBundles/, bench/schema); review and --update"
    status=1
  elif [ "$now_result" != "$result" ]; then
    verdict="$verdict  result $now_result, baseline $result: the work itself changed; review and --update"
    status=1
  fi
  printf '%-18s %16s %16s %8s%%%s\n' "$kind" "$instructions" "$now" "$change" "$verdict"
done <"$baseline"
exit $status
