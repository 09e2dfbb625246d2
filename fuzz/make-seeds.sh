#!/usr/bin/env bash
# Writes the seed corpora fuzz/corpus/<target>/ from the repository's own files and the
# conformance material beside it, with the test-only keys of
# Sources/enroll-fuzz/Targets/FuzzKeys.swift (copied into fuzz/keys/). Run once; the seeds are
# committed. Needs bsdtar, zstd, age, signify-openbsd and python3 with openpyxl.
#     fuzz/make-seeds.sh [CONFORMANCE_DIR]     (default ../shared/conformance)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
conformance=${1:-../shared/conformance}
[ -d "$conformance" ] || conformance=/work/shared/conformance
corpus=fuzz/corpus
keys=fuzz/keys
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rm -rf "$corpus"
mkdir -p "$corpus"/{json,schema,bagit,signify,batch,status,archive,age,xml,xlsx}
recipient=age1nxv9eprwk23qazqsywr0wckuv94rwtun25qc8f9g2wgxpfz32cmqcxnjgx
nul() { printf '\0'; }

# json: form data of the sample bundles, and corner cases of the grammar.
n=0
for bundle in SampleBundles/valid/*/ SampleBundles/invalid/*/; do
  [ -f "$bundle/data/form.json" ] || continue
  n=$((n + 1)); [ $n -le 4 ] || break
  cp "$bundle/data/form.json" "$corpus/json/form-$n.json"
done
printf '%s' '{"a":[1,-0,2.5e-3,1E+400,true,false,null],"\u00e9\ud83d\ude00":"\\\"\/\b\f\n\r\t"}' > "$corpus/json/grammar.json"
printf '%s' '[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]' > "$corpus/json/nested.json"
printf '%s' '{"x":1,"x":2}' > "$corpus/json/duplicate-key.json"
printf '\xef\xbb\xbf{"bom":true}' > "$corpus/json/bom.json"

# schema: "schema NUL instance" from the JSON Schema test suite (draft 2020-12).
python3 - "$conformance/json-schema-test-suite/tests/draft2020-12" "$corpus/schema" <<'PY'
import json, os, sys
source, target = sys.argv[1], sys.argv[2]
count = 0
for name in sorted(os.listdir(source)):
    if not name.endswith(".json"):
        continue
    groups = json.load(open(os.path.join(source, name)))
    for group in groups[:2]:
        for test in group["tests"][:2]:
            data = json.dumps(group["schema"]).encode() + b"\0" + json.dumps(test["data"]).encode()
            if len(data) > 2048:
                continue
            count += 1
            open(os.path.join(target, "%s-%d" % (name[:-5], count)), "wb").write(data)
print("schema seeds:", count)
PY

# bagit: bagit.txt NUL bag-info.txt NUL manifest-sha256 NUL tagmanifest-sha256 [NUL md5 NUL fetch].
for bundle in SampleBundles/valid/beijing-local-primary-2024-000001 SampleBundles/invalid/edited-bag-info; do
  name=$(basename "$bundle")
  { cat "$bundle/bagit.txt"; nul; cat "$bundle/bag-info.txt"; nul; cat "$bundle/manifest-sha256.txt"; nul
    cat "$bundle/tagmanifest-sha256.txt"; } > "$corpus/bagit/$name"
done
{ printf 'BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8\r\n'; nul
  printf 'Source-Organization: Test\r\nExternal-Description: a long\r\n  continued value\r\n'; nul
  printf 'f8e1cb8ae9f3c7a4e1b0f3cf4c21d2fbd3b6c0e2f3b36d9d4b1e4a0c5b2f0a1b  data/form.json\r\n'; nul; nul
  printf 'd41d8cd98f00b204e9800998ecf8427e data/form.json\r\n'; nul
  printf 'https://example.invalid/a.jpg 12 data/a.jpg\r\n'; } > "$corpus/bagit/v097-crlf-fetch"
{ printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16\n'; nul
  printf '\xff\xfeB\0a\0g\0-\0S\0i\0z\0e\0:\0 \x001\0\n\0'; nul
  printf '%s  data/%%0Aform%%25.json\n' 0000000000000000000000000000000000000000000000000000000000000000; } > "$corpus/bagit/utf16-percent"

# signify: keys and signatures, the fuzz key and the sample keys.
cp SampleBundles/keys/sample-station.pub "$corpus/signify/station.pub"
cp SampleBundles/keys/sample-station.sec "$corpus/signify/station.sec"
cp SampleBundles/valid/beijing-local-primary-2024-000001/tagmanifest-sha256.txt.sig "$corpus/signify/bundle.sig"
cp "$keys/fuzz-district.pub" "$corpus/signify/fuzz.pub"
cp "$keys/fuzz-district.sec" "$corpus/signify/fuzz.sec"

# batch: batch.txt as enroll pack writes it.
{ printf 'Enroll-Batch-Version: 1\nStation: sample-station\nKey-ID: fa0c1981ae3b5f67\nCreated: 2026-11-23T09:00:00Z\nBundle-Count: 2\n\n'
  printf '%s  bundles/beijing-local-primary-2024-000001\n' "$(sha256sum SampleBundles/valid/beijing-local-primary-2024-000001/tagmanifest-sha256.txt | cut -c1-64)"
  printf '%s  bundles/beijing-local-primary-2024-000002\n' "$(sha256sum SampleBundles/valid/beijing-local-primary-2024-000002/tagmanifest-sha256.txt | cut -c1-64)"
} > "$corpus/batch/two-bundles"
printf 'Enroll-Batch-Version: 1\nStation: s\nKey-ID: 00\nCreated: x\nBundle-Count: 0\n\n' > "$corpus/batch/empty"

# status: status.json documents, and signed status archives (plain and encrypted).
mkdir -p "$scratch/status-2026"
cat > "$scratch/status-2026/status.json" <<'JSON'
{
  "entries" : [
    {
      "applicationId" : "2ac26aaf-7e17-4be4-bc2b-2bc47faed9cc",
      "collectionNumber" : "11010001",
      "form" : "beijing-local-primary-2024",
      "reasons" : [ "照片不清晰 / photo unclear" ],
      "revision" : 1,
      "school" : null,
      "station" : "sample-station",
      "status" : "rejected",
      "updatedAt" : "2026-11-24T10:00:00Z"
    }
  ],
  "format" : "enroll-status",
  "version" : 2
}
JSON
cp "$scratch/status-2026/status.json" "$corpus/status/status-v2.json"
printf '%s' '[{"applicationId":"a","revision":1,"status":"verified","reasons":[],"collectionNumber":"1","station":"s","form":"f","updatedAt":"t"}]' > "$corpus/status/status-v1.json"
printf '%s' '{"format":"enroll-status","version":3,"entries":[]}' > "$corpus/status/status-v3.json"
signify-openbsd -S -s "$keys/fuzz-district.sec" -m "$scratch/status-2026/status.json" -x "$scratch/status-2026/status.json.sig"
(cd "$scratch" && bsdtar --format pax --zstd -cf status-2026.tar.zst status-2026)
cp "$scratch/status-2026.tar.zst" "$corpus/status/signed.tar.zst"
age -r "$recipient" -o "$corpus/status/signed.tar.zst.age" "$scratch/status-2026.tar.zst"

# archive: transfer-like archives in every format the reader enables, and hostile shapes.
mkdir -p "$scratch/batch-1/bundles/b1"
cp "$corpus/batch/two-bundles" "$scratch/batch-1/batch.txt"
cp SampleBundles/valid/beijing-local-primary-2024-000001/{bagit.txt,bag-info.txt} "$scratch/batch-1/bundles/b1/"
(cd "$scratch" && bsdtar --format pax --zstd -cf "$root/$corpus/archive/batch.tar.zst" batch-1 \
  && bsdtar --format pax -czf "$root/$corpus/archive/batch.tar.gz" batch-1 \
  && bsdtar --format zip -cf "$root/$corpus/archive/batch.zip" batch-1 \
  && bsdtar --format ustar -cf "$root/$corpus/archive/batch.tar" batch-1)
cp "$scratch/status-2026.tar.zst" "$corpus/archive/status.tar.zst"
(cd "$scratch" && ln -s /etc/passwd batch-1/link && bsdtar --format pax -cf "$root/$corpus/archive/symlink.tar" batch-1/link batch-1/batch.txt)

# age: ciphertexts to the fuzz identity; the age test vectors with their identity line first.
printf 'hello, district\n' | age -r "$recipient" > "$corpus/age/short.age"
head -c 70000 /dev/zero | age -r "$recipient" > "$corpus/age/two-chunks.age"
printf 'x' | age -a -r "$recipient" > "$corpus/age/armored.age"
cp "$keys/fuzz.age" "$corpus/age/identity-file"
printf '# recipients\n%s\n' "$recipient" > "$corpus/age/recipients-file"
for vector in "$conformance"/age/testdata/{x25519,x25519_multiple_recipients,x25519_bad_tag,stanza_valid_characters,stream_two_chunks,stream_last_chunk_empty,hmac_bad,stanza_long_line}; do
  [ -f "$vector" ] || continue
  python3 - "$vector" "$corpus/age/vector-$(basename "$vector")" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
head, _, body = data.partition(b"\n\n")
identity = [l.split(b": ", 1)[1] for l in head.split(b"\n") if l.startswith(b"identity: ")]
if identity and not b"armored: yes" in head:
    open(sys.argv[2], "wb").write(identity[0] + b"\n" + body)
PY
done

# xlsx and xml: a small workbook as openpyxl writes it, and its parts.
python3 - "$corpus/xlsx/two-sheets.xlsx" <<'PY'
import sys, openpyxl, datetime
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "申请"
sheet.append(["姓名", "出生日期", "序号", "备注"])
sheet.append(["测试一", datetime.date(2019, 5, 1), 1, "=1+1"])
sheet.append(["测试二", datetime.date(2019, 7, 9), 2.5, None])
other = book.create_sheet("Hidden")
other.sheet_state = "hidden"
other["C3"] = True
book.save(sys.argv[1])
PY
(cd "$scratch" && mkdir x && cd x && unzip -q "$root/$corpus/xlsx/two-sheets.xlsx")
cp "$scratch/x/xl/workbook.xml" "$corpus/xml/workbook.xml"
cp "$scratch/x/xl/worksheets/sheet1.xml" "$corpus/xml/sheet1.xml"
[ -f "$scratch/x/xl/sharedStrings.xml" ] && cp "$scratch/x/xl/sharedStrings.xml" "$corpus/xml/sharedStrings.xml"
cp "$scratch/x/[Content_Types].xml" "$corpus/xml/content-types.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "x">]>\n<a>&e;</a>\n' > "$corpus/xml/doctype.xml"
printf '<?xml version="1.0" encoding="UTF-16"?><a/>' | iconv -t UTF-16 > "$corpus/xml/utf16.xml"
printf '<t xml:space="preserve"> a&amp;b<![CDATA[<c>]]></t>' > "$corpus/xml/text.xml"
cp "$corpus/archive/batch.zip" "$corpus/xlsx/not-a-workbook.zip"

for dir in "$corpus"/*/; do echo "$(basename "$dir"): $(ls "$dir" | wc -l) seeds, $(du -sk "$dir" | cut -f1) KiB"; done
