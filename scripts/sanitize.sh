#!/usr/bin/env bash
# Runs the test suite under a sanitizer, in a build directory of its own (.build-SANITIZER).
#
#     scripts/sanitize.sh thread|address [--filter PATTERN]... [--keep-going]
#
# thread:  ThreadSanitizer (data races: the parallel validate, verify, pack and import, the
#          zstd threads of ArchiveKit); address: AddressSanitizer (out-of-bounds, use after
#          free, in Swift and in the C shims; the system libraries are not instrumented).
# Every Swift and C target is built with the sanitizer (`swift build --sanitize`), so the
# `enroll` binary the command-line tests run is instrumented too. A report fails the run:
# the sanitizer's report is printed and the script exits 1 (--keep-going reports every race
# or error and exits 1 at the end instead). With --filter only the matching suites run
# (swift test --filter), e.g. --filter EnrollCoreTests --filter 'enroll command line'.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizer=${1:-}
case "$sanitizer" in
  thread|address) shift ;;
  *) echo "usage: scripts/sanitize.sh thread|address [--filter PATTERN]... [--keep-going]" >&2; exit 2 ;;
esac
filters=()
halt=1
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filters+=(--filter "$2"); shift ;;
    --keep-going) halt=0 ;;
    *) echo "sanitize.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

build=.build-$sanitizer
log=$build/sanitize.log
mkdir -p "$build"
echo "sanitize.sh: building the tests with -sanitize=$sanitizer in $build"
swift build --build-tests --build-path "$build" --sanitize "$sanitizer"

# Swift's own backtracer would print instead of the sanitizer's report.
export SWIFT_BACKTRACE=enable=no
export TSAN_OPTIONS="halt_on_error=$halt:second_deadlock_stack=1:report_signal_unsafe=0"
# Leak checking is off: the Swift runtime keeps metadata caches for the life of the process.
export ASAN_OPTIONS="halt_on_error=$halt:detect_leaks=0:strict_string_checks=1:detect_stack_use_after_return=1"
export ENROLL_BIN="$PWD/$build/debug/enroll"

# The store suites run against PostgreSQL too: a throw-away cluster, as `make test` starts one.
eval "$(bash scripts/pg-cluster.sh start)"
trap 'bash scripts/pg-cluster.sh stop' EXIT

status=0
swift test --skip-build --build-path "$build" --sanitize "$sanitizer" "${filters[@]}" 2>&1 | tee "$log" || status=$?
reports=$(grep -cE '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)' "$log" || true)
echo "sanitize.sh: $sanitizer: $reports sanitizer report(s); swift test exited $status; log in $log"
[ "$reports" -eq 0 ] && [ $status -eq 0 ] || exit 1
