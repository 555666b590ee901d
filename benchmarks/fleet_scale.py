"""API calls and time of `fleet scan` for a large fleet on moto, against a per-cluster script in the same run.

Builds N aurora-mysql 5.7 clusters (default 500) spread over 3 Regions of one account in a local moto
server (tests/fakes/aws_server.py; one instance each, every fifth cluster two; 5 shared cluster parameter
groups per Region), then measures, in the same run:

- ``fleet``: ``upgrade_cli.fleet.inventory.scan`` (paginated listings per Region, each distinct parameter
  group read once, bounded parallelism);
- ``per-cluster`` (the baseline): what a script that loops over clusters does: the same paginated cluster
  listing, then for every cluster ``DescribeDBInstances`` filtered to it, ``ListTagsForResource`` and its
  parameter group's two listings, one Region after the other.

Calls are the HTTP requests moto served (FakeAWS records each). Time is wall clock on this machine (moto
answers from memory, so it measures round trips and our own processing, not AWS latency).

    .venv/bin/python benchmarks/fleet_scale.py [--clusters 500] [--parallel 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1")
CLASSES = ("db.r6g.large", "db.r6g.xlarge", "db.r5.2xlarge", "db.t3.medium")


def build(n: int) -> None:
    import boto3

    for r, region in enumerate(REGIONS):
        rds = boto3.client("rds", region_name=region)
        for g in range(5):
            rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=f"shared-{g}",
                                                  DBParameterGroupFamily="aurora-mysql5.7", Description="bench")
        for i in range(r, n, len(REGIONS)):
            name = f"c{i:04d}"
            rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql",
                                  EngineVersion="5.7.mysql_aurora.2.11.2", MasterUsername="admin",
                                  MasterUserPassword="not-a-real-pw1", DBClusterParameterGroupName=f"shared-{i % 5}",
                                  Tags=[{"Key": "env", "Value": "prod" if i % 3 else "dev"}])
            for k in range(2 if i % 5 == 0 else 1):
                rds.create_db_instance(DBInstanceIdentifier=f"{name}-{k}", DBClusterIdentifier=name,
                                       Engine="aurora-mysql", DBInstanceClass=CLASSES[i % len(CLASSES)])


def per_cluster() -> int:
    """The baseline: a loop over clusters, several calls each. Returns the clusters seen."""
    import boto3

    from upgrade_cli import aws
    from upgrade_cli.params import groups

    seen = 0
    for region in REGIONS:
        rds = aws.client("rds", region)
        for c in aws.paginate(rds, "describe_db_clusters", "DBClusters"):
            seen += 1
            list(aws.paginate(rds, "describe_db_instances", "DBInstances",
                              Filters=[{"Name": "db-cluster-id", "Values": [c["DBClusterIdentifier"]]}]))
            rds.list_tags_for_resource(ResourceName=c["DBClusterArn"])
            groups.read_cluster_group(rds, c["DBClusterParameterGroup"])
    boto3.client("rds", region_name=REGIONS[0])
    return seen


def fleet(parallel: int) -> int:
    from upgrade_cli.fleet import inventory

    inv = inventory.scan(profiles=[], accounts=[], role_name=None, regions=list(REGIONS), default_region=REGIONS[0],
                         tags={}, params=True, parallel=parallel)
    assert not inv.failures, inv.failures
    return len(inv.clusters)


def measure(server, fn, *args) -> tuple[float, Counter, int]:
    server.calls.clear()
    start = time.perf_counter()
    seen = fn(*args)
    return time.perf_counter() - start, Counter(c.action for c in server.calls), seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clusters", type=int, default=500)
    ap.add_argument("--parallel", type=int, default=8)
    args = ap.parse_args()

    from tests.fakes.aws_server import FakeAWS
    from tests.fakes.rds_engine_fake import install_rds_engine_fake

    server = FakeAWS().start()
    os.environ.update(AWS_ENDPOINT_URL=server.url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION=REGIONS[0])
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    try:
        install_rds_engine_fake(server)
        t0 = time.perf_counter()
        build(args.clusters)
        print(f"built {args.clusters} clusters in {len(REGIONS)} Regions in {time.perf_counter() - t0:.1f} s")
        fleet(args.parallel)  # warm-up: imports, botocore's models
        runs = {"fleet": measure(server, fleet, args.parallel), "per-cluster": measure(server, per_cluster)}
    finally:
        server.stop()
    base_t, base_calls, _ = runs["per-cluster"]
    print("\n| run | clusters | API calls | calls per cluster | time | vs per-cluster (calls / time) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (t, calls, seen) in runs.items():
        total = sum(calls.values())
        print(f"| {name} | {seen} | {total:,} | {total / max(seen, 1):.2f} | {t:.2f} s | "
              f"{total / sum(base_calls.values()):.3f} / {t / base_t:.3f} |")
    for name, (_t, calls, _s) in runs.items():
        print(f"\n{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))


if __name__ == "__main__":
    main()
