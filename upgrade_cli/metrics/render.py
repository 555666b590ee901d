"""The metrics comparison as a console table, JSON, Markdown or a self-contained HTML page with inline SVG."""

from __future__ import annotations

import html
from typing import Any, Sequence

from rich.console import Console
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat
from upgrade_cli.metrics.compare import BETTER, NO_DATA, TAIL, VERDICT_ORDER, WORSE

COLOURS = {WORSE: "red", TAIL: "yellow", BETTER: "green"}


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "Bytes" or unit == "Bytes/Second":
        for size, name in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
            if abs(value) >= size:
                return f"{value / size:.2f} {name}" + ("/s" if unit == "Bytes/Second" else "")
        return f"{value:.0f} B"
    if unit == "Seconds":
        return f"{value * 1000:.3f} ms"
    if unit == "Milliseconds":
        return f"{value:.3f} ms"
    if unit == "Percent":
        return f"{value:.1f} %"
    return f"{value:.3g}"


def _pct(change: float | None) -> str:
    return "-" if change is None else f"{change:+.1%}"


def label(r: dict[str, Any]) -> str:
    lowest = ", lowest instance" if r.get("level") == "instance" else ""
    return r["metric"] + (f" ({r['role']}{lowest})" if r["role"] else "")


def _cells(r: dict[str, Any]) -> list[str]:
    b, a = r["before"] or {}, r["after"] or {}
    return [label(r), fmt_value(b.get("median"), r["unit"]), fmt_value(a.get("median"), r["unit"]),
            _pct(r["median_change"]), fmt_value(b.get("p95"), r["unit"]), fmt_value(a.get("p95"), r["unit"]),
            _pct(r["p95_change"]), r["verdict"]]


HEADERS = ["metric", "blue median", "green median", "change", "blue p95", "green p95", "change", "verdict"]


def windows_line(data: dict[str, Any]) -> str:
    b, a = data["before"], data["after"]
    return (f"blue {b['cluster']} {b['start']} → {b['end']} vs green {a['cluster']} {a['start']} → {a['end']}, "
            f"{data['period_s']}s period, noise band ±{data['band']:.0%}")


def summary_line(data: dict[str, Any]) -> str:
    s = data["summary"]
    counts = ", ".join(f"{s[v]} {v}" for v in VERDICT_ORDER if s.get(v)) or "no series"
    if s.get("series") and not s.get("series_with_data"):
        return f"NO DATA: none of the {s['series']} series has datapoints in both windows ({counts})"
    return counts


def render_console(data: dict[str, Any], console: Console) -> None:
    rows = []
    for r in (r for r in data["results"] if r["verdict"] != NO_DATA):
        cells: list[Any] = _cells(r)
        cells[-1] = Text(cells[-1], style=COLOURS.get(r["verdict"], ""))
        rows.append(cells)

    def line(c: Sequence[Any]) -> Text:  # the verdict right after the metric: what a reader (or grep) looks for
        return Text(f"{c[0]}: ") + c[7] + Text(f"; median blue {c[1]} / green {c[2]} ({c[3]}); "
                                              f"p95 blue {c[4]} / green {c[5]} ({c[6]})")

    layout.table(console, Text.assemble(("metrics compare", "bold"), f": {windows_line(data)}"), HEADERS, rows, line,
                 right=HEADERS[1:-1])
    if no_data_line(data):
        console.print(no_data_line(data), style="magenta", highlight=False, markup=False)
    for note in data.get("notes", []):
        console.print(f"note: {note}", style="magenta", highlight=False, markup=False)
    console.print(summary_line(data), highlight=False, style=None if data["summary"].get("series_with_data") else "bold red")


def no_data_line(data: dict[str, Any]) -> str:
    """Series without datapoints in a window, named in one line (shown, never counted as unchanged)."""
    missing = [label(r) for r in data["results"] if r["verdict"] == NO_DATA]
    return f"No datapoints in one or both windows ({len(missing)}): {', '.join(missing)}" if missing else ""


def md_table(data: dict[str, Any]) -> list[str]:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for r in (r for r in data["results"] if r["verdict"] != NO_DATA):
        cells = _cells(r)
        if r["verdict"] in (WORSE, TAIL):
            cells[-1] = f"**{cells[-1]}**"
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_markdown(data: dict[str, Any]) -> str:
    return "\n".join(["# Server metrics: blue vs green", "", windows_line(data), "", summary_line(data), "",
                      *md_table(data), "", no_data_line(data), *(f"- note: {n}" for n in data.get("notes", [])), "",
                      f"Metric definitions: {data['source']}", ""])


def series_svg(r: dict[str, Any], width: int = 560, height: int = 140) -> str:
    """Both windows' series on one time axis (offset from each window's start): blue before, green after."""
    before, after = r["series"]["before"], r["series"]["after"]
    values = [v for _, v in before + after]
    times = [t for t, _ in before + after]
    if not values:
        return ""
    lo, hi = min(0.0, min(values)), max(values)
    hi = hi if hi > lo else lo + 1
    tmax = max(times) or 1
    left, right, top, bottom = 70, width - 10, 10, height - 25

    def xy(t: float, v: float) -> str:
        return f"{left + t / tmax * (right - left):.1f},{bottom - (v - lo) / (hi - lo) * (bottom - top):.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{html.escape(label(r))}: blue before, green after">',
             f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">{html.escape(fmt_value(hi, r["unit"]))}</text>',
             f'<text x="{left - 4}" y="{bottom}" font-size="10" text-anchor="end">{html.escape(fmt_value(lo, r["unit"]))}</text>',
             f'<text x="{right}" y="{height - 8}" font-size="10" text-anchor="end">+{tmax / 60:.0f} min</text>']
    for name, points, colour in (("blue", before, "#1f6feb"), ("green", after, "#2da44e")):
        if points:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                         f'points="{" ".join(xy(t, v) for t, v in points)}"><title>{name}</title></polyline>')
    parts.append("</svg>")
    return "".join(parts)


STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#1f2328}"
         "table{border-collapse:collapse;margin:.5em 0;max-width:100%}"
         "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px;overflow-wrap:anywhere}p.missing{background:#fbefff;padding:.5em}"
         "td.n{text-align:right}tr.bad{background:#ffebe9}tr.good{background:#dafbe1}"
         "code{font-size:12px}.chart{display:inline-block;margin:0 1em 1em 0}.chart h4{margin:.2em 0}")


def html_body(data: dict[str, Any], heading: str = "h2") -> str:
    """The table and one chart per series that moved or has no verdict of 'unchanged' (for embedding too)."""
    esc = html.escape
    rows = []
    for r in (r for r in data["results"] if r["verdict"] != NO_DATA):
        cls = {WORSE: "bad", TAIL: "bad", BETTER: "good"}.get(r["verdict"], "")
        cells = _cells(r)
        rows.append(f'<tr class="{cls}"><td>{esc(cells[0])}</td>'
                    + "".join(f'<td class="n">{esc(c)}</td>' for c in cells[1:-1]) + f"<td>{esc(cells[-1])}</td></tr>")
    charts = [f'<div class="chart"><h4>{esc(label(r))}: {esc(r["verdict"])}</h4>{series_svg(r)}</div>'
              for r in data["results"] if r["verdict"] in (WORSE, TAIL, BETTER)]
    return (f"<p>{esc(windows_line(data))}<br>{esc(summary_line(data))}</p>"
            "<table><tr>" + "".join(f"<th>{h}</th>" for h in HEADERS) + "</tr>" + "".join(rows) + "</table>"
            + (f'<p class="missing">{esc(no_data_line(data))}</p>' if no_data_line(data) else "")
            + "".join(f'<p class="missing">note: {esc(n)}</p>' for n in data.get("notes", []))
            + (f"<{heading}>Series that moved (blue line before, green after)</{heading}>" + "".join(charts)
               if charts else ""))


def render_html(data: dict[str, Any]) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>metrics: blue vs green</title>'
            f"<style>{STYLE}</style></head><body><h1>Server metrics: blue vs green</h1>{html_body(data)}"
            f'<p><small>Metric definitions: {html.escape(data["source"])}</small></p></body></html>\n')


COMPARISON: Kind[dict[str, Any]] = Kind("metrics comparison", console=render_console,
                                        text={OutputFormat.md: render_markdown, OutputFormat.html: render_html},
                                        summary=summary_line)
