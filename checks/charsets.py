"""Character sets: utf8mb3 objects, and text in utf8mb3 metadata that 8.0's dictionary cannot hold."""

from __future__ import annotations

from functools import lru_cache

from upgrade_cli import doc_links
from upgrade_cli.checks._facts import char_name, non_bmp
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog, Column, normalize_collation
from upgrade_cli.sqltext import quote_ident, quote_qualified


@lru_cache(maxsize=1024)  # a catalog has a handful of collations and a fix for every utf8mb3 column names one
def utf8mb4_collation(collation: str | None) -> str:
    """The utf8mb4 twin of a utf8mb3 collation (``utf8mb3_unicode_ci`` → ``utf8mb4_unicode_ci``)."""
    collation = normalize_collation(collation) or "utf8mb3_general_ci"
    return "utf8mb4_" + collation.split("_", 1)[1] if collation.startswith("utf8mb3_") else "utf8mb4_general_ci"


_INDEX_CAVEAT = (" Check first that indexed string columns still fit: utf8mb4 needs 4 bytes a character "
                 "(a 767-byte index prefix limit applies to COMPACT/REDUNDANT tables).")


def modify_to_utf8mb4(col: Column) -> str:
    """``MODIFY `c` <type> CHARACTER SET utf8mb4 ...`` keeping the column's type, nullability, default and comment."""
    sql = (f"MODIFY {quote_ident(col.name)} {col.column_type} CHARACTER SET utf8mb4 "
           f"COLLATE {utf8mb4_collation(col.collation)} {'NULL' if col.nullable else 'NOT NULL'}")
    if col.default is not None:
        sql += " DEFAULT " + (col.default if col.default_is_expression else "'" + col.default.replace("'", "''") + "'")
    if col.comment:
        sql += " COMMENT '" + col.comment.replace("\\", "\\\\").replace("'", "''") + "'"
    return sql


def _modify_column_sql(table_sql: str, col: Column) -> str:
    """The fix for one utf8mb3 column of the table ``table_sql`` (quoted) names."""
    if col.generation_expression:
        return (f"Re-create the generated column {quote_ident(col.name)} with CHARACTER SET utf8mb4 "
                f"(MODIFY must repeat its expression: {col.generation_expression}).")
    return f"ALTER TABLE {table_sql} {modify_to_utf8mb4(col)};"


@check(
    id="utf8mb3",
    title="Usage of utf8mb3 charset",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/charset-unicode-utf8mb3.html",
    detects="Schemas whose default character set, and columns whose character set, is utf8 (utf8mb3): one "
            "finding per schema and per column, as MySQL Shell's two queries (upgrade_check_creators.cc:247-263). "
            "A table's default charset is not a finding of its own: its columns are. The Shell's column query reads "
            "information_schema.COLUMNS, which lists view columns too, so a view column of a utf8mb3 column is one "
            "(from a dump: view columns that name a base-table column; an expression's charset depends on the "
            "connection the view was created through and is not guessed).",
    why="utf8mb3 is deprecated in 8.0 and will be removed; `utf8` will later mean utf8mb4. utf8mb3 cannot store "
        "characters outside the BMP (emoji), and 8.0's default is utf8mb4, so new objects and joins against "
        "utf8mb3 columns mix charsets (conversions, index not used).",
    example="CREATE TABLE t (name VARCHAR(50)) DEFAULT CHARSET=utf8;",
    fix="Convert to utf8mb4: ALTER DATABASE ... CHARACTER SET utf8mb4; ALTER TABLE ... CONVERT TO CHARACTER SET "
        "utf8mb4; or MODIFY the single column. Check index prefix limits first.",
    aliases=("utf8mb3Check",),
)
def utf8mb3(c: Check, catalog: Catalog):
    for s in catalog.schemas:
        if s.charset == "utf8mb3":
            yield c.finding("schema", "schema's default character set: utf8mb3", schema=s.name,
                            fix=f"ALTER DATABASE {quote_ident(s.name)} CHARACTER SET utf8mb4 "
                                f"COLLATE {utf8mb4_collation(s.collation)};")
    for t in catalog.tables:
        table_sql = whole = ""  # the table's part of its columns' fixes, made once for them all
        for col in t.columns:
            if col.charset == "utf8mb3":
                if not table_sql:
                    table_sql = quote_qualified(t.schema, t.name)
                    whole = (f" Or convert the whole table: ALTER TABLE {table_sql} "
                             f"CONVERT TO CHARACTER SET utf8mb4 COLLATE {utf8mb4_collation(t.collation)};"
                             if t.charset == "utf8mb3" else "")
                yield c.finding("column", "column's default character set: utf8mb3", schema=t.schema,
                                object_name=t.name, column=col.name,
                                fix=_modify_column_sql(table_sql, col) + whole + _INDEX_CAVEAT)
    for v in catalog.views:  # information_schema.COLUMNS lists view columns too: so does the Shell's query
        for name in v.columns:
            if v.column_charsets.get(name) == "utf8mb3":
                yield c.finding("column", "column's default character set: utf8mb3", schema=v.schema,
                                object_name=v.name, column=name,
                                fix=f"Convert the base-table column the view reads to utf8mb4; the view "
                                    f"{quote_qualified(v.schema, v.name)} follows (re-create it if it converts "
                                    "the column itself).")


def _non_bmp_message(what: str, chars: list[str]) -> str:
    shown = ", ".join(f"{ch} ({char_name(ch)})" for ch in chars[:5])
    return f"{what} contains characters outside the BMP, invalid in utf8mb3: {shown}"


_NON_BMP_WHY = ("Aurora MySQL 2 stored this text in utf8mb3 metadata without rejecting 4-byte characters; "
                "the 8.0 data dictionary migration validates it as utf8mb3 and stops on them.")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3CharacterStringInViews",
    title="Characters outside the BMP in view definitions",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="View definitions that contain characters outside the Basic Multilingual Plane (emoji, "
            "rare CJK: 4-byte UTF-8).",
    why=_NON_BMP_WHY,
    example="CREATE VIEW greetings AS SELECT CONCAT(name, ' 🎉') AS label FROM users;",
    fix="Recreate the view without the character, e.g. build it with CHAR(0xF09F8E89 USING utf8mb4) or "
        "read it from a table instead of a literal.",
)
def non_bmp_views(c, catalog: Catalog):
    for v in catalog.views:
        chars = non_bmp(v.definition)
        if chars:
            yield c.finding("view", _non_bmp_message("view definition", chars), schema=v.schema, object_name=v.name,
                            fix="Recreate the view (CREATE OR REPLACE VIEW) without 4-byte characters in its text.")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3TableComments",
    title="Characters outside the BMP in table comments",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Table comments that contain 4-byte UTF-8 characters.",
    why=_NON_BMP_WHY,
    example="CREATE TABLE orders (id INT) COMMENT 'orders 📦';",
    fix="ALTER TABLE ... COMMENT = '<text without the character>'.",
)
def non_bmp_table_comments(c, catalog: Catalog):
    for t in catalog.tables:
        chars = non_bmp(t.comment)
        if chars:
            yield c.finding("table", _non_bmp_message("table comment", chars), schema=t.schema, object_name=t.name,
                            fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} COMMENT = "
                                "'<comment without 4-byte characters>';")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3ColumnComments",
    title="Characters outside the BMP in column comments",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Column comments that contain 4-byte UTF-8 characters.",
    why=_NON_BMP_WHY,
    example="CREATE TABLE t (status INT COMMENT '1 = ✅ 2 = 🚫');",
    fix="ALTER TABLE ... MODIFY the column with the same definition and a comment without the character.",
)
def non_bmp_column_comments(c, catalog: Catalog):
    for t in catalog.tables:
        for col in t.columns:
            chars = non_bmp(col.comment)
            if chars:
                yield c.finding("column", _non_bmp_message("column comment", chars), schema=t.schema,
                                object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} MODIFY "
                                    f"{quote_ident(col.name)} {col.column_type} ... COMMENT '<without 4-byte characters>';")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3IndexComments",
    title="Characters outside the BMP in index comments",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Index comments that contain 4-byte UTF-8 characters.",
    why=_NON_BMP_WHY,
    example="CREATE TABLE t (a INT, KEY a_idx (a) COMMENT 'hot path 🔥');",
    fix="Drop and recreate the index with a comment without the character.",
)
def non_bmp_index_comments(c, catalog: Catalog):
    for t in catalog.tables:
        for ix in t.indexes:
            chars = non_bmp(ix.comment)
            if chars:
                yield c.finding("index", _non_bmp_message(f"comment of index {ix.name}", chars), schema=t.schema,
                                object_name=t.name, column=ix.name,
                                fix="Drop and re-add the index with a comment without 4-byte characters "
                                    "(one ALTER TABLE ... DROP INDEX ..., ADD INDEX ... COMMENT '...').")
