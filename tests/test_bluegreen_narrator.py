"""The blue/green flows speak only through a narrator: what they tell it, what they ask it, and what the console
makes of it.

Driven two ways on moto (plus the named fake timeline for a slow provisioning): the engines with a
:class:`~upgrade_cli.narrator.RecordingNarrator`, whose events are asserted (and whose "no" to a confirmation
must leave AWS untouched), and the CLI, whose console narrator is teed into a recorder so every event the
engine told can be looked for in what the operator saw.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.fakes.rds_bluegreen_fake import (BlueGreenTimeline, build_blue, green_writer, journal, provisioning_frames,
                                            put_lag, run_cli, sql_overrides, steps)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from upgrade_cli.bluegreen import cleanup as cleanup_steps
from upgrade_cli.bluegreen import orchestrator as orch
from upgrade_cli.bluegreen.gates import CREATE_GATES, GREEN_LAG_OPTIONS, SQL_GATES, SWITCHOVER_GATES
from upgrade_cli.bluegreen.waiter import PollSettings
from upgrade_cli.cli_common import ConsoleNarrator
from upgrade_cli.narrator import RecordingNarrator
from upgrade_cli.outcome import Blocked

NAME = "prod-to-8-0"
MUTATING = ("Create", "Modify", "Reboot", "Switchover", "Delete")


@pytest.fixture
def world(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    return build_blue()


def context(tmp_path, narrator: RecordingNarrator, dry_run: bool = False) -> orch.Context:
    rds = boto3.client("rds")
    return orch.Context(rds=rds, rds_poll=rds, cw=boto3.client("cloudwatch"), region="us-east-1",
                        journal_dir=tmp_path, dry_run=dry_run, poll=PollSettings(interval=0, timeout=60),
                        narrator=narrator)


def create_request(blue) -> orch.CreateRequest:
    return orch.CreateRequest(cluster=blue.cluster, target_version="8.0", cluster_group=blue.cluster_group_v3,
                              instance_group=blue.instance_group_v3, name=None, precheck_report=None, blue=None)


def switchover_request() -> orch.SwitchoverRequest:
    """Every SQL gate overridden by name (no SQL connection here): the API gates decide."""
    return orch.SwitchoverRequest(ref=NAME, timeout=300, max_lag=5.0, lag_minutes=5, max_trx_seconds=60,
                                  overrides=[g for g in SWITCHOVER_GATES if g in SQL_GATES], precheck_report=None,
                                  bench_report=None, blue=None, green=None)


def mutations(aws) -> list[str]:
    return [a for a in aws.actions() if a.startswith(MUTATING)]


def created(world, tmp_path) -> dict[str, Any]:
    """A deployment made by the engine itself, with green's lag published so the switchover gates pass."""
    dep = orch.create(context(tmp_path, RecordingNarrator()), create_request(world), wait=True)
    assert dep is not None
    put_lag(green_writer(dep), 0.0, 1.0, 0.0)
    return dep


# ---- the engines, with a recording narrator -------------------------------------------------------------


def test_create_tells_gates_cost_the_call_and_every_poll(world, aws, tmp_path):
    BlueGreenTimeline(aws).script(*provisioning_frames())
    aws.calls.clear()
    told = RecordingNarrator()
    dep = orch.create(context(tmp_path, told), create_request(world), wait=True)
    ident = dep["BlueGreenDeploymentIdentifier"]
    kinds = [k for k, _ in told.events]

    (title, gates), = told.of("checked")
    assert title == f"create gates for {NAME}" and [g[0] for g in gates] == list(CREATE_GATES)
    assert [t for t in told.of("info") if t.startswith("cost: blue prod (5.7.mysql_aurora.2.11.2")]
    assert told.of("note") == [GREEN_LAG_OPTIONS]
    assert told.of("watch") == [f"{ident} to become AVAILABLE"]
    assert [s["Status"] for s in told.of("polled")] == ["PROVISIONING"] * 4 + ["AVAILABLE"]
    assert told.of("done")[0].startswith(f"created {NAME}: {ident} (")
    assert told.of("done")[-1] == f"{ident} is AVAILABLE: validate green, then `aurora-upgrade bluegreen switchover {ident}`"
    # in order: gates before the call, the call before the wait, every poll inside the wait
    assert kinds.index("checked") < kinds.index("done") < kinds.index("started") < kinds.index("watch") \
        < kinds.index("polled")
    assert "confirm" not in kinds  # create asks nothing (it can be undone)
    assert mutations(aws) == ["CreateBlueGreenDeployment"]


def test_a_dry_run_create_records_the_call_and_makes_none(world, aws, tmp_path):
    aws.calls.clear()
    told = RecordingNarrator()
    ctx = context(tmp_path, told, dry_run=True)
    assert orch.create(ctx, create_request(world), wait=True) is None
    (call,) = ctx.mutations.recorded  # data the CLI prints at the end (upgrade_cli/dryrun.py), never told line by line
    assert (call.service, call.operation, call.parameters["BlueGreenDeploymentName"]) == (
        "rds", "CreateBlueGreenDeployment", NAME)
    assert told.of("info")[-1] == "dry run: nothing was created"
    assert told.of("planned") == ["then poll DescribeBlueGreenDeployments every 0s until AVAILABLE"]
    assert mutations(aws) == [] and journal(tmp_path, NAME) == []


def test_switchover_asks_before_the_call_then_tells_the_outcome(world, aws, tmp_path):
    dep = created(world, tmp_path)
    ident = dep["BlueGreenDeploymentIdentifier"]
    aws.calls.clear()
    told = RecordingNarrator(answer=True)
    orch.switchover(context(tmp_path, told), switchover_request())
    kinds = [k for k, _ in told.events]

    (title, gates), = told.of("checked")
    assert title == f"switchover gates for {NAME} ({ident})" and [g[0] for g in gates] == list(SWITCHOVER_GATES)
    assert {g[1] for g in gates if g[0] in SQL_GATES} == {"overridden"}
    (question,) = told.of("confirm")
    assert question.startswith(f"Switch over {NAME} ({ident})? Writes stop on both sides")
    assert kinds.index("checked") < kinds.index("confirm") < kinds.index("watch")
    assert told.of("watch") == [f"the switchover of {ident}"]
    assert told.of("polled")[-1]["Status"] == "SWITCHOVER_COMPLETED"
    assert told.of("done")[0].startswith(f"switchover of {ident} completed")
    assert told.of("done")[1] == "verified: prod now runs 8.0.mysql_aurora.3.08.2"
    assert told.of("note")[-1].startswith("binlog consumers (external replicas, DMS, Debezium/CDC;")
    assert mutations(aws) == ["SwitchoverBlueGreenDeployment"]

    again = RecordingNarrator()
    orch.switchover(context(tmp_path, again), switchover_request())
    assert again.of("skipped")[0].startswith(f"{ident} already switched over")
    assert "confirm" not in [k for k, _ in again.events] and mutations(aws) == ["SwitchoverBlueGreenDeployment"]


def test_a_declined_switchover_makes_no_mutating_call(world, aws, tmp_path):
    created(world, tmp_path)
    aws.calls.clear()
    told = RecordingNarrator(answer=False)
    with pytest.raises(Blocked, match="aborted: nothing was changed"):
        orch.switchover(context(tmp_path, told), switchover_request())
    assert [k for k, _ in told.events][-1] == "confirm"  # nothing was told, nor done, after the "no"
    assert mutations(aws) == []
    assert ("switchover", "intent") not in steps(journal(tmp_path, NAME))


def test_a_declined_cleanup_makes_no_mutating_call(world, aws, tmp_path):
    created(world, tmp_path)
    aws.calls.clear()
    told = RecordingNarrator(answer=False)
    with pytest.raises(Blocked, match="aborted: nothing was changed"):
        cleanup_steps.cleanup(context(tmp_path, told), NAME, delete_old_blue=False, final_snapshot=True,
                              delete_green=True)
    assert told.of("planned") == [f"cleanup plan:\n  delete blue/green deployment {NAME} AND its green resources"]
    assert [k for k, _ in told.events][-1] == "confirm"
    assert mutations(aws) == []


# ---- the CLI: the console shows every event the engine told -----------------------------------------------


TOLD_AS_IS = ("started", "done", "skipped", "planned", "info")


def tee(monkeypatch) -> RecordingNarrator:
    """The CLI's console narrator, also recording every event it is told (the wait's polls excepted: the console
    draws those itself, tests/test_bluegreen_parts.py)."""
    from upgrade_cli.bluegreen import cli as bluegreen_cli

    told = RecordingNarrator()

    def teed(name: str) -> Any:
        def both(self: ConsoleNarrator, *args: Any) -> Any:
            getattr(told, name)(*args)
            return getattr(ConsoleNarrator, name)(self, *args)
        return both

    names = (*TOLD_AS_IS, "note", "warn", "checked", "confirm")
    monkeypatch.setattr(bluegreen_cli, "ConsoleNarrator", type("Teed", (ConsoleNarrator,), {n: teed(n) for n in names}))
    return told


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_all_shown(told: RecordingNarrator, output: str, yes: bool) -> set[str]:
    """Every event since the last call is in ``output`` (whitespace aside), a question only when ``--yes`` did not
    answer it; returns the kinds seen."""
    shown = flat(output)
    for kind, payload in told.events:
        if kind in TOLD_AS_IS:
            expected = [payload]
        elif kind in ("note", "warn"):
            expected = [f"{'note' if kind == 'note' else 'warning'}: {payload}"]
        elif kind == "checked":
            title, gates = payload
            expected = [title, *(f"- {name}: {status}: {detail}" for name, status, detail in gates)]
        elif kind == "confirm":
            expected = [] if yes else [payload]  # typer's prompt
        else:
            expected = []
        for text in expected:
            assert flat(text) in shown, (kind, text, output)
    kinds = {k for k, _ in told.events}
    told.events.clear()
    return kinds


def test_the_console_names_every_step_the_engines_tell(world, aws, tmp_path, monkeypatch):
    told = tee(monkeypatch)
    seen: set[str] = set()
    create = ["create", "--cluster", world.cluster, "--target-version", "8.0", "--cluster-parameter-group",
              world.cluster_group_v3, "--instance-parameter-group", world.instance_group_v3]

    def run(*args: str, input: str | None = None, code: int = 0) -> None:
        result = run_cli(tmp_path, *args, input=input)
        assert result.exit_code == code, result.output
        seen.update(assert_all_shown(told, result.output, yes="--yes" in args))

    run(*create, "--dry-run", "--wait")
    BlueGreenTimeline(aws).script(*provisioning_frames())
    run(*create, "--wait")
    put_lag(green_writer(boto3.client("rds").describe_blue_green_deployments()["BlueGreenDeployments"][0]), 0.0, 1.0)
    run("switchover", NAME, "--dry-run", *sql_overrides())
    run("switchover", NAME, *sql_overrides(), input="n\n", code=1)
    run("switchover", NAME, *sql_overrides(), input="y\n")
    run("switchover", NAME, "--yes", *sql_overrides())
    run("cleanup", NAME, "--delete-old-blue", "--dry-run")
    run("cleanup", NAME, input="y\n")
    run("cleanup", NAME, "--delete-old-blue", "--skip-final-snapshot", "--yes")
    assert seen >= {*TOLD_AS_IS, "note", "checked", "confirm"}
