"""sql_mode: zero dates the mode allows, and flags 8.0 removed, persisted with stored programs or set globally."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.collect.normalize import sql_mode_flags
from upgrade_cli.precheck.model import Catalog, Routine
from upgrade_cli.sqltext import quote_ident, quote_qualified


@check(
    id="zeroDates",
    title="Zero Date, Datetime, and Timestamp values",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html#sqlmode_no_zero_date",
    detects="A global sql_mode without NO_ZERO_DATE or NO_ZERO_IN_DATE (when the server is known), connected "
            "sessions whose sql_mode lacks them (performance_schema.variables_by_thread, live only), and DATE, "
            "DATETIME and TIMESTAMP columns whose default is a zero date ('0000-00-00...'): MySQL Shell's three "
            "queries (upgrade_check_creators.cc:877-911).",
    why="8.0's default sql_mode includes NO_ZERO_DATE, NO_ZERO_IN_DATE and strict mode: a table whose column "
        "defaults to '0000-00-00' can no longer be created from its dump, and inserts relying on zero dates fail.",
    example="CREATE TABLE t (created DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00');",
    fix="Give the column a real default or make it NULL DEFAULT NULL (update zero values first), and add "
        "NO_ZERO_DATE,NO_ZERO_IN_DATE to the sql_mode of the parameter group once the data is clean.",
    aliases=("zeroDatesCheck",),
)
def zero_dates(c: Check, catalog: Catalog):
    if catalog.server.sql_mode is not None:
        missing = {"NO_ZERO_DATE", "NO_ZERO_IN_DATE"} - sql_mode_flags(catalog.server.sql_mode)
        if missing:
            yield c.finding("server", f"global.sql_mode does not contain {' or '.join(sorted(missing))}, "
                                      "which allows insertion of zero dates",
                            object_name="global.sql_mode",
                            fix="Add NO_ZERO_DATE,NO_ZERO_IN_DATE to sql_mode (the DB cluster parameter group) "
                                "after cleaning zero dates out of the data.")
    sessions = catalog.server.extra.get("sessions_allowing_zero_dates")
    if sessions:
        yield c.finding("server", f"session.sql_mode of {sessions} session(s) does not contain either NO_ZERO_DATE or "
                                  "NO_ZERO_IN_DATE which allows insertion of zero dates", object_name="session.sql_mode",
                        fix="Find the clients that set such an sql_mode (performance_schema.variables_by_thread) and "
                            "make them keep NO_ZERO_DATE,NO_ZERO_IN_DATE.")
    for t in catalog.tables:
        table_sql = ""  # quoted once for all its columns' fixes
        for col in t.columns:
            if col.data_type in ("date", "datetime", "timestamp") and (col.default or "").startswith("0000-00-00"):
                table_sql = table_sql or quote_qualified(t.schema, t.name)
                yield c.finding("column", f"column has zero default value: {col.default}", schema=t.schema,
                                object_name=t.name, column=col.name,
                                fix=f"UPDATE rows holding zero dates, then ALTER TABLE {table_sql} ALTER COLUMN "
                                    f"{quote_ident(col.name)} SET DEFAULT <a real date> (or MODIFY it NULL DEFAULT NULL).")


OBSOLETE_FLAGS = ("DB2", "MSSQL", "MYSQL323", "MYSQL40", "NO_AUTO_CREATE_USER", "NO_FIELD_OPTIONS",
                  "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "ORACLE", "POSTGRESQL")


def _flagged(c: Check, catalog: Catalog, flags: tuple[str, ...], fix: str):
    """One finding per (stored program, flag) and per flag of the global sql_mode, as the Shell's one query
    per flag gives (upgrade_check_creators.cc:352-396). The stored sql_mode is the expanded one 5.7 keeps
    (DB2 brings NO_KEY_OPTIONS, NO_TABLE_OPTIONS, NO_FIELD_OPTIONS), so each of those is a finding too."""
    for kind, objects in (("routine", catalog.routines), ("event", catalog.events), ("trigger", catalog.triggers)):
        for o in objects:
            stored = sql_mode_flags(o.sql_mode)
            label = o.kind.upper() if isinstance(o, Routine) else kind.upper()  # PROCEDURE or FUNCTION
            for f in flags:
                if f in stored:
                    yield c.finding(kind, f"{label} uses obsolete {f} sql_mode", schema=o.schema,
                                    object_name=o.name, fix=fix)
    stored = sql_mode_flags(catalog.server.sql_mode)
    for f in flags:
        if f in stored:
            yield c.finding("server", f"global.sql_mode defined using obsolete {f} option",
                            object_name="global.sql_mode",
                            fix=f"Remove {f} from sql_mode in the DB cluster parameter group.")


@check(
    id="obsoleteSqlModeFlags",
    title="Usage of obsolete sql_mode flags",
    severity=Severity.notice,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVALS,
    detects="Routines, triggers and events whose stored sql_mode, and a global sql_mode, that contain a flag "
            "removed in 8.0: " + ", ".join(OBSOLETE_FLAGS) + ". One finding per object and flag, on the sql_mode "
            "5.7 stores: a combination mode is expanded when it is set (DB2, MSSQL and POSTGRESQL add NO_KEY_OPTIONS, "
            "NO_TABLE_OPTIONS and NO_FIELD_OPTIONS; ORACLE and TRADITIONAL add NO_AUTO_CREATE_USER too), and "
            "SET sql_mode = DEFAULT in a dump means 5.7's default (which holds NO_AUTO_CREATE_USER). MySQL Shell: "
            "upgrade_check_creators.cc:352-396.",
    why="8.0 no longer knows these flags. The upgrade clears them from stored programs (their behaviour can "
        "change), and a parameter group or client that still sets them gets ER_WRONG_VALUE_FOR_VAR.",
    example="SET sql_mode = 'NO_AUTO_CREATE_USER'; CREATE PROCEDURE p() SELECT 1;",
    fix="Re-create the stored programs under an sql_mode without these flags and remove them from the "
        "parameter group and from application connection settings.",
    aliases=("obsoleteSqlModeFlagsCheck", "sqlModeFlagCheck", "sqlModeFlag"),
)
def obsolete_sql_mode_flags(c: Check, catalog: Catalog):
    yield from _flagged(c, catalog, OBSOLETE_FLAGS,
                        "Re-create it after SET sql_mode without the obsolete flags (the upgrade would drop them).")


@check(
    id="maxdbSqlModeFlags",
    title="Usage of obsolete MAXDB sql_mode flag",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVALS,
    detects="Routines, triggers and events whose stored sql_mode, and a global sql_mode, that contain MAXDB.",
    why="MAXDB is removed in 8.0 and cleared on upgrade. Under MAXDB, TIMESTAMP columns created by the object "
        "were DATETIME; without it they become TIMESTAMP, with its range and time zone semantics.",
    example="SET sql_mode = 'MAXDB'; CREATE PROCEDURE p() CREATE TABLE t (ts TIMESTAMP);",
    fix="Re-create the stored programs without MAXDB (write DATETIME where DATETIME is meant) and remove it from "
        "the parameter group.",
    aliases=("maxdbFlag", "maxdbFlagCheck"),
)
def maxdb_flag(c: Check, catalog: Catalog):
    yield from _flagged(c, catalog, ("MAXDB",),
                        "Re-create it after SET sql_mode without MAXDB; write DATETIME where DATETIME is meant.")
