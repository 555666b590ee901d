"""The RDS and CloudWatch look-ups blue/green needs, and the one gate every mutating call passes.

Read-only calls go straight through :mod:`upgrade_cli.aws`. Mutating calls go through
:class:`Mutations`, which in ``--dry-run`` records the exact operation and parameters instead of
calling, so what the operator reviews is what a real run would send.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any


from upgrade_cli import aws, dryrun
from upgrade_cli.outcome import ToolError

# Deployment statuses (botocore RDS model, BlueGreenDeployment.Status); anything else is shown as-is and treated as "not there yet".
PROVISIONING, AVAILABLE = "PROVISIONING", "AVAILABLE"
SWITCHOVER_IN_PROGRESS, SWITCHOVER_COMPLETED = "SWITCHOVER_IN_PROGRESS", "SWITCHOVER_COMPLETED"
SWITCHOVER_FAILED, INVALID_CONFIGURATION, DELETING = "SWITCHOVER_FAILED", "INVALID_CONFIGURATION", "DELETING"

THROTTLING_CODES = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
                    "RequestThrottled", "RequestThrottledException", "ThrottledException", "SlowDown"}
LAG_METRIC = "AuroraBinlogReplicaLag"
NAME_PATTERN = re.compile(r"^[a-zA-Z](?:-?[a-zA-Z0-9]+)*$")
OLD_BLUE = re.compile(r"-old\d+$")


def utcnow() -> dt.datetime:
    """The wall clock (one place, so tests can move it)."""
    return dt.datetime.now(dt.timezone.utc)


class Transient(Exception):
    """A poll that failed for a reason worth waiting out (throttling, a dropped connection)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Mutations:
    """Every call that changes AWS state goes through here; a dry run records it instead (:mod:`upgrade_cli.dryrun`)
    and the command prints the record at the end. ``when``: the real run makes this call later (after a wait)."""

    def __init__(self, dry_run: bool):
        self.dry_run = dry_run
        self.recorded: list[dryrun.Call] = []

    def call(self, api: Any, operation: str, /, when: str | None = None, **params: Any) -> dict[str, Any] | None:
        if self.dry_run:
            self.recorded.append(dryrun.record(api.meta.service_model.service_name, operation, params, when))
            return None
        return aws.call(api, operation, **params)


def deployment_name_for(cluster: str, target_version: str) -> str:
    """A deterministic default name, so a re-run of the same create finds the same journal."""
    raw = f"{cluster}-to-{target_version.split('mysql_aurora.')[-1]}"
    name = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9]", "-", raw)).strip("-")
    name = name if name[:1].isalpha() else f"bg-{name}"
    return name[:60].rstrip("-")


def check_name(name: str) -> str:
    if not (1 <= len(name) <= 60 and NAME_PATTERN.match(name)):
        raise ToolError(f"invalid deployment name {name!r}: 1-60 letters, digits and single hyphens, "
                        "starting with a letter")
    return name


def arn_name(arn: str) -> str:
    """``arn:aws:rds:r:a:cluster:prod`` → ``prod``."""
    return arn.rsplit(":", 1)[-1]


def production_name(dep: dict[str, Any]) -> str:
    """The cluster name production runs under, before or after a switchover, with or without a journal.

    Before: ``Source`` is the blue (production) cluster. After: AWS reports ``Source`` as the renamed
    ``-oldN`` cluster and ``Target`` under the production name, so take ``Target`` (or strip ``-oldN``).
    """
    source = arn_name(dep.get("Source", ""))
    if not OLD_BLUE.search(source):
        return source
    target = arn_name(dep.get("Target", ""))
    return target if target and not OLD_BLUE.search(target) else OLD_BLUE.sub("", source)


def find_deployment(rds: Any, ref: str) -> dict[str, Any]:
    """The deployment with id ``bgd-…`` or name ``ref``; a clear ToolError when there is none."""
    found = lookup_deployment(rds, ref)
    if found is None:
        raise ToolError(f"no blue/green deployment {ref!r} in this account and Region")
    return found


def lookup_deployment(rds: Any, ref: str) -> dict[str, Any] | None:
    """Like :func:`find_deployment` but None when absent (used to resume after an unknown outcome)."""
    if ref.lower().startswith("bgd-"):
        from botocore.exceptions import ClientError
        try:
            items = rds.describe_blue_green_deployments(BlueGreenDeploymentIdentifier=ref)["BlueGreenDeployments"]
        except ClientError as exc:
            if aws.error_code(exc) == "BlueGreenDeploymentNotFoundFault":
                return None
            raise aws.explain(exc, "DescribeBlueGreenDeployments") from None
        except aws.AWS_ERRORS as exc:
            raise aws.explain(exc, "DescribeBlueGreenDeployments") from None
    else:
        items = list(aws.paginate(rds, "describe_blue_green_deployments", "BlueGreenDeployments",
                                  Filters=[{"Name": "blue-green-deployment-name", "Values": [ref]}]))
    return items[0] if items else None


def poll_deployment(rds: Any, ident: str) -> dict[str, Any]:
    """One poll of a deployment; throttling and dropped connections raise :class:`Transient`."""
    from botocore.exceptions import ClientError, ConnectionError as BotoConnectionError, ReadTimeoutError
    from botocore.parsers import ResponseParserError
    try:
        items = rds.describe_blue_green_deployments(BlueGreenDeploymentIdentifier=ident)["BlueGreenDeployments"]
    except ClientError as exc:
        code = aws.error_code(exc)
        if code in THROTTLING_CODES:
            raise Transient(f"throttled ({code})") from None
        raise aws.explain(exc, "DescribeBlueGreenDeployments") from None
    except (BotoConnectionError, ReadTimeoutError, ResponseParserError) as exc:
        raise Transient(f"connection problem ({type(exc).__name__})") from None
    except aws.AWS_ERRORS as exc:
        raise aws.explain(exc, "DescribeBlueGreenDeployments") from None
    if not items:
        raise ToolError(f"blue/green deployment {ident} disappeared while waiting")
    return items[0]


def cluster_instances(rds: Any, cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """The DB instances of a cluster (filtered by ``db-cluster-id`` on the server, not by listing the account)."""
    return list(aws.paginate(rds, "describe_db_instances", "DBInstances",
                             Filters=[{"Name": "db-cluster-id", "Values": [cluster["DBClusterIdentifier"]]}]))


def integrations(rds: Any) -> list[dict[str, Any]]:
    """The zero-ETL integrations of the account and Region (DescribeIntegrations); callers match SourceArn."""
    return list(aws.paginate(rds, "describe_integrations", "Integrations"))


def writer_id(cluster: dict[str, Any]) -> str | None:
    for member in cluster.get("DBClusterMembers", []):
        if member.get("IsClusterWriter"):
            return member["DBInstanceIdentifier"]
    return None


def replica_lag(cw: Any, instance_id: str, minutes: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """``AuroraBinlogReplicaLag`` datapoints (Maximum and Minimum per minute) of one instance, oldest first.

    Minimum matters because ``-1`` (replication not running) hides under a Maximum of the same minute.
    """
    end = now or dt.datetime.now(dt.timezone.utc)
    out = aws.call(cw, "get_metric_statistics", Namespace="AWS/RDS", MetricName=LAG_METRIC,
                   Dimensions=[{"Name": "DBInstanceIdentifier", "Value": instance_id}],
                   StartTime=end - dt.timedelta(minutes=minutes), EndTime=end + dt.timedelta(minutes=1),
                   Period=60, Statistics=["Maximum", "Minimum"])
    return sorted(out.get("Datapoints", []), key=lambda d: d["Timestamp"])


def jsonable(value: Any) -> Any:
    """Deployment records with datetimes turned into ISO strings (for --format json and the journal)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))
