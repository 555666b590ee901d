"""Diff and plan output: tables or lines (``layout.table``) for a terminal or a pipe, JSON for tools, Markdown for a change ticket."""

from __future__ import annotations

import json

from rich.console import Console
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.cli_common import OutputFormat
from upgrade_cli.params.diff import RULE_ORDER, RULE_TITLES, Report
from upgrade_cli.params.plan import ApiCall, Plan, after_switchover_call
from upgrade_cli.params.temptable import human

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": ""}


def _styled(severity: str, *values: object) -> list[Text]:
    """A row's cells as plain text (values such as ``{TrueIfReplica}`` are never rich markup), styled by severity."""
    return [Text("" if v is None else str(v), style=_SEV_STYLE.get(severity, "")) for v in values]


def _md(v: object) -> str:
    return ("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")


def render_report(report: Report, fmt: OutputFormat, console: Console) -> None:
    if fmt == OutputFormat.json:
        console.print_json(json.dumps(report.to_dict()))
        return
    if fmt == OutputFormat.md:
        console.print(report_markdown(report), markup=False, highlight=False, soft_wrap=True)
        return
    console.print(Text(f"Parameter diff for {report.cluster_id} ({report.origin}"
                       f"{', ' + report.engine_version if report.engine_version else ''}) → {report.target}",
                       style="bold"))
    console.print(f"defaults: 5.7 from {report.v2_defaults}; 8.0 from {report.v3_defaults}", markup=False,
                  soft_wrap=True)
    notes = layout.Footnotes()  # sources are URLs: footnotes, never in a cell

    def diff_line(r: list[Text]) -> Text:
        values = "; ".join(f"{k} {v.plain}" for k, v in (("v2", r[2]), ("8.0", r[3])) if v.plain)
        return Text(f"{r[0].plain} ({r[1].plain}): {values + '; ' if values else ''}{r[4].plain}", style=r[0].style)

    for rule in RULE_ORDER:
        findings = report.by_rule(rule)
        if findings:
            rows = [_styled(f.severity, f.parameter, f.where, f.v2, f.v3, f.action,
                            notes.cite(f.note + (f" {f.source}" if f.source else ""))) for f in findings]
            layout.table(console, RULE_TITLES[rule], ("parameter", "where", "v2", "8.0", "action", "note / source"), rows,
                         diff_line, details=lambda r: [("", r[5].plain)])
    if report.temptable:
        rows = [_styled(a.severity, a.instance, a.role, a.instance_class or "unknown class", human(a.max_ram),
                        human(a.max_mmap), notes.cite("\n".join(a.messages))) for a in report.temptable]
        layout.table(console, "TempTable sizing per instance (8.0)",
                     ("instance", "role", "class", "max_ram", "max_mmap", "advice"), rows,
                     lambda r: Text(f"{r[0].plain} ({r[1].plain}, {r[2].plain}): max_ram {r[3].plain}, max_mmap "
                                    f"{r[4].plain}", style=r[0].style),
                     details=lambda r: [("", m) for m in r[5].plain.split("\n")])
    notes.print(console)


def report_markdown(report: Report) -> str:
    out = [f"# Parameter diff: {report.cluster_id}", "",
           f"- origin: {report.origin}; engine version: {report.engine_version or 'n/a'}; compared with: {report.target}",
           f"- 5.7 defaults from: {report.v2_defaults}", f"- 8.0 defaults from: {report.v3_defaults}", ""]
    for rule in RULE_ORDER:
        rows = report.by_rule(rule)
        if not rows:
            continue
        out += [f"## {RULE_TITLES[rule]}", "", "| severity | parameter | where | v2 | 8.0 | action | note | source |",
                "|---|---|---|---|---|---|---|---|"]
        out += [f"| {f.severity} | {_md(f.parameter)} | {_md(f.where)} | {_md(f.v2)} | {_md(f.v3)} | {_md(f.action)} "
                f"| {_md(f.note)} | {_md(f.source)} |" for f in rows]
        out.append("")
    if report.temptable:
        out += ["## TempTable sizing per instance (8.0)", ""]
        for a in report.temptable:
            out.append(f"### {a.instance} ({a.role}, {a.instance_class or 'unknown class'}) - {a.severity}")
            out += [f"- {m}" for m in a.messages]
            out.append("")
    return "\n".join(out)


def render_plan(plan: Plan, fmt: OutputFormat, console: Console, calls: list[ApiCall] | None = None) -> None:
    if fmt == OutputFormat.json:
        data = plan.to_dict()
        if calls is not None:
            data["api_calls"] = [c.record().to_dict() for c in calls]
            if plan.after_switchover:
                after = after_switchover_call(plan.cluster_group.name, plan.after_switchover)
                data["after_switchover_calls"] = [after.record().to_dict()]
        console.print_json(json.dumps(data))
        return
    if fmt == OutputFormat.md:
        console.print(plan_markdown(plan), markup=False, highlight=False, soft_wrap=True)
        return
    console.print(Text(f"8.0 parameter-group plan for {plan.cluster_id}", style="bold"))
    for g in plan.groups():
        rows = [_styled("", p.name, p.value, p.apply_method, p.origin) for p in sorted(g.params.values(), key=lambda p: p.name)]
        layout.table(console, f"{g.kind} group {g.name} (aurora-mysql8.0)" + (f" for {', '.join(g.members)}" if g.members
                                                                              else ""),
                     ("parameter", "value", "apply method", "from"), rows or [_styled("", "(no custom settings)", "", "", "")],
                     lambda r: f"{r[0]} = {r[1]} ({r[2]}; from {r[3]})" if r[2].plain else r[0], below=())
    if plan.fixed:
        layout.table(console, Text("ERROR: values aurora-mysql8.0 rejects (never planned as they were)", style="bold red"),
                     ("parameter", "v2 value", "planned instead", "where", "why"),
                     [_styled("error", f.name, f.value, f.cleaned or "(dropped)", f.where, f.note) for f in plan.fixed],
                     lambda r: f"{r[0]} = {r[1]} ({r[3]}): planned as {r[2]}; {r[4]}", below=())
    if plan.after_switchover:
        layout.table(console, f"After switchover: `bluegreen switchover` sets in {plan.cluster_group.name} (journaled)",
                     ("parameter", "green value", "production value"),
                     [_styled("", n, plan.cluster_group.params[n].value, v) for n, v in sorted(plan.after_switchover.items())],
                     lambda r: f"{r[0]} = {r[2]} (green has {r[1]})", below=())
    if plan.dropped:
        layout.table(console, "Dropped (not valid in aurora-mysql8.0)", ("parameter", "value", "where", "why"),
                     [_styled("", d.name, d.value, d.where, d.note) for d in plan.dropped],
                     lambda r: f"{r[0]} = {r[1]} ({r[2]}): {r[3]}", below=())
    for n in plan.notes:
        console.print(f"note: {n}", markup=False)
    for b in plan.blockers:
        console.print(f"BLOCKER: {b}", style="bold red", markup=False)


def plan_markdown(plan: Plan) -> str:
    out = [f"# 8.0 parameter-group plan: {plan.cluster_id}", ""]
    for g in plan.groups():
        out += [f"## {g.kind} group `{g.name}`" + (f" ({', '.join(g.members)})" if g.members else ""), "",
                "| parameter | value | apply method | from |", "|---|---|---|---|"]
        out += [f"| {_md(p.name)} | {_md(p.value)} | {p.apply_method} | {_md(p.origin)} |"
                for p in sorted(g.params.values(), key=lambda p: p.name)]
        out.append("")
    if plan.fixed:
        out += ["## ERROR: values 8.0 rejects", "", "| parameter | v2 value | planned instead | where | why |",
                "|---|---|---|---|---|"]
        out += [f"| {_md(f.name)} | {_md(f.value)} | {_md(f.cleaned or '(dropped)')} | {_md(f.where)} | {_md(f.note)} |"
                for f in plan.fixed]
        out.append("")
    if plan.after_switchover:
        out += [f"## After switchover (`bluegreen switchover`, in `{plan.cluster_group.name}`)", ""]
        out += [f"- {_md(n)}: {_md(plan.cluster_group.params[n].value)} → {_md(v)}"
                for n, v in sorted(plan.after_switchover.items())]
        out.append("")
    if plan.dropped:
        out += ["## Dropped", "", "| parameter | value | where | why |", "|---|---|---|---|"]
        out += [f"| {_md(d.name)} | {_md(d.value)} | {_md(d.where)} | {_md(d.note)} |" for d in plan.dropped]
        out.append("")
    out += [f"- note: {n}" for n in plan.notes] + [f"- **BLOCKER**: {b}" for b in plan.blockers]
    return "\n".join(out)
