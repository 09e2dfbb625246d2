#!/usr/bin/env bash
# Prints the project's shared/ folder (conformance suites, seeds) for the tests, or nothing:
# $ENROLL_SHARED when set; else shared/ beside this clone or above it; else, for a clone made
# elsewhere (git clone . "$(mktemp -d)"), shared/ beside the repository it was cloned from.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${ENROLL_SHARED:-}" ]; then echo "$ENROLL_SHARED"; exit 0; fi
dir=$PWD
while [ "$dir" != / ]; do
  [ -d "$dir/shared/conformance" ] && { echo "$dir/shared"; exit 0; }
  dir=$(dirname "$dir")
done
origin=$(git config --get remote.origin.url 2>/dev/null || true)
if [ -n "$origin" ] && [ -d "$origin" ]; then
  origin=$(cd "$origin" && pwd)
  [ -d "$origin/../shared/conformance" ] && { (cd "$origin/../shared" && pwd); exit 0; }
fi
exit 0
