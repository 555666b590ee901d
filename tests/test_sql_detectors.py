"""The token detectors of checks/_sql.py on the cases that make or break precision."""

from __future__ import annotations

from upgrade_cli.checks._sql import (StoredCode, declared_names, empty_dot_table, function_calls, group_by_order,
                         group_by_without_order_by, lines_of, query_cache_syntax, stored_code,
                         system_variable_refs, tokens_of, unquoted_words, words_at)
from upgrade_cli.checks.names import RESERVED_IN_80
from upgrade_cli.precheck.model import Catalog, Column, Event, Routine, Source, Table, Trigger, View


def texts(tokens) -> list[str]:
    return [t.text for t in tokens]


def test_function_calls_only_real_calls():
    sql = ("SELECT PASSWORD('x'), 'PASSWORD(', password, db.password('y') /* PASSWORD('z') */ FROM users;\n"
           "INSERT INTO password (a) VALUES (1); CREATE INDEX contains ON t (a); SELECT Contains (g, h)")
    calls = function_calls(tokens_of(sql), {"PASSWORD", "CONTAINS"})
    assert texts(calls) == ["PASSWORD", "Contains"]
    assert [t.line for t in calls] == [1, 2]


def test_unquoted_reserved_words_skip_qualified_quoted_and_function_forms():
    sql = ("SET NEW.rank = 1; SELECT t.rank, `rank`, 'rank', rank_value, RANK() OVER (ORDER BY x) FROM t;\n"
           "DROP FUNCTION f; SHOW FULL PROCESSLIST; SELECT rank FROM t AS system WHERE groups > 0")
    assert texts(unquoted_words(tokens_of(sql), RESERVED_IN_80)) == ["rank", "system", "groups"]


def test_function_after_definer_is_a_keyword():
    sql = "CREATE DEFINER=`app`@`%` FUNCTION f() RETURNS INT RETURN 1"
    assert unquoted_words(tokens_of(sql), {"FUNCTION"}) == []


def test_declared_names_variables_labels_and_leave():
    body = "BEGIN DECLARE rows, b INT; DECLARE CONTINUE HANDLER FOR NOT FOUND SET b = 1; lbl: LOOP LEAVE lbl; END LOOP; END"
    code = StoredCode("routine", "PROCEDURE", "s", "p", body)
    assert texts(declared_names(code)) == ["rows", "b", "lbl", "lbl"]


def test_group_by_asc_desc():
    hits = group_by_order(tokens_of("SELECT g, COUNT(*) FROM m GROUP /* c */ BY g\n# x\nDESC"))
    assert texts(hits) == ["DESC"] and hits[0].line == 3
    assert group_by_order(tokens_of("SELECT g FROM m GROUP BY g ORDER BY g ASC")) == []
    assert group_by_order(tokens_of("SELECT g, GROUP_CONCAT(x ORDER BY y DESC) FROM m GROUP BY g")) == []
    assert group_by_order(tokens_of("SELECT 'group by desc' FROM m GROUP BY g HAVING COUNT(*) > 1")) == []
    assert texts(group_by_order(tokens_of("SELECT a FROM t GROUP BY a ASC WITH ROLLUP"))) == ["ASC"]
    inner = "SELECT * FROM (SELECT a FROM t GROUP BY a DESC) d GROUP BY a, (SELECT 1 FROM u ORDER BY v DESC LIMIT 1)"
    assert texts(group_by_order(tokens_of(inner))) == ["DESC"]


def test_group_by_without_order_by():
    sql = "SELECT a FROM t GROUP BY a; SELECT b FROM t GROUP BY b ORDER BY b; SELECT c FROM t GROUP BY c DESC"
    assert [t.pos for t in group_by_without_order_by(tokens_of(sql))] == [sql.index("GROUP BY a")]
    nested = "UPDATE o SET total = (SELECT SUM(x) FROM i WHERE i.o = o.id GROUP BY i.o); SELECT * FROM (SELECT a FROM t GROUP BY a) d"
    assert group_by_without_order_by(tokens_of(nested)) == []  # a grouped subquery's row order does not reach the caller


def test_query_cache_syntax_not_in_comments_or_strings():
    sql = "SELECT SQL_NO_CACHE a /* SQL_CACHE */ FROM t -- SQL_CACHE\n; SELECT 'SQL_CACHE', sql_cache_col FROM t; FLUSH QUERY CACHE"
    assert texts(query_cache_syntax(tokens_of(sql))) == ["SQL_NO_CACHE", "QUERY"]


def test_empty_dot_table():
    sql = "DELETE FROM .t1; SELECT * FROM .`t 2` JOIN s.t3 ON s.t3.a = .5 WHERE x = 1.25 AND (.t4.a) IS NULL"
    hits = empty_dot_table(tokens_of(sql))
    assert len(hits) == 3
    assert [sql[t.pos:t.pos + 3] for t in hits] == [".t1", ".`t", ".t4"]


def test_system_variable_refs():
    sql = ("SELECT @@tx_isolation, @@GLOBAL.query_cache_size, @@session.`tx_read_only`, @tx_isolation;\n"
           "SET tx_isolation = 'x'; SET GLOBAL query_cache_type = 0; UPDATE t SET tx_isolation = 1;\n"
           "SELECT 'tx_isolation', @@transaction_isolation")
    refs = system_variable_refs(tokens_of(sql), {"tx_isolation", "query_cache_size", "query_cache_type", "tx_read_only"})
    assert [n for n, _ in refs] == ["tx_isolation", "query_cache_size", "tx_read_only", "tx_isolation", "query_cache_type"]
    assert [t.line for _, t in refs] == [1, 1, 1, 2, 2]


def test_stored_code_covers_every_body_and_skips_invisible_routines():
    cat = Catalog(source=Source("dump", "x"))
    cat.views.append(View("s", "v", "select 1"))
    cat.routines += [Routine("s", "p", "PROCEDURE", "BEGIN END"), Routine("s", "hidden", "FUNCTION", None)]
    cat.triggers.append(Trigger("s", "tr", "t", "BEFORE", "INSERT", "SET @a = 1"))
    cat.events.append(Event("s", "e", "DO_NOTHING"))
    cat.tables.append(Table("s", "t", columns=[Column("g", 1, "int", "int(11)", generation_expression="a + 1"),
                                               Column("a", 2, "int", "int(11)")]))
    kinds = [(c.object_type, c.kind, c.name, c.column) for c in stored_code(cat, generated_columns=True)]
    assert kinds == [("view", "VIEW", "v", None), ("routine", "PROCEDURE", "p", None), ("trigger", "TRIGGER", "tr", None),
                     ("event", "EVENT", "e", None), ("column", "COLUMN", "t", "g")]
    assert [c.name for c in stored_code(cat, views=False, triggers=False, events=False)] == ["p"]


def test_message_helpers():
    toks = unquoted_words(tokens_of("SELECT rank\nFROM t WHERE rank > 1 AND\nsystem = 2"), RESERVED_IN_80)
    assert words_at(toks) == "RANK (lines 1, 2), SYSTEM (line 3)"
    assert lines_of([3, 1, 3]) == "lines 1, 3"


def test_empty_dot_prefilter_never_hides_a_hit():
    """The emptyDotTableSyntax check only tokenizes bodies EMPTY_DOT_TEXT matches: it must match every
    text where the token detector finds a hit."""
    import random

    from upgrade_cli.checks._sql import EMPTY_DOT_TEXT
    frags = [".", " ", "\n", "t", "`t`", "'s'", '"d"', "é", "$x", "_y", "1", ".5", "(", ")", "FROM", "DELETE",
             "s", "/* */", "-- x\n", "@", "@@", ",", ";", "*/", "/*!50003 ", "..", "5x", "1e5", "0x1F", "ünï"]
    rng = random.Random(7)
    hits = 0
    for _ in range(20000):
        text = "".join(rng.choice(frags) for _ in range(rng.randint(1, 12)))
        if empty_dot_table(tokens_of(text)):
            hits += 1
            assert EMPTY_DOT_TEXT.search(text), text
    assert hits > 50
