"""Follow a deployment until it reaches a goal status: botocore's RDS waiters cover instances,
clusters, snapshots and tenant databases, never blue/green deployments.

The loop owns its backoff (the poll client is built with ``max_attempts=0``): throttling and a
dropped connection are waited out with exponential backoff, anything else stops the wait. Sleep
and clock are injectable so tests never sleep for real. Each poll's snapshot goes to the narrator's
:class:`~upgrade_cli.narrator.Watch` as plain data: the CLI draws it (``bluegreen/render.py``: a live
view on a terminal, one line per change elsewhere), a test records it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.narrator import Narrator
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


def wait_for(poll: Callable[[], dict[str, Any]], finished: Callable[[dict[str, Any]], bool],
             check: Callable[[dict[str, Any]], None], settings: PollSettings, what: str,
             narrator: Narrator) -> dict[str, Any]:
    """Poll until ``finished(snapshot)``; ``check`` raises on a failure state. Each snapshot goes to
    ``narrator.watch(what)``.

    Raises :class:`WaitAborted` on timeout or after ``max_transient`` consecutive transient errors.
    """
    start = settings.clock()
    transient = 0
    with narrator.watch(what) as watch:
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
                watch.retrying(exc.reason, delay)
                settings.sleep(delay)
                continue
            transient = 0
            watch.polled(snap)
            check(snap)
            if finished(snap):
                return snap
            elapsed = settings.clock() - start
            if elapsed >= settings.timeout:
                raise WaitAborted(f"timed out after {elapsed:.0f}s waiting for {what}; still "
                                  f"{snap.get('Status')}")
            settings.sleep(settings.interval)
