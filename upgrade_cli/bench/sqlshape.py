"""What the replay needs to know about one statement's text, from tokens (never by executing it).

- :func:`read_only_reason` decides whether a statement may be replayed: only plain reads
  (SELECT, WITH … SELECT, UNION, parenthesised SELECT). Anything that writes, locks, assigns
  into variables/files, touches sequences or is more than one statement is skipped, with the
  reason, because the targets are production blue/green clusters.
- :func:`fingerprint` / :func:`digest_of` group literal variants of one query shape (literals →
  ``?``, ``IN (?, ?, …)`` → ``IN (?+)``), so timings and results are reported per shape.
- :func:`result_shape` tells the checksum whether row order is part of the answer (a top-level
  ORDER BY whose keys can be seen in the result) and whether the answer is deterministic at all
  (``RAND()``/``NOW()``…, LIMIT without ORDER BY).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from upgrade_cli.sqltext import DDL_VERBS, Token, tokenize

_WRITE_WORDS = {"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "LOAD", "CALL", "DO", "HANDLER"}
# administration that is not DDL (sqltext.is_ddl) but must not be replayed either
_ADMIN_WORDS = {"GRANT", "REVOKE", "FLUSH", "KILL", "INSTALL", "UNINSTALL", "PURGE", "RESET", "LOCK", "UNLOCK"}
# functions that change server state even inside a SELECT
_SIDE_EFFECT_FUNCTIONS = {"GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "NEXTVAL", "SETVAL", "LASTVAL",
                          "SLEEP", "BENCHMARK", "MASTER_POS_WAIT", "SOURCE_POS_WAIT", "WAIT_FOR_EXECUTED_GTID_SET",
                          "LOAD_FILE"}
_NONDETERMINISTIC_FUNCTIONS = {"RAND", "NOW", "SYSDATE", "UUID", "UUID_SHORT", "CURRENT_TIMESTAMP", "CURTIME",
                               "CURRENT_TIME", "CURDATE", "CURRENT_DATE", "UNIX_TIMESTAMP", "LOCALTIME",
                               "LOCALTIMESTAMP", "UTC_TIMESTAMP", "UTC_DATE", "UTC_TIME", "CONNECTION_ID",
                               "LAST_INSERT_ID", "FOUND_ROWS", "ROW_COUNT", "RANDOM_BYTES"}


def _depths(tokens: list[Token]) -> list[int]:
    """Parenthesis depth of each token (the depth *before* an opening paren counts for it)."""
    out, depth = [], 0
    for t in tokens:
        if t.kind == "punct" and t.text == ")":
            depth = max(0, depth - 1)
        out.append(depth)
        if t.kind == "punct" and t.text == "(":
            depth += 1
    return out


def _strip_trailing_semicolons(tokens: list[Token]) -> list[Token]:
    while tokens and tokens[-1].kind == "punct" and tokens[-1].text == ";":
        tokens = tokens[:-1]
    return tokens


def read_only_reason(sql: str) -> str | None:
    """``None`` when the statement is a plain read that is safe to replay; else why it is skipped."""
    tokens = _strip_trailing_semicolons(tokenize(sql))
    if not tokens:
        return "empty statement"
    if any(t.kind == "punct" and t.text == ";" for t in tokens):
        return "more than one statement"
    words = [t for t in tokens if t.kind == "word"]
    if not words:
        return "not a query"
    first = words[0].upper
    if tokens[0].kind == "punct" and tokens[0].text != "(":
        return "not a query"
    if first in ("SET", "USE"):
        return "session statement (SET/USE)"
    if first in _WRITE_WORDS:
        return f"writes data ({first})"
    if first in DDL_VERBS or first in _ADMIN_WORDS:
        return f"DDL or administration ({first})"
    if first == "WITH":
        main = _statement_after_ctes(tokens)
        if main != "SELECT":
            return f"WITH … {main or 'unknown'} is not a read"
    elif first != "SELECT":
        return f"not a SELECT ({first})"
    uppers = [t.upper if t.kind == "word" else "" for t in tokens]
    for i, (t, up) in enumerate(zip(tokens, uppers)):
        if up in _WRITE_WORDS | {"CREATE", "ALTER", "DROP", "TRUNCATE"} and i > 0:
            # a write keyword anywhere (e.g. WITH … UPDATE) is suspicious; column names are idents or
            # lower-case words, so only flag it when followed by what a real write looks like
            nxt = uppers[i + 1] if i + 1 < len(uppers) else ""
            if (up, nxt) in {("INSERT", "INTO"), ("DELETE", "FROM"), ("REPLACE", "INTO"), ("CREATE", "TABLE"),
                             ("DROP", "TABLE"), ("ALTER", "TABLE"), ("TRUNCATE", "TABLE")}:
                return f"writes data ({up})"
        if up == "INTO":
            return "SELECT … INTO writes variables or files"
        if up == "FOR" and i + 1 < len(uppers) and uppers[i + 1] in ("UPDATE", "SHARE"):
            return "locking read (FOR UPDATE/SHARE)"
        if up == "LOCK" and uppers[i + 1:i + 4] == ["IN", "SHARE", "MODE"]:
            return "locking read (LOCK IN SHARE MODE)"
        if up == "NEXT" and uppers[i + 1:i + 3] == ["VALUE", "FOR"]:
            return "advances a sequence (NEXT VALUE FOR)"
        if up in _SIDE_EFFECT_FUNCTIONS and i + 1 < len(tokens) and tokens[i + 1].text == "(":
            return f"side effect or wait ({up}())"
        if t.kind == "punct" and t.text == ":=":
            return "assigns a user variable"
    return None


def _statement_after_ctes(tokens: list[Token]) -> str | None:
    """The keyword of the statement a WITH clause belongs to (SELECT, UPDATE, DELETE …)."""
    depths = _depths(tokens)
    for i, (t, d) in enumerate(zip(tokens, depths)):
        if i == 0 or d != 0 or t.kind != "word":
            continue
        up = t.upper
        if up in ("SELECT", "UPDATE", "DELETE", "INSERT", "REPLACE"):
            prev = tokens[i - 1]
            if prev.kind == "punct" and prev.text == ")" or prev.kind == "punct" and prev.text == "(":
                return up
    # WITH x AS (…) (SELECT …): main statement is parenthesised
    for i, (t, d) in enumerate(zip(tokens, depths)):
        if d == 1 and t.kind == "word" and t.upper == "SELECT" and tokens[i - 1].text == "(":
            j = i - 2
            if j >= 0 and tokens[j].kind == "punct" and tokens[j].text == ")":
                return "SELECT"
    return None


_SPACED_BEFORE_PAREN = {"in", "from", "join", "as", "exists", "values", "and", "or", "not", "on", "where", "select",
                        "union", "by", "all", "distinct", "when", "then", "else", "with", "recursive", "into"}


def fingerprint(sql: str) -> str:
    """The query shape: lower-case keywords, literals as ``?``, lists of literals as ``?+``."""
    tokens = _strip_trailing_semicolons(tokenize(sql))
    out: list[str] = []
    for t in tokens:
        if t.kind in ("string", "number"):
            piece = "?"
        elif t.kind == "word":
            piece = t.text.lower()
            if piece in ("null", "true", "false") and out and out[-1] in ("=", "in", "(", ",", "<>", "!="):
                piece = "?"
        elif t.kind == "ident":
            piece = t.text.lower()
        else:
            piece = t.text
        # fold "?, ?, ?" into "?+"
        if piece == "?" and len(out) >= 2 and out[-1] == "," and out[-2] in ("?", "?+"):
            out.pop()
            out[-1] = "?+"
            continue
        out.append(piece)
    text = ""
    for i, piece in enumerate(out):
        glue = " " if i else ""
        if piece in (")", ",", ".") or (out[i - 1] in ("(", ".") if i else False):
            glue = ""
        elif piece == "(" and i and out[i - 1] not in _SPACED_BEFORE_PAREN and out[i - 1][-1:].isalnum():
            glue = ""  # a function call: count(*)
        text += glue + piece
    return text


def digest_of(fp: str) -> str:
    """A stable 16-hex id for a fingerprint (not pt-query-digest's: its fingerprint rules differ)."""
    return hashlib.md5(fp.encode()).hexdigest()[:16].upper()


@dataclass(frozen=True)
class ResultShape:
    """How to compare two results of this statement."""

    order_keys: tuple[str, ...] | None  # top-level ORDER BY keys (lower-case names or 1-based positions); None = none
    has_limit: bool
    nondeterministic: str | None  # why the rows themselves may differ run to run, or None


def result_shape(sql: str) -> ResultShape:
    tokens = _strip_trailing_semicolons(tokenize(sql))
    depths = _depths(tokens)
    # a statement written as ( SELECT … ) with the ORDER BY inside the only parenthesis
    outer = 0
    while tokens and tokens[0].text == "(" and tokens[-1].text == ")" and _single_group(tokens):
        tokens = tokens[1:-1]
        outer += 1
        depths = _depths(tokens)
    nondet = None
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.upper in _NONDETERMINISTIC_FUNCTIONS:
            if t.upper in ("CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP") \
                    or i + 1 < len(tokens) and tokens[i + 1].text == "(":
                nondet = f"uses {t.upper}()"
                break
    order_at = limit_at = None
    for i, (t, d) in enumerate(zip(tokens, depths)):
        if d == 0 and t.kind == "word":
            if t.upper == "ORDER" and i + 1 < len(tokens) and tokens[i + 1].upper == "BY":
                order_at = i + 2
            elif t.upper == "LIMIT":
                limit_at = i
            elif t.upper in ("UNION", "INTERSECT", "EXCEPT"):
                order_at = limit_at = None  # the clauses that count are after the last set operator
    keys: tuple[str, ...] | None = None
    if order_at is not None:
        end = limit_at if limit_at is not None and limit_at > order_at else len(tokens)
        keys = _order_keys(tokens[order_at:end], depths[order_at:end])
    if limit_at is not None and order_at is None and nondet is None:
        nondet = "LIMIT without ORDER BY"
    return ResultShape(order_keys=keys, has_limit=limit_at is not None, nondeterministic=nondet)


def _single_group(tokens: list[Token]) -> bool:
    """True when the first '(' closes at the last token."""
    depth = 0
    for i, t in enumerate(tokens):
        if t.text == "(" and t.kind == "punct":
            depth += 1
        elif t.text == ")" and t.kind == "punct":
            depth -= 1
            if depth == 0 and i != len(tokens) - 1:
                return False
    return True


def _order_keys(tokens: list[Token], depths: list[int]) -> tuple[str, ...]:
    """ORDER BY items as result-column names; an expression becomes ``""`` (cannot be checked)."""
    base = depths[0] if depths else 0
    items: list[list[Token]] = [[]]
    for t, d in zip(tokens, depths):
        if d == base and t.kind == "punct" and t.text == ",":
            items.append([])
        else:
            items[-1].append(t)
    keys = []
    for item in items:
        item = [t for t in item if not t.is_word("ASC", "DESC")]
        if len(item) == 1 and item[0].kind == "number" and item[0].text.isdigit():
            keys.append(item[0].text)
        elif item and all(t.kind in ("word", "ident") or t.text == "." for t in item) and item[-1].kind != "punct":
            keys.append(item[-1].text.lower())
        else:
            keys.append("")
    return tuple(keys)
