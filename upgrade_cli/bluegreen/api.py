"""The blue/green stage as other stages ask it, and the only bluegreen module another stage may import.

The dossier and `metrics compare` read a deployment's RDS events (its timeline; when it switched over when
no journal says so), and the dossier shows the Extended Support line of its 5.7 cluster as `bluegreen status`
does. The import-linter contracts in pyproject.toml hold every other bluegreen module to this stage
(docs/architecture.md, "Layers").
"""

from __future__ import annotations

from typing import Any

from upgrade_cli import aws
from upgrade_cli.bluegreen import cost
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.bluegreen.rds import arn_name, find_deployment, lookup_deployment

__all__ = ["arn_name", "deployment_events", "extended_support_line", "find_deployment", "lookup_deployment",
           "production_of_old_blue"]

EVENT_MINUTES = 20160  # the 14 days RDS keeps events for (DescribeEvents Duration)


def deployment_events(rds: Any, dep: dict[str, Any]) -> list[dict[str, Any]]:
    """The RDS events of the deployment ``dep`` (a DescribeBlueGreenDeployments record) of the last 14 days."""
    return list(aws.paginate(rds, "describe_events", "Events", SourceType="blue-green-deployment",
                             SourceIdentifier=dep["BlueGreenDeploymentIdentifier"], Duration=EVENT_MINUTES))


def production_of_old_blue(dep: dict[str, Any]) -> str | None:
    """After a switchover the deployment's Source is the renamed old blue (prod-old1): production is "prod"."""
    return bg.OLD_BLUE.sub("", arn_name(dep.get("Source", ""))) or None


def extended_support_line(rds: Any, dep: dict[str, Any] | None) -> str | None:
    """The Extended Support cost line of the deployment's 5.7 cluster (blue, or the kept -old1), as
    `bluegreen status` shows it; None when the cluster is gone."""
    found = aws.describe_cluster(rds, dep["Source"]) if dep and dep.get("Source") else None
    if dep is None or found is None:
        return None
    role = "old blue" if dep.get("Status") == bg.SWITCHOVER_COMPLETED else "blue"
    return cost.line(cost.estimate(rds, found, rds.meta.region_name), role)
