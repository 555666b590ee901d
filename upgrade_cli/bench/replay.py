"""Replay a workload's read-only statements on blue and green at the same time, and record what happened.

Safety, in layers: only statements that :func:`sqlshape.read_only_reason` accepts are sent; every
session is ``READ ONLY`` (``connect.open_connection``), so a stored function that writes still
fails; the database is chosen with COM_INIT_DB, not ``USE``; nothing is ever created on a target.
What a target sees from us: ``SET SESSION``, ``SELECT``, ``EXPLAIN`` and ``SHOW WARNINGS``.

Blue and green each run in their own process (:class:`SideProcess`; a whole shape per message;
with ``--concurrency`` above 1 one thread per connection), so neither side's row reading waits for
the other's (in one process the GIL would serialise them: a 1.2M-row result took twice as long).
They run in lock-step on every repetition: blue's repetition i and green's repetition i of a
statement start together (a token each way over a pipe pair, :class:`Lockstep`), and neither starts
i+1 before both have finished i. A stall of one process (a busy machine) then lands on one pair, not
on all of one side's samples, and the paired comparison cancels it; stepping only per batch let one
stall make a sub-millisecond statement look 5 of 5 slower on identical servers. What it costs is
measured in docs/bench.md ("How bench run spends its time").

Memory stays flat whatever a query returns: rows are streamed (unbuffered cursor) and folded into
two running checksums as they arrive, from each row's bytes as the server sent them (never decoded:
that was 70 % of the client's time on big results); the results file is JSON lines, written as each
pair finishes. Each statement records when its first row arrived as well as its last, so a big
result's server time is not hidden in its transfer time.

PyMySQL is imported here on first use, not at the top: ``bench compare`` reads this module's names.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TextIO

from upgrade_cli.bench.sqlshape import ResultShape, read_only_reason, result_shape
from upgrade_cli.bench.workload import QueryShape, Workload
from upgrade_cli.outcome import ToolError
from upgrade_cli.connect import ConnectionOptions, open_connection

if TYPE_CHECKING:
    import pymysql

RESULTS_FORMAT = "aurora-upgrade-bench-results"
_MASK128 = (1 << 128) - 1
TIMEOUT_ERRORS = {1969, 3024, 1317, 1028}  # MariaDB max_statement_time, MySQL max_execution_time, interrupted
LOST_CONNECTION = {2006, 2013, 2014, 2055}
FETCH_BATCH = 1000
REPORT_EVERY_S = 0.5  # a side sends its finished statements' results at most this often (and per shape)


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
    first_packet_at: float = 0.0  # perf_counter() when the first row (or the end of an empty result) arrived


def checksum_stream(cur, key_positions: list[int] | None) -> RowDigest:
    """Fold an unbuffered result into checksums from each row's bytes as received; nothing is kept.

    A text-protocol row is its values as length-prefixed strings (NULL a lone 0xFB), so equal bytes mean
    equal rows, exactly as comparing the decoded values did, without decoding them (PyMySQL's per-value
    decoding was most of a big result's time). A plain row packet is read straight from the connection's
    buffer (its header peeked first: right sequence number, one packet, not an EOF or error); anything else
    goes through PyMySQL's own ``_read_packet``, as its ``_read_rowdata_packet_unbuffered`` would."""
    import pymysql

    result = cur._result
    conn = result.connection
    rfile = conn._rfile
    total = 0
    ordered = hashlib.blake2b(digest_size=16)
    rows = 0
    ties = False
    prev_key: Any = None
    blake = hashlib.blake2b
    from_bytes = int.from_bytes
    first_at = 0.0
    while result.unbuffered_active:
        try:
            head = rfile.peek(5)
            if (len(head) >= 5 and head[3] == conn._next_seq_id and head[4] < 0xFE
                    and (length := head[0] | head[1] << 8 | head[2] << 16) < 0xFFFFFF):
                packet = rfile.read(4 + length)
                if len(packet) < 4 + length:
                    raise OSError("short read")
                conn._next_seq_id = (conn._next_seq_id + 1) % 256
                data = packet[4:]
            else:
                data = None
        except OSError as exc:
            conn._force_close()
            raise pymysql.err.OperationalError(2013, f"Lost connection to MySQL server during query ({exc})") from None
        if data is None:  # EOF, error, a value of 16 MB or more, or a partial buffer: PyMySQL's reader
            first_at = first_at or time.perf_counter()
            packet = conn._read_packet()
            if result._check_packet_is_eof(packet):
                result.unbuffered_active, result.connection, result.rows = False, None, None
                cur.warning_count = result.warning_count  # as SSCursor.fetchmany does at the end
                break
            data = packet.get_all_data()
        first_at = first_at or time.perf_counter()
        h = blake(data, digest_size=16).digest()
        total += from_bytes(h, "little")
        ordered.update(h)
        rows += 1
        if key_positions:
            key = _row_values(data, key_positions)
            if key == prev_key:
                ties = True
            prev_key = key
        if not rows % FETCH_BATCH:
            total &= _MASK128
    total &= _MASK128
    return RowDigest(rows=rows, unordered=f"{total:032x}", ordered=ordered.hexdigest(), ties=ties,
                     first_packet_at=first_at or time.perf_counter())


def _row_values(data: bytes, positions: list[int]) -> tuple[bytes | None, ...]:
    """The raw values at ``positions`` of a text-protocol row (length-encoded strings; 0xFB is NULL)."""
    values: list[bytes | None] = []
    pos = 0
    for _ in range(max(positions) + 1):
        first = data[pos]
        if first == 0xFB:
            values.append(None)
            pos += 1
            continue
        if first < 0xFB:
            length, pos = first, pos + 1
        else:
            size = {0xFC: 2, 0xFD: 3, 0xFE: 8}[first]
            length, pos = int.from_bytes(data[pos + 1:pos + 1 + size], "little"), pos + 1 + size
        values.append(data[pos:pos + length])
        pos += length
    return tuple(values[i] for i in positions)


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
    latencies_ms: list[float] = field(default_factory=list)  # statement sent → last row read
    first_row_ms: list[float] = field(default_factory=list)  # statement sent → first row read (server time)
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
    """One target (blue or green): a pool of read-only sessions, one per worker thread (in-process;
    :class:`SideProcess` runs one in a process of its own)."""

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
            row = cur.fetchone()
            self.version = row[0] if row else ""

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

    def execute(self, sql: str, database: str | None, shape: ResultShape, explain: bool,
                step: Callable[[], object] = lambda: None) -> SideResult:
        """Run ``sql`` warmup + repeat times; ``step`` is called before each of them, and exactly that
        many times even when the statement fails early, so the other side's lock-step never waits in vain."""
        import pymysql
        res = SideResult()
        steps = self.run.warmup + self.run.repeat
        taken = 0
        try:
            conn = self._conn()
            if database and database != self._local.db:
                conn.select_db(database)  # COM_INIT_DB: no USE statement on the target
                self._local.db = database
            seen: set[str] = set()
            for i in range(steps):
                step()
                taken += 1
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
                    res.first_row_ms.append(round((digest.first_packet_at - t0) * 1000, 4))
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
        for _ in range(steps - taken):
            step()
        return res

    def _explain(self, conn, sql: str) -> list[dict[str, Any]] | None:
        import pymysql
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


class Lockstep:
    """Blue's repetition i and green's repetition i start together: per worker slot one pipe each way,
    and a step is "write my token, read the other side's". Two syscalls and one wake-up a side, where
    a ``multiprocessing.Barrier`` took a dozen semaphore operations. A token carries a number, so the
    two sides also agree on a shared value (the time a shape has spent, for ``--budget``) without
    asking the parent. The parent keeps the write ends too: :meth:`abort` releases a side whose peer
    has gone (a negative token, read as ``BrokenBarrierError``)."""

    _TOKEN = struct.Struct("<d")

    def __init__(self, slots: int):
        self._pipes = [(os.pipe(), os.pipe()) for _ in range(slots)]  # (blue → green, green → blue)

    def stepper(self, side: str, slot: int) -> Callable[..., float]:
        """``step(mine) -> theirs`` for ``side`` ("blue" or "green") in worker slot ``slot``."""
        to_green, to_blue = self._pipes[slot]
        write_fd, read_fd = (to_green[1], to_blue[0]) if side == "blue" else (to_blue[1], to_green[0])
        pack, unpack, size = self._TOKEN.pack, self._TOKEN.unpack, self._TOKEN.size

        def step(mine: float = 0.0) -> float:
            os.write(write_fd, pack(mine))
            data = os.read(read_fd, size)  # tokens are written whole (< PIPE_BUF), so read whole
            theirs = unpack(data)[0] if len(data) == size else -1.0
            if theirs < 0:
                raise threading.BrokenBarrierError
            return theirs

        return step

    def abort(self) -> None:
        for pair in self._pipes:
            for _, write_fd in pair:
                try:
                    os.write(write_fd, self._TOKEN.pack(-1.0))
                except OSError:
                    pass

    def close(self) -> None:
        for pair in self._pipes:
            for fds in pair:
                for fd in fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass


class SideProcess:
    """A :class:`Side` in a process of its own, driven over a pipe: blue's and green's row reading run
    on both cores at once instead of taking turns on one interpreter lock. It is handed a whole shape
    at a time and streams back each statement's result as it finishes, so the parent is never between
    two repetitions: the sides only wait for each other (:class:`Lockstep`)."""

    def __init__(self, name: str, opts: ConnectionOptions, run: RunOptions, lockstep: Lockstep):
        self.name = name
        self._pipe, child = _FORK.Pipe()
        self._proc = _FORK.Process(target=_side_main, args=(child, name, opts, run, lockstep), name=f"bench-{name}",
                                   daemon=True)
        self._proc.start()
        child.close()
        self.version, self.timeout_var = "", None

    def send(self, *message: Any) -> None:
        """``("probe",)`` or ``("shape", [(sql, database, shape, explain), ...])``; :meth:`receive` answers:
        ``("probe", (version, timeout variable))``, or ``("results", [(index, SideResult), ...])`` as
        statements finish and then ``("done", statements replayed)``."""
        try:
            self._pipe.send(message)
        except OSError:
            raise ToolError(f"the {self.name} replay process stopped unexpectedly") from None

    def receive(self) -> tuple[str, Any]:
        """The next message; a ToolError raised in the side is raised here."""
        try:
            kind, value = self._pipe.recv()
        except (EOFError, OSError):
            raise ToolError(f"the {self.name} replay process stopped unexpectedly") from None
        if kind == "error":
            raise ToolError(value)
        return kind, value

    @staticmethod
    def messages(sides: list[SideProcess], lockstep: Lockstep, until: str) -> Iterator[tuple[int, str, Any]]:
        """(side number, kind, value) from all sides as they arrive, until each has sent ``until``.
        Waits on all pipes at once: a side waiting in the lockstep for one that has died would
        otherwise never answer, so the lockstep is aborted as soon as either ends."""
        pending: dict[Any, int] = {side._pipe: n for n, side in enumerate(sides)}
        try:
            while pending:
                for pipe in multiprocessing.connection.wait(list(pending)):
                    n = pending[pipe]
                    kind, value = sides[n].receive()
                    if kind == until:
                        del pending[pipe]
                    yield n, kind, value
        except ToolError:
            lockstep.abort()
            raise

    def close(self) -> None:
        try:
            self._pipe.send(("close",))
        except (OSError, ValueError):
            pass
        self._proc.join(timeout=10)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout=5)
        self._pipe.close()


_FORK = multiprocessing.get_context("fork")  # nothing to re-import; the child only runs _side_main


def _side_main(pipe, name: str, opts: ConnectionOptions, run: RunOptions, lockstep: Lockstep) -> None:
    """The side process: one Side; one slot runs in this thread, more in a pool (a thread and a session
    each). Ctrl-C is the parent's to handle. A broken lockstep means the other side has gone: stop quietly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    side = Side(name, opts, run)
    steps = [lockstep.stepper(name, slot) for slot in range(run.concurrency)]
    pool = ThreadPoolExecutor(max_workers=run.concurrency, thread_name_prefix=name) if run.concurrency > 1 else None
    try:
        while True:
            try:
                message = pipe.recv()
            except EOFError:
                return
            try:
                if message[0] == "probe":
                    side.probe()
                    pipe.send(("probe", (side.version, side.timeout_var)))
                elif message[0] == "shape":
                    replayed = _replay_items(side, message[1], run, steps, pool,
                                             lambda results: pipe.send(("results", results)))
                    pipe.send(("done", replayed))
                else:
                    return
            except ToolError as exc:
                pipe.send(("error", str(exc)))
            except threading.BrokenBarrierError:
                return
    finally:
        if pool:
            pool.shutdown(wait=True)
        side.close()


def _replay_items(side: Side, items: list[tuple[str, str | None, ResultShape, bool]], run: RunOptions,
                  steps: list[Callable[..., float]], pool: ThreadPoolExecutor | None,
                  report: Callable[[list[tuple[int, SideResult]]], None]) -> int:
    """One shape's statements, ``run.concurrency`` at a time; returns how many ran. Results are reported
    in bundles (at most every ``REPORT_EVERY_S`` and at the end), so the parent wakes a few times a
    second, not once per sub-millisecond statement. With ``--budget``, both sides stop after the same
    statement: before each batch they exchange the time they have spent and both compare the larger one."""
    spent = 0.0
    replayed = 0
    pending: list[tuple[int, SideResult]] = []
    reported_at = time.perf_counter()
    for start in range(0, len(items), run.concurrency):
        if run.budget_s and replayed >= run.min_samples and max(spent, steps[0](spent)) >= run.budget_s:
            break
        batch = items[start:start + run.concurrency]
        t0 = time.perf_counter()
        if pool is None:
            sql, database, shape, explain = batch[0]
            results = [side.execute(sql, database, shape, explain, step=steps[0])]
        else:
            results = list(pool.map(lambda slot, item: side.execute(item[0], item[1], item[2], item[3],
                                                                    step=steps[slot]), range(len(batch)), batch))
        now = time.perf_counter()
        spent += now - t0
        pending += enumerate(results, start)
        if now - reported_at >= REPORT_EVERY_S:
            report(pending)
            pending, reported_at = [], now
        replayed += len(batch)
    if pending:
        report(pending)
    return replayed


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


def run_workload(workload: Workload, blue_opts: ConnectionOptions, green_opts: ConnectionOptions, run: RunOptions,
                 out_path: Path, progress: Callable[[int, int], None] | None = None) -> RunSummary:
    """Replay ``workload`` on both sides and stream the records to ``out_path`` (JSON lines, flushed
    after each shape)."""
    run.validate()
    summary = RunSummary()
    started = time.perf_counter()
    todo = sum(len(q.samples) for q in workload.queries)
    try:
        out = open(out_path, "w", encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"cannot write results file {out_path}: {exc.strerror}") from None
    sides: list[SideProcess] = []
    lockstep = Lockstep(run.concurrency)
    try:
        sides += [SideProcess("blue", blue_opts, run, lockstep), SideProcess("green", green_opts, run, lockstep)]
        for side in sides:
            side.send("probe")  # both connect at once: a wrong DSN fails before any replay starts
        for n, _, (version, timeout_var) in SideProcess.messages(sides, lockstep, until="probe"):
            sides[n].version, sides[n].timeout_var = version, timeout_var
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
            done += _replay_shape(shape, sides, lockstep, run, out, summary)
            out.flush()
            if progress:
                progress(done, todo)
    finally:
        lockstep.abort()  # Ctrl-C or an error: release a side waiting for the other
        for side in sides:
            side.close()
        lockstep.close()
        summary.wall_s = time.perf_counter() - started
        _write(out, {"type": "end", "statements": summary.statements, "skipped": summary.skipped,
                     "shapes": summary.shapes, "wall_s": round(summary.wall_s, 3)})
        out.close()
    return summary


def _replay_shape(shape: QueryShape, sides: list[SideProcess], lockstep: Lockstep, run: RunOptions, out: TextIO,
                  summary: RunSummary) -> int:
    """Hand the shape's read-only statements to both sides at once and write each pair as it completes
    (in order); what the budget left out is written as skipped."""
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
    if not safe:
        return len(shape.samples)
    shapes = [result_shape(sql) for _, sql in safe]
    work = [(sql, shape.database, rs, n < run.explain_samples) for n, ((_, sql), rs) in enumerate(zip(safe, shapes))]
    for side in sides:
        side.send("shape", work)
    halves: dict[int, dict[int, SideResult]] = {}  # statement → {side number: its result}
    written = 0
    replayed = len(safe)
    for side_n, kind, value in SideProcess.messages(sides, lockstep, until="done"):
        if kind == "done":
            replayed = value  # both sides stop after the same statement (_replay_items)
            continue
        for n, res in value:
            halves.setdefault(n, {})[side_n] = res
        while len(halves.get(written, ())) == 2:
            pair = halves.pop(written)
            blue, green = pair[0], pair[1]
            (i, sql), rs = safe[written], shapes[written]
            summary.statements += 1
            _write(out, {"type": "statement", **base, "sample": i, "sql": sql,
                         "order_keys": list(rs.order_keys) if rs.order_keys else None, "has_limit": rs.has_limit,
                         "nondeterministic": rs.nondeterministic, "blue": asdict(blue), "green": asdict(green)})
            written += 1
    for i, sql in safe[replayed:]:
        summary.skipped += 1
        _write(out, {"type": "skipped", **base, "sample": i, "sql": sql, "reason": "budget", "budget": True})
    return len(shape.samples)
