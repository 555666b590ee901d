"""`params diff --from-json`: a reviewer with no AWS access diffs exported parameter listings.

No ``aws`` fixture here: the autouse ``_no_real_aws`` points every endpoint at a dead port, so any AWS
call would fail the command. The exports are shaped like `aws rds describe-db-cluster-parameters` /
`describe-db-parameters` output (full listings, with Source user / engine-default / system).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from upgrade_cli.main import app

runner = CliRunner()


def rec(name, value=None, source="engine-default", apply_type="dynamic"):
    r = {"ParameterName": name, "Description": name, "Source": source, "ApplyType": apply_type, "DataType": "string",
         "IsModifiable": True, "ApplyMethod": "pending-reboot"}
    if value is not None:
        r["ParameterValue"] = value
    return r


@pytest.fixture
def exports(tmp_path):
    cluster = {"Parameters": [
        rec("binlog_format", "OFF", apply_type="static"),
        rec("character_set_server"),
        rec("innodb_flush_log_at_trx_commit", "2", source="user"),
        rec("lower_case_table_names", "1", source="user", apply_type="static"),
        rec("aurora_load_from_s3_role", "arn:aws:iam::123456789012:role/s3", source="user"),
        rec("time_zone", "Europe/Berlin", source="user"),
    ]}
    writer = {"Parameters": [
        rec("tx_isolation", "READ-COMMITTED", source="user"),
        rec("query_cache_type", "0", source="user"),
        rec("read_only", "{TrueIfReplica}", source="system"),
        rec("innodb_buffer_pool_size", "{DBInstanceClassMemory*3/4}", source="system", apply_type="static"),
    ]}
    reader = {"Parameters": [rec("tx_isolation", "READ-COMMITTED", source="user"),
                             rec("max_heap_table_size", "134217728", source="user")]}
    paths = []
    for name, data in (("cpg.json", cluster), ("writer.json", writer), ("reader.json", reader)):
        p = tmp_path / name
        p.write_text(json.dumps(data))
        paths.append(p)
    return paths


def test_offline_diff_needs_no_aws(exports, monkeypatch):
    from upgrade_cli import aws as uaws

    def no_client(*a, **k):
        raise AssertionError("offline diff must not create an AWS client")

    monkeypatch.setattr(uaws, "client", no_client)
    cpg, writer, reader = exports
    res = runner.invoke(app, ["params", "diff", "--from-json", str(cpg), "--instance-json", str(writer),
                              "--instance-json", str(reader), "--instance-class", "db.r6g.2xlarge",
                              "--instance-class", "db.t4g.medium", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    got = {(f["rule"], f["parameter"]): f for f in data["findings"]}
    assert data["origin"] == "json" and data["defaults"]["aurora-mysql8.0"] == "param_profiles (offline)"
    assert got[("removed", "aurora_load_from_s3_role")]["note"].endswith("set aws_default_s3_role instead")
    assert got[("removed", "query_cache_type")]["where"] == "instance group writer (instance-1 writer)"
    assert got[("renamed", "tx_isolation")]["where"] == "instance group reader (instance-2 reader)"
    assert got[("custom", "time_zone")]["v2"] == "Europe/Berlin"
    # engine-default / system records are not the DBA's settings
    assert not [k for k in got if k[1] in ("read_only", "innodb_buffer_pool_size") and k[0] != "default_changed"]
    assert got[("attention", "innodb_flush_log_at_trx_commit")]["v2"] == "innodb_flush_log_at_trx_commit=2"
    assert got[("attention", "lower_case_table_names")]["severity"] == "warning"  # the plan carries it (issue 19)
    assert got[("attention", "binlog_format")]["severity"] == "error"
    assert ("attention", "tmp_table_size") in got  # max_heap_table_size tuned on the reader
    by = {a["instance"]: a for a in data["temptable"]}
    assert by["instance-1"]["instance_class"] == "db.r6g.2xlarge" and by["instance-1"]["max_ram"] == 1024 ** 3
    assert by["instance-2"]["max_ram"] == 16 * 1024 ** 2


def test_offline_markdown_is_a_reviewable_document(exports):
    cpg, writer, _ = exports
    res = runner.invoke(app, ["params", "diff", "--from-json", str(cpg), "--instance-json", str(writer),
                              "--format", "md"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# Parameter diff: cpg")
    assert "## Renamed in 8.0 (carried under the new name)" in res.stdout
    assert "unknown instance class (not given)" in res.stdout


def test_offline_export_without_source_counts_every_record_as_a_setting(tmp_path):
    p = tmp_path / "user-only.json"  # e.g. exported with --query that dropped Source
    p.write_text(json.dumps({"Parameters": [{"ParameterName": "query_cache_type", "ParameterValue": "0"}]}))
    res = runner.invoke(app, ["params", "diff", "--from-json", str(p), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert any(f["rule"] == "removed" and f["parameter"] == "query_cache_type" for f in json.loads(res.stdout)["findings"])


@pytest.mark.parametrize("content, message", [
    (None, "parameter JSON export not found"),
    ("{not json", "is not a parameter JSON export: invalid JSON"),
    ('{"DBClusters": []}', "expected the output of `aws rds describe-db-cluster-parameters`"),
])
def test_offline_bad_input_is_one_line_exit_2(tmp_path, content, message):
    p = tmp_path / "x.json"
    if content is not None:
        p.write_text(content)
    res = runner.invoke(app, ["params", "diff", "--from-json", str(p)])
    assert res.exit_code == 2
    assert res.stderr.startswith("error: ") and message in res.stderr and res.stderr.count("\n") == 1


def test_offline_rejects_mixed_modes(exports):
    cpg, *_ = exports
    res = runner.invoke(app, ["params", "diff", "--from-json", str(cpg), "--cluster", "c"])
    assert res.exit_code == 2 and "offline" in res.stderr
    res = runner.invoke(app, ["params", "diff"])
    assert res.exit_code == 2 and res.stderr.strip() == "error: give --cluster ID (or --from-json FILE for an offline run)"
