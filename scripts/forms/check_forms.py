#!/usr/bin/env python3
"""Check the enroll form schemas, their vocabulary, and the fixtures.

    python3 scripts/check_forms.py [-v]

1. Every file in Schemas/ (forms and defs) is a valid draft 2020-12 schema
   (metaschema check, offline: the metaschemas bundled with jsonschema).
2. The project vocabulary is well formed (docs/FORMS.md): x-label on every
   declared field and section, additionalProperties/unevaluatedProperties
   false on every object, x-form, x-attachments, x-rules and
   x-cross-application-rules with known rule names and pointers that name
   declared fields.
3. Every fixture in fixtures/<form-id>/ is validated against its form with
   format assertion on (custom formats implemented below) and the x-rules
   evaluated. valid-*.json must pass everything; invalid-*.json must fail
   with exactly the error kinds listed for it in fixtures/expected.json.
4. The cross-application rules (unique, quota) are run over each form's
   valid fixtures (no violation expected) and over a synthetic duplicate
   (violation expected).

No network: all $refs resolve through a referencing.Registry built from
the local Schemas/ files. Exit 0 only if everything holds.
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import sys

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from gen_id import checksum_ok, date_ok, is_resident_id  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SCHEMAS = ROOT / "Schemas"
FIXTURES = ROOT / "Tests" / "Fixtures" / "forms"
SEEDS = ROOT.parent / "shared" / "seeds"
BASE = "https://schemas.enroll.invalid/"
VERBOSE = "-v" in sys.argv

problems: list[str] = []


def fail(msg: str) -> None:
    problems.append(msg)
    print("FAIL", msg)


# ---------------------------------------------------------------------------
# Formats (definitions in docs/FORMS.md)
# ---------------------------------------------------------------------------

FORMATS = FormatChecker()  # includes "date" (RFC 3339 full-date)

RE_MOBILE = re.compile(r"1[3-9]\d{9}")
RE_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
RE_HK_MACAO = re.compile(r"[HM]\d{8}(\d{2})?")
RE_TAIWAN = re.compile(r"\d{8}(\d{2})?")
RE_FPR_OLD = re.compile(r"[A-Z]{3}\d{12}")
RE_FPR_NEW = re.compile(r"9\d{16}[0-9X]")


def _fmt(name):
    def deco(fn):
        FORMATS.checks(name)(lambda v: not isinstance(v, str) or fn(v))
        return fn
    return deco


@_fmt("cn-resident-id")
def f_resident_id(v: str) -> bool:
    return is_resident_id(v)


@_fmt("cn-mobile")
def f_mobile(v: str) -> bool:
    return RE_MOBILE.fullmatch(v) is not None


@_fmt("passport")
def f_passport(v: str) -> bool:
    return RE_PASSPORT.fullmatch(v) is not None


@_fmt("cn-hk-macao-permit")
def f_hk_macao(v: str) -> bool:
    return RE_HK_MACAO.fullmatch(v) is not None


@_fmt("cn-taiwan-permit")
def f_taiwan(v: str) -> bool:
    return RE_TAIWAN.fullmatch(v) is not None


@_fmt("cn-hmt-residence-permit")
def f_hmt(v: str) -> bool:
    return (len(v) == 18 and v[:6] in ("810000", "820000", "830000") and v[:17].isdigit()
            and date_ok(v[6:14]) and checksum_ok(v))


@_fmt("cn-foreign-permanent-residence-id")
def f_fpr(v: str) -> bool:
    if RE_FPR_OLD.fullmatch(v):  # 2004 card: ISO 3166 alpha-3 + 4-digit office + YYMMDD + 2 digits
        yymmdd = v[7:13]
        return any(date_ok(c + yymmdd) for c in ("19", "20"))
    if RE_FPR_NEW.fullmatch(v):  # 2023 card: GB 11643 structure, first digit 9
        return v[1:3] in {p for p in ("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
                                       "50 51 52 53 54 61 62 63 64 65").split()} \
            and date_ok(v[6:14]) and checksum_ok(v)
    return False


# ---------------------------------------------------------------------------
# JSON pointers and x-rules
# ---------------------------------------------------------------------------

MISSING = object()


def get(doc, pointer: str):
    if pointer == "":
        return doc
    cur = doc
    for raw in pointer.lstrip("/").split("/"):
        tok = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict) and tok in cur:
            cur = cur[tok]
        elif isinstance(cur, list) and tok.isdigit() and int(tok) < len(cur):
            cur = cur[int(tok)]
        else:
            return MISSING
    return cur


def as_date(v):
    if not isinstance(v, str):
        return None
    try:
        return dt.date.fromisoformat(v) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else None
    except ValueError:
        return None


def r_id_birth(doc, p):
    idn, bd = get(doc, p["idNumber"]), get(doc, p["birthDate"])
    if not isinstance(idn, str) or not isinstance(bd, str):
        return None
    if len(idn) != 18 or idn[6:14] != bd.replace("-", ""):
        return f"{p['idNumber']} encodes birth date {idn[6:14]!r}, {p['birthDate']} is {bd!r}"
    return None


def r_id_sex(doc, p):
    idn, sex = get(doc, p["idNumber"]), get(doc, p["sex"])
    if not isinstance(idn, str) or sex is MISSING:
        return None
    if len(idn) != 18 or not idn[16].isdigit():
        return f"{p['idNumber']} has no sex digit"
    want = p["male"] if int(idn[16]) % 2 == 1 else p["female"]
    return None if sex == want else f"{p['idNumber']} encodes sex {want}, {p['sex']} is {sex}"


def r_window(doc, p):
    bd = as_date(get(doc, p["birthDate"]))
    if bd is None:
        return None
    lo, hi = dt.date.fromisoformat(p["from"]), dt.date.fromisoformat(p["to"])
    return None if lo <= bd <= hi else f"birth date {bd} outside {lo}..{hi}"


def r_district(doc, p):
    d = get(doc, p["district"])
    if d is MISSING:
        return None
    vals = [v for v in (get(doc, q) for q in p["anyOf"]) if v is not MISSING]
    return None if d in vals else f"{p['district']}={d!r} matches none of {p['anyOf']} ({vals})"


def r_date_order(doc, p):
    a, b = as_date(get(doc, p["earlier"])), as_date(get(doc, p["later"]))
    if a is None or b is None:
        return None
    ok = a <= b if p.get("allowEqual", True) else a < b
    return None if ok else f"{p['earlier']}={a} is after {p['later']}={b}"


def r_equal(doc, p):
    a, b = get(doc, p["a"]), get(doc, p["b"])
    if a is MISSING or b is MISSING:
        return None
    return None if a == b else f"{p['a']}={a!r} differs from {p['b']}={b!r}"


RULES = {
    "id-number-birth-date": (r_id_birth, {"idNumber", "birthDate"}),
    "id-number-sex": (r_id_sex, {"idNumber", "sex", "male", "female"}),
    "birth-date-window": (r_window, {"birthDate", "from", "to"}),
    "district-match": (r_district, {"district", "anyOf"}),
    "date-order": (r_date_order, {"earlier", "later"}),
    "equal": (r_equal, {"a", "b"}),
}
POINTER_PARAMS = {"idNumber", "birthDate", "sex", "district", "earlier", "later", "a", "b"}


def doc_validator(registry, schema, name):
    """A validator for a whole-document schema (x-rules `when`, attachments `requiredIf`).
    Given an $id beside the forms so relative refs like defs/common.json resolve."""
    s = dict(schema)
    s.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    s["$id"] = f"{BASE}x-{name}.json"
    Draft202012Validator.check_schema(s)
    return Draft202012Validator(s, registry=registry, format_checker=FORMATS)


def eval_rules(form, registry, doc) -> list[tuple[str, str]]:
    out = []
    for r in form.get("x-rules", []):
        if "when" in r and not doc_validator(registry, r["when"], "when-" + r["id"]).is_valid(doc):
            continue
        msg = RULES[r["rule"]][0](doc, r["params"])
        if msg:
            out.append((r["rule"], f"{r['id']}: {msg}"))
    return out


# ---------------------------------------------------------------------------
# Vocabulary lint
# ---------------------------------------------------------------------------

def label_ok(x) -> bool:
    return isinstance(x, dict) and set(x) == {"zh", "en"} and all(isinstance(v, str) and v for v in x.values())


def local(form, s):
    while isinstance(s, dict) and isinstance(s.get("$ref"), str) and s["$ref"].startswith("#/"):
        tgt = form
        for t in s["$ref"][2:].split("/"):
            tgt = tgt[t]
        merged = dict(tgt)
        merged.update({k: v for k, v in s.items() if k != "$ref"})
        s = merged
    return s


def walk_declared(form, s, path, fields, sections):
    """Walk the declared property tree (not conditional branches)."""
    s = local(form, s)
    if not label_ok(s.get("x-label")):
        fail(f"{form['$id']}: no bilingual x-label at {path or '/'}")
    if "properties" in s or s.get("type") == "object":
        if s.get("additionalProperties") is not False and s.get("unevaluatedProperties") is not False:
            fail(f"{form['$id']}: object at {path or '/'} allows unknown keys")
        sections.append(path)
        for k, sub in s.get("properties", {}).items():
            walk_declared(form, sub, f"{path}/{k}", fields, sections)
    elif s.get("type") == "array":
        sections.append(path)
        for i, sub in enumerate(s.get("prefixItems", [])):
            walk_declared(form, sub, f"{path}/{i}", fields, sections)
        if isinstance(s.get("items"), dict):
            walk_declared(form, s["items"], f"{path}/-", fields, sections)
    else:
        fields.append(path)


def pointer_declared(form, pointer: str) -> bool:
    s = form
    for tok in pointer.lstrip("/").split("/"):
        s = local(form, s)
        if tok in s.get("properties", {}):
            s = s["properties"][tok]
        elif tok.isdigit() and int(tok) < len(s.get("prefixItems", [])):
            s = s["prefixItems"][int(tok)]
        else:
            return False
    return True


def lint_form(name, form, registry):
    fid = name.removesuffix(".schema.json")
    if form.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        fail(f"{name}: $schema")
    if form.get("$id") != f"{BASE}{fid}.schema.json":
        fail(f"{name}: $id")
    xf = form.get("x-form", {})
    for k in ("id", "version", "label", "region", "year", "source", "applicationDistrict"):
        if k not in xf:
            fail(f"{name}: x-form.{k} missing")
    if xf.get("id") != fid or xf.get("region") not in ("harbin", "beijing") or not label_ok(xf.get("label")):
        fail(f"{name}: x-form id/region/label")
    if SEEDS.is_dir() and not (SEEDS / xf.get("source", "")).is_file():
        fail(f"{name}: x-form.source {xf.get('source')} not among the seeds")
    if not pointer_declared(form, xf.get("applicationDistrict", "")):
        fail(f"{name}: x-form.applicationDistrict does not name a declared field")
    fields, sections = [], []
    walk_declared(form, form, "", fields, sections)
    ids = set()
    for a in form.get("x-attachments", []):
        allowed = {"id", "label", "required", "requiredIf", "minCount", "maxCount", "mediaTypes", "maxBytes",
                   "pixelSize", "$comment"}
        if set(a) - allowed or not {"id", "label", "required", "minCount", "maxCount", "mediaTypes",
                                    "maxBytes"} <= set(a):
            fail(f"{name}: attachment {a.get('id')} keys {sorted(a)}")
        if a["id"] in ids:
            fail(f"{name}: duplicate attachment {a['id']}")
        ids.add(a["id"])
        if not label_ok(a.get("label")) or not (0 <= a["minCount"] <= a["maxCount"]) or a["maxBytes"] <= 0:
            fail(f"{name}: attachment {a['id']} label/counts/bytes")
        if not all(m in ("image/jpeg", "image/png", "application/pdf") for m in a["mediaTypes"]):
            fail(f"{name}: attachment {a['id']} media types")
        if "requiredIf" in a:
            doc_validator(registry, a["requiredIf"], "requiredIf-" + a["id"])
        if "pixelSize" in a and a["id"] != "student-photo":
            fail(f"{name}: pixelSize only on the student photo")
    if "student-photo" not in ids or "commitment" not in ids:
        fail(f"{name}: student-photo and commitment slots are mandatory")
    rids = set()
    for r in form.get("x-rules", []):
        if r.get("rule") not in RULES or not label_ok(r.get("label")) or r.get("id") in rids:
            fail(f"{name}: rule {r.get('id')}")
            continue
        rids.add(r["id"])
        need = RULES[r["rule"]][1]
        if not need <= set(r["params"]):
            fail(f"{name}: rule {r['id']} params {sorted(r['params'])} lack {sorted(need - set(r['params']))}")
        for k, v in r["params"].items():
            ptrs = v if k == "anyOf" else [v] if k in POINTER_PARAMS else []
            for ptr in ptrs:
                if not pointer_declared(form, ptr):
                    fail(f"{name}: rule {r['id']} param {k}={ptr} names no declared field")
        if "when" in r:
            doc_validator(registry, r["when"], "when-" + r["id"])
    for r in form.get("x-cross-application-rules", []):
        keys = [r["params"]["key"]] if r["rule"] == "unique" else r["params"].get("keys", [])
        if r["rule"] not in ("unique", "quota") or not keys:
            fail(f"{name}: cross rule {r.get('id')}")
        for ptr in keys:
            if not pointer_declared(form, ptr):
                fail(f"{name}: cross rule {r['id']} key {ptr} names no declared field")
    return fields, sections


def cross_check(form, docs: dict) -> list[str]:
    out = []
    for r in form.get("x-cross-application-rules", []):
        if r["rule"] == "unique":
            seen: dict = {}
            for n, d in docs.items():
                v = get(d, r["params"]["key"])
                if v is not MISSING:
                    seen.setdefault(v, []).append(n)
            out += [f"{r['id']}: {v[:6]}… in {ns}" for v, ns in seen.items() if len(ns) > 1]
        elif r["rule"] == "quota":
            count: dict = {}
            for n, d in docs.items():
                vals = {get(d, k) for k in r["params"]["keys"]} - {MISSING}
                for v in vals:
                    count.setdefault(v, []).append(n)
            out += [f"{r['id']}: {v} used by {len(ns)} > {r['params']['max']}"
                    for v, ns in count.items() if len(ns) > r["params"]["max"]]
    return out


# ---------------------------------------------------------------------------

def main() -> int:
    files = sorted(SCHEMAS.rglob("*.json"))
    docs = {f.relative_to(SCHEMAS).as_posix(): json.loads(f.read_text(encoding="utf-8")) for f in files}
    registry = Registry().with_resources(
        (d["$id"], Resource(contents=d, specification=DRAFT202012)) for d in docs.values())
    for n, d in docs.items():
        try:
            Draft202012Validator.check_schema(d)
        except Exception as e:  # noqa: BLE001
            fail(f"{n}: metaschema: {e}")
        if n.startswith("defs/"):
            if d.get("$id") != f"{BASE}{n}":
                fail(f"{n}: $id")
            for k, v in d.get("$defs", {}).items():
                if not label_ok(v.get("x-label")):
                    fail(f"{n}: $defs/{k} has no x-label")
    # Also against the project's own copy of the 2020-12 metaschemas (shared/conformance), if present.
    meta_dir = ROOT.parent / "shared" / "conformance" / "json-schema-metaschemas" / "2020-12"
    if meta_dir.is_dir():
        metas = [json.loads(m.read_text(encoding="utf-8")) for m in sorted(meta_dir.rglob("*.json"))]
        meta_reg = Registry().with_resources(
            (m["$id"], Resource(contents=m, specification=DRAFT202012)) for m in metas)
        top = next(m for m in metas if m["$id"] == "https://json-schema.org/draft/2020-12/schema")
        mv = Draft202012Validator(top, registry=meta_reg)
        for n, d in docs.items():
            for e in mv.iter_errors(d):
                fail(f"{n}: shared metaschema: {e.message}")
        print(f"metaschema: {len(docs)} schema files checked (bundled and {meta_dir})")
    else:
        print(f"metaschema: {len(docs)} schema files checked (bundled)")

    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    seen_expected = set()
    forms = {n.removesuffix(".schema.json"): d for n, d in docs.items() if n.endswith(".schema.json")}
    for fid, form in sorted(forms.items()):
        fields, sections = lint_form(fid + ".schema.json", form, registry)
        print(f"\n== {fid}: {len(fields)} fields in {len(sections)} sections (incl. root), "
              f"{len(form['x-attachments'])} attachment slots, {len(form['x-rules'])} rules")
        validator = Draft202012Validator(form, registry=registry, format_checker=FORMATS)
        valid_docs = {}
        fdir = FIXTURES / fid
        fixtures = sorted(fdir.glob("*.json"))
        if sum(1 for f in fixtures if f.name.startswith("valid-")) < 3:
            fail(f"{fid}: fewer than 3 valid fixtures")
        for f in fixtures:
            doc = json.loads(f.read_text(encoding="utf-8"))
            errs = set()
            details = []
            for e in validator.iter_errors(doc):
                ptr = "".join(f"/{p}" for p in e.absolute_path)
                errs.add(f"{e.validator}@{ptr}")
                details.append(f"{e.validator}@{ptr}: {e.message[:120]}")
            for rule, msg in eval_rules(form, registry, doc):
                errs.add(f"rule:{rule}")
                details.append(msg)
            key = f"{fid}/{f.name}"
            if f.name.startswith("valid-"):
                valid_docs[f.name] = doc
                slots = [a["id"] for a in form["x-attachments"]
                         if a["required"] or ("requiredIf" in a and doc_validator(
                             registry, a["requiredIf"], "requiredIf-" + a["id"]).is_valid(doc))]
                if errs:
                    fail(f"{key} should be valid: {details}")
                else:
                    print(f"  ok   {f.name:48} required slots: {', '.join(slots)}")
            elif f.name.startswith("invalid-"):
                seen_expected.add(key)
                want = set(expected.get(key, []))
                if not want:
                    fail(f"{key}: no expectation in fixtures/expected.json")
                elif errs != want:
                    fail(f"{key}: expected {sorted(want)}, got {sorted(errs)} {details}")
                else:
                    print(f"  ok   {f.name:48} fails with {', '.join(sorted(errs))}")
                    if VERBOSE:
                        for d_ in details:
                            print("         ", d_)
            else:
                fail(f"{key}: fixture names start with valid- or invalid-")
        bad = cross_check(form, valid_docs)
        if bad:
            fail(f"{fid}: cross-application rules on valid fixtures: {bad}")
        first = next(iter(valid_docs.values()))
        dup = cross_check(form, {**valid_docs, "dup-a": first, "dup-b": first, "dup-c": first, "dup-d": first})
        kinds = {b.split(":")[0] for b in dup}
        if kinds != {"one-application-per-child", "guardian-phone-quota"}:
            fail(f"{fid}: cross-application rules did not fire on duplicates: {dup}")
        else:
            print(f"  ok   cross-application rules: clean on valid fixtures, fire on duplicates")
    for k in sorted(set(expected) - seen_expected):
        fail(f"fixtures/expected.json names a missing fixture {k}")
    print()
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
