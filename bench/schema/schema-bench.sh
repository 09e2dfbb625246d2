#!/usr/bin/env bash
# Benchmark: `enroll schema check` vs Python jsonschema vs jsonschema_rs on the SAME documents.
#
# Usage: bench/schema/schema-bench.sh [N]              synthetic: N documents (default 2000, ~10%
#                                                      invalid) against generate.py's schema
#        bench/schema/schema-bench.sh --forms DOCROOT  real forms: DOCROOT/<form>/*.json against
#                                                      Schemas/<form>.schema.json (+ Schemas/defs)
# Env:   ENROLL   the enroll binary (default: .build-bench/release/enroll, built if missing)
#        RUNS     timed runs per command (default 5, after one warm-up)
#        RESULTS_TSV  append result rows here (bench/run.sh sets it)
#        SCHEMA_WORK  where to generate the synthetic documents (default: a temp dir)
#
# Every tool is timed as a whole process (hyperfine, median) twice: on all documents and on
# ONE document. The difference is the validation-only time (read + parse + validate of the
# other documents); process start, imports and schema compilation cancel out. The Python
# scripts also print their own in-process loop time as a cross-check.
# enroll:  enroll schema check --schema S --assert-format DIR   (every *.json below DIR;
#          the schema is compiled once)
# Python:  py_validate.py, validator built once, standard format checker on (synthetic);
#          for the real forms formats are OFF on the Python side (--no-formats) because
#          neither library knows enroll's custom formats (cn-resident-id, cn-mobile, ...).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$(dirname "$here")"
pkg="$(dirname "$bench")"
# shellcheck source=../lib.sh
source "$bench/lib.sh"
ENROLL="${ENROLL:-$pkg/.build-bench/release/enroll}"
if [ ! -x "$ENROLL" ]; then enroll_build "$pkg"; fi
schemas="$pkg/Schemas"
map="https://schemas.enroll.invalid/=$schemas/"

mode=synthetic
if [ "${1:-}" = "--forms" ]; then
  mode=forms
  docroot="$(cd "$2" && pwd)"
else
  n="${1:-2000}"
  if [ -n "${SCHEMA_WORK:-}" ]; then work="$SCHEMA_WORK"; mkdir -p "$work"; else
    work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
  if [ ! -f "$work/.n-$n" ]; then
    rm -rf "$work/docs" "$work"/.n-*
    python3 "$here/generate.py" "$work" "$n"
    touch "$work/.n-$n"
  fi
  mkdir -p "$work/one"; cp "$work/docs/doc-00000.json" "$work/one/"
  echo "synthetic: $n documents ($(du -sh "$work/docs" | cut -f1)) in $work" >&2
fi

# enroll over a directory of documents; prints enroll's per-document lines.
enroll_dir() { # schema dir [--map ...]
  local schema="$1" dir="$2"; shift 2
  "$ENROLL" schema check --schema "$schema" --assert-format "$@" "$dir"
}
q() { printf '%q' "$1"; }

if [ "$mode" = synthetic ]; then
  label="schema-synthetic"
  s="$work/schema.json"
  e_all="$(q "$ENROLL") schema check --schema $(q "$s") --assert-format $(q "$work/docs") >/dev/null"
  e_one="$(q "$ENROLL") schema check --schema $(q "$s") --assert-format $(q "$work/one/doc-00000.json") >/dev/null"
  p_all() { echo "python3 $(q "$here/py_validate.py") $1 $(q "$s") $(q "$work/docs") >/dev/null 2>&1"; }
  p_one() { echo "python3 $(q "$here/py_validate.py") $1 $(q "$s") $(q "$work/docs") --limit 1 >/dev/null 2>&1"; }
  ndocs=$n
  # agreement check (same documents, counts must be comparable)
  out=$(enroll_dir "$s" "$work/docs" || true)
  echo "enroll:        $(grep -c '^valid' <<<"$out") valid, $(grep -c '^INVALID' <<<"$out") invalid" >&2
  for impl in jsonschema jsonschema_rs; do
    echo "$impl: $(python3 "$here/py_validate.py" "$impl" "$s" "$work/docs" 2>&1 | tr '\n' ' ')" >&2
  done
else
  label="schema-forms"
  forms=$(cd "$docroot" && for d in */; do echo "${d%/}"; done)
  ndocs=$(find "$docroot" -mindepth 2 -maxdepth 2 -name '*.json' | wc -l)
  e_all=""; e_one=""
  for f in $forms; do
    sf="$schemas/$f.schema.json"
    e_all+="$(q "$ENROLL") schema check --schema $(q "$sf") --assert-format --map $(q "$map") $(q "$docroot/$f") >/dev/null; "
    first=$(find "$docroot/$f" -maxdepth 1 -name '*.json' | sort | sed -n 1p) # (no head: SIGPIPE + pipefail)
    e_one+="$(q "$ENROLL") schema check --schema $(q "$sf") --assert-format --map $(q "$map") $(q "$first") >/dev/null; "
  done
  e_all+="true"; e_one+="true"
  p_all() { echo "python3 $(q "$here/py_validate.py") $1 --forms $(q "$docroot") --schemas $(q "$schemas") --map $(q "$map") --no-formats >/dev/null 2>&1"; }
  p_one() { echo "python3 $(q "$here/py_validate.py") $1 --forms $(q "$docroot") --schemas $(q "$schemas") --map $(q "$map") --no-formats --limit 1 >/dev/null 2>&1"; }
  v=0; i=0
  for f in $forms; do
    out=$(enroll_dir "$schemas/$f.schema.json" "$docroot/$f" --map "$map" || true)
    v=$((v + $(grep -c '^valid' <<<"$out" || true))); i=$((i + $(grep -c '^INVALID' <<<"$out" || true)))
  done
  echo "real forms ($(echo $forms | wc -w) forms, $ndocs documents):" >&2
  echo "enroll:        $v valid, $i invalid" >&2
  for impl in jsonschema jsonschema_rs; do
    echo "$impl: $(python3 "$here/py_validate.py" "$impl" --forms "$docroot" --schemas "$schemas" --map "$map" --no-formats 2>&1 | tr '\n' ' ')" >&2
  done
fi

export IGNORE_FAILURE=1 # invalid documents make the tools exit 1
t_e=$(measure "$label/enroll/all" "$e_all")
t_e1=$(measure "$label/enroll/one" "$e_one")
t_p=$(measure "$label/jsonschema/all" "$(p_all jsonschema)")
t_p1=$(measure "$label/jsonschema/one" "$(p_one jsonschema)")
t_r=$(measure "$label/jsonschema_rs/all" "$(p_all jsonschema_rs)")
t_r1=$(measure "$label/jsonschema_rs/one" "$(p_one jsonschema_rs)")
python3 - "$label" "$ndocs" "$t_e" "$t_e1" "$t_p" "$t_p1" "$t_r" "$t_r1" <<'EOF'
import sys
label, n = sys.argv[1], int(sys.argv[2])
e, e1, p, p1, r, r1 = map(float, sys.argv[3:])
de, dp, dr = max(e - e1, 1e-9), p - p1, r - r1
print(f"{label}: {n} documents")
print(f"  {'':16} {'whole process':>14} {'1 document':>11} {'validation only':>16} {'per document':>13}")
for name, a, b, d in (("enroll", e, e1, de), ("jsonschema", p, p1, dp), ("jsonschema_rs", r, r1, dr)):
    print(f"  {name:16} {a:12.3f} s {b:9.3f} s {d:14.3f} s {d / (n - 1) * 1e6:10.1f} us")
print(f"  python jsonschema / enroll: {dp / de:.1f}x validation only, {p / e:.1f}x whole process (target >= 10)")
print(f"  jsonschema_rs / enroll:     {dr / de:.2f}x validation only, {r / e:.2f}x whole process")
EOF
