"""The parts under the blue/green commands: the waiter's clock and backoff, the live view, the journal,
naming, DDL recognition, a dropped connection while polling, and a real kill mid-wait."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from tests.fakes.rds_bluegreen_fake import (BlueGreenTimeline, build_blue, journal, provisioning_frames, run_cli,
                                            steps)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from upgrade_cli import aws as awsmod
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.bluegreen.journal import Journal
from upgrade_cli.bluegreen.render import DeploymentWatch
from upgrade_cli.bluegreen.waiter import PollSettings, WaitAborted, wait_for
from upgrade_cli.handoffs import journal_dir
from upgrade_cli.cli_common import ToolError
from upgrade_cli.narrator import RecordingNarrator
from upgrade_cli.sqltext import is_ddl

REPO = Path(__file__).resolve().parent.parent


class FakeClock:
    """Time that moves only when the waiter sleeps: no real sleeping in tests."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def snap(status: str) -> dict:
    return {"BlueGreenDeploymentIdentifier": "bgd-x", "BlueGreenDeploymentName": "n", "Status": status,
            "Tasks": [], "SwitchoverDetails": []}


def test_wait_times_out_on_the_injected_clock():
    t = FakeClock()
    settings = PollSettings(interval=30, timeout=100, sleep=t.sleep, clock=t.clock)
    with pytest.raises(WaitAborted, match=r"timed out after 120s .* still PROVISIONING"):
        wait_for(lambda: snap("PROVISIONING"), lambda d: False, lambda d: None, settings, "x", RecordingNarrator())
    assert t.sleeps == [30, 30, 30, 30]


def test_transient_errors_back_off_exponentially_then_recover():
    t = FakeClock()
    answers = [bg.Transient("throttled (Throttling)")] * 3 + [snap("AVAILABLE")]

    def poll():
        item = answers.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    settings = PollSettings(interval=5, timeout=3600, sleep=t.sleep, clock=t.clock)
    told = RecordingNarrator()
    out = wait_for(poll, lambda d: d["Status"] == "AVAILABLE", lambda d: None, settings, "x", told)
    assert out["Status"] == "AVAILABLE"
    assert t.sleeps == [10, 20, 40]
    assert told.events == [("watch", "x"), *[("retrying", ("throttled (Throttling)", d)) for d in (10, 20, 40)],
                           ("polled", snap("AVAILABLE"))]


def test_live_view_renders_on_a_terminal():
    buf = io.StringIO()
    view = DeploymentWatch(Console(file=buf, force_terminal=True, width=120))
    with view:
        view.polled({**snap("PROVISIONING"), "Tasks": [{"Name": "DB_ENGINE_VERSION_UPGRADE", "Status": "IN_PROGRESS"}]})
    text = buf.getvalue()
    assert "DB_ENGINE_VERSION_UPGRADE" in text and "IN_PROGRESS" in text and "PROVISIONING" in text


def test_a_dropped_connection_while_polling_is_transient(monkeypatch):
    # No `aws` fixture: the autouse guard points every endpoint at a dead loopback port.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    api = awsmod.client("rds", "us-east-1", max_attempts=0)
    with pytest.raises(bg.Transient, match="connection problem"):
        bg.poll_deployment(api, "bgd-anything")


def test_journal_survives_a_torn_last_line_and_closes_lifecycles(tmp_path):
    j = Journal(tmp_path, "us-east-1", "dep")
    j.write("create", "create", "intent")
    j.write("create", "create", "done", deployment_id="bgd-1")
    with j.path.open("a") as fh:
        fh.write('{"ts": "2026-')  # killed mid-write
    assert j.phase("create") == "done" and j.value("deployment_id") == "bgd-1"
    j.path.write_text(j.path.read_text().rsplit("\n", 1)[0] + "\n")
    j.write("cleanup", "cleanup", "done")
    assert j.phase("create") is None and j.entries() == []
    assert len(j.all_entries()) == 3


def test_journal_corruption_in_the_middle_is_an_error(tmp_path):
    j = Journal(tmp_path, "us-east-1", "dep")
    j.path.parent.mkdir(parents=True, exist_ok=True)
    j.path.write_text('not json\n{"step": "x", "phase": "done"}\n')
    with pytest.raises(ToolError, match="corrupt at line 1"):
        j.entries()


def test_journal_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("AURORA_UPGRADE_JOURNAL_DIR", str(tmp_path / "env"))
    assert journal_dir(None) == tmp_path / "env"
    assert journal_dir(tmp_path / "opt") == tmp_path / "opt"
    monkeypatch.delenv("AURORA_UPGRADE_JOURNAL_DIR")
    assert journal_dir(None) == Path("~/.aurora-upgrade/journal").expanduser()


@pytest.mark.parametrize("cluster, version, expected", [
    ("prod", "8.0", "prod-to-8-0"),
    ("prod", "8.0.mysql_aurora.3.04.0", "prod-to-3-04-0"),
    ("9lives", "3.05.2", "bg-9lives-to-3-05-2"),
    ("x" * 70, "8.0", "x" * 60),
])
def test_default_names_are_valid_and_deterministic(cluster, version, expected):
    name = bg.deployment_name_for(cluster, version)
    assert name == expected and bg.check_name(name) == name


def test_invalid_names_are_refused():
    with pytest.raises(ToolError, match="invalid deployment name"):
        bg.check_name("bad--name")


@pytest.mark.parametrize("sql, ddl", [
    ("ALTER TABLE t ADD c INT", True),
    ("/* pt-osc */ alter table t engine=InnoDB", True),
    ("  CREATE INDEX i ON t (c)", True),
    ("OPTIMIZE TABLE t", True),
    ("ANALYZE TABLE t", True),
    ("REPAIR TABLE t", True),
    ("CREATE USER 'u'@'%' IDENTIFIED BY 'x'", False),
    ("DROP ROLE r", False),
    ("CREATE TEMPORARY TABLE tmp (a INT)", False),
    ("SELECT 'ALTER TABLE t'", False),
    ("INSERT INTO alter_log VALUES (1)", False),
    (None, False),
])
def test_ddl_recognition_ignores_comments_and_literals(sql, ddl):
    """One definition of DDL (sqltext.is_ddl) for the switchover gate, auroraCheckDDLRecovery and bench."""
    assert is_ddl(sql) is ddl


def test_a_killed_wait_resumes_without_a_second_create(aws, tmp_path, monkeypatch):
    """A real SIGKILL of the CLI process while it follows a slow deployment."""
    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    blue = build_blue()
    timeline = BlueGreenTimeline(aws).script(provisioning_frames()[0], sticky=True)
    args = ["create", "--cluster", blue.cluster, "--target-version", "8.0", "--cluster-parameter-group",
            blue.cluster_group_v3, "--wait", "--poll-interval", "0.2", "--journal-dir", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "upgrade_cli.main", "bluegreen", *args], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while ("wait-available", "intent") not in steps(journal(tmp_path, "prod-to-8-0")):
            assert proc.poll() is None, "the CLI ended before it started waiting"
            assert time.monotonic() < deadline, "the CLI never started waiting"
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert aws.actions().count("CreateBlueGreenDeployment") == 1
    timeline.script()  # provisioning finishes: moto answers AVAILABLE
    result = run_cli(tmp_path, *args[:-4])
    assert result.exit_code == 0, result.output
    assert "not creating it again" in result.output
    assert aws.actions().count("CreateBlueGreenDeployment") == 1
    assert steps(journal(tmp_path, "prod-to-8-0"))[-1] == ("wait-available", "done")


def test_precheck_gate_accepts_a_report_for_the_same_mysql_release(tmp_path):
    """The checks follow the MySQL release: a 3.08.0 precheck covers a 3.08.2 create, a 3.04 one does not."""
    from typer.testing import CliRunner

    from upgrade_cli.bluegreen import gates
    from upgrade_cli.main import app

    clean = Path(__file__).parent / "fixtures" / "dumps" / "clean.sql"
    CliRunner().invoke(app, ["precheck", "--ddl", str(clean), "--out", str(tmp_path), "--target-version", "3.08.0"])
    report = tmp_path / "report.json"
    assert gates.precheck_report(report, "8.0.mysql_aurora.3.08.2").status == gates.PASS
    assert gates.precheck_report(report, None).status == gates.PASS
    failed = gates.precheck_report(report, "8.0.mysql_aurora.3.04.3")
    assert failed.status == gates.FAIL and "re-run precheck --target-version 3.04.3" in failed.detail
