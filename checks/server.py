"""MySQL Shell's checks that need server facts or whole-table metadata, plus the variable checks.

Community ids (what ``util.checkForServerUpgrade`` and Aurora's log call them). Where a fact
is only on a live server (``mysql.*`` tables, global variables, definers as the server stores
them) the check has ``Scope.server``; the rest work on a dump too.
"""

from __future__ import annotations

import re

from upgrade_cli import doc_links
from upgrade_cli.checks._facts import index_part_bytes, live_facts, same_value, variable
from upgrade_cli.checks.registry import Scope, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident


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
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES, scope=Scope.server,
    aliases=("mysqlSchemaCheck",),
    detects="Tables in the mysql schema named like a table of the 8.0 data dictionary or system schema "
            "(" + ", ".join(sorted(DICTIONARY_TABLES)) + ").",
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
    id="mysqlOrphanedRoutines",
    title="Stored routines whose schema no longer exists",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.SHELL_UPGRADE_CHECKER, scope=Scope.server,
    aliases=("mysqlOrphanedRoutinesCheck",),
    detects="Rows in mysql.proc (routines) whose database was dropped without them.",
    why="8.0 stores routines in the data dictionary, tied to an existing schema; an orphan cannot be "
        "migrated and stops the upgrade.",
    example="-- a routine left in mysql.proc after its database directory was removed by hand",
    fix="Drop the routine (create the schema, DROP PROCEDURE/FUNCTION, drop the schema again) or "
        "recreate its schema if it is still needed.",
)
def orphaned_routines(c, catalog: Catalog):
    for r in catalog.server.orphaned_routines:
        kind = str(r.get("type") or r.get("kind") or "routine").upper()
        schema, name = r.get("schema"), r.get("name")
        yield c.finding("routine", f"{kind.lower()} belongs to schema {schema!r}, which does not exist",
                        schema=schema, object_name=name,
                        fix=f"CREATE DATABASE {quote_ident(str(schema))}; DROP {kind if kind in ('PROCEDURE', 'FUNCTION') else 'PROCEDURE'} "
                            f"{quote_ident(str(schema))}.{quote_ident(str(name))}; DROP DATABASE {quote_ident(str(schema))};")


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
                            fix=f"RENAME TABLE {quote_ident(obj.schema)}.{quote_ident(obj.name)} TO "
                                f"{quote_ident(obj.schema)}.{quote_ident(obj.name.lower())};")


_OLD_TEMPORAL_MARKERS = ("5.5 binary format", "mariadb-5.3")


@check(
    id="oldTemporal",
    title="Temporal columns in the pre-5.6.4 storage format",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES, scope=Scope.server,
    aliases=("oldTemporalCheck",),
    detects="TIME, DATETIME and TIMESTAMP columns still stored in the old (5.5) format. The server shows "
            "this only while show_old_temporals=ON (MySQL 5.7: COLUMN_TYPE gets '/* 5.5 binary format */'). "
            "MariaDB has no show_old_temporals, so there (and whenever the variable is not ON) this is "
            "not checkable from SQL and the check says so.",
    why="8.0 cannot read the old temporal format; the upgrade stops on such tables.",
    example="-- a table created on MySQL 5.5 and never rebuilt: created TIMESTAMP /* 5.5 binary format */",
    fix="Rebuild the table on 5.7: ALTER TABLE t FORCE (or ENGINE=InnoDB).",
)
def old_temporal(c, catalog: Catalog):
    found = False
    for t in catalog.tables:
        for col in t.columns:
            if any(m in (col.column_type or "").lower() for m in _OLD_TEMPORAL_MARKERS):
                found = True
                yield c.finding("column", f"{col.data_type.upper()} column uses the pre-5.6.4 storage format",
                                schema=t.schema, object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} FORCE;")
    if not found and live_facts(catalog) and not same_value(variable(catalog, "show_old_temporals"), "ON"):
        yield c.finding("server", "not checkable: the server does not expose old temporal columns "
                        "(show_old_temporals is not ON for the scan); read Aurora's upgrade-prechecks.log or run "
                        "mysqlcheck --check-upgrade on a clone", object_name="show_old_temporals",
                        severity=Severity.notice)


_COMPACT_FORMATS = {"COMPACT", "REDUNDANT"}


def _row_format(catalog: Catalog, table) -> str | None:
    if table.row_format:
        return table.row_format.upper()
    engine = (table.engine or variable(catalog, "default_storage_engine") or "InnoDB").lower()
    if engine != "innodb":
        return None
    default = variable(catalog, "innodb_default_row_format")
    return default.upper() if default else None


@check(
    id="mysqlIndexTooLarge",
    title="Indexes over 767 bytes on COMPACT/REDUNDANT tables",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES,
    aliases=("mysqlIndexTooLargeCheck", "auroraUpgradeCheckIndexLengthLimit"),
    detects="Index parts longer than 767 bytes (characters times bytes per character) on InnoDB tables "
            "with ROW_FORMAT=COMPACT or REDUNDANT (declared, or the server's innodb_default_row_format).",
    why="These row formats allow at most 767 bytes per index column; such indexes exist only through a "
        "bug fixed in 5.7.35 and become unusable (the table inaccessible) after the upgrade.",
    example="CREATE TABLE t (name VARCHAR(255) CHARACTER SET utf8mb4, KEY (name)) ROW_FORMAT=COMPACT;",
    fix="ALTER TABLE t ROW_FORMAT=DYNAMIC (index columns up to 3072 bytes), or shorten the index with a prefix.",
)
def index_too_large(c, catalog: Catalog):
    for t in catalog.tables:
        fmt = _row_format(catalog, t)
        if fmt not in _COMPACT_FORMATS:
            continue
        for ix in t.indexes:
            if ix.index_type.upper() in ("FULLTEXT", "SPATIAL"):
                continue
            for part in ix.parts:
                size = index_part_bytes(t, part.column, part.sub_part)
                if size is not None and size > 767:
                    yield c.finding("index", f"index {ix.name} part {part.column} is {size} bytes, over the 767-byte "
                                    f"limit of ROW_FORMAT={fmt}", schema=t.schema, object_name=t.name,
                                    column=ix.name,
                                    fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} ROW_FORMAT=DYNAMIC;")


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
    ("internal_tmp_disk_storage_engine", "InnoDB", None),
)


@check(
    id="removedSysVars",
    title="System variables removed in 8.0 that are set to a non-default value",
    severity=Severity.warning, source="mysql-shell", since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVED_OPTIONS,
    scope=Scope.server,
    detects="Global variables that no longer exist in 8.0 (" + ", ".join(n for n, _, _ in REMOVED_VARIABLES) +
            ") whose current value differs from the MySQL 5.7 default, i.e. someone (or the parameter group) "
            "relies on them. Only the variables the scan could read are checked.",
    why="Aurora MySQL 3 parameter groups have no such parameter, so the setting silently disappears (e.g. "
        "the query cache is gone), and SET/SELECT @@var in applications fails with an unknown-variable error.",
    example="SET GLOBAL query_cache_type = ON;  -- or query_cache_type=1 in the v2 parameter group",
    fix="Drop the setting from the v3 parameter group (aurora-upgrade params diff shows them), move it to "
        "its replacement variable where there is one, and remove references from application code.",
)
def removed_sys_vars(c, catalog: Catalog):
    for name, default, replacement in REMOVED_VARIABLES:
        value = variable(catalog, name)
        if value is None or same_value(value, default):
            continue
        instead = f"; use {replacement} instead" if replacement else ""
        yield c.finding("variable", f"{name} = {value!r} (5.7 default {default!r}) is removed in 8.0{instead}",
                        object_name=name,
                        fix=(f"Set {replacement} in the v3 parameter group." if replacement else
                             "Remove it from the parameter group and from application code."))


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
)


@check(
    id="sysVarsNewDefaults",
    title="System variables whose default changes in 8.0",
    severity=Severity.notice, source="mysql-shell", since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/upgrading-from-previous-series.html#upgrade-server-defaults",
    scope=Scope.server,
    detects="Global variables whose value is the MySQL 5.7 default where community 8.0 has a new default "
            "(" + ", ".join(n for n, _, _ in NEW_DEFAULTS) + "): the server relies on a default that changes.",
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
        if value is not None and same_value(value, old):
            yield c.finding("variable", f"{name} is {value!r}, the 5.7 default; the community 8.0 default is {new!r}",
                            object_name=name,
                            fix=f"Pin {name}={old} in the v3 parameter group, or test with {new}.")
