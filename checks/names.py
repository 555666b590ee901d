"""Identifiers: names 8.0 rejects or reads differently (reserved words, 5.7 invalid names, `$` names, name lengths, duplicate triggers)."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import stored_code
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.target import Target
from upgrade_cli.sqltext import quote_ident, quote_qualified


# The list MySQL Shell's upgrade checker uses (upgrade_check_creators.cc, get_reserved_keywords_check),
# with the 8.0 release in which each word became reserved.
RESERVED_IN_80: dict[str, str] = {
    **{w: "8.0.11" for w in (
        "ADMIN", "CUBE", "CUME_DIST", "DENSE_RANK", "EMPTY", "EXCEPT", "FIRST_VALUE", "FUNCTION", "GROUPING",
        "GROUPS", "JSON_TABLE", "LAG", "LAST_VALUE", "LEAD", "NTH_VALUE", "NTILE", "OF", "OVER", "PERCENT_RANK",
        "PERSIST", "PERSIST_ONLY", "RANK", "RECURSIVE", "ROW", "ROWS", "ROW_NUMBER", "SYSTEM", "WINDOW")},
    "LATERAL": "8.0.14",
    "ARRAY": "8.0.17",
    "MEMBER": "8.0.17",
    "FULL": "8.0.31",
    "INTERSECT": "8.0.31",
}


def reserved_words(target: Target) -> dict[str, str]:
    """The words reserved new between 5.7 and ``target``, with the release that reserved each (the Shell's
    add_keywords() by target, upgrade_check_creators.cc:63-81)."""
    return {w: v for w, v in RESERVED_IN_80.items() if target.reaches(v)}


def _name_message(what: str, name: str) -> str:
    return f"{what} name {name!r} is a reserved word since MySQL {RESERVED_IN_80[name.upper()]}"


_QUOTE_FIX = "Backquote it ({q}) everywhere application SQL, views and routines use it, or rename it."


@check(
    id="reservedKeywords",
    title="Usage of words that are reserved in MySQL 8.0",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_KEYWORDS,
    detects="Schema, table, column, index, view, view column, trigger, routine and event names that are words "
            "reserved new in 8.0 (RANK, GROUPS, SYSTEM, ROWS, LATERAL, ARRAY, MEMBER, FULL, INTERSECT, ...), as "
            "MySQL Shell's name queries do (upgrade_check_creators.cc:61-124; index names are ours). Unquoted uses "
            "in routine, trigger and event bodies are routineSyntax findings, so one word is one finding.",
    why="A reserved word can only be used as an identifier when it is backquoted. Every unquoted "
        "`SELECT rank FROM t` in the application, a view or a routine is a syntax error on 8.0.",
    example="CREATE TABLE leaderboard (id INT, rank INT);  -- later: SELECT rank FROM leaderboard",
    fix="Backquote the name everywhere it is used (`rank`), in application SQL and stored code, or rename the "
        "object before the upgrade.",
    aliases=("reservedKeywordsCheck",),
)
def reserved_keywords(c: Check, catalog: Catalog, target: Target):
    words = reserved_words(target)

    def reserved(name: str | None) -> bool:
        return bool(name and name.upper() in words)

    for s in catalog.schemas:
        if reserved(s.name):
            yield c.finding("schema", _name_message("Schema", s.name), schema=s.name,
                            fix=_QUOTE_FIX.format(q=quote_ident(s.name)))
    for t in catalog.tables:
        if reserved(t.name):
            yield c.finding("table", _name_message("Table", t.name), schema=t.schema, object_name=t.name,
                            fix=_QUOTE_FIX.format(q=quote_ident(t.name)))
        for col in t.columns:
            if col.name.upper() in words:  # reserved(), without a call for each of a big catalog's columns
                yield c.finding("column", _name_message("Column", col.name), schema=t.schema, object_name=t.name,
                                column=col.name, fix=_QUOTE_FIX.format(q=quote_ident(col.name)))
        for idx in t.indexes:
            if reserved(idx.name):
                yield c.finding("index", _name_message("Index", idx.name), schema=t.schema, object_name=t.name,
                                column=idx.name, fix=_QUOTE_FIX.format(q=quote_ident(idx.name)))
    for v in catalog.views:
        if reserved(v.name):
            yield c.finding("view", _name_message("View", v.name), schema=v.schema, object_name=v.name,
                            fix=_QUOTE_FIX.format(q=quote_ident(v.name)))
        for col_name in v.columns:
            if reserved(col_name):
                yield c.finding("column", _name_message("View column", col_name), schema=v.schema,
                                object_name=v.name, column=col_name, fix=_QUOTE_FIX.format(q=quote_ident(col_name)))
    for kind, objects in (("trigger", catalog.triggers), ("routine", catalog.routines), ("event", catalog.events)):
        for o in objects:
            if reserved(o.name):
                yield c.finding(kind, _name_message(kind.capitalize(), o.name), schema=o.schema, object_name=o.name,
                                fix=_QUOTE_FIX.format(q=quote_ident(o.name)))


@check(
    id="foreignKeyLength",
    title="Foreign key constraint names longer than 64 characters",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html",
    detects="Foreign keys whose constraint name is longer than 64 characters (5.7 generated such names, "
            "<table>_ibfk_<n>, for long table names: bug #88118).",
    why="8.0 stores constraint names in the data dictionary, where every identifier is at most 64 characters; "
        "the table cannot be upgraded.",
    example="CREATE TABLE <a 60-character table name> (p INT, FOREIGN KEY (p) REFERENCES parent(id));",
    fix="Drop the foreign key and re-add it with an explicit name of at most 64 characters.",
    aliases=("foreignKeyLengthCheck",),
)
def foreign_key_length(c: Check, catalog: Catalog):
    for t in catalog.tables:
        for fk in t.foreign_keys:
            if len(fk.name) > 64:
                cols = ", ".join(quote_ident(x) for x in fk.columns)
                ref = ", ".join(quote_ident(x) for x in fk.ref_columns)
                yield c.finding("foreign_key", f"Foreign key name longer than 64 characters ({len(fk.name)}): {fk.name}",
                                schema=t.schema, object_name=t.name,
                                fix=f"ALTER TABLE {quote_qualified(t.schema, t.name)} DROP FOREIGN KEY "
                                    f"{quote_ident(fk.name)}, ADD CONSTRAINT {quote_ident(fk.name[:60])} FOREIGN KEY "
                                    f"({cols}) REFERENCES {quote_qualified(fk.ref_schema, fk.ref_table)} "
                                    f"({ref}); -- repeat its ON DELETE/ON UPDATE rules")


@check(
    id="invalid57Names",
    title="Check for invalid table names and schema names used in 5.7",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/5.7/en/identifier-mapping.html",
    detects="Schemas and tables whose name starts with #mysql50# (directories/files from before 5.1 that were "
            "never renamed to the encoded form).",
    why="8.0 no longer supports the #mysql50# prefix; these objects cannot be upgraded.",
    example="A schema listed as `#mysql50#my-db` by SHOW DATABASES.",
    fix="ALTER DATABASE `#mysql50#name` UPGRADE DATA DIRECTORY NAME (or mysqlcheck --fix-db-names "
        "--fix-table-names) on 5.7.",
    aliases=("mysqlInvalid57Names", "mysqlInvalid57NamesCheck"),
)
def invalid_57_names(c: Check, catalog: Catalog):
    for s in catalog.schemas:
        if s.name.startswith("#mysql50#"):
            yield c.finding("schema", "Schema name uses the #mysql50# prefix", schema=s.name,
                            fix=f"ALTER DATABASE {quote_ident(s.name)} UPGRADE DATA DIRECTORY NAME;")
    for t in catalog.tables:
        if t.name.startswith("#mysql50#"):
            yield c.finding("table", "Table name uses the #mysql50# prefix", schema=t.schema, object_name=t.name,
                            fix="mysqlcheck --check-upgrade --fix-table-names " + t.schema)


def _dollar_name(name: str | None) -> bool:
    """Starts with $ and does not also end with $ (MySQL Shell: LIKE '$_%' AND NOT LIKE '$_%$')."""
    return bool(name and len(name) > 1 and name.startswith("$") and not (len(name) > 2 and name.endswith("$")))


@check(
    id="dollarSignName",
    title="Check for deprecated usage of single dollar signs in object names",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.31",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/identifiers.html",
    detects="Schema, table, view, column, index and routine names that start with $ (and do not end with $), "
            "and routine bodies that use such identifiers unquoted.",
    why="Unquoted identifiers starting with $ are deprecated since 8.0.32 (a warning) and a syntax error in "
        "8.4 and later; MySQL Shell reports them for targets from 8.0.31 (upgrade_check_registry.cc:230-233).",
    example="CREATE TABLE $orders (id INT);",
    fix="Backquote the name wherever it is used, or rename it (a trailing $ as well, e.g. $orders$, is allowed).",
    aliases=("mysqlDollarSignName", "mysqlDollarSignNameCheck"),
)
def dollar_sign_names(c: Check, catalog: Catalog):
    def fix(name: str) -> str:
        return f"Backquote it ({quote_ident(name)}) wherever it is used, or rename it."

    for s in catalog.schemas:
        if _dollar_name(s.name):
            yield c.finding("schema", "name starts with a $ sign.", schema=s.name, fix=fix(s.name))
    for t in catalog.tables:
        if _dollar_name(t.name):
            yield c.finding("table", "name starts with a $ sign.", schema=t.schema, object_name=t.name, fix=fix(t.name))
        for col in t.columns:
            if col.name.startswith("$") and _dollar_name(col.name):  # few names start with $: most columns cost no call
                yield c.finding("column", "name starts with a $ sign.", schema=t.schema, object_name=t.name,
                                column=col.name, fix=fix(col.name))
        for idx in t.indexes:
            if _dollar_name(idx.name):
                yield c.finding("index", "index name starts with a $ sign.", schema=t.schema, object_name=t.name,
                                column=idx.name, fix=fix(idx.name))
    for v in catalog.views:
        if _dollar_name(v.name):
            yield c.finding("view", "name starts with a $ sign.", schema=v.schema, object_name=v.name, fix=fix(v.name))
        for col_name in v.columns:
            if _dollar_name(col_name):
                yield c.finding("column", "name starts with a $ sign.", schema=v.schema, object_name=v.name,
                                column=col_name, fix=fix(col_name))
    for r in catalog.routines:
        if _dollar_name(r.name):
            yield c.finding("routine", "name starts with a $ sign.", schema=r.schema, object_name=r.name, fix=fix(r.name))
    for code in stored_code(catalog, views=False, triggers=False, events=False):
        if "$" in code.text and any(tok.kind == "word" and _dollar_name(tok.text) for tok in code.tokens):
            yield c.finding("routine", "body contains identifiers that start with $ sign.", schema=code.schema,
                            object_name=code.name, fix="Backquote those identifiers in the routine and re-create it.")


@check(
    id="getDuplicateTriggers",
    title="Trigger names that differ only by case",
    severity=Severity.error,
    source="aurora",
    since="8.0.11",
    doc_url=doc_links.AURORA_PRECHECKS + "#getDuplicateTriggers",
    detects="Triggers in one schema whose names are equal when compared case-insensitively.",
    why="In 8.0 trigger names are case-insensitive in the data dictionary, so two such triggers collide and the "
        "upgrade fails.",
    example="CREATE TRIGGER audit_ins ...; CREATE TRIGGER AUDIT_INS ... (on another table)",
    fix="Drop and re-create one of them under a different name.",
    aliases=("getDuplicateTriggersCheck", "duplicateTriggers"),
)
def duplicate_triggers(c: Check, catalog: Catalog):
    seen: dict[tuple[str, str], list[str]] = {}
    for tr in catalog.triggers:
        seen.setdefault((tr.schema, tr.name.lower()), []).append(tr.name)
    for (schema, _), names in seen.items():
        if len(names) > 1:
            for name in names[1:]:
                yield c.finding("trigger", f"trigger name differs only by case from {', '.join(n for n in names if n != name)}",
                                schema=schema, object_name=name,
                                fix=f"DROP TRIGGER {quote_qualified(schema, name)}; re-create it under another name.")


@check(
    id="auroraUpgradeCheckForViewColumnNameLength",
    title="View column names longer than 64 characters",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Views whose column names (often generated from an expression with no alias) are longer than 64 characters.",
    why="5.7 accepted long auto-generated view column names; the 8.0 data dictionary limits column names "
        "to 64 characters, so the view cannot be migrated.",
    example="CREATE VIEW v AS SELECT CONCAT(first_name, ' ', last_name, ' <', email_address, '>', ' - ', phone_number) FROM people;",
    fix="Recreate the view with a short alias for each such column (SELECT ... AS contact).",
)
def view_column_name_length(c, catalog: Catalog):
    for v in catalog.views:
        for name in v.columns:
            if len(name) > 64:
                yield c.finding("view", f"view column name is {len(name)} characters long (limit 64)",
                                schema=v.schema, object_name=v.name, column=name,
                                fix="Recreate the view with a short alias (AS ...) for this column.")


@check(
    id="ftsInTablename",
    title="Table names containing 'FTS'",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    until="8.0.18",
    doc_url="https://bugs.mysql.com/bug.php?id=93917",
    detects="Tables whose name contains the upper-case letters FTS (a binary LIKE '%FTS%'), as MySQL Shell's "
            "query (upgrade_check_creators.cc:940-950). The Shell runs it only for targets 8.0.11-8.0.17 "
            "(upgrade_check_registry.cc:168-177); every Aurora MySQL 3 release is 8.0.23 or later, so for an "
            "Aurora target it is always skipped.",
    why="8.0.11 to 8.0.17 mistook such tables for InnoDB full-text auxiliary tables during the upgrade.",
    example="CREATE TABLE DP01_FtS_Docs (id INT);  -- fires only for a MySQL 8.0.11-8.0.17 target",
    fix="Rename the table so its name does not contain FTS, or target 8.0.18 or later.",
    aliases=("ftsTablenameCheck",),
)
def fts_in_tablename(c: Check, catalog: Catalog):
    for t in catalog.tables:
        if "FTS" in t.name:
            yield c.finding("table", "table name contains 'FTS'", schema=t.schema, object_name=t.name,
                            fix=f"RENAME TABLE {quote_qualified(t.schema, t.name)} TO <a name without FTS>;")
