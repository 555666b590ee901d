"""Helpers for the server-fact and metadata checks: where facts come from, byte lengths, odd characters.

Kept apart from the check modules so ``aurora.py`` and ``server.py`` share one definition of
"this catalog came from a live server" and one charset byte table (index limits are in bytes,
the catalog stores prefix lengths in characters).
"""

from __future__ import annotations

import re

from upgrade_cli.precheck.model import Catalog, Column, Table
from upgrade_cli.sqltext import tokenize

# Longest encoding of one character, per MySQL 5.7 character set (SHOW CHARACTER SET, Maxlen).
_MAXLEN = {
    "big5": 2, "sjis": 2, "euckr": 2, "gb2312": 2, "gbk": 2, "cp932": 2, "ucs2": 2,
    "ujis": 3, "eucjpms": 3, "utf8mb3": 3,
    "utf8mb4": 4, "utf16": 4, "utf16le": 4, "utf32": 4, "gb18030": 4,
}

_BINARY_TYPES = frozenset({"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})
_TEXT_OCTETS = {"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295,
                "tinyblob": 255, "blob": 65535, "mediumblob": 16777215, "longblob": 4294967295}


def live_facts(catalog: Catalog) -> bool:
    """True when server facts were read from a running server (directly or via its snapshot).

    A dump header can give ``server.version`` too, so ``version`` alone is not enough: only a live
    collection fills the global variables, and without them "no XA rows" means "not looked at".
    """
    return catalog.server.known and bool(catalog.server.variables)


def max_bytes_per_char(charset: str | None) -> int:
    return _MAXLEN.get((charset or "").lower(), 1)


def column_octet_length(col: Column) -> int | None:
    """Bytes the column's value can take (``CHARACTER_OCTET_LENGTH``), None for non-string types."""
    if col.data_type in _TEXT_OCTETS:
        return _TEXT_OCTETS[col.data_type]
    m = re.match(r"\w+\((\d+)\)", col.column_type or "")
    if col.data_type in ("binary", "varbinary") and m:
        return int(m.group(1))
    if col.data_type in ("char", "varchar") and m:
        return int(m.group(1)) * max_bytes_per_char(col.charset)
    return None


def index_part_bytes(table: Table, column_name: str, sub_part: int | None) -> int | None:
    """Bytes one index part takes: a prefix counts in characters for text, in bytes for binary."""
    col = table.column(column_name)
    if col is None:
        return None
    full = column_octet_length(col)
    if sub_part is None:
        return full
    per_char = 1 if col.data_type in _BINARY_TYPES else max_bytes_per_char(col.charset)
    size = sub_part * per_char
    return min(size, full) if full is not None else size


def non_bmp(text: str | None) -> list[str]:
    """Characters outside the Basic Multilingual Plane (4-byte UTF-8: emoji etc.), in order, unique."""
    if not text or text.isascii():  # most comments: decided in C, no character loop
        return []
    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) > 0xFFFF:
            seen.setdefault(ch, None)
    return list(seen)


# Invisible or look-alike characters that break re-parsing of stored code (NBSP first: the one AWS names).
_HIDDEN = re.compile("[\u00a0\u00ad\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff"
                     "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def hidden_characters(code: str | None) -> list[tuple[int, str]]:
    """(offset, char) of hidden/special characters in SQL code, comments included, outside string
    literals and quoted identifiers: inside those they are data, which 8.0 parses fine. A comment is
    not data: AWS's own example of a routine that fails the upgrade is a no-break space in a comment."""
    code = code or ""
    if not _HIDDEN.search(code):
        return []  # the common case, decided in C: no token walk
    found: list[tuple[int, str]] = []
    start = 0
    for tok in [*tokenize(code), None]:  # everything but the string and quoted-identifier tokens
        end = len(code) if tok is None else tok.pos if tok.kind in ("string", "ident") else tok.end
        found += [(m.start(), m.group()) for m in _HIDDEN.finditer(code, start, end)]
        if tok is None:
            break
        start = tok.end
    return found


def char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def parse_account(account: str) -> tuple[str, str]:
    """Split ``'user'@'host'`` (quotes optional) into (user, host)."""
    m = re.fullmatch(r"\s*'((?:[^']|'')*)'@'((?:[^']|'')*)'\s*", account)
    if m:
        return m.group(1).replace("''", "'"), m.group(2).replace("''", "'")
    user, _, host = account.rpartition("@")
    return (user or account).strip("`'\""), host.strip("`'\"")


def variable(catalog: Catalog, name: str) -> str | None:
    value = catalog.server.variables.get(name.lower())
    return None if value is None else str(value)


def same_value(a: str | None, b: str | None) -> bool:
    """Compare variable values the way the server prints them (ON=1, OFF=0, case-insensitive)."""
    norm = {"on": "1", "off": "0", "true": "1", "false": "0", "yes": "1", "no": "0"}

    def n(v: str | None) -> str:
        v = (v or "").strip().lower()
        return norm.get(v, v)

    return n(a) == n(b)
