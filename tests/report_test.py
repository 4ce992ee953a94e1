"""scripts/report end to end, on reports the suite produces with graviton-bench.

  report_test.py make-reports DIR --binary B     peak figures, reports, a comparison (a CTest fixture)
  report_test.py check-script DIR --root R       every chart, the HTML, the markdown, the fleet view, bad and
                                                 hostile input
  report_test.py check-browser DIR --root R      the HTML rendered by headless Chromium to a non-blank image

Each check prints one line; the script exits 1 when any failed.
"""

import argparse
import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

failures = []


def check(ok, what, detail=""):
    print(f"{'ok' if ok else 'FAILED'}: {what}" + (f" ({detail})" if detail and not ok else ""))
    if not ok:
        failures.append(what)


def run(args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def env_with_cache(d: Path):
    return dict(os.environ, XDG_CACHE_HOME=str(d / "cache"))


def make_reports(d: Path, binary: str) -> None:
    d.mkdir(parents=True, exist_ok=True)
    env = env_with_cache(d)
    quick = ["--warmup", "2", "--iters", "15", "--threads", "1", "-q"]

    def bench(*args):
        r = run([binary, *args], env=env)
        if r.returncode != 0:
            sys.exit(f"graviton-bench {' '.join(args)} exited {r.returncode}:\n{r.stderr}")

    bench("peak", "--gemm-size", "128", "--repeats", "3", "--warmup", "1", "--triad-mib", "8", "--threads", "1",
          "--json", d / "peak.json")
    bench("--model", "tiny-mlp", "--preset", "default,x86-bf16", "--batch", "8,2", "-r", "2", "--verify",
          "--peak", d / "peak.json", "--json", d / "a.json", *quick)
    bench("--model", "tiny-mlp", "--preset", "default,x86-bf16", "--batch", "8,2", "-r", "2", "--no-profile",
          "--peak", d / "peak.json", "--json", d / "b.json", *quick)
    other = d / "other-mlp.json"
    other.write_text(json.dumps({"name": "other-mlp", "description": "a second model for the fleet view",
                                 "input_shape": [8, 8], "hidden": [32], "outputs": 4}))
    bench("--model", other, "--batch", "4", "--no-profile", "--peak", "none", "--json", d / "c.json", *quick)
    r = run([binary, "compare", d / "a.json", d / "b.json", "--format", "json"], env=env)
    if r.returncode not in (0, 10):
        sys.exit(f"graviton-bench compare exited {r.returncode}:\n{r.stderr}")
    (d / "cmp.json").write_text(r.stdout)
    print(f"reports written in {d}")


def png_size(p: Path):
    data = p.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def script(root: Path, *args):
    return run([root / "scripts" / "report", *args])


def no_traceback(r):
    return "Traceback" not in r.stderr and "Traceback" not in r.stdout


def report_module(root: Path):
    """scripts/report.py as a module, for what its pages do not show (the numbers behind a chart, its limits)."""
    spec = importlib.util.spec_from_file_location("gbench_report", root / "scripts" / "report.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def fleet_section(page: str) -> str:
    """The fleet view of a page: from its heading to the next report's, the charts' SVG left out."""
    start = page.find("<h2>Fleet</h2>")
    end = page.find("<h2>", start + 1)
    return re.sub(r"<svg.*?</svg>", "", page[start:end if end > 0 else None], flags=re.S) if start >= 0 else ""


def check_fleet_speedups(d: Path, root: Path) -> None:
    """The fleet view shows each report's own speed-up (the ratio of the processes' estimates, with its interval),
    never a ratio of pooled medians, and says so where a row has none."""
    base = json.loads((d / "a.json").read_text())
    given = {"east": (1.5, [1.4, 1.6]), "west": (2.5, [2.25, 2.75])}
    fleet_in = d / "fleet-speedups"
    shutil.rmtree(fleet_in, ignore_errors=True)
    fleet_in.mkdir()
    for host, (speedup, ci) in given.items():
        r = copy.deepcopy(base)
        r["context"]["host"]["hostname"] = host
        rows = [row for row in r["comparison"] if row.get("status") == "ok"]
        baseline = {row["batch"]: row["statistics_ns"]["median"] for row in rows if row.get("baseline")}
        for row in rows:
            if row.get("baseline"):
                continue
            # Pooled medians four times apart: a fleet view that divided them would print 4.00x.
            scale = baseline[row["batch"]] / 4 / row["statistics_ns"]["median"]
            row["statistics_ns"] = {k: v * scale if isinstance(v, (int, float)) and k not in ("count", "cv") else v
                                    for k, v in row["statistics_ns"].items()}
            row["vs_baseline"]["speedup"], row["vs_baseline"]["speedup_ci95"] = speedup, ci
        if host == "west":
            uncompared = next(row for row in rows if not row.get("baseline"))
            uncompared.pop("vs_baseline", None)
        (fleet_in / f"{host}.json").write_text(json.dumps(r))
    out = d / "fleet-speedups-out"
    shutil.rmtree(out, ignore_errors=True)
    r = script(root, "-o", out, fleet_in)
    check(r.returncode == 0, "fleet of two reports with their own speed-ups: exit 0", r.stderr)
    for name in ("report.html", "report.md"):
        text = (out / name).read_text() if (out / name).exists() else ""
        fleet = fleet_section(text) if name == "report.html" else text[text.find("## Fleet"):text.find("## east")]
        check("speed-up over baseline" in fleet and "1.50x" in fleet and "[1.40, 1.60]" in fleet and
              "2.50x" in fleet and "[2.25, 2.75]" in fleet, f"{name}: the fleet table shows the reports' speed-ups "
              "and intervals", fleet[:600])
        check("4.00x" not in fleet, f"{name}: the fleet table computes no ratio of pooled medians")
        check("baseline" in fleet and "not compared" in fleet,
              f"{name}: the fleet table says where a row has no speed-up (the baseline, a row not compared)")
    # The chart draws the same rows: each report's speed-up and interval, nothing divided.
    report = report_module(root)
    inputs = report.collect([str(fleet_in)])
    report.label_reports(inputs)
    drawn = {(row["host"], row["batch"]): (row["speedup"], row.get("speedup_ci95"))
             for row in report.fleet_rows(inputs) if row["speedup"] is not None}
    check(len(drawn) == 3 and all(v == given[host] for (host, _), v in drawn.items()),
          "the fleet chart's rows carry the reports' speed-ups and intervals", str(drawn))


def check_hostile(d: Path, root: Path) -> None:
    """Inputs graviton-bench's reader refuses are refused here too, with its limits: one line naming the file and
    the problem, exit 11, no traceback, and nothing written."""
    bad = d / "hostile"
    shutil.rmtree(bad, ignore_errors=True)
    shutil.rmtree(d / "hostile-out", ignore_errors=True)
    bad.mkdir()
    text = (d / "a.json").read_text()
    (bad / "deep.json").write_text("[" * 100000 + "]" * 100000)
    (bad / "nan.json").write_text(re.sub(r'"median": [0-9.e+]+', '"median": NaN', text, count=1))
    (bad / "infinity.json").write_text(re.sub(r'"median": [0-9.e+]+', '"median": -Infinity', text, count=1))
    (bad / "overflow.json").write_text(re.sub(r'"median": [0-9.e+]+', '"median": 1e999', text, count=1))
    raw = text.encode()
    at = raw.index(b'"hostname": "') + len(b'"hostname": "')
    (bad / "latin1.json").write_bytes(raw[:at] + b"\xff" + raw[at:])
    (bad / "surrogate.json").write_text(text.replace('"hostname": "', '"hostname": "\\ud800', 1))
    with open(bad / "huge.json", "wb") as f:
        f.truncate((1 << 30) + 1)  # sparse: refused by its size, never read
    cases = [("deep.json", "nested deeper than 64 levels"), ("nan.json", "NaN is not a number JSON has"),
             ("infinity.json", "-Infinity is not a number JSON has"),
             ("overflow.json", "the number 1e999 is beyond the range of a double"),
             ("latin1.json", "the byte 0xff is not UTF-8"), ("surrogate.json", "lone UTF-16 surrogate"),
             ("huge.json", "over the limit of 1024 MiB")]
    for name, words in cases:
        r = script(root, "-o", d / "hostile-out", bad / name)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 11 and len(lines) == 1 and name in lines[0] and words in lines[0] and no_traceback(r),
              f"hostile input {name}: exit 11, one line naming the file ({words})",
              f"exit {r.returncode}: {r.stderr.strip()[-400:]}")
    (bad / "huge.json").unlink()
    r = script(root, "-o", d / "hostile-out", "/dev/zero")
    check(r.returncode == 11 and "malformed JSON" in r.stderr and no_traceback(r),
          "a device that never ends (/dev/zero): refused after its first bytes, exit 11", r.stderr.strip()[-300:])
    check(not (d / "hostile-out").exists(), "nothing is written from hostile input")
    # The item limit (200 million, too many to write here) is the same scan, lowered.
    report = report_module(root)
    check(hasattr(report, "check_json_limits"), "report.py scans the limits without parsing (check_json_limits)")
    if not hasattr(report, "check_json_limits"):
        return
    small = report.JsonLimits(max_bytes=1 << 20, max_depth=3, max_elements=3)
    over = report.check_json_limits('{"a": [1, 2, 3, 4], "s": "[[[[,,,,"}', small)
    check(over is not None and "more than 3 items" in over[1], "an array of 4 items is over a limit of 3", str(over))
    check(report.check_json_limits('{"a": [1, 2, 3], "s": "[[[[,,,,\\""}', small) is None,
          "3 items, and brackets and commas inside strings, are within it")
    check(report.check_json_limits("[[[[]]]]", small) is not None and report.check_json_limits("[[[]]]", small) is None,
          "nesting is counted to the limit and no further")


def check_script(d: Path, root: Path) -> None:
    out = d / "single"
    shutil.rmtree(out, ignore_errors=True)
    r = script(root, "-o", out, d / "a.json")
    check(r.returncode == 0, "one report: exit 0", r.stderr)
    for chart in ("time-vs-batch", "speedup", "process-medians", "roofline", "distribution"):
        size = png_size(out / f"{chart}.png") if (out / f"{chart}.png").exists() else None
        check(size is not None and size[0] > 200 and size[1] > 150, f"{chart}.png is a PNG image", str(size))
        svg = (out / f"{chart}.svg").read_text() if (out / f"{chart}.svg").exists() else ""
        check(svg.startswith("<svg") and "</svg>" in svg and "<path" in svg, f"{chart}.svg is an SVG drawing")
    page = (out / "report.html").read_text() if (out / "report.html").exists() else ""
    check(page.count("<svg") == 5, "the HTML inlines the five charts as SVG", f"{page.count('<svg')} svg elements")
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page)
    check(not external and "<img" not in page and "<script" not in page, "the HTML needs nothing from outside",
          str(external))
    for text in ("Knob verdicts", "Evidence: who served each layer", "fp32 GEMM", "memory bandwidth", "% of bound",
                 "<details><summary>default @ batch 8", "x86-bf16"):
        check(text in page, f"the HTML holds {text!r}")
    md = (out / "report.md").read_text() if (out / "report.md").exists() else ""
    check("![" in md and "(roofline.png)" in md and "| preset |" in md, "the markdown links the PNGs and has tables")

    # A report without peak figures: the roofline chart is left out, with a note, and the rest is there.
    nopeak = d / "nopeak"
    r = script(root, "-o", nopeak, d / "c.json")
    check(r.returncode == 0, "a report without peak figures: exit 0", r.stderr)
    check("roofline chart omitted" in r.stderr and "context.peak" in r.stderr, "the omitted roofline is said",
          r.stderr)
    check(not (nopeak / "roofline.png").exists() and (nopeak / "time-vs-batch.png").exists(),
          "the other charts are made without it")
    check("roofline chart omitted" in (nopeak / "report.html").read_text(), "the HTML says the roofline is omitted")
    check("speedup chart omitted" in r.stderr, "a one-preset report leaves the speed-up chart out with a note")

    # The fleet view: a folder and files, a comparison, two models grouped, not mixed.
    fleet_in = d / "fleet-in"
    shutil.rmtree(fleet_in, ignore_errors=True)
    fleet_in.mkdir()
    for name in ("a.json", "b.json", "c.json"):
        shutil.copy(d / name, fleet_in / name)
    fleet = d / "fleet"
    shutil.rmtree(fleet, ignore_errors=True)
    r = script(root, "-o", fleet, d / "cmp.json", fleet_in)
    check(r.returncode == 0, "fleet of a folder and a comparison: exit 0", r.stderr)
    fleet_pngs = sorted(p.name for p in fleet.glob("fleet-*.png"))
    check(len(fleet_pngs) == 2 and any("tiny-mlp" in p for p in fleet_pngs) and any("other-mlp" in p for p in fleet_pngs),
          "one fleet chart per model", str(fleet_pngs))
    check((fleet / "cmp-change.png").exists() and (fleet / "cmp-change.svg").exists(), "the comparison's change chart")
    page = (fleet / "report.html").read_text()
    check("2 different models" in page and "Fleet" in page and "speed-up over baseline" in page,
          "the fleet table says the models are grouped")
    check("fleet speed-up panels omitted" in r.stderr, "a model measured under one preset has no speed-up panels, "
          "and the page says so", r.stderr)
    check(all(f"a-{c}.svg" and (fleet / f"a-{c}.svg").exists() for c in ("time-vs-batch", "roofline")),
          "each report of the fleet keeps its charts")

    # Bad input: a clear message naming the file, exit 11, no traceback.
    bad = d / "bad"
    bad.mkdir(exist_ok=True)
    text = (d / "a.json").read_text()
    (bad / "truncated.json").write_text(text[: len(text) // 2])
    (bad / "empty.json").write_text("")
    (bad / "gbench.json").write_text(json.dumps({"context": {}, "benchmarks": []}))
    newer = json.loads(text)
    newer["schema_version"] = 99
    (bad / "newer.json").write_text(json.dumps(newer))
    (bad / "peak.json").write_text((d / "peak.json").read_text())
    cases = [("truncated.json", "truncated"), ("empty.json", "empty"), ("gbench.json", "Google Benchmark"),
             ("newer.json", "schema_version 99 is newer"), ("peak.json", "peak figures"),
             ("missing.json", "no such file")]
    for name, words in cases:
        r = script(root, "-o", d / "bad-out", bad / name)
        check(r.returncode == 11 and name in r.stderr and words in r.stderr and no_traceback(r),
              f"bad input {name}: exit 11 naming the file ({words})", f"exit {r.returncode}: {r.stderr.strip()}")
    check(not (d / "bad-out" / "report.html").exists(), "nothing is written from bad input")
    r = script(root)
    check(r.returncode == 2 and no_traceback(r), "no input: usage error, exit 2", r.stderr)
    r = script(root, "--no-such-option", d / "a.json")
    check(r.returncode == 2 and r.stderr.count("\n") == 1 and "--no-such-option" in r.stderr,
          "an unknown option: exit 2, one line naming it", r.stderr)
    unwritable = d / "a.json"  # a file where the output folder should be
    r = script(root, "-o", unwritable, d / "b.json")
    check(r.returncode == 5 and no_traceback(r) and "cannot write" in r.stderr, "an unwritable --out: exit 5",
          f"exit {r.returncode}: {r.stderr.strip()}")
    check_fleet_speedups(d, root)
    check_hostile(d, root)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return ""


def check_browser(d: Path, root: Path) -> None:
    browser = chromium()
    check(bool(browser), "Chromium is installed (scripts/setup installs Debian's chromium)")
    if not browser:
        return
    from PIL import Image

    for name in ("single", "fleet"):
        page = d / name / "report.html"
        if not page.exists():
            r = script(root, "-o", d / name, *((d / "a.json",) if name == "single" else (d / "cmp.json", d / "a.json",
                                                                                          d / "c.json")))
            check(r.returncode == 0, f"{name}: scripts/report made the page", r.stderr)
        shot = d / f"{name}-screenshot.png"
        shot.unlink(missing_ok=True)
        # No network: --no-proxy-server and a dead proxy make any fetch fail; the page must not need one.
        r = run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--proxy-server=127.0.0.1:9", "--window-size=1200,2400", f"--screenshot={shot}",
                 page.resolve().as_uri()], timeout=180)
        check(r.returncode == 0 and shot.exists(), f"{name}: Chromium rendered the page", r.stderr[-2000:])
        if not shot.exists():
            continue
        image = Image.open(shot).convert("RGB")
        colors = image.getcolors(maxcolors=1 << 20) or []
        non_white = sum(n for n, c in colors if c != (255, 255, 255))
        share = non_white / (image.width * image.height)
        check(len(colors) > 20 and share > 0.02, f"{name}: the screenshot is not blank",
              f"{len(colors)} colours, {share:.1%} not white")
        print(f"  {name}: {image.width}x{image.height}, {len(colors)} colours, {share:.1%} not white, {shot}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["make-reports", "check-script", "check-browser"])
    ap.add_argument("dir")
    ap.add_argument("--binary")
    ap.add_argument("--root")
    a = ap.parse_args()
    d = Path(a.dir)
    if a.what == "make-reports":
        make_reports(d, a.binary)
        return 0
    if not (d / "a.json").exists():
        sys.exit(f"{d}: no reports (the make-reports fixture did not run)")
    (check_script if a.what == "check-script" else check_browser)(d, Path(a.root))
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
