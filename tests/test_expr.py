"""checks/_expr.py: function calls from sqlglot's tree for expressions it parses, from tokens otherwise."""

from __future__ import annotations

from upgrade_cli.checks._expr import Call, calls_in
from upgrade_cli.checks._sql import StoredCode

NAMES = {"PASSWORD", "ENCRYPT", "ENCODE", "ASTEXT"}


def test_a_view_is_read_from_the_tree_and_only_real_calls_count():
    view = StoredCode("view", "VIEW", "app", "v",
                      "SELECT 'PASSWORD(x)' AS s, app.password(u.pw) AS own,\n  PASSWORD(u.pw) AS h, `password` FROM u")
    assert calls_in(view, NAMES) == ([Call("PASSWORD", 2)], "ast")


def test_a_generated_column_sqlglot_rejects_falls_back_to_the_lexer():
    col = StoredCode("column", "COLUMN", "app", "t", "ENCRYPT(a)", column="g")  # one-argument ENCRYPT: no tree
    assert calls_in(col, NAMES) == ([Call("ENCRYPT", 1)], "lexer")
    parsed = StoredCode("column", "COLUMN", "app", "t", "concat(encode(a, 'k'), 'ASTEXT(')", column="g")
    assert calls_in(parsed, NAMES) == ([Call("ENCODE", 1)], "ast")


def test_stored_programs_always_use_the_lexer():
    routine = StoredCode("routine", "PROCEDURE", "app", "p", "BEGIN\n  SELECT PASSWORD('x');\nEND")
    assert calls_in(routine, NAMES) == ([Call("PASSWORD", 2)], "lexer")


def test_cast_and_convert_in_every_form_are_found_in_the_tree_and_named_as_written():
    def found(expr: str):
        return calls_in(StoredCode("column", "COLUMN", "app", "t", expr, column="g"), {"CAST", "CONVERT"})

    assert found("cast(a as char(10))") == ([Call("CAST", 1)], "ast")
    assert found("upper(\n  CONVERT(a USING latin1))") == ([Call("CONVERT", 2)], "ast")
    assert found("convert(a, datetime)") == ([Call("CONVERT", 1)], "ast")
    assert found("concat('cast(', a)") == ([], "ast")  # the lexer would not match it either; the tree never can


def test_every_removed_function_is_found_in_a_view_whatever_node_sqlglot_makes_of_it():
    """sqlglot keeps no position for some calls (two-argument DECODE is its charset Decode): none may be missed."""
    from upgrade_cli.checks.stored_code import REMOVED_FUNCTIONS

    missed = []
    for name in REMOVED_FUNCTIONS:
        for form in ("SELECT {}(a) AS x FROM t", "SELECT {}(a, b) AS x FROM t",
                     "SELECT CASE WHEN a THEN {}( (a), b) END FROM t"):
            calls, _ = calls_in(StoredCode("view", "VIEW", "app", "v", form.format(name)), REMOVED_FUNCTIONS)
            if [c.name for c in calls] != [name]:
                missed.append(form.format(name))
    assert missed == []
