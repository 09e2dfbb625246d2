#!/usr/bin/env bash
# Before/after benchmark of two revisions, measured in one run as paired rounds
# (lib.sh measure_pair: new, old, then old, new, ...), so the machine's drift cancels out.
#
# Usage: bench/compare.sh OLD_REV [--count N] [--imports M] [--runs R]
#   OLD_REV      the revision to compare against (built in a worktree under bench/.cache/)
#   --count N    full-scale bundles for validate / pack / unpack (default 100, ~650 MB)
#   --imports M  small bundles for import and the store queries (default 1000)
#   --runs R     timed rounds after one warm-up round (default 5)
# The data sets use only the forms both revisions know (Schemas/ of the old tree).
# The new side is this checkout's release build (.build-bench, or $ENROLL_BIN). Both binaries
# must validate the data set (made by the new one) before anything is timed. Writes the
# table to stdout and bench/COMPARE.md; raw rounds in bench/.cache/compare/.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
pkg="$(dirname "$bench")"
old_rev="" count=100 imports=1000
export RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --imports) imports="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) old_rev="$1"; shift ;;
  esac
done
[ -n "$old_rev" ] || { sed -n '5,5p' "$0" >&2; exit 2; }
# shellcheck source=lib.sh
source "$bench/lib.sh"
cache="$bench/.cache"
res="$cache/compare"
mkdir -p "$res"
export PAIRS_TSV="$res/pairs.tsv"
: >"$PAIRS_TSV"

NEW="$(release_binary "$pkg")"
old_sha="$(git -C "$pkg" rev-parse --short "$old_rev")"
old_tree="$cache/rev-$old_sha"
if [ ! -d "$old_tree" ]; then
  git -C "$pkg" worktree add --detach "$old_tree" "$old_sha" >&2
fi
OLD="$(ENROLL_BIN="" release_binary "$old_tree")"
new_desc="$(git -C "$pkg" rev-parse --short HEAD)$(git -C "$pkg" diff --quiet HEAD -- Sources Package.swift || echo '+changes')"

keys="$cache/keys"
[ -f "$keys/bench.sec" ] || { mkdir -p "$keys"; "$NEW" keys generate --out "$keys" --name bench >/dev/null; }
KEY="$keys/bench.sec"
# Only the signify key in the trust directory: releases before the age work read every file
# there as a signify key.
trust="$res/trust"; mkdir -p "$trust"; cp "$keys/bench.pub" "$trust/"
# Only the forms both revisions know. A bundle of a form the old side does not know is
# quarantined there (form.unknown), which is less work than importing it: with the 2024
# non-local form (after 20972f3) in the set, the old store held 800 of 1,000 applications and
# review list looked 25% slower for listing 25% more rows.
common_forms=()
for form in "${BENCH_FORMS[@]}"; do
  if [ -f "$old_tree/Schemas/$form.schema.json" ]; then common_forms+=("$form"); fi
done
[ ${#common_forms[@]} -gt 0 ] || { echo "compare.sh: $old_sha knows none of the forms ${BENCH_FORMS[*]}" >&2; exit 1; }
BENCH_FORMS=("${common_forms[@]}")
forms_tag="$(printf '%s\n' "${BENCH_FORMS[@]}" | cksum | cut -d' ' -f1)"
DS="$cache/data-$count-a-forms$forms_tag"
SMALL="$cache/data-$imports-small-compare-forms$forms_tag"
generate_set "$NEW" "$KEY" "$DS" "$count" 1
generate_set "$NEW" "$KEY" "$SMALL" "$imports" 401 --small
for b in "$NEW" "$OLD"; do
  "$b" validate "$DS" --jobs 2 --trust "$trust" >/dev/null || { echo "$b does not validate $DS" >&2; exit 1; }
done

q() { printf '%q' "$1"; }
W="$res/work"; rm -rf "$W"; mkdir -p "$W"
for side in new old; do
  bin="$NEW"; [ "$side" = old ] && bin="$OLD"
  declare "validate_$side=$(q "$bin") validate $(q "$DS") --jobs 2 --trust $(q "$trust") >/dev/null"
  declare "pack_$side=$(q "$bin") pack $(q "$DS") --out $(q "$W/$side.tar.zst") --key $(q "$KEY") >/dev/null"
  declare "rmpack_$side=rm -f $(q "$W/$side.tar.zst") && sync"
  declare "unpack_$side=$(q "$bin") unpack $(q "$W/new.tar.zst") --out $(q "$W")/u-$side.\$(date +%s%N) >/dev/null"
  declare "import_$side=$(q "$bin") import $(q "$SMALL") --store $(q "$W/store-$side") --trust $(q "$trust") --format json >/dev/null"
  declare "rmstore_$side=rm -rf $(q "$W/store-$side") && sync"
  declare "list_$side=$(q "$bin") review list --store $(q "$W/store-$side") --format json >/dev/null"
  declare "export_$side=$(q "$bin") export json --store $(q "$W/store-$side") --out $(q "$W/export-$side.json") >/dev/null"
done
pair() { # name op [prepare-op]
  local a="${2}_new" b="${2}_old" pa="${3:+${3}_new}" pb="${3:+${3}_old}"
  measure_pair "$1" "${!a}" "${pa:+${!pa}}" "${!b}" "${pb:+${!pb}}"
}
pair "validate --trust ($count bundles)" validate
pair "pack ($count bundles)" pack rmpack
rm -f "$W/new.tar.zst"; bash -c "$pack_new"   # the archive both sides unpack
pair "unpack ($count bundles)" unpack
rm -rf "$W"/u-*
pair "import ($imports small bundles)" import rmstore
rm -rf "$W/store-new" "$W/store-old"; bash -c "$import_new"; bash -c "$import_old"   # stores for the queries
# The queries compare like with like only when both stores hold every application.
for side in new old; do
  bin="$NEW"; [ "$side" = old ] && bin="$OLD"
  held=$("$bin" review list --store "$W/store-$side" --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
  [ "$held" = "$imports" ] || { echo "compare.sh: the $side store holds $held of $imports applications" >&2; exit 1; }
done
pair "review list ($imports applications)" list
pair "export json ($imports applications)" export

{
  echo "# Before/after: $new_desc against $old_sha"
  echo
  echo "Generated by \`bench/compare.sh $old_rev --count $count --imports $imports --runs $RUNS\` on $(date -u '+%Y-%m-%d %H:%M UTC'),"
  echo "$(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Paired rounds (new, old, then old, new, …),"
  echo "one warm-up round then $RUNS timed rounds; the ratio is the median of the rounds' new/old (below 1 = faster now)."
  echo "CPU = user + system seconds of the command and its children: on a shared machine it moves far less than wall time."
  echo
  echo "| benchmark | new median s | old median s | new/old median | min | max | CPU s (A) | CPU s (B) | CPU ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '{ printf "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f |\n", $1, $2, $3, $4, $5, $6, $8, $9, $10 }' "$PAIRS_TSV"
} | tee "$bench/COMPARE.md"
