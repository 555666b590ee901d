"""Stored code that uses syntax removed in 8.0 or that no longer parses there."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import (declared_names, empty_dot_table, group_by_order, lines_of, query_cache_syntax,
                         stored_code, unquoted_words, words_at)
from upgrade_cli.checks.keywords import RESERVED_IN_80
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident


@check(
    id="groupByAscSyntax",
    title="Usage of removed GROUP BY ASC/DESC syntax",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.13",
    doc_url="https://dev.mysql.com/doc/relnotes/mysql/8.0/en/news-8-0-13.html#mysqld-8-0-13-sql-syntax",
    detects="Views, routines, triggers and events that write ASC or DESC after a GROUP BY column.",
    why="8.0.13 removed the GROUP BY ... ASC/DESC syntax: such objects no longer parse, which fails the upgrade.",
    example="CREATE VIEW v AS SELECT genre, COUNT(*) FROM movies GROUP BY genre DESC;",
    fix="Re-create the object with an explicit ORDER BY: GROUP BY genre ORDER BY genre DESC.",
    aliases=("groupByAscSyntaxCheck", "groupbyAscSyntaxCheck", "groupByAscCheck"),
)
def group_by_asc(c: Check, catalog: Catalog):
    for code in stored_code(catalog):
        hits = group_by_order(code.tokens)
        if hits:
            word = hits[0].upper
            yield c.finding(code.object_type, f"{code.kind} uses removed GROUP BY {word} syntax ({lines_of(t.line for t in hits)})",
                            schema=code.schema, object_name=code.name,
                            fix=f"Re-create the {code.kind.lower()}: drop {word} from GROUP BY and add "
                                f"ORDER BY <the same columns> {word}.")


@check(
    id="depreciatedSyntax",
    title="Usage of depreciated keywords in definition",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.3",
    doc_url=doc_links.AURORA_PRECHECKS + "#depreciatedSyntaxCheck",
    detects="Views, routines, triggers and events that use SQL_CACHE, SQL_NO_CACHE or QUERY CACHE "
            "(FLUSH/RESET QUERY CACHE).",
    why="The query cache was removed in 8.0 and its syntax with it: the objects no longer parse.",
    example="CREATE PROCEDURE p() SELECT SQL_NO_CACHE k FROM sbtest1;",
    fix="Re-create the object without SQL_CACHE / SQL_NO_CACHE / QUERY CACHE statements.",
    aliases=("depreciatedSyntaxCheck", "getRoutinesWithDepreciatedKeywords", "deprecatedSyntax"),
)
def depreciated_syntax(c: Check, catalog: Catalog):
    for code in stored_code(catalog):
        hits = query_cache_syntax(code.tokens)
        if hits:
            words = ", ".join(dict.fromkeys("QUERY CACHE" if t.upper == "QUERY" else t.upper for t in hits))
            yield c.finding(code.object_type, f"{code.kind} uses depreciated words in definition: {words} "
                                              f"({lines_of(t.line for t in hits)})",
                            schema=code.schema, object_name=code.name,
                            fix=f"Re-create the {code.kind.lower()} without {words}.")


@check(
    id="mysqlEmptyDotTableSyntax",
    title="Usage of old syntax for table names without a schema (.tbl)",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_UPGRADING_FROM_57,
    detects="Routines, triggers and events whose body names a table as `.tbl` (a leading dot and no schema).",
    why="The `.tbl` identifier syntax was deprecated in 5.7 and removed in 8.0: the body no longer parses.",
    example="CREATE PROCEDURE p() DELETE FROM .orders;",
    fix="Re-create the object naming the table as `tbl` or `schema`.`tbl`.",
    aliases=("mysqlEmptyDotTableSyntaxCheck",),
)
def empty_dot_table_syntax(c: Check, catalog: Catalog):
    for code in stored_code(catalog, views=False):
        hits = empty_dot_table(code.tokens)
        if hits:
            yield c.finding(code.object_type, f"{code.kind.lower()} body contains deprecated identifiers "
                                              f"(.table without a schema, {lines_of(t.line for t in hits)})",
                            schema=code.schema, object_name=code.name,
                            fix="Re-create it with the leading dot removed (or the schema name written before it).")


@check(
    id="routineSyntax",
    title="MySQL 8.0 syntax check for routine-like objects",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_KEYWORDS,
    detects="Routines, triggers and events that will not parse in 8.0 because a word reserved new in 8.0 is "
            "used unquoted: as a DECLAREd variable, cursor or condition, a label, or anywhere in the body as a "
            "column or table name (parameter names are not checked: collectors keep them without quotes). (Views are stored with backquoted names, so the server "
            "re-quotes them; reservedKeywords covers hand-written view DDL.)",
    why="The upgrade re-parses every stored program into the 8.0 data dictionary; one that no longer parses "
        "fails the upgrade.",
    example="CREATE PROCEDURE p() BEGIN DECLARE rows INT DEFAULT 0; END",
    fix="Re-create the object with the word backquoted (`rows`) or renamed.",
    aliases=("routineSyntaxCheck", "routinesSyntaxCheck"),
)
def routine_syntax(c: Check, catalog: Catalog):
    for code in stored_code(catalog, views=False):
        declared = [t for t in declared_names(code) if t.upper in RESERVED_IN_80]
        used = unquoted_words(code.tokens, RESERVED_IN_80)
        hits = list(dict.fromkeys(declared + used))  # a declaration is also a use: count it once
        if not hits:
            continue
        where = "declares" if declared else "uses"
        words = dict.fromkeys(t.text for t in hits)
        yield c.finding(code.object_type,
                        f"{code.kind} will not parse in 8.0: it {where} the reserved word {hits[0].upper} unquoted "
                        f"({words_at(hits)})",
                        schema=code.schema, object_name=code.name,
                        fix="Re-create it with " + ", ".join(quote_ident(w) for w in words) + " backquoted or renamed.")
