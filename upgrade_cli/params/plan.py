"""The aurora-mysql8.0 cluster and instance groups that carry over a v2 cluster's settings, and applying them.

The plan follows :func:`diff.map_setting` for every user setting (rename, drop with a note, move to
the cluster group, clean a value 8.0 rejects, give green what blue/green needs). What green must not
start with but production needs back (``event_scheduler``) is listed as an after-switchover step,
which ``bluegreen switchover`` performs and journals. Applying is idempotent: it reads what exists
first and only issues the Create / Modify calls that would change something, so a second run makes
no call at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable


from upgrade_cli import aws, dryrun
from upgrade_cli.handoffs import CHANGED_TAG, SOURCE_TAG
from upgrade_cli.outcome import ToolError
from upgrade_cli.params import profiles
from upgrade_cli.params.diff import map_setting, v2_effective
from upgrade_cli.params.groups import ClusterParams, FamilyDefaults

_GROUP_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
MODIFY_BATCH = 20  # ModifyDB(Cluster)ParameterGroup accepts at most 20 parameters per call
# AWS parameter reference: in v3, innodb_flush_log_at_trx_commit other than 1 needs this set to 1 first.
FLUSH, ALLOW_LOSS = "innodb_flush_log_at_trx_commit", "innodb_trx_commit_allow_data_loss"
SET_FIRST = (ALLOW_LOSS,)  # parameters a Modify call must carry before the others
SETTLE_MINUTES = 5
TAG_WHEN = ("once the calls before it are made: the time of the change, from which `bluegreen create` counts AWS's "
            f"{SETTLE_MINUTES} minutes")
SETTLE_NOTE = (f"AWS asks to wait at least {SETTLE_MINUTES} minutes after creating or modifying a DB cluster "
               "parameter group before creating a cluster from it (ModifyDBClusterParameterGroup API reference); "
               "`bluegreen create` checks the groups' last change and waits (--wait) or stops until then")
TEMPTABLE_MEMORY_NOTE = (
    "internal_tmp_mem_storage_engine=MEMORY for the writer (--temptable-engine memory): in-memory temp tables are "
    "limited per table by tmp_table_size/max_heap_table_size instead of sharing the TempTable pool, tables with "
    "TEXT/BLOB columns go straight to InnoDB on disk, and VARCHAR is stored at full width; readers stay on "
    "TempTable (fixed), so a reader promoted to writer keeps the same setting only if it shares this group")


@dataclass
class PlannedParam:
    name: str
    value: str
    apply_method: str
    origin: str  # where the value came from, e.g. "instance group g: tx_isolation"


@dataclass
class PlannedGroup:
    kind: str  # cluster | instance
    name: str
    description: str
    params: dict[str, PlannedParam] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)


@dataclass
class Dropped:
    name: str
    value: str
    where: str
    note: str


@dataclass
class Fixed:
    """A value 8.0 rejects (an error): what the v2 group had and what the plan carries instead."""

    name: str
    value: str
    cleaned: str | None
    where: str
    note: str


@dataclass
class Plan:
    cluster_id: str
    cluster_group: PlannedGroup
    instance_groups: list[PlannedGroup]
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    fixed: list[Fixed] = field(default_factory=list)
    after_switchover: dict[str, str] = field(default_factory=dict)  # cluster-group parameter -> production value
    unverified: list[str] = field(default_factory=list)  # "name (where)": not known to exist in 8.0 (offline defaults)
    source_groups: dict[str, str] = field(default_factory=dict)  # 8.0 group name -> the 5.7 group it was made from

    def groups(self) -> list[PlannedGroup]:
        return [self.cluster_group, *self.instance_groups]

    def to_dict(self) -> dict:
        def g(p: PlannedGroup) -> dict:
            return {"kind": p.kind, "name": p.name, "family": profiles.V3, "description": p.description,
                    "members": p.members,
                    "parameters": {n: {"value": x.value, "apply_method": x.apply_method, "origin": x.origin}
                                   for n, x in sorted(p.params.items())}}
        return {"plan_format": 1, "cluster": self.cluster_id, "groups": [g(p) for p in self.groups()],
                "dropped": [d.__dict__ for d in self.dropped], "errors_fixed": [f.__dict__ for f in self.fixed],
                "after_switchover": [{"group": self.cluster_group.name, "parameter": n, "value": v}
                                     for n, v in sorted(self.after_switchover.items())],
                "notes": self.notes, "blockers": self.blockers, "unverified": self.unverified}


def after_switchover_call(group: str, values: dict[str, str]) -> "ApiCall":
    """The call `bluegreen switchover` makes (journaled) once production runs on ``group``."""
    return ApiCall("modify_db_cluster_parameter_group", {
        "DBClusterParameterGroupName": group,
        "Parameters": [{"ParameterName": n, "ParameterValue": v, "ApplyMethod": "immediate"}
                       for n, v in sorted(values.items())]})


def build_plan(cp: ClusterParams, v2: FamilyDefaults, v3: FamilyDefaults, name: str,
               temptable_engine: str = "temptable") -> Plan:
    if not _GROUP_NAME.match(name) or "--" in name or len(name) > 255 - len("-instance-99"):
        raise ToolError(f"--name {name!r}: use letters, digits and single hyphens, starting with a letter and not "
                        "ending with a hyphen (AWS parameter group naming rules)")
    cgroup = PlannedGroup("cluster", f"{name}-cluster",
                          f"aurora-upgrade: 8.0 cluster group for {cp.cluster_id} (from {cp.cluster_group.name})")
    plan = Plan(cp.cluster_id, cgroup, [])
    plan.source_groups[cgroup.name] = cp.cluster_group.name
    moved_from: dict[str, tuple[str, bool]] = {}  # cluster param name -> (value, came from the writer's group)

    def put(group: PlannedGroup, new: str, value: str, origin: str) -> None:
        info = v3.params.get(new)
        group.params[new] = PlannedParam(new, value, info.apply_method if info else "pending-reboot", origin)

    def mapped(pname: str, value: str, kind: str, where: str):
        """The mapping, with a rejected value recorded as fixed and green's override as an after-switchover step."""
        m = map_setting(pname, value, kind, v3)
        if m.rule == "unverified":
            plan.unverified.append(f"{m.new_name} ({where})")
        if m.rule == "value_fixed":
            plan.fixed.append(Fixed(pname, value, m.value, where, m.note))
        return m, (m.value if m.value is not None else value)

    for pname, value in sorted(cp.cluster_group.user.items()):
        where = f"cluster group {cp.cluster_group.name}"
        m, planned_value = mapped(pname, value, "cluster", where)
        if m.new_name is None:
            if m.rule != "value_fixed":
                plan.dropped.append(Dropped(pname, value, where, m.note))
        else:
            put(cgroup, m.new_name, planned_value, f"{where}: {pname}")
            if m.restore is not None:
                plan.after_switchover[m.new_name] = m.restore

    inst_groups = list(cp.instance_groups().values())
    for i, (group, members) in enumerate(inst_groups):
        gname = f"{name}-instance" + (f"-{i + 1}" if len(inst_groups) > 1 else "")
        planned = PlannedGroup("instance", gname, f"aurora-upgrade: 8.0 instance group for {cp.cluster_id} "
                               f"(from {group.name})", members=[m.id for m in members])
        has_writer = any(m.writer for m in members)
        plan.source_groups[gname] = group.name
        for pname, value in sorted(group.user.items()):
            where = f"instance group {group.name}"
            m, planned_value = mapped(pname, value, "instance", where)
            origin = f"{where}: {pname}"  # what changed the value is in plan.fixed / plan.after_switchover
            if m.new_name is None:
                if m.rule != "value_fixed":
                    plan.dropped.append(Dropped(pname, value, where, m.note))
            elif m.new_kind == "cluster":
                _move(plan, moved_from, m.new_name, planned_value, has_writer, origin, put)
                if has_writer and m.new_name in profiles.rules().green_settings:
                    if m.restore:  # the writer's value is what production ran with
                        plan.after_switchover[m.new_name] = m.restore
                    else:
                        plan.after_switchover.pop(m.new_name, None)
                elif m.restore and m.new_name not in plan.after_switchover:
                    plan.after_switchover[m.new_name] = m.restore
            else:
                put(planned, m.new_name, planned_value, origin)
        if temptable_engine == "memory" and has_writer:
            put(planned, "internal_tmp_mem_storage_engine", "MEMORY", "--temptable-engine memory (writer)")
            if len(members) > 1:
                plan.notes.append(f"{planned.name} is shared by the writer and readers: MEMORY is a no-op on the "
                                  "readers (fixed to TempTable)")
        plan.instance_groups.append(planned)
    if temptable_engine == "memory":
        plan.notes.append(TEMPTABLE_MEMORY_NOTE)

    flush = cgroup.params.get(FLUSH)
    if flush is not None and flush.value.strip() != "1" and cgroup.params.get(ALLOW_LOSS, flush).value != "1":
        put(cgroup, ALLOW_LOSS, "1", f"{FLUSH}={flush.value}, which v3 accepts only with it (AWS parameter reference)")
        plan.notes.append(f"{ALLOW_LOSS}=1 planned with {FLUSH}={flush.value}: v3 rejects a {FLUSH} other than 1 "
                          "without it (sent first in the same call); a crash can lose up to about a second of "
                          "committed transactions")
    for pname, value in sorted(plan.after_switchover.items()):
        plan.notes.append(f"{pname}={cgroup.params[pname].value} in {cgroup.name} for green; after the switchover "
                          f"`bluegreen switchover` sets {pname}={value} in {cgroup.name} (then production)")

    binlog = v2_effective(cp, cp.writer, "binlog_format", v2)
    if (binlog or "OFF").upper() == "OFF":
        plan.blockers.append("binlog_format is OFF on the v2 cluster: blue/green needs binary logging on the blue "
                             f"cluster - set binlog_format=ROW in {cp.cluster_group.name} and reboot the writer "
                             "(static) before creating the deployment")
    if "binlog_format" in cgroup.params:
        plan.notes.append(f"binlog_format={cgroup.params['binlog_format'].value} kept in the 8.0 cluster group so "
                          "green keeps writing binlogs")
    if "tmp_table_size" in set().union(*(g.params for g in plan.groups())):
        plan.notes.append("tmp_table_size kept, but in 8.0 it limits TempTable tables only when "
                          "aurora_tmptable_enable_per_table_limit=ON (3.04+); the plan leaves that flag OFF, because "
                          "ON makes reader queries fail with ERROR 1114 at tmp_table_size - see `params diff` advice")
    return plan


def _move(plan: Plan, moved_from: dict, new: str, value: str, from_writer: bool, origin: str, put: Callable) -> bool:
    """Put an instance-group setting into the cluster group (True when it took); the writer's group wins."""
    cgroup = plan.cluster_group
    existing = cgroup.params.get(new)
    prev = moved_from.get(new)
    if existing is None or (from_writer and (prev is None or not prev[1])):
        if existing is not None and existing.value != value:
            plan.notes.append(f"{new}: {origin} ({value}) overrides {existing.origin} ({existing.value}) in the "
                              "8.0 cluster group (it was the effective value on the writer)")
        put(cgroup, new, value, origin)
        moved_from[new] = (value, from_writer)
        plan.notes.append(f"{new} moved to the 8.0 cluster group {cgroup.name} (cluster-level only in 8.0), "
                          f"from {origin}")
        return True
    if existing.value != value:
        plan.notes.append(f"{new}: {origin} sets {value}, but the 8.0 cluster group keeps {existing.value} from "
                          f"{existing.origin} (cluster-level only in 8.0: one value for all instances)")
    return False


# ---- applying ------------------------------------------------------------------------------------

@dataclass
class ApiCall:
    operation: str  # boto3 method name
    params: dict[str, Any]
    when: str | None = None  # shown by a dry run: when the real run makes it

    def record(self) -> dryrun.Call:
        """The call as dry runs show it (API operation name, parameters)."""
        return dryrun.record("rds", self.operation, self.params, self.when)

    def describe(self) -> str:
        """The call as one runnable ``aws rds ...`` line."""
        return dryrun.aws_cli(self.record())


_NOT_FOUND = {"DBParameterGroupNotFound", "DBParameterGroupNotFoundFault", "DBClusterParameterGroupNotFound",
              "DBClusterParameterGroupNotFoundFault"}


def _existing(rds: Any, group: PlannedGroup) -> dict[str, str] | None:
    """The group's current user values, or None when it does not exist (family checked)."""
    from botocore.exceptions import BotoCoreError, ClientError
    op, key, name_arg = (("describe_db_cluster_parameter_groups", "DBClusterParameterGroups",
                          "DBClusterParameterGroupName") if group.kind == "cluster"
                         else ("describe_db_parameter_groups", "DBParameterGroups", "DBParameterGroupName"))
    try:
        found = getattr(rds, op)(**{name_arg: group.name})[key]
    except ClientError as exc:
        if aws.error_code(exc) in _NOT_FOUND:
            return None
        raise aws.explain(exc, aws._camel(op)) from None
    except BotoCoreError as exc:
        raise aws.explain(exc, aws._camel(op)) from None
    if not found:  # moto answers an unknown name with an empty list; AWS with DBParameterGroupNotFound
        return None
    family = found[0].get("DBParameterGroupFamily")
    if family and family != profiles.V3:
        raise ToolError(f"{group.kind} parameter group {group.name} already exists with family {family}; "
                        f"choose another --name")
    list_op = "describe_db_cluster_parameters" if group.kind == "cluster" else "describe_db_parameters"
    records = aws.paginate(rds, list_op, "Parameters", Source="user", **{name_arg: group.name})
    return {r["ParameterName"]: str(r.get("ParameterValue", "")) for r in records
            if r.get("Source", "user") == "user" and "ParameterValue" in r}


def plan_calls(rds: Any | None, plan: Plan) -> list[ApiCall]:
    """The exact Create/Modify calls needed to make AWS match the plan (read-only: it only describes).

    ``rds=None`` (an offline plan) assumes no group exists yet.
    """
    calls: list[ApiCall] = []
    for group in plan.groups():
        cluster = group.kind == "cluster"
        name_arg = "DBClusterParameterGroupName" if cluster else "DBParameterGroupName"
        current = _existing(rds, group) if rds is not None else None
        if current is None:
            calls.append(ApiCall("create_db_cluster_parameter_group" if cluster else "create_db_parameter_group",
                                 {name_arg: group.name, "DBParameterGroupFamily": profiles.V3,
                                  "Description": group.description,
                                  "Tags": [{"Key": SOURCE_TAG, "Value": plan.source_groups[group.name]}]}))
            current = {}
        changes = sorted((p for p in group.params.values() if current.get(p.name) != p.value),
                         key=lambda p: (p.name not in SET_FIRST, p.name))
        for i in range(0, len(changes), MODIFY_BATCH):
            calls.append(ApiCall("modify_db_cluster_parameter_group" if cluster else "modify_db_parameter_group",
                                 {name_arg: group.name,
                                  "Parameters": [{"ParameterName": p.name, "ParameterValue": p.value,
                                                  "ApplyMethod": p.apply_method}
                                                 for p in changes[i:i + MODIFY_BATCH]]}))
    return calls


def execute(rds: Any, calls: list[ApiCall], done: Callable[[ApiCall], None]) -> None:
    """Run the calls in order; on failure say how far it got (a re-run only repeats what is missing).

    Every group changed is then tagged with the time (CHANGED_TAG), so `bluegreen create` can tell
    whether AWS's 5 minutes since the last change are up.
    """
    for i, c in enumerate(calls):
        try:
            aws.call(rds, c.operation, **c.params)
        except ToolError as exc:
            raise ToolError(f"{exc} (after {i} of {len(calls)} calls; re-run to finish: it only makes the missing "
                            "changes)") from None
        done(c)
    for tag in tag_calls(rds, calls, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")):
        aws.call(rds, tag.operation, **tag.params)


def tag_calls(rds: Any | None, calls: list[ApiCall], now: str | None = None) -> list[ApiCall]:
    """The AddTagsToResource that stamps each group ``calls`` change with CHANGED_TAG = ``now``.

    Without ``now`` (a dry run, or the calls --apply shows first): the calls as they will be made, with the time
    and the ARN of a group that does not exist yet as ``<placeholders>``. With it, groups without an ARN are skipped.
    """
    touched: dict[str, str] = {}  # group name -> kind, in the order of the calls
    made: set[str] = set()  # before the calls are made, a group they create has no ARN yet
    for c in calls:
        cluster = "DBClusterParameterGroupName" in c.params
        name = c.params["DBClusterParameterGroupName" if cluster else "DBParameterGroupName"]
        touched.setdefault(name, "cluster" if cluster else "instance")
        if c.operation.startswith("create_"):
            made.add(name)
    out = []
    for name, kind in touched.items():
        arn = aws.group_arn(rds, name, kind) if rds is not None and (now is not None or name not in made) else None
        if arn or now is None:
            out.append(ApiCall("add_tags_to_resource",
                               {"ResourceName": arn or f"<ARN of {name}>",
                                "Tags": [{"Key": CHANGED_TAG, "Value": now or "<UTC time of the change>"}]},
                               when=None if now else TAG_WHEN))
    return out
