"""Console layout shared by every stage: tables on a wide terminal, one line per row otherwise.

An 80-column terminal or a pipe (rich assumes 80 columns there unless ``COLUMNS`` says otherwise)
cannot hold a five-column table: rich folds every cell into a ribbon a few letters wide, and a URL
folded inside a cell can be neither read nor clicked. Below :data:`WIDE` columns a renderer prints
each row as one wrapped line (:func:`item`) with its long parts (a fix's SQL, advice) on their own
indented lines (:func:`detail`). In either layout URLs leave the cells: :class:`Footnotes` puts
``[n]`` in the text and prints each URL whole, on its own line, below; a table moves text longer
than :data:`LONG_CELL` below itself the same way.
"""

from __future__ import annotations

import re

from rich.console import Console
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


def _wrapped(console: Console, text: Text | str, first: str, rest: str, style: str = "") -> None:
    body = text if isinstance(text, Text) else Text(text, style=style)
    width = max(20, console.width - max(len(first), len(rest)))
    for i, line in enumerate(body.wrap(console, width)):
        line.rstrip()
        console.print(Text(first if i == 0 else rest) + line, soft_wrap=True, highlight=False)


def item(console: Console, text: Text | str, style: str = "") -> None:
    """One row as one line ("- …"), wrapped with a hanging indent when it is longer than the screen."""
    _wrapped(console, text, "- ", "  ", style)


def detail(console: Console, label: str, text: str, style: str = "") -> None:
    """A long part of the row above (SQL, a note) on its own indented lines."""
    if text:
        _wrapped(console, Text(f"{label}: " if label else "") + Text(text, style=style), "    ", "      ")
