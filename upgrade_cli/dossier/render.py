"""The dossier as one self-contained HTML page (inline CSS and SVG, no script, no external resource),
Markdown for the change ticket, and JSON (declared once: :data:`DOSSIER`)."""

from __future__ import annotations

import html
from typing import Any

from rich.console import Console

from upgrade_cli import judges
from upgrade_cli.bench.render import latency_svg
from upgrade_cli.dossier.build import GO, NO_GO
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat, md_text
from upgrade_cli.metrics import render as metrics_render

SECTIONS = (("precheck", "Precheck"), ("params", "Parameter groups for 8.0"), ("timeline", "Blue/green timeline"),
            ("bench", "Bench: blue vs green queries"), ("metrics", "Server metrics: blue vs green"))
FLAGS = {"precheck": "--precheck", "params": "--params", "timeline": "--deployment", "bench": "--bench",
         "metrics": "--metrics"}
esc = html.escape


def render_console(doc: dict[str, Any], console: Console) -> None:
    """The verdict and its reasons (the files hold the rest)."""
    console.print(f"{doc['verdict']}: {len(doc['reasons'])} reason(s)", markup=False)
    for r in doc["reasons"]:
        console.print(f"  {r['level']}: {r['text']}", markup=False, soft_wrap=True)


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

STYLE = (metrics_render.STYLE +
         "h1{margin-bottom:.2em}.verdict{font-size:2em;font-weight:700;padding:.3em .6em;display:inline-block;"
         "border-radius:6px}.v-go{background:#dafbe1;color:#116329}.v-nogo{background:#ffebe9;color:#a40e26}"
         ".v-risk{background:#fff8c5;color:#7d4e00}li.no-go{color:#a40e26}li.risk{color:#7d4e00}li.note{color:#57606a}"
         "section{border-top:1px solid #d0d7de;margin-top:1.5em}p.missing{font-weight:600}small{color:#57606a}")


def _table(headers: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    body = "".join(f'<tr class="{esc(classes[i]) if classes else ""}">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                   for i, row in enumerate(rows))
    return "<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + f"</tr>{body}</table>"


def counts_svg(counts: dict[str, int], width: int = 420) -> str:
    """Findings by severity as horizontal bars."""
    colours = {"error": "#cf222e", "warning": "#bf8700", "notice": "#0969da"}
    top = max([counts.get(k, 0) for k in colours] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="84" viewBox="0 0 {width} 84" '
             'role="img" aria-label="precheck findings by severity">']
    for i, (sev, colour) in enumerate(colours.items()):
        n = counts.get(sev, 0)
        w = n / top * (width - 140)
        parts.append(f'<text x="0" y="{18 + i * 26}" font-size="12">{sev}</text>'
                     f'<rect x="70" y="{6 + i * 26}" width="{w:.1f}" height="16" fill="{colour}"/>'
                     f'<text x="{76 + w:.1f}" y="{18 + i * 26}" font-size="12">{n}</text>')
    return "".join(parts) + "</svg>"


def _precheck_html(p: dict[str, Any]) -> str:
    rows = [[esc(b["severity"]), f"<code>{esc(b['check_id'])}</code>", esc(b["where"]), esc(b["message"])]
            for b in p["blocking"][:200]]
    more = f"<p>… and {len(p['blocking']) - 200} more</p>" if len(p["blocking"]) > 200 else ""
    state = "complete" if p["complete"] else f"INCOMPLETE: {p['incomplete_reason']}"
    return (f"<p>{esc(p['path'])} ({esc(p['kind'])} {esc(p['tool_version'] or '')}), scan of {esc(p['source'] or '?')}, "
            f"{esc(state)}. Target version: <b>{esc(p['target_version'] or 'not recorded in the report')}</b>.</p>"
            f"{counts_svg(p['counts'])}"
            + (f"<p>Crashed checks (result unknown): {esc(', '.join(p['crashed_checks']))}</p>" if p["crashed_checks"] else "")
            + ("<h3>Blocking findings</h3>" + _table(["severity", "check", "where", "message"], rows) + more
               if rows else "<p>No finding at or above the report's --fail-on level.</p>"))


def _params_html(p: dict[str, Any]) -> str:
    out = [f"<p>Plan for cluster <b>{esc(p['cluster'])}</b>: {esc(', '.join(p['groups']))}.</p>"]
    out += [f"<p><b>BLOCKER</b>: {esc(b)}</p>" for b in p["blockers"]]
    if p["renames"]:
        out.append("<h3>Renamed in 8.0</h3>" + _table(["5.7 name", "8.0 name", "group"], [
            [f"<code>{esc(r['old'])}</code>", f"<code>{esc(r['new'])}</code>", esc(r["group"])] for r in p["renames"]]))
    if p["drops"]:
        out.append("<h3>Dropped (not valid in 8.0)</h3>" + _table(["parameter", "value", "where", "why"], [
            [f"<code>{esc(d['name'])}</code>", esc(d["value"]), esc(d["where"]), esc(d["why"])] for d in p["drops"]]))
    out.append("<h3>Carried into the 8.0 groups</h3>" + (_table(["group", "parameter", "value", "apply", "from"], [
        [esc(c["group"]), f"<code>{esc(c['name'])}</code>", esc(c["value"]), esc(c["apply_method"]), esc(c["origin"])]
        for c in p["changes"]]) if p["changes"] else "<p>No custom settings to carry.</p>"))
    out += [f"<p><small>note: {esc(n)}</small></p>" for n in p["notes"]]
    return "".join(out)


def _timeline_html(t: dict[str, Any]) -> str:
    src = [f"journal {t['journal']}" if t["journal"] else "no journal found"]
    src.append(f"{t['rds_events']} RDS event(s)" if t["rds_events"] is not None else f"RDS events not read: {t['events_error']}")
    rows, classes = [], []
    for i in t["items"]:
        gates = "".join(f"<br><small>{esc(g['gate'])}: <b>{esc(g['status'])}</b> {esc(g['detail'])}</small>"
                        for g in i["gates"])
        rows.append([esc(i["at"] or ""), esc(i["source"]), esc(i["what"]), esc(i["detail"]) + gates])
        classes.append("bad" if any(g["status"] in ("fail", "overridden") for g in i["gates"]) or
                       i["what"].endswith(" failed") else "")
    return (f"<p>Deployment <b>{esc(t['deployment'])}</b>: {esc('; '.join(src))}.</p>"
            + "".join(f"<p>Cost: {esc(c)}</p>" for c in t.get("extended_support") or ())
            + (_table(["time (UTC)", "source", "step / event", "detail and gate evidence"], rows, classes)
               if rows else '<p class="missing">MISSING: no journal step or RDS event for this deployment.</p>'))


def _bench_html(b: dict[str, Any]) -> str:
    s = b["summary"]
    out = [f"<p>{esc(b['path'])}: blue {esc(b['blue'] or '?')} vs green {esc(b['green'] or '?')}; "
           f"{s.get('shapes', '?')} shapes, {s.get('statements', '?')} statements, {b['failing']} failing"
           + ("" if b["complete"] else ", <b>run incomplete</b>") + ".</p>"]
    if b["regressions"]:
        out.append("<h3>Regressions (green slower)</h3>")
        for r in b["regressions"]:
            out.append(f'<div class="chart"><h4><code>{esc(r["digest"][:16])}</code> {esc(r["detail"])}</h4>'
                       f"<p><code>{esc(r['query'][:300])}</code></p>{latency_svg(list(r['blue_ms']), list(r['green_ms']))}</div>")
    else:
        out.append("<p>No latency regression.</p>")
    if b["differences"]:
        out.append("<h3>Differences</h3>" + _table(["kind", "digest", "detail"], [
            [esc(d["kind"]), f"<code>{esc(d['digest'][:16])}</code>", esc(d["detail"])] for d in b["differences"]]))
    return "".join(out)


def _covered(v: dict[str, Any]) -> list[str]:
    """One row of "what each input covered": judge, its verdict, scope, target, measured, not run."""
    c = v["covered"]
    measured = (f"{c['measured']} of {c['of']} {c['unit']}" if c["of"] is not None else f"{c['measured']} {c['unit']}"
                ) if c["measured"] is not None else "not stated"
    not_run = f"{len(c['not_run'])}: " + ", ".join(c["not_run"][:6]) + (" …" if len(c["not_run"]) > 6 else "") \
        if c["not_run"] else "none"
    return [v["judge"], v["status"], c["scope"] or "?", c["target"] or "not recorded", measured, not_run]


COVERED_HEADERS = ["input", "judge says", "scope", "target", "measured / ran", "not run"]


def rules_html() -> str:
    """The verdict rules, generated from ``judges`` (the same text as docs/dossier.md)."""
    top = _table(["verdict", "when"], [[f"<b>{esc(v)}</b>", esc(w)] for v, w in judges.DOSSIER_RULES])
    each = _table(["judge says", "rule"], [[esc(r.level), esc(r.when) + f" <small>({esc(r.id)})</small>"]
                                           for r in judges.RULES.values()])
    return (f'<footer id="rules"><h2>How this verdict is decided</h2>{top}<p>Each judge (the switchover gates call '
            "the same ones) says block or risk by these rules; a status, verdict or phase a judge does not know is "
            f"never a pass.</p>{each}</footer>")


def render_html(doc: dict[str, Any]) -> str:
    v = doc["verdict"]
    cls = {GO: "v-go", NO_GO: "v-nogo"}.get(v, "v-risk")
    reasons = "".join(f'<li class="{esc(r["level"])}">{esc(r["level"].upper())}: {esc(r["text"])}'
                      + (f' <small>({esc(r["input"])}: <code>{esc(r["field"])}</code>)</small>' if r["field"] else "")
                      + "</li>" for r in doc["reasons"]) or "<li>every input given, nothing blocking, no risk found</li>"
    covered = ("<h3>What each input covered</h3>" + _table(COVERED_HEADERS, [
        [esc(x) for x in _covered(v)] for v in doc["judges"].values()]) if doc["judges"] else "")
    body = {"precheck": _precheck_html, "params": _params_html, "timeline": _timeline_html, "bench": _bench_html,
            "metrics": lambda m: metrics_render.html_body(m, "h3")}
    sections = []
    for key, title in SECTIONS:
        data = doc[key]
        inner = (body[key](data) if data is not None else
                 f'<p class="missing">MISSING: not given ({FLAGS[key]}). Not shown is not passed.</p>')
        sections.append(f'<section id="{key}"><h2>{esc(title)}</h2>{inner}</section>')
    title = f"Upgrade dossier{': ' + doc['deployment'] if doc['deployment'] else ''}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<style>{STYLE}</style></head><body><h1>{esc(title)}</h1>'
            f'<section id="verdict"><p class="verdict {cls}">{esc(v)}</p><ul>{reasons}</ul>'
            f'<p><small>Generated {esc(doc["generated_at"])} by aurora-upgrade dossier from: '
            f'{esc(", ".join(f"{k}={p}" for k, p in doc["inputs"].items() if p) or "no input")}</small></p>{covered}</section>'
            + "".join(sections) + rules_html() + "</body></html>\n")


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: dict[str, Any]) -> str:
    out = [f"# Upgrade dossier{': ' + doc['deployment'] if doc['deployment'] else ''}", "",
           f"## Verdict: **{doc['verdict']}**", ""]
    out += [f"- {r['level'].upper()}: {md_text(r['text'])}" + (f" ({_md(r['input'])}: `{r['field']}`)" if r["field"] else "")
            for r in doc["reasons"]] or ["- nothing blocking, no risk found"]
    if doc["judges"]:
        out += ["", "| " + " | ".join(COVERED_HEADERS) + " |", "|" + "---|" * len(COVERED_HEADERS)]
        out += ["| " + " | ".join(_md(x) for x in _covered(v)) + " |" for v in doc["judges"].values()]
    for key, title in SECTIONS:
        data = doc[key]
        out += ["", f"## {title}", ""]
        if data is None:
            out.append(f"**MISSING**: not given ({FLAGS[key]}). Not shown is not passed.")
            continue
        if key == "precheck":
            c = data["counts"]
            out += [f"{data['path']}: {c['error']} errors, {c['warning']} warnings, {c['notice']} notices; "
                    f"target version {data['target_version'] or 'not recorded'}; "
                    + ("complete" if data["complete"] else f"INCOMPLETE ({data['incomplete_reason']})"), ""]
            out += ["| severity | check | where | message |", "|---|---|---|---|"]
            out += [f"| {b['severity']} | `{_md(b['check_id'])}` | {md_text(b['where'])} | {md_text(b['message'])} |"
                    for b in data["blocking"][:200]]
        elif key == "params":
            out += [f"- **BLOCKER**: {md_text(b)}" for b in data["blockers"]]
            out += [f"- renamed: `{r['old']}` → `{r['new']}` ({r['group']})" for r in data["renames"]]
            out += [f"- dropped: `{d['name']}`={_md(d['value'])} ({_md(d['where'])}): {_md(d['why'])}" for d in data["drops"]]
            out += [f"- {c['group']}: `{c['name']}` = {_md(c['value'])} ({c['apply_method']})" for c in data["changes"]]
        elif key == "timeline":
            out += ["| time (UTC) | source | step / event | detail |", "|---|---|---|---|"]
            for i in data["items"]:
                gates = "; ".join(f"{g['gate']}: {g['status']}" for g in i["gates"])
                out.append(f"| {i['at']} | {i['source']} | {_md(i['what'])} | {_md(i['detail'])} {_md(gates)} |")
            if data["rds_events"] is None:
                out.append(f"\nRDS events not read: {_md(data['events_error'])}")
            out += [f"\nCost: {_md(c)}" for c in data.get("extended_support") or ()]
        elif key == "bench":
            out += [f"- regression `{r['digest'][:16]}`: {_md(r['detail'])}" for r in data["regressions"]]
            out += [f"- {d['kind']} `{d['digest'][:16]}`: {_md(d['detail'])}" for d in data["differences"]]
            if not data["regressions"] and not data["differences"]:
                out.append("No regression or difference.")
        else:
            out += [metrics_render.windows_line(data), "", *metrics_render.md_table(data), "",
                    metrics_render.no_data_line(data)]
    out += ["", "## How this verdict is decided", "", judges.rules_markdown().rstrip()]
    return "\n".join(out) + "\n"



DOSSIER: Kind[dict[str, Any]] = Kind("dossier", console=render_console,
                                     text={OutputFormat.html: render_html, OutputFormat.md: render_markdown})
FILES = {"dossier.html": OutputFormat.html, "dossier.md": OutputFormat.md, "dossier.json": OutputFormat.json}
