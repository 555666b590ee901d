"""Issue 19 on blue/green: the limitations AWS documents, each gated from the API record that says it, and
every green instance on the 8.0 instance group planned for its blue partner.

moto plus named fakes: DescribeIntegrations (tests/fakes/rds_integrations_fake.py, moto lacks it) and
DescribeDBClusters fields moto cannot model (``patch_cluster``: Global Database membership, cross-Region
replicas, backtrack), both serialised with botocore's own output shapes.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import boto3
import pytest

from tests.dry_runs import listed
from tests.fakes.rds_bluegreen_fake import (create_deployment, green_writer, journal, patch_cluster,
                                            put_lag, run_cli, sql_overrides, steps)
from tests.fakes.rds_integrations_fake import add_integration
from tests.test_bluegreen_prereqs import create_args, gates_of, world  # noqa: F401 (world is a fixture)
from upgrade_cli.handoffs import SOURCE_TAG

NAME = "prod-to-8-0"
REPLICA_ELSEWHERE = "arn:aws:rds:eu-west-1:123456789012:cluster:prod-dr"


def create(tmp_path, blue, *extra):
    return run_cli(tmp_path, *create_args(blue, *extra))


@pytest.mark.parametrize("gate, setup, status, words", [
    ("zero-etl-integrations", lambda aws, blue: add_integration(blue.arn), "fail", "delete them, switch over"),
    ("global-database", lambda aws, blue: patch_cluster(aws, "prod", GlobalClusterIdentifier="world"), "warn",
     "global database world"),
    ("cross-region-replicas", lambda aws, blue: patch_cluster(aws, "prod", ReadReplicaIdentifiers=[REPLICA_ELSEWHERE]),
     "fail", REPLICA_ELSEWHERE),
    ("backtrack", lambda aws, blue: patch_cluster(aws, "prod", BacktrackWindow=86400), "warn",
     "do not backtrack blue"),
])
def test_each_documented_limitation_fires_from_the_api_and_is_quiet_without_it(world, aws, tmp_path, gate, setup,
                                                                                  status, words):
    quiet = create(tmp_path, world, "--dry-run")
    assert quiet.exit_code == 0, quiet.output
    journal_dir = tmp_path / "real"
    create(journal_dir, world)
    assert gates_of(journal_dir)[gate]["status"] == "pass"  # quiet on plain moto
    boto3.client("rds").delete_blue_green_deployment(
        BlueGreenDeploymentIdentifier=journal(journal_dir, NAME)[-1]["deployment_id"])
    setup(aws, world)
    fired_dir = tmp_path / "fired"
    aws.calls.clear()
    fired = create(fired_dir, world)
    got = gates_of(fired_dir)[gate]
    assert got["status"] == status and words in got["detail"], got
    assert fired.exit_code == (1 if status == "fail" else 0), fired.output
    if status == "fail":
        assert "CreateBlueGreenDeployment" not in aws.actions()


def test_a_zero_etl_integration_on_green_blocks_the_switchover(world, aws, tmp_path):
    dep = create_deployment(world, "prod-to-3-04-0")
    put_lag(green_writer(dep), 0.0, 0.0)
    add_integration(dep["Target"], name="green-to-redshift")
    result = run_cli(tmp_path, "switchover", dep["BlueGreenDeploymentIdentifier"], "--yes", *sql_overrides())
    assert result.exit_code == 1 and "gate(s) failed: zero-etl-integrations" in result.output
    assert "green-to-redshift" in gates_of(tmp_path, "prod-to-3-04-0")["zero-etl-integrations"]["detail"]


def _plan_two_groups(rds) -> str:
    """What `params plan --apply` leaves behind for a blue whose reader has its own 5.7 group."""
    rds.create_db_parameter_group(DBParameterGroupName="prod-57-reader", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="reader")
    rds.modify_db_instance(DBInstanceIdentifier="prod-2", DBParameterGroupName="prod-57-reader",
                           ApplyImmediately=True)
    writer_57 = rds.describe_db_instances(DBInstanceIdentifier="prod-1")["DBInstances"][0]["DBParameterGroups"][0]
    for name, source in (("v3-instance-1", writer_57["DBParameterGroupName"]), ("v3-instance-2", "prod-57-reader")):
        rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="aurora-mysql8.0",
                                      Description="planned", Tags=[{"Key": SOURCE_TAG, "Value": source}])
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="v3-cluster",
                                          DBParameterGroupFamily="aurora-mysql8.0", Description="planned")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="v3-cluster", Parameters=[
        {"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}])
    return "v3-cluster"


def test_switchover_dry_run_shows_the_group_moves_then_a_real_run_makes_them_before_its_gates(world, aws, tmp_path):
    rds = boto3.client("rds")
    cluster_group = _plan_two_groups(rds)
    created = run_cli(tmp_path, "create", "--cluster", "prod", "--target-version", "8.0",
                      "--cluster-parameter-group", cluster_group)  # no --wait: switchover assigns the groups
    assert created.exit_code == 0, created.output
    assert gates_of(tmp_path)["target-instance-group"]["detail"].startswith(
        "prod-1→v3-instance-1, prod-2→v3-instance-2")
    green = {i["DBInstanceIdentifier"].split("-green-")[0]: i for i in rds.describe_db_instances()["DBInstances"]
             if "-green-" in i["DBInstanceIdentifier"]}
    reader = green["prod-2"]["DBInstanceIdentifier"]
    assert green["prod-1"]["DBParameterGroups"][0]["DBParameterGroupName"] == "v3-instance-1"  # created with it
    assert green["prod-2"]["DBParameterGroups"][0]["DBParameterGroupName"] == "v3-instance-1"  # AWS: one for all
    put_lag(green["prod-1"]["DBInstanceIdentifier"], 0.0, 0.0)
    aws.calls.clear()
    dry = run_cli(tmp_path, "switchover", NAME, "--dry-run", *sql_overrides())
    assert dry.exit_code == 0, dry.output
    assert listed(dry.output, "ModifyDBInstance") == [
        {"DBInstanceIdentifier": reader, "DBParameterGroupName": "v3-instance-2", "ApplyImmediately": True}]
    assert listed(dry.output, "RebootDBInstance") == [{"DBInstanceIdentifier": reader}]
    assert not [c for c in aws.calls if c.action.startswith(("Modify", "Reboot", "Switchover"))]
    switched = run_cli(tmp_path, "switchover", NAME, "--yes", *sql_overrides())
    assert switched.exit_code == 0, switched.output
    gate = next(g for e in journal(tmp_path, NAME) if e["step"] == "switchover-gates" for g in e["gates"]
                if g["gate"] == "green-instance-groups")
    assert gate["status"] == "pass" and f"{reader}=v3-instance-2" in gate["detail"]
    moves = [s for s in steps(journal(tmp_path, NAME)) if s[0].endswith(reader)]
    assert moves == [(f"assign-group:{reader}", "intent"), (f"assign-group:{reader}", "done"),
                     (f"reboot:{reader}", "intent"), (f"reboot:{reader}", "done")]
    actions = [c.action for c in aws.calls]
    assert actions.index("RebootDBInstance") < actions.index("SwitchoverBlueGreenDeployment")


def test_instance_parameter_group_still_forces_one_group_for_all(world, aws, tmp_path):
    _plan_two_groups(boto3.client("rds"))
    created = create(tmp_path, world, "--dry-run")
    assert created.exit_code == 0, created.output
    assert f'"TargetDBParameterGroupName": "{world.instance_group_v3}"' in created.output
    assert "ModifyDBInstance" not in created.output and "RebootDBInstance" not in created.output


# ---- the two leftovers of issue 17's item 8 -----------------------------------------------------

def test_after_a_switchover_rerun_without_the_journal_the_printed_cleanup_command_works(world, aws, tmp_path):
    dep = create_deployment(world, NAME)
    rds = boto3.client("rds")
    rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep["BlueGreenDeploymentIdentifier"])
    here = tmp_path / "other-machine"
    assert run_cli(here, "switchover", NAME, "--yes").exit_code == 0
    first = run_cli(here, "cleanup", NAME, "--yes")
    assert first.exit_code == 0, first.output
    printed = f"aurora-upgrade bluegreen cleanup {NAME} --delete-old-blue"
    assert printed in " ".join(first.output.split())
    second = run_cli(here, *printed.split()[2:], "--skip-final-snapshot", "--yes")
    assert second.exit_code == 0, second.output
    assert "prod-old1" not in {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}


def test_switchover_dry_run_after_a_console_switchover_shows_the_restore_call(world, aws, tmp_path):
    rds = boto3.client("rds")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="prod-57", Parameters=[
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}])
    dep = create_deployment(world, NAME)
    rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep["BlueGreenDeploymentIdentifier"])
    aws.calls.clear()
    dry = run_cli(tmp_path, "switchover", NAME, "--yes", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert listed(dry.output, "ModifyDBClusterParameterGroup") == [{"DBClusterParameterGroupName": "prod-80", "Parameters": [
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}]}]
    assert not [c for c in aws.calls if c.action.startswith(("Modify", "Reboot", "Switchover", "Delete"))]
    assert journal(tmp_path, NAME) == []
    real = run_cli(tmp_path, "switchover", NAME, "--yes")
    assert real.exit_code == 0 and "set event_scheduler=ON in prod-80" in " ".join(real.output.split())


# ---- binlog consumers, and events that reached green through replication ---------------------------

@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """blue (binlog on) and a replica of it: blue has a binlog dump thread; events created on blue reach the
    replica SLAVESIDE_DISABLED, as they reach green. MariaDB spells the status SLAVESIDE_DISABLED, as MySQL 5.7
    does; MySQL 8.0.22+ may show REPLICA_SIDE_DISABLED, which the step reads too."""
    from tests.mariadb_server import replication_pair

    with replication_pair(tmp_path_factory) as servers:
        yield servers


def _ctx(tmp_path, dry_run=False):
    from upgrade_cli.bluegreen.orchestrator import Context

    rds = boto3.client("rds")
    return Context(rds=rds, rds_poll=rds, cw=None, region="us-east-1", journal_dir=tmp_path, dry_run=dry_run)


def test_binlog_consumers_are_listed_at_create_and_none_is_quiet(pair, mariadb):
    from upgrade_cli.bluegreen import gates as G

    primary, _ = pair
    with primary.connect() as conn:
        fired = G.binlog_consumers(conn, {"ReadReplicaIdentifiers": ["arn:aws:rds:us-east-1:1:cluster:prod-r"]})
    assert fired.status == G.WARN and "Binlog Dump" in fired.detail and "replica cluster prod-r" in fired.detail
    with mariadb.connect() as conn:
        assert G.binlog_consumers(conn, {}).status == G.PASS
    assert G.binlog_consumers(None).status == G.NOT_RUN
    assert "binlog_format=OFF" in G.GREEN_LAG_OPTIONS and "innodb_flush_log_at_trx_commit=0" in G.GREEN_LAG_OPTIONS


def test_events_replica_side_disabled_on_production_are_enabled_again_journaled(pair, aws, tmp_path):
    from upgrade_cli.bluegreen import orchestrator as orch
    from upgrade_cli.bluegreen.journal import Journal

    primary, replica = pair
    with primary.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE IF NOT EXISTS shop")
        cur.execute("CREATE EVENT shop.nightly ON SCHEDULE EVERY 1 DAY DO SELECT 1")
        cur.execute("CREATE EVENT shop.paused ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1")
    status = {}
    for _ in range(100):
        with replica.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'shop'")
            status = dict(cur.fetchall())
        if len(status) == 2:
            break
        time.sleep(0.05)
    # MariaDB, like MySQL, marks every replicated event replica-side disabled, whatever its status on the source:
    # only blue's list tells which to enable
    assert status == {"nightly": "SLAVESIDE_DISABLED", "paused": "SLAVESIDE_DISABLED"}
    blue_enabled = orch._enabled_events(primary.connect)
    assert blue_enabled == ["`shop`.`nightly`"]
    journal = Journal(tmp_path, "us-east-1", NAME)
    journal.write("switchover", "switchover", "intent", blue_events_enabled=blue_enabled)

    orch._enable_events(_ctx(tmp_path, dry_run=True), journal, replica.connect)  # shows, changes nothing
    with replica.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_NAME = 'nightly'")
        assert cur.fetchone()[0] == "SLAVESIDE_DISABLED"
    assert journal.phase(orch.EVENTS_STEP) is None

    orch._enable_events(_ctx(tmp_path), journal, replica.connect)
    with replica.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'shop'")
        assert dict(cur.fetchall()) == {"nightly": "ENABLED", "paused": "SLAVESIDE_DISABLED"}
    assert journal.last(orch.EVENTS_STEP)["enabled"] == ["`shop`.`nightly`"]
    assert [e["phase"] for e in journal.entries() if e["step"] == orch.EVENTS_STEP] == ["intent", "done"]


def test_switchover_dry_run_names_the_events_it_would_re_enable(world, aws, tmp_path, mariadb, fresh_db):
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE EVENT `{fresh_db}`.hourly ON SCHEDULE EVERY 1 HOUR DO SELECT 1")
    dep = create_deployment(world, NAME)
    put_lag(green_writer(dep), 0.0, 0.0)
    dry = run_cli(tmp_path, "switchover", NAME, "--dry-run", "--blue-dsn", f"mysql://root@127.0.0.1:{mariadb.port}/",
                  *sql_overrides())
    assert dry.exit_code == 0, dry.output
    out = " ".join(dry.output.split())
    assert "then (journaled step enable-replica-side-disabled-events)" in out and f"`{fresh_db}`.`hourly`" in out


def test_without_blues_list_the_events_are_named_not_enabled(pair, aws, tmp_path):
    from upgrade_cli.bluegreen import orchestrator as orch
    from upgrade_cli.bluegreen.journal import Journal

    _, replica = pair
    journal = Journal(tmp_path, "us-east-1", "unknown-blue")
    orch._enable_events(_ctx(tmp_path), journal, replica.connect)
    assert journal.phase(orch.EVENTS_STEP) is None
    with replica.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM information_schema.EVENTS WHERE STATUS = 'SLAVESIDE_DISABLED'")
        assert cur.fetchone()[0] >= 1


# ---- Extended Support cost: blue while it waits, the -old1 while it is kept ------------------------

ON = dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc)


@pytest.fixture
def dated(monkeypatch):
    """Cost figures are judged on 2026-12-07: Aurora MySQL 2's third billed year of Extended Support."""
    from upgrade_cli.bluegreen import rds as bg

    monkeypatch.setattr(bg, "utcnow", lambda: ON)


def test_create_and_status_show_blues_monthly_extended_support(world, aws, tmp_path, dated):
    dry = create(tmp_path, world, "--dry-run")
    out = " ".join(dry.output.split())
    # 2 x db.r6g.large = 4 vCPU, year 3 at $0.20/vCPU-hour, 730 h; dates from the API (the fake's window)
    assert ("cost: blue prod (5.7.mysql_aurora.2.11.2, extended support on 2026-12-07): about $584/month in RDS "
            "Extended Support (Extended Support year 3: 4 vCPU x $0.2/vCPU-hour x 730 h") in out
    assert "dates: RDS DescribeDBMajorEngineVersions" in out and ", every month it stays on 5.7" in out
    create(tmp_path, world)
    status = run_cli(tmp_path, "status", NAME, "--format", "json")
    est = json.loads(status.stdout)["extended_support"][0]
    assert est["role"] == "blue" and est["usd_per_month"] == 584.0 and est["vcpus"] == 4
    assert est["support_source"] == "RDS DescribeDBMajorEngineVersions"


def test_a_cluster_opted_out_of_extended_support_is_not_billed_but_said_so(world, aws, tmp_path, dated):
    from upgrade_cli.bluegreen.cost import OPTED_OUT

    patch_cluster(aws, "prod", EngineLifecycleSupport=OPTED_OUT)
    out = " ".join(create(tmp_path, world, "--dry-run").output.split())
    assert "no Extended Support charge" in out and "AWS upgrades it itself" in out


def test_cleanup_keeping_the_old_blue_shows_what_it_keeps_costing(world, aws, tmp_path, dated):
    dep = create_deployment(world, NAME)
    rds = boto3.client("rds")
    rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep["BlueGreenDeploymentIdentifier"])
    # AWS renames blue's instances with it; moto leaves -old1 empty, so give it its writer back
    rds.create_db_instance(DBInstanceIdentifier="prod-1-old1", DBClusterIdentifier="prod-old1", Engine="aurora-mysql",
                           DBInstanceClass="db.r5.large")
    result = run_cli(tmp_path, "cleanup", NAME, "--yes")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "cost: kept prod-old1 (5.7.mysql_aurora.2.11.2, extended support on 2026-12-07): about $292/month" in out
    assert ", every month it is kept" in out


def test_green_instance_groups_fails_on_a_change_pending_reboot_and_passes_in_sync():
    from upgrade_cli.bluegreen import gates as G

    def inst(status):
        return {"DBInstanceIdentifier": "prod-2-green-x",
                "DBParameterGroups": [{"DBParameterGroupName": "v3-instance-2", "ParameterApplyStatus": status}]}

    wanted = {"prod-2-green-x": "v3-instance-2"}
    status, detail = G.instance_groups_status([inst("pending-reboot")], wanted, "tags")
    assert status == G.FAIL and "v3-instance-2 is pending-reboot" in detail
    assert G.instance_groups_status([inst("in-sync")], wanted, "tags")[0] == G.PASS
    assert G.instance_groups_status([], wanted, "tags")[0] == G.FAIL  # a planned instance that is gone
