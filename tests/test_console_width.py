"""Console output at 80 columns, seen two ways: through a pipe (``COLUMNS=80 aurora-upgrade … | cat``) and on an
80-column terminal (``FORCE_COLOR=1``: rich treats the pipe as a terminal, as the user's screen is; the colour
codes are stripped). Both: no table ribbons, no cell cut to ``…``, no URL broken across lines. A pipe: every row
on one line however long (grep finds it, a fix's SQL pastes whole). A terminal: lines fit the screen, wrapped
only between words, so an identifier longer than the screen is never broken either."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.test_params_offline import exports  # noqa: F401 - the offline parameter exports, as a fixture
from upgrade_cli.main import command_tree

EXE = Path(sys.executable).parent / "aurora-upgrade"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "legacy_app_57.sql"
URL = re.compile(r"https?://[^\s\])>\"]+")
FOOTNOTE = re.compile(r"^\[\d+\] https?://\S+$")
URL_LINE = re.compile(r"^(\[\d+\] )?https?://\S+$")  # a URL longer than the screen stays whole, alone on its line
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CUT = re.compile(r"\w…")  # rich's ellipsis overflow: "regr…", "--cluster-parameter…"
MODES = ["pipe", "terminal"]


def shown(*args: object, columns: int = 80, terminal: bool = False, env: dict[str, str] | None = None) -> list[str]:
    """``COLUMNS=80 aurora-upgrade ARGS | cat`` (with ``terminal``, as an 80-column terminal shows it): the lines."""
    cmd = " ".join(shlex.quote(str(a)) for a in (EXE, *args)) + " | cat"
    env = {**os.environ, "COLUMNS": str(columns), "HOME": "/nonexistent", **(env or {})}
    env.pop("FORCE_COLOR", None)
    if terminal:
        env["FORCE_COLOR"] = "1"
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, timeout=120)
    assert res.stdout.strip() and "Traceback" not in res.stderr, res.stderr
    return ANSI.sub("", res.stdout).splitlines()


def piped(*args: object, columns: int = 80, env: dict[str, str] | None = None) -> list[str]:
    return shown(*args, columns=columns, env=env)


def json_of(*args: object, env: dict[str, str] | None = None):
    res = subprocess.run([str(EXE), *map(str, args), "--format", "json"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HOME": "/nonexistent", **(env or {})})
    return json.loads(res.stdout), set(m.rstrip(".,;") for m in URL.findall(res.stdout))


def assert_whole(lines: list[str], known_urls: set[str]) -> None:
    """Nothing cut: no table box at 80 columns, no cell ended with ``…``, every URL shown whole."""
    assert not [ln for ln in lines if set(ln) & set("│┃┏┡└")], "a table at 80 columns"
    assert not [ln for ln in lines if CUT.search(ln)], [ln for ln in lines if CUT.search(ln)]
    urls = {m.rstrip(".,;") for ln in lines for m in URL.findall(ln)}
    assert urls <= known_urls, f"URLs cut by a line break: {sorted(urls - known_urls)}"


def assert_fits(lines: list[str], known_urls: set[str]) -> None:
    """On an 80-column terminal: whole, and no line wider than the screen but one word too long to fit
    (an identifier, a URL), which stays whole on its own line rather than broken."""
    assert_whole(lines, known_urls)
    too_wide = [ln for ln in lines if cell_len(ln) > 80 and not URL_LINE.match(ln)
                and len(ln.strip().removeprefix("- ").split()) > 1]
    assert not too_wide, too_wide


def flat(lines: list[str]) -> str:
    """The text with line breaks and indents as single spaces: a row wrapped between words reads as written."""
    return " ".join(" ".join(lines).split())


def check_mode(mode: str, lines: list[str], urls: set[str]) -> None:
    (assert_fits if mode == "terminal" else assert_whole)(lines, urls)


@pytest.mark.parametrize("mode", MODES)
def test_checks_list_is_one_line_per_check_at_80_columns(mode):
    checks, urls = json_of("checks", "list")
    lines = shown("checks", "list", terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    items = [ln for ln in lines if ln.startswith("- ")]
    assert len(items) == len(checks)
    assert [ln[2:].split(" ", 1)[0] for ln in items] == [c["id"] for c in checks]  # ids whole, in order
    if mode == "pipe":
        assert all(f"- {c['id']} ({c['severity']}, {c['source']}, {c['scope']}, since {c['since']}): {c['title']}"
                   in lines for c in checks)


@pytest.mark.parametrize("mode", MODES)
def test_checks_explain_prints_its_doc_url_whole(mode):
    checks, urls = json_of("checks", "list")
    longest = max(checks, key=lambda c: len(c["doc_url"]))
    assert len(longest["doc_url"]) > 80
    lines = shown("checks", "explain", longest["id"], terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    assert longest["doc_url"] in lines


@pytest.mark.parametrize("mode", MODES)
def test_precheck_report_is_one_line_per_finding_at_80_columns(mode):
    report, urls = json_of("precheck", "--ddl", EXAMPLE)
    lines = shown("precheck", "--ddl", EXAMPLE, terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    assert len([ln for ln in lines if ln.startswith("- ")]) == report["counts"]["total"] > 10
    fixes = [f["fix"] for f in report["findings"] if f.get("fix")]
    assert len([ln for ln in lines if ln.startswith("    fix: ")]) == len(fixes)
    if mode == "pipe":  # each fix whole on its line: what grep finds and a DBA pastes
        assert all(f"    fix: {fix}" in lines for fix in fixes if "\n" not in fix)


LONG_DDL = """CREATE DATABASE reporting_warehouse_archive_2019;
USE reporting_warehouse_archive_2019;
CREATE TABLE customer_loyalty_program_enrollment_history_with_audit_trail_v2 (
  id INT PRIMARY KEY,
  name VARCHAR(10) CHARACTER SET utf8 NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
"""


@pytest.mark.parametrize("mode", MODES)
def test_an_identifier_longer_than_the_screen_stays_whole_in_a_fix(tmp_path, mode):
    """`schema`.`table` of 99 characters: one line in a pipe (grep, copy-paste), its own line on a terminal;
    never folded inside the name."""
    ddl = tmp_path / "long.sql"
    ddl.write_text(LONG_DDL)
    report, urls = json_of("precheck", "--ddl", ddl)
    ident = "`reporting_warehouse_archive_2019`.`customer_loyalty_program_enrollment_history_with_audit_trail_v2`"
    assert len(ident) > 80
    fixes = [f["fix"] for f in report["findings"] if ident in (f.get("fix") or "")]
    assert fixes
    lines = shown("precheck", "--ddl", ddl, terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    assert any(ident in ln for ln in lines)
    if mode == "pipe":
        assert all(f"    fix: {fix}" in lines for fix in fixes)
    else:
        assert all(fix in flat(lines) for fix in fixes) and any(ln.strip() == ident for ln in lines)


@pytest.mark.parametrize("mode", MODES)
def test_params_diff_puts_sources_below_as_whole_urls(exports, mode):  # noqa: F811
    cpg, writer, reader = exports
    args = ("params", "diff", "--from-json", cpg, "--instance-json", writer, "--instance-json", reader,
            "--instance-class", "db.r6g.2xlarge", "--instance-class", "db.t4g.medium")
    data, urls = json_of(*args)
    lines = shown(*args, terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    assert urls and urls == {m.group(0) for ln in lines if (m := FOOTNOTE.match(ln) and URL.search(ln))}
    assert len([ln for ln in lines if ln.startswith("- ")]) == len(data["findings"]) + len(data["temptable"])


@pytest.mark.parametrize("mode", MODES)
def test_params_plan_is_one_line_per_parameter(aws, mode):
    import boto3

    from tests.fakes.rds_engine_fake import install_rds_engine_fake
    from tests.test_params_cli import make_cluster

    install_rds_engine_fake(aws)
    make_cluster(boto3.client("rds"), cluster_settings={"character_set_server": "latin1", "binlog_format": "OFF"})
    args = ("params", "plan", "--cluster", "legacy", "--name", "legacy80")
    data, urls = json_of(*args)
    lines = shown(*args, terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    text = flat(lines)
    planned = [(n, p) for g in data["groups"] for n, p in g["parameters"].items()]
    assert planned and all(f"- {n} = {p['value']} ({p['apply_method']}; from {p['origin']})" in text for n, p in planned)
    rows = len(planned) + len(data["dropped"]) + len(data["errors_fixed"]) + len(data["after_switchover"])
    assert len([ln for ln in lines if ln.startswith("- ")]) == rows + sum(not g["parameters"] for g in data["groups"])


# ---- bench compare, metrics compare, the gate tables ----------------------------------------------

LONG_TABLE = "customer_loyalty_program_enrollment_history_with_audit_trail_v2"  # 63 characters


@pytest.fixture(scope="module")
def bench_results(tmp_path_factory, mariadb):
    """``bench run`` between two databases of the session server whose prices differ: a results file whose
    shapes get verdicts (results differ, and same or inconclusive), one of them on a table whose
    qualified column is longer than the screen."""
    from tests.test_bench_replay import dsn
    from upgrade_cli.bench.capture import capture_sql_file

    d = tmp_path_factory.mktemp("bench_width")
    for db, price in (("width_blue", 10), ("width_green", 11)):
        mariadb.execute_script(f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}; USE {db}; "
                               f"CREATE TABLE {LONG_TABLE} (id INT PRIMARY KEY, price INT); "
                               f"INSERT INTO {LONG_TABLE} VALUES (1, {price}), (2, 20), (3, 30);")
    (d / "w.sql").write_text(f"SELECT {LONG_TABLE}.price FROM {LONG_TABLE} WHERE {LONG_TABLE}.id = 1;\n"
                             f"SELECT id FROM {LONG_TABLE} WHERE id = 2;\n")
    capture_sql_file(d / "w.sql", top=None, max_samples=0, database=None).save(d / "w.json")
    res = subprocess.run([str(EXE), "bench", "run", "--workload", str(d / "w.json"), "--blue",
                          dsn(mariadb, "width_blue"), "--green", dsn(mariadb, "width_green"), "--out", str(d / "r.jsonl"),
                          "-q", "--repeat", "3"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return d / "r.jsonl"


@pytest.mark.parametrize("mode", MODES)
def test_bench_compare_is_one_line_per_shape_with_its_verdict_whole(bench_results, mode):
    data, urls = json_of("bench", "compare", bench_results)
    lines = shown("bench", "compare", bench_results, terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    text = flat(lines)
    from upgrade_cli.bench.render import verdict_text

    shapes = [s for s in data["shapes"] if s["statements"]]
    assert {s["verdict"] for s in shapes} >= {"results differ"}
    for s in shapes:  # the verdict, whole, right after the digest: "- 3f2a… results differ: 3 stmts; …"
        assert f"- {s['digest'][:16]} {verdict_text(s)}: " in text
        assert f"query: {' '.join(s['fingerprint'].split())}" in text
    column = f"{LONG_TABLE}.price"
    assert any(column in ln for ln in lines)
    if mode == "pipe":
        assert sum(ln.startswith("- ") and ": " in ln for ln in lines) >= len(shapes)
        sql = next(ln for ln in lines if ln.startswith("    sql: ") and column in ln)
        assert sql.startswith(f"    sql: SELECT {column} FROM {LONG_TABLE} WHERE")


@pytest.fixture
def metrics_run(aws):
    """The moto CloudWatch series of tests/test_metrics.py (write latency doubled, reader latency halved)."""
    import datetime as dt

    import boto3

    from tests.test_metrics import NOW, make_cluster, seed

    start = NOW - dt.timedelta(hours=2)
    make_cluster("prod")
    make_cluster("prod-green")
    seed(boto3.client("cloudwatch"), "prod", start, "prod-green", start)
    return ("metrics", "compare", "--blue-cluster", "prod", "--green-cluster", "prod-green", "--start",
            start.isoformat(), "--end", (start + dt.timedelta(hours=1)).isoformat())


@pytest.mark.parametrize("mode", MODES)
def test_metrics_compare_is_one_line_per_series_with_its_verdict_whole(metrics_run, mode):
    from upgrade_cli.metrics.render import label

    data, urls = json_of(*metrics_run)
    lines = shown(*metrics_run, terminal=mode == "terminal")
    check_mode(mode, lines, urls)
    text = flat(lines)
    measured = [r for r in data["results"] if r["verdict"] != "no data"]
    assert {r["verdict"] for r in measured} >= {"worse", "better", "unchanged"}
    for r in measured:
        assert f"- {label(r)}: {r['verdict']}; median blue " in text
    if mode == "pipe":
        assert len([ln for ln in lines if ln.startswith("- ")]) == len(measured)


@pytest.fixture
def blue(aws, tmp_path, monkeypatch):
    from tests.fakes.rds_bluegreen_fake import build_blue
    from tests.fakes.rds_engine_fake import install_rds_engine_fake

    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws)
    return build_blue()


def gate_lines(mode: str, tmp_path: Path, *args: object) -> tuple[list[str], list[dict]]:
    """The gate table as shown, and the gates the journal recorded for that run."""
    lines = shown("bluegreen", *args, "--journal-dir", tmp_path, terminal=mode == "terminal",
                  env={"HOME": str(tmp_path)})
    entries = [json.loads(ln) for p in sorted(tmp_path.glob("*.jsonl")) for ln in p.read_text().splitlines()]
    return lines, next(e["gates"] for e in reversed(entries) if e.get("step") in ("gates", "switchover-gates"))


def tool_urls() -> set[str]:
    """Every URL the tool's code and data hold (gate details and cost lines cite them)."""
    root = Path(__file__).resolve().parent.parent
    files = [*root.joinpath("upgrade_cli").rglob("*.py"), *root.joinpath("param_profiles").rglob("*.yaml")]
    return {m.rstrip(".,;") for f in files for m in URL.findall(f.read_text(encoding="utf-8"))}


def assert_gates_shown(mode: str, lines: list[str], gates: list[dict]) -> None:
    check_mode(mode, lines, tool_urls())  # "note:" and "cost:" lines too: wrapped between words, URLs whole
    text = flat(lines)
    assert gates and all(f"- {g['gate']}: {g['status']}: {' '.join(g['detail'].split())}" in text for g in gates)
    if mode == "pipe":
        assert all(any(ln.startswith(f"- {g['gate']}: {g['status']}: ") for ln in lines) for g in gates)


@pytest.mark.parametrize("mode", MODES)
def test_create_gates_are_one_line_per_gate(blue, tmp_path, mode):
    lines, gates = gate_lines(mode, tmp_path, "create", "--cluster", blue.cluster, "--target-version", "8.0",
                              "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group",
                              blue.instance_group_v3, "--name", "width")
    assert {g["status"] for g in gates} >= {"pass", "NOT RUN"}
    assert_gates_shown(mode, lines, gates)


@pytest.mark.parametrize("mode", MODES)
def test_switchover_gates_and_status_are_one_line_per_row(blue, tmp_path, mode):
    from tests.fakes.rds_bluegreen_fake import create_deployment

    dep = create_deployment(blue)
    ident = dep["BlueGreenDeploymentIdentifier"]
    lines, gates = gate_lines(mode, tmp_path, "switchover", ident, "--poll-interval", "0")
    assert {g["status"] for g in gates} >= {"NOT RUN"}
    assert_gates_shown(mode, lines, gates)
    lines = shown("bluegreen", "status", ident, "--journal-dir", tmp_path, terminal=mode == "terminal",
                  env={"HOME": str(tmp_path)})
    check_mode(mode, lines, tool_urls())
    text = flat(lines)
    assert f"deployment: {dep['BlueGreenDeploymentName']} ({ident})" in text
    assert "tasks" in lines and "switchover members" in lines


@pytest.mark.parametrize("columns", [80, 200])
def test_wide_terminals_keep_the_tables_and_still_footnote_urls(exports, columns):  # noqa: F811
    cpg, writer, reader = exports
    lines = piped("params", "diff", "--from-json", cpg, "--instance-json", writer, columns=columns)
    assert any("┃" in ln for ln in lines) == (columns >= 120)
    assert not [ln for ln in lines if URL.search(ln) and not FOOTNOTE.match(ln)]


def test_wide_precheck_tables_keep_long_fixes_out_of_their_cells():
    report, _ = json_of("precheck", "--ddl", EXAMPLE)
    lines = piped("precheck", "--ddl", EXAMPLE, columns=200)
    assert any("┃" in ln for ln in lines)
    long_fixes = {f["fix"] for f in report["findings"] if f.get("fix") and 60 < len(f["fix"]) < 180}
    assert long_fixes and all(any(ln.startswith("    fix (") and ln.endswith("): " + fix) for ln in lines)
                              for fix in long_fixes)


def _commands(group, prefix=()):
    yield prefix, group
    for name, cmd in group.commands.items() if hasattr(group, "commands") else ():
        yield from _commands(cmd, (*prefix, name))


COMMANDS = list(_commands(command_tree()))


def test_the_help_walk_sees_every_command():
    assert len([cmd for _, cmd in COMMANDS if not hasattr(cmd, "commands")]) >= 15


@pytest.mark.parametrize("path, command", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_help_at_80_columns_names_every_option_in_full(path, command):
    """``--help`` through a pipe at 80 columns: every option's every spelling whole (rich's help table cut
    ``--cluster-parameter-group`` to ``--cluster-parameter…``), no line wider than the screen, no markup."""
    lines = piped(*path, "--help")
    text = "\n".join(lines)
    assert lines[0].startswith("Usage: aurora-upgrade")
    names = ["--help", *(n for p in command.params for n in (*p.opts, *p.secondary_opts) if n.startswith("-"))]
    assert not [n for n in names if not re.search(rf"(^|[\s,/]){re.escape(n)}([\s,=]|$)", text, re.M)]
    assert not [ln for ln in lines if cell_len(ln) > 80]
    assert not re.search(r"--[\w-]*…", text) and "\\[" not in text and not set(text) & set("│┃╭╰")
