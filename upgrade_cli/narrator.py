"""What an engine tells the operator while it works, and the one question it may ask: a narrator it is handed.

An engine that changes AWS (bluegreen create, switchover, cleanup) has more to say than its result: which
step it resumes, which gates passed, what it is waiting for, what to repoint by hand. It says it to
a :class:`Narrator` the caller passes in, the way httpie's ``program(args, env)`` receives an
``Environment`` and never picks a stream itself. The CLI passes a console narrator (``cli_common``: rich,
and typer's prompt for :meth:`Narrator.confirm`, which ``--yes`` answers); a test passes a
:class:`RecordingNarrator` and reads the events; a script that wants silence passes a :class:`QuietNarrator`.
So an engine imports neither typer nor rich, and what it says is plain data a test can assert on.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence


class Checked(Protocol):
    """One named check run before acting (a gate): its name, status word and why."""

    @property
    def name(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def detail(self) -> str: ...


class Watch(Protocol):
    """One wait in progress (``with narrator.watch(what) as watch``): each poll's snapshot as it comes."""

    def __enter__(self) -> Watch: ...

    def __exit__(self, *exc: object) -> None: ...

    def polled(self, snapshot: Mapping[str, Any]) -> None:
        """The latest state of what is waited for (a ``DescribeBlueGreenDeployments`` record), as AWS gave it."""

    def retrying(self, reason: str, delay: float) -> None:
        """A poll failed for a reason worth waiting out (throttling, a dropped connection); the next in ``delay`` s."""


class Narrator(Protocol):
    """Where an engine reports progress. Each method takes one finished sentence (no prefix, no markup)."""

    def started(self, text: str) -> None:
        """A step begins that takes a while (a wait, a batch of calls)."""

    def done(self, text: str) -> None:
        """A step took effect."""

    def skipped(self, text: str) -> None:
        """A step is not run again: an earlier run (the journal) or someone else already did it."""

    def planned(self, text: str) -> None:
        """What happens next, or in a dry run what a real run would do here besides its API calls (those a dry
        run records as data: ``upgrade_cli.dryrun``)."""

    def info(self, text: str) -> None:
        """A fact worth knowing that is not a step: a cost estimate, where to follow up, a dry run's summary."""

    def note(self, text: str) -> None:
        """Advice the operator acts on by hand: what AWS documents, what to repoint, what to check."""

    def warn(self, text: str) -> None:
        """Something is off, and the engine goes on (a stale lock taken over, a value that could not be read)."""

    def checked(self, title: str, results: Sequence[Checked]) -> None:
        """The checks run before acting, all at once (a gate table), whatever they decided."""

    def watch(self, what: str) -> Watch:
        """A wait begins for ``what`` ("prod-to-8-0 to become AVAILABLE"); the engine reports each poll to it."""

    def confirm(self, question: str) -> bool:
        """Whether to go ahead with a step that cannot be undone: the CLI asks (``--yes`` answers), a test decides."""


class RecordingNarrator:
    """Every event as ``(kind, payload)`` in order, for tests; :meth:`confirm` answers ``answer``.

    ``kind`` is the method's name; the payload is its text, ``(title, [(name, status, detail), ...])`` for
    ``checked``, the snapshot for ``polled`` and ``(reason, delay)`` for ``retrying``.
    """

    def __init__(self, answer: bool = True):
        self.answer = answer
        self.events: list[tuple[str, Any]] = []

    def of(self, kind: str) -> list[Any]:
        """The payloads of one kind of event, in order."""
        return [payload for k, payload in self.events if k == kind]

    def record(self, kind: str, payload: Any) -> None:
        self.events.append((kind, payload))

    def started(self, text: str) -> None:
        self.record("started", text)

    def done(self, text: str) -> None:
        self.record("done", text)

    def skipped(self, text: str) -> None:
        self.record("skipped", text)

    def planned(self, text: str) -> None:
        self.record("planned", text)

    def info(self, text: str) -> None:
        self.record("info", text)

    def note(self, text: str) -> None:
        self.record("note", text)

    def warn(self, text: str) -> None:
        self.record("warn", text)

    def checked(self, title: str, results: Sequence[Checked]) -> None:
        self.record("checked", (title, [(r.name, r.status, r.detail) for r in results]))

    def watch(self, what: str) -> Watch:
        self.record("watch", what)
        return _RecordingWatch(self)

    def confirm(self, question: str) -> bool:
        self.record("confirm", question)
        return self.answer


class QuietNarrator(RecordingNarrator):
    """Says nothing, keeps nothing and asks no one: for a caller with no operator (a script, a library use).

    :meth:`confirm` answers ``answer``, False unless given: nobody approved the step, so it is not taken.
    """

    def __init__(self, answer: bool = False):
        super().__init__(answer)

    def record(self, kind: str, payload: Any) -> None:
        pass


class _RecordingWatch:
    def __init__(self, narrator: RecordingNarrator):
        self.narrator = narrator

    def __enter__(self) -> _RecordingWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def polled(self, snapshot: Mapping[str, Any]) -> None:
        self.narrator.record("polled", snapshot)

    def retrying(self, reason: str, delay: float) -> None:
        self.narrator.record("retrying", (reason, delay))
