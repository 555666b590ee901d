"""The whole upgrade on moto in one run, as the README walks it: params plan → bluegreen create --wait →
status → switchover → cleanup.

AWS is moto in server mode plus the named fakes (engine versions, engine defaults and orderable
classes from tests/fakes/rds_engine_fake.py, which moto lacks). The blue writer's SQL gates at create
run against the session MariaDB, with an equivalent ``mysql.rds_show_configuration`` created in its
``mysql`` schema (MariaDB has none). The switchover overrides its SQL gates by name: verifying through
the endpoint would (rightly) reject MariaDB as "not 8.0". AWS's 5 minutes after a parameter group
change is waited out on a test clock: the sleep the waiter is given moves that clock.
"""

from __future__ import annotations

import datetime as dt
import json

import boto3
from typer.testing import CliRunner

from tests.dry_runs import listed, listed_calls
from tests.fakes.rds_bluegreen_fake import journal, put_lag, rds_show_configuration, run_cli, sql_overrides, steps
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.mariadb_server import ROOT_PASSWORD
from upgrade_cli.bluegreen import orchestrator
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.main import app

NAME = "shop-to-8-0"  # default name: <cluster>-to-<--target-version>


def make_v2_cluster(rds) -> None:
    """A 5.7 cluster as the issue describes it: binlog on, a removed sql_mode flag, events on the writer."""
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="shop-57", DBParameterGroupFamily="aurora-mysql5.7",
                                          Description="blue cluster group")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="shop-57", Parameters=[
        {"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"},
        {"ParameterName": "sql_mode", "ParameterValue": "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
         "ApplyMethod": "immediate"}])
    rds.create_db_parameter_group(DBParameterGroupName="shop-57-inst", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="blue instance group")
    rds.modify_db_parameter_group(DBParameterGroupName="shop-57-inst", Parameters=[
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"},
        {"ParameterName": "tx_isolation", "ParameterValue": "READ-COMMITTED", "ApplyMethod": "immediate"}])
    # the reader runs its own 5.7 group (TempTable overflow sized for its class): green's reader must get its own
    rds.create_db_parameter_group(DBParameterGroupName="shop-57-reader", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="blue reader group")
    rds.modify_db_parameter_group(DBParameterGroupName="shop-57-reader", Parameters=[
        {"ParameterName": "temptable_max_mmap", "ParameterValue": "4294967296", "ApplyMethod": "immediate"}])
    rds.create_db_cluster(DBClusterIdentifier="shop", Engine="aurora-mysql", EngineVersion="5.7.mysql_aurora.2.12.1",
                          MasterUsername="admin", MasterUserPassword="not-a-real-secret-1",
                          DBClusterParameterGroupName="shop-57")
    for ident, group in (("shop-1", "shop-57-inst"), ("shop-2", "shop-57-reader")):
        rds.create_db_instance(DBInstanceIdentifier=ident, DBClusterIdentifier="shop", Engine="aurora-mysql",
                               DBInstanceClass="db.r6g.large", DBParameterGroupName=group)


def _green(blue: str, rds) -> list[str]:
    return [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]
            if i["DBInstanceIdentifier"].startswith(f"{blue}-green-")]


def user_params(rds, group: str) -> dict[str, str]:
    return {p["ParameterName"]: p["ParameterValue"] for p in rds.describe_db_cluster_parameters(
        DBClusterParameterGroupName=group, Source="user")["Parameters"]}


def test_params_plan_then_create_wait_status_switchover_cleanup(aws, tmp_path, monkeypatch, mariadb):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    install_rds_engine_fake(aws)
    rds = boto3.client("rds")
    make_v2_cluster(rds)

    # 1. params plan: the 8.0 groups green is created with
    planned = CliRunner().invoke(app, ["params", "plan", "--cluster", "shop", "--name", "shop-v3", "--apply", "--yes"])
    assert planned.exit_code == 0, planned.output
    green_group = user_params(rds, "shop-v3-cluster")
    assert green_group["sql_mode"] == "NO_ENGINE_SUBSTITUTION" and green_group["event_scheduler"] == "OFF"
    assert green_group["binlog_format"] == "ROW"

    # 2. bluegreen create --wait: the groups changed a moment ago, so it first waits out AWS's 5 minutes
    clock = {"now": bg.utcnow()}
    slept: list[float] = []
    monkeypatch.setattr(bg, "utcnow", lambda: clock["now"])

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock["now"] += dt.timedelta(seconds=seconds)

    real_settle = orchestrator._settle

    def settle(ctx, groups, wait):
        ctx.poll.sleep = sleep
        return real_settle(ctx, groups, wait)

    monkeypatch.setattr(orchestrator, "_settle", settle)
    dsn = f"mysql://root@127.0.0.1:{mariadb.port}/"
    # the dry run shows each call: create with the writer's planned group, then the reader's group move
    start = clock["now"]
    clock["now"] = start + dt.timedelta(minutes=5)  # a dry run does not wait: look at it once the groups settled
    with rds_show_configuration(mariadb, 24):
        dry = run_cli(tmp_path, "create", "--cluster", "shop", "--target-version", "8.0",
                      "--cluster-parameter-group", "shop-v3-cluster", "--dsn", dsn, "--dry-run")
    clock["now"] = start
    assert listed(dry.output, "CreateBlueGreenDeployment")[0]["TargetDBParameterGroupName"] == "shop-v3-instance-1"
    assert listed(dry.output, "ModifyDBInstance") == [{"DBInstanceIdentifier": "<green partner of shop-2>",
                                                       "DBParameterGroupName": "shop-v3-instance-2",
                                                       "ApplyImmediately": True}]
    assert listed(dry.output, "RebootDBInstance") == [{"DBInstanceIdentifier": "<green partner of shop-2>"}]
    assert listed_calls(dry.output)[1]["when"].startswith("once AVAILABLE")
    with rds_show_configuration(mariadb, 24):
        created = run_cli(tmp_path, "create", "--cluster", "shop", "--target-version", "8.0",
                          "--cluster-parameter-group", "shop-v3-cluster", "--dsn", dsn, "--wait")
    assert created.exit_code == 0, created.output
    green_groups = {i["DBInstanceIdentifier"].split("-green-")[0]: i["DBParameterGroups"][0]["DBParameterGroupName"]
                    for i in rds.describe_db_instances()["DBInstances"] if "-green-" in i["DBInstanceIdentifier"]}
    assert green_groups == {"shop-1": "shop-v3-instance-1", "shop-2": "shop-v3-instance-2"}
    assert [s for s in steps(journal(tmp_path, NAME)) if s[0].startswith(("assign-group", "reboot"))] == [
        (f"assign-group:{g}", p) for g in _green("shop-2", rds) for p in ("intent", "done")] + [
        (f"reboot:{g}", p) for g in _green("shop-2", rds) for p in ("intent", "done")]
    assert 240 <= sum(slept) <= 300 + len(slept)  # waited the rest of the 5 minutes, no more
    gates = {g["gate"]: g["status"] for g in journal(tmp_path, NAME)[0]["gates"]}
    assert gates["groups-settled"] == gates["green-event-scheduler"] == gates["binlog-retention"] == "pass"
    assert gates["instance-classes"] == gates["master-user-secret"] == gates["no-tmp-database"] == "pass"
    assert "is AVAILABLE" in created.output

    # 3. status
    status = run_cli(tmp_path, "status", NAME, "--format", "json")
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    assert report["deployment"]["Status"] == "AVAILABLE"
    assert report["green"]["engine_version"] == "8.0.mysql_aurora.3.08.2"
    assert report["journal"]["last"]["step"] == f"reboot:{_green('shop-2', rds)[0]}"  # the group move after AVAILABLE
    put_lag(report["green"]["writer"], 0.0, 0.0, 1.0)

    # 4. switchover: production keeps its name and now runs 8.0; events come back on
    switched = run_cli(tmp_path, "switchover", NAME, "--yes", *sql_overrides())
    assert switched.exit_code == 0, switched.output
    assert "verified: shop now runs 8.0.mysql_aurora.3.08.2" in switched.output
    repoint = " ".join(switched.output.split())  # what binlog consumers of blue must do now
    assert "replication from blue stopped at the switchover and shop-old1 takes no more writes" in repoint
    assert "point it at shop's writer endpoint" in repoint
    assert user_params(rds, "shop-v3-cluster")["event_scheduler"] == "ON"
    assert [s for s in steps(journal(tmp_path, NAME)) if s[0] in ("verify", "restore-green-settings")] == [
        ("verify", "done"), ("restore-green-settings", "intent"), ("restore-green-settings", "done")]

    # 5. cleanup: the deployment and the old blue go; production stays
    cleaned = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--skip-final-snapshot", "--yes")
    assert cleaned.exit_code == 0, cleaned.output
    clusters = {c["DBClusterIdentifier"]: c for c in rds.describe_db_clusters()["DBClusters"]}
    assert "shop-old1" not in clusters and clusters["shop"]["EngineVersion"] == "8.0.mysql_aurora.3.08.2"
    assert rds.describe_blue_green_deployments()["BlueGreenDeployments"] == []
    everything = "".join(r.output for r in (planned, created, status, switched, cleaned))
    assert ROOT_PASSWORD not in everything and "not-a-real-secret-1" not in everything
