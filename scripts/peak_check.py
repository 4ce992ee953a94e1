"""graviton-bench peak's GEMM figures against torch.mm timed from Python (scripts/peak-check)."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch


def python_gemm(n, dtype, threads, warmup, repeats):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    a = torch.rand(n, n, generator=g).to(dtype)
    b = torch.rand(n, n, generator=g).to(dtype)
    c = torch.empty(n, n, dtype=dtype)
    samples = []
    with torch.inference_mode():
        for _ in range(warmup):
            torch.mm(a, b, out=c)
        for _ in range(repeats):
            start = time.perf_counter_ns()
            torch.mm(a, b, out=c)
            samples.append(time.perf_counter_ns() - start)
    return 2.0 * n ** 3 / statistics.median(samples)


def tool_gemm(binary, n, threads, warmup, repeats):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "peak.json")
        # A small triad: only the products are compared here. XDG_CACHE_HOME keeps the host's cache untouched.
        env = dict(os.environ, XDG_CACHE_HOME=tmp)
        subprocess.run([binary, "peak", "--gemm-size", str(n), "--repeats", str(repeats), "--warmup", str(warmup),
                        "--threads", str(threads), "--triad-mib", "64", "--json", out], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gemm-size", type=int, default=4096)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = ap.parse_args()
    tool = {"float32": [], "bfloat16": []}
    py = {"float32": [], "bfloat16": []}
    with open("/proc/loadavg", encoding="utf-8") as f:
        load_before = f.read().split()[0]
    for r in range(a.rounds):
        j = tool_gemm(a.binary, a.gemm_size, a.threads, a.warmup, a.repeats)
        tool["float32"].append(j["fp32_gemm"]["gflops"])
        py["float32"].append(python_gemm(a.gemm_size, torch.float32, a.threads, a.warmup, a.repeats))
        if j.get("bf16_gemm"):
            tool["bfloat16"].append(j["bf16_gemm"]["gflops"])
            py["bfloat16"].append(python_gemm(a.gemm_size, torch.bfloat16, a.threads, a.warmup, a.repeats))
        print(f"round {r + 1}/{a.rounds}: fp32 {tool['float32'][-1]:.1f} (peak) vs {py['float32'][-1]:.1f} (Python)"
              + (f"; bf16 {tool['bfloat16'][-1]:.1f} vs {py['bfloat16'][-1]:.1f}" if tool["bfloat16"] else "")
              + " GFLOP/s", file=sys.stderr)
    with open("/proc/loadavg", encoding="utf-8") as f:
        load_after = f.read().split()[0]
    print(f"{a.gemm_size}x{a.gemm_size} matmul, {a.threads} threads, median of {a.repeats} products, "
          f"{a.rounds} alternating rounds; 1-minute load average {load_before} before, {load_after} after")
    for dtype in ("float32", "bfloat16"):
        if not tool[dtype]:
            print(f"{dtype}: not measured by peak on this CPU (no native bf16)")
            continue
        t, p = statistics.median(tool[dtype]), statistics.median(py[dtype])
        print(f"{dtype}: graviton-bench peak {t:.1f} GFLOP/s, Python torch.mm {p:.1f} GFLOP/s, ratio {t / p:.3f}")


if __name__ == "__main__":
    main()
