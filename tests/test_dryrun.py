"""One dry-run format (upgrade_cli/dryrun.py): every call a dry run can list, as JSON and as a runnable
``aws rds`` command whose options botocore's model knows, and never a secret in either form.

The walk runs each dry run the tool has on moto (params plan, bluegreen create / switchover / cleanup both
ways) and requires that together they list every mutating RDS operation named anywhere in upgrade_cli/, so a
new mutating call cannot skip the dry run's format or its test. ``tests/dry_runs.py`` holds each listed call to
botocore's model and parses its ``aws`` line back with shlex (the round trip).
"""

from __future__ import annotations

import ast
import functools
import json
import shlex
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from tests.dry_runs import assert_runnable, aws_cli_lines, listed_calls, parse_aws_cli
from tests.fakes.rds_bluegreen_fake import build_blue, green_writer, put_lag, run_cli, sql_overrides
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.test_bluegreen_aws_limits import _plan_two_groups
from upgrade_cli import dryrun
from upgrade_cli.main import app

PACKAGE = Path(__file__).resolve().parent.parent / "upgrade_cli"
EXAMPLES = PACKAGE.parent / "examples" / "params"
SECRET = "not-a-real-secret-9"
BLUE_PASSWORD = "not-a-real-secret-1"  # tests/fakes/rds_bluegreen_fake.build_blue


@functools.cache
def _mutating_operations_in_the_code() -> frozenset[str]:
    """Every RDS operation named in upgrade_cli/ that changes something (all but Describe/List/Download)."""
    from botocore import xform_name

    ops = {xform_name(n): n for n in dryrun.service_model("rds").operation_names
           if not n.startswith(("Describe", "List", "Download"))}
    return frozenset(ops[node.value] for path in PACKAGE.rglob("*.py") for node in ast.walk(ast.parse(path.read_text()))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ops)


# ---- the two renderings --------------------------------------------------------------------------

def test_each_kind_of_value_is_spelled_as_the_aws_cli_takes_it():
    call = dryrun.record("rds", "modify_db_cluster", {
        "DBClusterIdentifier": "prod old", "DeletionProtection": False, "ApplyImmediately": True,
        "BacktrackWindow": 3600, "VpcSecurityGroupIds": ["sg-1", "sg-2"],
        "ScalingConfiguration": {"MinCapacity": 1, "AutoPause": True}})
    assert call.operation == "ModifyDBCluster" and call.service == "rds"
    line = dryrun.aws_cli(call, region="us-east-1")
    assert line == ("aws rds modify-db-cluster --db-cluster-identifier 'prod old' --no-deletion-protection "
                    "--apply-immediately --backtrack-window 3600 --vpc-security-group-ids sg-1 sg-2 "
                    "--scaling-configuration '{\"MinCapacity\":1,\"AutoPause\":true}' --region us-east-1")
    assert_runnable(call.to_dict())


def test_json_is_an_array_one_call_a_line_in_order_and_deferred_calls_say_when():
    calls = [dryrun.record("rds", "delete_blue_green_deployment", {"BlueGreenDeploymentIdentifier": "bgd-1",
                                                                   "DeleteTarget": True}),
             dryrun.record("rds", "RebootDBInstance", {"DBInstanceIdentifier": "<green partner of p-2>"},
                           when="once AVAILABLE")]
    text = dryrun.render(calls, dryrun.JSON)
    assert json.loads(text) == [
        {"service": "rds", "operation": "DeleteBlueGreenDeployment",
         "parameters": {"BlueGreenDeploymentIdentifier": "bgd-1", "DeleteTarget": True}},
        {"service": "rds", "operation": "RebootDBInstance",
         "parameters": {"DBInstanceIdentifier": "<green partner of p-2>"}, "when": "once AVAILABLE"}]
    assert len(text.splitlines()) == 2 + len(calls)
    assert dryrun.render([], dryrun.JSON) == "[]"
    lines = dryrun.render(calls, dryrun.AWS_CLI, profile="ops").splitlines()
    assert lines == ["aws rds delete-blue-green-deployment --blue-green-deployment-identifier bgd-1 --delete-target "
                     "--profile ops", "# once AVAILABLE",
                     "aws rds reboot-db-instance --db-instance-identifier '<green partner of p-2>' --profile ops"]


def test_quoting_survives_the_shell_round_trip():
    nasty = "it's a \"group\"; rm -rf / $(x) `y`"
    call = dryrun.record("rds", "create_db_parameter_group", {
        "DBParameterGroupName": "g", "DBParameterGroupFamily": "aurora-mysql8.0", "Description": nasty,
        "Tags": [{"Key": "k", "Value": nasty}]})
    words = shlex.split(dryrun.aws_cli(call))
    assert words[words.index("--description") + 1] == nasty
    assert parse_aws_cli(dryrun.aws_cli(call))[2] == call.parameters


def test_a_secret_is_never_recorded_nor_printed_in_either_form():
    """botocore marks MasterUserPassword sensitive; a string named like a password is redacted too."""
    call = dryrun.record("rds", "modify_db_cluster", {"DBClusterIdentifier": "prod", "MasterUserPassword": SECRET,
                                                      "ApplyImmediately": True})
    nested = dryrun.record("rds", "modify_option_group", {"OptionGroupName": "o", "OptionsToInclude": [
        {"OptionName": "X", "OptionSettings": [{"Name": "PASSWORD", "Value": SECRET}]}]})
    weird = dryrun.record("rds", "add_tags_to_resource", {"ResourceName": "arn", "Tags": [
        {"Key": "k", "Value": "v"}], "ClusterPassword": SECRET})  # not in the model: redacted by its name
    for calls in ([call], [nested], [weird]):
        for fmt in dryrun.FORMATS:
            assert SECRET not in dryrun.render(calls, fmt)
    assert call.parameters["MasterUserPassword"] == dryrun.REDACTED
    assert "--master-user-password '<redacted>'" in dryrun.aws_cli(call)


# ---- every dry run, on moto ---------------------------------------------------------------------------

@pytest.fixture
def walk(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    blue = build_blue()
    rds = boto3.client("rds")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="prod-57", Parameters=[
        {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}])
    return blue, rds


def test_every_mutating_call_is_listed_by_some_dry_run_and_runs_as_an_aws_cli_command(walk, aws, tmp_path):
    _, rds = walk
    seen: list[dict] = []

    def dry(*args: str, params: bool = False) -> str:
        aws.calls.clear()
        out = (CliRunner().invoke(app, ["params", *args]) if params else run_cli(tmp_path, *args))
        assert out.exit_code == 0, out.output
        assert not [c.action for c in aws.calls if c.action in _mutating_operations_in_the_code()]  # none made
        seen.extend(listed_calls(out.stdout))
        return out.stdout

    dry("plan", "--cluster", "prod", "--name", "prod-v3", "--dry-run", params=True)
    dry("plan", "--from-json", str(EXAMPLES / "prod.json"), "--instance-json", str(EXAMPLES / "prod-writer.json"),
        "--name", "prod-v3", "--dry-run", params=True)  # offline, with instance settings
    group = _plan_two_groups(rds)  # the reader's own 5.7 group: green's reader moves to its own 8.0 group
    dry("create", "--cluster", "prod", "--target-version", "8.0", "--cluster-parameter-group", group, "--dry-run")
    created = run_cli(tmp_path, "create", "--cluster", "prod", "--target-version", "8.0",
                      "--cluster-parameter-group", group)
    assert created.exit_code == 0, created.output
    dep = rds.describe_blue_green_deployments()["BlueGreenDeployments"][0]
    put_lag(green_writer(dep), 0.0, 0.0)
    name = dep["BlueGreenDeploymentName"]
    dry("switchover", name, "--dry-run", *sql_overrides())
    dry("cleanup", name, "--delete-green", "--dry-run")
    rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep["BlueGreenDeploymentIdentifier"])
    rds.create_db_instance(DBInstanceIdentifier="prod-1-old1", DBClusterIdentifier="prod-old1", Engine="aurora-mysql",
                           DBInstanceClass="db.r6g.large")
    out = dry("cleanup", name, "--delete-old-blue", "--dry-run")

    assert {c["operation"] for c in seen} >= _mutating_operations_in_the_code()
    # the same run as aws-cli: the same calls, one runnable line each
    as_cli = run_cli(tmp_path, "cleanup", name, "--delete-old-blue", "--dry-run", "--dry-run-format", "aws-cli",
                     "--region", "us-east-1")
    lines = aws_cli_lines(as_cli.stdout)
    assert [parse_aws_cli(line)[1:3] for line in lines] == [(c["operation"], c["parameters"])
                                                              for c in listed_calls(out)]
    assert all(parse_aws_cli(line)[3] == {"region": "us-east-1"} for line in lines)
    assert "# dry run: " in as_cli.stdout
    assert BLUE_PASSWORD not in "".join(as_cli.output + out)  # blue's master password (build_blue) never shows


def test_dry_run_format_needs_a_dry_run_and_names_its_choices(walk, tmp_path):
    alone = run_cli(tmp_path, "cleanup", "whatever", "--dry-run-format", "aws-cli")
    assert alone.exit_code == 2 and "--dry-run-format goes with --dry-run" in alone.output
    bad = run_cli(tmp_path, "cleanup", "whatever", "--dry-run", "--dry-run-format", "yaml")
    assert bad.exit_code == 2 and "json" in bad.output and "aws-cli" in bad.output
