"""Column definitions 8.0 rejects or treats differently."""

from __future__ import annotations

import re

from upgrade_cli import doc_links
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident, tokenize

NO_DEFAULT_TYPES = frozenset({
    "point", "linestring", "polygon", "geometry", "multipoint", "multilinestring", "multipolygon",
    "geometrycollection", "geomcollection", "json", "tinyblob", "blob", "mediumblob", "longblob", "tinytext",
    "text", "mediumtext", "longtext"})


def _table(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


@check(
    id="columnsWhichCannotHaveDefaults",
    title="Columns which cannot have default values",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html#data-type-defaults-explicit",
    detects="BLOB, TEXT, GEOMETRY and JSON columns that have a literal DEFAULT.",
    why="These types cannot have a literal default: before 8.0.13 not at all, from 8.0.13 only an expression "
        "default in parentheses. The table definition is rejected by the upgrade.",
    example="CREATE TABLE t (geo GEOMETRY NOT NULL DEFAULT '');",
    fix="ALTER TABLE ... ALTER COLUMN ... DROP DEFAULT (set the value in the application or a trigger).",
    aliases=("columnsWhichCannotHaveDefaultsCheck",),
)
def columns_without_defaults(c: Check, catalog: Catalog):
    for t in catalog.tables:
        for col in t.columns:
            if col.data_type in NO_DEFAULT_TYPES and col.default is not None and not col.generation_expression:
                yield c.finding("column", f"{col.data_type} column has a default value", schema=t.schema,
                                object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {_table(t.schema, t.name)} ALTER COLUMN {quote_ident(col.name)} DROP DEFAULT;")


def enum_set_elements(column_type: str) -> list[str]:
    """The element values of an ``enum('a','b')`` / ``set(...)`` column type."""
    return [tok.text for tok in tokenize(column_type) if tok.kind == "string"]


@check(
    id="enumSetElementLength",
    title="ENUM/SET column definitions containing elements longer than 255 characters",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/string-type-overview.html",
    detects="ENUM and SET columns with an element longer than 255 characters or 1020 bytes.",
    why="8.0 limits each ENUM/SET element to 255 characters and 1020 bytes (5.7 only limited the whole "
        "definition); the table definition is rejected.",
    example="CREATE TABLE t (e ENUM('<300 characters>', 'b'));",
    fix="Shorten the elements (map long labels to short codes in the application) or use a VARCHAR column "
        "with a lookup table.",
    aliases=("enumSetElementLengthCheck", "enumSetElementLenghtCheck"),
)
def enum_set_element_length(c: Check, catalog: Catalog):
    for t in catalog.tables:
        for col in t.columns:
            if col.data_type not in ("enum", "set"):
                continue
            long_ = [e for e in enum_set_elements(col.column_type) if len(e) > 255 or len(e.encode()) > 1020]
            if long_:
                yield c.finding("column", f"{col.data_type.upper()} contains element longer than 255 characters "
                                          f"({len(long_)} element{'s' if len(long_) > 1 else ''}, longest "
                                          f"{max(len(e) for e in long_)} characters)",
                                schema=t.schema, object_name=t.name, column=col.name,
                                fix="Shorten the elements to at most 255 characters, or change the column to VARCHAR.")


_INT_TYPES = ("tinyint", "smallint", "mediumint", "int", "integer", "bigint")
_WIDTH = re.compile(r"^(tinyint|smallint|mediumint|int|integer|bigint)\((\d+)\)")


@check(
    id="zerofillDisplayWidth",
    title="ZEROFILL and integer display widths are deprecated",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.17",
    doc_url=doc_links.MYSQL_NUMERIC_ATTRIBUTES,
    detects="Integer columns declared with ZEROFILL or a display width (INT(11)); TINYINT(1) is left out, as 8.0 "
            "keeps it for booleans.",
    why="8.0.17 deprecated both: from 8.0.19 SHOW CREATE TABLE and information_schema.COLUMNS.COLUMN_TYPE no "
        "longer show the width (int instead of int(11)), so schema diff tools, ORMs and code that parse column "
        "types see a change; ZEROFILL padding is to be done with LPAD() in the query instead.",
    example="CREATE TABLE t (id INT(11) NOT NULL, code INT(5) ZEROFILL);",
    fix="Nothing blocks the upgrade. Stop depending on the width (compare types without it) and replace ZEROFILL "
        "with LPAD(col, n, '0') where the padding matters.",
    aliases=("integerDisplayWidth",),
)
def zerofill_display_width(c: Check, catalog: Catalog):
    for t in catalog.tables:
        zerofill = [col.name for col in t.columns if col.data_type in _INT_TYPES and "zerofill" in col.column_type]
        widths = [col.name for col in t.columns if (m := _WIDTH.match(col.column_type))
                  and not (m.group(1) == "tinyint" and m.group(2) == "1")]
        if zerofill:
            yield c.finding("table", f"ZEROFILL is deprecated (8.0.17): {', '.join(zerofill)}", schema=t.schema,
                            object_name=t.name, fix="Pad in queries with LPAD(col, width, '0') instead of ZEROFILL.")
        if widths:
            yield c.finding("table", f"integer display widths are deprecated and hidden from 8.0.19 on "
                                      f"({len(widths)} column{'s' if len(widths) > 1 else ''}: {', '.join(widths[:10])}"
                                      f"{', ...' if len(widths) > 10 else ''})",
                            schema=t.schema, object_name=t.name,
                            fix="No change needed; make schema comparison and type-parsing code ignore the width.")


@check(
    id="autoIncrementOnFloat",
    title="AUTO_INCREMENT on FLOAT/DOUBLE columns is deprecated",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.17",
    doc_url=doc_links.MYSQL_NUMERIC_ATTRIBUTES,
    detects="FLOAT and DOUBLE columns with AUTO_INCREMENT.",
    why="8.0.17 deprecated AUTO_INCREMENT for FLOAT and DOUBLE (it is removed in a later release); floating "
        "point keys also lose precision past 2^24 / 2^53.",
    example="CREATE TABLE t (id DOUBLE AUTO_INCREMENT PRIMARY KEY);",
    fix="Change the column to an integer type: ALTER TABLE ... MODIFY id BIGINT NOT NULL AUTO_INCREMENT.",
    aliases=("autoIncrementFloatDouble",),
)
def auto_increment_on_float(c: Check, catalog: Catalog):
    for t in catalog.tables:
        for col in t.columns:
            if col.data_type in ("float", "double", "real") and "auto_increment" in col.extra.lower():
                yield c.finding("column", f"AUTO_INCREMENT on a {col.data_type.upper()} column is deprecated",
                                schema=t.schema, object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {_table(t.schema, t.name)} MODIFY {quote_ident(col.name)} BIGINT "
                                    f"{'' if col.nullable else 'NOT NULL '}AUTO_INCREMENT;")
