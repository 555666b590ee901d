"""Issue 19 on blue/green: the limitations AWS documents, each gated from the API record that says it, and
every green instance on the 8.0 instance group planned for its blue partner.

moto plus named fakes: DescribeIntegrations (tests/fakes/rds_integrations_fake.py, moto lacks it) and
DescribeDBClusters fields moto cannot model (``patch_cluster``: Global Database membership, cross-Region
replicas, backtrack), both serialised with botocore's own output shapes.
"""

from __future__ import annotations

import boto3
import pytest

from tests.fakes.rds_bluegreen_fake import (build_blue, create_deployment, green_writer, journal, patch_cluster,
                                            put_lag, run_cli, sql_overrides, steps)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.fakes.rds_integrations_fake import add_integration
from tests.mariadb_server import ROOT_PASSWORD
from upgrade_cli.params.plan import SOURCE_TAG

NAME = "prod-to-8-0"
REPLICA_ELSEWHERE = "arn:aws:rds:eu-west-1:123456789012:cluster:prod-dr"


@pytest.fixture
def world(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    install_rds_engine_fake(aws)
    return build_blue()


def create(tmp_path, blue, *extra):
    return run_cli(tmp_path, "create", "--cluster", blue.cluster, "--target-version", "8.0",
                   "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group",
                   blue.instance_group_v3, *extra)


def gates_of(tmp_path, name=NAME):
    entry = next(e for e in journal(tmp_path, name) if e["step"] in ("gates", "switchover-gates"))
    return {g["gate"]: g for g in entry["gates"]}


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
    assert (f'would call rds ModifyDBInstance {{"ApplyImmediately": true, "DBInstanceIdentifier": "{reader}", '
            '"DBParameterGroupName": "v3-instance-2"}') in dry.output
    assert f'would call rds RebootDBInstance {{"DBInstanceIdentifier": "{reader}"}}' in dry.output
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
    assert ('would call rds ModifyDBClusterParameterGroup {"DBClusterParameterGroupName": "prod-80", "Parameters": '
            '[{"ApplyMethod": "immediate", "ParameterName": "event_scheduler", "ParameterValue": "ON"}]}') in dry.output
    assert not [c for c in aws.calls if c.action.startswith(("Modify", "Reboot", "Switchover", "Delete"))]
    assert journal(tmp_path, NAME) == []
    real = run_cli(tmp_path, "switchover", NAME, "--yes")
    assert real.exit_code == 0 and "set event_scheduler=ON in prod-80" in " ".join(real.output.split())
