"""sql_mode flags removed in 8.0, persisted with stored programs or set globally."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks.dates import sql_mode_flags
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog

OBSOLETE_FLAGS = ("DB2", "MSSQL", "MYSQL323", "MYSQL40", "NO_AUTO_CREATE_USER", "NO_FIELD_OPTIONS",
                  "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "ORACLE", "POSTGRESQL")


def _flagged(c: Check, catalog: Catalog, flags: tuple[str, ...], what: str, fix: str):
    """One finding per stored program (and for the global sql_mode) holding any of ``flags``."""
    for kind, objects in (("routine", catalog.routines), ("event", catalog.events), ("trigger", catalog.triggers)):
        for o in objects:
            found = [f for f in flags if f in sql_mode_flags(o.sql_mode)]
            if found:
                label = o.kind.upper() if kind == "routine" else kind.upper()
                yield c.finding(kind, f"{label} uses obsolete {', '.join(found)} sql_mode{what}", schema=o.schema,
                                object_name=o.name, fix=fix)
    found = [f for f in flags if f in sql_mode_flags(catalog.server.sql_mode)]
    if found:
        yield c.finding("server", f"global.sql_mode defined using obsolete {', '.join(found)} option{what}",
                        object_name="global.sql_mode",
                        fix=f"Remove {', '.join(found)} from sql_mode in the DB cluster parameter group.")


@check(
    id="obsoleteSqlModeFlags",
    title="Usage of obsolete sql_mode flags",
    severity=Severity.notice,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVALS,
    detects="Routines, triggers and events whose stored sql_mode, and a global sql_mode, that contain a flag "
            "removed in 8.0: " + ", ".join(OBSOLETE_FLAGS) + ".",
    why="8.0 no longer knows these flags. The upgrade clears them from stored programs (their behaviour can "
        "change), and a parameter group or client that still sets them gets ER_WRONG_VALUE_FOR_VAR.",
    example="SET sql_mode = 'NO_AUTO_CREATE_USER'; CREATE PROCEDURE p() SELECT 1;",
    fix="Re-create the stored programs under an sql_mode without these flags and remove them from the "
        "parameter group and from application connection settings.",
    aliases=("obsoleteSqlModeFlagsCheck", "sqlModeFlagCheck", "sqlModeFlag"),
)
def obsolete_sql_mode_flags(c: Check, catalog: Catalog):
    yield from _flagged(c, catalog, OBSOLETE_FLAGS, "",
                        "Re-create it after SET sql_mode without the obsolete flags (the upgrade would drop them).")


@check(
    id="maxdbFlag",
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
    aliases=("maxdbFlagCheck", "maxdbSqlModeFlags"),
)
def maxdb_flag(c: Check, catalog: Catalog):
    yield from _flagged(c, catalog, ("MAXDB",), "",
                        "Re-create it after SET sql_mode without MAXDB; write DATETIME where DATETIME is meant.")
