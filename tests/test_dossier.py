"""The dossier and the switchover gates fed with what the real stages wrote (contract tests).

`precheck --out` scans a schema file, `bench run` + `bench compare --format json` replays lookups on
two real MariaDB servers (green lost an index: a latency regression, nothing else), `bluegreen
switchover` runs on moto and writes its journal, and `metrics compare` reads moto's CloudWatch.
No hand-written report JSON on these paths. A real headless chromium renders the HTML.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from tests.fakes.rds_bluegreen_fake import (build_blue, create_deployment, green_writer, put_lag, rds_show_configuration,
                                            run_cli, sql_overrides)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.fakes.rds_events_fake import SWITCHOVER_COMPLETED, SWITCHOVER_STARTED, bluegreen_events
from tests.mariadb_server import ROOT_PASSWORD, MariaDB
from upgrade_cli.bluegreen import gates
from upgrade_cli.bluegreen.gates import FAIL, PASS
from upgrade_cli.handoffs import read_bench, read_params_plan, read_precheck
from upgrade_cli.main import app
from upgrade_cli.precheck.api import CHECKS

SCHEMA = """
CREATE DATABASE shop;
USE shop;
CREATE TABLE reviews (id INT PRIMARY KEY, product_id INT NOT NULL, rating TINYINT NOT NULL, body VARCHAR(120) NOT NULL,
  KEY idx_product (product_id)) ENGINE=InnoDB;
INSERT INTO reviews SELECT seq, 1 + seq % 4000, 1 + seq % 5, REPEAT('lorem ipsum ', 8) FROM seq_1_to_60000;
ANALYZE TABLE reviews;
"""
ONE_ERROR_DDL = """CREATE DATABASE shop;
USE shop;
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(60) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE notes (id INT PRIMARY KEY, body JSON DEFAULT 'null') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""
DEPLOYED = "8.0.mysql_aurora.3.04.0"  # create_deployment's default target
CLEAN_DDL = "CREATE DATABASE shop;\nUSE shop;\nCREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"


def png_is_blank(path: Path) -> bool:
    """Whether a PNG has (nearly) one colour: its decoded pixel bytes take almost no distinct values."""
    import struct
    import zlib

    data, pos, idat = path.read_bytes(), 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat))) < 8


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def bench_reports(d: Path) -> dict[str, Path]:
    """`bench compare --format json` of lookups that lost their index on green ("bench": a regression and
    nothing else), and of blue against itself ("bench_same": nothing to report)."""
    out: dict[str, Path] = {}
    blue, green = MariaDB(d / "blue"), MariaDB(d / "green")
    try:
        for server in (blue, green):
            server.start()
            server.execute_script(SCHEMA)
        green.execute_script("USE shop;\nALTER TABLE reviews DROP INDEX idx_product;\n")
        sql = "".join(f"SELECT COUNT(*), SUM(rating) FROM reviews WHERE product_id = {p};\n" for p in range(10, 2010, 100))
        sql += "".join(f"SELECT id, rating FROM reviews WHERE id = {i};\n" for i in (5, 50, 500))
        (d / "w.sql").write_text(sql)
        res = cli("bench", "capture", "--sql", str(d / "w.sql"), "--database", "shop", "-o", str(d / "w.json"))
        assert res.exit_code == 0, res.output
        dsn = lambda s: f"mysql://root:{s.password}@{s.host}:{s.port}/shop"  # noqa: E731
        res = cli("bench", "run", "--workload", str(d / "w.json"), "--blue", dsn(blue), "--green", dsn(green),
                  "--out", str(d / "r.jsonl"), "-q")
        assert res.exit_code == 0, res.output
        res = cli("bench", "run", "--workload", str(d / "w.json"), "--blue", dsn(blue), "--green", dsn(blue),
                  "--out", str(d / "same.jsonl"), "-q")
        assert res.exit_code == 0, res.output
    finally:
        blue.stop()
        green.stop()
    res = cli("bench", "compare", str(d / "r.jsonl"), "--format", "json", "--out", str(d / "bench.json"))
    assert res.exit_code == 1, res.output
    out["bench"] = d / "bench.json"
    res = cli("bench", "compare", str(d / "same.jsonl"), "--format", "json", "--out", str(d / "bench_same.json"))
    assert res.exit_code == 0, res.output  # one server against itself: nothing to report
    out["bench_same"] = d / "bench_same.json"
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real precheck reports (one error / clean) and a real bench comparison with one regression."""
    d = tmp_path_factory.mktemp("reports")
    out: dict[str, Path] = {}
    for name, ddl in (("one_error", ONE_ERROR_DDL), ("clean", CLEAN_DDL)):
        (d / f"{name}.sql").write_text(ddl)
        res = cli("precheck", "--ddl", str(d / f"{name}.sql"), "--out", str(d / name),
                  "--target-version", DEPLOYED)  # what switch_over's deployment targets: the judge compares
        assert res.exit_code in (0, 1), res.output
        out[name] = d / name / "report.json"

    return out | bench_reports(d)


def test_readers_and_gates_agree_on_real_outputs(reports):
    one = read_precheck(reports["one_error"], checks=CHECKS)
    assert one.errors == 1 and one.blocking[0].check_id == "columnsWhichCannotHaveDefaults"
    assert one.blocking[0].where == "shop.notes.body" and one.tool_version and one.complete
    gate = gates.precheck_report(reports["one_error"])
    assert gate.status == FAIL and "1 error finding(s)" in gate.detail and "columnsWhichCannotHaveDefaults" in gate.detail
    assert gates.precheck_report(reports["clean"]).status == PASS

    bench = read_bench(reports["bench"])
    assert bench.regressions and not bench.differences and bench.complete
    assert bench.regressions[0].query.startswith("SELECT COUNT(*), SUM(rating) FROM reviews")
    assert bench.regressions[0].blue_ms and bench.regressions[0].green_ms
    gate = gates.bench_report(reports["bench"])
    assert gate.status == FAIL and gate.detail.count("latency regression ") == len(bench.regressions)


def test_a_file_of_another_kind_or_version_is_one_clear_line(reports, tmp_path):
    from upgrade_cli.cli_common import ToolError

    with pytest.raises(ToolError, match=r"is a precheck report with 2 report_format \(this tool reads report_format 1\)"):
        newer = json.loads(reports["clean"].read_text()) | {"report_format": 2}
        (tmp_path / "newer.json").write_text(json.dumps(newer))
        read_precheck(tmp_path / "newer.json", checks=CHECKS)
    with pytest.raises(ToolError, match="is a bench compare report, not a precheck report$"):
        # a bench report handed in as a precheck report: named by its format key
        read_precheck(reports["bench"], checks=CHECKS)
    with pytest.raises(ToolError, match="is a precheck report, not a bench compare report$"):
        read_bench(reports["clean"])
    with pytest.raises(ToolError, match="is a bench compare report, not a params plan$"):
        read_params_plan(reports["bench"])
    (tmp_path / "bare.json").write_text("{}")
    with pytest.raises(ToolError, match="is not a bench compare report"):  # no format key: what it lacks
        read_bench(tmp_path / "bare.json")
    g = gates.bench_report(reports["clean"])  # a declared gate fails closed on bad input
    assert g.status == FAIL and "is a precheck report, not a bench compare report" in g.detail

    res = cli("dossier", "--precheck", str(reports["bench"]), "--out", str(tmp_path / "d"))
    assert res.exit_code == 2 and res.output == f"error: {reports['bench']} is a bench compare report, not a precheck report\n"
    res = cli("dossier", "--metrics", str(reports["clean"]), "--out", str(tmp_path / "d"))
    assert res.exit_code == 2 and res.output == f"error: {reports['clean']} is a precheck report, not a metrics comparison\n"
    res = cli("params", "diff", "--from-json", str(reports["bench"]))
    assert res.exit_code == 2 and "is a bench compare report, not a parameter JSON export" in res.output
    res = cli("precheck", "--snapshot", str(reports["clean"]))
    assert res.exit_code == 2 and "is a precheck report, not a precheck snapshot" in res.output
    res = cli("dossier", "--precheck", str(tmp_path / "nope.json"), "--out", str(tmp_path / "d"))
    assert res.exit_code == 2 and res.output == f"error: precheck report not found: {tmp_path / 'nope.json'}\n"


def test_no_go_names_the_blocking_finding(reports, tmp_path):
    res = cli("dossier", "--precheck", str(reports["one_error"]), "--bench", str(reports["bench"]), "--out", str(tmp_path))
    assert res.exit_code == 1, res.output
    doc = json.loads((tmp_path / "dossier.json").read_text())
    assert doc["verdict"] == "NO-GO"
    first = doc["reasons"][0]
    assert first["level"] == "no-go" and "columnsWhichCannotHaveDefaults at shop.notes.body" in first["text"]
    page = (tmp_path / "dossier.html").read_text()
    assert "NO-GO" in page and "columnsWhichCannotHaveDefaults" in page
    md = (tmp_path / "dossier.md").read_text()
    assert "## Verdict: **NO-GO**" in md and "columnsWhichCannotHaveDefaults" in md


def test_names_from_the_scanned_schema_reach_the_markdown_as_text_not_markup(tmp_path):
    """A routine named like an HTML tag, quoted by the dossier's blocking finding: a reviewer's Markdown viewer
    must show the characters, not run them (the same escaping as the precheck's own Markdown)."""
    hostile = "<img src=x onerror=alert(1)>*x*"
    (tmp_path / "dump.sql").write_text("CREATE DATABASE shop;\nUSE shop;\n"
                                       f"CREATE FUNCTION `{hostile}`() RETURNS varchar(64) RETURN PASSWORD('x');\n")
    res = cli("precheck", "--ddl", str(tmp_path / "dump.sql"), "--out", str(tmp_path / "pre"))
    assert res.exit_code == 1, res.output
    res = cli("dossier", "--precheck", str(tmp_path / "pre/report.json"), "--offline", "--out", str(tmp_path / "d"))
    assert res.exit_code == 1, res.output
    md = (tmp_path / "d/dossier.md").read_text()
    assert "removedFunctions" in md and r"\<img src=x onerror=alert(1)\>\*x\*" in md
    assert not re.search(r"(?<!\\)<img|(?<!\\)\*x", md), [line for line in md.splitlines() if "img" in line]


def switch_over(aws, tmp_path, precheck: Path, bench: Path, *extra: str) -> dict:
    """A moto deployment switched over by `bluegreen switchover` with these reports, plus its RDS events."""
    dep = create_deployment(build_blue(), "prod-to-3")
    put_lag(green_writer(dep), 0.0, 0.0)
    res = run_cli(tmp_path / "journal", "switchover", dep["BlueGreenDeploymentIdentifier"], "--yes",
                  "--precheck-report", str(precheck), "--bench-report", str(bench), *extra,
                  *sql_overrides())  # no SQL connections here: a switchover refuses SQL gates NOT RUN otherwise
    assert res.exit_code == 0, res.output
    bluegreen_events(aws, dep["BlueGreenDeploymentIdentifier"],
                     [SWITCHOVER_STARTED.format(blue="prod", green="prod-green"), SWITCHOVER_COMPLETED])
    return dep


@pytest.fixture
def switched(aws, tmp_path, monkeypatch, reports):
    """Switched over with the regressed bench report, its gate overridden."""
    monkeypatch.setenv("HOME", str(tmp_path))
    return switch_over(aws, tmp_path, reports["clean"], reports["bench"], "--override", "bench-report")


def params_plan(aws, path: Path) -> Path:
    """`params plan --format json` on a moto v2 cluster whose instance group sets 5.7-only names."""
    install_rds_engine_fake(aws)
    rds = boto3.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName="prod-57-inst", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="v2 instance")
    rds.modify_db_parameter_group(DBParameterGroupName="prod-57-inst", Parameters=[
        {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"}
        for k, v in {"tx_isolation": "READ-COMMITTED", "query_cache_size": "67108864"}.items()])
    for inst in ("prod-1", "prod-2"):
        rds.modify_db_instance(DBInstanceIdentifier=inst, DBParameterGroupName="prod-57-inst", ApplyImmediately=True)
    res = cli("params", "plan", "--cluster", "prod", "--name", "prod-v3", "--format", "json")
    assert res.exit_code == 0, res.output
    path.write_text(res.output)
    return path


def test_clean_inputs_whose_switchover_sql_gates_did_not_run_are_go_with_risks(aws, tmp_path, monkeypatch, reports):
    """Every input clean, but no SQL connection at switchover: since issue 11 those gates are NOT RUN and the
    switchover only went ahead because --override named them, which the dossier must call a risk, not a GO."""
    from upgrade_cli.bluegreen.gates import SQL_GATES, SWITCHOVER_GATES

    monkeypatch.setenv("HOME", str(tmp_path))
    switch_over(aws, tmp_path, reports["clean"], reports["bench_same"])  # only the SQL gates overridden
    plan = read_params_plan(params_plan(aws, tmp_path / "plan.json"))
    assert ("tx_isolation", "transaction_isolation") in {(r.old, r.new) for r in plan.renames}
    assert "query_cache_size" in {d.name for d in plan.drops} and not plan.blockers
    res = cli("dossier", "--precheck", str(reports["clean"]), "--params", str(tmp_path / "plan.json"),
              "--bench", str(reports["bench_same"]), "--deployment", "prod-to-3",
              "--journal-dir", str(tmp_path / "journal"), "--out", str(tmp_path / "d"))
    assert res.exit_code == 1, res.output
    doc = json.loads((tmp_path / "d/dossier.json").read_text())
    assert doc["verdict"] == "GO WITH RISKS", doc["reasons"]
    assert [r["level"] for r in doc["reasons"]] == ["risk", "note"]  # metrics come later
    sql = [g for g in SWITCHOVER_GATES if g in SQL_GATES]
    assert doc["reasons"][0]["text"].endswith(", ".join(f"{g} (overridden)" for g in sql))
    assert (doc["reasons"][0]["rule"], doc["reasons"][0]["field"]) == ("journal-gate-failed", "switchover-gates.gates[].status")
    page = (tmp_path / "d/dossier.html").read_text()
    assert "transaction_isolation" in page and "query_cache_size" in page and "MISSING: not given (--metrics)" in page


def test_go_before_the_switchover_when_every_input_is_clean_and_every_gate_ran(aws, tmp_path, monkeypatch, reports,
                                                                              mariadb):
    """The change review happens before the cutover: a clean precheck, parameter plan and bench, and a real
    `bluegreen create` whose gates all ran (the SQL ones on a real MariaDB standing in for blue, with an
    equivalent of RDS's mysql.rds_show_configuration) is GO, and the dossier exits 0."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    install_rds_engine_fake(aws)
    blue = build_blue()
    (tmp_path / "clean.sql").write_text(CLEAN_DDL)  # scanned for the release green will run (the gate compares)
    res = cli("precheck", "--ddl", str(tmp_path / "clean.sql"), "--target-version", "8.0.mysql_aurora.3.08.2",
              "--out", str(tmp_path / "precheck"))
    assert res.exit_code == 0, res.output
    report = tmp_path / "precheck" / "report.json"
    with rds_show_configuration(mariadb, 24):
        res = run_cli(tmp_path / "journal", "create", "--cluster", blue.cluster, "--target-version", "8.0",
                      "--cluster-parameter-group", blue.cluster_group_v3,
                      "--instance-parameter-group", blue.instance_group_v3, "--name", "prod-to-3",
                      "--dsn", f"mysql://root@127.0.0.1:{mariadb.port}/", "--precheck-report", str(report))
    assert res.exit_code == 0, res.output
    res = cli("dossier", "--precheck", str(report), "--params", str(params_plan(aws, tmp_path / "plan.json")),
              "--bench", str(reports["bench_same"]), "--deployment", "prod-to-3", "--offline",
              "--journal-dir", str(tmp_path / "journal"), "--out", str(tmp_path / "d"))
    doc = json.loads((tmp_path / "d/dossier.json").read_text())
    assert res.exit_code == 0 and doc["verdict"] == "GO", (res.output, doc["reasons"])
    assert [r["level"] for r in doc["reasons"]] == ["note"]  # only: metrics come after the switchover
    gates_run = {g["gate"]: g["status"] for g in [i for i in doc["timeline"]["items"] if i["gates"]][-1]["gates"]}
    assert not {s for s in gates_run.values()} - {"pass", "warn"}, gates_run  # nothing failed, skipped or overridden
    assert gates_run["binlog-retention"] == gates_run["tables-without-pk"] == gates_run["precheck-report"] == "pass"


def test_around_switchover_without_a_journal_reads_the_deployment_events(switched, aws, tmp_path):
    import datetime as dt

    done = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=30)
    bluegreen_events(aws, switched["BlueGreenDeploymentIdentifier"],
                     [SWITCHOVER_STARTED.format(blue="prod", green="prod-green"), SWITCHOVER_COMPLETED], end=done)
    res = cli("metrics", "compare", "--around-switchover", "prod-to-3", "--journal-dir", str(tmp_path / "none"),
              "--settle", "0", "--window", "5", "--adjacent", "--format", "json")
    assert res.exit_code == 1, res.output  # no datapoints: "no data" everywhere, which shows nothing
    data = json.loads(res.stdout)
    assert data["switchover"]["completed"] == done.isoformat() and data["after"]["start"] == done.isoformat()
    assert data["before"]["end"] == (done - dt.timedelta(minutes=1)).isoformat()  # adjacent: ends when it started
    assert data["before"]["cluster"] == data["after"]["cluster"] == "prod"
    assert data["summary"]["no data"] == len(data["results"])


def test_go_with_risks_on_a_bench_regression_with_nothing_blocking(switched, reports, tmp_path, aws):
    out = tmp_path / "dossier"
    res = cli("dossier", "--precheck", str(reports["clean"]), "--bench", str(reports["bench"]),
              "--deployment", "prod-to-3", "--journal-dir", str(tmp_path / "journal"), "--out", str(out))
    assert res.exit_code == 1, res.output
    doc = json.loads((out / "dossier.json").read_text())
    assert doc["verdict"] == "GO WITH RISKS", doc["reasons"]
    levels = {r["level"] for r in doc["reasons"]}
    assert "no-go" not in levels
    assert any(r["text"].startswith("bench: latency regression ") for r in doc["reasons"])
    assert any("no parameter plan given" in r["text"] for r in doc["reasons"])  # missing is never a pass
    tl = doc["timeline"]
    whats = [i["what"] for i in tl["items"]]
    assert "switchover: switchover-gates done" in whats and "switchover: switchover done" in whats
    assert SWITCHOVER_COMPLETED in whats and tl["rds_events"] == 2
    # the kept 5.7 cluster's Extended Support line, as `bluegreen status` shows it (issue 19)
    assert tl["extended_support"][0].startswith("old blue prod-old1 (5.7.")
    assert "Cost: old blue prod-old1" in (out / "dossier.md").read_text()
    gated = next(i for i in tl["items"] if i["gates"])
    assert {"gate": "bench-report", "status": "overridden"} == {k: v for k, v in next(
        g for g in gated["gates"] if g["gate"] == "bench-report").items() if k != "detail"}
    assert any("bench-report (overridden)" in r["text"] for r in doc["reasons"])
    assert [c.params.get("SourceType") for c in aws.calls if c.action == "DescribeEvents"] == ["blue-green-deployment"]


def headless_chromium(tmp_path: Path, window: str) -> list[str]:
    """The command line of a real headless chromium (the test is skipped where none is installed)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (tests/run.sh installs it)")
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={window}"]


def test_the_dossier_renders_in_a_real_browser(switched, reports, tmp_path, aws):
    base = headless_chromium(tmp_path, "1280,2400")
    cw = boto3.client("cloudwatch")
    import datetime as dt

    from tests.test_metrics import seed

    start = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    seed(cw, "prod", start, "prod", start + dt.timedelta(hours=1))
    res = cli("metrics", "compare", "--blue-cluster", "prod", "--green-cluster", "prod", "--start",
              (start + dt.timedelta(hours=1)).isoformat(), "--end", (start + dt.timedelta(hours=2)).isoformat(),
              "--blue-start", start.isoformat(), "--format", "json", "--out", str(tmp_path / "metrics.json"))
    assert res.exit_code == 1, res.output
    out = tmp_path / "dossier"
    res = cli("dossier", "--precheck", str(reports["one_error"]), "--bench", str(reports["bench"]),
              "--metrics", str(tmp_path / "metrics.json"), "--deployment", "prod-to-3",
              "--journal-dir", str(tmp_path / "journal"), "--out", str(out))
    assert res.exit_code == 1, res.output
    page = out / "dossier.html"
    text = page.read_text()
    assert "<script" not in text and "src=" not in text and "href=" not in text  # self-contained, no JS

    shot = tmp_path / "shot.png"
    run = subprocess.run([*base, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 5000, run.stderr[-2000:]
    assert "Uncaught" not in run.stderr and "CONSOLE(" not in run.stderr  # no script errors on the page
    assert not png_is_blank(shot)
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'class="verdict v-nogo">NO-GO<' in dom
    for section in ("verdict", "precheck", "params", "timeline", "bench", "metrics"):
        assert f'<section id="{section}">' in dom
    assert "MISSING: not given (--params)" in dom
    assert dom.count("<svg") >= 1 + len(read_bench(reports["bench"]).regressions) + 3  # counts, bench, metrics


def test_the_example_dossier_in_docs_is_rendered_from_the_examples(tmp_path, monkeypatch):
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    res = cli("dossier", "--precheck", "examples/dossier/precheck-report.json",
              "--params", "examples/dossier/params-plan.json", "--bench", "examples/dossier/bench.json",
              "--metrics", "examples/dossier/metrics.json", "--deployment", "prod-to-3",
              "--journal-dir", "examples/dossier/journal", "--region", "us-east-1", "--offline", "--out", str(tmp_path))
    assert res.exit_code == 1, res.output
    fresh = json.loads((tmp_path / "dossier.json").read_text())
    committed = json.loads((root / "docs/example-dossier/dossier.json").read_text())
    for doc in (fresh, committed):
        doc.pop("generated_at")
    assert fresh == committed, "docs/example-dossier is stale: run `.venv/bin/python examples/make_examples.py`"
    assert committed["verdict"] == "NO-GO" and all(committed[k] for k in ("precheck", "params", "timeline", "bench",
                                                                          "metrics"))
