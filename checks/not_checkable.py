"""Prechecks that no SQL scan can answer: on-disk, InnoDB-internal or AWS-internal state.

They are registered (so ``checks list``, the docs and the report name them as "not checked"
instead of silently leaving them out) with ``Scope.not_checkable``; the engine never runs them.
Each one's ``fix`` says what to do instead: run the real prechecks on a copy of the cluster and
read its ``upgrade-prechecks.log``.
"""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks.registry import Scope, Severity, check


_DRY_RUN = ("Run the real prechecks on a copy: clone the cluster (or create a blue/green deployment) and "
            "upgrade the clone/green cluster to the 3.x target; then read its upgrade-prechecks.log "
            "(aurora-upgrade precheck --import-aurora-log FILE merges it into this report).")


def _never_run(check, catalog):
    """Not-checkable checks have no scan: the engine skips them by scope and reports them as not checked."""
    raise RuntimeError(f"{check.id} cannot be checked from SQL")


def _register(id: str, title: str, severity: Severity, source: str, doc_url: str, detects: str, why: str,
              example: str, extra_fix: str = "", aliases: tuple[str, ...] = ()) -> None:
    check(id=id, title=title, severity=severity, source=source, since="8.0.11", doc_url=doc_url,
          scope=Scope.not_checkable, aliases=aliases, detects=detects, why=why, example=example,
          fix=(extra_fix + " " if extra_fix else "") + _DRY_RUN)(_never_run)


_register(
    "checkTableMysqlSchema", "CHECK TABLE ... FOR UPGRADE problems in the mysql schema", Severity.error,
    "mysql-shell", doc_links.AURORA_PRECHECKS,
    detects="Problems CHECK TABLE ... FOR UPGRADE reports on the system tables in mysql. Not checkable "
            "from a read-only scan: CHECK TABLE is a maintenance statement that opens and validates table "
            "files, and on Aurora the system tables are managed by RDS.",
    why="A damaged or outdated system table cannot be converted into the 8.0 data dictionary.",
    example="CHECK TABLE mysql.user FOR UPGRADE;  -- 'Table upgrade required'",
    extra_fix="Contact AWS Support for damaged system tables, or dump and restore into a new cluster.")

_register(
    "getMismatchedMetadata", "Column definitions that differ between InnoDB and the .frm", Severity.error,
    "aurora", doc_links.AURORA_PRECHECKS,
    detects="Columns whose name or definition differs between the InnoDB dictionary and the .frm file "
            "(e.g. iD vs id). Not checkable: the .frm side is on disk, and a scan sees only the SQL layer.",
    why="The 8.0 data dictionary is built from both; a mismatch stops the migration.",
    example="-- InnoDB has column `iD`, the .frm has `id` after a failed rename",
    extra_fix="Rebuild the affected table (ALTER TABLE ... ENGINE=InnoDB) or rename the column back.")

_register(
    "auroraFODUpgradeCheck", "Tables with pending Fast DDL (lab mode) changes", Severity.error,
    "aurora", doc_links.AURORA_PRECHECKS,
    detects="Tables changed with Aurora v2 lab-mode Fast DDL whose rows are not yet rewritten. Not "
            "checkable: the pending state lives in Aurora's storage layer, not in SQL metadata.",
    why="Aurora MySQL 3 has no lab-mode Fast DDL; rows in the old, pending layout cannot be upgraded.",
    example="SET aurora_lab_mode = 1; ALTER TABLE big ADD COLUMN c INT;  -- instant, rows rewritten lazily",
    extra_fix="Rebuild tables that were changed with Fast DDL: OPTIMIZE TABLE t or ALTER TABLE t ENGINE=InnoDB.")

_register(
    "auroraUpgradeCheckForFtsSpaceIdZero", "FULLTEXT auxiliary tables in the system tablespace", Severity.error,
    "aurora", doc_links.AURORA_PRECHECKS,
    detects="FULLTEXT index auxiliary tables stored in the system tablespace (space id 0, old MySQL bug "
            "#72132). Not checkable: auxiliary FTS tables and their space ids are InnoDB internals.",
    why="8.0 expects FTS auxiliary tables in the table's own tablespace.",
    example="-- a FULLTEXT index created while innodb_file_per_table was OFF",
    extra_fix="Drop and recreate the FULLTEXT index with innodb_file_per_table=ON.")

_register(
    "auroraUpgradeCheckForDatafilePathInconsistency", "ibd data-file path inconsistency", Severity.error,
    "aurora", doc_links.AURORA_PRECHECKS,
    detects="Inconsistent .ibd file paths. Not checkable: file paths are in Aurora's storage layer. Only "
            "targets up to 3.03.0 are affected.",
    why="Upgrades to 3.03.0 and earlier fail on the inconsistent path.",
    example="-- internal to Aurora storage",
    extra_fix="Choose an Aurora MySQL 3.04 or later target.")

_register(
    "auroraUpgradeCheckForInstanceLimit", "Writer instance class not supported by the upgrade", Severity.error,
    "aurora", doc_links.AURORA_PRECHECKS,
    detects="A writer on db.r6i.32xlarge while running Aurora MySQL 2.12.0 or 2.12.1. Not checkable from "
            "SQL: the instance class is an RDS API fact (DescribeDBInstances), not a database fact.",
    why="That combination cannot run the upgrade.",
    example="-- writer db.r6i.32xlarge on 5.7.mysql_aurora.2.12.1",
    extra_fix="Check the writer class in the RDS console/API; move to 2.12.2 or later, or to a 24xlarge, first.")

_register(
    "auroraCheckRdsUpgradePrechecksTable", "RDS internal precheck table", Severity.error, "aurora", doc_links.AURORA_PRECHECKS,
    detects="Whether RDS's internal mysql.rds_upgrade_prechecks table is in order. Not checkable and not "
            "the DBA's to fix: RDS creates and manages it.",
    why="RDS records precheck state there; problems with it are internal to RDS.",
    example="-- internal to RDS",
    extra_fix="If Aurora reports it, contact AWS Support.")

_register(
    "auroraUpgradeCheckMissingInnodbMetadataForMysqlHostTable", "InnoDB metadata of mysql.host", Severity.error,
    "aurora", doc_links.AURORA_PRECHECKS,
    detects="Missing InnoDB metadata for the legacy mysql.host table. Not checkable: it is InnoDB-internal "
            "state that RDS handles.",
    why="The upgrade drops mysql.host and needs its InnoDB metadata to do so.",
    example="-- internal to RDS",
    extra_fix="If Aurora reports it, contact AWS Support.")

