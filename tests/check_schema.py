"""Validates JSON documents against one of graviton-bench's published schemas (schemas/*.schema.json).

usage: check_schema.py SCHEMA.json DOCUMENT.json...   exit 0 valid, 1 invalid (each error printed), 3 no jsonschema
"""
import json
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("python3-jsonschema is missing: install it (scripts/setup does, Debian package python3-jsonschema)")
    sys.exit(3)

schema = json.load(open(sys.argv[1], encoding="utf-8"))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
errors = 0
for path in sys.argv[2:]:
    for e in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
        errors += 1
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        print(f"{path}: {where}: {e.message[:200]}")
sys.exit(1 if errors else 0)
