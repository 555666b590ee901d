"""Server facts: the mysql and sys schemas, definers, variables, accounts and running state (XA, transactions, undo history, DDL).

Where a fact is only on a live server (``mysql.*`` tables, global variables, definers as the server stores
them, running transactions) the check has ``Scope.server``; the rest work on a dump too.
"""

from __future__ import annotations

import re

from upgrade_cli import doc_links
from upgrade_cli.checks._facts import live_facts, parse_account, same_value, variable
from upgrade_cli.checks.registry import Scope, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.target import Target
from upgrade_cli.sqltext import is_ddl, quote_ident, quote_qualified


# Table names the 8.0 data dictionary and system schema create in `mysql` (MySQL Shell's list).
DICTIONARY_TABLES = frozenset({
    "catalogs", "character_sets", "check_constraints", "collations", "column_statistics", "column_type_elements",
    "columns", "component", "dd_properties", "default_roles", "events", "foreign_key_column_usage",
    "foreign_keys", "global_grants", "index_column_usage", "index_partitions", "index_stats", "indexes",
    "innodb_ddl_log", "innodb_dynamic_metadata", "parameter_type_elements", "parameters", "password_history",
    "resource_groups", "role_edges", "routines", "schemata", "st_spatial_reference_systems",
    "table_partition_values", "table_partitions", "table_stats", "tables", "tablespace_files", "tablespaces",
    "triggers", "view_routine_usage", "view_table_usage",
})


@check(
    id="mysqlSchema",
    title="Tables in mysql whose names collide with 8.0 dictionary tables",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES,
    aliases=("mysqlSchemaCheck",),
    detects="Tables in the mysql schema named like a table of the 8.0 data dictionary or system schema "
            "(" + ", ".join(sorted(DICTIONARY_TABLES)) + "), compared case-insensitively as MySQL Shell does "
            "(upgrade_check_creators.cc:266-286; check_constraints, column_statistics and resource_groups are "
            "8.0 dictionary tables the Shell's list lacks). A dump's CREATE TABLE in mysql counts too.",
    why="The upgrade creates these tables in mysql; an existing table of the same name makes the "
        "dictionary creation fail.",
    example="CREATE TABLE mysql.tables (id INT);",
    fix="Rename or drop the table (RENAME TABLE mysql.tables TO some_schema.old_tables) before the upgrade.",
)
def mysql_schema(c, catalog: Catalog):
    names = {t.name for t in catalog.tables if t.schema.lower() == "mysql"} | set(catalog.server.mysql_tables)
    for name in sorted(names):
        if name.lower() in DICTIONARY_TABLES:
            yield c.finding("table", "table name collides with an 8.0 data dictionary table", schema="mysql",
                            object_name=name,
                            fix=f"RENAME TABLE mysql.{quote_ident(name)} TO <other_schema>.{quote_ident(name)};")


@check(
    id="orphanedObjects",
    title="Stored routines and events whose schema no longer exists",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.SHELL_UPGRADE_CHECKER, scope=Scope.server,
    aliases=("mysqlOrphanedRoutines", "orphanedRoutines", "mysqlOrphanedRoutinesCheck"),
    detects="Rows in mysql.proc (routines) and mysql.event (events) whose database was dropped without them, "
            "as MySQL Shell's two queries (upgrade_check_creators.cc:1089-1106).",
    why="8.0 stores routines and events in the data dictionary, tied to an existing schema; an orphan cannot "
        "be migrated and stops the upgrade.",
    example="-- a routine left in mysql.proc after its database directory was removed by hand",
    fix="Drop the object (create the schema, DROP PROCEDURE/FUNCTION/EVENT, drop the schema again) or "
        "recreate its schema if it is still needed.",
)
def orphaned_routines(c, catalog: Catalog):
    for r in catalog.server.orphaned_routines:
        kind = str(r.get("type") or r.get("kind") or "routine").upper()
        schema, name = r.get("schema"), r.get("name")
        yield c.finding("event" if kind == "EVENT" else "routine",
                        f"{kind.lower()} belongs to schema {schema!r}, which does not exist",
                        schema=schema, object_name=name,
                        fix=f"CREATE DATABASE {quote_ident(str(schema))}; "
                            f"DROP {kind if kind in ('PROCEDURE', 'FUNCTION', 'EVENT') else 'PROCEDURE'} "
                            f"{quote_qualified(str(schema), str(name))}; DROP DATABASE {quote_ident(str(schema))};")


def _blank_definer(definer: str | None) -> bool:
    return definer is None or definer.strip() in ("", "@", "''@''", "``@``")


@check(
    id="getTriggersWithNullDefiner",
    title="Triggers with a NULL or empty definer",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Triggers whose DEFINER, as the server stores it, is NULL or empty (typically created by "
            "MySQL 5.0/5.1 before definers existed).",
    why="8.0 stores a definer for every trigger in the data dictionary; one without a definer cannot be migrated.",
    example="-- a trigger from a 5.0-era .TRG file: SHOW TRIGGERS shows Definer = ''",
    fix="Recreate the trigger with an explicit DEFINER (DROP TRIGGER, then CREATE DEFINER=`app`@`%` TRIGGER ...).",
)
def triggers_null_definer(c, catalog: Catalog):
    if not live_facts(catalog):
        return  # a dump without DEFINER= only means "not written", not "NULL on the server"
    for t in catalog.triggers:
        if _blank_definer(t.definer):
            yield c.finding("trigger", "trigger has no definer", schema=t.schema, object_name=t.name,
                            fix="Recreate the trigger with DEFINER=`<user>`@`<host>`.")


@check(
    id="getEventsWithNullDefiner",
    title="Events with a NULL or empty definer",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Events whose definer in mysql.event is NULL or empty.",
    why="8.0 stores a definer for every event in the data dictionary; one without a definer cannot be migrated.",
    example="-- an event row in mysql.event with definer = ''",
    fix="Recreate the event with an explicit DEFINER (DROP EVENT, then CREATE DEFINER=`app`@`%` EVENT ...).",
)
def events_null_definer(c, catalog: Catalog):
    if not live_facts(catalog):
        return
    for e in catalog.events:
        if _blank_definer(e.definer):
            yield c.finding("event", "event has no definer", schema=e.schema, object_name=e.name,
                            fix="Recreate the event with DEFINER=`<user>`@`<host>`.")


@check(
    id="getValueOfVariablelower_case_table_names",
    title="Upper-case schema or table names with lower_case_table_names=1",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Schemas, tables and views with upper-case letters in their names while lower_case_table_names=1.",
    why="With lower_case_table_names=1 8.0 expects every name stored in lower case; a name created "
        "before the setting was changed cannot be matched in the data dictionary.",
    example="-- created while lower_case_table_names=0, then the parameter was set to 1: CREATE TABLE Orders (...)",
    fix="Rename the object to lower case (RENAME TABLE `Orders` TO `orders`) - with "
        "lower_case_table_names=1 on the new cluster the application keeps working.",
)
def lower_case_table_names(c, catalog: Catalog):
    if variable(catalog, "lower_case_table_names") != "1":
        return
    for s in catalog.schemas:
        if s.name != s.name.lower():
            yield c.finding("schema", "schema name has upper-case letters while lower_case_table_names=1",
                            schema=s.name, fix="Dump the schema, drop it and restore it under the lower-case name.")
    for obj, kind in [(t, "table") for t in catalog.tables] + [(v, "view") for v in catalog.views]:
        if obj.name != obj.name.lower():
            yield c.finding(kind, f"{kind} name has upper-case letters while lower_case_table_names=1",
                            schema=obj.schema, object_name=obj.name,
                            fix=f"RENAME TABLE {quote_qualified(obj.schema, obj.name)} TO "
                                f"{quote_qualified(obj.schema, obj.name.lower())};")


@check(
    id="defaultAuthenticationPlugin",
    title="Default authentication plugin in 8.0",
    severity=Severity.warning, source="mysql-shell", since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/upgrading-from-previous-series.html#upgrade-caching-sha2-password",
    scope=Scope.server,
    detects="Always reported for a 5.7 source (as MySQL Shell and Aurora do): community 8.0 changes the "
            "default authentication plugin.",
    why="Community MySQL 8.0 defaults to caching_sha2_password, which old clients cannot use. Aurora MySQL 3 "
        "keeps mysql_native_password as default_authentication_plugin and does not let you change it, so "
        "existing accounts and clients keep working; only accounts you create with caching_sha2_password "
        "need 8.0-capable clients.",
    example="-- any 5.7 server",
    fix="Nothing to do for existing accounts on Aurora; make sure client libraries used with new "
        "caching_sha2_password accounts support it.",
)
def default_auth_plugin(c, catalog: Catalog):
    if re.match(r"(8|9)\.", catalog.server.version or ""):
        return  # already MySQL 8.0 or later: nothing changes any more
    yield c.finding("server", "community 8.0 defaults to caching_sha2_password; Aurora MySQL 3 keeps "
                    "mysql_native_password (not modifiable)", object_name="default_authentication_plugin")


# (name, MySQL 5.7 default, replacement in 8.0)
REMOVED_VARIABLES = (
    ("date_format", "%Y-%m-%d", None), ("datetime_format", "%Y-%m-%d %H:%i:%s", None),
    ("time_format", "%H:%i:%s", None), ("ignore_builtin_innodb", "OFF", None), ("ignore_db_dirs", "", None),
    ("innodb_checksums", "ON", "innodb_checksum_algorithm"), ("innodb_file_format", "Barracuda", None),
    ("innodb_file_format_check", "ON", None), ("innodb_file_format_max", "Barracuda", None),
    ("innodb_large_prefix", "ON", None), ("innodb_locks_unsafe_for_binlog", "OFF", None),
    ("innodb_stats_sample_pages", "8", "innodb_stats_transient_sample_pages"), ("innodb_support_xa", "ON", None),
    ("innodb_undo_logs", "128", "innodb_rollback_segments"), ("log_warnings", "2", "log_error_verbosity"),
    ("log_builtin_as_identified_by_password", "OFF", None), ("max_tmp_tables", "32", None),
    ("multi_range_count", "256", None), ("old_passwords", "0", None), ("query_cache_limit", "1048576", None),
    ("query_cache_min_res_unit", "4096", None), ("query_cache_size", "1048576", None),
    ("query_cache_type", "OFF", None), ("query_cache_wlock_invalidate", "OFF", None), ("secure_auth", "ON", None),
    ("show_compatibility_56", "OFF", None), ("sync_frm", "ON", None),
    ("tx_isolation", "REPEATABLE-READ", "transaction_isolation"), ("tx_read_only", "OFF", "transaction_read_only"),
    ("group_replication_allow_local_disjoint_gtids_join", "OFF", None),
    ("metadata_locks_cache_size", "1024", None), ("metadata_locks_hash_instances", "8", None),
    ("internal_tmp_disk_storage_engine", "InnoDB", None), ("have_crypt", "YES", None),
    ("innodb_disable_resize_buffer_pool_debug", "ON", None), ("log_error_filter_rules", "", None),
)
# MySQL Shell's removedSysLogVars (upgrade_check_creators.cc:783-795, removed in 8.0.13), same shape.
REMOVED_LOG_VARIABLES = (
    ("log_syslog", "OFF", None), ("log_syslog_facility", "daemon", "syseventlog.facility"),
    ("log_syslog_include_pid", "ON", "syseventlog.include_pid"), ("log_syslog_tag", "", "syseventlog.tag"),
)


def _removed(c, catalog: Catalog, table):
    """A removed variable whose value is not 5.7's default, i.e. set on purpose (the Shell's criterion is
    "its source is not COMPILED", which 5.7 does not expose: performance_schema.variables_info is 8.0)."""
    for name, default, replacement in table:
        value = variable(catalog, name)
        if value is None or same_value(value, default):
            continue
        instead = f"; use {replacement} instead" if replacement else ""
        yield c.finding("variable", f"{name} = {value!r} (5.7 default {default!r}) is removed in 8.0{instead}",
                        object_name=name,
                        fix=(f"Set {replacement} in the v3 parameter group." if replacement else
                             "Remove it from the parameter group and from application code."))


@check(
    id="removedSysVars",
    title="System variables removed in 8.0 that are set to a non-default value",
    severity=Severity.error, source="mysql-shell", since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVED_OPTIONS,
    scope=Scope.server,
    detects="Global variables that no longer exist in 8.0 (" + ", ".join(n for n, _, _ in REMOVED_VARIABLES) +
            ") whose current value differs from the MySQL 5.7 default, i.e. someone (or the parameter group) "
            "relies on them: MySQL Shell's list up to 8.0.16 (upgrade_check_creators.cc:797-870) at its error "
            "level. Only the variables the scan could read are checked.",
    why="Aurora MySQL 3 parameter groups have no such parameter, so the setting silently disappears (e.g. "
        "the query cache is gone), and SET/SELECT @@var in applications fails with an unknown-variable error.",
    example="SET GLOBAL query_cache_type = ON;  -- or query_cache_type=1 in the v2 parameter group",
    fix="Drop the setting from the v3 parameter group (aurora-upgrade params diff shows them), move it to "
        "its replacement variable where there is one, and remove references from application code.",
)
def removed_sys_vars(c, catalog: Catalog):
    yield from _removed(c, catalog, REMOVED_VARIABLES)


@check(
    id="removedSysLogVars",
    title="Removed system variables for error logging to the system log configuration",
    severity=Severity.error, source="mysql-shell", since="8.0.13",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/error-log-syslog.html",
    scope=Scope.server,
    detects="log_syslog, log_syslog_facility, log_syslog_include_pid and log_syslog_tag set to a value other "
            "than the 5.7 default (MySQL Shell's removedSysLogVars, upgrade_check_creators.cc:783-795, registered "
            "for 8.0.13 in upgrade_check_registry.cc:143-145).",
    why="8.0.13 removed these variables; syslog output is configured through the log_sink_syseventlog component "
        "and its syseventlog.* variables instead, so a parameter group or option file that sets them fails.",
    example="log_syslog = ON  -- in the v2 parameter group",
    fix="Remove them from the parameter group; on Aurora use the error log export to CloudWatch Logs instead.",
)
def removed_sys_log_vars(c, catalog: Catalog):
    yield from _removed(c, catalog, REMOVED_LOG_VARIABLES)


# (name, MySQL 5.7 default, MySQL 8.0 default)
NEW_DEFAULTS = (
    ("character_set_server", "latin1", "utf8mb4"), ("collation_server", "latin1_swedish_ci", "utf8mb4_0900_ai_ci"),
    ("explicit_defaults_for_timestamp", "OFF", "ON"), ("optimizer_trace_max_mem_size", "16384", "1048576"),
    ("max_allowed_packet", "4194304", "67108864"), ("max_error_count", "64", "1024"),
    ("event_scheduler", "OFF", "ON"), ("table_open_cache", "2000", "4000"), ("log_error_verbosity", "3", "2"),
    ("innodb_undo_tablespaces", "0", "2"), ("innodb_undo_log_truncate", "OFF", "ON"),
    ("innodb_autoinc_lock_mode", "1", "2"), ("innodb_flush_neighbors", "1", "0"),
    ("innodb_max_dirty_pages_pct_lwm", "0", "10"), ("innodb_max_dirty_pages_pct", "75", "90"),
    ("performance_schema_consumer_events_transactions_current", "OFF", "ON"),
    ("performance_schema_consumer_events_transactions_history", "OFF", "ON"),
    ("log_bin", "OFF", "ON"), ("server_id", "0", "1"), ("log_slave_updates", "OFF", "ON"),
    ("master_info_repository", "FILE", "TABLE"), ("relay_log_info_repository", "FILE", "TABLE"),
    ("transaction_write_set_extraction", "OFF", "XXHASH64"),
    ("slave_rows_search_algorithms", "TABLE_SCAN,INDEX_SCAN", "INDEX_SCAN,HASH_SCAN"),
    ("back_log", "50 + max_connections / 5 (at most 900)", "max_connections"),
    ("innodb_flush_method", "", "fsync"),
)


def _old_default(catalog: Catalog, name: str, old: str) -> str:
    """5.7's default; back_log's is computed from max_connections (autosized, like 8.0's own)."""
    if name == "back_log":
        try:
            return str(min(900, 50 + int(variable(catalog, "max_connections") or 151) // 5))
        except ValueError:
            return old
    return old


@check(
    id="sysVarsNewDefaults",
    title="System variables whose default changes in 8.0",
    severity=Severity.warning, source="mysql-shell", since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/upgrading-from-previous-series.html#upgrade-server-defaults",
    scope=Scope.server,
    detects="Global variables whose value is the MySQL 5.7 default where community 8.0 has a new default "
            "(" + ", ".join(n for n, _, _ in NEW_DEFAULTS) + "): the server relies on a default that changes. "
            "MySQL Shell's list (upgrade_check.cc Sysvar_new_defaults, 8.0.11 entries) and level (warning); the "
            "Shell asks whether the value's source is COMPILED, which 5.7 does not expose, so the value is compared.",
    why="After the upgrade the new default applies unless the parameter group pins the old value. Aurora "
        "MySQL 3's own family defaults can differ from community 8.0 (and binlog/replication settings are "
        "managed by Aurora), so compare with the aurora-mysql8.0 parameter group.",
    example="explicit_defaults_for_timestamp = OFF  -- ON in 8.0: TIMESTAMP columns lose implicit DEFAULT/ON UPDATE",
    fix="Decide per variable: pin the 5.7 value in the v3 parameter group, or test the application with "
        "the new default (aurora-upgrade params diff lists the family defaults).",
)
def sys_vars_new_defaults(c, catalog: Catalog):
    for name, old, new in NEW_DEFAULTS:
        value = variable(catalog, name)
        if value is not None and (same_value(value, _old_default(catalog, name, old))
                                  or (name == "innodb_flush_method" and same_value(value, "fsync"))):
            yield c.finding("variable", f"{name} is {value!r}, the 5.7 default; the community 8.0 default is {new!r}",
                            object_name=name,
                            fix=f"Pin {name}={old} in the v3 parameter group, or test with {new}.")


# AWS's examples: the precheck warns above these. AWS calls a history list length up to 100,000 "generally acceptable".
UNCOMMITTED_ROWS_THRESHOLD = 10_000_000


HISTORY_LIST_LENGTH_THRESHOLD = 1_000_000


HISTORY_LIST_LENGTH_ACCEPTABLE = 100_000


def _xa_data(value, length: int) -> bytes:
    """XA RECOVER's ``data`` as bytes: the collector keeps UTF-8 text, or ``0x<hex>`` for other bytes."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value or "")
    if text.startswith("0x") and len(text) == 2 + 2 * length:
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            pass
    return text.encode("utf-8")


def xid_sql(row: dict) -> str:
    """The xid of an ``XA RECOVER`` row as SQL (hex literals: gtrid/bqual are arbitrary bytes)."""
    g = int(row.get("gtrid_length") or 0)
    b = int(row.get("bqual_length") or 0)
    data = _xa_data(row.get("data"), g + b)
    gtrid, bqual = data[:g], data[g:g + b]
    return f"X'{gtrid.hex()}',X'{bqual.hex()}',{int(row.get('formatID', row.get('formatid', 1)) or 0)}"


@check(
    id="auroraUpgradeCheckForIncompleteXATransactions",
    title="XA transactions in PREPARED state",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="XA transactions that were prepared but never committed or rolled back (rows of XA RECOVER).",
    why="A prepared XA transaction survives restarts and failovers and blocks the clean shutdown the "
        "upgrade needs, so Aurora cancels the upgrade while one exists.",
    example="XA START 'pay-42'; UPDATE accounts SET balance = balance - 10 WHERE id = 1; XA END 'pay-42'; "
            "XA PREPARE 'pay-42';  -- and the coordinator never finishes it",
    fix="Ask the transaction coordinator to finish it, or decide by hand: run XA RECOVER, then "
        "XA COMMIT <xid> or XA ROLLBACK <xid> for each row (our finding gives the xid as hex literals).",
)
def incomplete_xa(c, catalog: Catalog):
    for row in catalog.server.xa_prepared:
        xid = xid_sql(row)
        yield c.finding("server", f"prepared XA transaction {xid} is neither committed nor rolled back",
                        object_name=f"xa {xid}", fix=f"XA COMMIT {xid};  -- or: XA ROLLBACK {xid};")


@check(
    id="auroraUpgradeCheckForUncommittedRowModifications",
    title="Large uncommitted transactions",
    severity=Severity.warning, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects=f"Open transactions that modified more than {UNCOMMITTED_ROWS_THRESHOLD:,} rows "
            "(information_schema.INNODB_TRX.TRX_ROWS_MODIFIED), the threshold of AWS's example.",
    why="The upgrade's clean shutdown rolls back every uncommitted change first; rolling back millions "
        "of rows can take hours of extra downtime (see the troubleshooting page: " + doc_links.AURORA_UPGRADE_TROUBLESHOOTING + ").",
    example="START TRANSACTION; UPDATE events SET archived = 1;  -- 12M rows, left open",
    fix="Commit or roll back large transactions before the upgrade window; split big batch jobs into "
        "small committed chunks, and pause them during the upgrade.",
)
def uncommitted_rows(c, catalog: Catalog):
    for trx in catalog.server.transactions:
        rows = int(trx.get("rows_modified") or 0)
        if rows > UNCOMMITTED_ROWS_THRESHOLD:
            started = f", open for {trx['seconds']} s" if trx.get("seconds") is not None else ""
            yield c.finding("server", f"transaction {trx.get('trx_id')} has {rows:,} uncommitted row "
                            f"modifications{started}", object_name=f"trx {trx.get('trx_id')}",
                            fix="Let it commit, or roll it back, before starting the upgrade.")


@check(
    id="auroraUpgradeCheckForRollbackSegmentHistoryLength",
    title="High undo history list length",
    severity=Severity.warning, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects=f"An InnoDB history list length (trx_rseg_history_len) above {HISTORY_LIST_LENGTH_THRESHOLD:,}, "
            "the threshold of AWS's example.",
    why="The clean shutdown before the upgrade waits for purge to clear the undo history; a long list "
        f"means a long shutdown. AWS calls up to {HISTORY_LIST_LENGTH_ACCEPTABLE:,} generally acceptable.",
    example="SELECT count FROM information_schema.innodb_metrics WHERE name = 'trx_rseg_history_len';  -- 4500000",
    fix="Find and end long-running transactions (INNODB_TRX ordered by trx_started), let purge catch up "
        f"(watch CloudWatch RollbackSegmentHistoryListLength) and upgrade when it is below {HISTORY_LIST_LENGTH_ACCEPTABLE:,}.",
)
def history_list_length(c, catalog: Catalog):
    hll = catalog.server.history_list_length
    if hll is not None and hll > HISTORY_LIST_LENGTH_THRESHOLD:
        yield c.finding("server", f"history list length is {hll:,} (warning above {HISTORY_LIST_LENGTH_THRESHOLD:,}; "
                        f"AWS considers up to {HISTORY_LIST_LENGTH_ACCEPTABLE:,} generally acceptable)",
                        object_name="trx_rseg_history_len",
                        fix="End long-running transactions and wait for purge before the upgrade.")


@check(
    id="auroraCheckDDLRecovery",
    title="DDL running, or DDL recovery leftovers",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Schema-changing statements (ALTER/CREATE/DROP/RENAME/TRUNCATE/ANALYZE/OPTIMIZE/REPAIR) running in the "
            "processlist, and rows left in Aurora's DDL recovery tables mysql.ddl_log_md_table / "
            "mysql.ddl_log_table when the collector could count them.",
    why="Aurora cancels the upgrade while DDL is running, and leftovers of Aurora v2's DDL recovery "
        "cannot be carried into the 8.0 data dictionary.",
    example="ALTER TABLE orders ADD COLUMN note TEXT;  -- still running on another session",
    fix="Let running DDL finish (or stop it) and keep schema changes frozen during the upgrade; for "
        "leftovers in the DDL recovery tables, contact AWS Support.",
)
def ddl_running(c, catalog: Catalog):
    for p in catalog.server.processlist:
        if str(p.get("command") or "").lower() in ("sleep", "daemon"):
            continue
        if is_ddl(p.get("info")):
            info = " ".join(str(p.get("info")).split())[:120]
            yield c.finding("server", f"DDL running for {p.get('time')} s in connection {p.get('id')} "
                            f"({p.get('user')}): {info}", object_name=f"connection {p.get('id')}",
                            fix="Wait for this statement to finish, or stop it, before the upgrade.")
    for table, rows in sorted((catalog.server.extra.get("ddl_log_rows") or {}).items()):
        if int(rows or 0) > 0:
            yield c.finding("table", f"{rows} row(s) left in the DDL recovery table mysql.{table}",
                            schema="mysql", object_name=table, fix="Contact AWS Support before the upgrade.")


_SYS_BASE_TABLES = {"sys_config"}  # the one base table the sys schema ships with


@check(
    id="auroraUpgradeCheckForSysSchemaObjectTypeMismatch",
    title="Base tables in the sys schema where views are expected",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Tables in the sys schema other than sys_config (every other sys object is a view).",
    why="The upgrade recreates the sys schema's views; an object of the same name with the wrong type "
        "(a base table, e.g. restored from a logical dump) makes that step fail.",
    example="CREATE TABLE sys.host_summary (host VARCHAR(255));",
    fix="Move any data you need out, then DROP TABLE sys.<name>; the upgrade recreates the view.",
)
def sys_schema_type(c, catalog: Catalog):
    # sys is a system schema: a live scan lists its base tables in extra, a dump may contain the schema itself.
    names = {t.name for t in catalog.tables if t.schema.lower() == "sys"}
    names |= set(catalog.server.extra.get("sys_base_tables") or ())
    for name in sorted(names):
        if name.lower() not in _SYS_BASE_TABLES:
            yield c.finding("table", "base table in the sys schema, where 8.0 expects a view", schema="sys",
                            object_name=name, fix=f"DROP TABLE sys.{quote_ident(name)};  -- after saving its data")


@check(
    id="auroraUpgradeCheckForMasterUser",
    title="RDS master user missing",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="The cluster's master user (name given with --master-user, or read from DescribeDBClusters) "
            "has no account in mysql.user. When the name is not known the check says so instead of passing.",
    why="The upgrade grants rds_superuser_role to the master user; if the account was dropped, that step fails.",
    example="DROP USER 'admin'@'%';  -- the master user of the cluster",
    fix="Reset the master user's password (aws rds modify-db-cluster --master-user-password ...); RDS then "
        "recreates the account.",
)
def master_user(c, catalog: Catalog):
    if not live_facts(catalog):
        return
    name = catalog.server.extra.get("master_user")
    if not name:
        yield c.finding("server", "not checked: the master user name is unknown (pass --master-user or "
                        "scan with AWS access to the cluster)", object_name="master user", severity=Severity.notice)
        return
    if not catalog.server.users:
        yield c.finding("server", "not checked: the account list (mysql.user) was not visible to the scan user",
                        object_name=f"user {name}", severity=Severity.notice)
        return
    if not any(parse_account(a)[0] == name for a in catalog.server.users):
        yield c.finding("user", f"master user '{name}' has no account", object_name=f"user {name}",
                        fix="aws rds modify-db-cluster --db-cluster-identifier <cluster> --master-user-password "
                            "<new password> --apply-immediately  (recreates the master user)")


@check(
    id="auroraUpgradeCheckForInternalUsers",
    title="Accounts in the MySQL 8.0 internal-user namespace",
    severity=Severity.notice, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Accounts named mysql.* (mysql.sys, mysql.session, mysql.infoschema): the names 8.0 uses for "
            "its internal users.",
    why="Aurora documents this precheck as relevant only for upgrade targets up to 3.03.0, where such "
        "accounts can make the upgrade fail; targets 3.04 and later handle them.",
    example="SELECT user, host FROM mysql.user WHERE user LIKE 'mysql.%';",
    fix="Choose an Aurora MySQL 3.04 or later target version (recommended); otherwise contact AWS Support "
        "before upgrading to 3.03 or earlier.",
)
def internal_users(c, catalog: Catalog):
    for account in catalog.server.users:
        user, host = parse_account(account)
        if user.lower().startswith("mysql."):
            yield c.finding("user", f"account '{user}'@'{host}' uses an 8.0 internal user name; this matters only "
                            "for targets up to Aurora MySQL 3.03", object_name=f"user {user}@{host}",
                            fix="Upgrade to Aurora MySQL 3.04 or later.")


@check(
    id="checkTableCommand",
    title="Issues reported by CHECK TABLE ... FOR UPGRADE",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    scope=Scope.server, opt_in="--check-table",
    aliases=("checkTableOutput", "tableCommand"),
    detects="Every row other than a plain status that CHECK TABLE ... FOR UPGRADE returns for a user table, at "
            "the level the server gives it (error, warning, else notice), as MySQL Shell's checkTableCommand "
            "(upgrade_check_creators.cc:447-514); the native-partitioning warning is left to "
            "nonNativePartitioning, as the Shell does. Runs only with precheck --check-table on a live server: "
            "the statement opens every table (slow on big schemas) and on 5.7 may rewrite a table's .frm "
            "version, so it is not the pure read the rest of the scan is. Without the flag it is reported as not run.",
    why="Tables CHECK TABLE flags as needing repair or rebuild cannot be upgraded in place; the upgrade runs the "
        "same command (Aurora's log calls it checkTableOutput).",
    example="CHECK TABLE shop.orders FOR UPGRADE;  -- Table upgrade required. Please do \"REPAIR TABLE ...\"",
    fix="Rebuild the table on 5.7 (ALTER TABLE ... FORCE, or REPAIR TABLE for MyISAM) and re-run the check.",
)
def check_table_command(c, catalog: Catalog):
    for row in catalog.server.extra.get("check_table", []):
        level = {"error": Severity.error, "warning": Severity.warning}.get(row.get("type"), Severity.notice)
        if level is Severity.warning and "use native partitioning instead." in row.get("text", ""):
            continue
        yield c.finding("table", row.get("text", ""), schema=row.get("schema"), object_name=row.get("table"),
                        severity=level,
                        fix=f"ALTER TABLE {quote_qualified(str(row.get('schema')), str(row.get('table')))} "
                            "FORCE;  -- REPAIR TABLE for MyISAM")


# --- authentication methods and plugins (MySQL Shell's feature life-cycle checks) -----------------------

# (feature, deprecated in, replacement): feature_life_cycle_check.cc:178-195 and 263-282. The level follows
# common.cc get_issue_level(): a notice for a target before the deprecation, a warning from it on.
AUTH_METHODS = (("sha256_password", "8.0.16", "caching_sha2_password"),
                ("mysql_native_password", "8.0.34", "caching_sha2_password"))
DEPRECATED_PLUGINS = (("keyring_file", "8.0.34", "the 'component_keyring_file' component"),
                      ("keyring_encrypted_file", "8.0.34", "the 'component_encrypted_keyring_file' component"),
                      ("keyring_oci", "8.0.31", "the 'component_keyring_oci' component"))
# creators.cc deprecated_auth_funcs::k_auth_list
DEPRECATED_AUTH = ("sha256_password", "mysql_native_password", "authentication_fido")


def _life_cycle(target: Target, deprecated: str) -> tuple[Severity, str]:
    if target.reaches(deprecated):
        return Severity.warning, f"is deprecated as of MySQL {deprecated} and will be removed in a future release"
    return Severity.notice, f"will be deprecated as of MySQL {deprecated}"


def _router_account(account: str) -> bool:
    return parse_account(account)[0].startswith("mysql_router")


@check(
    id="authMethodUsage",
    title="Accounts using deprecated authentication methods",
    severity=Severity.warning, source="mysql-shell", since="8.0.0", scope=Scope.server,
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/caching-sha2-pluggable-authentication.html",
    detects="Accounts (mysql.user.plugin) using sha256_password (deprecated 8.0.16) or mysql_native_password "
            "(deprecated 8.0.34), MySQL Router accounts left to deprecatedRouterAuthMethod: MySQL Shell's "
            "authMethodUsage (feature_life_cycle_check.cc:178-261), a notice for a target before the "
            "deprecation and a warning from it on (common.cc:373-397).",
    why="The methods keep working in 8.0, but are deprecated and disabled by default in 8.4, so the accounts "
        "need another method before the next upgrade. Aurora MySQL 3 keeps mysql_native_password as its "
        "default, so on Aurora this is a planning note, not a blocker.",
    example="CREATE USER app IDENTIFIED WITH sha256_password BY '...';",
    fix="ALTER USER ... IDENTIFIED WITH caching_sha2_password BY '...' once every client supports it.",
)
def auth_method_usage(c, catalog: Catalog, target: Target):
    plugins = catalog.server.extra.get("user_plugins", {})
    for method, deprecated, replacement in AUTH_METHODS:
        level, state = _life_cycle(target, deprecated)
        for account, plugin in sorted(plugins.items()):
            if plugin == method and not _router_account(account):
                yield c.finding("user", f"uses the '{method}' authentication method, which {state}",
                                object_name=account, severity=level,
                                fix=f"ALTER USER {account} IDENTIFIED WITH {replacement} BY '<password>';")


@check(
    id="pluginUsage",
    title="Active plugins that are deprecated or removed",
    severity=Severity.warning, source="mysql-shell", since="8.0.0", scope=Scope.server,
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/keyring-component-installation.html",
    detects="ACTIVE plugins in information_schema.PLUGINS that 8.0 deprecates: keyring_file and "
            "keyring_encrypted_file (8.0.34), keyring_oci (8.0.31), MySQL Shell's pluginUsage "
            "(feature_life_cycle_check.cc:263-313), at its life-cycle level.",
    why="The keyring plugins are replaced by keyring components; they still load in 8.0 but are removed in 8.4.",
    example="-- early-plugin-load=keyring_file.so in the option file",
    fix="Migrate to the keyring component named in the finding (Aurora manages encryption keys itself).",
)
def plugin_usage(c, catalog: Catalog, target: Target):
    active = set(catalog.server.extra.get("active_plugins", []))
    for plugin, deprecated, replacement in DEPRECATED_PLUGINS:
        if plugin in active:
            level, state = _life_cycle(target, deprecated)
            yield c.finding("plugin", f"the '{plugin}' plugin {state}; consider using {replacement} instead",
                            object_name=plugin, severity=level, fix=f"Move to {replacement}.")


@check(
    id="deprecatedDefaultAuth",
    title="Deprecated default authentication method in system variables",
    severity=Severity.warning, source="mysql-shell", since="8.0.0", scope=Scope.server,
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_default_authentication_plugin",
    detects="default_authentication_plugin set to sha256_password, mysql_native_password or authentication_fido, "
            "MySQL Shell's deprecatedDefaultAuth (upgrade_check_creators.cc:1300-1357; a warning for targets "
            "before 8.4, upgrade_check_creators.cc:1243-1257).",
    why="The method is deprecated in 8.0 and removed as a default in 8.4. On Aurora MySQL 3 the parameter stays "
        "mysql_native_password and cannot be changed, so there it only flags the next major upgrade.",
    example="default_authentication_plugin = mysql_native_password",
    fix="Nothing to change for Aurora MySQL 3; plan caching_sha2_password clients before moving beyond 8.0.",
)
def deprecated_default_auth(c, catalog: Catalog):
    value = variable(catalog, "default_authentication_plugin")
    for method in [v.strip() for v in (value or "").split(",")]:
        if method in DEPRECATED_AUTH:
            yield c.finding("variable", f"{method} authentication method is deprecated and it should be considered "
                            "to correct this before upgrading to 8.4.0 release", object_name="default_authentication_plugin")


@check(
    id="deprecatedRouterAuthMethod",
    title="MySQL Router accounts using deprecated authentication methods",
    severity=Severity.warning, source="mysql-shell", since="8.0.0", scope=Scope.server,
    doc_url="https://dev.mysql.com/doc/mysql-shell/8.0/en/configuring-router-user.html",
    detects="Accounts named mysql_router* whose authentication plugin is sha256_password, "
            "mysql_native_password or authentication_fido, MySQL Shell's deprecatedRouterAuthMethod "
            "(upgrade_check_creators.cc:1359-1372; a warning for targets before 8.4).",
    why="MySQL Router creates these accounts at bootstrap; with a deprecated method they stop working once "
        "the method is removed (8.4).",
    example="-- mysql_router1_abc@'%' created by an old Router bootstrap, plugin mysql_native_password",
    fix="Upgrade MySQL Router and re-bootstrap it, or give it a dedicated account with another method.",
)
def deprecated_router_auth_method(c, catalog: Catalog):
    for account, plugin in sorted(catalog.server.extra.get("user_plugins", {}).items()):
        if plugin in DEPRECATED_AUTH and _router_account(account):
            yield c.finding("user", f"router user with deprecated authentication method ({plugin})",
                            object_name=account, fix="Re-bootstrap MySQL Router with a current version.")
