#!/usr/bin/env python3
"""Regenerate the per-form field tables in docs/FORMS.md (between the
GENERATED markers) from the schemas in Schemas/.

    python3 scripts/forms/gen_docs.py            rewrite the tables
    python3 scripts/forms/gen_docs.py --check    exit 1 if they differ (never writes)

The JSON files in Schemas/ are the source of the forms; the tables are derived
from them, and a test (FormLintTests) runs --check so they cannot drift apart.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
BEGIN, END = "<!-- BEGIN GENERATED FIELD TABLES -->", "<!-- END GENERATED FIELD TABLES -->"

DEFS: dict = {}


def deref(form, s):
    """Merge a $ref target into s (local #/$defs or defs/<file>#/$defs/<name>)."""
    while isinstance(s, dict) and "$ref" in s and s["$ref"] != "defs/common.json#/$defs/idNumberMatchesType":
        r = s["$ref"]
        if r.startswith("#/"):
            tgt = form
            for t in r[2:].split("/"):
                tgt = tgt[t]
            where = ""
        else:
            file, frag = r.split("#")
            tgt = DEFS[file.split("/")[-1]]
            for t in frag.lstrip("/").split("/"):
                tgt = tgt[t]
            where = f" ({file.split('/')[-1]} {frag.split('/')[-1]})"
        merged = dict(tgt)
        merged.update({k: v for k, v in s.items() if k != "$ref"})
        merged["_where"] = where
        s = merged
    return s


def summary(form, s) -> str:
    s = deref(form, s)
    where = s.get("_where", "")
    if "const" in s:
        return f"const `{json.dumps(s['const'], ensure_ascii=False)}`"
    if "enum" in s:
        vals = s["enum"]
        shown = "、".join(vals) if len(vals) <= 8 else "、".join(vals[:6]) + f"… ({len(vals)} values)"
        return f"enum: {shown}{where}"
    if "anyOf" in s:
        return " or ".join(summary(form, a) for a in s["anyOf"])
    if "allOf" in s and "type" not in s:
        return " and ".join(summary(form, a) for a in s["allOf"])
    if "not" in s and len(s) <= 3:
        return f"not {summary(form, s['not'])}"
    t = s.get("type", "")
    if t == "string" and "format" in s:
        return f"string, format `{s['format']}`"
    if t == "string" and s.get("_where"):
        return f"string{where}"
    if t == "array":
        return f"array {s.get('minItems', 0)}–{s.get('maxItems', '∞')}"
    return t or "string (format by idType)"


def cond_required(form, parent, key) -> bool:
    def scan(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("then", "else") and isinstance(v, dict) and key in v.get("required", []):
                    return True
                if scan(v):
                    return True
        elif isinstance(x, list):
            return any(scan(i) for i in x)
        return False
    return scan({k: v for k, v in parent.items() if k in ("if", "then", "else", "allOf")})


def rows(form, s, ptr, req, out):
    s = deref(form, s)
    lab = s.get("x-label", {})
    is_obj = "properties" in s
    kind = "section (object)" if is_obj else summary(form, s)
    if ptr.endswith("/idNumber"):
        kind = "string, format chosen by the sibling idType (section 4)"
    out.append(f"| `{ptr or '/'}` | {lab.get('zh', '')} | {lab.get('en', '')} | {req} | {kind} |".replace("\n", " "))
    if is_obj:
        for k, sub in s["properties"].items():
            r = "yes" if k in s.get("required", []) else ("conditional" if cond_required(form, s, k) else "no")
            rows(form, sub, f"{ptr}/{k}", r, out)
    elif s.get("type") == "array":
        for i, sub in enumerate(s.get("prefixItems", [])):
            rows(form, sub, f"{ptr}/{i}", "yes" if i < s.get("minItems", 0) else "no", out)


def render(schemas: pathlib.Path) -> str:
    """The generated tables for every form in `schemas`."""
    DEFS.clear()
    DEFS.update({p.name: json.loads(p.read_text(encoding="utf-8")) for p in (schemas / "defs").glob("*.json")})
    parts = []
    for p in sorted(schemas.glob("*.schema.json")):
        form = json.loads(p.read_text(encoding="utf-8"))
        xf = form["x-form"]
        out = []
        rows(form, form, "", "yes", out)
        n_fields = sum(1 for r in out if "section (object)" not in r and "| array" not in r)
        parts += [f"### {xf['id']} — {xf['label']['zh']} / {xf['label']['en']}", "",
                  f"Source: `{xf['source']}`. Version {xf['version']}. {n_fields} fields "
                  "(leaf values; an array's items counted once per declared position).", "",
                  "| pointer | zh | en | required | type / values |", "|---|---|---|---|---|", *out, "",
                  "Attachment slots:", "", "| id | zh | required | count | media | notes |", "|---|---|---|---|---|---|"]
        for a in form["x-attachments"]:
            req = "yes" if a["required"] else ("if " + json.dumps(a["requiredIf"], ensure_ascii=False)
                                               if "requiredIf" in a else "no")
            notes = f"{a['pixelSize']['width']}×{a['pixelSize']['height']} px" if "pixelSize" in a else ""
            parts.append(f"| `{a['id']}` | {a['label']['zh']} | {req} | {a['minCount']}–{a['maxCount']} | "
                         f"{', '.join(a['mediaTypes'])} | {notes} |")
        parts += ["", "Rules:", "", "| id | rule | params | when |", "|---|---|---|---|"]
        for r in form["x-rules"]:
            parts.append(f"| `{r['id']}` | `{r['rule']}` | `{json.dumps(r['params'], ensure_ascii=False)}` | "
                         f"{'`' + json.dumps(r['when'], ensure_ascii=False) + '`' if 'when' in r else 'always'} |")
        for r in form["x-cross-application-rules"]:
            parts.append(f"| `{r['id']}` | `{r['rule']}` (cross-application) | "
                         f"`{json.dumps(r['params'], ensure_ascii=False)}` | at the district |")
        parts += ["", "Workflow (DESIGN §12):", "", "| keyword | value |", "|---|---|",
                  "| `x-enroll-immutable` | " + (", ".join(f"`{p}`" for p in form.get("x-enroll-immutable", [])) or "none") + " |"]
        for k in form.get("x-enroll-revision-kinds", []):
            parts.append(f"| `x-enroll-revision-kinds` | `{k['kind']}` {k['label']['zh']}: changes "
                         + ", ".join(f"`{p}`" for p in k["changes"]) + " |")
        for w in form.get("x-enroll-windows", []):
            parts.append(f"| `x-enroll-windows` | {w['label']['zh']}: {w['from']} – {w['to']} |")
        if not form.get("x-enroll-windows"):
            parts.append("| `x-enroll-windows` | none (the seed gives no collection dates) |")
        parts.append("")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the tables are out of date; write nothing")
    parser.add_argument("--schemas", type=pathlib.Path, default=ROOT / "Schemas")
    parser.add_argument("--doc", type=pathlib.Path, default=ROOT / "docs" / "FORMS.md")
    args = parser.parse_args()
    text = args.doc.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        print(f"{args.doc}: expected one {BEGIN} and one {END} marker", file=sys.stderr)
        return 2
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    updated = head + BEGIN + "\n\n" + render(args.schemas) + "\n" + END + tail
    if args.check:
        if updated != text:
            print(f"{args.doc}: the field tables are out of date with {args.schemas}; "
                  "run python3 scripts/forms/gen_docs.py", file=sys.stderr)
            return 1
        print(f"{args.doc}: the field tables match {args.schemas}")
        return 0
    args.doc.write_text(updated, encoding="utf-8")
    print("updated", args.doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
