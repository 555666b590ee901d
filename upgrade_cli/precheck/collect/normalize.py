"""Values as a live 5.7 server reports them in ``information_schema``: shared by both collectors.

The dump parser and the live collector both build the catalog through these functions, so a dump
and a live scan of the same schema give equal values (default collations, literal defaults,
``CURRENT_TIMESTAMP`` expressions, DECIMAL literals, index order).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from upgrade_cli.precheck.model import Index, normalize_charset
from upgrade_cli.sqltext import tokenize

# --------------------------------------------------------------------------------------------
# Normalisation shared by both collectors (one home for "what the server would say").
# --------------------------------------------------------------------------------------------

STRING_TYPES = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"}

_DEFAULT_COLLATION_SUFFIX = {
    "latin1": "swedish_ci", "dec8": "swedish_ci", "swe7": "swedish_ci", "hp8": "english_ci",
    "big5": "chinese_ci", "gbk": "chinese_ci", "gb2312": "chinese_ci", "gb18030": "chinese_ci",
    "sjis": "japanese_ci", "ujis": "japanese_ci", "cp932": "japanese_ci", "eucjpms": "japanese_ci",
    "euckr": "korean_ci", "tis620": "thai_ci", "latin5": "turkish_ci",
}


def default_collation(charset: str | None) -> str | None:
    """The collation a charset gets when none is named (as in 5.7 and MariaDB 10.11)."""
    charset = normalize_charset(charset)
    if not charset:
        return None
    if charset == "binary":
        return "binary"
    return f"{charset}_{_DEFAULT_COLLATION_SUFFIX.get(charset, 'general_ci')}"


_NOW_RE = re.compile(r"^(current_timestamp|now|localtime|localtimestamp)\s*(?:\(\s*(\d*)\s*\))?$", re.I)
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$", re.I)
_BITHEX_RE = re.compile(r"^[bx]'[0-9a-f]*'$|^0x[0-9a-f]+$|^0b[01]+$", re.I)


def strip_outer_parens(text: str) -> str:
    """``((a + 1))`` → ``a + 1``: generated/default expressions are compared without wrappers.

    One tokenize and one pass, whatever the nesting depth (8,000 wrappers must not cost minutes)."""
    text = text.strip()
    toks = tokenize(text)
    n = len(toks)
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, tok in enumerate(toks):
        if tok.kind == "punct" and tok.text == "(":
            stack.append(i)
        elif tok.kind == "punct" and tok.text == ")" and stack:
            match[stack.pop()] = i
    k = 0
    while k < n - 1 - k and match.get(k) == n - 1 - k:
        k += 1
    if k == 0 or toks[0].pos != 0 or toks[-1].end != len(text):
        return text
    return text[toks[k - 1].end:toks[n - k].pos].strip()


def canonical_expression(text: str) -> str:
    """Expression text as the catalog stores it: ``now()`` and friends become ``CURRENT_TIMESTAMP``."""
    text = strip_outer_parens(text)
    m = _NOW_RE.match(text)
    if m:
        return "CURRENT_TIMESTAMP" + (f"({m.group(2)})" if m.group(2) else "")
    return text


def canonical_extra(parts: list[str]) -> str:
    """``extra`` as one lower-case string (``on update CURRENT_TIMESTAMP`` keeps its expression)."""
    out = []
    for p in parts:
        p = " ".join(p.split())
        low = p.lower()
        if not low or low == "default_generated":
            continue
        if low.startswith("on update "):
            out.append("on update " + canonical_expression(p[len("on update "):]))
        else:
            out.append(low)
    return " ".join(out)


def decimal_literal(value: str, column_type: str) -> str:
    """A numeric default on a DECIMAL/FLOAT/DOUBLE(m,s) column, written with ``s`` decimals as the server does."""
    m = re.match(r"(?:decimal|float|double)\(\d+,(\d+)\)", column_type)
    if not m or not _NUMBER_RE.match(value):
        return value
    try:
        return str(Decimal(value).quantize(Decimal(1).scaleb(-int(m.group(1)))))
    except InvalidOperation:
        return value


def live_default(raw: str | None, mariadb: bool, extra: str) -> tuple[str | None, bool]:
    """``information_schema.COLUMNS.COLUMN_DEFAULT`` → (default, is_expression).

    MariaDB quotes literals (``'a''b'``), writes ``NULL`` for "no default" and leaves expressions
    bare; MySQL 5.7 gives literals bare and only ``CURRENT_TIMESTAMP`` as an expression
    (8.0 adds ``DEFAULT_GENERATED`` in EXTRA).
    """
    if raw is None:
        return None, False
    if mariadb:
        if raw == "NULL":
            return None, False
        if len(raw) >= 2 and raw[0] == raw[-1] == "'":
            return _unquote_sql_string(raw), False
        if _NUMBER_RE.match(raw) or _BITHEX_RE.match(raw):
            return raw, False
        return canonical_expression(raw), True
    if "default_generated" in extra.lower() or _NOW_RE.match(raw.strip()):
        return canonical_expression(raw), True
    return raw, False


def _unquote_sql_string(quoted: str) -> str:
    toks = tokenize(quoted)
    return toks[0].text if len(toks) == 1 and toks[0].kind == "string" else quoted[1:-1]


def quote_element(value: str) -> str:
    """An ENUM/SET element as ``COLUMN_TYPE`` writes it."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def index_order(index: Index) -> tuple[bool, str]:
    """PRIMARY first, then by name: the one order both collectors give (declaration order is not visible live)."""
    return index.name != "PRIMARY", index.name.lower()
