"""The fleet view rendered four ways from one :class:`FleetReport` (:data:`FLEET`): console, JSON, CSV and one
HTML page; and the outcome of ``fleet precheck`` (:data:`PRECHECKS`).

The JSON is the documented, versioned format (``docs/fleet-format.md``); CSV is one row per cluster for a
spreadsheet; the HTML page is self-contained (inline CSS and one small inline script that sorts the
table by a clicked column, or by ``#sort=COLUMN`` in the address) so a platform lead can mail it around.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any, Sequence

from rich.console import Console
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat
from upgrade_cli.fleet.readiness import INCOMPLETE, NOT_READY, READY
from upgrade_cli.fleet.waves import FleetReport, Row

STYLE = {READY: "green", NOT_READY: "red", INCOMPLETE: "yellow"}


def money(usd: float | None) -> str:
    return "unknown" if usd is None else f"${usd:,.2f}"


def _support(r: Row) -> str:
    ends = r.support_ends
    return f"{r.support} to {ends}" if ends else r.support


def _readiness(r: Row) -> str:
    rd = r.readiness
    text = rd.verdict
    if rd.age_days is not None:
        text += f" ({rd.age_days}d{', stale' if rd.stale else ''})"
    return text


def _blockers(r: Row, most: int = 0) -> str:
    parts = list(r.readiness.blockers)
    if most and len(parts) > most:
        parts = parts[:most] + [f"{len(parts) - most} more"]
    p = r.cluster.params
    if p and p.errors:
        parts.append(f"params {p.group}: {len(p.errors)} error(s)")
    elif p and p.note:
        parts.append(f"params {p.group}: not read")
    return ", ".join(parts)


def _wave(r: Row) -> str:
    if r.wave is None:
        return "-"
    return f"{r.wave} (tag)" if r.wave_reason.startswith("tag ") else str(r.wave)


def _headline(rep: FleetReport) -> list[str]:
    total, unknown = rep.total_monthly()
    lines = [f"{len(rep.rows)} aurora-mysql clusters in {len(rep.accounts)} account(s) and {len(rep.regions)} "
             f"Region(s), as of {rep.as_of}",
             f"Extended Support, estimated: {money(total)} a month"
             + (f" (+ {unknown} cluster(s) not estimated)" if unknown else "")]
    by = rep.counts("support")
    lines.append("support: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())) +
                 " · readiness: " + ", ".join(f"{k} {v}" for k, v in sorted(rep.counts("readiness").items())))
    for f in rep.failures:
        lines.append(f"PARTIAL: account {f.account}{' Region ' + f.region if f.region else ''} not read: {f.error}")
    return lines


def render_console(rep: FleetReport, console: Console) -> None:
    for n, line in enumerate(_headline(rep)):
        if line.startswith("PARTIAL"):
            layout.item(console, line, style="red")
        else:
            console.print(Text(line, style="bold" if n == 0 else ""))
    for note in rep.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    rows: list[list[Any]] = []
    for r in rep.rows:
        c = r.cluster
        notes = ", ".join(x for x in [_blockers(r, most=4)] + [f"blue/green {b['name']} {b['status']}"
                                                               for b in c.bluegreen] if x)
        rows.append([str(r.order or ""), _wave(r), c.account, c.region, Text(c.cluster, style="bold"),
                     c.engine_version.split("mysql_aurora.")[-1], _support(r), str(r.cost.vcpus or "?"),
                     money(r.cost.usd_per_month), Text(_readiness(r), style=STYLE.get(r.readiness.verdict, "")), notes,
                     r])

    def row_line(row: Sequence[Any]) -> Text:
        r, c = row[-1], row[-1].cluster
        first = f"{r.order}. wave {_wave(r)} " if r.order else "no wave: "
        return Text(first) + Text(c.cluster, style="bold") + Text(
            f" ({c.account} {c.region}) {c.engine_version}, {_support(r)}, {r.cost.vcpus or '?'} vCPU, "
            f"{money(r.cost.usd_per_month)}/month, ") + Text(_readiness(r), style=STYLE.get(r.readiness.verdict, ""))

    def details(row: Sequence[Any]) -> list[tuple[str, str]]:
        r = row[-1]
        return [("blockers", _blockers(r, most=4))] + [("blue/green", f"{b['name']} {b['status']}")
                                                       for b in r.cluster.bluegreen]

    layout.table(console, "proposed order", ("#", "wave", "account", "region", "cluster", "Aurora", "support", "vCPU",
                                             "$/month", "readiness", "blockers, blue/green"), rows, row_line, details,
                 right=("#", "vCPU", "$/month"), below=("blockers, blue/green",))
    waves = rep.by_wave()
    if waves:
        console.print(Text("cost by wave (a month, estimated)", style="bold"))
        for w, info in waves.items():
            unknown = f" + {info['unknown_cost']} not estimated" if info["unknown_cost"] else ""
            layout.item(console, f"wave {w} ({info['meaning']}): {info['clusters']} cluster(s), {info['vcpus']} vCPU, "
                                 f"{money(info['monthly_usd'])}{unknown}")
    foot = layout.Footnotes()
    console.print(Text(foot.cite(f"prices: {rep.price_source}")), soft_wrap=False)
    console.print(Text(foot.cite(f"lifecycle: {rep.lifecycle_source}")), soft_wrap=False)
    foot.print(console)


CSV_COLUMNS = ("order", "wave", "account", "region", "cluster", "engine_version", "major", "instances", "vcpus",
               "support", "support_ends", "extended_support_year", "extended_support_monthly_usd", "readiness",
               "blockers", "report_age_days", "report_stale", "production", "bluegreen", "params_errors", "wave_reason")


def render_csv(rep: FleetReport) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for r in rep.rows:
        d = r.to_dict()
        d["blockers"] = " ".join(d["blockers"])
        d["bluegreen"] = " ".join(f"{b['name']}:{b['status']}" for b in d["bluegreen"])
        d["params_errors"] = len(d["params"]["errors"]) if d["params"] else ""
        out.writerow(["" if d[k] is None else d[k] for k in CSV_COLUMNS])
    return buf.getvalue()


_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;
vertical-align:top;overflow-wrap:anywhere}td.nw{white-space:nowrap}th{background:#f2f2f2;cursor:pointer;white-space:nowrap}td.n{text-align:right}
.READY{color:#1a7f37;font-weight:600}.NOTREADY{color:#cf222e;font-weight:600}.INCOMPLETE{color:#9a6700;
font-weight:600}.partial{background:#ffebe9;border:1px solid #cf222e;padding:.5em}.big{font-size:1.3em}
.src{color:#555;font-size:.9em}"""

# Sorts the cluster table by a clicked header (again: descending) or by #sort=COLUMN[-desc] on load.
_JS = """(function(){var t=document.getElementById('clusters');if(!t)return;var b=t.tBodies[0];
function key(td){var v=td.getAttribute('data-v');var n=parseFloat(v);return isNaN(n)?v:n;}
function sort(i,desc){var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var a=key(x.cells[i]),
c=key(y.cells[i]);var r=(typeof a==='number'&&typeof c==='number')?a-c:String(a).localeCompare(String(c));
return desc?-r:r;});rows.forEach(function(r){b.appendChild(r);});t.setAttribute('data-sorted',
t.tHead.rows[0].cells[i].getAttribute('data-k')+(desc?'-desc':''));}
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){
var d=th.getAttribute('data-desc')==='1';sort(i,!d);th.setAttribute('data-desc',d?'0':'1');});});
var m=/sort=([a-z_]+)(-desc)?/.exec(location.hash);if(m){Array.prototype.forEach.call(t.tHead.rows[0].cells,
function(th,i){if(th.getAttribute('data-k')===m[1])sort(i,!!m[2]);});}})();"""

_HTML_COLUMNS = (("order", "#"), ("wave", "wave"), ("account", "account"), ("region", "Region"),
                 ("cluster", "cluster"), ("engine_version", "engine version"), ("support", "support"),
                 ("support_ends", "support ends"), ("vcpus", "vCPU"),
                 ("extended_support_monthly_usd", "Extended Support a month"), ("readiness", "readiness"),
                 ("blockers", "blockers"), ("report_age_days", "report age (days)"), ("bluegreen", "blue/green"))


def render_html(rep: FleetReport) -> str:
    e = html.escape
    total, unknown = rep.total_monthly()
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Aurora MySQL fleet</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>Aurora MySQL fleet: {len(rep.rows)} clusters, as of {e(str(rep.as_of))}</h1>",
           f"<p class='big' id='total'>Extended Support, estimated: <b>{e(money(total))}</b> a month"
           + (f" (+ {unknown} not estimated)" if unknown else "") + "</p>",
           f"<p>{len(rep.accounts)} account(s): {e(', '.join(rep.accounts))} · Region(s): {e(', '.join(rep.regions))}"
           f" · readiness: {e(', '.join(f'{k} {v}' for k, v in sorted(rep.counts('readiness').items())))}</p>"]
    if rep.failures:
        out.append("<div class='partial' id='partial'><b>Partial: not everything could be read.</b><ul>")
        out += [f"<li>account {e(f.account)}{' Region ' + e(f.region) if f.region else ''}: {e(f.error)}</li>"
                for f in rep.failures]
        out.append("</ul></div>")
    out.append("<h2>Cost by wave</h2><table id='waves'><thead><tr><th>wave</th><th>meaning</th><th>clusters</th>"
               "<th>vCPU</th><th>a month</th></tr></thead><tbody>")
    for w, info in rep.by_wave().items():
        unknown_w = f" + {info['unknown_cost']} not estimated" if info["unknown_cost"] else ""
        out.append(f"<tr><td>{w}</td><td>{e(info['meaning'])}</td><td class='n'>{info['clusters']}</td>"
                   f"<td class='n'>{info['vcpus']}</td><td class='n'>{e(money(info['monthly_usd']) + unknown_w)}</td></tr>")
    out.append("</tbody></table><h2>Clusters, in the proposed order</h2><p class='src'>Click a column to sort.</p>")
    out.append("<table id='clusters'><thead><tr>" + "".join(f"<th data-k='{k}'>{e(label)}</th>"
                                                            for k, label in _HTML_COLUMNS) + "</tr></thead><tbody>")
    for r in rep.rows:
        d = r.to_dict()
        cells = {**d, "readiness": _readiness(r), "blockers": _blockers(r), "bluegreen": ", ".join(f"{b['name']} {b['status']}"
                                                                        for b in d["bluegreen"]),
                 "extended_support_monthly_usd": money(d["extended_support_monthly_usd"])}
        sort_values = {**d, "extended_support_monthly_usd": d["extended_support_monthly_usd"]
                       if d["extended_support_monthly_usd"] is not None else -1,
                       "order": d["order"] if d["order"] is not None else 99999,
                       "wave": d["wave"] if d["wave"] is not None else 99}
        row = []
        for k, _label in _HTML_COLUMNS:
            shown = "-" if cells.get(k) in (None, "") else str(cells[k])
            cls = f" class='{d['readiness'].replace(' ', '')}'" if k == "readiness" else (
                " class='n'" if k in ("order", "vcpus", "extended_support_monthly_usd", "report_age_days") else
                " class='nw'" if k in ("account", "region", "support_ends") else "")
            row.append(f"<td{cls} data-v='{e(str(sort_values.get(k) if sort_values.get(k) is not None else ''))}'>"
                       f"{e(shown)}</td>")
        out.append(f"<tr id='c-{e(d['account'])}-{e(d['region'])}-{e(d['cluster'])}'>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    out.append(f"<p class='src'>Estimates: {e(rep.to_dict()['estimates'])}.<br>Prices: {e(rep.price_source)}<br>"
               f"Lifecycle: {e(rep.lifecycle_source)}<br>Generated {e(rep.generated_at)} by aurora-upgrade fleet scan."
               "</p>")
    out.append(f"<script>{_JS}</script></body></html>\n")
    return "".join(out)


FLEET: Kind[FleetReport] = Kind("fleet", console=render_console, json=lambda rep: rep.to_dict(),
                                text={OutputFormat.csv: render_csv, OutputFormat.html: render_html})


def render_outcomes(outcomes: list[Any], console: Console) -> None:
    """``fleet precheck``: each cluster's verdict, how long it took, its blockers or error and where its report is."""
    rows: list[list[Any]] = []
    for o in outcomes:
        c = o.target.cluster
        verdict = o.readiness.verdict if o.readiness else "FAILED"
        detail = ", ".join(o.readiness.blockers) if o.readiness and o.readiness.blockers else (o.error or "")
        rows.append([Text(c.cluster, style="bold"), f"{c.account} {c.region}",
                     Text(verdict, style="green" if verdict == READY else "red"), f"{o.seconds:.1f} s", detail,
                     str(o.report_dir)])
    layout.table(console, "fleet precheck", ("cluster", "account / Region", "verdict", "took", "blockers / error", "report"),
                 rows, lambda r: Text.assemble(r[0], f" ({r[1]}): ", r[2], f" in {r[3]} → {r[5]}"),
                 details=lambda r: [("error" if str(r[2]) == "FAILED" else "blockers", str(r[4]))],
                 below=("blockers / error",))


PRECHECKS: Kind[list[Any]] = Kind("fleet precheck", console=render_outcomes, json=None)
