"""Console output on an 80-column terminal and through a pipe: readable, no table ribbons, no
URL broken across lines (a broken URL can be neither read nor followed)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from rich.cells import cell_len

from tests.test_params_offline import exports  # noqa: F401 - the offline parameter exports, as a fixture
from upgrade_cli.main import app

EXE = Path(sys.executable).parent / "aurora-upgrade"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "legacy_app_57.sql"
URL = re.compile(r"https?://[^\s\])>\"]+")
FOOTNOTE = re.compile(r"^\[\d+\] https?://\S+$")
URL_LINE = re.compile(r"^(\[\d+\] )?https?://\S+$")  # a URL longer than the screen stays whole, alone on its line


def piped(*args: object, columns: int = 80) -> list[str]:
    """``COLUMNS=80 aurora-upgrade ARGS | cat``: the output as the pipe saw it."""
    cmd = " ".join(shlex.quote(str(a)) for a in (EXE, *args)) + " | cat"
    env = {**os.environ, "COLUMNS": str(columns), "HOME": "/nonexistent"}
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, timeout=120)
    assert res.stdout.strip() and not res.stderr, res.stderr
    return res.stdout.splitlines()


def json_of(*args: object):
    res = subprocess.run([str(EXE), *map(str, args), "--format", "json"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "HOME": "/nonexistent"})
    return json.loads(res.stdout), set(m.rstrip(".,;") for m in URL.findall(res.stdout))


def assert_fits(lines: list[str], known_urls: set[str]) -> None:
    too_wide = [ln for ln in lines if cell_len(ln) > 80 and not URL_LINE.match(ln)]
    assert not too_wide, too_wide
    assert not [ln for ln in lines if set(ln) & set("│┃┏┡└")], "a table at 80 columns"
    shown = {m.rstrip(".,;") for ln in lines for m in URL.findall(ln)}
    assert shown <= known_urls, f"URLs cut by a line break: {sorted(shown - known_urls)}"


def test_checks_list_is_one_line_per_check_at_80_columns():
    checks, urls = json_of("checks", "list")
    lines = piped("checks", "list")
    assert_fits(lines, urls)
    items = [ln for ln in lines if ln.startswith("- ")]
    assert len(items) == len(checks)
    assert [ln[2:].split(" ", 1)[0] for ln in items] == [c["id"] for c in checks]  # ids whole, in order


def test_checks_explain_prints_its_doc_url_whole():
    checks, urls = json_of("checks", "list")
    longest = max(checks, key=lambda c: len(c["doc_url"]))
    assert len(longest["doc_url"]) > 80
    lines = piped("checks", "explain", longest["id"])
    assert_fits(lines, urls)
    assert longest["doc_url"] in lines


def test_precheck_report_is_one_line_per_finding_at_80_columns():
    report, urls = json_of("precheck", "--ddl", EXAMPLE)
    lines = piped("precheck", "--ddl", EXAMPLE)
    assert_fits(lines, urls)
    assert len([ln for ln in lines if ln.startswith("- ")]) == report["counts"]["total"] > 10
    fixes = [f["fix"] for f in report["findings"] if f.get("fix")]
    assert len([ln for ln in lines if ln.startswith("    fix: ")]) == len(fixes)


def test_params_diff_puts_sources_below_as_whole_urls(exports):  # noqa: F811
    cpg, writer, reader = exports
    args = ("params", "diff", "--from-json", cpg, "--instance-json", writer, "--instance-json", reader,
            "--instance-class", "db.r6g.2xlarge", "--instance-class", "db.t4g.medium")
    data, urls = json_of(*args)
    lines = piped(*args)
    assert_fits(lines, urls)
    assert urls and urls == {m.group(0) for ln in lines if (m := FOOTNOTE.match(ln) and URL.search(ln))}
    assert len([ln for ln in lines if ln.startswith("- ")]) == len(data["findings"]) + len(data["temptable"])


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


COMMANDS = list(_commands(typer.main.get_command(app)))


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
