"""View column names offline (collect/views.py) equal what the real server lists in information_schema.

The fixture's views are created through pymysql, one statement at a time, because the ``mariadb``
client strips comments before it sends a statement, and a comment inside an unaliased expression
is part of the column name the server stores.
"""

from __future__ import annotations

from pathlib import Path

from upgrade_cli.checks.registry import MANUAL_REVIEW_ID, run_checks
from upgrade_cli.precheck.collect.dump import parse_dump
from upgrade_cli.precheck.collect.live import collect_live
from upgrade_cli.sqltext import split_statements

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "view_columns.sql"


def _view_findings(catalog, check_ids=None) -> set[tuple]:
    names = {v.name for v in catalog.views}
    return {(f.check_id, f.object_type, f.schema, f.object_name, f.column) for f in run_checks(catalog).findings
            if f.object_name in names and (check_ids is None or f.check_id in check_ids)}


def _but_utf8mb3(found: set[tuple]) -> set[tuple]:
    """utf8mb3 on a view column that is not a column reference takes the creating connection's charset
    (MariaDB types a literal utf8mb3 whatever the connection), which a dump does not say: the offline
    scan leaves it unknown rather than guess, so those are compared as a subset."""
    return {f for f in found if f[0] != "utf8mb3"}


def test_offline_view_columns_equal_the_live_servers(mariadb, fresh_db):
    sql = FIXTURE.read_text()
    with mariadb.connect(fresh_db) as conn, conn.cursor() as cur:
        for stmt in split_statements(sql):
            cur.execute(stmt.text)
    with mariadb.connect() as conn:
        live = collect_live(conn, [fresh_db])
    offline = parse_dump(sql, str(FIXTURE), default_schema=fresh_db)
    assert offline.issues == []
    live_views = {v.name: v.columns for v in live.views}
    assert len(live_views) == sum(1 for s in split_statements(sql) if "CREATE VIEW" in s.text)
    assert {v.name: v.columns for v in offline.views} == live_views
    assert _but_utf8mb3(_view_findings(offline)) == _but_utf8mb3(_view_findings(live))
    assert _view_findings(offline, {"utf8mb3"}) <= _view_findings(live, {"utf8mb3"})
    assert {("reservedKeywords", "rank"), ("reservedKeywords", "groups")} <= {(f[0], f[4]) for f in _view_findings(live)}
    # the rules the fixture is there to exercise, as the server applied them
    assert live_views["v_using"][0] == "id" and live_views["v_literals"][3] == "My_exp_NULL"
    assert live_views["v_long"] == ["Name_exp_1"] and live_views["v_comment"] == ["a /* inside */ + 1"]


def test_star_views_are_checked_like_on_a_live_server():
    sql = ("CREATE TABLE `System` (`JSON_TABLE` INT, cube INT);\n"
           "CREATE VIEW folded AS SELECT * FROM system;\n"  # lower_case_table_names=1: the server matched it
           "CREATE VIEW NTile AS SELECT * FROM `System`;\n"
           "CREATE VIEW w AS SELECT s.*, 1 FROM `System` s;\n")
    cat = parse_dump(sql, "t.sql", default_schema="grouping")
    assert {v.name: v.columns for v in cat.views} == {"NTile": ["JSON_TABLE", "cube"], "w": ["JSON_TABLE", "cube", "1"],
                                                     "folded": ["JSON_TABLE", "cube"]}
    found = {(f.object_name, f.column) for f in run_checks(cat).findings if f.check_id == "reservedKeywords"}
    assert {("NTile", "JSON_TABLE"), ("NTile", "cube"), ("w", "JSON_TABLE"), ("w", "cube")} <= found


def test_a_view_sqlglot_cannot_name_keeps_its_columns_and_is_put_up_for_manual_review():
    sql = ("CREATE TABLE t (a INT, b INT);\n"
           "CREATE VIEW grouped AS SELECT * FROM t GROUP BY a ASC;\n"  # 5.7 syntax sqlglot rejects, and a star to expand
           "CREATE VIEW elsewhere AS SELECT * FROM other_db.t;\n"  # a table the dump does not define
           "CREATE VIEW named AS SELECT a, COUNT(*) FROM t GROUP BY a ASC;\n")  # no star: the SELECT list is enough
    cat = parse_dump(sql, "t.sql", default_schema="app")
    assert {v.name: v.columns for v in cat.views} == {"grouped": [], "elsewhere": [], "named": ["a", "COUNT(*)"]}
    reasons = {i.object_name: i.reason for i in cat.issues}
    assert set(reasons) == {"grouped", "elsewhere"}
    assert "sqlglot cannot parse" in reasons["grouped"] and "other_db.t" in reasons["elsewhere"]
    manual = {f.object_name for f in run_checks(cat).findings if f.check_id == MANUAL_REVIEW_ID}
    assert manual == {"grouped", "elsewhere"}


def test_mysqldump_stub_columns_are_kept_without_sqlglot():
    sql = ("CREATE TABLE t (a INT);\n"
           "/*!50001 CREATE TABLE `v` (\n `rank` tinyint NOT NULL\n) ENGINE=MyISAM */;\n"
           "/*!50001 DROP TABLE IF EXISTS `v`*/;\n"
           "/*!50001 CREATE ALGORITHM=UNDEFINED VIEW `v` AS select `t`.`a` + 1 AS `rank` from `t` */;\n"
           "CREATE VIEW cyc1 AS SELECT * FROM cyc2;\nCREATE VIEW cyc2 AS SELECT * FROM cyc1;\n")
    cat = parse_dump(sql, "d.sql", default_schema="app")
    assert {v.name: v.columns for v in cat.views} == {"v": ["rank"], "cyc1": [], "cyc2": []}
    assert {i.object_name for i in cat.issues} == {"cyc1", "cyc2"}
