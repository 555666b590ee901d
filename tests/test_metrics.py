"""metrics compare against moto's CloudWatch (server mode), seeded with PutMetricData.

moto 5 answers GetMetricData for seeded data (many queries per request, the requested period) but
never pages (no NextToken) and ignores MaxDatapoints, so paging itself is botocore's paginator; what
is ours and tested here is the batching (≤ 500 queries and ≤ 100,800 points per call), the period
chosen from the window, the windows around a switchover and the verdicts.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import boto3
import pytest
from typer.testing import CliRunner

from upgrade_cli.metrics import fetch
from upgrade_cli.metrics.catalog import MetricSpec
from upgrade_cli.metrics.cli import around
from upgrade_cli.metrics.compare import judge
from upgrade_cli.main import app

UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC).replace(second=0, microsecond=0)


def put(cw, cluster: str, metric: str, role: str | None, start: dt.datetime, values: list[float], unit: str,
        instance: str | None = None) -> None:
    dims = [{"Name": "DBInstanceIdentifier", "Value": instance}] if instance else \
        [{"Name": "DBClusterIdentifier", "Value": cluster}] + ([{"Name": "Role", "Value": role}] if role else [])
    data = [{"MetricName": metric, "Dimensions": dims, "Timestamp": start + dt.timedelta(minutes=i),
             "Value": v, "Unit": unit} for i, v in enumerate(values)]
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=data[i:i + 500])


def wobble(base: float, n: int = 60, spread: float = 0.02) -> list[float]:
    """A deterministic series around ``base`` (±spread), like a steady server's minute averages."""
    return [base * (1 + spread * math.sin(i * 1.7)) for i in range(n)]


def make_cluster(name: str, readers: int = 2) -> None:
    """A cluster in moto with a writer ``{name}-w`` and readers ``{name}-r1``…: metrics compare reads its
    members (DescribeDBClusters) to read the per-instance series."""
    rds = boto3.client("rds")
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql", EngineVersion="5.7.mysql_aurora.2.11.2",
                          MasterUsername="admin", MasterUserPassword="not-a-real-one-1")
    for inst in [f"{name}-w"] + [f"{name}-r{i}" for i in range(1, readers + 1)]:
        rds.create_db_instance(DBInstanceIdentifier=inst, DBClusterIdentifier=name, Engine="aurora-mysql",
                               DBInstanceClass="db.r6g.large")


def writer_of(cluster: str) -> str:
    """The cluster's writer instance, as ``metrics compare`` finds it (DescribeDBClusters)."""
    members = boto3.client("rds").describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]["DBClusterMembers"]
    return next(m["DBInstanceIdentifier"] for m in members if m["IsClusterWriter"])


def seed(cw, blue: str, blue_start: dt.datetime, green: str, green_start: dt.datetime) -> None:
    """Green: WriteLatency doubled, ReadLatency +3 %, FreeableMemory halved, reader SelectLatency halved.
    FreeableMemory goes to the cluster's writer instance (a per-instance metric)."""
    for cluster, start, factor in ((blue, blue_start, None), (green, green_start, "green")):
        g = factor == "green"
        put(cw, cluster, "WriteLatency", "WRITER", start, wobble(0.0021 * (2 if g else 1)), "Seconds")
        put(cw, cluster, "ReadLatency", "WRITER", start, wobble(0.0015 * (1.03 if g else 1)), "Seconds")
        put(cw, cluster, "CPUUtilization", "WRITER", start, wobble(35.0), "Percent")
        put(cw, cluster, "FreeableMemory", None, start, wobble(8e9 * (0.5 if g else 1)), "Bytes",
            instance=writer_of(cluster))
        put(cw, cluster, "SelectLatency", "READER", start, wobble(4.0 * (0.5 if g else 1)), "Milliseconds")
        put(cw, cluster, "Deadlocks", "WRITER", start, [0.0] * 59 + [0.01 if g else 0.0], "Count/Second")
        put(cw, cluster, "VolumeWriteIOPs", None, start, wobble(5000.0), "Count")


def verdicts(data: dict) -> dict[str, str]:
    return {r["metric"] + (f"/{r['role']}" if r["role"] else ""): r["verdict"] for r in data["results"]}


def run(*args: str):
    return CliRunner().invoke(app, ["metrics", "compare", *args])


def test_side_by_side_flags_a_doubled_write_latency_and_not_a_3_percent_wobble(aws, tmp_path):
    cw = boto3.client("cloudwatch")
    start = NOW - dt.timedelta(hours=2)
    make_cluster("prod")
    make_cluster("prod-green")
    seed(cw, "prod", start, "prod-green", start)
    out = tmp_path / "m.json"
    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat(), "--format", "json", "--out", str(out))
    assert res.exit_code == 1, res.output  # something got worse
    data = json.loads(out.read_text())
    v = verdicts(data)
    assert v["WriteLatency/WRITER"] == "worse"
    assert v["ReadLatency/WRITER"] == "unchanged"  # +3 %: inside the noise band
    assert v["CPUUtilization/WRITER"] == "unchanged"
    assert v["FreeableMemory/WRITER"] == "worse"  # less free memory is worse (read per instance)
    assert v["SelectLatency/READER"] == "better"
    assert v["Deadlocks/WRITER"] == "unchanged"  # 0 → one 0.01/s minute: below the absolute floor
    assert v["VolumeWriteIOPs"] == "unchanged"  # a cluster-level metric, no role
    assert v["DMLLatency/WRITER"] == "no data"  # never seeded: shown as missing, not as a pass
    wl = next(r for r in data["results"] if r["metric"] == "WriteLatency")
    assert wl["median_change"] == pytest.approx(1.0, abs=0.05) and wl["before"]["n"] == 60
    assert data["period_s"] == 60 and data["metrics_format"] == 1
    assert [r["verdict"] for r in data["results"]][:2] == ["worse", "worse"]  # worst first

    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat(), "--format", "html")
    assert res.exit_code == 1 and res.output.count("<svg") == 3  # a chart per series that moved
    assert "WriteLatency (WRITER)" in res.output and "<script" not in res.output
    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat(), "--format", "md")
    row = next(line for line in res.output.splitlines() if line.startswith("| WriteLatency (WRITER) |"))
    assert res.exit_code == 1 and "| +100.0% |" in row and row.endswith("| **worse** |")
    assert "| ReadLatency (WRITER) |" in res.output and "DMLLatency (WRITER)" in res.output.split("No datapoints")[1]
    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat())
    assert res.exit_code == 1 and "2 worse, 23 no data, 1 better, 4 unchanged" in res.output


def test_around_switchover_reads_the_journal_and_compares_the_same_hours_a_day_earlier(aws, tmp_path):
    done = NOW - dt.timedelta(hours=3)
    started = done - dt.timedelta(minutes=2)
    jdir = tmp_path / "journal"
    jdir.mkdir()
    entries = [{"ts": started.isoformat(), "deployment": "prod-to-3", "command": "switchover", "step": "switchover",
                "phase": "intent", "blue_cluster": "prod", "green_cluster": "prod-green-abc"},
               {"ts": done.isoformat(), "deployment": "prod-to-3", "command": "switchover", "step": "switchover",
                "phase": "done", "status": "SWITCHOVER_COMPLETED"}]
    (jdir / "us-east-1--prod-to-3.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
    after_start = done + dt.timedelta(minutes=10)
    # after a switchover green carries blue's name (its instances too): both windows are read under "prod"
    make_cluster("prod")
    seed(boto3.client("cloudwatch"), "prod", after_start - dt.timedelta(days=1), "prod", after_start)
    res = run("--around-switchover", "prod-to-3", "--journal-dir", str(jdir), "--format", "json")
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert data["before"]["start"] == (after_start - dt.timedelta(days=1)).isoformat()
    assert data["after"]["start"] == after_start.isoformat() and data["after"]["cluster"] == "prod"
    assert data["switchover"]["completed"] == done.isoformat()
    v = verdicts(data)
    assert v["WriteLatency/WRITER"] == "worse" and v["ReadLatency/WRITER"] == "unchanged"


def test_around_switchover_with_no_green_name_known_asks_for_green_cluster(aws, tmp_path):
    """A journal that does not name the clusters and --blue-cluster alone: green has no name to read metrics
    under (green only takes blue's name from the journal or the deployment), so the command asks for it."""
    done = NOW - dt.timedelta(hours=3)
    jdir = tmp_path / "journal"
    jdir.mkdir()
    entries = [{"ts": (done - dt.timedelta(minutes=2)).isoformat(), "deployment": "old-to-3", "command": "switchover",
                "step": "switchover", "phase": "intent"},
               {"ts": done.isoformat(), "deployment": "old-to-3", "command": "switchover", "step": "switchover",
                "phase": "done", "status": "SWITCHOVER_COMPLETED"}]
    (jdir / "us-east-1--old-to-3.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
    make_cluster("prod")
    res = run("--around-switchover", "old-to-3", "--journal-dir", str(jdir), "--blue-cluster", "prod")
    assert res.exit_code == 2, res.output
    assert res.output == "error: the green cluster of old-to-3 is unknown: give --green-cluster\n"


def test_windows_around_a_switchover():
    t0 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    t1 = t0 + dt.timedelta(minutes=5)
    now = t0 + dt.timedelta(days=1)
    before, after = around(t0, t1, dt.timedelta(hours=1), dt.timedelta(minutes=10), now, same_hours=True)
    assert after == (t1 + dt.timedelta(minutes=10), t1 + dt.timedelta(minutes=70))
    assert before == (after[0] - dt.timedelta(days=1), after[1] - dt.timedelta(days=1))
    # a 30-hour window cannot fit the same hours one day earlier: two days earlier
    before, after = around(t0, t1, dt.timedelta(hours=30), dt.timedelta(0), t0 + dt.timedelta(days=3), True)
    assert before[1] <= t0 and after[0] - before[0] == dt.timedelta(days=2)
    before, after = around(t0, t1, dt.timedelta(hours=1), dt.timedelta(0), now, same_hours=False)
    assert before == (t0 - dt.timedelta(hours=1), t0)
    # the window after is cut at now, and both keep the same length
    before, after = around(t0, t1, dt.timedelta(hours=1), dt.timedelta(0), t1 + dt.timedelta(minutes=20), True)
    assert after[1] - after[0] == before[1] - before[0] == dt.timedelta(minutes=20)


def test_period_grows_with_the_window_and_with_its_age():
    now = dt.datetime(2026, 3, 10, tzinfo=UTC)
    assert fetch.choose_period(now - dt.timedelta(hours=1), now, now) == 60
    assert fetch.choose_period(now - dt.timedelta(days=7), now, now) == 420  # ~1440 points
    assert fetch.choose_period(now - dt.timedelta(days=20), now - dt.timedelta(days=19), now) == 300  # 1-min data gone
    assert fetch.choose_period(now - dt.timedelta(days=100), now - dt.timedelta(days=99), now) == 3600


def test_many_series_are_batched_within_the_call_limits(aws):
    cw = boto3.client("cloudwatch")
    start = NOW - dt.timedelta(hours=1)
    specs = tuple(MetricSpec(f"Synthetic{i}", "cluster", "Count", "up", 0.0, roles=()) for i in range(620))
    for spec in specs[::100]:
        put(cw, "prod", spec.name, None, start, [1.0, 2.0, 3.0], "Count")
    series = fetch.series_for(specs)
    got = fetch.fetch(cw, "prod", start, NOW, 60, series)
    calls = [c for c in aws.calls if c.action == "GetMetricData"]
    assert len(calls) == 2  # 620 queries: 500 + 120
    assert [v for _, v in got[series[100]]] == [1.0, 2.0, 3.0] and got[series[1]] == []
    # a window of 100 days at one minute would be 144,000 points per series: one query per call at most
    aws.calls.clear()
    fetch.fetch(cw, "prod", NOW - dt.timedelta(days=100), NOW, 60, series[:3])
    assert len([c for c in aws.calls if c.action == "GetMetricData"]) == 3


def test_verdict_rules():
    s = lambda m, p: {"n": 10, "median": m, "p95": p}  # noqa: E731
    assert judge("up", 0.0, s(1.0, 2.0), s(1.09, 2.1), 0.10) == "unchanged"
    assert judge("up", 0.0, s(1.0, 2.0), s(1.0, 3.0), 0.10) == "worse (tail)"
    assert judge("down", 0.0, s(10.0, 12.0), s(5.0, 6.0), 0.10) == "worse"
    assert judge(None, 0.0, s(10.0, 12.0), s(20.0, 24.0), 0.10) == "changed"
    assert judge("up", 0.0, None, s(1.0, 1.0), 0.10) == "no data"


def test_bad_input_is_one_line(aws, tmp_path):
    res = run("--blue-cluster", "a", "--green-cluster", "b", "--start", "yesterday", "--end", "now")
    assert res.exit_code == 2 and "--start 'yesterday' is not a time" in res.output and "Traceback" not in res.output
    res = run("--blue-cluster", "a")
    assert res.exit_code == 2 and "give --blue-cluster, --green-cluster, --start and --end" in res.output
    res = run("--around-switchover", "nope", "--journal-dir", str(tmp_path))
    assert res.exit_code == 2 and res.output.startswith("error: ") and "nope" in res.output


def test_a_comparison_with_no_data_in_any_series_exits_1_and_says_so(aws, tmp_path):
    make_cluster("prod")
    make_cluster("prod-green")
    start = NOW - dt.timedelta(hours=2)
    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat(), "--format", "json")
    assert res.exit_code == 1 and "no data: none of the 30 series has datapoints in both windows" in res.stderr
    data = json.loads(res.stdout)
    assert data["summary"]["series"] == 30 == data["summary"]["no data"] and data["summary"]["series_with_data"] == 0
    assert {r["verdict"] for r in data["results"]} == {"no data"}
    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat(), "--format", "md")
    assert res.exit_code == 1 and "NO DATA: none of the 30 series" in res.stdout


def test_the_catalog_reads_only_what_aws_publishes_for_provisioned_aurora_mysql():
    from upgrade_cli.doc_links import AURORA_CLOUDWATCH_METRICS
    from upgrade_cli.metrics.catalog import METRICS, by_name

    names = {m.name for m in METRICS}
    assert not names & {"ReadIOPS", "WriteIOPS", "TempStorageIOPS", "TempStorageThroughput"}
    assert {"ActiveTransactions", "RollbackSegmentHistoryListLength", "AuroraReplicaLag"} <= names
    assert all(m.source.startswith(AURORA_CLOUDWATCH_METRICS + "#") for m in METRICS)  # the table that lists it
    assert by_name("AuroraReplicaLag").roles == ("READER",) and by_name("AuroraReplicaLag").stat == "Maximum"
    assert by_name("RollbackSegmentHistoryListLength").stat == "Maximum"
    for name in ("FreeLocalStorage", "FreeableMemory"):
        assert (by_name(name).level, by_name(name).stat, by_name(name).worse) == ("instance", "Minimum", "down")
    # binlog replica lag only where a side is a binlog replica
    assert "AuroraBinlogReplicaLag" not in {s.metric.name for s in fetch.series_for()}
    assert "AuroraBinlogReplicaLag" in {s.metric.name for s in fetch.series_for(binlog_replica=True)}


def test_free_local_storage_is_read_per_instance_so_the_reader_that_runs_out_shows(aws, tmp_path):
    """Blue's two readers and green's first keep ~100 GiB free; green's second reader dips to 2 GiB once
    a minute (two datapoints a minute: a minute's Average would hide the dip, its Minimum does not)."""
    make_cluster("prod")
    make_cluster("prod-green")
    cw = boto3.client("cloudwatch")
    start = NOW - dt.timedelta(hours=2)
    gib = 2**30
    for inst in ("prod-r1", "prod-r2", "prod-green-r1", "prod-green-r2"):
        put(cw, "", "FreeLocalStorage", None, start, wobble(100 * gib), "Bytes", instance=inst)
    put(cw, "", "FreeLocalStorage", None, start, [2 * gib] * 60, "Bytes", instance="prod-green-r2")
    res = run("--blue-cluster", "prod", "--green-cluster", "prod-green", "--start", start.isoformat(),
              "--end", (start + dt.timedelta(hours=1)).isoformat(), "--format", "json")
    data = json.loads(res.stdout)
    row = next(r for r in data["results"] if r["metric"] == "FreeLocalStorage" and r["role"] == "READER")
    assert row["verdict"] == "worse" and res.exit_code == 1, row["verdict"]
    # read by DBInstanceIdentifier (the cluster's members from DescribeDBClusters), the lowest one named
    assert row["statistic"] == "Minimum" and row["instance"]["after"] == "prod-green-r2"
    assert row["instance"]["before"] in ("prod-r1", "prod-r2")
    assert row["after"]["median"] == 2 * gib and row["before"]["median"] > 95 * gib
    writer = next(r for r in data["results"] if r["metric"] == "FreeLocalStorage" and r["role"] == "WRITER")
    assert writer["verdict"] == "no data"  # the writers were never seeded: shown, not dropped
