"""The console script itself: usage mistakes are one line and exit 2, like every other error."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).parent / "aurora-upgrade"


@pytest.mark.parametrize("args, expected", [
    (["precheck", "--bogus"], "No such option: --bogus"),
    (["bluegreen", "switchover"], "Missing argument"),
    (["nosuchcommand"], "No such command"),
])
def test_usage_errors_are_one_line_and_exit_2(args, expected):
    res = subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in res.stderr + res.stdout


def test_version_and_help_exit_0():
    from importlib.metadata import version

    import upgrade_cli

    installed = version("aurora-upgrade")
    assert installed == upgrade_cli.__version__  # pyproject reads the version from the package: one place
    res = subprocess.run([str(EXE), "version"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == installed
    for cmd in ([str(EXE), "--version"], [sys.executable, "-m", "upgrade_cli", "--version"]):
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert (res.returncode, res.stdout, res.stderr) == (0, f"aurora-upgrade {installed}\n", ""), cmd
    res = subprocess.run([str(EXE), "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "precheck" in res.stdout and "bluegreen" in res.stdout


def test_python_dash_m_is_the_same_program():
    res = subprocess.run([sys.executable, "-m", "upgrade_cli", "precheck", "--bogus"], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 2 and res.stderr.startswith("error: No such option: --bogus")


@pytest.mark.parametrize("group", [[], ["checks"], ["params"], ["bluegreen"], ["bench"], ["metrics"]])
def test_a_bare_group_prints_its_usage_once_and_exits_2(group):
    """Exit 2, as click exits for a missing command (a usage error); the usage goes to stdout, once."""
    res = subprocess.run([str(EXE), *group], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and not res.stderr
    assert res.stdout.count("Usage:") == 1 and res.stdout.count("Commands:") == 1, res.stdout


def test_shell_completion_is_on():
    res = subprocess.run([str(EXE), "--show-completion", "bash"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "_AURORA_UPGRADE_COMPLETE" in res.stdout
    env = {**os.environ, "_AURORA_UPGRADE_COMPLETE": "complete_bash", "COMP_WORDS": "aurora-upgrade bluegreen sw",
           "COMP_CWORD": "2"}
    res = subprocess.run([str(EXE)], capture_output=True, text=True, timeout=60, env=env)
    assert res.returncode == 0 and res.stdout.split() == ["switchover"]


def test_a_regular_install_ships_every_package_and_the_parameter_data():
    """An editable install hides a package missing from pyproject; a wheel would lack it."""
    import tomllib

    repo = Path(__file__).resolve().parent.parent
    conf = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]
    folder_of = {v: k for k, v in conf["package-dir"].items()}  # checks -> upgrade_cli.checks
    on_disk = set()
    for top in ("upgrade_cli", "checks", "param_profiles"):
        for p in (repo / top).rglob("__init__.py"):
            parts = p.parent.relative_to(repo).parts
            on_disk.add(".".join([folder_of.get(parts[0], parts[0]), *parts[1:]]))
    assert on_disk and on_disk <= set(conf["packages"])
    assert conf["package-data"]["upgrade_cli.param_profiles"] == ["*.yaml"]
    assert list((repo / "param_profiles").glob("*.yaml"))


@pytest.mark.parametrize("args, stages", [
    (["--help"], set()), (["checks", "list"], {"precheck"}),
    (["precheck", "--ddl", str(Path(__file__).resolve().parent.parent / "examples" / "legacy_app_57.sql")],
     {"precheck"})])
def test_commands_that_need_no_aws_or_server_import_neither_sdk_nor_driver(args, stages):
    """Start-up time (issue 23): boto3 costs ~120 ms and pymysql ~30 ms to import; commands that never
    reach AWS or a server must not pay for them, nor for the stages they do not run (``--help`` lists the
    commands without importing any), nor for pydantic (~50 ms; typer converts option values with it,
    cli_common._Conversion without). ``-X importtime`` lists every module actually imported."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "upgrade_cli.main", *args],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode in (0, 1), res.stderr[-2000:]
    imported = {line.rsplit("|", 1)[1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}
    assert {"typer", "upgrade_cli.cli_common"} <= imported  # the listing works
    assert not {m.split(".")[0] for m in imported} & {"boto3", "botocore", "pymysql", "pydantic"}
    assert {m.split(".")[1] for m in imported if m.startswith("upgrade_cli.") and m.endswith(".cli")} == stages
