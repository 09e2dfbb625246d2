#!/usr/bin/env bash
# The main job end to end on SampleBundles/: verify the field stations' signed bundles.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/enroll
$bin verify SampleBundles --trust SampleBundles/keys
