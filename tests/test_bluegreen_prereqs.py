"""Issue 11 on blue/green: every documented prerequisite gated, and a truthful cutover.

moto plus the named fakes (tests/fakes/rds_engine_fake.py answers DescribeOrderableDBInstanceOptions,
which moto 5.2.5 answers only for aurora-postgresql/neptune; rds_bluegreen_fake.py the rest). SQL
gates run against the session MariaDB standing in for blue; MariaDB has no RDS procedures, so the
binlog-retention tests create an equivalent ``mysql.rds_show_configuration`` in the test server's own
``mysql`` schema (tests/fakes/rds_bluegreen_fake.py ``rds_show_configuration``).
"""

from __future__ import annotations

import datetime as dt

import boto3
import pytest

from tests.dry_runs import listed_calls
from tests.fakes.rds_bluegreen_fake import (build_blue, create_deployment, green_writer, journal, put_lag,
                                            rds_show_configuration, run_cli, sql_overrides, steps)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.mariadb_server import ROOT_PASSWORD
from upgrade_cli.bluegreen import rds as bg

NAME = "prod-to-8-0"


@pytest.fixture
def world(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    install_rds_engine_fake(aws)
    return build_blue()


def create_args(blue, *extra: str) -> list[str]:
    return ["create", "--cluster", blue.cluster, "--target-version", "8.0",
            "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group", blue.instance_group_v3,
            *extra]


def gates_of(tmp_path, name=NAME) -> dict[str, dict]:
    entry = next(e for e in journal(tmp_path, name) if e["step"] in ("gates", "switchover-gates"))
    return {g["gate"]: g for g in entry["gates"]}


def dsn(mariadb) -> str:
    return f"mysql://root@127.0.0.1:{mariadb.port}/"


# ---- create gates ---------------------------------------------------------------------------------

def test_secrets_manager_master_password_blocks_the_create(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    blue = build_blue()
    boto3.client("rds").modify_db_cluster(DBClusterIdentifier="prod", ManageMasterUserPassword=True,
                                          ApplyImmediately=True)
    result = run_cli(tmp_path, *create_args(blue))
    assert result.exit_code == 1 and "gate(s) failed: master-user-secret" in result.output
    assert "Secrets Manager" in gates_of(tmp_path)["master-user-secret"]["detail"]
    assert "CreateBlueGreenDeployment" not in aws.actions()


def test_an_instance_class_8_0_does_not_offer_blocks_the_create(world, aws, tmp_path):
    boto3.client("rds").create_db_instance(DBInstanceIdentifier="prod-old-class", DBClusterIdentifier="prod",
                                           Engine="aurora-mysql", DBInstanceClass="db.r4.large")
    result = run_cli(tmp_path, *create_args(world))
    assert result.exit_code == 1 and "gate(s) failed: instance-classes" in result.output
    detail = gates_of(tmp_path)["instance-classes"]["detail"]
    assert "db.r4.large not offered for aurora-mysql 8.0.mysql_aurora.3.08.2" in detail
    asked = [c.params for c in aws.calls if c.action == "DescribeOrderableDBInstanceOptions"]
    assert {p["DBInstanceClass"] for p in asked} == {"db.r4.large", "db.r6g.large"}
    assert {p["EngineVersion"] for p in asked} == {"8.0.mysql_aurora.3.08.2"}
    listed = [c.params for c in aws.calls if c.action == "DescribeDBInstances"]
    assert listed and all(p.get("Filters.Filter.1.Name") == "db-cluster-id" for p in listed)


def test_event_scheduler_on_in_greens_group_blocks_the_create(world, aws, tmp_path):
    boto3.client("rds").modify_db_cluster_parameter_group(DBClusterParameterGroupName="prod-80", Parameters=[
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}])
    result = run_cli(tmp_path, *create_args(world))
    assert result.exit_code == 1 and "gate(s) failed: green-event-scheduler" in result.output
    assert "needs it OFF on green" in gates_of(tmp_path)["green-event-scheduler"]["detail"]


def test_sql_gates_without_a_connection_are_shown_not_run_in_red(world, aws, tmp_path):
    from upgrade_cli.bluegreen import gates as G
    from upgrade_cli.bluegreen.render import gate_rows

    result = run_cli(tmp_path, *create_args(world, "--name", "n1"))
    assert result.exit_code == 0, result.output  # create goes on: it can be undone
    assert result.output.count("NOT RUN") >= 4
    got = gates_of(tmp_path, "n1")
    assert got["binlog-retention"] == {"gate": "binlog-retention", "status": "NOT RUN", "detail": (
        "no --dsn given: would check that `CALL mysql.rds_show_configuration` shows binlog retention hours set")}
    assert got["tables-without-pk"]["detail"].startswith("no --dsn given: would check tables without a primary")
    assert [cell.style for cell in gate_rows([G.not_run("binlog-retention")])[0][1:]] == ["bold red", "red"]


def test_binlog_retention_null_fails_and_set_passes(world, aws, tmp_path, mariadb):
    with rds_show_configuration(mariadb, None):
        result = run_cli(tmp_path, *create_args(world, "--dsn", dsn(mariadb), "--name", "r1"))
    assert result.exit_code == 1 and "gate(s) failed: binlog-retention" in result.output
    detail = gates_of(tmp_path, "r1")["binlog-retention"]["detail"]
    assert "binlog retention hours is NULL" in detail and "mysql.rds_set_configuration" in detail
    with rds_show_configuration(mariadb, 24):
        ok = run_cli(tmp_path, *create_args(world, "--dsn", dsn(mariadb), "--name", "r2", "--dry-run"))
    assert ok.exit_code == 0, ok.output
    assert "binlog retention hours = 24" in " ".join(ok.output.split())


def test_tables_without_a_key_are_listed_with_row_estimates(world, aws, tmp_path, mariadb, fresh_db):
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE TABLE `{fresh_db}`.nokey (a INT, b INT) ENGINE=InnoDB")
        cur.execute(f"INSERT INTO `{fresh_db}`.nokey VALUES " + ",".join(f"({i},{i})" for i in range(200)))
        cur.execute(f"ANALYZE TABLE `{fresh_db}`.nokey")
        cur.execute(f"CREATE TABLE `{fresh_db}`.uniq (a INT NOT NULL, UNIQUE KEY (a)) ENGINE=InnoDB")
        cur.execute(f"CREATE TABLE `{fresh_db}`.pk (a INT PRIMARY KEY) ENGINE=InnoDB")
    with rds_show_configuration(mariadb, 24):
        result = run_cli(tmp_path, *create_args(world, "--dsn", dsn(mariadb), "--name", "t1"))
    assert result.exit_code == 0, result.output  # a lag risk: a warning, not a blocker
    gate = gates_of(tmp_path, "t1")["tables-without-pk"]
    assert gate["status"] == "warn"
    assert f"{fresh_db}.nokey (~200 rows)" in gate["detail"]
    assert f"{fresh_db}.uniq" not in gate["detail"] and f"{fresh_db}.pk" not in gate["detail"]


def test_a_group_changed_minutes_ago_blocks_the_create_and_wait_waits(world, aws, tmp_path, monkeypatch):
    """`params plan --apply` tags the groups it changes; create stops within AWS's 5 minutes, --wait waits."""
    rds = boto3.client("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="fresh-cluster",
                                          DBParameterGroupFamily="aurora-mysql8.0", Description="fresh")
    arn = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName="fresh-cluster")[
        "DBClusterParameterGroups"][0]["DBClusterParameterGroupArn"]
    changed = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "aurora-upgrade:changed-at",
                                                      "Value": changed.isoformat()}])
    clock = {"now": changed + dt.timedelta(minutes=2)}
    monkeypatch.setattr(bg, "utcnow", lambda: clock["now"])
    args = ["create", "--cluster", "prod", "--target-version", "8.0", "--cluster-parameter-group", "fresh-cluster"]
    result = run_cli(tmp_path, *args, "--name", "s1")
    assert result.exit_code == 1 and "gate(s) failed: groups-settled" in result.output
    assert "ready at 12:05:00 UTC" in gates_of(tmp_path, "s1")["groups-settled"]["detail"]

    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock["now"] += dt.timedelta(seconds=seconds)

    from upgrade_cli.bluegreen import orchestrator

    real_settle = orchestrator._settle

    def settle(ctx, groups, wait):  # the injectable sleep of PollSettings, moving the fake clock
        ctx.poll.sleep = sleep
        return real_settle(ctx, groups, wait)

    monkeypatch.setattr(orchestrator, "_settle", settle)
    waited = run_cli(tmp_path, *args, "--name", "s2", "--wait")
    assert waited.exit_code == 0, waited.output
    assert slept and sum(slept) >= 180 and gates_of(tmp_path, "s2")["groups-settled"]["status"] == "pass"


def test_plan_apply_tags_the_groups_it_changes(world, aws, tmp_path):
    from typer.testing import CliRunner

    from tests.test_params_cli import make_cluster
    from upgrade_cli.main import app

    make_cluster(boto3.client("rds"), cluster="legacy")
    res = CliRunner().invoke(app, ["params", "plan", "--cluster", "legacy", "--name", "tagged", "--apply", "--yes"])
    assert res.exit_code == 0, res.output
    rds = boto3.client("rds")
    arn = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName="tagged-cluster")[
        "DBClusterParameterGroups"][0]["DBClusterParameterGroupArn"]
    tags = {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(ResourceName=arn)["TagList"]}
    assert dt.datetime.fromisoformat(tags["aurora-upgrade:changed-at"]) <= dt.datetime.now(dt.timezone.utc)


# ---- truthful cutover -------------------------------------------------------------------------------

@pytest.fixture
def dep(world):
    deployment = create_deployment(world, NAME)
    put_lag(green_writer(deployment), 0.0, 0.0)
    return deployment


def test_switchover_rerun_without_the_journal_finds_production_under_its_name(dep, aws, tmp_path):
    """Switched over elsewhere (console / another machine): AWS now reports Source=-old1, Target=production."""
    rds = boto3.client("rds")
    rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep["BlueGreenDeploymentIdentifier"])
    after = rds.describe_blue_green_deployments()["BlueGreenDeployments"][0]
    assert after["Source"].endswith(":prod-old1") and after["Target"].endswith(":prod")
    result = run_cli(tmp_path / "other-machine", "switchover", NAME, "--yes")
    assert result.exit_code == 0, result.output
    assert "already switched over" in result.output and "verified: prod now runs 8.0.mysql_aurora.3.04.0" in result.output
    assert aws.actions().count("SwitchoverBlueGreenDeployment") == 1  # ours above, none by the tool


def test_production_name_before_and_after():
    arn = "arn:aws:rds:us-east-1:123456789012:cluster:"
    assert bg.production_name({"Source": arn + "prod", "Target": arn + "prod-green-abc"}) == "prod"
    assert bg.production_name({"Source": arn + "prod-old1", "Target": arn + "prod"}) == "prod"
    assert bg.production_name({"Source": arn + "prod-old2", "Target": ""}) == "prod"


def test_switchover_refuses_sql_gates_not_run_unless_overridden(dep, aws, tmp_path):
    result = run_cli(tmp_path, "switchover", NAME, "--yes")
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    from upgrade_cli.bluegreen.gates import SQL_GATES, SWITCHOVER_GATES

    assert f"SQL gate(s) not run: {', '.join(g for g in SWITCHOVER_GATES if g in SQL_GATES)} " in out
    assert aws.actions().count("SwitchoverBlueGreenDeployment") == 0
    statuses = {g: v["status"] for g, v in gates_of(tmp_path).items()}
    assert statuses["long-transactions"] == "NOT RUN"
    ok = run_cli(tmp_path, "switchover", NAME, "--yes", *sql_overrides())
    assert ok.exit_code == 0, ok.output
    assert aws.actions().count("SwitchoverBlueGreenDeployment") == 1


def test_event_scheduler_is_restored_in_production_after_switchover_journaled(world, aws, tmp_path):
    rds = boto3.client("rds")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="prod-57", Parameters=[
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}])
    deployment = create_deployment(world, NAME)
    put_lag(green_writer(deployment), 0.0)

    dry = run_cli(tmp_path, "switchover", NAME, "--yes", "--dry-run", *sql_overrides())
    assert dry.exit_code == 0, dry.output
    (restore,) = [c for c in listed_calls(dry.output) if c["operation"] == "ModifyDBClusterParameterGroup"]
    assert restore["when"] == "once the switchover is verified (journaled step restore-green-settings)"
    assert restore["parameters"] == {"DBClusterParameterGroupName": "prod-80", "Parameters": [
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}]}

    result = run_cli(tmp_path, "switchover", NAME, "--yes", *sql_overrides())
    assert result.exit_code == 0, result.output
    got = {p["ParameterName"]: p["ParameterValue"] for p in rds.describe_db_cluster_parameters(
        DBClusterParameterGroupName="prod-80", Source="user")["Parameters"]}
    assert got["event_scheduler"] == "ON"
    assert ("restore-green-settings", "done") in steps(journal(tmp_path, NAME))
    before = aws.actions().count("ModifyDBClusterParameterGroup")
    again = run_cli(tmp_path, "switchover", NAME, "--yes", *sql_overrides())
    assert again.exit_code == 0 and aws.actions().count("ModifyDBClusterParameterGroup") == before


def test_abandon_without_delete_green_says_green_is_kept_replicating_and_billing(dep, aws, tmp_path):
    green = dep["Target"].rsplit(":", 1)[1]
    result = run_cli(tmp_path, "cleanup", NAME, "--yes")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "cleanup done" not in out
    assert f"green cluster {green} is kept" in out and "replicating" in out and "billing" in out
    assert f"aws rds delete-db-cluster --db-cluster-identifier {green}" in out and "--delete-green" in out
    assert green in {c["DBClusterIdentifier"] for c in boto3.client("rds").describe_db_clusters()["DBClusters"]}
