"""serve reports (graviton-bench serve --json) in scripts/report: each host's throughput-vs-p99 curves, one line
per split, and over several machines the instance types ranked by cost per million inferences at the p99 target,
with each host's curve in one chart. report.py calls add_to() with itself, for its document, charts and tables."""

from __future__ import annotations

SERVE_SCHEMA = "graviton-bench-serve"
SCHEMA_VERSION = 1


def split_name(s: dict) -> str:
    return f"{s.get('processes', '?')}x{s.get('threads', '?')}"


def value(figure) -> float | None:
    return figure.get("value") if isinstance(figure, dict) else None


def interval(figure):
    ci = figure.get("ci95") if isinstance(figure, dict) else None
    return ci if isinstance(ci, list) and len(ci) == 2 else None


def curves(data: dict) -> dict:
    """split -> its points as (throughput, p99 ms or None when unbounded, meets the target, load), by throughput."""
    out = {}
    for s in data.get("splits") or []:
        pts = []
        for p in s.get("points") or []:
            latency = p.get("latency_ms") or {}
            pts.append((value(p.get("throughput")) or 0.0, value(latency.get("p99")), p.get("meets_target"),
                        p.get("load")))
        out[split_name(s)] = sorted(pts, key=lambda t: t[0])
    return out


def best_of(data: dict):
    """The report's own answer: its recommendation (the split, served/s, samples/s, p99 and interval, cost)."""
    rec = data.get("recommendation")
    if not isinstance(rec, dict):
        return None
    return {"split": f"{rec.get('processes')}x{rec.get('threads')}", "throughput": rec.get("throughput"),
            "samples_per_s": rec.get("samples_per_s"), "p99": value(rec.get("p99_ms")),
            "p99_ci": interval(rec.get("p99_ms")), "cost": rec.get("cost_per_million"), "line": rec.get("line", "")}


def chart_curves(r, inp):
    """Throughput against p99 latency, a line per split, the target as a horizontal line, the answer circled."""
    data = inp.data
    lines = curves(data)
    if not any(p[1] is not None for pts in lines.values() for p in pts):
        raise r.Missing("splits[].points[].latency_ms.p99 (no load completed)")
    pyplot = r.plt()
    fig, ax = pyplot.subplots(figsize=(7, 4.2))
    colors = r.color_map(list(lines))
    for name, pts in lines.items():
        # The line joins the open loops (arrivals at a rate, the queue they build); a closed loop's peak is a
        # point of another kind (no more than N in flight), drawn apart.
        opened = [p for p in pts if p[1] is not None and p[3] == "open"]
        ax.plot([p[0] for p in opened], [p[1] for p in opened], "-o", color=colors[name], label=name, markersize=4)
        for p in pts:
            if p[3] == "closed" and p[1] is not None:
                ax.plot([p[0]], [p[1]], "s", color=colors[name], markersize=7, fillstyle="none")
    target = (data.get("settings") or {}).get("target_ms")
    if target:
        ax.axhline(target, color="black", linestyle="--", linewidth=1, label=f"p99 target {target:g} ms")
    best = best_of(data)
    if best and best["p99"] is not None:
        ax.plot([best["throughput"]], [best["p99"]], "o", markersize=14, fillstyle="none", color="black",
                label=f"answer: {best['split']}")
    ax.set_yscale("log")
    ax.set_xlabel("throughput (requests/s)")
    ax.set_ylabel("p99 latency (ms, log)")
    settings = data.get("settings") or {}
    ax.set_title(f"{inp.label or inp.path.stem}: {data['model'].get('name', '?')}, batch {settings.get('batch', '?')}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return r.render(fig, "serve-curves", "Throughput against p99 latency per split: the line joins the open loops "
                                         "(Poisson arrivals), the squares are closed-loop peaks, the ring the answer")


def point_table(data: dict):
    header = ["split", "load", "offered/s", "served/s", "p50 ms", "p90 ms", "p99 ms", "95% CI", "p99.9 ms",
              "service p50 ms", "queue p99 ms", "within target", "load avg", "note"]
    rows = []
    for s in data.get("splits") or []:
        for p in s.get("points") or []:
            lat = p.get("latency_ms") or {}
            ci = interval(lat.get("p99"))
            load = f"closed, {p.get('concurrency')} in flight" if p.get("load") == "closed" else "open"
            rows.append([split_name(s), load, "-" if p.get("rate") is None else f"{p['rate']:.1f}",
                         f"{value(p.get('throughput')) or 0:.1f}", *(ms(value(lat.get(k))) for k in ("p50", "p90", "p99")),
                         f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "-", ms(value(lat.get("p99.9"))),
                         ms((p.get("service_ms") or {}).get("p50")), ms((p.get("queue_ms") or {}).get("p99")),
                         {True: "yes", False: "no"}.get(p.get("meets_target"), "-"),
                         f"{p.get('load_average', 0):.1f}", p.get("stopped") or ""])
    return header, rows


def ms(v) -> str:
    return "unbounded" if v is None else f"{v:.3f}" if v < 10 else f"{v:.1f}"


def facts(inp) -> list[tuple[str, str]]:
    data = inp.data
    ctx = data["context"]
    host = ctx.get("host") or {}
    st = data.get("settings") or {}
    cond = data.get("conditions") or {}
    price = st.get("price_per_hour")
    return [("command", " ".join(ctx.get("command_line") or [])),
            ("host", f"{host.get('hostname', '?')}: {host.get('cpu_model', '?')} ({host.get('arch', '?')}, "
                     f"{host.get('cores', '?')} cores); instance type {st.get('instance_type') or 'unknown'}"),
            ("preset", f"{(st.get('preset') or {}).get('name', '?')}, batch {st.get('batch', '?')}, splits "
                       f"{', '.join(st.get('splits') or [])}, mode {st.get('mode', '?')}"),
            ("target", "none" if st.get("target_ms") is None else f"p99 within {st['target_ms']:g} ms"),
            ("price", "none" if price is None else f"{st.get('currency', 'USD')} {price:g} per hour ({st.get('price_source')})"),
            ("load", f"load average {cond.get('load_average_start', 0):.1f} at the start, "
                     f"{cond.get('load_average_end', 0):.1f} at the end; other work on these CPUs "
                     f"{100 * cond.get('other_load_during', 0):.0f}% during the run")]


def ranking(serves, prices: dict) -> list[dict]:
    """Every report's answer, cheapest per million inferences first (a price from the report, else from the prices
    table by instance type); reports without a price, then without an answer, last."""
    rows = []
    for inp in serves:
        st = inp.data.get("settings") or {}
        best = best_of(inp.data)
        itype = st.get("instance_type") or ""
        price, source = st.get("price_per_hour"), "report"
        if price is None and itype in prices:
            price, source = prices[itype], "--prices"
        cost = None
        if best and best.get("cost") is not None and source == "report":
            cost = best["cost"]  # the report's own
        elif best and price is not None and best.get("samples_per_s"):
            cost = price / (best["samples_per_s"] * 3600) * 1e6
        rows.append({"host": inp.label, "instance_type": itype or "unknown",
                     "cpu": (inp.data["context"].get("host") or {}).get("cpu_model", ""), "best": best,
                     "price": price, "price_source": source if price is not None else "none", "cost": cost,
                     "curve": curves(inp.data).get(best["split"]) if best else None,
                     "currency": st.get("currency", "USD")})
    return sorted(rows, key=lambda x: (x["best"] is None, x["cost"] is None, x["cost"] or 0,
                                       -((x["best"] or {}).get("samples_per_s") or 0)))


def ranking_table(rows):
    header = ["rank", "host", "instance type", "CPU", "split", "served/s", "inferences/s", "p99 ms", "95% CI",
              "price/h", "per million inferences"]
    body = []
    for i, x in enumerate(rows, 1):
        b = x["best"] or {}
        ci = b.get("p99_ci")
        body.append([str(i), x["host"], x["instance_type"], x["cpu"], b.get("split", "none within the target"),
                     "-" if not b else f"{b['throughput']:.1f}", "-" if not b else f"{b['samples_per_s']:.1f}",
                     ms(b.get("p99")) if b else "-", f"[{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "-",
                     "-" if x["price"] is None else f"{x['currency']} {x['price']:g} ({x['price_source']})",
                     "no price" if x["cost"] is None else f"{x['currency']} {x['cost']:.3f}"])
    return header, body


def chart_fleet(r, title: str, rows, target):
    """Each host's open-loop curve of its answer's split: throughput (requests/s) against p99."""
    pyplot = r.plt()
    fig, ax = pyplot.subplots(figsize=(7, 4.2))
    colors = r.color_map([x["host"] for x in rows])
    drawn = 0
    for x in rows:
        pts = [p for p in x["curve"] or [] if p[1] is not None and p[3] == "open"]
        if not pts:
            continue
        drawn += 1
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "-o", color=colors[x["host"]], markersize=4,
                label=f"{x['host']} ({x['instance_type']}, {x['best']['split']})")
    if not drawn:
        pyplot.close(fig)
        raise r.Missing("a recommendation with a curve")
    if target:
        ax.axhline(target, color="black", linestyle="--", linewidth=1, label=f"p99 target {target:g} ms")
    ax.set_yscale("log")
    ax.set_xlabel("throughput (requests/s)")
    ax.set_ylabel("p99 latency (ms, log)")
    ax.set_title(f"fleet: {title}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return r.render(fig, "serve", f"Fleet: {title}: each host's throughput against p99 for its answer's split")


def group_key(inp) -> str:
    st = inp.data.get("settings") or {}
    target = st.get("target_ms")
    return (f"{inp.data['model'].get('name', '?')}, batch {st.get('batch', '?')}, "
            + ("no p99 target" if target is None else f"p99 within {target:g} ms"))


def add_to(doc, serves, r, prices: dict, multi: bool) -> None:
    """The serve part of a page: a fleet ranking per (model, batch, target) when there are several, then each
    report's facts, answer, points and curves."""
    r.label_reports(serves)
    if len(serves) > 1:
        groups = {}
        for inp in serves:
            groups.setdefault(group_key(inp), []).append(inp)
        doc.heading(2, "Serving fleet: cheapest within the target")
        for key, group in groups.items():
            rows = ranking(group, prices)
            doc.heading(3, key)
            doc.table(*ranking_table(rows), caption="Each host's answer as its report gives it: the split of the "
                      "highest throughput within the p99 target; ranked by cost per million inferences (samples).")
            target = (group[0].data.get("settings") or {}).get("target_ms")
            sec = r.Section(key, key)
            try:
                sec.charts.append(chart_fleet(r, key, rows, target))
            except r.Missing as e:
                sec.notes.append(f"fleet serving chart omitted: no report of {key} has {e}")
            doc.section(sec, f"fleet-{r.slug(key)}-")
    for inp in serves:
        doc.heading(2, f"{inp.label}: serving {inp.data['model'].get('name', '?')}" + (f" ({inp.name})" if multi else ""))
        doc.facts(facts(inp))
        best = best_of(inp.data)
        if best:
            doc.para(f"answer: {best['split']} at {best['throughput']:.1f} requests/s ({best['samples_per_s']:.1f} "
                     f"inferences/s), p99 {ms(best['p99'])} ms" +
                     ("" if best["cost"] is None else f", {best['cost']:.3f} per million inferences"))
            doc.para(best["line"])
        else:
            doc.para("no answer: no split served a load within the target", "note")
        doc.table(*point_table(inp.data))
        sec = r.Section(inp.label, inp.label)
        try:
            sec.charts.append(chart_curves(r, inp))
        except r.Missing as e:
            sec.notes.append(f"serve curves chart omitted: {inp.name} has no {e}")
        doc.section(sec, f"{r.slug(inp.label)}-" if multi else "")


def read_prices(path) -> dict:
    """A prices file as graviton-bench serve --prices reads it: instance type to a positive price per hour."""
    import json
    import math

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"--prices {path}: cannot be read as JSON ({e})") from None
    if not isinstance(data, dict) or not data:
        raise ValueError(f"--prices {path}: expected an object of instance type to price per hour in USD, e.g. "
                         '{"c7g.xlarge": 0.145}')
    for itype, price in data.items():
        if isinstance(price, bool) or not isinstance(price, (int, float)) or not price > 0 or not math.isfinite(price):
            raise ValueError(f"--prices {path}: {itype}: {json.dumps(price)} is not a price; give the on-demand price "
                             "per hour in USD, a positive number such as 0.145")
    return {k: float(v) for k, v in data.items()}
