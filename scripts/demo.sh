#!/usr/bin/env bash
# The main job end to end on SampleBundles/, as a district would run it:
# field station checks and packs the day's bundles -> USB archive -> district verifies it.
set -euo pipefail
cd "$(dirname "$0")/.."
enroll=.build/debug/enroll
demo=enroll-demo
rm -rf "$demo"
mkdir -p "$demo"
chmod 600 SampleBundles/keys/*.sec   # git does not keep file modes; enroll refuses readable keys
step() { printf '\n== %s\n' "$*"; }

step "Field station: validate today's applications (form, rules, attachments, signatures)"
$enroll validate SampleBundles/valid --trust SampleBundles/keys/trust

step "Field station: pack them for the USB stick"
$enroll pack SampleBundles/valid --out "$demo/station-day.tar.zst" --key SampleBundles/keys/sample-station.sec

step "District office: list and verify the archive while streaming (nothing unpacked)"
$enroll list "$demo/station-day.tar.zst" --trust SampleBundles/keys/trust
$enroll verify "$demo/station-day.tar.zst" --trust SampleBundles/keys/trust | tail -2

step "Bulk validation report (JSON for scripts) of the invalid samples: every problem, located"
set +e
$enroll validate SampleBundles/invalid --format json > "$demo/invalid-report.json"
status=$?
set -e
python3 -c "
import json; r = json.load(open('$demo/invalid-report.json'))
print('summary:', json.dumps(r['summary'], ensure_ascii=False))" 
echo "exit status $status (1 = something invalid, as expected)"
[ "$status" -eq 1 ]
printf '\nDemo finished; its files are in %s/\n' "$demo"
