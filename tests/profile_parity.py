#!/usr/bin/env python3
"""graviton-bench's operator table against PyTorch's own profiler code and against the recipe run in Python.

check (the CTest test; no timing is compared between two runs):
  1. The same recorded events: graviton-bench's Chrome trace (--trace) holds the events its table was
     computed from. They go through PyTorch's own Python code (profile._parse_kineto_results,
     EventList._build_tree, key_averages), and the result must be graviton-bench's table: the same operators,
     the same call counts, and the same self and total CPU times, hence the same shares. The only
     tolerance is the trace's rounding of times to the nanosecond (TRACE_ROUNDING_NS per call).
  2. The recipe in Python: the same MLP built with torch.nn from the same model config, warmed up and profiled
     as the recipe does (profile(activities=[CPU]) around record_function("mymodel_inference") around the
     loop, under inference_mode). Its key_averages() must hold the same operators with the same call counts
     as graviton-bench's table: counts do not depend on timing, so a difference is a different model, loop or
     aggregation. Its times come from another run and are not compared here.

shares (a benchmark, scripts/profile-parity): prints each operator's share of the aten self-CPU time in
  graviton-bench's table and in a Python run of the recipe, and their differences. Two runs on a loaded
  machine differ by timing alone, so nothing passes or fails on them.

Exit status: 0 when the tables agree (shares: always, once both ran), 1 when they do not (the differences are
printed), 2 on bad input.

    .venv/bin/python tests/profile_parity.py check --report r.json --trace DIR/default-b32.json \\
        --model configs/models/tiny-mlp.json --batch 32 --warmup 5 --iterations 20 --threads 1
"""

import argparse
import json
import pathlib
import sys
import types
import warnings

# The venv has no NumPy, which the profiler does not need; torch warns about it on import.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.autograd.profiler import profile as autograd_profile  # noqa: E402
from torch.autograd.profiler_util import EventList  # noqa: E402
from torch.profiler import ProfilerActivity, profile, record_function  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from profile_golden import FakeResult  # noqa: E402  (the C++ events as PyTorch's KinetoEvent, shared)

SCOPE = "mymodel_inference"
# Chrome traces give times in microseconds with three decimals: each start and end is off by up to half a
# nanosecond, and a self time adds up its own and its children's (a linear has three), so a few ns per call.
TRACE_ROUNDING_NS = 10.0


def bad_input(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


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


def trace_averages(trace_path):
    """PyTorch's key_averages() of the CPU events of a Chrome trace that graviton-bench wrote."""
    try:
        trace = json.loads(pathlib.Path(trace_path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        bad_input(f"{trace_path}: {e}")
    spans = [e for e in trace.get("traceEvents", []) if e.get("ph") == "X" and e.get("cat") in ("cpu_op", "user_annotation")]
    if not spans:
        bad_input(f"{trace_path}: no cpu_op or user_annotation events; is it a graviton-bench --trace file?")
    origin = min(e["ts"] for e in spans)
    rows = []
    for e in sorted(spans, key=lambda e: e["ts"]):
        start = round((e["ts"] - origin) * 1000)
        rows.append(dict(name=e["name"], start_ns=start, end_ns=start + round(e["dur"] * 1000), thread=e["tid"],
                         is_async=False, is_hidden=False, shapes=""))
    parsed = autograd_profile._parse_kineto_results(types.SimpleNamespace(use_device=None), FakeResult(rows))
    events = EventList(parsed, use_device=None, profile_memory=False, with_flops=False)
    events._build_tree()
    return events.key_averages()


def from_python(averages):
    return {a.key: {"count": a.count, "self_us": a.self_cpu_time_total, "total_us": a.cpu_time_total} for a in averages}


def from_report(table):
    return {op["name"]: {"count": op["count"], "self_us": op["self_cpu_us"], "total_us": op["cpu_total_us"]}
            for op in table["ops"]}


def aten_shares(ops):
    """Each operator's percentage of the self-CPU time of all operators but the scope."""
    total = sum(o["self_us"] for name, o in ops.items() if name != SCOPE)
    return {name: (100.0 * o["self_us"] / total if total > 0 else 0.0) for name, o in ops.items() if name != SCOPE}


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
                return run, result
    names = [r["preset"]["name"] for r in runs]
    bad_input(f"no result for preset {preset} batch {batch} in the report (presets: {names}); "
              "pass --preset and --batch of a run it holds")


def names_and_counts(gb, other, other_name):
    """Failures where the two tables differ in operators or call counts."""
    failures = []
    for name in sorted(set(gb) | set(other)):
        g, o = gb.get(name), other.get(name)
        if g is None or o is None:
            failures.append(f"{name}: only in {other_name if g is None else 'graviton-bench'}'s table")
        elif g["count"] != o["count"]:
            failures.append(f"{name}: {g['count']} calls in graviton-bench, {o['count']} in {other_name}")
    return failures


def same_times(gb, py):
    """Failures where PyTorch's aggregation of the recorded events gives other times than graviton-bench's."""
    failures = []
    for name in sorted(set(gb) & set(py)):
        g, p = gb[name], py[name]
        tolerance_us = TRACE_ROUNDING_NS * g["count"] / 1000.0
        for key, what in (("self_us", "self CPU"), ("total_us", "CPU total")):
            if abs(g[key] - p[key]) > tolerance_us:
                failures.append(f"{name}: {what} {g[key]:.3f} us in graviton-bench, {p[key]:.3f} us from PyTorch's "
                                f"code on the same events (|diff| > {tolerance_us:.3f} us, the trace's rounding)")
    return failures


def print_table(gb, other, other_label):
    gs, os_ = aten_shares(gb), aten_shares(other)
    head = (f"{'operator':<22} {'calls gb':>9} {'calls ' + other_label:>10} {'self us gb':>12} "
            f"{'self us ' + other_label:>13} {'aten% gb':>9} {'aten% ' + other_label:>10} {'diff':>6}")
    print(head)
    print("-" * len(head))
    for name in sorted(set(gb) | set(other), key=lambda n: -max(gb.get(n, {}).get("self_us", 0),
                                                               other.get(n, {}).get("self_us", 0))):
        g, o = gb.get(name), other.get(name)

        def cell(side, key, spec):
            return "-" if side is None else format(side[key], spec)

        a, b = gs.get(name), os_.get(name)
        diff = "." if a is None or b is None else f"{abs(a - b):.2f}"
        print(f"{name:<22} {cell(g, 'count', 'd'):>9} {cell(o, 'count', 'd'):>10} {cell(g, 'self_us', '.3f'):>12} "
              f"{cell(o, 'self_us', '.3f'):>13} {'-' if a is None else f'{a:.2f}':>9} "
              f"{'-' if b is None else f'{b:.2f}':>10} {diff:>6}")
    return {n: abs(gs[n] - os_[n]) for n in set(gs) & set(os_)}


def load_inputs(args):
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        config = json.loads(args.model.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        bad_input(str(e))
    shape_keys = ("input_shape", "hidden", "outputs")
    if any(report["model"][k] != config[k] for k in shape_keys):
        bad_input(f"the report's model {[report['model'][k] for k in shape_keys]} is not {args.model}'s "
                  f"{[config[k] for k in shape_keys]}; pass the config the report was run with")
    run, result = find_result(report, args.preset, args.batch)
    # Operator names and counts belong to one PyTorch release; another one would fail for that reason alone.
    if torch.__version__.split("+")[0] != run["libtorch"]["version"]:
        bad_input(f"the report was run with LibTorch {run['libtorch']['version']}, this Python has torch "
                  f"{torch.__version__}; run this script with the Python whose torch the binary links (GBENCH_PYTHON, .venv)")
    return config, run, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("check", "shares"))
    parser.add_argument("--report", required=True, type=pathlib.Path, help="graviton-bench --json report")
    parser.add_argument("--trace", type=pathlib.Path, help="graviton-bench's Chrome trace of that run (check)")
    parser.add_argument("--model", required=True, type=pathlib.Path, help="model config, configs/models/*.json")
    parser.add_argument("--batch", required=True, type=int)
    parser.add_argument("--warmup", required=True, type=int)
    parser.add_argument("--iterations", required=True, type=int)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    parser.add_argument("--preset", help="the report's preset to compare (default: its only one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.mode == "check" and args.trace is None:
        bad_input("check needs --trace, the Chrome trace graviton-bench wrote with --trace DIR")

    config, run, result = load_inputs(args)
    gb = from_report(result["profile"]["table"])
    py = from_python(python_profile(config, args.batch, args.warmup, args.iterations, args.threads, args.seed))
    threads = run["libtorch"]["threads"]
    print(f"graviton-bench: {config['name']}, batch {args.batch}, {result['profile']['iterations']} profiled "
          f"forwards, {threads} threads; Python (torch {torch.__version__}): {args.iterations} profiled forwards, "
          f"{torch.get_num_threads()} threads")

    if args.mode == "shares":
        print("\ngraviton-bench (gb) against a Python run of the recipe (py); aten%: share of the self-CPU time of "
              f"all operators but {SCOPE}")
        diffs = print_table(gb, py, "py")
        worst = max(diffs, key=diffs.get) if diffs else None
        print(json.dumps({"max_share_diff": diffs.get(worst, 0.0), "operator": worst,
                          "counts_agree": not names_and_counts(gb, py, "Python")}))
        return 0

    from_trace = from_python(trace_averages(args.trace))
    print("\n1. graviton-bench's table (gb) against PyTorch's key_averages() of the same recorded events (tr):")
    print_table(gb, from_trace, "tr")
    failures = names_and_counts(gb, from_trace, "PyTorch's aggregation of the trace") + same_times(gb, from_trace)
    print("\n2. operators and call counts against the recipe run in Python (py; its times are another run's):")
    print_table(gb, py, "py")
    failures += names_and_counts(gb, py, "Python's run")
    if failures:
        print(f"\nFAIL: {len(failures)} difference(s):")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("\nOK: PyTorch's code gives graviton-bench's table from the same events; the recipe in Python calls the "
          "same operators as often")
    return 0


if __name__ == "__main__":
    sys.exit(main())
