"""The output formats a command can write, and the one way every document is written as JSON.

Free of typer and rich: the engines that write a file themselves (a precheck's ``--out`` reports, a bench
workload) and the renderers of every stage serialise JSON through :func:`write_json`, so every JSON
document the tool writes looks the same: 2-space indent, UTF-8 as it is (``ensure_ascii`` off: a
comment in Cyrillic stays readable), keys in the order the document builds them (no sorting: a
report reads top-down), anything else (a date, a path) as its ``str``, and one trailing newline.
"""

from __future__ import annotations

import enum
import io
import json
from typing import Any, TextIO


class OutputFormat(str, enum.Enum):
    """What ``--format`` names; each command offers the ones its documents render (``format_option``)."""

    console = "console"
    json = "json"
    md = "md"
    html = "html"
    csv = "csv"
    junit = "junit"


def write_json(value: Any, fh: TextIO) -> None:
    """``value`` as JSON into ``fh``, written as it is encoded: a 100k-table report is never one huge string."""
    json.dump(value, fh, indent=2, ensure_ascii=False, default=str)
    fh.write("\n")


def json_text(value: Any) -> str:
    """:func:`write_json`'s text, for a document small enough to hold."""
    buf = io.StringIO()
    write_json(value, buf)
    return buf.getvalue()


def md_text(text: Any) -> str:
    """Text for Markdown (a table cell or a line): no markup, no HTML, one line. Object names and messages come
    from the scanned schema, so a table named ``<img src=x onerror=...>`` or ``*x*`` must reach a reviewer's
    Markdown viewer as the characters it is, not as markup."""
    out = str(text if text is not None else "")
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r", "").replace("\n", "<br>")
