"""Column definitions: types, defaults, display widths, ENUM/SET elements and storage formats 8.0 treats differently."""

from __future__ import annotations

import re
from functools import lru_cache

from upgrade_cli import doc_links
from upgrade_cli.checks._facts import live_facts, same_value, variable
from upgrade_cli.checks._expr import calls_in
from upgrade_cli.checks._sql import StoredCode
from upgrade_cli.checks.registry import Check, Scope, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident, quote_qualified, tokenize


# MySQL Shell's type list (upgrade_check_creators.cc:1051-1067) less BLOB/TEXT: 5.7 cannot hold a literal
# default on those (strict mode rejects the CREATE, otherwise the default is dropped with a warning;
# upgrade_check_t.cc:2767-2771), so only a script could show one, and it never reaches the server.
NO_DEFAULT_TYPES = frozenset({
    "point", "linestring", "polygon", "geometry", "multipoint", "multilinestring", "multipolygon",
    "geometrycollection", "geomcollection", "json"})


@check(
    id="columnsWhichCannotHaveDefaults",
    title="Columns which cannot have default values",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html#data-type-defaults-explicit",
    detects="GEOMETRY and JSON columns that have a literal DEFAULT (5.7 in non-strict mode keeps one). BLOB and "
            "TEXT defaults in a script are not findings: 5.7 drops them (or rejects the CREATE in strict mode).",
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
                                fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} ALTER COLUMN {quote_ident(col.name)} DROP DEFAULT;")


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


# The width 5.7 gives each integer type when none is declared (signed, unsigned): these it prints itself.
_DEFAULT_WIDTH = {"tinyint": (4, 3), "smallint": (6, 5), "mediumint": (9, 8), "int": (11, 10), "integer": (11, 10),
                  "bigint": (20, 20)}
_WIDTH = re.compile(r"^(tinyint|smallint|mediumint|int|integer|bigint)\((\d+)\)( unsigned)?( zerofill)?")


@lru_cache(maxsize=4096)  # a catalog repeats a few dozen column types over every table
def _declared_width(column_type: str) -> int | None:
    """The display width a column was declared with, when it is not 5.7's default for its type, not
    TINYINT(1) and not ZEROFILL: the widths 8.0.19+ stops keeping."""
    m = _WIDTH.match(column_type)
    if not m or m.group(4) or (m.group(1) == "tinyint" and m.group(2) == "1"):
        return None
    width = int(m.group(2))
    return None if width == _DEFAULT_WIDTH[m.group(1)][1 if m.group(3) else 0] else width


@check(
    id="zerofillDisplayWidth",
    title="Integer columns whose declared display width 8.0 no longer keeps",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.19",
    doc_url=doc_links.MYSQL_NUMERIC_ATTRIBUTES,
    detects="Integer columns declared with a display width other than the one 5.7 prints by default (INT(5), "
            "BIGINT(11); not INT(11), TINYINT(4), BIGINT(20)), one notice per table. TINYINT(1) and ZEROFILL "
            "columns are left out: 8.0 keeps their width. Neither MySQL Shell nor Aurora reports this; it is ours.",
    why="From 8.0.19 SHOW CREATE TABLE, information_schema.COLUMNS.COLUMN_TYPE and mysqldump drop the display "
        "width of integer columns (release notes 8.0.19; deprecated in 8.0.17). A width you chose is therefore "
        "gone from the schema after the upgrade: the next dump and restore creates INT, and tools or ORMs that "
        "read the width to size or pad output get none. The default widths carry no information, so losing them "
        "changes nothing and they are not reported.",
    example="CREATE TABLE t (id INT(11) NOT NULL, code INT(5) NOT NULL);  -- only code is reported",
    fix="Nothing blocks the upgrade. Where the width was used for formatting, format in the query "
        "(LPAD(code, 5, '0')) or the application instead.",
    aliases=("integerDisplayWidth",),
)
def zerofill_display_width(c: Check, catalog: Catalog):
    for t in catalog.tables:
        widths = [f"{col.name} ({w})" for col in t.columns if (w := _declared_width(col.column_type))]
        if widths:
            yield c.finding("table", f"declared integer display width{'s' if len(widths) > 1 else ''} that 8.0.19+ "
                                      f"no longer shows or dumps: {', '.join(widths[:10])}"
                                      f"{', ...' if len(widths) > 10 else ''}",
                            schema=t.schema, object_name=t.name,
                            fix="Format in the query or the application (LPAD) where the width was relied on.")


@check(
    id="columnDefinition",
    title="AUTO_INCREMENT on FLOAT/DOUBLE columns",
    severity=Severity.error,
    source="mysql-shell",
    since="8.4.0",
    doc_url=doc_links.MYSQL_NUMERIC_ATTRIBUTES,
    detects="FLOAT and DOUBLE columns with AUTO_INCREMENT, MySQL Shell's columnDefinition query "
            "(upgrade_check_creators.cc:1531-1541). The Shell runs it only for 8.4.0 and later targets "
            "(upgrade_check_registry.cc:283-286): on every Aurora MySQL 3 (8.0) target it is skipped.",
    why="8.0.17 deprecated AUTO_INCREMENT for FLOAT and DOUBLE and 8.4 rejects it; on 8.0 such a table keeps "
        "working, so it only matters for a later upgrade (floating point keys also lose precision past 2^24 / 2^53).",
    example="CREATE TABLE t (id DOUBLE AUTO_INCREMENT PRIMARY KEY);",
    fix="Change the column to an integer type: ALTER TABLE ... MODIFY id BIGINT NOT NULL AUTO_INCREMENT.",
    aliases=("autoIncrementOnFloat", "autoIncrementFloatDouble"),
)
def auto_increment_on_float(c: Check, catalog: Catalog):
    for t in catalog.tables:
        for col in t.columns:
            if col.data_type in ("float", "double", "real") and "auto_increment" in col.extra.lower():
                yield c.finding("column", f"AUTO_INCREMENT on a {col.data_type.upper()} column is deprecated",
                                schema=t.schema, object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} MODIFY {quote_ident(col.name)} BIGINT "
                                    f"{'' if col.nullable else 'NOT NULL '}AUTO_INCREMENT;")


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
        # the markers are rare: one search of the table's types passes over most tables (no marker spans a newline)
        types = "\n".join(col.column_type or "" for col in t.columns).lower()
        if not any(m in types for m in _OLD_TEMPORAL_MARKERS):
            continue
        for col in t.columns:
            if any(m in (col.column_type or "").lower() for m in _OLD_TEMPORAL_MARKERS):
                found = True
                yield c.finding("column", f"{col.data_type.upper()} column uses the pre-5.6.4 storage format",
                                schema=t.schema, object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} FORCE;")
    if not found and live_facts(catalog) and not same_value(variable(catalog, "show_old_temporals"), "ON"):
        yield c.finding("server", "not checkable: the server does not expose old temporal columns "
                        "(show_old_temporals is not ON for the scan); read Aurora's upgrade-prechecks.log or run "
                        "mysqlcheck --check-upgrade on a clone", object_name="show_old_temporals",
                        severity=Severity.notice)


@check(
    id="changedFunctionsInGeneratedColumns",
    title="Indexed generated columns using functions whose behaviour changed",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.28",
    doc_url="https://dev.mysql.com/doc/relnotes/mysql/8.0/en/news-8-0-28.html",
    detects="Generated columns that are part of an index and whose expression calls CAST or CONVERT, as MySQL "
            "Shell's query and function scan (upgrade_check_creators.cc:994-1043, registered for 5.7.0 and 8.0.28 "
            "in upgrade_check_registry.cc:210-213). The expression is read from sqlglot's syntax tree where sqlglot "
            "parses it (CAST(x AS t), CONVERT(x, t) and CONVERT(x USING cs) are one node; 'cast(' in a string or "
            "a qualified db.convert() are not calls), else from lexer tokens (checks/_expr.py).",
    why="8.0.28 changed how CAST and CONVERT evaluate (charset and temporal conversions); an index on a "
        "generated column built by 5.7 can then hold values that no longer match the expression, so index "
        "lookups return wrong rows until the index is rebuilt.",
    example="CREATE TABLE t (a VARCHAR(40), b VARCHAR(40) AS (CONVERT(a USING latin1)) STORED, KEY (b));",
    fix="After the upgrade rebuild the table (ALTER TABLE ... FORCE) or drop and re-create the index on the "
        "generated column, and check query results that use it.",
    aliases=("changedFunctionsGeneratedColumns", "changedFunctionsInGeneratedColumnsCheck"),
)
def changed_functions_in_generated_columns(c: Check, catalog: Catalog):
    cache = catalog.token_cache()
    for t in catalog.tables:
        generated = [col for col in t.columns if col.generation_expression]
        if not generated:  # most tables: no need to collect what their indexes cover
            continue
        indexed = {p.column.lower() for ix in t.indexes for p in ix.parts}
        for col in generated:
            if (col.generation_expression and col.name.lower() in indexed
                    and calls_in(StoredCode("column", "COLUMN", t.schema, t.name, col.generation_expression, col.name,
                                            cache), _CHANGED_FUNCTIONS)[0]):
                yield c.finding("column", f"indexed generated column uses CAST/CONVERT: {col.generation_expression}",
                                schema=t.schema, object_name=t.name, column=col.name,
                                fix=f"After the upgrade: ALTER TABLE {quote_qualified(t.schema, t.name)} FORCE;")


_CHANGED_FUNCTIONS = frozenset({"CAST", "CONVERT"})


@check(
    id="oldGeometryTypes",
    title="Spatial columns in the pre-5.7.5 storage format",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    until="8.0.24",
    doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES,
    scope=Scope.server,
    detects="Spatial columns InnoDB still stores as DATA_BLOB (INNODB_SYS_COLUMNS.MTYPE = 5), i.e. created "
            "before 5.7.5, as MySQL Shell's query (upgrade_check_creators.cc:971-992). The Shell runs it only "
            "for targets before 8.0.24 (upgrade_check_registry.cc:185-192): Aurora MySQL 3.01/3.02 (8.0.23).",
    why="Before 8.0.24 the upgrade could not convert these columns in place (INSTANT ADD/DROP COLUMN on such "
        "tables corrupted them); later releases handle them.",
    example="-- a table with a GEOMETRY column created on MySQL 5.6 and never rebuilt",
    fix="Rebuild the table on 5.7 (ALTER TABLE ... FORCE), or target Aurora MySQL 3.03 or later.",
)
def old_geometry_types(c: Check, catalog: Catalog):
    for entry in catalog.server.extra.get("old_geometry_columns", []):
        schema, table, column = entry.split("/", 2)
        yield c.finding("column", "spatial column in the pre-5.7.5 storage format", schema=schema,
                        object_name=table, column=column, fix=f"ALTER TABLE {quote_qualified(schema, table)} FORCE;")
