#!/usr/bin/env bash
# The main job end to end on SampleBundles/, with the embedded default store (SQLite):
# field station checks and packs the day's applications -> USB archive -> district office
# verifies, imports, reviews -> signed status archive -> back at the station, families' answers.
set -euo pipefail
cd "$(dirname "$0")/.."
enroll=.build/debug/enroll
demo=enroll-demo
keys=SampleBundles/keys
rm -rf "$demo"
mkdir -p "$demo"
chmod 600 "$keys"/*.sec   # git does not keep file modes; enroll refuses secret keys others can read
step() { printf '\n== %s\n' "$*"; }
# The clock for the demo (docs/FORMATS.md, "The clock"): inside the Harbin collection window.
export ENROLL_NOW=${ENROLL_NOW:-2024-06-05T10:00:00+08:00}

step "1. Field station: validate today's applications (form, rules, attachments, signatures)"
$enroll validate SampleBundles/valid --trust "$keys/trust"

step "2. Field station: pack them into one archive for the USB stick"
$enroll pack SampleBundles/valid --out "$demo/station-day.tar.zst" --key "$keys/sample-station.sec"

step "3. District office: check the archive while streaming (nothing unpacked)"
$enroll list "$demo/station-day.tar.zst" --trust "$keys/trust"

step "4. District office: import into the store ($demo/store: district.sqlite + objects/)"
$enroll trust add "$keys/trust/sample-station.pub" --store "$demo/store" --note "sample station, NOT FOR PRODUCTION"
$enroll import "$demo/station-day.tar.zst" --store "$demo/store"

step "5. Importing the same USB stick again changes nothing"
$enroll import "$demo/station-day.tar.zst" --store "$demo/store" | tail -1

step "6. Invalid and untrusted bundles are quarantined with every reason, never dropped"
set +e
$enroll import SampleBundles/invalid --store "$demo/store" --format json > "$demo/quarantine-report.json"
status=$?
set -e
python3 -c "import json; print('import summary:', json.load(open('$demo/quarantine-report.json'))['summary'])"
echo "exit status $status (1 = something was quarantined, as expected)"
[ "$status" -eq 1 ]

step "7. Review: verify and admit one, reject another with reasons (each an audited event)"
first=$($enroll review list --store "$demo/store" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['collectionNumber'])")
second=$($enroll review list --store "$demo/store" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)[1]['collectionNumber'])")
$enroll review verify "$first" --store "$demo/store" --reviewer demo-clerk
$enroll schools add --store "$demo/store" --name "示例第一小学 (sample school)" --address "示例路1号 (1 Sample Road)" \
  --contact "王老师 (Ms Wang)" --phone "045100000000" --actor demo-admin
$enroll review admit "$first" --store "$demo/store" --school "示例第一小学 (sample school)" --reviewer demo-clerk
$enroll review reject "$second" --store "$demo/store" --reason "户口簿照片不清晰，请重新拍照 / hukou photo unreadable" --reviewer demo-clerk
$enroll review list --store "$demo/store"

step "8. District: signed status archive for the field; exports for the office"
$enroll status export --store "$demo/store" --key "$keys/sample-district.sec" --out "$demo/status.tar.zst"
$enroll export csv --store "$demo/store" --mask --out "$demo/applications.csv"
echo "wrote $demo/applications.csv (UTF-8 with BOM for Excel; ID numbers and phones masked)"

step "9. Back at the station: take in the answers and tell the families"
$enroll status import "$demo/status.tar.zst" --trust "$keys/trust" --station-dir "$demo/station"
$enroll status show "$first" --station-dir "$demo/station"
$enroll status show "$second" --station-dir "$demo/station"

step "10. The seeds' workflow: numbers for the station, the submit lock on the admitted application"
$enroll numbers issue --store "$demo/store" --station sample-station --count 100 --year 2024 \
  --key "$keys/sample-district.sec" --out "$demo/sample-station.block"
$enroll numbers import "$demo/sample-station.block" --station-dir "$demo/station" --trust "$keys/trust"
admitted=$($enroll review list --store "$demo/store" --format json | python3 -c "import json,sys; print([a for a in json.load(sys.stdin) if a['status']=='admitted'][0]['applicationId'])")
source=$(grep -l "$admitted" SampleBundles/valid/*/bag-info.txt | head -1 | xargs dirname)
$enroll revise "$source" --out "$demo/revision-after-admission" --key "$keys/sample-station.sec" --station-dir "$demo/station" \
  --set /guardian1/employer="示例单位 (sample employer)"
$enroll import "$demo/revision-after-admission" --store "$demo/store" | tail -1
$enroll review list --store "$demo/store" --flag revision-after-decision
$enroll review accept-revision "$admitted" --store "$demo/store" --reviewer demo-clerk

step "11. The audit log (append-only)"
$enroll log --store "$demo/store" | tail -5
printf '\nDemo finished; its files are in %s/\n' "$demo"
