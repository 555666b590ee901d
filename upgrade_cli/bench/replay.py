"""Replay a workload's read-only statements on blue and green at the same time, and record what happened.

Safety, in layers: only statements that :func:`sqlshape.read_only_reason` accepts are sent; every
session is ``READ ONLY`` (``connect.open_connection``), so a stored function that writes still
fails; the database is chosen with COM_INIT_DB, not ``USE``; nothing is ever created on a target.
What a target sees from us: ``SET SESSION``, ``SELECT``, ``EXPLAIN`` and ``SHOW WARNINGS``.

Blue and green run each batch of statements in lock-step (one thread per side and connection), so
both see the same statement at the same moment and the pair shares whatever noise the moment has.

Memory stays flat whatever a query returns: rows are streamed (unbuffered cursor) and folded into
two running checksums as they arrive; the results file is JSON lines, written as each pair finishes.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

import pymysql
import pymysql.cursors

from upgrade_cli.bench.sqlshape import ResultShape, read_only_reason, result_shape
from upgrade_cli.bench.workload import QueryShape, Workload
from upgrade_cli.cli_common import ToolError
from upgrade_cli.connect import ConnectionOptions, open_connection

RESULTS_FORMAT = "aurora-upgrade-bench-results"
_MASK128 = (1 << 128) - 1
TIMEOUT_ERRORS = {1969, 3024, 1317, 1028}  # MariaDB max_statement_time, MySQL max_execution_time, interrupted
LOST_CONNECTION = {2006, 2013, 2014, 2055}
FETCH_BATCH = 1000


@dataclass
class RunOptions:
    repeat: int = 5  # 5 of 5 slower is the least a one-statement shape needs for a significant sign test
    warmup: int = 1
    concurrency: int = 1
    timeout_s: float = 30.0
    budget_s: float = 0.0  # per shape: stop adding samples once this much time is spent (0 = all samples)
    min_samples: int = 2  # replayed per shape even when the budget is spent
    explain_samples: int = 2  # statements per shape that get EXPLAIN FORMAT=JSON on both sides

    def validate(self) -> None:
        if self.repeat < 1:
            raise ToolError("--repeat must be at least 1")
        if self.warmup < 0:
            raise ToolError("--warmup cannot be negative")
        if not 1 <= self.concurrency <= 64:
            raise ToolError("--concurrency must be between 1 and 64")
        if self.timeout_s <= 0:
            raise ToolError("--timeout must be positive (seconds)")
        if self.budget_s < 0:
            raise ToolError("--budget cannot be negative")


# --------------------------------------------------------------------------------------------
# streaming checksum
# --------------------------------------------------------------------------------------------
@dataclass
class RowDigest:
    rows: int = 0
    unordered: str = ""  # multiset hash: the same rows in any order give the same value
    ordered: str = ""  # depends on row order too
    ties: bool = False  # two consecutive rows share their ORDER BY key (order among them is not defined)


def checksum_stream(cur, key_positions: list[int] | None) -> RowDigest:
    """Fold a streamed result into checksums, ``FETCH_BATCH`` rows at a time; nothing is kept."""
    total = 0
    ordered = hashlib.blake2b(digest_size=16)
    rows = 0
    ties = False
    prev_key: Any = None
    blake = hashlib.blake2b
    while True:
        batch = cur.fetchmany(FETCH_BATCH)
        if not batch:
            break
        for row in batch:
            h = blake(repr(row).encode("utf-8", "surrogatepass"), digest_size=16).digest()
            total += int.from_bytes(h, "little")
            ordered.update(h)
            if key_positions:
                key = tuple(row[i] for i in key_positions)
                if key == prev_key:
                    ties = True
                prev_key = key
        rows += len(batch)
        total &= _MASK128
    return RowDigest(rows=rows, unordered=f"{total:032x}", ordered=ordered.hexdigest(), ties=ties)


def key_positions(shape: ResultShape, columns: list[str]) -> list[int] | None:
    """Result-column positions of the ORDER BY keys, or None when any key is not in the result."""
    if not shape.order_keys:
        return None
    lower = [c.lower() for c in columns]
    out = []
    for key in shape.order_keys:
        if key.isdigit() and 1 <= int(key) <= len(columns):
            out.append(int(key) - 1)
        elif key and lower.count(key) == 1:
            out.append(lower.index(key))
        else:
            return None
    return out


# --------------------------------------------------------------------------------------------
# one side
# --------------------------------------------------------------------------------------------
@dataclass
class SideResult:
    latencies_ms: list[float] = field(default_factory=list)
    rows: int | None = None
    checksum: str | None = None  # order-insensitive
    ordered_checksum: str | None = None
    order_checked: bool = False  # the ORDER BY keys are in the result and had no ties: order is defined
    ties: bool = False
    unstable: bool = False  # the checksum changed between repetitions on this side
    warnings: list[list[Any]] = field(default_factory=list)  # [level, code, message]
    error: list[Any] | None = None  # [code, message]
    timeout: bool = False
    plan: list[dict[str, Any]] | None = None


class Side:
    """One target (blue or green): a pool of read-only sessions, one per worker thread."""

    def __init__(self, name: str, opts: ConnectionOptions, run: RunOptions):
        self.name, self.opts, self.run = name, opts, run
        self._local = threading.local()
        self._conns: list[pymysql.connections.Connection] = []
        self._lock = threading.Lock()
        self.timeout_var: str | None = None
        self.version = ""

    def probe(self) -> None:
        """Connect once up front, so a wrong DSN fails before any replay starts."""
        conn = self._conn()
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            self.version = cur.fetchone()[0]

    def _conn(self) -> pymysql.connections.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        conn = open_connection(self.opts, read_only=True, read_timeout=self.run.timeout_s + 30)
        conn.decoders = {}  # compare values as the server sent them: "3.86" stays "3.86", no float rounding
        with conn.cursor() as cur:
            self.timeout_var = self.timeout_var or _timeout_variable(cur)
            if self.timeout_var == "max_statement_time":
                cur.execute(f"SET SESSION max_statement_time = {float(self.run.timeout_s):.3f}")
            elif self.timeout_var == "max_execution_time":
                cur.execute(f"SET SESSION max_execution_time = {int(self.run.timeout_s * 1000)}")
        self._local.conn, self._local.db = conn, None
        with self._lock:
            self._conns.append(conn)
        return conn

    def _drop_conn(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass

    def close(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

    def execute(self, sql: str, database: str | None, shape: ResultShape, explain: bool) -> SideResult:
        res = SideResult()
        try:
            conn = self._conn()
            if database and database != self._local.db:
                conn.select_db(database)  # COM_INIT_DB: no USE statement on the target
                self._local.db = database
            seen: set[str] = set()
            for i in range(self.run.warmup + self.run.repeat):
                timed = i >= self.run.warmup
                with conn.cursor(pymysql.cursors.SSCursor) as cur:
                    t0 = time.perf_counter()
                    cur.execute(sql)
                    cols = [d[0] for d in cur.description or []]
                    positions = key_positions(shape, cols)
                    digest = checksum_stream(cur, positions)
                    elapsed = (time.perf_counter() - t0) * 1000
                    warning_count = cur.warning_count
                if timed:
                    res.latencies_ms.append(round(elapsed, 4))
                seen.add(digest.unordered)
                if res.checksum is None:
                    res.rows, res.checksum, res.ordered_checksum = digest.rows, digest.unordered, digest.ordered
                    res.ties = digest.ties
                    res.order_checked = positions is not None and not digest.ties
                    if warning_count:
                        with conn.cursor() as wcur:
                            wcur.execute("SHOW WARNINGS")
                            res.warnings = [[lvl, int(code), msg] for lvl, code, msg in wcur.fetchall()]
            res.unstable = len(seen) > 1
            if explain:
                res.plan = self._explain(conn, sql)
        except pymysql.err.MySQLError as exc:
            code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
            msg = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
            res.error = [code, msg]
            res.timeout = code in TIMEOUT_ERRORS
            if code in LOST_CONNECTION or code in TIMEOUT_ERRORS or code == 0:
                self._drop_conn()  # the stream may be half read: start the next statement on a clean session
        except ToolError as exc:  # reconnect failed
            res.error = [0, str(exc)]
        return res

    def _explain(self, conn, sql: str) -> list[dict[str, Any]] | None:
        try:
            with conn.cursor() as cur:
                cur.execute("EXPLAIN FORMAT=JSON " + sql)
                row = cur.fetchone()
        except pymysql.err.MySQLError:
            return None
        try:
            return plan_summary(json.loads(row[0]))
        except (TypeError, ValueError, IndexError):
            return None


def _timeout_variable(cur) -> str | None:
    """MariaDB: max_statement_time (seconds, any statement); MySQL 5.7.8+/8.0: max_execution_time (ms, SELECT)."""
    cur.execute("SHOW SESSION VARIABLES WHERE Variable_name IN ('max_statement_time', 'max_execution_time')")
    names = {r[0] for r in cur.fetchall()}
    for name in ("max_statement_time", "max_execution_time"):
        if name in names:
            return name
    return None


def plan_summary(explain: Any) -> list[dict[str, Any]]:
    """Per table access from EXPLAIN FORMAT=JSON (MariaDB and MySQL): table, access type, key, rows."""
    out: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "table_name" in node and "access_type" in node:
                rows = node.get("rows", node.get("rows_examined_per_scan"))
                out.append({"table": node["table_name"], "access_type": node["access_type"],
                            "key": node.get("key"), "rows": rows})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(explain)
    return out


# --------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------
@dataclass
class RunSummary:
    statements: int = 0
    skipped: int = 0
    shapes: int = 0
    wall_s: float = 0.0


def _write(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
    out.flush()


def run_workload(workload: Workload, blue_opts: ConnectionOptions, green_opts: ConnectionOptions, run: RunOptions,
                 out_path: Path, progress: Callable[[int, int], None] | None = None) -> RunSummary:
    """Replay ``workload`` on both sides and stream the records to ``out_path`` (JSON lines)."""
    run.validate()
    sides = [Side("blue", blue_opts, run), Side("green", green_opts, run)]
    summary = RunSummary()
    started = time.perf_counter()
    todo = sum(len(q.samples) for q in workload.queries)
    try:
        out = open(out_path, "w", encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"cannot write results file {out_path}: {exc.strerror}") from None
    pools = [ThreadPoolExecutor(max_workers=run.concurrency, thread_name_prefix=s.name) for s in sides]
    try:
        with ThreadPoolExecutor(max_workers=2) as probe:
            for fut in [probe.submit(s.probe) for s in sides]:
                fut.result()
        _write(out, {"type": "run", "format": RESULTS_FORMAT, "version": 1,
                     "blue": {"address": blue_opts.address, "user": blue_opts.user, "version": sides[0].version,
                              "timeout_variable": sides[0].timeout_var},
                     "green": {"address": green_opts.address, "user": green_opts.user, "version": sides[1].version,
                               "timeout_variable": sides[1].timeout_var},
                     "options": asdict(run), "workload": {"origin": workload.origin, "detail": workload.origin_detail},
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
        done = 0
        for shape in workload.queries:
            summary.shapes += 1
            done += _replay_shape(shape, sides, pools, run, out, summary)
            if progress:
                progress(done, todo)
    finally:
        for pool in pools:
            pool.shutdown(wait=True)
        for side in sides:
            side.close()
        summary.wall_s = time.perf_counter() - started
        _write(out, {"type": "end", "statements": summary.statements, "skipped": summary.skipped,
                     "shapes": summary.shapes, "wall_s": round(summary.wall_s, 3)})
        out.close()
    return summary


def _replay_shape(shape: QueryShape, sides: list[Side], pools: list[ThreadPoolExecutor], run: RunOptions,
                  out: TextIO, summary: RunSummary) -> int:
    base = {"digest": shape.digest, "fingerprint": shape.fingerprint, "database": shape.database}
    if not shape.samples:
        summary.skipped += 1
        _write(out, {"type": "skipped", **base, "sample": None, "sql": None,
                     "reason": shape.note or "no sample statement"})
        return 0
    safe: list[tuple[int, str]] = []
    for i, sql in enumerate(shape.samples):
        reason = read_only_reason(sql)
        if reason:
            summary.skipped += 1
            _write(out, {"type": "skipped", **base, "sample": i, "sql": sql, "reason": reason})
        else:
            safe.append((i, sql))
    spent = 0.0
    replayed = 0
    for start in range(0, len(safe), run.concurrency):
        if run.budget_s and replayed >= run.min_samples and spent >= run.budget_s:
            for i, sql in safe[start:]:
                summary.skipped += 1
                _write(out, {"type": "skipped", **base, "sample": i, "sql": sql, "reason": "budget",
                             "budget": True})
            break
        batch = safe[start:start + run.concurrency]
        t0 = time.perf_counter()
        futures = []
        for i, sql in batch:
            rs = result_shape(sql)
            explain = replayed < run.explain_samples
            # alternate which side is sent first: the side sent second would otherwise always wait for
            # the first one's row decoding (one Python process, one GIL) and look slower on tiny queries
            order = (0, 1) if (replayed + summary.statements) % 2 == 0 else (1, 0)
            pair = {k: pools[k].submit(sides[k].execute, sql, shape.database, rs, explain) for k in order}
            futures.append((i, sql, rs, [pair[0], pair[1]]))
            replayed += 1
        for i, sql, rs, (fb, fg) in futures:
            blue, green = fb.result(), fg.result()
            summary.statements += 1
            _write(out, {"type": "statement", **base, "sample": i, "sql": sql,
                         "order_keys": list(rs.order_keys) if rs.order_keys else None, "has_limit": rs.has_limit,
                         "nondeterministic": rs.nondeterministic, "blue": asdict(blue), "green": asdict(green)})
        spent += time.perf_counter() - t0
    return len(shape.samples)
