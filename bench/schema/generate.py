#!/usr/bin/env python3
"""Generate a realistic enrollment-form schema and N form documents.

Usage: generate.py OUTDIR N
Writes OUTDIR/schema.json and OUTDIR/docs/doc-00000.json ... (about 10% invalid).
"""
import json
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
os.makedirs(os.path.join(out, "docs"), exist_ok=True)

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://enroll.example/schemas/form.json",
    "type": "object",
    "required": ["student", "guardians", "address", "school", "meta"],
    "additionalProperties": False,
    "$defs": {
        "name": {"type": "string", "minLength": 1, "maxLength": 40},
        "phone": {"type": "string", "pattern": "^1[3-9][0-9]{9}$"},
        "date": {"type": "string", "format": "date"},
        "email": {"type": "string", "format": "email"},
        "code6": {"type": "string", "pattern": "^[0-9]{6}$"},
        "person": {
            "type": "object",
            "required": ["name", "phone", "relation"],
            "properties": {
                "name": {"$ref": "#/$defs/name"},
                "phone": {"$ref": "#/$defs/phone"},
                "email": {"$ref": "#/$defs/email"},
                "relation": {"enum": ["father", "mother", "grandparent", "other"]},
                "employer": {"type": "string", "maxLength": 80},
                "idNumber": {"type": "string", "pattern": "^[0-9]{17}[0-9X]$"},
            },
            "additionalProperties": False,
            "if": {"properties": {"relation": {"const": "other"}}},
            "then": {"required": ["employer"]},
        },
    },
    "properties": {
        "student": {
            "type": "object",
            "required": ["name", "birthDate", "gender", "idNumber"],
            "properties": {
                "name": {"$ref": "#/$defs/name"},
                "pinyin": {"type": "string", "pattern": "^[A-Za-z ]+$"},
                "birthDate": {"$ref": "#/$defs/date"},
                "gender": {"enum": ["male", "female"]},
                "idNumber": {"type": "string", "pattern": "^[0-9]{17}[0-9X]$"},
                "ethnicity": {"enum": ["han", "zhuang", "hui", "manchu", "uyghur", "miao", "yi", "tujia", "tibetan", "mongol", "other"]},
                "nationality": {"type": "string", "maxLength": 30},
                "heightCm": {"type": "number", "minimum": 50, "maximum": 220},
                "weightKg": {"type": "number", "minimum": 5, "maximum": 200, "multipleOf": 0.1},
                "bloodType": {"enum": ["A", "B", "AB", "O", "unknown"]},
                "allergies": {"type": "array", "items": {"type": "string", "maxLength": 40}, "uniqueItems": True, "maxItems": 10},
                "specialNeeds": {"type": "boolean"},
                "specialNeedsDetail": {"type": "string", "maxLength": 500},
                "hukou": {"enum": ["local", "non-local"]},
                "hukouCity": {"type": "string"},
            },
            "if": {"properties": {"specialNeeds": {"const": True}}, "required": ["specialNeeds"]},
            "then": {"required": ["specialNeedsDetail"]},
            "dependentRequired": {"hukou": ["hukouCity"]},
        },
        "guardians": {"type": "array", "minItems": 1, "maxItems": 4, "items": {"$ref": "#/$defs/person"}},
        "address": {
            "type": "object",
            "required": ["province", "city", "district", "street", "postcode"],
            "properties": {
                "province": {"type": "string"}, "city": {"type": "string"}, "district": {"type": "string"},
                "street": {"type": "string", "maxLength": 100}, "postcode": {"$ref": "#/$defs/code6"},
                "since": {"$ref": "#/$defs/date"},
                "ownership": {"enum": ["owned", "rented", "school", "other"]},
            },
        },
        "school": {
            "type": "object",
            "required": ["code", "grade", "class"],
            "properties": {
                "code": {"type": "string", "pattern": "^[0-9]{10}$"},
                "grade": {"type": "integer", "minimum": 1, "maximum": 12},
                "class": {"type": "integer", "minimum": 1, "maximum": 30},
                "previousSchool": {"type": "string"},
                "transfer": {"type": "boolean"},
                "transferDate": {"$ref": "#/$defs/date"},
                "scores": {
                    "type": "object",
                    "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.5},
                },
            },
            "if": {"properties": {"transfer": {"const": True}}, "required": ["transfer"]},
            "then": {"required": ["previousSchool", "transferDate"]},
        },
        "meta": {
            "type": "object",
            "required": ["submittedAt", "formVersion"],
            "properties": {
                "submittedAt": {"type": "string", "format": "date-time"},
                "formVersion": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+$"},
                "channel": {"enum": ["web", "paper", "app"]},
                "operator": {"type": "string"},
                "notes": {"type": "string", "maxLength": 1000},
                "uuid": {"type": "string", "format": "uuid"},
            },
        },
    },
}


def digits(k):
    return "".join(random.choice("0123456789") for _ in range(k))


def person(rel):
    p = {"name": random.choice(["王芳", "李强", "张伟", "刘洋"]), "phone": "1" + random.choice("3456789") + digits(9),
         "email": f"user{random.randint(1, 9999)}@example.com", "relation": rel,
         "idNumber": digits(17) + random.choice("0123456789X")}
    if rel == "other" or random.random() < 0.5:
        p["employer"] = "某某公司"
    return p


def doc(i):
    d = {
        "student": {
            "name": "学生" + str(i), "pinyin": "Xue Sheng", "birthDate": f"20{random.randint(10, 19)}-0{random.randint(1, 9)}-1{random.randint(0, 9)}",
            "gender": random.choice(["male", "female"]), "idNumber": digits(18), "ethnicity": "han", "nationality": "中国",
            "heightCm": random.randint(100, 180), "weightKg": round(random.uniform(20, 80), 1), "bloodType": "A",
            "allergies": ["peanut", "dust"][: random.randint(0, 2)], "specialNeeds": False, "hukou": "local", "hukouCity": "北京",
        },
        "guardians": [person("father"), person("mother")] + ([person("other")] if i % 3 == 0 else []),
        "address": {"province": "北京", "city": "北京", "district": "海淀", "street": "中关村大街1号", "postcode": digits(6),
                    "since": "2015-06-01", "ownership": "owned"},
        "school": {"code": digits(10), "grade": random.randint(1, 12), "class": random.randint(1, 30), "transfer": i % 5 == 0,
                   "previousSchool": "第一小学", "transferDate": "2023-09-01",
                   "scores": {s: random.randint(0, 200) / 2 for s in ["chinese", "math", "english", "science", "art", "pe", "music", "history"]}},
        "meta": {"submittedAt": "2024-03-01T08:30:00+08:00", "formVersion": "2.1", "channel": "web", "operator": "admin",
                 "notes": "", "uuid": "2eb8aa08-aa98-11ea-b4aa-73b441d16380"},
    }
    if i % 10 == 7:  # about 10% invalid in several ways
        d["student"]["gender"] = "x"
        d["guardians"][0]["phone"] = "123"
        d["address"]["postcode"] = "1000"
        d["meta"]["submittedAt"] = "yesterday"
        d["extra"] = True
    return d


with open(os.path.join(out, "schema.json"), "w", encoding="utf-8") as f:
    json.dump(schema, f, ensure_ascii=False, indent=1)
for i in range(n):
    with open(os.path.join(out, "docs", f"doc-{i:05d}.json"), "w", encoding="utf-8") as f:
        json.dump(doc(i), f, ensure_ascii=False)
