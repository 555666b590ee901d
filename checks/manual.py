"""The MySQL 8.0 manual's upgrade prerequisites, item by item, and the checks beyond MySQL Shell's.

"Preparing Your Installation for Upgrade" (``doc_links.MYSQL_UPGRADE_PREREQUISITES``; its numbered
items carry no anchors, so an item is cited by its number) lists what to check before an upgrade to
8.0, "the upgrade process may fail otherwise". ``MANUAL_ITEMS`` holds every item in the manual's order:
its words, shortened, whether a schema shows it, and the checks that cover it. An item a schema shows
is covered for every object kind it names; a kind no Shell check reads has a check here,
``source="mysql-manual"`` (``checks docs`` lists them apart). An item about files on disk, server
settings or the shutdown names the closest checks, or none.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import lines_of, stored_code
from upgrade_cli.checks.names import reserved_words
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.target import Target
from upgrade_cli.sqltext import Token, quote_ident, quote_qualified, tokenize


class ManualItem(NamedTuple):
    number: str  # the manual's numbering: "1" to "13", the three issues of item 1 as "1a" to "1c"
    says: str  # the manual's words, shortened
    in_schema: bool  # whether a schema shows it (not files on disk, server settings or how the server stopped)
    checks: tuple[str, ...]  # the checks that cover it (for an item not in a schema: the closest, or none)
    note: str = ""  # what the checks leave out, or where the item is seen instead


MANUAL_ITEMS: tuple[ManualItem, ...] = (
    ManualItem("1a", "no tables that use obsolete data types or functions (old temporal columns in pre-5.6.4 "
               "format)", True, ("oldTemporal", "removedFunctions", "checkTableCommand"),
               "removedFunctions reads the functions of generated columns; checkTableCommand runs the manual's "
               "mysqlcheck --check-upgrade statement (with --check-table)"),
    ManualItem("1b", "no orphan .frm files", False, ("schemaInconsistency", "checkTableCommand"),
               "files on disk: schemaInconsistency finds the reverse (InnoDB data without its .frm); CHECK TABLE "
               "fails on a .frm without its data"),
    ManualItem("1c", "triggers must not have a missing or empty definer or an invalid creation context "
               "(character_set_client, collation_connection, Database Collation)", True,
               ("getTriggersWithNullDefiner", "checkTableCommand"),
               "the definer is in the schema; 5.7 fills a missing creation context with defaults and says so "
               "only as a warning when it loads the table's triggers, which CHECK TABLE ... FOR UPGRADE shows"),
    ManualItem("2", "no partitioned tables that use a storage engine without native partitioning support", True,
               ("nonNativePartitioning",)),
    ManualItem("3", "keywords reserved new in 8.0 make identifiers that use them illegal unless quoted", True,
               ("reservedKeywords", "routineSyntax", "reservedWordParameters"),
               "object names, the words of stored code and its local variables, and routine parameters"),
    ManualItem("4", "no tables in the 5.7 mysql system database named like a table of the 8.0 data dictionary",
               True, ("mysqlSchema",)),
    ManualItem("5", "no tables that have foreign key constraint names longer than 64 characters", True,
               ("foreignKeyLength",)),
    ManualItem("6", "no obsolete SQL modes in the sql_mode system variable (8.0 does not start)", False,
               ("obsoleteSqlModeFlags",),
               "a server setting: obsoleteSqlModeFlags reads the global sql_mode, and the sql_mode stored with "
               "routines, triggers and events besides"),
    ManualItem("7", "only upgrade an instance that was shut down properly (innodb_fast_shutdown=0)", False, (),
               "how the server stopped: Aurora's upgrade shuts the cluster down itself"),
    ManualItem("8", "no views with explicitly defined column names longer than 64 characters", True,
               ("auroraUpgradeCheckForViewColumnNameLength",)),
    ManualItem("9", "no tables or stored procedures with ENUM or SET elements longer than 255 characters or "
               "1020 bytes", True, ("enumSetElementLength", "enumSetElementLengthInStoredPrograms")),
    ManualItem("10", "before 8.0.13 or higher: no table partitions in shared InnoDB tablespaces (the system "
               "tablespace and general tablespaces)", True, ("partitionedTablesInSharedTablespaces",)),
    ManualItem("11", "no queries and stored program definitions from 8.0.12 or lower with ASC or DESC on "
               "GROUP BY", True, ("groupbyAscSyntax",),
               "stored programs and views; the application's own queries are not in a schema"),
    ManualItem("12", "no features 8.0 does not support: removed server options and system variables (such as "
               "--ignore-db-dir and the data-directory subdirectories it hid)", False, ("removedSysVars",),
               "server settings and files on disk"),
    ManualItem("13", "when lower_case_table_names is set to 1 at upgrade, schema and table names must be lower "
               "case (from 8.0.19 the upgrade fails otherwise)", True,
               ("getValueOfVariablelower_case_table_names",),
               "schemas, tables and views, when the scan reads lower_case_table_names=1; a change planned for the "
               "upgrade itself is not in the schema"),
)


# An ENUM/SET type with at least 256 characters after its first quote: a shorter one holds no element
# over 255 characters (nor over 1020 bytes: a character is at most 4). Decided before any token: every
# "(" followed by a quote and 256 more characters (a literal-first search, in C; zero-width, so no
# candidate hides inside another's 256 characters), then whether the word before it is ENUM or SET. A
# case-insensitive search for the words themselves costs ten times more on stored code (offline benchmark).
_OPEN_LIST = re.compile(r"\((?=\s*['\"].{256})", re.S)


def _may_hold_long_elements(text: str) -> bool:
    for m in _OPEN_LIST.finditer(text):
        end = m.start()
        while end and text[end - 1].isspace():
            end -= 1
        for word in ("enum", "set"):
            start = end - len(word)
            if (start >= 0 and text[start:end].lower() == word
                    and not (start and (text[start - 1].isalnum() or text[start - 1] in "_$"))):
                return True
    return False


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
    why="The MySQL 8.0 manual, Preparing Your Installation for Upgrade, item 9: \"There must be no tables or stored "
        "procedures with individual ENUM or SET column elements that exceed 255 characters or 1020 bytes in "
        "length\"; 8.0 rejects such a type wherever it is declared, so the upgrade cannot re-create the routine "
        "in its data dictionary.",
    example="CREATE PROCEDURE p(IN mode ENUM('<300 characters>', 'b')) SELECT mode;",
    fix="Re-create the routine with a VARCHAR parameter or variable (checked against the allowed values in the "
        "body), or with the elements shortened to at most 255 characters.",
)
def enum_set_element_length_in_stored_programs(c: Check, catalog: Catalog):
    for r in catalog.routines:
        if not _may_hold_long_elements(r.params) and not _may_hold_long_elements(r.returns or ""):
            continue  # most routines have no ENUM/SET type at all
        declared = [*_long_elements(tokenize(r.params)), *_long_elements(tokenize(r.returns or ""))]
        if declared:
            yield _finding(c, "routine", r.kind, r.schema, r.name, "its parameters or return type", declared)
    for code in stored_code(catalog, views=False, mentioning={"ENUM", "SET"}):
        if not _may_hold_long_elements(code.text):
            continue
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


@functools.lru_cache(maxsize=8)
def _any_word(words: frozenset[str]):
    """A test for "the text holds one of these words", in C (one pattern per target's word set)."""
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words))) + r")\b", re.I).search


def _parameter_names(param_list: str) -> list[Token]:
    """The name token of each parameter in a parameter list (``IN a INT, OUT b DECIMAL(10,2)``)."""
    names, depth, start = [], 0, True
    for tok in tokenize(param_list):
        if tok.kind == "punct":
            depth += {"(": 1, ")": -1}.get(tok.text, 0)
            start = start or (depth == 0 and tok.text == ",")
        elif start and not (tok.kind == "word" and tok.upper in ("IN", "OUT", "INOUT")):
            names.append(tok)
            start = False
    return names


@check(
    id="reservedWordParameters",
    title="Stored routine parameters named with a word reserved in 8.0, unquoted",
    severity=Severity.error,
    source="mysql-manual",
    since="8.0.11",
    doc_url=doc_links.MYSQL_UPGRADE_PREREQUISITES,
    detects="Procedure and function parameters whose name is a word reserved new in 8.0 (RANK, GROUPS, SYSTEM, "
            "LATERAL, ...) written without backquotes in the parameter list, as a dump's CREATE or mysql.proc's "
            "param_list keeps it (information_schema.PARAMETERS drops the quotes, so without SELECT on mysql.proc "
            "a live scan cannot tell and the check stays quiet). MySQL Shell's reservedKeywords reads schema, "
            "table, column, trigger, view and routine names only (upgrade_check_creators.cc:61-124), and its "
            "routineSyntax the routine body; an unquoted use of the parameter in the body is a routineSyntax "
            "finding as well.",
    why="The MySQL 8.0 manual, Preparing Your Installation for Upgrade, item 3: words reserved in 8.0 that were "
        "not before make identifiers that use them illegal unless quoted. The upgrade re-parses every routine "
        "from its stored text to move it into the data dictionary; an unquoted reserved word in the parameter "
        "list does not parse and the upgrade stops.",
    example="CREATE PROCEDURE p(IN rank INT) SELECT 1;",
    fix="Re-create the routine with the parameter backquoted (IN `rank` INT) or renamed.",
)
def reserved_word_parameters(c: Check, catalog: Catalog, target: Target):
    reserved = reserved_words(target)
    mentions = _any_word(frozenset(reserved))
    for r in catalog.routines:
        if not r.param_list or not mentions(r.param_list):
            continue  # no reserved word in the list at all: nothing to tokenize (most routines)
        hits = [t for t in _parameter_names(r.param_list) if t.kind == "word" and t.upper in reserved]
        if hits:
            words = ", ".join(f"{t.text} (reserved since MySQL {reserved[t.upper]})" for t in hits)
            yield c.finding("routine", f"{r.kind.lower()} parameter{'s' if len(hits) > 1 else ''} {words} "
                                       "unquoted in the parameter list", schema=r.schema, object_name=r.name,
                            fix=f"Re-create {r.kind} {quote_qualified(r.schema, r.name)} with "
                                + ", ".join(quote_ident(t.text) for t in hits) + " backquoted or renamed.")
