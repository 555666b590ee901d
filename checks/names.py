"""Names that 8.0 rejects: long foreign keys, #mysql50# names, $names, triggers differing by case."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import stored_code
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident


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
                                fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} DROP FOREIGN KEY "
                                    f"{quote_ident(fk.name)}, ADD CONSTRAINT {quote_ident(fk.name[:60])} FOREIGN KEY "
                                    f"({cols}) REFERENCES {quote_ident(fk.ref_schema)}.{quote_ident(fk.ref_table)} "
                                    f"({ref}); -- repeat its ON DELETE/ON UPDATE rules")


@check(
    id="mysqlInvalid57Names",
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
    aliases=("mysqlInvalid57NamesCheck",),
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
    return bool(name) and len(name) > 1 and name.startswith("$") and not (len(name) > 2 and name.endswith("$"))


@check(
    id="mysqlDollarSignName",
    title="Check for deprecated usage of single dollar signs in object names",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.32",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/identifiers.html",
    detects="Schema, table, view, column, index and routine names that start with $ (and do not end with $), "
            "and routine bodies that use such identifiers unquoted.",
    why="Unquoted identifiers starting with $ are deprecated since 8.0.32 (a warning) and a syntax error in "
        "8.4 and later.",
    example="CREATE TABLE $orders (id INT);",
    fix="Backquote the name wherever it is used, or rename it (a trailing $ as well, e.g. $orders$, is allowed).",
    aliases=("mysqlDollarSignNameCheck",),
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
            if _dollar_name(col.name):
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
        if any(tok.kind == "word" and _dollar_name(tok.text) for tok in code.tokens):
            yield c.finding("routine", "body contains identifiers that start with $ sign.", schema=code.schema,
                            object_name=code.name, fix="Backquote those identifiers in the routine and re-create it.")


@check(
    id="getDuplicateTriggers",
    title="Trigger names that differ only by case",
    severity=Severity.error,
    source="mysql-shell",
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
                                fix=f"DROP TRIGGER {quote_ident(schema)}.{quote_ident(name)}; re-create it under another name.")
