"""The comparison (``compare.compare`` data) as a console table, JSON, Markdown or one self-contained HTML page
(declared once: :data:`COMPARISON`)."""

from __future__ import annotations

import html
import math
from typing import Any, Sequence

from rich.console import Console
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.bench.compare import INCONCLUSIVE, VERDICT_OF, fewest_pairs
from upgrade_cli.bench.workload import Workload
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat

FINDING_TITLES = {
    "regression": "Regressions (green slower, interval and floor agree)",
    "result_differs": "Result differences",
    "order_differs": "Row order differences (deterministic ORDER BY)",
    "error_one_side": "Errors on one side only",
    "error_differs": "Different errors",
    "warnings_differ": "Warning differences",
    "plan_change": "Plan changes (EXPLAIN)",
    "faster": "Faster on green",
    "unstable": "Not compared: the answer is not defined (info)",
    "error_both": "Errors on both sides (info)",
}


def _ms(stats: dict[str, Any] | None, key: str) -> str:
    return "-" if not stats else f"{stats[key]:.3f}"


def _ratio(shape: dict[str, Any]) -> str:
    if shape["ratio"] is None:
        return "-"
    return f"{shape['ratio']:.2f} [{shape['ci'][0]:.2f}–{shape['ci'][1]:.2f}]"


def _short(text: str | None, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _by_kind(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in data["findings"]:
        groups.setdefault(f["kind"], []).append(f)
    return groups


def _replayed(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Shapes with at least one replayed statement (fully skipped ones are summed up in skipped_reasons)."""
    return [s for s in data["shapes"] if s["statements"]]


def skipped_line(data: dict[str, Any]) -> str:
    reasons = data["summary"]["skipped_reasons"]
    if not reasons:
        return "nothing skipped"
    return "skipped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]))


def summary_line(data: dict[str, Any]) -> str:
    s = data["summary"]
    nothing = ("NOTHING MEASURED: no statement ran on both sides without an error, so this comparison "
               "shows nothing about green; " if not s["measured"] else "")
    return (f"{nothing}{s['shapes']} shapes, {s['statements']} statements replayed ({s['measured']} measured on "
            f"both sides), {s['skipped']} skipped; "
            f"{s['regressions']} regressions, {s['result_differences']} result differences, "
            f"{s['errors_one_side']} one-side errors, {s['warning_differences']} warning differences, "
            f"{s['plan_changes']} plan changes, {s['faster']} faster, {s['inconclusive']} inconclusive")


def verdict_text(shape: dict[str, Any]) -> str:
    """The verdict, the other differences behind it, and what would settle an inconclusive latency."""
    text = shape["verdict"] + "".join(f" + {VERDICT_OF[d]}" for d in shape["differences"][1:])
    if shape["latency"] == INCONCLUSIVE:
        what = "" if shape["verdict"] == INCONCLUSIVE else "latency inconclusive, "
        text += f" ({what}needs {shape['samples_needed']} samples a side)"
    return text


def remeasure_line(data: dict[str, Any]) -> str:
    """How to take the samples the inconclusive shapes need, or '' when there are none."""
    n = data["summary"]["inconclusive"]
    if not n:
        return ""
    return (f"{n} shapes are inconclusive: too few samples to call them the same or different. Re-measure just "
            "those: bench run --workload W --blue B --green G --from-compare THIS.json -o more.jsonl, then "
            "bench compare RESULTS.jsonl more.jsonl")


VERDICT_CLASS = {**{v: "bad" for v in VERDICT_OF.values()}, INCONCLUSIVE: "unsure", "not measured": "unsure",
                 "improved": "good"}


# --------------------------------------------------------------------------------------------
def render_console(data: dict[str, Any], console: Console, max_examples: int = 5) -> None:
    run = data["run"]
    colours = {"bad": "red", "unsure": "yellow", "good": "green"}
    headers = ("digest", "query", "stmts", "blue p50", "blue p95", "green p50", "green p95", "ratio [CI]", "verdict")
    rows = []
    for shape in _replayed(data):
        verdict = Text(verdict_text(shape), style=colours.get(VERDICT_CLASS.get(shape["verdict"], ""), ""))
        rows.append([shape["digest"][:16], " ".join(shape["fingerprint"].split()), str(shape["statements"]),
                     _ms(shape["blue"], "p50_ms"), _ms(shape["blue"], "p95_ms"), _ms(shape["green"], "p50_ms"),
                     _ms(shape["green"], "p95_ms"), _ratio(shape), verdict])

    def line(r: Sequence[Any]) -> Text:  # the verdict first: the one word a reader (or grep) looks for
        return (Text(f"{r[0]} ") + r[8] + Text(f": {r[2]} stmts; p50 blue {r[3]} / green {r[5]} ms, p95 blue {r[4]} / "
                                                f"green {r[6]} ms; ratio {r[7]}"))

    layout.table(console, Text.assemble(("bench compare", "bold"), f": blue {run['blue']['address']} "
                                        f"({run['blue']['version']}) vs green {run['green']['address']} "
                                        f"({run['green']['version']})"),
                 headers, rows, line, details=lambda r: [("query", r[1])],
                 right=("stmts", "blue p50", "blue p95", "green p50", "green p95"))
    for kind, items in _by_kind(data).items():
        console.print()
        console.print(Text(f"{FINDING_TITLES.get(kind, kind)}: {len(items)}", style="bold"))
        for f in items[:max_examples]:
            layout.item(console, f"{f['digest'][:16]} {f['detail']}")
            layout.detail(console, "sql", " ".join((f["sql"] or "").split()), style="dim")
        if len(items) > max_examples:
            layout.item(console, f"and {len(items) - max_examples} more (see --format json)")
    console.print()
    console.print(skipped_line(data), markup=False)
    if remeasure_line(data):
        console.print(remeasure_line(data), markup=False, style="yellow")
    console.print(summary_line(data), markup=False, style="bold red" if not data["summary"]["measured"] else None)


# --------------------------------------------------------------------------------------------
def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(data: dict[str, Any], max_examples: int = 10) -> str:
    run = data["run"]
    lines = ["# Benchmark: blue vs green", "",
             f"- blue: `{run['blue']['address']}` ({run['blue']['version']})",
             f"- green: `{run['green']['address']}` ({run['green']['version']})",
             f"- regression rule: the {data['options']['confidence']:.0%} interval of green/blue is above "
             f"{data['options']['threshold']:g} and p50 differs by more than {data['options']['floor_ms']:g} ms; "
             f"same only with at least {fewest_pairs(data['options']['confidence'])} lock-step pairs and an interval "
             "that rules out such a difference either way, else inconclusive",
             f"- {summary_line(data)}", f"- {skipped_line(data)}",
             *([f"- {remeasure_line(data)}"] if remeasure_line(data) else []), "",
             "| digest | query | stmts | blue p50 ms | blue p95 ms | green p50 ms | green p95 ms | ratio [CI] | verdict |",
             "|---|---|---:|---:|---:|---:|---:|---|---|"]
    for s in _replayed(data):
        lines.append("| " + " | ".join(_md_cell(x) for x in (
            f"`{s['digest'][:16]}`", _short(s["fingerprint"], 80), s["statements"], _ms(s["blue"], "p50_ms"),
            _ms(s["blue"], "p95_ms"), _ms(s["green"], "p50_ms"), _ms(s["green"], "p95_ms"), _ratio(s),
            f"**{verdict_text(s)}**" if VERDICT_CLASS.get(s["verdict"]) == "bad" else verdict_text(s))) + " |")
    for kind, items in _by_kind(data).items():
        lines += ["", f"## {FINDING_TITLES.get(kind, kind)}: {len(items)}", ""]
        for f in items[:max_examples]:
            lines.append(f"- `{f['digest'][:16]}` {_md_cell(f['detail'])}  ")
            lines.append(f"  `{_md_cell(_short(f['sql'], 160))}`")
        if len(items) > max_examples:
            lines.append(f"- … and {len(items) - max_examples} more")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
def latency_svg(blue: list[float], green: list[float], width: int = 640, height: int = 120) -> str:
    """A strip chart of every repetition on a log axis, with each side's median marked."""
    values = [v for v in blue + green if v > 0]
    if not values:
        return ""
    lo, hi = math.log10(min(values)), math.log10(max(values))
    if hi - lo < 0.3:
        lo, hi = lo - 0.15, hi + 0.15
    left, right = 60, width - 20

    def x(v: float) -> float:
        return left + (math.log10(max(v, 1e-6)) - lo) / (hi - lo) * (right - left)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="latency per repetition, log scale">',
             f'<line x1="{left}" y1="{height - 25}" x2="{right}" y2="{height - 25}" stroke="#888"/>']
    for exp in range(math.floor(lo), math.ceil(hi) + 1):
        for mult in (1, 2, 5):
            v = mult * 10 ** exp
            if lo <= math.log10(v) <= hi:
                parts.append(f'<line x1="{x(v):.1f}" y1="{height - 28}" x2="{x(v):.1f}" y2="{height - 22}" stroke="#888"/>'
                             f'<text x="{x(v):.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{v:g} ms</text>')
    for label, vals, y, colour in (("blue", blue, 30, "#1f6feb"), ("green", green, 65, "#2da44e")):
        parts.append(f'<text x="5" y="{y + 4}" font-size="12">{label}</text>')
        for i, v in enumerate(vals):
            jitter = (i * 7919 % 13) - 6
            parts.append(f'<circle cx="{x(v):.1f}" cy="{y + jitter}" r="2.5" fill="{colour}" fill-opacity="0.5"/>')
        if vals:
            med = sorted(vals)[len(vals) // 2]
            parts.append(f'<line x1="{x(med):.1f}" y1="{y - 10}" x2="{x(med):.1f}" y2="{y + 10}" stroke="#000" '
                         f'stroke-width="2"><title>{label} median {med:.3f} ms</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(data: dict[str, Any]) -> str:
    esc = html.escape
    run = data["run"]
    rows = []
    for s in _replayed(data):
        cls = VERDICT_CLASS.get(s["verdict"], "")
        rows.append(f'<tr class="{cls}"><td><code>{esc(s["digest"][:16])}</code></td><td>{esc(_short(s["fingerprint"], 100))}</td>'
                    f'<td class="n">{s["statements"]}</td><td class="n">{_ms(s["blue"], "p50_ms")}</td>'
                    f'<td class="n">{_ms(s["blue"], "p95_ms")}</td><td class="n">{_ms(s["green"], "p50_ms")}</td>'
                    f'<td class="n">{_ms(s["green"], "p95_ms")}</td><td>{esc(_ratio(s))}</td><td>{esc(verdict_text(s))}</td></tr>')
    charts = []
    for s in data["shapes"]:
        if s["latency"] != "regression":
            continue
        charts.append(f'<section><h3><code>{esc(s["digest"][:16])}</code> ratio {esc(_ratio(s))}</h3>'
                      f'<p><code>{esc(_short(s["example_sql"], 300))}</code></p>'
                      f'{latency_svg(s["chart"]["blue_ms"], s["chart"]["green_ms"])}</section>')
    sections = []
    for kind, items in _by_kind(data).items():
        lis = "".join(f'<li><code>{esc(f["digest"][:16])}</code> {esc(f["detail"])}<br><small><code>'
                      f'{esc(_short(f["sql"], 300))}</code></small></li>' for f in items[:50])
        more = f"<li>… and {len(items) - 50} more</li>" if len(items) > 50 else ""
        sections.append(f"<h2>{esc(FINDING_TITLES.get(kind, kind))}: {len(items)}</h2><ul>{lis}{more}</ul>")
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}td.n{text-align:right}"
             "tr.bad{background:#ffebe9}tr.good{background:#dafbe1}tr.unsure{background:#fff8c5}code{font-size:12px}")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bench: blue vs green</title>'
            f"<style>{style}</style></head><body><h1>Benchmark: blue vs green</h1>"
            f"<p>blue <code>{esc(run['blue']['address'])}</code> ({esc(str(run['blue']['version']))}) — green "
            f"<code>{esc(run['green']['address'])}</code> ({esc(str(run['green']['version']))})</p>"
            f"<p>{esc(summary_line(data))}<br>{esc(skipped_line(data))}"
            + (f"<br>{esc(remeasure_line(data))}" if remeasure_line(data) else "") + "</p>"
            "<table><tr><th>digest</th><th>query</th><th>stmts</th><th>blue p50 ms</th><th>blue p95 ms</th>"
            "<th>green p50 ms</th><th>green p95 ms</th><th>ratio [CI]</th><th>verdict</th></tr>"
            + "".join(rows) + "</table>"
            + ("<h2>Latency of regressed queries</h2>" + "".join(charts) if charts else "")
            + "".join(sections) + "</body></html>\n")


COMPARISON: Kind[dict[str, Any]] = Kind("bench comparison", console=render_console,
                                        text={OutputFormat.md: render_markdown, OutputFormat.html: render_html},
                                        summary=summary_line)


def workload_summary(workload: Workload) -> str:
    samples = sum(len(q.samples) for q in workload.queries)
    return f"captured {len(workload.queries)} query shapes ({samples} sample statements) from {workload.origin_detail}"


WORKLOAD: Kind[Workload] = Kind("bench workload", console=None, json=lambda w: w.to_dict(), summary=workload_summary)
