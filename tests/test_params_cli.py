"""`params diff` / `params plan` / `params versions` end to end against the moto server + the named engine fake.

moto 5.2.5 implements clusters, instances, parameter groups and Describe/Modify*Parameters (it keeps only
the values you set and ignores ``Source``); ``tests/fakes/rds_engine_fake.py`` answers engine versions
and engine-default parameters, which moto lacks.
"""

from __future__ import annotations

import json

import boto3
import pytest
from typer.testing import CliRunner

from tests.dry_runs import aws_cli_lines, listed_calls
from tests.fakes.aws_server import aws_error
from tests.fakes.rds_engine_fake import install_rds_engine_fake, throttled
from upgrade_cli.main import app

runner = CliRunner()

V2_INSTANCE_SETTINGS = {
    "tx_isolation": "READ-COMMITTED",
    "query_cache_size": "67108864",
    "slave_parallel_workers": "8",
    "event_scheduler": "ON",
    "tmp_table_size": "268435456",
}


def make_cluster(rds, cluster="legacy", cluster_settings=None, instance_settings=None,
                 members=(("legacy-w", "db.r5.large"), ("legacy-r1", "db.t3.medium"))):
    """A v2 cluster whose groups set the issue's parameters at instance level and leave binlog off."""
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=f"{cluster}-cpg",
                                          DBParameterGroupFamily="aurora-mysql5.7", Description="v2 cluster")
    rds.create_db_parameter_group(DBParameterGroupName=f"{cluster}-ipg", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="v2 instance")
    cs = {"character_set_server": "latin1"} if cluster_settings is None else cluster_settings
    if cs:
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=f"{cluster}-cpg", Parameters=[
            {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"} for k, v in cs.items()])
    ins = V2_INSTANCE_SETTINGS if instance_settings is None else instance_settings
    rds.modify_db_parameter_group(DBParameterGroupName=f"{cluster}-ipg", Parameters=[
        {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"} for k, v in ins.items()])
    rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-mysql", EngineVersion="5.7.mysql_aurora.2.11.2",
                          MasterUsername="admin", MasterUserPassword="not-a-real-secret-1",
                          DBClusterParameterGroupName=f"{cluster}-cpg")
    for ident, cls in members:
        rds.create_db_instance(DBInstanceIdentifier=ident, DBClusterIdentifier=cluster, Engine="aurora-mysql",
                               DBInstanceClass=cls, DBParameterGroupName=f"{cluster}-ipg")


@pytest.fixture
def rds(aws):
    install_rds_engine_fake(aws)
    return boto3.client("rds")


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, ["params", *args], input=input)


def findings(out: str) -> dict[tuple[str, str], dict]:
    data = json.loads(out)
    return {(f["rule"], f["parameter"]): f for f in data["findings"]}, data


# ---- diff ----------------------------------------------------------------------------------------

def test_diff_reports_each_issue_parameter_with_the_right_rule(rds, aws):
    make_cluster(rds)
    res = invoke("diff", "--cluster", "legacy", "--format", "json")
    assert res.exit_code == 0, res.output
    got, data = findings(res.stdout)
    assert got[("renamed", "tx_isolation")]["action"] == "set transaction_isolation=READ-COMMITTED"
    assert got[("removed", "query_cache_size")]["action"] == "drop"
    assert "query cache" in got[("removed", "query_cache_size")]["note"]
    assert got[("renamed", "slave_parallel_workers")]["action"] == "set replica_parallel_workers=8"
    moved = got[("green_setting", "event_scheduler")]  # blue/green: OFF on green, ON again after switchover
    assert moved["action"] == ("set event_scheduler=OFF in the 8.0 cluster group (green); after switchover "
                               "event_scheduler=ON")
    assert "legacy-w writer" in moved["where"] and "legacy-r1 reader" in moved["where"]
    assert got[("custom", "tmp_table_size")]["v2"] == "268435456"
    tmp_attention = got[("attention", "tmp_table_size")]
    assert "aurora_tmptable_enable_per_table_limit" in tmp_attention["note"]
    binlog = got[("attention", "binlog_format")]
    assert binlog["severity"] == "error" and "blue/green" in binlog["note"].lower() and binlog["v2"] == "binlog_format=OFF"
    # every rule names where its fact comes from
    assert "AuroraMySQL.Compare-v2-v3.html" in got[("removed", "query_cache_size")]["source"]
    assert got[("renamed", "tx_isolation")]["source"].startswith("https://docs.aws.amazon.com/")
    # a pinned default is not reported as "default changed"; an unpinned documented one is
    assert ("default_changed", "character_set_server") not in got
    assert ("default_changed", "collation_server") in got
    # the family defaults came from the (fake) API, and the report says so
    assert data["defaults"]["aurora-mysql8.0"].startswith("DescribeEngineDefault")
    calls = aws.actions()
    assert {"DescribeDBClusterParameters", "DescribeDBParameters", "DescribeEngineDefaultClusterParameters",
            "DescribeEngineDefaultParameters"} <= set(calls)
    user_calls = [c for c in aws.calls if c.action == "DescribeDBParameters"]
    assert {c.params.get("Source") for c in user_calls} == {"user", None}  # Source=user and full listing


def test_diff_temptable_advice_per_instance_class_and_role(rds):
    make_cluster(rds)
    res = invoke("diff", "--cluster", "legacy", "--format", "json")
    data = json.loads(res.stdout)
    by = {a["instance"]: a for a in data["temptable"]}
    writer, reader = by["legacy-w"], by["legacy-r1"]
    assert writer["role"] == "writer" and writer["max_ram"] == 1024 ** 3  # db.r5.large: 16 GiB → 1 GiB pool
    assert reader["role"] == "reader" and reader["max_ram"] == 16 * 1024 ** 2  # db.t3.medium: 4 GiB → 16 MB
    assert reader["max_mmap"] == 1024 ** 3
    reader_text = " ".join(reader["messages"])
    assert "ERROR 1114" in reader_text and "16 MB" in reader_text
    assert "fixed to TempTable" in reader_text
    assert "ERROR 1114" not in " ".join(m for m in writer["messages"] if m.startswith("writer"))
    for a in data["temptable"]:  # never advise MEMORY
        assert not any("set internal_tmp_mem_storage_engine=MEMORY" in m or "switch to MEMORY" in m.lower()
                       for m in a["messages"])
    assert any("aurora_tmptable_enable_per_table_limit" in m for m in reader["messages"])


def test_diff_against_target_groups_flags_missing_carry_over(rds):
    make_cluster(rds)
    rds.create_db_parameter_group(DBParameterGroupName="new-ipg", DBParameterGroupFamily="aurora-mysql8.0",
                                  Description="t")
    rds.modify_db_parameter_group(DBParameterGroupName="new-ipg", Parameters=[
        {"ParameterName": "transaction_isolation", "ParameterValue": "READ-COMMITTED", "ApplyMethod": "immediate"},
        {"ParameterName": "temptable_max_mmap", "ParameterValue": str(40 * 1024 ** 3), "ApplyMethod": "immediate"}])
    res = invoke("diff", "--cluster", "legacy", "--target-instance-group", "new-ipg", "--format", "json")
    assert res.exit_code == 0, res.output
    got, data = findings(res.stdout)
    assert got[("target_differs", "tmp_table_size")]["v3"] is None
    assert "target group has" not in got[("renamed", "tx_isolation")]["note"]  # carried already
    assert "target group has" in got[("renamed", "slave_parallel_workers")]["note"]
    by = {a["instance"]: a for a in data["temptable"]}
    assert by["legacy-r1"]["max_mmap"] == 40 * 1024 ** 3 and by["legacy-r1"]["severity"] == "warning"  # > 80% local


def test_diff_target_group_of_wrong_family_is_one_line(rds):
    make_cluster(rds)
    res = invoke("diff", "--cluster", "legacy", "--target-instance-group", "legacy-ipg")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: target instance parameter group legacy-ipg is family aurora-mysql5.7, "
                                  "expected aurora-mysql8.0")


def test_diff_console_and_markdown_render(rds, monkeypatch):
    from upgrade_cli.cli_common import console
    monkeypatch.setattr(console, "width", 220)  # CliRunner is no terminal: rich would fold names at 80 columns
    make_cluster(rds)
    res = invoke("diff", "--cluster", "legacy")
    assert res.exit_code == 0, res.output
    for text in ("Removed in 8.0", "Renamed in 8.0", "query_cache_size", "TempTable sizing", "binlog_format"):
        assert text in res.stdout
    md = invoke("diff", "--cluster", "legacy", "--format", "md")
    assert md.exit_code == 0
    assert "## Removed in 8.0 (dropped from the plan)" in md.stdout
    assert "| warning | query_cache_size |" in md.stdout


def test_engine_defaults_unavailable_falls_back_to_profiles_and_says_so(aws):
    install_rds_engine_fake(aws, defaults=False)  # moto itself answers 500 "not implemented"
    aws.on("DescribeEngineDefaultClusterParameters", lambda p: aws_error("AccessDenied", "no", 403))
    rds = boto3.client("rds")
    make_cluster(rds)
    res = invoke("diff", "--cluster", "legacy", "--format", "json")
    assert res.exit_code == 0, res.output
    got, data = findings(res.stdout)
    assert data["defaults"]["aurora-mysql8.0"].startswith("param_profiles (API unavailable: AWS ")
    assert "AccessDenied" in data["defaults"]["aurora-mysql8.0"]
    assert ("removed", "query_cache_size") in got and ("renamed", "tx_isolation") in got


# ---- API error paths -----------------------------------------------------------------------------

def test_cluster_not_found_is_one_line_exit_2(rds):
    res = invoke("diff", "--cluster", "nope")
    assert res.exit_code == 2
    assert res.stderr == "error: DB cluster 'nope' not found\n"
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.output


def test_parameter_group_not_found_is_one_line_exit_2(rds, aws):
    make_cluster(rds)
    res = invoke("diff", "--cluster", "legacy", "--target-cluster-group", "missing-80")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: AWS DescribeDBClusterParameterGroups failed: DBParameterGroupNotFound: "
                                  "DBClusterParameterGroup not found: missing-80")
    res = invoke("diff", "--cluster", "legacy", "--target-instance-group", "missing-80")
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: target instance parameter group missing-80 not found"
    # a member's group vanishing between calls (AWS's answer, scripted: moto cannot delete a group in use)
    aws.on("DescribeDBParameters", lambda p: aws_error("DBParameterGroupNotFound",
                                                       "DB Parameter Group legacy-ipg not found.", 404))
    res = invoke("diff", "--cluster", "legacy")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: AWS DescribeDBParameters failed: DBParameterGroupNotFound: "
                                  "DB Parameter Group legacy-ipg not found.")


def test_access_denied_is_one_line_exit_2(rds, aws):
    make_cluster(rds)
    aws.on("DescribeDBClusterParameters", lambda p: aws_error("AccessDenied", "User is not authorized to perform "
                                                                              "rds:DescribeDBClusterParameters", 403))
    res = invoke("diff", "--cluster", "legacy")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: AWS DescribeDBClusterParameters failed: AccessDenied: User is not "
                                  "authorized to perform rds:DescribeDBClusterParameters")


def test_throttled_a_few_times_still_succeeds(rds, aws):
    make_cluster(rds)
    aws.on("DescribeDBParameters", throttled(None, 2))  # then moto answers
    res = invoke("diff", "--cluster", "legacy", "--format", "json")
    assert res.exit_code == 0, res.output
    assert aws.actions().count("DescribeDBParameters") == 4  # 2 throttled + user listing + full listing


def test_always_throttled_is_one_line_exit_2(rds, aws, monkeypatch):
    from upgrade_cli import aws as uaws
    real_client = uaws.client  # same retry path, fewer back-offs to keep the test quick
    monkeypatch.setattr(uaws, "client", lambda *a, **k: real_client(*a, **{**k, "max_attempts": 3}))
    make_cluster(rds)
    aws.on("DescribeDBClusters", throttled(None, -1))
    res = invoke("diff", "--cluster", "legacy")
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: AWS DescribeDBClusters failed: Throttling: Rate exceeded"
    assert aws.actions().count("DescribeDBClusters") == 4  # the first try + 3 retries (botocore max_attempts)


# ---- plan / apply --------------------------------------------------------------------------------

def test_plan_maps_drops_and_moves_each_setting(rds):
    make_cluster(rds, cluster_settings={"character_set_server": "latin1", "binlog_format": "OFF"})
    res = invoke("plan", "--cluster", "legacy", "--name", "legacy80", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    groups = {g["name"]: g for g in data["groups"]}
    cgroup, igroup = groups["legacy80-cluster"], groups["legacy80-instance"]
    assert igroup["members"] == ["legacy-w", "legacy-r1"] and igroup["family"] == "aurora-mysql8.0"
    assert igroup["parameters"]["transaction_isolation"]["value"] == "READ-COMMITTED"
    assert igroup["parameters"]["replica_parallel_workers"]["value"] == "8"
    assert igroup["parameters"]["tmp_table_size"]["value"] == "268435456"
    assert not {"tx_isolation", "slave_parallel_workers", "query_cache_size", "event_scheduler"} & set(igroup["parameters"])
    # blue/green: green starts with the Event Scheduler OFF; the writer's ON comes back after switchover
    assert cgroup["parameters"]["event_scheduler"] == {"value": "OFF", "apply_method": "immediate",
                                                       "origin": "instance group legacy-ipg: event_scheduler"}
    assert data["after_switchover"] == [{"group": "legacy80-cluster", "parameter": "event_scheduler", "value": "ON"}]
    assert cgroup["parameters"]["binlog_format"]["value"] == "OFF"  # kept as the user set it
    assert cgroup["parameters"]["binlog_format"]["apply_method"] == "pending-reboot"  # static
    assert cgroup["parameters"]["character_set_server"]["value"] == "latin1"
    dropped = {d["name"]: d for d in data["dropped"]}
    assert set(dropped) == {"query_cache_size"} and "query cache" in dropped["query_cache_size"]["note"]
    assert any("binlog_format is OFF" in b and "blue/green" in b for b in data["blockers"])
    assert any("aurora_tmptable_enable_per_table_limit" in n for n in data["notes"])
    assert any("event_scheduler moved" in n for n in data["notes"])


def test_plan_writer_value_wins_when_moving_a_scope_changed_setting(rds):
    make_cluster(rds, cluster_settings={"event_scheduler": "OFF"}, instance_settings={"event_scheduler": "ON"})
    res = invoke("plan", "--cluster", "legacy", "--name", "p", "--format", "json")
    data = json.loads(res.stdout)
    cgroup = data["groups"][0]
    assert cgroup["parameters"]["event_scheduler"]["value"] == "OFF"  # green starts with it OFF
    # the writer's instance group wins over the cluster group for what production gets back
    assert data["after_switchover"] == [{"group": "p-cluster", "parameter": "event_scheduler", "value": "ON"}]


def test_apply_creates_then_second_run_changes_nothing(rds, aws):
    make_cluster(rds)
    aws.calls.clear()
    first = invoke("plan", "--cluster", "legacy", "--name", "legacy80", "--apply", "--yes")
    assert first.exit_code == 0, first.output
    done = [c.action for c in aws.calls if c.action.startswith(("Create", "Modify"))]
    assert done == ["CreateDBClusterParameterGroup", "ModifyDBClusterParameterGroup",
                    "CreateDBParameterGroup", "ModifyDBParameterGroup"]
    got = {p["ParameterName"]: p["ParameterValue"] for p in
           rds.describe_db_parameters(DBParameterGroupName="legacy80-instance", Source="user")["Parameters"]}
    assert got == {"transaction_isolation": "READ-COMMITTED", "replica_parallel_workers": "8",
                   "tmp_table_size": "268435456"}
    fam = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName="legacy80-cluster")
    assert fam["DBClusterParameterGroups"][0]["DBParameterGroupFamily"] == "aurora-mysql8.0"

    aws.calls.clear()
    second = invoke("plan", "--cluster", "legacy", "--name", "legacy80", "--apply", "--yes")
    assert second.exit_code == 0, second.output
    assert "nothing to change" in second.stdout
    assert not [c for c in aws.calls if c.action.startswith(("Create", "Modify"))]


def test_apply_only_fixes_what_drifted(rds, aws):
    make_cluster(rds)
    assert invoke("plan", "--cluster", "legacy", "--name", "x", "--apply", "--yes").exit_code == 0
    rds.modify_db_parameter_group(DBParameterGroupName="x-instance", Parameters=[
        {"ParameterName": "tmp_table_size", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    aws.calls.clear()
    res = invoke("plan", "--cluster", "legacy", "--name", "x", "--apply", "--yes")
    assert res.exit_code == 0, res.output
    mods = [c for c in aws.calls if c.action.startswith(("Create", "Modify"))]
    assert [c.action for c in mods] == ["ModifyDBParameterGroup"]
    assert mods[0].params["Parameters.Parameter.1.ParameterName"] == "tmp_table_size"
    assert "Parameters.Parameter.2.ParameterName" not in mods[0].params


def test_apply_asks_first_and_no_means_nothing_changes(rds, aws):
    make_cluster(rds)
    aws.calls.clear()
    res = invoke("plan", "--cluster", "legacy", "--name", "y", "--apply", input="n\n")
    assert res.exit_code == 1
    assert "aborted: nothing changed" in res.stderr
    assert not [c for c in aws.calls if c.action.startswith(("Create", "Modify"))]
    res = invoke("plan", "--cluster", "legacy", "--name", "y", "--apply", input="y\n")
    assert res.exit_code == 0, res.output
    assert [c.action for c in aws.calls if c.action.startswith("Create")] == ["CreateDBClusterParameterGroup",
                                                                             "CreateDBParameterGroup"]


def test_dry_run_prints_exact_calls_and_changes_nothing(rds, aws):
    make_cluster(rds)
    aws.calls.clear()
    res = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run", "--format", "json")
    assert res.exit_code == 0, res.output
    calls = json.loads(res.stdout)["api_calls"]
    assert [c["operation"] for c in calls] == ["CreateDBClusterParameterGroup", "ModifyDBClusterParameterGroup",
                                               "CreateDBParameterGroup", "ModifyDBParameterGroup",
                                               "AddTagsToResource", "AddTagsToResource"]
    assert calls[4]["parameters"] == {"ResourceName": "<ARN of z-cluster>", "Tags": [
        {"Key": "aurora-upgrade:changed-at", "Value": "<UTC time of the change>"}]}  # --apply stamps each change
    assert calls[4]["when"].startswith("once the calls before it are made")
    assert {c["service"] for c in calls} == {"rds"}
    assert calls[0]["parameters"] == {
        "DBClusterParameterGroupName": "z-cluster", "DBParameterGroupFamily": "aurora-mysql8.0",
        "Description": "aurora-upgrade: 8.0 cluster group for legacy (from legacy-cpg)",
        "Tags": [{"Key": "aurora-upgrade:made-from", "Value": "legacy-cpg"}]}
    assert {"ParameterName": "event_scheduler", "ParameterValue": "OFF", "ApplyMethod": "immediate"} in \
        calls[1]["parameters"]["Parameters"]
    assert json.loads(res.stdout)["after_switchover_calls"] == [{
        "service": "rds", "operation": "ModifyDBClusterParameterGroup",
        "parameters": {"DBClusterParameterGroupName": "z-cluster", "Parameters": [
            {"ParameterName": "event_scheduler", "ParameterValue": "ON", "ApplyMethod": "immediate"}]}}]
    assert not [c for c in aws.calls if c.action.startswith(("Create", "Modify"))]
    console = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run")
    assert listed_calls(console.stdout) == calls  # the console lists the same calls, as JSON by default
    after = console.stdout.index("after switchover (made and journaled by `bluegreen switchover`):")
    assert '"ParameterValue": "ON"' in console.stdout[after:]
    cli = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run", "--dry-run-format", "aws-cli",
                 "--region", "us-east-1")
    assert aws_cli_lines(cli.stdout)[0] == (
        "aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name z-cluster "
        "--db-parameter-group-family aurora-mysql8.0 --description 'aurora-upgrade: 8.0 cluster group for legacy "
        "(from legacy-cpg)' --tags '[{\"Key\":\"aurora-upgrade:made-from\",\"Value\":\"legacy-cpg\"}]' "
        "--region us-east-1")
    assert len(aws_cli_lines(cli.stdout)) == len(calls) + 1  # and the after-switchover call
    md = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run", "--format", "md").stdout
    assert "```json\n[\n" in md and listed_calls(md) == calls


def test_dry_run_format_goes_with_a_dry_run_and_aws_cli_not_into_a_json_document(rds):
    make_cluster(rds)
    alone = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run-format", "aws-cli")
    assert alone.exit_code == 2 and "--dry-run-format goes with --dry-run" in alone.stderr
    mixed = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run", "--dry-run-format", "aws-cli",
                   "--format", "json")
    assert mixed.exit_code == 2 and "--format json lists the calls in the document as JSON" in mixed.stderr
    bad = invoke("plan", "--cluster", "legacy", "--name", "z", "--dry-run", "--dry-run-format", "yaml")
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_apply_refuses_an_existing_group_of_the_wrong_family(rds):
    make_cluster(rds)
    rds.create_db_parameter_group(DBParameterGroupName="w-instance", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="clash")
    res = invoke("plan", "--cluster", "legacy", "--name", "w", "--apply", "--yes")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("error: instance parameter group w-instance already exists with family "
                                  "aurora-mysql5.7; choose another --name")


def test_apply_failure_midway_says_how_far_it_got_and_rerun_finishes(rds, aws):
    make_cluster(rds)
    aws.on("CreateDBParameterGroup", lambda p: aws_error("DBParameterGroupQuotaExceeded", "quota reached"))
    res = invoke("plan", "--cluster", "legacy", "--name", "q", "--apply", "--yes")
    assert res.exit_code == 2
    assert "after 2 of 4 calls; re-run to finish" in res.stderr
    del aws.handlers["CreateDBParameterGroup"]
    aws.calls.clear()
    res = invoke("plan", "--cluster", "legacy", "--name", "q", "--apply", "--yes")
    assert res.exit_code == 0, res.output
    assert [c.action for c in aws.calls if c.action.startswith(("Create", "Modify"))] == [
        "CreateDBParameterGroup", "ModifyDBParameterGroup"]


# ---- versions ------------------------------------------------------------------------------------

def test_versions_for_a_cluster_recommends_304_or_later(rds):
    make_cluster(rds)
    res = invoke("versions", "--cluster", "legacy", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["source"] == "5.7.mysql_aurora.2.11.2"
    assert data["recommended"] == "8.0.mysql_aurora.3.08.2"
    assert {t["EngineVersion"]: t["Recommended"] for t in data["targets"]}["8.0.mysql_aurora.3.03.1"] is False
    console = invoke("versions", "--cluster", "legacy")
    out = " ".join(console.stdout.split())
    assert "support dates: " in out and "RDS DescribeDBMajorEngineVersions recommended:" in out  # API dates
    assert "recommended: 8.0.mysql_aurora.3.08.2 (AWS default, standard support until 2028-04-30)" in out


def test_versions_target_check_exit_codes(rds):
    ok = invoke("versions", "--engine-version", "5.7.mysql_aurora.2.11.2", "--target", "3.03.1")
    assert ok.exit_code == 0 and "not recommended: < 3.04" in ok.stdout
    bad = invoke("versions", "--engine-version", "5.7.mysql_aurora.2.12.1", "--target", "8.0.mysql_aurora.3.04.0")
    assert bad.exit_code == 1 and "not a valid upgrade target" in bad.stdout
    both = invoke("versions")
    assert both.exit_code == 2 and both.stderr.strip() == "error: give exactly one of --cluster or --engine-version"


# ---- issue 19: corrections ----------------------------------------------------------------------

def test_apply_refuses_names_it_could_not_verify_unless_allowed(aws):
    """Engine-default calls unavailable (moto lacks them; no fake): the plan falls back to param_profiles, and a
    name not in the 8.0 profile would make AWS reject the whole Modify call."""
    install_rds_engine_fake(aws, defaults=False)
    rds = boto3.client("rds")
    make_cluster(rds, instance_settings={"aurora_unknown_knob": "1", "tx_isolation": "READ-COMMITTED"})
    aws.calls.clear()
    refused = invoke("plan", "--cluster", "legacy", "--name", "u", "--apply", "--yes")
    assert refused.exit_code == 2, refused.output
    assert "aurora_unknown_knob (instance group legacy-ipg)" in refused.stderr and "--allow-unverified" in refused.stderr
    assert not [c for c in aws.calls if c.action.startswith(("Create", "Modify", "AddTags"))]
    dry = invoke("plan", "--cluster", "legacy", "--name", "u", "--dry-run")
    assert dry.exit_code == 0 and "not verified against aurora-mysql8.0" in dry.stderr
    allowed = invoke("plan", "--cluster", "legacy", "--name", "u", "--apply", "--yes", "--allow-unverified")
    assert allowed.exit_code == 0, allowed.output
    sent = rds.describe_db_parameters(DBParameterGroupName="u-instance", Source="user")["Parameters"]
    assert "aurora_unknown_knob" in {p["ParameterName"] for p in sent}


def test_read_only_is_never_advised_to_be_pinned(rds):
    make_cluster(rds)
    got, _ = findings(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    finding = got[("default_changed", "read_only")]
    assert finding["action"].startswith("do not pin it") and "pin the v2 value" not in finding["action"]


def test_lower_case_table_names_is_carried_and_not_an_error(rds):
    make_cluster(rds, cluster_settings={"lower_case_table_names": "1"})
    got, _ = findings(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    assert got[("attention", "lower_case_table_names")]["severity"] == "warning"
    plan = json.loads(invoke("plan", "--cluster", "legacy", "--name", "l", "--format", "json").stdout)
    cluster_group = next(g for g in plan["groups"] if g["kind"] == "cluster")
    assert cluster_group["parameters"]["lower_case_table_names"]["value"] == "1"


def test_aurora_pq_is_carried_as_aurora_parallel_query(rds):
    make_cluster(rds, instance_settings={"aurora_pq": "1"})
    got, _ = findings(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    assert got[("renamed", "aurora_pq")]["action"] == "set aurora_parallel_query=1"
    assert "parallel-query" in got[("renamed", "aurora_pq")]["source"]
    plan = json.loads(invoke("plan", "--cluster", "legacy", "--name", "p", "--format", "json").stdout)
    instance = next(g for g in plan["groups"] if g["kind"] == "instance")
    assert instance["parameters"]["aurora_parallel_query"]["value"] == "1" and "aurora_pq" not in instance["parameters"]


def test_character_set_server_utf8_gets_its_note_and_latin1_does_not(rds):
    make_cluster(rds, cluster_settings={"character_set_server": "utf8"})
    got, _ = findings(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    note = got[("attention", "character_set_server_utf8")]
    assert note["severity"] == "warning" and "utf8mb3" in note["note"] and note["source"].endswith("utf8mb3.html")
    boto3.client("rds").modify_db_cluster_parameter_group(DBClusterParameterGroupName="legacy-cpg", Parameters=[
        {"ParameterName": "character_set_server", "ParameterValue": "latin1", "ApplyMethod": "immediate"}])
    got, _ = findings(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    assert ("attention", "character_set_server_utf8") not in got
