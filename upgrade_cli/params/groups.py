"""Read a cluster's parameter groups (live through boto3, or offline from exported JSON).

Two listings per group: ``Source=user`` says what the DBA set; the full listing gives each
parameter's metadata and the group's own default for the rest. Family defaults come from
``DescribeEngineDefault*Parameters`` and fall back to ``param_profiles/`` when that call is
unavailable, and the result says which source was used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from upgrade_cli import aws
from upgrade_cli.inputs import read_json
from upgrade_cli.outcome import ToolError
from upgrade_cli.handoffs import expect_kind
from upgrade_cli.params import profiles
from upgrade_cli.params.profiles import ParamInfo


@dataclass
class GroupParams:
    """One parameter group: explicit (user) values and the full records by name."""

    name: str
    kind: str  # "cluster" | "instance"
    user: dict[str, str] = field(default_factory=dict)
    records: dict[str, dict] = field(default_factory=dict)
    family: str | None = None

    def value(self, name: str) -> str | None:
        """The user value, else the group's listed value (its default), else None."""
        if name in self.user:
            return self.user[name]
        return self.records.get(name, {}).get("ParameterValue")


@dataclass
class Member:
    id: str
    instance_class: str | None
    writer: bool
    group: GroupParams

    @property
    def role(self) -> str:
        return "writer" if self.writer else "reader"


@dataclass
class ClusterParams:
    cluster_id: str
    engine_version: str | None
    cluster_group: GroupParams
    members: list[Member]
    origin: str  # "aws" | "json"

    def instance_groups(self) -> dict[str, tuple[GroupParams, list[Member]]]:
        """Distinct instance groups with the members that use each (instances may differ)."""
        out: dict[str, tuple[GroupParams, list[Member]]] = {}
        for m in self.members:
            out.setdefault(m.group.name, (m.group, []))[1].append(m)
        return out

    @property
    def writer(self) -> Member | None:
        return next((m for m in self.members if m.writer), None)


@dataclass
class FamilyDefaults:
    family: str
    params: dict[str, ParamInfo]
    source: str  # human-readable: which source the defaults came from, and why

    @property
    def from_api(self) -> bool:
        return self.source.startswith("DescribeEngineDefault")


# ---- live ---------------------------------------------------------------------------------------

def _group_from_records(name: str, kind: str, user_records: list[dict], full_records: list[dict]) -> GroupParams:
    # A record from the Source=user call counts as user-set unless it says otherwise; moto returns no Source.
    user = {r["ParameterName"]: str(r.get("ParameterValue", "")) for r in user_records
            if r.get("Source", "user") == "user" and "ParameterValue" in r}
    full = {r["ParameterName"]: r for r in full_records}
    for n, r in full.items():  # the full listing may also carry user values (an export, or a real account)
        if r.get("Source") == "user" and "ParameterValue" in r:
            user.setdefault(n, str(r["ParameterValue"]))
    return GroupParams(name=name, kind=kind, user=user, records=full)


def read_cluster_group(rds: Any, name: str) -> GroupParams:
    args = {"DBClusterParameterGroupName": name}
    user = list(aws.paginate(rds, "describe_db_cluster_parameters", "Parameters", Source="user", **args))
    full = list(aws.paginate(rds, "describe_db_cluster_parameters", "Parameters", **args))
    return _group_from_records(name, "cluster", user, full)


def read_instance_group(rds: Any, name: str) -> GroupParams:
    args = {"DBParameterGroupName": name}
    user = list(aws.paginate(rds, "describe_db_parameters", "Parameters", Source="user", **args))
    full = list(aws.paginate(rds, "describe_db_parameters", "Parameters", **args))
    return _group_from_records(name, "instance", user, full)


def read_cluster(rds: Any, cluster_id: str) -> ClusterParams:
    cluster = aws.describe_cluster(rds, cluster_id)
    if cluster is None:
        raise ToolError(f"DB cluster {cluster_id!r} not found")
    if cluster.get("Engine") not in (None, "aurora-mysql", "aurora"):
        raise ToolError(f"cluster {cluster_id} runs {cluster.get('Engine')}, not aurora-mysql")
    cgroup = read_cluster_group(rds, cluster["DBClusterParameterGroup"])
    writers = {m["DBInstanceIdentifier"]: bool(m.get("IsClusterWriter")) for m in cluster.get("DBClusterMembers", [])}
    instances = {i["DBInstanceIdentifier"]: i for i in aws.paginate(
        rds, "describe_db_instances", "DBInstances", Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])}
    groups: dict[str, GroupParams] = {}
    members = []
    for ident, is_writer in writers.items():
        inst = instances.get(ident)
        if inst is None:
            raise ToolError(f"cluster member {ident} of {cluster_id} was not returned by DescribeDBInstances")
        gname = (inst.get("DBParameterGroups") or [{}])[0].get("DBParameterGroupName")
        if not gname:
            raise ToolError(f"instance {ident} reports no DB parameter group")
        if gname not in groups:
            groups[gname] = read_instance_group(rds, gname)
        members.append(Member(ident, inst.get("DBInstanceClass"), is_writer, groups[gname]))
    members.sort(key=lambda m: (not m.writer, m.id))
    return ClusterParams(cluster_id, cluster.get("EngineVersion"), cgroup, members, origin="aws")


def read_target_group(rds: Any, name: str, kind: str) -> GroupParams:
    """A user-named 8.0 group to compare against; it must be of family aurora-mysql8.0."""
    found = aws.group_record(rds, name, kind)
    if found is None:  # AWS raises DBParameterGroupNotFound; moto answers an empty list
        raise ToolError(f"target {kind} parameter group {name} not found")
    family = found.get("DBParameterGroupFamily")
    group = read_cluster_group(rds, name) if kind == "cluster" else read_instance_group(rds, name)
    if family and family != profiles.V3:
        raise ToolError(f"target {kind} parameter group {name} is family {family}, expected {profiles.V3}")
    group.family = family
    return group


def _engine_defaults(rds: Any, operation: str, family: str) -> list[dict]:
    """All pages of DescribeEngineDefault*Parameters (the result sits under EngineDefaults)."""
    out: list[dict] = []
    for page in rds.get_paginator(operation).paginate(DBParameterGroupFamily=family):
        out.extend(page.get("EngineDefaults", {}).get("Parameters", []))
    return out


def family_defaults(rds: Any | None, family: str) -> FamilyDefaults:
    """Family defaults from the API; fall back to param_profiles when the calls fail (saying why)."""
    if rds is None:
        return FamilyDefaults(family, profiles.family_profile(family), "param_profiles (offline)")
    try:
        cluster = _engine_defaults(rds, "describe_engine_default_cluster_parameters", family)
        instance = _engine_defaults(rds, "describe_engine_default_parameters", family)
    except aws.AWS_ERRORS as exc:  # an endpoint without the call answers garbage
        reason = aws.explain(exc, "DescribeEngineDefaultParameters")
        return FamilyDefaults(family, profiles.family_profile(family), f"param_profiles (API unavailable: {reason})")
    if not cluster and not instance:
        return FamilyDefaults(family, profiles.family_profile(family), "param_profiles (API returned no defaults)")
    params: dict[str, ParamInfo] = {}
    known = profiles.family_profile(family)
    for rec in cluster:
        params[rec["ParameterName"]] = profiles.info_from_record(rec, "cluster")
    for rec in instance:  # a name the instance call returns is an instance-level parameter
        params[rec["ParameterName"]] = profiles.info_from_record(rec, "instance")
    for name, info in params.items():  # keep documented notes / memory-threshold defaults the API cannot express
        if name in known:
            k = known[name]
            params[name] = ParamInfo(**{**info.__dict__, "note": k.note, "verify": k.verify,
                                        "server_default": k.server_default,
                                        "default_by_class_memory": k.default_by_class_memory})
    return FamilyDefaults(family, params, "DescribeEngineDefaultClusterParameters + DescribeEngineDefaultParameters")


# ---- offline -------------------------------------------------------------------------------------

def _read_export(path: Path) -> list[dict]:
    data = read_json(path, "parameter JSON export")
    expect_kind(path, data, "parameter JSON export", "Parameters")
    params = data.get("Parameters") if isinstance(data, dict) else None
    if not isinstance(params, list) or not all(isinstance(p, dict) and "ParameterName" in p for p in params):
        raise ToolError(f"{path}: expected the output of `aws rds describe-db-cluster-parameters` or "
                        "`describe-db-parameters` (an object with a Parameters list)")
    return params


def from_json(cluster_file: Path, instance_files: list[Path], classes: list[str]) -> ClusterParams:
    """A ClusterParams from exported JSON; the first instance file is the writer, the rest readers.

    Records with ``Source: user`` are the DBA's settings; an export made with ``--source user``
    (every record user) works too.
    """
    if len(classes) > len(instance_files):
        raise ToolError("--instance-class was given more often than --instance-json")
    records = _read_export(cluster_file)
    cgroup = _group_from_records(Path(cluster_file).stem, "cluster", [], records)
    if not any("Source" in r for r in records):  # `--query` exports may drop Source: then all are user values
        cgroup = _group_from_records(Path(cluster_file).stem, "cluster", records, records)
    members = []
    for i, path in enumerate(instance_files):
        recs = _read_export(path)
        group = _group_from_records(Path(path).stem, "instance", [] if any("Source" in r for r in recs) else recs, recs)
        members.append(Member(f"instance-{i + 1}", classes[i] if i < len(classes) else None, i == 0, group))
    return ClusterParams(Path(cluster_file).stem, None, cgroup, members, origin="json")
