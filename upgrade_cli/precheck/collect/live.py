"""Build a Catalog from a live server over pymysql: read-only, bulk, partial-safe.

The caller opens the connection (credentials, TLS, IAM tokens are not this module's business);
:func:`collect_live` first makes the session safe (``SET SESSION TRANSACTION READ ONLY`` and a
statement timeout), then reads each object kind with ONE bulk ``information_schema`` query, so a
20,000-table schema costs the same round trips as a 10-table one. The big results (tables, columns,
indexes, foreign keys, partitions) are streamed through an unbuffered cursor row by row straight into
the catalog: 1.4M ``COLUMNS`` rows at 100k tables never sit in memory as one list. Where the server
can answer without opening every table it is asked that way: partitions only for the tables whose
``CREATE_OPTIONS`` say ``partitioned``, foreign keys from InnoDB's dictionary (:func:`_foreign_keys`). Rows are normalised exactly as
:mod:`upgrade_cli.precheck.collect.dump` normalises a dump (shared helpers live there), so both catalogs
compare equal.

Contract on failure: a lost connection (or a failed bulk query) does NOT raise. The catalog built so
far is RETURNED with ``complete = False`` and ``incomplete_reason`` set, so the caller can still
write the partial report/snapshot and then exit with an error. Server facts are best effort: a
missing privilege or table lands in ``server.extra["unavailable"]`` and the scan goes on. What the
account could not see (grants scoped to some schemas, a denied or timed-out fact query, hidden
routine bodies) is named in ``Catalog.unreadable`` (:mod:`.visibility`): the checks that read it are
not run, and the report is then incomplete.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import threading
from sys import intern
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import pymysql

from upgrade_cli import __version__
from upgrade_cli.inputs import paused_gc
from upgrade_cli.outcome import ToolError
from upgrade_cli.precheck.collect.normalize import (
    STRING_TYPES, UTF8_CLIENTS, canonical_extra, charset_name, decimal_literal, decode_client_bytes, index_order,
    live_default, strip_outer_parens,
)
from upgrade_cli.precheck.model import (
    GEOMETRY_TYPES, Catalog, CollectionIssue, Column, Event, ForeignKey, Index, IndexPart, Partition, Routine, Schema,
    Source, Table, Tablespace, Trigger, View, charset_of_collation, normalize_charset, normalize_collation,
)
from upgrade_cli.precheck.collect.visibility import blind_fields, hidden_by_grants, unreadable_privileges
from upgrade_cli.sqltext import quote_qualified, redact_statement

SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")

# Client-side error codes that mean the connection is gone (CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ...)
# plus the server's "connection was killed" (ER_CONNECTION_KILLED 1927 MariaDB, 1053 shutdown).
_CONNECTION_LOST = {2006, 2013, 2003, 2055, 2014, 1927, 1053, 0}

# Every global variable is read (one SHOW, ~600 rows), so a new server check never needs a collector
# change; names that can carry a credential are dropped before anything is stored.
_SECRET_VARIABLE = re.compile(r"password|secret|token|_auth$|sst_auth|^init_", re.I)

# Aurora v2's DDL recovery tables (absent on community MySQL and MariaDB: recorded as unavailable).
DDL_LOG_TABLES = ("ddl_log_md_table", "ddl_log_table")

Progress = Callable[[str], None]


class ConnectionLost(Exception):
    """Internal: the scan's connection died; unwinds to collect_live, which returns the partial catalog."""


Spare = Callable[[], pymysql.connections.Connection]  # opens one more session to the same server


class _Scan:
    def __init__(self, conn: pymysql.connections.Connection, progress: Progress | None, spare: Spare | None = None):
        self.conn = conn
        self.progress = progress or (lambda phase: None)
        self.unavailable: dict[str, str] = {}
        self.blind: dict[str, str] = {}  # catalog path -> why a failed fact query leaves it unknown
        self.round_trips = 0
        self.spare = spare
        self.settings: list[tuple[str, Any]] = []  # this session's SET SESSIONs, taken by every spare too
        self.started: dict[tuple[str, str], _Started] = {}

    def query(self, sql: str, args: Any = None) -> list[tuple]:
        """One round trip; a dead connection becomes ConnectionLost, other errors propagate."""
        return list(self.stream(sql, args))

    def setting(self, sql: str, args: Any = None) -> None:
        """A ``SET SESSION`` the scan's reads depend on: taken now, and by each spare session before its read."""
        self.query(sql, args)
        self.settings.append((sql, args))

    def stream(self, sql: str, args: Any = None) -> Iterator[tuple]:
        """Like :meth:`query`, the rows read one by one through an unbuffered cursor as the caller consumes
        them (the connection serves nothing else until the last row is read). A statement :meth:`ahead`
        started is read from its spare session; one whose spare failed runs here, where its error counts."""
        self.round_trips += 1
        started = self.started.pop(_statement_key(sql, args), None)
        spare = started.get() if started is not None else None
        with _lost_connection():
            if spare is not None:
                try:
                    yield from _text_rows(spare[1])
                finally:
                    _close(*spare)
                return
            with self.conn.cursor(pymysql.cursors.SSCursor) as cur:
                cur.execute(sql, args)
                yield from _text_rows(cur)

    def ahead(self, sql: str, args: Any = None) -> None:
        """Start ``sql`` now on a spare session, so the server works on it while this session's rows are read
        (it runs every statement's ``information_schema`` fill on a thread of its own); :meth:`stream` of the
        same statement reads its rows from there. Without a spare: nothing, the statement runs in its turn."""
        if self.spare is not None:
            self.started[_statement_key(sql, args)] = _Started(lambda: self._start_on_spare(sql, args))

    def _start_on_spare(self, sql: str, args: Any) -> tuple[pymysql.connections.Connection, Any]:
        assert self.spare is not None
        conn = self.spare()
        try:
            with conn.cursor() as cur:
                for setting, setting_args in self.settings:
                    cur.execute(setting, setting_args)
                # the spare's answer waits in its socket while the rows before it are read: not a stalled client
                cur.execute("SET SESSION net_write_timeout = 3600")
            cursor = conn.cursor(pymysql.cursors.SSCursor)
            cursor.execute(sql, args)
            return conn, cursor
        except BaseException:
            _close(conn, None)
            raise

    def close(self) -> None:
        """Spare sessions whose rows were never read (the scan stopped early) are closed once started."""
        for started in self.started.values():
            started.on_done(lambda spare: _close(*spare))
        self.started.clear()

    def best_effort(self, fact: str, sql: str, args: Any = None, setting: bool = False) -> list[tuple] | None:
        """A server fact that may be missing (privilege, table, engine): record why and go on."""
        try:
            rows = self.query(sql, args)
        except pymysql.err.MySQLError as exc:
            self.unavailable[fact] = _one_line(exc)
            code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
            self.blind.update(blind_fields(fact, code, self.unavailable[fact]))
            return None
        if setting:
            self.settings.append((sql, args))
        return rows


def _statement_key(sql: str, args: Any) -> tuple[str, str]:
    return sql, repr(args)


class _Started:
    """A statement a spare session is starting on a daemon thread (a stuck one never holds the exit up)."""

    def __init__(self, start: Callable[[], Any]):
        self.result: Any = None
        self.finished = False
        self.done: list[Callable[[Any], None]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(start,), daemon=True)
        self.thread.start()

    def _run(self, start: Callable[[], Any]) -> None:
        try:
            result = start()
        except Exception:  # noqa: BLE001 - any failure: the statement runs on the scan's own session instead
            result = None
        with self.lock:
            self.result, self.finished = result, True
            callbacks, self.done = self.done, []
        for callback in callbacks:
            if result is not None:
                callback(result)

    def get(self) -> Any:
        """(connection, cursor) once the statement is under way; None where the spare failed."""
        self.thread.join()
        return self.result

    def on_done(self, callback: Callable[[Any], None]) -> None:
        with self.lock:
            if not self.finished:
                self.done.append(callback)
                return
        if self.result is not None:
            callback(self.result)


def _close(conn: pymysql.connections.Connection, cursor: Any) -> None:
    """Close a spare session, its result unread or not (PyMySQL would otherwise try to drain an unread result
    from the closed socket when it is collected, and print that it could not)."""
    result = getattr(cursor, "_result", None)
    if result is not None:
        result.unbuffered_active = False
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - a spare that is gone already
        pass


def _text_rows(cur: pymysql.cursors.SSCursor) -> Iterator[tuple]:
    """The rows of an unbuffered result, each packet read by PyMySQL and its values split here.

    The values are what PyMySQL's ``_read_row_from_packet`` gives (each field's decoding and converter, in
    its order), but its reader makes three calls per value: at 1.4M ``COLUMNS`` rows, most of a scan's
    client time. A text-protocol row is its values one after another, each prefixed by its length (one byte
    below 251, else 0xFC/0xFD/0xFE and 2/3/8 bytes) or a lone 0xFB for NULL."""
    result = getattr(cur, "_result")  # PyMySQL's unbuffered result: private, so not in its stubs
    if result is None or not result.unbuffered_active:
        return
    conn = result.connection
    fields = result.converters
    from_bytes = int.from_bytes
    while True:
        packet = conn._read_packet()
        if result._check_packet_is_eof(packet):  # as _read_rowdata_packet_unbuffered ends a result
            result.unbuffered_active, result.connection, result.rows = False, None, None
            return
        data = packet.get_all_data()
        row: list[Any] = []
        pos, end = 0, len(data)
        for encoding, converter in fields:
            if pos >= end:
                break  # fewer values than fields: PyMySQL stops there too
            n = data[pos]
            if n < 251:
                pos += 1
            elif n == 251:
                row.append(None)
                pos += 1
                continue
            else:
                size = 2 if n == 252 else 3 if n == 253 else 8
                n = from_bytes(data[pos + 1:pos + 1 + size], "little")
                pos += 1 + size
            value: Any = data[pos:pos + n]
            pos += n
            if encoding is not None:
                value = value.decode(encoding)
            if converter is not None:
                value = converter(value)
            row.append(value)
        yield tuple(row)


@contextmanager
def _lost_connection() -> Iterator[None]:
    """A dead connection becomes ConnectionLost; other errors propagate."""
    try:
        yield
    except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as exc:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        if isinstance(exc, pymysql.err.InterfaceError) or code in _CONNECTION_LOST:
            raise ConnectionLost(_one_line(exc)) from None
        raise


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, pymysql.err.MySQLError) and len(exc.args) >= 2:
        return f"({exc.args[0]}) {' '.join(str(exc.args[1]).split())}"
    return " ".join(str(exc).split()) or type(exc).__name__


def collect_live(conn: pymysql.connections.Connection, schemas: list[str] | None = None,
                 progress: Progress | None = None, statement_timeout_s: int = 60, check_table: bool = False,
                 spare: Spare | None = None) -> Catalog:
    """Scan the server behind ``conn`` into a Catalog; see the module docstring for the failure contract.

    ``schemas``: only these (system schemas included only if named); ``None`` = every user schema.
    ``progress`` is called with the name of each phase as it starts. ``check_table`` (an explicit opt-in)
    adds ``CHECK TABLE ... FOR UPGRADE`` of every table: one statement per table, and on 5.7 not a pure read.
    ``spare`` opens one more session like ``conn``: the biggest reads then start on spares while the rows
    before them are read (:meth:`_Scan.ahead`); each spare takes this session's settings first (read-only,
    statement timeout) and is closed after its one read.
    """
    scan = _Scan(conn, progress, spare)
    host = getattr(conn, "unix_socket", None) or f"{getattr(conn, 'host', '?')}:{getattr(conn, 'port', '?')}"
    cat = Catalog(source=Source("live", str(host), _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                                __version__))
    phase = "session"
    with paused_gc():
        try:
            scan.progress(phase)
            ctx = _Ctx(mariadb=_make_session_safe(scan, cat, statement_timeout_s), requested=schemas)
            ctx.old_temporals_shown = _show_old_temporals(scan)
            ctx.packed = _packs_tables(scan)
            for phase, step in PHASES + ((("CHECK TABLE ... FOR UPGRADE", _check_tables),) if check_table else ()):
                scan.progress(phase)
                step(scan, cat, ctx)
        except ConnectionLost as exc:
            cat.complete = False
            cat.incomplete_reason = f"connection lost while reading {phase}: {exc}"
        except pymysql.err.MySQLError as exc:
            cat.complete = False
            cat.incomplete_reason = f"reading {phase} failed: {_one_line(exc)}"
        finally:
            scan.close()
    for path, why in scan.blind.items():
        cat.unreadable.setdefault(path, why)
    if scan.unavailable:
        cat.server.extra["unavailable"] = scan.unavailable
    cat.server.extra["round_trips"] = scan.round_trips
    cat.tables.sort(key=lambda t: (t.schema, t.name))  # the dump parser's order
    cat.views.sort(key=lambda v: (v.schema, v.name))
    cat.routines.sort(key=lambda r: (r.schema, r.kind, r.name))
    cat.triggers.sort(key=lambda t: (t.schema, t.name))
    cat.events.sort(key=lambda e: (e.schema, e.name))
    return cat


@dataclass
class _Ctx:
    """What the phases share: the server flavour, the schemas in scope and lookups by name."""

    mariadb: bool
    requested: list[str] | None
    old_temporals_shown: bool = False
    packed: bool = False  # a table's rows can come as one value (:func:`_rows_by_table`)
    wanted: list[str] = field(default_factory=list)
    by_name: dict[tuple[str, str], Table] = field(default_factory=dict)
    partitioned: list[tuple[str, str]] = field(default_factory=list)  # CREATE_OPTIONS says "partitioned"
    view_cols: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    view_charsets: dict[tuple[str, str], dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def _make_session_safe(scan: _Scan, cat: Catalog, timeout_s: int) -> bool:
    """Read-only transactions and a per-statement time limit, before anything else is sent."""
    scan.setting("SET SESSION TRANSACTION READ ONLY")
    rows = scan.query("SELECT VERSION(), @@version_comment, @@GLOBAL.sql_mode")
    version, comment, sql_mode = rows[0]
    cat.server.version, cat.server.version_comment, cat.server.sql_mode = version, comment, sql_mode
    mariadb = "mariadb" in f"{version} {comment}".lower()
    names = {r[0].lower() for r in scan.query(
        "SHOW SESSION VARIABLES WHERE Variable_name IN ('max_execution_time', 'max_statement_time')")}
    if "max_statement_time" in names:  # MariaDB: seconds, every statement
        scan.setting("SET SESSION max_statement_time = %s", (float(timeout_s),))
        cat.server.extra["statement_timeout"] = f"max_statement_time={timeout_s}s"
    elif "max_execution_time" in names:  # MySQL 5.7.8+: milliseconds, SELECTs only
        scan.setting("SET SESSION max_execution_time = %s", (int(timeout_s * 1000),))
        cat.server.extra["statement_timeout"] = f"max_execution_time={timeout_s * 1000}ms"
    else:
        scan.unavailable["statement_timeout"] = "server has neither max_execution_time nor max_statement_time"
    return mariadb


def _show_old_temporals(scan: _Scan) -> bool:
    """MySQL 5.7 marks pre-5.6.4 temporal columns in COLUMN_TYPE only with this session setting on."""
    return scan.best_effort("show_old_temporals", "SET SESSION show_old_temporals = ON", setting=True) is not None


def _packs_tables(scan: _Scan) -> bool:
    """Let one value carry a table's rows (:func:`_rows_by_table`): ``group_concat_max_len`` (1,024 by default)
    raised, for this session only, to the largest packet the server sends."""
    try:
        scan.setting("SET SESSION group_concat_max_len = @@max_allowed_packet")
    except pymysql.err.MySQLError:
        return False
    return True


def _in(values: list[str]) -> str:
    return "(" + ",".join(["%s"] * len(values)) + ")" if values else "(NULL)"


def _schemas(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    wanted = ctx.requested
    rows = scan.query("SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME "
                      "FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
    if wanted is None:
        keep = [r for r in rows if r[0].lower() not in SYSTEM_SCHEMAS]
    else:
        want = set(wanted)
        keep = [r for r in rows if r[0] in want]
        missing = sorted(want - {r[0] for r in rows})
        if missing:  # a mistyped name would scan nothing and look clean
            raise ToolError(f"--schema: no schema {', '.join(missing)} on this server (or this account cannot see it)")
    cat.schemas = [Schema(name, normalize_charset(cs), normalize_collation(coll)) for name, cs, coll in keep]
    ctx.wanted = [s.name for s in cat.schemas]


def _privileges(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    """What this account's global and schema-level grants hide from information_schema (visibility.py)."""
    rows = scan.best_effort(
        "privileges",
        "SELECT g.grantee, p.TABLE_SCHEMA, p.PRIVILEGE_TYPE FROM (SELECT CONCAT(\"'\", LEFT(CURRENT_USER(), "
        "CHAR_LENGTH(CURRENT_USER()) - CHAR_LENGTH(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)) - 1), \"'@'\", "
        "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), \"'\") AS grantee) g LEFT JOIN ("
        "SELECT GRANTEE, NULL AS TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES UNION ALL "
        "SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES"
        ") p ON p.GRANTEE = g.grantee")
    if not rows:
        cat.unreadable.update(unreadable_privileges(str(scan.unavailable.get("privileges"))))
        return
    grantee = rows[0][0]
    rows = [(schema, p.upper()) for _, schema, p in rows if p is not None]
    global_privs = {p for schema, p in rows if schema is None and p != "USAGE"}
    grants = [(schema, p) for schema, p in rows if schema is not None]
    cat.unreadable.update(hidden_by_grants(grantee, global_privs, grants, ctx.wanted, ctx.requested is None))


def _tables(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    wanted = ctx.wanted
    for read in (COLUMNS_READ, INDEXES_READ):  # each opens every table again: the server starts on them now
        scan.ahead(*_by_table_statement(ctx, read))
    rows = scan.stream(
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, CREATE_OPTIONS, TABLE_COLLATION, TABLE_COMMENT "
        f"FROM information_schema.TABLES WHERE TABLE_SCHEMA IN {_in(wanted)}", wanted)
    by_name = ctx.by_name
    partitioned = ctx.partitioned
    for schema, name, ttype, engine, options, collation, comment in rows:
        if ttype == "VIEW" or ttype == "SYSTEM VIEW":
            continue
        if ttype not in ("BASE TABLE", "SYSTEM VERSIONED"):
            continue  # SEQUENCE, TEMPORARY: not objects the upgrade checks look at
        m = re.search(r"row_format=(\w+)", options or "", re.I)
        coll = _collation(collation)
        table = Table(schema=intern(schema), name=name, engine=intern(engine) if engine else engine,
                      row_format=m.group(1).upper() if m else None,
                      charset=_charset_of(coll), collation=coll, comment=comment or "")
        cat.tables.append(table)
        by_name[(schema, name)] = table
        if options and "partitioned" in options.lower():  # as the Shell reads it (upgrade_check_creators.cc:307)
            partitioned.append((schema, name))


def _columns(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    by_name = ctx.by_name
    view_cols = ctx.view_cols
    mariadb = ctx.mariadb
    # A big schema repeats a few column shapes endlessly: each distinct one is normalised once, and its
    # values are shared by every column of that shape (one copy of each string).
    shapes: dict[tuple, ColumnShape] = {}
    for schema, tname, rows in _rows_by_table(scan, ctx, COLUMNS_READ):
        table = by_name.get((schema, tname))
        if table is None:
            for row in rows:
                view_cols[(schema, tname)].append(row[0])
                if view_charset := _charset(row[6]):
                    ctx.view_charsets[(schema, tname)][row[0]] = view_charset
            continue
        append = table.columns.append
        for row in rows:
            shape = tuple(row[2:10])
            values = shapes.get(shape)
            if values is None:
                if len(shapes) >= 65536:
                    shapes.clear()
                values = shapes[shape] = _column_shape(shape, mariadb)
            append(Column(intern(row[0]), int(row[1]), *values, row[10] or ""))


# Column's fields from data_type to generation_expression
ColumnShape = tuple[str, str, bool, str | None, bool, str | None, str | None, str, str | None]


def _column_shape(shape: tuple, mariadb: bool) -> ColumnShape:
    """A column's values after its name and position, before its comment, in the catalog's normal form, from
    ``COLUMNS``' DATA_TYPE to GENERATION_EXPRESSION."""
    data_type, column_type, nullable, default, charset, collation, extra, gen_expr = shape
    data_type, column_type = data_type.lower(), column_type.lower()
    extra = extra or ""
    value, is_expr = (None, False) if gen_expr else live_default(default, mariadb, extra)
    if value is not None and not is_expr:
        value = decimal_literal(value, column_type)
    string = data_type in STRING_TYPES
    return (intern(data_type), intern(column_type), nullable == "YES", value, is_expr,
            _charset(charset) if string else None, _collation(collation) if string else None,
            canonical_extra(_extra_parts(extra)), strip_outer_parens(gen_expr) if gen_expr else None)


@dataclass(frozen=True)
class TableRead:
    """``SELECT TABLE_SCHEMA, TABLE_NAME, <fields> FROM information_schema.<source>``, each table's rows in
    ``order``: see :func:`_rows_by_table` for the field marks."""

    source: str
    fields: tuple[str, ...]
    order: str

    @property
    def by_rows(self) -> str:
        names = ", ".join(f.rstrip("?*") for f in self.fields)
        return f"SELECT TABLE_SCHEMA, TABLE_NAME, {names} FROM information_schema.{self.source} WHERE "


COLUMNS_READ = TableRead("COLUMNS", (
    "COLUMN_NAME", "ORDINAL_POSITION", "DATA_TYPE", "COLUMN_TYPE", "IS_NULLABLE", "COLUMN_DEFAULT?",
    "CHARACTER_SET_NAME*", "COLLATION_NAME*", "EXTRA*", "GENERATION_EXPRESSION*", "COLUMN_COMMENT*"),
    "ORDINAL_POSITION")
INDEXES_READ = TableRead("STATISTICS", (
    "INDEX_NAME", "NON_UNIQUE", "SEQ_IN_INDEX", "COLUMN_NAME?", "SUB_PART?", "INDEX_TYPE*", "INDEX_COMMENT*"),
    "INDEX_NAME, SEQ_IN_INDEX")


def _by_table_statement(ctx: _Ctx, read: TableRead) -> tuple[str, list[str]]:
    """The one statement of ``read`` for the schemas in scope: packed a table per row where the session allows."""
    wanted = ctx.wanted
    if not ctx.packed:
        return f"{read.by_rows}TABLE_SCHEMA IN {_in(wanted)} ORDER BY TABLE_SCHEMA, TABLE_NAME, {read.order}", wanted
    packed = ", ".join(f"IFNULL(CONCAT('=', {f[:-1]}), '')" if f.endswith("?") else
                       f"IFNULL({f[:-1]}, '')" if f.endswith("*") else f for f in read.fields)
    return (f"SELECT MIN(TABLE_SCHEMA), MIN(TABLE_NAME), COUNT(*), GROUP_CONCAT(CONCAT_WS(X'1f', {packed}, '') "
            f"ORDER BY {read.order} SEPARATOR X'1e') FROM information_schema.{read.source} WHERE TABLE_SCHEMA IN "
            f"{_in(wanted)} GROUP BY CAST(TABLE_SCHEMA AS BINARY), CAST(TABLE_NAME AS BINARY)", wanted)


def _rows_by_table(scan: _Scan, ctx: _Ctx, read: TableRead) -> Iterator[tuple[str, str, list]]:
    """The rows of ``read`` for the schemas in scope as ``(schema, table, rows)``, each row its fields: read one
    TABLE per row where the session allows (``ctx.packed``), the server's rows one by one where not.

    1.4M ``COLUMNS`` rows at 100k tables cost Python a packet read and a value split each, more than the
    server's whole answer; packed by the server (``GROUP_CONCAT`` of each row's ``CONCAT_WS``, the ASCII unit
    and record separators between them) a table is one value that ``str.split`` takes apart. ``CONCAT_WS``
    drops a NULL, so a field that may be NULL is marked: ``NAME?`` travels as ``=value`` or empty and arrives
    as the value or None; ``NAME*`` arrives as ``''`` for NULL (for readers that take both alike); an unmarked
    field that is NULL after all leaves its table a field short. Nothing is trusted: a table whose value does
    not split into exactly ``COUNT(*)`` records of exactly the fields, each closed by an empty last field (a
    separator inside a comment, a value cut short at the session's ``group_concat_max_len``, anything
    unforeseen), is read again by name, row by row. Packed values come as text (``ORDINAL_POSITION`` ``"3"``):
    the readers convert them as they do the row-wise integers. Row by row, one table's rows can come in more
    than one group (the server orders names case-insensitively: ``T`` and ``t`` interleave)."""
    rows = scan.stream(*_by_table_statement(ctx, read))
    if not ctx.packed:
        yield from _grouped(rows)
        return
    nullable = [i for i, f in enumerate(read.fields) if f.endswith("?")]
    width = len(read.fields) + 1
    again: set[tuple[str, str]] = set()
    for schema, table, count, value in rows:
        records = _unpacked(value, int(count), width)
        if records is None:
            again.add((schema, table))
            continue
        for parts in records:
            parts.pop()  # the empty field closing each record
            for i in nullable:
                parts[i] = parts[i][1:] if parts[i] else None
        yield schema, table, records
    tables = sorted(again)
    for start in range(0, len(tables), _NAMES_PER_QUERY):
        where, args = _names_in(tables[start:start + _NAMES_PER_QUERY])
        rows = scan.stream(f"{read.by_rows}({where}) ORDER BY TABLE_SCHEMA, TABLE_NAME, {read.order}", args)
        # the server's case-insensitive IN also matches `T` beside `t`
        yield from ((schema, table, group) for schema, table, group in _grouped(rows) if (schema, table) in again)


def _grouped(rows: Iterator[tuple]) -> Iterator[tuple[str, str, list]]:
    """Row-wise ``(schema, table, *fields)`` rows as ``(schema, table, [fields, ...])``, a group per run of one table."""
    key: tuple[str, str] | None = None
    group: list[tuple] = []
    for row in rows:
        if (row[0], row[1]) != key:
            if key is not None:
                yield key[0], key[1], group
            key, group = (row[0], row[1]), []
        group.append(row[2:])
    if key is not None:
        yield key[0], key[1], group


def _unpacked(value: str | bytes | None, count: int, width: int) -> list[list[Any]] | None:
    """A table's packed rows, each split into its ``width`` fields; None where they do not add up."""
    if value is None:
        return None
    if isinstance(value, bytes):  # a 5.7 server calls a concatenation with a binary separator binary
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    records = [record.split("\x1f") for record in value.split("\x1e")]
    if len(records) != count or any(len(parts) != width or parts[-1] for parts in records):
        return None
    return records


# Attribute values repeat endlessly across a big schema: normalise each distinct one once (and hold one
# copy: names go through sys.intern).
_charset = functools.lru_cache(maxsize=4096)(normalize_charset)
_collation = functools.lru_cache(maxsize=4096)(normalize_collation)
_charset_of = functools.lru_cache(maxsize=4096)(charset_of_collation)


def _extra_parts(extra: str) -> list[str]:
    """Split EXTRA (``on update current_timestamp() INVISIBLE``) into its separate attributes."""
    parts, rest = [], extra.strip()
    m = re.search(r"on update \S+", rest, re.I)
    if m:
        parts.append(m.group(0))
        rest = (rest[:m.start()] + rest[m.end():]).strip()
    m = re.search(r"(VIRTUAL|STORED|PERSISTENT) GENERATED", rest, re.I)
    if m:
        parts.append(m.group(0).replace("PERSISTENT", "STORED"))
        rest = (rest[:m.start()] + rest[m.end():]).strip()
    parts.extend(rest.split())
    return parts


def _indexes(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    # the last of the table reads: what the server answers slowest after them starts now, on the spares
    for statement in (_views_statement(ctx), _triggers_statement(ctx)):
        scan.ahead(*statement)
    by_name = ctx.by_name
    current: dict[tuple[str, str, str], Index] = {}
    for schema, tname, rows in _rows_by_table(scan, ctx, INDEXES_READ):
        table = by_name.get((schema, tname))
        if table is None:
            continue
        for iname, non_unique, _seq, column, sub_part, itype, comment in rows:
            key = (schema, tname, iname)
            idx = current.get(key)
            if idx is None:
                idx = current[key] = Index(intern(iname), [], unique=int(non_unique) == 0,
                                           index_type=(itype or "BTREE").upper(), comment=comment or "")
                table.indexes.append(idx)
            if idx.index_type == "SPATIAL":
                sub_part = None  # SHOW INDEX reports 32 for every SPATIAL key: not a prefix anyone declared
            idx.parts.append(IndexPart(intern(column), int(sub_part) if sub_part is not None else None))
    for table in cat.tables:
        table.indexes.sort(key=index_order)


def _foreign_keys(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    """Foreign keys from InnoDB's dictionary where the server has it, else from KEY_COLUMN_USAGE.

    ``KEY_COLUMN_USAGE`` makes the server open every table in scope (17 of a 97 s floor at 100k tables);
    ``INNODB_SYS_FOREIGN`` and ``INNODB_SYS_FOREIGN_COLS`` are InnoDB's own ``SYS_FOREIGN`` tables, read without
    opening one. MySQL 5.7 (so Aurora MySQL 2) and MariaDB have them under these names (PROCESS privilege;
    8.0 renamed them ``INNODB_FOREIGN``), and the Shell reads them for its foreign-key checks
    (custom_check.cc:89-135). See :func:`_innodb_foreign_keys` for when the dictionary is not used.
    """
    rows: Iterable[tuple[Any, ...]] | None = _innodb_foreign_keys(scan, ctx)
    if rows is None:
        rows = scan.stream(
            "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, "
            "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
            f"WHERE TABLE_SCHEMA IN {_in(ctx.wanted)} AND REFERENCED_TABLE_NAME IS NOT NULL "
            "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION", ctx.wanted)
    by_name = ctx.by_name
    current: dict[tuple[str, str, str], ForeignKey] = {}
    for schema, tname, cname, column, ref_schema, ref_table, ref_column in rows:
        table = by_name.get((schema, tname))
        if table is None:
            continue
        fk = current.get((schema, tname, cname))
        if fk is None:
            fk = current[(schema, tname, cname)] = ForeignKey(cname, [], ref_schema, ref_table, [])
            table.foreign_keys.append(fk)
        fk.columns.append(column)
        fk.ref_columns.append(ref_column)


def _innodb_foreign_keys(scan: _Scan, ctx: _Ctx) -> list[tuple] | None:
    """KEY_COLUMN_USAGE's foreign-key rows, in its order, built from InnoDB's dictionary; None where that
    cannot stand in for it: the tables are missing or unreadable (MariaDB and 5.7 without PROCESS), a name is
    in the file-system encoding (``my@002ddb/t``: decoding it is the server's business), an ID is not
    ``schema/name`` (MariaDB 12.1 dropped the schema: names are unique per table there, not per ID), or a
    foreign key's table is not one the scan sees as a table (another case rule, or hidden from this account).

    The two tables are read apart and joined here (joined in SQL, the server runs a nested loop). The
    order matches the server's: constraint names compared as its utf8_general_ci does, case-insensitively."""
    try:
        foreign = scan.query("SELECT ID, FOR_NAME, REF_NAME FROM information_schema.INNODB_SYS_FOREIGN")
        cols = scan.query("SELECT ID, POS, FOR_COL_NAME, REF_COL_NAME FROM information_schema.INNODB_SYS_FOREIGN_COLS")
    except pymysql.err.MySQLError:
        return None  # not unavailable: KEY_COLUMN_USAGE answers the same question
    wanted = set(ctx.wanted)
    by_id: dict[str, tuple[str, str, str, str, str]] = {}
    for fk_id, for_name, ref_name in foreign:
        if "@" in fk_id + for_name + ref_name or "/" not in fk_id:
            return None  # an encoded name, or MariaDB 12.1+'s ID without its schema (unique per table only)
        schema, _, table = for_name.partition("/")
        if schema not in wanted:
            continue
        if (schema, table) not in ctx.by_name:
            return None
        ref_schema, _, ref_table = ref_name.partition("/")
        by_id[fk_id] = (schema, table, fk_id.partition("/")[2], ref_schema, ref_table)
    rows = []
    for fk_id, pos, column, ref_column in cols:
        fk = by_id.get(fk_id)
        if fk is not None:
            schema, table, name, ref_schema, ref_table = fk
            rows.append((schema, table, name.upper(), name, int(pos), column, ref_schema, ref_table, ref_column))
    rows.sort(key=lambda r: r[:5])
    return [(schema, table, name, column, ref_schema, ref_table, ref_column)
            for schema, table, _, name, _, column, ref_schema, ref_table, ref_column in rows]


def _partitions(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    """Partitions of the tables TABLES' CREATE_OPTIONS marks ``partitioned``, and of no other.

    ``PARTITIONS`` opens every table it looks at (19 of a 97 s floor at 100k tables, nearly none
    partitioned); a condition on the schema and table names alone is tested before a table is opened,
    so naming the partitioned ones makes it cost what they cost. No partitioned table: no query."""
    by_name = ctx.by_name
    for start in range(0, len(ctx.partitioned), _NAMES_PER_QUERY):
        where, args = _names_in(ctx.partitioned[start:start + _NAMES_PER_QUERY])
        rows = scan.stream(
            "SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, "
            "SUBPARTITION_METHOD, PARTITION_EXPRESSION, TABLESPACE_NAME, PARTITION_DESCRIPTION "
            f"FROM information_schema.PARTITIONS WHERE ({where}) AND PARTITION_NAME IS NOT NULL "
            "ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION", args)
        for schema, tname, pname, spname, method, sub_method, expr, tablespace, description in rows:
            table = by_name.get((schema, tname))
            if table is None:
                continue
            table.partition_method, table.subpartition_method = method, sub_method
            table.partition_expression = expr
            if not table.partitions or table.partitions[-1].name != pname:
                table.partitions.append(Partition(pname, _shared_tablespace(tablespace), description=description))
            if spname:
                table.partitions[-1].subpartitions.append(spname)
                table.partitions[-1].tablespace = table.partitions[-1].tablespace or _shared_tablespace(tablespace)


_NAMES_PER_QUERY = 1000  # table names per query: well inside 5.7's 4 MB max_allowed_packet


def _names_in(tables: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """A condition naming these tables by schema and name alone, and its arguments: the server tests it before
    it opens a table (MySQL's and MariaDB's ``get_all_tables``), so the query costs what the named tables cost."""
    by_schema: dict[str, list[str]] = defaultdict(list)
    for schema, name in tables:
        by_schema[schema].append(name)
    return (" OR ".join(f"(TABLE_SCHEMA = %s AND TABLE_NAME IN {_in(names)})" for names in by_schema.values()),
            [value for schema, names in by_schema.items() for value in (schema, *names)])


def _shared_tablespace(name: str | None) -> str | None:
    """A tablespace name worth reporting: ``innodb_file_per_table`` (8.0's "own file") is no tablespace."""
    return None if not name or name.lower() in ("innodb_file_per_table", "default") else name


def _tablespaces(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    """Tables living in the system or a general tablespace (InnoDB's dictionary; best effort)."""
    by_name = ctx.by_name
    # Two plain reads joined here: the server joins these two information_schema tables with a
    # nested loop, which made this one query quadratic (6 s of a 7 s scan at 10,000 tables).
    spaces = scan.best_effort("tablespaces", "SELECT SPACE, NAME FROM information_schema.INNODB_SYS_TABLESPACES")
    rows = scan.best_effort("tablespaces", "SELECT NAME, SPACE, ROW_FORMAT, TABLE_ID FROM "
                                           "information_schema.INNODB_SYS_TABLES")
    # columns InnoDB stores as DATA_BLOB (mtype 5): a geometry column among them is in the pre-5.7.5 format.
    # Only the names of the spatial columns in scope are asked for (every BLOB and TEXT column is one too),
    # and without a spatial column there is nothing to ask.
    spatial = sorted({c.name for t in cat.tables for c in t.columns if c.data_type in GEOMETRY_TYPES})
    blobs = scan.best_effort("tablespaces", "SELECT TABLE_ID, NAME FROM information_schema.INNODB_SYS_COLUMNS "
                                            f"WHERE MTYPE = 5 AND NAME IN {_in(spatial)}", spatial) if spatial else []
    files = scan.best_effort("tablespaces", "SELECT TABLESPACE_NAME, FILE_NAME, ENGINE FROM information_schema.FILES "
                                            "WHERE FILE_TYPE = 'TABLESPACE'")
    cat.tablespaces = [Tablespace(name, file_name, engine) for name, file_name, engine in files or [] if name]
    space_names = dict(spaces or [])
    wanted = set(ctx.wanted)
    known: set[tuple[str, str]] = set()  # what InnoDB's dictionary holds (schemaInconsistency, engineMixup)
    blob_columns: dict[int, list[str]] = defaultdict(list)
    for table_id, column in blobs or []:
        blob_columns[table_id].append(column)
    for full, space, row_format, table_id in rows or []:
        space_name = space_names.get(space)
        schema, _, name = full.partition("/")
        base = re.split(r"#[Pp]#", name)[0] if "#" in name else name
        if schema in wanted or _decode_fs_name(schema) in wanted:
            if not base.startswith(("FTS_0", "#sql")) and "@" not in schema + base:  # as the Shell's query
                known.add((schema, base))
        if "#" in name:
            continue  # partitions and FTS/temporary auxiliary tables
        table = by_name.get((_decode_fs_name(schema), _decode_fs_name(name)))
        if table is None:
            continue
        table.innodb_row_format = row_format.upper() if row_format else None
        for column in blob_columns.get(table_id, ()):
            col = table.column(column)
            if col is not None and col.data_type in GEOMETRY_TYPES:
                cat.server.extra.setdefault("old_geometry_columns", []).append(f"{table.schema}/{table.name}/{col.name}")
        if int(space) == 0:
            table.tablespace = "innodb_system"
        elif space_name and space_name != full:
            table.tablespace = space_name
    if rows is not None:
        cat.server.extra["innodb_tables"] = [f"{s}/{t}" for s, t in sorted(known)]


def _decode_fs_name(name: str) -> str:
    """InnoDB stores ``my-db`` as ``my@002ddb``: decode the @XXXX escapes (plain names unchanged)."""
    if "@" not in name:
        return name
    return re.sub(r"@([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), name)


def _views_statement(ctx: _Ctx) -> tuple[str, list[str]]:
    return ("SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, DEFINER, SECURITY_TYPE "
            f"FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN {_in(ctx.wanted)}", ctx.wanted)


def _views(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    rows = scan.query(*_views_statement(ctx))
    view_cols = ctx.view_cols
    for schema, name, definition, check_option, definer, security in rows:
        cat.views.append(View(schema, name, definition or "", list(view_cols.get((schema, name), [])),
                              check_option or "NONE", definer, security, dict(ctx.view_charsets.get((schema, name), {}))))
        if not definition:
            cat.issues.append(CollectionIssue(schema, "view", name,
                                              "view definition is not visible to this account (needs SHOW VIEW)"))
    _hidden_bodies(cat, "views", [f"{v.schema}.{v.name}" for v in cat.views if not v.definition])


def _hidden_bodies(cat: Catalog, kind: str, names: list[str]) -> None:
    """Objects listed without their code: every check that reads the kind would pass on what it never saw."""
    if names:
        cat.unreadable.setdefault(kind, f"the code of {len(names)} {kind} is not visible to this account "
                                        f"({', '.join(names[:5])}{' ...' if len(names) > 5 else ''})")


def _routines(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    wanted = ctx.wanted
    params: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    returns: dict[tuple[str, str, str], str] = {}
    for schema, rname, rtype, ordinal, mode, pname, dtd in scan.query(
            "SELECT SPECIFIC_SCHEMA, SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME, "
            f"DTD_IDENTIFIER FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA IN {_in(wanted)} "
            "ORDER BY SPECIFIC_SCHEMA, SPECIFIC_NAME, ROUTINE_TYPE, ORDINAL_POSITION", wanted):
        key = (schema, rtype, rname)
        dtd = _dtd(dtd)
        if int(ordinal) == 0:
            returns[key] = dtd
        else:
            params[key].append(" ".join(p for p in ((mode or "") if rtype == "PROCEDURE" else "", pname, dtd) if p))
    rows = scan.query(
        "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION, DTD_IDENTIFIER, SQL_MODE, DEFINER, "
        f"SECURITY_TYPE, ROUTINE_COMMENT, CHARACTER_SET_CLIENT, IS_DETERMINISTIC, SQL_DATA_ACCESS "
        f"FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN {_in(wanted)}", wanted)
    for schema, name, rtype, body, dtd, sql_mode, definer, security, comment, client, determ, access in rows:
        key = (schema, rtype, name)
        cat.routines.append(Routine(schema, name, rtype, body, ", ".join(params.get(key, [])),
                                    returns.get(key, _dtd(dtd) if dtd else None) if rtype == "FUNCTION" else None,
                                    sql_mode or "", definer, security, comment or "", charset_name(client or ""),
                                    determ == "YES", access or "CONTAINS SQL"))
        if body is None:
            cat.issues.append(CollectionIssue(schema, "routine", name,
                                              "routine body is not visible to this account (not its definer; "
                                              "needs SELECT on mysql.proc or SHOW_ROUTINE)"))
    _hidden_bodies(cat, "routines", [f"{r.schema}.{r.name}" for r in cat.routines if r.body is None])
    _raw_bodies(scan, cat.routines, wanted)
    _param_lists(scan, cat.routines, wanted)


def _raw_bodies(scan: _Scan, routines: list[Routine], wanted: list[str]) -> None:
    """Bodies created through a non-UTF-8 client, from their raw bytes in ``mysql.proc`` (best effort).

    5.7 converts a body to UTF-8 for ``information_schema`` at creation; MariaDB shows the raw bytes,
    and bytes the conversion could not map arrive as ``?``. The bytes decoded through the routine's
    own client charset are the body the upgrade will read."""
    other = {(r.schema, r.kind, r.name): r for r in routines if r.charset_client not in UTF8_CLIENTS}
    if not other:
        return
    rows = scan.best_effort("routine bytes", "SELECT db, type, name, body FROM mysql.proc WHERE db IN "
                            f"{_in(wanted)} AND character_set_client NOT IN ('utf8', 'utf8mb3', 'utf8mb4')", wanted)
    for schema, kind, name, raw in rows or ():
        routine = other.get((_text(schema), _text(kind), _text(name)))
        if routine is not None and isinstance(raw, bytes):
            routine.body = decode_client_bytes(raw, routine.charset_client)[0]


def _param_lists(scan: _Scan, routines: list[Routine], wanted: list[str]) -> None:
    """Parameter lists as written, from ``mysql.proc`` (best effort): ``information_schema.PARAMETERS``
    drops the quotes, and an unquoted parameter named with a word 8.0 reserves stops the upgrade."""
    with_params = {(r.schema, r.kind, r.name): r for r in routines if r.params}
    if not with_params:
        return
    rows = scan.best_effort("routine parameter lists",
                            f"SELECT db, type, name, param_list FROM mysql.proc WHERE db IN {_in(wanted)}", wanted)
    for schema, kind, name, raw in rows or ():
        routine = with_params.get((_text(schema), _text(kind), _text(name)))
        if routine is not None and raw is not None:
            routine.param_list = decode_client_bytes(raw, routine.charset_client)[0] if isinstance(raw, bytes) else raw


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _dtd(dtd: str | None) -> str:
    """``varchar(10) CHARSET latin1`` → ``varchar(10)``: parameters are compared by type only."""
    text = (dtd or "").lower()
    return re.split(r"\s+(charset|character set|collate)\s", text)[0].strip()


def _triggers_statement(ctx: _Ctx) -> tuple[str, list[str]]:
    return ("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, "
            "ACTION_STATEMENT, SQL_MODE, DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN "
            f"{_in(ctx.wanted)}", ctx.wanted)


def _triggers(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    rows = scan.query(*_triggers_statement(ctx))
    for schema, name, table, timing, event, body, sql_mode, definer in rows:
        cat.triggers.append(Trigger(schema, name, table, timing, event, body or "", sql_mode or "", definer))


def _events(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    wanted = ctx.wanted
    rows = scan.query(
        "SELECT EVENT_SCHEMA, EVENT_NAME, EVENT_DEFINITION, SQL_MODE, DEFINER, STATUS, EXECUTE_AT, INTERVAL_VALUE, "
        f"INTERVAL_FIELD, STARTS, ENDS FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN {_in(wanted)}", wanted)
    for schema, name, body, sql_mode, definer, status, at, every, unit, starts, ends in rows:
        if at is not None:
            schedule = f"AT '{at}'"
        else:
            schedule = f"EVERY {every} {unit}" + (f" STARTS '{starts}'" if starts else "") + (
                f" ENDS '{ends}'" if ends else "")
        cat.events.append(Event(schema, name, body or "", sql_mode or "", definer, status, schedule))


# ---- server facts -------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return "0x" + bytes(value).hex()
    if isinstance(value, (_dt.datetime, _dt.date, _dt.timedelta)):
        return str(value)
    if hasattr(value, "as_integer_ratio") and not isinstance(value, (int, float)):  # Decimal
        return int(value) if value == int(value) else float(value)
    return value


def _server_facts(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    s = cat.server
    s.extra["flavour"] = "mariadb" if ctx.mariadb else "mysql"
    rows = scan.best_effort("variables", "SHOW GLOBAL VARIABLES")
    s.variables = {name.lower(): _jsonable(value) for name, value in rows or [] if not _SECRET_VARIABLE.search(name)}
    if ctx.old_temporals_shown:  # the session setting is what made COLUMN_TYPE mark 5.5-format temporals
        s.variables["show_old_temporals"] = "ON"
    s.aurora_version = s.variables.get("aurora_version") or None

    rows = scan.best_effort("xa_prepared", "XA RECOVER")
    s.xa_prepared = [{"formatID": r[0], "gtrid_length": r[1], "bqual_length": r[2], "data": _jsonable(r[3])}
                     for r in rows or []]

    rows = scan.best_effort(
        "transactions",
        "SELECT trx_id, trx_state, TIMESTAMPDIFF(SECOND, trx_started, NOW()), trx_rows_modified, trx_query "
        "FROM information_schema.INNODB_TRX")
    s.transactions = [{"trx_id": str(r[0]), "trx_state": r[1], "seconds": _jsonable(r[2]),
                       "rows_modified": _jsonable(r[3]), "query": redact_statement(r[4])} for r in rows or []]

    rows = scan.best_effort("history_list_length", "SELECT COUNT FROM information_schema.INNODB_METRICS "
                                                   "WHERE NAME = 'trx_rseg_history_len'")
    if rows:
        s.history_list_length = int(rows[0][0])
    elif rows is not None:
        s.extra["history_list_length"] = "trx_rseg_history_len is not in information_schema.INNODB_METRICS"

    rows = scan.best_effort(
        "processlist",
        "SELECT ID, USER, DB, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST "
        "WHERE COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID') AND ID <> CONNECTION_ID()")
    s.processlist = [{"id": r[0], "user": r[1], "db": r[2], "command": r[3], "time": _jsonable(r[4]),
                      "state": r[5], "info": redact_statement(r[6])} for r in rows or []]

    rows = scan.best_effort("users", "SELECT User, Host, plugin FROM mysql.user ORDER BY User, Host")
    accounts = [(f"'{_jsonable(u)}'@'{_jsonable(h)}'", _jsonable(p)) for u, h, p in rows or []]
    s.users = [a for a, _ in accounts]
    if rows is not None:
        s.extra["user_plugins"] = dict(accounts)  # authentication plugin per account (authMethodUsage)

    rows = scan.best_effort("mysql_tables", "SELECT 'table', TABLE_NAME FROM information_schema.TABLES "
                                            "WHERE TABLE_SCHEMA = 'mysql' UNION ALL SELECT 'plugin', PLUGIN_NAME "
                                            "FROM information_schema.PLUGINS WHERE PLUGIN_STATUS = 'ACTIVE'")
    s.mysql_tables = sorted(name for kind, name in rows or [] if kind == "table")
    if rows is not None:
        s.extra["active_plugins"] = sorted(name for kind, name in rows if kind == "plugin")

    rows = scan.best_effort(
        "orphaned_routines",
        "SELECT db, name, type FROM mysql.proc WHERE db NOT IN (SELECT SCHEMA_NAME FROM information_schema.SCHEMATA) "
        "UNION ALL SELECT db, name, 'EVENT' FROM mysql.event "
        "WHERE db NOT IN (SELECT SCHEMA_NAME FROM information_schema.SCHEMATA)")
    s.orphaned_routines = [{"schema": _jsonable(d), "name": _jsonable(n), "type": _jsonable(t)} for d, n, t in rows or []]

    rows = scan.best_effort(
        "sessions_allowing_zero_dates",
        "SELECT COUNT(THREAD_ID) FROM performance_schema.variables_by_thread WHERE VARIABLE_NAME = 'sql_mode' "
        "AND (VARIABLE_VALUE NOT LIKE '%NO_ZERO_IN_DATE%' OR VARIABLE_VALUE NOT LIKE '%NO_ZERO_DATE%')")
    if rows:
        s.extra["sessions_allowing_zero_dates"] = int(rows[0][0])

    rows = scan.best_effort("sys_base_tables", "SELECT TABLE_NAME FROM information_schema.TABLES "
                                               "WHERE TABLE_SCHEMA = 'sys' AND TABLE_TYPE = 'BASE TABLE'")
    if rows is not None:
        s.extra["sys_base_tables"] = [r[0] for r in rows]

    rows = scan.best_effort("ddl_log_rows", "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM mysql.{t})" for t in DDL_LOG_TABLES))
    if rows:
        s.extra["ddl_log_rows"] = {t: int(n) for t, n in zip(DDL_LOG_TABLES, rows[0])}


def _check_tables(scan: _Scan, cat: Catalog, ctx: _Ctx) -> None:
    """MySQL Shell's checkTableCommand (upgrade_check_creators.cc:447-514): every row CHECK TABLE ... FOR
    UPGRADE returns that is not a plain status, kept in ``server.extra["check_table"]``. The Shell's
    FLUSH LOCAL TABLES first is left out (it needs RELOAD and is not a read)."""
    rows: list[dict[str, str]] = []
    for t in cat.tables:
        found = scan.best_effort(f"CHECK TABLE {t.schema}.{t.name}",
                                 f"CHECK TABLE {quote_qualified(t.schema, t.name)} FOR UPGRADE")
        for _table, _op, msg_type, msg_text in found or []:
            if str(msg_type).lower() != "status":
                rows.append({"schema": t.schema, "table": t.name, "type": str(msg_type).lower(), "text": str(msg_text)})
    cat.server.extra["check_table"] = rows


PHASES = (("schemas", _schemas), ("privileges", _privileges), ("tables", _tables), ("columns", _columns), ("indexes", _indexes),
          ("foreign keys", _foreign_keys), ("partitions", _partitions), ("tablespaces", _tablespaces),
          ("views", _views), ("routines", _routines), ("triggers", _triggers), ("events", _events),
          ("server", _server_facts))
