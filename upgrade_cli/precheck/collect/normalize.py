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


# --------------------------------------------------------------------------------------------
# sql_mode as 5.7 stores it
# --------------------------------------------------------------------------------------------

# The flags in 5.7's bit order (sql/sql_class.h MODE_*; MariaDB has IGNORE_BAD_TABLE_OPTIONS in the
# unused slot and three more at the end): 5.7 prints a stored sql_mode in this order.
SQL_MODE_ORDER = (
    "REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "IGNORE_BAD_TABLE_OPTIONS",
    "ONLY_FULL_GROUP_BY", "NO_UNSIGNED_SUBTRACTION", "NO_DIR_IN_CREATE", "POSTGRESQL", "ORACLE", "MSSQL", "DB2",
    "MAXDB", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS", "MYSQL323", "MYSQL40", "ANSI",
    "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES", "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_IN_DATE",
    "NO_ZERO_DATE", "ALLOW_INVALID_DATES", "ERROR_FOR_DIVISION_BY_ZERO", "TRADITIONAL", "NO_AUTO_CREATE_USER",
    "HIGH_NOT_PRECEDENCE", "NO_ENGINE_SUBSTITUTION", "PAD_CHAR_TO_FULL_LENGTH",
)
_ANSI_LIKE = ("PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS")
# Combination modes and what 5.7 adds for them when the mode is set (sql/sys_vars.cc expand_sql_mode();
# 5.7 manual, "Combination SQL Modes"); the combination's own name stays in the list.
SQL_MODE_COMBINATIONS_57 = {
    "ANSI": ("REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "ONLY_FULL_GROUP_BY"),
    "DB2": _ANSI_LIKE, "MSSQL": _ANSI_LIKE, "POSTGRESQL": _ANSI_LIKE,
    "ORACLE": _ANSI_LIKE + ("NO_AUTO_CREATE_USER",), "MAXDB": _ANSI_LIKE + ("NO_AUTO_CREATE_USER",),
    "MYSQL323": ("HIGH_NOT_PRECEDENCE",), "MYSQL40": ("HIGH_NOT_PRECEDENCE",),
    "TRADITIONAL": ("STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_IN_DATE", "NO_ZERO_DATE",
                    "ERROR_FOR_DIVISION_BY_ZERO", "NO_AUTO_CREATE_USER", "NO_ENGINE_SUBSTITUTION"),
}
# MySQL 5.7's compiled-in default (what SET sql_mode = DEFAULT gives when the global is the default).
SQL_MODE_57_DEFAULT = ("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                       "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION")
_MODE_RANK = {m: i for i, m in enumerate(SQL_MODE_ORDER)}


def sql_mode_flags(sql_mode: str | None) -> set[str]:
    """The flags of a stored sql_mode value, upper-case."""
    return {f.strip().upper() for f in (sql_mode or "").split(",") if f.strip()}


def stored_sql_mode(value: str | None) -> str:
    """``value`` as 5.7 stores it for an object created under it: combination modes expanded, flags in
    5.7's order, ``DEFAULT`` as 5.7's default."""
    flags = sql_mode_flags(value)
    if flags == {"DEFAULT"}:
        flags = sql_mode_flags(SQL_MODE_57_DEFAULT)
    for mode, adds in SQL_MODE_COMBINATIONS_57.items():
        if mode in flags:
            flags.update(adds)
    return ",".join(sorted(flags, key=lambda f: (_MODE_RANK.get(f, len(_MODE_RANK)), f)))


# MySQL character set -> Python codec, for the client charsets a 5.7 dump can name. latin1 is
# cp1252 in MySQL (with the five bytes cp1252 leaves undefined passed through: see _latin1).
_CODECS = {
    "latin1": "latin1", "ascii": "ascii", "binary": "latin-1", "latin2": "iso8859-2", "latin5": "iso8859-9",
    "latin7": "iso8859-13", "cp1250": "cp1250", "cp1251": "cp1251", "cp1256": "cp1256", "cp1257": "cp1257",
    "cp850": "cp850", "cp852": "cp852", "cp866": "cp866", "greek": "iso8859-7", "hebrew": "iso8859-8",
    "koi8r": "koi8-r", "koi8u": "koi8-u", "macroman": "mac-roman", "macce": "mac-latin2", "tis620": "tis-620",
    "sjis": "shift_jis", "cp932": "cp932", "ujis": "euc_jp", "eucjpms": "euc_jp", "gbk": "gbk", "gb2312": "gb2312",
    "gb18030": "gb18030", "big5": "big5", "euckr": "euc_kr",
}
UTF8_CLIENTS = frozenset({None, "utf8", "utf8mb3", "utf8mb4"})  # None: no SET NAMES seen, the file's own UTF-8


def charset_name(value: str) -> str | None:
    """A character set as SET NAMES / character_set_client name it; None for DEFAULT or nothing."""
    name = value.strip().strip("'\"`").lower()
    return None if name in ("", "default") else name


def _latin1(raw: bytes) -> str:
    """MySQL's latin1 is Windows-1252, except that 0x81 0x8D 0x8F 0x90 0x9D are passed through."""
    return raw.decode("cp1252", "surrogateescape").translate(_LATIN1_GAPS)


_LATIN1_GAPS = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def client_codec(charset: str | None) -> str | None:
    """The Python codec of a MySQL client character set (``cp1252`` for latin1), None when unknown."""
    if charset in UTF8_CLIENTS:
        return "utf-8"
    codec = _CODECS.get(charset or "")
    return "cp1252" if codec == "latin1" else codec


def decode_client_bytes(raw: bytes, charset: str | None) -> tuple[str, str | None]:
    """Bytes sent through a ``charset`` client connection as text, and what could not be decoded.

    With no client charset known (``None``), bytes that are not UTF-8 are read as latin1 (the 5.7
    client default). An undecodable byte becomes U+FFFD and is described in the second value
    (``None`` when every byte decoded).
    """
    if charset in UTF8_CLIENTS:
        try:
            return raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            if charset is None:
                return _latin1(raw), None
            first = exc.start
    else:
        codec = _CODECS.get(charset or "")
        if codec == "latin1":
            return _latin1(raw), None
        if codec is None:
            return raw.decode("utf-8", "replace"), f"bytes in character set {charset}, which this tool cannot decode"
        try:
            return raw.decode(codec), None
        except UnicodeDecodeError as exc:
            first = exc.start
    decoded = raw.decode(_CODECS.get(charset or "", "utf-8"), "replace")
    return decoded, f"a byte that is not valid {charset} (0x{raw[first]:02X} at byte {first})"
