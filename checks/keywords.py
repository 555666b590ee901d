"""Words that became reserved in MySQL 8.0, used as names or unquoted in stored code."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import StoredCode, stored_code, unquoted_words, words_at
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident

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


def reserved(name: str | None) -> str | None:
    """The 8.0 version in which ``name`` became reserved, or None."""
    return RESERVED_IN_80.get(name.upper()) if name else None


def _name_message(what: str, name: str) -> str:
    return f"{what} name {name!r} is a reserved word since MySQL {reserved(name)}"


_QUOTE_FIX = "Backquote it ({q}) everywhere application SQL, views and routines use it, or rename it."


@check(
    id="reservedKeywords",
    title="Usage of words that are reserved in MySQL 8.0",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_KEYWORDS,
    detects="Schema, table, column, index, view, view column, trigger, routine and event names that are words "
            "reserved new in 8.0 (RANK, GROUPS, SYSTEM, ROWS, LATERAL, ARRAY, MEMBER, FULL, INTERSECT, ...), and "
            "unquoted uses of those words in view, routine, trigger and event bodies.",
    why="A reserved word can only be used as an identifier when it is backquoted. Every unquoted "
        "`SELECT rank FROM t` in the application, a view or a routine is a syntax error on 8.0.",
    example="CREATE TABLE leaderboard (id INT, rank INT);  -- later: SELECT rank FROM leaderboard",
    fix="Backquote the name everywhere it is used (`rank`), in application SQL and stored code, or rename the "
        "object before the upgrade.",
    aliases=("reservedKeywordsCheck",),
)
def reserved_keywords(c: Check, catalog: Catalog):
    for s in catalog.schemas:
        if reserved(s.name):
            yield c.finding("schema", _name_message("Schema", s.name), schema=s.name,
                            fix=_QUOTE_FIX.format(q=quote_ident(s.name)))
    for t in catalog.tables:
        if reserved(t.name):
            yield c.finding("table", _name_message("Table", t.name), schema=t.schema, object_name=t.name,
                            fix=_QUOTE_FIX.format(q=quote_ident(t.name)))
        for col in t.columns:
            if reserved(col.name):
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
    for code in stored_code(catalog):
        yield from _body_findings(c, code)


def _body_findings(c: Check, code: StoredCode):
    uses = unquoted_words(code.tokens, RESERVED_IN_80)
    if uses:
        written = {t.upper: t.text for t in reversed(uses)}  # each word as first written
        yield c.finding(code.object_type,
                        f"{code.kind} uses 8.0 reserved word{'s' if len(written) > 1 else ''} unquoted: {words_at(uses)}",
                        schema=code.schema, object_name=code.name,
                        fix="Backquote " + ", ".join(quote_ident(w) for w in written.values())
                            + f" in the {code.kind.lower()} definition and re-create it.")
