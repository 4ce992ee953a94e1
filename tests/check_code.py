#!/usr/bin/env python3
"""Checks the shape of lib/ and apps/: the layer order of lib/'s includes, the size of sources, the length of
functions (docs/development.md, "Layers").

  check_code.py --root DIR [--lizard PYTHON]

Layers, lowest first; a folder of lib/ may include its own headers and those of a lower layer, never a higher one
or a peer of the same layer. gbench/error.hpp and the generated gbench/version.hpp stand below every layer.
Sources of lib/ and apps/ hold at most MAX_LINES lines, functions at most MAX_FUNCTION lines (counted by lizard,
a C/C++ function-length counter from PyPI, run with the Python given by --lizard; without it the function check
is skipped and says so, exit 77).
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
from pathlib import Path

LAYERS = [
    ["util"],
    ["stats", "profile"],
    ["host"],
    ["config"],
    ["backend"],
    ["record"],
    ["evidence"],
    ["compare"],
    ["run"],
    ["report"],
    ["tune", "peak", "serve"],
    ["session"],
]
MAX_LINES = 400
MAX_FUNCTION = 80
INCLUDE = re.compile(r'^\s*#\s*include\s+"gbench/([a-z_]+)/')


def layer_of(folder: str) -> int | None:
    for i, names in enumerate(LAYERS):
        if folder in names:
            return i
    return None


def folder_of(path: Path, lib: Path) -> str | None:
    rel = path.relative_to(lib).parts
    if rel[0] == "include" and len(rel) > 3:
        return rel[2]  # include/gbench/<folder>/...
    if rel[0] == "src" and len(rel) > 2:
        return rel[1]  # src/<folder>/...
    return None


def check_layers(root: Path) -> list[str]:
    lib = root / "lib"
    problems = []
    for path in sorted(list(lib.rglob("*.hpp")) + list(lib.rglob("*.cpp"))):
        own = folder_of(path, lib)
        if own is None:
            continue
        own_layer = layer_of(own)
        if own_layer is None:
            problems.append(f"{path.relative_to(root)}: folder '{own}' is in no layer; add it to LAYERS and to "
                            "docs/development.md")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m or m.group(1) == own:
                continue
            target = m.group(1)
            target_layer = layer_of(target)
            if target_layer is None:
                problems.append(f"{path.relative_to(root)}:{number}: includes folder '{target}', which is in no layer")
            elif target_layer >= own_layer:
                kind = "a peer" if target_layer == own_layer else "a higher layer"
                problems.append(f"{path.relative_to(root)}:{number}: {own} includes {target}, {kind}")
    return problems


def sources(root: Path) -> list[Path]:
    out = []
    for top in ("lib", "apps"):
        out += sorted(p for p in (root / top).rglob("*") if p.suffix in (".cpp", ".hpp"))
    return out


def check_sizes(root: Path) -> list[str]:
    problems = []
    for path in sources(root):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            problems.append(f"{path.relative_to(root)}: {n} lines, over {MAX_LINES}; split it by responsibility")
    return problems


def check_functions(root: Path, python: str) -> list[str]:
    # lizard's CSV: NLOC, CCN, tokens, params, length, location, file, function, long name, start, end
    out = subprocess.run([python, "-m", "lizard", "-l", "cpp", "--csv", *map(str, sources(root))],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0 and not out.stdout:
        raise RuntimeError(f"lizard failed: {out.stderr.strip()}")
    problems = []
    for fields in csv.reader(out.stdout.splitlines()):
        if len(fields) < 11:
            continue
        length, file, name, start = int(fields[4]), fields[6], fields[7], fields[9]
        if length > MAX_FUNCTION:
            problems.append(f"{Path(file).relative_to(root)}:{start}: {name} is {length} lines, over {MAX_FUNCTION}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--lizard", help="a Python that has lizard (scripts/requirements.txt)")
    args = parser.parse_args()
    root = args.root.resolve()
    problems = check_layers(root) + check_sizes(root)
    skipped = False
    if args.lizard and subprocess.run([args.lizard, "-c", "import lizard"], capture_output=True).returncode == 0:
        problems += check_functions(root, args.lizard)
    else:
        skipped = True
    for p in problems:
        print(p)
    if problems:
        print(f"check_code: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    if skipped:
        print("NOT TESTED: function lengths (no Python with lizard; scripts/setup installs it into .venv)")
        return 77
    print("check_code: layers, source sizes and function lengths within bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
