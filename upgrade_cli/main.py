"""The ``aurora-upgrade`` command line: one sub-command group per stage of the upgrade.

``run`` is the console entry point (httpie's ``main()``); every command body is a program that
returns an ExitStatus or raises, registered on a ``cli_common.App``, which guards it. Exceptions
become exit statuses in one place, ``cli_common.status_of``, here as inside every command.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from upgrade_cli.precheck import cli as precheck_cli
from upgrade_cli.cli_common import App, status_of
from upgrade_cli.bench.cli import app as bench_app
from upgrade_cli.bluegreen.cli import app as bluegreen_app
from upgrade_cli.dossier.cli import dossier
from upgrade_cli.fleet.cli import app as fleet_app
from upgrade_cli.metrics.cli import app as metrics_app
from upgrade_cli.params.cli import app as params_app

app = App(
    name="aurora-upgrade",
    help="Aurora MySQL 2 (5.7) → 3 (8.0): precheck, parameter groups, blue/green cutover, benchmark.",
)
app.command("precheck")(precheck_cli.precheck)
app.add_typer(precheck_cli.checks_app, name="checks")
app.add_typer(params_app, name="params")
app.add_typer(bluegreen_app, name="bluegreen")
app.add_typer(bench_app, name="bench")
app.add_typer(metrics_app, name="metrics")
app.command("dossier")(dossier)
app.add_typer(fleet_app, name="fleet")


def installed_version() -> str:
    """The version pip installed (the package metadata; pyproject reads it from ``upgrade_cli.__version__``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aurora-upgrade")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from upgrade_cli import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"aurora-upgrade {installed_version()}")
        raise typer.Exit()


@app.callback()
def aurora_upgrade(
    _version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version,
                                           help="Print the version and exit.")] = False,
) -> None:
    """Aurora MySQL 2 (5.7) → 3 (8.0): precheck, parameter groups, blue/green cutover, benchmark."""


@app.command("version")
def version() -> None:
    """Print the tool version."""
    typer.echo(installed_version())


def run() -> None:
    """Console entry point: click's usage errors (outside any command body) become one line too."""
    try:
        code = app(standalone_mode=False)
    except Exception as exc:  # noqa: BLE001 - parsing, --help rendering: still one line, never a traceback
        sys.exit(status_of(exc))
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
