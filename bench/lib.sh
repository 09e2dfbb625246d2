# Shared helpers for bench/run.sh and bench/schema/schema-bench.sh (source it; bash only).
#
#   measure NAME CMD [PREPARE]
#       One warm-up run, then $RUNS timed runs (default 5) of the shell command CMD
#       (PREPARE, if given, runs untimed before every run). Uses hyperfine when installed,
#       else a bash loop with `date +%s%N`. Appends a row to $RESULTS_TSV:
#           name  median_s  min_s  max_s  runs  tool  command
#       and prints the median. A command that exits non-zero aborts the benchmark,
#       unless IGNORE_FAILURE=1 (used where invalid documents are expected).
#   enroll_build PKGDIR
#       swift build -c release --scratch-path .build-bench --product enroll, with retries
#       (the sources may be mid-edit by someone else).

RUNS="${RUNS:-5}"
RESULTS_TSV="${RESULTS_TSV:-/dev/null}"

_median() { # numbers on stdin, one per line -> median
  sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

measure() {
  local name="$1" cmd="$2" prepare="${3:-}"
  local tool median min max
  if command -v hyperfine >/dev/null 2>&1 && [ -z "${NO_HYPERFINE:-}" ]; then
    tool=hyperfine
    local json; json="$(mktemp)"
    local args=(--warmup 1 --runs "$RUNS" --export-json "$json" --style basic --command-name "$name")
    [ -n "$prepare" ] && args+=(--prepare "$prepare")
    [ "${IGNORE_FAILURE:-0}" = 1 ] && args+=(--ignore-failure)
    if ! hyperfine "${args[@]}" "$cmd" >&2; then
      echo "measure: '$name' failed: $cmd" >&2; rm -f "$json"; return 1
    fi
    read -r median min max < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], r["min"], r["max"])' "$json")
    rm -f "$json"
  else
    tool=bash-loop
    local i t0 t1 times=()
    for ((i = 0; i <= RUNS; i++)); do
      [ -n "$prepare" ] && bash -c "$prepare"
      t0=$(date +%s%N)
      if ! bash -c "$cmd" >/dev/null 2>&1 && [ "${IGNORE_FAILURE:-0}" != 1 ]; then
        echo "measure: '$name' failed: $cmd" >&2; return 1
      fi
      t1=$(date +%s%N)
      [ "$i" -gt 0 ] && times+=("$(echo "($t1 - $t0) / 1000000000" | bc -l)") # run 0 = warm-up
    done
    median=$(printf '%s\n' "${times[@]}" | _median)
    min=$(printf '%s\n' "${times[@]}" | sort -g | head -1)
    max=$(printf '%s\n' "${times[@]}" | sort -g | tail -1)
    printf '%-34s median %8.3f s  (min %.3f, max %.3f, %d runs)\n' "$name" "$median" "$min" "$max" "$RUNS" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$median" "$min" "$max" "$RUNS" "$tool" "$cmd" >>"$RESULTS_TSV"
  echo "$median"
}

enroll_build() {
  local pkg="$1" attempt
  for attempt in 1 2 3 4 5; do
    if (cd "$pkg" && swift build -c release --scratch-path .build-bench --product enroll >&2); then
      return 0
    fi
    echo "build failed (attempt $attempt; sources may be mid-edit): retrying in 60 s" >&2
    sleep 60
  done
  return 1
}
