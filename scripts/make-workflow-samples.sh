#!/usr/bin/env bash
# Rebuilds SampleBundles/workflow/: bundles that pass `enroll validate` but that the seeds'
# workflow rules (DESIGN §12) stop or flag at the district, one rule each (SampleBundles/README.md,
# expected.json "workflow"). Uses the sample keys and SampleBundles/valid/; make-samples.sh runs it.
# Usage: scripts/make-workflow-samples.sh   (needs a built .build/debug/enroll and python3 with bagit)
set -euo pipefail
cd "$(dirname "$0")/.."
enroll=${ENROLL:-.build/debug/enroll}
out=SampleBundles/workflow
keys=SampleBundles/keys
harbin=SampleBundles/valid/harbin-public-primary-2024-000001
chmod 600 "$keys"/*.sec
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Inside the Harbin collection window, unless a bundle says otherwise (docs/FORMATS.md, "The clock").
export ENROLL_NOW=2024-06-05T10:00:00+08:00

# Families of their own (another seed), so that no duplicate-child or phone-quota flag joins in.
"$enroll" sample generate --form harbin-public-primary-2024 --count 3 --out "$work/families" --key "$keys/sample-station.sec" --seed 1606 --small >/dev/null
family() { echo "$work/families/harbin-public-primary-2024-00000$1"; }
attachments() {
  find "$1/data/attachments" -type f | sort | while read -r file; do printf -- '--attach\n%s=%s\n' "$(basename "$(dirname "$file")")" "$file"; done
}

# immutable-field: revision 2 of valid/harbin-…-000001 that changes the child's ID number (a
# hand-made bundle: enroll revise refuses it), signed by the sample station.
"$enroll" revise "$harbin" --out "$work/immutable" >/dev/null
python3 - "$work/immutable" <<'PY'
import bagit, json, sys
sys.path.insert(0, "scripts/forms")
import gen_id
path = sys.argv[1] + "/data/form.json"
d = json.load(open(path, encoding="utf-8"))
s = d["student"]
male = int(s["idNumber"][16]) % 2 == 1
s["idNumber"] = gen_id.make_id(s["idNumber"][:6], s["birthDate"], "男" if male else "女", 777)
json.dump(d, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
bagit.Bag(sys.argv[1]).save(manifests=True)
PY
"$enroll" sign "$work/immutable" --key "$keys/sample-station.sec" >/dev/null
mv "$work/immutable" "$out/immutable-field"

# collection-number-not-in-block: the station gave a number from a block this district never
# issued (another district's store signed it with a key the station trusts).
"$enroll" numbers issue --store "$work/elsewhere" --station sample-station --count 10 --year 2024 \
  --key "$keys/sample-district.sec" --out "$work/elsewhere.block" >/dev/null
"$enroll" numbers import "$work/elsewhere.block" --station-dir "$work/station" --trust "$keys/trust" >/dev/null
mapfile -t args < <(attachments "$(family 1)")
"$enroll" new --form harbin-public-primary-2024 --data "$(family 1)/data/form.json" "${args[@]}" \
  --out "$out/collection-number-not-in-block" --key "$keys/sample-station.sec" --station-dir "$work/station" >/dev/null

# signed-outside-window: submitted after the window closed, with the registrar's reason: imported, flagged.
mapfile -t args < <(attachments "$(family 2)")
ENROLL_NOW=2024-06-20T10:00:00+08:00 "$enroll" new --form harbin-public-primary-2024 --data "$(family 2)/data/form.json" "${args[@]}" \
  --out "$out/signed-outside-window" --key "$keys/sample-station.sec" --late-reason "家长住院，补录 / parent in hospital, late entry" >/dev/null

# wrong-district: an application for 道里区, imported into a store that serves another district.
python3 - "$(family 3)/data/form.json" "$work/daoli.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["application"]["district"] = "道里区"
d["application"]["school"] = "哈尔滨市道里区示例小学校"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
mapfile -t args < <(attachments "$(family 3)")
"$enroll" new --form harbin-public-primary-2024 --data "$work/daoli.json" "${args[@]}" \
  --out "$out/wrong-district" --key "$keys/sample-station.sec" >/dev/null
echo "SampleBundles/workflow/ rebuilt: $(ls "$out" | wc -l) bundles"
