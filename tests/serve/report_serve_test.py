"""scripts/report on serve reports, end to end: the throughput-vs-p99 chart of one report, the fleet's ranking by
cost per million inferences within the target and its chart, bad input, and the pages rendered by headless
Chromium.

  report_serve_test.py make DIR --binary B      a serve report of tiny-mlp (a CTest fixture)
  report_serve_test.py check DIR --root R       the charts, the HTML, the markdown, the fleet ranking, bad input
  report_serve_test.py browser DIR --root R     the HTML rendered to a non-blank image

Each check prints one line; the script exits 1 when any failed.
"""

import argparse
import copy
import importlib.util
import json
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


def make(d: Path, binary: str) -> None:
    d.mkdir(parents=True, exist_ok=True)
    r = run([binary, "serve", "--model", "tiny-mlp", "--batch", "1", "--split", "1x1", "--p99", "1000", "--warmup", "2",
             "--duration", "0.3", "--load-warmup", "0.1", "--min-requests", "0", "--search-steps", "2",
             "--price-per-hour", "0.1", "-q", "--json", d / "serve.json"])
    if r.returncode != 0:
        sys.exit(f"graviton-bench serve exited {r.returncode}:\n{r.stderr}")
    print(f"serve report written in {d}")


def png_size(p: Path):
    data = p.read_bytes() if p.exists() else b""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def script(root: Path, *args):
    return run([root / "scripts" / "report", *args])


def serve_module(root: Path):
    spec = importlib.util.spec_from_file_location("report_serve", root / "scripts" / "report_serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fleet_inputs(d: Path) -> Path:
    """Three hosts from one report: west cheapest (its own price), east by the --prices table, north with no answer."""
    base = json.loads((d / "serve.json").read_text())
    if not isinstance(base.get("recommendation"), dict):
        sys.exit(f"{d / 'serve.json'}: no recommendation within 1000 ms; the fixture's machine was far too busy")
    fleet = d / "fleet-in"
    shutil.rmtree(fleet, ignore_errors=True)
    fleet.mkdir()
    for host, itype, served, price in (("east", "c7g.xlarge", 1000.0, None), ("west", "c7i.xlarge", 2000.0, 0.1785),
                                       ("north", "m7g.large", None, 0.0816)):
        r = copy.deepcopy(base)
        r["context"]["host"]["hostname"] = host
        r["settings"]["instance_type"], r["settings"]["price_per_hour"] = itype, price
        if served is None:
            r["recommendation"] = None
        else:
            rec = r["recommendation"]
            rec["throughput"] = rec["samples_per_s"] = served
            rec["cost_per_million"] = None if price is None else price / (served * 3600) * 1e6
        (fleet / f"{host}.json").write_text(json.dumps(r))
    return fleet


def check_single(d: Path, root: Path) -> None:
    out = d / "single"
    shutil.rmtree(out, ignore_errors=True)
    r = script(root, "-o", out, d / "serve.json")
    check(r.returncode == 0, "one serve report: exit 0", r.stderr)
    size = png_size(out / "serve-curves.png")
    check(size is not None and size[0] > 200 and size[1] > 150, "serve-curves.png is a PNG image", str(size))
    svg = (out / "serve-curves.svg").read_text() if (out / "serve-curves.svg").exists() else ""
    check(svg.startswith("<svg") and "<path" in svg, "serve-curves.svg is an SVG drawing")
    page = (out / "report.html").read_text() if (out / "report.html").exists() else ""
    check(page.count("<svg") == 1, "the HTML inlines the curves chart", f"{page.count('<svg')} svg elements")
    for text in ("answer: 1x1", "p99 within 1000 ms", "YOUR_SERVER", "throughput", "closed, 1 in flight", "load average"):
        check(text in page, f"the HTML holds {text!r}")
    md = (out / "report.md").read_text() if (out / "report.md").exists() else ""
    check("(serve-curves.png)" in md and "| split |" in md, "the markdown links the chart and has the points")


def check_fleet(d: Path, root: Path) -> None:
    fleet_in = fleet_inputs(d)
    prices = d / "prices.json"
    prices.write_text(json.dumps({"c7g.xlarge": 0.145}))
    # The numbers behind the ranking: each host's answer, priced, cheapest first.
    m = serve_module(root)

    class Inp:
        def __init__(self, p):
            self.path, self.data, self.label = p, json.loads(p.read_text()), p.stem
    rows = m.ranking([Inp(p) for p in sorted(fleet_in.glob("*.json"))], {"c7g.xlarge": 0.145})
    check([x["host"] for x in rows] == ["west", "east", "north"], "ranked: west, then east, then north (no answer)",
          str([x["host"] for x in rows]))
    check(abs(rows[0]["cost"] - 0.1785 / 7.2) < 1e-9 and abs(rows[1]["cost"] - 0.145 / 3.6) < 1e-9,
          "west's cost is its report's own, east's from --prices", str([x["cost"] for x in rows]))
    out = d / "fleet"
    shutil.rmtree(out, ignore_errors=True)
    r = script(root, "-o", out, "--prices", prices, fleet_in)
    check(r.returncode == 0, "a fleet of serve reports: exit 0", r.stderr)
    page = (out / "report.html").read_text() if (out / "report.html").exists() else ""
    section = page[page.find("Serving fleet"):]
    check("Serving fleet: cheapest within the target" in page, "the page has the fleet's ranking")
    positions = [section.find(f"<td>{h}</td>") for h in ("west", "east", "north")]
    check(all(p >= 0 for p in positions) and positions == sorted(positions), "the table ranks west, east, north",
          str(positions))
    check("c7g.xlarge" in section and "(--prices)" in section and "none within the target" in section,
          "the table says where a price came from and which host has no answer")
    charts = sorted(p.name for p in out.glob("fleet-*serve.png"))
    check(len(charts) == 1 and png_size(out / charts[0]) is not None, "one fleet serving chart", str(charts))
    check(all((out / f"{h}-serve-curves.png").exists() for h in ("east", "west", "north")),
          "every host keeps its own curves chart")


def check_bad(d: Path, root: Path) -> None:
    bad = d / "bad"
    shutil.rmtree(bad, ignore_errors=True)
    bad.mkdir()
    newer = json.loads((d / "serve.json").read_text())
    newer["schema_version"] = 9
    (bad / "newer.json").write_text(json.dumps(newer))
    r = script(root, "-o", d / "bad-out", bad / "newer.json")
    check(r.returncode == 11 and "schema_version 9 is newer" in r.stderr and "Traceback" not in r.stderr,
          "a newer serve schema: exit 11 naming it", r.stderr)
    (bad / "prices.json").write_text(json.dumps({"c7g.xlarge": "cheap"}))
    r = script(root, "-o", d / "bad-out", "--prices", bad / "prices.json", d / "serve.json")
    check(r.returncode == 11 and "is not a price" in r.stderr and "Traceback" not in r.stderr,
          "a prices file with a price that is not one: exit 11", r.stderr)
    check(not (d / "bad-out" / "report.html").exists(), "nothing is written from bad input")


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
            (check_single if name == "single" else check_fleet)(d, root)
        shot = d / f"{name}-screenshot.png"
        shot.unlink(missing_ok=True)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["make", "check", "browser"])
    ap.add_argument("dir")
    ap.add_argument("--binary")
    ap.add_argument("--root")
    a = ap.parse_args()
    d = Path(a.dir)
    if a.what == "make":
        make(d, a.binary)
        return 0
    if not (d / "serve.json").exists():
        sys.exit(f"{d}: no serve report (the make fixture did not run)")
    if a.what == "check":
        check_single(d, Path(a.root))
        check_fleet(d, Path(a.root))
        check_bad(d, Path(a.root))
    else:
        check_browser(d, Path(a.root))
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
