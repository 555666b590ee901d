"""One way out for every command's document: ``emit(document, format, destination)``.

A command builds its document (a precheck report, a parameter diff, a bench comparison, …) and hands
it to :func:`emit` with the ``--format`` asked for and where it goes (stdout, or the file ``-o`` names).
Each document type is a :class:`Kind` declared once, beside its renderers in the stage's render module:
its rich console view, its JSON value and its text renderings (Markdown, HTML, CSV, JUnit). So:

- ``console`` on stdout is the rich view on :data:`console`: tables (``layout.table``) on a wide
  terminal, wrapped only between words; to a pipe, one line per row, never hard-wrapped.
- ``console`` into a file is the same view as plain text, as a pipe gets it (80 columns, no colour,
  never hard-wrapped).
- ``json`` is always :func:`formats.write_json`: one indent, one encoding, one trailing newline.
- Writing a file (its folder made if needed) says ``<what> → <path>`` once on stderr; a write error is one
  ``error:`` line.

Like the render modules that declare their kinds, this module has no typer in it (``cli_common``
re-exports the consoles).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, Mapping, TextIO, TypeVar

from rich.console import Console

from upgrade_cli.formats import OutputFormat, write_json
from upgrade_cli.outcome import ToolError

__all__ = ["Document", "Kind", "console", "emit", "err_console", "plain_console"]

T = TypeVar("T")


class _StdoutConsole(Console):
    """stdout's console: on a terminal it wraps to the screen; to a pipe or a file it never hard-wraps, so a long
    line (a fix's SQL, an identifier, a URL) reaches ``grep`` and the clipboard whole. Decided at each print:
    stdout can be swapped after import (tests, ``contextlib.redirect_stdout``)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if kwargs.get("soft_wrap") is None:
            kwargs["soft_wrap"] = not self.is_terminal
        super().print(*objects, **kwargs)


console: Console = _StdoutConsole()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def plain_console(fh: TextIO, width: int = 80) -> Console:
    """A console view written as a pipe gets it: no colour, one line per row, long lines never hard-wrapped."""
    return Console(file=fh, width=width, color_system=None, force_terminal=False, soft_wrap=True)


def _as_is(data: Any) -> Any:
    return data


@dataclass(frozen=True)
class Kind(Generic[T]):
    """A document type and its renderers, in one place.

    ``console`` draws the document on a rich console (``None``: a file-only document); ``json`` gives its JSON value (``None``: no JSON);
    ``text`` renders the other formats it supports (md, html, csv, junit) as text; ``summary`` gives the
    words of the ``… → path`` line when it is written to a file (default: ``name``). ``json_writer``, for a
    document too big to hold as one value (a 100k-table precheck report), writes what ``formats.write_json``
    would write of its ``json`` value, without building it.
    """

    name: str
    console: Callable[[T, Console], None] | None
    json: Callable[[T], Any] | None = _as_is
    text: Mapping[OutputFormat, Callable[[T], str]] = field(default_factory=dict)
    summary: Callable[[T], str] | None = None
    json_writer: Callable[[T, TextIO], None] | None = None

    def __call__(self, data: T) -> Document[T]:
        return Document(self, data)

    @property
    def formats(self) -> tuple[OutputFormat, ...]:
        return (*((OutputFormat.console,) if self.console else ()), *((OutputFormat.json,) if self.json else ()),
                *self.text)


@dataclass(frozen=True)
class Document(Generic[T]):
    """What a command hands to :func:`emit`: its data and the kind that renders it."""

    kind: Kind[T]
    data: T


def _render(document: Document[Any], fmt: OutputFormat, fh: TextIO, view: Console) -> None:
    kind = document.kind
    if fmt is OutputFormat.console and kind.console is not None:
        kind.console(document.data, view)
    elif fmt is OutputFormat.json and kind.json_writer is not None:
        kind.json_writer(document.data, fh)
    elif fmt is OutputFormat.json and kind.json is not None:
        write_json(kind.json(document.data), fh)
    elif fmt in kind.text:
        fh.write(kind.text[fmt](document.data))
    else:  # format_option offers a command only its formats: this is a bug, still one line
        raise ToolError(f"a {kind.name} has no {fmt.value} format (it has {', '.join(f.value for f in kind.formats)})")


def emit(document: Document[Any], fmt: OutputFormat, destination: Path | None = None) -> None:
    """``document`` in format ``fmt`` to stdout (``destination`` None) or into the file ``destination``."""
    if destination is None:
        _render(document, fmt, sys.stdout, console)
        sys.stdout.flush()
        return
    path = Path(destination)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            _render(document, fmt, fh, plain_console(fh))
    except OSError as exc:
        raise ToolError(f"cannot write {path}: {exc.strerror or exc}") from None
    what = document.kind.summary(document.data) if document.kind.summary else document.kind.name
    err_console.print(f"{what} → {path}", markup=False)
