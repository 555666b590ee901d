"""Gates: what the tool verifies before it creates a deployment or switches over.

AWS refuses (or worse, rolls back after minutes of write downtime) when a prerequisite is missing,
so every gate the tool can evaluate runs first and its result is shown. A gate fails closed: if it
cannot be evaluated (an API or SQL error), it fails with that reason. A gate that needs a SQL
connection nobody gave is NOT RUN, shown in red with what it would have checked: ``create`` goes
on (it can be undone), ``switchover`` refuses until the connection is given or ``--override`` names
the gate. A failed gate can be overridden by name (switchover only), shown as ``overridden``.

Prerequisites and their sources (AWS Aurora User Guide): blue/green creating and considerations
pages (binlog_format, writer in sync, no ``tmp`` database, not an external binlog replica, Event
Scheduler off on green, no Secrets Manager-managed master password); instance classes must be
orderable for the target version (DescribeOrderableDBInstanceOptions); binlog retention
(``mysql.rds_show_configuration``); the 5-minute wait after a parameter group change
(ModifyDBClusterParameterGroup API reference).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from rich.table import Table
from rich.text import Text

from upgrade_cli import aws
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.cli_common import ToolError
from upgrade_cli.handoffs import read_bench, read_precheck
from upgrade_cli.params.groups import group_arn, group_record
from upgrade_cli.params.plan import CHANGED_TAG
from upgrade_cli.precheck.target import resolve_target
from upgrade_cli.sqltext import is_ddl

PASS, FAIL, WARN, SKIP, OVERRIDDEN, NOT_RUN = "pass", "fail", "warn", "skip", "overridden", "NOT RUN"
V3_FAMILY = "aurora-mysql8.0"
ENGINE = "aurora-mysql"
SETTLE = dt.timedelta(minutes=5)

SWITCHOVER_GATES = ("deployment-available", "members-available", "replica-lag", "replica-status", "green-read-only",
                    "long-transactions", "running-ddl", "prepared-xa", "blue-not-a-replica", "precheck-report",
                    "bench-report")

# What each SQL gate checks, and the option that gives it its connection (shown when it is NOT RUN).
SQL_GATES = {
    "no-tmp-database": ("--dsn", "that blue has no database named `tmp` (blue/green does not copy it)"),
    "binlog-retention": ("--dsn", "that `CALL mysql.rds_show_configuration` shows binlog retention hours set"),
    "blue-not-a-replica": ("--blue-dsn", "that blue is not an external binlog replica (SHOW REPLICA STATUS is empty)"),
    "tables-without-pk": ("--dsn", "tables without a primary or unique key (row-based replication to green scans "
                                   "them: lag), with row estimates"),
    "replica-status": ("--green-dsn", "that green's replication threads run and Seconds_Behind_Source is within "
                                      "--max-lag"),
    "green-read-only": ("--green-dsn", "that green is read-only, so nothing writes to it before switchover"),
    "long-transactions": ("--blue-dsn", "that no transaction on blue is open longer than --max-trx-seconds"),
    "running-ddl": ("--blue-dsn", "that no DDL or metadata-lock wait is running on blue"),
    "prepared-xa": ("--blue-dsn", "that blue has no prepared XA transaction"),
}

MDL_WAIT = "metadata lock"


@dataclass
class Gate:
    name: str
    status: str
    detail: str

    @property
    def blocks(self) -> bool:
        return self.status == FAIL


def not_run(name: str, flag: str | None = None) -> Gate:
    """A SQL gate without its connection: say what it would have checked."""
    option, what = SQL_GATES[name]
    return Gate(name, NOT_RUN, f"no {flag or option} given: would check {what}")


def evaluate(name: str, fn: Callable[[], Gate]) -> Gate:
    """Run one gate; an error while evaluating it fails the gate with that reason (fail closed)."""
    import pymysql  # here, not at the top: bluegreen's AWS-only commands start without it
    try:
        return fn()
    except ToolError as exc:
        return Gate(name, FAIL, f"could not evaluate: {exc}")
    except pymysql.err.MySQLError as exc:
        return Gate(name, FAIL, f"could not evaluate: MySQL error {exc.args[0] if exc.args else ''}: "
                                f"{exc.args[1] if len(exc.args) > 1 else exc}")


def apply_overrides(gates: list[Gate], overrides: list[str], known: tuple[str, ...]) -> list[Gate]:
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ToolError(f"unknown gate(s) to override: {', '.join(unknown)}; gates are: {', '.join(known)}")
    for gate in gates:
        if gate.name in overrides and gate.status in (FAIL, NOT_RUN):
            gate.status, gate.detail = OVERRIDDEN, f"{gate.detail} (overridden by --override {gate.name})"
    return gates


def table(title: str, gates: list[Gate]) -> Table:
    style = {PASS: "green", FAIL: "bold red", WARN: "yellow", SKIP: "dim", OVERRIDDEN: "magenta", NOT_RUN: "bold red"}
    out = Table(title=title, show_lines=False)
    out.add_column("gate")
    out.add_column("result")
    out.add_column("detail", overflow="fold")
    for g in gates:
        detail = Text(g.detail, style="red") if g.status == NOT_RUN else Text(g.detail)
        out.add_row(g.name, Text(g.status, style=style.get(g.status, "")), detail)
    return out


# ---------------------------------------------------------------------------------------------
# create gates (blue cluster and target groups, via the RDS API)
# ---------------------------------------------------------------------------------------------


def source_cluster(cluster: dict[str, Any]) -> Gate:
    engine, version, status = cluster.get("Engine"), cluster.get("EngineVersion", ""), cluster.get("Status")
    if engine != "aurora-mysql" or not version.startswith("5.7."):
        return Gate("source-cluster", FAIL, f"{cluster['DBClusterIdentifier']} is {engine} {version}; "
                                            "this tool upgrades aurora-mysql 5.7 (v2) clusters")
    if status != "available":
        return Gate("source-cluster", FAIL, f"{cluster['DBClusterIdentifier']} is {status!r}, not 'available'")
    if cluster.get("ReplicationSourceIdentifier"):
        return Gate("source-cluster", FAIL, f"{cluster['DBClusterIdentifier']} is a replica of "
                                            f"{cluster['ReplicationSourceIdentifier']}; blue must not be a binlog replica")
    return Gate("source-cluster", PASS, f"{cluster['DBClusterIdentifier']}: aurora-mysql {version}, available")


def binlog_format(rds: Any, cluster: dict[str, Any]) -> Gate:
    group = cluster.get("DBClusterParameterGroup", "")
    if group.startswith("default."):
        return Gate("binlog-format", FAIL, f"blue uses the default group {group}; attach a custom cluster "
                                           "parameter group with binlog_format=ROW and reboot the writer")
    params = aws.paginate(rds, "describe_db_cluster_parameters", "Parameters",
                          DBClusterParameterGroupName=group, Source="user")
    value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == "binlog_format"), None)
    if not value or value.upper() == "OFF":
        return Gate("binlog-format", FAIL, f"binlog_format is {value or 'not set'} in {group}; set it (ROW "
                                           "recommended) so green can replicate from blue")
    note = "" if value.upper() == "ROW" else " (AWS recommends ROW)"
    return Gate("binlog-format", PASS, f"binlog_format={value} in {group}{note}")


def writer_in_sync(cluster: dict[str, Any]) -> Gate:
    writer = next((m for m in cluster.get("DBClusterMembers", []) if m.get("IsClusterWriter")), None)
    if writer is None:
        return Gate("writer-in-sync", FAIL, "the cluster has no writer instance")
    state = writer.get("DBClusterParameterGroupStatus", "unknown")
    if state != "in-sync":
        return Gate("writer-in-sync", FAIL, f"writer {writer['DBInstanceIdentifier']} parameter group status is "
                                            f"{state!r}: reboot the writer first, or creation fails")
    return Gate("writer-in-sync", PASS, f"writer {writer['DBInstanceIdentifier']} is in-sync")


def target_group(rds: Any, name: str | None, level: str) -> Gate:
    gate = f"target-{level}-group"
    if not name:
        return Gate(gate, WARN, "not given: green instances keep their blue partner's 5.7 instance group")
    record = group_record(rds, name, level)
    if record is None:
        return Gate(gate, FAIL, f"{level} parameter group {name} not found")
    family = record.get("DBParameterGroupFamily")
    if family != V3_FAMILY:
        return Gate(gate, FAIL, f"{name} is family {family}, expected {V3_FAMILY}")
    if level == "cluster":
        params = aws.paginate(rds, "describe_db_cluster_parameters", "Parameters",
                              DBClusterParameterGroupName=name, Source="user")
        value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == "binlog_format"), None)
        if not value or value.upper() == "OFF":
            return Gate(gate, WARN, f"{name} ({family}) has no binlog_format: the upgraded cluster will not "
                                    "write binlogs after switchover")
    return Gate(gate, PASS, f"{name} ({family})")


def target_version(rds: Any, source_version: str, requested: str) -> tuple[Gate, str | None]:
    """The gate, and the full engine version to pass to the API when valid."""
    from upgrade_cli.params.versions import check_target, valid_upgrade_targets

    verdict = check_target(valid_upgrade_targets(rds, source_version), requested)
    if not verdict.valid:
        return Gate("target-version", FAIL, verdict.message), None
    return Gate("target-version", PASS if verdict.recommended else WARN, verdict.message), verdict.resolved


# ---------------------------------------------------------------------------------------------
# report gates (files written by `precheck` and `bench`)
# ---------------------------------------------------------------------------------------------


def precheck_report(path: Path | None, target_version: str | None = None) -> Gate:
    """Our precheck report.json or AWS's ``upgrade-prechecks.log``, read by ``handoffs.read_precheck``.
    With ``target_version`` (the engine version being created), a report run for another MySQL release
    blocks: its version-gated checks and reserved words are not the target's."""
    if path is None:
        return Gate("precheck-report", SKIP, "no --precheck-report given")
    report = read_precheck(path)
    mismatch = _target_mismatch(report.target_version, target_version)
    if mismatch:
        return Gate("precheck-report", FAIL, f"{path}: {mismatch}")
    if report.errors:
        first = report.blocking[0] if report.blocking else None
        named = f", first: {first.check_id} at {first.where}" if first else ""
        return Gate("precheck-report", FAIL, f"{path}: {report.errors} error finding(s) block the upgrade{named}")
    if not report.complete:
        return Gate("precheck-report", FAIL, f"{path}: the scan is incomplete ({report.incomplete_reason}): "
                                             "no errors found so far is not a pass")
    if report.crashed_checks:
        return Gate("precheck-report", FAIL, f"{path}: check(s) crashed, so their result is unknown: "
                                             f"{', '.join(report.crashed_checks)}")
    return Gate("precheck-report", PASS, f"{path}: no errors")


def _target_mismatch(checked: str | None, target_version: str | None) -> str | None:
    """Why the precheck's target is not ``target_version``, or None when they agree (or either is unknown)."""
    if not checked or not target_version:
        return None
    try:
        ran, wanted = resolve_target(checked), resolve_target(target_version)
    except ToolError:
        return None  # a version this tool does not know: nothing to compare against
    if ran.mysql == wanted.mysql:
        return None
    return (f"the precheck ran for {ran.label}, not for {wanted.label}; "
            f"re-run precheck --target-version {wanted.aurora or wanted.mysql_version}")


def bench_report(path: Path | None) -> Gate:
    """``bench compare --format json`` output, read by ``handoffs.read_bench``: regressions and differences block."""
    if path is None:
        return Gate("bench-report", SKIP, "no --bench-report given")
    report = read_bench(path)
    if report.failing:
        return Gate("bench-report", FAIL, f"{path}: {report.failing} failing finding(s) between blue and green "
                                          f"({len(report.regressions)} latency regression(s))")
    if not report.complete:
        return Gate("bench-report", FAIL, f"{path}: the bench run is incomplete: no failures so far is not a pass")
    return Gate("bench-report", PASS, f"{path}: no regressions or differences")


# ---------------------------------------------------------------------------------------------
# switchover gates on the deployment (RDS API, CloudWatch)
# ---------------------------------------------------------------------------------------------


def deployment_available(dep: dict[str, Any]) -> Gate:
    status = dep.get("Status")
    pending = [f"{t['Name']}={t['Status']}" for t in dep.get("Tasks", []) if t.get("Status") != "COMPLETED"]
    if status != bg.AVAILABLE:
        detail = f"status is {status}" + (f": {dep['StatusDetails']}" if dep.get("StatusDetails") else "")
        return Gate("deployment-available", FAIL, detail)
    if pending:
        return Gate("deployment-available", FAIL, f"tasks not completed: {', '.join(pending)}")
    return Gate("deployment-available", PASS, f"{dep['BlueGreenDeploymentIdentifier']} is AVAILABLE, "
                                              "all tasks completed")


def members_available(rds: Any, dep: dict[str, Any]) -> Gate:
    """Every switchover member pair AVAILABLE, and the green cluster and its instances 'available'."""
    problems = [f"{bg.arn_name(d.get('TargetMember') or d.get('SourceMember', '?'))}={d.get('Status')}"
                for d in dep.get("SwitchoverDetails", []) if d.get("Status") != bg.AVAILABLE]
    green = aws.describe_cluster(rds, dep["Target"])
    if green is None:
        problems.append(f"green cluster {bg.arn_name(dep['Target'])} not found")
    else:
        if green.get("Status") != "available":
            problems.append(f"{green['DBClusterIdentifier']} is {green.get('Status')}")
        for inst in bg.cluster_instances(rds, green):
            if inst.get("DBInstanceStatus") != "available":
                problems.append(f"{inst['DBInstanceIdentifier']} is {inst.get('DBInstanceStatus')}")
    if problems:
        return Gate("members-available", FAIL, "not available: " + "; ".join(problems))
    return Gate("members-available", PASS, f"{len(dep.get('SwitchoverDetails', []))} member pair(s) and every "
                                           "green instance available")


def replica_lag_metric(rds: Any, cw: Any, dep: dict[str, Any], max_lag: float, minutes: int) -> Gate:
    green = aws.describe_cluster(rds, dep["Target"])
    writer = bg.writer_id(green) if green else None
    if writer is None:
        return Gate("replica-lag", FAIL, "green writer instance not found")
    points = bg.replica_lag(cw, writer, minutes)
    if not points:
        return Gate("replica-lag", FAIL, f"no {bg.LAG_METRIC} datapoints for {writer} in the last {minutes} min: "
                                         "cannot prove green is caught up")
    worst = max(p["Maximum"] for p in points)
    latest = points[-1]["Maximum"]
    if min(points[-1].get("Minimum", latest), latest) < 0:
        return Gate("replica-lag", FAIL, f"{bg.LAG_METRIC}=-1 on {writer} in the latest minute: replication not "
                                         "running or unknown")
    if worst > max_lag:
        return Gate("replica-lag", FAIL, f"{bg.LAG_METRIC} on {writer} peaked at {worst:g}s in the last {minutes} "
                                         f"min (latest {latest:g}s), above --max-lag {max_lag:g}s")
    return Gate("replica-lag", PASS, f"{bg.LAG_METRIC} on {writer} ≤ {worst:g}s over {minutes} min "
                                     f"(limit {max_lag:g}s)")


# ---------------------------------------------------------------------------------------------
# SQL gates (read-only sessions on blue / green)
# ---------------------------------------------------------------------------------------------


def _rows(conn: Any, sql: str, args: Any = None) -> list[dict[str, Any]]:
    import pymysql
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def no_tmp_database(conn: Any | None) -> Gate:
    if conn is None:
        return not_run("no-tmp-database")
    if _rows(conn, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'tmp'"):
        return Gate("no-tmp-database", FAIL, "blue has a database named `tmp`: blue/green does not copy it; "
                                             "rename or drop it first")
    return Gate("no-tmp-database", PASS, "no `tmp` database on blue")


def long_transactions(conn: Any | None, max_seconds: int) -> Gate:
    if conn is None:
        return not_run("long-transactions")
    rows = _rows(conn, "SELECT trx_mysql_thread_id AS thread, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS age, "
                       "trx_rows_modified AS rows_modified, trx_state AS state FROM information_schema.innodb_trx "
                       "WHERE trx_mysql_thread_id <> CONNECTION_ID() "
                       "AND trx_started <= NOW() - INTERVAL %s SECOND ORDER BY trx_started", (max_seconds,))
    if rows:
        shown = ", ".join(f"thread {r['thread']} open {r['age']}s ({r['rows_modified']} rows modified)"
                          for r in rows[:5])
        return Gate("long-transactions", FAIL, f"{len(rows)} transaction(s) open ≥ {max_seconds}s on blue: {shown}")
    return Gate("long-transactions", PASS, f"no transaction open ≥ {max_seconds}s on blue")


def running_ddl(conn: Any | None) -> Gate:
    if conn is None:
        return not_run("running-ddl")
    rows = _rows(conn, "SELECT ID AS id, TIME AS secs, STATE AS state, INFO AS info FROM information_schema.PROCESSLIST "
                       "WHERE ID <> CONNECTION_ID() AND INFO IS NOT NULL")
    hits = [r for r in rows if is_ddl(r["info"]) or MDL_WAIT in (r["state"] or "").lower()]
    if hits:
        shown = "; ".join(f"thread {r['id']} {r['secs']}s {(r['state'] or '').strip()}: "
                          f"{' '.join(str(r['info']).split())[:80]}" for r in hits[:5])
        return Gate("running-ddl", FAIL, f"{len(hits)} DDL statement(s) or metadata-lock wait(s) on blue: {shown}")
    return Gate("running-ddl", PASS, "no DDL or metadata-lock wait running on blue")


def prepared_xa(conn: Any | None) -> Gate:
    if conn is None:
        return not_run("prepared-xa")
    rows = _rows(conn, "XA RECOVER")
    if rows:
        ids = ", ".join(str(r.get("data", "?")) for r in rows[:5])
        return Gate("prepared-xa", FAIL, f"{len(rows)} prepared XA transaction(s) on blue ({ids}): "
                                         "XA COMMIT or XA ROLLBACK them first")
    return Gate("prepared-xa", PASS, "no prepared XA transactions on blue")


def replica_status(conn: Any | None, max_lag: float) -> Gate:
    """``SHOW REPLICA STATUS`` on green (``SHOW SLAVE STATUS`` where REPLICA is not understood)."""
    if conn is None:
        return not_run("replica-status")
    rows = _replica_rows(conn)
    if not rows:
        return Gate("replica-status", FAIL, "green shows no replication channel: it is not replicating from blue")
    row = rows[0]

    def col(*names: str) -> Any:
        return next((row[n] for n in names if n in row), None)

    io_ok = col("Replica_IO_Running", "Slave_IO_Running")
    sql_ok = col("Replica_SQL_Running", "Slave_SQL_Running")
    lag = col("Seconds_Behind_Source", "Seconds_Behind_Master")
    if io_ok != "Yes" or sql_ok != "Yes":
        err = col("Last_Error", "Last_SQL_Error", "Last_IO_Error") or ""
        return Gate("replica-status", FAIL, f"replication threads IO={io_ok} SQL={sql_ok}" + (f": {err}" if err else ""))
    if lag is None or float(lag) > max_lag:
        return Gate("replica-status", FAIL, f"Seconds_Behind_Source={lag} on green, limit {max_lag:g}s")
    return Gate("replica-status", PASS, f"replicating, Seconds_Behind_Source={lag}s (limit {max_lag:g}s)")


def _replica_rows(conn: Any) -> list[dict[str, Any]]:
    """``SHOW REPLICA STATUS`` (``SHOW SLAVE STATUS`` where REPLICA is not understood, as on 5.7)."""
    import pymysql
    try:
        return _rows(conn, "SHOW REPLICA STATUS")
    except pymysql.err.ProgrammingError:
        return _rows(conn, "SHOW SLAVE STATUS")


def blue_not_a_replica(conn: Any | None) -> Gate:
    """Blue must not be an external binlog replica (mysql.rds_set_external_master/source): AWS refuses it."""
    if conn is None:
        return not_run("blue-not-a-replica")
    rows = _replica_rows(conn)
    if rows:
        row = rows[0]
        source = row.get("Source_Host") or row.get("Master_Host") or "?"
        return Gate("blue-not-a-replica", FAIL, f"blue replicates from {source} (binlog replication): blue/green "
                                                "does not support an external binlog replica as blue; stop and "
                                                "reset it (mysql.rds_reset_external_master) first")
    return Gate("blue-not-a-replica", PASS, "blue has no replication channel")


RETENTION_KEY = "binlog retention hours"


def binlog_retention(conn: Any | None) -> Gate:
    """``binlog retention hours`` from ``mysql.rds_show_configuration``: NULL purges binlogs green still needs."""
    if conn is None:
        return not_run("binlog-retention")
    rows = _rows(conn, "CALL mysql.rds_show_configuration")
    value = next((r.get("value") for r in rows if str(r.get("name", "")).lower() == RETENTION_KEY), None)
    if value in (None, "", "0", 0):
        return Gate("binlog-retention", FAIL, f"{RETENTION_KEY} is {value if value not in (None, '') else 'NULL'}: "
                                              "binlogs can be purged before green applies them; run CALL "
                                              f"mysql.rds_set_configuration('{RETENTION_KEY}', 24) on blue")
    return Gate("binlog-retention", PASS, f"{RETENTION_KEY} = {value}")


NO_KEY_TABLES = """
SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS name, t.TABLE_ROWS AS row_estimate
FROM information_schema.TABLES t
WHERE t.TABLE_TYPE = 'BASE TABLE'
  AND t.TABLE_SCHEMA NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')
  AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c
                  WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
                    AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE'))
ORDER BY t.TABLE_ROWS DESC, t.TABLE_SCHEMA, t.TABLE_NAME"""


def tables_without_key(conn: Any | None, shown: int = 10) -> Gate:
    """Row-based replication finds each changed row of a table without a PK/unique key by scanning: green lags."""
    if conn is None:
        return not_run("tables-without-pk")
    rows = _rows(conn, NO_KEY_TABLES)
    if not rows:
        return Gate("tables-without-pk", PASS, "every table has a primary or unique key")
    listed = ", ".join(f"{r['db']}.{r['name']} (~{int(r['row_estimate'] or 0):,} rows)" for r in rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return Gate("tables-without-pk", WARN, f"{len(rows)} table(s) without a primary or unique key: {listed}{more}; "
                                           "each row change replicated to green scans the table (replica lag): "
                                           "add a key, or expect lag under writes to them")


def green_read_only(conn: Any | None) -> Gate:
    """Writes on green before switchover conflict with replication and end up in production."""
    if conn is None:
        return not_run("green-read-only")
    row = _rows(conn, "SELECT @@global.read_only AS ro")[0]
    if str(row["ro"]) not in ("1", "ON"):
        return Gate("green-read-only", FAIL, "green has read_only=OFF: writes on green conflict with replication "
                                             "and reach production at switchover; set read_only={TrueIfClusterReplica} "
                                             "in green's cluster group")
    return Gate("green-read-only", PASS, "green is read-only (note: users with CONNECTION_ADMIN bypass it)")


# ---------------------------------------------------------------------------------------------
# more create gates on the blue cluster and the target (RDS API)
# ---------------------------------------------------------------------------------------------


def master_user_secret(cluster: dict[str, Any]) -> Gate:
    secret = cluster.get("MasterUserSecret")
    if secret:
        return Gate("master-user-secret", FAIL, f"the master password of {cluster['DBClusterIdentifier']} is managed "
                                                "in Secrets Manager, which blue/green does not support: turn it off "
                                                "(ModifyDBCluster --no-manage-master-user-password) first")
    return Gate("master-user-secret", PASS, "master password not managed by Secrets Manager")


def blue_instances_available(rds: Any, cluster: dict[str, Any]) -> Gate:
    instances = bg.cluster_instances(rds, cluster)
    if not instances:
        return Gate("blue-instances-available", FAIL, f"{cluster['DBClusterIdentifier']} has no DB instances")
    busy = [f"{i['DBInstanceIdentifier']}={i.get('DBInstanceStatus')}" for i in instances
            if i.get("DBInstanceStatus") != "available"]
    if busy:
        return Gate("blue-instances-available", FAIL, "not available: " + ", ".join(busy))
    return Gate("blue-instances-available", PASS, f"{len(instances)} instance(s) available")


def instance_classes(rds: Any, cluster: dict[str, Any], target_version: str | None) -> Gate:
    """Green copies each blue instance's class: each must be orderable for the target version."""
    if not target_version:
        return Gate("instance-classes", SKIP, "not checked: no valid target version to check the classes against")
    classes = sorted({i.get("DBInstanceClass") for i in bg.cluster_instances(rds, cluster) if i.get("DBInstanceClass")})
    missing = [c for c in classes if not list(aws.paginate(
        rds, "describe_orderable_db_instance_options", "OrderableDBInstanceOptions",
        Engine=ENGINE, EngineVersion=target_version, DBInstanceClass=c))]
    if missing:
        return Gate("instance-classes", FAIL, f"{', '.join(missing)} not offered for {ENGINE} {target_version} "
                                              "(DescribeOrderableDBInstanceOptions): modify those instances to an "
                                              "offered class first")
    return Gate("instance-classes", PASS, f"{', '.join(classes)} offered for {target_version}")


def green_event_scheduler(rds: Any, group: str) -> Gate:
    """AWS: the Event Scheduler must be disabled on green when the deployment is created."""
    params = aws.paginate(rds, "describe_db_cluster_parameters", "Parameters", DBClusterParameterGroupName=group,
                          Source="user")
    value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == "event_scheduler"), None)
    if value is not None and value.upper() != "OFF":
        return Gate("green-event-scheduler", FAIL, f"event_scheduler={value} in {group}: blue/green needs it OFF on "
                                                   "green at creation (`params plan` plans OFF and `bluegreen "
                                                   "switchover` restores it)")
    return Gate("green-event-scheduler", PASS, f"event_scheduler {'OFF' if value else 'not set (default OFF)'} "
                                               f"in {group}")


def changed_at(rds: Any, name: str, level: str) -> dt.datetime | None:
    """When `params plan --apply` last changed the group (its tag), or None when unknown."""
    arn = group_arn(rds, name, level)
    if not arn:
        return None
    tags = aws.call(rds, "list_tags_for_resource", ResourceName=arn).get("TagList", [])
    raw = next((t["Value"] for t in tags if t.get("Key") == CHANGED_TAG), None)
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def groups_settled(rds: Any, groups: list[tuple[str, str]]) -> tuple[Gate, dt.datetime | None]:
    """The gate, and when the last changed group has settled (None when nothing needs waiting for)."""
    now = bg.utcnow()
    known = {name: changed_at(rds, name, level) for name, level in groups}
    pending = {n: t + SETTLE for n, t in known.items() if t is not None and t + SETTLE > now}
    if pending:
        until = max(pending.values())
        return Gate("groups-settled", FAIL, f"{', '.join(sorted(pending))} changed less than 5 minutes ago; AWS asks "
                                            "to wait at least 5 minutes after creating or modifying a parameter "
                                            f"group before a cluster is built from it: ready at {until:%H:%M:%S} UTC "
                                            "(--wait waits for it)"), until
    unknown = [n for n, t in known.items() if t is None]
    if unknown:
        return Gate("groups-settled", WARN, f"cannot tell when {', '.join(unknown)} last changed (not changed by "
                                            "`params plan --apply`): AWS asks to wait at least 5 minutes after a "
                                            "parameter group change before building from it"), None
    return Gate("groups-settled", PASS, "every target group changed more than 5 minutes ago"), None
