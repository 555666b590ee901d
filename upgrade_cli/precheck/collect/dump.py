"""The dump driver: build a Catalog from a ``mysqldump --no-data --routines --triggers --events`` file, offline.

The file is split into statements by :func:`upgrade_cli.sqltext.split_statements` (which knows
``DELIMITER`` and version comments) and each statement is read from
:func:`upgrade_cli.sqltext.tokenize` tokens, not by sqlglot: stored code does not survive sqlglot
(it rejects every routine in ``benchmarks/offline_throughput.py``); only the column names of a
view the lexer cannot name (``*``, unaliased expressions) come from sqlglot, in ``views.py``.
Values are normalised to what a live 5.7 server would report in ``information_schema`` (default display widths, effective charsets, unquoted
literal defaults, ``CURRENT_TIMESTAMP`` expressions), so every check sees the same catalog from a
dump as from :mod:`upgrade_cli.precheck.collect.live`.

Rules worth knowing:
- ``DROP`` and ``RENAME`` apply in order, as on the server the script would build: what a later
  ``DROP TABLE/VIEW/DATABASE/PROCEDURE/FUNCTION/TRIGGER/EVENT/INDEX/TABLESPACE`` removes is not
  checked, a renamed table or view is checked under its new name, and a table's triggers go with
  it. A ``CREATE VIEW`` replaces the same-named stub table (or stub view) that mysqldump writes first
  (and drops just before), taking the stub's column names when the view has no column list.
- A statement that cannot be parsed, or an object-defining statement the catalog cannot hold,
  becomes a :class:`~upgrade_cli.precheck.model.CollectionIssue` ("needs manual review"), never a silent
  pass; one bad statement never loses the others.
- The dump's ``-- Server version`` goes to ``server.extra["dump_server_version"]``; ``server.version``
  stays ``None`` so server-scope checks are skipped rather than run on facts a dump cannot give.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import re
import zlib
from typing import Any, BinaryIO
from pathlib import Path

from upgrade_cli import __version__
from upgrade_cli.inputs import MAX_INPUT_BYTES, decode_text, open_input, paused_gc
from upgrade_cli.outcome import ToolError
from upgrade_cli.precheck.collect.completeness import cut_short
from upgrade_cli.precheck.collect.cursor import Cursor, ParseError, first_name
from upgrade_cli.precheck.collect.normalize import UTF8_CLIENTS, charset_name, decode_client_bytes, stored_sql_mode
from upgrade_cli.precheck.collect.tables import TableGrammar
from upgrade_cli.precheck.collect.types import apply_clause, charset_clause, charset_pair, parse_definer, parse_type
from upgrade_cli.precheck.collect.views import lexer_columns, name_view_columns, view_column_charsets
from upgrade_cli.precheck.model import (Catalog, CollectionIssue, Event, Routine, Schema, Source, Table, Tablespace,
                                        Trigger, View)
from upgrade_cli.sqltext import Statement, Token, TokenCache, split_statements, tokenize

# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------

_IGNORED_STATEMENTS = {
    "INSERT", "REPLACE", "LOCK", "UNLOCK", "DELETE", "UPDATE", "SELECT", "START", "BEGIN",
    "COMMIT", "ROLLBACK", "FLUSH", "ANALYZE", "OPTIMIZE", "CHECK", "REPAIR", "TRUNCATE", "DO", "CALL",
    "SHOW", "XA", "LOAD", "HANDLER", "PREPARE", "EXECUTE", "DEALLOCATE", "SAVEPOINT", "RELEASE", "KILL",
    "INSTALL", "UNINSTALL", "RESET", "PURGE", "CHANGE", "SOURCE", "WARNINGS", "NOWARNING", "TEE",
    "NOTEE", "CHARSET", "EXPLAIN", "DESCRIBE", "DESC", "HELP", "BINLOG", "WITH", "VALUES", "TABLE",
    "CACHE", "STOP", "SIGNAL", "GET", "CHECKSUM", "BACKUP",
}
_BULK_STATEMENTS = {"INSERT", "REPLACE"}
_FIRST_WORD = re.compile(r"(?:/\*M?!\d*\s*)?([A-Za-z]+)")
_OBJECT_KINDS = {"TABLE", "VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "INDEX", "DATABASE", "SCHEMA",
                 "TABLESPACE"}
_ROUTINE_CHARACTERISTICS = ("COMMENT", "LANGUAGE", "NOT", "DETERMINISTIC", "CONTAINS", "NO", "READS",
                            "MODIFIES", "SQL")


class DumpParser(TableGrammar):
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
        self.tablespaces: dict[str, Tablespace] = {}
        self.dropped_columns: dict[tuple[str, str], list[str]] = {}  # a dropped view stub's columns
        self.issues: list[CollectionIssue] = []
        self.ddl_seen = 0
        self.fk_index_names: dict[tuple[str, str, str], str] = {}
        self.account_statements: list[int] = []  # lines of CREATE USER/ROLE, GRANT, REVOKE
        self.extra: dict[str, Any] = {}  # becomes the catalog's server.extra
        self.incomplete: str | None = None  # why the dump is known to be cut short
        self.bodies = TokenCache()  # the tokens of every body copied, for the checks: lexed once
        self.client_charset: str | None = None  # SET NAMES / character_set_client in force (None: not set)
        self.lossy = False  # the file is not all UTF-8: its undecodable bytes came in as surrogate escapes

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
        statements = split_statements(text)
        self._check_complete(text, statements)
        for stmt in statements:
            m = _FIRST_WORD.match(stmt.text)
            if m and m.group(1).upper() in _BULK_STATEMENTS:
                continue  # row data: ignored, and tokenizing a 50 MB INSERT would cost gigabytes
            text, bad = stmt.text, None
            if (self.lossy or self.client_charset not in UTF8_CLIENTS) and not text.isascii():
                text, bad = decode_statement(text, self.client_charset)
            tokens = tokenize(text)
            if not tokens:
                continue
            try:
                self.statement(Cursor(tokens, text), stmt.line)
            except Exception as exc:  # noqa: BLE001 - one bad statement must not lose the rest
                self._issue_for_failed(tokens, stmt.line, exc)
            if bad:
                kind, name = _guess_object(tokens)
                self._issue(kind, name, f"statement at line {stmt.line} holds {bad}: the upgrade cannot read "
                                        "those bytes; re-create the object from a clean source")

    def _check_complete(self, text: str, statements: list[Statement]) -> None:
        """A dump cut short must not pass as a clean one: judged by its statements (completeness.py)."""
        self.incomplete = cut_short(text, statements, self.extra.get("dump_tool"))

    def _issue_for_failed(self, tokens: list[Token], line: int, exc: Exception) -> None:
        kind, name = _guess_object(tokens)
        reason = str(exc) if isinstance(exc, ParseError) else f"{type(exc).__name__}: {exc}"
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
        cat.tablespaces = sorted(self.tablespaces.values(), key=lambda t: t.name)
        cat.issues = list(self.issues)
        cat.token_cache(adopt=self.bodies)
        name_view_columns(cat)  # '*' and unaliased expressions, by sqlglot (views.py)
        view_column_charsets(cat)
        if self.incomplete:
            cat.complete, cat.incomplete_reason = False, self.incomplete
        if self.account_statements:
            lines = ", ".join(map(str, self.account_statements[:10])) + (" ..." if len(self.account_statements) > 10 else "")
            cat.issues.append(CollectionIssue(None, "account", None,
                                              f"{len(self.account_statements)} account/privilege statements (lines {lines}) "
                                              "are not checked from a dump; scan the live server for account checks"))
        return cat

    def statement(self, c: Cursor, line: int) -> None:
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
        elif word == "DROP":
            self.drop(c)
        elif word in ("GRANT", "REVOKE"):
            self.account_statements.append(line)
        elif word in _IGNORED_STATEMENTS:
            return
        else:
            self._issue("statement", None, f"statement at line {line} not understood: {first.text!r}")

    # -- SET sql_mode ----------------------------------------------------------------------------

    def set_statement(self, c: Cursor) -> None:
        for part in c.split_commas():
            t = part.take()
            scope = ""
            if t.kind == "word" and t.upper in ("SESSION", "LOCAL", "GLOBAL", "PERSIST"):
                scope, t = t.upper, part.take()
            target = t.text.lower()
            if t.kind == "word" and t.upper == "NAMES" and not part.done():
                self.client_charset = charset_name(part.take().text)
                continue
            if not part.accept_punct("=") and not part.accept_punct(":="):
                continue
            value = self._set_value(part)
            if t.kind == "variable" and not target.startswith("@@"):
                self.user_vars[target] = value if value is not None else ""
                continue
            target = target.lstrip("@").replace("session.", "").replace("local.", "")
            if target.replace("global.", "") == "innodb_default_row_format" and value:
                self.innodb_default_row_format = None if value.upper() == "DEFAULT" else value.upper()
            if target == "sql_mode" and scope != "GLOBAL" and not target.startswith("global."):
                self.sql_mode = stored_sql_mode(value)
            if target == "character_set_client" and scope != "GLOBAL" and value:
                self.client_charset = charset_name(value)

    def _set_value(self, c: Cursor) -> str | None:
        t = c.peek()
        if t is None:
            return None
        if t.kind == "string" and c.i + 1 == c.stop:
            return t.text
        if t.kind == "variable" and c.i + 1 == c.stop:
            name = t.text.lower()
            if name.startswith("@@"):
                name = name.lstrip("@").replace("session.", "")
                if name == "character_set_client":
                    return self.client_charset or ""
                return self.sql_mode if name == "sql_mode" else None
            return self.user_vars.get(name)
        if t.kind == "word" and c.i + 1 == c.stop:
            return t.text  # DEFAULT, or an unquoted value (SET sql_mode = ANSI)
        return None

    # -- CREATE ----------------------------------------------------------------------------------

    def create(self, c: Cursor, line: int) -> None:
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
                definer = parse_definer(c)
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
                self._issue(kind.lower() or "statement", first_name(c),
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
        elif kind == "TABLESPACE":
            self.create_tablespace(c)

    def _if_not_exists(self, c: Cursor) -> None:
        c.accept_seq("IF", "NOT", "EXISTS")

    def _qualified(self, c: Cursor) -> tuple[str, str]:
        schema, name = c.qualified()
        return schema or self._schema_or_default(), name

    def create_tablespace(self, c: Cursor) -> None:
        """CREATE TABLESPACE ts ADD DATAFILE 'file' [FILE_BLOCK_SIZE = n] [ENGINE [=] e]."""
        ts = Tablespace(c.name())
        while not c.done():
            if c.accept("ADD"):
                c.accept("DATAFILE")
                ts.file_name = c.take().text
            elif c.accept("ENGINE"):
                c.accept_punct("=")
                ts.engine = c.name()
            else:
                c.take()
        self.tablespaces[ts.name] = ts

    def create_database(self, c: Cursor) -> None:
        self._if_not_exists(c)
        name = c.name()
        charset, collation = self._charset_options(c)
        self.schemas[name] = Schema(name, charset, collation)

    def _charset_options(self, c: Cursor) -> tuple[str | None, str | None]:
        charset = collation = None
        while not c.done():
            if c.accept("DEFAULT"):
                continue
            if clause := charset_clause(c):
                charset, collation = apply_clause(clause, charset, collation)
            else:
                c.take()
                c.skip_value()
        return charset_pair(charset, collation)

    # -- views, routines, triggers, events, indexes ------------------------------------------------

    def create_view(self, c: Cursor, definer: str | None, security: str | None) -> None:
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
            raise ParseError(f"view {name} has no SELECT")
        definition = c.text[toks[0].pos:toks[cut - 1].end].strip()
        self.bodies.add_slice(definition, c.toks, c.i, c.i + cut)
        previous = self.tables.pop((schema, name), None) or self.views.get((schema, name))
        if not columns and isinstance(previous, Table):
            columns = [col.name for col in previous.columns]
        if not columns:  # mysqldump drops the stub table just before the final CREATE VIEW
            columns = self.dropped_columns.get((schema, name), [])
        if not columns:
            columns = lexer_columns(Cursor(c.toks, c.text, c.i, c.i + cut))
        self.views[(schema, name)] = View(schema, name, definition, columns, check_option, definer, security)

    def create_routine(self, c: Cursor, kind: str, definer: str | None, aggregate: bool) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        if kind == "FUNCTION" and not c.at_punct("("):
            return  # a loadable function (CREATE FUNCTION f RETURNS STRING SONAME ...): not a stored routine
        opening = c.i
        inside = c.group()
        param_list = c.text[c.toks[opening].end:c.toks[c.i - 1].pos].strip()
        params = [self._param(p, kind) for p in inside.split_commas()]
        returns = None
        if kind == "FUNCTION":
            c.expect("RETURNS")
            returns = parse_type(c).column_type  # as PARAMETERS.DTD_IDENTIFIER, without CHARSET
        comment, security, deterministic, access = "", None, False, "CONTAINS SQL"
        while c.at(*_ROUTINE_CHARACTERISTICS):
            if c.accept("COMMENT"):
                comment = c.take().text
            elif c.accept("LANGUAGE"):
                c.take()
            elif c.accept_seq("NOT", "DETERMINISTIC"):
                deterministic = False
            elif c.accept("DETERMINISTIC"):
                deterministic = True
            elif c.accept_seq("CONTAINS", "SQL") or c.accept_seq("NO", "SQL"):
                access = " ".join(t.upper for t in c.toks[c.i - 2:c.i])
            elif c.accept_seq("READS", "SQL", "DATA") or c.accept_seq("MODIFIES", "SQL", "DATA"):
                access = " ".join(t.upper for t in c.toks[c.i - 3:c.i])
            elif c.at("SQL") and c.at("SECURITY", k=1):
                c.i += 2
                security = c.take().upper
            else:
                break
        body = self._body(c, f"{kind.lower()} {name}")
        self.routines[(schema, kind, name)] = Routine(schema, name, kind, body, ", ".join(params), returns,
                                                      self.sql_mode, definer, security or "DEFINER", comment,
                                                      self.client_charset, deterministic, access,
                                                      param_list)

    def _param(self, c: Cursor, kind: str) -> str:
        mode = ""
        if kind == "PROCEDURE":
            given = c.accept("IN", "OUT", "INOUT")
            mode = given.upper if given else "IN"
        name = c.name()
        return " ".join(p for p in (mode, name, parse_type(c).column_type) if p)

    def _body(self, c: Cursor, what: str) -> str:
        if c.done():
            raise ParseError(f"{what} has no body")
        body = c.text[c.current().pos:c.toks[c.stop - 1].end].strip()
        self.bodies.add_slice(body, c.toks, c.i, c.stop)
        return body

    def create_trigger(self, c: Cursor, definer: str | None) -> None:
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

    def create_event(self, c: Cursor, definer: str | None) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        c.expect("ON")
        c.expect("SCHEDULE")
        sched_start = c.i
        sched_end = None
        status = "ENABLED"
        depth = 0
        while not c.done():
            t = c.current()
            if t.kind == "punct" and t.text in "()":
                depth += 1 if t.text == "(" else -1
            elif depth == 0 and t.kind == "word":
                up = t.upper
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
            raise ParseError(f"event {name} has no DO clause")
        if sched_end is None:
            sched_end = c.toks[c.i - 1]
        c.take()  # DO
        schedule = " ".join(c.text[c.toks[sched_start].pos:sched_end.end].split())
        body = self._body(c, f"event {name}")
        self.events[(schema, name)] = Event(schema, name, body, self.sql_mode, definer, status, schedule)

    def rename(self, c: Cursor, line: int) -> None:
        c.take()
        if not c.accept("TABLE", "TABLES"):
            self._issue("statement", None, f"RENAME at line {line} not understood")
            return
        for part in c.split_commas():
            old_schema, old = part.qualified()
            part.expect("TO")
            new_schema, new = part.qualified()
            key = (old_schema or self._schema_or_default(), old)
            obj: Table | View | None = self.tables.pop(key, None)
            home: dict = self.tables
            if obj is None:
                obj, home = self.views.pop(key, None), self.views  # RENAME TABLE renames views too
            if obj is None:
                self._issue("table", old, f"RENAME TABLE at line {line}: {old} is not defined earlier in the dump")
                continue
            obj.schema, obj.name = new_schema or key[0], new
            home[(obj.schema, new)] = obj
            for trig in self.triggers.values():  # triggers go with their table
                if (trig.schema, trig.table) == key:
                    trig.table = new

    # -- DROP -----------------------------------------------------------------------------------

    def drop(self, c: Cursor) -> None:
        """What a DROP removes is gone before the checks run, as on the server the script built."""
        c.take()
        if c.accept("TEMPORARY"):
            return  # session-local: never in the catalog
        kind = c.take().upper
        c.accept_seq("IF", "EXISTS")
        if kind in ("DATABASE", "SCHEMA"):
            name = c.name()
            self.schemas.pop(name, None)
            in_schemas: tuple[dict[Any, Any], ...] = (self.tables, self.views, self.routines, self.triggers,
                                                      self.events)  # keyed by tuples that start with the schema
            for objects in in_schemas:
                for key in [k for k in objects if k[0] == name]:
                    del objects[key]
            return
        if kind == "INDEX":
            index = c.name()
            c.expect("ON")
            table = self.tables.get(self._qualified(c))
            if table is not None:
                table.indexes = [ix for ix in table.indexes if ix.name.lower() != index.lower()]
            return
        if kind == "TABLESPACE":
            self.tablespaces.pop(c.name(), None)
            return
        for part in c.split_commas():
            if part.done() or part.at("RESTRICT", "CASCADE"):
                continue
            key = self._qualified(part)
            if kind in ("TABLE", "TABLES"):
                table = self.tables.pop(key, None)
                if table is not None:
                    self.dropped_columns[key] = [col.name for col in table.columns]
                    for tkey in [k for k, t in self.triggers.items() if (t.schema, t.table) == key]:
                        del self.triggers[tkey]  # a table's triggers go with it
            elif kind == "VIEW":
                self.views.pop(key, None)
            elif kind in ("PROCEDURE", "FUNCTION"):
                self.routines.pop((key[0], kind, key[1]), None)
            elif kind == "TRIGGER":
                self.triggers.pop(key, None)
            elif kind == "EVENT":
                self.events.pop(key, None)
            else:
                return  # USER, ROLE, SERVER, ...: nothing the catalog holds


# --------------------------------------------------------------------------------------------
# Bytes: each statement decoded as mysqldump wrote it
# --------------------------------------------------------------------------------------------

def decode_statement(text: str, charset: str | None) -> tuple[str, str | None]:
    """A statement's text as its client charset reads its bytes, and what could not be decoded.

    ``text`` holds the file's bytes as UTF-8, with undecodable bytes as surrogate escapes
    (``read_dump_text``); the bytes are recovered exactly and decoded again (``decode_client_bytes``).
    """
    return decode_client_bytes(text.encode("utf-8", "surrogateescape"), charset)


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


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def parse_dump(text: str, source_name: str = "<dump>", default_schema: str | None = None) -> Catalog:
    """Build a Catalog from dump text. Never raises on bad SQL: see ``catalog.issues``.

    ``default_schema`` names the schema of objects that come before any ``USE`` (a plain DDL file);
    without it the dump header's ``Database:`` or the file name is used.
    """
    return _parse(text, source_name, default_schema)[0]


def _parse(text: str, source_name: str, default_schema: str | None, lossy: bool = False) -> tuple[Catalog, int]:
    parser = DumpParser(source_name, default_schema)
    parser.lossy = lossy
    with paused_gc():
        parser.feed(text.replace("\r\n", "\n"))
        return parser.catalog(), parser.ddl_seen


def read_dump_bytes(path: str | Path) -> bytes:
    """The bytes of a dump file; ``.gz`` (and ``.zst`` with the ``zstandard`` package) decompressed as a
    stream, bounded: a small compressed file can expand to any size."""
    p = Path(path)
    with open_input(p, "dump file") as fh:
        magic = fh.read(4)
        fh.seek(0)
        try:
            stream: BinaryIO | gzip.GzipFile
            if magic[:2] == b"\x1f\x8b":
                stream = gzip.GzipFile(fileobj=fh)
            elif magic == b"\x28\xb5\x2f\xfd":
                try:
                    import zstandard  # optional: pip install 'aurora-upgrade[zstd]'
                except ImportError:
                    raise ToolError(f"dump file {p} is zstd-compressed: install the zstandard package "
                                    "(pip install 'aurora-upgrade[zstd]') or decompress it first") from None
                stream = zstandard.ZstdDecompressor().stream_reader(fh)
            else:
                stream = fh
            chunks, size = [], 0
            while chunk := stream.read(1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_INPUT_BYTES:
                    raise ToolError(f"dump file {p} is larger than {MAX_INPUT_BYTES >> 20} MiB "
                                    f"{'uncompressed' if stream is not fh else ''}".rstrip())
        except ToolError:
            raise
        except (OSError, EOFError, zlib.error) as exc:
            if stream is fh:
                raise ToolError(f"cannot read dump file {p}: {getattr(exc, 'strerror', None) or exc}") from None
            raise ToolError(f"dump file {p} looks compressed but cannot be decompressed: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - zstandard.ZstdError
            raise ToolError(f"dump file {p} looks compressed but cannot be decompressed: {exc}") from None
    return b"".join(chunks)


def read_dump_text(path: str | Path) -> tuple[str, bool]:
    """The text of a dump file and whether it is lossy: never refused for its encoding.

    UTF-16/32 with a BOM is decoded whole; anything else is read as UTF-8 and, where it is not, its
    bytes are kept as surrogate escapes so that each statement is decoded later as its own
    ``SET NAMES`` / ``character_set_client`` says (``decode_statement``).
    """
    data = read_dump_bytes(path)
    if data.startswith(_BOM_PREFIXES) or b"\x00" in data[:65536]:
        return decode_text(data, path, "SQL dump"), False
    try:
        text, lossy = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, lossy = data.decode("utf-8", "surrogateescape"), True
    return text.replace("\r\n", "\n").replace("\r", "\n"), lossy


_BOM_PREFIXES = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def load_dump(path: str | Path, default_schema: str | None = None) -> Catalog:
    """Read and parse a dump file; ToolError (one line) for a missing, unreadable or non-SQL file."""
    text, lossy = read_dump_text(path)
    cat, ddl_seen = _parse(text, str(path), default_schema, lossy)
    if not ddl_seen:
        raise ToolError(f"{path} holds no SQL DDL (no CREATE TABLE/VIEW/PROCEDURE/FUNCTION/TRIGGER/EVENT/DATABASE)")
    return cat
