#!/usr/bin/env python3
"""Checks the routing that the recipe describes in the report of `graviton-bench doctor` run on an emulated
Graviton3 (scripts/test-aarch64 runs it). Every line printed is read from the report: the routes come from
oneDNN's verbose log of the run and the profiler's operators, parsed per linear layer.

    python3 scripts/check-aarch64-routes.py DOCTOR.json
    python3 scripts/check-aarch64-routes.py --quantized DOCTOR.json
    python3 scripts/check-aarch64-routes.py --help      this text

The first form checks the recipe's presets (default, bf16, openblas, thp); --quantized checks the quantized
presets (int8-dynamic, int8-weights, int4-kleidiai) and fp32-precision-bf16: the operator and engine of every
layer, KleidiAI's features, and the accuracy against float64. Timings under emulation mean nothing and none is read.

Exit status: 0 when every expected route was observed, 1 when one was not (each check says what was seen),
2 when the command line is wrong or the report cannot be read.
"""
import json
import sys

args = sys.argv[1:]
if args and args[0] in ("-h", "--help"):
    print(__doc__.strip())
    sys.exit(0)
quantized = bool(args) and args[0] == "--quantized"
if quantized:
    args = args[1:]
for a in args:
    if a.startswith("-"):
        print(f"check-aarch64-routes.py: unknown option '{a}' (see --help)", file=sys.stderr)
        sys.exit(2)
if len(args) != 1:
    print("check-aarch64-routes.py: give the doctor's JSON report, one file (see --help)", file=sys.stderr)
    sys.exit(2)
try:
    with open(args[0], encoding="utf-8") as f:
        report = json.load(f)
except (OSError, ValueError) as e:
    print(f"check-aarch64-routes.py: error: {args[0]}: cannot be read as JSON ({e})", file=sys.stderr)
    sys.exit(2)


ctx = report["context"]
failures = []


def check(ok, what, seen):
    print(f"  {'ok  ' if ok else 'FAIL'} {what}: {seen}")
    if not ok:
        failures.append(what)


def runs():
    return {r["preset"]["name"]: r for r in report["runs"]}


def routes(preset, batch):
    for b in runs()[preset]["evidence"]["batches"]:
        if b["batch"] == batch:
            return b["routes"] if b.get("status") == "ok" else None
    return None


def show(rs):
    if rs is None:
        return "no evidence"
    return "; ".join(f"{r['in_features']}->{r['out_features']} " +
                     (f"oneDNN {r['implementation']} ({r['math']})" if r["backend"] == "onednn" else "BLAS")
                     for r in rs)


def acl(r, math):
    return r["backend"] == "onednn" and "acl" in r["implementation"] and r["math"] == math


def growth(name):
    """MiB of AnonHugePages a preset's process gained while building its model."""
    e = runs()[name]["evidence"]
    return ((e.get("anon_huge_pages_after") or 0) - (e.get("anon_huge_pages_before") or 0)) / 2**20


def accuracy(preset, batch):
    for b in runs()[preset]["evidence"]["batches"]:
        if b["batch"] == batch and b.get("status") == "ok":
            return b["accuracy"]
    return {}


def check_quantized():
    """The quantized presets and the new float32 precision API on the emulated Graviton3."""
    host = ctx["host"]
    print("quantized forms (emulated; from the doctor's report)")
    check(host["arch"] == "aarch64", "host is aarch64", host["arch"])
    features = host["isa_features"]
    check(all(f in features for f in ("asimddp", "i8mm")),
          "CPU has the dot product and I8MM that KleidiAI's int4 kernels use (auxiliary vector)", " ".join(features))
    verdicts = {k["knob"]: (k["verdict"], k["reason"]) for k in ctx["knobs"]}
    for name in ("weights_dtype=int8-dynamic", "weights_dtype=int8", "weights_dtype=int4", "fp32_precision"):
        verdict, reason = verdicts.get(name, ("missing", ""))
        check(verdict == "effective", f"doctor calls {name} effective", f"{verdict}: {reason}")
    batch = 32
    expected = {"int8-dynamic": ("quantized::linear_dynamic", "int8"), "int8-weights": ("aten::_weight_int8pack_mm", "int8"),
                "int4-kleidiai": ("aten::_dyn_quant_matmul_4bit", "int4")}
    for preset, (op, math) in expected.items():
        lt = runs()[preset].get("libtorch", {})
        check(lt.get("weights_status") == "effective", f"{preset}: weights form applied at load",
              f"{lt.get('weights_status')} ({lt.get('weights_detail', '')})")
        rs = routes(preset, batch)
        seen = "no evidence" if rs is None else "; ".join(
            f"{r['in_features']}->{r['out_features']} {r.get('op', '?')} on {r['backend']}"
            f"{' ' + r['implementation'] if r['backend'] == 'onednn' else ''} ({r['math']})"
            f"{' REFERENCE KERNEL' if r.get('reference') else ''}" for r in rs)
        check(rs is not None and all(r.get("op") == op and r["math"] == math for r in rs),
              f"{preset}, batch {batch}: every linear on {op}, {math}", seen)
        if rs is not None and any(r.get("reference") for r in rs):
            print(f"  info {preset}: a reference kernel (slow path) served some layer: {seen}")
        a = accuracy(preset, batch)
        check(a.get("cosine", 0) >= 0.99, f"{preset}, batch {batch}: cosine to float64 at least 0.99",
              f"cosine {a.get('cosine')}, max rel error {a.get('max_rel_error')}")
    rs = routes("int4-kleidiai", batch)
    lt = runs()["int4-kleidiai"].get("libtorch", {})
    check(bool(lt.get("kleidiai")) and lt.get("weights_kernel") == "kleidiai" and rs is not None and
          all(r["backend"] == "kleidiai" for r in rs),
          "int4-kleidiai: LibTorch has KleidiAI and it packed the weights (no reference fallback)",
          f"kleidiai={lt.get('kleidiai')} kernel={lt.get('weights_kernel')}")
    rs = routes("int8-dynamic", batch)
    lt = runs()["int8-dynamic"].get("libtorch", {})
    print(f"  info int8-dynamic: quantized engine {lt.get('quantized_engine')} of {lt.get('quantized_engines')}, "
          f"served by {sorted({r['backend'] for r in rs or []})}")
    rs = routes("fp32-precision-bf16", batch)
    check(rs is not None and all(acl(r, "bf16") for r in rs),
          f"fp32-precision-bf16, batch {batch}: every linear on ACL with bf16 math", show(rs))
    lt = runs()["fp32-precision-bf16"].get("libtorch", {})
    check(lt.get("fp32_precision_api") == "fp32_precision", "fp32-precision-bf16: the process used the new API",
          lt.get("fp32_precision_api"))
    for name, run in runs().items():
        disabled = run.get("evidence", {}).get("onednn_disabled")
        check(not disabled, f"{name}: oneDNN stayed enabled for the whole process", disabled or "yes")


if quantized:
    check_quantized()
    if failures:
        print(f"{len(failures)} expected route(s) not observed", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)

host, lt = ctx["host"], report["runs"][0]["libtorch"]
print("routing proof (emulated; from the doctor's report)")
check(host["arch"] == "aarch64", "host is aarch64", host["arch"])
check(all(f in host["isa_features"] for f in ("sve", "bf16", "i8mm")), "CPU has SVE, BF16, I8MM (auxiliary vector)",
      " ".join(host["isa_features"]) + f", SVE {host.get('sve_vector_bits')} bits")
check(bool(lt.get("acl")), "LibTorch built with oneDNN+ACL", f"acl={lt.get('acl')} blas={lt.get('blas', '?')}")
verdicts = {k["knob"]: k["verdict"] for k in ctx["knobs"]}
for knob in ("DNNL_DEFAULT_FPMATH_MODE", "TORCH_MKLDNN_MATMUL_MIN_DIM", "THP_MEM_ALLOC_ENABLE"):
    check(verdicts.get(knob) == "effective", f"doctor calls {knob} effective", verdicts.get(knob))

for batch in (256, 32):
    rs = routes("default", batch)
    check(rs is not None and all(acl(r, "f32") for r in rs), f"default, batch {batch}: every linear on oneDNN/ACL, f32", show(rs))
    rs = routes("bf16", batch)
    check(rs is not None and all(acl(r, "bf16") for r in rs), f"bf16, batch {batch}: every linear on ACL bf16 fast-math", show(rs))
rs = routes("openblas", 32)
check(rs is not None and all(r["backend"] == "blas" for r in rs), "openblas, batch 32 (<= 64): every linear on BLAS", show(rs))
rs = routes("openblas", 256)
ok = rs is not None and all((r["backend"] == "blas") if min(r["in_features"], r["out_features"]) <= 64 else acl(r, "bf16") for r in rs)
check(ok and any(r["backend"] == "onednn" for r in rs),
      "openblas, batch 256: layers with all dimensions > 64 stay on oneDNN/ACL bf16, the others go to BLAS", show(rs))

# Huge pages: reported as observed, never as a pass. Under qemu-user, AnonHugePages is the emulator's own
# (its code buffer), and qemu 7.2 does not pass a guest's madvise(MADV_HUGEPAGE) on to the kernel.
print(f"  info thp: AnonHugePages grew by {growth('thp'):.1f} MiB under thp, {growth('default'):.1f} MiB under default "
      "(under qemu-user these are the emulator's own pages: not evidence either way)")
if failures:
    print(f"{len(failures)} expected route(s) not observed", file=sys.stderr)
    sys.exit(1)
