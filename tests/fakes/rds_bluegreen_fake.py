"""Named fake: a scripted blue/green timeline on top of moto, for what moto does not model.

moto 5.2.5 creates a deployment already ``AVAILABLE`` and switches over synchronously, with no
guardrails, lag or failures; its switchover also leaves the renamed ``-old1`` cluster without its
members (AWS renames the instances with it), so tests do not rely on reading ``-old1``'s instances.
:class:`BlueGreenTimeline` keeps moto as the source of truth for the deployment (ids, names, ARNs,
the green cluster it really created) and overrides only what a scripted *frame* says: status, status details, tasks and switchover members. Each
``DescribeBlueGreenDeployments`` of an existing deployment consumes one frame; when the frames run
out, moto answers again (or the last frame sticks, if asked). ``SwitchoverBlueGreenDeployment`` can
be scripted to be accepted without moto switching (a switchover that then fails and rolls back).
Also here: throttling bursts, a writer pending reboot (moto always says in-sync) and
:func:`build_blue`, which makes the moto world a blue/green test starts from.

Frames are plausible sequences for tests, NOT a record of real AWS timings.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from tests.fakes.aws_server import FakeAWS, aws_error
from upgrade_cli.bluegreen.journal import Journal

ACCOUNT, REGION = "123456789012", "us-east-1"
AURORA_TASKS = ("CREATING_READ_REPLICA_OF_SOURCE", "DB_ENGINE_VERSION_UPGRADE", "CREATE_DB_INSTANCES_FOR_CLUSTER",
                "CREATE_CUSTOM_ENDPOINTS")


@dataclass
class Frame:
    """One observed state. ``None`` fields keep moto's value."""

    status: str | None = None
    details: str | None = None
    tasks: dict[str, str] | None = None  # task name → PENDING / IN_PROGRESS / COMPLETED / FAILED
    member_status: str | None = None  # status of every switchover member pair
    extra_members: list[tuple[str, str, str]] = field(default_factory=list)  # (blue name, green name, status)


def provisioning_frames() -> list[Frame]:
    """Slow provisioning: the four Aurora tasks move one after another, then AVAILABLE."""
    frames, done = [], {}
    for i, task in enumerate(AURORA_TASKS):
        pending = {t: "PENDING" for t in AURORA_TASKS[i + 1:]}
        frames.append(Frame("PROVISIONING", None, {**done, task: "IN_PROGRESS", **pending}, "PROVISIONING"))
        done[task] = "COMPLETED"
    frames.append(Frame("AVAILABLE", None, dict(done), "AVAILABLE"))
    return frames


def _backend() -> Any:
    from moto.rds.models import rds_backends

    return rds_backends[ACCOUNT][REGION]


class BlueGreenTimeline:
    """Scripted deployment states over moto's real deployments (install once per test)."""

    def __init__(self, aws: FakeAWS):
        self.aws = aws
        self.frames: list[Frame] = []
        self.sticky = False
        self.throttle_left = self.throttle_after = 0
        self.switchover_mode = "moto"  # "moto": moto switches; "accept-only": answered, nothing switches
        self.on_switchover: tuple[list[Frame], bool] | None = None  # frames to play once the call arrives
        aws.on("DescribeBlueGreenDeployments", self._describe)
        aws.on("SwitchoverBlueGreenDeployment", self._switchover)

    # scripting -------------------------------------------------------------------------------
    def script(self, *frames: Frame, sticky: bool = False) -> "BlueGreenTimeline":
        self.frames, self.sticky = list(frames), sticky
        return self

    def throttle(self, times: int, after: int = 0) -> "BlueGreenTimeline":
        """After ``after`` more calls, ``times`` DescribeBlueGreenDeployments calls fail with Throttling (-1: all)."""
        self.throttle_after, self.throttle_left = after, times
        return self

    def fail_switchover(self, details: str, in_progress_polls: int = 2, end: str = "SWITCHOVER_FAILED") -> None:
        """Once the switchover is called: accept it, show it in progress, then end in ``end`` (failed or
        rolled back to AVAILABLE); moto's blue stays production."""
        self.switchover_mode = "accept-only"
        self.on_switchover = ([Frame("SWITCHOVER_IN_PROGRESS", "Switchover in progress", None, "SWITCHOVER_IN_PROGRESS")]
                              * in_progress_polls + [Frame(end, details, None, end)], True)

    def slow_switchover(self, in_progress_polls: int = 2) -> None:
        """Once the switchover is called, moto switches for real, but the first polls still show it in progress."""
        self.switchover_mode = "moto"
        self.on_switchover = ([Frame("SWITCHOVER_IN_PROGRESS", "Switchover in progress", None, "SWITCHOVER_IN_PROGRESS")]
                              * in_progress_polls, False)

    # handlers --------------------------------------------------------------------------------
    def _matching(self, params: dict[str, str]) -> list[Any]:
        deps = list(_backend().blue_green_deployments.values())
        ident = params.get("BlueGreenDeploymentIdentifier")
        if ident:
            deps = [d for d in deps if d.blue_green_deployment_identifier == ident]
        names = [v for k, v in params.items() if k.startswith("Filters.Filter.1.Values")]
        if names and params.get("Filters.Filter.1.Name") == "blue-green-deployment-name":
            deps = [d for d in deps if d.blue_green_deployment_name in names]
        return deps

    def _describe(self, params: dict[str, str]) -> Any:
        if self.throttle_after:
            self.throttle_after -= 1
        elif self.throttle_left:
            self.throttle_left -= 1 if self.throttle_left > 0 else 0
            return aws_error("Throttling", "Rate exceeded", 400)
        deps = self._matching(params)
        if not deps or not self.frames:
            return None  # moto answers (including its NotFound fault)
        frame = self.frames[0] if (self.sticky and len(self.frames) == 1) else self.frames.pop(0)
        return {"BlueGreenDeployments": [self._render(d, frame) for d in deps]}

    def _switchover(self, params: dict[str, str]) -> Any:
        if self.on_switchover is not None:  # the scripted aftermath starts with the call
            frames, sticky = self.on_switchover
            self.script(*frames, sticky=sticky)
            self.on_switchover = None
        if self.switchover_mode == "moto":
            return None
        deps = self._matching(params)
        if not deps:
            return None
        return {"BlueGreenDeployment": self._render(deps[0], Frame("SWITCHOVER_IN_PROGRESS", None, None,
                                                                   "SWITCHOVER_IN_PROGRESS"))}

    @staticmethod
    def _render(dep: Any, frame: Frame) -> dict[str, Any]:
        tasks = ([{"Name": n, "Status": s} for n, s in frame.tasks.items()] if frame.tasks is not None
                 else [{"Name": t.Name, "Status": t.Status} for t in dep.tasks])
        members = [{"SourceMember": m.SourceMember, "TargetMember": m.TargetMember,
                    "Status": frame.member_status or m.Status} for m in dep.switchover_details]
        arn = dep.source.rsplit(":", 2)[0]
        for blue, green, status in frame.extra_members:
            members.append({"SourceMember": f"{arn}:db:{blue}", "TargetMember": f"{arn}:db:{green}", "Status": status})
        return {"BlueGreenDeploymentIdentifier": dep.blue_green_deployment_identifier,
                "BlueGreenDeploymentName": dep.blue_green_deployment_name, "Source": dep.source,
                "Target": dep.target, "SwitchoverDetails": members, "Tasks": tasks,
                "Status": frame.status or dep.status,
                "StatusDetails": frame.details if frame.details is not None else dep.status_details,
                "CreateTime": dep.create_time}


def writer_pending_reboot(aws: FakeAWS, cluster_id: str) -> None:
    """DescribeDBClusters shows the writer of ``cluster_id`` as ``pending-reboot`` (moto: always in-sync).

    The handler fetches moto's own record (through a ``db-cluster-id`` filter, which it lets pass)
    and changes only that one field.
    """
    def handler(params: dict[str, str]) -> Any:
        if params.get("DBClusterIdentifier") != cluster_id:
            return None
        rds = boto3.client("rds", endpoint_url=aws.url)
        found = rds.describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])["DBClusters"]
        for c in found:
            for m in c.get("DBClusterMembers", []):
                if m.get("IsClusterWriter"):
                    m["DBClusterParameterGroupStatus"] = "pending-reboot"
        return {"DBClusters": found}

    aws.on("DescribeDBClusters", handler)


def patch_cluster(aws: FakeAWS, cluster_id: str, **fields: Any) -> None:
    """DescribeDBClusters of ``cluster_id`` answers moto's record with ``fields`` set (what moto cannot model:
    Global Database membership, cross-Region replicas, a backtrack window). FakeAWS serialises the answer with
    botocore's DBCluster shape, so a field name the model does not know never reaches the tool."""
    def handler(params: dict[str, str]) -> Any:
        if params.get("DBClusterIdentifier") != cluster_id:
            return None
        rds = boto3.client("rds", endpoint_url=aws.url)
        found = rds.describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])["DBClusters"]
        return {"DBClusters": [{**c, **fields} for c in found]}

    aws.on("DescribeDBClusters", handler)


# ---------------------------------------------------------------------------------------------
# the moto world a blue/green test starts from
# ---------------------------------------------------------------------------------------------


@dataclass
class Blue:
    cluster: str
    arn: str
    writer: str
    cluster_group_v3: str
    instance_group_v3: str


def build_blue(cluster: str = "prod", version: str = "5.7.mysql_aurora.2.11.2", binlog: str | None = "ROW",
               readers: int = 1, deletion_protection: bool = True) -> Blue:
    """A v2 cluster with a custom cluster group (binlog_format set), a writer and readers, plus v3 groups."""
    rds = boto3.client("rds")
    group = f"{cluster}-57"
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=group, DBParameterGroupFamily="aurora-mysql5.7",
                                          Description="blue cluster group")
    if binlog:
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
            {"ParameterName": "binlog_format", "ParameterValue": binlog, "ApplyMethod": "pending-reboot"}])
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=f"{cluster}-80",
                                          DBParameterGroupFamily="aurora-mysql8.0", Description="green cluster group")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=f"{cluster}-80", Parameters=[
        {"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}])
    rds.create_db_parameter_group(DBParameterGroupName=f"{cluster}-80-inst", DBParameterGroupFamily="aurora-mysql8.0",
                                  Description="green instance group")
    out = rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-mysql", EngineVersion=version,
                                MasterUsername="admin", MasterUserPassword="not-a-real-secret-1",
                                DBClusterParameterGroupName=group, DeletionProtection=deletion_protection)
    writer = f"{cluster}-1"
    for i in range(1 + readers):
        rds.create_db_instance(DBInstanceIdentifier=f"{cluster}-{i + 1}", DBClusterIdentifier=cluster,
                               Engine="aurora-mysql", DBInstanceClass="db.r6g.large")
    return Blue(cluster, out["DBCluster"]["DBClusterArn"], writer, f"{cluster}-80", f"{cluster}-80-inst")


def create_deployment(blue: Blue, name: str = "prod-to-3-04-0", version: str = "8.0.mysql_aurora.3.04.0") -> dict:
    """A deployment made directly in moto (for tests that start at switchover or cleanup)."""
    rds = boto3.client("rds")
    return rds.create_blue_green_deployment(BlueGreenDeploymentName=name, Source=blue.arn, TargetEngineVersion=version,
                                            TargetDBClusterParameterGroupName=blue.cluster_group_v3,
                                            TargetDBParameterGroupName=blue.instance_group_v3)["BlueGreenDeployment"]


def green_writer(deployment: dict) -> str:
    rds = boto3.client("rds")
    cluster = rds.describe_db_clusters(DBClusterIdentifier=deployment["Target"])["DBClusters"][0]
    return next(m["DBInstanceIdentifier"] for m in cluster["DBClusterMembers"] if m["IsClusterWriter"])


def put_lag(instance: str, *values: float) -> None:
    """Publish AuroraBinlogReplicaLag datapoints for ``instance`` (one per minute, newest now) into moto."""
    cw = boto3.client("cloudwatch")
    now = dt.datetime.now(dt.timezone.utc)
    n = len(values)
    cw.put_metric_data(Namespace="AWS/RDS", MetricData=[
        {"MetricName": "AuroraBinlogReplicaLag", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}],
         "Value": v, "Unit": "Seconds", "Timestamp": now - dt.timedelta(minutes=n - 1 - i)} for i, v in enumerate(values)])


# ---------------------------------------------------------------------------------------------
# RDS's stored procedures on the MariaDB that stands in for blue
# ---------------------------------------------------------------------------------------------


@contextmanager
def rds_show_configuration(mariadb: Any, binlog_retention_hours: int | None):
    """``mysql.rds_show_configuration`` as RDS ships it (name / value / description rows), in the test MariaDB.

    MariaDB has no RDS procedures, so this creates an equivalent one in the test server's own ``mysql``
    schema (and drops it afterwards). ``None`` is RDS's default: NULL binlog retention hours.
    """
    value = "CAST(NULL AS CHAR)" if binlog_retention_hours is None else f"'{int(binlog_retention_hours)}'"
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute("DROP PROCEDURE IF EXISTS mysql.rds_show_configuration")
        cur.execute("CREATE PROCEDURE mysql.rds_show_configuration() "
                    f"SELECT 'binlog retention hours' AS name, {value} AS value, "
                    "'binlog retention hours specifies the duration in hours before binary logs are automatically "
                    "deleted.' AS description "
                    "UNION ALL SELECT 'source delay', '0', 'source delay specifies how many seconds the replica "
                    "should delay replication from its source.'")
    try:
        yield
    finally:
        with mariadb.connect() as conn, conn.cursor() as cur:
            cur.execute("DROP PROCEDURE IF EXISTS mysql.rds_show_configuration")


# ---------------------------------------------------------------------------------------------
# driving the CLI in tests
# ---------------------------------------------------------------------------------------------


def run_cli(journal_dir: Any, *args: str, input: str | None = None) -> Any:
    """``aurora-upgrade bluegreen ARGS --journal-dir DIR`` through typer's runner; polls never sleep."""
    from typer.testing import CliRunner

    from upgrade_cli.main import app

    extra = ["--journal-dir", str(journal_dir)]
    if args[0] != "status":
        extra += ["--poll-interval", "0"]
    return CliRunner().invoke(app, ["bluegreen", *args, *extra], input=input)


def sql_overrides(keep: tuple[str, ...] = ()) -> list[str]:
    """``--override`` for every switchover SQL gate except ``keep``: a switchover refuses a SQL gate NOT RUN."""
    from upgrade_cli.bluegreen.gates import SQL_GATES, SWITCHOVER_GATES

    return [a for g in SWITCHOVER_GATES if g in SQL_GATES and g not in keep for a in ("--override", g)]


def journal(journal_dir: Any, name: str) -> list[dict]:
    """Every entry of a deployment's journal (Region us-east-1)."""
    import json
    from pathlib import Path

    path = Path(journal_dir) / f"{REGION}--{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def steps(entries: list[dict]) -> list[tuple[str, str]]:
    return [(e["step"], e["phase"]) for e in entries]


def interrupt_at(monkeypatch, step: str, phase: str, after_writing: bool):
    """Simulate Ctrl-C at one journal write: just before it (outcome lost) or just after it.

    Returns a function that ends the simulation (the next run is not interrupted)."""
    real = Journal.write

    def write(self, command, step_, phase_, **data):
        if (step_, phase_) == (step, phase):
            if after_writing:
                real(self, command, step_, phase_, **data)
            raise KeyboardInterrupt
        return real(self, command, step_, phase_, **data)

    monkeypatch.setattr(Journal, "write", write)
    return lambda: monkeypatch.setattr(Journal, "write", real)
