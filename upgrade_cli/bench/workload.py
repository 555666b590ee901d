"""The workload file: which query shapes to replay, with real sample statements and source timings.

One entry per query shape (digest) and database. ``samples`` are distinct statement texts of that
shape as they really ran (the replay needs literals, not ``?``); ``source`` keeps what the capture
saw on the source server (count, total/avg/max time, rows examined) so a report can say how much of
the production load a shape represents.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from upgrade_cli.bench.sqlshape import digest_of, fingerprint, read_only_reason
from upgrade_cli.formats import json_text
from upgrade_cli.inputs import build_typed, read_json
from upgrade_cli.outcome import ToolError
from upgrade_cli.handoffs import expect_kind
from upgrade_cli.sqltext import redact_statement

WORKLOAD_FORMAT = "aurora-upgrade-bench-workload"
WORKLOAD_VERSION = 1


@dataclass
class SourceTimings:
    count: int = 0
    total_s: float = 0.0
    max_s: float = 0.0
    rows_examined: int = 0
    rows_sent: int = 0

    @property
    def avg_ms(self) -> float:
        return self.total_s / self.count * 1000 if self.count else 0.0


@dataclass
class QueryShape:
    digest: str
    fingerprint: str
    database: str | None
    samples: list[str] = field(default_factory=list)
    source: SourceTimings = field(default_factory=SourceTimings)
    note: str = ""  # e.g. why there is no sample text


@dataclass
class Workload:
    origin: str  # "performance_schema", "slow-log", "sql-file"
    origin_detail: str
    queries: list[QueryShape] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"format": WORKLOAD_FORMAT, "version": WORKLOAD_VERSION, "origin": self.origin,
                "origin_detail": self.origin_detail,
                "queries": [{**asdict(q), "source": {**asdict(q.source), "avg_ms": round(q.source.avg_ms, 4)}}
                            for q in self.queries]}

    def save(self, path: Path) -> None:
        path.write_text(json_text(self.to_dict()), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Workload":
        data = read_json(path, "workload file")
        expect_kind(path, data, "bench workload file")
        if not isinstance(data, dict) or data.get("format") != WORKLOAD_FORMAT:
            raise ToolError(f"{path} is not a bench workload file (run `aurora-upgrade bench capture` first)")
        try:
            queries = []
            for i, q in enumerate(data.get("queries") or []):
                if isinstance(q, dict) and isinstance(q.get("source"), dict):
                    q = {**q, "source": {k: v for k, v in q["source"].items() if k != "avg_ms"}}  # derived
                queries.append(build_typed(QueryShape, q, f"queries[{i}]"))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ToolError(f"workload {path} is malformed: {exc}") from None
        return cls(origin=str(data.get("origin", "?")), origin_detail=str(data.get("origin_detail", "")),
                   queries=queries)

    def remeasure(self, needed: dict[tuple[str, str | None], int], repeat: int) -> "Workload":
        """Only the shapes in ``needed`` ((digest, database) → lock-step pairs wanted), each with its
        samples cycled until ``repeat`` timed runs per statement give at least that many pairs."""
        queries = []
        for q in self.queries:
            pairs = needed.get((q.digest, q.database))
            safe = [sql for sql in q.samples if not read_only_reason(sql)]  # replay would skip the others
            if pairs and safe:
                statements = -(-pairs // repeat)
                queries.append(QueryShape(q.digest, q.fingerprint, q.database,
                                          [safe[i % len(safe)] for i in range(statements)], q.source, q.note))
        return Workload(self.origin, f"{self.origin_detail}, re-measuring {len(queries)} inconclusive shapes", queries)


class WorkloadBuilder:
    """Group statements into shapes as they stream in (a slow log can be far larger than memory)."""

    def __init__(self, max_samples: int):
        self.max_samples = max_samples
        self._shapes: dict[tuple[str | None, str], QueryShape] = {}
        self._seen: dict[tuple[str | None, str], set[str]] = {}

    def add(self, sql: str, database: str | None, query_time: float = 0.0, rows_examined: int = 0,
            rows_sent: int = 0) -> None:
        sql = redact_statement(sql.strip().rstrip(";").strip()) or ""  # a workload file is shared: no secrets in it
        if not sql:
            return
        fp = fingerprint(sql)
        key = (database, fp)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = QueryShape(digest=digest_of(fp), fingerprint=fp, database=database)
            self._seen[key] = set()
        src = shape.source
        src.count += 1
        src.total_s += query_time
        src.max_s = max(src.max_s, query_time)
        src.rows_examined += rows_examined
        src.rows_sent += rows_sent
        seen = self._seen[key]
        if sql not in seen and (self.max_samples <= 0 or len(shape.samples) < self.max_samples):
            seen.add(sql)
            shape.samples.append(sql)

    def shapes(self, top: int | None = None) -> list[QueryShape]:
        """Heaviest first (total source time, then count)."""
        out = sorted(self._shapes.values(), key=lambda s: (-s.source.total_s, -s.source.count, s.digest))
        return out[:top] if top else out


def statements(workload: Workload) -> Iterable[tuple[QueryShape, int, str]]:
    """Every (shape, sample index, sql) to replay, in workload order."""
    for shape in workload.queries:
        for i, sql in enumerate(shape.samples):
            yield shape, i, sql
