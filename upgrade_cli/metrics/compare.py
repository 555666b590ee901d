"""Blue's window against green's: median and p95 per series, and a plain verdict.

Both windows have the same length (and, around a switchover, the same hours of the day where the
window allows, so a nightly batch is not compared with a quiet afternoon). A series is ``worse``
when its median moved the bad way by more than the noise band (default 10 %) *and* by at least the
metric's absolute floor; ``worse (tail)`` when only its p95 did; ``better`` the other way;
``unchanged`` inside the band; ``changed`` for workload measures that have no bad direction; and
``no data`` when either window has no datapoint: never a pass. A comparison in which no series has
data in both windows shows nothing, and ``metrics compare`` exits 1 on it.

A per-instance metric (free memory, free local storage) gives one row per role: at each moment the
lowest instance of that role (``statistic`` Minimum), with the instance that went lowest in each
window, so one reader running out is not averaged away by the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from upgrade_cli.metrics.catalog import METRICS, METRICS_DOC, MetricSpec
from upgrade_cli.metrics.fetch import Series
from upgrade_cli.stats import percentile

Points = list[tuple[dt.datetime, float]]

METRICS_FORMAT = 1
DEFAULT_BAND = 0.10
WORSE, TAIL, BETTER, UNCHANGED, CHANGED, NO_DATA = "worse", "worse (tail)", "better", "unchanged", "changed", "no data"
VERDICT_ORDER = (WORSE, TAIL, NO_DATA, CHANGED, BETTER, UNCHANGED)


@dataclass(frozen=True)
class Window:
    label: str  # "blue" / "green" (or "before" / "after")
    cluster: str
    start: dt.datetime
    end: dt.datetime

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "cluster": self.cluster, "start": _iso(self.start), "end": _iso(self.end)}


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def stats(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"n": len(values), "median": percentile(values, 50), "p95": percentile(values, 95)}


def _moved(before: float, after: float, band: float, floor: float) -> bool:
    if abs(after - before) < floor or after == before:
        return False
    return before == 0 or abs(after - before) / abs(before) > band


def judge(worse: str | None, floor: float, b: dict[str, float] | None, a: dict[str, float] | None,
          band: float) -> str:
    if not b or not a:
        return NO_DATA
    median_moved = _moved(b["median"], a["median"], band, floor)
    if worse is None:
        return CHANGED if median_moved else UNCHANGED
    up_is_bad = worse == "up"
    if median_moved:
        return WORSE if (a["median"] > b["median"]) == up_is_bad else BETTER
    if _moved(b["p95"], a["p95"], band, floor) and (a["p95"] > b["p95"]) == up_is_bad:
        return TAIL
    return UNCHANGED


def _change(b: dict[str, float] | None, a: dict[str, float] | None, key: str) -> float | None:
    if not b or not a or not b[key]:
        return None
    return round((a[key] - b[key]) / abs(b[key]), 4)


def rows(data: dict[Series, Points]) -> dict[tuple[MetricSpec, str | None], tuple[Points, str | None]]:
    """(metric, role) → its points, and for a per-instance metric the instance that went lowest (or
    highest, for a Maximum): per-instance series become the extreme instance at each moment."""
    out: dict[tuple[MetricSpec, str | None], tuple[Points, str | None]] = {}
    grouped: dict[tuple[MetricSpec, str | None], dict[str, Points]] = {}
    for s, points in data.items():
        if s.instance:
            grouped.setdefault((s.metric, s.role), {})[s.instance] = points
        else:
            out[(s.metric, s.role)] = (points, None)
    for (metric, role), by_instance in grouped.items():
        pick = max if metric.stat == "Maximum" else min
        at: dict[dt.datetime, float] = {}
        for points in by_instance.values():
            for t, v in points:
                at[t] = pick(at[t], v) if t in at else v
        extreme = [(pick(v for _, v in pts), inst) for inst, pts in by_instance.items() if pts]
        out[(metric, role)] = (sorted(at.items()), pick(extreme)[1] if extreme else None)
    return out


def compare(before: Window, after: Window, period: int, data_before: dict[Series, Points],
            data_after: dict[Series, Points], band: float = DEFAULT_BAND,
            switchover: dict[str, Any] | None = None, notes: list[str] | None = None) -> dict[str, Any]:
    """The comparison as plain data: what every output format renders and ``metrics.json`` holds."""
    results = []
    rows_before, rows_after = rows(data_before), rows(data_after)
    # a per-instance metric of a role no side has an instance in (or of a cluster not found) still shows
    every_role = {(m, r) for m in METRICS if m.level == "instance" for r in m.roles}
    for key in rows_before.keys() | rows_after.keys() | every_role:
        spec, role = key
        (pb, lowest_b), (pa, lowest_a) = rows_before.get(key, ([], None)), rows_after.get(key, ([], None))
        b, a = stats([v for _, v in pb]), stats([v for _, v in pa])
        results.append({
            "metric": spec.name, "role": role, "unit": spec.unit, "worse_when": spec.worse,
            "statistic": spec.stat, "level": spec.level, "source": spec.source,
            **({"instance": {"before": lowest_b, "after": lowest_a}} if spec.level == "instance" else {}),
            "before": b, "after": a, "median_change": _change(b, a, "median"), "p95_change": _change(b, a, "p95"),
            "verdict": judge(spec.worse, spec.floor, b, a, band),
            # offsets from each window's start, so both series share one x axis in a chart
            "series": {"before": [[round((t - before.start).total_seconds()), v] for t, v in pb],
                       "after": [[round((t - after.start).total_seconds()), v] for t, v in pa]},
        })
    results.sort(key=lambda r: (VERDICT_ORDER.index(r["verdict"]), r["metric"], r["role"] or ""))
    summary: dict[str, int] = {v: sum(1 for r in results if r["verdict"] == v) for v in VERDICT_ORDER}
    summary.update(series=len(results), series_with_data=len(results) - summary[NO_DATA])
    return {"metrics_format": METRICS_FORMAT, "generated_at": _iso(dt.datetime.now(dt.timezone.utc)),
            "before": before.to_dict(), "after": after.to_dict(), "period_s": period, "band": band,
            "switchover": switchover, "source": METRICS_DOC, "notes": notes or [], "summary": summary,
            "results": results}
