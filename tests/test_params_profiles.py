"""param_profiles data integrity, formula evaluation, TempTable edge cases and the engine-defaults fake."""

from __future__ import annotations

import boto3
import pytest

from tests.fakes.rds_engine_fake import install_rds_engine_fake
from upgrade_cli.params import profiles
from upgrade_cli.params.groups import ClusterParams, FamilyDefaults, GroupParams, Member, family_defaults
from upgrade_cli.params.temptable import advise

GIB = 1024 ** 3


def test_every_rule_cites_a_doc_url_a_user_can_follow():
    r = profiles.rules()
    every = [*r.removed.values(), *r.renamed.values(), *r.default_changed.values(), *r.scope_changed.values(),
             *r.attention, *r.value_fixes.values(), *r.green_settings.values()]
    assert len(every) > 60
    for rule in every:
        assert r.url(rule).startswith(("https://docs.aws.amazon.com/", "https://dev.mysql.com/doc/")), rule
        assert "facts" not in rule and "§" not in r.url(rule), rule  # never an internal note


def test_rules_agree_with_the_family_profiles():
    r = profiles.rules()
    v2, v3 = profiles.family_profile(profiles.V2), profiles.family_profile(profiles.V3)
    for name in r.removed:
        assert name not in v3, f"{name} is 'removed' but listed in aurora-mysql8.0"
    for old, rule in r.renamed.items():
        assert old not in v3
        if old in v2:  # session-only names (sql_slave_skip_counter, pseudo_slave_mode) are not group parameters
            assert rule["new"] in v3, f"{old} -> {rule['new']}: new name missing from aurora-mysql8.0"
    for name, rule in r.scope_changed.items():
        assert v2[name].level == "instance" and v3[name].level == "cluster" == rule["v3"]
    issue_attention = {"internal_tmp_mem_storage_engine", "temptable_max_ram", "temptable_max_mmap", "tmp_table_size",
                       "transaction_isolation", "innodb_flush_log_at_trx_commit", "lower_case_table_names",
                       "binlog_format", "event_scheduler", "read_only", "character_set"}
    assert issue_attention <= {a["name"] for a in r.attention}
    assert "aurora_tmptable_enable_per_table_limit" in next(a for a in r.attention if a["name"] == "tmp_table_size")["rationale"]


def test_instance_classes_cover_the_common_families_and_say_what_is_estimated():
    classes = profiles.instance_classes()
    for fam in ("db.r5.", "db.r6g.", "db.r6i.", "db.r7g.", "db.t3.", "db.t4g.", "db.x2g."):
        assert any(n.startswith(fam) for n in classes), fam
    assert classes["db.r5.large"].local_gib == 32 and classes["db.r5.large"].local_documented
    # AWS's "Temporary storage limits for Aurora MySQL" table, one row each
    assert (classes["db.x2g.large"].local_gib, classes["db.x2g.16xlarge"].local_gib) == (40, 1280)
    assert classes["db.t3.medium"].local_gib == classes["db.t4g.large"].local_gib == 32
    for c in classes.values():
        assert c.source.startswith(("https://docs.aws.amazon.com/", "estimate:")), c
        assert ("AuroraMySQL.Managing.Performance.html" in c.source), c
        assert c.local_documented == (not c.source.startswith("estimate:")), c
    assert not classes["db.r7g.large"].local_documented  # no r7g row in the table: an estimate, and it says so


@pytest.mark.parametrize("formula, memory, expected", [
    ("{DBInstanceClassMemory*3/4}", 16, str(12 * GIB)),
    ("{DBInstanceClassMemory/24}", 24, str(GIB)),
    # log is base 2: with the full 32 GiB the documented 2000 for db.r5.xlarge is matched from above
    ("{GREATEST({log(DBInstanceClassMemory/805306368)*45},{log(DBInstanceClassMemory/8187281408)*1000})}", 32, "2069"),
    ("{LEAST({DBInstanceClassMemory/1179121},6000)}", 512, "6000"),
    ("{TrueIfReplica}", None, "0"),
    ("READ-COMMITTED", None, "READ-COMMITTED"),
    ("{DBInstanceClassMemory*3/4}", None, None),  # unknown class
    ("{__import__('os')}", 16, None),  # never executes anything
])
def test_formula_evaluation(formula, memory, expected):
    assert profiles.evaluate(formula, memory) == expected


def test_replica_flags_and_class_memory_threshold():
    assert profiles.evaluate("{TrueIfReplica}", 16, replica=True) == "1"
    ram = profiles.family_profile(profiles.V3)["temptable_max_ram"]
    assert profiles.class_memory_default(ram, 15.9) == str(16 * 1024 ** 2)
    assert profiles.class_memory_default(ram, 16) == str(GIB)


def _cluster(reader_group: GroupParams, cls="db.r6g.large") -> ClusterParams:
    empty = GroupParams("w", "instance")
    return ClusterParams("c", None, GroupParams("cpg", "cluster"),
                         [Member("w1", cls, True, empty), Member("r1", cls, False, reader_group)], "json")


def _v3() -> FamilyDefaults:
    return FamilyDefaults(profiles.V3, profiles.family_profile(profiles.V3), "param_profiles (offline)")


def test_temptable_errors_for_memory_engine_and_zero_mmap_on_readers():
    target = GroupParams("t", "instance", user={"internal_tmp_mem_storage_engine": "MEMORY", "temptable_max_mmap": "0"})
    cp = _cluster(GroupParams("r", "instance"))
    out = {a.instance: a for a in advise(cp, _v3(), target_instance=target)}
    reader = out["r1"]
    assert reader.severity == "error"
    text = " ".join(reader.messages)
    assert "readers are fixed to TempTable" in text
    assert not any("set internal_tmp_mem_storage_engine=MEMORY" in m for m in reader.messages)
    assert "not allowed on readers" in text
    assert out["w1"].severity == "info"  # the writer may use MEMORY and mmap 0 (it spills to InnoDB)


def test_temptable_per_table_limit_on_warns_about_reader_errors():
    target = GroupParams("t", "instance", user={"aurora_tmptable_enable_per_table_limit": "1"})
    out = {a.instance: a for a in advise(_cluster(GroupParams("r", "instance")), _v3(), target_instance=target,
                                         v2_user_names={"tmp_table_size"})}
    assert out["r1"].severity == "warning"
    assert any("fails with ERROR 1114 as soon as one temp table reaches tmp_table_size" in m for m in out["r1"].messages)
    assert not any("TempTable ignores" in m for m in out["r1"].messages)  # the flag is ON


def test_engine_defaults_fake_pages_and_rejects_unknown_family(aws):
    install_rds_engine_fake(aws)
    rds = boto3.client("rds")
    pages = list(rds.get_paginator("describe_engine_default_parameters").paginate(
        DBParameterGroupFamily="aurora-mysql8.0", PaginationConfig={"PageSize": 10}))
    assert len(pages) > 2
    names = [p["ParameterName"] for page in pages for p in page["EngineDefaults"]["Parameters"]]
    assert len(names) == len(set(names)) and "transaction_isolation" in names and "event_scheduler" not in names
    with pytest.raises(rds.exceptions.ClientError, match="Invalid DB parameter group family"):
        rds.describe_engine_default_cluster_parameters(DBParameterGroupFamily="mysql5.7")
    d = family_defaults(rds, profiles.V3)
    assert d.from_api and d.params["event_scheduler"].level == "cluster"
    assert d.params["temptable_max_mmap"].default == str(GIB) and d.params["temptable_max_mmap"].apply_type == "dynamic"
    assert d.params["temptable_max_ram"].default_by_class_memory["threshold_gib"] == 16  # kept from the profile


def test_map_setting_covers_every_rule():
    from upgrade_cli.params.diff import map_setting

    offline = _v3()
    api = FamilyDefaults(profiles.V3, profiles.family_profile(profiles.V3),
                         "DescribeEngineDefaultClusterParameters + DescribeEngineDefaultParameters")
    assert map_setting("tx_isolation", "READ-COMMITTED", "cluster", offline).new_kind == "cluster"  # stays a default
    assert map_setting("tx_isolation", "READ-COMMITTED", "instance", offline).new_name == "transaction_isolation"
    read_only = map_setting("read_only", "1", "instance", offline)
    assert read_only.rule == "scope_changed" and read_only.new_name is None  # never moved: it would fence the writer
    assert map_setting("read_only", "0", "cluster", offline).rule == "custom"
    assert map_setting("default_authentication_plugin", "sha256_password", "cluster", offline).rule == "not_modifiable"
    assert map_setting("my_made_up_param", "1", "instance", offline).rule == "unverified"
    gone = map_setting("my_made_up_param", "1", "instance", api)
    assert gone.rule == "removed" and gone.new_name is None and "not a parameter of aurora-mysql8.0" in gone.note


@pytest.mark.parametrize("name", ["8start", "bad_name", "ends-", "two--hyphens", ""])
def test_plan_rejects_invalid_group_names(name):
    from upgrade_cli.cli_common import ToolError
    from upgrade_cli.params.plan import build_plan

    cp = _cluster(GroupParams("r", "instance"))
    v2 = FamilyDefaults(profiles.V2, profiles.family_profile(profiles.V2), "param_profiles (offline)")
    with pytest.raises(ToolError, match="AWS parameter group naming rules"):
        build_plan(cp, v2, _v3(), name)
