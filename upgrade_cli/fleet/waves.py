"""The fleet view: each cluster's support window, cost of waiting and readiness, and the proposed waves.

Waves (only clusters still on 5.7 get one; an 8.0 cluster has none):

- a tag ``aurora-upgrade-wave=N`` (``--wave-tag``) puts a cluster in wave N, whatever else is true;
- wave 0: a blue/green deployment is already in flight for it;
- wave 1: READY (a fresh report, no params error), not production;
- wave 2: READY, production;
- wave 3: not ready yet (NOT READY, INCOMPLETE, stale or not scanned, or a params error), not production;
- wave 4: not ready yet, production.

Production is a tag match (``--production-tag``, default ``env``/``environment``/``stage`` equal to
``prod`` or ``production``, any case). Within a wave the most expensive waiting cluster goes first, then the
smallest (fewest vCPUs): money saved early, risk learnt on small clusters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from upgrade_cli import __version__, lifecycle
from upgrade_cli.fleet.inventory import Cluster, Failure, Inventory, parse_tags
from upgrade_cli.fleet.readiness import NOT_SCANNED, READY, Readiness, ReportIndex

FLEET_FORMAT = 1  # docs/fleet-format.md
WAVE_TAG = "aurora-upgrade-wave"
PRODUCTION_TAGS = ("env=prod", "env=production", "environment=prod", "environment=production", "stage=prod",
                   "stage=production")
WAVE_MEANING = {0: "blue/green in flight", 1: "ready, not production", 2: "ready, production",
                3: "not ready yet, not production", 4: "not ready yet, production"}


@dataclass
class Row:
    cluster: Cluster
    support: str  # standard / extended / ended / unknown
    window: lifecycle.SupportWindow | None
    cost: lifecycle.CostEstimate
    readiness: Readiness
    production: bool
    wave: int | None = None
    wave_reason: str = ""
    order: int | None = None  # position in the proposed upgrade order (1 = first)

    @property
    def major(self) -> str | None:
        return lifecycle.major_of(self.cluster.engine_version)

    @property
    def support_ends(self) -> dt.date | None:
        w = self.window
        if w is None:
            return None
        return w.standard_ends if self.support == "standard" else w.extended_ends if self.support == "extended" else None

    @property
    def ready(self) -> bool:
        params_ok = self.cluster.params is None or not self.cluster.params.errors
        return self.readiness.verdict == READY and not self.readiness.stale and params_ok

    def to_dict(self) -> dict[str, Any]:
        c, r, p = self.cluster, self.readiness, self.cluster.params
        return {
            "account": c.account, "region": c.region, "cluster": c.cluster, "arn": c.arn,
            "engine_version": c.engine_version, "major": self.major, "status": c.status,
            "instances": len(c.instance_classes), "instance_classes": list(c.instance_classes),
            "vcpus": self.cost.vcpus, "tags": dict(c.tags), "production": self.production,
            "support": self.support, "support_ends": _iso(self.support_ends),
            "standard_support_ends": _iso(self.window.standard_ends if self.window else None),
            "extended_support_ends": _iso(self.window.extended_ends if self.window else None),
            "extended_support_year": self.cost.support_year,
            "extended_support_monthly_usd": self.cost.usd_per_month,
            "cost_note": self.cost.note, "cost_estimated": self.cost.usd_per_month is not None,
            "readiness": r.verdict, "blockers": list(r.blockers), "report": r.report,
            "report_generated_at": r.generated_at.isoformat() if r.generated_at else None,
            "report_age_days": r.age_days, "report_stale": r.stale,
            "params": None if p is None else {"group": p.group, "errors": list(p.errors), "warnings": p.warnings,
                                              "note": p.note},
            "bluegreen": [dict(d) for d in c.bluegreen],
            "wave": self.wave, "wave_reason": self.wave_reason, "order": self.order,
        }


@dataclass
class FleetReport:
    as_of: dt.date
    accounts: list[str]
    regions: list[str]
    rows: list[Row]
    failures: list[Failure]
    notes: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    lifecycle_source: str = ""
    price_source: str = ""
    reports: dict[str, Any] | None = None  # {"folder", "read", "skipped"} when --reports was given
    green_clusters: int = 0
    generated_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @property
    def complete(self) -> bool:
        return not self.failures

    def total_monthly(self) -> tuple[float, int]:
        """(sum of the known estimates, number of clusters whose cost could not be estimated)."""
        known = [r.cost.usd_per_month for r in self.rows if r.cost.usd_per_month is not None]
        return round(sum(known), 2), sum(1 for r in self.rows if r.cost.usd_per_month is None)

    def by_wave(self) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for r in self.rows:
            if r.wave is None:
                continue
            w = out.setdefault(r.wave, {"clusters": 0, "vcpus": 0, "monthly_usd": 0.0, "unknown_cost": 0,
                                        "meaning": WAVE_MEANING.get(r.wave, "set by tag")})
            w["clusters"] += 1
            w["vcpus"] += r.cost.vcpus or 0
            if r.cost.usd_per_month is None:
                w["unknown_cost"] += 1
            else:
                w["monthly_usd"] = round(w["monthly_usd"] + r.cost.usd_per_month, 2)
        return dict(sorted(out.items()))

    def counts(self, attr: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            key = r.readiness.verdict if attr == "readiness" else getattr(r, attr)
            out[key] = out.get(key, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        total, unknown = self.total_monthly()
        return {
            "fleet_format": FLEET_FORMAT,
            "tool": {"name": "aurora-upgrade", "version": __version__},
            "generated_at": self.generated_at, "as_of": self.as_of.isoformat(),
            "complete": self.complete,
            "scope": {"accounts": self.accounts, "regions": self.regions},
            "failures": [{"account": f.account, "region": f.region, "error": f.error} for f in self.failures],
            "notes": list(self.notes),
            "sources": {"lifecycle": self.lifecycle_source, "prices": self.price_source},
            "estimates": "extended_support_monthly_usd and the totals are estimates: vCPUs x the list price per "
                         "vCPU-hour of the support year x hours a month, from sources.prices",
            "reports": self.reports,
            "totals": {"clusters": len(self.rows), "extended_support_monthly_usd": total,
                       "clusters_cost_unknown": unknown, "by_support": self.counts("support"),
                       "by_readiness": self.counts("readiness"),
                       "by_wave": {str(k): v for k, v in self.by_wave().items()},
                       "green_clusters_not_listed": self.green_clusters},
            "api_calls": dict(sorted(self.calls.items())),
            "clusters": [r.to_dict() for r in self.rows],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def parse_production(specs: list[str]) -> list[tuple[str, str]]:
    return [(k.lower(), v.lower()) for spec in specs for k, v in parse_tags([spec]).items()]


def is_production(tags: dict[str, str], production: list[tuple[str, str]]) -> bool:
    lowered = {k.lower(): v.lower() for k, v in tags.items()}
    return any(lowered.get(k) == v for k, v in production)


def build(inv: Inventory, windows: dict[str, lifecycle.SupportWindow], reports: ReportIndex | None,
          as_of: dt.date, production: list[tuple[str, str]], wave_tag: str = WAVE_TAG) -> FleetReport:
    """Join the inventory with support windows, cost, readiness; then propose the waves."""
    rows = []
    for c in inv.clusters:
        window = windows.get(lifecycle.major_of(c.engine_version) or "")
        support = window.support_on(as_of) if window else "unknown"
        cost = lifecycle.extended_support_monthly(c.instance_classes, window, c.region, as_of)
        readiness = reports.of(c.region, c.cluster) if reports else Readiness(NOT_SCANNED)
        rows.append(Row(c, support, window, cost, readiness, is_production(c.tags, production)))
    _assign_waves(rows, wave_tag)
    sources = sorted({w.source for w in windows.values()})
    price = lifecycle.extended_support_monthly([], next(iter(windows.values()), None), None, as_of).source
    return FleetReport(as_of=as_of, accounts=inv.accounts, regions=inv.regions, rows=rows, failures=inv.failures,
                       notes=list(inv.notes), calls=dict(inv.calls), lifecycle_source="; ".join(sources),
                       price_source=price, green_clusters=inv.green_clusters)


def _assign_waves(rows: list[Row], wave_tag: str) -> None:
    for r in rows:
        if r.major != "5.7":
            r.wave, r.wave_reason = None, f"on {r.major or 'an unknown major version'}: nothing to move"
            continue
        tagged = r.cluster.tags.get(wave_tag, "").strip()
        if tagged.isdigit():
            r.wave, r.wave_reason = int(tagged), f"tag {wave_tag}={tagged}"
        elif r.cluster.bluegreen:
            r.wave, r.wave_reason = 0, WAVE_MEANING[0]
        else:
            r.wave = (1 if r.ready else 3) + (1 if r.production else 0)
            r.wave_reason = WAVE_MEANING[r.wave] + ("" if r.ready else f" ({_why_not_ready(r)})")
    moving = sorted((r for r in rows if r.wave is not None),
                    key=lambda r: (r.wave, -(r.cost.usd_per_month or 0), r.cost.vcpus or 0, r.cluster.account,
                                   r.cluster.region, r.cluster.cluster))
    for n, r in enumerate(moving, 1):
        r.order = n
    rows.sort(key=lambda r: (r.order is None, r.order or 0, r.cluster.account, r.cluster.region, r.cluster.cluster))


def _why_not_ready(r: Row) -> str:
    if r.readiness.verdict == READY and r.readiness.stale:
        return f"report {r.readiness.age_days} days old"
    if r.readiness.verdict == READY:
        return f"params errors in {r.cluster.params.group}" if r.cluster.params else "params errors"
    return r.readiness.verdict
