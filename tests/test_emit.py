"""One output path: every command's document leaves through ``emit.emit``, and JSON is written one way.

The spy wraps ``emit`` in every CLI module that uses it and captures what each call writes to stdout; a
command's whole stdout must be exactly that, so nothing a command prints as its output goes around it.
Commands run in-process (``CliRunner``) on the examples, the tests' moto server (``aws`` fixture) and its
named fakes; no server is needed.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from upgrade_cli.emit import Kind, emit
from upgrade_cli.formats import OutputFormat, json_text
from upgrade_cli.main import app
from upgrade_cli.outcome import ToolError

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
CLI_MODULES = ("upgrade_cli.precheck.cli", "upgrade_cli.params.cli", "upgrade_cli.bench.cli", "upgrade_cli.metrics.cli",
               "upgrade_cli.fleet.cli", "upgrade_cli.dossier.cli", "upgrade_cli.bluegreen.cli")
PARAMS = ("--from-json", EX / "params/prod.json", "--instance-json", EX / "params/prod-writer.json",
          "--instance-json", EX / "params/prod-reader.json", "--instance-class", "db.r6g.xlarge,db.r6g.large")
DOSSIER = ("--precheck", EX / "dossier/precheck-report.json", "--params", EX / "dossier/params-plan.json",
           "--bench", EX / "dossier/bench.json", "--metrics", EX / "dossier/metrics.json", "--deployment", "prod-to-3",
           "--journal-dir", EX / "dossier/journal", "--region", "us-east-1", "--offline")

# every command that writes a document, offline, and the formats it offers (console first)
OFFLINE: list[tuple[tuple[Any, ...], tuple[str, ...]]] = [
    (("precheck", "--ddl", EX / "legacy_app_57.sql"), ("console", "json")),
    (("precheck", "--snapshot", EX / "precheck/legacy_app_57.snapshot.json"), ("console", "json")),
    (("checks", "list"), ("console", "json")),
    (("checks", "explain", "groupbyAscSyntax"), ()),
    (("params", "diff", *PARAMS), ("console", "json", "md")),
    (("params", "plan", *PARAMS, "--name", "prod-v3"), ("console", "json", "md")),
    (("bench", "compare", EX / "bench/results.jsonl"), ("console", "json", "md", "html")),
    (("bluegreen", "gates"), ("console", "md")),
]


@pytest.fixture
def spied(monkeypatch):
    """Wrap ``emit`` in every CLI module: record each call and what it wrote to stdout."""
    import importlib
    import sys

    calls: list[dict[str, Any]] = []

    def spy(document, fmt, destination=None):
        buf = io.StringIO()
        real = sys.stdout
        sys.stdout = buf
        try:
            emit(document, fmt, destination)
        finally:
            sys.stdout = real
        real.write(buf.getvalue())
        calls.append({"kind": document.kind.name, "format": fmt, "to": destination, "stdout": buf.getvalue()})

    for name in CLI_MODULES:
        monkeypatch.setattr(importlib.import_module(name), "emit", spy)
    return calls


def run(*args: Any, ok: tuple[int, ...] = (0, 1)):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code in ok, res.output
    return res


def assert_all_through_emit(res, calls: list[dict[str, Any]]) -> None:
    assert calls, "the command emitted nothing"
    assert res.stdout == "".join(c["stdout"] for c in calls), "something reached stdout around emit"


def assert_one_json_document(text: str) -> Any:
    assert text.endswith("\n") and not text.endswith("\n\n"), repr(text[-20:])
    value = json.loads(text)
    assert text == json_text(value)  # the one serialisation: indent 2, UTF-8 as is, key order kept
    return value


@pytest.mark.parametrize("args, formats", OFFLINE, ids=[" ".join(str(a) for a in args[:3]) for args, _ in OFFLINE])
def test_every_offline_command_writes_its_document_through_emit(spied, args, formats):
    for fmt in formats or ("console",):
        spied.clear()
        res = run(*args, *(("--format", fmt) if formats else ()))
        assert_all_through_emit(res, spied)
        assert [c["format"] for c in spied] == [OutputFormat(fmt)]
        if fmt == "json":
            assert_one_json_document(res.stdout)


@pytest.mark.parametrize("dry_run_format", ["json", "aws-cli"])
def test_a_dry_run_lists_its_calls_through_emit(spied, dry_run_format):
    """The calls a dry run would make are a document too: nothing reaches stdout around emit."""
    res = run("params", "plan", *PARAMS, "--name", "prod-v3", "--dry-run", "--dry-run-format", dry_run_format)
    assert_all_through_emit(res, spied)
    assert [c["kind"] for c in spied] == ["parameter-group plan", "AWS calls"], [c["kind"] for c in spied]
    assert ("aws rds create-db-cluster-parameter-group" if dry_run_format == "aws-cli"
            else '"operation": "CreateDBClusterParameterGroup"') in spied[-1]["stdout"]


def test_a_document_written_to_a_file_says_so_once_on_stderr(spied, tmp_path):
    for fmt in ("console", "json", "md", "html"):
        out = tmp_path / f"bench.{fmt}"
        res = run("bench", "compare", EX / "bench/results.jsonl", "--format", fmt, "-o", out)
        assert res.stdout == "" and spied[-1]["to"] == out
        assert res.stderr.count(f" → {out}\n") == 1
        if fmt == "json":
            assert_one_json_document(out.read_text(encoding="utf-8"))
        if fmt == "console":  # plain text as a pipe gets it: no colour codes, one line per shape
            text = out.read_text(encoding="utf-8")
            assert "\x1b[" not in text and "bench compare" in text and not set(text) & set("│┃┏")


def test_the_dossier_writes_its_three_files_and_its_verdict_through_emit(spied, tmp_path):
    res = run("dossier", *DOSSIER, "--out", tmp_path / "d")
    assert_all_through_emit(res, spied)
    assert [(c["format"], c["to"]) for c in spied] == [
        (OutputFormat.html, tmp_path / "d/dossier.html"), (OutputFormat.md, tmp_path / "d/dossier.md"),
        (OutputFormat.json, tmp_path / "d/dossier.json"), (OutputFormat.console, None)]
    assert res.stdout.startswith("NO-GO: ")
    assert_one_json_document((tmp_path / "d/dossier.json").read_text(encoding="utf-8"))


def test_bench_capture_writes_its_workload_through_emit(spied, tmp_path):
    out = tmp_path / "w.json"
    res = run("bench", "capture", "--slow-log", EX / "bench/mysql-slow.log", "-o", out)
    assert res.stdout == "" and [(c["format"], c["to"]) for c in spied] == [(OutputFormat.json, out)]
    assert res.stderr.startswith("captured 6 query shapes (") and res.stderr.count(f" → {out}\n") == 1
    assert assert_one_json_document(out.read_text(encoding="utf-8"))["format"] == "aurora-upgrade-bench-workload"


def test_checks_docs_writes_the_catalog_through_emit(spied, tmp_path):
    res = run("checks", "docs", "--file", tmp_path / "checks.md")
    assert res.stdout == "" and [(c["format"], c["to"]) for c in spied] == [(OutputFormat.md, tmp_path / "checks.md")]
    assert (tmp_path / "checks.md").read_text(encoding="utf-8") == (ROOT / "docs/checks.md").read_text(encoding="utf-8")


def test_precheck_out_and_json_agree(spied, tmp_path):
    """``--out`` files are written by the engine with the same JSON function as the document on stdout."""
    res = run("precheck", "--ddl", EX / "legacy_app_57.sql", "--format", "json", "--out", tmp_path / "r")
    assert_all_through_emit(res, spied)
    on_disk = assert_one_json_document((tmp_path / "r/report.json").read_text(encoding="utf-8"))
    shown = assert_one_json_document(res.stdout)
    assert {k: v for k, v in on_disk.items() if k != "generated_at"} == \
        {k: v for k, v in shown.items() if k != "generated_at"}


# ---- commands that read AWS (moto) ---------------------------------------------------------------


def test_params_versions_and_bluegreen_status_go_through_emit(spied, aws, tmp_path, monkeypatch):
    from tests.fakes.rds_engine_fake import install_rds_engine_fake

    monkeypatch.setenv("HOME", str(tmp_path))
    install_rds_engine_fake(aws, defaults=False)
    for fmt in ("console", "json", "md"):
        spied.clear()
        res = run("params", "versions", "--engine-version", "5.7.mysql_aurora.2.11.2", "--target", "8.0",
                  "--format", fmt)
        assert_all_through_emit(res, spied)
        if fmt == "json":
            assert assert_one_json_document(res.stdout)["source"] == "5.7.mysql_aurora.2.11.2"
    for fmt in ("console", "json"):
        spied.clear()
        res = run("bluegreen", "status", "--journal-dir", tmp_path / "j", "--format", fmt)
        assert_all_through_emit(res, spied)
        if fmt == "json":
            assert assert_one_json_document(res.stdout) == []


def test_metrics_compare_goes_through_emit(spied, aws):
    import datetime as dt

    import boto3

    from tests.test_metrics import NOW, make_cluster, seed

    start = NOW - dt.timedelta(hours=2)
    make_cluster("prod")
    make_cluster("prod-green")
    seed(boto3.client("cloudwatch"), "prod", start, "prod-green", start)
    args = ("metrics", "compare", "--blue-cluster", "prod", "--green-cluster", "prod-green", "--start",
            start.isoformat(), "--end", (start + dt.timedelta(hours=1)).isoformat())
    for fmt in ("console", "json", "md", "html"):
        spied.clear()
        res = run(*args, "--format", fmt)
        assert_all_through_emit(res, spied)
        if fmt == "json":
            assert assert_one_json_document(res.stdout)["metrics_format"] == 1


def test_fleet_scan_goes_through_emit(spied, aws):
    for fmt in ("console", "json", "csv", "html"):
        spied.clear()
        res = run("fleet", "scan", "--region", "us-east-1", "--as-of", "2026-12-07", "--format", fmt)
        assert_all_through_emit(res, spied)
        if fmt == "json":
            assert assert_one_json_document(res.stdout)["clusters"] == []


# ---- emit itself ---------------------------------------------------------------------------------

LONG = "x" * 50 + " " + "y" * 120  # longer than any screen, with a space a wrapping console would break at
NOTE: Kind[str] = Kind("note", console=lambda text, c: c.print(text), text={OutputFormat.md: lambda t: f"# {t}\n"})


def test_a_file_gets_the_console_view_as_plain_unwrapped_text(tmp_path, capsys):
    emit(NOTE(LONG), OutputFormat.console, tmp_path / "sub/note.txt")
    assert (tmp_path / "sub/note.txt").read_text() == LONG + "\n"
    assert capsys.readouterr().err == f"note → {tmp_path / 'sub/note.txt'}\n"


def test_json_is_written_one_way_and_a_kind_without_a_format_refuses_it(capsys):
    emit(NOTE("é → ü"), OutputFormat.json)
    assert capsys.readouterr().out == '"é → ü"\n'
    emit(Kind("x", console=print)({"b": 1, "a": [1, 2]}), OutputFormat.json)
    assert capsys.readouterr().out == '{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ]\n}\n'
    with pytest.raises(ToolError, match="a note has no html format"):
        emit(NOTE("x"), OutputFormat.html)


def test_a_write_error_is_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ToolError) as err:
        emit(NOTE("x"), OutputFormat.md, tmp_path / "file" / "note.md")
    assert str(err.value).startswith(f"cannot write {tmp_path / 'file' / 'note.md'}: ") and "\n" not in str(err.value)


def test_a_pipe_gets_long_lines_whole():
    with contextlib.redirect_stdout(io.StringIO()) as out:
        emit(NOTE(LONG), OutputFormat.console)
    assert out.getvalue() == LONG + "\n"


def test_render_modules_import_no_cli_common():
    """The render modules declare their kinds with ``emit``, which has no typer in it."""
    import ast

    for path in [*ROOT.glob("upgrade_cli/*/render.py"), ROOT / "upgrade_cli/emit.py", ROOT / "upgrade_cli/formats.py",
                 ROOT / "upgrade_cli/precheck/report.py", ROOT / "upgrade_cli/precheck/run.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not names & {"upgrade_cli.cli_common", "typer"}, path
        if path.name in ("report.py", "run.py", "formats.py"):  # engines and ground: no rich either
            assert not {n for n in names if n and n.split(".")[0] == "rich"}, path
