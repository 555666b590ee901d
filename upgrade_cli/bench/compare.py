"""Turn a results file into verdicts: per shape latency with a confidence interval, and every difference.

A slowdown is a *regression* only when all three hold: the bootstrap interval of the green/blue
ratio of medians lies wholly above ``threshold`` (default 1.10: at least 10 % slower, with
confidence); green is slower in significantly more of the lock-step pairs (blue and green ran the
same statement at the same moment) than a coin would give (exact one-sided sign test, p below
1 - confidence: 5 of 5 pairs is enough, 7 of 9 is not); and the medians differ by more than
``floor_ms`` (default 1 ms). The floor keeps sub-millisecond jitter
out (pt-upgrade's "0.08 ms vs 4 ms, 50× increase" false alarms); the interval keeps single slow
samples out. The bootstrap resamples statements of a shape and the repetitions of each, so a
shape replayed with many literal variants and one repetition still gets an honest interval.

Result differences are only claimed where the answer is defined: no RAND()/NOW()…, no LIMIT
without ORDER BY, no ORDER BY … LIMIT whose ordering keys tie or cannot be seen in the result, and
the same checksum on every repetition of each side. Those cases are listed as "unstable" instead.
"""

from __future__ import annotations

import io
import json
import math
import random
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from upgrade_cli.bench.replay import RESULTS_FORMAT
from upgrade_cli.cli_common import open_input
from upgrade_cli.outcome import ExitStatus, ToolError
from upgrade_cli.sqltext import redact_statement

FAILING_KINDS = ("regression", "result_differs", "order_differs", "error_one_side", "error_differs",
                 "warnings_differ")
INFO_KINDS = ("plan_change", "faster", "unstable", "error_both")
CHART_POINTS = 300  # latencies kept per side and shape for the HTML chart


@dataclass
class CompareOptions:
    threshold: float = 1.10
    floor_ms: float = 1.0
    confidence: float = 0.95
    bootstrap: int = 1000
    min_observations: int = 3

    def validate(self) -> None:
        for flag, value in (("--threshold", self.threshold), ("--floor-ms", self.floor_ms),
                            ("--confidence", self.confidence)):
            if not math.isfinite(value):  # NaN compares false with everything: every regression would pass
                raise ToolError(f"{flag} must be a finite number, not {value}")
        if self.threshold < 1.0:
            raise ToolError("--threshold must be at least 1.0 (a green/blue latency ratio)")
        if self.floor_ms < 0:
            raise ToolError("--floor-ms cannot be negative")
        if not 0.5 <= self.confidence < 1.0:
            raise ToolError("--confidence must be between 0.5 and 1 (e.g. 0.95)")


def read_results(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) of a results file, streamed. Only a torn LAST line (an interrupted
    run) is tolerated; a damaged record anywhere else is an error naming its line, because
    skipping it could drop the very statement that regressed."""
    with io.TextIOWrapper(open_input(path, "results file"), encoding="utf-8", errors="replace") as stream:
        damaged: int | None = None
        try:
            for n, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                if damaged is not None:
                    raise ToolError(f"{path} line {damaged}: damaged record (not a JSON object); "
                                    "only a torn last line is skipped")
                try:
                    rec = json.loads(line)
                except (json.JSONDecodeError, RecursionError):
                    rec = None
                if n == 1 and (not isinstance(rec, dict) or rec.get("format") != RESULTS_FORMAT):
                    raise ToolError(f"{path} is not a bench results file (JSON lines from `bench run`)")
                if not isinstance(rec, dict):
                    damaged = n
                    continue
                yield n, rec
        except OSError as exc:
            raise ToolError(f"cannot read results file {path}: {exc.strerror or exc}") from None


def _check_side(side: Any, name: str) -> None:
    """A statement record's blue/green half, type-checked before any statistic is computed from it."""
    if not isinstance(side, dict):
        raise ValueError(f"{name} is not an object")
    lat = side.get("latencies_ms")
    if not isinstance(lat, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0 for v in lat):
        raise ValueError(f"{name}.latencies_ms is not a list of non-negative numbers")
    err = side.get("error")
    if err is not None and not (isinstance(err, list) and len(err) >= 2):
        raise ValueError(f"{name}.error is not [code, message]")


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def sign_test(blue: list[list[float]], green: list[list[float]]) -> tuple[float, float]:
    """One-sided exact sign-test p-values over the lock-step pairs: (green slower, green faster)."""
    slower = faster = 0
    for bs, gs in zip(blue, green):
        for b, g in zip(bs, gs):
            slower += g > b
            faster += g < b
    n = slower + faster

    def tail(k: int) -> float:
        return sum(math.comb(n, i) for i in range(k, n + 1)) / 2 ** n if n else 1.0

    return tail(slower), tail(faster)


def ratio_interval(blue: list[list[float]], green: list[list[float]], opts: CompareOptions,
                   rng: random.Random) -> tuple[float, float, float]:
    """Ratio of pooled medians (green/blue) and its bootstrap percentile interval.

    ``blue[i]`` / ``green[i]`` are the repetitions of statement i on each side (paired by statement)."""
    point = statistics.median([x for s in green for x in s]) / max(statistics.median([x for s in blue for x in s]), 1e-9)
    n = len(blue)
    total = sum(len(s) for s in blue) + sum(len(s) for s in green)
    reps = min(opts.bootstrap, max(200, 400_000 // max(total, 1)))  # bound the cost on huge shapes
    ratios = []
    everyone = range(n)
    for _ in range(reps):
        idx = rng.choices(everyone, k=n) if n > 1 else [0]
        b: list[float] = []
        g: list[float] = []
        for i in idx:
            sb, sg = blue[i], green[i]
            b.extend(sb if len(sb) == 1 else rng.choices(sb, k=len(sb)))
            g.extend(sg if len(sg) == 1 else rng.choices(sg, k=len(sg)))
        ratios.append(statistics.median(g) / max(statistics.median(b), 1e-9))
    alpha = (1 - opts.confidence) / 2
    return point, percentile(ratios, alpha * 100), percentile(ratios, (1 - alpha) * 100)


@dataclass
class ShapeReport:
    digest: str
    fingerprint: str
    database: str | None
    statements: int = 0
    skipped: int = 0
    errors: int = 0
    blue_ms: list[list[float]] = field(default_factory=list)
    green_ms: list[list[float]] = field(default_factory=list)
    verdict: str = "no data"
    ratio: float | None = None
    ci: tuple[float, float] | None = None
    example_sql: str | None = None

    def stats(self, side: str) -> dict[str, float] | None:
        flat = [x for s in (self.blue_ms if side == "blue" else self.green_ms) for x in s]
        if not flat:
            return None
        return {"n": len(flat), "p50_ms": round(percentile(flat, 50), 4), "p95_ms": round(percentile(flat, 95), 4)}

    def to_dict(self) -> dict[str, Any]:
        def sample(side_ms: list[list[float]]) -> list[float]:
            flat = [x for s in side_ms for x in s]
            step = max(1, len(flat) // CHART_POINTS)
            return flat[::step][:CHART_POINTS]

        return {"digest": self.digest, "fingerprint": self.fingerprint, "database": self.database,
                "statements": self.statements, "skipped": self.skipped, "errors": self.errors,
                "blue": self.stats("blue"), "green": self.stats("green"), "verdict": self.verdict,
                "ratio": None if self.ratio is None else round(self.ratio, 4),
                "ci": None if self.ci is None else [round(self.ci[0], 4), round(self.ci[1], 4)],
                "example_sql": self.example_sql,
                "chart": {"blue_ms": sample(self.blue_ms), "green_ms": sample(self.green_ms)}}


def compare(path: Path, opts: CompareOptions | None = None) -> dict[str, Any]:
    """The whole comparison as plain data (what every output format renders)."""
    opts = opts or CompareOptions()
    opts.validate()
    header: dict[str, Any] = {}
    end: dict[str, Any] | None = None
    shapes: dict[tuple[str, str | None], ShapeReport] = {}
    findings: list[dict[str, Any]] = []
    skipped_reasons: Counter[str] = Counter()

    def shape_of(rec: dict[str, Any]) -> ShapeReport:
        key = (rec["digest"], rec.get("database"))
        if key not in shapes:
            shapes[key] = ShapeReport(digest=rec["digest"], fingerprint=rec.get("fingerprint", ""),
                                      database=rec.get("database"))
        return shapes[key]

    for n, rec in read_results(path):
        kind = rec.get("type")
        try:
            if kind == "run":
                header = rec
            elif kind == "end":
                end = rec
            elif kind == "skipped":
                if not isinstance(rec.get("digest"), str):
                    raise ValueError("digest is not text")
                shape_of(rec).skipped += 1
                skipped_reasons[str(rec.get("reason", "?"))] += 1
            elif kind == "statement":
                if not isinstance(rec.get("digest"), str) or not isinstance(rec.get("sql"), str):
                    raise ValueError("digest or sql is not text")
                rec["sql"] = redact_statement(rec["sql"])  # a results file may predate capture's masking
                _check_side(rec.get("blue"), "blue")
                _check_side(rec.get("green"), "green")
                found = statement_findings(rec)
                shape = shape_of(rec)
                shape.statements += 1
                shape.example_sql = shape.example_sql or rec["sql"]
                findings.extend(found)
                blue, green = rec["blue"], rec["green"]
                if blue.get("error") or green.get("error"):
                    shape.errors += 1
                elif blue["latencies_ms"] and green["latencies_ms"]:
                    shape.blue_ms.append(blue["latencies_ms"])
                    shape.green_ms.append(green["latencies_ms"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ToolError(f"{path} line {n}: damaged {kind} record ({detail})") from None
    if not header:
        raise ToolError(f"{path} has no run header: not a complete bench results file")

    rng = random.Random(20240101)
    for shape in shapes.values():
        judge_shape(shape, opts, rng)
        if shape.verdict in ("regression", "faster"):
            findings.append({"kind": shape.verdict, "digest": shape.digest, "database": shape.database,
                             "sql": shape.example_sql,
                             "detail": f"green/blue p50 ratio {shape.ratio:.2f} "
                                       f"({opts.confidence:.0%} CI {shape.ci[0]:.2f}–{shape.ci[1]:.2f}), "
                                       f"p50 {shape.stats('blue')['p50_ms']:.3f} → {shape.stats('green')['p50_ms']:.3f} ms"})
    counts = Counter(f["kind"] for f in findings)
    failing = sum(counts[k] for k in FAILING_KINDS)
    ordered_shapes = sorted(shapes.values(), key=lambda s: (_verdict_rank(s.verdict), -(s.ratio or 0)))
    return {
        "bench_format": 1,  # handoffs.read_bench rejects another number
        "run": {k: header.get(k) for k in ("blue", "green", "options", "workload", "started")},
        "complete": end is not None,
        "wall_s": end.get("wall_s") if end else None,
        "options": {"threshold": opts.threshold, "floor_ms": opts.floor_ms, "confidence": opts.confidence},
        "summary": {"shapes": len(shapes), "statements": sum(s.statements for s in shapes.values()),
                    "skipped": sum(skipped_reasons.values()), "skipped_reasons": dict(skipped_reasons),
                    "regressions": counts["regression"], "faster": counts["faster"],
                    "result_differences": counts["result_differs"] + counts["order_differs"],
                    "errors_one_side": counts["error_one_side"] + counts["error_differs"],
                    "warning_differences": counts["warnings_differ"], "plan_changes": counts["plan_change"],
                    "unstable": counts["unstable"], "errors_both": counts["error_both"],
                    "failing": failing},
        "exit_code": int(ExitStatus.of_findings(failing)),  # what `bench compare` exits with
        "shapes": [s.to_dict() for s in ordered_shapes],
        "findings": sorted(findings, key=lambda f: (_kind_rank(f["kind"]), f["digest"], f.get("sample") or 0)),
    }


def _verdict_rank(verdict: str) -> int:
    return ["regression", "errors", "faster", "same", "insufficient data", "no data"].index(verdict) \
        if verdict in ("regression", "errors", "faster", "same", "insufficient data", "no data") else 9


def _kind_rank(kind: str) -> int:
    order = FAILING_KINDS + INFO_KINDS
    return order.index(kind) if kind in order else len(order)


def judge_shape(shape: ShapeReport, opts: CompareOptions, rng: random.Random) -> None:
    if not shape.blue_ms:
        shape.verdict = "errors" if shape.errors else "no data"
        return
    n_blue = sum(len(s) for s in shape.blue_ms)
    n_green = sum(len(s) for s in shape.green_ms)
    ratio, lo, hi = ratio_interval(shape.blue_ms, shape.green_ms, opts, rng)
    shape.ratio, shape.ci = ratio, (lo, hi)
    if min(n_blue, n_green) < opts.min_observations:
        shape.verdict = "insufficient data"
        return
    p50_blue = shape.stats("blue")["p50_ms"]
    p50_green = shape.stats("green")["p50_ms"]
    p_slower, p_faster = sign_test(shape.blue_ms, shape.green_ms)
    alpha = 1 - opts.confidence
    if lo > opts.threshold and p_slower < alpha and p50_green - p50_blue > opts.floor_ms:
        shape.verdict = "regression"
    elif hi < 1 / opts.threshold and p_faster < alpha and p50_blue - p50_green > opts.floor_ms:
        shape.verdict = "faster"
    else:
        shape.verdict = "same"


def statement_findings(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every difference between the two sides for one replayed statement."""
    blue, green = rec["blue"], rec["green"]
    base = {"digest": rec["digest"], "database": rec.get("database"), "sample": rec.get("sample"), "sql": rec["sql"]}
    out: list[dict[str, Any]] = []

    def add(kind: str, detail: str, **extra: Any) -> None:
        out.append({"kind": kind, **base, "detail": detail, **extra})

    be, ge = blue.get("error"), green.get("error")
    if be or ge:
        if be and ge:
            if be[0] == ge[0]:
                add("error_both", f"error {be[0]} on both: {ge[1]}")
            else:
                add("error_differs", f"blue error {be[0]} ({be[1]}) vs green error {ge[0]} ({ge[1]})")
        else:
            side, err, timeout = ("green", ge, green.get("timeout")) if ge else ("blue", be, blue.get("timeout"))
            what = "timed out" if timeout else f"error {err[0]}"
            add("error_one_side", f"{side} only: {what}: {err[1]}", side=side, code=err[0])
        return out

    why_unstable = rec.get("nondeterministic")
    if not why_unstable and (blue.get("unstable") or green.get("unstable")):
        why_unstable = "result changed between repetitions on one side"
    if not why_unstable and rec.get("has_limit") and rec.get("order_keys") and not (
            blue.get("order_checked") and green.get("order_checked")):
        why_unstable = "ORDER BY … LIMIT whose keys tie or are not in the result: which rows come back is not defined"
    if blue["checksum"] != green["checksum"] or blue["rows"] != green["rows"]:
        detail = f"rows {blue['rows']} vs {green['rows']}" if blue["rows"] != green["rows"] \
            else f"same row count ({blue['rows']}), different values"
        if why_unstable:
            add("unstable", f"results differ, but the query's answer is not defined: {why_unstable} ({detail})")
        else:
            add("result_differs", detail, rows_blue=blue["rows"], rows_green=green["rows"])
    elif (rec.get("order_keys") and blue.get("order_checked") and green.get("order_checked")
          and blue["ordered_checksum"] != green["ordered_checksum"] and not why_unstable):
        add("order_differs", "same rows, different order under a deterministic ORDER BY")

    bw = {w[1] for w in blue.get("warnings") or []}
    gw = {w[1] for w in green.get("warnings") or []}
    if bw != gw:
        msgs = {w[1]: w[2] for w in (blue.get("warnings") or []) + (green.get("warnings") or [])}
        parts = [f"green only {c} ({msgs[c]})" for c in sorted(gw - bw)] + \
                [f"blue only {c} ({msgs[c]})" for c in sorted(bw - gw)]
        add("warnings_differ", "; ".join(parts))

    change = plan_change(blue.get("plan"), green.get("plan"))
    if change:
        add("plan_change", change, plan_blue=blue.get("plan"), plan_green=green.get("plan"))
    return out


def plan_change(blue: list[dict[str, Any]] | None, green: list[dict[str, Any]] | None) -> str | None:
    """A one-line description of how the access paths differ (access type, index, rows ×10), or None."""
    if not blue or not green:
        return None
    by_table_b = defaultdict(list)
    for t in blue:
        by_table_b[t["table"]].append(t)
    by_table_g = defaultdict(list)
    for t in green:
        by_table_g[t["table"]].append(t)
    parts = []
    for table in sorted(set(by_table_b) | set(by_table_g)):
        b = by_table_b.get(table, [])
        g = by_table_g.get(table, [])
        for tb, tg in zip(b, g):
            if (tb["access_type"], tb["key"]) != (tg["access_type"], tg["key"]):
                parts.append(f"{table}: {tb['access_type']}/{tb['key'] or '-'} → {tg['access_type']}/{tg['key'] or '-'}")
            else:
                rb, rg = _num(tb.get("rows")), _num(tg.get("rows"))
                if rb is not None and rg is not None and max(rb, rg) >= 100 and max(rb, rg) >= 10 * max(min(rb, rg), 1):
                    parts.append(f"{table}: rows examined estimate {rb:g} → {rg:g}")
        if len(b) != len(g):
            parts.append(f"{table}: accessed {len(b)}× → {len(g)}×")
    return "; ".join(parts) or None


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
