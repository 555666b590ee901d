"""utf8 (utf8mb3) schemas, tables and columns."""

from __future__ import annotations

from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog, Column, Table, normalize_collation
from upgrade_cli.sqltext import quote_ident


def utf8mb4_collation(collation: str | None) -> str:
    """The utf8mb4 twin of a utf8mb3 collation (``utf8mb3_unicode_ci`` → ``utf8mb4_unicode_ci``)."""
    collation = normalize_collation(collation) or "utf8mb3_general_ci"
    return "utf8mb4_" + collation.split("_", 1)[1] if collation.startswith("utf8mb3_") else "utf8mb4_general_ci"


_INDEX_CAVEAT = (" Check first that indexed string columns still fit: utf8mb4 needs 4 bytes a character "
                 "(a 767-byte index prefix limit applies to COMPACT/REDUNDANT tables).")


def _modify_column_sql(t: Table, col: Column) -> str:
    """A MODIFY that keeps the column's type, nullability, default and comment."""
    if col.generation_expression:
        return (f"Re-create the generated column {quote_ident(col.name)} with CHARACTER SET utf8mb4 "
                f"(MODIFY must repeat its expression: {col.generation_expression}).")
    parts = [f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} MODIFY {quote_ident(col.name)}",
             col.column_type, f"CHARACTER SET utf8mb4 COLLATE {utf8mb4_collation(col.collation)}",
             "NULL" if col.nullable else "NOT NULL"]
    if col.default is not None:
        parts.append("DEFAULT " + (col.default if col.default_is_expression else "'" + col.default.replace("'", "''") + "'"))
    if col.comment:
        parts.append("COMMENT '" + col.comment.replace("\\", "\\\\").replace("'", "''") + "'")
    return " ".join(parts) + ";"


@check(
    id="utf8mb3",
    title="Usage of utf8mb3 charset",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/charset-unicode-utf8mb3.html",
    detects="Schemas, tables and columns whose character set is utf8 (utf8mb3).",
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
        cols = [col for col in t.columns if col.charset == "utf8mb3"]
        if t.charset == "utf8mb3":
            what = f"; {len(cols)} of its columns are utf8mb3 too" if cols else ""
            yield c.finding("table", f"table's default character set: utf8mb3{what}", schema=t.schema,
                            object_name=t.name,
                            fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} CONVERT TO CHARACTER SET "
                                f"utf8mb4 COLLATE {utf8mb4_collation(t.collation)};" + _INDEX_CAVEAT)
            continue  # the table's CONVERT fixes its columns: one finding, not one per column
        for col in cols:
            yield c.finding("column", "column's character set: utf8mb3", schema=t.schema, object_name=t.name,
                            column=col.name, fix=_modify_column_sql(t, col) + _INDEX_CAVEAT)
