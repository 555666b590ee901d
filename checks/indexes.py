"""Index definitions 8.0 rejects or cannot use: too-large parts, prefixes on geometry and TINY columns, orphaned FULLTEXT state."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._facts import index_part_bytes, max_bytes_per_char, variable
from upgrade_cli.checks.registry import Severity, check
from upgrade_cli.precheck.model import GEOMETRY_TYPES, Catalog
from upgrade_cli.sqltext import quote_ident, quote_qualified


_COMPACT_FORMATS = {"COMPACT", "REDUNDANT"}


def _row_format(catalog: Catalog, table) -> str | None:
    """The row format InnoDB holds the table in: what INNODB_SYS_TABLES says (the Shell's source), else the
    declared one, else the server's innodb_default_row_format."""
    if table.innodb_row_format:
        return table.innodb_row_format.upper()
    if table.row_format:
        return table.row_format.upper()
    engine = (table.engine or variable(catalog, "default_storage_engine") or "InnoDB").lower()
    if engine != "innodb":
        return None
    default = variable(catalog, "innodb_default_row_format")
    return default.upper() if default else None


@check(
    id="indexTooLarge",
    title="Indexes over 767 bytes on COMPACT/REDUNDANT tables",
    severity=Severity.error, source="mysql-shell", since="8.0.11", doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES,
    aliases=("mysqlIndexTooLarge", "mysqlIndexTooLargeCheck", "auroraUpgradeCheckIndexLengthLimit"),
    detects="Index parts longer than 767 bytes (characters times bytes per character) on InnoDB tables "
            "held in the COMPACT or REDUNDANT row format: the one INNODB_SYS_TABLES reports, as MySQL Shell's "
            "query reads it (upgrade_check_creators.cc:1148-1165); offline the declared ROW_FORMAT, or the "
            "innodb_default_row_format a SET GLOBAL earlier in the script left when the table was created.",
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
                                    fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} ROW_FORMAT=DYNAMIC;")


@check(
    id="auroraUpgradeCheckForPrefixIndexOnGeometryColumns",
    title="Prefix indexes on geometry columns",
    severity=Severity.error, source="aurora", since="8.0.12", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Non-spatial indexes that index a geometry-typed column with a prefix length (KEY (g(32))). "
            "SPATIAL indexes are not reported: the server lists a sub-part for them that is not a user prefix.",
    why="From 8.0.12 a prefix length on a geometry column is rejected, so the table definition cannot be migrated.",
    example="CREATE TABLE shapes (g GEOMETRY NOT NULL, KEY g_prefix (g(32))) ENGINE=InnoDB;",
    fix="Drop the prefix index; use a SPATIAL INDEX on the (NOT NULL, SRID-restricted) column instead.",
)
def geometry_prefix_index(c, catalog: Catalog):
    for t in catalog.tables:
        for ix in t.indexes:
            if ix.index_type.upper() == "SPATIAL":
                continue
            for part in ix.parts:
                if part.sub_part is None:  # a whole-column part (most are): no need to look the column up
                    continue
                col = t.column(part.column)
                if col and col.data_type in GEOMETRY_TYPES:
                    yield c.finding("index", f"index {ix.name} uses a prefix ({part.sub_part}) on geometry column "
                                    f"{col.name}", schema=t.schema, object_name=t.name, column=ix.name,
                                    fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} DROP INDEX "
                                        f"{quote_ident(ix.name)};  -- then ADD SPATIAL INDEX on the column if needed")


@check(
    id="auroraUpgradeCheckIndexLengthLimitOnTinyColumns",
    title="Index prefixes over 255 bytes on TINYTEXT/TINYBLOB",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    aliases=("auroraUpgradeCheckIndexLengthLimitOnTinytext",),
    detects="Indexes on TINYTEXT or TINYBLOB columns whose prefix is longer than 255 bytes, counting "
            "characters times the column's bytes per character (with utf8mb4, over 63 characters).",
    why="A TINYTEXT value holds at most 255 bytes; 5.7 accepted a longer prefix in characters, 8.0 rejects "
        "the definition, so the table cannot be migrated.",
    example="CREATE TABLE notes (title TINYTEXT CHARACTER SET utf8mb4, KEY (title(100)));",
    fix="Recreate the index with a prefix of at most 255 bytes (63 characters for utf8mb4, 85 for utf8mb3), "
        "or change the column to VARCHAR.",
)
def tiny_column_prefix(c, catalog: Catalog):
    for t in catalog.tables:
        for ix in t.indexes:
            for part in ix.parts:
                if part.sub_part is None:  # a whole-column part (most are): no need to look the column up
                    continue
                col = t.column(part.column)
                if not col or col.data_type not in ("tinytext", "tinyblob"):
                    continue
                per_char = 1 if col.data_type == "tinyblob" else max_bytes_per_char(col.charset)
                size = part.sub_part * per_char
                if size > 255:
                    yield c.finding("index", f"index {ix.name} prefix {part.sub_part} on {col.data_type.upper()} "
                                    f"{col.name} is {size} bytes (limit 255)", schema=t.schema, object_name=t.name,
                                    column=ix.name,
                                    fix=f"Recreate {quote_ident(ix.name)} with a prefix of at most "
                                        f"{255 // per_char} {'bytes' if per_char == 1 else 'characters'}.")


@check(
    id="auroraGetDanglingFulltextIndex",
    title="FTS_DOC_ID leftovers without a FULLTEXT index",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    aliases=("getDanglingFulltextIndex",),
    detects="Tables with an FTS_DOC_ID column or an FTS_DOC_ID_INDEX index but no FULLTEXT index: what is "
            "left after a FULLTEXT index was dropped (MySQL bug #76012). A hidden FTS_DOC_ID that only "
            "InnoDB sees cannot be read from the SQL layer; Aurora's own precheck log covers that case.",
    why="The 8.0 data dictionary migration expects FTS_DOC_ID only together with a FULLTEXT index; the "
        "dangling reference stops the upgrade.",
    example="CREATE TABLE docs (FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, body TEXT, "
            "UNIQUE KEY FTS_DOC_ID_INDEX (FTS_DOC_ID));  -- its FULLTEXT index was dropped",
    fix="Rebuild the table (ALTER TABLE ... ENGINE=InnoDB, or OPTIMIZE TABLE) after dropping the leftover "
        "column/index, or re-add the FULLTEXT index if it is still wanted.",
)
def dangling_fulltext(c, catalog: Catalog):
    for t in catalog.tables:
        leftovers = [f"column {col.name}" for col in t.columns if col.name.upper() == "FTS_DOC_ID"]
        leftovers += [f"index {ix.name}" for ix in t.indexes if ix.name.upper() == "FTS_DOC_ID_INDEX"]
        if leftovers and not any(ix.index_type.upper() == "FULLTEXT" for ix in t.indexes):
            yield c.finding("table", f"{' and '.join(leftovers)} without a FULLTEXT index", schema=t.schema,
                            object_name=t.name,
                            fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} ENGINE=InnoDB;  "
                                "-- after dropping the leftover, or re-add the FULLTEXT index")
