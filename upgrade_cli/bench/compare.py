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

**Not measured is not the same.** A shape's latency is ``same`` only when its samples can show it:

- at least ``n_min`` lock-step pairs, the fewest with which the sign test can reach ``1 - confidence``
  at all (0.5**n below alpha: 5 pairs at 95 %). With 4 pairs even "green slower every time" has
  p = 0.0625, so 4 pairs cannot tell a 3.7× slowdown from noise, and cannot vouch for its absence;
- and the interval rules out a difference that matters in either direction: its upper end is at most
  ``threshold`` or within ``floor_ms`` of blue's p50, and its lower end at least 1/``threshold`` or
  within ``floor_ms`` below it.

Otherwise (and when it is neither a regression nor ``improved``, the mirror of a regression) the
latency is ``inconclusive``, with ``samples_needed``: the lock-step pairs (timed executions a side) a
new run of that shape should take to settle it, assuming the effect and the spread stay as measured.
It is the largest of: ``n_min``; one more than the pairs measured; the pairs at which the interval,
whose half-width shrinks as 1/sqrt(pairs), clears the nearest bound (n · (half-width / distance)²
in log ratio); and, when the point ratio lies beyond a bound, the pairs at which a sign test with the
observed share of slower (or faster) pairs passes (exact up to 200 pairs, the normal approximation
above). It is capped at ``MAX_SAMPLES``. ``bench run --from-compare`` replays just those shapes with
that many pairs, and ``compare`` takes that results file after the first one.

**A shape's verdict names its worst difference**, worst first: ``results differ`` (rows, values or
a deterministic order), ``errors differ`` (one side only, or different codes), ``regression``,
``warnings differ``, ``plan differs``; with none of those it is the latency verdict:
``inconclusive``, ``not measured`` (no statement ran on both sides), ``improved`` or ``same``.
``differences`` lists every kind found (``results``, ``errors``, ``latency``, ``warnings``, ``plan``),
worst first. Wrong answers rank above slow ones, as in the dossier (a NO-GO against a risk). A
comparison in which no statement was measured on both sides exits 1: it shows nothing.
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
from typing import Any, Iterator, Sequence

from upgrade_cli.bench.replay import RESULTS_FORMAT
from upgrade_cli.inputs import open_input, read_json
from upgrade_cli.handoffs import expect_kind
from upgrade_cli.outcome import ExitStatus, ToolError
from upgrade_cli.sqltext import redact_statement
from upgrade_cli.stats import percentile

FAILING_KINDS = ("regression", "result_differs", "order_differs", "error_one_side", "error_differs",
                 "warnings_differ")
INFO_KINDS = ("plan_change", "faster", "unstable", "error_both")
CHART_POINTS = 300  # latencies kept per side and shape for the HTML chart
MAX_SAMPLES = 100_000  # samples_needed is capped here: beyond it, more samples will not settle the shape

# what each finding kind says about a shape, and the verdict its worst difference gives (worst first)
DIFFERENCE_OF = {"result_differs": "results", "order_differs": "results", "error_one_side": "errors",
                 "error_differs": "errors", "regression": "latency", "warnings_differ": "warnings",
                 "plan_change": "plan"}
DIFFERENCES = ("results", "errors", "latency", "warnings", "plan")
VERDICT_OF = {"results": "results differ", "errors": "errors differ", "latency": "regression",
              "warnings": "warnings differ", "plan": "plan differs"}
SAME, IMPROVED, INCONCLUSIVE, NOT_MEASURED = "same", "improved", "inconclusive", "not measured"
VERDICTS = (*VERDICT_OF.values(), INCONCLUSIVE, NOT_MEASURED, IMPROVED, SAME)


@dataclass
class CompareOptions:
    threshold: float = 1.10
    floor_ms: float = 1.0
    confidence: float = 0.95
    bootstrap: int = 1000

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


def pair_counts(blue: list[list[float]], green: list[list[float]]) -> tuple[int, int]:
    """Lock-step pairs in which green was slower, and in which it was faster (ties count for neither)."""
    slower = faster = 0
    for bs, gs in zip(blue, green):
        for b, g in zip(bs, gs):
            slower += g > b
            faster += g < b
    return slower, faster


def sign_tail(k: int, n: int) -> float:
    """P(at least k of n fair coin flips): the exact one-sided sign-test p-value."""
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2 ** n if n else 1.0


def sign_test(blue: list[list[float]], green: list[list[float]]) -> tuple[float, float]:
    """One-sided exact sign-test p-values over the lock-step pairs: (green slower, green faster)."""
    slower, faster = pair_counts(blue, green)
    return sign_tail(slower, slower + faster), sign_tail(faster, slower + faster)


def fewest_pairs(confidence: float) -> int:
    """The fewest pairs with which the sign test can pass at all (all of them one way: 0.5**n < alpha)."""
    return math.floor(math.log2(1 / (1 - confidence))) + 1


def pairs_for_sign_test(share: float, confidence: float) -> int:
    """Pairs at which a sign test with ``share`` of them one way passes (exact to 200, normal above)."""
    alpha = 1 - confidence
    if share <= 0.5:
        return MAX_SAMPLES
    for n in range(fewest_pairs(confidence), 201):
        if sign_tail(math.ceil(share * n - 1e-9), n) < alpha:
            return n
    z = statistics.NormalDist().inv_cdf(1 - alpha)
    return min(MAX_SAMPLES, math.ceil((z / (2 * (share - 0.5))) ** 2))


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
    if all(len(s) == 1 for s in blue) and all(len(s) == 1 for s in green):
        # one repetition a side (an every-statement replay): the same draws as below, without the
        # per-statement loop, which was most of `compare`'s time on 2,876 statements
        one_b, one_g = [s[0] for s in blue], [s[0] for s in green]
        median, draw, nf = statistics.median, rng.random, float(n)
        for _ in range(reps):
            idx = [int(draw() * nf) for _ in everyone] if n > 1 else [0]  # = rng.choices(everyone, k=n)
            ratios.append(median([one_g[i] for i in idx]) / max(median([one_b[i] for i in idx]), 1e-9))
        reps = 0
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
    verdict: str = NOT_MEASURED
    latency: str = NOT_MEASURED  # regression, improved, same, inconclusive or not measured
    samples_needed: int | None = None  # pairs a new run should take, when the latency is inconclusive
    differences: list[str] = field(default_factory=list)  # kinds found, worst first
    ratio: float | None = None
    ci: tuple[float, float] | None = None
    example_sql: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    skipped_reasons: Counter[str] = field(default_factory=Counter)

    @property
    def measured(self) -> int:
        """Statements timed on both sides without an error."""
        return len(self.blue_ms)

    @property
    def pairs(self) -> int:
        return sum(min(len(b), len(g)) for b, g in zip(self.blue_ms, self.green_ms))

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
                "differences": list(self.differences), "latency": self.latency, "measured": self.measured,
                "pairs": self.pairs, "samples_needed": self.samples_needed,
                "ratio": None if self.ratio is None else round(self.ratio, 4),
                "ci": None if self.ci is None else [round(self.ci[0], 4), round(self.ci[1], 4)],
                "example_sql": self.example_sql,
                "chart": {"blue_ms": sample(self.blue_ms), "green_ms": sample(self.green_ms)}}


def compare(paths: Path | Sequence[Path], opts: CompareOptions | None = None) -> dict[str, Any]:
    """The whole comparison as plain data (what every output format renders).

    Several results files are read in order, and a shape measured again in a later file (``bench run
    --from-compare``) is judged on that file's statements alone: the newest measurement of a shape wins."""
    opts = opts or CompareOptions()
    opts.validate()
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    first: dict[str, Any] = {}
    ends: list[dict[str, Any] | None] = []
    shapes: dict[tuple[str, str | None], ShapeReport] = {}
    for path in paths:
        header, end = _read_into(path, shapes)
        first = first or header
        ends.append(end)

    rng = random.Random(20240101)
    for shape in shapes.values():
        judge_shape(shape, opts, rng)
        blue, green = shape.stats("blue"), shape.stats("green")
        if shape.latency in ("regression", IMPROVED) and shape.ci and blue and green:  # judged: measured
            shape.findings.append({
                "kind": "regression" if shape.latency == "regression" else "faster", "digest": shape.digest,
                "database": shape.database, "sql": shape.example_sql,
                "detail": f"green/blue p50 ratio {shape.ratio:.2f} "
                          f"({opts.confidence:.0%} CI {shape.ci[0]:.2f}–{shape.ci[1]:.2f}), "
                          f"p50 {blue['p50_ms']:.3f} → {green['p50_ms']:.3f} ms"})
        name_differences(shape)
    findings = [f for shape in shapes.values() for f in shape.findings]
    skipped_reasons = sum((s.skipped_reasons for s in shapes.values()), Counter())
    counts = Counter(f["kind"] for f in findings)
    failing = sum(counts[k] for k in FAILING_KINDS)
    measured = sum(s.measured for s in shapes.values())
    ordered_shapes = sorted(shapes.values(), key=lambda s: (VERDICTS.index(s.verdict), -(s.ratio or 0)))
    return {
        "bench_format": 1,  # handoffs.read_bench rejects another number
        "run": {k: first.get(k) for k in ("blue", "green", "options", "workload", "started")},
        "results_files": [str(p) for p in paths],
        "complete": all(e is not None for e in ends),
        "wall_s": round(sum(e.get("wall_s") or 0 for e in ends if e), 3) if all(ends) else None,
        "options": {"threshold": opts.threshold, "floor_ms": opts.floor_ms, "confidence": opts.confidence},
        "summary": {"shapes": len(shapes), "statements": sum(s.statements for s in shapes.values()),
                    "skipped": sum(skipped_reasons.values()), "skipped_reasons": dict(skipped_reasons),
                    "regressions": counts["regression"], "faster": counts["faster"],
                    "result_differences": counts["result_differs"] + counts["order_differs"],
                    "errors_one_side": counts["error_one_side"] + counts["error_differs"],
                    "warning_differences": counts["warnings_differ"], "plan_changes": counts["plan_change"],
                    "unstable": counts["unstable"], "errors_both": counts["error_both"],
                    "failing": failing, "measured": measured,
                    "inconclusive": sum(s.latency == INCONCLUSIVE for s in shapes.values()),
                    "verdicts": {v: n for v in VERDICTS if (n := sum(s.verdict == v for s in shapes.values()))}},
        "exit_code": int(ExitStatus.of_findings(failing or not measured)),  # what `bench compare` exits with
        "shapes": [s.to_dict() for s in ordered_shapes],
        "findings": sorted(findings, key=lambda f: (_kind_rank(f["kind"]), f["digest"], f.get("sample") or 0)),
    }


def _read_into(path: Path, shapes: dict[tuple[str, str | None], ShapeReport]
               ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Add one results file's records to ``shapes`` (a shape this file measures starts afresh);
    return its run header and end record."""
    header: dict[str, Any] = {}
    end: dict[str, Any] | None = None
    fresh: set[tuple[str, str | None]] = set()

    def shape_of(rec: dict[str, Any]) -> ShapeReport:
        key = (rec["digest"], rec.get("database"))
        if key not in fresh:
            fresh.add(key)
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
                shape = shape_of(rec)
                shape.skipped += 1
                shape.skipped_reasons[str(rec.get("reason", "?"))] += 1
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
                shape.findings.extend(found)
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
    return header, end


def _kind_rank(kind: str) -> int:
    order = FAILING_KINDS + INFO_KINDS
    return order.index(kind) if kind in order else len(order)


def name_differences(shape: ShapeReport) -> None:
    """``differences`` (every kind found, worst first) and the ``verdict`` its worst one gives."""
    found = {DIFFERENCE_OF[f["kind"]] for f in shape.findings if f["kind"] in DIFFERENCE_OF}
    shape.differences = [d for d in DIFFERENCES if d in found]
    shape.verdict = VERDICT_OF[shape.differences[0]] if shape.differences else shape.latency


def judge_shape(shape: ShapeReport, opts: CompareOptions, rng: random.Random) -> None:
    """The latency verdict and, when it is inconclusive, the pairs that would settle it (module docstring)."""
    shape.latency, shape.samples_needed = NOT_MEASURED, None
    blue, green = shape.stats("blue"), shape.stats("green")
    if blue is None or green is None:  # no statement timed on both sides (they are kept in pairs)
        name_differences(shape)
        return
    ratio, lo, hi = ratio_interval(shape.blue_ms, shape.green_ms, opts, rng)
    shape.ratio, shape.ci = ratio, (lo, hi)
    p50_blue, p50_green = blue["p50_ms"], green["p50_ms"]
    slower, faster = pair_counts(shape.blue_ms, shape.green_ms)
    alpha = 1 - opts.confidence
    pairs, n_min = shape.pairs, fewest_pairs(opts.confidence)
    # the band of ratios that do not matter: within the threshold, or within the floor of blue's p50
    base = max(p50_blue, 1e-9)
    upper = max(opts.threshold, 1 + opts.floor_ms / base)
    lower = min(1 / opts.threshold, 1 - opts.floor_ms / base)
    if lo > opts.threshold and sign_tail(slower, slower + faster) < alpha and p50_green - p50_blue > opts.floor_ms:
        shape.latency = "regression"
    elif hi < 1 / opts.threshold and sign_tail(faster, slower + faster) < alpha and p50_blue - p50_green > opts.floor_ms:
        shape.latency = IMPROVED
    elif pairs >= n_min and hi <= upper and lo >= lower:
        shape.latency = SAME
    else:
        shape.latency = INCONCLUSIVE
        shape.samples_needed = _samples_needed(pairs, slower, faster, ratio, lo, hi, lower, upper, opts)
    name_differences(shape)


def _samples_needed(pairs: int, slower: int, faster: int, ratio: float, lo: float, hi: float,
                    lower: float, upper: float, opts: CompareOptions) -> int:
    """Pairs at which an inconclusive shape would be settled if effect and spread stay as measured."""
    log = lambda v: math.log(max(v, 1e-9))  # noqa: E731
    half = max((log(hi) - log(lo)) / 2, 1e-9)
    point = log(ratio)
    if ratio >= upper:  # looks slower: the interval must clear the upper bound, the sign test must pass
        gap = point - log(upper)
        sign = pairs_for_sign_test(slower / max(slower + faster, 1), opts.confidence)
    elif ratio <= lower:  # looks faster: the mirror
        gap = log(lower) - point
        sign = pairs_for_sign_test(faster / max(slower + faster, 1), opts.confidence)
    else:  # looks the same: the interval must fit between the bounds
        gap = min(log(upper) - point, point - log(lower)) if lower > 0 else log(upper) - point
        sign = 0
    interval = math.ceil(pairs * (half / gap) ** 2) if gap > 0 else MAX_SAMPLES
    return min(MAX_SAMPLES, max(fewest_pairs(opts.confidence), pairs + 1, interval, sign))


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


def inconclusive_shapes(path: Path) -> dict[tuple[str, str | None], int]:
    """(digest, database) → samples_needed of each shape whose latency a comparison left inconclusive."""
    data = read_json(path, "bench compare report")
    expect_kind(path, data, "bench compare report", "bench_format")
    if not isinstance(data, dict) or data.get("bench_format") != 1 or not isinstance(data.get("shapes"), list):
        raise ToolError(f"{path} is not a bench compare report (`bench compare --format json`, bench_format 1)")
    out: dict[tuple[str, str | None], int] = {}
    for s in data["shapes"]:
        needed = s.get("samples_needed") if isinstance(s, dict) else None
        if s.get("latency") == INCONCLUSIVE and isinstance(needed, int) and isinstance(s.get("digest"), str):
            out[(s["digest"], s.get("database"))] = needed
    return out
