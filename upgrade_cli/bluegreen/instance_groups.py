"""Which 8.0 instance parameter group each green instance runs with, and putting it there.

``CreateBlueGreenDeployment`` takes one ``TargetDBParameterGroupName`` for every green instance, but
``params plan`` writes one 8.0 instance group per distinct 5.7 instance group (a reader's TempTable
sizing differs from the writer's). ``params plan --apply`` tags each group it creates with the 5.7
group it was made from (``SOURCE_TAG``); from those tags each blue instance's 5.7 group maps to its
planned 8.0 group. Green is created with the writer's; every other green instance is then moved to
its own group with ``ModifyDBInstance`` and rebooted (static parameters apply only on reboot), each
call journaled and made only when AWS shows it is still needed. ``--instance-parameter-group`` forces
one group for all, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upgrade_cli import aws
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.outcome import ToolError
from upgrade_cli.handoffs import SOURCE_TAG

V3_FAMILY = "aurora-mysql8.0"
IN_SYNC = "in-sync"


@dataclass(frozen=True)
class Planned:
    """Blue instance id -> the 8.0 instance group its green partner gets, and how that was decided."""

    groups: dict[str, str]
    how: str  # "forced by --instance-parameter-group", "params plan tags", or why nothing was found
    missing: tuple[str, ...] = ()  # blue instances whose 5.7 group no planned 8.0 group was made from
    error: str | None = None  # the plan could not be read (the target-instance-group gate fails with it)

    def writer_group(self, writer: str | None) -> str | None:
        return self.groups.get(writer or "") or next(iter(self.groups.values()), None)


@dataclass(frozen=True)
class Assignment:
    """What the switchover gate green-instance-groups judges: green id -> planned group, and how it was decided."""

    wanted: dict[str, str]
    how: str
    error: str | None = None
    pending_in_dry_run: bool = False  # a dry run printed the calls; AWS does not show their effect


def instance_group(instance: dict[str, Any]) -> str | None:
    return (instance.get("DBParameterGroups") or [{}])[0].get("DBParameterGroupName")


def apply_status(instance: dict[str, Any]) -> str | None:
    return (instance.get("DBParameterGroups") or [{}])[0].get("ParameterApplyStatus")


def _tagged_sources(rds: Any, cluster_group: str | None) -> dict[str, list[str]]:
    """5.7 group -> the 8.0 instance groups tagged as made from it (narrowed to the plan's names when known).

    ``params plan --name N`` names its groups ``N-cluster`` and ``N-instance[-i]``; with such a cluster
    group only ``N-instance*`` groups are read, so another cluster's plan from the same 5.7 group cannot
    be picked up by mistake.
    """
    prefix = cluster_group[:-len("-cluster")] + "-instance" if cluster_group and cluster_group.endswith("-cluster") \
        else ""
    out: dict[str, list[str]] = {}
    for group in aws.paginate(rds, "describe_db_parameter_groups", "DBParameterGroups"):
        name = group.get("DBParameterGroupName", "")
        if group.get("DBParameterGroupFamily") != V3_FAMILY or not name.startswith(prefix):
            continue
        tags = aws.call(rds, "list_tags_for_resource", ResourceName=group["DBParameterGroupArn"]).get("TagList", [])
        source = next((t.get("Value") for t in tags if t.get("Key") == SOURCE_TAG), None)
        if source:
            out.setdefault(source, []).append(name)
    return out


def plan_for(rds: Any, blue_instances: list[dict[str, Any]], cluster_group: str | None,
             forced: str | None) -> Planned:
    """The 8.0 group for each blue instance's green partner."""
    ids = [i["DBInstanceIdentifier"] for i in blue_instances]
    if forced:
        return Planned({i: forced for i in ids}, "forced by --instance-parameter-group")
    sources = _tagged_sources(rds, cluster_group)
    groups: dict[str, str] = {}
    missing = []
    for inst in blue_instances:
        made = sorted(sources.get(instance_group(inst) or "", []))
        if len(made) > 1:
            raise ToolError(f"several 8.0 instance groups are tagged as made from {instance_group(inst)} "
                            f"({', '.join(made)}): name one with --instance-parameter-group")
        if made:
            groups[inst["DBInstanceIdentifier"]] = made[0]
        else:
            missing.append(inst["DBInstanceIdentifier"])
    how = f"`params plan` tags ({SOURCE_TAG})" if groups else "no 8.0 group tagged by `params plan --apply`"
    return Planned(groups, how, tuple(missing))


def green_partners(rds: Any, dep: dict[str, Any]) -> dict[str, str]:
    """Blue instance id -> green instance id, from the deployment's switchover member pairs.

    AWS pairs every blue resource with its green copy in ``SwitchoverDetails``; green instance names
    are ``<blue>-green-<suffix>``, which is the fallback when a pair is not listed.
    """
    pairs: dict[str, str] = {}
    for detail in dep.get("SwitchoverDetails", []):
        source, target = detail.get("SourceMember", ""), detail.get("TargetMember", "")
        if ":db:" in source and ":db:" in target:
            pairs[bg.arn_name(source)] = bg.arn_name(target)
    green = aws.describe_cluster(rds, dep["Target"]) if dep.get("Target") else None
    if green is not None:
        for member in green.get("DBClusterMembers", []):
            gid = member["DBInstanceIdentifier"]
            if gid not in pairs.values() and "-green-" in gid:
                pairs.setdefault(gid.rsplit("-green-", 1)[0], gid)
    return pairs


@dataclass(frozen=True)
class Step:
    """One call that puts a green instance on its planned group (or applies it)."""

    green: str
    operation: str  # modify_db_instance | reboot_db_instance
    params: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{'assign-group' if self.operation == 'modify_db_instance' else 'reboot'}:{self.green}"


def steps_for(green_instances: dict[str, dict[str, Any]], wanted: dict[str, str]) -> list[Step]:
    """What AWS still needs, read from the instances as they are: a group change, or the reboot that applies it."""
    out = []
    for gid, group in sorted(wanted.items()):
        inst = green_instances.get(gid)
        if inst is None:
            continue
        if instance_group(inst) != group:
            out.append(Step(gid, "modify_db_instance",
                            {"DBInstanceIdentifier": gid, "DBParameterGroupName": group, "ApplyImmediately": True}))
            out.append(Step(gid, "reboot_db_instance", {"DBInstanceIdentifier": gid}))
        elif apply_status(inst) == "pending-reboot":
            out.append(Step(gid, "reboot_db_instance", {"DBInstanceIdentifier": gid}))
    return out


def wanted_by_green(planned: dict[str, str], partners: dict[str, str]) -> dict[str, str]:
    """Green instance id -> planned group, through the blue → green pairs."""
    return {partners[blue]: group for blue, group in planned.items() if blue in partners}
