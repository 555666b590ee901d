"""How a run ends: the exit statuses and the error types, free of typer and rich.

Engines (precheck, params, bluegreen, bench) import from here: they raise a :class:`ToolError`
(or :class:`Blocked`) or return facts, and never choose an exit code or print an error
themselves. The CLI turns both into a status in one place (``cli_common.status_of`` and the
``App`` every stage's commands are registered on), in the manner of httpie's ``main()`` and
``ExitStatus``. The numbers are documented in the README and pinned by tests: keep them.
"""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above --fail-on, a failed gate, a regression, a declined confirmation
    ERROR = 2  # usage, input, connection or API error; a crashed check; an incomplete scan
    INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

    @classmethod
    def of_findings(cls, blocking: bool | int) -> ExitStatus:
        """The one rule for "did this run find something the operator must act on"."""
        return cls.FINDINGS if blocking else cls.OK


class ToolError(Exception):
    """An expected failure with a message fit for the operator: printed as one line, exit 2."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:  # kept for callers written before Blocked existed
            self.exit_status = ExitStatus(exit_code)

    @property
    def exit_code(self) -> int:
        return int(self.exit_status)


class Blocked(ToolError):
    """An outcome, not a failure: a failed gate, a failed deployment, stale docs (one line, exit 1)."""

    exit_status = ExitStatus.FINDINGS
