"""Partitioned tables 8.0 cannot open: non-native engines and shared tablespaces."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident

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
                            fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} ENGINE=InnoDB;")


def _shared(tablespace: str | None) -> bool:
    return bool(tablespace) and tablespace.lower() != "innodb_file_per_table"


@check(
    id="partitionedTablesInSharedTablespace",
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
    aliases=("partitionedTablesInSharedTablespaceCheck", "partitionedTablesInSharedTablespaces"),
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
                                fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} REORGANIZE PARTITION "
                                    f"{quote_ident(p.name)} INTO (PARTITION {quote_ident(p.name)} ... TABLESPACE "
                                    "innodb_file_per_table) -- repeat the partition's VALUES clause")
        if not t.partitions and _shared(t.tablespace):
            yield c.finding("table", f"partitioned table is in shared tablespace {t.tablespace}", schema=t.schema,
                            object_name=t.name, fix="Rebuild the table with TABLESPACE innodb_file_per_table.")
