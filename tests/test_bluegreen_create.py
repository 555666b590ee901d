"""`bluegreen create`: gates before the call, the create itself, following it, and resuming it.

Happy path on moto (it creates deployments already AVAILABLE); slow provisioning, failures and
throttling through the named fake timeline (tests/fakes/rds_bluegreen_fake.py).
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tests.dry_runs import listed
from tests.fakes.rds_bluegreen_fake import (AURORA_TASKS, BlueGreenTimeline, Frame, build_blue, interrupt_at, journal,
                                            provisioning_frames, rds_show_configuration, run_cli, steps,
                                            writer_pending_reboot)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.mariadb_server import ROOT_PASSWORD

NAME = "prod-to-8-0"


@pytest.fixture
def world(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.my.cnf of the machine leaks in
    install_rds_engine_fake(aws)
    blue = build_blue()
    return blue


def create_args(blue, *extra: str, version: str = "8.0") -> list[str]:
    return ["create", "--cluster", blue.cluster, "--target-version", version,
            "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group", blue.instance_group_v3,
            *extra]


def test_create_and_wait_on_moto(world, aws, tmp_path):
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 0, result.output
    assert "8.0 resolves to 8.0.mysql_aurora.3.08.2" in result.output
    assert "is AVAILABLE" in result.output
    calls = [c for c in aws.calls if c.action == "CreateBlueGreenDeployment"]
    assert len(calls) == 1
    p = calls[0].params
    assert p["BlueGreenDeploymentName"] == NAME and p["Source"] == world.arn
    assert p["TargetEngineVersion"] == "8.0.mysql_aurora.3.08.2"
    assert p["TargetDBClusterParameterGroupName"] == "prod-80" and p["TargetDBParameterGroupName"] == "prod-80-inst"
    assert steps(journal(tmp_path, NAME)) == [("gates", "done"), ("create", "intent"), ("create", "done"),
                                              ("wait-available", "intent"), ("wait-available", "done")]
    dep = boto3.client("rds").describe_blue_green_deployments()["BlueGreenDeployments"][0]
    assert journal(tmp_path, NAME)[2]["deployment_id"] == dep["BlueGreenDeploymentIdentifier"]


def test_dry_run_prints_the_exact_call_and_makes_none(world, aws, tmp_path):
    result = run_cli(tmp_path, *create_args(world, "--dry-run", "--wait", "--name", "bg1"))
    assert result.exit_code == 0, result.output
    assert "CreateBlueGreenDeployment" not in aws.actions()
    (params,) = listed(result.output, "CreateBlueGreenDeployment")
    assert params == {"BlueGreenDeploymentName": "bg1", "Source": world.arn,
                      "TargetDBClusterParameterGroupName": "prod-80", "TargetDBParameterGroupName": "prod-80-inst",
                      "TargetEngineVersion": "8.0.mysql_aurora.3.08.2"}
    assert journal(tmp_path, "bg1") == []  # a dry run changes nothing a real run would resume from


def _precheck(tmp_path: Path, dump: str, target: str) -> Path:
    """A real precheck report.json of a fixture dump, for the given target version."""
    from typer.testing import CliRunner

    from upgrade_cli.main import app

    out = tmp_path / "precheck"
    CliRunner().invoke(app, ["precheck", "--ddl", str(Path(__file__).parent / "fixtures/dumps" / dump), "--out",
                             str(out), "--target-version", target])
    return out / "report.json"


@pytest.mark.parametrize("setup, gate, message", [
    ("binlog_off", "binlog-format", "binlog_format is OFF in prod-57"),
    ("pending_reboot", "writer-in-sync", "writer prod-1 parameter group status is 'pending-reboot'"),
    ("v57_target_group", "target-cluster-group", "is family aurora-mysql5.7, expected aurora-mysql8.0"),
    ("missing_instance_group", "target-instance-group", "no-such-group"),
    ("bad_version", "target-version", "8.0.mysql_aurora.3.01.0 is not a valid upgrade target"),
    ("precheck_errors", "precheck-report", "4 error finding(s) block the upgrade, first: "),
    ("precheck_other_target", "precheck-report",
     "the precheck ran for Aurora MySQL 3.04.3 (MySQL 8.0.28), not for Aurora MySQL 3.08.2 (MySQL 8.0.39)"),
])
def test_a_failed_gate_stops_the_create(world, aws, tmp_path, setup, gate, message):
    rds = boto3.client("rds")
    args = create_args(world)
    if setup == "binlog_off":
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="prod-57", Parameters=[
            {"ParameterName": "binlog_format", "ParameterValue": "OFF", "ApplyMethod": "pending-reboot"}])
    elif setup == "pending_reboot":
        writer_pending_reboot(aws, "prod")
    elif setup == "v57_target_group":
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="old57", DBParameterGroupFamily="aurora-mysql5.7",
                                              Description="wrong family")
        args[args.index("prod-80")] = "old57"
    elif setup == "missing_instance_group":
        args[args.index("prod-80-inst")] = "no-such-group"
    elif setup == "bad_version":
        args[args.index("8.0")] = "8.0.mysql_aurora.3.01.0"
    elif setup == "precheck_errors":
        args += ["--precheck-report", str(_precheck(tmp_path, "legacy_small.sql", "3.08.2"))]
    elif setup == "precheck_other_target":  # a clean report, but run for another target than the one created
        args += ["--precheck-report", str(_precheck(tmp_path, "clean.sql", "3.04.3"))]
    result = run_cli(tmp_path, *args, "--name", "bg1")
    assert result.exit_code == 1, result.output
    assert f"gate(s) failed: {gate}" in result.output
    assert "CreateBlueGreenDeployment" not in aws.actions()
    entries = journal(tmp_path, "bg1")
    assert steps(entries) == [("gates", "failed")]
    failed = {g["gate"]: g for g in entries[0]["gates"] if g["status"] == "fail"}
    assert list(failed) == [gate]
    assert message in failed[gate]["detail"]


@pytest.fixture
def rds_procs(mariadb):
    with rds_show_configuration(mariadb, 24):
        yield


def test_tmp_database_gate_reads_blue_over_sql(world, aws, tmp_path, mariadb, monkeypatch, rds_procs):
    """A real MariaDB stands in for the blue writer (MariaDB, not MySQL 5.7: only SCHEMATA is read)."""
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    dsn = f"mysql://root@127.0.0.1:{mariadb.port}/"
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE IF NOT EXISTS tmp")
    try:
        result = run_cli(tmp_path, *create_args(world, "--dsn", dsn, "--name", "bg1"))
    finally:
        with mariadb.connect() as conn, conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS tmp")
    assert result.exit_code == 1, result.output
    assert "gate(s) failed: no-tmp-database" in result.output
    assert "CreateBlueGreenDeployment" not in aws.actions()
    assert ROOT_PASSWORD not in result.output and ROOT_PASSWORD not in (tmp_path / "us-east-1--bg1.jsonl").read_text()

    monkeypatch.delenv("AURORA_UPGRADE_PASSWORD")  # now the password travels in the DSN: still never shown
    inline = f"mysql://root:{ROOT_PASSWORD}@127.0.0.1:{mariadb.port}/"
    result = run_cli(tmp_path, *create_args(world, "--dsn", inline, "--name", "bg1"))
    assert result.exit_code == 0, result.output
    assert "no `tmp` database on blue" in result.output
    assert ROOT_PASSWORD not in result.output and ROOT_PASSWORD not in (tmp_path / "us-east-1--bg1.jsonl").read_text()


def test_tmp_database_gate_with_host_and_user_flags(world, aws, tmp_path, mariadb, monkeypatch, rds_procs):
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    result = run_cli(tmp_path, *create_args(world, "--host", "127.0.0.1", "--port", str(mariadb.port),
                                            "--user", "root", "--dry-run"))
    assert result.exit_code == 0, result.output
    assert "no `tmp` database on blue" in result.output
    assert "CreateBlueGreenDeployment" not in aws.actions()


def test_slow_provisioning_shows_tasks_moving_until_available(world, aws, tmp_path):
    timeline = BlueGreenTimeline(aws).script(*provisioning_frames())
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    for task in AURORA_TASKS:
        assert f"{task}=IN_PROGRESS" in out
    assert "DB_ENGINE_VERSION_UPGRADE=PENDING" in out
    assert out.index("CREATING_READ_REPLICA_OF_SOURCE=IN_PROGRESS") < out.index("CREATE_CUSTOM_ENDPOINTS=IN_PROGRESS")
    assert timeline.frames == []  # every frame was observed
    assert steps(journal(tmp_path, NAME))[-1] == ("wait-available", "done")


@pytest.mark.parametrize("frame, message", [
    (Frame("INVALID_CONFIGURATION", "Green cluster was promoted manually", None, "AVAILABLE"),
     "is INVALID_CONFIGURATION: Green cluster was promoted manually"),
    (Frame("PROVISIONING", "Engine upgrade failed: upgrade prechecks failed",
           {"CREATING_READ_REPLICA_OF_SOURCE": "COMPLETED", "DB_ENGINE_VERSION_UPGRADE": "FAILED"}, "PROVISIONING"),
     "task DB_ENGINE_VERSION_UPGRADE FAILED: Engine upgrade failed: upgrade prechecks failed"),
])
def test_provisioning_failure_is_clear_and_journaled(world, aws, tmp_path, frame, message):
    BlueGreenTimeline(aws).script(provisioning_frames()[0], frame, sticky=True)
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())
    entries = journal(tmp_path, NAME)
    assert steps(entries)[-3:] == [("create", "done"), ("wait-available", "intent"), ("wait-available", "failed")]
    assert entries[-1]["status"] == frame.status and entries[-1]["status_details"] == frame.details


def test_throttled_polls_are_waited_out(world, aws, tmp_path):
    timeline = BlueGreenTimeline(aws).script(*provisioning_frames()[:2])
    result = run_cli(tmp_path, *create_args(world))  # create only; then follow with throttling
    assert result.exit_code == 0, result.output
    timeline.throttle(3, after=1)  # the resume look-up passes; three polls are throttled
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 0, result.output
    assert result.output.count("throttled (Throttling); retrying") == 3
    assert "not creating it again" in result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1
    assert steps(journal(tmp_path, NAME))[-1] == ("wait-available", "done")


def test_persistent_throttling_gives_up_and_a_rerun_resumes_without_creating(world, aws, tmp_path):
    timeline = BlueGreenTimeline(aws)
    assert run_cli(tmp_path, *create_args(world)).exit_code == 0
    timeline.throttle(-1, after=1)  # the resume look-up passes; every poll is throttled
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "gave up waiting for" in out and "throttled (Throttling) on 11 polls in a row" in out
    assert "re-run the same command to keep waiting (it will not be created again)" in out
    assert steps(journal(tmp_path, NAME))[-2:] == [("wait-available", "intent"), ("wait-available", "info")]
    timeline.throttle(0)
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 0, result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1
    assert steps(journal(tmp_path, NAME))[-1] == ("wait-available", "done")


def test_wait_timeout_leaves_a_resumable_journal(world, aws, tmp_path):
    BlueGreenTimeline(aws).script(provisioning_frames()[0], sticky=True)
    result = run_cli(tmp_path, *create_args(world, "--wait", "--wait-timeout", "0"))
    assert result.exit_code == 2, result.output
    assert "timed out after" in result.output and "still PROVISIONING" in result.output
    assert steps(journal(tmp_path, NAME))[-1] == ("wait-available", "info")


def test_interrupted_after_the_call_resumes_without_a_second_create(world, aws, tmp_path, monkeypatch):
    stop = interrupt_at(monkeypatch, "create", "done", after_writing=False)  # the call landed, "done" never written
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 130
    assert steps(journal(tmp_path, NAME))[-1] == ("create", "intent")
    stop()
    result = run_cli(tmp_path, *create_args(world, "--wait"))
    assert result.exit_code == 0, result.output
    assert "did reach AWS" in result.output and "not creating it again" in result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1
    entries = journal(tmp_path, NAME)
    recovered = [e for e in entries if e["step"] == "create" and e["phase"] == "done"]
    assert recovered and recovered[0]["recovered"] is True


def test_interrupted_before_the_call_creates_once(world, aws, tmp_path, monkeypatch):
    stop = interrupt_at(monkeypatch, "create", "intent", after_writing=True)  # Ctrl-C before the request left
    result = run_cli(tmp_path, *create_args(world))
    assert result.exit_code == 130
    assert "CreateBlueGreenDeployment" not in aws.actions()
    stop()
    result = run_cli(tmp_path, *create_args(world))
    assert result.exit_code == 0, result.output
    assert "never reached AWS" in result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1


def test_rerun_after_done_never_creates_again_and_refuses_other_inputs(world, aws, tmp_path):
    assert run_cli(tmp_path, *create_args(world)).exit_code == 0
    result = run_cli(tmp_path, *create_args(world))
    assert result.exit_code == 0 and "already created" in result.output
    result = run_cli(tmp_path, *create_args(world, "--instance-parameter-group", "other"))
    assert result.exit_code == 2
    assert "with different inputs" in result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1


def test_existing_deployment_without_journal_is_not_adopted(world, aws, tmp_path):
    assert run_cli(tmp_path / "a", *create_args(world)).exit_code == 0
    result = run_cli(tmp_path / "b", *create_args(world))
    assert result.exit_code == 2
    assert "already exists" in result.output and "no record of creating it" in result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1


def test_unknown_cluster_is_one_line_exit_2(world, tmp_path):
    result = run_cli(tmp_path, "create", "--cluster", "nope", "--target-version", "8.0",
                     "--cluster-parameter-group", "prod-80")
    assert result.exit_code == 2
    assert result.output.strip() .endswith("error: DB cluster 'nope' not found in us-east-1")
    assert "Traceback" not in result.output
