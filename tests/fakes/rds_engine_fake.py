"""Named fake for the RDS calls moto 5.2.5 lacks: engine versions, engine-default parameters, orderable classes,
major-version support windows.

moto answers everything else (clusters, instances, parameter groups, Describe/Modify*Parameters).
Install with :func:`install_rds_engine_fake`; it registers FakeAWS handlers for
``DescribeDBEngineVersions`` (moto has no aurora-mysql catalog and ignores ``IncludeAll``),
``DescribeEngineDefaultClusterParameters``, ``DescribeEngineDefaultParameters`` and
``DescribeOrderableDBInstanceOptions`` (moto 5.2.5 answers only aurora-postgresql and neptune, an
empty list for aurora-mysql) and ``DescribeDBMajorEngineVersions`` (moto has no such call). The defaults come from ``param_profiles/`` (our documented data), so
a test exercises the same numbers the offline fallback uses.

``RETIRED_V2`` versions are listed only with ``IncludeAll=true``, as AWS does for versions it no
longer offers for new clusters but still describes for existing ones.

The version catalog below is a plausible snapshot for tests, NOT a fact source: real targets are
Region-specific and the tool always asks the API. It deliberately includes a < 3.04 target
(3.03.1) so "valid but not recommended" is exercised, and 2.12 sources that only reach ≥ 3.05.
"""

from __future__ import annotations

from typing import Any, Callable

from tests.fakes.aws_server import AwsError, FakeAWS, aws_error

V2_VERSIONS = ["2.11.2", "2.11.5", "2.11.6", "2.12.0", "2.12.1", "2.12.2", "2.12.3"]
RETIRED_V2 = ["2.11.1"]  # still running somewhere, no longer offered: only IncludeAll=true lists it
# Classes offered per major (a plausible test catalog, NOT a fact source): 8.0 dropped r4 and t2.
CLASSES_V3 = ["db.t3.medium", "db.t3.large", "db.t4g.medium", "db.t4g.large", "db.r5.large", "db.r5.xlarge",
              "db.r5.2xlarge", "db.r6g.large", "db.r6g.xlarge", "db.r6g.2xlarge", "db.r6i.large", "db.r7g.large",
              "db.x2g.large"]
CLASSES_V2 = CLASSES_V3 + ["db.r4.large", "db.r4.xlarge", "db.t2.small", "db.t2.medium"]
V3_VERSIONS = ["3.03.1", "3.04.0", "3.04.1", "3.04.3", "3.05.2", "3.06.1", "3.07.1", "3.08.0", "3.08.2"]


def v2(short: str) -> str:
    return f"5.7.mysql_aurora.{short}"


def v3(short: str) -> str:
    return f"8.0.mysql_aurora.{short}"


def _key(short: str) -> tuple[int, ...]:
    return tuple(int(p) for p in short.split("."))


def _targets(engine_version: str) -> list[dict]:
    """Later minors of the same major, plus 8.0 majors (2.11 → 3.03.1+, 2.12 → 3.05+)."""
    out = []
    if engine_version.startswith("5.7."):
        short = engine_version.split("mysql_aurora.")[1]
        for other in V2_VERSIONS:
            if _key(other) > _key(short):
                out.append({"Engine": "aurora-mysql", "EngineVersion": v2(other), "IsMajorVersionUpgrade": False,
                            "AutoUpgrade": False, "Description": f"Aurora MySQL {other}"})
        floor = "3.05.0" if short.startswith("2.12") else "3.03.0"
        for target in V3_VERSIONS:
            if _key(target) >= _key(floor):
                out.append({"Engine": "aurora-mysql", "EngineVersion": v3(target), "IsMajorVersionUpgrade": True,
                            "AutoUpgrade": False, "Description": f"Aurora MySQL {target}"})
    else:
        short = engine_version.split("mysql_aurora.")[1]
        for other in V3_VERSIONS:
            if _key(other) > _key(short):
                out.append({"Engine": "aurora-mysql", "EngineVersion": v3(other), "IsMajorVersionUpgrade": False,
                            "AutoUpgrade": False, "Description": f"Aurora MySQL {other}"})
    return out


def engine_versions() -> list[dict]:
    """Every fake aurora-mysql engine version record, shaped like ``DBEngineVersion``."""
    out = []
    for full, family in ([(v2(s), "aurora-mysql5.7") for s in RETIRED_V2 + V2_VERSIONS]
                         + [(v3(s), "aurora-mysql8.0") for s in V3_VERSIONS]):
        out.append({"Engine": "aurora-mysql", "EngineVersion": full, "DBParameterGroupFamily": family,
                    "DBEngineDescription": "Aurora MySQL", "DBEngineVersionDescription": f"Aurora MySQL {full}",
                    "ValidUpgradeTarget": _targets(full), "SupportsReadReplica": True, "Status": "available"})
    return out


def _page(items: list[dict], params: dict[str, str]) -> tuple[list[dict], str | None]:
    """MaxRecords/Marker paging as RDS does it (default 100, marker = next offset)."""
    size = int(params.get("MaxRecords") or 100)
    start = int(params.get("Marker") or 0)
    nxt = start + size
    return items[start:nxt], (str(nxt) if nxt < len(items) else None)


DEFAULT_V3 = "3.08.2"  # what DefaultOnly answers for 8.0 unless a test installs another default


def describe_db_engine_versions(params: dict[str, str], default_v3: str = DEFAULT_V3) -> dict | AwsError:
    """``DefaultOnly=true`` with ``EngineVersion=8.0`` answers the default 8.0 version only (AWS: "the default
    version of the specified engine or the engine and major version combination")."""
    engine = params.get("Engine")
    if engine and engine != "aurora-mysql":
        return {"DBEngineVersions": []}
    items = engine_versions()
    if params.get("DefaultOnly", "false").lower() == "true":
        major = params.get("EngineVersion", "8.0")
        wanted = v3(default_v3) if major.startswith("8.0") else v2(V2_VERSIONS[-1])
        return {"DBEngineVersions": [v for v in items if v["EngineVersion"] == wanted]}
    if params.get("IncludeAll", "false").lower() != "true":
        items = [v for v in items if v["EngineVersion"] not in {v2(s) for s in RETIRED_V2}]
    if params.get("EngineVersion"):
        items = [v for v in items if v["EngineVersion"] == params["EngineVersion"]]
    if params.get("DBParameterGroupFamily"):
        items = [v for v in items if v["DBParameterGroupFamily"] == params["DBParameterGroupFamily"]]
    page, marker = _page(items, params)
    return {"DBEngineVersions": page, "Marker": marker}


def _engine_defaults(level: str) -> Callable[[dict[str, str]], dict | AwsError]:
    def handler(params: dict[str, str]) -> dict | AwsError:
        from upgrade_cli.params import profiles  # lazily: the data lives in param_profiles/

        family = params.get("DBParameterGroupFamily", "")
        if family not in profiles.FAMILIES:
            return aws_error("InvalidParameterValue", f"Invalid DB parameter group family: {family}")
        records = profiles.engine_default_records(family, level)
        page, marker = _page(records, params)
        return {"EngineDefaults": {"DBParameterGroupFamily": family, "Marker": marker, "Parameters": page}}

    return handler


def describe_orderable_db_instance_options(params: dict[str, str]) -> dict | AwsError:
    """Orderable aurora-mysql classes for one engine version (``DBInstanceClass`` narrows to one class)."""
    version = params.get("EngineVersion", "")
    if params.get("Engine") != "aurora-mysql" or version not in {v["EngineVersion"] for v in engine_versions()}:
        return {"OrderableDBInstanceOptions": []}
    classes = CLASSES_V3 if version.startswith("8.0.") else CLASSES_V2
    if params.get("DBInstanceClass"):
        classes = [c for c in classes if c == params["DBInstanceClass"]]
    items = [{"Engine": "aurora-mysql", "EngineVersion": version, "DBInstanceClass": c, "StorageType": "aurora",
              "SupportsClusters": True} for c in classes]
    page, marker = _page(items, params)
    return {"OrderableDBInstanceOptions": page, "Marker": marker}


# Support windows the fake answers with. Deliberately NOT the offline table's dates (8.0 has an end date
# here, none in param_profiles/engine_lifecycle.yaml), so a test can tell which source a figure came from.
MAJOR_WINDOWS = {
    "5.7": {"standard": ("2015-10-01", "2024-10-31"), "extended": ("2024-10-31", "2028-02-29")},
    "8.0": {"standard": ("2021-11-18", "2028-04-30"), "extended": ("2028-04-30", "2031-04-30")},
}


def describe_db_major_engine_versions(params: dict[str, str]) -> dict | AwsError:
    engine = params.get("Engine")
    if engine and engine != "aurora-mysql":
        return {"DBMajorEngineVersions": []}
    items = [{"Engine": "aurora-mysql", "MajorEngineVersion": major,
              "SupportedEngineLifecycles": [
                  {"LifecycleSupportName": f"open-source-rds-{kind}-support", "LifecycleSupportStartDate": start,
                   "LifecycleSupportEndDate": end}
                  for kind, (start, end) in spans.items()]}
             for major, spans in MAJOR_WINDOWS.items()
             if not params.get("MajorEngineVersion") or params["MajorEngineVersion"] == major]
    page, marker = _page(items, params)
    return {"DBMajorEngineVersions": page, "Marker": marker}


def install_rds_engine_fake(aws: FakeAWS, defaults: bool = True, default_v3: str = DEFAULT_V3) -> None:
    """Answer the engine-version, orderable-class, support-window (and, unless ``defaults=False``,
    engine-default) calls."""
    aws.on("DescribeDBEngineVersions", lambda params: describe_db_engine_versions(params, default_v3))
    aws.on("DescribeDBMajorEngineVersions", describe_db_major_engine_versions)
    aws.on("DescribeOrderableDBInstanceOptions", describe_orderable_db_instance_options)
    if defaults:
        aws.on("DescribeEngineDefaultClusterParameters", _engine_defaults("cluster"))
        aws.on("DescribeEngineDefaultParameters", _engine_defaults("instance"))


def throttled(handler: Callable[[dict[str, str]], Any] | None, times: int) -> Callable[[dict[str, str]], Any]:
    """Fail the first ``times`` calls with ``Throttling`` (``times < 0``: always), then defer to ``handler``.

    ``handler=None`` passes the request on to moto once the throttling is over.
    """
    state = {"left": times}

    def wrapped(params: dict[str, str]) -> Any:
        if state["left"] != 0:
            state["left"] -= 1 if state["left"] > 0 else 0
            return aws_error("Throttling", "Rate exceeded", 400)
        return handler(params) if handler else None

    return wrapped
