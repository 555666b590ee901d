"""View column names offline: the names a 5.7 server lists in ``information_schema.COLUMNS``.

A live server expands ``SELECT *`` and names every column of a view; a dump only holds the text.
mysqldump writes a stub table with the view's columns before each view (``dump.py`` takes those),
and a view with a column list, or whose items are all ``expr AS name`` or column references, is
named by the lexer (:func:`lexer_columns`). The rest (``*``, ``t.*``, unaliased expressions) are
named here with sqlglot's MySQL dialect, imported only when such a view exists: ``qualify`` expands
the stars against a schema built from the catalog's tables and views (USING and NATURAL joins
coalesced, derived tables, views over views), and unaliased expressions, also those of a derived
table a star reads, get the server's name.

The server's naming rules, each checked against MariaDB 10.11 in ``tests/test_view_columns.py``.
MySQL documents the 64-character limit on view column names
(https://dev.mysql.com/doc/refman/5.7/en/identifier-length.html); the ``Name_exp_<n>`` and ``My_exp_``
renames are the code MariaDB inherited from MySQL's sql/sql_view.cc (``make_valid_column_names``,
``check_duplicate_names``), not re-checked on a 5.7 server here:

- an alias as written; a column reference (also ``t.a``, ``(a)``, ``+a``) gives the column name;
- a string literal gives its value (``'it''s'`` → ``it's``, ``_utf8'x'`` → ``x``, ``'a' 'b'`` → ``ab``),
  ``TRUE``/``FALSE``/``NULL`` give the upper-case word;
- any other expression gives its text as written, from its first to its last token (a comment
  inside is kept, one before it is not);
- a generated name longer than 64 characters, empty or ending in a space becomes ``Name_exp_<n>``,
  ``n`` the item's position; one equal to an earlier name becomes ``My_exp_<name>`` (:func:`_unique_names`).

Where sqlglot cannot parse the SELECT, or a star reads a table the dump does not define, the view
keeps the columns it had and a :class:`CollectionIssue` puts it up for manual review.
"""

from __future__ import annotations

import re
from typing import Any

from upgrade_cli.precheck.collect.cursor import Cursor
from upgrade_cli.precheck.model import Catalog, CollectionIssue, View
from upgrade_cli.sqltext import tokenize

_SELECT_MODIFIERS = ("DISTINCT", "ALL", "DISTINCTROW", "STRAIGHT_JOIN", "SQL_CACHE", "SQL_NO_CACHE",
                     "SQL_CALC_FOUND_ROWS", "HIGH_PRIORITY", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT")
_LIST_END = ("FROM", "INTO", "UNION", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "PROCEDURE", "FOR", "LOCK")
_NAME_LEN = 64  # NAME_CHAR_LEN


def select_items(c: Cursor) -> list[Cursor] | None:
    """The items of the (first) SELECT list at the cursor, one cursor each; None if it is no SELECT."""
    while c.accept_punct("("):
        pass
    if not c.accept("SELECT"):
        return None
    while c.at(*_SELECT_MODIFIERS):
        c.take()
    depth, end = 0, c.stop
    for j in range(c.i, c.stop):
        t = c.toks[j]
        if t.kind == "punct" and t.text in "()":
            depth += 1 if t.text == "(" else -1
            if depth < 0:  # the ")" closing "(SELECT ...)"
                end = j
                break
        elif depth == 0 and t.kind == "word" and t.upper in _LIST_END:
            end = j
            break
    return Cursor(c.toks, c.text, c.i, end).split_commas()


def lexer_columns(c: Cursor) -> list[str]:
    """Column names when every item is ``expr AS name`` or a column reference, else ``[]``."""
    names = []
    for item in select_items(c) or []:
        toks = item.toks[item.i:item.stop]
        if len(toks) >= 2 and toks[-2].kind == "word" and toks[-2].upper == "AS":
            names.append(toks[-1].text)
        elif toks and toks[-1].kind in ("ident", "word") and (len(toks) == 1 or toks[-2].text == ".") \
                and not toks[-1].is_word("TRUE", "FALSE", "NULL"):  # literals the server names in upper case
            names.append(toks[-1].text)
        else:
            return []
    return names


class Unnamed(Exception):
    """Why a view's columns cannot be named offline (becomes the manual-review reason)."""


def name_view_columns(catalog: Catalog) -> None:
    """Fill in the columns of every view that has none yet; an issue for each that stays unnamed."""
    pending = [v for v in catalog.views if not v.columns]
    if not pending:
        return
    namer = _Namer(catalog)
    for view in pending:
        try:
            view.columns = namer.columns(view)
        except Unnamed as exc:
            catalog.issues.append(CollectionIssue(
                view.schema, "view", view.name,
                f"view column names could not be derived offline ({exc}); checks on view column names did not "
                "see this view's columns: review it, or scan the live server"))


class _Namer:
    """Names view columns, resolving views over views once each (a cycle is reported, not followed)."""

    def __init__(self, catalog: Catalog):
        import sqlglot  # here, not at module level: only dumps with such views pay for it
        from sqlglot import exp
        from sqlglot.optimizer.qualify import qualify
        from sqlglot.schema import MappingSchema

        self.sqlglot, self.exp, self.qualify, self.MappingSchema = sqlglot, exp, qualify, MappingSchema
        self.tables = {(t.schema, t.name): [c.name for c in t.columns] for t in catalog.tables}
        self.views = {(v.schema, v.name): v for v in catalog.views}
        # A name written in another case than defined: the view could only be created with
        # lower_case_table_names 1/2, where the server matches it regardless of case.
        self.folded = {(s.lower(), n.lower()): (s, n) for s, n in [*self.tables, *self.views]}
        self.done: dict[tuple[str, str], list[str] | Unnamed] = {}
        self.busy: set[tuple[str, str]] = set()

    def columns(self, view: View) -> list[str]:
        key = (view.schema, view.name)
        if key not in self.done:
            if view.columns:
                self.done[key] = view.columns
            elif key in self.busy:
                raise Unnamed(f"it depends on itself through view {view.name}")
            else:
                self.busy.add(key)
                try:
                    self.done[key] = self._name(view)
                except Unnamed as exc:
                    self.done[key] = exc
                finally:
                    self.busy.discard(key)
        result = self.done[key]
        if isinstance(result, Unnamed):
            raise result
        return result

    def _name(self, view: View) -> list[str]:
        exp = self.exp
        items = select_items(Cursor(tokenize(view.definition), view.definition))
        if not items:
            raise Unnamed("no SELECT list found in its definition")
        star = any(item.toks[item.stop - 1].text == "*" for item in items)
        # Without a star the names depend on the SELECT list alone: parsing just that keeps 5.7-only
        # syntax elsewhere (GROUP BY ... ASC, which sqlglot rejects) from costing the view its names.
        text = view.definition if star else "SELECT " + items[0].text[items[0].current().pos:items[-1].toks[items[-1].stop - 1].end]
        try:
            tree = self.sqlglot.parse_one(text, read="mysql")
        except Exception as exc:  # noqa: BLE001 - sqlglot raises ParseError, TokenError, ValueError ...
            raise Unnamed(f"sqlglot cannot parse its SELECT: {_first_line(exc)}") from None
        top = _first_select(exp, tree)
        if top is None:
            raise Unnamed(f"sqlglot reads its definition as {type(tree).__name__}, not a SELECT")
        if len(items) != len(top.expressions):
            raise Unnamed("its SELECT list splits differently for the lexer and for sqlglot")
        generated: dict[str, tuple[str, str]] = {}  # placeholder -> (name, name before Name_exp_n)
        for i, (node, item) in enumerate(zip(top.expressions, items)):
            if not _is_star(exp, node) and not isinstance(node, (exp.Alias, exp.Column)):
                generated[f"_aurora_exp_{i}"] = self._expression_name(node, item, i + 1)
                node.replace(exp.alias_(node.copy(), f"_aurora_exp_{i}", quoted=True))
        if star:
            self._name_derived(tree, view.definition)
            top = self._expand(view, tree)
        names = [node.alias_or_name for node in top.expressions]
        return _unique_names([generated.get(n, (n, n)) for n in names], [n in generated for n in names])

    def _expression_name(self, node, item: Cursor, position: int) -> tuple[str, str]:
        """The server's name for an unaliased expression, and the name before a ``Name_exp_n`` rewrite."""
        exp = self.exp
        inner = node
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
            return inner.name, inner.name
        toks = item.toks[item.i:item.stop]
        if isinstance(node, exp.Boolean):
            name = "TRUE" if node.this else "FALSE"
        elif isinstance(node, exp.Null):
            name = "NULL"
        elif _string_literal(exp, node) and toks[0].kind in ("string", "word") and all(
                t.kind == "string" for t in toks[1:]):  # 'a', _utf8'a', N'a', 'a' 'b'; not CONCAT('a', 'b')
            name = "".join(t.text for t in toks if t.kind == "string")
        else:
            name = item.text[toks[0].pos:toks[-1].end]
        if not name or name.endswith(" ") or len(name) > _NAME_LEN:
            return f"Name_exp_{position}", name
        return name, name

    def _name_derived(self, tree, text: str) -> None:
        """Alias the unaliased expressions of derived tables (``FROM (SELECT a + 1 ...) d``) with the names
        the server gives them, so that a star over ``d`` reads those names (a derived table has no
        ``Name_exp_n``/``My_exp_`` renames: those are for views)."""
        exp = self.exp
        tokens = None
        for sub in list(tree.find_all(exp.Subquery)):
            select = _first_select(exp, sub.this)
            if not isinstance(sub.parent, (exp.From, exp.Join)) or select is None:
                continue
            todo = [i for i, n in enumerate(select.expressions)
                    if not _is_star(exp, n) and not isinstance(n, (exp.Alias, exp.Column))]
            if not todo:
                continue
            tokens = tokens or tokenize(text)
            items = _items_of(exp, select, tokens, text)
            if items is None:
                raise Unnamed("the SELECT list of a derived table its '*' reads cannot be matched to the text")
            for i in todo:
                node = select.expressions[i]
                name, _ = self._expression_name(node, items[i], i + 1)
                node.replace(exp.alias_(node.copy(), name, quoted=True))

    def _expand(self, view: View, tree):
        """``tree``'s first SELECT with its stars expanded against the catalog's tables and views."""
        exp = self.exp
        mapping: dict[str, Any] = {}  # schema → table → column → type, as sqlglot's MappingSchema takes it
        for table in tree.find_all(exp.Table):
            schema, name = table.db or view.schema, table.name
            key = (schema, name) if (schema, name) in self.tables or (schema, name) in self.views \
                else self.folded.get((schema.lower(), name.lower()))
            if key in self.tables:
                cols = self.tables[key]
            elif key in self.views:
                try:
                    cols = self.columns(self.views[key])
                except Unnamed as exc:
                    raise Unnamed(f"it reads view {schema}.{name}, whose columns are not known either: {exc}") from None
            else:
                raise Unnamed(f"its '*' reads {schema}.{name}, which the dump does not define")
            mapping.setdefault(schema, {})[name] = {col: "TEXT" for col in cols}  # as written in the view
        try:
            tree = self.qualify(tree, dialect="mysql", db=view.schema, schema=self.MappingSchema(mapping, dialect="mysql"),
                         expand_stars=True, validate_qualify_columns=False, quote_identifiers=False, identify=False)
        except Exception as exc:  # noqa: BLE001 - the optimizer raises OptimizeError and others
            raise Unnamed(f"sqlglot cannot expand its '*': {_first_line(exc)}") from None
        expressions = _first_select(exp, tree).expressions
        if any(_is_star(exp, n) or n.alias_or_name == "*" for n in expressions):
            raise Unnamed("sqlglot left a '*' unexpanded")
        if any(_GENERATED.fullmatch(n.alias_or_name) for n in expressions):
            raise Unnamed("a '*' reaches an unaliased expression of a derived table")
        return _first_select(exp, tree)


def _unique_names(names: list[tuple[str, str]], generated: list[bool]) -> list[str]:
    """Rename clashing generated names as the server does (5.7 sql_view.cc ``check_duplicate_names``).

    A generated name equal (case-insensitively) to an earlier name becomes ``My_exp_<name>``, or
    ``My_exp_<k>_<name>`` if that is taken too; an alias or a column never is renamed (a clash
    between two of those is an error the server reported at CREATE VIEW).
    """
    final = [n for n, _ in names]
    original = [o for _, o in names]
    generated = list(generated)
    for i in range(len(final)):
        for j in range(i):
            if final[i].lower() != final[j].lower():
                continue
            target = i if generated[i] else j if generated[j] else None
            if target is None:
                continue
            taken = {final[k].lower() for k in range(i + 1) if k != target}
            attempt = 0
            while True:
                candidate = (f"My_exp_{attempt}_{original[target]}" if attempt else f"My_exp_{original[target]}")[:_NAME_LEN]
                if candidate.lower() not in taken:
                    break
                attempt += 1
            original[target], final[target] = final[target], candidate
    return final


_GENERATED = re.compile(r"_col_\d+")


def _items_of(exp, select, tokens, text: str) -> list[Cursor] | None:
    """The lexer's items of the SELECT list of ``select`` (a node of a tree parsed from ``text``), or None.

    sqlglot keeps positions for names and literals only: the SELECT is the nearest ``SELECT`` word
    before its first positioned node whose items each span the positioned nodes of one expression."""
    spans = []
    for node in select.expressions:
        starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
        spans.append((min(starts), max(starts)) if starts else None)
    known = [s for s in spans if s]
    if not known:
        return None
    first = min(lo for lo, _ in known)
    for k in range(len(tokens) - 1, -1, -1):
        if tokens[k].pos >= first or not tokens[k].is_word("SELECT"):
            continue
        items = select_items(Cursor(tokens, text, k))
        if items and len(items) == len(spans) and all(
                span is None or item.current().pos <= span[0] and span[1] < item.toks[item.stop - 1].end
                for item, span in zip(items, spans)):
            return items
    return None


def _first_select(exp, tree):
    """The leftmost SELECT of a query (the one whose names a UNION takes), or None."""
    while isinstance(tree, (exp.SetOperation, exp.Subquery)):
        tree = tree.this
    return tree if isinstance(tree, exp.Select) else None


def _is_star(exp, node) -> bool:
    return isinstance(node, exp.Star) or (isinstance(node, exp.Column) and isinstance(node.this, exp.Star))


def _string_literal(exp, node) -> bool:
    if isinstance(node, (exp.Introducer, exp.National)):
        return True
    if isinstance(node, exp.Literal):
        return node.is_string
    return isinstance(node, exp.Concat)  # adjacent literals, 'a' 'b', parse as CONCAT


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


_FROM_END = frozenset({"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "PROCEDURE", "INTO", "FOR", "LOCK",
                       "WINDOW"})
_JOIN_WORDS = frozenset({"JOIN", "STRAIGHT_JOIN", "INNER", "CROSS", "LEFT", "RIGHT", "OUTER", "NATURAL"})


def view_column_charsets(catalog: Catalog) -> None:
    """The charset of each view column that names a base-table column, as a live server lists it.

    A dump holds no view column types. A column reference takes its column's charset (through the
    FROM clause's tables, aliases and views defined earlier), so does a string function of columns of
    one charset; other expressions (literals) take the charset of the connection the view was created
    through, which a dump does not say: they are left unknown rather than guessed.
    """
    tables = {(t.schema, t.name): t for t in catalog.tables}
    views = {(v.schema, v.name): v for v in catalog.views}
    cache = catalog.token_cache()
    for view in catalog.views:
        tokens = cache.tokens(view.definition)
        items = select_items(Cursor(list(tokens), view.definition))
        if not items or len(items) != len(view.columns):
            continue
        sources = _from_tables(list(tokens), items[-1].stop, view.schema)
        def resolve(qualifier: str | None, column: str) -> str | None:
            for alias, key in sources:
                if qualifier is None or alias.lower() == qualifier.lower():
                    charset = _charset_of(tables.get(key), views.get(key), column)
                    if charset is not None:
                        return charset
            return None

        for name, item in zip(view.columns, items):
            toks = item.toks[item.i:item.stop]
            ref = _column_ref(toks)
            charset = resolve(*ref) if ref is not None else _string_function_charset(toks, resolve)
            if charset is not None:
                view.column_charsets[name] = charset


# String functions whose result takes the charset of their string column arguments (a column's
# coercibility beats a literal's: CONCAT(first_name, ' ', last_name) is the columns' charset).
_STRING_FUNCTIONS = frozenset({"CONCAT", "CONCAT_WS", "GROUP_CONCAT", "UPPER", "LOWER", "UCASE", "LCASE", "TRIM",
                               "LTRIM", "RTRIM", "SUBSTRING", "SUBSTR", "LEFT", "RIGHT", "REPLACE", "LPAD", "RPAD",
                               "IFNULL", "COALESCE"})


def _string_function_charset(toks, resolve) -> str | None:
    """The charset of ``FUNC(...) [AS x]`` when FUNC returns a string and every string column it reads
    has the same charset; None when unsure (a subquery, a column not found, mixed charsets)."""
    if len(toks) >= 2 and toks[-2].is_word("AS"):
        toks = toks[:-2]
    if len(toks) < 3 or not toks[0].is_word(*_STRING_FUNCTIONS) or toks[1].text != "(" or toks[-1].text != ")":
        return None
    found = set()
    for i, t in enumerate(toks[2:-1], 2):
        if t.is_word("SELECT"):
            return None
        if t.kind not in ("ident", "word") or (i + 1 < len(toks) and toks[i + 1].text in ("(", ".")):
            continue
        qualified = toks[i - 1].text == "." and toks[i - 1].kind == "punct"
        charset = resolve(toks[i - 2].text if qualified else None, t.text)
        if charset is not None:
            found.add(charset)
        elif t.kind == "ident" or qualified:
            return None  # a column this scan cannot place
    return found.pop() if len(found) == 1 else None


def _charset_of(table, view, column: str) -> str | None:
    if table is not None:
        col = table.column(column)
        return col.charset if col is not None else None
    if view is not None:
        return next((cs for n, cs in view.column_charsets.items() if n.lower() == column.lower()), None)
    return None


def _column_ref(toks) -> tuple[str | None, str] | None:
    """(table qualifier, column) of an item that is a plain column reference (``c``, ``t.c``, ``s.t.c`` [AS x])."""
    if len(toks) >= 2 and toks[-2].is_word("AS"):
        toks = toks[:-2]
    elif len(toks) in (2, 4, 6) and toks[-1].kind in ("ident", "word") and toks[-2].kind in ("ident", "word"):
        toks = toks[:-1]  # an alias without AS
    names = toks[0::2]
    if not 1 <= len(names) <= 3 or any(t.kind not in ("ident", "word") for t in names) \
            or any(t.kind != "punct" or t.text != "." for t in toks[1::2]) or len(toks) != 2 * len(names) - 1:
        return None
    if names[-1].kind == "word" and names[-1].upper in ("NULL", "TRUE", "FALSE"):
        return None
    return (names[-2].text if len(names) >= 2 else None), names[-1].text


def _from_tables(toks, start: int, schema: str) -> list[tuple[str, tuple[str, str]]]:
    """(alias or name, (schema, table)) of the plain tables of the first FROM clause at or after ``start``."""
    i = start
    while i < len(toks) and not toks[i].is_word("FROM"):
        i += 1
    out, depth, expect = [], 0, True
    i += 1
    while i < len(toks):
        t = toks[i]
        if t.kind == "punct" and t.text == "(":
            depth += 1
            expect = False  # a derived table or a nested join: its columns stay unknown
        elif t.kind == "punct" and t.text == ")":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and t.kind == "word" and t.upper in _FROM_END:
            break
        elif depth == 0 and ((t.kind == "punct" and t.text == ",") or (t.kind == "word" and t.upper in _JOIN_WORDS)):
            expect = True
        elif depth == 0 and expect and t.kind in ("ident", "word"):
            expect = False
            name_schema, name = schema, t.text
            if i + 2 < len(toks) and toks[i + 1].text == "." and toks[i + 1].kind == "punct":
                name_schema, name, i = t.text, toks[i + 2].text, i + 2
            alias = name
            j = i + 1
            if j < len(toks) and toks[j].is_word("AS"):
                j += 1
            if j < len(toks) and toks[j].kind in ("ident", "word") and not (
                    toks[j].kind == "word" and (toks[j].upper in _FROM_END or toks[j].upper in _JOIN_WORDS
                                                or toks[j].upper in ("ON", "USING"))):
                alias, i = toks[j].text, j
            out.append((alias, (name_schema, name)))
        i += 1
    return out
