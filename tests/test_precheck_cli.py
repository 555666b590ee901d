"""`aurora-upgrade precheck` and `checks` end to end: inputs, outputs, exit codes, one-line errors,
and no password anywhere. Live scans use the real MariaDB fixture."""

from __future__ import annotations

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
CLEAN = FIXTURES / "dumps" / "clean.sql"  # only an int(11) display-width notice
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
    assert {("reservedKeywords", "shop.leaderboard.rank"), ("utf8mb3", "shop.leaderboard"),
            ("groupByAscSyntax", "shop.sales_by_region"), ("nonNativePartitioning", "shop.archive"),
            ("columnsWhichCannotHaveDefaults", "shop.sales.notes"), ("depreciatedSyntax", "shop.refresh_totals"),
            } <= found
    # precision traps in the same file: a column named password, 'PASSWORD(' in a string and a comment
    assert not any(f["check_id"] == "removedFunctions" for f in report["findings"])
    assert not any(f["column"] == "password" for f in report["findings"])
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
    assert "4 errors" in res.stdout and "groupByAscSyntax" in res.stdout
    assert "4 finding(s) at or above --fail-on error" in res.stdout


def test_out_dir_writes_every_report(cli, tmp_path):
    out = tmp_path / "reports"
    res = cli("precheck", "--ddl", LEGACY, "--out", out)
    assert res.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "report.html", "report.json", "report.md"]
    assert json.loads((out / "report.json").read_text())["counts"]["error"] == 4
    assert "groupByAscSyntax" in (out / "report.md").read_text()
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
    assert report["counts"]["error"] == 3


@pytest.mark.parametrize("args, message", [
    ([], "give exactly one input"),
    (["--ddl", LEGACY, "--snapshot", LEGACY], "give exactly one input"),
    (["--ddl", LEGACY, "--host", "127.0.0.1"], "give exactly one input"),
    (["--ddl", LEGACY, "--port", "3306"], "--port only applies to a live server"),
    (["--user", "bob"], "--user needs a live server"),
    (["--ddl", LEGACY, "--fail-on", "fatal"], "--fail-on must be one of error, warning, notice, never"),
    (["--ddl", LEGACY, "--format", "xml"], "--format must be one of console, json"),
    (["--ddl", LEGACY, "--only", "noSuchCheck"], "unknown check 'noSuchCheck' in --only"),
    (["--ddl", "/nonexistent/dump.sql"], "dump file not found: /nonexistent/dump.sql"),
    (["--snapshot", "/nonexistent/snap.json"], "snapshot not found"),
    (["--ddl", LEGACY, "--import-aurora-log", "/nonexistent/upgrade-prechecks.log"], "Aurora log not found"),
])
def test_usage_and_input_errors_are_one_line(cli, args, message):
    _one_line_error(cli("precheck", *args), message)


def test_unreadable_binary_and_bad_files_are_one_line(cli, tmp_path):
    # Tests run as root, where chmod 000 does not stop reads: a directory is the unreadable path here.
    _one_line_error(cli("precheck", "--ddl", tmp_path), "dump path is a directory")
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
    assert {"reservedKeywords", "utf8mb3", "zeroDates", "groupByAscSyntax"} <= {r["id"] for r in rows}
    assert all(set(r) == {"id", "title", "severity", "source", "scope", "since", "aliases", "doc_url"} for r in rows)
    assert {r["severity"] for r in rows} <= {"error", "warning", "notice"}
    assert {r["source"] for r in rows} <= {"mysql-shell", "aurora", "aurora-upgrade"}


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
