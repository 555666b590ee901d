"""`bluegreen cleanup` and `bluegreen status` on moto: what is deleted, what never is, and resume."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.dry_runs import listed, listed_calls
from tests.fakes.rds_bluegreen_fake import (build_blue, create_deployment, green_writer, interrupt_at, journal, put_lag,
                                            run_cli, sql_overrides, steps)

NAME = "prod-to-3-04-0"
MUTATING = {"DeleteBlueGreenDeployment", "ModifyDBCluster", "DeleteDBInstance", "DeleteDBCluster",
            "CreateDBClusterSnapshot"}


@pytest.fixture
def dep(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    blue = build_blue()
    return create_deployment(blue, NAME)


@pytest.fixture
def switched(dep, aws, tmp_path):
    """A completed switchover; the old blue's writer renamed -old1 like AWS does (moto leaves it unattached)."""
    put_lag(green_writer(dep), 0.0)
    assert run_cli(tmp_path, "switchover", NAME, "--yes", *sql_overrides()).exit_code == 0
    boto3.client("rds").create_db_instance(DBInstanceIdentifier="prod-1-old1", DBClusterIdentifier="prod-old1",
                                           Engine="aurora-mysql", DBInstanceClass="db.r6g.large")
    return dep


def params_of(aws, action):
    return [c.params for c in aws.calls if c.action == action]


def cluster_ids():
    return {c["DBClusterIdentifier"] for c in boto3.client("rds").describe_db_clusters()["DBClusters"]}


def test_cleanup_after_switchover_snapshots_and_deletes_old_blue(switched, aws, tmp_path):
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--yes")
    assert result.exit_code == 0, result.output
    (delete,) = params_of(aws, "DeleteBlueGreenDeployment")
    assert "DeleteTarget" not in delete  # never DeleteTarget after a completed switchover
    (modify,) = params_of(aws, "ModifyDBCluster")
    assert modify["DBClusterIdentifier"] == "prod-old1" and modify["DeletionProtection"] == "false"
    assert [p["DBInstanceIdentifier"] for p in params_of(aws, "DeleteDBInstance")] == ["prod-1-old1"]
    (drop,) = params_of(aws, "DeleteDBCluster")
    assert drop["DBClusterIdentifier"] == "prod-old1" and drop["FinalDBSnapshotIdentifier"].startswith("prod-old1-final-")
    rds = boto3.client("rds")
    assert "prod-old1" not in cluster_ids() and "prod" in cluster_ids()
    snaps = [s["DBClusterSnapshotIdentifier"] for s in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]]
    assert drop["FinalDBSnapshotIdentifier"] in snaps
    assert rds.describe_blue_green_deployments()["BlueGreenDeployments"] == []
    assert steps(journal(tmp_path, NAME))[-1] == ("cleanup", "done")


def test_skip_final_snapshot(switched, aws, tmp_path):
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--skip-final-snapshot", "--yes")
    assert result.exit_code == 0, result.output
    (drop,) = params_of(aws, "DeleteDBCluster")
    assert drop["SkipFinalSnapshot"] == "true" and "FinalDBSnapshotIdentifier" not in drop


def test_delete_green_after_switchover_is_refused(switched, aws, tmp_path):
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-green", "--yes")
    assert result.exit_code == 2
    assert "refusing --delete-green after a completed switchover" in result.output
    assert not MUTATING & set(aws.actions())


def test_abandon_before_switchover_deletes_green_only(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    # moto copies deletion protection onto green *instances* (AWS keeps it on the cluster): start unprotected,
    # then protect the green cluster, which the tool must turn off before DeleteTarget.
    dep = create_deployment(build_blue(deletion_protection=False), NAME)
    green = dep["Target"].rsplit(":", 1)[1]
    boto3.client("rds").modify_db_cluster(DBClusterIdentifier=green, DeletionProtection=True, ApplyImmediately=True)
    aws.calls.clear()
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-green", "--yes")
    assert result.exit_code == 0, result.output
    assert [p["DBClusterIdentifier"] for p in params_of(aws, "ModifyDBCluster")] == [green]
    assert aws.actions().index("ModifyDBCluster") < aws.actions().index("DeleteBlueGreenDeployment")
    (delete,) = params_of(aws, "DeleteBlueGreenDeployment")
    assert delete["DeleteTarget"] == "true"
    assert green not in cluster_ids() and "prod" in cluster_ids()
    assert steps(journal(tmp_path, NAME))[-1] == ("cleanup", "done")


def test_delete_old_blue_needs_a_completed_switchover(dep, aws, tmp_path):
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--yes")
    assert result.exit_code == 2
    assert "--delete-old-blue needs a completed switchover; the deployment is AVAILABLE" in result.output
    assert not MUTATING & set(aws.actions())


def test_dry_run_lists_every_call_and_makes_none(switched, aws, tmp_path):
    before = len(journal(tmp_path, NAME))
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--dry-run")
    assert result.exit_code == 0, result.output
    ops = [c["operation"] for c in listed_calls(result.output)]
    assert [op for op in dict.fromkeys(ops)] == ["DeleteBlueGreenDeployment", "ModifyDBCluster", "DeleteDBInstance",
                                                 "DeleteDBCluster"]
    assert {"DBInstanceIdentifier": "prod-1-old1"} in listed(result.output, "DeleteDBInstance")
    assert not MUTATING & set(aws.actions())
    assert len(journal(tmp_path, NAME)) == before


def test_declined_confirmation_deletes_nothing(switched, aws, tmp_path):
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", input="n\n")
    assert result.exit_code == 1 and "aborted" in result.output
    assert not MUTATING & set(aws.actions())


def test_keep_old_blue_then_delete_it_later_by_id(switched, aws, tmp_path):
    ident = switched["BlueGreenDeploymentIdentifier"]
    first = run_cli(tmp_path, "cleanup", NAME, "--yes")
    assert first.exit_code == 0, first.output
    assert "old blue cluster is kept" in " ".join(first.output.split())
    assert "prod-old1" in cluster_ids()
    later = run_cli(tmp_path, "cleanup", ident, "--delete-old-blue", "--yes")  # the deployment is gone: the journal knows
    assert later.exit_code == 0, later.output
    assert "prod-old1" not in cluster_ids()
    assert len(params_of(aws, "DeleteBlueGreenDeployment")) == 1


def test_interrupted_cleanup_resumes_without_repeating_the_delete(switched, aws, tmp_path, monkeypatch):
    # the delete landed, its outcome was never recorded
    stop = interrupt_at(monkeypatch, "delete-deployment", "done", after_writing=False)
    assert run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--yes").exit_code == 130
    stop()
    assert "prod-old1" in cluster_ids()
    result = run_cli(tmp_path, "cleanup", NAME, "--delete-old-blue", "--yes")
    assert result.exit_code == 0, result.output
    assert "deployment already deleted" in result.output
    assert len(params_of(aws, "DeleteBlueGreenDeployment")) == 1
    assert "prod-old1" not in cluster_ids()


def test_status_json_has_tasks_members_endpoints_lag_and_journal(dep, aws, tmp_path):
    put_lag(green_writer(dep), 2.0, 0.5)
    result = run_cli(tmp_path, "status", dep["BlueGreenDeploymentIdentifier"], "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["deployment"]["Status"] == "AVAILABLE"
    assert report["deployment"]["Tasks"] and report["deployment"]["SwitchoverDetails"]
    green = report["green"]
    assert green["cluster"].startswith("prod-green-") and green["endpoint"].startswith(green["cluster"] + ".cluster-")
    assert green["reader_endpoint"].startswith(green["cluster"] + ".cluster-ro-")
    assert report["replica_lag"]["seconds"] == 0.5 and report["replica_lag"]["metric"] == "AuroraBinlogReplicaLag"
    assert report["journal"]["last"] is None


def test_status_console_and_list(dep, aws, tmp_path):
    result = run_cli(tmp_path, "status", NAME)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "writer endpoint: prod-green-" in flat and "replica lag: no recent datapoints" in flat
    listing = run_cli(tmp_path, "status")
    assert listing.exit_code == 0 and dep["BlueGreenDeploymentIdentifier"] in listing.output


def test_status_errors_are_one_line(aws, tmp_path):
    missing = run_cli(tmp_path, "status", "bgd-doesnotexist1234")
    assert missing.exit_code == 2
    assert missing.output.strip() == "error: no blue/green deployment 'bgd-doesnotexist1234' in this account and Region"
    bad = run_cli(tmp_path, "status", "--format", "xml")
    assert bad.exit_code == 2 and "unknown --format 'xml'" in bad.output
