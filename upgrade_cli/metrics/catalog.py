"""Which CloudWatch ``AWS/RDS`` metrics the blue-vs-green comparison reads, where, with which statistic,
and which way is worse.

Only series AWS publishes for a provisioned Aurora MySQL cluster: every entry cites the page and
table that lists it for Aurora MySQL (``source``). Left out on purpose: ``ReadIOPS``/``WriteIOPS``
(listed for Aurora PostgreSQL only; Aurora MySQL's I/O is the cluster volume's ``VolumeReadIOPs``/
``VolumeWriteIOPs``) and ``TempStorageIOPS``/``TempStorageThroughput`` (Aurora Serverless v2).
``AuroraBinlogReplicaLag`` is read only when one side's cluster is a binlog replica
(``ReplicationSourceIdentifier`` set): elsewhere it has no datapoint to give.

Where: Aurora publishes instance metrics per instance (``DBInstanceIdentifier``), per cluster and per
cluster and role (``DBClusterIdentifier`` + ``Role`` = ``WRITER`` / ``READER``,
https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html). AWS recommends the
role metrics because an instance's role changes over time
(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html), and after a
blue/green switchover the instances are renamed, so role metrics are what stays comparable
(``level="role"``). Free memory and free local storage are the exception (``level="instance"``):
an average over the readers hides the one reader that runs out, so they are read per instance with
``Minimum`` and the row shows the lowest instance of each role at each moment. The cluster volume's
metrics are read per cluster (``level="cluster"``).

Statistic: ``Average`` for rates and latencies, ``Minimum`` for what runs out, ``Maximum`` for lag and
the purge backlog (the question is how far behind it got, not how far on average).

``worse`` says which direction hurts ("up": latency, I/O, lag; "down": free memory, free local
storage, buffer cache hits; None: a workload measure such as connections, shown but never judged).
``floor`` is the smallest absolute change that counts, so a metric near zero (Deadlocks 0 → 0.01/s)
is not a 100 % rise.
"""

from __future__ import annotations

from dataclasses import dataclass

from upgrade_cli.doc_links import AURORA_CLOUDWATCH_METRICS

NAMESPACE = "AWS/RDS"
ROLES = ("WRITER", "READER")
METRICS_DOC = AURORA_CLOUDWATCH_METRICS
CLUSTER_LEVEL = AURORA_CLOUDWATCH_METRICS + "#Aurora.AuroraMySQL.Monitoring.Metrics.clusters"
INSTANCE_LEVEL = AURORA_CLOUDWATCH_METRICS + "#Aurora.AuroraMySQL.Monitoring.Metrics.instances"
BINLOG_REPLICA = "binlog replica"  # the only condition a metric may carry (``only_if``)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    level: str  # "role" (DBClusterIdentifier + Role), "instance" (DBInstanceIdentifier) or "cluster"
    unit: str
    worse: str | None  # "up", "down" or None (not judged)
    floor: float  # smallest absolute change that counts (in the metric's unit)
    roles: tuple[str, ...] = ROLES
    stat: str = "Average"  # the CloudWatch statistic that answers the question
    source: str = INSTANCE_LEVEL  # the AWS page (and table) that lists it for Aurora MySQL
    only_if: str | None = None  # BINLOG_REPLICA: read only where a side is a binlog replica


METRICS: tuple[MetricSpec, ...] = (
    # instance metrics, per role
    MetricSpec("CPUUtilization", "role", "Percent", "up", 2.0),
    MetricSpec("ReadLatency", "role", "Seconds", "up", 0.0002),
    MetricSpec("WriteLatency", "role", "Seconds", "up", 0.0002),
    MetricSpec("DMLLatency", "role", "Milliseconds", "up", 0.2),
    MetricSpec("SelectLatency", "role", "Milliseconds", "up", 0.2),
    MetricSpec("CommitLatency", "role", "Milliseconds", "up", 0.2),
    MetricSpec("Deadlocks", "role", "Count/Second", "up", 0.05),
    MetricSpec("BufferCacheHitRatio", "role", "Percent", "down", 1.0),
    MetricSpec("DatabaseConnections", "role", "Count", None, 0.0),
    # needs innodb_monitor_enable='all' in the instance parameter group, else it has no datapoint
    MetricSpec("ActiveTransactions", "role", "Count/Second", "up", 1.0),
    MetricSpec("RollbackSegmentHistoryListLength", "role", "Count", "up", 1000.0, stat="Maximum"),
    MetricSpec("AuroraReplicaLag", "role", "Milliseconds", "up", 5.0, roles=("READER",), stat="Maximum"),
    MetricSpec("AuroraReplicaLagMaximum", "role", "Milliseconds", "up", 5.0, roles=("WRITER",), stat="Maximum"),
    MetricSpec("AuroraBinlogReplicaLag", "role", "Seconds", "up", 1.0, roles=("WRITER",), stat="Maximum",
               only_if=BINLOG_REPLICA),
    # instance metrics, per instance: the lowest instance of each role shows
    MetricSpec("FreeableMemory", "instance", "Bytes", "down", 64 * 2**20, stat="Minimum"),
    MetricSpec("FreeLocalStorage", "instance", "Bytes", "down", 256 * 2**20, stat="Minimum"),
    # cluster metrics
    MetricSpec("VolumeReadIOPs", "cluster", "Count", "up", 100.0, roles=(), source=CLUSTER_LEVEL),
    MetricSpec("VolumeWriteIOPs", "cluster", "Count", "up", 100.0, roles=(), source=CLUSTER_LEVEL),
)


def by_name(name: str) -> MetricSpec | None:
    return next((m for m in METRICS if m.name == name), None)
