#!/usr/bin/env python3
"""Check generated sample applications against their form.

    python3 scripts/check_samples.py SCHEMAS_DIR FORM_ID SAMPLES_DIR

SAMPLES_DIR holds one directory per application, each with form.json and
attachments/<slot>/<n>.<ext>. Checks (logic adapted from forms-work/scripts/check_forms.py):
schema validation with format assertion (custom formats of docs/FORMS.md), the x-rules,
the cross-application rules (unique child ID, phone quota) plus stricter uniqueness of every
phone across families, and the attachments (required slots, counts, media type by magic bytes,
maxBytes, JPEG pixel size, PNG structure/CRC/zlib). Exit 0 only if everything holds.
"""
from __future__ import annotations

import json
import pathlib
import struct
import sys
import zlib

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
# The formats, JSON pointers and x-rules are check_forms.py's: one definition for both checkers.
from check_forms import BASE, FORMATS, MISSING, RULES, get  # noqa: E402


def rule(doc, r):
    """The failure message of one x-rule on a document, or None."""
    return RULES[r["rule"]][0](doc, r["params"])


def jpeg_size(b):
    i = 2
    while i < len(b):
        if b[i] != 0xFF:
            return None
        m = b[i + 1]
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", b[i + 5:i + 9])
            return w, h
        i += 2 + struct.unpack(">H", b[i + 2:i + 4])[0]
    return None


def png_check(b):
    """Structure, CRCs and zlib stream of a non-interlaced 8-bit PNG; returns (w, h) or raises."""
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "signature"
    i, idat, ihdr = 8, b"", None
    while i < len(b):
        n = struct.unpack(">I", b[i:i + 4])[0]
        t, data, crc = b[i + 4:i + 8], b[i + 8:i + 8 + n], struct.unpack(">I", b[i + 8 + n:i + 12 + n])[0]
        assert zlib.crc32(t + data) == crc, f"crc {t}"
        if t == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data)
        elif t == b"IDAT":
            idat += data
        elif t == b"IEND":
            break
        i += 12 + n
    w, h, depth, ctype = ihdr[:4]
    raw = zlib.decompress(idat)
    ch = {0: 1, 2: 3}[ctype]
    assert depth == 8 and len(raw) == h * (1 + w * ch), "raw length"
    return w, h


def main(argv):
    schemas, form_id, samples = pathlib.Path(argv[0]), argv[1], pathlib.Path(argv[2])
    docs = {}
    for f in sorted(schemas.rglob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        docs[d["$id"]] = d
    registry = Registry().with_resources((k, Resource(contents=v, specification=DRAFT202012)) for k, v in docs.items())
    form = docs[f"{BASE}{form_id}.schema.json"]
    validator = Draft202012Validator(form, registry=registry, format_checker=FORMATS)

    def doc_validator(schema, name):
        s = dict(schema)
        s.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        s["$id"] = f"{BASE}x-{name}.json"
        return Draft202012Validator(s, registry=registry, format_checker=FORMATS)

    whens = {r["id"]: doc_validator(r["when"], "when-" + r["id"]) for r in form["x-rules"] if "when" in r}
    reqifs = {a["id"]: doc_validator(a["requiredIf"], "ri-" + a["id"]) for a in form["x-attachments"] if "requiredIf" in a}
    slots = {a["id"]: a for a in form["x-attachments"]}
    problems, apps, n_files = [], {}, 0
    for app in sorted(p for p in samples.iterdir() if p.is_dir()):
        raw = (app / "form.json").read_bytes()
        doc = json.loads(raw.decode("utf-8"))
        if not raw.endswith(b"\n") or b"\\u" in raw:
            problems.append(f"{app.name}: form.json must end with a newline and not escape non-ASCII")
        apps[app.name] = doc
        for e in validator.iter_errors(doc):
            problems.append(f"{app.name}: {e.validator}@{'/'.join(map(str, e.absolute_path))}: {e.message[:150]}")
        for r in form["x-rules"]:
            if r["id"] in whens and not whens[r["id"]].is_valid(doc):
                continue
            msg = rule(doc, r)
            if msg:
                problems.append(f"{app.name}: rule {r['id']}: {msg}")
        att = app / "attachments"
        present = {p.name: sorted(p.iterdir()) for p in att.iterdir()} if att.is_dir() else {}
        for sid in present:
            if sid not in slots:
                problems.append(f"{app.name}: unknown slot {sid}")
        for sid, a in slots.items():
            required = a["required"] or (sid in reqifs and reqifs[sid].is_valid(doc))
            files = present.get(sid, [])
            lo = max(a["minCount"], 1) if required else a["minCount"]
            if required and not files:
                problems.append(f"{app.name}: required slot {sid} empty")
            if files and not (lo <= len(files) <= a["maxCount"]):
                problems.append(f"{app.name}: slot {sid} has {len(files)} files")
            for f in files:
                n_files += 1
                b = f.read_bytes()
                if len(b) > a["maxBytes"]:
                    problems.append(f"{app.name}: {sid}/{f.name} too large")
                if b[:3] == b"\xff\xd8\xff":
                    mt = "image/jpeg"
                    size = jpeg_size(b)
                    if b[-2:] != b"\xff\xd9" or size is None:
                        problems.append(f"{app.name}: {sid}/{f.name} malformed JPEG")
                    px = a.get("pixelSize")
                    if px and size != (px["width"], px["height"]):
                        problems.append(f"{app.name}: {sid}/{f.name} is {size}, want {px}")
                elif b[:8] == b"\x89PNG\r\n\x1a\n":
                    mt = "image/png"
                    try:
                        png_check(b)
                    except Exception as e:  # noqa: BLE001
                        problems.append(f"{app.name}: {sid}/{f.name} bad PNG: {e}")
                else:
                    mt = "?"
                if mt not in a["mediaTypes"]:
                    problems.append(f"{app.name}: {sid}/{f.name} media type {mt} not allowed")
    # Cross-application rules, and stricter: every phone and child ID distinct across families.
    for r in form.get("x-cross-application-rules", []):
        keys = [r["params"]["key"]] if r["rule"] == "unique" else r["params"]["keys"]
        limit = 1 if r["rule"] == "unique" else r["params"]["max"]
        count = {}
        for n, d in apps.items():
            for v in {get(d, k) for k in keys} - {MISSING}:
                count.setdefault(v, []).append(n)
        problems += [f"cross {r['id']}: {v} in {ns}" for v, ns in count.items() if len(ns) > limit]
    owner = {}
    for n, d in apps.items():
        phones = {get(d, p) for p in ("/application/phone", "/guardian1/phone", "/guardian2/phone",
                                      "/filler/backupPhone")} - {MISSING}
        for p in phones:
            if owner.setdefault(p, n) != n:
                problems.append(f"phone {p} shared by {owner[p]} and {n}")
    for p in problems[:50]:
        print("FAIL", p)
    print(f"{form_id}: {len(apps)} applications, {n_files} attachment files, {len(problems)} problem(s)")
    return 1 if problems or not apps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
