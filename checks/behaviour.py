"""Changed-behaviour notices: stored code that still runs on 8.0 but may behave differently."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import function_calls, group_by_without_order_by, lines_of, stored_code, system_variable_refs
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog

# System variables removed in 8.0 (MySQL Shell's removedSysVars list up to 8.0.16), with their
# replacement where one exists.
REMOVED_SYSTEM_VARIABLES: dict[str, str | None] = {
    "date_format": None, "datetime_format": None, "group_replication_allow_local_disjoint_gtids_join": None,
    "have_crypt": None, "ignore_builtin_innodb": None, "ignore_db_dirs": None,
    "innodb_checksums": "innodb_checksum_algorithm", "innodb_disable_resize_buffer_pool_debug": None,
    "innodb_file_format": None, "innodb_file_format_check": None, "innodb_file_format_max": None,
    "innodb_large_prefix": None, "innodb_locks_unsafe_for_binlog": None,
    "innodb_stats_sample_pages": "innodb_stats_transient_sample_pages", "innodb_support_xa": None,
    "innodb_undo_logs": "innodb_rollback_segments", "log_warnings": "log_error_verbosity",
    "log_builtin_as_identified_by_password": None, "log_error_filter_rules": None, "max_tmp_tables": None,
    "multi_range_count": None, "old_passwords": None, "query_cache_limit": None, "query_cache_min_res_unit": None,
    "query_cache_size": None, "query_cache_type": None, "query_cache_wlock_invalidate": None, "secure_auth": None,
    "show_compatibility_56": None, "sync_frm": None, "time_format": None, "tx_isolation": "transaction_isolation",
    "tx_read_only": "transaction_read_only", "metadata_locks_cache_size": None,
    "metadata_locks_hash_instances": None, "internal_tmp_disk_storage_engine": None,
}


@check(
    id="implicitGroupBySorting",
    title="GROUP BY no longer sorts implicitly",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.11",
    doc_url=doc_links.MYSQL_UPGRADING_FROM_57,
    detects="Views, routines, triggers and events with a GROUP BY query that has no ORDER BY.",
    why="5.7 sorted GROUP BY results by the grouping columns unless told otherwise; 8.0 does not. Code that "
        "relied on that order gets rows in a different order after the upgrade.",
    example="CREATE VIEW v AS SELECT genre, COUNT(*) FROM movies GROUP BY genre;",
    fix="Where the order matters, add ORDER BY with the GROUP BY columns.",
    aliases=("groupBySorting",),
)
def implicit_group_by_sorting(c: Check, catalog: Catalog):
    for code in stored_code(catalog):
        hits = group_by_without_order_by(code.tokens)
        if hits:
            yield c.finding(code.object_type, f"{code.kind} has GROUP BY without ORDER BY ({lines_of(t.line for t in hits)}): "
                                              "rows are no longer sorted by the grouping columns",
                            schema=code.schema, object_name=code.name,
                            fix="Add ORDER BY <the GROUP BY columns> where callers rely on the order.")


@check(
    id="sqlCalcFoundRows",
    title="SQL_CALC_FOUND_ROWS and FOUND_ROWS() are deprecated",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.17",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/information-functions.html#function_found-rows",
    detects="Views, routines, triggers and events that use SQL_CALC_FOUND_ROWS or call FOUND_ROWS().",
    why="Both are deprecated since 8.0.17 and will be removed; SQL_CALC_FOUND_ROWS also prevents some "
        "LIMIT optimisations, so it is often slower than a separate COUNT(*).",
    example="CREATE PROCEDURE page() BEGIN SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10; SELECT FOUND_ROWS(); END",
    fix="Run a separate SELECT COUNT(*) with the same WHERE clause instead.",
    aliases=("foundRows",),
)
def sql_calc_found_rows(c: Check, catalog: Catalog):
    for code in stored_code(catalog):
        hits = [t for t in code.tokens if t.is_word("SQL_CALC_FOUND_ROWS")] + function_calls(code.tokens, {"FOUND_ROWS"})
        if hits:
            words = ", ".join(dict.fromkeys("FOUND_ROWS()" if t.upper == "FOUND_ROWS" else t.upper for t in hits))
            yield c.finding(code.object_type, f"{code.kind} uses deprecated {words} ({lines_of(t.line for t in hits)})",
                            schema=code.schema, object_name=code.name,
                            fix="Replace with a separate SELECT COUNT(*) ... using the same WHERE clause.")


@check(
    id="removedSysVarReferences",
    title="Stored code references system variables removed in 8.0",
    severity=Severity.warning,
    source="aurora-upgrade",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVED_OPTIONS,
    detects="Views, routines, triggers and events that read (@@tx_isolation, @@query_cache_size, ...) or SET a "
            "system variable removed in 8.0.",
    why="The object is still created, but every execution fails with 'Unknown system variable' on 8.0.",
    example="CREATE PROCEDURE p() SELECT @@tx_isolation;",
    fix="Use the replacement variable (transaction_isolation, transaction_read_only, ...) or drop the reference.",
    aliases=("removedSysVarsInStoredCode",),
)
def removed_sys_var_references(c: Check, catalog: Catalog):
    for code in stored_code(catalog):
        refs = system_variable_refs(code.tokens, REMOVED_SYSTEM_VARIABLES)
        if refs:
            names = list(dict.fromkeys(n for n, _ in refs))
            yield c.finding(code.object_type,
                            f"{code.kind} references removed system variable{'s' if len(names) > 1 else ''} "
                            f"{', '.join(names)} ({lines_of(t.line for _, t in refs)})",
                            schema=code.schema, object_name=code.name,
                            fix="; ".join(f"use {REMOVED_SYSTEM_VARIABLES[n]} instead of {n}" if REMOVED_SYSTEM_VARIABLES[n]
                                          else f"remove the reference to {n}" for n in names) + ".")
