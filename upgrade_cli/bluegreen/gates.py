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
from pathlib import Path
from typing import Any

from upgrade_cli import aws, judges
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.bluegreen.registry import (CREATE, FAIL, NOT_RUN, OVERRIDDEN, PASS, SKIP, SWITCHOVER, WARN, Gate,
                                            Needs, gate, names, not_run, sql_gates)
from upgrade_cli.handoffs import CHANGED_TAG, read_bench, read_precheck
from upgrade_cli.params import api as params_api
from upgrade_cli.precheck import api as precheck_api
from upgrade_cli.sqltext import is_ddl

V3_FAMILY = "aurora-mysql8.0"
ENGINE = "aurora-mysql"
SETTLE = dt.timedelta(minutes=5)
MDL_WAIT = "metadata lock"
Result = tuple  # (status, detail) or (status, detail, value): the registry names it and makes it a Gate


# ---------------------------------------------------------------------------------------------
# create gates (blue cluster and target groups, via the RDS API)
# ---------------------------------------------------------------------------------------------


@gate("source-cluster", phase=CREATE, needs=Needs.api,
      checks="blue is aurora-mysql 5.7, available and not a binlog replica of another cluster")
def source_cluster(cluster: dict[str, Any]) -> Result:
    engine, version, status = cluster.get("Engine"), cluster.get("EngineVersion", ""), cluster.get("Status")
    if engine != "aurora-mysql" or not version.startswith("5.7."):
        return (FAIL, f"{cluster['DBClusterIdentifier']} is {engine} {version}; "
                "this tool upgrades aurora-mysql 5.7 (v2) clusters")
    if status != "available":
        return (FAIL, f"{cluster['DBClusterIdentifier']} is {status!r}, not 'available'")
    if cluster.get("ReplicationSourceIdentifier"):
        return (FAIL, f"{cluster['DBClusterIdentifier']} is a replica of "
                f"{cluster['ReplicationSourceIdentifier']}; blue must not be a binlog replica")
    return (PASS, f"{cluster['DBClusterIdentifier']}: aurora-mysql {version}, available")


@gate("binlog-format", phase=CREATE, needs=Needs.api,
      checks="blue's custom cluster group sets binlog_format (ROW recommended), so green can replicate")
def binlog_format(rds: Any, cluster: dict[str, Any]) -> Result:
    group = cluster.get("DBClusterParameterGroup", "")
    if group.startswith("default."):
        return (FAIL, f"blue uses the default group {group}; attach a custom cluster "
                "parameter group with binlog_format=ROW and reboot the writer")
    params = aws.paginate(rds, "describe_db_cluster_parameters", "Parameters",
                          DBClusterParameterGroupName=group, Source="user")
    value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == "binlog_format"), None)
    if not value or value.upper() == "OFF":
        return (FAIL, f"binlog_format is {value or 'not set'} in {group}; set it (ROW "
                "recommended) so green can replicate from blue")
    note = "" if value.upper() == "ROW" else " (AWS recommends ROW)"
    return (PASS, f"binlog_format={value} in {group}{note}")


@gate("writer-in-sync", phase=CREATE, needs=Needs.api,
      checks="blue's writer has its cluster parameter group in-sync (no pending reboot)")
def writer_in_sync(cluster: dict[str, Any]) -> Result:
    writer = next((m for m in cluster.get("DBClusterMembers", []) if m.get("IsClusterWriter")), None)
    if writer is None:
        return (FAIL, "the cluster has no writer instance")
    state = writer.get("DBClusterParameterGroupStatus", "unknown")
    if state != "in-sync":
        return (FAIL, f"writer {writer['DBInstanceIdentifier']} parameter group status is "
                f"{state!r}: reboot the writer first, or creation fails")
    return (PASS, f"writer {writer['DBInstanceIdentifier']} is in-sync")


@gate("target-cluster-group", phase=CREATE, needs=Needs.api,
      checks="green's cluster parameter group exists, is aurora-mysql8.0 and sets binlog_format")
def target_cluster_group(rds: Any, cluster_group: str) -> Result:
    return _target_group(rds, cluster_group, "cluster")


@gate("target-instance-group", phase=CREATE, needs=Needs.api,
      checks="each green instance's 8.0 group (--instance-parameter-group for all, else the one `params plan` made "
             "from its blue partner's 5.7 group) exists and is aurora-mysql8.0")
def target_instance_group(rds: Any, planned: Any) -> Result:
    """``planned``: :class:`~upgrade_cli.bluegreen.instance_groups.Planned`."""
    if planned.error:
        return (FAIL, f"could not evaluate: {planned.error}")
    if not planned.groups:
        return _target_group(rds, None, "instance")
    for group in sorted(set(planned.groups.values())):
        result = _target_group(rds, group, "instance")
        if result[0] != PASS:
            return result
    shown = ", ".join(f"{blue}→{group}" for blue, group in sorted(planned.groups.items()))
    missing = f"; no planned group for {', '.join(planned.missing)} (keeps its 5.7 partner's group)" \
        if planned.missing else ""
    return (WARN if planned.missing else PASS, f"{shown} ({planned.how}){missing}")


def _target_group(rds: Any, name: str | None, level: str) -> Result:
    if not name:
        return (WARN, "not given: green instances keep their blue partner's 5.7 instance group")
    record = aws.group_record(rds, name, level)
    if record is None:
        return (FAIL, f"{level} parameter group {name} not found")
    family = record.get("DBParameterGroupFamily")
    if family != V3_FAMILY:
        return (FAIL, f"{name} is family {family}, expected {V3_FAMILY}")
    if level == "cluster":
        params = aws.paginate(rds, "describe_db_cluster_parameters", "Parameters",
                              DBClusterParameterGroupName=name, Source="user")
        value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == "binlog_format"), None)
        if not value or value.upper() == "OFF":
            return (WARN, f"{name} ({family}) has no binlog_format: the upgraded cluster will not "
                    "write binlogs after switchover")
    return (PASS, f"{name} ({family})")


@gate("target-version", phase=CREATE, needs=Needs.api, provides="target_version",
      checks="--target-version is a valid upgrade target of blue's version (DescribeDBEngineVersions)")
def target_version(rds: Any, cluster: dict[str, Any], requested_version: str) -> Result:
    """The gate, and (as its value) the full engine version to pass to the API when valid."""
    targets = params_api.valid_upgrade_targets(rds, cluster.get("EngineVersion", ""))
    verdict = params_api.check_target(targets, requested_version)
    if not verdict.valid:
        return FAIL, verdict.message, None
    return (PASS if verdict.recommended else WARN), verdict.message, verdict.resolved


# ---------------------------------------------------------------------------------------------
# report gates (files written by `precheck` and `bench`)
# ---------------------------------------------------------------------------------------------


@gate("precheck-report", phase=(CREATE, SWITCHOVER), needs=Needs.report,
      checks="the precheck judge passes the report (--precheck-report): complete, every check run, none in error, "
             "made for the target")
def precheck_report(precheck_report: Path | None, target_version: str | None = None,
                    requested_version: str | None = None) -> Result:
    """Our precheck report.json or AWS's ``upgrade-prechecks.log``, judged by ``judges.precheck`` (the dossier's
    judge too). With ``target_version`` (the engine version being created), a report run for another MySQL
    release blocks: its version-gated checks and reserved words are not the target's. A risk warns."""
    if precheck_report is None:
        return SKIP, "no --precheck-report given"
    return _judged(judges.precheck(read_precheck(precheck_report, checks=precheck_api.CHECKS),
                                   target_version or requested_version, checks=precheck_api.CHECKS), WARN)


@gate("bench-report", phase=SWITCHOVER, needs=Needs.report,
      checks="the bench judge passes the comparison (--bench-report): measured, no regression, difference or "
             "inconclusive shape")
def bench_report(bench_report: Path | None) -> Result:
    """``bench compare --format json`` output, judged by ``judges.bench`` (the dossier's judge too). A risk (a
    latency regression, an inconclusive shape) fails too: a switchover accepts it only by ``--override``."""
    if bench_report is None:
        return SKIP, "no --bench-report given"
    return _judged(judges.bench(read_bench(bench_report)), FAIL)


def _judged(verdict: judges.Verdict, on_risk: str) -> Result:
    """A judge's verdict as a gate result: block fails, risk is ``on_risk``, pass passes."""
    if verdict.status == judges.PASS:
        c = verdict.covered
        shown = f" ({c.measured} of {c.of} {c.unit} covered)" if c.measured is not None and c.of is not None else ""
        return PASS, f"{verdict.input}: the {verdict.judge} judge passes it{shown}"
    return (FAIL if verdict.status == judges.BLOCK else on_risk), f"{verdict.input}: {verdict.summary()}"


# ---------------------------------------------------------------------------------------------
# switchover gates on the deployment (RDS API, CloudWatch)
# ---------------------------------------------------------------------------------------------


@gate("deployment-available", phase=SWITCHOVER, needs=Needs.api,
      checks="the deployment is AVAILABLE with every task COMPLETED")
def deployment_available(dep: dict[str, Any]) -> Result:
    status = dep.get("Status")
    pending = [f"{t['Name']}={t['Status']}" for t in dep.get("Tasks", []) if t.get("Status") != "COMPLETED"]
    if status != bg.AVAILABLE:
        detail = f"status is {status}" + (f": {dep['StatusDetails']}" if dep.get("StatusDetails") else "")
        return (FAIL, detail)
    if pending:
        return (FAIL, f"tasks not completed: {', '.join(pending)}")
    return (PASS, f"{dep['BlueGreenDeploymentIdentifier']} is AVAILABLE, "
            "all tasks completed")


@gate("members-available", phase=SWITCHOVER, needs=Needs.api,
      checks="every switchover member pair is AVAILABLE, and green's cluster and instances are available")
def members_available(rds: Any, dep: dict[str, Any]) -> Result:
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
        return (FAIL, "not available: " + "; ".join(problems))
    return (PASS, f"{len(dep.get('SwitchoverDetails', []))} member pair(s) and every "
            "green instance available")


@gate("replica-lag", phase=SWITCHOVER, needs=Needs.api,
      checks="green writer's replica lag (CloudWatch) stayed within --max-lag over --lag-window minutes")
def replica_lag_metric(rds: Any, cw: Any, dep: dict[str, Any], max_lag: float, lag_minutes: int) -> Result:
    minutes = lag_minutes
    green = aws.describe_cluster(rds, dep["Target"])
    writer = bg.writer_id(green) if green else None
    if writer is None:
        return (FAIL, "green writer instance not found")
    points = bg.replica_lag(cw, writer, minutes)
    if not points:
        return (FAIL, f"no {bg.LAG_METRIC} datapoints for {writer} in the last {minutes} min: "
                "cannot prove green is caught up")
    worst = max(p["Maximum"] for p in points)
    latest = points[-1]["Maximum"]
    if min(points[-1].get("Minimum", latest), latest) < 0:
        return (FAIL, f"{bg.LAG_METRIC}=-1 on {writer} in the latest minute: replication not "
                "running or unknown")
    if worst > max_lag:
        return (FAIL, f"{bg.LAG_METRIC} on {writer} peaked at {worst:g}s in the last {minutes} "
                f"min (latest {latest:g}s), above --max-lag {max_lag:g}s")
    return (PASS, f"{bg.LAG_METRIC} on {writer} ≤ {worst:g}s over {minutes} min "
            f"(limit {max_lag:g}s)")


# ---------------------------------------------------------------------------------------------
# SQL gates (read-only sessions on blue / green)
# ---------------------------------------------------------------------------------------------


def _rows(conn: Any, sql: str, args: Any = None) -> list[dict[str, Any]]:
    import pymysql  # here, not at the top: bluegreen's AWS-only commands start without it
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


@gate("no-tmp-database", phase=CREATE, needs=Needs.blue_sql,
      checks="that blue has no database named `tmp` (blue/green does not copy it)")
def no_tmp_database(conn: Any) -> Result:
    if _rows(conn, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'tmp'"):
        return (FAIL, "blue has a database named `tmp`: blue/green does not copy it; "
                "rename or drop it first")
    return (PASS, "no `tmp` database on blue")


@gate("long-transactions", phase=SWITCHOVER, needs=Needs.blue_sql,
      checks="that no transaction on blue is open longer than --max-trx-seconds")
def long_transactions(conn: Any, max_trx_seconds: int) -> Result:
    max_seconds = max_trx_seconds
    rows = _rows(conn, "SELECT trx_mysql_thread_id AS thread, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS age, "
                       "trx_rows_modified AS rows_modified, trx_state AS state FROM information_schema.innodb_trx "
                       "WHERE trx_mysql_thread_id <> CONNECTION_ID() "
                       "AND trx_started <= NOW() - INTERVAL %s SECOND ORDER BY trx_started", (max_seconds,))
    if rows:
        shown = ", ".join(f"thread {r['thread']} open {r['age']}s ({r['rows_modified']} rows modified)"
                          for r in rows[:5])
        return (FAIL, f"{len(rows)} transaction(s) open ≥ {max_seconds}s on blue: {shown}")
    return (PASS, f"no transaction open ≥ {max_seconds}s on blue")


@gate("running-ddl", phase=SWITCHOVER, needs=Needs.blue_sql,
      checks="that no DDL or metadata-lock wait is running on blue")
def running_ddl(conn: Any) -> Result:
    rows = _rows(conn, "SELECT ID AS id, TIME AS secs, STATE AS state, INFO AS info FROM information_schema.PROCESSLIST "
                       "WHERE ID <> CONNECTION_ID() AND INFO IS NOT NULL")
    hits = [r for r in rows if is_ddl(r["info"]) or MDL_WAIT in (r["state"] or "").lower()]
    if hits:
        shown = "; ".join(f"thread {r['id']} {r['secs']}s {(r['state'] or '').strip()}: "
                          f"{' '.join(str(r['info']).split())[:80]}" for r in hits[:5])
        return (FAIL, f"{len(hits)} DDL statement(s) or metadata-lock wait(s) on blue: {shown}")
    return (PASS, "no DDL or metadata-lock wait running on blue")


@gate("prepared-xa", phase=SWITCHOVER, needs=Needs.blue_sql,
      checks="that blue has no prepared XA transaction")
def prepared_xa(conn: Any) -> Result:
    rows = _rows(conn, "XA RECOVER")
    if rows:
        ids = ", ".join(str(r.get("data", "?")) for r in rows[:5])
        return (FAIL, f"{len(rows)} prepared XA transaction(s) on blue ({ids}): "
                "XA COMMIT or XA ROLLBACK them first")
    return (PASS, "no prepared XA transactions on blue")


@gate("replica-status", phase=SWITCHOVER, needs=Needs.green_sql,
      checks="that green's replication threads run and Seconds_Behind_Source is within --max-lag")
def replica_status(conn: Any, max_lag: float) -> Result:
    """``SHOW REPLICA STATUS`` on green (``SHOW SLAVE STATUS`` where REPLICA is not understood)."""
    rows = _replica_rows(conn)
    if not rows:
        return (FAIL, "green shows no replication channel: it is not replicating from blue")
    row = rows[0]

    def col(*names: str) -> Any:
        return next((row[n] for n in names if n in row), None)

    io_ok = col("Replica_IO_Running", "Slave_IO_Running")
    sql_ok = col("Replica_SQL_Running", "Slave_SQL_Running")
    lag = col("Seconds_Behind_Source", "Seconds_Behind_Master")
    if io_ok != "Yes" or sql_ok != "Yes":
        err = col("Last_Error", "Last_SQL_Error", "Last_IO_Error") or ""
        return (FAIL, f"replication threads IO={io_ok} SQL={sql_ok}" + (f": {err}" if err else ""))
    if lag is None or float(lag) > max_lag:
        return (FAIL, f"Seconds_Behind_Source={lag} on green, limit {max_lag:g}s")
    return (PASS, f"replicating, Seconds_Behind_Source={lag}s (limit {max_lag:g}s)")


def _replica_rows(conn: Any) -> list[dict[str, Any]]:
    """``SHOW REPLICA STATUS`` (``SHOW SLAVE STATUS`` where REPLICA is not understood, as on 5.7)."""
    import pymysql
    try:
        return _rows(conn, "SHOW REPLICA STATUS")
    except pymysql.err.ProgrammingError:
        return _rows(conn, "SHOW SLAVE STATUS")


@gate("blue-not-a-replica", phase=(CREATE, SWITCHOVER), needs=Needs.blue_sql,
      checks="that blue is not an external binlog replica (SHOW REPLICA STATUS is empty)")
def blue_not_a_replica(conn: Any) -> Result:
    """Blue must not be an external binlog replica (mysql.rds_set_external_master/source): AWS refuses it."""
    rows = _replica_rows(conn)
    if rows:
        row = rows[0]
        source = row.get("Source_Host") or row.get("Master_Host") or "?"
        return (FAIL, f"blue replicates from {source} (binlog replication): blue/green "
                "does not support an external binlog replica as blue; stop and "
                "reset it (mysql.rds_reset_external_master) first")
    return (PASS, "blue has no replication channel")


RETENTION_KEY = "binlog retention hours"


@gate("binlog-retention", phase=CREATE, needs=Needs.blue_sql,
      checks="that `CALL mysql.rds_show_configuration` shows binlog retention hours set")
def binlog_retention(conn: Any) -> Result:
    """``binlog retention hours`` from ``mysql.rds_show_configuration``: NULL purges binlogs green still needs."""
    rows = _rows(conn, "CALL mysql.rds_show_configuration")
    value = next((r.get("value") for r in rows if str(r.get("name", "")).lower() == RETENTION_KEY), None)
    if value in (None, "", "0", 0):
        return (FAIL, f"{RETENTION_KEY} is {value if value not in (None, '') else 'NULL'}: "
                "binlogs can be purged before green applies them; run CALL "
                f"mysql.rds_set_configuration('{RETENTION_KEY}', 24) on blue")
    return (PASS, f"{RETENTION_KEY} = {value}")


NO_KEY_TABLES = """
SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS name, t.TABLE_ROWS AS row_estimate
FROM information_schema.TABLES t
WHERE t.TABLE_TYPE = 'BASE TABLE'
  AND t.TABLE_SCHEMA NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')
  AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c
                  WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
                    AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE'))
ORDER BY t.TABLE_ROWS DESC, t.TABLE_SCHEMA, t.TABLE_NAME"""


@gate("tables-without-pk", phase=CREATE, needs=Needs.blue_sql,
      checks="tables without a primary or unique key (row-based replication to green scans them: lag), with row estimates")
def tables_without_key(conn: Any, shown: int = 10) -> Result:
    """Row-based replication finds each changed row of a table without a PK/unique key by scanning: green lags."""
    rows = _rows(conn, NO_KEY_TABLES)
    if not rows:
        return (PASS, "every table has a primary or unique key")
    listed = ", ".join(f"{r['db']}.{r['name']} (~{int(r['row_estimate'] or 0):,} rows)" for r in rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return (WARN, f"{len(rows)} table(s) without a primary or unique key: {listed}{more}; "
            "each row change replicated to green scans the table (replica lag): "
            "add a key, or expect lag under writes to them")


@gate("green-read-only", phase=SWITCHOVER, needs=Needs.green_sql,
      checks="that green is read-only, so nothing writes to it before switchover")
def green_read_only(conn: Any) -> Result:
    """Writes on green before switchover conflict with replication and end up in production."""
    row = _rows(conn, "SELECT @@global.read_only AS ro")[0]
    if str(row["ro"]) not in ("1", "ON"):
        return (FAIL, "green has read_only=OFF: writes on green conflict with replication "
                "and reach production at switchover; set read_only={TrueIfClusterReplica} "
                "in green's cluster group")
    return (PASS, "green is read-only (note: users with CONNECTION_ADMIN bypass it)")


# ---------------------------------------------------------------------------------------------
# more create gates on the blue cluster and the target (RDS API)
# ---------------------------------------------------------------------------------------------


@gate("master-user-secret", phase=CREATE, needs=Needs.api,
      checks="blue's master password is not managed by Secrets Manager (blue/green does not support it)")
def master_user_secret(cluster: dict[str, Any]) -> Result:
    secret = cluster.get("MasterUserSecret")
    if secret:
        return (FAIL, f"the master password of {cluster['DBClusterIdentifier']} is managed "
                "in Secrets Manager, which blue/green does not support: turn it off "
                "(ModifyDBCluster --no-manage-master-user-password) first")
    return (PASS, "master password not managed by Secrets Manager")


@gate("blue-instances-available", phase=CREATE, needs=Needs.api,
      checks="blue has instances and every one is available")
def blue_instances_available(rds: Any, cluster: dict[str, Any]) -> Result:
    instances = bg.cluster_instances(rds, cluster)
    if not instances:
        return (FAIL, f"{cluster['DBClusterIdentifier']} has no DB instances")
    busy = [f"{i['DBInstanceIdentifier']}={i.get('DBInstanceStatus')}" for i in instances
            if i.get("DBInstanceStatus") != "available"]
    if busy:
        return (FAIL, "not available: " + ", ".join(busy))
    return (PASS, f"{len(instances)} instance(s) available")


@gate("instance-classes", phase=CREATE, needs=Needs.api,
      checks="every blue instance class is orderable for the target version (DescribeOrderableDBInstanceOptions)")
def instance_classes(rds: Any, cluster: dict[str, Any], target_version: str | None) -> Result:
    """Green copies each blue instance's class: each must be orderable for the target version."""
    if not target_version:
        return (SKIP, "not checked: no valid target version to check the classes against")
    classes = sorted({i.get("DBInstanceClass") for i in bg.cluster_instances(rds, cluster) if i.get("DBInstanceClass")})
    missing = [c for c in classes if not list(aws.paginate(
        rds, "describe_orderable_db_instance_options", "OrderableDBInstanceOptions",
        Engine=ENGINE, EngineVersion=target_version, DBInstanceClass=c))]
    if missing:
        return (FAIL, f"{', '.join(missing)} not offered for {ENGINE} {target_version} "
                "(DescribeOrderableDBInstanceOptions): modify those instances to an "
                "offered class first")
    return (PASS, f"{', '.join(classes)} offered for {target_version}")


@gate("green-event-scheduler", phase=CREATE, needs=Needs.api,
      checks="event_scheduler is OFF in green's cluster group (AWS requires it at creation)")
def green_event_scheduler(rds: Any, cluster_group: str) -> Result:
    group = cluster_group
    """AWS: the Event Scheduler must be disabled on green when the deployment is created."""
    params = aws.paginate(rds, "describe_db_cluster_parameters", "Parameters", DBClusterParameterGroupName=group,
                          Source="user")
    value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == "event_scheduler"), None)
    if value is not None and value.upper() != "OFF":
        return (FAIL, f"event_scheduler={value} in {group}: blue/green needs it OFF on "
                "green at creation (`params plan` plans OFF and `bluegreen "
                "switchover` restores it)")
    return (PASS, f"event_scheduler {'OFF' if value else 'not set (default OFF)'} "
            f"in {group}")


def changed_at(rds: Any, name: str, level: str) -> dt.datetime | None:
    """When `params plan --apply` last changed the group (its tag), or None when unknown."""
    arn = aws.group_arn(rds, name, level)
    if not arn:
        return None
    tags = aws.call(rds, "list_tags_for_resource", ResourceName=arn).get("TagList", [])
    raw = next((t["Value"] for t in tags if t.get("Key") == CHANGED_TAG), None)
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@gate("groups-settled", phase=CREATE, needs=Needs.api,
      checks="green's parameter groups changed more than 5 minutes ago (AWS asks to wait that long)")
def groups_settled(rds: Any, groups: list[tuple[str, str]]) -> Result:
    """The gate, and (as its value) when the last changed group has settled (None: nothing to wait for)."""
    now = bg.utcnow()
    known = {name: changed_at(rds, name, level) for name, level in groups}
    pending = {n: t + SETTLE for n, t in known.items() if t is not None and t + SETTLE > now}
    if pending:
        until = max(pending.values())
        return (FAIL, f"{', '.join(sorted(pending))} changed less than 5 minutes ago; AWS asks to wait at least 5 "
                "minutes after creating or modifying a parameter group before a cluster is built from it: ready at "
                f"{until:%H:%M:%S} UTC (--wait waits for it)", until)
    unknown = [n for n, t in known.items() if t is None]
    if unknown:
        return (WARN, f"cannot tell when {', '.join(unknown)} last changed (not changed by `params plan --apply`): "
                "AWS asks to wait at least 5 minutes after a parameter group change before building from it", None)
    return PASS, "every target group changed more than 5 minutes ago", None




# ---------------------------------------------------------------------------------------------
# limitations AWS documents for blue/green (each decided from the RDS API record it names)
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/blue-green-deployments-considerations.html
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.reqs-lims.html
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-bluegreen.html
# ---------------------------------------------------------------------------------------------

CONSIDERATIONS_URL = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/blue-green-deployments-considerations.html"
GLOBAL_BG_URL = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-bluegreen.html"


@gate("zero-etl-integrations", phase=(CREATE, SWITCHOVER), needs=Needs.api,
      checks="no zero-ETL integration from blue (or green): AWS blocks switchover while one exists "
             "(DescribeIntegrations)")
def zero_etl_integrations(rds: Any, cluster: dict[str, Any] | None = None, dep: dict[str, Any] | None = None) -> Result:
    arns = {cluster["DBClusterArn"]} if cluster else {dep["Source"], dep["Target"]} if dep else set()
    mine = [i for i in bg.integrations(rds) if i.get("SourceArn") in arns and i.get("Status") != "deleting"]
    if mine:
        names_ = ", ".join(f"{i.get('IntegrationName', '?')} ({i.get('Status')})" for i in mine)
        return (FAIL, f"{len(mine)} zero-ETL integration(s): {names_}; AWS blocks switchover while they exist: "
                      f"delete them, switch over, then recreate them ({CONSIDERATIONS_URL})")
    return (PASS, "no zero-ETL integration (DescribeIntegrations)")


@gate("global-database", phase=CREATE, needs=Needs.api,
      checks="whether blue is in an Aurora Global Database (its own blue/green limitations apply)")
def global_database(cluster: dict[str, Any]) -> Result:
    global_id = cluster.get("GlobalClusterIdentifier")
    if global_id:
        return (WARN, f"{cluster['DBClusterIdentifier']} is a member of global database {global_id}: the deployment "
                      f"copies every secondary Region and the Global Database limitations for blue/green apply "
                      f"({GLOBAL_BG_URL})")
    return (PASS, "not part of an Aurora Global Database")


@gate("cross-region-replicas", phase=CREATE, needs=Needs.api,
      checks="blue has no cross-Region read replica cluster (ReadReplicaIdentifiers in another Region)")
def cross_region_replicas(cluster: dict[str, Any]) -> Result:
    region = cluster.get("DBClusterArn", "::::").split(":")[3]
    replicas = cluster.get("ReadReplicaIdentifiers", [])
    others = [arn for arn in replicas if arn.startswith("arn:") and arn.split(":")[3] not in ("", region)]
    if others:
        return (FAIL, f"cross-Region read replica(s) {', '.join(others)}: blue/green does not support them; remove "
                      f"or promote them first ({CONSIDERATIONS_URL})")
    if replicas:
        return (WARN, f"{len(replicas)} same-Region replica cluster(s) read blue's binlog (repoint them after "
                      "switchover)")
    return (PASS, "no cross-Region read replica")


@gate("backtrack", phase=CREATE, needs=Needs.api,
      checks="whether backtrack is on for blue (forcing a backtrack breaks the deployment)")
def backtrack(cluster: dict[str, Any]) -> Result:
    window = cluster.get("BacktrackWindow") or 0
    if window:
        return (WARN, f"backtrack is on (window {window}s): do not backtrack blue while the deployment exists; it "
                      f"breaks the deployment and blocks switchover ({CONSIDERATIONS_URL})")
    return (PASS, "backtrack is off")


BINLOG_DUMP = ("Binlog Dump", "Binlog Dump GTID")
BEST_PRACTICES_URL = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/blue-green-deployments-best-practices.html"
# AWS's two documented choices when green lags (Aurora MySQL best practices for blue/green deployments).
GREEN_LAG_OPTIONS = (
    "if green lags behind blue, AWS documents two choices (" + BEST_PRACTICES_URL + "): "
    "(1) when nothing needs green's binary logs before the switchover, turn binary logging off on green "
    "(binlog_format=OFF in green's cluster group, reboot green's writer) until it has caught up, and set it back "
    "before switching over if production needs binlogs; (2) set innodb_flush_log_at_trx_commit=0 in green's "
    "group until it has caught up, and back to 1 before switching over (after a crash meanwhile, rebuild green)")


@gate("binlog-consumers", phase=CREATE, needs=Needs.blue_sql,
      checks="what reads blue's binlog now (registered replicas, binlog dump threads: DMS, Debezium, external "
             "replicas), to repoint after switchover")
def binlog_consumers(conn: Any, cluster: dict[str, Any] | None = None) -> Result:
    import pymysql  # here, not at the top: bluegreen's AWS-only commands start without it

    dumps = [r for r in _rows(conn, "SELECT ID AS id, USER AS user, HOST AS host, COMMAND AS command "
                                    "FROM information_schema.PROCESSLIST") if r["command"] in BINLOG_DUMP]
    try:
        hosts = _rows(conn, "SHOW REPLICAS")
    except pymysql.err.ProgrammingError:
        hosts = _rows(conn, "SHOW SLAVE HOSTS")
    seen = [f"{r['user']}@{str(r['host']).split(':')[0]} ({r['command']})" for r in dumps]
    seen += [f"replica server {r.get('Server_id') or r.get('Server_Id')} at {r.get('Host') or '?'}" for r in hosts
             if not any(str(r.get("Host")) in s for s in seen)]
    seen += [f"replica cluster {bg.arn_name(a)}" for a in (cluster or {}).get("ReadReplicaIdentifiers", [])]
    if seen:
        return (WARN, f"{len(seen)} binlog consumer(s) of blue: {', '.join(seen)}; at switchover replication from "
                      "blue stops and they must be repointed to production's own binlog files and positions "
                      "(`bluegreen switchover` prints the steps)")
    return (PASS, "no binlog dump thread or registered replica on blue now (a consumer that connects from time to "
                  "time, such as a paused DMS task, would not show)")


@gate("blue-available", phase=SWITCHOVER, needs=Needs.api,
      checks="blue (still production) and each of its instances are available at switchover, not only at create")
def blue_available(rds: Any, dep: dict[str, Any]) -> Result:
    cluster = aws.describe_cluster(rds, dep["Source"])
    if cluster is None:
        return (FAIL, "the blue cluster was not found")
    instances = bg.cluster_instances(rds, cluster)
    busy = [f"{cluster['DBClusterIdentifier']}={cluster.get('Status')}"] if cluster.get("Status") != "available" else []
    busy += [f"{i['DBInstanceIdentifier']}={i.get('DBInstanceStatus')}" for i in instances
             if i.get("DBInstanceStatus") != "available"]
    if busy:
        return (FAIL, "not available: " + ", ".join(busy))
    return (PASS, f"{cluster['DBClusterIdentifier']} and {len(instances)} instance(s) available")


@gate("green-cluster-params", phase=SWITCHOVER, needs=Needs.api,
      checks="green's cluster parameter group is in-sync on every green instance (no pending reboot)")
def green_cluster_params(rds: Any, dep: dict[str, Any]) -> Result:
    green = aws.describe_cluster(rds, dep["Target"])
    if green is None:
        return (FAIL, "the green cluster was not found")
    pending = [f"{m['DBInstanceIdentifier']}={m.get('DBClusterParameterGroupStatus')}"
               for m in green.get("DBClusterMembers", []) if m.get("DBClusterParameterGroupStatus") != "in-sync"]
    if pending:
        return (FAIL, f"cluster parameter group not applied on {', '.join(pending)}: reboot those green instances "
                      "before switching over")
    return (PASS, f"{green.get('DBClusterParameterGroup')} in-sync on every green instance")


@gate("green-instance-groups", phase=SWITCHOVER, needs=Needs.api,
      checks="every green instance is on the 8.0 instance group planned for its blue partner, applied (in-sync)")
def green_instance_groups(rds: Any, dep: dict[str, Any], planned: Any) -> Result:
    """``planned``: :class:`~upgrade_cli.bluegreen.instance_groups.Assignment` (what the switchover assigned)."""
    if planned.error:
        return (FAIL, f"could not evaluate: {planned.error}")
    if planned.pending_in_dry_run:
        return (WARN, "dry run: the recorded calls would put " + ", ".join(
            f"{g} on {p}" for g, p in sorted(planned.wanted.items())) + "; a real run checks it")
    green = aws.describe_cluster(rds, dep["Target"])
    return instance_groups_status(bg.cluster_instances(rds, green) if green else [], planned.wanted, planned.how)


def instance_groups_status(instances: list[dict[str, Any]], wanted: dict[str, str], how: str) -> Result:
    """The facts of green-instance-groups: each instance's group against the plan, and its apply status."""
    if not wanted:
        return (WARN, f"no planned 8.0 instance group to check ({how})")
    problems = []
    for inst in instances:
        gid = inst["DBInstanceIdentifier"]
        groups = inst.get("DBParameterGroups") or [{}]
        name, status = groups[0].get("DBParameterGroupName"), groups[0].get("ParameterApplyStatus")
        if gid in wanted and name != wanted[gid]:
            problems.append(f"{gid} is on {name}, planned {wanted[gid]}")
        elif status not in (None, "in-sync"):
            problems.append(f"{gid} {name} is {status}")
    problems += [f"{gid} not found" for gid in sorted(set(wanted) - {i["DBInstanceIdentifier"] for i in instances})]
    if problems:
        return (FAIL, "; ".join(problems) + " (`bluegreen switchover` assigns and reboots; re-run it)")
    shown = ", ".join(f"{gid}={group}" for gid, group in sorted(wanted.items()))
    return (PASS, f"{shown} ({how}), in-sync")


# Derived from the declarations above (never typed by hand): what tests and fakes iterate over.
CREATE_GATES, SWITCHOVER_GATES, SQL_GATES = names(CREATE), names(SWITCHOVER), sql_gates()
__all__ = ["Gate", "not_run", "CREATE_GATES", "SWITCHOVER_GATES", "SQL_GATES", "PASS", "FAIL", "WARN",
           "SKIP", "OVERRIDDEN", "NOT_RUN"]
