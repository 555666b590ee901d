"""General tablespaces: their data-file paths."""

from __future__ import annotations

import re

from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident

# MySQL Shell's two RLIKE patterns (upgrade_check_creators.cc:547-558): a '/../' or '\..\' step that does
# not follow another dot.
_CIRCULAR = re.compile(r"[^.]/\.\./|[^.]\\\.\.\\")


@check(
    id="circularDirectory",
    title="Circular directory references in tablespace data-file paths",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.17",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/general-tablespaces.html",
    detects="General tablespaces whose data-file path holds a circular step ('mysql/../ts.ibd'): "
            "information_schema.FILES on a live server, CREATE TABLESPACE ... ADD DATAFILE in a dump, with MySQL "
            "Shell's patterns (upgrade_check_creators.cc:547-558, registered for 8.0.17 in "
            "upgrade_check_registry.cc:128-131).",
    why="From 8.0.17 a data-file path with a circular directory reference is rejected, so the tablespace "
        "cannot be opened by the upgraded server.",
    example="CREATE TABLESPACE ts ADD DATAFILE 'mysql/../ts.ibd' ENGINE=InnoDB;",
    fix="Move the tables out (ALTER TABLE ... TABLESPACE=innodb_file_per_table), drop the tablespace and "
        "re-create it with a clean path.",
    aliases=("circularDirectoryCheck",),
)
def circular_directory(c: Check, catalog: Catalog):
    for ts in catalog.tablespaces:
        if ts.file_name and _CIRCULAR.search(ts.file_name):
            yield c.finding("tablespace", f"circular reference in datafile path: '{ts.file_name}'",
                            schema=ts.name,  # where MySQL Shell puts it (upgrade_check_t.cc:1474-1475)
                            fix=f"Move its tables to innodb_file_per_table, DROP TABLESPACE {quote_ident(ts.name)} "
                                "and re-create it with a path without '..'.")
