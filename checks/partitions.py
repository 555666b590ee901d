"""Partitioned tables: non-native partitioning, partitions in shared tablespaces, temporal partition bounds."""

from __future__ import annotations

import re

from upgrade_cli import doc_links
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import Token, quote_ident, quote_qualified, tokenize


NATIVE_PARTITIONING_ENGINES = ("INNODB", "NDB", "NDBCLUSTER")


@check(
    id="nonNativePartitioning",
    title="Partitioned tables using engines with non native partitioning",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/partitioning-limitations-storage-engines.html",
    detects="Partitioned tables whose engine is not InnoDB (or NDB): MyISAM, ARCHIVE, MEMORY, ...",
    why="8.0 removed the generic partitioning handler; only engines with native partitioning can hold "
        "partitioned tables. Such a table cannot be opened after the upgrade.",
    example="CREATE TABLE t (id INT) ENGINE=MyISAM PARTITION BY HASH(id) PARTITIONS 4;",
    fix="ALTER TABLE ... ENGINE=InnoDB before the upgrade, or remove the partitioning "
        "(ALTER TABLE ... REMOVE PARTITIONING).",
    aliases=("nonNativePartitioningCheck",),
)
def non_native_partitioning(c: Check, catalog: Catalog):
    for t in catalog.tables:
        # no ENGINE clause (a hand-written DDL) means the default engine, InnoDB since 5.5
        if t.partition_method and t.engine and t.engine.upper() not in NATIVE_PARTITIONING_ENGINES:
            yield c.finding("table", f"{t.engine} engine does not support native partitioning", schema=t.schema,
                            object_name=t.name,
                            fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} ENGINE=InnoDB;")


def _shared(tablespace: str | None) -> bool:
    return bool(tablespace and tablespace.lower() != "innodb_file_per_table")


@check(
    id="partitionedTablesInSharedTablespaces",
    title="Usage of partitioned tables in shared tablespaces",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.13",
    doc_url=doc_links.MYSQL_80_REMOVALS,
    detects="Partitions (or partitioned tables) stored in a shared tablespace: a general tablespace or "
            "innodb_system.",
    why="8.0.13 removed support for placing table partitions in shared tablespaces; the upgrade refuses them.",
    example="CREATE TABLE t (id INT) TABLESPACE ts1 PARTITION BY HASH(id) PARTITIONS 2;",
    fix="Move each partition to its own file: ALTER TABLE ... REORGANIZE PARTITION ... TABLESPACE "
        "innodb_file_per_table (or rebuild the table without TABLESPACE).",
    aliases=("partitionedTablesInSharedTablespace", "partitionedTablesInSharedTablespaceCheck"),
)
def partitions_in_shared_tablespace(c: Check, catalog: Catalog):
    for t in catalog.tables:
        if not t.partition_method:
            continue
        for p in t.partitions:
            space = p.tablespace if p.tablespace else t.tablespace
            if _shared(space):
                yield c.finding("table", f"Partition {p.name} is in shared tablespace {space}", schema=t.schema,
                                object_name=t.name,
                                fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} REORGANIZE PARTITION "
                                    f"{quote_ident(p.name)} INTO (PARTITION {quote_ident(p.name)} ... TABLESPACE "
                                    "innodb_file_per_table) -- repeat the partition's VALUES clause")
        if not t.partitions and _shared(t.tablespace):
            yield c.finding("table", f"partitioned table is in shared tablespace {t.tablespace}", schema=t.schema,
                            object_name=t.name, fix="Rebuild the table with TABLESPACE innodb_file_per_table.")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d*)?)?")


def _top_level(text: str | None) -> list[list[Token]]:
    """The comma-separated items of a partition expression or description, as token lists."""
    items: list[list[Token]] = [[]]
    depth = 0
    for tok in tokenize(text or ""):
        if tok.kind == "punct" and tok.text == "(":
            depth += 1
        elif tok.kind == "punct" and tok.text == ")":
            depth -= 1
        elif tok.kind == "punct" and tok.text == "," and depth == 0:
            items.append([])
            continue
        items[-1].append(tok)
    return [i for i in items if i]


@check(
    id="deprecatedTemporalDelimiter",
    title="Partition bounds with deprecated temporal delimiters",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.29",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/date-and-time-literals.html",
    detects="RANGE/LIST COLUMNS partitions of DATE, DATETIME and TIMESTAMP columns whose bound is not written "
            "'YYYY-MM-DD' (or 'YYYY-MM-DD hh:mm:ss[.frac]'), e.g. '2022_02_01' or '2022-02-01 04/10/00': one "
            "finding per (column, partition), as MySQL Shell (upgrade_check_creators.cc:1374-1525, registered "
            "for 8.0.29 in upgrade_check_registry.cc:277-281). A bound of RANGE (TO_DAYS(d)) is a number, not a "
            "temporal literal, so only COLUMNS partitioning is read. A single-column LIST COLUMNS partition with several "
            "values has every value read (one finding for the partition), as the Shell's whole-description regex does.",
    why="8.0.29 deprecates delimiters other than '-' and ':' in date and time literals, and the data dictionary "
        "check of a partitioned table with such bounds fails during the upgrade.",
    example="CREATE TABLE t (d DATE) PARTITION BY RANGE COLUMNS(d) (PARTITION p0 VALUES LESS THAN ('2022_02_01'));",
    fix="Rewrite the partition bounds with '-' and ':' (ALTER TABLE ... REORGANIZE PARTITION p0 INTO "
        "(PARTITION p0 VALUES LESS THAN ('2022-02-01'))).",
)
def deprecated_temporal_delimiter(c: Check, catalog: Catalog):
    for t in catalog.tables:
        if not t.partition_method or "COLUMNS" not in t.partition_method.upper():
            continue
        columns = [t.column(item[0].text) if len(item) == 1 else None for item in _top_level(t.partition_expression)]
        for part in t.partitions:
            bounds = _top_level(part.description)
            if len(columns) == 1 and len(bounds) > 1:
                # One column, several LIST values: the Shell's SQL matches the whole description against
                # '^date(,date)*$' and only skips it when it is MAXVALUE (upgrade_check_creators.cc:1453-1456,
                # 1512-1515), so every value is read; NULL is a valid LIST value, not a temporal literal.
                pairs = [(columns[0], b) for b in bounds]
            elif not part.description or len(bounds) != len(columns):
                continue  # MAXVALUE alone, or bounds the column list does not line up with (the Shell skips them)
            else:
                pairs = list(zip(columns, bounds))
            for col, bound in pairs:
                if col is None or col.data_type not in ("date", "datetime", "timestamp"):
                    continue
                if len(bound) != 1 or bound[0].kind != "string":
                    continue  # MAXVALUE, NULL or an expression
                pattern = _DATE if col.data_type == "date" else _DATETIME
                if not pattern.fullmatch(bound[0].text):
                    yield c.finding("column", f"{col.data_type.upper()} column - partition {part.name} uses deprecated "
                                    f"temporal delimiters: '{bound[0].text}'", schema=t.schema, object_name=t.name,
                                    column=col.name,
                                    fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} REORGANIZE "
                                        f"PARTITION {quote_ident(part.name)} INTO (...) with the bound written "
                                        "'YYYY-MM-DD[ hh:mm:ss]'.")
                    if len(columns) == 1:
                        break  # one finding per (column, partition)
