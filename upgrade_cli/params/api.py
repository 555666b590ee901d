"""The params engine as other stages drive it, and the only params module another stage may import.

`bluegreen create` asks whether a target version is a valid upgrade of blue's (the ``target-version`` gate);
`bluegreen switchover` gives production back blue's values of the settings green had to start without;
`fleet` diffs each distinct 5.7 cluster parameter group once. The import-linter contracts in pyproject.toml
hold every other params module to this stage (docs/architecture.md, "Layers").
"""

from __future__ import annotations

from typing import Any

from upgrade_cli import aws
from upgrade_cli.params import groups, profiles
from upgrade_cli.params.diff import Report, build_report, v2_effective
from upgrade_cli.params.groups import FamilyDefaults, family_defaults
from upgrade_cli.params.plan import after_switchover_call
from upgrade_cli.params.versions import TargetVerdict, check_target, valid_upgrade_targets

V2, V3 = profiles.V2, profiles.V3  # the 5.7 and 8.0 parameter group families

__all__ = ["V2", "V3", "FamilyDefaults", "Report", "TargetVerdict", "check_target", "family_defaults",
           "group_report", "restore_call", "valid_upgrade_targets"]


def group_report(rds: Any, name: str, engine_version: str, v2: FamilyDefaults, v3: FamilyDefaults) -> Report:
    """`params diff` of one 5.7 cluster parameter group on its own (no instance groups)."""
    group = groups.read_cluster_group(rds, name)
    return build_report(groups.ClusterParams(name, engine_version, group, [], origin="aws"), v2, v3)


def restore_call(rds: Any, old_blue: str, production: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ModifyDBClusterParameterGroup parameters that give ``production`` (the cluster record; green, after
    the switchover) blue's values of what green started without, or None when nothing differs.

    Blue's value is read from ``old_blue``'s own groups (the writer's instance group wins over the cluster
    group, as on the server)."""
    names = profiles.rules().green_settings
    if not names or production is None or aws.describe_cluster(rds, old_blue) is None:
        return None
    cp = groups.read_cluster(rds, old_blue)
    v2 = groups.family_defaults(None, profiles.V2)
    target_group = production["DBClusterParameterGroup"]
    current = groups.read_cluster_group(rds, target_group)
    wanted = {}
    for name, rule in names.items():
        blue_value = v2_effective(cp, cp.writer, name, v2)
        if blue_value is not None and blue_value.upper() != rule["green"].upper() and \
                (current.value(name) or "").upper() != blue_value.upper():
            wanted[name] = blue_value
    return after_switchover_call(target_group, wanted).params if wanted else None
