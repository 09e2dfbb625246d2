#!/usr/bin/env bash
# Benchmark: Swift validator vs Python jsonschema vs jsonschema_rs on form documents.
#
# Usage: bench/schema-bench.sh [N]        (default N=2000 documents)
# Env:   SCHEMA_BENCH_BIN  command that takes `--schema FILE DIR` (default: the release
#                          build of schema-bench; later e.g. "enroll schema check")
#        SCHEMA_BENCH_ARGS extra arguments for it (default: --assert-formats)
# Builds nothing itself except, when the default binary is missing, `swift build -c release`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(dirname "$here")"
n="${1:-2000}"
bin="${SCHEMA_BENCH_BIN:-$pkg/.build/release/schema-bench}"
args="${SCHEMA_BENCH_ARGS---assert-formats}"
if [ -z "${SCHEMA_BENCH_BIN:-}" ] && [ ! -x "$bin" ]; then
  (cd "$pkg" && swift build -c release --product schema-bench >&2)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$here/generate.py" "$work" "$n"
echo "generated $n documents ($(du -sh "$work/docs" | cut -f1)) in $work"

run() { # label, command...
  local label="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  out=$("$@" 2>&1 || true)
  t1=$(date +%s.%N)
  local dt; dt=$(echo "$t1 - $t0" | bc -l)
  printf '%-22s %8.3f s   %s\n' "$label" "$dt" "$(echo "$out" | tail -1)" >&2
  echo "$dt"
}
# shellcheck disable=SC2086
t_swift=$(run "swift ($(basename "$bin"))" $bin --schema "$work/schema.json" $args "$work/docs")
t_py=$(run "python jsonschema" python3 "$here/py_validate.py" jsonschema "$work/schema.json" "$work/docs")
t_rs=$(run "jsonschema_rs" python3 "$here/py_validate.py" jsonschema_rs "$work/schema.json" "$work/docs")
printf 'speedup vs python jsonschema: %.1fx\n' "$(echo "$t_py / $t_swift" | bc -l)"
printf 'speedup vs jsonschema_rs:     %.2fx\n' "$(echo "$t_rs / $t_swift" | bc -l)"
