"""Plots, a self-contained HTML report, a markdown report and a fleet view from graviton-bench's JSON.

Reads reports written by `graviton-bench --json` (schema graviton-bench-report) and comparisons written by
`graviton-bench compare --format json` (schema graviton-bench-comparison), files or folders of them. Run it
through scripts/report, which uses the project's .venv (matplotlib is pinned in scripts/requirements.txt).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import math
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

EXIT_USAGE = 2
EXIT_OUTPUT = 5
EXIT_UNUSABLE = 11

REPORT_SCHEMA = "graviton-bench-report"
COMPARISON_SCHEMA = "graviton-bench-comparison"
SCHEMA_VERSIONS = {REPORT_SCHEMA: 2, COMPARISON_SCHEMA: 2}


@dataclass(frozen=True)
class JsonLimits:
    max_bytes: int  # the file's size
    max_depth: int  # nested arrays and objects
    max_elements: int  # items of one array or object


# graviton-bench's own bounds on a report it reads (report_json_limits in lib/include/gbench/util/json_limits.hpp):
# a file it would refuse is refused here too, the same way, before anything large is built.
REPORT_LIMITS = JsonLimits(max_bytes=1 << 30, max_depth=64, max_elements=200_000_000)


class Unusable(Exception):
    """An input that cannot be used at all: the message names the file and the fix."""


class Missing(Exception):
    """A field a chart or table needs is not in the report: the message names the JSON path."""


def get(obj, *path, where=""):
    """obj[path[0]][path[1]]..., raising Missing with the JSON path when absent or null."""
    here = where
    for key in path:
        here = f"{here}[{key}]" if isinstance(key, int) else (f"{here}.{key}" if here else key)
        try:
            obj = obj[key]
        except (KeyError, IndexError, TypeError):
            raise Missing(here) from None
        if obj is None:
            raise Missing(here)
    return obj


# --- inputs ---------------------------------------------------------------------------------------


@dataclass
class Input:
    path: Path
    kind: str  # "report" or "comparison"
    data: dict
    label: str = ""

    @property
    def name(self) -> str:
        return str(self.path)


# A string (to its closing quote, or the end of a truncated text), a bracket or brace, or a run of anything else
# (numbers, commas, white space, literals): the commas of a run are counted at once.
JSON_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)'
JSON_STRUCTURE = re.compile(JSON_STRING + r'|[\[\]{}]|[^"\[\]{}]+', re.S)
JSON_NON_FINITE = re.compile(JSON_STRING + r"|-?Infinity|NaN", re.S)


def read_bounded(path: Path, limits: JsonLimits) -> bytes:
    """The file's bytes, refused when over limits.max_bytes: a file by its size before it is read, a pipe or a
    device after that many bytes. Stops after the first chunk when the text does not start like JSON ('{' or '['),
    so that a device such as /dev/zero costs no more than that; the parser then says what is wrong with it."""
    limit_mib = limits.max_bytes >> 20
    try:
        st = path.stat()
        if stat.S_ISREG(st.st_mode) and st.st_size > limits.max_bytes:
            raise Unusable(f"{path}: {st.st_size / 2**20:.1f} MiB is over the limit of {limit_mib} MiB for this kind "
                           "of file; not a report graviton-bench writes (refused before reading)")
        chunks, size, starts_like_json = [], 0, None
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > limits.max_bytes:
                    raise Unusable(f"{path}: more than {limit_mib} MiB without an end; not a report graviton-bench "
                                   "writes")
                if starts_like_json is None:
                    head = b"".join(chunks).lstrip(b" \t\r\n")
                    if head:
                        starts_like_json = head[:1] in (b"{", b"[")
                if starts_like_json is False:
                    break
    except OSError as e:
        raise Unusable(f"{path}: cannot be read ({e.strerror})") from None
    return b"".join(chunks)


def line_and_column(text, offset: int):
    """1-based line and column (in the text's units: bytes or characters) of an offset."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, offset) + 1, offset - text.rfind(newline, 0, offset)


def check_json_limits(text: str, limits: JsonLimits):
    """(offset, what) where the text nests deeper than limits.max_depth or holds an array or object of more than
    limits.max_elements items; None when it does neither. Scans without building anything, and without
    recursion: graviton-bench's check_json_limits, which refuses the same texts."""
    commas = []  # per open array or object: the commas seen so far (its items, less one)
    for m in JSON_STRUCTURE.finditer(text):
        c = m.group()
        if c == "[" or c == "{":
            if len(commas) == limits.max_depth:
                return m.start(), f"arrays and objects nested deeper than {limits.max_depth} levels"
            commas.append(0)
        elif c == "]" or c == "}":
            if commas:
                commas.pop()
        elif commas and c[0] != '"':
            commas[-1] += c.count(",")
            if commas[-1] >= limits.max_elements:
                offset = m.end()
                for _ in range(commas[-1] - limits.max_elements + 1):  # back to the comma past the limit
                    offset = text.rindex(",", m.start(), offset)
                return offset, f"an array or object with more than {limits.max_elements} items"
    return None


class NonFinite(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them; JSON, and graviton-bench, do not."""


class Overflow(ValueError):
    """A number beyond a double's range (1e999), which Python's json would read as infinity."""


def refuse_constant(name: str):
    raise NonFinite(name)


def finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise Overflow(text)
    return value


def whole_number(text: str):
    # Beyond 64 bits graviton-bench reads a whole number as a double, as here (and Python's int() of thousands of
    # digits would raise).
    return int(text) if len(text) <= 20 else finite_float(text)


def parse_json(data: bytes, path: Path, limits: JsonLimits = REPORT_LIMITS):
    """The JSON document in `data`, refused (Unusable, naming the file and where) where graviton-bench's reader
    refuses it: bytes that are not UTF-8, an empty file, the limits, a syntax error, NaN or Infinity, a number
    beyond a double's range, a lone UTF-16 surrogate."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte order mark, which graviton-bench's parser skips too
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = line_and_column(data, e.start)
        raise Unusable(f"{path}:{line}:{col}: malformed JSON: the byte 0x{data[e.start]:02x} is not UTF-8 (a "
                       "graviton-bench report is UTF-8 text)") from None
    if not text.strip():
        raise Unusable(f"{path}: empty file; give a report written by 'graviton-bench --json'")
    if violation := check_json_limits(text, limits):
        offset, what = violation
        raise Unusable(f"{path}:{line_and_column(text, offset)[0]}: {what}; not a report graviton-bench writes "
                       "(refused before parsing)")
    try:
        data = json.loads(text, parse_constant=refuse_constant, parse_float=finite_float, parse_int=whole_number)
    except json.JSONDecodeError as e:
        hint = " (the file ends too early: truncated?)" if e.pos >= len(text.rstrip()) else ""
        raise Unusable(f"{path}:{e.lineno}:{e.colno}: malformed JSON: {e.msg}{hint}") from None
    except NonFinite as e:
        at = next((m.start() for m in JSON_NON_FINITE.finditer(text) if not m.group().startswith('"')), 0)
        line, col = line_and_column(text, at)
        raise Unusable(f"{path}:{line}:{col}: malformed JSON: {e} is not a number JSON has (graviton-bench writes "
                       "finite numbers only)") from None
    except Overflow as e:
        at = text.find(str(e))
        raise Unusable(f"{path}:{line_and_column(text, max(at, 0))[0]}: malformed JSON: the number {e} is beyond the "
                       "range of a double") from None
    if re.search(r"\\u[dD][89a-fA-F]", text):
        for m in re.finditer(JSON_STRING, text, re.S):
            try:
                if "\\u" in m.group():
                    json.loads(m.group()).encode("utf-8")
            except ValueError:  # UnicodeEncodeError
                raise Unusable(f"{path}:{line_and_column(text, m.start())[0]}: malformed JSON: a string holds a lone "
                               "UTF-16 surrogate (a \\u escape of D800 to DFFF without its pair)") from None
    return data


def load(path: Path) -> Input:
    data = parse_json(read_bounded(path, REPORT_LIMITS), path)
    if not isinstance(data, dict):
        raise Unusable(f"{path}: a JSON {type(data).__name__}, not a graviton-bench report")
    schema = data.get("schema")
    if schema not in SCHEMA_VERSIONS:
        if "benchmarks" in data and "context" in data:
            what = "Google Benchmark JSON"
        elif data.get("schema") == "graviton-bench-peak":
            what = "peak figures (graviton-bench peak --json)"
        else:
            what = f"schema {json.dumps(schema)}" if schema is not None else "a JSON document without a 'schema'"
        raise Unusable(f"{path}: {what}, not a graviton-bench report or comparison; give a file written by "
                       "'graviton-bench --json' or 'graviton-bench compare --format json'")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Unusable(f"{path}: schema_version: expected a whole number, found {json.dumps(version)}")
    if version > SCHEMA_VERSIONS[schema]:
        raise Unusable(f"{path}: schema_version {version} is newer than this script reads "
                       f"({SCHEMA_VERSIONS[schema]}); use the scripts/report of the graviton-bench that wrote it")
    kind = "report" if schema == REPORT_SCHEMA else "comparison"
    required = ("context", "model", "runs", "comparison") if kind == "report" else ("rows", "baseline", "candidate")
    for key in required:
        if key not in data:
            raise Unusable(f"{path}: {key}: missing; the file is not a complete {schema} document")
    if kind == "report":
        for key, typ in (("runs", list), ("comparison", list), ("context", dict), ("model", dict)):
            if not isinstance(data[key], typ):
                raise Unusable(f"{path}: {key}: expected a JSON {typ.__name__}")
    if version >= 2:
        lift_comparisons(data, kind)
    return Input(path, kind, data)


def lift_comparisons(data: dict, kind: str) -> None:
    """Since schema version 2 every comparison is one record (a row's vs_baseline, a comparison row's
    comparison): its figures are lifted beside the row, as version 1 wrote them, for the tables and charts to
    read. Nothing is computed: each figure is the report's own."""
    for row in data["comparison" if kind == "report" else "rows"]:
        if not isinstance(row, dict):
            continue
        c = row.get("vs_baseline" if kind == "report" else "comparison")
        if not isinstance(c, dict):
            continue
        ratio_ci = c.get("ratio_ci95") if isinstance(c.get("ratio_ci95"), list) else [None, None]
        if kind == "report":
            row.update({"speedup": c.get("speedup"), "speedup_ci95": c.get("speedup_ci95"),
                        "verdict": c.get("verdict"), "test": c.get("test")})
        else:
            row.update({"baseline": c.get("baseline"), "candidate": c.get("candidate"), "change": c.get("change"),
                        "ratio_low": ratio_ci[0], "ratio_high": ratio_ci[1] if len(ratio_ci) > 1 else None,
                        "p_value": c.get("p_value"), "test": c.get("test")})


def collect(args: list[str]) -> list[Input]:
    inputs = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            files = sorted(x for x in p.glob("*.json") if x.is_file())
            if not files:
                raise Unusable(f"{p}: a folder without any .json file")
            inputs += [load(f) for f in files]
        elif p.exists():
            inputs.append(load(p))
        else:
            raise Unusable(f"{p}: no such file or folder")
    return inputs


def label_reports(reports: list[Input]) -> None:
    """A host name per report; the file name where hosts repeat or are unknown."""
    hosts = [r.data["context"].get("host", {}).get("hostname") or "" for r in reports]
    for r, host in zip(reports, hosts):
        r.label = host if host and hosts.count(host) == 1 else r.path.stem


def model_key(r: Input) -> str:
    m = r.data["model"]
    shape = "x".join(str(v) for v in m.get("input_shape", []))
    hidden = "-".join(str(v) for v in m.get("hidden", []))
    return f"{m.get('name', '?')} (input {shape}, hidden {hidden}, {m.get('outputs', '?')} outputs)"


# --- figures ----------------------------------------------------------------------------------------


def plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "graviton-bench", "figure.dpi": 100,
                                "axes.grid": True, "grid.alpha": 0.3, "font.size": 9})
    return pyplot


COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
          "#17becf"]


def color_map(names):
    out = {}
    for n in names:
        if n not in out:
            out[n] = COLORS[len(out) % len(COLORS)]
    return out


@dataclass
class Chart:
    name: str  # file stem
    title: str
    png: bytes = b""
    svg: str = ""


@dataclass
class Section:
    title: str
    label: str
    charts: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # charts omitted, and why


def render(fig, name: str, title: str) -> Chart:
    pyplot = plt()
    png, svg = io.BytesIO(), io.StringIO()
    fig.savefig(png, format="png", bbox_inches="tight", metadata={"Software": None})
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    pyplot.close(fig)
    text = svg.getvalue()
    text = text[text.index("<svg"):]  # inline: no XML declaration or DOCTYPE
    return Chart(name, title, png.getvalue(), text)


def ok_rows(report: Input):
    rows = []
    for i, row in enumerate(report.data["comparison"]):
        if isinstance(row, dict) and row.get("status") == "ok":
            rows.append((i, row))
    return rows


def presets_in_order(rows):
    seen = []
    for _, row in rows:
        if row["preset"] not in seen:
            seen.append(row["preset"])
    return seen


def chart_time_vs_batch(report: Input) -> Chart:
    rows = ok_rows(report)
    if not rows:
        raise Missing("comparison[]: no (preset, batch) measured successfully")
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(6.4, 4.2))
    colors = color_map(presets_in_order(rows))
    for preset in colors:
        pts = []
        for i, row in rows:
            if row["preset"] != preset:
                continue
            s = get(row, "statistics_ns", where=f"comparison[{i}]")
            pts.append((get(row, "batch", where=f"comparison[{i}]"), get(s, "median") / 1e6,
                        get(s, "q1") / 1e6, get(s, "q3") / 1e6))
        pts.sort()
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
        ax.errorbar(xs, ys, yerr=err, marker="o", capsize=3, label=preset, color=colors[preset])
    ax.set_xscale("log")
    ax.set_yscale("log")
    batches = sorted({row["batch"] for _, row in rows})
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.minorticks_off()
    ax.set_xlabel("batch size")
    ax.set_ylabel("median time per forward (ms); bars: interquartile range")
    ax.set_title(f"{report.data['model'].get('name', '')} on {report.label}: time per forward")
    ax.legend(title="preset")
    return render(fig, "time-vs-batch", "Median time per forward against batch size")


def chart_speedup(report: Input) -> Chart:
    rows = [(i, r) for i, r in ok_rows(report) if r.get("speedup") is not None]
    if not rows:
        raise Missing("comparison[].speedup: no preset compared with a baseline (run two presets or more)")
    pyplot = plt()
    presets = presets_in_order(rows)
    colors = color_map(presets_in_order(ok_rows(report)))
    batches = sorted({r["batch"] for _, r in rows})
    width = 0.8 / len(presets)
    fig, ax = pyplot.subplots(figsize=(6.4, 4.2))
    for k, preset in enumerate(presets):
        xs, ys, lo, hi = [], [], [], []
        for i, r in rows:
            if r["preset"] != preset:
                continue
            ci = get(r, "speedup_ci95", where=f"comparison[{i}]")
            xs.append(batches.index(r["batch"]) + (k - (len(presets) - 1) / 2) * width)
            ys.append(r["speedup"])
            lo.append(r["speedup"] - ci[0])
            hi.append(ci[1] - r["speedup"])
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=preset, color=colors[preset])
    baseline = next((r["preset"] for _, r in ok_rows(report) if r.get("baseline")), "the baseline")
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_xticks(range(len(batches)), [f"batch {b}" for b in batches])
    ax.set_ylabel(f"speed-up over {baseline} (x); bars: the test's 95% interval")
    ax.set_title(f"{report.data['model'].get('name', '')} on {report.label}: speed-up over {baseline}")
    ax.legend(title="preset")
    return render(fig, "speedup", f"Speed-up over {baseline} per preset and batch")


def process_medians(report: Input):
    """{(preset, batch): [median of each repetition]} from runs[].results[]."""
    out = {}
    for i, run in enumerate(report.data["runs"]):
        preset = get(run, "preset", "name", where=f"runs[{i}]")
        for j, res in enumerate(run.get("results") or []):
            if res.get("status") != "ok":
                continue
            med = get(res, "statistics_ns", "median", where=f"runs[{i}].results[{j}]")
            out.setdefault((preset, res["batch"]), []).append(med / 1e6)
    return out


def chart_process_medians(report: Input) -> Chart:
    medians = process_medians(report)
    if not medians:
        raise Missing("runs[].results[].statistics_ns: no process measured a batch")
    # The line: the median of all the forwards of a (preset, batch), as the report's results table has it.
    pooled = {(r["preset"], r["batch"]): get(r, "statistics_ns", "median", where=f"comparison[{i}]") / 1e6
              for i, r in ok_rows(report)}
    pyplot = plt()
    batches = sorted({b for _, b in medians})
    presets = []
    for p, _ in medians:
        if p not in presets:
            presets.append(p)
    colors = color_map(presets)
    fig, axes = pyplot.subplots(1, len(batches), figsize=(max(4.0, 2.6 * len(batches)), 3.8), squeeze=False)
    for ax, batch in zip(axes[0], batches):
        for k, preset in enumerate(presets):
            ys = medians.get((preset, batch), [])
            n = len(ys)
            xs = [k + (0.3 * (m / max(1, n - 1)) - 0.15 if n > 1 else 0.0) for m in range(n)]
            ax.scatter(xs, ys, color=colors[preset], s=22, zorder=3)
            if (preset, batch) in pooled:
                ax.hlines(pooled[(preset, batch)], k - 0.3, k + 0.3, color="black", linewidth=1)
        ax.set_xticks(range(len(presets)), presets, rotation=30, ha="right")
        ax.set_title(f"batch {batch}")
        ax.set_ylabel("median of one process (ms)")
        ax.set_ylim(bottom=0)
    fig.suptitle(f"{report.label}: each dot one process's median, line the median of all forwards (the table's)")
    fig.tight_layout()
    return render(fig, "process-medians", "Per-process medians (process luck made visible)")


def chart_roofline(report: Input) -> Chart:
    peak = report.data["context"].get("peak")
    if not peak:
        raise Missing("context.peak: no peak figures (run 'graviton-bench peak' once on the host, or pass --peak)")
    rows = [(i, r) for i, r in ok_rows(report) if r.get("roofline")]
    if not rows:
        raise Missing("comparison[].roofline: no result carries a roofline")
    pyplot = plt()
    fp32 = get(peak, "fp32_gemm", "gflops", where="context.peak")
    bw = get(peak, "triad", "gbps", where="context.peak")
    bf16 = (peak.get("bf16_gemm") or {}).get("gflops")
    intens = [get(r, "roofline", "intensity_flop_per_byte", where=f"comparison[{i}]") for i, r in rows]
    lo = min(intens + [fp32 / bw]) / 4
    hi = max(intens + [(bf16 or fp32) / bw]) * 4
    xs = [lo * (hi / lo) ** (k / 200) for k in range(201)]
    fig, ax = pyplot.subplots(figsize=(6.4, 4.4))
    ax.plot(xs, [min(fp32, x * bw) for x in xs], color="black", linewidth=1.5,
            label=f"fp32 roof: {fp32:.0f} GFLOP/s, {bw:.1f} GB/s")
    if bf16:
        ax.plot(xs, [min(bf16, x * bw) for x in xs], color="black", linewidth=1, linestyle="--",
                label=f"bf16 roof: {bf16:.0f} GFLOP/s")
    colors = color_map(presets_in_order(ok_rows(report)))
    markers = "osD^v<>px*"
    batches = sorted({r["batch"] for _, r in rows})
    seen = set()
    for (i, r), x in zip(rows, intens):
        preset = r["preset"]
        lab = preset if preset not in seen else None
        seen.add(preset)
        ax.scatter([x], [get(r, "gflops", where=f"comparison[{i}]")], color=colors[preset],
                   marker=markers[batches.index(r["batch"]) % len(markers)], s=40, zorder=3, label=lab)
        ax.annotate(f"{r['batch']}", (x, r["gflops"]), textcoords="offset points", xytext=(5, -10), fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per byte of weights and activations)")
    ax.set_ylabel("GFLOP/s")
    ax.set_title(f"{report.label}: roofline (points labelled with their batch)")
    ax.legend(fontsize=7, loc="lower right")
    return render(fig, "roofline", "Roofline: every result against this host's peak")


def chart_distribution(report: Input) -> Chart:
    samples = {}
    for i, run in enumerate(report.data["runs"]):
        preset = get(run, "preset", "name", where=f"runs[{i}]")
        for j, res in enumerate(run.get("results") or []):
            if res.get("status") == "ok":
                s = get(res, "samples_ns", where=f"runs[{i}].results[{j}]")
                samples.setdefault((preset, res["batch"]), []).extend(v / 1e6 for v in s)
    if not samples:
        raise Missing("runs[].results[].samples_ns: no samples")
    pyplot = plt()
    batches = sorted({b for _, b in samples})
    presets = []
    for p, _ in samples:
        if p not in presets:
            presets.append(p)
    colors = color_map(presets)
    fig, axes = pyplot.subplots(1, len(batches), figsize=(max(4.0, 2.8 * len(batches)), 3.6), squeeze=False)
    for ax, batch in zip(axes[0], batches):
        for preset in presets:
            ys = sorted(samples.get((preset, batch), []))
            if ys:
                ax.step(ys, [(k + 1) / len(ys) for k in range(len(ys))], where="post", color=colors[preset],
                        label=preset)
        ax.set_title(f"batch {batch}")
        ax.set_xlabel("time per forward (ms)")
        ax.set_ylabel("fraction of forwards")
    axes[0][0].legend(fontsize=7)
    fig.suptitle(f"{report.label}: distribution of the timed forwards (ECDF)")
    fig.tight_layout()
    return render(fig, "distribution", "Sample distribution per preset (ECDF)")


def chart_change(comp: Input) -> Chart:
    rows = [(i, r) for i, r in enumerate(comp.data["rows"]) if isinstance(r, dict) and r.get("measured")]
    if not rows:
        raise Missing("rows[]: no (preset, batch) measured on both sides")
    pyplot = plt()
    labels, ys, lo, hi, colors = [], [], [], [], []
    palette = {"regression": "#d62728", "improvement": "#2ca02c"}
    for i, r in rows:
        change = 100 * get(r, "change", where=f"rows[{i}]")
        labels.append(f"{r['preset']} @ {r['batch']}")
        ys.append(change)
        low, high = r.get("ratio_low"), r.get("ratio_high")
        lo.append(change - 100 * (low - 1) if low is not None else 0)
        hi.append(100 * (high - 1) - change if high is not None else 0)
        colors.append(palette.get(r.get("verdict"), "#7f7f7f"))
    fig, ax = pyplot.subplots(figsize=(6.4, max(2.0, 0.5 * len(rows) + 1.2)))
    pos = list(range(len(rows)))
    ax.barh(pos, ys, xerr=[lo, hi], capsize=3, color=colors)
    ax.axvline(0, color="black", linewidth=1)
    threshold = comp.data.get("options", {}).get("threshold")
    if isinstance(threshold, (int, float)):
        for t in (threshold, -threshold):
            ax.axvline(t, color="black", linewidth=0.8, linestyle=":")
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    metric = comp.data.get("options", {}).get("metric", "median")
    ax.set_xlabel(f"change of the {metric}, candidate vs baseline (%); bars: 95% interval, dotted: threshold")
    ax.set_title("red: regression, green: improvement, grey: unchanged or not significant")
    return render(fig, "change", "Change per row, candidate against baseline")


REPORT_CHARTS = [chart_time_vs_batch, chart_speedup, chart_process_medians, chart_roofline, chart_distribution]


def charts_for(inp: Input, makers) -> Section:
    sec = Section(inp.label or inp.path.stem, inp.label or inp.path.stem)
    for make in makers:
        try:
            sec.charts.append(make(inp))
        except Missing as e:
            name = make.__name__.removeprefix("chart_").replace("_", " ")
            sec.notes.append(f"{name} chart omitted: {inp.name} has no {e}")
    return sec


# --- fleet --------------------------------------------------------------------------------------------


def fleet_rows(reports: list[Input]):
    """host x preset x batch, every figure as that host's report has it: the median, the speed-up over the
    report's baseline preset with its 95% interval (comparison[].speedup and speedup_ci95: the ratio of the
    processes' estimates, which the report's own tables show), GFLOP/s, % of the host's roofline bound."""
    out = []
    for r in reports:
        for i, row in ok_rows(r):
            where = f"{r.name}: comparison[{i}]"
            roof = row.get("roofline") or {}
            ci = row.get("speedup_ci95")
            out.append({"host": r.label, "cpu": r.data["context"].get("host", {}).get("cpu_model", ""),
                        "preset": get(row, "preset", where=where), "batch": get(row, "batch", where=where),
                        "median_ns": get(row, "statistics_ns", "median", where=where),
                        "baseline": row.get("baseline") is True, "speedup": row.get("speedup"),
                        "speedup_ci95": ci if isinstance(ci, list) and len(ci) == 2 else None,
                        "gflops": row.get("gflops"), "percent_of_bound": roof.get("percent_of_bound"),
                        "bound": roof.get("bound")})
    return out


def speedup_text(row) -> str:
    """A fleet row's speed-up as its report has it; where it has none, why."""
    if row["baseline"]:
        return "baseline"
    return "not compared" if row["speedup"] is None else f"{row['speedup']:.2f}x"


def chart_fleet(title: str, rows) -> Chart:
    """Per batch: the median time per forward of every host and preset, and below it each report's speed-up over
    its baseline with the report's 95% interval (when any row has one)."""
    pyplot = plt()
    batches = sorted({r["batch"] for r in rows})
    hosts = []
    presets = []
    for r in rows:
        if r["host"] not in hosts:
            hosts.append(r["host"])
        if r["preset"] not in presets:
            presets.append(r["preset"])
    colors = color_map(presets)
    compared = any(r["speedup"] is not None for r in rows)
    panels = 2 if compared else 1
    fig, axes = pyplot.subplots(panels, len(batches), figsize=(max(4.5, 3.2 * len(batches)), 4.0 * panels),
                                squeeze=False)
    width = 0.8 / len(presets)
    for b, batch in enumerate(batches):
        time_ax = axes[0][b]
        for k, preset in enumerate(presets):
            xs, ys = [], []
            for h, host in enumerate(hosts):
                m = [r["median_ns"] for r in rows if r["host"] == host and r["preset"] == preset and r["batch"] == batch]
                if m:
                    xs.append(h + (k - (len(presets) - 1) / 2) * width)
                    ys.append(m[0] / 1e6)
            time_ax.bar(xs, ys, width, color=colors[preset], label=preset)
        time_ax.set_xticks(range(len(hosts)), hosts, rotation=30, ha="right")
        time_ax.set_xlim(-0.5, len(hosts) - 0.5)
        time_ax.set_title(f"batch {batch}")
        time_ax.set_ylabel("median time per forward (ms)")
        if not compared:
            continue
        ax = axes[1][b]
        for k, preset in enumerate(presets):
            xs, ys, lo, hi = [], [], [], []
            for h, host in enumerate(hosts):
                for r in rows:
                    if r["host"] != host or r["preset"] != preset or r["batch"] != batch or r["baseline"]:
                        continue
                    x = h + (k - (len(presets) - 1) / 2) * width
                    if r["speedup"] is None:
                        ax.text(x, 1.0, "not compared", rotation=90, ha="center", va="bottom", fontsize=7)
                        continue
                    ci = r["speedup_ci95"] or [r["speedup"], r["speedup"]]
                    xs.append(x)
                    ys.append(r["speedup"])
                    lo.append(max(0.0, r["speedup"] - ci[0]))
                    hi.append(max(0.0, ci[1] - r["speedup"]))
            if xs:
                ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, color=colors[preset])
        ax.axhline(1.0, color="black", linewidth=1)
        ax.set_xticks(range(len(hosts)), hosts, rotation=30, ha="right")
        ax.set_xlim(-0.5, len(hosts) - 0.5)
        ax.set_ylim(bottom=0)
        ax.set_title(f"batch {batch}: speed-up")
        ax.set_ylabel("speed-up over baseline (x), 95% interval")
    axes[0][0].legend(fontsize=7, title="preset")
    fig.suptitle(f"fleet: {title}")
    fig.tight_layout()
    below = "; below, each report's speed-up over its baseline" if compared else ""
    return render(fig, "fleet", f"Fleet: {title}{below}")


# --- text helpers ---------------------------------------------------------------------------------------


def duration(ns) -> str:
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3f} {unit}"
    return f"{ns:.0f} ns"


def fmt(v, spec: str, suffix: str = "") -> str:
    return "-" if v is None else f"{v:{spec}}{suffix}"


def result_table(report: Input):
    header = ["preset", "batch", "reps", "median", "IQR", "samples/s", "GFLOP/s", "FLOP/B", "bound GFLOP/s",
              "% of bound", "speed-up", "95% CI", "verdict", "status"]
    body = []
    for row in report.data["comparison"]:
        if not isinstance(row, dict):
            continue
        st = row.get("statistics_ns") or {}
        roof = row.get("roofline") or {}
        ci = row.get("speedup_ci95")
        bound = roof.get("bound_gflops")
        body.append([
            str(row.get("preset", "?")), str(row.get("batch", "?")), str(row.get("repetitions", "-")),
            duration(st.get("median")), duration(st.get("iqr")), fmt(row.get("throughput_samples_per_s"), ".1f"),
            fmt(row.get("gflops"), ".1f"), fmt(roof.get("intensity_flop_per_byte"), ".1f"),
            "-" if bound is None else f"{bound:.0f} ({roof.get('bound', '?')}, {roof.get('ceiling', '?')})",
            fmt(roof.get("percent_of_bound"), ".0f", "%"),
            "baseline" if row.get("baseline") else fmt(row.get("speedup"), ".2f", "x"),
            f"[{ci[0]:.2f}, {ci[1]:.2f}]" if isinstance(ci, list) and len(ci) == 2 else "-",
            row.get("verdict") or "-",
            "ok" if row.get("status") == "ok" else f"failed: {row.get('error', '')}"])
    return header, body


def fleet_table(rows):
    header = ["host", "CPU", "preset", "batch", "median", "speed-up over baseline", "95% CI", "GFLOP/s",
              "% of peak (bound)"]
    body = [[r["host"], r["cpu"], r["preset"], str(r["batch"]), duration(r["median_ns"]), speedup_text(r),
             "-" if r["speedup_ci95"] is None else f"[{r['speedup_ci95'][0]:.2f}, {r['speedup_ci95'][1]:.2f}]",
             fmt(r["gflops"], ".1f"),
             "-" if r["percent_of_bound"] is None else f"{r['percent_of_bound']:.0f}% ({r['bound']})"]
            for r in rows]
    return header, body


def comparison_table(comp: Input):
    header = ["preset", "batch", "baseline", "candidate", "change", "95% CI", "p (deciding test)", "verdict", "note"]
    body = []
    metric = comp.data.get("options", {}).get("metric", "median")
    value = (lambda v: fmt(v, ".1f")) if metric == "throughput" else duration
    for r in comp.data["rows"]:
        if not isinstance(r, dict):
            continue
        lo, hi = r.get("ratio_low"), r.get("ratio_high")
        body.append([str(r.get("preset", "?")), str(r.get("batch", "?")), value(r.get("baseline")),
                     value(r.get("candidate")), fmt(None if r.get("change") is None else 100 * r["change"], "+.1f", "%"),
                     f"[{100 * (lo - 1):+.1f}%, {100 * (hi - 1):+.1f}%]" if lo is not None and hi is not None else "-",
                     fmt(r.get("p_value"), ".3g"), str(r.get("verdict", "-")), str(r.get("note") or "")])
    return header, body


def peak_lines(peak) -> list[str]:
    if not peak:
        return ["no peak figures in this report: run `graviton-bench peak` once on the host (the runs after it "
                "take the figures from its per-host cache), or pass `--peak FILE`"]
    lines = []
    fp = peak.get("fp32_gemm") or {}
    lines.append(f"fp32 GEMM {fmt(fp.get('gflops'), '.1f')} GFLOP/s ({fp.get('n')}x{fp.get('n')}, {fp.get('route')})")
    bf = peak.get("bf16_gemm")
    if bf:
        lines.append(f"bf16 GEMM {fmt(bf.get('gflops'), '.1f')} GFLOP/s ({bf.get('route')}); bf16 hardware: "
                     f"{peak.get('bf16_hardware')}")
    else:
        lines.append(f"bf16 GEMM not measured: {peak.get('bf16_hardware')}")
    tr = peak.get("triad") or {}
    lines.append(f"memory bandwidth {fmt(tr.get('gbps'), '.1f')} GB/s (STREAM triad, arrays of "
                 f"{(tr.get('bytes_per_array') or 0) // 2**20} MiB, last-level cache {(tr.get('llc_bytes') or 0) // 2**20} MiB)")
    lines.append(f"measured {peak.get('date')} on {peak.get('threads')} threads, load average "
                 f"{fmt(peak.get('load_average_before'), '.2f')} before, {fmt(peak.get('load_average_after'), '.2f')} after; "
                 f"source: {peak.get('source')}{' (' + peak['file'] + ')' if peak.get('file') else ''}")
    return lines


def context_facts(report: Input) -> list[tuple[str, str]]:
    ctx = report.data["context"]
    host = ctx.get("host") or {}
    tool = ctx.get("tool") or {}
    lt = next((r.get("libtorch") for r in report.data["runs"] if isinstance(r, dict) and r.get("libtorch")), {}) or {}
    settings = report.data.get("settings") or {}
    facts = [
        ("tool", f"{tool.get('name', '?')} {tool.get('version', '?')} ({tool.get('git_sha', '?')}), {ctx.get('date', '?')}"),
        ("command", " ".join(ctx.get("command_line") or [])),
        ("host", f"{host.get('hostname', '?')}: {host.get('cpu_model', '?')} ({host.get('arch', '?')}, "
                 f"{host.get('cores', '?')} cores), kernel {host.get('kernel', '?')}, THP {host.get('thp_mode', '?')}, "
                 f"load average {host.get('load_average_1m', '?')}"),
        ("ISA", " ".join(host.get("isa_features") or [])),
        ("LibTorch", f"{lt.get('version', '?')}, oneDNN {lt.get('onednn_version', '?')}, BLAS {lt.get('blas', '?')}, "
                     f"CPU capability {lt.get('cpu_capability', '?')}, {lt.get('threads', '?')} threads"),
        ("model", f"{model_key(report)}, {report.data['model'].get('parameters', '?')} parameters"),
        ("settings", f"warm-up {settings.get('warmup', '?')}, {settings.get('iterations', '?')} timed iterations, "
                     f"{settings.get('repetitions', '?')} repetitions, baseline {settings.get('baseline', '?')}"),
    ]
    return facts


def knob_rows(report: Input):
    return [[k.get("knob", "?"), k.get("verdict", "?"), k.get("reason", "")]
            for k in report.data["context"].get("knobs") or [] if isinstance(k, dict)]


def route_rows(report: Input):
    rows = []
    for run in report.data["runs"]:
        if not isinstance(run, dict) or run.get("repetition", 1) != 1:
            continue
        for b in (run.get("evidence") or {}).get("batches") or []:
            for r in b.get("routes") or []:
                impl = r.get("implementation") or ""
                rows.append([run.get("preset", {}).get("name", "?"), str(b.get("batch")),
                             f"{r.get('in_features')}->{r.get('out_features')}", r.get("backend", "?"),
                             impl, r.get("math") or ""])
    return rows


def profile_tables(report: Input):
    """(title, header, rows) for each preset and batch of the first repetition."""
    out = []
    for run in report.data["runs"]:
        if not isinstance(run, dict) or run.get("repetition", 1) != 1:
            continue
        for res in run.get("results") or []:
            table = ((res.get("profile") or {}).get("table")) or {}
            ops = table.get("ops") or []
            if not ops:
                continue
            header = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
            rows = [[op.get("name", "?") + (f" {op['input_shapes']}" if op.get("input_shapes") else ""),
                     fmt(op.get("self_cpu_percent"), ".2f", "%"), duration(1e3 * op.get("self_cpu_us", 0)),
                     fmt(op.get("cpu_total_percent"), ".2f", "%"), duration(1e3 * op.get("cpu_total_us", 0)),
                     duration(1e3 * op.get("cpu_avg_us", 0)), str(op.get("count", "?"))] for op in ops]
            title = (f"{run.get('preset', {}).get('name', '?')} @ batch {res.get('batch')}: self CPU time total "
                     f"{duration(1e3 * table.get('self_cpu_total_us', 0))}")
            out.append((title, header, rows))
    return out


# --- writers -----------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;
color:#222;padding:0 1em}h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #ccc;padding-bottom:.2em;
margin-top:2em}h3{font-size:1.1em}table{border-collapse:collapse;margin:.6em 0;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}figure{margin:1em 0}figcaption{font-size:.9em;color:#555}
figure svg{max-width:100%;height:auto}.note{color:#8a5300}details{margin:.4em 0}summary{cursor:pointer}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;font-size:.9em}dt{font-weight:600}dd{margin:0}
"""

NUMERIC = re.compile(r"^[-+\[]?[0-9.]")


def html_table(header, rows) -> str:
    e = html.escape
    out = ["<table><thead><tr>", *(f"<th>{e(h)}</th>" for h in header), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td class=\"n\">{e(c)}</td>" if NUMERIC.match(c) else f"<td>{e(c)}</td>"
                                    for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def md_table(header, rows) -> str:
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class Document:
    title: str
    blocks_html: list = field(default_factory=list)
    blocks_md: list = field(default_factory=list)
    charts: list = field(default_factory=list)  # (file stem, Chart)
    notes: list = field(default_factory=list)

    def heading(self, level: int, text: str):
        self.blocks_html.append(f"<h{level}>{html.escape(text)}</h{level}>")
        self.blocks_md.append("#" * level + " " + text)

    def para(self, text: str, cls: str = ""):
        c = f' class="{cls}"' if cls else ""
        self.blocks_html.append(f"<p{c}>{html.escape(text)}</p>")
        self.blocks_md.append(("> " if cls == "note" else "") + text)

    def table(self, header, rows, caption: str = ""):
        if caption:
            self.para(caption)
        self.blocks_html.append(html_table(header, rows))
        self.blocks_md.append(md_table(header, rows))

    def facts(self, facts):
        e = html.escape
        self.blocks_html.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>")
        self.blocks_md.append("\n".join(f"- **{k}**: {v}" for k, v in facts))

    def folded(self, summary: str, header, rows):
        self.blocks_html.append(f"<details><summary>{html.escape(summary)}</summary>{html_table(header, rows)}</details>")
        self.blocks_md.append(f"<details><summary>{html.escape(summary)}</summary>\n\n{md_table(header, rows)}\n\n</details>")

    def section(self, sec: Section, prefix: str):
        for chart in sec.charts:
            stem = f"{prefix}{chart.name}"
            self.charts.append((stem, chart))
            self.blocks_html.append(f"<figure>{chart.svg}<figcaption>{html.escape(chart.title)}</figcaption></figure>")
            self.blocks_md.append(f"![{chart.title}]({stem}.png)")
        for note in sec.notes:
            self.notes.append(note)
            self.para(note, "note")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "report"


def build(inputs: list[Input], title: str) -> Document:
    doc = Document(title)
    comps = [i for i in inputs if i.kind == "comparison"]
    reports = [i for i in inputs if i.kind == "report"]
    label_reports(reports)
    multi = len(reports) > 1 or len(comps) > 1 or (reports and comps)

    for n, comp in enumerate(comps):
        comp.label = comp.path.stem
        about = f"{comp.data['baseline'].get('about', '')} -> {comp.data['candidate'].get('about', '')}"
        doc.heading(2, f"Comparison {comp.label}: {comp.data.get('model', '')}")
        doc.para(f"baseline {comp.data['baseline'].get('file', '?')}, candidate {comp.data['candidate'].get('file', '?')}")
        doc.para(about)
        counts = comp.data.get("counts") or {}
        doc.para(("REGRESSION: " if comp.data.get("regressed") else "no regression: ") +
                 ", ".join(f"{v} {k}" for k, v in counts.items() if v))
        tests = sorted({r["test"] for r in comp.data["rows"] if isinstance(r, dict) and r.get("test")})
        if tests:
            doc.para("decided by " + "; ".join(tests))
        doc.table(*comparison_table(comp))
        doc.section(charts_for(comp, [chart_change]), f"{slug(comp.label)}-" if multi else "")

    if len(reports) > 1:
        groups = {}
        for r in reports:
            groups.setdefault(model_key(r), []).append(r)
        doc.heading(2, "Fleet")
        if len(groups) > 1:
            doc.para(f"{len(reports)} reports of {len(groups)} different models: one fleet view per model "
                     "(results of different models are not comparable).", "note")
        for key, group in groups.items():
            doc.heading(3, f"{key}: {', '.join(r.label for r in group)}")
            rows = fleet_rows(group)
            if not rows:
                doc.para(f"fleet chart omitted: no report of {key} has a successful result", "note")
                continue
            doc.table(*fleet_table(rows), caption="Each speed-up is its report's own, over that report's baseline "
                      "preset: the ratio of the processes' estimates, with the report's 95% interval.")
            notes = [] if any(r["speedup"] is not None for r in rows) else [
                f"fleet speed-up panels omitted: no report of {key} compared a preset with its baseline"]
            doc.section(Section(key, key, [chart_fleet(key, rows)], notes), f"fleet-{slug(key)}-")

    for r in reports:
        doc.heading(2, f"{r.label}: {r.data['model'].get('name', '?')}" + (f" ({r.name})" if multi else ""))
        doc.facts(context_facts(r))
        doc.heading(3, "Peak and roofline")
        for line in peak_lines(r.data["context"].get("peak")):
            doc.para(line)
        doc.heading(3, "Results")
        doc.table(*result_table(r))
        knobs = knob_rows(r)
        if knobs:
            doc.heading(3, "Knob verdicts on this host")
            doc.table(["knob", "verdict", "reason"], knobs)
        routes = route_rows(r)
        if routes:
            doc.heading(3, "Evidence: who served each layer")
            doc.table(["preset", "batch", "layer", "backend", "implementation", "math"], routes)
        doc.heading(3, "Charts")
        doc.section(charts_for(r, REPORT_CHARTS), f"{slug(r.label)}-" if multi else "")
        tables = profile_tables(r)
        if tables:
            doc.heading(3, "Operator tables (PyTorch profiler)")
            for t, header, rows in tables:
                doc.folded(t, header, rows)
    return doc


def write_atomically(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if isinstance(data, bytes) else "w", **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep the charts from a web server or a colleague
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write(doc: Document, out: Path, html_path: Path, md_path: Path | None) -> list[Path]:
    written = []
    for stem, chart in doc.charts:
        for ext, data in (("png", chart.png), ("svg", chart.svg)):
            p = out / f"{stem}.{ext}"
            write_atomically(p, data)
            written.append(p)
    body = "\n".join(doc.blocks_html)
    page = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(doc.title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{html.escape(doc.title)}</h1>\n{body}\n</body></html>\n")
    write_atomically(html_path, page)
    written.append(html_path)
    if md_path is not None:
        md = f"# {doc.title}\n\n" + "\n\n".join(doc.blocks_md) + "\n"
        if md_path.parent.resolve() != out.resolve():
            rel = os.path.relpath(out, md_path.parent)
            md = re.sub(r"\]\(([^)/]+\.png)\)", lambda m: f"]({rel}/{m.group(1)})", md)
        write_atomically(md_path, md)
        written.append(md_path)
    return written


class Parser(argparse.ArgumentParser):
    def error(self, message):
        """A bad command line: one line naming what is wrong, exit 2."""
        self.exit(EXIT_USAGE, f"report: error: {message} (see scripts/report --help)\n")


def main(argv: list[str]) -> int:
    ap = Parser(
        prog="scripts/report",
        description="Plots (PNG and SVG), a self-contained HTML report and a markdown report from graviton-bench "
                    "JSON reports and comparisons; several reports become a fleet view, grouped by model.",
        epilog="Exit codes: 0 written, 2 bad command line, 5 an output cannot be written, 11 an input cannot be "
               "used (not JSON, truncated, over graviton-bench's limits for a report, NaN or Infinity, another "
               "schema or a newer schema_version). A chart whose data a report lacks is left out with a note.")
    ap.add_argument("inputs", nargs="*", metavar="INPUT", help="report or comparison JSON files, or folders of them")
    ap.add_argument("-o", "--out", default="graviton-bench-report", help="folder for the charts, report.html and "
                    "report.md (default: %(default)s)")
    ap.add_argument("--html", help="write the HTML here instead of OUT/report.html")
    ap.add_argument("--markdown", help="write the markdown here instead of OUT/report.md (its PNG links point into OUT)")
    ap.add_argument("--no-markdown", action="store_true", help="no markdown report")
    ap.add_argument("--title", default="graviton-bench report", help="title of the HTML and markdown reports")
    args = ap.parse_args(argv)
    if not args.inputs:  # after the options, so that an unknown one is named first
        ap.error("no INPUT: give reports, comparisons or folders of them")
    try:
        inputs = collect(args.inputs)
    except Unusable as e:
        print(f"report: error: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    out = Path(args.out)
    try:
        doc = build(inputs, args.title)
    except Missing as e:
        print(f"report: error: a report lacks {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    for note in doc.notes:
        print(f"report: note: {note}", file=sys.stderr)
    html_path = Path(args.html) if args.html else out / "report.html"
    md_path = None if args.no_markdown else (Path(args.markdown) if args.markdown else out / "report.md")
    try:
        written = write(doc, out, html_path, md_path)
    except OSError as e:
        print(f"report: error: cannot write {e.filename or out}: {e.strerror}; choose a writable --out",
              file=sys.stderr)
        return EXIT_OUTPUT
    print(f"report: wrote {html_path}" + (f", {md_path}" if md_path else "") +
          f" and {len(doc.charts)} charts (PNG and SVG) in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
