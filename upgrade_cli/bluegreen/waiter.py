"""Follow a deployment until it reaches a goal status: botocore's RDS waiters cover instances,
clusters, snapshots and tenant databases, never blue/green deployments.

The loop owns its backoff (the poll client is built with ``max_attempts=0``): throttling and a
dropped connection are waited out with exponential backoff, anything else stops the wait. Sleep
and clock are injectable so tests never sleep for real. On a terminal the progress is a live rich
view; elsewhere (CI logs, pipes) one line per change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from upgrade_cli import layout
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.cli_common import console
from upgrade_cli.outcome import Blocked, ToolError

MAX_BACKOFF_S = 300


@dataclass
class PollSettings:
    interval: float = 30.0
    timeout: float = 6 * 3600.0
    max_transient: int = 10  # consecutive throttled / dropped polls before giving up
    sleep: Callable[[float], None] = field(default=time.sleep)
    clock: Callable[[], float] = field(default=time.monotonic)


class DeploymentFailed(Blocked):
    """The deployment reached a failure state: an outcome, not a tool error (exit 1)."""

    def __init__(self, message: str, snapshot: dict[str, Any]):
        super().__init__(message)
        self.snapshot = snapshot


class WaitAborted(ToolError):
    """The wait stopped (timeout, persistent throttling) with the deployment's outcome still open."""


def _tasks(dep: dict[str, Any]) -> list[list[str]]:
    return [[t.get("Name", "?"), t.get("Status", "?")] for t in dep.get("Tasks", [])]


def _members(dep: dict[str, Any]) -> list[list[str]]:
    return [[bg.arn_name(d.get("SourceMember", "")), bg.arn_name(d.get("TargetMember", "")), d.get("Status", "?")]
            for d in dep.get("SwitchoverDetails", [])]


def _head(dep: dict[str, Any]) -> list[tuple[str, str]]:
    return [("deployment", f"{dep.get('BlueGreenDeploymentName')} ({dep.get('BlueGreenDeploymentIdentifier')})"),
            ("status", str(dep.get("Status"))), *([("details", str(dep["StatusDetails"]))] if dep.get("StatusDetails") else [])]


def render(dep: dict[str, Any]) -> Group:
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


def show(out: Console, dep: dict[str, Any]) -> None:
    """The deployment once (``bluegreen status``), its tables through ``layout``: whole at 80 columns and in a pipe."""
    for name, value in _head(dep):
        out.print(Text(f"{name}: ") + Text(value, style="bold" if name == "status" else ""), highlight=False)
    layout.table(out, "tasks", ("task", "status"), _tasks(dep), lambda r: f"{r[0]}: {r[1]}")
    layout.table(out, "switchover members", ("blue", "green", "status"), _members(dep),
                 lambda r: f"{r[0]} → {r[1]}: {r[2]}")


def summary_line(dep: dict[str, Any]) -> str:
    tasks = ", ".join(f"{t.get('Name')}={t.get('Status')}" for t in dep.get("Tasks", []))
    members = ", ".join(f"{bg.arn_name(d.get('TargetMember', ''))}={d.get('Status')}"
                        for d in dep.get("SwitchoverDetails", []))
    details = f" ({dep['StatusDetails']})" if dep.get("StatusDetails") else ""
    return f"{dep.get('Status')}{details}; tasks: {tasks or '-'}; members: {members or '-'}"


class View:
    """A live table on a terminal, otherwise one line per change."""

    def __init__(self, out: Console = console):
        self.out = out
        self.live: Live | None = None
        self._last = ""

    def __enter__(self) -> "View":
        if self.out.is_terminal:
            self.live = Live(console=self.out, refresh_per_second=2, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)

    def update(self, dep: dict[str, Any]) -> None:
        if self.live is not None:
            self.live.update(render(dep))
            return
        line = summary_line(dep)
        if line != self._last:
            self.out.print(f"  {line}", markup=False, highlight=False)
            self._last = line

    def note(self, text: str) -> None:
        if self.live is not None:
            self.live.console.print(text, markup=False)
        else:
            self.out.print(f"  {text}", markup=False, highlight=False)


def wait_for(poll: Callable[[], dict[str, Any]], finished: Callable[[dict[str, Any]], bool],
             check: Callable[[dict[str, Any]], None], settings: PollSettings, what: str,
             view: View | None = None) -> dict[str, Any]:
    """Poll until ``finished(snapshot)``; ``check`` raises on a failure state.

    Raises :class:`WaitAborted` on timeout or after ``max_transient`` consecutive transient errors.
    """
    start = settings.clock()
    transient = 0
    view = view or View()
    with view:
        while True:
            try:
                snap = poll()
            except bg.Transient as exc:
                transient += 1
                if transient > settings.max_transient:
                    raise WaitAborted(f"gave up waiting for {what}: {exc.reason} on {transient} polls in a row") from None
                if settings.clock() - start >= settings.timeout:
                    raise WaitAborted(f"timed out waiting for {what}: last poll {exc.reason}") from None
                delay = min(settings.interval * 2 ** transient, MAX_BACKOFF_S)
                view.note(f"{exc.reason}; retrying in {delay:g}s")
                settings.sleep(delay)
                continue
            transient = 0
            view.update(snap)
            check(snap)
            if finished(snap):
                return snap
            elapsed = settings.clock() - start
            if elapsed >= settings.timeout:
                raise WaitAborted(f"timed out after {elapsed:.0f}s waiting for {what}; still "
                                  f"{snap.get('Status')}")
            settings.sleep(settings.interval)
