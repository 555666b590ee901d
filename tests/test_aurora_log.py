"""Reading Aurora's upgrade-prechecks.log: alias ids, missing fields, failed check queries, levels.

The fixture logs under tests/fixtures/aurora_logs/ are written in the documented format (facts §1.2),
as valid JSON, with the quirks real logs show: an entry with no ``status``, a ``status: ERROR`` with
no problems, ``CONFIGURATION_ERROR``, misspelt/older ids and several documentation links.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from upgrade_cli.checks import registry
from upgrade_cli.checks.registry import Check, Severity
from upgrade_cli.precheck.aurora_log import ORIGIN, load_aurora_log, parse_aurora_log
from upgrade_cli.cli_common import ToolError
from upgrade_cli.precheck.api import CHECKS

LOGS = Path(__file__).parent / "fixtures" / "aurora_logs"


def _check(id_: str, aliases: tuple[str, ...] = ()) -> Check:
    return Check(id=id_, title=id_, severity=Severity.notice, source="mysql-shell", since="8.0.11",
                 doc_url="https://example.invalid", detects="d", why="w", example="e", fix="f", aliases=aliases,
                 func=lambda catalog: [])


@pytest.fixture
def known_checks(monkeypatch):
    """A registry holding only checks with the ids and aliases the real catalog uses (severity deliberately
    'notice' everywhere, to prove severity comes from the log's level, not from the check)."""
    fake = {c.id: c for c in [
        _check("reservedKeywords"), _check("utf8mb3"), _check("zeroDates"),
        _check("enumSetElementLength", ("enumSetElementLenghtCheck",)),
        _check("groupbyAscSyntax", ("groupbyAscSyntaxCheck", "groupByAscCheck")),
        _check("depreciatedSyntax", ("getRoutinesWithDepreciatedKeywords",)),
        _check("auroraGetDanglingFulltextIndex", ("getDanglingFulltextIndex",)),
        _check("removedFunctions"), _check("obsoleteSqlModeFlags", ("sqlModeFlagCheck",)),
        _check("auroraUpgradeCheckForIncompleteXATransactions"),
    ]}
    monkeypatch.setattr(registry, "_REGISTRY", fake)
    monkeypatch.setattr(registry, "_LOADED", True)
    return fake


def test_failed_log_gives_findings_with_levels_locations_and_aliases(known_checks):
    log = load_aurora_log(LOGS / "failed_2_11_to_3_04.log")
    assert (log.server_version, log.target_version, log.aurora_server_version, log.aurora_target_version) == (
        "5.7.12 - MySQL Community Server (GPL)", "8.0.28", "2.11.2", "3.04.0")
    assert (log.error_count, log.warning_count, log.notice_count) == (3, 5, 1)
    got = {(f.check_id, f.severity.value, f.object_type, f.location) for f in log.findings}
    assert got == {
        ("reservedKeywords", "warning", "column", "shop.orders.rank"),
        ("reservedKeywords", "warning", "table", "shop.groups"),
        ("utf8mb3", "warning", "column", "shop.customers.name"),
        ("enumSetElementLength", "error", "column", "shop.legacy_flags.state"),
        ("groupbyAscSyntax", "error", "view", "shop.sales_by_region"),
        ("zeroDates", "warning", "server", "global.sql_mode"),
        ("obsoleteSqlModeFlags", "notice", "routine", "shop.refresh_totals"),
        ("auroraUpgradeCheckForIncompleteXATransactions", "error", "server", "all"),
        # not in our registry: kept under Aurora's own id, not dropped
        ("auroraUpgradeCheckForRollbackSegmentHistoryLength", "warning", "server", "information_schema.innodb_metrics"),
    }
    # The counts we derive from levels agree with the log's own counters.
    by_level = {s: sum(f.severity.value == s for f in log.findings) for s in ("error", "warning", "notice")}
    assert (by_level["error"], by_level["warning"], by_level["notice"]) == (3, 5, 1)
    assert all(f.origin == ORIGIN for f in log.findings)
    rank = next(f for f in log.findings if f.column == "rank")
    assert rank.message == "Column name" and "quotes" in rank.fix


def test_query_errors_are_not_checked_and_configuration_errors_are_ignored(known_checks):
    log = load_aurora_log(LOGS / "failed_2_11_to_3_04.log")
    assert log.failed_checks == {
        "removedFunctions": "Query failed: the instance ran out of memory while reading information_schema.ROUTINES"}
    summary = log.summary_dict()
    assert summary["checks_ignored"] == ["removedSysLogVars"]
    assert summary["checks_performed"] == 12
    no_status = next(c for c in log.checks if c.raw_id == "defaultAuthenticationPlugin")
    assert no_status.status is None and no_status.problems == 0 and len(no_status.doc_links) == 2


def test_clean_log_has_no_findings(known_checks):
    log = load_aurora_log(LOGS / "clean_2_12_to_3_05.log")
    assert log.findings == [] and log.failed_checks == {} and log.error_count == 0
    assert log.summary == "No known compatibility errors or issues were found."


def test_older_ids_unknown_checks_and_unknown_levels(known_checks):
    log = load_aurora_log(LOGS / "older_2_10_ids.log")
    got = [(f.check_id, f.severity.value, f.location) for f in log.findings]
    assert got == [
        ("depreciatedSyntax", "error", "reports.monthly_totals"),
        ("auroraGetDanglingFulltextIndex", "error", "reports.articles"),
        ("someFutureAuroraCheck", "notice", "reports"),
        ("someFutureAuroraCheck", "warning", "reports.t1"),
    ]
    assert log.findings[2].object_type == "schema"
    assert log.findings[3].message.startswith("(unrecognised level 'Critical')")


def test_missing_fields_are_tolerated(known_checks):
    log = parse_aurora_log('{"checksPerformed": [{"id": "utf8mb3Check", "detectedProblems": '
                           '[{"level": "warning", "dbObject": "a.b"}]}, {"title": "no id"}]}')
    assert log.server_version is None and log.error_count is None
    assert [(f.check_id, f.severity, f.location) for f in log.findings] == [("utf8mb3", Severity.warning, "a.b")]
    assert log.checks[1].raw_id == "checksPerformed[1]"


@pytest.mark.parametrize("raw, ours", [
    ("mysqlIndexTooLargeCheck", "indexTooLarge"), ("groupByAscCheck", "groupbyAscSyntax"),
    ("maxdbFlagCheck", "maxdbSqlModeFlags"), ("mysqlOrphanedRoutinesCheck", "orphanedObjects"),
    ("checkTableOutput", "checkTableCommand"), ("depreciatedSyntaxCheck", "depreciatedSyntax"),
])
def test_older_shell_and_aurora_ids_merge_into_the_current_id(raw, ours):
    """The real registry: every older spelling lands on the current id."""
    log = parse_aurora_log('{"checksPerformed": [{"id": "%s", "detectedProblems": '
                           '[{"level": "Error", "dbObject": "a.b"}]}]}' % raw)
    assert [f.check_id for f in log.findings] == [ours]


@pytest.mark.parametrize("text, expected", [
    ('{"checksPerformed": [{"id": "x",}]}', r"invalid JSON at line 1 column"),  # trailing comma, as in the docs
    ('{"id": "missing quote}', r"invalid JSON"),
    ("", r"empty"),
    ("[1, 2]", r"expected an object with checksPerformed"),
    ('{"checksPerformed": {"id": "x"}}', r"expected an object with checksPerformed"),
    ('{"checksPerformed": ["x"]}', r"checksPerformed\[0\] is not an object"),
])
def test_bad_logs_are_one_line_errors(text, expected):
    with pytest.raises(ToolError, match=expected) as exc:
        parse_aurora_log(text, "x.log")
    assert "\n" not in str(exc.value)


def test_unreadable_log_files(tmp_path):
    with pytest.raises(ToolError, match="Aurora log not found"):
        load_aurora_log(tmp_path / "upgrade-prechecks.log")
    with pytest.raises(ToolError, match="is a directory"):
        load_aurora_log(tmp_path)
    binary = tmp_path / "bin.log"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(ToolError, match="is a binary file, not an upgrade-prechecks.log"):
        load_aurora_log(binary)


def test_the_precheck_hand_off_reads_an_aurora_log_as_a_report():
    """A gate or the dossier can be handed AWS's upgrade-prechecks.log instead of our report."""
    from upgrade_cli.handoffs import read_precheck

    report = read_precheck(LOGS / "failed_2_11_to_3_04.log", checks=CHECKS)
    log = load_aurora_log(LOGS / "failed_2_11_to_3_04.log")
    assert report.kind == "aurora-log" and report.complete
    assert report.counts == {"error": 3, "warning": 5, "notice": 1, "total": 9}
    assert [b.check_id for b in report.blocking] == [f.check_id for f in log.findings if f.severity is Severity.error]
    assert len(report.blocking) == 3
    assert read_precheck(LOGS / "clean_2_12_to_3_05.log", checks=CHECKS).counts["total"] == 0
