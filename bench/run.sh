#!/usr/bin/env bash
# enroll benchmarks: bulk validation, pack/unpack, schema validation, peak memory.
#
# Usage: bench/run.sh [--count N] [--small] [--runs R] [--schema-docs M] [--no-profile]
#   --count N        bundles in the data set (default 200 full-scale, ~1.7 GB; a second,
#                    different set of N is generated for the 2N memory test)
#   --small          small images (fast, for trying the script out; not representative)
#   --runs R         timed runs per command after one warm-up (default 5)
#   --schema-docs M  synthetic documents for the schema benchmark; the real-form benchmark
#                    uses M/4 small sample bundles per form (default 2000)
#   --no-profile     skip `perf stat` / `perf record` of enroll validate
# The data sets are generated once into bench/.cache/ (git-ignored) and reused; delete that
# directory to start again. Raw results go to bench/.cache/results/, the summary to
# bench/RESULTS.md. Bigger: `bench/run.sh --count 1000` needs ~17 GB of disk for the data,
# archives and unpacked copies, ~14 min of generation on 2 cores, and RAM larger than the
# data set for the warm-cache numbers to mean what they say.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
pkg="$(dirname "$bench")"
count=200 small="" schema_docs=2000 profile=1
export RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --small) small=1; shift ;;
    --runs) RUNS="$2"; shift 2 ;;
    --schema-docs) schema_docs="$2"; shift 2 ;;
    --no-profile) profile=""; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=lib.sh
source "$bench/lib.sh"
cache="$bench/.cache"
res="$cache/results"
mkdir -p "$cache" "$res"
export RESULTS_TSV="$res/results.tsv" PAIRS_TSV="$res/pairs.tsv"
: >"$RESULTS_TSV"; : >"$PAIRS_TSV"
log() { echo "== $*" >&2; }

# ---------------------------------------------------------------- build
log "building enroll (release, --scratch-path .build-bench)"
enroll_build "$pkg"
B="$pkg/.build-bench/release/enroll"
export ENROLL="$B"

# ---------------------------------------------------------------- data sets
keys="$cache/keys"
if [ ! -f "$keys/bench.sec" ]; then
  mkdir -p "$keys"; "$B" keys generate --out "$keys" --name bench >/dev/null
fi
KEY="$keys/bench.sec"

tag="$count${small:+-small}"
DS="$cache/data-$tag-a"
DS2="$cache/data-$tag-b"
generate_set "$B" "$KEY" "$DS" "$count" 1 ${small:+--small}
generate_set "$B" "$KEY" "$DS2" "$count" 101 ${small:+--small}
per_form=$(( (schema_docs + 3) / 4 ))
FB="$cache/forms-bundles-$per_form"
generate_set "$B" "$KEY" "$FB" $((per_form * 4)) 201 --small
FD="$cache/forms-docs-$per_form"
if [ ! -f "$FD/.complete" ]; then
  rm -rf "$FD"
  for b in "$FB"/*/; do
    b="${b%/}"; f="$(sed -n 's/^Enroll-Form: //p' "$b/bag-info.txt")"
    mkdir -p "$FD/$f"; cp "$b/data/form.json" "$FD/$f/$(basename "$b").json"
  done
  touch "$FD/.complete"
fi
trust="$keys"

nfiles=$(find "$DS" -type f ! -name '.*' | wc -l)
nbytes=$(find "$DS" -type f ! -name '.*' -printf '%s\n' | awk '{s+=$1} END {print s}')
nbundles=$(find "$DS" -mindepth 1 -maxdepth 1 -type d | wc -l)
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "cpuflags=$(grep -o -w -m1 'sha_ni' /proc/cpuinfo | head -1)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "enroll=$("$B" --version) (git $(cd "$pkg" && git rev-parse --short HEAD)$(cd "$pkg" && git diff --quiet HEAD -- Sources Package.swift || echo ', with uncommitted changes in Sources'))"
  echo "swift=$(swift --version 2>&1 | head -1)"
  echo "sha256sum=$(sha256sum --version | head -1)"
  echo "bsdtar=$(bsdtar --version)"
  echo "zstd=$(zstd --version)"
  echo "openssl=$(openssl version 2>/dev/null || echo none)"
  echo "python=$(python3 --version)"
  echo "pylibs=$(python3 -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ("bagit","jsonschema","jsonschema_rs","referencing")))')"
  echo "hyperfine=$(hyperfine --version 2>/dev/null || echo 'not installed (bash loop)')"
  echo "runs=$RUNS"
  echo "count=$count"
  echo "small=${small:-0}"
  echo "bundles=$nbundles"
  echo "files=$nfiles"
  echo "bytes=$nbytes"
  echo "gen_seconds=$(cat "$DS/.gen-seconds" 2>/dev/null || echo '?')"
} >"$res/info.env"
log "data set: $nbundles bundles, $nfiles files, $nbytes bytes"

# sanity: everything valid before timing anything
"$B" validate "$DS" --jobs 2 --trust "$trust" >"$res/validate-check.txt" || { echo "data set does not validate" >&2; exit 1; }
tail -1 "$res/validate-check.txt" >&2

q() { printf '%q' "$1"; }
# Background sampler: the machine is shared; note when someone else's compiler is running.
( while :; do
    printf '%s %s\n' "$(cut -d' ' -f1 /proc/loadavg)" "$(ps -eo comm= | grep -c -E '^(swift-frontend|swift-build|swift-driver|clang.*|ld|ld\..*)$' || true)"
    sleep 5
  done ) >"$res/load.txt" 2>/dev/null &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT
# ---------------------------------------------------------------- a. bulk validation
log "a. bulk validation"
measure "validate/enroll" "$(q "$B") validate $(q "$DS") --jobs 2 >/dev/null" >/dev/null
measure "validate/enroll --trust" "$(q "$B") validate $(q "$DS") --jobs 2 --trust $(q "$trust") >/dev/null" >/dev/null
measure "validate/sha256sum" "find $(q "$DS") -type f -print0 | xargs -0 -P2 -n 200 sha256sum >/dev/null" >/dev/null
measure "validate/openssl sha256" "find $(q "$DS") -type f -print0 | xargs -0 -P2 -n 200 openssl sha256 -r >/dev/null" >/dev/null
measure "validate/bagit-python" "find $(q "$DS") -maxdepth 1 -mindepth 1 -type d -print0 | xargs -0 -P2 -n $(( (count + 3) / 4 > 0 ? (count + 3) / 4 : 1 )) python3 -m bagit --validate --quiet" >/dev/null

# ---------------------------------------------------------------- b. pack / unpack
log "b. pack / unpack"
W="$cache/work"
rm -rf "$W"; mkdir -p "$W"
X="$W/x.tar.zst" Y="$W/y.tar.zst"
# Every pack/unpack run starts from a settled disk: the previous run's output is removed
# (pack) and everything `sync`ed first, so one run's write-back does not land on the next
# one's clock. Each unpack goes into a new directory and the copies are only removed at the
# end: ext4 skips inodes freed in the last minutes when it allocates (recently_deleted()),
# so deleting 2,900 files before every run made each run slower than the one before, by
# how much depending on what ran just before (bsdtar -x took 1.5-3.1 s that way).
rmx="rm -f $(q "$X") && sync" rmy="rm -f $(q "$Y") && sync"
enroll_pack="$(q "$B") pack $(q "$DS") --out $(q "$X") --key $(q "$KEY") >/dev/null"
bsdtar_pack="bsdtar --zstd -cf $(q "$Y") -C $(q "$DS") ."
enroll_unpack="$(q "$B") unpack $(q "$X") --out $(q "$W")/ux.\$(date +%s%N) >/dev/null"
bsdtar_unpack="bsdtar -xf $(q "$Y") -C \$(mktemp -d $(q "$W")/uy.XXXXXX)"
measure "pack/enroll" "$enroll_pack" "$rmx" >/dev/null
measure "pack/bsdtar" "$bsdtar_pack" "$rmy" >/dev/null
measure "pack/bsdtar + sync" "$bsdtar_pack && sync $(q "$Y")" "$rmy" >/dev/null
# enroll compresses with zstd's worker threads (one per core); the same libarchive option
# for bsdtar, for comparison:
measure "pack/bsdtar zstd:threads=2" "bsdtar --zstd --options zstd:threads=2 -cf $(q "$Y") -C $(q "$DS") ." "$rmy" >/dev/null
measure "unpack/enroll" "$enroll_unpack" "sync" >/dev/null
measure "unpack/bsdtar" "$bsdtar_unpack" "sync" >/dev/null
# enroll's archive is zstd frames ending after bundles (unpack extracts it in parallel parts);
# bsdtar reads it as one stream, as fast as its own archive (shown for comparison):
measure "unpack/bsdtar of enroll's archive" "bsdtar -xf $(q "$X") -C \$(mktemp -d $(q "$W")/uy.XXXXXX)" "sync" >/dev/null
log "b. pack / unpack, paired rounds"
measure_pair "pack enroll/bsdtar" "$enroll_pack" "$rmx" "$bsdtar_pack" "$rmy"
measure_pair "unpack enroll/bsdtar" "$enroll_unpack" "sync" "$bsdtar_unpack" "sync"
rm -rf "$W"/ux.* "$W"/uy.*
# Leave both archives and one enroll copy in place for the checks below.
bash -c "$rmx"; bash -c "$enroll_pack"; bash -c "$rmy"; bash -c "$bsdtar_pack"; "$B" unpack "$X" --out "$W/ux" >/dev/null
{
  echo "x_bytes=$(stat -c %s "$X")"
  echo "y_bytes=$(stat -c %s "$Y")"
  # enroll unpack must give back the bundles byte for byte
  if diff -r -q -x '.*' "$DS" "$W/ux" >/dev/null 2>&1; then echo "unpack_identical=yes"; else echo "unpack_identical=NO"; fi
} >>"$res/info.env"
rm -rf "$W"

# ---------------------------------------------------------------- c. schema validation
log "c. schema validation (synthetic, $schema_docs documents)"
SCHEMA_WORK="$cache/schema-synthetic" "$bench/schema/schema-bench.sh" "$schema_docs" >"$res/schema-synthetic.txt" 2>"$res/schema-synthetic.log" ||
  { cat "$res/schema-synthetic.log" >&2; exit 1; }
cat "$res/schema-synthetic.txt" >&2
log "c. schema validation (real forms, $per_form per form)"
"$bench/schema/schema-bench.sh" --forms "$FD" >"$res/schema-forms.txt" 2>"$res/schema-forms.log" ||
  { cat "$res/schema-forms.log" >&2; exit 1; }
cat "$res/schema-forms.txt" >&2

# ---------------------------------------------------------------- d. peak memory
log "d. peak memory (N = $count and 2N)"
: >"$res/memory.tsv"
for label in N 2N; do
  set -- "$DS"; [ "$label" = 2N ] && set -- "$DS" "$DS2"
  for i in 1 2 3; do
    /usr/bin/time -v "$B" validate "$@" --jobs 2 >/dev/null 2>"$res/time-$label.txt" || true
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$res/time-$label.txt")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$res/time-$label.txt")
    printf '%s\t%s\t%s\t%s\n' "$label" "$i" "$rss" "$wall" >>"$res/memory.tsv"
  done
done
cat "$res/memory.tsv" >&2

# ---------------------------------------------------------------- profile
: >"$res/perf-stat.txt"; : >"$res/perf-report.txt"
if [ -n "$profile" ] && command -v perf >/dev/null 2>&1 && perf stat -e task-clock true >/dev/null 2>&1; then
  log "profile: perf stat / perf record of enroll validate"
  perf stat -e task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions \
    "$B" validate "$DS" --jobs 2 >/dev/null 2>"$res/perf-stat.txt" || true
  perf stat -e task-clock,context-switches,cycles,instructions -- \
    sh -c "find $(q "$DS") -type f -print0 | xargs -0 -P2 -n 200 sha256sum >/dev/null" 2>"$res/perf-stat-sha256sum.txt" || true
  if perf record -F 999 -g -o "$res/perf.data" "$B" validate "$DS" --jobs 2 >/dev/null 2>"$res/perf-record.log"; then
    perf report -i "$res/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
      grep -v '^#' | grep -E '^ +[0-9]+\.[0-9]+%' | head -40 >"$res/perf-report.txt" || true
    perf report -i "$res/perf.data" --no-children --sort dso --stdio 2>/dev/null |
      grep -v '^#' | grep -E '^ +[0-9]+\.[0-9]+%' | head -15 >"$res/perf-report-dso.txt" || true
  fi
  rm -f "$res/perf.data" "$res/perf.data.old"
fi

# ---------------------------------------------------------------- report
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$res/info.env"
kill "$sampler" 2>/dev/null || true
python3 "$bench/report.py" "$res" "$bench/RESULTS.md"
log "wrote $bench/RESULTS.md"
