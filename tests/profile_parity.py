#!/usr/bin/env python3
"""Checks graviton-bench's operator table against torch.profiler running the recipe in Python.

Given a graviton-bench report (--json), this builds the same MLP in Python from the same model config,
warms it up and profiles the same number of forwards exactly as the recipe does
(profile(activities=[CPU]) around record_function("mymodel_inference") around the loop, under
inference_mode), then compares prof.key_averages() with the report's table of one preset and batch:

- the same set of operator names: LibTorch's C++ nn::Sequential dispatches the same aten ops as Python's
  nn.Sequential, and gbench::profile aggregates them as key_averages() does;
- the same call count per operator, exactly: counts do not depend on timing, so any difference is a
  different model, loop or aggregation;
- the self-CPU share of the operators that carry the time, within SHARE_TOLERANCE percentage points.

Shares are taken over the aten operators only, leaving out the self time of the "mymodel_inference"
scope: that self time is the caller's loop, Python's interpreter and nn.Module.__call__ in one table and
a C++ loop in the other (about 40% against 3% of the tiny model's profile), a difference of front end
and not of what the benchmark measures.

Tolerance: the two tables come from two processes on a shared 2-core machine, so their times differ even
between two runs of the same side; a preempted call adds milliseconds to one operator. Measured as the
largest difference of an operator's aten share (operators at or above MIN_SHARE) over all pairs of runs:

                                                           Py-Py  gb-gb  gb-Py
  tiny-mlp, batch 32, 1 thread, 10 runs per side:
    20 warm-up + 200 profiled, load average 2               10.8   14.6   14.3
    50 warm-up + 1000 profiled, load average 2               5.6    4.5    9.0
    50 warm-up + 1000 profiled, load average 5-7            11.6   12.0   15.0 (15.6 in one more pair)
  recipe-mlp, batch 32, 50 + 100, 2 threads, 3 runs each     1.9    5.0    8.0

(the largest is mostly aten::addmm's, 66-87% of the aten time at the tiny size, 86-94% at the recipe's).
Hence the CTest run profiles 1000 forwards (a few hundred ms per side), and SHARE_TOLERANCE is 25
points: about 1.6 times the worst difference seen (15.6) with the machine loaded by other builds, so the test
does not flake, while a table whose time went to other operators still misses it by far: at batch 1
instead of 32 addmm falls to 40%; an aggregation that mis-nests a call moves a child's self time
(addmm's 70-90%) onto its parent. Operators under MIN_SHARE on both sides are compared by name and count
only: their share is a few microseconds of profiler overhead per call, mostly noise.

Exit status: 0 when the tables agree, 1 when they do not (the differences are printed), 2 on bad input.

    .venv/bin/python tests/profile_parity.py --report r.json --model configs/models/tiny-mlp.json \
        --batch 32 --warmup 50 --iterations 1000 --threads 1
"""

import argparse
import json
import pathlib
import sys
import warnings

# The venv has no NumPy, which the profiler does not need; torch warns about it on import.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.profiler import ProfilerActivity, profile, record_function  # noqa: E402

SCOPE = "mymodel_inference"
MIN_SHARE = 5.0  # percent of the aten self-CPU time, on either side, for an operator's share to be compared
SHARE_TOLERANCE = 25.0  # percentage points; see the docstring for the measurements behind it


def build_model(config):
    dims = [1]
    for d in config["input_shape"]:
        dims[0] *= int(d)
    dims += [int(h) for h in config["hidden"]] + [int(config["outputs"])]
    layers = [nn.Flatten()]
    for i, (fan_in, fan_out) in enumerate(zip(dims, dims[1:])):
        if i > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(fan_in, fan_out))
    return nn.Sequential(*layers).eval()


def python_profile(config, batch, warmup, iterations, threads, seed):
    """The recipe's profile, returning prof.key_averages()."""
    if threads is not None:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = build_model(config)
    x = torch.rand(batch, *config["input_shape"])
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            with record_function(SCOPE):
                for _ in range(iterations):
                    model(x)
    return prof.key_averages()


def from_python(averages):
    return {a.key: {"count": a.count, "self_us": a.self_cpu_time_total} for a in averages}


def from_report(table):
    return {op["name"]: {"count": op["count"], "self_us": op["self_cpu_us"]} for op in table["ops"]}


def aten_shares(ops):
    """Each operator's percentage of the self-CPU time of all operators but the scope."""
    total = sum(o["self_us"] for name, o in ops.items() if name != SCOPE)
    return {name: (100.0 * o["self_us"] / total if total > 0 else 0.0) for name, o in ops.items() if name != SCOPE}


def bad_input(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def find_result(report, preset, batch):
    runs = report.get("runs", [])
    if preset is None and len(runs) == 1:
        preset = runs[0]["preset"]["name"]
    for run in runs:
        if run["preset"]["name"] != preset:
            continue
        for result in run.get("results", []):
            if result.get("batch") == batch:
                if result.get("status") != "ok" or "profile" not in result:
                    bad_input(f"preset {preset} batch {batch} has no profile in the report "
                              f"(status {result.get('status')}); run graviton-bench without --no-profile")
                return result
    names = [r["preset"]["name"] for r in runs]
    bad_input(f"no result for preset {preset} batch {batch} in the report (presets: {names}); "
              "pass --preset and --batch of a run it holds")


def compare(gb, py):
    """Returns (rows to print, list of failures)."""
    failures = []
    gb_share, py_share = aten_shares(gb), aten_shares(py)
    names = sorted(set(gb) | set(py), key=lambda n: -max(gb.get(n, {}).get("self_us", 0), py.get(n, {}).get("self_us", 0)))
    rows = []
    for name in names:
        g, p = gb.get(name), py.get(name)
        verdict = []
        if g is None or p is None:
            verdict.append("only in " + ("python" if g is None else "graviton-bench"))
            failures.append(f"{name}: only in {'Python' if g is None else 'graviton-bench'}'s table")
        elif g["count"] != p["count"]:
            verdict.append("count")
            failures.append(f"{name}: {g['count']} calls in graviton-bench, {p['count']} in Python")
        gs, ps = gb_share.get(name), py_share.get(name)
        compared = gs is not None and ps is not None and max(gs, ps) >= MIN_SHARE
        if compared and abs(gs - ps) > SHARE_TOLERANCE:
            verdict.append("share")
            failures.append(f"{name}: {gs:.1f}% of the aten self-CPU time in graviton-bench, {ps:.1f}% in Python "
                            f"(|diff| {abs(gs - ps):.1f} > {SHARE_TOLERANCE:g} points)")
        rows.append((name, g, p, gs, ps, compared, ", ".join(verdict) or "ok"))
    return rows, failures


def fmt_opt(value, spec):
    return "-" if value is None else format(value, spec)


def print_side_by_side(rows):
    head = (f"{'operator':<22} {'calls gb':>9} {'calls py':>9} {'self us gb':>12} {'self us py':>12} "
            f"{'aten% gb':>9} {'aten% py':>9} {'diff':>6}  result")
    print(head)
    print("-" * len(head))
    for name, g, p, gs, ps, compared, verdict in rows:
        diff = f"{abs(gs - ps):6.1f}" if compared else "     ."
        print(f"{name:<22} {fmt_opt(g and g['count'], '9d'):>9} {fmt_opt(p and p['count'], '9d'):>9} "
              f"{fmt_opt(g and g['self_us'], '12.1f'):>12} {fmt_opt(p and p['self_us'], '12.1f'):>12} "
              f"{fmt_opt(gs, '9.2f'):>9} {fmt_opt(ps, '9.2f'):>9} {diff}  {verdict}")
    print(f"(aten%: share of the self-CPU time of all operators but {SCOPE}; diff compared where either "
          f"side has >= {MIN_SHARE:g}%, tolerance {SHARE_TOLERANCE:g} points)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", required=True, type=pathlib.Path, help="graviton-bench --json report")
    parser.add_argument("--model", required=True, type=pathlib.Path, help="model config, configs/models/*.json")
    parser.add_argument("--batch", required=True, type=int)
    parser.add_argument("--warmup", required=True, type=int)
    parser.add_argument("--iterations", required=True, type=int)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    parser.add_argument("--preset", help="the report's preset to compare (default: its only one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        config = json.loads(args.model.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    shape_keys = ("input_shape", "hidden", "outputs")
    if any(report["model"][k] != config[k] for k in shape_keys):
        print(f"error: the report's model {[report['model'][k] for k in shape_keys]} is not {args.model}'s "
              f"{[config[k] for k in shape_keys]}; pass the config the report was run with", file=sys.stderr)
        return 2
    result = find_result(report, args.preset, args.batch)
    # Operator names and counts belong to one PyTorch release; another one would fail for that reason alone.
    libtorch = next(r["libtorch"]["version"] for r in report["runs"] if result in r.get("results", []))
    if torch.__version__.split("+")[0] != libtorch:
        print(f"error: the report was run with LibTorch {libtorch}, this Python has torch {torch.__version__}; "
              "run this script with the Python whose torch the binary links (GBENCH_PYTHON, .venv)", file=sys.stderr)
        return 2
    threads = report["settings"].get("threads")
    used = next(r["libtorch"]["threads"] for r in report["runs"] if result in r.get("results", []))
    print(f"graviton-bench report: {report['model']['name']}, batch {args.batch}, warm-up "
          f"{result['settings']['warmup']}, iterations {result['settings']['iterations']}, threads "
          f"{threads if threads is not None else f'{used} (LibTorch default)'}")
    py_threads = args.threads if args.threads is not None else f"{torch.get_num_threads()} (torch default)"
    print(f"python (torch {torch.__version__}): batch {args.batch}, warm-up {args.warmup}, iterations "
          f"{args.iterations}, threads {py_threads}")

    averages = python_profile(config, args.batch, args.warmup, args.iterations, args.threads, args.seed)
    print("\nPython's prof.key_averages().table(sort_by=\"self_cpu_time_total\"):")
    print(averages.table(sort_by="self_cpu_time_total"))

    rows, failures = compare(from_report(result["profile"]["table"]), from_python(averages))
    print("graviton-bench (gb) against Python (py):")
    print_side_by_side(rows)
    if failures:
        print(f"\nFAIL: {len(failures)} difference(s) between graviton-bench's table and Python's:")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("\nOK: same operators, same call counts, self-CPU shares within tolerance")
    return 0


if __name__ == "__main__":
    sys.exit(main())
