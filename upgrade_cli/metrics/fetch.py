"""Read many CloudWatch series for one cluster and window with as few ``GetMetricData`` calls as allowed.

One call takes at most 500 queries and returns at most 100,800 datapoints
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html), and a
period must be one CloudWatch still keeps for the window's age (1-minute data for 15 days,
5-minute for 63 days, hourly for 455 days:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Metric).
So the period grows with the window (about ``TARGET_POINTS`` per series) and the queries are split
into batches whose datapoints fit one call. Results are paged by botocore's paginator (NextToken)
and a series split across pages is joined by its query id.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from upgrade_cli import aws
from upgrade_cli.metrics.catalog import BINLOG_REPLICA, METRICS, NAMESPACE, MetricSpec

MAX_QUERIES = 500
MAX_POINTS_PER_CALL = 100_800
TARGET_POINTS = 1440  # per series: a day at one minute, plenty for a median and a p95
RETENTION = ((dt.timedelta(days=15), 60), (dt.timedelta(days=63), 300), (dt.timedelta(days=455), 3600))


@dataclass(frozen=True)
class Series:
    metric: MetricSpec
    role: str | None  # WRITER / READER, or None for a cluster-level metric
    instance: str | None = None  # DBInstanceIdentifier, for a per-instance metric


@dataclass(frozen=True)
class Cluster:
    """What the series of one cluster depend on: its instances by role, and whether it is a binlog replica."""
    name: str
    found: bool
    instances: tuple[tuple[str, str], ...] = ()  # (DBInstanceIdentifier, WRITER / READER)
    binlog_replica: bool = False


def describe(rds: Any, name: str) -> Cluster:
    """The cluster's members now (their names are what CloudWatch's per-instance series are kept under;
    after a switchover green's instances carry blue's names), or ``found=False``."""
    cluster = aws.describe_cluster(rds, name)
    if cluster is None:
        return Cluster(name, False)
    members = tuple((m["DBInstanceIdentifier"], "WRITER" if m.get("IsClusterWriter") else "READER")
                    for m in cluster.get("DBClusterMembers", []))
    return Cluster(name, True, members, bool(cluster.get("ReplicationSourceIdentifier")))


def series_for(metrics: tuple[MetricSpec, ...] = METRICS, cluster: Cluster | None = None,
               binlog_replica: bool = False) -> list[Series]:
    """Every series to read for one side: per role, per instance of ``cluster``, per cluster; a metric
    that needs a binlog replica only when ``binlog_replica``."""
    out = []
    for m in metrics:
        if m.only_if == BINLOG_REPLICA and not binlog_replica:
            continue
        if m.level == "instance":
            out += [Series(m, role, inst) for inst, role in (cluster.instances if cluster else ()) if role in m.roles]
        else:
            out += [Series(m, r) for r in (m.roles if m.level == "role" else (None,))]
    return out


def choose_period(start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> int:
    """Seconds per datapoint: a multiple of 60 keeping a series near TARGET_POINTS, and still retained."""
    seconds = max((end - start).total_seconds(), 60)
    period = max(60, math.ceil(seconds / TARGET_POINTS / 60) * 60)
    age = (now or dt.datetime.now(dt.timezone.utc)) - start
    for limit, minimum in RETENTION:
        if age <= limit:
            return max(period, minimum)
    return max(period, 86400)


def fetch(cw: Any, cluster: str, start: dt.datetime, end: dt.datetime, period: int,
          series: list[Series]) -> dict[Series, list[tuple[dt.datetime, float]]]:
    """Every series' datapoints (time-ordered) for ``cluster`` in [start, end)."""
    points = max(1, math.ceil((end - start).total_seconds() / period))
    batch = max(1, min(MAX_QUERIES, MAX_POINTS_PER_CALL // points))
    out: dict[Series, list[tuple[dt.datetime, float]]] = {s: [] for s in series}
    for first in range(0, len(series), batch):
        chunk = series[first:first + batch]
        queries = [_query(f"m{i}", cluster, s, period) for i, s in enumerate(chunk)]
        for result in aws.paginate(cw, "get_metric_data", "MetricDataResults", MetricDataQueries=queries,
                                   StartTime=start, EndTime=end, ScanBy="TimestampAscending"):
            target = chunk[int(result["Id"][1:])]
            out[target].extend(zip(result.get("Timestamps", []), result.get("Values", [])))
    return {s: sorted(v, key=lambda p: p[0]) for s, v in out.items()}


def _query(qid: str, cluster: str, s: Series, period: int) -> dict[str, Any]:
    if s.instance:
        dims = [{"Name": "DBInstanceIdentifier", "Value": s.instance}]
    else:
        dims = [{"Name": "DBClusterIdentifier", "Value": cluster}]
        if s.role:
            dims.append({"Name": "Role", "Value": s.role})
    return {"Id": qid, "ReturnData": True,
            "MetricStat": {"Metric": {"Namespace": NAMESPACE, "MetricName": s.metric.name, "Dimensions": dims},
                           "Period": period, "Stat": s.metric.stat}}
