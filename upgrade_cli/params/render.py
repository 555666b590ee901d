"""Diff and plan output: rich tables for a terminal, JSON for tools, Markdown for a change ticket."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.cli_common import OutputFormat
from upgrade_cli.params.diff import RULE_ORDER, RULE_TITLES, Report
from upgrade_cli.params.plan import ApiCall, Plan, after_switchover_call
from upgrade_cli.params.temptable import human

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": ""}


def _cell(v: object) -> Text:
    """Cells are plain text: values such as ``[https://…]`` or ``{TrueIfReplica}`` are never rich markup."""
    return Text("" if v is None else str(v))


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
    wide, notes = layout.is_wide(console), layout.Footnotes()  # sources are URLs: footnotes, never in a cell
    for rule in RULE_ORDER:
        rows = report.by_rule(rule)
        if not rows:
            continue
        if not wide:
            console.print(Text(RULE_TITLES[rule], style="bold"))
            for f in rows:
                values = "; ".join(f"{k} {v}" for k, v in (("v2", f.v2), ("8.0", f.v3)) if v not in (None, ""))
                layout.item(console, f"{f.parameter} ({f.where}): {values + '; ' if values else ''}{f.action}",
                            style=_SEV_STYLE.get(f.severity, ""))
                layout.detail(console, "", notes.cite(f.note + (f" {f.source}" if f.source else "")))
            continue
        table = Table(title=RULE_TITLES[rule], title_justify="left", show_lines=False, expand=True)
        for col in ("parameter", "where", "v2", "8.0", "action", "note / source"):
            table.add_column(col, overflow="fold")
        for f in rows:
            note = notes.cite(f.note + (f"  {f.source}" if f.source else ""))
            table.add_row(_cell(f.parameter), _cell(f.where), _cell(f.v2), _cell(f.v3), _cell(f.action), _cell(note),
                          style=_SEV_STYLE.get(f.severity, ""))
        console.print(table)
    if report.temptable and not wide:
        console.print(Text("TempTable sizing per instance (8.0)", style="bold"))
        for a in report.temptable:
            layout.item(console, f"{a.instance} ({a.role}, {a.instance_class or 'unknown class'}): max_ram "
                                 f"{human(a.max_ram)}, max_mmap {human(a.max_mmap)}",
                        style=_SEV_STYLE.get(a.severity, ""))
            for m in a.messages:
                layout.detail(console, "", notes.cite(m))
    elif report.temptable:
        table = Table(title="TempTable sizing per instance (8.0)", title_justify="left", expand=True)
        for col in ("instance", "role", "class", "max_ram", "max_mmap", "advice"):
            table.add_column(col, overflow="fold")
        for a in report.temptable:
            table.add_row(_cell(a.instance), a.role, _cell(a.instance_class), human(a.max_ram), human(a.max_mmap),
                          _cell(notes.cite("\n".join(f"- {m}" for m in a.messages))),
                          style=_SEV_STYLE.get(a.severity, ""))
        console.print(table)
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
            data["api_calls"] = [{"operation": c.operation, "params": c.params} for c in calls]
            if plan.after_switchover:
                after = after_switchover_call(plan.cluster_group.name, plan.after_switchover)
                data["after_switchover_calls"] = [{"operation": after.operation, "params": after.params}]
        console.print_json(json.dumps(data))
        return
    if fmt == OutputFormat.md:
        console.print(plan_markdown(plan), markup=False, highlight=False, soft_wrap=True)
        return
    console.print(Text(f"8.0 parameter-group plan for {plan.cluster_id}", style="bold"))
    if not layout.is_wide(console):
        _plan_lines(plan, console)
        return
    for g in plan.groups():
        table = Table(title=f"{g.kind} group {g.name} (aurora-mysql8.0)"
                      + (f" for {', '.join(g.members)}" if g.members else ""), title_justify="left", expand=True)
        for col in ("parameter", "value", "apply method", "from"):
            table.add_column(col, overflow="fold")
        for p in sorted(g.params.values(), key=lambda p: p.name):
            table.add_row(_cell(p.name), _cell(p.value), p.apply_method, _cell(p.origin))
        if not g.params:
            table.add_row("(no custom settings)", "", "", "")
        console.print(table)
    if plan.fixed:
        table = Table(title="ERROR: values aurora-mysql8.0 rejects (never planned as they were)", title_justify="left",
                      expand=True, style="red")
        for col in ("parameter", "v2 value", "planned instead", "where", "why"):
            table.add_column(col, overflow="fold")
        for f in plan.fixed:
            table.add_row(_cell(f.name), _cell(f.value), _cell(f.cleaned or "(dropped)"), _cell(f.where),
                          _cell(f.note), style="bold red")
        console.print(table)
    if plan.after_switchover:
        table = Table(title=f"After switchover: `bluegreen switchover` sets in {plan.cluster_group.name} (journaled)",
                      title_justify="left", expand=True)
        for col in ("parameter", "green value", "production value"):
            table.add_column(col, overflow="fold")
        for n, v in sorted(plan.after_switchover.items()):
            table.add_row(_cell(n), _cell(plan.cluster_group.params[n].value), _cell(v))
        console.print(table)
    if plan.dropped:
        table = Table(title="Dropped (not valid in aurora-mysql8.0)", title_justify="left", expand=True)
        for col in ("parameter", "value", "where", "why"):
            table.add_column(col, overflow="fold")
        for d in plan.dropped:
            table.add_row(_cell(d.name), _cell(d.value), _cell(d.where), _cell(d.note))
        console.print(table)
    for n in plan.notes:
        console.print(f"note: {n}", markup=False, soft_wrap=True)
    for b in plan.blockers:
        console.print(f"BLOCKER: {b}", style="bold red", markup=False, soft_wrap=True)


def _plan_lines(plan: Plan, console: Console) -> None:
    """The plan on a narrow screen or a pipe: one line per parameter."""
    for g in plan.groups():
        console.print(Text(f"{g.kind} group {g.name} (aurora-mysql8.0)" + (f" for {', '.join(g.members)}" if g.members
                                                                         else ""), style="bold"))
        for p in sorted(g.params.values(), key=lambda p: p.name):
            layout.item(console, f"{p.name} = {p.value} ({p.apply_method}; from {p.origin})")
        if not g.params:
            layout.item(console, "(no custom settings)")
    if plan.fixed:
        console.print(Text("ERROR: values aurora-mysql8.0 rejects (never planned as they were)", style="bold red"))
        for f in plan.fixed:
            layout.item(console, f"{f.name} = {f.value} ({f.where}): planned as {f.cleaned or '(dropped)'}; {f.note}")
    if plan.after_switchover:
        console.print(Text(f"After switchover: `bluegreen switchover` sets in {plan.cluster_group.name} (journaled)",
                           style="bold"))
        for n, v in sorted(plan.after_switchover.items()):
            layout.item(console, f"{n} = {v} (green has {plan.cluster_group.params[n].value})")
    if plan.dropped:
        console.print(Text("Dropped (not valid in aurora-mysql8.0)", style="bold"))
        for d in plan.dropped:
            layout.item(console, f"{d.name} = {d.value} ({d.where}): {d.note}")
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
