"""How long each Aurora MySQL major version is supported, and what waiting costs once it is not.

Shared by every stage that speaks of deadlines or money (bluegreen's target choice and cost lines,
the dossier, fleet). The RDS API is the authority for the dates: ``DescribeDBMajorEngineVersions``
returns each major version's standard and Extended Support windows, and :func:`support_windows`
asks it first. ``param_profiles/engine_lifecycle.yaml`` is the offline fallback and the only source
for what the API does not say: when billing began, the per-vCPU-hour prices and the LTS releases;
every figure there names the AWS page it comes from, and every answer here says which source it used.

Cost figures are estimates by construction (list prices of one Region, 730 hours a month), and
say so; a figure that cannot be estimated (Serverless v2, an unknown class) is ``None``, never 0.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Iterable

from upgrade_cli import aws  # boto3 itself is imported on first use (aws.client), never for the offline answer
from upgrade_cli.outcome import ToolError
from upgrade_cli.param_profiles import load_yaml

TABLE = "param_profiles/engine_lifecycle.yaml"
API = "RDS DescribeDBMajorEngineVersions"
STANDARD = "open-source-rds-standard-support"
EXTENDED = "open-source-rds-extended-support"


@dataclass(frozen=True)
class SupportWindow:
    """One major version's support window; a date that is ``None`` is not known (never "forever")."""

    engine: str
    major: str
    standard_ends: dt.date | None  # last day of standard support
    extended_starts: dt.date | None
    extended_ends: dt.date | None  # after it, AWS upgrades the major version itself
    source: str  # the API, or the table's name, page and as-of date
    charges_start: dt.date | None = None  # first billed day of Extended Support
    open_ended: bool = False  # in standard support with no end date recorded (the table's current major)

    def support_on(self, day: dt.date) -> str:
        """``standard``, ``extended``, ``ended`` or ``unknown`` (no end of standard support known)."""
        if self.standard_ends is None:
            return "standard" if self.open_ended else "unknown"
        if day <= self.standard_ends:
            return "standard"
        if self.extended_ends is None or day <= self.extended_ends:
            return "extended"
        return "ended"

    def billed_from(self) -> dt.date | None:
        if self.charges_start:
            return self.charges_start
        return self.standard_ends + dt.timedelta(days=1) if self.standard_ends else None

    def extended_year(self, day: dt.date) -> int | None:
        """The billed year of Extended Support ``day`` falls in (1, 2, 3, ...), None when not billed then."""
        start = self.billed_from()
        if self.support_on(day) != "extended" or start is None or day < start:
            return None
        months = (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
        return months // 12 + 1


@dataclass(frozen=True)
class CostEstimate:
    """A monthly RDS Extended Support estimate; ``usd_per_month`` None means it could not be estimated."""

    usd_per_month: float | None
    vcpus: int | None
    support_year: int | None
    usd_per_vcpu_hour: float | None
    source: str
    note: str


def major_of(engine_version: str | None) -> str | None:
    """``5.7.mysql_aurora.2.11.2`` → ``5.7``; ``8.0.mysql_aurora.3.05.2`` → ``8.0``; None when unreadable."""
    parts = (engine_version or "").split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    return None


@functools.lru_cache(maxsize=None)
def _table() -> dict[str, Any]:
    data = load_yaml("engine_lifecycle.yaml")
    if not isinstance(data, dict) or not {"majors", "prices", "sources", "as_of"} <= data.keys():
        raise ToolError(f"{TABLE} is malformed: it needs majors, prices, sources and as_of")
    return data


def _cite(key: str) -> str:
    data = _table()
    return f"{TABLE} ({data['sources'].get(key, key)}, as of {data['as_of']})"


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def table_windows(engine: str = "aurora-mysql", why: str = "") -> dict[str, SupportWindow]:
    """The offline table's windows; ``why`` (the API's failure) is kept in each window's source."""
    out = {}
    for major, row in _table()["majors"].items():
        standard_ends = _date(row.get("standard_ends"))
        source = _cite(str(row.get("source", ""))) + (f"; {why}" if why else "")
        out[str(major)] = SupportWindow(engine, str(major), standard_ends,
                                        standard_ends + dt.timedelta(days=1) if standard_ends else None,
                                        _date(row.get("extended_ends")), source, _date(row.get("charges_start")),
                                        bool(row.get("open_ended")))
    return out


def windows_from_api(records: Iterable[dict[str, Any]], engine: str = "aurora-mysql") -> dict[str, SupportWindow]:
    """``DBMajorEngineVersions`` records as windows; billing start comes from the table (the API has none)."""
    table = table_windows(engine)
    out = {}
    for rec in records:
        if rec.get("Engine") != engine or not rec.get("MajorEngineVersion"):
            continue
        major = str(rec["MajorEngineVersion"])
        spans = {c.get("LifecycleSupportName"): c for c in rec.get("SupportedEngineLifecycles") or ()}
        std, ext = spans.get(STANDARD, {}), spans.get(EXTENDED, {})
        known = table.get(major)
        out[major] = SupportWindow(engine, major, _date(std.get("LifecycleSupportEndDate")),
                                   _date(ext.get("LifecycleSupportStartDate")), _date(ext.get("LifecycleSupportEndDate")),
                                   API, known.charges_start if known else None)
    return out


def support_windows(rds: Any = None, engine: str = "aurora-mysql") -> dict[str, SupportWindow]:
    """Each major version's window, by major (``"5.7"``), from the API when ``rds`` is given and answers.

    Any API failure (no permission, an endpoint that lacks the call) falls back to the table, and the
    windows' ``source`` says why; the caller never has to handle it. Majors the API leaves out keep the
    table's row, marked as such.
    """
    if rds is None:
        return table_windows(engine)
    try:
        records = list(aws.paginate(rds, "describe_db_major_engine_versions", "DBMajorEngineVersions", Engine=engine))
    except ToolError as exc:
        return table_windows(engine, why=f"the API could not be read ({exc})")
    api = windows_from_api(records, engine)
    return {**table_windows(engine, why=f"{API} did not list this major version"), **api}


def lts_releases() -> dict[str, dict[str, Any]]:
    """Aurora MySQL LTS minors (``"3.04"``) with their release date and cited page."""
    return {str(minor): {"released": _date(row.get("released")), "source": _cite(str(row.get("source", "")))}
            for minor, row in (_table().get("lts") or {}).items()}


@functools.lru_cache(maxsize=None)
def _classes() -> dict[str, Any]:
    return load_yaml("instance_classes.yaml")["classes"]


def vcpus_of(instance_class: str | None) -> int | None:
    """vCPUs of a DB instance class from AWS's hardware table; None for Serverless v2 or an unknown class."""
    row = _classes().get(instance_class or "")
    return int(row["vcpus"]) if row and row.get("vcpus") is not None else None


def extended_support_monthly(instance_classes: Iterable[str], window: SupportWindow | None, region: str | None,
                             day: dt.date) -> CostEstimate:
    """The monthly Extended Support charge of instances of these classes on ``day`` (an estimate)."""
    classes = list(instance_classes)
    prices = _table()["prices"]
    source = _cite(str(prices.get("source", "")))
    known = [vcpus_of(c) for c in classes]
    vcpus = sum(v for v in known if v) if all(known) else None
    if window is None:
        return CostEstimate(None, vcpus, None, None, source, "the major version's support window is not known")
    state = window.support_on(day)
    if state == "standard":
        until = f"until {window.standard_ends}" if window.standard_ends else "(no end date recorded)"
        return CostEstimate(0.0, vcpus, None, None, source, f"standard support {until}")
    if state == "ended":
        return CostEstimate(None, vcpus, None, None, source,
                            f"Extended Support ended {window.extended_ends}: AWS upgrades the major version itself")
    if state == "unknown":
        return CostEstimate(None, vcpus, None, None, source, "end of standard support not known")
    year = window.extended_year(day)
    if year is None:
        return CostEstimate(0.0, vcpus, None, None, source, f"in Extended Support, billed from {window.billed_from()}")
    rates = {int(k): float(v) for k, v in prices["usd_per_vcpu_hour"].items()}
    rate = rates.get(year, rates[max(rates)])
    unknown = sorted({c for c, v in zip(classes, known) if not v})
    if unknown:
        what = ("Serverless v2 is billed per ACU-hour of use, not estimated" if any("serverless" in c for c in unknown)
                else f"no vCPU count for {', '.join(unknown)}")
        return CostEstimate(None, vcpus, year, rate, source, what)
    where = "" if region in (None, prices.get("region")) else f"; {prices.get('region')} list price used for {region}"
    usd = round(vcpus * rate * float(prices.get("hours_per_month", 730)), 2) if vcpus is not None else None
    return CostEstimate(usd, vcpus, year, rate, source,
                        f"Extended Support year {year}: {vcpus} vCPU x ${rate}/vCPU-hour x "
                        f"{prices.get('hours_per_month', 730)} h{where}")
