"""The bodies of views, routines, triggers and events: syntax, functions and variables 8.0 rejects or runs differently."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._expr import calls_in
from upgrade_cli.checks._facts import char_name, hidden_characters
from upgrade_cli.checks._sql import (EMPTY_DOT_TEXT, declared_names, empty_dot_table, function_calls, group_by_clauses,
    group_by_order, group_by_without_order_by, lines_of, query_cache_syntax, stored_code, system_variable_refs, unquoted_words,
    words_at)
from upgrade_cli.checks.names import reserved_words
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.checks.server import REMOVED_LOG_VARIABLES, REMOVED_VARIABLES
from upgrade_cli.precheck.collect.normalize import client_codec
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.target import Target
from upgrade_cli.sqltext import quote_ident, quote_qualified


@check(
    id="groupbyAscSyntax",
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
    for code in stored_code(catalog, mentioning={"GROUP"}):
        hits = group_by_order(code.tokens, code.derived(group_by_clauses))
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
    source="aurora",
    since="8.0.3",
    doc_url=doc_links.AURORA_PRECHECKS + "#depreciatedSyntaxCheck",
    detects="Views, routines, triggers and events that use SQL_CACHE, SQL_NO_CACHE or QUERY CACHE "
            "(FLUSH/RESET QUERY CACHE). SQL_NO_CACHE alone is a notice: 8.0 still parses and ignores it "
            "(MySQL worklog WL#10837, 'Deprecate query cache').",
    why="The query cache was removed in 8.0 and SQL_CACHE and the QUERY CACHE statements with it: those objects "
        "no longer parse. SQL_NO_CACHE is deprecated and will be removed later.",
    example="CREATE PROCEDURE p() SELECT SQL_NO_CACHE k FROM sbtest1;",
    fix="Re-create the object without SQL_CACHE / SQL_NO_CACHE / QUERY CACHE statements.",
    aliases=("depreciatedSyntaxCheck", "getRoutinesWithDepreciatedKeywords", "deprecatedSyntax"),
)
def depreciated_syntax(c: Check, catalog: Catalog):
    for code in stored_code(catalog, mentioning={"SQL_CACHE", "SQL_NO_CACHE", "QUERY"}):
        hits = query_cache_syntax(code.tokens)
        if hits:
            words = ", ".join(dict.fromkeys("QUERY CACHE" if t.upper == "QUERY" else t.upper for t in hits))
            # 8.0 still parses SQL_NO_CACHE (deprecated, ignored: WL#10837); SQL_CACHE and QUERY CACHE are gone
            only_no_cache = all(t.upper == "SQL_NO_CACHE" for t in hits)
            yield c.finding(code.object_type, f"{code.kind} uses depreciated words in definition: {words} "
                                              f"({lines_of(t.line for t in hits)})"
                            + ("; 8.0 accepts and ignores SQL_NO_CACHE" if only_no_cache else ""),
                            schema=code.schema, object_name=code.name,
                            severity=Severity.notice if only_no_cache else None,
                            fix=f"Re-create the {code.kind.lower()} without {words}.")


@check(
    id="emptyDotTableSyntax",
    title="Usage of old syntax for table names without a schema (.tbl)",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_UPGRADING_FROM_57,
    detects="Routines, triggers and events whose body names a table as `.tbl` (a leading dot and no schema).",
    why="The `.tbl` identifier syntax was deprecated in 5.7 and removed in 8.0: the body no longer parses.",
    example="CREATE PROCEDURE p() DELETE FROM .orders;",
    fix="Re-create the object naming the table as `tbl` or `schema`.`tbl`.",
    aliases=("mysqlEmptyDotTableSyntax", "mysqlEmptyDotTableSyntaxCheck"),
)
def empty_dot_table_syntax(c: Check, catalog: Catalog):
    for code in stored_code(catalog, views=False, matching=EMPTY_DOT_TEXT):
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
def routine_syntax(c: Check, catalog: Catalog, target: Target):
    reserved = reserved_words(target)
    for code in stored_code(catalog, views=False, mentioning=reserved):
        declared = [t for t in declared_names(code) if t.upper in reserved]
        used = unquoted_words(code.tokens, reserved)
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


# System variables removed in 8.0 with their replacement: the lists of removedSysVars and removedSysLogVars.
REMOVED_SYSTEM_VARIABLES: dict[str, str | None] = {
    name: replacement for name, _, replacement in (*REMOVED_VARIABLES, *REMOVED_LOG_VARIABLES)}


@check(
    id="implicitGroupBySorting",
    title="GROUP BY no longer sorts implicitly",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.11",
    doc_url=doc_links.MYSQL_UPGRADING_FROM_57,
    detects="Views, routines, triggers and events with a GROUP BY query that has no ORDER BY.",
    why="5.7 sorted GROUP BY results by the grouping columns unless told otherwise; 8.0 does not. Code that "
        "relied on that order gets rows in a different order after the upgrade.",
    example="CREATE VIEW v AS SELECT genre, COUNT(*) FROM movies GROUP BY genre;",
    fix="Where the order matters, add ORDER BY with the GROUP BY columns.",
    aliases=("groupBySorting",),
)
def implicit_group_by_sorting(c: Check, catalog: Catalog):
    for code in stored_code(catalog, mentioning={"GROUP"}):
        hits = group_by_without_order_by(code.tokens, code.derived(group_by_clauses))
        if hits:
            yield c.finding(code.object_type, f"{code.kind} has GROUP BY without ORDER BY ({lines_of(t.line for t in hits)}): "
                                              "rows are no longer sorted by the grouping columns",
                            schema=code.schema, object_name=code.name,
                            fix="Add ORDER BY <the GROUP BY columns> where callers rely on the order.")


@check(
    id="sqlCalcFoundRows",
    title="SQL_CALC_FOUND_ROWS and FOUND_ROWS() are deprecated",
    severity=Severity.notice,
    source="aurora-upgrade",
    since="8.0.17",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/information-functions.html#function_found-rows",
    detects="Views, routines, triggers and events that use SQL_CALC_FOUND_ROWS or call FOUND_ROWS().",
    why="Both are deprecated since 8.0.17 and will be removed; SQL_CALC_FOUND_ROWS also prevents some "
        "LIMIT optimisations, so it is often slower than a separate COUNT(*).",
    example="CREATE PROCEDURE page() BEGIN SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10; SELECT FOUND_ROWS(); END",
    fix="Run a separate SELECT COUNT(*) with the same WHERE clause instead.",
    aliases=("foundRows",),
)
def sql_calc_found_rows(c: Check, catalog: Catalog):
    for code in stored_code(catalog, mentioning={"SQL_CALC_FOUND_ROWS", "FOUND_ROWS"}):
        # The length first (cheaper than upper()): only ß and the ff/fi/fl/st ligatures upper-case to
        # more ASCII letters, and SQL_CALC_FOUND_ROWS holds none of SS/FF/FI/FL/ST.
        hits = [t for t in code.tokens if t[0] == "word" and len(t[1]) == 19 and t[1].upper() == "SQL_CALC_FOUND_ROWS"]
        hits += function_calls(code.tokens, {"FOUND_ROWS"})
        if hits:
            words = ", ".join(dict.fromkeys("FOUND_ROWS()" if t.upper == "FOUND_ROWS" else t.upper for t in hits))
            yield c.finding(code.object_type, f"{code.kind} uses deprecated {words} ({lines_of(t.line for t in hits)})",
                            schema=code.schema, object_name=code.name,
                            fix="Replace with a separate SELECT COUNT(*) ... using the same WHERE clause.")


_AES = "AES_ENCRYPT and AES_DECRYPT"


# MySQL Shell's list (upgrade_check_creators.cc, Removed_functions_check) with each replacement;
# OLD_PASSWORD (removed in 5.7.5, still found in objects carried over from 5.6) added.
REMOVED_FUNCTIONS: dict[str, str | None] = {
    "ENCODE": _AES, "DECODE": _AES, "ENCRYPT": "SHA2", "DES_ENCRYPT": _AES, "DES_DECRYPT": _AES,
    "PASSWORD": None, "OLD_PASSWORD": None,
    "AREA": "ST_AREA", "ASBINARY": "ST_ASBINARY", "ASTEXT": "ST_ASTEXT", "ASWKB": "ST_ASWKB", "ASWKT": "ST_ASWKT",
    "BUFFER": "ST_BUFFER", "CENTROID": "ST_CENTROID", "CONTAINS": "MBRCONTAINS", "CROSSES": "ST_CROSSES",
    "DIMENSION": "ST_DIMENSION", "DISJOINT": "MBRDISJOINT", "DISTANCE": "ST_DISTANCE", "ENDPOINT": "ST_ENDPOINT",
    "ENVELOPE": "ST_ENVELOPE", "EQUALS": "MBREQUALS", "EXTERIORRING": "ST_EXTERIORRING",
    "GEOMCOLLFROMTEXT": "ST_GEOMCOLLFROMTEXT", "GEOMCOLLFROMWKB": "ST_GEOMCOLLFROMWKB",
    "GEOMETRYCOLLECTIONFROMTEXT": "ST_GEOMETRYCOLLECTIONFROMTEXT",
    "GEOMETRYCOLLECTIONFROMWKB": "ST_GEOMETRYCOLLECTIONFROMWKB", "GEOMETRYFROMTEXT": "ST_GEOMETRYFROMTEXT",
    "GEOMETRYFROMWKB": "ST_GEOMETRYFROMWKB", "GEOMETRYN": "ST_GEOMETRYN", "GEOMETRYTYPE": "ST_GEOMETRYTYPE",
    "GEOMFROMTEXT": "ST_GEOMFROMTEXT", "GEOMFROMWKB": "ST_GEOMFROMWKB", "GLENGTH": "ST_LENGTH",
    "INTERIORRINGN": "ST_INTERIORRINGN", "INTERSECTS": "MBRINTERSECTS", "ISCLOSED": "ST_ISCLOSED",
    "ISEMPTY": "ST_ISEMPTY", "ISSIMPLE": "ST_ISSIMPLE", "LINEFROMTEXT": "ST_LINEFROMTEXT",
    "LINEFROMWKB": "ST_LINEFROMWKB", "LINESTRINGFROMTEXT": "ST_LINESTRINGFROMTEXT",
    "LINESTRINGFROMWKB": "ST_LINESTRINGFROMWKB", "MBREQUAL": "MBREQUALS", "MLINEFROMTEXT": "ST_MLINEFROMTEXT",
    "MLINEFROMWKB": "ST_MLINEFROMWKB", "MPOINTFROMTEXT": "ST_MPOINTFROMTEXT", "MPOINTFROMWKB": "ST_MPOINTFROMWKB",
    "MPOLYFROMTEXT": "ST_MPOLYFROMTEXT", "MPOLYFROMWKB": "ST_MPOLYFROMWKB",
    "MULTILINESTRINGFROMTEXT": "ST_MULTILINESTRINGFROMTEXT", "MULTILINESTRINGFROMWKB": "ST_MULTILINESTRINGFROMWKB",
    "MULTIPOINTFROMTEXT": "ST_MULTIPOINTFROMTEXT", "MULTIPOINTFROMWKB": "ST_MULTIPOINTFROMWKB",
    "MULTIPOLYGONFROMTEXT": "ST_MULTIPOLYGONFROMTEXT", "MULTIPOLYGONFROMWKB": "ST_MULTIPOLYGONFROMWKB",
    "NUMGEOMETRIES": "ST_NUMGEOMETRIES", "NUMINTERIORRINGS": "ST_NUMINTERIORRINGS", "NUMPOINTS": "ST_NUMPOINTS",
    "OVERLAPS": "MBROVERLAPS", "POINTFROMTEXT": "ST_POINTFROMTEXT", "POINTFROMWKB": "ST_POINTFROMWKB",
    "POINTN": "ST_POINTN", "POLYFROMTEXT": "ST_POLYFROMTEXT", "POLYFROMWKB": "ST_POLYFROMWKB",
    "POLYGONFROMTEXT": "ST_POLYGONFROMTEXT", "POLYGONFROMWKB": "ST_POLYGONFROMWKB", "SRID": "ST_SRID",
    "STARTPOINT": "ST_STARTPOINT", "TOUCHES": "ST_TOUCHES", "WITHIN": "MBRWITHIN", "X": "ST_X", "Y": "ST_Y",
}


_NOT_REWRITTEN = frozenset(n for n, repl in REMOVED_FUNCTIONS.items() if not (repl or "").startswith(("ST_", "MBR")))


def _describe(name: str) -> str:
    repl = REMOVED_FUNCTIONS[name]
    return f"{name} (consider using {repl} instead)" if repl else f"{name} (no replacement: hash passwords in the application)"


@check(
    id="removedFunctions",
    title="Usage of removed functions",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVALS,
    detects="Views, routines, triggers, events and generated columns that call a function removed in 8.0: "
            "ENCODE, DECODE, ENCRYPT, DES_ENCRYPT, DES_DECRYPT, PASSWORD, OLD_PASSWORD and the old GIS names "
            "without the ST_/MBR prefix (ASTEXT, CONTAINS, GLENGTH, X, Y, ...); MySQL Shell's list and queries, "
            "upgrade_check_creators.cc:559-700. 5.7 stores views and generated columns with the GIS calls "
            "renamed to ST_/MBR names, so there only the non-GIS functions count (as the Shell's test expects). "
            "Views and generated columns are read from sqlglot's syntax tree where sqlglot parses them (a call is "
            "a function node, never a name in a string or a qualified db.f()); routines, triggers, events and "
            "what sqlglot rejects (one-argument ENCRYPT('x')) from lexer tokens (checks/_expr.py).",
    why="The functions no longer exist in 8.0: the object fails when it runs (or, for a generated column or "
        "view, when the table or view is opened), and the upgrade's dictionary check reports it as an error.",
    example="CREATE VIEW v AS SELECT ASTEXT(geo) AS wkt FROM places;",
    fix="Re-create the object with the replacement (ST_ASTEXT, MBRCONTAINS, ST_LENGTH, SHA2, AES_ENCRYPT, ...). "
        "PASSWORD() has no replacement: hash in the application.",
    aliases=("removedFunctionsCheck",),
)
def removed_functions(c: Check, catalog: Catalog):
    for code in stored_code(catalog, generated_columns=True, mentioning=REMOVED_FUNCTIONS):
        # 5.7 stores views and generated columns re-printed from the parse tree, with the GIS functions under
        # their ST_/MBR names: only the non-GIS ones survive there (upgrade_check_t.cc:1528-1529).
        reprinted = code.object_type == "view" or code.column is not None
        calls, _ = calls_in(code, _NOT_REWRITTEN if reprinted else REMOVED_FUNCTIONS)
        if not calls:
            continue
        names = list(dict.fromkeys(t.name for t in calls))
        plural = "s" if len(names) > 1 else ""
        yield c.finding(code.object_type,
                        f"{code.kind} uses removed function{plural} " + ", ".join(_describe(n) for n in names)
                        + f" ({lines_of(t.line for t in calls)})",
                        schema=code.schema, object_name=code.name, column=code.column,
                        fix="Re-create it calling " + ", ".join(
                            f"{REMOVED_FUNCTIONS[n]} instead of {n}" if REMOVED_FUNCTIONS[n] else f"no {n}"
                            for n in names) + ".")


@check(
    id="removedSysVarReferences",
    title="Stored code references system variables removed in 8.0",
    severity=Severity.warning,
    source="aurora-upgrade",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVED_OPTIONS,
    detects="Views, routines, triggers and events that read (@@tx_isolation, @@query_cache_size, ...) or SET a "
            "system variable removed in 8.0.",
    why="The object is still created, but every execution fails with 'Unknown system variable' on 8.0.",
    example="CREATE PROCEDURE p() SELECT @@tx_isolation;",
    fix="Use the replacement variable (transaction_isolation, transaction_read_only, ...) or drop the reference.",
    aliases=("removedSysVarsInStoredCode",),
)
def removed_sys_var_references(c: Check, catalog: Catalog):
    for code in stored_code(catalog, mentioning=REMOVED_SYSTEM_VARIABLES):
        refs = system_variable_refs(code.tokens, REMOVED_SYSTEM_VARIABLES)
        if refs:
            names = list(dict.fromkeys(n for n, _ in refs))
            yield c.finding(code.object_type,
                            f"{code.kind} references removed system variable{'s' if len(names) > 1 else ''} "
                            f"{', '.join(names)} ({lines_of(t.line for _, t in refs)})",
                            schema=code.schema, object_name=code.name,
                            fix="; ".join(f"use {REMOVED_SYSTEM_VARIABLES[n]} instead of {n}" if REMOVED_SYSTEM_VARIABLES[n]
                                          else f"remove the reference to {n}" for n in names) + ".")


@check(
    id="auroraUpgradeCheckForSpecialCharactersInProcedures",
    title="Hidden or special characters in stored routine definitions",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Stored procedure and function definitions (the body, comments included, and the parameter list) "
            "with invisible or special characters outside string literals and quoted identifiers: no-break space "
            "(U+00A0, the byte 0xA0 of a latin1 connection, the character AWS names), soft hyphen (U+00AD), "
            "zero-width and bidirectional marks (U+200B-U+200F, U+202A-U+202E, U+2060-U+2064), other Unicode "
            "spaces (U+2000-U+200A, U+202F, U+205F, U+3000), line/paragraph separators, the byte-order mark "
            "(U+FEFF) and control characters. A routine read from a dump is decoded through the client character "
            "set it was created with (mysqldump's SET character_set_client before it), and the finding names the "
            "raw byte as well as the character.",
    why="AWS's precheck reference: a stored procedure with a comment holding the noncompliant non-breaking space "
        "character \\xa0 fails the upgrade. The upgrade re-parses every routine definition, comments included, "
        "while it moves routines into the 8.0 data dictionary; 5.7 accepted these characters when the routine was "
        "created through a latin1 connection (latin1 was the 5.7 client default), 8.0 reads the definition as "
        "UTF-8 and stops. Inside string literals they are data and parse fine.",
    example="CREATE PROCEDURE p() BEGIN -- total\u00a0price\n SELECT 1; END  -- a no-break space in a comment",
    fix="Recreate the routine with the characters replaced by plain spaces (or, inside string literals, by "
        "CHAR(...) expressions). SHOW CREATE PROCEDURE and a hex editor show where they are.",
)
def special_characters(c, catalog: Catalog):
    for r in catalog.routines:
        found = hidden_characters(r.body)
        in_params = hidden_characters(r.params)
        if not found and not in_params:
            continue
        chars = dict.fromkeys(ch for _, ch in [*in_params, *found])
        names = ", ".join(_char_and_byte(ch, r.charset_client) for ch in chars)
        where = (f"first on line {r.body[:found[0][0]].count(chr(10)) + 1} of the body" if found  # type: ignore[index]
                 else "in the parameter list")
        yield c.finding("routine", f"{r.kind.lower()} definition contains {len(found) + len(in_params)} "
                        f"hidden/special character(s) ({names}), {where}", schema=r.schema,
                        object_name=r.name,
                        fix=f"Recreate {r.kind.upper()} {quote_qualified(r.schema, r.name)} with those "
                            "characters replaced by plain spaces.")


def _char_and_byte(ch: str, charset: str | None) -> str:
    """``U+00A0`` and, for a routine created through another client charset, the raw byte: ``byte 0xA0 in latin1``."""
    codec = client_codec(charset)
    if codec in (None, "utf-8"):
        return char_name(ch)
    try:
        raw = ch.encode(codec)  # type: ignore[arg-type]
    except UnicodeEncodeError:
        return char_name(ch)
    return f"{char_name(ch)}, byte 0x{raw.hex().upper()} in {charset}"
