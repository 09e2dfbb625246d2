#!/usr/bin/env python3
"""Validate every *.json in DIR against SCHEMA with Python jsonschema or jsonschema_rs.

Usage: py_validate.py (jsonschema|jsonschema_rs) SCHEMA DIR
The validator is built once; every document is read, parsed and fully validated
(all errors enumerated), like the Swift run.
"""
import json
import os
import sys

impl, schema_path, data_dir = sys.argv[1:4]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
if impl == "jsonschema":
    import jsonschema
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
else:
    import jsonschema_rs
    v = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
valid = invalid = errors = 0
for name in sorted(os.listdir(data_dir)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(data_dir, name), encoding="utf-8") as f:
        doc = json.load(f)
    errs = list(v.iter_errors(doc))
    if errs:
        invalid += 1
        errors += len(errs)
    else:
        valid += 1
print(f"{valid + invalid} documents: {valid} valid, {invalid} invalid, {errors} errors")
