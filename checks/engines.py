"""Storage engines: foreign keys across engines, and tables InnoDB's dictionary and the SQL layer disagree on."""

from __future__ import annotations

from upgrade_cli.checks.registry import Check, Scope, Severity, check
from upgrade_cli.precheck.model import Catalog, Table
from upgrade_cli.sqltext import quote_ident, quote_qualified


def _engine(t: Table) -> str:
    return (t.engine or "InnoDB").lower()  # no ENGINE clause in a script: the default engine, InnoDB


@check(
    id="invalidEngineForeignKey",
    title="Foreign keys referencing a table of another storage engine",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.0",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html",
    detects="InnoDB foreign keys whose referenced table uses another engine (error), or whose referenced table "
            "does not exist in a schema the scan sees (warning), as MySQL Shell's check "
            "(custom_check.cc:43-169, registered in upgrade_check_registry.cc:245-248). 5.7 keeps such keys "
            "when they were created with foreign_key_checks=0; only InnoDB tables hold foreign keys.",
    why="The 8.0 data dictionary validates every foreign key when it imports the table; a key whose parent is "
        "a MyISAM (or missing) table cannot be imported, and the upgrade stops.",
    example="SET foreign_key_checks=0; CREATE TABLE c (p INT, FOREIGN KEY (p) REFERENCES par (id)) ENGINE=InnoDB; "
            "CREATE TABLE par (id INT PRIMARY KEY) ENGINE=MyISAM;",
    fix="Convert the referenced table to InnoDB (ALTER TABLE ... ENGINE=InnoDB), or drop the foreign key.",
    aliases=("mysqlInvalidEngineForeignKeyCheck",),
)
def invalid_engine_foreign_key(c: Check, catalog: Catalog):
    tables = {(t.schema.lower(), t.name.lower()): t for t in catalog.tables}
    schemas = {s.name.lower() for s in catalog.schemas} | {k[0] for k in tables}
    for t in catalog.tables:
        if _engine(t) != "innodb":
            continue
        for fk in t.foreign_keys:
            ref_schema = fk.ref_schema or t.schema
            ref = tables.get((ref_schema.lower(), fk.ref_table.lower()))
            drop = f"ALTER TABLE {quote_qualified(t.schema, t.name)} DROP FOREIGN KEY {quote_ident(fk.name)};"
            if ref is None:
                if ref_schema.lower() in schemas:  # a schema the scan did not read proves nothing
                    yield c.finding("foreign_key", f"foreign key '{fk.name}' references an unavailable table "
                                    f"{ref_schema}.{fk.ref_table}", schema=t.schema, object_name=t.name,
                                    column=",".join(fk.columns), severity=Severity.warning,
                                    fix=f"Create {quote_qualified(ref_schema, fk.ref_table)} as InnoDB, "
                                        f"or {drop}")
            elif _engine(ref) != "innodb":
                yield c.finding("foreign_key", f"column has invalid foreign key to column '{','.join(fk.ref_columns)}' "
                                f"from table '{ref.schema}/{ref.name}' that is from a different database engine "
                                f"({ref.engine}).", schema=t.schema, object_name=t.name, column=",".join(fk.columns),
                                fix=f"ALTER TABLE {quote_qualified(ref.schema, ref.name)} ENGINE=InnoDB; "
                                    f"or {drop}")


def _innodb_tables(catalog: Catalog) -> list[tuple[str, str]] | None:
    """(schema, table) InnoDB's dictionary holds (INNODB_SYS_TABLES, partitions folded), None when unknown."""
    names = catalog.server.extra.get("innodb_tables")
    return None if names is None else [tuple(n.split("/", 1)) for n in names]


@check(
    id="schemaInconsistency",
    title="Tables InnoDB knows that the SQL layer does not",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/upgrade-prerequisites.html",
    scope=Scope.server,
    detects="Tables in INFORMATION_SCHEMA.INNODB_SYS_TABLES (partitions folded into their table; FTS auxiliary "
            "tables and @-encoded names left out) that INFORMATION_SCHEMA.TABLES does not list, as MySQL Shell's "
            "query (upgrade_check_creators.cc:919-938), for the schemas scanned.",
    why="Usually a table whose .frm was removed or corrupted while InnoDB kept its data: the 8.0 data dictionary "
        "cannot be built for it and the upgrade stops.",
    example="-- an .ibd and its InnoDB dictionary entry left after the .frm was deleted by hand",
    fix="Recreate the table definition (or drop the orphaned InnoDB table through a matching .frm); on Aurora "
        "open a support case.",
    aliases=("schemaInconsistencyCheck",),
)
def schema_inconsistency(c: Check, catalog: Catalog):
    known = _innodb_tables(catalog)
    if known is None:
        return
    tables = {(t.schema, t.name) for t in catalog.tables}
    for schema, name in known:
        if (schema, name) not in tables:
            yield c.finding("table", "present in INFORMATION_SCHEMA's INNODB_SYS_TABLES table but missing from "
                                     "TABLES table", schema=schema, object_name=name)


@check(
    id="engineMixup",
    title="Tables InnoDB owns that the SQL layer assigns to another engine",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/upgrade-prerequisites.html",
    scope=Scope.server,
    detects="Tables in INNODB_SYS_TABLES whose INFORMATION_SCHEMA.TABLES engine is not InnoDB, as MySQL Shell's "
            "query (upgrade_check_creators.cc:952-969), for the schemas scanned.",
    why="The .frm says one engine and InnoDB still holds the table: the 8.0 dictionary migration cannot decide "
        "which definition is right.",
    example="-- a table whose .frm says MyISAM while InnoDB still has its tablespace",
    fix="Recreate the table (dump it, drop it, restore it), or rename it away and drop the InnoDB copy.",
    aliases=("engineMixupCheck",),
)
def engine_mixup(c: Check, catalog: Catalog):
    known = _innodb_tables(catalog)
    if known is None:
        return
    engines = {(t.schema, t.name): t.engine for t in catalog.tables}
    for key in known:
        engine = engines.get(key)
        if engine and engine.lower() != "innodb":
            yield c.finding("table", f"recognized by the InnoDB engine but belongs to {engine}", schema=key[0],
                            object_name=key[1], fix="Dump the table, drop it and restore it with one engine.")
