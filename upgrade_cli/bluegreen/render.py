"""Blue/green on the console: the gate table, a deployment (once, or live while a wait polls it), and the
documents `bluegreen status` and `bluegreen gates` emit.

The engines (``orchestrator``, ``cleanup``, ``waiter``) report gates and poll snapshots to a narrator as
plain data; the CLI's narrator draws them with these. Tables go through :mod:`upgrade_cli.layout`, so
nothing is cut at 80 columns and a pipe gets one line per row.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.emit import Kind
from upgrade_cli.formats import OutputFormat
from upgrade_cli.bluegreen import orchestrator as orch
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.bluegreen import registry
from upgrade_cli.bluegreen.registry import FAIL, NOT_RUN, OVERRIDDEN, PASS, SKIP, WARN
from upgrade_cli.narrator import Checked

GATE_HEADERS = ("gate", "result", "detail")
GATE_STYLE = {PASS: "green", FAIL: "bold red", WARN: "yellow", SKIP: "dim", OVERRIDDEN: "magenta", NOT_RUN: "bold red"}


def gate_rows(gates: Sequence[Checked]) -> list[list[Text]]:
    """The gates as (gate, result, detail) rows, coloured by result (a gate NOT RUN is red: it checked nothing)."""
    return [[Text(g.name), Text(g.status, style=GATE_STYLE.get(g.status, "")),
             Text(g.detail, style="red" if g.status == NOT_RUN else "")] for g in gates]


def _gate_line(row: Sequence[layout.Cell]) -> Text:
    return Text(": ").join(Text(c) if isinstance(c, str) else c for c in row)


def show_gates(out: Console, title: str, gates: Sequence[Checked]) -> None:
    """The gate table (one ``- gate: result: detail`` line per gate below 120 columns and in a pipe)."""
    layout.table(out, title, GATE_HEADERS, gate_rows(gates), _gate_line)


def _tasks(dep: Mapping[str, Any]) -> list[list[str]]:
    return [[t.get("Name", "?"), t.get("Status", "?")] for t in dep.get("Tasks", [])]


def _members(dep: Mapping[str, Any]) -> list[list[str]]:
    return [[bg.arn_name(d.get("SourceMember", "")), bg.arn_name(d.get("TargetMember", "")), d.get("Status", "?")]
            for d in dep.get("SwitchoverDetails", [])]


def _head(dep: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [("deployment", f"{dep.get('BlueGreenDeploymentName')} ({dep.get('BlueGreenDeploymentIdentifier')})"),
            ("status", str(dep.get("Status"))), *([("details", str(dep["StatusDetails"]))] if dep.get("StatusDetails") else [])]


def live_view(dep: Mapping[str, Any]) -> Group:
    """The live view on a terminal (redrawn in place, so a table of a few short cells)."""
    head = Table.grid(padding=(0, 1))
    for name, value in _head(dep):
        head.add_row(name, Text(value, style="bold" if name == "status" else ""))
    tasks = Table(title="tasks", title_justify="left")
    tasks.add_column("task")
    tasks.add_column("status")
    for row in _tasks(dep):
        tasks.add_row(*row)
    members = Table(title="switchover members", title_justify="left")
    for col in ("blue", "green", "status"):
        members.add_column(col)
    for row in _members(dep):
        members.add_row(*row)
    return Group(head, tasks, members)


def show_deployment(out: Console, dep: Mapping[str, Any]) -> None:
    """The deployment once (``bluegreen status``), its tables through ``layout``: whole at 80 columns and in a pipe."""
    for name, value in _head(dep):
        out.print(Text(f"{name}: ") + Text(value, style="bold" if name == "status" else ""), highlight=False)
    layout.table(out, "tasks", ("task", "status"), _tasks(dep), lambda r: f"{r[0]}: {r[1]}")
    layout.table(out, "switchover members", ("blue", "green", "status"), _members(dep),
                 lambda r: f"{r[0]} → {r[1]}: {r[2]}")


def summary_line(dep: Mapping[str, Any]) -> str:
    tasks = ", ".join(f"{t.get('Name')}={t.get('Status')}" for t in dep.get("Tasks", []))
    members = ", ".join(f"{bg.arn_name(d.get('TargetMember', ''))}={d.get('Status')}"
                        for d in dep.get("SwitchoverDetails", []))
    details = f" ({dep['StatusDetails']})" if dep.get("StatusDetails") else ""
    return f"{dep.get('Status')}{details}; tasks: {tasks or '-'}; members: {members or '-'}"


class DeploymentWatch:
    """A wait on a deployment as the console shows it: a live table on a terminal, otherwise one line per change
    (CI logs, pipes)."""

    def __init__(self, out: Console):
        self.out = out
        self.live: Live | None = None
        self._last = ""

    def __enter__(self) -> DeploymentWatch:
        if self.out.is_terminal:
            self.live = Live(console=self.out, refresh_per_second=2, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)

    def polled(self, snapshot: Mapping[str, Any]) -> None:
        if self.live is not None:
            self.live.update(live_view(snapshot))
            return
        line = summary_line(snapshot)
        if line != self._last:
            self.out.print(f"  {line}", markup=False, highlight=False)
            self._last = line

    def retrying(self, reason: str, delay: float) -> None:
        text = f"{reason}; retrying in {delay:g}s"
        if self.live is not None:
            self.live.console.print(text, markup=False)
        else:
            self.out.print(f"  {text}", markup=False, highlight=False)


# ---- the documents `bluegreen status` and `bluegreen gates` emit ----


def _print_list(items: list[dict[str, Any]], out: Console) -> None:
    if not items:
        out.print("no blue/green deployments", markup=False)
    for d in items:
        out.print(f"{d['BlueGreenDeploymentIdentifier']}  {d['BlueGreenDeploymentName']}  {d['Status']}  "
                  f"{d['Source']} → {d['Target']}", markup=False, highlight=False)


def _print_status(report: dict[str, Any], out: Console) -> None:
    show_deployment(out, report["deployment"])
    green = report.get("green")
    if green:
        out.print(f"green cluster {green['cluster']} ({green['engine_version']}, {green['status']})", markup=False)
        out.print(f"  writer endpoint: {green['endpoint']}", markup=False, highlight=False)
        out.print(f"  reader endpoint: {green['reader_endpoint']}", markup=False, highlight=False)
        for ep in green.get("custom_endpoints") or []:
            out.print(f"  custom endpoint: {ep}", markup=False, highlight=False)
    lag = report.get("replica_lag")
    out.print(f"replica lag: {lag['seconds']:g}s at {lag['at']} ({lag['metric']})" if lag
              else "replica lag: no recent datapoints", markup=False)
    for text in orch.cost_lines(report.get("extended_support") or [], ""):
        layout.line(out, text)
    last = (report.get("journal") or {}).get("last")
    if last:
        out.print(f"journal: last step {last['step']} {last['phase']} at {last['ts']} "
                  f"({report['journal']['path']})", markup=False, highlight=False)


DEPLOYMENTS: Kind[list[dict[str, Any]]] = Kind("blue/green deployments", console=_print_list)
STATUS: Kind[dict[str, Any]] = Kind("blue/green deployment", console=_print_status)


def _print_gates(_: None, out: Console) -> None:
    for phase in registry.PHASES:
        out.print(f"{phase}:", markup=False)
        for spec in registry.gates_for(phase):
            need = f"SQL {spec.needs.option(phase)}" if spec.needs.sql else spec.needs.value
            out.print(f"  {spec.name} ({need}): {spec.checks}", markup=False, highlight=False)


def _gates_markdown(_: None) -> str:
    return registry.docs_markdown()


GATES: Kind[None] = Kind("gate list", console=_print_gates, json=None, text={OutputFormat.md: _gates_markdown})
