"""`aurora-upgrade precheck` and `checks` end to end: inputs, outputs, exit codes, one-line errors,
and no password anywhere. Live scans use the real MariaDB fixture."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.mariadb_server import free_port
from tests.test_report import _documented_keys
from upgrade_cli.main import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
LEGACY = FIXTURES / "dumps" / "legacy_small.sql"  # planted problems, see the file
CLEAN = FIXTURES / "dumps" / "clean.sql"  # only a notice: the non-default display width int(5)
EXAMPLE = REPO / "examples" / "legacy_app_57.sql"
AURORA_LOG = FIXTURES / "aurora_logs" / "failed_2_11_to_3_04.log"
CLI = REPO / ".venv" / "bin" / "aurora-upgrade"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run the typer app in-process, with an empty HOME (no ~/.my.cnf) and no password variables."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("AURORA_UPGRADE_PASSWORD", "MYSQL_PWD"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()

    def run(*args, env=None):
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return run


def _one_line_error(result, pattern: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert pattern in lines[0], lines[0]
    assert "Traceback" not in result.output


def _json(result) -> dict:
    return json.loads(result.stdout)


def _finding_keys(report: dict) -> list[tuple]:
    return sorted((f["check_id"], f["severity"], f["location"], f["message"]) for f in report["findings"])


# ---------------------------------------------------------------------------------------------
# dump and snapshot inputs, outputs and exit codes
# ---------------------------------------------------------------------------------------------


def test_ddl_scan_finds_the_planted_problems_and_exits_1(cli):
    res = cli("precheck", "--ddl", LEGACY, "--format", "json")
    assert res.exit_code == 1, res.output
    report = _json(res)
    found = {(f["check_id"], f["location"]) for f in report["findings"]}
    assert {("reservedKeywords", "shop.leaderboard.rank"), ("utf8mb3", "shop.leaderboard.player"),
            ("groupbyAscSyntax", "shop.sales_by_region"), ("nonNativePartitioning", "shop.archive"),
            ("columnsWhichCannotHaveDefaults", "shop.sales.notes"), ("depreciatedSyntax", "shop.refresh_totals"),
            } <= found
    # precision traps in the same file: a column named password, 'PASSWORD(' in a string and a comment
    assert not any(f["check_id"] == "removedFunctions" for f in report["findings"])
    assert not any(f["column"] == "password" and f["check_id"] != "utf8mb3" for f in report["findings"])
    assert report["source"] == {"kind": "dump", "name": str(LEGACY), "server_version": "5.7.44-log",
                                "aurora_version": None, "collected_at": report["source"]["collected_at"]}
    assert report["counts"]["error"] == 4 and report["passed"] is False and report["complete"] is True


def test_json_output_has_the_documented_keys(cli):
    report = _json(cli("precheck", "--ddl", LEGACY, "--format", "json"))
    assert set(report) == _documented_keys("Top level")
    assert report["report_format"] == 1 and report["tool"] == {"name": "aurora-upgrade", "version": "0.1.0"}
    assert all(set(c) == _documented_keys("`checks[]`") for c in report["checks"])
    assert all(set(f) == _documented_keys("`findings[]`") for f in report["findings"])
    assert {c["status"] for c in report["checks"]} <= {"passed", "findings", "skipped", "not_checkable", "failed"}


@pytest.mark.parametrize("dump, fail_on, code", [
    (LEGACY, "error", 1), (LEGACY, "never", 0),
    (CLEAN, "error", 0), (CLEAN, "warning", 0), (CLEAN, "notice", 1), (CLEAN, "never", 0),
])
def test_fail_on_decides_the_exit_code(cli, dump, fail_on, code):
    res = cli("precheck", "--ddl", dump, "--fail-on", fail_on, "--format", "json")
    assert res.exit_code == code
    report = _json(res)
    assert report["fail_on"] == fail_on and (report["blocking"] > 0) == (code == 1)


def test_console_output_summarises(cli):
    res = cli("precheck", "--ddl", LEGACY)
    assert res.exit_code == 1
    assert "4 errors" in res.stdout and "groupbyAscSyntax" in res.stdout
    assert "4 finding(s) at or above --fail-on error" in res.stdout


def test_out_dir_writes_every_report(cli, tmp_path):
    out = tmp_path / "reports"
    res = cli("precheck", "--ddl", LEGACY, "--out", out)
    assert res.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "report.html", "report.json", "report.md"]
    assert json.loads((out / "report.json").read_text())["counts"]["error"] == 4
    assert "groupbyAscSyntax" in (out / "report.md").read_text()
    assert "<testcase" in (out / "junit.xml").read_text()


def test_snapshot_round_trip_gives_the_same_findings(cli, tmp_path):
    snap = tmp_path / "snap.json"
    first = cli("precheck", "--ddl", LEGACY, "--save-snapshot", snap, "--master-user", "admin", "--format", "json")
    again = cli("precheck", "--snapshot", snap, "--format", "json")
    assert first.exit_code == again.exit_code == 1
    assert _finding_keys(_json(first)) == _finding_keys(_json(again))
    source = _json(again)["source"]
    assert source["kind"] == "snapshot" and source["snapshot_of"]["kind"] == "dump"
    assert json.loads(snap.read_text())["server"]["extra"]["master_user"] == "admin"


def test_only_and_schema_filters(cli, tmp_path):
    only = _json(cli("precheck", "--ddl", LEGACY, "--only", "reservedKeywordsCheck", "--only", "UTF8MB3",
                     "--format", "json"))
    assert {c["id"] for c in only["checks"]} == {"reservedKeywords", "utf8mb3"}
    assert {f["check_id"] for f in only["findings"]} == {"reservedKeywords", "utf8mb3"}
    two = tmp_path / "two.sql"
    two.write_text(LEGACY.read_text() + "\nCREATE DATABASE other;\nUSE other;\n"
                   "CREATE TABLE `other`.`t` (`rank` int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
    both = _json(cli("precheck", "--ddl", two, "--only", "reservedKeywords", "--format", "json"))
    assert {f["schema"] for f in both["findings"]} == {"shop", "other"}
    one = _json(cli("precheck", "--ddl", two, "--only", "reservedKeywords", "--schema", "other", "--format", "json"))
    assert {f["location"] for f in one["findings"]} == {"other.t.rank"}


def test_import_aurora_log_merges_marked_findings(cli):
    res = cli("precheck", "--ddl", CLEAN, "--import-aurora-log", AURORA_LOG, "--format", "json")
    assert res.exit_code == 1  # the log's errors block, even though the dump is clean
    report = _json(res)
    imported = [f for f in report["findings"] if f["origin"] == "aurora-log"]
    assert len(imported) == 9 and all(f["origin"] in ("scan", "aurora-log") for f in report["findings"])
    assert ("enumSetElementLength", "error", "shop.legacy_flags.state") in {
        (f["check_id"], f["severity"], f["location"]) for f in imported}
    assert report["aurora_log"]["checks_failed"] == {
        "removedFunctions": "Query failed: the instance ran out of memory while reading information_schema.ROUTINES"}
    xa = next(c for c in report["checks"] if c["id"] == "auroraUpgradeCheckForIncompleteXATransactions")
    assert xa["status"] == "findings"  # skipped on a dump, but Aurora's log reports it
    assert xa["note"] == "not run by this scan (needs a live server); findings from Aurora's log"
    assert report["counts"]["error"] == 3


@pytest.mark.parametrize("args, message", [
    ([], "give exactly one input"),
    (["--ddl", LEGACY, "--snapshot", LEGACY], "give exactly one input"),
    (["--ddl", LEGACY, "--host", "127.0.0.1"], "give exactly one input"),
    (["--ddl", LEGACY, "--port", "3306"], "--port only applies to a live server"),
    (["--user", "bob"], "--user needs a live server"),
    (["--ddl", LEGACY, "--fail-on", "fatal"], "'fatal' is not one of 'error', 'warning', 'notice', 'never'"),
    (["--ddl", LEGACY, "--format", "xml"], "--format must be one of console, json"),
    (["--ddl", LEGACY, "--only", "noSuchCheck"], "unknown check 'noSuchCheck' in --only"),
    (["--ddl", "/nonexistent/dump.sql"], "dump file not found: /nonexistent/dump.sql"),
    (["--snapshot", "/nonexistent/snap.json"], "snapshot not found"),
    (["--host", "db.example", "--user", "u", "--iam"], "--iam needs TLS: give --ssl-ca with the RDS CA bundle"),
    (["--defaults-file", "/nonexistent/my.cnf"], "defaults file not found: /nonexistent/my.cnf"),
    (["--ddl", LEGACY, "--import-aurora-log", "/nonexistent/upgrade-prechecks.log"], "Aurora log not found"),
])
def test_usage_and_input_errors_are_one_line(cli, args, message):
    _one_line_error(cli("precheck", *args), message)


def test_unreadable_binary_and_bad_files_are_one_line(cli, tmp_path):
    # Tests run as root, where chmod 000 does not stop reads: a directory is the unreadable path here.
    _one_line_error(cli("precheck", "--ddl", tmp_path), "dump file path is a directory, not a file")
    binary = tmp_path / "image.sql"
    binary.write_bytes(bytes(range(256)) * 8)
    _one_line_error(cli("precheck", "--ddl", binary), "is a binary file, not a SQL dump")
    prose = tmp_path / "notes.sql"
    prose.write_text("These are meeting notes, not a dump.\n")
    _one_line_error(cli("precheck", "--ddl", prose), "holds no SQL DDL")
    bad_json = tmp_path / "snap.json"
    bad_json.write_text('{"snapshot_format": 1, "source": ')
    _one_line_error(cli("precheck", "--snapshot", bad_json), "is not a snapshot: invalid JSON at line 1")
    other_json = tmp_path / "other.json"
    other_json.write_text('{"hello": "world"}')
    _one_line_error(cli("precheck", "--snapshot", other_json), "is not a snapshot saved by 'precheck --save-snapshot'")
    future = tmp_path / "future.json"
    future.write_text('{"snapshot_format": 99}')
    _one_line_error(cli("precheck", "--snapshot", future), "unsupported snapshot format 99")
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"snapshot_format": 1, "source": {"kind": "dump"}}')
    _one_line_error(cli("precheck", "--snapshot", damaged), "is a damaged snapshot")
    bad_log = tmp_path / "upgrade-prechecks.log"
    bad_log.write_text('{"checksPerformed": [,]}')
    _one_line_error(cli("precheck", "--ddl", CLEAN, "--import-aurora-log", bad_log), "invalid JSON")


def test_a_crashing_check_is_reported_and_exits_2(cli, monkeypatch, tmp_path):
    from upgrade_cli.checks import registry

    def broken(catalog, target=None):
        raise KeyError("no such column")

    real = registry.get_check("reservedKeywords")
    crashing = dataclasses.replace(registry.get_check("utf8mb3"), func=broken)
    monkeypatch.setattr(registry, "_REGISTRY", {real.id: real, crashing.id: crashing})
    res = cli("precheck", "--ddl", LEGACY, "--format", "json", "--out", tmp_path)
    _one_line_error(res, "1 check(s) crashed and did not run: utf8mb3 (see the report)")
    report = _json(res)
    assert {c["id"]: c["status"] for c in report["checks"]} == {"reservedKeywords": "findings", "utf8mb3": "failed"}
    assert report["passed"] is False and "KeyError" in report["checks"][1]["note"]
    assert (tmp_path / "junit.xml").exists()


def test_incomplete_snapshot_still_reports_then_exits_2(cli, tmp_path):
    snap = tmp_path / "snap.json"
    cli("precheck", "--ddl", LEGACY, "--save-snapshot", snap)
    data = json.loads(snap.read_text())
    data.update(complete=False, incomplete_reason="lost connection to 10.0.0.5:3306 while reading ROUTINES")
    snap.write_text(json.dumps(data))
    out = tmp_path / "out"
    res = cli("precheck", "--snapshot", snap, "--out", out, "--format", "json")
    _one_line_error(res, "scan incomplete: lost connection to 10.0.0.5:3306 while reading ROUTINES")
    assert _json(res)["complete"] is False
    written = json.loads((out / "report.json").read_text())
    assert written["complete"] is False and written["counts"]["error"] == 4
    assert "INCOMPLETE SCAN" in (out / "report.html").read_text()


def test_example_dump_from_the_readme(cli):
    """The README's first command (the collectors helper writes the example; fall back to our fixture)."""
    dump = EXAMPLE if EXAMPLE.exists() else LEGACY
    res = cli("precheck", "--ddl", dump, "--format", "json")
    assert res.exit_code == 1 and _json(res)["counts"]["error"] > 0


def test_real_console_script_subprocess(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "COLUMNS": "200"}
    res = subprocess.run([str(CLI), "precheck", "--ddl", str(LEGACY), "--format", "json"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode == 1 and json.loads(res.stdout)["counts"]["error"] == 4
    res = subprocess.run([str(CLI), "precheck", "--ddl", str(tmp_path / "missing.sql")], capture_output=True,
                         text=True, env=env, timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip() == f"error: dump file not found: {tmp_path / 'missing.sql'}"


# ---------------------------------------------------------------------------------------------
# checks list / explain
# ---------------------------------------------------------------------------------------------


def test_checks_list_json(cli):
    res = cli("checks", "list", "--format", "json")
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert len(rows) >= 40
    assert {"reservedKeywords", "utf8mb3", "zeroDates", "groupbyAscSyntax"} <= {r["id"] for r in rows}
    assert all(set(r) == {"id", "title", "severity", "source", "scope", "since", "aliases", "doc_url"} for r in rows)
    assert {r["severity"] for r in rows} <= {"error", "warning", "notice"}
    assert {r["source"] for r in rows} <= {"mysql-shell", "aurora", "mysql-manual", "aurora-upgrade"}


def test_checks_list_console(cli):
    res = cli("checks", "list")
    assert res.exit_code == 0 and "reservedKeywords" in res.stdout and "upgrade checks" in res.stdout


def test_checks_explain_prints_the_fixed_sections(cli):
    res = cli("checks", "explain", "reservedKeywordsCheck")  # an alias spelling works too
    assert res.exit_code == 0
    out = res.stdout
    positions = [out.index(h) for h in ("What it detects", "Why it breaks in 8.0", "Example", "Fix", "Docs")]
    assert positions == sorted(positions)
    assert out.startswith("reservedKeywords — ") and "https://" in out


def test_checks_explain_unknown_id(cli):
    _one_line_error(cli("checks", "explain", "noSuchCheck"), "unknown check 'noSuchCheck'")


# ---------------------------------------------------------------------------------------------
# live scans on the real MariaDB server
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def scan_user(mariadb):
    """A real read-only account whose password is a canary that must never be seen again."""
    name, password = f"scan{uuid.uuid4().hex[:6]}", f"CANARY{uuid.uuid4().hex}"
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
        cur.execute(f"GRANT SELECT, PROCESS, SHOW VIEW, TRIGGER, EVENT ON *.* TO '{name}'@'127.0.0.1'")
    yield name, password
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DROP USER '{name}'@'127.0.0.1'")


@pytest.fixture
def legacy_db(mariadb, fresh_db):
    """A schema with a reserved-word column and a utf8 table, in the real server."""
    with mariadb.connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE leaderboard (id INT PRIMARY KEY, `rank` INT) DEFAULT CHARSET=utf8")
        cur.execute("CREATE PROCEDURE p() SELECT id FROM leaderboard")
    return fresh_db


def test_live_scan_never_shows_the_password(cli, mariadb, scan_user, legacy_db, tmp_path):
    user, password = scan_user
    out, snap = tmp_path / "out", tmp_path / "snap.json"
    outputs = []
    env = {"AURORA_UPGRADE_PASSWORD": password}
    res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user, "--schema", legacy_db,
              "--master-user", "admin", "--out", out, "--save-snapshot", snap, "--format", "json", env=env)
    assert res.exit_code == 1, res.output  # admin does not exist: the master-user check is an error
    report = _json(res)
    assert report["source"]["kind"] == "live" and report["source"]["name"] == f"127.0.0.1:{mariadb.port}"
    assert "MariaDB" in report["source"]["server_version"] and report["complete"] is True
    found = {(f["check_id"], f["location"]) for f in report["findings"]}
    assert ("reservedKeywords", f"{legacy_db}.leaderboard.rank") in found
    assert ("auroraUpgradeCheckForMasterUser", "user admin") in found
    outputs += [res.stdout, res.stderr]
    # the same server through a DSN holding the password, and through --password (warned against)
    dsn = f"mysql://{user}:{password}@127.0.0.1:{mariadb.port}/{legacy_db}"
    res = cli("precheck", "--dsn", dsn, "--schema", legacy_db, "--format", "json", "--fail-on", "never")
    assert res.exit_code == 0, res.output
    outputs += [res.stdout, res.stderr]
    res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user, "--password", password,
              "--schema", legacy_db, "--fail-on", "never")
    assert res.exit_code == 0 and "process list" in res.stderr
    outputs += [res.stdout, res.stderr]
    # error cases: a wrong password (the canary is the right one, shown nowhere), a bad DSN
    res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user, "--out", out,
              env={"AURORA_UPGRADE_PASSWORD": password + "-wrong"})
    _one_line_error(res, f"access denied for user '{user}' at 127.0.0.1:{mariadb.port} "
                         "(using a password from $AURORA_UPGRADE_PASSWORD)")
    outputs += [res.stdout, res.stderr]
    res = cli("precheck", "--dsn", f"mysql://{user}:{password}@127.0.0.1:notaport/x")
    _one_line_error(res, "invalid port in DSN")
    outputs += [res.stdout, res.stderr]
    files = [p for p in [snap, *out.iterdir()]]
    assert len(files) == 5
    outputs += [p.read_text() for p in files]
    assert all(password not in text for text in outputs)
    assert all(password[len("CANARY"):] not in text for text in outputs)


def test_wrong_credentials_unknown_host_and_refused_are_one_line(cli, mariadb, scan_user):
    user, _ = scan_user
    res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user,
              env={"MYSQL_PWD": "not-the-password"})
    _one_line_error(res, f"access denied for user '{user}' at 127.0.0.1:{mariadb.port} (using a password from $MYSQL_PWD)")
    _one_line_error(cli("precheck", "--host", "no-such-host.invalid", "--user", "x"),
                    "unknown host 'no-such-host.invalid'")
    port = free_port()
    _one_line_error(cli("precheck", "--dsn", f"h=127.0.0.1,P={port},u=x"), f"connection refused by 127.0.0.1:{port}")
    _one_line_error(cli("precheck", "--socket", "/nonexistent/mysqld.sock", "--user", "x"),
                    "no server socket at /nonexistent/mysqld.sock")


def test_defaults_file_supplies_the_connection(cli, mariadb, scan_user, legacy_db, tmp_path):
    user, password = scan_user
    cnf = tmp_path / "scan.cnf"
    cnf.write_text(f"[client]\nhost=127.0.0.1\nport={mariadb.port}\nuser={user}\npassword=\"{password}\"\n")
    res = cli("precheck", "--defaults-file", cnf, "--schema", legacy_db, "--only", "reservedKeywords",
              "--format", "json")
    assert res.exit_code == 0  # reserved words are warnings
    assert [f["location"] for f in _json(res)["findings"]] == [f"{legacy_db}.leaderboard.rank"]


class _CuttingProxy:
    """A real TCP proxy to the server that drops both sides once the client sends a query containing
    ``cut_on`` — a connection lost in the middle of a scan, on the wire."""

    def __init__(self, target_port: int, cut_on: bytes):
        import socket
        import threading

        self.cut_on, self.target_port = cut_on.lower(), target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.cut = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src, dst, from_client):
        import socket

        try:
            while data := src.recv(65536):
                if from_client and self.cut_on in data.lower():
                    self.cut.set()
                    for s in (src, dst):
                        s.shutdown(socket.SHUT_RDWR)
                    return
                dst.sendall(data)
        except OSError:
            pass

    def close(self):
        self.listener.close()


def test_lost_connection_mid_scan_writes_partial_results_and_exits_2(cli, mariadb, legacy_db, tmp_path):
    proxy = _CuttingProxy(mariadb.port, b"information_schema.ROUTINES")
    out, snap = tmp_path / "out", tmp_path / "partial.json"
    try:
        res = cli("precheck", "--host", "127.0.0.1", "--port", proxy.port, "--user", "root", "--schema", legacy_db,
                  "--out", out, "--save-snapshot", snap, "--format", "json",
                  env={"AURORA_UPGRADE_PASSWORD": mariadb.password})
    finally:
        proxy.close()
    assert proxy.cut.is_set()
    _one_line_error(res, "scan incomplete: connection lost while reading routines")
    assert f"partial results written: {snap}, {out / 'report.json'}" in res.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is False and report["passed"] is False
    assert ("reservedKeywords", f"{legacy_db}.leaderboard.rank") in {
        (f["check_id"], f["location"]) for f in report["findings"]}  # what was read before the cut is checked
    saved = json.loads(snap.read_text())
    assert saved["complete"] is False and [t["name"] for t in saved["tables"]] == ["leaderboard"]
    assert saved["routines"] == []
    # the partial snapshot re-checks to the same result, still flagged incomplete
    again = cli("precheck", "--snapshot", snap, "--format", "json")
    _one_line_error(again, "scan incomplete: connection lost while reading routines")
    assert _finding_keys(_json(again)) == _finding_keys(report)


def test_master_user_name_comes_from_the_cluster(cli, aws, mariadb, legacy_db):
    """--cluster reads MasterUsername from the RDS API (moto server); the live scan then checks the account."""
    import boto3

    boto3.client("rds").create_db_cluster(DBClusterIdentifier="prod", Engine="aurora-mysql",
                                          EngineVersion="5.7.mysql_aurora.2.11.2", MasterUsername="clustermaster",
                                          MasterUserPassword="Not-A-Real-Pw-1")
    live = ("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", "root", "--schema", legacy_db,
            "--only", "auroraUpgradeCheckForMasterUser", "--format", "json")
    env = {"AURORA_UPGRADE_PASSWORD": mariadb.password}
    res = cli(*live, "--cluster", "prod", env=env)
    assert res.exit_code == 1, res.output
    assert [f["location"] for f in _json(res)["findings"]] == ["user clustermaster"]
    assert _json(res)["source"]["cluster"] == {"id": "prod", "region": "us-east-1"}  # fleet scan joins by it
    assert "Not-A-Real-Pw-1" not in res.output

    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE USER 'clustermaster'@'%' IDENTIFIED BY 'x-Pw-9'")
    try:
        res = cli(*live, "--cluster", "prod", env=env)
        assert res.exit_code == 0, res.output
        assert _json(res)["findings"] == []
    finally:
        with mariadb.connect() as conn, conn.cursor() as cur:
            cur.execute("DROP USER 'clustermaster'@'%'")

    _one_line_error(cli(*live, "--cluster", "nope", env=env), "DB cluster 'nope' not found")


# ---------------------------------------------------------------------------------------------
# target version, --skip, and every id spelling resolving
# ---------------------------------------------------------------------------------------------

TARGETED = """CREATE TABLE `full` (`$price` INT, d DATE NOT NULL)
  PARTITION BY RANGE COLUMNS (d) (PARTITION p0 VALUES LESS THAN ('2022_02_01'));
CREATE TABLE `rank` (a INT);"""


def _by_check(report: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in report["findings"]:
        out.setdefault(f["check_id"], []).append(f["location"])
    return out


@pytest.mark.parametrize("given, label, mysql", [
    (None, "Aurora MySQL 3.12.0 (MySQL 8.0.44)", "8.0.44"),
    ("3.04.3", "Aurora MySQL 3.04.3 (MySQL 8.0.28)", "8.0.28"),
    ("8.0.mysql_aurora.3.08.2", "Aurora MySQL 3.08.2 (MySQL 8.0.39)", "8.0.39"),
    ("8.0.30", "MySQL 8.0.30", "8.0.30"),
])
def test_the_report_states_the_target(cli, tmp_path, given, label, mysql):
    dump = tmp_path / "t.sql"
    dump.write_text(TARGETED)
    args = ["precheck", "--ddl", dump, "--format", "json", "--fail-on", "never"]
    report = _json(cli(*args, *(["--target-version", given] if given else [])))
    assert report["target"]["label"] == label and report["target"]["mysql_version"] == mysql
    console = cli(*args[:3], *(["--target-version", given] if given else [])).stdout
    assert f"target {label}" in " ".join(console.split())  # the console wraps long lines


def test_version_gated_checks_and_words_follow_the_target(cli, tmp_path):
    """FULL is reserved from 8.0.31, $ names are reported from 8.0.31, temporal delimiters from 8.0.29
    (upgrade_check_registry.cc, get_reserved_keywords_check): Aurora 3.04 (8.0.28) has none of them."""
    dump = tmp_path / "t.sql"
    dump.write_text(TARGETED)
    newest = _json(cli("precheck", "--ddl", dump, "--format", "json", "--fail-on", "never"))
    old = _json(cli("precheck", "--ddl", dump, "--format", "json", "--fail-on", "never", "--target-version", "3.04.3"))
    schema = "t"
    assert {f"{schema}.full", f"{schema}.rank"} <= set(_by_check(newest)["reservedKeywords"])
    assert _by_check(old)["reservedKeywords"] == [f"{schema}.rank"]
    assert "dollarSignName" in _by_check(newest) and "deprecatedTemporalDelimiter" in _by_check(newest)
    status = {c["id"]: (c["status"], c["note"]) for c in old["checks"]}
    assert status["dollarSignName"][0] == "skipped" and "8.0.31" in status["dollarSignName"][1]
    assert status["deprecatedTemporalDelimiter"][0] == "skipped"
    assert status["changedFunctionsInGeneratedColumns"][0] == "passed"  # 8.0.28: applies


@pytest.mark.parametrize("bad", ["3.99.1", "5.7.44", "latest", "9.0.1"])
def test_a_bad_target_version_is_one_line(cli, bad):
    _one_line_error(cli("precheck", "--ddl", LEGACY, "--target-version", bad), "--target-version")


def test_skip_and_only_take_every_id_spelling(cli):
    """The current Shell id, the pre-2023 Shell ids and Aurora's log ids all resolve."""
    full = _json(cli("precheck", "--ddl", LEGACY, "--format", "json", "--fail-on", "never"))
    assert any(f["check_id"] == "groupbyAscSyntax" for f in full["findings"])
    for spelling in ("groupbyAscSyntax", "groupByAscSyntax", "groupByAscCheck", "groupByAscSyntaxCheck"):
        only = _json(cli("precheck", "--ddl", LEGACY, "--format", "json", "--only", spelling, "--fail-on", "never"))
        assert [c["id"] for c in only["checks"]] == ["groupbyAscSyntax"] and only["findings"]
        skipped = _json(cli("precheck", "--ddl", LEGACY, "--format", "json", "--skip", spelling, "--fail-on", "never"))
        assert not any(f["check_id"] == "groupbyAscSyntax" for f in skipped["findings"])
        assert {c["id"]: c["status"] for c in skipped["checks"]}["groupbyAscSyntax"] == "skipped"
    _one_line_error(cli("precheck", "--ddl", LEGACY, "--skip", "noSuchCheck"), "unknown check 'noSuchCheck' in --skip")


@pytest.mark.parametrize("old, new", [
    ("mysqlIndexTooLargeCheck", "indexTooLarge"), ("maxdbFlagCheck", "maxdbSqlModeFlags"),
    ("mysqlOrphanedRoutinesCheck", "orphanedObjects"), ("orphanedRoutines", "orphanedObjects"),
    ("mysqlDollarSignNameCheck", "dollarSignName"), ("tableCommand", "checkTableCommand"),
    ("checkTableOutput", "checkTableCommand"), ("partitionedTablesInSharedTablespaceCheck",
                                                "partitionedTablesInSharedTablespaces"),
    ("changedFunctionsGeneratedColumns", "changedFunctionsInGeneratedColumns"),
    ("mysqlInvalidEngineForeignKeyCheck", "invalidEngineForeignKey"),
])
def test_checks_explain_resolves_older_ids(cli, old, new):
    res = cli("checks", "explain", old)
    assert res.exit_code == 0 and new in res.stdout


def test_check_table_is_opt_in_and_live_only(cli):
    report = _json(cli("precheck", "--ddl", LEGACY, "--format", "json", "--fail-on", "never"))
    status = {c["id"]: (c["status"], c["note"]) for c in report["checks"]}
    assert status["checkTableCommand"] == ("skipped", "not run: opt in with --check-table on a live scan")
    _one_line_error(cli("precheck", "--ddl", LEGACY, "--check-table"), "--check-table needs a live server")
    helptext = "".join(ch for ch in cli("precheck", "--help").stdout if ch not in "│╭╮╰╯─")
    assert "--check-table" in helptext and "pure read" in " ".join(helptext.split())
