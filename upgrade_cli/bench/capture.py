"""Build a workload from what the source server already records: its digest table, a slow log or a SQL file.

Everything here only reads. Slow logs are streamed line by line, so a multi-gigabyte log costs the
memory of its distinct shapes, not of its size.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, TextIO

from upgrade_cli.bench.workload import QueryShape, SourceTimings, Workload, WorkloadBuilder
from upgrade_cli.inputs import open_input, read_input
from upgrade_cli.outcome import ToolError
from upgrade_cli.sqltext import redact_statement, split_statements, tokenize

# --------------------------------------------------------------------------------------------
# slow log (MySQL 5.7/8.0/Aurora and MariaDB formats)
# --------------------------------------------------------------------------------------------
_ATTR = re.compile(r"(\w+):\s+((?!\w+:(?:\s|$))\S+)")  # "Schema:  QC_hit: No" has an empty Schema
_USE = re.compile(r"^use\s+(`(?:[^`]|``)+`|\S+?)\s*;\s*$", re.IGNORECASE)
_SET_TIMESTAMP = re.compile(r"^SET\s+timestamp\s*=\s*\d+\s*;\s*$", re.IGNORECASE)
_SERVER_BANNER = re.compile(r"^(/\S+, Version: |Tcp port: |Time\s+Id\s+Command\s+Argument)")


@dataclass
class SlowEvent:
    sql: str
    database: str | None
    query_time: float = 0.0
    rows_examined: int = 0
    rows_sent: int = 0
    attrs: dict[str, str] = field(default_factory=dict)


def _unquote_db(name: str) -> str:
    if name.startswith("`") and name.endswith("`"):
        return name[1:-1].replace("``", "`")
    return name


def parse_slow_log(stream: TextIO) -> Iterator[SlowEvent]:
    """Events of a slow log, in order. ``use db;`` lines carry over to later events of the log,
    as they do for the session that wrote them; ``Schema:`` (MariaDB) wins for its own event."""
    current_db: str | None = None
    attrs: dict[str, str] = {}
    body: list[str] = []
    in_header = False

    def flush() -> Iterator[SlowEvent]:
        nonlocal current_db
        text_lines: list[str] = []
        for line in body:
            m = _USE.match(line.strip())
            if m and not text_lines:
                current_db = _unquote_db(m.group(1))
                continue
            if _SET_TIMESTAMP.match(line.strip()) and not text_lines:
                continue
            text_lines.append(line)
        sql = "\n".join(text_lines).strip()
        if not sql or sql.startswith("# administrator command"):
            return
        if sql.endswith(";"):
            sql = sql[:-1].rstrip()
        db = attrs.get("Schema") or current_db
        yield SlowEvent(sql=sql, database=db or None, query_time=_num(attrs.get("Query_time")),
                        rows_examined=int(_num(attrs.get("Rows_examined"))), rows_sent=int(_num(attrs.get("Rows_sent"))),
                        attrs=dict(attrs))

    for raw in stream:
        line = raw.rstrip("\n").rstrip("\r")
        if line.startswith("# ") or line == "#":
            if not in_header:
                yield from flush()
                body, attrs, in_header = [], {}, True
            if line.startswith("# administrator command"):
                in_header = False
                body = [line]
                continue
            if not line.startswith(("# Time:", "# User@Host:")) or "Query_time" in line:
                attrs.update(dict(_ATTR.findall(line[2:])))
            else:
                # Thread_id/Schema may share a line with User@Host in MariaDB; Id: in MySQL
                attrs.update({k: v for k, v in _ATTR.findall(line[2:]) if k in ("Schema", "Thread_id", "Id")})
            continue
        if _SERVER_BANNER.match(line):
            continue
        in_header = False
        body.append(line)
    yield from flush()


def _num(value: str | None) -> float:
    """A slow-log number; anything but a finite non-negative one (``nan``, ``-1``, garbage) counts as 0."""
    try:
        number = float(value) if value is not None else 0.0
    except ValueError:
        return 0.0
    return number if math.isfinite(number) and number >= 0 else 0.0


def capture_slow_log(path: Path, top: int | None, max_samples: int, database: str | None) -> Workload:
    builder = WorkloadBuilder(max_samples)
    events = 0
    with open_input(path, "slow log") as raw:
        try:
            if b"\x00" in raw.peek(4096)[:4096]:  # an ELF or a core file is not a log
                raise ToolError(f"{path} is a binary file, not a slow query log")
            with io.TextIOWrapper(raw, encoding="utf-8", errors="replace") as stream:
                for ev in parse_slow_log(stream):
                    events += 1
                    builder.add(ev.sql, ev.database or database, ev.query_time, ev.rows_examined, ev.rows_sent)
        except OSError as exc:
            raise ToolError(f"cannot read slow log {path}: {exc.strerror or exc}") from None
    if events == 0:
        raise ToolError(f"{path} holds no slow-log events (is it a slow query log?)")
    return Workload(origin="slow-log", origin_detail=f"{path} ({events} events)", queries=builder.shapes(top))


# --------------------------------------------------------------------------------------------
# SQL file
# --------------------------------------------------------------------------------------------
def capture_sql_file(path: Path, top: int | None, max_samples: int, database: str | None) -> Workload:
    try:
        text = read_input(path, "SQL file").decode("utf-8")
    except UnicodeDecodeError:
        raise ToolError(f"{path} is not a SQL file: not UTF-8 text") from None
    builder = WorkloadBuilder(max_samples)
    current_db, n, not_sql = database, 0, 0
    for statement in split_statements(text):
        stmt = statement.text.strip()
        m = _USE.match(stmt + ";")
        if m:
            current_db = _unquote_db(m.group(1))
            continue
        first = tokenize(stmt[:200])[:1]
        if first and (first[0].kind == "word" or first[0].text == "("):  # how any SQL statement starts
            n += 1
            builder.add(stmt, current_db)
        else:
            not_sql += 1
    if n == 0:
        raise ToolError(f"{path} holds no SQL statements")
    skipped = f", {not_sql} fragments that are not SQL left out" if not_sql else ""
    return Workload(origin="sql-file", origin_detail=f"{path} ({n} statements{skipped})", queries=builder.shapes(top))


# --------------------------------------------------------------------------------------------
# performance_schema digest table
# --------------------------------------------------------------------------------------------
_PS = "performance_schema"
_SYSTEM_SCHEMAS = ("performance_schema", "information_schema", "mysql", "sys")


def _columns(cur, table: str) -> set[str]:
    cur.execute("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
                (_PS, table))
    return {r[0].upper() for r in cur.fetchall()}


def capture_digests(conn, top: int) -> Workload:
    """Top statements by total time from ``events_statements_summary_by_digest``.

    Sample text: ``QUERY_SAMPLE_TEXT`` (MySQL 8.0.3+, Aurora 3). MySQL 5.7/Aurora 2 and MariaDB lack
    it; then the newest statement of that digest in ``events_statements_history_long`` /
    ``events_statements_history`` is used, when those consumers are on. A digest without a sample
    is kept with a note (it cannot be replayed; use ``--slow-log`` for those)."""
    with conn.cursor() as cur:
        cur.execute("SELECT @@performance_schema")
        if not cur.fetchone()[0]:
            raise ToolError("performance_schema is OFF on this server: capture from --slow-log instead")
        cols = _columns(cur, "events_statements_summary_by_digest")
        if not cols:
            raise ToolError("performance_schema.events_statements_summary_by_digest is not readable by this user")
        sample_col = "QUERY_SAMPLE_TEXT" if "QUERY_SAMPLE_TEXT" in cols else "NULL"
        cur.execute(
            f"SELECT SCHEMA_NAME, DIGEST, DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, MAX_TIMER_WAIT, SUM_ROWS_EXAMINED, "
            f"SUM_ROWS_SENT, {sample_col} FROM {_PS}.events_statements_summary_by_digest "
            f"WHERE DIGEST IS NOT NULL AND DIGEST_TEXT IS NOT NULL "
            f"AND (SCHEMA_NAME IS NULL OR SCHEMA_NAME NOT IN ({', '.join(['%s'] * len(_SYSTEM_SCHEMAS))})) "
            f"AND DIGEST_TEXT NOT LIKE %s ORDER BY SUM_TIMER_WAIT DESC LIMIT %s",
            (*_SYSTEM_SCHEMAS, f"%{_PS}%", int(top)))
        rows = cur.fetchall()
        history = _history_samples(cur, [r[1] for r in rows]) if sample_col == "NULL" else {}
        cur.execute("SELECT @@performance_schema_max_sql_text_length")
        max_text = int(cur.fetchone()[0] or 0)
    shapes = []
    for schema, digest, digest_text, count, sum_t, max_t, rexam, rsent, sample in rows:
        sample = redact_statement(sample or history.get((schema, digest)))
        note = ""
        if sample and max_text and len(sample.encode()) >= max_text:
            sample, note = None, "sample text truncated by performance_schema_max_sql_text_length"
        if not sample:
            note = note or ("no sample text: this server has no QUERY_SAMPLE_TEXT and the statement is not in "
                            "events_statements_history(_long) (consumers events_statements_current and "
                            "events_statements_history_long must be ON); capture from --slow-log to replay it")
        shapes.append(QueryShape(
            digest=str(digest), fingerprint=str(digest_text), database=schema, samples=[sample] if sample else [],
            source=SourceTimings(count=int(count), total_s=int(sum_t) / 1e12, max_s=int(max_t) / 1e12,
                                 rows_examined=int(rexam), rows_sent=int(rsent)),
            note=note))
    return Workload(origin="performance_schema", origin_detail=f"top {top} digests by total time", queries=shapes)


def _history_samples(cur, digests: list[str]) -> dict[tuple[str | None, str], str]:
    """Newest statement text per (schema, digest) from the history tables (empty if their consumers are off)."""
    found: dict[tuple[str | None, str], str] = {}
    if not digests:
        return found
    for table in ("events_statements_history_long", "events_statements_history"):
        if not _columns(cur, table):
            continue
        marks = ", ".join(["%s"] * len(digests))
        cur.execute(f"SELECT CURRENT_SCHEMA, DIGEST, SQL_TEXT FROM {_PS}.{table} WHERE DIGEST IN ({marks}) "
                    f"AND SQL_TEXT IS NOT NULL ORDER BY TIMER_START DESC", tuple(digests))
        for schema, digest, text in cur.fetchall():
            found.setdefault((schema, digest), text)
    return found
