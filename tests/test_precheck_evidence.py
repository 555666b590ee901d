"""Not seen is not passed (issue 18, precheck): a scan says what it could not see, marks exactly the
checks that needed it ``not_run``, judges a dump's completeness by its statements, and opens and
closes with one verdict. Live cases run against the real MariaDB of ``tests/conftest.py``."""

from __future__ import annotations

import json
import random
import re
import threading
import uuid
from pathlib import Path

import pytest

from tests.test_reliability import _error_line, cli  # noqa: F401 - its CLI runner fixture and one-line error contract
from upgrade_cli.checks.registry import all_checks, run_checks
from upgrade_cli.precheck.collect.dump import parse_dump
from upgrade_cli.precheck.model import Catalog, Source
from upgrade_cli.sqltext import split_statements

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "legacy_app_57.sql"
CLEAN = Path(__file__).parent / "fixtures" / "dumps" / "clean.sql"

# One of each kind of object a dump holds, with bodies that nest BEGIN/END, IF and WHILE.
SCHEMA = """
CREATE TABLE customers (id int primary key, name varchar(50) DEFAULT 'a;b') DEFAULT CHARSET=utf8;
CREATE TABLE orders (id int primary key, customer_id int, total decimal(10,2), note text, KEY (customer_id),
  CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
CREATE VIEW big_orders AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100;
DELIMITER //
CREATE PROCEDURE restock(IN n int)
BEGIN
  DECLARE i int DEFAULT 0;
  WHILE i < n DO
    IF i > 5 THEN SET i = i + 2; ELSE SET i = i + 1; END IF;
  END WHILE;
  SELECT i;
END //
CREATE FUNCTION price_with_tax(p decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC
BEGIN
  RETURN p * 1.2;
END //
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW
BEGIN
  IF NEW.total < 0 THEN SET NEW.total = 0; END IF;
END //
CREATE EVENT purge_old ON SCHEDULE EVERY 1 DAY DO
BEGIN
  DELETE FROM orders WHERE total = 0;
END //
DELIMITER ;
"""


def _scan(cli, mariadb, user, password, schema, out, *extra):
    res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user, "--schema", schema,
              "--out", out, *extra, env={"AURORA_UPGRADE_PASSWORD": password})
    return res, json.loads((out / "report.json").read_text())


@pytest.fixture
def scan_user(mariadb):
    """A scan account on 127.0.0.1; the test grants it what it needs. Dropped afterwards."""
    user, password = f"sc{uuid.uuid4().hex[:6]}", f"Pw-{uuid.uuid4().hex}"
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
    yield user, password
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DROP USER '{user}'@'127.0.0.1'")


# ---- a live scan knows what it could not see -----------------------------------------------------


def test_grants_on_one_schema_instead_of_all_make_the_checks_they_hide_not_run(cli, mariadb, fresh_db, scan_user,
                                                                                tmp_path):
    """The README's grants given ON app.* instead of ON *.*: the account sees every object of the schema
    (EXECUTE added, so routines too) but not mysql.user, mysql.proc or the mysql schema's tables. Root
    finds errors there (mysqlSchema: MariaDB's own mysql.index_stats/table_stats, names 8.0 reserves;
    authMethodUsage: MariaDB's plugins), the scoped account must not call the same checks passed."""
    user, password = scan_user
    mariadb.execute_script(SCHEMA, fresh_db)
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, EXECUTE ON `{fresh_db}`.* TO '{user}'@'127.0.0.1'")
        cur.execute(f"GRANT PROCESS ON *.* TO '{user}'@'127.0.0.1'")  # PROCESS is global only
    res_root, root = _scan(cli, mariadb, "root", mariadb.password, fresh_db, tmp_path / "root")
    res, scoped = _scan(cli, mariadb, user, password, fresh_db, tmp_path / "scoped")

    assert res_root.exit_code == 1 and root["complete"] is True and root["verdict"] == "NOT READY"
    assert "scan incomplete" in _error_line(res)
    assert scoped["complete"] is False and scoped["passed"] is False and scoped["verdict"] == "INCOMPLETE"
    status = {c["id"]: c for c in scoped["checks"]}
    root_found = {f["check_id"] for f in root["findings"]}
    scoped_found = {f["check_id"] for f in scoped["findings"]}
    missed = root_found - scoped_found
    assert {"mysqlSchema", "authMethodUsage"} <= missed
    for check_id in missed:  # every check root found something in and the scoped account did not: not run
        assert status[check_id]["status"] == "not_run", status[check_id]
    assert "server.mysql_tables" in status["mysqlSchema"]["note"] and "mysql.*" in status["mysqlSchema"]["note"]
    assert "(1142)" in status["authMethodUsage"]["note"]
    # exactly those: what the schema grants show ran and agrees with root
    assert status["utf8mb3"]["status"] == "findings" and status["getTriggersWithNullDefiner"]["status"] == "passed"
    assert "passed" not in {status[c]["status"] for c in missed}
    # without --schema the scan claims every user schema, and such an account cannot list them
    res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user, "--format", "json",
              env={"AURORA_UPGRADE_PASSWORD": password})
    assert "scan incomplete" in _error_line(res)
    utf8 = {c["id"]: c for c in json.loads(res.stdout)["checks"]}["utf8mb3"]
    assert utf8["status"] == "not_run" and "SHOW DATABASES" in utf8["note"]


def test_the_readme_grants_on_all_schemas_give_a_complete_scan(cli, mariadb, fresh_db, scan_user, tmp_path):
    user, password = scan_user
    mariadb.execute_script(SCHEMA, fresh_db)
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"GRANT SELECT, SHOW VIEW, PROCESS, TRIGGER, EVENT ON *.* TO '{user}'@'127.0.0.1'")
    res, report = _scan(cli, mariadb, user, password, fresh_db, tmp_path / "out")
    assert res.exit_code == 1, res.output  # findings (utf8mb3 ...), no false alarm on completeness
    assert report["complete"] is True and report["verdict"] == "NOT READY"
    assert not [c["id"] for c in report["checks"] if c["status"] == "not_run"]


def test_a_server_fact_whose_query_times_out_is_not_a_pass(cli, mariadb, fresh_db, tmp_path):
    """Another session holds LOCK TABLES mysql.user WRITE during the scan: the account query waits until
    the statement timeout interrupts it (MariaDB: mysql.user is a view over mysql.global_priv; the lock
    holds the table under it)."""
    locker = mariadb.connect()
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locker.cursor() as cur:
            cur.execute("LOCK TABLES mysql.user WRITE")
            locked.set()
            release.wait(60)
            cur.execute("UNLOCK TABLES")

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        res, report = _scan(cli, mariadb, "root", mariadb.password, fresh_db, tmp_path / "out",
                            "--statement-timeout", "2")
    finally:
        release.set()
        holder.join()
        locker.close()
    assert "scan incomplete" in _error_line(res) and "server.users" in res.stderr
    status = {c["id"]: c for c in report["checks"]}
    assert status["authMethodUsage"]["status"] == "not_run"
    assert "users query failed" in status["authMethodUsage"]["note"]
    assert status["mysqlSchema"]["status"] == "findings"  # the other facts were read: their checks ran
    assert report["complete"] is False and report["verdict"] == "INCOMPLETE"


def test_exactly_the_checks_that_read_an_unreadable_fact_are_not_run():
    cat = Catalog(source=Source("live", "h:1"))
    cat.server.version, cat.server.variables = "5.7.44", {"version": "5.7.44", "sql_mode": ""}
    cat.server.extra["user_plugins"] = {}
    cat.unreadable["server.extra.user_plugins"] = "the users query failed: (1969) interrupted"
    run = run_checks(cat)
    assert {"authMethodUsage", "deprecatedRouterAuthMethod"} <= set(run.not_run)
    assert "server.extra.user_plugins" in run.not_run["authMethodUsage"] and "(1969)" in run.not_run["authMethodUsage"]
    ran = {c.id for c in all_checks()} - set(run.not_run) - set(run.skipped)
    assert {"zeroDates", "removedSysVars", "auroraUpgradeCheckForIncompleteXATransactions"} <= ran  # variables and XA rows were read: they ran
    assert run.blind == ["server.extra.user_plugins"]


# ---- a dump's completeness, judged by its statements ---------------------------------------------


def _unit_boundary(text: str, cut: int) -> bool:
    """A cut that leaves only whole units: the prefix ends with a statement and the rest starts a new
    table, view, routine or schema (a save of a session setting, USE or CREATE DATABASE) or is the
    whole closing block of restores. Nothing in such a prefix can show the cut: it is a smaller, valid
    dump."""
    if not text[:cut].rstrip().endswith(";"):
        return False
    rest = text[cut:]
    closing = all(re.fullmatch(r"/\*!\d+ SET \w+=@OLD_\w+ \*/", st.text) for st in split_statements(rest))
    return closing or re.match(r"\s*(/\*!\d+ SET @sav\w+\s*=\s*@@|USE |CREATE DATABASE)", rest) is not None


@pytest.mark.parametrize("option", ["--compact", "--skip-comments"])
def test_a_dump_without_header_or_trailer_cut_anywhere_is_incomplete(mariadb, fresh_db, option):
    mariadb.execute_script(SCHEMA, fresh_db)
    text = mariadb.dump_schema(fresh_db, options=(option,))
    assert "Dump completed" not in text and "-- MariaDB dump" not in text  # neither header nor trailer
    whole = parse_dump(text)
    assert whole.complete, whole.incomplete_reason
    assert (len(whole.tables), len(whole.views), len(whole.routines), len(whole.triggers), len(whole.events)) == \
        (2, 1, 2, 1, 1)
    rnd = random.Random(18)
    start = text.index("CREATE TABLE")
    cuts = sorted({rnd.randrange(start, len(text.rstrip())) for _ in range(400)})
    boundaries = [c for c in cuts if _unit_boundary(text, c)]
    missed = [c for c in cuts if c not in boundaries and parse_dump(text[:c]).complete]
    assert not missed, [text[max(0, c - 40):c] for c in missed[:5]]
    assert len(boundaries) <= len(cuts) // 30  # the undecidable cuts are rare


def test_each_statement_rule_on_its_own():
    body = "DELIMITER ;;\nCREATE PROCEDURE p()\nBEGIN\n  IF 1 THEN SELECT 1; END IF;\n"
    cut = parse_dump("/*!40101 SET NAMES utf8 */;\nCREATE TABLE a (id int);\n" + body)
    assert not cut.complete and "DELIMITER ;;" in cut.incomplete_reason  # a CREATE without its end
    cut = parse_dump("CREATE TABLE a (id int);\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  IF 1 THEN "
                     "SELECT 2; END IF")  # hand-written: still a BEGIN never ended
    assert not cut.complete
    unclosed = parse_dump("/*!40101 SET NAMES utf8 */;\nCREATE TABLE a (id int);\n" + body + "END ;;\n")
    assert not unclosed.complete and "never closed" in unclosed.incomplete_reason
    assert parse_dump("/*!40101 SET NAMES utf8 */;\nCREATE TABLE a (id int);\n" + body + "END ;;\nDELIMITER ;\n").complete
    saved = "CREATE DATABASE d;\n/*!40101 SET @saved_cs_client = @@character_set_client */;\nCREATE TABLE a (id int);\n"
    assert "never restored" in parse_dump(saved).incomplete_reason
    assert parse_dump(saved + "/*!40101 SET character_set_client = @saved_cs_client */;\n").complete
    header = ("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
              "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\nCREATE TABLE a (id int);\n")
    assert parse_dump(header).complete  # an export with its closing lines trimmed (ndoutils ships one)
    cut = parse_dump(header + "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n")
    assert "@old_collation_connection" in cut.incomplete_reason  # cut inside the closing block
    assert "inside a comment" in parse_dump(header + "/*").incomplete_reason
    # hand-written files keep their freedom: no final ';', a DELIMITER left changed
    assert parse_dump("CREATE TABLE a (id int);\nCREATE TABLE b (id int)").complete
    assert parse_dump("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\n").complete


def test_content_appended_after_a_complete_dump_is_not_a_truncation(cli, tmp_path):
    text = EXAMPLE.read_text()
    assert "Dump completed" in text[-200:]
    appended = tmp_path / "appended.sql"
    appended.write_text(text + "".join(f"-- reviewed by the DBA team, note {n}: nothing to add here\n"
                                       for n in range(120)))
    assert len(appended.read_text()) - len(text) > 4096
    res = cli("precheck", "--ddl", appended, "--format", "json")
    assert res.exit_code == 1, res.output  # its findings, not a truncation
    assert json.loads(res.stdout)["complete"] is True
    # a second dump appended and cut is still a cut
    again = tmp_path / "again.sql"
    again.write_text(text + text[:len(text) // 2])
    res = cli("precheck", "--ddl", again, "--format", "json")
    assert "scan incomplete" in _error_line(res)


# ---- the verdict and the selection ---------------------------------------------------------------


def test_verdict_is_the_first_and_last_console_line_and_tops_markdown_and_html(cli, tmp_path):
    cut = tmp_path / "cut.sql"
    cut.write_text(EXAMPLE.read_text()[:5000])
    for path, verdict, code in ((EXAMPLE, "NOT READY", 1), (CLEAN, "READY", 0), (cut, "INCOMPLETE", 2)):
        out = tmp_path / verdict.replace(" ", "_")
        res = cli("precheck", "--ddl", path, "--out", out)
        assert res.exit_code == code, res.output
        lines = [ln for ln in res.stdout.splitlines() if ln.strip()]
        assert lines[0].startswith(f"{verdict}: ") and lines[-1] == lines[0]
        report = json.loads((out / "report.json").read_text())
        assert report["verdict"] == verdict
        assert f"{report['counts']['error']} errors, {report['counts']['warning']} warnings" in lines[0]
        md = (out / "report.md").read_text().splitlines()
        assert md[2].startswith(f"**{verdict}: ")
        page = (out / "report.html").read_text()
        assert page.index(f">{verdict}: ") < page.index("<table")


def test_selection_records_only_and_skip(cli):
    res = cli("precheck", "--ddl", CLEAN, "--format", "json", "--only", "zeroDatesCheck")
    assert json.loads(res.stdout)["selection"] == {"only": ["zeroDates"], "skip": []}
    res = cli("precheck", "--ddl", CLEAN, "--format", "json", "--skip", "utf8mb3", "--skip", "reservedKeywords")
    data = json.loads(res.stdout)
    assert data["selection"] == {"only": None, "skip": ["reservedKeywords", "utf8mb3"]}
    assert {c["id"]: c["status"] for c in data["checks"]}["utf8mb3"] == "skipped"
    assert json.loads(cli("precheck", "--ddl", CLEAN, "--format", "json").stdout)["selection"] == \
        {"only": None, "skip": []}
    assert "unknown check 'nope'" in _error_line(cli("precheck", "--ddl", CLEAN, "--only", "nope"))
