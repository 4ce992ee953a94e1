"""Validates JSON documents against one of graviton-bench's published schemas (schemas/*.schema.json).

usage: check_schema.py SCHEMA.json DOCUMENT.json...   exit 0 valid, 1 invalid (each error printed), 3 no jsonschema
"""
import json
import pathlib
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("python3-jsonschema is missing: install it (scripts/setup does, Debian package python3-jsonschema)")
    sys.exit(3)

schema_path = pathlib.Path(sys.argv[1])
schema = json.load(open(schema_path, encoding="utf-8"))
Draft202012Validator.check_schema(schema)
# A schema may refer to its siblings (tune.schema.json uses report.schema.json's definitions): every schema of
# the folder is known by its $id.
siblings = {}
for path in schema_path.parent.glob("*.schema.json"):
    other = json.load(open(path, encoding="utf-8"))
    siblings[other["$id"]] = other
try:
    from referencing import Registry, Resource

    registry = Registry().with_resources((uri, Resource.from_contents(s)) for uri, s in siblings.items())
    validator = Draft202012Validator(schema, registry=registry)
except ImportError:  # jsonschema before 4.18 (Debian 12's 4.10)
    from jsonschema import RefResolver

    validator = Draft202012Validator(schema, resolver=RefResolver.from_schema(schema, store=siblings))
errors = 0
for path in sys.argv[2:]:
    for e in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
        errors += 1
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        print(f"{path}: {where}: {e.message[:200]}")
sys.exit(1 if errors else 0)
