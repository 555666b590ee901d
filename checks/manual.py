"""The MySQL 8.0 manual's upgrade prerequisites, item by item, and the checks beyond MySQL Shell's.

"Preparing Your Installation for Upgrade" lists what must not be present before an upgrade to 8.0,
or "the upgrade process may fail". ``MANUAL_ITEMS`` maps each item a schema can show to the checks
that cover it for every object kind the item names; a kind no Shell check reads has a check here,
``source="mysql-manual"`` (``checks docs`` lists them apart). Items about files on disk or server
settings are the server-scope and not-checkable checks named beside them.
"""

from __future__ import annotations

import re

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import lines_of, stored_code
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import Token, quote_qualified, tokenize

# (the manual's words, shortened; the checks that cover it). Order as in the manual.
MANUAL_ITEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("no tables with obsolete data types (pre-5.6.4 temporal columns) or functions", ("oldTemporal", "removedFunctions")),
    ("no orphan .frm files", ("orphanedObjects", "schemaInconsistency")),
    ("no triggers with a missing or empty definer", ("getTriggersWithNullDefiner",)),
    ("no partitioned tables in an engine without native partitioning", ("nonNativePartitioning",)),
    ("no 8.0 keywords or reserved words used unquoted (tables, columns, stored programs)",
     ("reservedKeywords", "routineSyntax")),
    ("no tables in the mysql schema named like 8.0 data dictionary tables", ("mysqlSchema",)),
    ("no foreign key constraint names longer than 64 characters", ("foreignKeyLength",)),
    ("no obsolete SQL modes in sql_mode (server and stored objects)", ("obsoleteSqlModeFlags", "removedSysVars")),
    ("no views with explicitly defined column names longer than 64 characters", ("auroraUpgradeCheckForViewColumnNameLength",)),
    ("no tables or stored procedures with ENUM/SET elements over 255 characters or 1020 bytes",
     ("enumSetElementLength", "enumSetElementLengthInStoredPrograms")),
    ("no table partitions in shared InnoDB tablespaces", ("partitionedTablesInSharedTablespaces",)),
    ("no queries or stored program definitions with GROUP BY ... ASC/DESC", ("groupbyAscSyntax",)),
    ("lower_case_table_names the same as the data dictionary was initialised with",
     ("getValueOfVariablelower_case_table_names",)),
)


# An ENUM/SET type with at least 256 characters after its first quote: a shorter one holds no element
# over 255 characters (nor over 1020 bytes: a character is at most 4). Decided in C, before any token.
_ENUM_OR_SET = re.compile(r"\b(?:enum|set)\s*\(\s*['\"].{256}", re.I | re.S)


def _long_elements(tokens: tuple[Token, ...] | list[Token]) -> list[tuple[Token, list[str]]]:
    """(ENUM/SET token, its too-long elements) of every ``ENUM(...)``/``SET(...)`` type in the tokens."""
    found = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or tok.upper not in ("ENUM", "SET") or i + 1 >= len(tokens):
            continue
        nxt = tokens[i + 1]
        if nxt.kind != "punct" or nxt.text != "(":
            continue
        elements = []
        for t in tokens[i + 2:]:
            if t.kind == "string":
                elements.append(t.text)
            elif not (t.kind == "punct" and t.text == ","):
                break
        long_ = [e for e in elements if len(e) > 255 or len(e.encode()) > 1020]
        if long_:
            found.append((tok, long_))
    return found


@check(
    id="enumSetElementLengthInStoredPrograms",
    title="ENUM/SET parameters, return types and variables with elements longer than 255 characters",
    severity=Severity.error,
    source="mysql-manual",
    since="8.0.11",
    doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES,
    detects="Stored procedure and function parameters, function return types, and DECLAREd local variables of "
            "routines, triggers and events (and tables their bodies create) whose ENUM or SET type has an element longer than 255 characters or "
            "1020 bytes. The manual's item names tables and stored procedures; MySQL Shell's enumSetElementLength "
            "reads table columns only (upgrade_check_creators.cc, information_schema.COLUMNS).",
    why="The MySQL 8.0 manual, Preparing Your Installation for Upgrade: \"There must be no tables or stored "
        "procedures with individual ENUM or SET column elements that exceed 255 characters or 1020 bytes in "
        "length\"; 8.0 rejects such a type wherever it is declared, so the upgrade cannot re-create the routine "
        "in its data dictionary.",
    example="CREATE PROCEDURE p(IN mode ENUM('<300 characters>', 'b')) SELECT mode;",
    fix="Re-create the routine with a VARCHAR parameter or variable (checked against the allowed values in the "
        "body), or with the elements shortened to at most 255 characters.",
)
def enum_set_element_length_in_stored_programs(c: Check, catalog: Catalog):
    for r in catalog.routines:
        if not _ENUM_OR_SET.search(r.params) and not _ENUM_OR_SET.search(r.returns or ""):
            continue  # decided in C: most routines have no ENUM/SET type at all
        declared = [*_long_elements(tokenize(r.params)), *_long_elements(tokenize(r.returns or ""))]
        if declared:
            yield _finding(c, "routine", r.kind, r.schema, r.name, "its parameters or return type", declared)
    for code in stored_code(catalog, views=False, mentioning={"ENUM", "SET"}, matching=_ENUM_OR_SET):
        hits = _long_elements(code.tokens)  # DECLAREd variables, and tables the body creates
        if hits:
            yield _finding(c, code.object_type, code.kind, code.schema, code.name,
                           f"its body ({lines_of(t.line for t, _ in hits)})", hits)


def _finding(c: Check, object_type: str, kind: str, schema: str, name: str, where: str,
             hits: list[tuple[Token, list[str]]]):
    longest = max(len(e) for _, long_ in hits for e in long_)
    count = sum(len(long_) for _, long_ in hits)
    return c.finding(object_type, f"{kind} declares an ENUM/SET with {count} element{'s' if count > 1 else ''} "
                                  f"longer than 255 characters or 1020 bytes in {where}; longest {longest} characters",
                     schema=schema, object_name=name,
                     fix=f"Re-create {kind} {quote_qualified(schema, name)} with a VARCHAR in place of that ENUM/SET, "
                         "or with its elements shortened to at most 255 characters.")
