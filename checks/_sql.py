"""Token-level detectors for checks over stored code (views, routines, triggers, events).

sqlglot cannot parse MySQL stored code (it rejects every routine in
``benchmarks/offline_throughput.py``), so these detectors
work on :func:`upgrade_cli.sqltext.tokenize` tokens: comments are already gone and string
literals are single tokens, so ``'PASSWORD('`` in a literal or ``SQL_CACHE`` in a comment can
never match. Every detector returns the offending tokens, so a finding can say which line.
"""

from __future__ import annotations

import re
from typing import Callable, Collection, Iterable, Iterator, NamedTuple

from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import Token, TokenCache, tokenize


class StoredCode(NamedTuple):
    """One piece of stored SQL text and the object it belongs to (a named tuple: a scan makes one per
    body per check, tens of thousands)."""

    object_type: str  # view, routine, trigger, event, column (generated column)
    kind: str  # VIEW, PROCEDURE, FUNCTION, TRIGGER, EVENT, COLUMN: how messages name it (as MySQL Shell does)
    schema: str
    name: str
    text: str
    column: str | None = None
    cache: TokenCache | None = None  # the catalog's

    @property
    def tokens(self) -> tuple[Token, ...]:
        return self.cache.tokens(self.text) if self.cache is not None else tokens_of(self.text)

    def derived(self, fn):
        """``fn(self.tokens)``, once per body text and catalog (see TokenCache.derived)."""
        return self.cache.derived(self.text, fn) if self.cache is not None else fn(self.tokens)

    def of_text(self, fn, *args):
        """``fn(self.text, *args)``, once per text, arguments and catalog (see TokenCache.of_text)."""
        return self.cache.of_text(self.text, fn, *args) if self.cache is not None else fn(self.text, *args)


def tokens_of(text: str) -> tuple[Token, ...]:
    return tuple(tokenize(text))


def stored_code(catalog: Catalog, *, views: bool = True, routines: bool = True, triggers: bool = True,
                events: bool = True, generated_columns: bool = False,
                mentioning: Collection[str] | None = None, matching: re.Pattern[str] | None = None) -> Iterator[StoredCode]:
    """Every stored body of the catalog. Routines whose body is not visible are skipped here:
    the collector records them as needing manual review. With ``mentioning``, only the bodies whose text
    holds one of those words at all: a token match needs the word in the text, so nothing is lost and the
    bodies that cannot match are never tokenized (most bodies, for most checks). ``matching`` is the same
    kind of filter as a pattern the text of every hit must match."""
    cache = catalog.token_cache()
    keep: Callable[[str], object] | None = None  # a test on a body's text, truthy to keep it
    if mentioning is not None:
        wanted, words = frozenset(w.upper() for w in mentioning), cache.words
        keep = lambda text: not wanted.isdisjoint(words(text))  # noqa: E731
    if matching is not None:
        by_words, search = keep, matching.search
        keep = (lambda text: by_words(text) and search(text)) if by_words else search  # noqa: E731
    yield from _stored_code(catalog, views, routines, triggers, events, generated_columns, cache, keep)


def _stored_code(catalog: Catalog, views: bool, routines: bool, triggers: bool, events: bool,
                 generated_columns: bool, cache: TokenCache, keep: Callable[[str], object] | None,
                 ) -> Iterator[StoredCode]:
    """The bodies ``keep`` (a test on the text, or None for all) lets through; a StoredCode is made only
    for those."""
    if views:
        for v in catalog.views:
            text = v.definition or ""
            if keep is None or keep(text):
                yield StoredCode("view", "VIEW", v.schema, v.name, text, None, cache)
    if routines:
        for r in catalog.routines:
            if r.body is not None and (keep is None or keep(r.body)):
                yield StoredCode("routine", r.kind.upper(), r.schema, r.name, r.body, None, cache)
    if triggers:
        for t in catalog.triggers:
            text = t.body or ""
            if keep is None or keep(text):
                yield StoredCode("trigger", "TRIGGER", t.schema, t.name, text, None, cache)
    if events:
        for e in catalog.events:
            text = e.body or ""
            if keep is None or keep(text):
                yield StoredCode("event", "EVENT", e.schema, e.name, text, None, cache)
    if generated_columns:
        for table in catalog.tables:
            for c in table.columns:
                if c.generation_expression and (keep is None or keep(c.generation_expression)):
                    yield StoredCode("column", "COLUMN", table.schema, table.name, c.generation_expression,
                                     column=c.name, cache=cache)


def _prev(tokens: tuple[Token, ...] | list[Token], i: int) -> Token | None:
    return tokens[i - 1] if i > 0 else None


def _next(tokens: tuple[Token, ...] | list[Token], i: int) -> Token | None:
    return tokens[i + 1] if i + 1 < len(tokens) else None


def _is_punct(tok: Token | None, *texts: str) -> bool:
    return tok is not None and tok.kind == "punct" and tok.text in texts


# --- function calls ----------------------------------------------------------------------------

# After these words, ``name (`` is a table, index, routine or key name followed by a column list,
# not a call of a built-in function: ``INSERT INTO password (a, b)``, ``CREATE INDEX x ON t (c)``.
_NOT_A_CALL_AFTER = frozenset({
    "INTO", "TABLE", "TABLES", "INDEX", "KEY", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL", "REFERENCES",
    "CONSTRAINT", "PROCEDURE", "FUNCTION", "CALL", "TRIGGER", "VIEW", "EXISTS", "ON", "UPDATE", "JOIN",
    "FROM", "DATABASE", "SCHEMA", "EVENT", "CURSOR", "TEMPORARY", "REPLACE", "PARTITION",
})


def function_calls(tokens: tuple[Token, ...], names: Collection[str]) -> list[Token]:
    """Calls of the (upper-case) function ``names``: an unquoted word followed by ``(``.

    Qualified names (``db.password(...)``, a stored function of that name) and object names
    followed by a column list (``INSERT INTO password (a)``) are not calls of the built-in.
    """
    found = []
    for i in range(len(tokens) - 1):  # the '(' first: most tokens fail it, and cheaper than upper()
        nxt = tokens[i + 1]
        if nxt[0] != "punct" or nxt[1] != "(":
            continue
        tok = tokens[i]
        if tok[0] != "word" or tok[1].upper() not in names:
            continue
        prev = _prev(tokens, i)
        if _is_punct(prev, "."):
            continue
        if prev is not None and prev.kind == "word" and prev.upper in _NOT_A_CALL_AFTER:
            continue
        found.append(tok)
    return found


# --- reserved words used unquoted ----------------------------------------------------------------

# Reserved words that are also built-in functions in 8.0: ``RANK() OVER (...)`` is a call, not an
# identifier; ``ROW(1, 2)`` is a row constructor already in 5.7.
_FUNCTION_WORDS = frozenset({
    "CUME_DIST", "DENSE_RANK", "FIRST_VALUE", "LAG", "LAST_VALUE", "LEAD", "NTH_VALUE", "NTILE",
    "PERCENT_RANK", "RANK", "ROW_NUMBER", "GROUPING", "JSON_TABLE", "ROW",
})
# The window functions among them: 8.0's grammar has them only as ``name(...) [null treatment] OVER``.
_WINDOW_FUNCTIONS = frozenset({"CUME_DIST", "DENSE_RANK", "FIRST_VALUE", "LAG", "LAST_VALUE", "LEAD", "NTH_VALUE",
                               "NTILE", "PERCENT_RANK", "RANK", "ROW_NUMBER"})
_NULL_TREATMENT = frozenset({"FROM", "FIRST", "LAST", "RESPECT", "IGNORE", "NULLS"})


def _over_follows(tokens: tuple[Token, ...], open_at: int) -> bool:
    """Whether the parenthesis at ``open_at`` closes and is followed by OVER (past FROM FIRST / RESPECT NULLS)."""
    depth = 0
    for j in range(open_at, len(tokens)):
        if _is_punct(tokens[j], "("):
            depth += 1
        elif _is_punct(tokens[j], ")"):
            depth -= 1
            if depth == 0:
                k = j + 1
                while k < len(tokens) and tokens[k].kind == "word" and tokens[k].upper in _NULL_TREATMENT:
                    k += 1
                return k < len(tokens) and tokens[k].is_word("OVER")
    return False


# 5.7 statements that already use some of these words as keywords, so they stay valid in 8.0.
_KEYWORD_USES = {
    "FUNCTION": frozenset({"CREATE", "DROP", "ALTER", "SHOW", "AGGREGATE", "ON", "EXISTS"}),
    "FULL": frozenset({"SHOW"}),
    "ROW": frozenset({"EACH"}),
}


def unquoted_words(tokens: tuple[Token, ...], words: Collection[str]) -> list[Token]:
    """Unquoted uses of the (upper-case) ``words`` as identifiers.

    Not counted: a word right after ``.`` (``NEW.rank``, ``t.rank`` are legal in 8.0), a function
    form (``RANK() OVER``), and the 5.7 statements where the word is a keyword
    (``DROP FUNCTION``, ``SHOW FULL PROCESSLIST``, ``FOR EACH ROW``).
    """
    found = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or tok.upper not in words:
            continue
        prev = _prev(tokens, i)
        if _is_punct(prev, "."):
            continue
        if tok.upper in _FUNCTION_WORDS and _is_punct(_next(tokens, i), "("):
            if tok.upper not in _WINDOW_FUNCTIONS or _over_follows(tokens, i + 1):
                continue
            # a 5.7 user function named like an 8.0 window function: 8.0 parses RANK( only as the
            # window function, so rank(x) without OVER no longer parses (nor does rank() alone)
        keyword_after = _KEYWORD_USES.get(tok.upper)
        if keyword_after and prev is not None and prev.kind == "word" and prev.upper in keyword_after:
            continue
        if tok.upper == "OVER" and _is_punct(prev, ")"):
            continue  # RANK() OVER (...)
        if tok.upper == "FUNCTION" and _after_definer(tokens, i):
            continue  # CREATE DEFINER=`u`@`h` FUNCTION
        found.append(tok)
    return found


def _after_definer(tokens: tuple[Token, ...], i: int) -> bool:
    for j in range(i - 1, max(i - 6, -1), -1):
        if tokens[j].is_word("DEFINER"):
            return True
    return False


# Where a stored program declares a name of its own: the name must still parse in 8.0.
_DECLARE_SKIP = frozenset({"CONTINUE", "EXIT", "UNDO"})  # DECLARE CONTINUE HANDLER ...: no name


def declared_names(code: StoredCode) -> list[Token]:
    """Names a routine/trigger/event body declares: DECLARE variables, cursors, conditions and
    labels (unquoted word tokens only). Parameters are not here: both collectors keep the parameter
    list without its quotes, so whether a parameter name was quoted cannot be known."""
    tokens = code.tokens
    found: list[Token] = []
    for i, tok in enumerate(tokens):
        if tok.is_word("DECLARE"):
            j = i + 1
            if j < len(tokens) and tokens[j].is_word(*_DECLARE_SKIP):
                continue
            while j < len(tokens) and tokens[j].kind == "word":  # DECLARE a, b, c INT
                found.append(tokens[j])
                if _is_punct(_next(tokens, j), ","):
                    j += 2
                else:
                    break
        elif tok.kind == "word" and _is_punct(_next(tokens, i), ":") and (
                i == 0 or _is_punct(tokens[i - 1], ";") or tokens[i - 1].is_word("BEGIN", "THEN", "ELSE", "DO", "LOOP", "REPEAT")):
            found.append(tok)  # label:  BEGIN/LOOP/WHILE/REPEAT
        elif tok.is_word("LEAVE", "ITERATE") and (nxt := _next(tokens, i)) is not None and nxt.kind == "word":
            found.append(nxt)
    return found


# --- GROUP BY ... ASC|DESC ------------------------------------------------------------------------

_GROUP_BY_ENDS = frozenset({"HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "INTO", "FOR", "LOCK", "PROCEDURE",
                            "WITH", "END", "SELECT", "INSERT", "UPDATE", "DELETE", "SET", "ELSE", "THEN"})


def group_by_clauses(tokens: tuple[Token, ...]) -> tuple[list[int], list[tuple[int, int, int]]]:
    """The paren depth of every token (a parenthesis has the depth outside it) and (index of GROUP, first index after
    the clause, paren depth) for every GROUP BY clause: one pass, shared by the GROUP BY checks
    through :meth:`StoredCode.derived`."""
    depths: list[int] = []
    append, depth = depths.append, 0
    groups = []
    for i, tok in enumerate(tokens):
        kind = tok[0]
        if kind == "punct":
            text = tok[1]
            if text == "(":
                append(depth)
                depth += 1
                continue
            if text == ")":
                depth -= 1
        elif kind == "word" and len(tok[1]) == 5 and tok[1].upper() == "GROUP":
            groups.append(i)
        append(depth)
    clauses = []
    n = len(tokens)
    for i in groups:
        if not (i + 1 < n and tokens[i + 1].is_word("BY")):
            continue
        d = depths[i]
        j = i + 2
        while j < n:
            t = tokens[j]
            dj = depths[j]
            if dj < d and t[0] == "punct" and t[1] == ")":
                break
            if dj == d and (t[1] == ";" if t[0] == "punct" else t[0] == "word" and t[1].upper() in _GROUP_BY_ENDS):
                break
            j += 1
        clauses.append((i, j, d))
    return depths, clauses


def group_by_order(tokens: tuple[Token, ...], analysis=None) -> list[Token]:
    """``ASC``/``DESC`` written inside a GROUP BY clause (removed in 8.0.13), at the clause's own
    paren depth: ``GROUP_CONCAT(x ORDER BY y DESC)`` or a subquery's ORDER BY are not counted.
    ``analysis``: :func:`group_by_clauses` of the tokens, if already known."""
    found = []
    depth_at, clauses = analysis or group_by_clauses(tokens)
    for start, end, d in clauses:
        for j in range(start + 2, end):
            if depth_at[j] == d and tokens[j].is_word("ASC", "DESC"):
                found.append(tokens[j])
    return found


def group_by_without_order_by(tokens: tuple[Token, ...], analysis=None) -> list[Token]:
    """Top-level GROUP BY clauses whose query has no ORDER BY: 5.7 sorted the result by the
    grouping columns implicitly, 8.0 does not. Grouped subqueries (in parentheses) are left out:
    the order of their rows does not reach the caller. ``analysis`` as for :func:`group_by_order`."""
    found = []
    n = len(tokens)
    depth_at, clauses = analysis or group_by_clauses(tokens)
    for start, end, d in clauses:
        if d > 0:
            continue
        ordered = False
        j = end
        while j < n:
            t = tokens[j]
            if depth_at[j] < d or (depth_at[j] == d and (_is_punct(t, ";") or t.is_word("UNION"))):
                break
            if depth_at[j] == d and t.is_word("ORDER") and j + 1 < n and tokens[j + 1].is_word("BY"):
                ordered = True
                break
            j += 1
        if not ordered and not any(depth_at[k] == d and tokens[k].is_word("ASC", "DESC") for k in range(start + 2, end)):
            found.append(tokens[start])
    return found


# --- query cache syntax, .tbl, system variables --------------------------------------------------


def query_cache_syntax(tokens: tuple[Token, ...]) -> list[Token]:
    """``SQL_CACHE``, ``SQL_NO_CACHE`` and ``QUERY CACHE`` (``RESET``/``FLUSH QUERY CACHE``)."""
    found = []
    for i, tok in enumerate(tokens):
        if _is_punct(_prev(tokens, i), "."):
            continue
        if tok.is_word("SQL_CACHE", "SQL_NO_CACHE"):
            found.append(tok)
        elif tok.is_word("QUERY") and (nxt := _next(tokens, i)) is not None and nxt.is_word("CACHE"):
            found.append(tok)
    return found


# What the text around a hit of empty_dot_table must hold: a '.' right before a name's first character
# (or before '.5x', which the lexer reads as one word).
EMPTY_DOT_TEXT = re.compile(r"\.(?:[^\W\d]|[$`'\"\u0080-\U0010ffff]|\.\d)")


def empty_dot_table(tokens: tuple[Token, ...]) -> list[Token]:
    """The deprecated ``.tbl`` syntax (a table in "no schema"): a ``.`` that directly precedes a
    name but follows no name — ``FROM .t``, not ``s.t`` or ``s .t``."""
    found = []
    for i, tok in enumerate(tokens):
        if not _is_punct(tok, "."):
            continue
        nxt, prev = _next(tokens, i), _prev(tokens, i)
        if nxt is None or nxt.pos != tok.end or nxt.kind not in ("word", "ident", "string"):
            continue
        if prev is None or prev.kind == "punct" and prev.text != ")":
            found.append(tok)
        elif prev.kind == "word" and prev.end != tok.pos and prev.upper in _NOT_A_CALL_AFTER | {"DELETE", "FROM"}:
            found.append(tok)
    return found


_SCOPE_PREFIXES = ("global.", "session.", "local.")
_SET_STARTS = frozenset({"BEGIN", "THEN", "ELSE", "DO", "LOOP", "REPEAT"})


def system_variable_refs(tokens: tuple[Token, ...], names: Collection[str]) -> list[tuple[str, Token]]:
    """References to the (lower-case) system variables ``names``: ``@@x``, ``@@global.x`` and
    ``SET [GLOBAL|SESSION|LOCAL] x = ...`` statements (not ``UPDATE t SET x = ...``)."""
    found = []
    for i, tok in enumerate(tokens):
        if tok.kind == "variable" and tok.text.startswith("@@"):
            name = tok.text[2:].strip("`").lower()
            nxt = _next(tokens, i)
            if name.endswith(".") and nxt is not None and nxt.kind == "ident" and nxt.pos == tok.end:
                name += nxt.text.lower()  # @@session.`tx_read_only`
            for p in _SCOPE_PREFIXES:
                if name.startswith(p):
                    name = name[len(p):]
            if name in names:
                found.append((name, tok))
        elif tok.is_word("SET") and _starts_statement(tokens, i):
            j = i + 1
            if j < len(tokens) and tokens[j].is_word("GLOBAL", "SESSION", "LOCAL"):
                j += 1
            if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.lower() in names:
                found.append((tokens[j].text.lower(), tokens[j]))
    return found


def _starts_statement(tokens: tuple[Token, ...], i: int) -> bool:
    prev = _prev(tokens, i)
    return prev is None or _is_punct(prev, ";") or (prev.kind == "word" and prev.upper in _SET_STARTS)


def words_at(tokens: Iterable[Token]) -> str:
    """``"ROWS (line 3), ROW (line 4)"``: which words and where, for messages."""
    by_word: dict[str, list[int]] = {}
    for t in tokens:
        by_word.setdefault(t.upper, []).append(t.line)
    return ", ".join(f"{w} ({lines_of(ls)})" for w, ls in by_word.items())


def lines_of(nums: Iterable[int]) -> str:
    ns = sorted(set(nums))
    return ("line " if len(ns) == 1 else "lines ") + ", ".join(map(str, ns))
