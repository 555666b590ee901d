"""The one CLI contract: every command guarded by construction, one exit-status map, one spelling
of the shared options."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from upgrade_cli.cli_common import App, Blocked, ExitStatus, OutputFormat, ToolError, format_option
from upgrade_cli.main import app

PACKAGE = Path(__file__).resolve().parent.parent / "upgrade_cli"


def _apps(root: typer.Typer, path: tuple[str, ...] = ()):
    yield path, root
    for group in root.registered_groups:
        yield from _apps(group.typer_instance, (*path, group.name))


def test_every_registered_command_runs_under_the_contract():
    seen = 0
    for path, sub in _apps(app):
        assert isinstance(sub, App), f"{' '.join(path) or 'aurora-upgrade'} is a bare typer.Typer, not cli_common.App"
        for info in sub.registered_commands:
            assert getattr(info.callback, "__guarded__", False), (path, info.name)
            seen += 1
    assert seen >= 15


def test_the_documented_exit_numbers():
    assert [int(s) for s in (ExitStatus.OK, ExitStatus.FINDINGS, ExitStatus.ERROR, ExitStatus.INTERRUPTED)] == \
        [0, 1, 2, 130]
    assert ToolError("x").exit_code == 2 and Blocked("x").exit_code == 1
    assert ExitStatus.of_findings(3) is ExitStatus.FINDINGS and ExitStatus.of_findings(False) is ExitStatus.OK


def _toy():
    toy = App(help="toy")

    @toy.command("ok")
    def ok() -> None:
        typer.echo("fine")

    @toy.command("found")
    def found() -> ExitStatus:
        return ExitStatus.FINDINGS

    @toy.command("bad")
    def bad() -> None:
        raise ToolError("the input is\n  wrong")

    @toy.command("gate")
    def gate() -> None:
        raise Blocked("a gate failed")

    @toy.command("bug")
    def bug() -> None:
        raise KeyError("oops")

    @toy.command("ctrl-c")
    def ctrl_c() -> None:
        raise KeyboardInterrupt

    @toy.command("fmt")
    def fmt(output_format: format_option(OutputFormat.console, OutputFormat.json) = OutputFormat.console) -> None:
        typer.echo(repr(output_format))

    return toy


@pytest.mark.parametrize("args, code, stderr", [
    (["ok"], 0, ""),
    (["found"], 1, ""),
    (["bad"], 2, "error: the input is wrong"),
    (["gate"], 1, "error: a gate failed"),
    (["bug"], 2, "error: internal: KeyError: 'oops'"),
    (["ctrl-c"], 130, "interrupted"),
    (["fmt", "--format", "xml"], 2, "error: unknown --format 'xml': --format must be one of console, json"),
    (["fmt", "-f", "md"], 2, "error: unknown --format 'md': --format must be one of console, json"),
])
def test_a_command_only_returns_or_raises_and_the_app_maps_it(args, code, stderr):
    res = CliRunner().invoke(_toy(), args)
    assert res.exit_code == code, res.output
    assert res.stderr.strip() == stderr
    assert "Traceback" not in res.output


def test_format_parses_to_the_shared_enum():
    res = CliRunner().invoke(_toy(), ["fmt", "-f", "JSON"])
    assert res.exit_code == 0 and res.stdout.strip() == "<OutputFormat.json: 'json'>"


def test_exits_are_chosen_in_one_place():
    """Engines raise or return; only the contract (cli_common) and the entry point (main) exit."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("cli_common.py", "main.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"typer\.Exit|sys\.exit|EXIT_(OK|FINDINGS|ERROR|INTERRUPTED)\b", line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert not offenders, offenders


def test_the_outcome_module_needs_neither_typer_nor_rich():
    code = ("import sys, upgrade_cli.outcome; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == "[]", res.stdout + res.stderr


def _params(group, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _params(cmd, (*prefix, name))
        else:
            for p in cmd.params:
                yield " ".join((*prefix, name)), p


@pytest.mark.parametrize("flag", ["--format", "--region", "--profile", "--yes", "--dry-run"])
def test_shared_options_have_one_spelling_and_one_help(flag):
    found = [(where, p) for where, p in _params(typer.main.get_command(app)) if flag in p.opts]
    assert len(found) >= 2, flag
    spellings = {tuple(sorted(p.opts + p.secondary_opts)) for _, p in found}
    assert len(spellings) == 1, spellings
    # --format lists the formats of its command; the rest of its help is shared. A list-valued option
    # (fleet's --region a,b / all) is a kind of its own, with one help of its own: cli_common.RegionsOpt
    for multiple in (False, True):
        helps = {re.sub(r"\b(console|json|md|html|csv|or)\b|[,\s]", "", p.help or "") for _, p in found
                 if p.multiple is multiple}
        assert len(helps) <= 1, {where: p.help for where, p in found}
