#!/usr/bin/env bash
# Rebuilds SampleBundles/ from scratch: the sample station's keys, valid signed bundles for every
# form, and invalid bundles that each show one kind of error (SampleBundles/invalid/README.md).
# All data is generated (fake families, fake ID numbers with correct check digits).
# Usage: scripts/make-samples.sh   (needs a built .build/debug/enroll and python3 with bagit)
set -euo pipefail
cd "$(dirname "$0")/.."
enroll=${ENROLL:-.build/debug/enroll}
out=SampleBundles
rm -rf "$out/keys" "$out/valid" "$out/invalid" "$out/workflow"   # README.md and expected.json are written by hand
mkdir -p "$out/keys/trust" "$out/valid" "$out/invalid"

# Keys: NOT FOR PRODUCTION. Everyone who has this repository has these secret keys.
"$enroll" keys generate --out "$out/keys" --name sample-station >/dev/null
"$enroll" keys generate --out "$out/keys" --name sample-district >/dev/null
"$enroll" keys generate --out "$out/keys/rogue" --name rogue-station >/dev/null
cp "$out/keys/sample-station.pub" "$out/keys/trust/"
cp "$out/keys/sample-district.pub" "$out/keys/trust/"
rm "$out/keys/rogue/rogue-station.pub"
key="$out/keys/sample-station.sec"

seed=20240603
for form in harbin-public-primary-2024 beijing-local-primary-2024 beijing-nonlocal-primary-2021 beijing-nonlocal-primary-2025 beijing-nonlocal-primary-2024; do
  "$enroll" sample generate --form "$form" --count 3 --out "$out/valid" --key "$key" --seed "$seed" --small >/dev/null
  seed=$((seed + 1))
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
harbin="$out/valid/harbin-public-primary-2024-000001"
beijing="$out/valid/beijing-local-primary-2024-000001"

# edit SOURCE_BUNDLE OUTPUT_JSON PYTHON_EXPRESSION: write the bundle's form data changed by the expression (d is the data).
edit() {
  python3 - "$1/data/form.json" "$2" "$3" <<'PY'
import json, sys
sys.path.insert(0, "scripts/forms")
import gen_id
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
}

# attachments SOURCE_BUNDLE [SKIP_SLOT]: --attach arguments for a bundle's files, leaving out one slot.
attachments() {
  local skip=${2:-none}
  find "$1/data/attachments" -type f | sort | while read -r file; do
    slot=$(basename "$(dirname "$file")")
    [ "$slot" = "$skip" ] || printf -- '--attach\n%s=%s\n' "$slot" "$file"
  done
}

# draft NAME SOURCE_BUNDLE DATA [SKIP_SLOT] [EXTRA --attach ARGS...]: an unsigned bundle (a station never signs these).
draft() {
  local name=$1 source=$2 data=$3 skip=${4:-none}
  shift 4 || shift $#
  mapfile -t args < <(attachments "$source" "$skip")
  form=$(sed -n 's/^Enroll-Form: //p' "$source/bag-info.txt")
  "$enroll" new --form "$form" --data "$data" "${args[@]}" "$@" --out "$out/invalid/$name" >/dev/null 2>&1 || true
}

# Signature and integrity problems: signed bundles damaged afterwards.
cp -r "$harbin" "$out/invalid/tampered-payload"
sed -i 's/"name": "\([^"]*\)"/"name": "\1某"/' "$out/invalid/tampered-payload/data/form.json"
cp -r "$beijing" "$out/invalid/edited-bag-info"
sed -i 's/^Enroll-Form-Version: .*/Enroll-Form-Version: 2023.9/' "$out/invalid/edited-bag-info/bag-info.txt"
cp "$harbin/data/form.json" "$work/valid.json"
mapfile -t args < <(attachments "$harbin")
"$enroll" new --form harbin-public-primary-2024 --data "$work/valid.json" "${args[@]}" --out "$out/invalid/untrusted-key" --key "$out/keys/rogue/rogue-station.sec" >/dev/null
"$enroll" new --form harbin-public-primary-2024 --data "$work/valid.json" "${args[@]}" --out "$out/invalid/unsigned-draft" >/dev/null
rm -rf "$out/keys/rogue"

# Form problems (unsigned drafts: sign refuses them).
edit "$harbin" "$work/d.json" 'del d["student"]["name"]';                 draft missing-student-name "$harbin" "$work/d.json"
edit "$harbin" "$work/d.json" 'i=d["student"]["idNumber"]; d["student"]["idNumber"]=i[:17]+("0" if i[17]!="0" else "1")'
draft bad-id-check-digit "$harbin" "$work/d.json"
edit "$harbin" "$work/d.json" 'import datetime; b=datetime.date.fromisoformat(d["student"]["birthDate"]); d["student"]["birthDate"]=str(b+datetime.timedelta(days=1) if b.day<28 else b-datetime.timedelta(days=1))'
draft id-birth-date-mismatch "$harbin" "$work/d.json"
edit "$harbin" "$work/d.json" 'male=int(d["student"]["idNumber"][16])%2==1; d["student"]["birthDate"]="2016-05-20"; d["student"]["idNumber"]=gen_id.make_id("230103", "2016-05-20", "男" if male else "女", 501)'
draft born-outside-window "$harbin" "$work/d.json"
edit "$beijing" "$work/d.json" 'd["application"]["district"]="延庆区" if d["hukou"].get("district")!="延庆区" and d["residence"]["district"]!="延庆区" else "密云区"'
draft district-mismatch "$beijing" "$work/d.json"
edit "$harbin" "$work/d.json" 'd["student"]["favouriteColour"]="蓝色"';   draft unknown-field "$harbin" "$work/d.json"
cp "$harbin/data/form.json" "$work/valid.json"
page=$(find "$harbin/data/attachments" -name '*.jpg' ! -path '*student-photo*' | sort | head -1)
draft photo-wrong-size "$harbin" "$work/valid.json" student-photo --attach "student-photo=$page"
python3 -c "
import struct, zlib
w, h = 295, 413
raw = b''.join(b'\x00' + b'\x30\x60\xc0' * w for _ in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
open('$work/photo.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))"
draft photo-is-png "$harbin" "$work/valid.json" student-photo --attach "student-photo=$work/photo.png"
photo=$(find "$harbin/data/attachments/student-photo" -type f | head -1)
head -c $(( $(stat -c %s "$photo") / 2 )) "$photo" > "$work/cut.jpg"
draft photo-truncated "$harbin" "$work/valid.json" student-photo --attach "student-photo=$work/cut.jpg"
draft commitment-missing "$harbin" "$work/valid.json" commitment
draft unknown-slot "$harbin" "$work/valid.json" none --attach "pet-photo=$photo"

# Damage that no enroll command would write, made with bagit-python (manifests recomputed).
cp -r "$out/invalid/unsigned-draft" "$out/invalid/form-not-json"
printf '{"student": {"name": "王' > "$out/invalid/form-not-json/data/form.json"
cp -r "$out/invalid/unsigned-draft" "$out/invalid/unknown-form"
sed -i 's/^Enroll-Form: .*/Enroll-Form: shanghai-primary-2024/' "$out/invalid/unknown-form/bag-info.txt"
cp -r "$out/invalid/unsigned-draft" "$out/invalid/jpeg-named-png"
png=$(find "$out/invalid/jpeg-named-png/data/attachments/student-photo" -type f | head -1)
mv "$png" "${png%.jpg}.png"
for bag in form-not-json unknown-form jpeg-named-png; do
  python3 - "$out/invalid/$bag" <<'PY'
import bagit, sys
bag = bagit.Bag(sys.argv[1])
bag.save(manifests=True)
PY
done
chmod 600 "$out/keys/"*.sec
ENROLL="$enroll" scripts/make-workflow-samples.sh
echo "SampleBundles/ rebuilt: $(ls "$out/valid" | wc -l) valid, $(ls "$out/invalid" | wc -l) invalid"
