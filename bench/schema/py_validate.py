#!/usr/bin/env python3
"""Validate JSON documents against a schema with Python jsonschema or jsonschema_rs.

Usage: py_validate.py (jsonschema|jsonschema_rs) SCHEMA PATH... [--map PREFIX=DIR]...
                      [--no-formats] [--limit K]
       py_validate.py (jsonschema|jsonschema_rs) --forms DOCROOT --schemas DIR [--map ...] ...

PATH is a *.json file or a directory (its *.json files, sorted). The validator is built
once; every document is read, parsed and fully validated (all errors enumerated), like
`enroll schema check`. --map makes every schema file under DIR resolvable at PREFIX
(a `referencing.Registry` for jsonschema, a retriever for jsonschema_rs); nothing is
fetched. --forms validates DOCROOT/<form>/*.json against DIR/<form>.schema.json for
every <form> sub-directory (one validator per form). Formats are asserted with the
library's standard format checker unless --no-formats (custom formats such as
cn-resident-id are unknown to both Python libraries and are ignored either way).
Prints a summary line, then the time spent in the read+parse+validate loop only.
"""
import argparse
import json
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("impl", choices=["jsonschema", "jsonschema_rs"])
ap.add_argument("schema", nargs="?")
ap.add_argument("paths", nargs="*")
ap.add_argument("--map", action="append", default=[])
ap.add_argument("--no-formats", action="store_true")
ap.add_argument("--limit", type=int, default=0, help="validate only the first K documents (per form)")
ap.add_argument("--forms")
ap.add_argument("--schemas")
a = ap.parse_args()


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def files_of(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(".json")]
        else:
            out.append(p)
    return out[: a.limit] if a.limit else out


# URI -> schema for every file under each mapped directory
resources = {}
for m in a.map:
    prefix, d = m.split("=", 1)
    for root, _, names in os.walk(d):
        for n in names:
            if n.endswith(".json"):
                rel = os.path.relpath(os.path.join(root, n), d)
                resources[prefix + rel.replace(os.sep, "/")] = load(os.path.join(root, n))

formats = not a.no_formats
if a.impl == "jsonschema":
    import jsonschema

    registry = None
    if resources:
        from referencing import Registry, Resource

        registry = Registry().with_resources((uri, Resource.from_contents(s)) for uri, s in resources.items())

    def build(schema):
        kw = {"format_checker": jsonschema.Draft202012Validator.FORMAT_CHECKER} if formats else {}
        if registry is not None:
            kw["registry"] = registry
        return jsonschema.Draft202012Validator(schema, **kw)
else:
    import jsonschema_rs

    def retrieve(uri):
        if uri in resources:
            return resources[uri]
        raise KeyError(uri)

    def build(schema):
        kw = {"retriever": retrieve} if resources else {}
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=formats, **kw)


jobs = []  # (validator, files)
if a.forms:
    for form in sorted(os.listdir(a.forms)):
        if os.path.isdir(os.path.join(a.forms, form)):
            jobs.append((build(load(os.path.join(a.schemas, form + ".schema.json"))), files_of([os.path.join(a.forms, form)])))
else:
    jobs.append((build(load(a.schema)), files_of(a.paths)))

valid = invalid = errors = 0
t0 = time.perf_counter()
for v, files in jobs:
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errs = list(v.iter_errors(doc))
        if errs:
            invalid += 1
            errors += len(errs)
        else:
            valid += 1
dt = time.perf_counter() - t0
print(f"{valid + invalid} documents: {valid} valid, {invalid} invalid, {errors} errors")
print(f"validation loop {dt:.4f} s", file=sys.stderr)
