"""bench capture: statement classification, slow logs (real MariaDB output and a MySQL 5.7 sample),
SQL files and the performance_schema digest table of a real server."""

from __future__ import annotations

import io
import json

import pytest
from typer.testing import CliRunner

from tests.mariadb_server import MariaDB
from upgrade_cli.bench.capture import capture_slow_log, capture_sql_file, parse_slow_log
from upgrade_cli.bench.sqlshape import fingerprint, read_only_reason, result_shape
from upgrade_cli.bench.workload import Workload
from upgrade_cli.cli_common import ToolError
from upgrade_cli.main import app

READS = [
    "SELECT 1",
    "  select id from customers where id = 5",
    "/* app:checkout */ SELECT qty FROM cart_items WHERE customer_id = 3",
    "WITH recent AS (SELECT id, total FROM orders WHERE customer_id = 1) SELECT COUNT(*), SUM(total) FROM recent",
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT * FROM n",
    "(SELECT id FROM orders WHERE customer_id = 1) UNION (SELECT order_id FROM payments WHERE order_id = 2)",
    "SELECT 'a;b' AS x, 'INSERT INTO t' AS y, `update` FROM t",
    "SELECT id FROM t WHERE note = 'FOR UPDATE'",
]
SKIPS = {
    "SET NAMES utf8mb4": "SET",
    "SET GLOBAL slow_query_log = 1": "SET",
    "use shop": "USE",
    "INSERT INTO cart_items (customer_id) VALUES (1)": "INSERT",
    "UPDATE cart_items SET qty = qty + 1 WHERE customer_id = 3": "UPDATE",
    "DELETE FROM cart_items WHERE customer_id = 3": "DELETE",
    "REPLACE INTO cart_items (id) VALUES (1)": "REPLACE",
    "SELECT id, total INTO @x, @y FROM orders WHERE id = 1": "INTO",
    "SELECT * FROM t INTO OUTFILE '/tmp/x'": "INTO",
    "SELECT id FROM orders WHERE id = 1 FOR UPDATE": "locking",
    "SELECT id FROM orders WHERE id = 1 FOR SHARE": "locking",
    "SELECT id FROM orders WHERE id = 1 LOCK IN SHARE MODE": "locking",
    "EXPLAIN SELECT * FROM orders": "EXPLAIN",
    "SHOW TABLE STATUS LIKE 'orders'": "SHOW",
    "CREATE TABLE x (id INT)": "CREATE",
    "WITH x AS (SELECT 1) DELETE FROM t": "DELETE",
    "SELECT 1; DROP TABLE t": "more than one",
    "SELECT GET_LOCK('x', 10)": "GET_LOCK",
    "SELECT NEXTVAL(seq1)": "NEXTVAL",
    "SELECT @a := 1": "assigns",
}


@pytest.mark.parametrize("sql", READS)
def test_plain_reads_are_replayable(sql):
    assert read_only_reason(sql) is None


@pytest.mark.parametrize("sql,why", SKIPS.items())
def test_anything_that_could_write_or_lock_is_skipped(sql, why):
    reason = read_only_reason(sql)
    assert reason is not None and why.lower() in reason.lower()


def test_fingerprint_groups_literal_variants():
    a = fingerprint("SELECT id FROM orders WHERE id IN (1, 2, 3) AND status = 'x' LIMIT 5")
    b = fingerprint("select  id from orders where id in (7,8) and status = \"y\" limit 10;")
    assert a == b == "select id from orders where id in (?+) and status = ? limit ?"
    assert fingerprint("SELECT COUNT(*) FROM t") == "select count(*) from t"


def test_result_shape_knows_when_order_and_rows_are_defined():
    assert result_shape("SELECT id, price FROM p ORDER BY price, p.id LIMIT 5").order_keys == ("price", "id")
    assert result_shape("SELECT a FROM t ORDER BY 1 DESC").order_keys == ("1",)
    assert result_shape("SELECT a FROM t ORDER BY a + 1").order_keys == ("",)  # an expression: not checkable
    assert result_shape("SELECT a FROM t LIMIT 3").nondeterministic == "LIMIT without ORDER BY"
    assert "RAND" in result_shape("SELECT a FROM t ORDER BY RAND() LIMIT 3").nondeterministic
    assert "NOW" in result_shape("SELECT a FROM t WHERE d < NOW()").nondeterministic
    union = result_shape("SELECT 'o' AS kind, id FROM o UNION ALL SELECT 'r', id FROM r ORDER BY kind, id")
    assert union.order_keys == ("kind", "id") and not union.has_limit
    inner = result_shape("SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 3) x")
    assert inner.order_keys is None and not inner.has_limit  # the inner ORDER BY does not order the result


def test_sql_file_split_respects_quotes_comments_and_delimiters(tmp_path):
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT ';' AS a; -- a comment; with a semicolon\nSELECT 2 /* ; */;\n\n"
                   "DELIMITER //\nSELECT 3; //\nDELIMITER ;\n{\"not\": \"sql\"};\nSELECT 4")
    workload = capture_sql_file(sql, None, 0, "shop")
    samples = sorted(s for q in workload.queries for s in q.samples)
    assert samples == ["SELECT ';' AS a", "SELECT 2 /* ; */", "SELECT 3", "SELECT 4"]
    assert "(4 statements, 1 fragments that are not SQL left out)" in workload.origin_detail


def test_a_file_with_no_sql_is_one_clear_error(tmp_path):
    not_sql = tmp_path / "params.json"
    not_sql.write_text('{"Parameters": [{"ParameterName": "x"}]}')
    with pytest.raises(ToolError, match="holds no SQL statements"):
        capture_sql_file(not_sql, None, 0, None)
    with pytest.raises(ToolError, match="SQL file not found"):
        capture_sql_file(tmp_path / "missing.sql", None, 0, None)


MYSQL57_SLOW_LOG = """\
/usr/sbin/mysqld, Version: 5.7.44-log (MySQL Community Server (GPL)). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
# Time: 2024-03-05T10:15:42.123456Z
# User@Host: app[app] @  [10.0.0.12]  Id:    42
# Query_time: 1.234567  Lock_time: 0.000101 Rows_sent: 10  Rows_examined: 500000
use shop;
SET timestamp=1709633742;
SELECT o.id, o.total
  FROM orders o
 WHERE o.customer_id = 17
 ORDER BY o.id;
# Time: 2024-03-05T10:15:43.000001Z
# User@Host: app[app] @  [10.0.0.12]  Id:    42
# Query_time: 0.500000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0
SET timestamp=1709633743;
UPDATE orders SET status = 'shipped' WHERE id = 5;
# Time: 2024-03-05T10:15:44.000001Z
# User@Host: app[app] @  [10.0.0.12]  Id:    42
# Query_time: 0.750000  Lock_time: 0.000100 Rows_sent: 3  Rows_examined: 300000
SET timestamp=1709633744;
SELECT o.id, o.total
  FROM orders o
 WHERE o.customer_id = 99
 ORDER BY o.id;
# Time: 2024-03-05T10:15:45.000001Z
# User@Host: app[app] @  [10.0.0.12]  Id:    43
# Query_time: 0.000010  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0
use `billing`;
SET timestamp=1709633745;
# administrator command: Quit;
# Time: 2024-03-05T10:15:46.000001Z
# User@Host: app[app] @  [10.0.0.12]  Id:    43
# Query_time: 0.300000  Lock_time: 0.000000 Rows_sent: 1  Rows_examined: 10
SET timestamp=1709633746;
SELECT COUNT(*) FROM invoices;
"""


def test_mysql57_slow_log_format(tmp_path):
    events = list(parse_slow_log(io.StringIO(MYSQL57_SLOW_LOG)))
    assert [(e.database, e.sql.split()[0], e.query_time) for e in events] == [
        ("shop", "SELECT", 1.234567), ("shop", "UPDATE", 0.5), ("shop", "SELECT", 0.75), ("billing", "SELECT", 0.3)]
    assert events[0].sql.endswith("ORDER BY o.id") and "\n" in events[0].sql and events[0].rows_examined == 500000

    path = tmp_path / "slow.log"
    path.write_text(MYSQL57_SLOW_LOG)
    wl = capture_slow_log(path, top=None, max_samples=0, database=None)
    top = wl.queries[0]  # heaviest shape first
    assert top.database == "shop" and top.source.count == 2 and len(top.samples) == 2
    assert top.source.total_s == pytest.approx(1.984567) and top.source.max_s == pytest.approx(1.234567)
    assert {q.database for q in wl.queries} == {"shop", "billing"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with MariaDB(tmp_path_factory.mktemp("capture")) as srv:
        srv.execute_script("CREATE DATABASE shop; CREATE DATABASE other;"
                           "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(20));"
                           "INSERT INTO shop.t SELECT seq, CONCAT('v', seq) FROM shop.seq_1_to_100;"
                           "CREATE TABLE other.u (id INT PRIMARY KEY);")
        yield srv


def test_real_mariadb_slow_log(server, tmp_path):
    """Turn the slow log on with long_query_time=0, run statements in two databases, parse what MariaDB wrote."""
    log = tmp_path / "mariadb-slow.log"
    with server.connect() as admin, admin.cursor() as cur:
        cur.execute("SET GLOBAL slow_query_log_file = %s", (str(log),))
        cur.execute("SET GLOBAL log_slow_verbosity = 'query_plan'")
        cur.execute("SET GLOBAL long_query_time = 0")
        cur.execute("SET GLOBAL slow_query_log = 1")
    try:
        with server.connect("shop") as conn, conn.cursor() as cur:  # a new session picks up long_query_time=0
            for i in (1, 2, 3):
                cur.execute(f"SELECT id, v\n  FROM t\n WHERE id = {i}")
            cur.execute("SELECT COUNT(*) FROM t WHERE v LIKE '%;%'")
            conn.select_db("other")
            cur.execute("SELECT COUNT(*) FROM u")
    finally:
        with server.connect() as admin, admin.cursor() as cur:
            cur.execute("SET GLOBAL slow_query_log = 0")
            cur.execute("SET GLOBAL long_query_time = 10")
    text = log.read_text()
    assert "# Query_time:" in text and "Schema: shop" in text  # really MariaDB's own format
    events = list(parse_slow_log(io.StringIO(text)))
    selects = [e for e in events if e.sql.upper().startswith("SELECT") and "FROM T" in e.sql.upper().replace("\n", " ")
               or "FROM u" in e.sql]
    assert [(e.database, " ".join(e.sql.split())) for e in selects] == [
        ("shop", "SELECT id, v FROM t WHERE id = 1"), ("shop", "SELECT id, v FROM t WHERE id = 2"),
        ("shop", "SELECT id, v FROM t WHERE id = 3"), ("shop", "SELECT COUNT(*) FROM t WHERE v LIKE '%;%'"),
        ("other", "SELECT COUNT(*) FROM u")]
    assert all(e.query_time > 0 for e in selects) and selects[0].attrs.get("Rows_examined") == "1"
    assert not any(e.sql.lower().startswith(("use ", "set timestamp")) for e in events)

    runner = CliRunner()
    res = runner.invoke(app, ["bench", "capture", "--slow-log", str(log), "--out", str(tmp_path / "w.json")])
    assert res.exit_code == 0, res.output
    wl = Workload.load(tmp_path / "w.json")
    by_fp = {q.fingerprint: q for q in wl.queries}
    point = by_fp["select id, v from t where id = ?"]
    assert point.database == "shop" and point.source.count == 3 and len(point.samples) == 3


def test_capture_from_performance_schema(server, tmp_path):
    """MariaDB has no QUERY_SAMPLE_TEXT (MySQL 8.0 has): samples come from events_statements_history_long
    when its consumer is on; without it the digest is kept with a note, not replayed."""
    with server.connect() as admin, admin.cursor() as cur:
        cur.execute("TRUNCATE TABLE performance_schema.events_statements_summary_by_digest")
        cur.execute("UPDATE performance_schema.setup_consumers SET ENABLED = 'NO' "
                    "WHERE NAME LIKE 'events_statements_%'")
    with server.connect("shop") as conn, conn.cursor() as cur:
        for i in range(20):
            cur.execute(f"SELECT v FROM t WHERE id = {i}")
    runner = CliRunner()
    dsn = f"mysql://root@{server.host}:{server.port}/shop"
    env = {"AURORA_UPGRADE_PASSWORD": server.password}
    res = runner.invoke(app, ["bench", "capture", "--dsn", dsn, "--top", "5", "--out", str(tmp_path / "a.json")], env=env)
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "a.json").read_text())
    point = next(q for q in data["queries"] if q["fingerprint"].startswith("SELECT `v` FROM `t`"))
    assert point["source"]["count"] == 20 and point["samples"] == [] and "no sample text" in point["note"]
    assert point["database"] == "shop" and len(point["digest"]) == 32

    with server.connect() as admin, admin.cursor() as cur:
        # history needs events_statements_current too (both OFF by default in MariaDB and MySQL 5.7)
        cur.execute("UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' "
                    "WHERE NAME LIKE 'events_statements_%'")
    with server.connect("shop") as conn, conn.cursor() as cur:
        for i in range(5):
            cur.execute(f"SELECT v FROM t WHERE id = {i}")
    res = runner.invoke(app, ["bench", "capture", "--dsn", dsn, "--top", "5", "--out", str(tmp_path / "b.json")], env=env)
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "b.json").read_text())
    point = next(q for q in data["queries"] if q["fingerprint"].startswith("SELECT `v` FROM `t`"))
    assert point["source"]["count"] == 25 and point["samples"] == ["SELECT v FROM t WHERE id = 4"]
    assert server.password not in res.output


def test_capture_input_errors_are_one_line(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["bench", "capture", "--slow-log", str(tmp_path / "missing.log")])
    assert res.exit_code == 2 and "slow log not found" in res.output
    res = runner.invoke(app, ["bench", "capture", "--slow-log", "x.log", "--sql", "y.sql"])
    assert res.exit_code == 2 and "exactly one source" in res.output
    (tmp_path / "empty.log").write_text("nothing here\n")
    (tmp_path / "junk.json").write_text("{}")
    res = runner.invoke(app, ["bench", "run", "--workload", str(tmp_path / "junk.json"), "--blue", "h=x", "--green", "h=y"])
    assert res.exit_code == 2 and "not a bench workload file" in res.output


def test_regression_needs_interval_sign_test_and_floor():
    """The verdict rules on hand-made timings (no server needed): noise, sub-ms jitter, a real slowdown,
    and too few samples to say anything, which is inconclusive with the samples that would settle it."""
    import random

    from upgrade_cli.bench.compare import CompareOptions, ShapeReport, judge_shape, sign_test

    def judged(blue, green):
        shape = ShapeReport(digest="D", fingerprint="f", database=None, blue_ms=blue, green_ms=green)
        judge_shape(shape, CompareOptions(), random.Random(1))
        return shape

    def judge(blue, green):
        return judged(blue, green).verdict

    assert judge([[10.0, 10.2, 9.9, 10.1, 10.0]], [[30.0, 31.0, 29.5, 30.2, 30.1]]) == "regression"
    assert judge([[0.10, 0.11, 0.10, 0.12, 0.10]], [[0.50, 0.52, 0.49, 0.55, 0.51]]) == "same"  # 5× but < 1 ms
    assert judge([[30.0, 31.0, 29.5, 30.2, 30.1]], [[10.0, 10.2, 9.9, 10.1, 10.0]]) == "improved"
    assert judge([[10.0, 10.1, 9.9, 10.0, 10.2, 10.1]], [[10.1, 10.0, 10.0, 10.1, 10.1, 10.0]]) == "same"
    # 3 of 3 slower: p = 0.125, not enough for a regression, and 3× is no evidence of "same" either
    few = judged([[10.0, 10.2, 9.9]], [[30.0, 31.0, 29.5]])
    assert few.verdict == "inconclusive" and few.samples_needed == 5  # 5 of 5 slower: p = 0.031
    # 7 of 9 statements slower by ~1.7× (the noise seen on a loaded 2-core box): not a regression, not "same"
    noisy_b = [[10.9], [7.0], [16.2], [13.7], [1.6], [6.5], [11.5], [16.8], [20.1]]
    noisy_g = [[9.9], [14.5], [24.7], [19.9], [3.2], [13.0], [30.5], [19.5], [19.9]]
    noisy = judged(noisy_b, noisy_g)
    assert sign_test(noisy_b, noisy_g)[0] > 0.05 and noisy.verdict == "inconclusive" and noisy.samples_needed > 9
    assert judge([[1.0]] * 2, [[9.0]] * 2) == "inconclusive"
    assert judge([], []) == "not measured"


def test_samples_needed_follows_the_sign_test_and_the_interval():
    from upgrade_cli.bench.compare import fewest_pairs, pairs_for_sign_test, sign_tail

    assert fewest_pairs(0.95) == 5 and fewest_pairs(0.99) == 7
    assert sign_tail(4, 4) == 0.0625 and sign_tail(5, 5) < 0.05  # why 4 pairs can never pass at 95 %
    n = pairs_for_sign_test(0.75, 0.95)  # three in four pairs slower
    assert sign_tail(-(-3 * n // 4), n) < 0.05 and sign_tail(-(-3 * (n - 1) // 4), n - 1) >= 0.05
    assert pairs_for_sign_test(0.5, 0.95) == 100_000  # no direction: the sign test alone never settles it


def test_plan_summary_reads_mysql80_explain_json_too():
    """MySQL 8.0 names the estimate rows_examined_per_scan (MariaDB: rows); both feed the same plan diff.
    The JSON is the shape MySQL 8.0 prints for a two-table join (trimmed to the keys we read)."""
    from upgrade_cli.bench.compare import plan_change
    from upgrade_cli.bench.replay import plan_summary

    mysql80 = {"query_block": {"select_id": 1, "nested_loop": [
        {"table": {"table_name": "c", "access_type": "ALL", "key": None, "rows_examined_per_scan": 200000}},
        {"table": {"table_name": "r", "access_type": "ref", "key": "idx_product", "rows_examined_per_scan": 3}}]}}
    blue = plan_summary(mysql80)
    assert blue == [{"table": "c", "access_type": "ALL", "key": None, "rows": 200000},
                    {"table": "r", "access_type": "ref", "key": "idx_product", "rows": 3}]
    green = [dict(t) for t in blue]
    green[1].update(access_type="ALL", key=None, rows=150000)
    assert plan_change(blue, green) == "r: ref/idx_product → ALL/-"
    assert plan_change(blue, [dict(t) for t in blue]) is None
