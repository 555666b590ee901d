"""bench run + compare against real MariaDB servers: blue, an identical copy, and a changed green.

The changed green has what an upgrade can bring: an index gone (reviews.idx_product), a few rows
changed (products.price + 0.01 where id % 97 = 0), and MySQL 8.0's default sql_mode
(ONLY_FULL_GROUP_BY → a query that errors on green only; ERROR_FOR_DIVISION_BY_ZERO → a warning on
green only). Blue and the copy run the legacy sql_mode NO_ENGINE_SUBSTITUTION, as a 5.7 server
configured long ago would. MariaDB 10.11 stands in for MySQL 5.7/8.0 here: the sql_mode flags,
EXPLAIN FORMAT=JSON keys (access_type, key, rows) and the seq_1_to_N engine are MariaDB's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.mariadb_server import MariaDB
from upgrade_cli.bench.capture import capture_sql_file
from upgrade_cli.bench.compare import compare
from upgrade_cli.bench.replay import RunOptions, Side, run_workload
from upgrade_cli.bench.sqlshape import result_shape
from upgrade_cli.connect import parse_dsn
from upgrade_cli.main import app

LEGACY_MODE = "NO_ENGINE_SUBSTITUTION"
MYSQL80_MODE = ("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                "NO_ENGINE_SUBSTITUTION")

SCHEMA = """
CREATE DATABASE shop;
USE shop;
CREATE TABLE customers (id INT PRIMARY KEY, country_id INT NOT NULL, email VARCHAR(60) NOT NULL,
  segment VARCHAR(10) NOT NULL, KEY idx_country (country_id)) ENGINE=InnoDB;
INSERT INTO customers SELECT seq, seq % 50, CONCAT('c', seq, '@x.test'), ELT(1 + seq % 3, 'consumer', 'partner', 'corp')
  FROM seq_1_to_5000;
CREATE TABLE products (id INT PRIMARY KEY, category_id INT NOT NULL, price DECIMAL(10,2) NOT NULL,
  weight_g INT NOT NULL, KEY idx_cat (category_id)) ENGINE=InnoDB;
INSERT INTO products SELECT seq, seq % 40, ROUND(1 + (seq * 137) % 50000 / 100, 2), seq % 23 FROM seq_1_to_4000;
CREATE TABLE reviews (id INT PRIMARY KEY, product_id INT NOT NULL, rating TINYINT NOT NULL, body VARCHAR(120) NOT NULL,
  KEY idx_product (product_id)) ENGINE=InnoDB;
INSERT INTO reviews SELECT seq, 1 + seq % 4000, 1 + seq % 5, REPEAT('lorem ipsum ', 8) FROM seq_1_to_60000;
CREATE TABLE scratch (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB;
INSERT INTO scratch SELECT seq, seq FROM seq_1_to_100;
ANALYZE TABLE customers, products, reviews;
"""

CHANGE_GREEN = """
USE shop;
ALTER TABLE reviews DROP INDEX idx_product;
UPDATE products SET price = price + 0.01 WHERE id % 97 = 0;
"""

UNSAFE = [
    "SET SESSION sql_select_limit = 10",
    "SET GLOBAL max_connections = 5",
    "INSERT INTO scratch VALUES (1000, 1)",
    "UPDATE scratch SET v = v + 1",
    "DELETE FROM scratch WHERE id = 1",
    "REPLACE INTO scratch VALUES (1, 1)",
    "SELECT v INTO @x FROM scratch WHERE id = 2",
    "SELECT * FROM scratch WHERE id = 3 FOR UPDATE",
    "SELECT * FROM scratch WHERE id = 3 LOCK IN SHARE MODE",
    "CREATE TABLE bench_made_this (id INT)",
    "DROP TABLE scratch",
    "WITH s AS (SELECT id FROM scratch) UPDATE scratch SET v = 0",
    "SELECT 1; DELETE FROM scratch",
]


def workload_sql() -> str:
    lines = []
    # shape 1: lookups that need reviews.idx_product (green: full scan → regression + plan change)
    for pid in range(10, 3010, 100):
        lines.append(f"SELECT COUNT(*), SUM(rating) FROM reviews WHERE product_id = {pid}")
    # shape 2: changed rows (price + 0.01 where id % 97 = 0) → result differences
    for lo in (90, 190, 480, 1000):
        lines.append(f"SELECT id, price FROM products WHERE id BETWEEN {lo} AND {lo + 10} ORDER BY id")
    # shape 3: valid in 5.7's legacy mode, an error under ONLY_FULL_GROUP_BY → error on green only
    lines.append("SELECT country_id, email, COUNT(*) FROM customers WHERE id BETWEEN 1 AND 400 "
                 "GROUP BY country_id ORDER BY country_id")
    # shape 4: division by zero → warning 1365 on green only (ERROR_FOR_DIVISION_BY_ZERO)
    lines.append("SELECT id, price / weight_g AS per_g FROM products WHERE id BETWEEN 20 AND 30 ORDER BY id")
    # unchanged shapes: must give nothing
    for cid in (5, 50, 500, 4000):
        lines.append(f"SELECT id, email, segment FROM customers WHERE id = {cid}")
    for c in (3, 7, 11):
        lines.append(f"SELECT country_id, COUNT(*) FROM customers WHERE country_id < {c} GROUP BY country_id "
                     "ORDER BY country_id")
    lines.append("WITH top AS (SELECT product_id, COUNT(*) AS n FROM reviews WHERE rating = 5 AND product_id < 50 "
                 "GROUP BY product_id) SELECT COUNT(*), SUM(n) FROM top")
    lines.append("(SELECT id FROM customers WHERE id < 3) UNION (SELECT id FROM products WHERE id < 3)")
    # nondeterministic on purpose: never a result difference
    lines.append("SELECT id FROM products WHERE category_id = 4 ORDER BY RAND() LIMIT 3")
    lines.append("SELECT id FROM customers WHERE country_id = 3 ORDER BY segment LIMIT 5")
    lines += UNSAFE
    return ";\n".join(lines) + ";\n"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """blue, an identical copy of blue, and the changed green (module scope: started once)."""
    legacy = f"sql_mode={LEGACY_MODE}\n"
    made = {"blue": MariaDB(tmp_path_factory.mktemp("blue"), extra_cnf=legacy),
            "same": MariaDB(tmp_path_factory.mktemp("same"), extra_cnf=legacy),
            "green": MariaDB(tmp_path_factory.mktemp("green"), extra_cnf=f"sql_mode={MYSQL80_MODE}\n")}
    try:
        for server in made.values():
            server.start()
            server.execute_script(SCHEMA)
        made["green"].execute_script(CHANGE_GREEN)
        yield made
    finally:
        for server in made.values():
            server.stop()


def dsn(server: MariaDB, db: str = "shop") -> str:
    return f"mysql://root:{server.password}@{server.host}:{server.port}/{db}"


@pytest.fixture(scope="module")
def workload_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("wl")
    (d / "w.sql").write_text(workload_sql())
    wl = capture_sql_file(d / "w.sql", top=None, max_samples=0, database="shop")
    wl.save(d / "workload.json")
    return d / "workload.json"


def replay(workload_file: Path, blue: MariaDB, green: MariaDB, out: Path, **kw) -> dict:
    from upgrade_cli.bench.workload import Workload

    opts = RunOptions(**{"repeat": 5, "warmup": 1, "timeout_s": 20, **kw})
    run_workload(Workload.load(workload_file), parse_dsn(dsn(blue)), parse_dsn(dsn(green)), opts, out)
    return compare(out)


def kinds(data: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in data["findings"]:
        out.setdefault(f["kind"], []).append(f)
    return out


def test_every_injected_difference_is_found(servers, workload_file, tmp_path):
    data = replay(workload_file, servers["blue"], servers["green"], tmp_path / "r.jsonl")
    found = kinds(data)

    # the lookups by product_id lose their index: a regression with a plan change. The CTE over reviews
    # loses it too; it is one statement, so its verdict rests on 5 repetitions and may be "same" when
    # one repetition on blue is disturbed (2 cores shared with other tests), but its plan change is not.
    regressions = found.get("regression", [])
    heads = sorted(r["sql"].split(" FROM")[0] for r in regressions)
    assert "SELECT COUNT(*), SUM(rating)" in heads
    assert set(heads) <= {"SELECT COUNT(*), SUM(rating)", "WITH top AS (SELECT product_id, COUNT(*) AS n"}
    for shape in (s for s in data["shapes"] if s["verdict"] == "regression"):
        assert shape["ci"][0] > 1.10 and shape["green"]["p50_ms"] - shape["blue"]["p50_ms"] > 1.0

    plan = found.get("plan_change", [])
    assert {f["sql"].split(" FROM")[0] for f in plan} == {"SELECT COUNT(*), SUM(rating)",
                                                         "WITH top AS (SELECT product_id, COUNT(*) AS n"}
    assert all("reviews: ref/idx_product → ALL/-" in f["detail"] or "reviews: range/idx_product → ALL/-" in f["detail"]
               for f in plan)

    diffs = found.get("result_differs", [])
    assert sorted(f["sql"] for f in diffs) == sorted(
        f"SELECT id, price FROM products WHERE id BETWEEN {lo} AND {lo + 10} ORDER BY id" for lo in (90, 190, 480))
    assert all("different values" in f["detail"] for f in diffs)  # same row count, values changed

    errors = found.get("error_one_side", [])
    assert len(errors) == 1 and errors[0]["side"] == "green" and errors[0]["code"] == 1055  # ER_WRONG_FIELD_WITH_GROUP
    assert "GROUP BY" in errors[0]["sql"]

    warnings = found.get("warnings_differ", [])
    assert len(warnings) == 1 and "green only 1365" in warnings[0]["detail"]

    # nondeterministic queries are reported as such, never as differences
    for f in found.get("unstable", []):
        assert "RAND" in f["sql"] or "ORDER BY segment" in f["sql"]
    assert data["summary"]["failing"] == len(regressions) + 3 + 1 + 1 and data["exit_code"] == 1

    # every unsafe statement was skipped with a reason, none was sent
    assert data["summary"]["skipped"] == len(UNSAFE)


def test_identical_servers_give_no_false_alarm_in_three_runs(servers, workload_file, tmp_path):
    for i in range(3):
        data = replay(workload_file, servers["blue"], servers["same"], tmp_path / f"r{i}.jsonl")
        failing = [f for f in data["findings"] if f["kind"] in
                   ("regression", "result_differs", "order_differs", "error_one_side", "error_differs", "warnings_differ")]
        assert failing == [], failing
        assert data["exit_code"] == 0
        assert not [f for f in data["findings"] if f["kind"] == "plan_change"]
        assert data["summary"]["statements"] > 40


def test_targets_see_only_reads_and_session_settings(servers, workload_file, tmp_path):
    """General log proof: nothing but SELECT / EXPLAIN / SET SESSION / SHOW reaches the targets."""
    blue = servers["blue"]
    with blue.connect() as admin, admin.cursor() as cur:
        cur.execute("SELECT CONNECTION_ID()")
        admin_id = cur.fetchone()[0]
        cur.execute("CHECKSUM TABLE shop.scratch")
        before = cur.fetchone()[1]
        cur.execute("TRUNCATE TABLE mysql.general_log")
        cur.execute("SET GLOBAL log_output = 'TABLE'")
        cur.execute("SET GLOBAL general_log = 1")
        try:
            replay(workload_file, blue, servers["same"], tmp_path / "r.jsonl", repeat=1, warmup=0, concurrency=2)
        finally:
            cur.execute("SET GLOBAL general_log = 0")
        cur.execute("SELECT command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                    "WHERE thread_id <> %s", (admin_id,))
        logged = cur.fetchall()
        cur.execute("CHECKSUM TABLE shop.scratch")
        after = cur.fetchone()[1]
        cur.execute("SHOW TABLES FROM shop LIKE 'bench_made_this'")
        created = cur.fetchall()
    queries = [arg for kind, arg in logged if kind == "Query"]
    assert len(queries) > 40
    allowed = ("SELECT", "EXPLAIN FORMAT=JSON SELECT", "EXPLAIN FORMAT=JSON WITH", "EXPLAIN FORMAT=JSON (",
               "SET SESSION ", "SHOW ", "WITH ", "(SELECT",
               "SET NAMES UTF8MB4")  # sent by PyMySQL itself on connect: session-only
    offenders = [q for q in queries if not q.lstrip().upper().startswith(allowed)]
    assert offenders == []
    assert not any(word in q.upper() for q in queries for word in ("INSERT", "UPDATE ", "DELETE", "CREATE", "DROP",
                                                                      "FOR UPDATE", "INTO @"))
    assert {kind for kind, _ in logged} <= {"Connect", "Query", "Init DB", "Quit"}
    assert before == after and created == ()


def test_statement_timeout_is_enforced_by_the_server(servers, tmp_path):
    side = Side("blue", parse_dsn(dsn(servers["blue"])), RunOptions(repeat=1, warmup=0, timeout_s=0.2))
    try:
        slow = "SELECT SUM(a.seq * b.seq) FROM seq_1_to_100000 a JOIN seq_1_to_100000 b"
        res = side.execute(slow, "shop", result_shape(slow), explain=False)
        assert res.timeout and res.error[0] == 1969 and side.timeout_var == "max_statement_time"
        ok = side.execute("SELECT 1", "shop", result_shape("SELECT 1"), explain=False)  # the session recovers
        assert ok.error is None and ok.rows == 1
    finally:
        side.close()


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def test_a_million_row_result_is_checksummed_in_flat_memory(servers):
    """Peak RSS (VmHWM, reset through /proc/self/clear_refs) instead of tracemalloc: tracemalloc makes
    a million-row stream ~10× slower, and RSS is what an operator's machine actually pays."""
    side = Side("blue", parse_dsn(dsn(servers["blue"])), RunOptions(repeat=1, warmup=0, timeout_s=120))
    sql = "SELECT seq, seq * 2, CONCAT('row-', seq) FROM seq_1_to_1000000 ORDER BY seq"
    try:
        side.execute("SELECT 1", "shop", result_shape("SELECT 1"), explain=False)  # connection set up first
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS counter to the current RSS
        base = _rss_kb("VmRSS")
        res = side.execute(sql, "shop", result_shape(sql), explain=False)
        growth_mb = (_rss_kb("VmHWM") - base) / 1024
    finally:
        side.close()
    assert res.error is None and res.rows == 1_000_000 and res.order_checked
    # holding the rows would take ~200 MB (three Python strings per row); streaming keeps a 1,000-row batch
    assert growth_mb < 20, f"peak RSS grew {growth_mb:.1f} MB: the result was held, not streamed"


def test_cli_end_to_end_formats_and_exit_codes(servers, workload_file, tmp_path, monkeypatch):
    runner = CliRunner()
    blue, green = servers["blue"], servers["green"]
    res = runner.invoke(app, ["bench", "run", "--workload", str(workload_file), "--blue", dsn(blue),
                              "--green", dsn(green), "--out", str(tmp_path / "r.jsonl"), "-q"])
    assert res.exit_code == 0, res.output
    assert blue.password not in res.output

    res = runner.invoke(app, ["bench", "compare", str(tmp_path / "r.jsonl")])
    assert res.exit_code == 1 and "regression" in res.output

    res = runner.invoke(app, ["bench", "compare", str(tmp_path / "r.jsonl"), "--format", "json"])
    data = json.loads(res.output)
    assert res.exit_code == 1 and data["summary"]["regressions"] >= 1 and data["summary"]["result_differences"] == 3
    assert blue.password not in res.output

    res = runner.invoke(app, ["bench", "compare", str(tmp_path / "r.jsonl"), "--format", "md",
                              "--out", str(tmp_path / "r.md")])
    md = (tmp_path / "r.md").read_text()
    assert res.exit_code == 1 and "| digest |" in md and "Result differences: 3" in md

    res = runner.invoke(app, ["bench", "compare", str(tmp_path / "r.jsonl"), "--format", "html",
                              "--out", str(tmp_path / "r.html")])
    page = (tmp_path / "r.html").read_text()
    assert res.exit_code == 1 and page.count("<svg") == data["summary"]["regressions"]  # a chart per regression
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained

    # errors: a bad password is one line, exit 2, and the password is not echoed
    bad = f"mysql://root:Secret-Nope@{blue.host}:{blue.port}/shop"
    res = runner.invoke(app, ["bench", "run", "--workload", str(workload_file), "--blue", bad, "--green", dsn(green),
                              "--out", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 2 and "Secret-Nope" not in res.output and "access denied" in res.output
    res = runner.invoke(app, ["bench", "compare", str(workload_file)])
    assert res.exit_code == 2 and "not a bench results file" in res.output
    res = runner.invoke(app, ["bench", "run", "--workload", str(tmp_path / "none.json"), "--blue", dsn(blue),
                              "--green", dsn(green)])
    assert res.exit_code == 2 and "workload file not found" in res.output


def test_budget_skips_samples_of_expensive_shapes_but_keeps_cheap_ones(servers, workload_file, tmp_path):
    data = replay(workload_file, servers["blue"], servers["same"], tmp_path / "r.jsonl", repeat=1, warmup=0,
                  budget_s=0.0001)
    # every shape still gets min_samples (2) statements; only the 30-sample and 4-sample shapes are cut
    budget_skips = data["summary"]["skipped_reasons"]["budget"]
    assert budget_skips == (30 - 2) + (4 - 2) + (4 - 2) + (3 - 2)
    assert all(s["statements"] == 2 for s in data["shapes"] if s["statements"] + s["skipped"] > 2
               and not s["fingerprint"].startswith(("set ", "insert", "update", "delete")))


def small_workload(tmp_path: Path, *statements: str) -> Path:
    (tmp_path / "w.sql").write_text(";\n".join(statements) + ";\n")
    capture_sql_file(tmp_path / "w.sql", top=None, max_samples=0, database="shop").save(tmp_path / "w.json")
    return tmp_path / "w.json"


def bench(*args: str):
    return CliRunner().invoke(app, ["bench", *args])


def bench_run(wl: Path, blue: MariaDB, green: MariaDB, out: Path, *extra: str):
    res = bench("run", "--workload", str(wl), "--blue", dsn(blue), "--green", dsn(green), "--out", str(out), "-q", *extra)
    assert res.exit_code == 0, res.output
    return res


def test_a_shape_whose_results_differ_is_not_labelled_same_in_any_format(servers, tmp_path):
    """Green's changed prices answer differently at the same speed: the verdict says so everywhere,
    not only in the findings list below the table."""
    wl = small_workload(tmp_path, "SELECT id, price FROM products WHERE id BETWEEN 90 AND 100 ORDER BY id",
                        "SELECT id, email, segment FROM customers WHERE id = 5")
    bench_run(wl, servers["blue"], servers["green"], tmp_path / "r.jsonl")
    res = bench("compare", str(tmp_path / "r.jsonl"), "--format", "json")
    data = json.loads(res.stdout)
    prices = next(s for s in data["shapes"] if s["fingerprint"].startswith("select id, price"))
    assert prices["verdict"] == "results differ" and prices["differences"][0] == "results", prices
    assert data["shapes"][0]["digest"] == prices["digest"]  # worst first
    assert res.exit_code == 1 and data["summary"]["measured"] == 2
    for fmt in ("console", "md", "html"):  # console: the plain text a file gets (a terminal wraps the cells)
        bench("compare", str(tmp_path / "r.jsonl"), "--format", fmt, "--out", str(tmp_path / "out"))
        text = (tmp_path / "out").read_text().replace("<tr", "\n<tr")
        row = next(line for line in text.splitlines() if prices["digest"][:16] in line)  # its table row
        assert "results differ" in row and "same" not in row, (fmt, row)


def test_a_large_slowdown_on_four_samples_is_inconclusive_until_more_are_taken(servers, tmp_path):
    """Green lost reviews.idx_product: a lookup goes from an index read to a 60,000-row scan (3-50x
    slower, with the load of the machine). With 4 lock-step pairs the sign test cannot pass at 95 %
    (4 of 4 slower: p = 0.0625), so the shape is inconclusive with the samples that would settle it,
    not "same"; re-measured with --from-compare, it is a regression. No EXPLAIN (--explain-samples 0):
    the plan change would otherwise name the verdict. --floor-ms 0.2: with the default 1 ms, a sub-ms
    blue on a loaded machine can put the floor's bound near the ratio itself, and settling which side
    of it the shape lies takes thousands of samples."""
    wl = small_workload(tmp_path, "SELECT COUNT(*), SUM(rating) FROM reviews WHERE product_id = 710")
    blue, green = servers["blue"], servers["green"]
    bench_run(wl, blue, green, tmp_path / "r.jsonl", "--repeat", "4", "--explain-samples", "0")
    res = bench("compare", str(tmp_path / "r.jsonl"), "--floor-ms", "0.2", "--format", "json",
                "--out", str(tmp_path / "c.json"))
    data = json.loads((tmp_path / "c.json").read_text())
    [shape] = data["shapes"]
    assert shape["ratio"] > 2.5 and shape["pairs"] == 4
    # at least 5 (the sign test); more when the interval is wide
    assert shape["verdict"] == "inconclusive" and shape["samples_needed"] >= 5, shape
    needed = shape["samples_needed"]
    assert data["summary"]["inconclusive"] == 1 and res.exit_code == 0  # not measured enough is not a failure...
    res = bench("compare", str(tmp_path / "r.jsonl"), "--floor-ms", "0.2", "--format", "md")
    assert f"inconclusive (needs {needed} samples a side)" in res.output and "--from-compare" in res.output, res.output

    res = bench_run(wl, blue, green, tmp_path / "more.jsonl", "--repeat", "4", "--explain-samples", "0",
                    "--from-compare", str(tmp_path / "c.json"))
    statements = -(-needed // 4)  # the one sample, repeated until 4 runs each give the pairs needed
    assert f"replayed {statements} statements of 1 shapes" in res.output, res.output
    res = bench("compare", str(tmp_path / "r.jsonl"), str(tmp_path / "more.jsonl"), "--floor-ms", "0.2",
                "--format", "json")
    data = json.loads(res.output)
    [shape] = data["shapes"]
    assert shape["pairs"] == 4 * statements and shape["verdict"] == "regression" and res.exit_code == 1, shape
    assert data["results_files"] == [str(tmp_path / "r.jsonl"), str(tmp_path / "more.jsonl")]


def test_a_comparison_that_measured_nothing_exits_1_and_says_so(servers, tmp_path):
    """Every statement fails on both sides (a table neither has) or is skipped as unsafe: no finding,
    and no evidence either."""
    wl = small_workload(tmp_path, "SELECT * FROM shop.no_such_table WHERE id = 1", "DELETE FROM scratch WHERE id = 1")
    bench_run(wl, servers["blue"], servers["same"], tmp_path / "r.jsonl")
    res = bench("compare", str(tmp_path / "r.jsonl"), "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 1 and data["exit_code"] == 1 and data["summary"]["failing"] == 0
    assert data["summary"]["measured"] == 0 and data["summary"]["statements"] == 1 and data["summary"]["skipped"] == 1
    assert {s["verdict"] for s in data["shapes"]} == {"not measured"}
    assert "nothing measured" in res.stderr
    res = bench("compare", str(tmp_path / "r.jsonl"))
    assert res.exit_code == 1 and "NOTHING MEASURED" in res.output
