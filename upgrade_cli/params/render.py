"""Diff and plan output: tables or lines (``layout.table``) for a terminal or a pipe, JSON for tools, Markdown for a change ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat
from upgrade_cli.params.diff import RULE_ORDER, RULE_TITLES, Report
from upgrade_cli.params.plan import ApiCall, Plan, after_switchover_call
from upgrade_cli.params import versions
from upgrade_cli.params.temptable import human
from upgrade_cli.params.versions import TargetVerdict

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": ""}


def _styled(severity: str, *values: object) -> list[Text]:
    """A row's cells as plain text (values such as ``{TrueIfReplica}`` are never rich markup), styled by severity."""
    return [Text("" if v is None else str(v), style=_SEV_STYLE.get(severity, "")) for v in values]


def _md(v: object) -> str:
    return ("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")


def render_report(report: Report, console: Console) -> None:
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
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class PlanShown:
    """A plan as ``params plan`` shows it: with the API calls it makes when they were asked for (``--dry-run``,
    ``--apply``), else ``calls`` None."""

    plan: Plan
    calls: list[ApiCall] | None = None


def plan_json(shown: PlanShown) -> dict[str, Any]:
    plan, calls = shown.plan, shown.calls
    data = plan.to_dict()
    if calls is not None:
        data["api_calls"] = [c.record().to_dict() for c in calls]
        if plan.after_switchover:
            after = after_switchover_call(plan.cluster_group.name, plan.after_switchover)
            data["after_switchover_calls"] = [after.record().to_dict()]
    return data


def render_plan(plan: Plan, console: Console) -> None:
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
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# params versions: the valid 8.0 upgrade targets of a 5.7 version
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Targets:
    """``params versions``' answer: the source version, its valid targets, the recommended one, and the
    verdict on ``--target`` when one was given."""

    source: str
    targets: list[dict[str, Any]]
    best: dict[str, Any] | None
    verdict: TargetVerdict | None


TARGET_COLUMNS = ("engine version", "AWS default", "LTS", "standard support until", "recommended")


def _target_row(t: dict[str, Any]) -> tuple[str, ...]:
    return (t["EngineVersion"], "yes" if t.get("Default") else "", "yes" if t.get("LTS") else "",
            t.get("StandardSupportEnds") or "not known", "yes" if t["Recommended"] else f"no: {t['Why']}")


def _target_notes(t: Targets) -> list[str]:
    """What follows the table in every text format: where the dates come from, the recommendation, the verdict."""
    lines = [f"support dates: {'; '.join(sorted({x['SupportSource'] for x in t.targets}))}"] if t.targets else []
    if t.best:
        lines.append(f"recommended: {versions.describe(t.best)}"
                     + ("" if t.best["Recommended"] else f" (no recommended target offered: {t.best['Why']})"))
    else:
        lines.append("no 8.0 major-version target is offered for this version: first upgrade to a "
                     "supported 2.11/2.12 release")
    if t.verdict:
        lines.append(f"--target {t.verdict.requested}: {t.verdict.message}")
    return lines


def render_targets(t: Targets, console: Console) -> None:
    layout.table(console, f"aurora-mysql 8.0 upgrade targets for {t.source}", TARGET_COLUMNS,
                 [_target_row(x) for x in t.targets],
                 lambda r: f"{r[0]}: recommended {r[4]}; AWS default {r[1] or 'no'}; LTS {r[2] or 'no'}; "
                           f"standard support until {r[3]}", below=())
    for line in _target_notes(t):
        console.print(line, markup=False, soft_wrap=True)


def targets_markdown(t: Targets) -> str:
    lines = ["| " + " | ".join(TARGET_COLUMNS) + " |", "|" + "---|" * len(TARGET_COLUMNS)]
    lines += ["| " + " | ".join(_target_row(x)) + " |" for x in t.targets]
    return "\n".join([*lines, *_target_notes(t)]) + "\n"


def targets_json(t: Targets) -> dict[str, Any]:
    return {"source": t.source, "targets": t.targets, "recommended": t.best["EngineVersion"] if t.best else None,
            "check": t.verdict.__dict__ if t.verdict else None}


DIFF: Kind[Report] = Kind("parameter diff", console=render_report, json=lambda r: r.to_dict(),
                          text={OutputFormat.md: report_markdown})
PLAN: Kind[PlanShown] = Kind("parameter-group plan", console=lambda s, c: render_plan(s.plan, c), json=plan_json,
                             text={OutputFormat.md: lambda s: plan_markdown(s.plan)})
TARGETS: Kind[Targets] = Kind("upgrade targets", console=render_targets, json=targets_json,
                             text={OutputFormat.md: targets_markdown})
