#!/usr/bin/env python3
"""Checks the shape of lib/ and apps/: the layer order of lib/'s includes, the size of sources, the length of
functions, and that tests/ mirrors lib/src (docs/development.md, "Layers" and "Tests").

  check_code.py --root DIR [--lizard PYTHON] [--untested]

Layers, lowest first; a folder of lib/ may include its own headers and those of a lower layer, never a higher one
or a peer of the same layer. gbench/error.hpp and the generated gbench/version.hpp stand below every layer.
Sources of lib/ and apps/ hold at most MAX_LINES lines, functions at most MAX_FUNCTION lines (counted by lizard,
a C/C++ function-length counter from PyPI, run with the Python given by --lizard; without it the function check
is skipped and says so, exit 77).
Every source of lib/src has a test file of its own, tests/<component>/<source>.test.cpp, unless UNTESTED says why
none is needed; every such test file names a source. --untested lists the sources without one, with the reason.
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

# Sources of lib/src without a test file of their own, and why none is needed. A source listed here that has one
# now is a problem too, so that the list stays true.
UNTESTED = {
    "backend/mlp_weights.cpp": "the weight forms of mlp_session, part of backend/mlp.cpp: tests/backend/mlp.test.cpp",
    "backend/kernels.cpp": "the peak kernels, whose only output is a timing: tests/app/peak.test.cpp runs them",
    "report/evidence_text.cpp": "the evidence's text for people: tests/app/doctor.test.cpp reads it",
    "report/reporter.cpp": "the reporters' factory: every reporter's test goes through it",
    "report/run_lines.cpp": "the lines around the table for people: in the table's and the markdown's golden files "
                            "(tests/report/table_reporter.test.cpp, markdown_reporter.test.cpp)",
    "run/conversation.cpp": "starts a worker for serve's orders: tests/app/serve.test.cpp runs them",
    "run/evidence.cpp": "runs inside a worker process: tests/app/doctor.test.cpp",
    "run/lockstep.cpp": "runs co-resident workers in turns: tests/app/lockstep.test.cpp; its plan (turns, memory) has "
                        "tests/run/lockstep_plan.test.cpp",
    "run/result.cpp": "the job file a worker reads: every end-to-end test writes and reads one",
    "run/turns.cpp": "the worker's side of the lockstep conversation: tests/app/lockstep.test.cpp",
    "run/worker.cpp": "the worker process itself (__worker): every end-to-end test in tests/app/ runs it",
    "serve/workers.cpp": "serve's worker processes: tests/app/serve.test.cpp (pinning, a dead worker, interrupts); "
                         "the load generator above them has tests/serve/load.test.cpp with a model of the pool",
    "session/doctor.cpp": "the doctor command's flow below apps/: tests/app/doctor.test.cpp runs it",
    "session/peak.cpp": "the peak command's flow below apps/ (cache, measure, files): tests/app/peak.test.cpp runs it",
    "session/run_session.cpp": "a run's flow below apps/ (plan, processes, reporters, files): the runs of the binary "
                               "in tests/app/",
    "session/serve.cpp": "the serve command's flow below apps/: tests/app/serve.test.cpp runs it",
    "session/tune.cpp": "the tune command's flow below apps/ (space, runners, search, output, files): "
                        "tests/app/tune.test.cpp runs it",
    "tune/search_json.cpp": "tune::search's result as JSON: tests/tune/search.test.cpp, and against the schema in "
                            "tests/app/tune.test.cpp",
    "tune/search_processes.cpp": "a part of tune::search (lib/src/tune/searcher.hpp): tests/tune/search.test.cpp",
    "tune/stage_race.cpp": "a part of tune::search (lib/src/tune/searcher.hpp): tests/tune/search.test.cpp",
    "tune/stage_sets.cpp": "a part of tune::search (lib/src/tune/searcher.hpp), its races in lockstep: "
                           "tests/tune/search.test.cpp",
    "util/interrupt.cpp": "signal handlers of the main process: tests/app/hostile.test.cpp signals the binary",
}

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


def has_lizard(python: str | None) -> bool:
    try:
        return bool(python) and subprocess.run([python, "-c", "import lizard"], capture_output=True).returncode == 0
    except OSError:  # no such Python (no .venv yet)
        return False


def untested_sources(root: Path) -> dict[str, str]:
    """The sources of lib/src without a test file of their own: path -> the reason, or "" when there is none."""
    src = root / "lib" / "src"
    out = {}
    for path in sorted(src.rglob("*.cpp")):
        rel = path.relative_to(src)
        if not (root / "tests" / rel.parent / f"{rel.stem}.test.cpp").exists():
            out[rel.as_posix()] = UNTESTED.get(rel.as_posix(), "")
    return out


def check_tests(root: Path) -> list[str]:
    problems = []
    untested = untested_sources(root)
    for rel, reason in untested.items():
        if not reason:
            problems.append(f"lib/src/{rel}: no test file of its own (tests/{rel[:-4]}.test.cpp); write one, or say "
                            "in UNTESTED (tests/check_code.py) why none is needed")
    for rel in UNTESTED:
        if rel not in untested:
            where = "has a test file now" if (root / "lib" / "src" / rel).exists() else "is no source of lib/src"
            problems.append(f"lib/src/{rel}: {where}; remove it from UNTESTED in tests/check_code.py")
    for test in sorted((root / "tests").glob("*/*.test.cpp")):
        component = test.parent.name
        if component in ("app", "fuzz"):
            continue
        source = root / "lib" / "src" / component / (test.name.removesuffix(".test.cpp") + ".cpp")
        if not source.exists():
            problems.append(f"{test.relative_to(root)}: covers no source (lib/src/{component}/"
                            f"{source.name}); end-to-end tests of the binary go under tests/app/")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--lizard", help="a Python that has lizard (scripts/requirements.txt)")
    parser.add_argument("--untested", action="store_true",
                        help="list the sources of lib/src without a test file of their own, and why")
    args = parser.parse_args()
    root = args.root.resolve()
    if args.untested:
        for rel, reason in untested_sources(root).items():
            print(f"lib/src/{rel}: {reason or 'NO REASON GIVEN: needs a test file'}")
        return 0
    problems = check_layers(root) + check_sizes(root) + check_tests(root)
    skipped = False
    if has_lizard(args.lizard):
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
    print("check_code: layers, source sizes, function lengths and test files within bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
