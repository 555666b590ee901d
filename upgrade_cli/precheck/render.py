"""The precheck's documents on a console (rich), and each document type's renderers in one place (``emit.Kind``).

``precheck/report.py`` holds the :class:`Report` and its text formats (JSON, Markdown, HTML, JUnit) and no
rich; the console view of a report, of the check list and of one check's explanation are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

from upgrade_cli import doc_links, layout
from upgrade_cli.checks.manual import MANUAL_ITEMS
from upgrade_cli.checks.registry import Check, Scope
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat
from upgrade_cli.precheck.report import (FAILED, FINDINGS, NOT_CHECKABLE, NOT_RUN, PASSED, READY, ROLLUP_AT, SEVERITIES,
                                         SKIPPED, Report, render_html, render_junit, render_markdown, rolled_up,
                                         rollup_line, source_line, write_json)

_STYLE = {"error": "bold red", "warning": "yellow", "notice": "cyan"}


def render_console(report: Report, console: Console, details: bool = False) -> None:
    """Counts by severity, then per check with findings a table (or, past ROLLUP_AT findings and
    without ``details``, one roll-up line), then what was not checked."""
    counts = report.counts
    console.print(_verdict_text(report))
    console.print(Text(f"aurora-upgrade {report.tool_version} precheck of {source_line(report)}", style="bold"))
    if not report.complete:
        console.print(Text(f"INCOMPLETE SCAN: {report.incomplete_reason or 'unknown reason'}", style="bold red"))
    summary = Text()
    for sev in SEVERITIES:
        summary.append(f"{counts[sev]} {sev}{'s' if counts[sev] != 1 else ''}", style=_STYLE[sev])
        summary.append("  ")
    summary.append(f"(checks: {len(report.checks_with(PASSED))} passed, {len(report.checks_with(FINDINGS))} with findings, "
                   f"{len(report.checks_with(NOT_RUN))} could not run, "
                   f"{len(report.checks_with(SKIPPED)) + len(report.checks_with(NOT_CHECKABLE))} skipped, "
                   f"{len(report.checks_with(FAILED))} failed)")
    console.print(summary)
    by_check = report.findings_by_check()
    for c in report.reading_order():
        if c.id not in by_check:
            continue
        if rolled_up(by_check[c.id], details):
            first = by_check[c.id][0]
            console.print(Text(f"{c.id} — {c.title}", style="bold"))
            layout.item(console, Text(rollup_line(by_check[c.id]), style=_STYLE[first.severity.value]))
            layout.detail(console, "fix (first)", first.fix or "")
            continue
        rows = [[Text(f.severity.value + (" (aurora log)" if f.origin != "scan" else ""), style=_STYLE[f.severity.value]),
                 f.location, f.message, f.fix or ""] for f in by_check[c.id]]
        # one line per finding, the fix (often SQL) on its own lines; a wide table moves long fixes below it
        layout.table(console, Text(f"{c.id} — {c.title}", style="bold"), ("severity", "location", "message", "fix"),
                     rows, lambda r: r[0] + Text(f" {r[1]}: {r[2]}"), details=lambda r: [("fix", r[3])], below=("fix",))
    not_run: dict[str, list[str]] = {}  # one line per reason: dozens of "needs a live server" are noise
    for c in report.checks:
        if c.status in (SKIPPED, NOT_CHECKABLE, NOT_RUN):
            not_run.setdefault(f"{c.status.replace('_', ' ')} ({c.note})", []).append(c.id)
        elif c.status == FAILED:
            console.print(Text(f"failed: {c.id} — {c.note}", style="red"))
    for why, ids in not_run.items():  # a check that applies but could not run is a gap, not a detail
        console.print(Text(f"{why}, {len(ids)}: {', '.join(ids)}", style="yellow" if why.startswith("not run") else "dim"))
    if report.aurora_log:
        log = report.aurora_log
        console.print(Text(f"merged Aurora log {log['path']} (Aurora {log.get('aurora_server_version')} → "
                           f"{log.get('aurora_target_version')})"))
        for check_id, why in log.get("checks_failed", {}).items():
            console.print(Text(f"not checked by Aurora: {check_id} — {why}", style="red"))
    verdict = (f"{len(report.blocking)} finding(s) at or above --fail-on {report.fail_on}" if report.blocking
               else f"no findings at or above --fail-on {report.fail_on}")
    console.print(Text(verdict, style="bold red" if report.blocking else "bold green"))
    if not details and any(rolled_up(f, details) for f in by_check.values()):
        console.print(Text(f"checks with more than {ROLLUP_AT} findings are rolled up: --details lists every "
                           "finding (report.json always does)", style="dim"))
    console.print(_verdict_text(report))


def _verdict_text(report: Report) -> Text:
    return Text(report.verdict_line(), style="bold green" if report.verdict == READY else "bold red")


@dataclass(frozen=True)
class Shown:
    """A report as the command shows it: ``details`` (``--details``) lifts the roll-up."""

    report: Report
    details: bool = False


REPORT: Kind[Shown] = Kind(
    "precheck report", console=lambda s, c: render_console(s.report, c, s.details), json=lambda s: s.report.to_dict(),
    text={OutputFormat.md: lambda s: render_markdown(s.report, s.details),
          OutputFormat.html: lambda s: render_html(s.report, s.details),
          OutputFormat.junit: lambda s: render_junit(s.report, s.details)},
    summary=lambda s: s.report.verdict_line(), json_writer=lambda s, fh: write_json(s.report, fh))


# --------------------------------------------------------------------------------------------
# checks list / explain
# --------------------------------------------------------------------------------------------

DOC_SECTIONS = ("What it detects", "Why it breaks in 8.0", "Example", "Fix", "Docs")
SCOPE_TEXT = {
    Scope.objects: "schema objects: works on a live server, a dump and a snapshot",
    Scope.server: "server state: needs a live server (skipped for dumps)",
    Scope.not_checkable: "not checkable from SQL: reported as not checked, verify by hand",
}


def check_sections(c: Check) -> list[tuple[str, str]]:
    """The fixed documentation shape of a check, shared by ``checks explain`` and docs/checks.md."""
    return list(zip(DOC_SECTIONS, (c.detects, c.why, c.example, c.fix, c.doc_url)))


def missing_sections(c: Check) -> list[str]:
    return [name for name, text in check_sections(c) if not (text or "").strip()] + (
        ["title"] if not c.title.strip() else [])


def check_row(c: Check) -> dict[str, Any]:
    return {"id": c.id, "title": c.title, "severity": c.severity.value, "source": c.source, "scope": c.scope.value,
            "since": c.since, "aliases": list(c.aliases), "doc_url": c.doc_url}


def render_check_list(checks: list[Check], console: Console) -> None:
    rows = [check_row(c) for c in checks]
    # ids are what users copy into --only and explain: their column is as wide as the longest
    layout.table(console, f"{len(rows)} upgrade checks", ("id", "severity", "source", "scope", "since", "title"),
                 [[str(r[k]) for k in ("id", "severity", "source", "scope", "since", "title")] for r in rows],
                 lambda r: f"{r[0]} ({r[1]}, {r[2]}, {r[3]}, since {r[4]}): {r[5]}", below=())


def render_check(c: Check, console: Console) -> None:
    """One check: what it detects, why it breaks in 8.0, an example, the fix, the docs."""
    console.print(Text(f"{c.id} — {c.title}", style="bold"))
    meta = f"severity {c.severity.value} · source {c.source} · since {c.since} · scope: {SCOPE_TEXT[c.scope]}"
    if c.aliases:
        meta += f" · also known as {', '.join(c.aliases)}"
    console.print(Text(meta))
    for name, text in check_sections(c):
        console.print()
        console.print(Text(name, style="bold underline"))
        if name == "Docs":  # one URL a line, never wrapped: a broken URL cannot be followed
            for url in text.replace(", ", "\n").split():
                console.print(Text(url), soft_wrap=True)
        else:
            console.print(Text(text.strip()))


def render_check_docs(checks: list[Check]) -> str:
    """docs/checks.md: an index table, then one section per check in the fixed shape."""
    lines = ["# Upgrade checks", "",
             "Generated from the check registry by `aurora-upgrade checks docs`; do not edit by hand.",
             "`aurora-upgrade checks explain ID` shows the same text.", "",
             f"{len(checks)} checks. Severity is the level a finding has by default; scope says what input "
             "the check needs.", "",
             "| id | severity | source | scope | since | title |", "|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| [{c.id}](#{c.id.lower()}) | {c.severity.value} | {c.source} | {c.scope.value} | {c.since} "
                     f"| {c.title.replace('|', chr(92) + '|')} |")
    lines += _manual_section(checks)
    for c in checks:
        lines += ["", f"## {c.id}", "", f"**{c.title}**", "",
                  f"- Severity: {c.severity.value}", f"- Source: {c.source}",
                  f"- Scope: {SCOPE_TEXT[c.scope]}", f"- Since: {c.since}"]
        if c.aliases:
            lines.append(f"- Also known as: {', '.join(f'`{a}`' for a in c.aliases)}")
        for name, text in check_sections(c):
            body = text.strip()
            if name == "Example":
                body = f"```sql\n{body}\n```"
            elif name == "Docs":
                body = "\n".join(f"<{u.strip()}>" for u in body.replace(", ", "\n").splitlines() if u.strip())
            lines += ["", f"### {name}", "", body]
    return "\n".join(lines) + "\n"


def _manual_section(checks: list[Check]) -> list[str]:
    """The MySQL 8.0 manual's upgrade prerequisites and the checks covering each; those beyond MySQL Shell."""
    beyond = [c for c in checks if c.source == "mysql-manual"]
    lines = ["", "## Beyond MySQL Shell: the MySQL 8.0 manual's upgrade prerequisites", "",
             f"<{doc_links.MYSQL_UPGRADE_PREREQUISITES}> lists, in numbered items without anchors, what to check "
             "before an upgrade to 8.0. Every item, whether a schema shows it, and the checks that cover it (for an "
             "item a schema shows, for every object kind it names). Checks with source `mysql-manual` go beyond "
             "MySQL Shell's: " + (", ".join(f"[{c.id}](#{c.id.lower()})" for c in beyond) or "none") + ".", "",
             "| # | manual item | in a schema | checks | note |", "|---|---|---|---|---|"]
    for item in MANUAL_ITEMS:
        covered = ", ".join(f"[{i}](#{i.lower()})" for i in item.checks) or "none"
        lines.append(f"| {item.number} | {item.says} | {'yes' if item.in_schema else 'no'} | {covered} | {item.note} |")
    return lines


CHECK_LIST: Kind[list[Check]] = Kind("check list", console=render_check_list,
                                     json=lambda checks: [check_row(c) for c in checks],
                                     text={OutputFormat.md: render_check_docs}, summary=lambda checks: f"{len(checks)} checks")
CHECK: Kind[Check] = Kind("check", console=render_check, json=None)
