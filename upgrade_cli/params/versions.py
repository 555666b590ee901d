"""Which Aurora MySQL 3 (8.0) versions a v2 cluster can upgrade to, and which one we recommend.

The answer is Region-specific and changes as AWS adds and retires versions, so it always comes from
``DescribeDBEngineVersions`` → ``ValidUpgradeTarget``, never from a static matrix. It passes
``IncludeAll``: a cluster may run a version AWS no longer offers for new clusters, and that
version must still be described. We recommend 3.04 or later: below it the ibd datafile-path
precheck can fail the upgrade (``auroraUpgradeCheckForDatafilePathInconsistency``),
``tmp_table_size`` cannot limit TempTable tables (``aurora_tmptable_enable_per_table_limit`` is
3.04+) and ``replica_parallel_type`` still defaults to DATABASE (AWS parameter reference).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from upgrade_cli import aws
from upgrade_cli.cli_common import ToolError

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


def valid_upgrade_targets(rds: Any, engine_version: str) -> list[dict]:
    """The major-version (aurora-mysql 8.0) upgrade targets of ``engine_version``, oldest first.

    Each item is the API's ``UpgradeTarget`` dict plus ``Recommended`` (bool). Raises ToolError
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
                seen[name] = {**target, "Recommended": is_recommended(name)}
    return sorted(seen.values(), key=lambda t: aurora_version(t["EngineVersion"]) or (0, 0, 0))


def recommended_target(targets: list[dict]) -> dict | None:
    """The newest recommended (≥ 3.04) target, else the newest target, else None."""
    good = [t for t in targets if t.get("Recommended")]
    return (good or targets or [None])[-1]


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
        best = recommended_target(targets)
        rec = bool(best.get("Recommended"))
        note = "" if rec else f"; no target ≥ 3.04 is offered ({WHY_RECOMMENDED})"
        return TargetVerdict(req, True, best["EngineVersion"], rec, f"8.0 resolves to {best['EngineVersion']}{note}")
    full = req if "mysql_aurora" in req else (f"8.0.mysql_aurora.{req}" if _SHORT.match(req) else req)
    if full not in names:
        return TargetVerdict(req, False, None, False,
                             f"{req} is not a valid upgrade target here; valid: {', '.join(names)}")
    rec = is_recommended(full)
    msg = f"{full} is a valid upgrade target" + ("" if rec else f", but prefer ≥ 3.04: {WHY_RECOMMENDED}")
    return TargetVerdict(req, True, full, rec, msg)
