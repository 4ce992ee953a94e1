"""serve's load generator against a known service time (scripts/serve-check): closed loops against P/D, open
loops against the M/D/1 queue's throughput and p99."""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile


def md1_wait_cdf(t: float, rate: float, d: float) -> float:
    """P(W <= t) for the waiting time of an M/D/1 queue (Erlang 1909): (1 - rho) times the sum over k <= t/d of
    (rate (k d - t))^k / k! e^(-rate (k d - t))."""
    if t < 0:
        return 0.0
    rho = rate * d
    total = 0.0
    for k in range(int(math.floor(t / d)) + 1):
        x = rate * (k * d - t)
        total += x ** k / math.factorial(k) * math.exp(-x)
    return (1 - rho) * total


def md1_latency_quantile(q: float, rate: float, d: float) -> float:
    """The q-quantile of the time in system (waiting, then the service d)."""
    lo, hi = 0.0, d
    while md1_wait_cdf(hi, rate, d) < q:
        hi *= 2
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if md1_wait_cdf(mid, rate, d) < q else (lo, mid)
    return hi + d


def quantile(values: list, q: float) -> float:
    """NumPy's default (linear) quantile; None stands for a request that never completed, longer than any."""
    v = sorted(values, key=lambda x: math.inf if x is None else x)
    pos = q * (len(v) - 1)
    lo, hi = v[math.floor(pos)], v[math.ceil(pos)]
    if lo is None or hi is None:
        return math.inf
    return lo + (hi - lo) * (pos - math.floor(pos))


def replayed_latencies_us(samples: dict) -> list:
    """The latencies an ideal FIFO queue with one server gives these arrivals and the service times the worker
    reported (Lindley's recursion): what the load generator should measure if its own dispatch cost nothing. The
    first request starts after the wait it measured, the queue the warm-up left."""
    out, free = [], None
    for arrival, service, latency in zip(samples["arrival_us"], samples["service_us"], samples["latency_us"]):
        if service < 0:
            out.append(None)
            continue
        start = arrival + (latency - service) if free is None else max(arrival, free)
        free = start + service
        out.append(free - arrival)
    return out


def load_average() -> float:
    with open("/proc/loadavg", encoding="ascii") as f:
        return float(f.read().split()[0])


def serve(binary, delay_us, cpus, args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "serve.json")
        env = dict(os.environ, GBENCH_TEST_DELAY_US=str(delay_us))
        cmd = [binary, "serve", "--model", "tiny-mlp", "--batch", "1", "--cpus", cpus, "--load-warmup", "2",
               "--min-requests", "0", "-q", "--json", out, *args]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            sys.exit(f"serve-check: {' '.join(cmd)} exited {r.returncode}:\n{r.stderr[-2000:]}")
        with open(out, encoding="utf-8") as f:
            return json.load(f)


def row(case, theory, measured, bound, load):
    """One case; a measured percentile of None (a request of the window never completed) is unbounded."""
    if measured is None or not math.isfinite(measured) or not math.isfinite(theory):
        figures = [f"{x:>10.2f}" if x is not None and math.isfinite(x) else f"{'unbounded':>10}"
                   for x in (theory, measured)]
        print(f"{case:<52} {figures[0]} {figures[1]} {'':>8}  OUTSIDE (+-{100 * bound:.0f}%)  load {load:.2f}")
        return False
    ratio = measured / theory
    ok = abs(ratio - 1) <= bound
    print(f"{case:<52} {theory:>10.2f} {measured:>10.2f} {100 * (ratio - 1):>+7.2f}%  {'ok' if ok else 'OUTSIDE'} "
          f"(+-{100 * bound:.0f}%)  load {load:.2f}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--delay-us", type=int, default=5000)
    ap.add_argument("--closed-s", type=float, default=20)
    ap.add_argument("--open-s", type=float, default=60)
    ap.add_argument("--rho", default="0.5,0.8")
    ap.add_argument("--cpus", default="auto")
    a = ap.parse_args()
    d = a.delay_us * 1e-6
    cores = len(os.sched_getaffinity(0)) if a.cpus == "auto" else None
    ok = True
    print(f"service time D = {a.delay_us} us (GBENCH_TEST_DELAY_US) plus tiny-mlp's forward; load average "
          f"{load_average():.2f} at the start")
    print(f"{'case':<52} {'theory':>10} {'measured':>10} {'diff':>8}")
    for processes in sorted({1, cores or 2}):
        la = load_average()
        r = serve(a.binary, a.delay_us, a.cpus, ["--split", f"{processes}x1", "--concurrency", str(processes),
                                                 "--duration", str(a.closed_s), "--max-duration", str(a.closed_s)])
        p = r["splits"][0]["points"][0]
        ok &= row(f"closed loop {processes}x1, {processes} in flight: req/s", processes / d,
                  p["throughput"]["value"], 0.02, la)
        served = [x for x in p["samples"]["service_us"] if x >= 0]
        service_us = sum(served) / len(served)
        # The same against the service times the workers took: the load generator's own bookkeeping, whatever
        # the machine did to the workers.
        ok &= row("  the same from the measured service times", processes / (1e-6 * service_us),
                  p["throughput"]["value"], 0.02, la)
        # What a closed loop pays per request beyond the forward: the request's and the answer's way through the
        # pipes, and the wake-ups of the worker and the load generator. The theory counts it as zero.
        handover_us = 1e6 * processes / p["throughput"]["value"] - service_us
        print(f"  (hand-over per request beyond the service time: {handover_us:.0f} us, "
              f"{100 * handover_us / (1e6 * d):.1f}% of D)")
    for rho in (float(x) for x in a.rho.split(",")):
        rate = rho / d
        la = load_average()
        r = serve(a.binary, a.delay_us, a.cpus, ["--split", "1x1", "--rate", f"{rate:.6g}", "--duration",
                                                 str(a.open_s), "--max-duration", str(a.open_s), "--windows", "20"])
        p = r["splits"][0]["points"][0]
        ok &= row(f"M/D/1 rho {rho:g}: req/s", rate, p["throughput"]["value"], 0.02, la)
        # The seeded Poisson schedule's own rate differs from the nominal one by its sampling error (about
        # 1/sqrt(arrivals)): the load generator is held to the arrivals it scheduled in the window.
        ok &= row("  the same from the arrivals scheduled in the window", p["arrived"] / p["window_s"],
                  p["throughput"]["value"], 0.02, la)
        for name, q in (("p50", 0.5), ("p99", 0.99)):
            theory = 1e3 * md1_latency_quantile(q, rate, d)
            measured = p["latency_ms"][name]["value"]
            ci = p["latency_ms"][name]["ci95"]
            case = f"M/D/1 rho {rho:g}: {name} ms" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
            ok &= row(case, theory, measured, 0.05, la)
            ok &= row("  the queue replayed from the measured service times",
                      1e-3 * quantile(replayed_latencies_us(p["samples"]), q), measured, 0.05, la)
        service, queue = p.get("service_ms") or {}, p.get("queue_ms") or {}
        print(f"  ({p['arrived']} requests in {p['window_s']:.0f} s, {p['completed']} completed; service p50 "
              f"{service.get('p50', math.nan):.3f} ms, queue p99 {queue.get('p99', math.nan):.3f} ms, load generator "
              f"{100 * p['parent_cpu']:.1f}% of a CPU{'; stopped: ' + p['stopped'] if p.get('stopped') else ''})")
    print(f"load average {load_average():.2f} at the end")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
