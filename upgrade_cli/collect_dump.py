"""Build a Catalog from a ``mysqldump --no-data --routines --triggers --events`` file, offline.

The file is split into statements by :func:`upgrade_cli.sqltext.split_statements` (which knows
``DELIMITER`` and version comments) and each statement is read from
:func:`upgrade_cli.sqltext.tokenize` tokens, never by sqlglot: stored code does not survive sqlglot
(see shared/domain/check-catalog-style.md §7). Values are normalised to what a live 5.7 server
would report in ``information_schema`` (default display widths, effective charsets, unquoted
literal defaults, ``CURRENT_TIMESTAMP`` expressions), so every check sees the same catalog from a
dump as from :mod:`upgrade_cli.collect_live`.

Rules worth knowing:
- ``DROP`` statements are ignored: a later ``CREATE`` of the same name replaces the object, and a
  ``CREATE VIEW`` replaces the same-named stub table (or stub view) that mysqldump writes first,
  taking the stub's column names when the view has no column list.
- A statement that cannot be parsed, or an object-defining statement the catalog cannot hold,
  becomes a :class:`~upgrade_cli.model.CollectionIssue` ("needs manual review"), never a silent
  pass; one bad statement never loses the others.
- The dump's ``-- Server version`` goes to ``server.extra["dump_server_version"]``; ``server.version``
  stays ``None`` so server-scope checks are skipped rather than run on facts a dump cannot give.
"""

from __future__ import annotations

import copy
import datetime as _dt
import gzip
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from upgrade_cli import __version__
from upgrade_cli.cli_common import ToolError, read_input
from upgrade_cli.model import (
    Catalog, CollectionIssue, Column, Event, ForeignKey, Index, IndexPart, Partition, Routine,
    Schema, Source, Table, Trigger, View, charset_of_collation, normalize_charset,
    normalize_collation,
)
from upgrade_cli.sqltext import Token, split_statements, tokenize

# --------------------------------------------------------------------------------------------
# Normalisation shared with collect_live (one home for "what the server would say").
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
    """``((a + 1))`` → ``a + 1``: generated/default expressions are compared without wrappers."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for tok in tokenize(text):
            if tok.text == "(" and tok.kind == "punct":
                depth += 1
            elif tok.text == ")" and tok.kind == "punct":
                depth -= 1
                if depth == 0 and tok.end != len(text):
                    return text
        text = text[1:-1].strip()
    return text


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


# --------------------------------------------------------------------------------------------
# Data types: one parser for columns, routine parameters and RETURNS.
# --------------------------------------------------------------------------------------------

_TYPE_ALIASES = {
    "integer": "int", "int4": "int", "int1": "tinyint", "int2": "smallint", "int3": "mediumint",
    "int8": "bigint", "middleint": "mediumint", "bool": "tinyint", "boolean": "tinyint",
    "dec": "decimal", "numeric": "decimal", "fixed": "decimal", "real": "double", "float8": "double",
    "float4": "float", "character": "char", "nchar": "char", "nvarchar": "varchar",
}
_INT_WIDTHS = {"tinyint": (4, 3), "smallint": (6, 5), "mediumint": (9, 8), "int": (11, 10), "bigint": (20, 20)}
_TYPE_ATTRS = {"UNSIGNED", "SIGNED", "ZEROFILL", "BINARY", "ASCII", "UNICODE", "BYTE", "CHARACTER", "CHARSET",
               "COLLATE", "CHAR"}


class _ParseError(Exception):
    pass


class _Cursor:
    """A position in a token list, with the statement text for slicing bodies as written."""

    def __init__(self, tokens: list[Token], text: str, start: int = 0, stop: int | None = None):
        self.toks = tokens
        self.text = text
        self.i = start
        self.stop = len(tokens) if stop is None else stop

    def done(self) -> bool:
        return self.i >= self.stop

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < self.stop else None

    def at(self, *words: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == "word" and t.upper in words

    def at_punct(self, p: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == "punct" and t.text == p

    def take(self) -> Token:
        if self.done():
            raise _ParseError("unexpected end of statement")
        t = self.toks[self.i]
        self.i += 1
        return t

    def accept(self, *words: str) -> Token | None:
        if self.at(*words):
            return self.take()
        return None

    def accept_seq(self, *words: str) -> bool:
        if all(self.at(w, k=n) for n, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def accept_punct(self, p: str) -> bool:
        if self.at_punct(p):
            self.i += 1
            return True
        return False

    def expect_punct(self, p: str) -> None:
        if not self.accept_punct(p):
            t = self.peek()
            raise _ParseError(f"expected '{p}' at line {t.line if t else '?'}, found {t.text if t else 'end'!r}")

    def expect(self, *words: str) -> Token:
        t = self.accept(*words)
        if t is None:
            nxt = self.peek()
            raise _ParseError(f"expected {'/'.join(words)}, found {nxt.text if nxt else 'end'!r}")
        return t

    def name(self) -> str:
        t = self.take()
        if t.kind not in ("ident", "word", "string"):
            raise _ParseError(f"expected a name at line {t.line}, found {t.text!r}")
        return t.text

    def qualified(self) -> tuple[str | None, str]:
        first = self.name()
        if self.at_punct("."):
            self.i += 1
            return first, self.name()
        return None, first

    def group_end(self) -> int:
        """Index of the ``)`` matching the ``(`` at the cursor."""
        depth = 0
        for j in range(self.i, self.stop):
            t = self.toks[j]
            if t.kind == "punct":
                if t.text == "(":
                    depth += 1
                elif t.text == ")":
                    depth -= 1
                    if depth == 0:
                        return j
        raise _ParseError("unbalanced parentheses")

    def group(self) -> "_Cursor":
        """Consume ``( ... )`` and return a cursor over its inside."""
        if not self.at_punct("("):
            t = self.peek()
            raise _ParseError(f"expected '(' , found {t.text if t else 'end'!r}")
        end = self.group_end()
        inner = _Cursor(self.toks, self.text, self.i + 1, end)
        self.i = end + 1
        return inner

    def group_text(self) -> str:
        """Consume ``( ... )`` and return the text inside, as written."""
        open_tok = self.peek()
        inner = self.group()
        close_tok = self.toks[inner.stop]
        return self.text[open_tok.end:close_tok.pos].strip()  # type: ignore[union-attr]

    def split_commas(self) -> list["_Cursor"]:
        """Split the rest of this cursor at top-level commas."""
        parts, depth, start = [], 0, self.i
        for j in range(self.i, self.stop):
            t = self.toks[j]
            if t.kind != "punct":
                continue
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
            elif t.text == "," and depth == 0:
                parts.append(_Cursor(self.toks, self.text, start, j))
                start = j + 1
        parts.append(_Cursor(self.toks, self.text, start, self.stop))
        self.i = self.stop
        return [p for p in parts if not p.done()]

    def rest_text(self) -> str:
        if self.done():
            return ""
        return self.text[self.toks[self.i].pos:self.toks[self.stop - 1].end].strip()

    def skip_value(self) -> None:
        """Skip one option value: ``= x``, a parenthesised group, or a single token."""
        self.accept_punct("=")
        if self.at_punct("("):
            self.group()
        elif not self.done():
            self.take()


class _Type:
    def __init__(self, data_type: str, column_type: str, charset: str | None, collation: str | None,
                 binary_collation: bool, enum_values: list[str]):
        self.data_type = data_type
        self.column_type = column_type
        self.charset = charset
        self.collation = collation
        self.binary_collation = binary_collation
        self.enum_values = enum_values

    @property
    def is_string(self) -> bool:
        return self.data_type in STRING_TYPES


def _parse_type(c: _Cursor) -> _Type:
    word = c.take()
    if word.kind != "word":
        raise _ParseError(f"expected a data type at line {word.line}, found {word.text!r}")
    base = word.text.lower()
    charset = collation = None
    if base == "national":
        base, charset = c.take().text.lower(), "utf8mb3"
    elif base in ("nchar", "nvarchar"):
        charset = "utf8mb3"
    if base == "double" and c.accept("PRECISION"):
        pass
    elif base in ("char", "character") and c.accept("VARYING"):
        base = "varchar"
    elif base == "long":
        base = "mediumblob" if c.accept("VARBINARY") else "mediumtext"
        c.accept("VARCHAR")
    is_bool = base in ("bool", "boolean")
    base = _TYPE_ALIASES.get(base, base)
    args: list[str] = []
    enum_values: list[str] = []
    if c.at_punct("("):
        inner = c.group()
        if base in ("enum", "set"):
            enum_values = [t.text for t in inner.toks[inner.i:inner.stop] if t.kind == "string"]
        else:
            args = ["".join(t.text for t in part.toks[part.i:part.stop]) for part in inner.split_commas()]
    unsigned = zerofill = binary = False
    while True:
        if c.accept("UNSIGNED"):
            unsigned = True
        elif c.accept("SIGNED"):
            pass
        elif c.accept("ZEROFILL"):
            zerofill = unsigned = True
        elif c.accept("BINARY"):
            binary = True
        elif c.accept("ASCII"):
            charset = "latin1"
        elif c.accept("UNICODE"):
            charset = "ucs2"
        elif c.accept("BYTE"):
            charset = "binary"
        elif clause := _charset_clause(c):
            charset, collation = _apply_clause(clause, charset, collation)
        else:
            break
    if base == "float" and len(args) == 1:  # FLOAT(p): the precision picks FLOAT or DOUBLE
        base, args = ("double" if int(args[0]) > 24 else "float"), []
    if is_bool:
        args = ["1"]
    elif base in _INT_WIDTHS and not args:
        args = [str(_INT_WIDTHS[base][1 if unsigned else 0])]
    elif base == "decimal":
        args = (args + ["10", "0"][len(args):])[:2] if len(args) < 2 else args
    elif base in ("char", "binary", "bit") and not args:
        args = ["1"]
    elif base == "year" and not args:
        args = ["4"]
    if base in ("enum", "set"):
        column_type = f"{base}({','.join(quote_element(v) for v in enum_values)})"
    else:
        column_type = base + (f"({','.join(args)})" if args else "")
    if unsigned and base in _INT_WIDTHS | {"decimal": 0, "float": 0, "double": 0}:
        column_type += " unsigned"
    if zerofill:
        column_type += " zerofill"
    return _Type(base, column_type, charset, collation, binary, enum_values)


def _definer(c: _Cursor) -> str:
    """``DEFINER = `u`@`h``` → ``u@h`` (the form information_schema uses)."""
    c.accept_punct("=")
    user = c.take()
    if user.kind == "word" and user.upper == "CURRENT_USER":
        if c.at_punct("("):
            c.group()
        return "CURRENT_USER"
    text = user.text
    if user.kind == "variable" and user.text.startswith("@"):  # `u`@host written without quotes
        return text
    if c.at_punct("@"):
        c.i += 1
        text += "@" + c.take().text
    elif c.peek() is not None and c.peek().kind == "variable":  # type: ignore[union-attr]
        text += c.take().text
    return text


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------

_IGNORED_STATEMENTS = {
    "DROP", "INSERT", "REPLACE", "LOCK", "UNLOCK", "DELETE", "UPDATE", "SELECT", "START", "BEGIN",
    "COMMIT", "ROLLBACK", "FLUSH", "ANALYZE", "OPTIMIZE", "CHECK", "REPAIR", "TRUNCATE", "DO", "CALL",
    "SHOW", "XA", "LOAD", "HANDLER", "PREPARE", "EXECUTE", "DEALLOCATE", "SAVEPOINT", "RELEASE", "KILL",
    "INSTALL", "UNINSTALL", "RESET", "PURGE", "CHANGE", "SOURCE", "WARNINGS", "NOWARNING", "TEE",
    "NOTEE", "CHARSET", "EXPLAIN", "DESCRIBE", "DESC", "HELP", "BINLOG", "WITH", "VALUES", "TABLE",
    "CACHE", "STOP", "SIGNAL", "GET", "CHECKSUM", "BACKUP",
}
_OBJECT_KINDS = {"TABLE", "VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "INDEX", "DATABASE", "SCHEMA"}
_ROUTINE_CHARACTERISTICS = ("COMMENT", "LANGUAGE", "NOT", "DETERMINISTIC", "CONTAINS", "NO", "READS",
                            "MODIFIES", "SQL")


class DumpParser:
    """Reads statements one by one into catalog objects (see the module docstring for the rules)."""

    def __init__(self, source_name: str, default_schema: str | None = None):
        self.source_name = source_name
        self.default_schema = default_schema
        self.schema: str | None = default_schema
        self.sql_mode = ""
        self.user_vars: dict[str, str] = {}
        self.schemas: dict[str, Schema] = {}
        self.tables: dict[tuple[str, str], Table] = {}
        self.views: dict[tuple[str, str], View] = {}
        self.routines: dict[tuple[str, str, str], Routine] = {}
        self.triggers: dict[tuple[str, str], Trigger] = {}
        self.events: dict[tuple[str, str], Event] = {}
        self.issues: list[CollectionIssue] = []
        self.ddl_seen = 0
        self.fk_index_names: dict[tuple[str, str, str], str] = {}
        self.account_statements: list[int] = []  # lines of CREATE USER/ROLE, GRANT, REVOKE
        self.extra: dict[str, object] = {}

    # -- driver ---------------------------------------------------------------------------------

    def feed(self, text: str) -> None:
        head = text[:4000]
        m = re.search(r"^--\s*Server version\s+(\S+)", head, re.M)
        if m:
            self.extra["dump_server_version"] = m.group(1)
        m = re.search(r"^--\s*(MySQL|MariaDB) dump .*$", head, re.M)
        if m:
            self.extra["dump_tool"] = m.group(0).lstrip("- ").strip()
        m = re.search(r"^--\s*Host:.*?Database:\s*(\S+)", head, re.M)
        if m and self.schema is None:
            self.schema = m.group(1).strip("`")
        for stmt in split_statements(text):
            tokens = tokenize(stmt.text)
            if not tokens:
                continue
            try:
                self.statement(_Cursor(tokens, stmt.text), stmt.line)
            except Exception as exc:  # noqa: BLE001 - one bad statement must not lose the rest
                self._issue_for_failed(tokens, stmt.line, exc)

    def _issue_for_failed(self, tokens: list[Token], line: int, exc: Exception) -> None:
        kind, name = _guess_object(tokens)
        reason = str(exc) if isinstance(exc, _ParseError) else f"{type(exc).__name__}: {exc}"
        self.issues.append(CollectionIssue(self._schema_or_default(), kind, name,
                                           f"statement at line {line} could not be parsed: {reason}"))
        if kind != "statement":
            self.ddl_seen += 1

    def _schema_or_default(self) -> str:
        if self.schema is None:
            stem = Path(self.source_name).stem if self.source_name and not self.source_name.startswith("<") else ""
            self.schema = stem or "dump"
        return self.schema

    def _issue(self, object_type: str, name: str | None, reason: str, schema: str | None = None) -> None:
        self.issues.append(CollectionIssue(schema or self._schema_or_default(), object_type, name, reason))

    def catalog(self) -> Catalog:
        used = {k[0] for k in [*self.tables, *self.views, *self.routines, *self.triggers, *self.events]}
        for name in sorted(used - set(self.schemas)):
            self.schemas[name] = Schema(name)
        server_extra = dict(self.extra)
        cat = Catalog(source=Source("dump", self.source_name,
                                    _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), __version__))
        cat.server.extra = server_extra
        cat.schemas = sorted(self.schemas.values(), key=lambda s: s.name)
        cat.tables = sorted(self.tables.values(), key=lambda t: (t.schema, t.name))
        cat.views = sorted(self.views.values(), key=lambda v: (v.schema, v.name))
        cat.routines = sorted(self.routines.values(), key=lambda r: (r.schema, r.kind, r.name))
        cat.triggers = sorted(self.triggers.values(), key=lambda t: (t.schema, t.name))
        cat.events = sorted(self.events.values(), key=lambda e: (e.schema, e.name))
        cat.issues = list(self.issues)
        if self.account_statements:
            lines = ", ".join(map(str, self.account_statements[:10])) + (" ..." if len(self.account_statements) > 10 else "")
            cat.issues.append(CollectionIssue(None, "account", None,
                                              f"{len(self.account_statements)} account/privilege statements (lines {lines}) "
                                              "are not checked from a dump; scan the live server for account checks"))
        return cat

    def statement(self, c: _Cursor, line: int) -> None:
        first = c.peek()
        assert first is not None
        word = first.upper if first.kind == "word" else ""
        if word == "CREATE":
            c.take()
            self.create(c, line)
        elif word == "ALTER":
            c.take()
            self.alter(c, line)
        elif word == "USE":
            c.take()
            self.schema = c.name()
        elif word == "SET":
            c.take()
            self.set_statement(c)
        elif word == "RENAME":
            self.rename(c, line)
        elif word in ("GRANT", "REVOKE"):
            self.account_statements.append(line)
        elif word in _IGNORED_STATEMENTS:
            return
        else:
            self._issue("statement", None, f"statement at line {line} not understood: {first.text!r}")

    # -- SET sql_mode ----------------------------------------------------------------------------

    def set_statement(self, c: _Cursor) -> None:
        for part in c.split_commas():
            t = part.take()
            scope = ""
            if t.kind == "word" and t.upper in ("SESSION", "LOCAL", "GLOBAL", "PERSIST"):
                scope, t = t.upper, part.take()
            target = t.text.lower()
            if not part.accept_punct("=") and not part.accept_punct(":="):
                continue
            value = self._set_value(part)
            if t.kind == "variable" and not target.startswith("@@"):
                self.user_vars[target] = value if value is not None else ""
                continue
            target = target.lstrip("@").replace("session.", "").replace("local.", "")
            if target == "sql_mode" and scope != "GLOBAL" and not target.startswith("global."):
                self.sql_mode = value if value is not None else ""

    def _set_value(self, c: _Cursor) -> str | None:
        t = c.peek()
        if t is None:
            return None
        if t.kind == "string" and c.i + 1 == c.stop:
            return t.text
        if t.kind == "variable" and c.i + 1 == c.stop:
            name = t.text.lower()
            if name.startswith("@@"):
                return self.sql_mode if name.lstrip("@").replace("session.", "") == "sql_mode" else None
            return self.user_vars.get(name)
        if t.kind == "word" and t.upper == "DEFAULT":
            return ""
        return None

    # -- CREATE ----------------------------------------------------------------------------------

    def create(self, c: _Cursor, line: int) -> None:
        definer = security = None
        temporary = False
        index_kind = ""
        aggregate = False
        while True:
            if c.accept_seq("OR", "REPLACE"):
                continue
            if c.accept("ALGORITHM"):
                c.skip_value()
            elif c.accept("DEFINER"):
                definer = _definer(c)
            elif c.at("SQL") and c.at("SECURITY", k=1):
                c.i += 2
                security = c.take().upper
            elif c.accept("TEMPORARY"):
                temporary = True
            elif c.accept("AGGREGATE"):
                aggregate = True
            elif c.at("UNIQUE", "FULLTEXT", "SPATIAL"):
                index_kind = c.take().upper
            elif c.accept("ONLINE", "OFFLINE"):
                pass
            else:
                break
        kind_tok = c.take()
        kind = kind_tok.upper if kind_tok.kind == "word" else ""
        if kind == "KEY":
            kind = "INDEX"
        if kind not in _OBJECT_KINDS:
            if kind in ("USER", "ROLE"):
                self.account_statements.append(line)
            else:
                self.ddl_seen += 1
                self._issue(kind.lower() or "statement", _first_name(c),
                            f"CREATE {kind_tok.text} at line {line} is not modelled by the catalog")
            return
        self.ddl_seen += 1
        if kind in ("DATABASE", "SCHEMA"):
            self.create_database(c)
        elif kind == "TABLE":
            if not temporary:
                self.create_table(c, line)
        elif kind == "VIEW":
            self.create_view(c, definer, security)
        elif kind in ("PROCEDURE", "FUNCTION"):
            self.create_routine(c, kind, definer, aggregate)
        elif kind == "TRIGGER":
            self.create_trigger(c, definer)
        elif kind == "EVENT":
            self.create_event(c, definer)
        elif kind == "INDEX":
            self.create_index(c, index_kind, line)

    def _if_not_exists(self, c: _Cursor) -> None:
        c.accept_seq("IF", "NOT", "EXISTS")

    def _qualified(self, c: _Cursor) -> tuple[str, str]:
        schema, name = c.qualified()
        return schema or self._schema_or_default(), name

    def create_database(self, c: _Cursor) -> None:
        self._if_not_exists(c)
        name = c.name()
        charset, collation = self._charset_options(c)
        self.schemas[name] = Schema(name, charset, collation)

    def _charset_options(self, c: _Cursor) -> tuple[str | None, str | None]:
        charset = collation = None
        while not c.done():
            if c.accept("DEFAULT"):
                continue
            if clause := _charset_clause(c):
                charset, collation = _apply_clause(clause, charset, collation)
            else:
                c.take()
                c.skip_value()
        return _charset_pair(charset, collation)

    # -- tables ----------------------------------------------------------------------------------

    def create_table(self, c: _Cursor, line: int) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        if c.accept("LIKE") or (c.at_punct("(") and c.at("LIKE", k=1)):
            inner = c.group() if c.at_punct("(") else c
            inner.accept("LIKE")
            src_schema, src = inner.qualified()
            base = self.tables.get((src_schema or schema, src))
            if base is None:
                raise _ParseError(f"CREATE TABLE {name} LIKE {src}: {src} is not defined earlier in the dump")
            table = copy.deepcopy(base)
            table.schema, table.name = schema, name
            self.tables[(schema, name)] = table
            return
        if not c.at_punct("("):
            raise _ParseError(f"CREATE TABLE {name} without a column list (CREATE ... SELECT) cannot be read offline")
        body = c.group()
        table = Table(schema=schema, name=name)
        self._table_options(c, table, line)
        sch = self.schemas.get(schema)
        if table.charset is None and table.collation is None and sch is not None:
            table.charset, table.collation = sch.charset, sch.collation
        table.charset, table.collation = _charset_pair(table.charset, table.collation)
        for part in body.split_commas():
            self._table_element(part, table, line)
        if not c.done():
            self._issue("table", name, f"CREATE TABLE {name} at line {line}: text after the table options "
                        f"not understood: {c.rest_text()[:60]!r}", schema)
        _finish_table(table, self.fk_index_names)
        self.tables[(schema, name)] = table
        self.views.pop((schema, name), None)

    def _table_options(self, c: _Cursor, table: Table, line: int) -> None:
        while not c.done():
            if c.accept_punct(",") or c.accept("DEFAULT"):
                continue
            if c.at("PARTITION") and c.at("BY", k=1):
                c.i += 2
                self._partitioning(c, table)
                continue
            if clause := _charset_clause(c):
                table.charset, table.collation = _apply_clause(clause, table.charset, table.collation)
            elif c.accept("ENGINE", "TYPE"):
                c.accept_punct("=")
                table.engine = c.name()
            elif c.accept("ROW_FORMAT"):
                c.accept_punct("=")
                table.row_format = c.name().upper()
            elif c.accept("COMMENT"):
                c.accept_punct("=")
                table.comment = c.take().text
            elif c.accept("TABLESPACE"):
                c.accept_punct("=")
                table.tablespace = c.name()
                if c.accept("STORAGE"):
                    c.take()
            elif c.at("WITH") and c.at("SYSTEM", k=1):
                c.i += 3
            elif c.peek().kind == "word":  # type: ignore[union-attr]
                c.take()
                if c.at("DIRECTORY"):
                    c.take()
                c.skip_value()
            else:
                raise _ParseError(f"table option not understood at line {c.peek().line}: {c.peek().text!r}")  # type: ignore[union-attr]
        if table.engine:
            table.engine = _canonical_engine(table.engine)

    def _partitioning(self, c: _Cursor, table: Table) -> None:
        method, expr = self._partition_method(c)
        table.partition_method, table.partition_expression = method, expr
        count = sub_count = 0
        if c.accept("PARTITIONS"):
            count = int(c.take().text)
        if c.at("SUBPARTITION") and c.at("BY", k=1):
            c.i += 2
            table.subpartition_method, _ = self._partition_method(c)
            if c.accept("SUBPARTITIONS"):
                sub_count = int(c.take().text)
        if c.at_punct("("):
            for part in c.group().split_commas():
                table.partitions.append(self._partition_def(part, sub_count))
        else:
            table.partitions = [Partition(f"p{i}", subpartitions=[f"p{i}sp{j}" for j in range(sub_count)])
                                for i in range(count or 1)]

    def _partition_method(self, c: _Cursor) -> tuple[str, str | None]:
        words = []
        if c.accept("LINEAR"):
            words.append("LINEAR")
        kind = c.take().upper
        words.append(kind)
        if kind == "SYSTEM_TIME":
            expr = None
            while not c.done() and not c.at("PARTITIONS", "SUBPARTITION") and not c.at_punct("("):
                c.take()
            return kind, expr
        if c.accept("COLUMNS"):
            words.append("COLUMNS")
        if kind == "KEY" and c.accept("ALGORITHM"):
            c.skip_value()
        expr = c.group_text() if c.at_punct("(") else None
        return " ".join(words), expr

    def _partition_def(self, c: _Cursor, sub_count: int) -> Partition:
        c.expect("PARTITION")
        part = Partition(c.name())
        while not c.done():
            if c.accept("VALUES"):
                if c.accept("LESS"):
                    c.expect("THAN")
                else:
                    c.expect("IN")
                if c.at_punct("("):
                    c.group()
                else:
                    c.take()  # MAXVALUE
            elif c.at_punct("("):
                for sub in c.group().split_commas():
                    sub.expect("SUBPARTITION")
                    part.subpartitions.append(sub.name())
                    ts = _tablespace_option(sub)
                    part.tablespace = part.tablespace or ts
            elif c.accept("TABLESPACE"):
                c.accept_punct("=")
                part.tablespace = c.name()
            elif c.accept("STORAGE"):
                continue
            elif c.peek().kind == "word":  # type: ignore[union-attr]
                c.take()
                if c.at("DIRECTORY"):
                    c.take()
                c.skip_value()
            else:
                c.take()
        if not part.subpartitions and sub_count:
            part.subpartitions = [f"{part.name}sp{j}" for j in range(sub_count)]
        return part

    def _table_element(self, c: _Cursor, table: Table, line: int) -> None:
        t = c.peek()
        assert t is not None
        word = t.upper if t.kind == "word" else ""
        symbol = None
        if word == "CONSTRAINT":
            c.take()
            if not c.at("PRIMARY", "UNIQUE", "FOREIGN", "CHECK"):
                symbol = c.name()
            word = c.peek().upper if c.peek() is not None else ""  # type: ignore[union-attr]
        if word in ("PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT", "SPATIAL"):
            table.indexes.append(self._index_def(c, table, symbol))
        elif word == "FOREIGN":
            table.foreign_keys.append(self._foreign_key(c, table, symbol))
        elif word in ("CHECK", "PERIOD"):
            return
        else:
            self._column(c, table, line)

    def _index_def(self, c: _Cursor, table: Table, symbol: str | None, kind: str = "") -> Index:
        """``PRIMARY KEY (..)``, ``UNIQUE [KEY] [name] (..)``, ``FULLTEXT KEY ..``, ``KEY name (..)``."""
        kind = kind or c.take().upper
        unique = kind in ("PRIMARY", "UNIQUE")
        index_type = {"FULLTEXT": "FULLTEXT", "SPATIAL": "SPATIAL"}.get(kind, "")
        if kind == "PRIMARY":
            c.expect("KEY")
        else:
            c.accept("KEY", "INDEX")
        name = None
        if not c.at_punct("(") and not c.at("USING"):
            name = c.name()
        if c.accept("USING", "TYPE"):
            index_type = c.take().upper
        parts = self._index_parts(c.group())
        comment = ""
        while not c.done():
            if c.accept("USING", "TYPE"):
                index_type = c.take().upper
            elif c.accept("COMMENT"):
                c.accept_punct("=")
                comment = c.take().text
            elif c.accept("WITH"):
                c.expect("PARSER")
                c.take()
            elif c.at("NOT") and c.at("IGNORED", k=1):
                c.i += 2
            else:  # KEY_BLOCK_SIZE=n, VISIBLE, CLUSTERING=YES ...: nothing the catalog keeps
                c.take()
                if c.at_punct("="):
                    c.skip_value()
        if kind == "PRIMARY":
            name = "PRIMARY"
        name = name or symbol or _auto_index_name(table, parts[0].column)
        if not index_type:
            index_type = "HASH" if (table.engine or "").upper() in ("MEMORY", "HEAP") else "BTREE"
        return Index(name=name, parts=parts, unique=unique, index_type=index_type, comment=comment)

    def _index_parts(self, c: _Cursor) -> list[IndexPart]:
        parts = []
        for p in c.split_commas():
            if p.at_punct("("):
                raise _ParseError("functional index parts (expressions) are not supported offline")
            col = p.name()
            sub = None
            if p.at_punct("("):
                sub = int(p.group_text())
            parts.append(IndexPart(col, sub))
        if not parts:
            raise _ParseError("index without columns")
        return parts

    def _foreign_key(self, c: _Cursor, table: Table, symbol: str | None) -> ForeignKey:
        c.expect("FOREIGN")
        c.expect("KEY")
        index_name = None if c.at_punct("(") else c.name()
        cols = [p.name() for p in c.group().split_commas()]
        c.expect("REFERENCES")
        ref_schema, ref_table = c.qualified()
        ref_cols = [p.name() for p in c.group().split_commas()] if c.at_punct("(") else []
        name = symbol or f"{table.name}_ibfk_{len(table.foreign_keys) + 1}"
        if index_name or symbol:  # the name InnoDB gives the index it adds when none covers the columns
            self.fk_index_names[(table.schema, table.name, name)] = index_name or symbol  # type: ignore[assignment]
        return ForeignKey(name, cols, ref_schema or table.schema, ref_table, ref_cols)

    def _column(self, c: _Cursor, table: Table, line: int) -> None:
        c.accept("COLUMN")
        name = c.name()
        col, inline = self._column_definition(c, name, len(table.columns) + 1, table, line)
        existing = table.column(name)
        if existing is not None:
            table.columns.remove(existing)
        table.columns.insert(self._column_position(c, table), col)
        for n, each in enumerate(table.columns, 1):
            each.ordinal = n
        for kind in inline:
            table.indexes.append(Index("PRIMARY" if kind == "PRIMARY" else _auto_index_name(table, name),
                                       [IndexPart(name)], unique=True,
                                       index_type="HASH" if (table.engine or "").upper() in ("MEMORY", "HEAP") else "BTREE"))

    def _column_position(self, c: _Cursor, table: Table) -> int:
        """``FIRST`` / ``AFTER col`` (ALTER TABLE ADD/MODIFY/CHANGE): the list index for the column."""
        if c.accept("FIRST"):
            return 0
        if c.accept("AFTER"):
            after = table.column(c.name())
            if after is not None:
                return table.columns.index(after) + 1
        return len(table.columns)

    def _column_definition(self, c: _Cursor, name: str, ordinal: int, table: Table,
                           line: int) -> tuple[Column, list[str]]:
        typ = _parse_type(c)
        col = Column(name=name, ordinal=ordinal, data_type=typ.data_type, column_type=typ.column_type)
        extra: list[str] = []
        inline: list[str] = []
        generated = None
        while not c.done():
            if c.at("NOT") and c.at("NULL", k=1):
                c.i += 2
                col.nullable = False
            elif c.accept("NULL"):
                col.nullable = True
            elif c.accept("DEFAULT"):
                col.default, col.default_is_expression = self._default_value(c)
            elif c.accept("AUTO_INCREMENT"):
                extra.append("auto_increment")
            elif c.at("ON") and c.at("UPDATE", k=1):
                c.i += 2
                start = c.peek()
                fn = c.take()
                end = fn
                if c.at_punct("("):
                    c.group()
                    end = c.toks[c.i - 1]
                extra.append("on update " + c.text[start.pos:end.end])  # type: ignore[union-attr]
            elif c.accept("COMMENT"):
                col.comment = c.take().text
            elif c.at("PRIMARY") or (c.at("KEY") and not c.at("KEY_BLOCK_SIZE")):
                c.accept("PRIMARY")
                c.expect("KEY")
                inline.append("PRIMARY")
            elif c.accept("UNIQUE"):
                c.accept("KEY", "INDEX")
                inline.append("UNIQUE")
            elif c.at("GENERATED") or c.at("AS"):
                if c.accept("GENERATED"):
                    c.expect("ALWAYS")
                c.expect("AS")
                if c.at("ROW"):  # MariaDB system-versioning columns
                    c.take(), c.take()
                    continue
                generated = strip_outer_parens(c.group_text())
                extra.append("virtual generated")
            elif c.accept("VIRTUAL"):
                pass
            elif c.accept("STORED", "PERSISTENT"):
                if extra and extra[-1] == "virtual generated":
                    extra[-1] = "stored generated"
            elif c.accept("COLUMN_FORMAT", "STORAGE", "SRID"):
                c.take()
            elif c.accept("INVISIBLE", "VISIBLE", "COMPRESSED"):
                if c.at_punct("="):
                    c.skip_value()
            elif c.accept("CHECK"):
                c.group()
            elif c.accept("REFERENCES"):
                c.qualified()
                if c.at_punct("("):
                    c.group()
                while c.at("MATCH", "ON"):
                    c.take()
                    while c.at("FULL", "PARTIAL", "SIMPLE", "DELETE", "UPDATE", "RESTRICT", "CASCADE", "SET",
                               "NULL", "NO", "ACTION", "DEFAULT"):
                        c.take()
            elif c.at("WITH", "WITHOUT") and c.at("SYSTEM", k=1):
                c.i += 3
            elif c.at("FIRST", "AFTER"):
                break  # position: the caller places the column
            elif c.at("CHARACTER", "CHARSET", "COLLATE", "BINARY"):
                extra_typ = _parse_type_attrs(c)
                typ.charset = extra_typ[0] or typ.charset
                typ.collation = extra_typ[1] or typ.collation
                typ.binary_collation = typ.binary_collation or extra_typ[2]
            else:
                t = c.take()
                self._issue("column", f"{table.name}.{name}",
                            f"CREATE TABLE {table.name} at line {line}: column attribute {t.text!r} not understood",
                            table.schema)
                break
        col.generation_expression = generated
        col.extra = canonical_extra(extra)
        if typ.is_string:
            charset, collation = typ.charset, typ.collation
            if charset is None and collation is None:
                charset, collation = table.charset, table.collation
            charset, collation = _charset_pair(charset, collation)
            if typ.binary_collation and charset:
                collation = f"{charset}_bin"
            col.charset, col.collation = charset, collation
        if col.default is not None and not col.default_is_expression:
            col.default = decimal_literal(col.default, col.column_type)
        return col, inline

    def _default_value(self, c: _Cursor) -> tuple[str | None, bool]:
        t = c.take()
        if t.kind == "string":
            value = t.text
            while c.peek() is not None and c.peek().kind == "string":  # type: ignore[union-attr]
                value += c.take().text
            return value, False
        if t.kind == "word" and c.peek() is not None and c.peek().kind == "string" and c.peek().pos == t.end:  # type: ignore[union-attr]
            s = c.take()
            if t.upper in ("B", "X"):
                return f"{t.text.lower()}'{s.text}'", False
            return s.text, False  # _charset'literal' or N'literal'
        if t.kind == "punct" and t.text in "+-" and c.peek() is not None and c.peek().kind == "number":  # type: ignore[union-attr]
            n = c.take().text
            return (n if t.text == "+" else "-" + n), False
        if t.kind == "number":
            return t.text, False
        if t.kind == "word" and t.upper == "NULL":
            return None, False
        if t.kind == "word" and t.upper in ("TRUE", "FALSE"):
            return ("1" if t.upper == "TRUE" else "0"), False
        if t.kind == "punct" and t.text == "(":
            c.i -= 1
            return canonical_expression(c.group_text()), True
        if t.kind == "word":
            end = t
            if c.at_punct("("):
                c.group()
                end = c.toks[c.i - 1]
            return canonical_expression(c.text[t.pos:end.end]), True
        raise _ParseError(f"DEFAULT value not understood at line {t.line}: {t.text!r}")

    # -- views, routines, triggers, events, indexes ------------------------------------------------

    def create_view(self, c: _Cursor, definer: str | None, security: str | None) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        columns = [p.name() for p in c.group().split_commas()] if c.at_punct("(") else []
        c.expect("AS")
        toks = c.toks[c.i:c.stop]
        words = [t.upper if t.kind == "word" else t.text for t in toks]
        check_option, cut = "NONE", len(toks)
        if len(words) >= 3 and words[-2:] == ["CHECK", "OPTION"]:
            if words[-3] in ("CASCADED", "LOCAL") and len(words) >= 4 and words[-4] == "WITH":
                check_option, cut = words[-3], len(toks) - 4
            elif words[-3] == "WITH":
                check_option, cut = "CASCADED", len(toks) - 3
        if cut == 0:
            raise _ParseError(f"view {name} has no SELECT")
        definition = c.text[toks[0].pos:toks[cut - 1].end].strip()
        previous = self.tables.pop((schema, name), None) or self.views.get((schema, name))
        if not columns and isinstance(previous, Table):
            columns = [col.name for col in previous.columns]
        if not columns:
            columns = _select_columns(_Cursor(c.toks, c.text, c.i, c.i + cut))
        self.views[(schema, name)] = View(schema, name, definition, columns, check_option, definer, security)

    def create_routine(self, c: _Cursor, kind: str, definer: str | None, aggregate: bool) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        if kind == "FUNCTION" and not c.at_punct("("):
            return  # a loadable function (CREATE FUNCTION f RETURNS STRING SONAME ...): not a stored routine
        params = [self._param(p, kind) for p in c.group().split_commas()]
        returns = None
        if kind == "FUNCTION":
            c.expect("RETURNS")
            returns = _parse_type(c).column_type  # as PARAMETERS.DTD_IDENTIFIER, without CHARSET
        comment, security = "", None
        while c.at(*_ROUTINE_CHARACTERISTICS):
            if c.accept("COMMENT"):
                comment = c.take().text
            elif c.accept("LANGUAGE"):
                c.take()
            elif c.accept_seq("NOT", "DETERMINISTIC") or c.accept("DETERMINISTIC"):
                pass
            elif c.accept_seq("CONTAINS", "SQL") or c.accept_seq("NO", "SQL"):
                pass
            elif c.accept_seq("READS", "SQL", "DATA") or c.accept_seq("MODIFIES", "SQL", "DATA"):
                pass
            elif c.at("SQL") and c.at("SECURITY", k=1):
                c.i += 2
                security = c.take().upper
            else:
                break
        body = self._body(c, f"{kind.lower()} {name}")
        self.routines[(schema, kind, name)] = Routine(schema, name, kind, body, ", ".join(params), returns,
                                                      self.sql_mode, definer, security or "DEFINER", comment)

    def _param(self, c: _Cursor, kind: str) -> str:
        mode = ""
        if kind == "PROCEDURE":
            given = c.accept("IN", "OUT", "INOUT")
            mode = given.upper if given else "IN"
        name = c.name()
        return " ".join(p for p in (mode, name, _parse_type(c).column_type) if p)

    def _body(self, c: _Cursor, what: str) -> str:
        if c.done():
            raise _ParseError(f"{what} has no body")
        return c.text[c.peek().pos:c.toks[c.stop - 1].end].strip()  # type: ignore[union-attr]

    def create_trigger(self, c: _Cursor, definer: str | None) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        timing = c.expect("BEFORE", "AFTER").upper
        event = c.expect("INSERT", "UPDATE", "DELETE").upper
        c.expect("ON")
        _, table = c.qualified()
        c.expect("FOR")
        c.expect("EACH")
        c.expect("ROW")
        if c.accept("FOLLOWS", "PRECEDES"):
            c.name()
        body = self._body(c, f"trigger {name}")
        self.triggers[(schema, name)] = Trigger(schema, name, table, timing, event, body, self.sql_mode, definer)

    def create_event(self, c: _Cursor, definer: str | None) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        c.expect("ON")
        c.expect("SCHEDULE")
        sched_start = c.peek()
        sched_end = None
        status = "ENABLED"
        depth = 0
        while not c.done():
            t = c.peek()
            if t.kind == "punct" and t.text in "()":  # type: ignore[union-attr]
                depth += 1 if t.text == "(" else -1  # type: ignore[union-attr]
            elif depth == 0 and t.kind == "word":  # type: ignore[union-attr]
                up = t.upper  # type: ignore[union-attr]
                if up == "DO":
                    break
                if sched_end is None and (up in ("ENABLE", "DISABLE", "COMMENT")
                                          or (up == "ON" and c.at("COMPLETION", k=1))):
                    sched_end = c.toks[c.i - 1]
                if up == "ENABLE":
                    status = "ENABLED"
                elif up == "DISABLE":
                    status = "SLAVESIDE_DISABLED" if c.at("ON", k=1) else "DISABLED"
            c.i += 1
        if c.done():
            raise _ParseError(f"event {name} has no DO clause")
        if sched_end is None:
            sched_end = c.toks[c.i - 1]
        c.take()  # DO
        schedule = " ".join(c.text[sched_start.pos:sched_end.end].split())  # type: ignore[union-attr]
        body = self._body(c, f"event {name}")
        self.events[(schema, name)] = Event(schema, name, body, self.sql_mode, definer, status, schedule)

    def create_index(self, c: _Cursor, index_kind: str, line: int) -> None:
        name = c.name()
        index_type = ""
        if c.accept("USING", "TYPE"):
            index_type = c.take().upper
        c.expect("ON")
        schema, table_name = self._qualified(c)
        table = self.tables.get((schema, table_name))
        if table is None:
            self._issue("index", f"{table_name}.{name}",
                        f"CREATE INDEX at line {line} on {table_name}, which is not defined earlier in the dump", schema)
            return
        rest_start = c.i
        idx = self._index_def(_Cursor(c.toks, c.text, rest_start, c.stop), table, name, kind=index_kind or "INDEX")
        idx.name = name
        if index_type and idx.index_type in ("BTREE", "HASH"):
            idx.index_type = index_type
        table.indexes = [i for i in table.indexes if i.name != name] + [idx]

    # -- ALTER / RENAME --------------------------------------------------------------------------

    def alter(self, c: _Cursor, line: int) -> None:
        c.accept("ONLINE", "OFFLINE", "IGNORE")
        kind = c.take().upper
        if kind in ("DATABASE", "SCHEMA"):
            name = c.name() if not c.at("DEFAULT", "CHARACTER", "CHARSET", "COLLATE") else self._schema_or_default()
            charset, collation = self._charset_options(c)
            self.schemas[name] = Schema(name, charset, collation)
            return
        if kind != "TABLE":
            self.ddl_seen += 1
            self._issue(kind.lower(), _first_name(c), f"ALTER {kind} at line {line} is not applied offline")
            return
        schema, name = self._qualified(c)
        table = self.tables.get((schema, name))
        if table is None:
            self._issue("table", name, f"ALTER TABLE at line {line} on {name}, which is not defined earlier in the dump",
                        schema)
            return
        for spec in c.split_commas():
            self._alter_spec(spec, table, line)
        _finish_table(table, self.fk_index_names)

    def _alter_spec(self, c: _Cursor, table: Table, line: int) -> None:
        if c.accept("ADD"):
            if c.at("PARTITION"):
                raise _ParseError("ALTER TABLE ... ADD PARTITION is not applied offline")
            if c.at_punct("("):
                for part in c.group().split_commas():
                    self._table_element(part, table, line)
            else:
                self._table_element(c, table, line)
            return
        if c.at("DISABLE", "ENABLE") and c.at("KEYS", k=1):
            return
        if c.at("ENGINE", "TYPE", "ROW_FORMAT", "COMMENT", "DEFAULT", "CHARACTER", "CHARSET", "COLLATE",
                "AUTO_INCREMENT", "TABLESPACE", "AVG_ROW_LENGTH", "CHECKSUM", "KEY_BLOCK_SIZE", "MAX_ROWS",
                "MIN_ROWS", "PACK_KEYS", "STATS_PERSISTENT", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES"):
            self._table_options(c, table, line)
            return
        if c.at("PARTITION") and c.at("BY", k=1):
            c.i += 2
            table.partitions = []
            self._partitioning(c, table)
            return
        if c.accept("MODIFY"):
            c.accept("COLUMN")
            self._replace_column(c, table, c.name(), line)
            return
        if c.accept("CHANGE"):
            c.accept("COLUMN")
            old = c.name()
            self._replace_column(c, table, old, line, new_name=c.name())
            return
        if c.accept("DROP"):
            if c.accept_seq("PRIMARY", "KEY"):
                table.indexes = [i for i in table.indexes if i.name != "PRIMARY"]
            elif c.accept("INDEX", "KEY"):
                gone = c.name()
                table.indexes = [i for i in table.indexes if i.name != gone]
            elif c.accept_seq("FOREIGN", "KEY"):
                gone = c.name()
                table.foreign_keys = [f for f in table.foreign_keys if f.name != gone]
            else:
                c.accept("COLUMN")
                gone = c.name()
                table.columns = [col for col in table.columns if col.name.lower() != gone.lower()]
                for n, col in enumerate(table.columns, 1):
                    col.ordinal = n
            return
        self._issue("table", table.name, f"ALTER TABLE {table.name} at line {line}: clause not applied offline: "
                    f"{c.rest_text()[:60]!r}", table.schema)

    def _replace_column(self, c: _Cursor, table: Table, old: str, line: int, new_name: str | None = None) -> None:
        existing = table.column(old)
        if existing is None:
            raise _ParseError(f"ALTER TABLE {table.name}: no column {old}")
        col, _ = self._column_definition(c, new_name or old, existing.ordinal, table, line)
        table.columns[table.columns.index(existing)] = col
        if c.at("FIRST", "AFTER"):
            table.columns.remove(col)
            table.columns.insert(self._column_position(c, table), col)
        for n, each in enumerate(table.columns, 1):
            each.ordinal = n

    def rename(self, c: _Cursor, line: int) -> None:
        c.take()
        if not c.accept("TABLE"):
            self._issue("statement", None, f"RENAME at line {line} not understood")
            return
        for part in c.split_commas():
            old_schema, old = part.qualified()
            part.expect("TO")
            new_schema, new = part.qualified()
            key = (old_schema or self._schema_or_default(), old)
            table = self.tables.pop(key, None)
            if table is None:
                self._issue("table", old, f"RENAME TABLE at line {line}: {old} is not defined earlier in the dump")
                continue
            table.schema, table.name = new_schema or key[0], new
            self.tables[(table.schema, new)] = table


def _charset_clause(c: _Cursor) -> tuple[str, str] | None:
    """``CHARACTER SET [=] x`` / ``CHARSET [=] x`` / ``COLLATE [=] x`` at the cursor, consumed: (kind, name).

    The ``=`` is table/database option syntax; column types never have it, so accepting it is harmless."""
    if c.at("CHARACTER", "CHAR") and c.at("SET", k=1):
        c.i += 2
        kind = "charset"
    elif c.accept("CHARSET"):
        kind = "charset"
    elif c.accept("COLLATE"):
        kind = "collation"
    else:
        return None
    c.accept_punct("=")
    return kind, c.name()


def _apply_clause(clause: tuple[str, str], charset: str | None, collation: str | None) -> tuple[str | None, str | None]:
    kind, name = clause
    return (name, collation) if kind == "charset" else (charset, name)


def _parse_type_attrs(c: _Cursor) -> tuple[str | None, str | None, bool]:
    charset = collation = None
    binary = False
    while True:
        if clause := _charset_clause(c):
            charset, collation = _apply_clause(clause, charset, collation)
        elif c.accept("BINARY"):
            binary = True
        else:
            return charset, collation, binary


def _tablespace_option(c: _Cursor) -> str | None:
    while not c.done():
        if c.accept("TABLESPACE"):
            c.accept_punct("=")
            return c.name()
        c.take()
    return None


def _charset_pair(charset: str | None, collation: str | None) -> tuple[str | None, str | None]:
    """Fill in the missing half of (charset, collation), normalised."""
    charset, collation = normalize_charset(charset), normalize_collation(collation)
    if collation and not charset:
        charset = charset_of_collation(collation)
    if charset and not collation:
        collation = normalize_collation(default_collation(charset))
    return charset, collation


_ENGINES = {"innodb": "InnoDB", "myisam": "MyISAM", "memory": "MEMORY", "heap": "MEMORY", "csv": "CSV",
            "archive": "ARCHIVE", "blackhole": "BLACKHOLE", "federated": "FEDERATED", "mrg_myisam": "MRG_MyISAM",
            "merge": "MRG_MyISAM", "aria": "Aria", "tokudb": "TokuDB", "rocksdb": "ROCKSDB", "ndbcluster": "ndbcluster"}


def _canonical_engine(engine: str) -> str:
    """Engine names as ``information_schema.TABLES.ENGINE`` spells them."""
    return _ENGINES.get(engine.lower(), engine)


def _auto_index_name(table: Table, column: str) -> str:
    """The name MySQL gives an unnamed index: the first column, then ``_2``, ``_3`` ... if taken."""
    taken = {i.name.lower() for i in table.indexes}
    name, n = column, 2
    while name.lower() in taken:
        name, n = f"{column}_{n}", n + 1
    return name


def _finish_table(table: Table, fk_index_names: dict[tuple[str, str, str], str]) -> None:
    """What the server adds on its own: NOT NULL primary-key columns, an index for every foreign key."""
    for idx in table.indexes:
        if idx.name == "PRIMARY":
            for part in idx.parts:
                col = table.column(part.column)
                if col is not None:
                    col.nullable = False
    for fk in table.foreign_keys:
        index_name = fk_index_names.get((table.schema, table.name, fk.name))
        cols = [c.lower() for c in fk.columns]
        covered = any([p.column.lower() for p in i.parts][:len(cols)] == cols for i in table.indexes
                      if i.index_type not in ("FULLTEXT", "SPATIAL"))
        if not covered:
            table.indexes.append(Index(index_name or _auto_index_name(table, fk.columns[0]),
                                       [IndexPart(c) for c in fk.columns]))
    table.indexes.sort(key=index_order)


def index_order(index: Index) -> tuple[bool, str]:
    """PRIMARY first, then by name: the one order both collectors give (declaration order is not visible live)."""
    return index.name != "PRIMARY", index.name.lower()


def _guess_object(tokens: list[Token]) -> tuple[str, str | None]:
    """Best guess of (object type, name) of a statement that failed to parse, for the issue."""
    words = [t.upper if t.kind == "word" else "" for t in tokens[:12]]
    for i, w in enumerate(words):
        if w in ("TABLE", "VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "INDEX", "DATABASE", "SCHEMA"):
            j = i + 1
            while j < len(tokens) and tokens[j].kind == "word" and tokens[j].upper in ("IF", "NOT", "EXISTS"):
                j += 1
            name = tokens[j].text if j < len(tokens) and tokens[j].kind in ("ident", "word") else None
            if j + 2 < len(tokens) and tokens[j + 1].text == "." and tokens[j + 1].kind == "punct":
                name = tokens[j + 2].text
            return ("schema" if w in ("DATABASE", "SCHEMA") else w.lower()), name
    return "statement", None


def _select_columns(c: _Cursor) -> list[str]:
    """Column names of a view from its SELECT list (every item ``expr AS name`` or a column)."""
    c.accept_punct("(")
    if not c.accept("SELECT"):
        return []
    while c.at("DISTINCT", "ALL", "DISTINCTROW", "STRAIGHT_JOIN", "SQL_CACHE", "SQL_NO_CACHE",
               "SQL_CALC_FOUND_ROWS", "HIGH_PRIORITY", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT"):
        c.take()
    depth, end = 0, c.stop
    for j in range(c.i, c.stop):
        t = c.toks[j]
        if t.kind == "punct" and t.text in "()":
            depth += 1 if t.text == "(" else -1
        elif depth == 0 and t.kind == "word" and t.upper in ("FROM", "INTO", "UNION", "WHERE", "LIMIT"):
            end = j
            break
    names = []
    for item in _Cursor(c.toks, c.text, c.i, end).split_commas():
        toks = item.toks[item.i:item.stop]
        if len(toks) >= 2 and toks[-2].kind == "word" and toks[-2].upper == "AS":
            names.append(toks[-1].text)
        elif toks and toks[-1].kind in ("ident", "word") and (len(toks) == 1 or toks[-2].text == "."):
            names.append(toks[-1].text)
        else:
            return []
    return names


def _first_name(c: _Cursor) -> str | None:
    c.accept_seq("IF", "NOT", "EXISTS")
    t = c.peek()
    return t.text if t is not None and t.kind in ("ident", "word") else None


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def parse_dump(text: str, source_name: str = "<dump>", default_schema: str | None = None) -> Catalog:
    """Build a Catalog from dump text. Never raises on bad SQL: see ``catalog.issues``.

    ``default_schema`` names the schema of objects that come before any ``USE`` (a plain DDL file);
    without it the dump header's ``Database:`` or the file name is used.
    """
    return _parse(text, source_name, default_schema)[0]


def _parse(text: str, source_name: str, default_schema: str | None) -> tuple[Catalog, int]:
    parser = DumpParser(source_name, default_schema)
    parser.feed(text.replace("\r\n", "\n"))
    return parser.catalog(), parser.ddl_seen


def read_dump_text(path: str | Path) -> str:
    """The text of a dump file (``.gz`` is read transparently), or a one-line ToolError."""
    p = Path(path)
    data = read_input(p, "dump file")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ToolError(f"dump file {p} looks gzip-compressed but cannot be decompressed: {exc}") from None
    if b"\x00" in data[:65536]:
        raise ToolError(f"{p} is a binary file, not a SQL dump")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ToolError(f"{p} is not UTF-8 text (invalid byte at offset {exc.start}); "
                        "re-dump with --default-character-set=utf8mb4") from None


def load_dump(path: str | Path, default_schema: str | None = None) -> Catalog:
    """Read and parse a dump file; ToolError (one line) for a missing, unreadable or non-SQL file."""
    text = read_dump_text(path)
    cat, ddl_seen = _parse(text, str(path), default_schema)
    if not ddl_seen:
        raise ToolError(f"{path} holds no SQL DDL (no CREATE TABLE/VIEW/PROCEDURE/FUNCTION/TRIGGER/EVENT/DATABASE)")
    return cat
