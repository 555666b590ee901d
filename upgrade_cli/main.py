"""The ``aurora-upgrade`` command line: one sub-command group per stage of the upgrade."""

from __future__ import annotations

import typer

from upgrade_cli import __version__, precheck_cmd
from upgrade_cli.bench.cli import app as bench_app
from upgrade_cli.bluegreen.cli import app as bluegreen_app
from upgrade_cli.params.cli import app as params_app

app = typer.Typer(
    name="aurora-upgrade",
    help="Aurora MySQL 2 (5.7) → 3 (8.0): precheck, parameter groups, blue/green cutover, benchmark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # errors are one line (cli_common.guarded); never dump locals
)
app.command("precheck")(precheck_cmd.precheck)
app.add_typer(precheck_cmd.checks_app, name="checks")
app.add_typer(params_app, name="params")
app.add_typer(bluegreen_app, name="bluegreen")
app.add_typer(bench_app, name="bench")


@app.command("version")
def version() -> None:
    """Print the tool version."""
    typer.echo(__version__)


def run() -> None:
    app()


if __name__ == "__main__":
    run()
