"""Which CloudWatch ``AWS/RDS`` metrics the blue-vs-green comparison reads, where, and which way is worse.

Aurora publishes instance metrics three ways: per instance (``DBInstanceIdentifier``), per cluster
(``DBClusterIdentifier``) and per cluster and role (``DBClusterIdentifier`` + ``Role`` = ``WRITER`` or
``READER``). AWS recommends the role metrics because an instance's role changes over time
(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html), and after a
blue/green switchover the instances are renamed, so role metrics are what stays comparable. Metrics
that exist only for the cluster (the shared volume, binlog replication) are read with
``DBClusterIdentifier`` alone. Names, units and levels: the metrics reference,
https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
and the dimensions, https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html.

``worse`` says which direction hurts ("up": latency, IOPS, lag; "down": free memory and local
storage; None: a workload measure such as connections, shown but never judged). ``floor`` is the
smallest absolute change that counts, so a metric near zero (Deadlocks 0 → 0.01/s) is not a 100 % rise.
"""

from __future__ import annotations

from dataclasses import dataclass

from upgrade_cli.doc_links import AURORA_CLOUDWATCH_METRICS

NAMESPACE = "AWS/RDS"
ROLES = ("WRITER", "READER")
METRICS_DOC = AURORA_CLOUDWATCH_METRICS


@dataclass(frozen=True)
class MetricSpec:
    name: str
    level: str  # "role" (DBClusterIdentifier + Role) or "cluster" (DBClusterIdentifier)
    unit: str
    worse: str | None  # "up", "down" or None (not judged)
    floor: float  # smallest absolute change that counts (in the metric's unit)
    roles: tuple[str, ...] = ROLES


METRICS: tuple[MetricSpec, ...] = (
    # instance metrics, per role
    MetricSpec("CPUUtilization", "role", "Percent", "up", 2.0),
    MetricSpec("FreeableMemory", "role", "Bytes", "down", 64 * 2**20),
    MetricSpec("FreeLocalStorage", "role", "Bytes", "down", 256 * 2**20),
    MetricSpec("ReadIOPS", "role", "Count/Second", "up", 5.0),
    MetricSpec("WriteIOPS", "role", "Count/Second", "up", 5.0),
    MetricSpec("ReadLatency", "role", "Seconds", "up", 0.0002),
    MetricSpec("WriteLatency", "role", "Seconds", "up", 0.0002),
    MetricSpec("DMLLatency", "role", "Milliseconds", "up", 0.2),
    MetricSpec("SelectLatency", "role", "Milliseconds", "up", 0.2),
    MetricSpec("CommitLatency", "role", "Milliseconds", "up", 0.2),
    MetricSpec("Deadlocks", "role", "Count/Second", "up", 0.05),
    MetricSpec("TempStorageIOPS", "role", "Count/Second", "up", 5.0),
    MetricSpec("TempStorageThroughput", "role", "Bytes/Second", "up", 2**20),
    MetricSpec("DatabaseConnections", "role", "Count", None, 0.0),
    MetricSpec("AuroraReplicaLag", "role", "Milliseconds", "up", 5.0, roles=("READER",)),
    # cluster metrics
    MetricSpec("VolumeReadIOPs", "cluster", "Count", "up", 100.0, roles=()),
    MetricSpec("VolumeWriteIOPs", "cluster", "Count", "up", 100.0, roles=()),
    MetricSpec("AuroraBinlogReplicaLag", "cluster", "Seconds", "up", 1.0, roles=()),
)


def by_name(name: str) -> MetricSpec | None:
    return next((m for m in METRICS if m.name == name), None)
