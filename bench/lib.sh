# Shared helpers for bench/run.sh and bench/schema/schema-bench.sh (source it; bash only).
#
#   measure NAME CMD [PREPARE]
#       One warm-up run, then $RUNS timed runs (default 5) of the shell command CMD
#       (PREPARE, if given, runs untimed before every run). Uses hyperfine when installed,
#       else a bash loop with `date +%s%N`. Appends a row to $RESULTS_TSV:
#           name  median_s  min_s  max_s  runs  tool  command
#       and prints the median. A command that exits non-zero aborts the benchmark,
#       unless IGNORE_FAILURE=1 (used where invalid documents are expected).
#   measure_pair NAME CMD_A PREPARE_A CMD_B PREPARE_B
#       A and B alternately, one warm-up round, then $RUNS timed rounds (A B, B A, A B, ...:
#       neither always runs second), each run after its PREPARE. On a shared machine whose speed drifts over minutes, the
#       ratio of two runs taken seconds apart is steadier than the ratio of two medians
#       taken minutes apart. Appends to $PAIRS_TSV:
#           name  median_a  median_b  median(a/b)  min(a/b)  max(a/b)  runs
#   enroll_build PKGDIR
#       swift build -c release --scratch-path .build-bench --product enroll, with retries
#       (the sources may be mid-edit by someone else).

RUNS="${RUNS:-5}"
RESULTS_TSV="${RESULTS_TSV:-/dev/null}"
PAIRS_TSV="${PAIRS_TSV:-/dev/null}"

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

_seconds() { # CMD -> wall seconds of one run (aborts on failure)
  local t0 t1
  t0=$(date +%s%N)
  bash -c "$1" >/dev/null 2>&1 || { echo "measure_pair: failed: $1" >&2; return 1; }
  t1=$(date +%s%N)
  echo "($t1 - $t0) / 1000000000" | bc -l
}

measure_pair() {
  local name="$1" cmd_a="$2" prep_a="$3" cmd_b="$4" prep_b="$5" i a b as=() bs=() ratios=()
  for ((i = 0; i <= RUNS; i++)); do
    if ((i % 2 == 0)); then
      bash -c "$prep_a"; a=$(_seconds "$cmd_a")
      bash -c "$prep_b"; b=$(_seconds "$cmd_b")
    else
      bash -c "$prep_b"; b=$(_seconds "$cmd_b")
      bash -c "$prep_a"; a=$(_seconds "$cmd_a")
    fi
    if [ "$i" -gt 0 ]; then # round 0 = warm-up
      as+=("$a"); bs+=("$b"); ratios+=("$(echo "$a / $b" | bc -l)")
    fi
  done
  local ma mb mr lo hi
  ma=$(printf '%s\n' "${as[@]}" | _median)
  mb=$(printf '%s\n' "${bs[@]}" | _median)
  mr=$(printf '%s\n' "${ratios[@]}" | _median)
  lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)
  hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)
  printf '%-34s A %.3f s  B %.3f s  A/B median %.3f (%.3f .. %.3f, %d rounds)\n' "$name" "$ma" "$mb" "$mr" "$lo" "$hi" "$RUNS" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ma" "$mb" "$mr" "$lo" "$hi" "$RUNS" >>"$PAIRS_TSV"
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
