"""Which functions a piece of SQL calls: from sqlglot's AST where sqlglot parses it, else from lexer tokens.

Expressions (a view's SELECT, a generated column) are what sqlglot's MySQL dialect
parses well: there a call is an ``exp.Func`` node, so a function name inside a string, a column named like a
function, or a qualified stored function ``db.password(x)`` is never a call. Stored programs (routines,
triggers, events) and any expression sqlglot rejects (5.7-only syntax such as one-argument ``ENCRYPT('x')``
or ``GROUP BY … ASC``) go through :func:`upgrade_cli.checks._sql.function_calls` on lexer tokens, which
answers the same question with the rules written there. Each check's docs say which path it takes.

sqlglot is imported on first use, so a scan without such objects never loads it. Function names are read
from the source text (the node's position), not from sqlglot's class: MySQL's ENCODE is sqlglot's generic
``Encode``, PASSWORD an ``Anonymous``, and CAST and CONVERT (both forms) one ``Cast``. Where sqlglot keeps
no position for a call, the name is the word before its ``(``; where even that cannot be found, the
lexer answers for the whole text rather than miss a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection

from upgrade_cli.checks._sql import StoredCode, function_calls

EXPRESSION_KINDS = frozenset({"view", "column"})  # object types whose text sqlglot is asked to parse


@dataclass(frozen=True)
class Call:
    name: str  # upper-case, as written
    line: int  # 1-based line in the object's text


def calls_in(code: StoredCode, names: Collection[str]) -> tuple[list[Call], str]:
    """Calls of the upper-case function ``names`` in ``code``, and the path that found them ("ast" or "lexer")."""
    if code.object_type in EXPRESSION_KINDS:
        found = code.of_text(_ast_calls, code.object_type == "view")
        if found is not None:
            return [c for c in found if c.name in names], "ast"
    return [Call(t.upper, t.line) for t in function_calls(code.tokens, names)], "lexer"


def _ast_calls(text: str, is_query: bool) -> tuple[Call, ...] | None:
    """Every unqualified function call of ``text`` (a SELECT, or an expression), or None if sqlglot rejects it."""
    import sqlglot
    from sqlglot import exp

    sql = text if is_query else f"SELECT {text}"
    offset = 0 if is_query else len("SELECT ")
    try:
        tree = sqlglot.parse_one(sql, read="mysql")
    except Exception:  # noqa: BLE001 - ParseError, TokenError, ...: the lexer answers instead
        return None
    if not isinstance(tree, exp.Query):  # a Command fallback carries no tree
        return None
    out = []
    for node in tree.find_all(exp.Func):
        if isinstance(node.parent, exp.Dot):  # db.f(): a stored function, not the built-in
            continue
        if "start" in node.meta:
            start = node.meta["start"]
            name = sql[start:node.meta["end"] + 1].upper()
        else:  # no position kept (CAST, CONVERT, two-argument DECODE, ...): the word before its "("
            found = _written_name(node, sql)
            if found is None:
                return None  # a call we cannot name: the lexer answers for the whole text
            name, start = found
            if not name:
                continue  # not written as a call (CASE ... END, INTERVAL ...)
        out.append(Call(name, text.count("\n", 0, max(0, start - offset)) + 1))
    return tuple(sorted(out, key=lambda c: c.line))


def _written_name(node, sql: str) -> tuple[str, int] | None:
    """(name, offset) of a call from the text before its first operand; ("", 0) when that text is no
    ``name(``; None when no operand has a position to start from."""
    starts = [n.meta["start"] for n in node.walk() if n is not node and "start" in n.meta]
    if not starts:
        return None
    head = sql[:min(starts)].rstrip(" \t\r\n(")
    if len(head) == len(sql[:min(starts)].rstrip(" \t\r\n")):
        return "", 0  # no "(" right before the first operand
    m = re.search(r"[A-Za-z0-9_$]+$", head)
    return (m.group(0).upper(), m.start()) if m else ("", 0)
