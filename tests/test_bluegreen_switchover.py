"""`bluegreen switchover`: every gate stops the call (matrix), overrides, outcomes, and resume.

The AWS side is moto plus the named fake timeline; the SQL gates run against the real MariaDB
fixture standing in for blue and green. MariaDB is not MySQL 8.0: `SHOW REPLICA STATUS` exists
(10.5+) with `Slave_*`/`Seconds_Behind_Master` column names, and `SELECT @@version` reports
10.11, which is exactly what the post-switchover 8.0 check must reject.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time

import boto3
import pytest

from tests.dry_runs import listed
from tests.fakes.rds_bluegreen_fake import (BlueGreenTimeline, Frame, _backend, build_blue, create_deployment,
                                            green_writer, interrupt_at, journal, put_lag, run_cli, sql_overrides, steps,
                                            writer_pending_reboot)
from tests.fakes.rds_integrations_fake import add_integration
from tests.mariadb_server import ROOT_PASSWORD
from upgrade_cli.bluegreen.gates import SWITCHOVER_GATES
from upgrade_cli.handoffs import SOURCE_TAG

NAME = "prod-to-3-04-0"


@pytest.fixture
def dep(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    blue = build_blue()
    deployment = create_deployment(blue, NAME)
    put_lag(green_writer(deployment), 0.0, 1.0, 0.0)
    return deployment


def switch(tmp_path, ident, *extra, input=None, keep=()):
    """Switch over; SQL gates a test does not exercise are overridden (a switchover refuses them NOT RUN)."""
    return run_cli(tmp_path, "switchover", ident, "--yes", *extra, *sql_overrides(keep), input=input)


def calls(aws, action="SwitchoverBlueGreenDeployment"):
    return aws.actions().count(action)


def blue_dsn(mariadb):
    return f"mysql://root@127.0.0.1:{mariadb.port}/"


def test_switchover_on_moto_verifies_8_0(dep, aws, tmp_path):
    result = switch(tmp_path, dep["BlueGreenDeploymentIdentifier"], "--timeout", "600")
    assert result.exit_code == 0, result.output
    assert "verified: prod now runs 8.0.mysql_aurora.3.04.0" in result.output
    assert calls(aws) == 1
    call = next(c for c in aws.calls if c.action == "SwitchoverBlueGreenDeployment")
    assert call.params["SwitchoverTimeout"] == "600"
    assert steps(journal(tmp_path, NAME)) == [("switchover-gates", "done"), ("switchover", "intent"),
                                              ("switchover", "called"), ("switchover", "done"), ("verify", "done")]
    rerun = switch(tmp_path, NAME)
    assert rerun.exit_code == 0 and "already switched over" in rerun.output
    assert calls(aws) == 1


# ---------------------------------------------------------------------------------------------
# the gate matrix: each gate failing on its own stops the switchover; --override GATE lets it by
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def failing(gate, aws, dep, tmp_path, mariadb, fresh_db, request):
    """Make exactly ``gate`` fail; yield the extra CLI arguments it needs."""
    timeline = BlueGreenTimeline(aws)
    if gate == "deployment-available":
        timeline.script(Frame("PROVISIONING", None, {"CREATING_READ_REPLICA_OF_SOURCE": "IN_PROGRESS"}, "AVAILABLE"),
                        sticky=True)
        yield []
    elif gate == "members-available":
        timeline.script(Frame(extra_members=[("prod-2", "prod-2-green-abcdef", "PROVISIONING")]), sticky=True)
        yield []
    elif gate == "blue-available":
        _backend().databases["prod-2"].status = "modifying"  # blue's reader busy at switchover time
        yield []
    elif gate == "green-instance-groups":
        _tag_planned_group("prod-80-inst-reader")
        # ModifyDBInstance answered without moto applying it: the green instance stays on its old group
        aws.on("ModifyDBInstance", lambda p: {"DBInstance": {"DBInstanceIdentifier": p["DBInstanceIdentifier"]}})
        yield []
    elif gate == "green-cluster-params":
        writer_pending_reboot(aws, dep["Target"])
        yield []
    elif gate == "zero-etl-integrations":
        add_integration(dep["Source"])
        yield []
    elif gate == "replica-lag":
        put_lag(green_writer(dep), 0.0, 0.0, 42.0)
        yield ["--max-lag", "5"]
    elif gate == "replica-status":
        yield ["--green-dsn", blue_dsn(mariadb)]  # a server that replicates from nothing
    elif gate == "green-read-only":
        yield ["--green-dsn", blue_dsn(mariadb)]  # the session server runs with read_only=OFF
    elif gate == "blue-not-a-replica":
        yield ["--blue-dsn", f"mysql://root@127.0.0.1:{request.getfixturevalue('replica').port}/"]
    elif gate == "long-transactions":
        with mariadb.connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE TABLE `{fresh_db}`.t (id INT PRIMARY KEY) ENGINE=InnoDB")
            cur.execute("BEGIN")
            cur.execute(f"INSERT INTO `{fresh_db}`.t VALUES (1)")
            time.sleep(1.1)
            yield ["--blue-dsn", blue_dsn(mariadb), "--max-trx-seconds", "1"]
            conn.rollback()
    elif gate == "running-ddl":
        with mariadb.connect() as holder, holder.cursor() as cur:
            cur.execute(f"CREATE TABLE `{fresh_db}`.t (id INT PRIMARY KEY) ENGINE=InnoDB")
            cur.execute("BEGIN")
            cur.execute(f"SELECT * FROM `{fresh_db}`.t")  # holds a metadata lock until commit
            alter = threading.Thread(target=_alter, args=(mariadb, fresh_db))
            alter.start()
            _wait_for_state(mariadb, "metadata lock")
            yield ["--blue-dsn", blue_dsn(mariadb)]
            holder.commit()
            alter.join(30)
    elif gate == "prepared-xa":
        with mariadb.connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE TABLE `{fresh_db}`.t (id INT PRIMARY KEY) ENGINE=InnoDB")
            cur.execute("XA START 'gate-test'")
            cur.execute(f"INSERT INTO `{fresh_db}`.t VALUES (1)")
            cur.execute("XA END 'gate-test'")
            cur.execute("XA PREPARE 'gate-test'")
            yield ["--blue-dsn", blue_dsn(mariadb)]
            cur.execute("XA ROLLBACK 'gate-test'")
    elif gate == "precheck-report":
        path = tmp_path / "report.json"
        path.write_text(json.dumps({"report_format": 1, "complete": True, "counts": {"error": 3, "warning": 0,
                                                                                     "notice": 0, "total": 3}}))
        yield ["--precheck-report", str(path)]
    elif gate == "bench-report":
        path = tmp_path / "bench.json"
        path.write_text(json.dumps({"complete": True, "summary": {"regressions": 2, "failing": 2}}))
        yield ["--bench-report", str(path)]
    else:
        raise AssertionError(f"no failing scenario for gate {gate}")


def _tag_planned_group(name: str) -> str:
    """An 8.0 instance group as `params plan --apply` makes it: tagged with the blue instances' 5.7 group."""
    rds = boto3.client("rds")
    source = rds.describe_db_instances(DBInstanceIdentifier="prod-2")["DBInstances"][0]["DBParameterGroups"][0]
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily="aurora-mysql8.0",
                                  Description="planned", Tags=[{"Key": SOURCE_TAG,
                                                                "Value": source["DBParameterGroupName"]}])
    return name


def _alter(mariadb, db):
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"ALTER TABLE `{db}`.t ADD COLUMN c INT")


def _wait_for_state(mariadb, text, timeout=20):
    deadline = time.monotonic() + timeout
    with mariadb.connect() as conn, conn.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE %s", (f"%{text}%",))
            if cur.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"no session reached state {text!r}")


@pytest.mark.parametrize("gate", SWITCHOVER_GATES)
def test_any_failed_gate_means_no_switchover_call(gate, dep, aws, tmp_path, mariadb, fresh_db, request):
    ident = dep["BlueGreenDeploymentIdentifier"]
    with failing(gate, aws, dep, tmp_path, mariadb, fresh_db, request) as extra:
        result = switch(tmp_path, ident, *extra, keep=(gate,))
        assert result.exit_code == 1, result.output
        assert f"gate(s) failed: {gate} " in result.output
        assert calls(aws) == 0
        entries = [e for e in journal(tmp_path, NAME) if e["command"] != "instance-groups"]
        assert steps(entries) == [("switchover-gates", "failed")]
        assert [g["gate"] for g in entries[0]["gates"] if g["status"] == "fail"] == [gate]

        overridden = switch(tmp_path, ident, *extra, "--override", gate, keep=(gate,))
        assert "overridden" in overridden.output
        assert calls(aws) == 1
        if "--blue-dsn" in extra:  # verified through the endpoint: MariaDB is not 8.0, and it must say so
            assert overridden.exit_code == 1
            assert "the cluster endpoint serves 10." in overridden.output
    out = (tmp_path / f"us-east-1--{NAME}.jsonl").read_text() + result.output + overridden.output
    assert ROOT_PASSWORD not in out


def test_the_matrix_covers_every_gate():
    assert set(SWITCHOVER_GATES) == {"deployment-available", "members-available", "blue-available",
                                     "green-instance-groups", "green-cluster-params", "zero-etl-integrations",
                                     "replica-lag", "replica-status",
                                     "green-read-only", "long-transactions", "running-ddl", "prepared-xa",
                                     "blue-not-a-replica", "precheck-report", "bench-report"}


def test_clean_sql_gates_pass_on_a_quiet_blue(dep, aws, tmp_path, mariadb):
    """No long trx, DDL or XA on the (MariaDB) blue: those gates pass; the call is made."""
    result = switch(tmp_path, NAME, "--blue-dsn", blue_dsn(mariadb),
                    keep=("long-transactions", "running-ddl", "prepared-xa", "blue-not-a-replica"))
    entries = journal(tmp_path, NAME)
    gates = {g["gate"]: g["status"] for g in entries[0]["gates"]}
    assert gates["long-transactions"] == gates["running-ddl"] == gates["prepared-xa"] == "pass"
    assert gates["blue-not-a-replica"] == "pass"
    assert calls(aws) == 1
    assert result.exit_code == 1 and "serves 10." in result.output  # MariaDB ≠ 8.0: verification refuses it


def test_unknown_override_is_refused_before_any_call(dep, aws, tmp_path):
    aws.calls.clear()
    result = switch(tmp_path, NAME, "--override", "replica-lagg")
    assert result.exit_code == 2
    assert "unknown gate(s) to override: replica-lagg" in result.output
    assert aws.actions() == []


def test_dry_run_prints_the_call_and_makes_none(dep, aws, tmp_path):
    result = switch(tmp_path, NAME, "--dry-run", "--timeout", "120")
    assert result.exit_code == 0, result.output
    assert listed(result.output, "SwitchoverBlueGreenDeployment") == [
        {"BlueGreenDeploymentIdentifier": dep["BlueGreenDeploymentIdentifier"], "SwitchoverTimeout": 120}]
    assert calls(aws) == 0
    assert journal(tmp_path, NAME) == []


def test_declining_the_confirmation_changes_nothing(dep, aws, tmp_path):
    result = run_cli(tmp_path, "switchover", NAME, *sql_overrides(), input="n\n")
    assert result.exit_code == 1
    assert "aborted: nothing was changed" in result.output
    assert calls(aws) == 0


# ---------------------------------------------------------------------------------------------
# outcomes (fake timeline)
# ---------------------------------------------------------------------------------------------


def test_slow_switchover_is_followed_to_completion(dep, aws, tmp_path):
    BlueGreenTimeline(aws).slow_switchover(in_progress_polls=3)
    result = switch(tmp_path, NAME)
    assert result.exit_code == 0, result.output
    assert "SWITCHOVER_IN_PROGRESS" in result.output and "SWITCHOVER_COMPLETED" in result.output
    assert calls(aws) == 1


def test_switchover_failed_is_reported_and_a_new_attempt_is_allowed(dep, aws, tmp_path):
    timeline = BlueGreenTimeline(aws)
    timeline.fail_switchover("Switchover timed out: green could not catch up within 300 seconds")
    result = switch(tmp_path, NAME)
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert "FAILED and was rolled back: Switchover timed out: green could not catch up" in flat
    assert "blue is still production" in flat
    entries = journal(tmp_path, NAME)
    assert steps(entries)[-1] == ("switchover", "failed") and entries[-1]["status"] == "SWITCHOVER_FAILED"
    rds = boto3.client("rds")
    assert rds.describe_db_clusters(DBClusterIdentifier="prod")["DBClusters"][0]["EngineVersion"].startswith("5.7")

    timeline.switchover_mode = "moto"
    timeline.script()  # the cause is fixed: moto answers again
    retry = switch(tmp_path, NAME)
    assert retry.exit_code == 0, retry.output
    assert calls(aws) == 2  # a closed, failed attempt may be retried; nothing open was repeated


def test_rollback_to_available_is_a_failure_not_a_hang(dep, aws, tmp_path):
    BlueGreenTimeline(aws).fail_switchover("Switchover canceled: active writes on green", end="AVAILABLE")
    result = switch(tmp_path, NAME)
    assert result.exit_code == 1, result.output
    assert "did not happen or was rolled back" in " ".join(result.output.split())
    assert steps(journal(tmp_path, NAME))[-1] == ("switchover", "failed")


def test_lag_above_the_limit_names_the_numbers(dep, aws, tmp_path):
    put_lag(green_writer(dep), 3.0, 7.5)
    result = switch(tmp_path, NAME, "--max-lag", "5")
    assert result.exit_code == 1
    detail = [g for g in journal(tmp_path, NAME)[0]["gates"] if g["gate"] == "replica-lag"][0]["detail"]
    assert "peaked at 7.5s" in detail and "above --max-lag 5s" in detail
    assert calls(aws) == 0


def test_lag_minus_one_means_not_replicating(dep, aws, tmp_path):
    put_lag(green_writer(dep), -1.0)
    result = switch(tmp_path, NAME)
    assert result.exit_code == 1
    detail = [g for g in journal(tmp_path, NAME)[0]["gates"] if g["gate"] == "replica-lag"][0]["detail"]
    assert "replication not running" in detail


# ---------------------------------------------------------------------------------------------
# resume: an interrupted switchover is never called again
# ---------------------------------------------------------------------------------------------


def test_interrupted_after_the_call_is_followed_not_repeated(dep, aws, tmp_path, monkeypatch):
    stop = interrupt_at(monkeypatch, "switchover", "called", after_writing=False)  # call landed, outcome unrecorded
    result = switch(tmp_path, NAME)
    assert result.exit_code == 130 and calls(aws) == 1
    assert steps(journal(tmp_path, NAME))[-1] == ("switchover", "intent")
    stop()
    resumed = switch(tmp_path, NAME)
    assert resumed.exit_code == 0, resumed.output
    assert "not calling SwitchoverBlueGreenDeployment again" in " ".join(resumed.output.split())
    assert calls(aws) == 1
    assert steps(journal(tmp_path, NAME))[-2:] == [("switchover", "done"), ("verify", "done")]


def test_interrupted_before_the_call_is_closed_then_retried_by_the_operator(dep, aws, tmp_path, monkeypatch):
    stop = interrupt_at(monkeypatch, "switchover", "intent", after_writing=True)  # Ctrl-C before the request left
    result = switch(tmp_path, NAME)
    assert result.exit_code == 130 and calls(aws) == 0
    stop()
    resumed = switch(tmp_path, NAME)
    assert resumed.exit_code == 1
    assert "did not happen or was rolled back" in " ".join(resumed.output.split())
    assert calls(aws) == 0  # the resume looked, it did not call
    assert steps(journal(tmp_path, NAME))[-1] == ("switchover", "failed")
    fresh = switch(tmp_path, NAME)  # the operator runs it again: a new, gated attempt
    assert fresh.exit_code == 0, fresh.output
    assert calls(aws) == 1


def test_resume_while_in_progress_keeps_polling(dep, aws, tmp_path, monkeypatch):
    timeline = BlueGreenTimeline(aws)
    timeline.slow_switchover(in_progress_polls=5)
    stop = interrupt_at(monkeypatch, "switchover", "called", after_writing=True)
    assert switch(tmp_path, NAME).exit_code == 130
    stop()
    resumed = switch(tmp_path, NAME)
    assert resumed.exit_code == 0, resumed.output
    assert "SWITCHOVER_IN_PROGRESS" in resumed.output
    assert calls(aws) == 1


def test_a_wait_that_gives_up_leaves_the_attempt_open(dep, aws, tmp_path):
    BlueGreenTimeline(aws).slow_switchover(in_progress_polls=3)
    gave_up = switch(tmp_path, NAME, "--wait-timeout", "0")
    assert gave_up.exit_code == 2
    assert "(it will not switch over again)" in " ".join(gave_up.output.split())
    assert steps(journal(tmp_path, NAME))[-1] == ("switchover", "info")
    resumed = switch(tmp_path, NAME)
    assert resumed.exit_code == 0, resumed.output
    assert calls(aws) == 1


def test_member_not_available_blocks(dep, aws, tmp_path):
    BlueGreenTimeline(aws).script(Frame(member_status="PROVISIONING"), sticky=True)
    result = switch(tmp_path, NAME)
    assert result.exit_code == 1
    detail = [g for g in journal(tmp_path, NAME)[0]["gates"] if g["gate"] == "members-available"][0]["detail"]
    assert "prod-green-" in detail and "=PROVISIONING" in detail
    assert calls(aws) == 0


# ---------------------------------------------------------------------------------------------
# SHOW REPLICA STATUS on a really replicating green (two extra MariaDB servers)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    """A MariaDB binlog replica of another MariaDB: what green is to blue (binlog replication)."""
    from tests.mariadb_server import replication_pair

    with replication_pair(tmp_path_factory) as (_, green):
        yield green


def test_replica_status_passes_on_a_running_replica_and_fails_when_sql_thread_stops(dep, aws, tmp_path, replica):
    green_dsn = f"mysql://root@127.0.0.1:{replica.port}/"
    result = switch(tmp_path, NAME, "--green-dsn", green_dsn, "--dry-run", keep=("replica-status",))
    assert result.exit_code == 0, result.output
    assert "replicating, Seconds_Behind_Source=0s" in " ".join(result.output.split())
    with replica.connect() as conn, conn.cursor() as cur:
        cur.execute("STOP SLAVE SQL_THREAD")
    try:
        stopped = switch(tmp_path, NAME, "--green-dsn", green_dsn, keep=("replica-status",))
    finally:
        with replica.connect() as conn, conn.cursor() as cur:
            cur.execute("START SLAVE SQL_THREAD")
    assert stopped.exit_code == 1
    detail = [g for g in journal(tmp_path, NAME)[0]["gates"] if g["gate"] == "replica-status"][0]["detail"]
    assert detail.startswith("replication threads IO=Yes SQL=No")
    assert calls(aws) == 0
