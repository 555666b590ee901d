"""A green plan that starts: issue 11's parameter defects, each on moto + the named engine fake or offline.

- sql_mode flags removed in 8.0 are an error and the plan carries the cleaned value (8.0 rejects the
  whole value with ER_WRONG_VALUE_FOR_VAR otherwise);
- event_scheduler is OFF in the group green is created with, and set back in production after switchover;
- innodb_flush_log_at_trx_commit other than 1 brings innodb_trx_commit_allow_data_loss=1, sent first;
- TempTable sizing uses AWS's per-class local storage table;
- output cites doc URLs only, never an internal notes file.
"""

from __future__ import annotations

import json

import boto3
import pytest
from typer.testing import CliRunner

from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.test_params_cli import make_cluster
from tests.test_params_offline import rec
from upgrade_cli.main import app
from upgrade_cli.params import profiles
from upgrade_cli.params.diff import map_setting
from upgrade_cli.params.groups import FamilyDefaults

runner = CliRunner()
GIB = 1024 ** 3


def invoke(*args: str):
    return runner.invoke(app, ["params", *args])


@pytest.fixture
def rds(aws):
    install_rds_engine_fake(aws)
    return boto3.client("rds")


@pytest.fixture
def issue_export(tmp_path):
    """The issue's export: cluster group sql_mode with a removed flag, writer group event_scheduler=ON."""
    files = {
        "prod-cpg.json": [rec("sql_mode", "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION", source="user"),
                          rec("binlog_format", "ROW", source="user", apply_type="static")],
        "prod-writer.json": [rec("event_scheduler", "ON", source="user")],
        "prod-reader.json": [rec("tx_isolation", "READ-COMMITTED", source="user")],
    }
    out = {}
    for name, records in files.items():
        (tmp_path / name).write_text(json.dumps({"Parameters": records}))
        out[name] = str(tmp_path / name)
    return ["--from-json", out["prod-cpg.json"], "--instance-json", out["prod-writer.json"],
            "--instance-json", out["prod-reader.json"], "--instance-class", "db.r6g.large",
            "--instance-class", "db.r6g.large"]


# ---- the issue's "must show", offline ------------------------------------------------------------

def test_export_diff_reports_sql_mode_as_an_error_and_event_scheduler_for_green(issue_export):
    res = invoke("diff", *issue_export, "--format", "json")
    assert res.exit_code == 0, res.output
    got = {(f["rule"], f["parameter"]): f for f in json.loads(res.stdout)["findings"]}
    sql_mode = got[("value_fixed", "sql_mode")]
    assert sql_mode["severity"] == "error"
    assert sql_mode["v3"] == "NO_ENGINE_SUBSTITUTION" and sql_mode["action"] == "set sql_mode=NO_ENGINE_SUBSTITUTION"
    assert "NO_AUTO_CREATE_USER" in sql_mode["note"] and sql_mode["source"].startswith("https://dev.mysql.com/")
    assert not [f for f in got.values() if f["parameter"] == "sql_mode" and f["rule"] == "custom"]  # no plain carry
    es = got[("green_setting", "event_scheduler")]
    assert es["v3"] == "OFF" and "after switchover event_scheduler=ON" in es["action"]
    assert "blue-green-deployments-considerations.html" in es["source"]
    assert not any("set event_scheduler=ON" in f["action"] for f in got.values())  # never advised for green
    console = invoke("diff", *issue_export)
    assert "Value 8.0 rejects" in console.stdout and "facts" not in console.stdout


def test_export_plan_dry_run_never_plans_the_rejected_value_and_restores_events_after_switchover(issue_export):
    res = invoke("plan", "--name", "prod-v3", *issue_export, "--dry-run", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    sent = [p for c in data["api_calls"] for p in c["parameters"].get("Parameters", [])]
    assert {"ParameterName": "sql_mode", "ParameterValue": "NO_ENGINE_SUBSTITUTION",
            "ApplyMethod": "immediate"} in sent
    assert not [p for p in sent if "NO_AUTO_CREATE_USER" in p["ParameterValue"]]
    assert {"ParameterName": "event_scheduler", "ParameterValue": "OFF", "ApplyMethod": "immediate"} in sent
    assert data["errors_fixed"] == [{"name": "sql_mode", "value": "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
                                     "cleaned": "NO_ENGINE_SUBSTITUTION", "where": "cluster group prod-cpg",
                                     "note": data["errors_fixed"][0]["note"]}]
    assert data["after_switchover"] == [{"group": "prod-v3-cluster", "parameter": "event_scheduler", "value": "ON"}]

    console = invoke("plan", "--name", "prod-v3", *issue_export, "--dry-run").stdout
    assert "ERROR: values aurora-mysql8.0 rejects" in console
    calls_at = console.index('"operation": "ModifyDBClusterParameterGroup"')
    after_at = console.index("after switchover (made and journaled by `bluegreen switchover`)")
    assert calls_at < after_at and '"ParameterName": "event_scheduler", "ParameterValue": "ON"' in console[after_at:]
    assert "wait at least 5 minutes" in console


def test_sql_mode_with_only_removed_flags_is_dropped_not_planned_empty():
    m = map_setting("sql_mode", "no_auto_create_user,MYSQL40", "instance", _v3())
    assert m.rule == "value_fixed" and m.new_name is None and m.severity == "error"
    assert "removed no_auto_create_user, MYSQL40" in m.note and "8.0 default applies" in m.note
    assert map_setting("sql_mode", "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION", "instance", _v3()).rule == "custom"


# ---- defects 1 and 2 live (moto + engine fake) ---------------------------------------------------

def test_live_plan_cleans_sql_mode_and_starts_green_without_events(rds):
    make_cluster(rds, cluster_settings={"sql_mode": "NO_AUTO_CREATE_USER,STRICT_TRANS_TABLES"},
                 instance_settings={"event_scheduler": "ON"})
    res = invoke("plan", "--cluster", "legacy", "--name", "g", "--apply", "--yes")
    assert res.exit_code == 0, res.output
    got = {p["ParameterName"]: p["ParameterValue"] for p in rds.describe_db_cluster_parameters(
        DBClusterParameterGroupName="g-cluster", Source="user")["Parameters"]}
    assert got["sql_mode"] == "STRICT_TRANS_TABLES" and got["event_scheduler"] == "OFF"
    assert "wait at least 5 minutes" in res.stderr


# ---- innodb_flush_log_at_trx_commit ----------------------------------------------------------------

def test_flush_other_than_1_plans_allow_data_loss_first_in_the_same_call(rds):
    make_cluster(rds, cluster_settings={"innodb_flush_log_at_trx_commit": "2"}, instance_settings={})
    res = invoke("plan", "--cluster", "legacy", "--name", "f", "--dry-run", "--format", "json")
    data = json.loads(res.stdout)
    modify = next(c for c in data["api_calls"] if c["operation"] == "ModifyDBClusterParameterGroup")
    names = [p["ParameterName"] for p in modify["parameters"]["Parameters"]]
    assert names[0] == "innodb_trx_commit_allow_data_loss" and "innodb_flush_log_at_trx_commit" in names
    assert modify["parameters"]["Parameters"][0]["ParameterValue"] == "1"
    make_cluster(rds, cluster="keep", cluster_settings={"innodb_flush_log_at_trx_commit": "1"}, instance_settings={},
                 members=(("keep-w", "db.r6g.large"),))
    data = json.loads(invoke("plan", "--cluster", "keep", "--name", "k", "--format", "json").stdout)
    assert "innodb_trx_commit_allow_data_loss" not in data["groups"][0]["parameters"]


# ---- parameter facts -------------------------------------------------------------------------------

def _v3() -> FamilyDefaults:
    return FamilyDefaults(profiles.V3, profiles.family_profile(profiles.V3), "param_profiles (offline)")


@pytest.mark.parametrize("v2_name, level", [
    ("slave_parallel_type", "cluster"), ("slave_preserve_commit_order", "cluster"),
    ("slave_transaction_retries", "cluster"), ("slave_type_conversions", "cluster"),
    ("master_verify_checksum", "cluster"), ("slave_skip_errors", "instance")])
def test_replica_parameters_land_at_the_level_the_aws_reference_lists(v2_name, level):
    m = map_setting(v2_name, "1", "instance", _v3())
    assert m.new_kind == level, m


def test_temptable_ceiling_follows_the_aws_local_storage_table(rds):
    """db.x2g.large has 40 GiB (not 64), db.t3.medium 32 GiB (not 8): the advice follows AWS's table."""
    make_cluster(rds, instance_settings={}, members=(("legacy-w", "db.x2g.large"), ("legacy-r1", "db.t3.medium")))
    rds.create_db_parameter_group(DBParameterGroupName="t80", DBParameterGroupFamily="aurora-mysql8.0",
                                  Description="target")
    rds.modify_db_parameter_group(DBParameterGroupName="t80", Parameters=[
        {"ParameterName": "temptable_max_mmap", "ParameterValue": str(36 * GIB), "ApplyMethod": "immediate"}])
    res = invoke("diff", "--cluster", "legacy", "--target-instance-group", "t80", "--format", "json")
    by = {a["instance"]: a for a in json.loads(res.stdout)["temptable"]}
    writer, reader = by["legacy-w"], by["legacy-r1"]
    assert writer["local_gib"] == 40 and writer["severity"] == "warning"  # 36 GiB > 80 % of 40 GiB
    assert any("above ~80 % of local storage (32 GiB)" in m for m in writer["messages"])
    assert reader["local_gib"] == 32 and any("above ~80 %" in m for m in reader["messages"])
    assert any("AuroraMySQL.Managing.Performance.html" in m for m in writer["messages"])


def test_memory_engine_on_a_reader_is_a_warning_and_the_writer_text_follows_the_docs(rds):
    make_cluster(rds, instance_settings={})
    rds.create_db_parameter_group(DBParameterGroupName="m80", DBParameterGroupFamily="aurora-mysql8.0",
                                  Description="target")
    rds.modify_db_parameter_group(DBParameterGroupName="m80", Parameters=[
        {"ParameterName": "internal_tmp_mem_storage_engine", "ParameterValue": "MEMORY", "ApplyMethod": "immediate"}])
    res = invoke("diff", "--cluster", "legacy", "--target-instance-group", "m80", "--format", "json")
    by = {a["instance"]: a for a in json.loads(res.stdout)["temptable"]}
    assert by["legacy-r1"]["severity"] == "warning"
    assert any("no-op" in m for m in by["legacy-r1"]["messages"])
    assert any("memory-mapped files" in m and "InnoDB on-disk" in m for m in by["legacy-w"]["messages"])


def test_only_tmp_table_size_is_said_to_limit_temptable(rds):
    make_cluster(rds, instance_settings={"max_heap_table_size": "268435456"})
    data = json.loads(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    for a in data["temptable"]:
        assert not any("your v2 groups tune" in m for m in a["messages"])  # max_heap_table_size alone: no claim


def test_temptable_engine_memory_is_planned_for_the_writer_only(rds):
    make_cluster(rds, instance_settings={"tx_isolation": "READ-COMMITTED"})
    rds.create_db_parameter_group(DBParameterGroupName="legacy-readers", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="readers")
    rds.modify_db_instance(DBInstanceIdentifier="legacy-r1", DBParameterGroupName="legacy-readers")
    res = invoke("plan", "--cluster", "legacy", "--name", "tt", "--temptable-engine", "memory", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    by_members = {tuple(g["members"]): g["parameters"] for g in data["groups"] if g["kind"] == "instance"}
    assert by_members[("legacy-w",)]["internal_tmp_mem_storage_engine"]["value"] == "MEMORY"
    assert "internal_tmp_mem_storage_engine" not in by_members[("legacy-r1",)]
    assert any("TEXT/BLOB" in n and "readers stay on TempTable" in n for n in data["notes"])
    default = json.loads(invoke("plan", "--cluster", "legacy", "--name", "tt", "--format", "json").stdout)
    assert not any("internal_tmp_mem_storage_engine" in g["parameters"] for g in default["groups"])


# ---- defect 6: no internal citation anywhere ----------------------------------------------------

def test_output_cites_doc_urls_never_the_internal_notes(rds):
    make_cluster(rds)
    for fmt in ("json", "md", "console"):
        out = invoke("diff", "--cluster", "legacy", "--format", fmt).stdout
        assert "facts" not in out and "§" not in out, fmt
    data = json.loads(invoke("diff", "--cluster", "legacy", "--format", "json").stdout)
    for f in data["findings"]:
        if f["source"].startswith("http"):
            assert f["source"].startswith(("https://docs.aws.amazon.com/", "https://dev.mysql.com/")), f
