#!/usr/bin/env bash
# Fuzzes enroll's parsers with libFuzzer (coverage instrumentation + AddressSanitizer).
#
#     scripts/fuzz.sh --list                      names the targets
#     scripts/fuzz.sh [TARGET|all] [SECONDS]      builds, then fuzzes each target SECONDS (60)
#       options: --seconds N    the same as SECONDS
#                --parallel P   runs P targets at once (default 1)
#                --build-only   builds .build-fuzz/debug/enroll-fuzz and stops
#                --no-build     runs the enroll-fuzz already built there
#   FUZZ_BUILD_PATH=DIR builds in DIR instead of .build-fuzz (e.g. .build, to reuse its C objects)
#
# The seeds in fuzz/corpus/TARGET/ are read, never written; what libFuzzer finds on top of them
# goes to .build-fuzz/corpus/TARGET/ (kept between runs). A crash, a sanitizer report or a
# timeout is saved as fuzz/artifacts/TARGET/crash-… (or timeout-…, oom-…) and makes the script
# exit 1; replay one with `.build/debug/enroll-fuzz TARGET FILE` or, with the sanitizer,
# `.build-fuzz/debug/enroll-fuzz TARGET FILE`. Each run's last lines (executions, coverage)
# are in .build-fuzz/logs/TARGET.log; a summary table is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
parallel=1
target=all
build_only=0
no_build=0
list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list=1 ;;
    --seconds) seconds=$2; shift ;;
    --parallel) parallel=$2; shift ;;
    --build-only) build_only=1 ;;
    --no-build) no_build=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) seconds=$1 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) target=$1 ;;
  esac
  shift
done

build=${FUZZ_BUILD_PATH:-.build-fuzz}  # another build directory shares its compiled C code
binary=$build/debug/enroll-fuzz
swiftc_path=$(readlink -f "$(command -v swiftc)")
runtime_dir=$(dirname "$swiftc_path")/../lib/swift/clang/lib/linux
fuzzer_library=$runtime_dir/libclang_rt.fuzzer_no_main-$(uname -m).a
if [ ! -f "$fuzzer_library" ]; then
  echo "fuzz.sh: libFuzzer ($fuzzer_library) is not in this Swift toolchain; use a swift.org toolchain" >&2
  exit 2
fi

# SwiftPM's -sanitize=fuzzer links libFuzzer's main() beside the executable's own (SwiftPM
# renames it and points main at it with --defsym), which cannot link. So the Swift code gets
# the same instrumentation by hand (-sanitize-coverage, as -sanitize=fuzzer sets it), and the
# driver-less libFuzzer goes in through the linker; enroll-fuzz's main calls LLVMFuzzerRunDriver.
[ $no_build -eq 1 ] || { echo "fuzz.sh: building $binary (coverage + AddressSanitizer + libFuzzer)"
swift build --build-path "$build" --product enroll-fuzz \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  -Xlinker -u -Xlinker LLVMFuzzerRunDriver -Xlinker "$fuzzer_library" -Xlinker -lstdc++ \
  2>&1 | grep -v "Cannot export local symbol" || true; }
[ -x "$binary" ] || { echo "fuzz.sh: the build failed" >&2; exit 2; }

all_targets=$("$binary" --list | cut -f1)
if [ $list -eq 1 ]; then "$binary" --list; exit 0; fi
[ $build_only -eq 1 ] && exit 0
if [ "$target" = all ]; then targets=$all_targets
elif grep -qx "$target" <<<"$all_targets"; then targets=$target
else echo "fuzz.sh: no target \"$target\"; --list names them" >&2; exit 2
fi

mkdir -p "$build/logs"
run_one() {
  local name=$1
  local work=$build/corpus/$name artifacts=fuzz/artifacts/$name
  mkdir -p "$work" "$artifacts"
  # Swift's own backtracer would catch the signal before AddressSanitizer and libFuzzer do.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:symbolize=1 \
    TMPDIR=${TMPDIR:-/tmp} "$binary" "$name" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 \
    -max_len=131072 -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "fuzz/corpus/$name" \
    > "$build/logs/$name.log" 2>&1
}
export -f run_one
export build seconds binary

status=0
printf '%s\n' $targets | xargs -P "$parallel" -I{} bash -c 'run_one {} && echo "fuzz.sh: {} done" || { echo "fuzz.sh: {} FOUND A CRASH (see fuzz/artifacts/{}/ and '"$build"'/logs/{}.log)"; exit 1; }' || status=1

printf '\n%-8s %12s %10s %8s %9s  %s\n' target executions exec/s cov features result
for name in $targets; do
  log=$build/logs/$name.log
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  result=ok
  grep -qE '^==[0-9]+==ERROR|Fatal error|deadly signal|ALARM: working on the last Unit|out-of-memory' "$log" && result=CRASH
  printf '%-8s %12s %10s %8s %9s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $status
