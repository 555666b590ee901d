"""Console layout shared by every stage: tables on a wide terminal, one line per row otherwise.

An 80-column terminal or a pipe (rich assumes 80 columns there unless ``COLUMNS`` says otherwise)
cannot hold a five-column table: rich folds every cell into a ribbon a few letters wide, and a URL
folded inside a cell can be neither read nor clicked. Below :data:`WIDE` columns a renderer prints
each row as one wrapped line (:func:`item`) with its long parts (a fix's SQL, advice) on their own
indented lines (:func:`detail`). In either layout URLs leave the cells: :class:`Footnotes` puts
``[n]`` in the text and prints each URL whole, on its own line, below; a table moves text longer
than :data:`LONG_CELL` below itself the same way.

Nothing is ever cut: no cell ends in ``…``, and a word (an identifier, a verdict) is never broken
across lines. A pipe or a file gets every row and every detail whole on one line, however long
(``grep`` finds a row, a fix's SQL pastes as it is); only a terminal wraps, between words.
:func:`table` is the one way a stage prints rows: every console table goes through it.
"""

from __future__ import annotations

import re
from typing import Callable, Collection, Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

WIDE = 120  # columns from which a table's cells are wide enough to read
LONG_CELL = 60  # characters: longer text (a fix's SQL) goes below the table, even on a wide screen
URL = re.compile(r"https?://[^\s\])>]+")


def is_wide(console: Console) -> bool:
    return console.width >= WIDE


class Footnotes:
    """URLs pulled out of the text as ``[n]``; the same URL keeps its number."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def cite(self, text: str) -> str:
        def ref(m: re.Match[str]) -> str:
            url = m.group(0).rstrip(".,;")
            if url not in self.urls:
                self.urls.append(url)
            return f"[{self.urls.index(url) + 1}]{m.group(0)[len(url):]}"

        return URL.sub(ref, text)

    def print(self, console: Console, title: str = "sources") -> None:
        if not self.urls:
            return
        console.print(Text(title, style="bold"))
        for n, url in enumerate(self.urls, 1):  # never wrapped: a broken URL cannot be followed
            console.print(Text(f"[{n}] {url}"), soft_wrap=True, highlight=False)


def _between_words(text: Text, width: int) -> list[Text]:
    """``text`` wrapped at spaces only: a word longer than ``width`` stays whole on its own line (rich's own wrap
    folds it, and a folded identifier can be neither found nor copied)."""
    lines: list[Text] = []
    for part in text.split("\n"):
        plain, offsets, used = part.plain, [], 0
        for m in re.finditer(r"\S+\s*", plain):
            word = cell_len(m.group(0).rstrip())
            if used and used + word > width:
                offsets.append(m.start())
                used = 0
            used += cell_len(m.group(0))
        for line in part.divide(offsets):
            line.rstrip()
            lines.append(line)
    return lines


def _wrapped(console: Console, text: Text | str, first: str, rest: str, style: str = "") -> None:
    body = text if isinstance(text, Text) else Text(text, style=style)
    if not console.is_terminal:  # a pipe or a file: the whole row on one line, for grep and copy-paste
        console.print(Text(first) + body, soft_wrap=True, highlight=False)
        return
    width = max(20, console.width - max(len(first), len(rest)))
    for i, line in enumerate(_between_words(body, width)):
        console.print(Text(first if i == 0 else rest) + line, soft_wrap=True, highlight=False)


def line(console: Console, text: Text | str, style: str = "") -> None:
    """One line of prose (a step done, a note): whole in a pipe, wrapped between words on a terminal."""
    _wrapped(console, text, "", "", style)


def item(console: Console, text: Text | str, style: str = "") -> None:
    """One row as one line ("- …"), wrapped with a hanging indent when it is longer than the screen."""
    _wrapped(console, text, "- ", "  ", style)


def detail(console: Console, label: str, text: str, style: str = "") -> None:
    """A long part of the row above (SQL, a note) on its own indented lines."""
    if text:
        _wrapped(console, Text(f"{label}: " if label else "") + Text(text, style=style), "    ", "      ")


Cell = Text | str


def table(console: Console, title: Cell, headers: Sequence[str], rows: Sequence[Sequence[Cell]],
          line: Callable[[Sequence[Cell]], Cell], details: Callable[[Sequence[Cell]], list[tuple[str, str]]] | None = None,
          right: Collection[str] = (), below: Collection[str] | None = None) -> None:
    """Rows as a table from :data:`WIDE` columns, else each as one line, ``line(row)``, with ``details(row)``
    (label, long text) on their own indented lines below it.

    The table cuts nothing: no column is narrower than its longest word, cells wrap between words, and a
    plain-text cell longer than :data:`LONG_CELL` (SQL, a fingerprint) in a ``below`` column (default: any)
    leaves the table as ``(n) below`` and is printed whole under it, labelled with its column's name."""
    if title:
        _wrapped(console, title if isinstance(title, Text) else Text(title, style="bold"), "", "")
    if not is_wide(console):
        for row in rows:
            item(console, line(row))
            for label, text in details(row) if details else ():
                detail(console, label, text)
        return
    out = Table(header_style="bold", show_lines=False)
    moved: list[tuple[str, str]] = []
    cells = []
    for row in rows:
        kept: list[Text] = []
        for header, cell in zip(headers, row):
            if isinstance(cell, str) and len(cell) > LONG_CELL and (below is None or header in below):
                moved.append((f"{header} ({len(moved) + 1})", cell))
                cell = f"({len(moved)}) below"
            kept.append(Text(cell) if isinstance(cell, str) else cell)  # text, never read as rich markup
        cells.append(kept)
    for n, header in enumerate(headers):
        texts = [header] + [r[n].plain for r in cells]
        longest_word = max((cell_len(w) for t in texts for w in t.split()), default=1)
        out.add_column(header, overflow="fold", min_width=min(longest_word, 64), justify="right" if header in right else "left")
    for kept in cells:
        out.add_row(*kept)
    console.print(out)
    for label, text in moved:
        detail(console, label, text)
