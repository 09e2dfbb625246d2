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
#       taken minutes apart. CPU time (user + system of the command and its children, GNU
#       time) is recorded beside the wall time: on a loaded machine it moves far less than
#       the wall clock. Appends to $PAIRS_TSV:
#           name  median_a  median_b  median(a/b)  min(a/b)  max(a/b)  runs  cpu_a  cpu_b  median(cpu a/b)
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

_run() { # CMD -> "WALL CPU": wall seconds and CPU seconds (user + system, children included) of one run
  local t0 t1 cpu
  cpu="$(mktemp)"
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$cpu" bash -c "$1" >/dev/null 2>&1 || { echo "measure_pair: failed: $1" >&2; rm -f "$cpu"; return 1; }
  t1=$(date +%s%N)
  printf '%s %s\n' "$(echo "($t1 - $t0) / 1000000000" | bc -l)" "$(awk 'END { print $1 + $2 }' "$cpu")"
  rm -f "$cpu"
}

measure_pair() {
  need_time
  local name="$1" cmd_a="$2" prep_a="$3" cmd_b="$4" prep_b="$5" i a b ca cb
  local as=() bs=() ratios=() cas=() cbs=() cratios=()
  for ((i = 0; i <= RUNS; i++)); do
    if ((i % 2 == 0)); then
      bash -c "$prep_a"; read -r a ca < <(_run "$cmd_a")
      bash -c "$prep_b"; read -r b cb < <(_run "$cmd_b")
    else
      bash -c "$prep_b"; read -r b cb < <(_run "$cmd_b")
      bash -c "$prep_a"; read -r a ca < <(_run "$cmd_a")
    fi
    [ -n "$a" ] && [ -n "$b" ] || return 1
    if [ "$i" -gt 0 ]; then # round 0 = warm-up
      as+=("$a"); bs+=("$b"); ratios+=("$(echo "$a / $b" | bc -l)")
      cas+=("$ca"); cbs+=("$cb"); cratios+=("$(echo "$ca / $cb" | bc -l)")
    fi
  done
  local ma mb mr lo hi mca mcb mcr
  ma=$(printf '%s\n' "${as[@]}" | _median)
  mb=$(printf '%s\n' "${bs[@]}" | _median)
  mr=$(printf '%s\n' "${ratios[@]}" | _median)
  lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)
  hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)
  mca=$(printf '%s\n' "${cas[@]}" | _median)
  mcb=$(printf '%s\n' "${cbs[@]}" | _median)
  mcr=$(printf '%s\n' "${cratios[@]}" | _median)
  printf '%-34s A %.3f s  B %.3f s  A/B median %.3f (%.3f .. %.3f, %d rounds); CPU A %.2f s B %.2f s, A/B %.3f\n' \
    "$name" "$ma" "$mb" "$mr" "$lo" "$hi" "$RUNS" "$mca" "$mcb" "$mcr" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ma" "$mb" "$mr" "$lo" "$hi" "$RUNS" "$mca" "$mcb" "$mcr" >>"$PAIRS_TSV"
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

# ------------------------------------------------------------------ shared by the scripts
#   release_binary PKGDIR
#       Prints the release binary to measure: $ENROLL_BIN when set, else
#       PKGDIR/.build-bench/release/enroll, built first with enroll_build when missing.
#   generate_set BIN KEY DIR COUNT SEED [--small]
#       COUNT signed bundles spread evenly over the forms (BENCH_FORMS) into DIR, once: a DIR with its
#       .complete marker is reused. Records the generation's seconds in DIR/.gen-seconds.
#   need_time
#       Makes sure GNU time (/usr/bin/time -v, for peak RSS) is installed.
BENCH_FORMS=(harbin-public-primary-2024 beijing-local-primary-2024 beijing-nonlocal-primary-2021 beijing-nonlocal-primary-2024
  beijing-nonlocal-primary-2025)

release_binary() {
  local pkg="$1"
  if [ -n "${ENROLL_BIN:-}" ]; then echo "$ENROLL_BIN"; return 0; fi
  [ -x "$pkg/.build-bench/release/enroll" ] || enroll_build "$pkg"
  echo "$pkg/.build-bench/release/enroll"
}

generate_set() {
  local bin="$1" key="$2" dir="$3" n="$4" seed="$5" flag="${6:-}" i c t0
  [ -f "$dir/.complete" ] && return 0
  rm -rf "$dir"; mkdir -p "$dir"
  echo "== generating $n bundles into $dir ${flag:+(small)}" >&2
  t0=$SECONDS
  local forms=${#BENCH_FORMS[@]}
  for ((i = 0; i < forms; i++)); do
    c=$(( n / forms + (i < n % forms ? 1 : 0) ))
    [ "$c" -gt 0 ] || continue
    # shellcheck disable=SC2086
    "$bin" sample generate --form "${BENCH_FORMS[$i]}" --count "$c" --out "$dir" --key "$key" --seed $((seed + i)) $flag >/dev/null
  done
  echo "$((SECONDS - t0))" >"$dir/.gen-seconds"
  touch "$dir/.complete"
}

need_time() {
  [ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
}
