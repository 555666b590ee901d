"""Which Aurora MySQL 3 (8.0) versions a v2 cluster can upgrade to, and which one we recommend.

The answer is Region-specific and changes as AWS adds and retires versions, so it always comes from
``DescribeDBEngineVersions`` → ``ValidUpgradeTarget``, never from a static matrix. It passes
``IncludeAll``: a cluster may run a version AWS no longer offers for new clusters, and that
version must still be described. We recommend 3.04 or later: below it the ibd datafile-path
precheck can fail the upgrade (``auroraUpgradeCheckForDatafilePathInconsistency``),
``tmp_table_size`` cannot limit TempTable tables (``aurora_tmptable_enable_per_table_limit`` is
3.04+) and ``replica_parallel_type`` still defaults to DATABASE (AWS parameter reference).

Each target also carries its lifecycle: whether it is AWS's default 8.0 version
(``DescribeDBEngineVersions`` with ``DefaultOnly``, API reference
https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBEngineVersions.html), whether
it is a long-term-support release and when its standard support ends (the major version's end from
``DescribeDBMajorEngineVersions`` through :mod:`upgrade_cli.lifecycle`; an LTS minor is supported "for at
least three years, or until end of standard support for the major version, whichever comes first").
A version past its end of standard support is never recommended, nor is a non-LTS minor older than
AWS's default (the API has no per-minor end date; the default is what AWS offers new clusters).
``8.0`` resolves to AWS's default when it is a recommended target.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from upgrade_cli import aws, lifecycle
from upgrade_cli.outcome import ToolError

ENGINE = "aurora-mysql"
V2_FAMILY = "aurora-mysql5.7"
V3_FAMILY = "aurora-mysql8.0"
RECOMMENDED_MIN = (3, 4, 0)
WHY_RECOMMENDED = ("3.04+ fixes the datafile-path precheck failure of ≤ 3.03.0, lets tmp_table_size limit TempTable "
                   "tables (aurora_tmptable_enable_per_table_limit) and defaults replica_parallel_type to LOGICAL_CLOCK")

_FULL = re.compile(r"^(?P<mysql>\d+\.\d+)\.mysql_aurora\.(?P<a>\d+)\.(?P<b>\d+)\.(?P<c>\d+)$")
_SHORT = re.compile(r"^(?P<a>[23])\.(?P<b>\d+)\.(?P<c>\d+)$")


def aurora_version(engine_version: str) -> tuple[int, int, int] | None:
    """``8.0.mysql_aurora.3.04.0`` or ``3.04.0`` → ``(3, 4, 0)``; anything else → None."""
    m = _FULL.match(engine_version.strip()) or _SHORT.match(engine_version.strip())
    return (int(m["a"]), int(m["b"]), int(m["c"])) if m else None


def is_recommended(engine_version: str) -> bool:
    v = aurora_version(engine_version)
    return v is not None and v[0] == 3 and v >= RECOMMENDED_MIN


def today() -> dt.date:
    """The day support dates are judged on (one place, so tests can move it)."""
    return dt.datetime.now(dt.timezone.utc).date()


def default_version(rds: Any, major: str = "8.0") -> str | None:
    """AWS's default engine version of ``major`` (``DefaultOnly``), or None when the API does not say."""
    try:
        found = aws.call(rds, "describe_db_engine_versions", Engine=ENGINE, EngineVersion=major,
                         DefaultOnly=True).get("DBEngineVersions", [])
    except ToolError:
        return None
    names = [v.get("EngineVersion", "") for v in found if v.get("EngineVersion", "").startswith(f"{major}.")]
    return names[0] if names else None


def _lts_end(short: tuple[int, int, int], lts: dict[str, dict]) -> tuple[dt.date, str] | None:
    row = lts.get(f"{short[0]}.{short[1]:02d}")
    if not row or not row.get("released"):
        return None
    released = row["released"]
    try:
        return released.replace(year=released.year + 3), row["source"]
    except ValueError:  # 29 February
        return released.replace(year=released.year + 3, day=28), row["source"]


def annotate(targets: list[dict], default: str | None, window: lifecycle.SupportWindow | None,
             day: dt.date) -> list[dict]:
    """Add ``Default``, ``LTS``, ``StandardSupportEnds`` (ISO date or None), ``SupportSource``, ``Recommended``
    and ``Why`` (why not recommended) to each target."""
    lts = lifecycle.lts_releases()
    major_end = window.standard_ends if window else None
    base = aurora_version(default) if default else None
    for t in targets:
        name = t["EngineVersion"]
        short = aurora_version(name) or (0, 0, 0)
        ends, source = major_end, (window.source if window else "no support window known")
        lts_end = _lts_end(short, lts)
        if lts_end and (major_end is None or lts_end[0] < major_end):
            ends, source = lts_end[0], f"LTS: 3 years from release ({lts_end[1]})"
        why = ""
        if not is_recommended(name):
            why = f"< 3.04: {WHY_RECOMMENDED}"
        elif ends is not None and day > ends:
            why = f"past its end of standard support ({ends})"
        elif base is not None and short < base and not lts_end:
            why = f"older than AWS's default {default} and not an LTS release"
        t.update({"Default": name == default, "LTS": bool(lts_end), "StandardSupportEnds": ends.isoformat() if ends
                  else None, "SupportSource": source, "Recommended": not why, "Why": why})
    return targets


def valid_upgrade_targets(rds: Any, engine_version: str, day: dt.date | None = None) -> list[dict]:
    """The major-version (aurora-mysql 8.0) upgrade targets of ``engine_version``, oldest first.

    Each item is the API's ``UpgradeTarget`` dict plus the fields of :func:`annotate`. Raises ToolError
    when the Region does not know the source version at all.
    """
    found = list(aws.paginate(rds, "describe_db_engine_versions", "DBEngineVersions",
                              Engine=ENGINE, EngineVersion=engine_version, IncludeAll=True))
    if not found:
        raise ToolError(f"engine version {engine_version} of {ENGINE} is not offered in this Region "
                        "(DescribeDBEngineVersions returned nothing)")
    seen: dict[str, dict] = {}
    for version in found:
        for target in version.get("ValidUpgradeTarget", []):
            name = target.get("EngineVersion", "")
            if target.get("IsMajorVersionUpgrade") and name.startswith("8.0.") and name not in seen:
                seen[name] = dict(target)
    targets = sorted(seen.values(), key=lambda t: aurora_version(t["EngineVersion"]) or (0, 0, 0))
    if not targets:
        return targets
    return annotate(targets, default_version(rds), lifecycle.support_windows(rds).get("8.0"), day or today())


def recommended_target(targets: list[dict]) -> dict | None:
    """AWS's default when recommended, else the newest recommended target, else the newest target, else None."""
    return _recommended(targets) if targets else None


def _recommended(targets: list[dict]) -> dict:
    """:func:`recommended_target` of a list that has one."""
    good = [t for t in targets if t.get("Recommended")]
    default = [t for t in good if t.get("Default")]
    return (default or good or targets)[-1]


def describe(t: dict) -> str:
    """``8.0.mysql_aurora.3.10.1 (AWS default, LTS, standard support until 2028-04-30)``."""
    tags = (["AWS default"] if t.get("Default") else []) + (["LTS"] if t.get("LTS") else [])
    tags.append(f"standard support until {t['StandardSupportEnds']}" if t.get("StandardSupportEnds")
                else "end of standard support not known")
    return f"{t['EngineVersion']} ({', '.join(tags)})"


@dataclass(frozen=True)
class TargetVerdict:
    """Whether a requested target version (``8.0`` or a full version) is valid for the source."""

    requested: str
    valid: bool
    resolved: str | None  # the full engine version to pass to the API
    recommended: bool
    message: str


def check_target(targets: list[dict], requested: str) -> TargetVerdict:
    """Judge ``requested`` against ``targets`` (from :func:`valid_upgrade_targets`).

    ``8.0`` (or ``8.0.x`` community style) means "any 8.0": it resolves to :func:`recommended_target`.
    """
    req = requested.strip()
    names = [t["EngineVersion"] for t in targets]
    if not targets:
        return TargetVerdict(req, False, None, False, "no aurora-mysql 8.0 major-version upgrade target is offered "
                                                      "for this source version; upgrade to a supported 2.11/2.12 first")
    if req == "8.0" or (req.startswith("8.0") and "mysql_aurora" not in req and aurora_version(req) is None):
        best = _recommended(targets)
        rec = bool(best.get("Recommended"))
        note = "" if rec else f"; no recommended target is offered ({best.get('Why')})"
        return TargetVerdict(req, True, best["EngineVersion"], rec, f"8.0 resolves to {describe(best)}{note}")
    full = req if "mysql_aurora" in req else (f"8.0.mysql_aurora.{req}" if _SHORT.match(req) else req)
    if full not in names:
        return TargetVerdict(req, False, None, False,
                             f"{req} is not a valid upgrade target here; valid: {', '.join(names)}")
    target = next(t for t in targets if t["EngineVersion"] == full)
    rec = bool(target.get("Recommended", is_recommended(full)))
    msg = f"{describe(target)} is a valid upgrade target" + ("" if rec else f", but not recommended: {target['Why']}")
    return TargetVerdict(req, True, full, rec, msg)
