"""Never a false pass, never a hang, never a leaked secret: one regression test per finding of the
adversarial run (issue 12, items 1-11), against real MariaDB and moto where a server is involved."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes.rds_bluegreen_fake import build_blue, run_cli
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from upgrade_cli import connect
from upgrade_cli.bluegreen import gates
from upgrade_cli.bluegreen.journal import Journal
from upgrade_cli.cli_common import ToolError
from upgrade_cli.inputs import read_input
from upgrade_cli.main import app
from upgrade_cli.narrator import RecordingNarrator
from upgrade_cli.precheck.collect import live
from upgrade_cli.precheck.collect import normalize
from upgrade_cli.precheck.collect.dump import parse_dump

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "legacy_app_57.sql"
CLEAN = Path(__file__).parent / "fixtures" / "dumps" / "clean.sql"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("AURORA_UPGRADE_PASSWORD", "MYSQL_PWD"):
        monkeypatch.delenv(var, raising=False)

    def run(*args, env=None):
        return CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return run


def _error_line(res) -> str:
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "internal" not in lines[0], res.stderr
    return lines[0]


# ---- 1. a truncated dump is incomplete, and its report passes no gate ----------------------------


def test_dump_cut_at_ten_percent_is_incomplete_and_fails_the_gate(cli, tmp_path):
    data = EXAMPLE.read_bytes()
    cut = tmp_path / "cut.sql"
    cut.write_bytes(data[:len(data) // 10])
    out = tmp_path / "out"
    res = cli("precheck", "--ddl", cut, "--format", "json", "--out", out)
    assert "scan incomplete" in _error_line(res) and "Dump completed" in res.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is False and report["passed"] is False
    gate = gates.precheck_report(out / "report.json")
    assert gate.status == gates.FAIL and "incomplete" in gate.detail

    res = cli("precheck", "--ddl", cut, "--format", "json", "--allow-incomplete")
    assert res.exit_code in (0, 1) and json.loads(res.stdout)["complete"] is False
    assert cli("precheck", "--ddl", EXAMPLE, "--format", "json").exit_code in (0, 1)  # the whole file is complete


def test_headerless_file_ending_inside_a_statement_is_incomplete(tmp_path):
    cat = parse_dump("CREATE TABLE a (id int);\nCREATE TABLE b (id int, name varchar(")
    assert cat.complete is False and "line 2" in cat.incomplete_reason
    cat = parse_dump("CREATE TABLE a (id int);\nCREATE TABLE b (id int)")  # hand-written, last ';' forgotten
    assert cat.complete is True


# ---- 2. a frozen server: the scan stops at its deadline and writes what it read ------------------


def test_frozen_server_mid_scan_exits_2_within_the_deadline_with_a_partial_report(cli, mariadb, fresh_db, tmp_path,
                                                                                   monkeypatch):
    with mariadb.connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (id int primary key, `rank` int)")
    frozen = []

    def freezing(step):
        def run(scan, cat, ctx):
            os.kill(mariadb.proc.pid, signal.SIGSTOP)
            frozen.append(time.monotonic())
            return step(scan, cat, ctx)
        return run

    monkeypatch.setattr(live, "PHASES", tuple((name, freezing(step) if name == "routines" else step)
                                              for name, step in live.PHASES))
    out = tmp_path / "out"
    # a watchdog thaws the server long after the deadline, so a client without one fails instead of hanging
    watchdog = threading.Timer(120, os.kill, (mariadb.proc.pid, signal.SIGCONT))
    watchdog.start()
    try:
        res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", "root", "--schema", fresh_db,
                  "--statement-timeout", "1", "--out", out, env={"AURORA_UPGRADE_PASSWORD": mariadb.password})
        waited = time.monotonic() - frozen[0]
    finally:
        watchdog.cancel()
        os.kill(mariadb.proc.pid, signal.SIGCONT)
    assert "scan incomplete" in _error_line(res) and "routines" in res.stderr
    assert waited < 1 + connect.IO_TIMEOUT_MARGIN_S + 30  # the read deadline, not for ever
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is False
    assert any(f["check_id"] == "reservedKeywords" for f in report["findings"])  # tables read before the freeze


# ---- 3. the statement timeout cannot be switched off --------------------------------------------


@pytest.mark.parametrize("value", ["0", "-5"])
def test_statement_timeout_must_be_positive(cli, value):
    res = cli("precheck", "--host", "127.0.0.1", "--statement-timeout", value)
    assert "--statement-timeout must be more than 0" in _error_line(res)


# ---- 4. no password in any message, whatever the DSN or option file looks like -----------------


def test_pt_dsn_with_a_comma_in_the_password_does_not_echo_it():
    with pytest.raises(ToolError) as exc:
        connect.parse_dsn("h=db.example,u=admin,p=Pa,ssw0rd-TAIL")
    assert "ssw0rd" not in str(exc.value) and "part 4" in str(exc.value)
    with pytest.raises(ToolError) as exc:
        connect.parse_dsn("h=db,u=admin,p=Pa,Zq9k=word")
    assert "Zq9k" not in str(exc.value) and "word" not in str(exc.value)
    with pytest.raises(ToolError) as exc:
        connect.parse_dsn("mysql://admin:pa/Zq9k?x@db.example/app")
    assert "Zq9k" not in str(exc.value) and "percent-encode" in str(exc.value)


def test_indented_option_file_line_is_read_as_the_mysql_client_reads_it(tmp_path):
    cnf = tmp_path / "my.cnf"
    cnf.write_text("[client]\nuser=admin\n  password=S3cret-canary\n    host = db.example\n")
    opts = connect.read_defaults_file(cnf)
    assert (opts.user, opts.password, opts.host) == ("admin", "S3cret-canary", "db.example")


# ---- 5. missing privileges: what could not be seen is said, and its checks do not run ------------


def test_scan_user_without_trigger_event_routine_privileges_is_incomplete(cli, mariadb, fresh_db, tmp_path):
    user, password = f"np{uuid.uuid4().hex[:6]}", f"CANARY{uuid.uuid4().hex}"
    with mariadb.connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (id int primary key, v varchar(10)) DEFAULT CHARSET=utf8")
        cur.execute("CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.v = 'x'")
        cur.execute("CREATE PROCEDURE p() SELECT 1")
        cur.execute(f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
        cur.execute(f"GRANT SELECT, SHOW VIEW ON `{fresh_db}`.* TO '{user}'@'127.0.0.1'")
    out = tmp_path / "out"
    try:
        res = cli("precheck", "--host", "127.0.0.1", "--port", mariadb.port, "--user", user, "--schema", fresh_db,
                  "--out", out, env={"AURORA_UPGRADE_PASSWORD": password})
    finally:
        with mariadb.connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP USER '{user}'@'127.0.0.1'")
    assert "scan incomplete" in _error_line(res)
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is False and report["passed"] is False
    for kind in ("routines", "triggers", "events"):
        assert kind in report["incomplete_reason"]
    status = {c["id"]: c for c in report["checks"]}
    assert status["getTriggersWithNullDefiner"]["status"] == "not_run"
    assert "triggers" in status["getTriggersWithNullDefiner"]["note"]
    assert status["utf8mb3"]["status"] == "findings"  # tables were readable: their checks ran
    assert password not in res.output + "".join(p.read_text() for p in out.iterdir())


# ---- 6. bench compare: a damaged record or a NaN option never turns a regression into a pass ------


def _results_file(path: Path, middle: str | None = None) -> Path:
    side = {"latencies_ms": [1.0, 1.1, 1.0], "rows": 1, "checksum": "a", "ordered_checksum": "a", "error": None}
    slow = {**side, "latencies_ms": [5.0, 5.2, 5.1]}
    recs = [json.dumps({"type": "run", "format": "aurora-upgrade-bench-results", "version": 1})]
    for i in range(6):
        recs.append(json.dumps({"type": "statement", "digest": "d1", "database": "db", "sample": i,
                                "sql": f"SELECT {i}", "blue": side, "green": slow}))
        if i == 2 and middle is not None:
            recs.append(middle)
    recs.append(json.dumps({"type": "end", "statements": 6}))
    path.write_text("\n".join(recs) + "\n")
    return path


def test_compare_refuses_a_damaged_record_and_nan_options(cli, tmp_path):
    good = _results_file(tmp_path / "good.jsonl")
    assert cli("bench", "compare", good, "--format", "json").exit_code == 1  # green is 5x slower: a regression
    damaged = _results_file(tmp_path / "bad.jsonl", middle='{"type": "statement", "digest": "d1", "bl')
    assert "line 5: damaged record" in _error_line(cli("bench", "compare", damaged, "--format", "json"))
    wrong_type = _results_file(tmp_path / "typed.jsonl", middle=json.dumps(
        {"type": "statement", "digest": "d1", "sql": "SELECT 1", "blue": {"latencies_ms": ["fast"]}, "green": {}}))
    assert "line 5: damaged statement record" in _error_line(cli("bench", "compare", wrong_type))
    for flag in ("--threshold", "--floor-ms"):
        assert f"{flag} must be a finite number" in _error_line(cli("bench", "compare", good, flag, "nan"))
    res = cli("bench", "run", "--workload", good, "--blue", "h=b", "--green", "h=g", "--timeout", "nan")
    assert "--timeout must be a finite number" in _error_line(res)


# ---- 7. a torn journal line: the next entry starts on a fresh line, and the journal stays readable --


def test_append_after_a_torn_line_keeps_the_journal_readable(tmp_path):
    j = Journal(tmp_path, "us-east-1", "dep")
    j.write("create", "create", "done", deployment_id="bgd-1")
    with j.path.open("a") as fh:
        fh.write('{"ts": "2026-01-01T00:00:00+00:00", "deployment": "dep", "command": "switch')  # killed mid-write
    j.write("switchover", "gates", "done")
    assert j.phase("gates") == "done" and j.value("deployment_id") == "bgd-1"
    assert j.path.read_text().count("\n") == 3 and len(j.all_entries()) == 2


# ---- 8. one run per deployment at a time ---------------------------------------------------------


def test_second_concurrent_run_is_stopped_by_the_lock(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    blue = build_blue()
    holder = subprocess.Popen(["sleep", "60"])
    try:
        lock = Path(tmp_path) / "us-east-1--prod-to-8-0.lock"
        lock.write_text(json.dumps({"pid": holder.pid, "host": socket.gethostname(), "command": "create",
                                    "since": "2026-01-01T00:00:00+00:00"}))
        args = ["create", "--cluster", blue.cluster, "--target-version", "8.0", "--cluster-parameter-group",
                blue.cluster_group_v3, "--instance-parameter-group", blue.instance_group_v3]
        res = run_cli(tmp_path, *args)
        assert res.exit_code == 2 and f"in use by another run (pid {holder.pid}" in res.output
        assert "CreateBlueGreenDeployment" not in aws.actions()
    finally:
        holder.kill()
        holder.wait()
    res = run_cli(tmp_path, *args)  # the holder is gone: its lock is stale, taken over and said so
    assert res.exit_code == 0, res.output
    assert "stale lock" in res.output and [a for a in aws.actions() if a == "CreateBlueGreenDeployment"] == [
        "CreateBlueGreenDeployment"]


def test_two_creates_at_once_call_create_once(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    blue = build_blue()
    argv = [sys.executable, "-m", "upgrade_cli.main", "bluegreen", "create", "--cluster", blue.cluster,
            "--target-version", "8.0", "--cluster-parameter-group", blue.cluster_group_v3,
            "--instance-parameter-group", blue.instance_group_v3, "--journal-dir", str(tmp_path)]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
            for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in runs]
    assert [a for a in aws.actions() if a == "CreateBlueGreenDeployment"] == ["CreateBlueGreenDeployment"], results
    assert {code for code, _ in results} <= {0, 2}
    for code, err in results:  # the loser was stopped by the lock, or resumed the winner's journaled create
        assert code == 0 or "in use by another run" in err, err


def test_lock_held_on_another_host_is_not_taken_over(tmp_path):
    j = Journal(tmp_path, "us-east-1", "dep")
    j.lock_path.write_text(json.dumps({"pid": 1, "host": "other-host.example", "command": "switchover"}))
    with pytest.raises(ToolError, match="pid 1 on host other-host.example"):
        j.lock("cleanup", RecordingNarrator())


# ---- 9. file type, size, nesting depth and row data -----------------------------------------------


def _limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a reader of /dev/zero fails, not the machine


def test_special_files_and_oversize_inputs_are_refused(cli, tmp_path):
    res = subprocess.run([sys.executable, "-m", "upgrade_cli.main", "precheck", "--ddl", "/dev/zero"],
                         capture_output=True, text=True, timeout=120, preexec_fn=_limited_memory)
    assert res.returncode == 2 and res.stderr.startswith("error: ") and "character device" in res.stderr, res.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def hung(signum, frame):
        raise TimeoutError("opening a FIFO blocked")

    old = signal.signal(signal.SIGALRM, hung)  # opening a FIFO blocks until a writer comes: fail, do not hang
    try:
        for args in (["precheck", "--snapshot", fifo], ["bench", "capture", "--slow-log", fifo],
                     ["bench", "compare", fifo], ["params", "diff", "--from-json", fifo]):
            signal.alarm(20)
            assert "named pipe" in _error_line(cli(*args))
            signal.alarm(0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    big = tmp_path / "big.sql"
    big.write_bytes(b"-- x\n" * 300)
    with pytest.raises(ToolError, match="larger than"):
        read_input(big, "dump file", limit=1000)


def test_deep_parentheses_are_tokenized_once(monkeypatch):
    calls = []
    real = normalize.tokenize
    monkeypatch.setattr(normalize, "tokenize", lambda text: calls.append(1) or real(text))
    depth = 8000
    assert normalize.strip_outer_parens("(" * depth + "a + 1" + ")" * depth) == "a + 1"
    assert len(calls) == 1


def test_a_large_insert_costs_memory_linear_in_its_size():
    rows = ",".join(f"({i},'row {i} with some text')" for i in range(100_000))  # ~3 MB of row data
    text = f"CREATE TABLE t (id int, v varchar(40));\nINSERT INTO t VALUES {rows};\n"
    tracemalloc.start()
    try:
        cat = parse_dump(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [t.name for t in cat.tables] == ["t"] and cat.complete
    assert peak < 10 * len(text)  # tokenizing the INSERT took over 100x


# ---- 10. slow-log file type, and no password in a captured workload --------------------------------


def test_slow_log_must_be_text_and_captured_secrets_are_masked(cli, tmp_path):
    elf = tmp_path / "mysqld"
    elf.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 20)
    assert "binary file, not a slow query log" in _error_line(cli("bench", "capture", "--slow-log", elf))
    log = tmp_path / "slow.log"
    log.write_text("# Time: 2024-03-05T10:15:42Z\n# Query_time: 0.5  Lock_time: 0 Rows_sent: 0  Rows_examined: 0\n"
                   "ALTER USER 'app'@'%' IDENTIFIED BY 'S3cret-one';\n"
                   "# Time: 2024-03-05T10:15:43Z\n# Query_time: 0.5  Lock_time: 0 Rows_sent: 1  Rows_examined: 0\n"
                   "SELECT PASSWORD('S3cret-two'), id FROM t;\n")
    out = tmp_path / "workload.json"
    assert cli("bench", "capture", "--slow-log", log, "-o", out).exit_code == 0
    text = out.read_text()
    assert "S3cret" not in text and "<redacted>" in text


# ---- 11. inputs named, not "internal"; typed snapshots; UTF-16, CR-only; --out not a directory ----


def test_snapshot_fields_are_type_checked(cli, tmp_path):
    snap = tmp_path / "s.json"
    assert cli("precheck", "--ddl", CLEAN, "--save-snapshot", snap).exit_code in (0, 1)
    data = json.loads(snap.read_text())
    for field, value, message in (("complete", "false", "snapshot.complete must be true/false"),
                                  ("tables", [1], "snapshot.tables[0] is not an object"),
                                  ("schemas", {"a": 1}, "snapshot.schemas must be a list")):
        snap.write_text(json.dumps({**data, field: value}))
        assert message in _error_line(cli("precheck", "--snapshot", snap))


def test_utf16_and_cr_only_dumps_are_read(cli, tmp_path):
    text = CLEAN.read_text()
    expected = json.loads(cli("precheck", "--ddl", CLEAN, "--format", "json").stdout)["findings"]
    for name, data in (("utf16.sql", ("\ufeff" + text).encode("utf-16-le")),
                       ("utf16be.sql", ("\ufeff" + text).encode("utf-16-be")),
                       ("cr.sql", text.replace("\n", "\r").encode())):
        path = tmp_path / name
        path.write_bytes(data)
        res = cli("precheck", "--ddl", path, "--format", "json")
        assert res.exit_code in (0, 1), res.output
        assert [f["message"] for f in json.loads(res.stdout)["findings"]] == [f["message"] for f in expected]


def test_out_that_is_not_a_directory_is_named(cli):
    assert "exists and is not a directory" in _error_line(cli("precheck", "--ddl", CLEAN, "--out", "/dev/full"))
