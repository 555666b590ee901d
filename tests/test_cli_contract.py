"""The one CLI contract: every command guarded by construction, one exit-status map, one spelling
of the shared options."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import pytest
import typer
from typer.testing import CliRunner

from upgrade_cli.cli_common import ASK, App, Blocked, Command, ExitStatus, OutputFormat, ToolError, format_option, is_guarded
from upgrade_cli.cli_common import _is_comma_list
from upgrade_cli.main import COMMANDS, GROUPS, app, command_tree, stage_app

PACKAGE = Path(__file__).resolve().parent.parent / "upgrade_cli"
EXE = Path(sys.executable).parent / "aurora-upgrade"
EXAMPLE = PACKAGE.parent / "examples" / "legacy_app_57.sql"


def _apps(root: typer.Typer, path: tuple[str, ...] = ()):
    yield path, root
    for group in root.registered_groups:
        yield from _apps(group.typer_instance, (*path, group.name))


def test_every_registered_command_runs_under_the_contract():
    seen = 0
    stages = [(path, sub) for name in (*COMMANDS, *GROUPS) for path, sub in _apps(stage_app(name))]
    for path, sub in [*_apps(app), *stages]:
        assert isinstance(sub, App), f"{' '.join(path) or 'aurora-upgrade'} is a bare typer.Typer, not cli_common.App"
        for info in sub.registered_commands:
            assert info.callback is not None and is_guarded(info.callback), (path, info.name)
            seen += 1
    assert seen >= 15
    leaves = [cmd for _, cmd in _leaves(command_tree())]
    assert len(leaves) == seen and all(isinstance(cmd, Command) for cmd in leaves)


def _leaves(group, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _leaves(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


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
    def fmt(output_format: Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json)]
            = OutputFormat.console) -> None:
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


@pytest.mark.parametrize("flag", ["--format", "--region", "--profile", "--yes", "--dry-run", "--dry-run-format"])
def test_shared_options_have_one_spelling_and_one_help(flag):
    found = [(where, p) for where, p in _params(command_tree()) if flag in p.opts]
    assert len(found) >= 2, flag
    spellings = {tuple(sorted(p.opts + p.secondary_opts)) for _, p in found}
    assert len(spellings) == 1, spellings
    # --format lists the formats of its command; the rest of its help is shared. A list-valued option
    # (fleet's --region a,b / all) is a kind of its own, with one help of its own: cli_common.RegionsOpt
    for multiple in (False, True):
        helps = {re.sub(r"\b(console|json|md|html|csv|or)\b|[,\s]", "", p.help or "") for _, p in found
                 if p.multiple is multiple}
        assert len(helps) <= 1, {where: p.help for where, p in found}


def test_every_dry_run_has_the_one_dry_run_format():
    """upgrade_cli/dryrun.py: each command with --dry-run prints its calls as JSON or, asked, as aws CLI lines."""
    commands = {}
    for where, p in _params(command_tree()):
        commands.setdefault(where, set()).update(p.opts)
    dry = sorted(where for where, opts in commands.items() if "--dry-run" in opts)
    assert len(dry) >= 4, dry
    assert [where for where in dry if "--dry-run-format" not in commands[where]] == []


# --------------------------------------------------------------------------------------------
# How a command line is read (cli_common.Command)
# --------------------------------------------------------------------------------------------

def _lists():
    toy = App(help="toy")

    @toy.command("pick")
    def pick(only: Annotated[Optional[list[str]], typer.Option("--only", help="Ids (comma list, or repeat it).")] = None,
             files: Annotated[Optional[list[Path]], typer.Option("--file", help="Files (repeat it).")] = None) -> None:
        typer.echo(f"{only!r} {[str(f) for f in files or []]!r}")

    @toy.command("need")
    def need(name: Annotated[str, typer.Option("--name")], ident: Annotated[str, typer.Argument(metavar="ID")],
             size: Annotated[int, typer.Option("--size", min=1)] = 1,
             region: Annotated[str, typer.Option("--region")] = "") -> None:
        typer.echo("ran")

    @toy.command("pw")
    def pw(password: Annotated[Optional[str], typer.Option("--password", "-p")] = None,
           user: Annotated[Optional[str], typer.Option("--user", "-u")] = None,
           quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
        typer.echo(f"{'ASK' if password == ASK else repr(password)} {user!r}")

    return toy


@pytest.mark.parametrize("args, shown", [
    (["--only", "a,b", "--only", "c"], "['a', 'b', 'c'] []"),
    (["--only", " a , b ,", "--only", "c"], "['a', 'b', 'c'] []"),
    (["--only", "a"], "['a'] []"),
    ([], "None []"),
    (["--file", "x,1.json", "--file", "y.json"], "None ['x,1.json', 'y.json']"),  # a file name may hold a comma
])
def test_a_repeatable_name_option_takes_comma_lists(args, shown):
    res = CliRunner().invoke(_lists(), ["pick", *args])
    assert res.exit_code == 0 and res.stdout.strip() == shown, res.output


def test_a_comma_list_without_a_name_is_one_error_line():
    res = subprocess.run([str(EXE), "precheck", "--ddl", EXAMPLE, "--only", ","], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert res.stderr.startswith("error: Invalid value for '--only': give at least one value")


def test_precheck_runs_the_checks_of_a_comma_list():
    res = subprocess.run([str(EXE), "precheck", "--ddl", EXAMPLE, "--format", "json", "--fail-on", "never",
                          "--only", "reservedKeywords,mysqlSchema", "--only", "zeroDates"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert {c["id"] for c in json.loads(res.stdout)["checks"]} == {"reservedKeywords", "mysqlSchema", "zeroDates"}


def test_every_repeatable_name_option_says_it_takes_a_comma_list():
    found = [(where, p) for where, p in _params(command_tree()) if _is_comma_list(p)]
    assert {p.opts[0] for _, p in found} >= {"--only", "--skip", "--schema", "--instance-class", "--override"}
    assert not [(where, p.opts[0]) for where, p in found if "comma list" not in (p.help or "")]


@pytest.mark.parametrize("args, message", [
    ([], "Missing argument 'ID'; option '--name'"),
    (["--size", "0"], "Missing argument 'ID'; option '--name'"),  # named before the wrong --size
    (["x", "--size", "0"], "Missing option '--name'"),
    (["x", "--name", "n", "--size", "0"], "Invalid value for '--size'"),
    (["--bogus"], "No such option: --bogus"),  # a word the command does not know comes first
])
def test_missing_required_options_are_named_first_and_together(args, message):
    res = CliRunner().invoke(_lists(), ["need", *args])
    assert res.exit_code == 2 and message in res.output, res.output


def test_help_is_not_blocked_by_missing_options():
    res = CliRunner().invoke(_lists(), ["need", "--help"])
    assert res.exit_code == 0 and "Usage:" in res.stdout


@pytest.mark.parametrize("args, shown", [
    (["-p"], "ASK None"),
    (["--password"], "ASK None"),
    (["-p", "-u", "bob"], "ASK 'bob'"),
    (["--password", "--user=bob"], "ASK 'bob'"),
    (["-q", "-p"], "ASK None"),
    (["-pSECRET", "-u", "bob"], "'SECRET' 'bob'"),
    (["--password=SECRET"], "'SECRET' None"),
    (["--password", "SECRET"], "'SECRET' None"),
    (["--password="], "'' None"),
    (["-u", "-p"], "None '-p'"),  # the value of --user, as any option's next word
])
def test_password_given_alone_asks_as_the_mysql_client_does(args, shown):
    res = CliRunner().invoke(_lists(), ["pw", *args])
    assert res.exit_code == 0 and res.stdout.strip() == shown, res.output


def test_a_bare_command_line_names_what_is_missing_before_any_aws_setup(tmp_path):
    """Every command run with nothing, without a Region or credentials: an error names the missing input;
    only a command that needs no input at all may go on to AWS (and then say what AWS lacks)."""
    needs_nothing = {("bluegreen", "status"), ("bluegreen", "gates"), ("checks", "list"), ("checks", "docs"), ("version",)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp_path), AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    seen = []
    for path, _ in _leaves(command_tree()):
        if path in needs_nothing:
            continue
        res = subprocess.run([str(EXE), *path], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
        seen.append(path)
        assert res.returncode == 2 and res.stderr.count("\n") == 1, (path, res.stderr)
        assert re.match(r"error: (Missing (argument|option)|give )", res.stderr), (path, res.stderr)
    assert len(seen) >= 12


def test_a_usage_error_is_one_line_also_in_process():
    """CliRunner runs click's own main (standalone mode), which would show a usage block: the app's commands
    show the contract's one line there too."""
    res = CliRunner().invoke(_lists(), ["need", "x", "--name", "n", "--size", "zero"])
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: Invalid value for '--size'")
    assert res.stderr.rstrip().endswith("(see 'root need --help')")


def test_option_values_convert_as_typer_converts_them_without_pydantic(tmp_path):
    """cli_common._Conversion (start-up: typer's converters import pydantic, ~50 ms): for every option of every
    command and values good and bad, the same value, or the same error word for word, as typer's own."""
    from typer._coercion import build_runtime_param

    from upgrade_cli.cli_common import _Conversion

    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("")
    values = [None, "", "5", "007", "-3", "+4", " 5", "1.5", "1.", ".5", "1e3", "nan", "abc", "json", "JSON", "md",
              "aws-cli", "error", "WARNING", "29", "30", "3600", "3601", "99999999999999999999", str(tmp_path / "file"),
              str(tmp_path / "dir"), str(tmp_path / "missing"), "a//b/", "~/x", "a\x00b", "-", "٣", 5, 1.5, True,
              Path("x"), ("a", "b,c"), [str(tmp_path / "file"), "x"], ("5",), (), b"bytes"]

    def outcome(convert):
        try:
            value = convert()
            return type(value), repr(value)
        except Exception as exc:  # noqa: BLE001 - the error is the outcome compared
            return type(exc), str(getattr(exc, "message", exc))

    compared, tree = 0, command_tree()
    ctx = typer.Context(tree)
    for where, p in _params(tree):
        for value in [*values, p.default]:
            ours = outcome(lambda: _Conversion().coerce(value, param=p, ctx=ctx))
            assert ours == outcome(lambda: build_runtime_param(p.type_descriptor).coerce(value, param=p, ctx=ctx)), \
                (where, p.name, value)
            compared += 1
    assert compared > 5000


def test_the_top_level_lists_each_stage_command_by_the_help_it_shows():
    """main.Stages lists a stage's command without importing it, by its package's HELP: the command, once
    imported, shows that same help."""
    listed = {name: cmd.help for name, cmd in typer.main.get_command(app).commands.items()}
    loaded = {name: cmd.help for name, cmd in command_tree().commands.items()}
    assert listed == loaded and len(listed) >= 9
