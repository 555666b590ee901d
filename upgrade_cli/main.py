"""The ``aurora-upgrade`` command line: one sub-command group per stage of the upgrade."""

from __future__ import annotations

import sys

import typer

from upgrade_cli import __version__
from upgrade_cli.precheck import cli as precheck_cli
from upgrade_cli.cli_common import EXIT_ERROR, err_console, one_line
from upgrade_cli.bench.cli import app as bench_app
from upgrade_cli.bluegreen.cli import app as bluegreen_app
from upgrade_cli.dossier.cli import dossier
from upgrade_cli.metrics.cli import app as metrics_app
from upgrade_cli.params.cli import app as params_app

_UsageError = typer.BadParameter.__mro__[1]  # click's UsageError, wherever typer takes click from

app = typer.Typer(
    name="aurora-upgrade",
    help="Aurora MySQL 2 (5.7) → 3 (8.0): precheck, parameter groups, blue/green cutover, benchmark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # errors are one line (cli_common.guarded); never dump locals
)
app.command("precheck")(precheck_cli.precheck)
app.add_typer(precheck_cli.checks_app, name="checks")
app.add_typer(params_app, name="params")
app.add_typer(bluegreen_app, name="bluegreen")
app.add_typer(bench_app, name="bench")
app.add_typer(metrics_app, name="metrics")
app.command("dossier")(dossier)


@app.command("version")
def version() -> None:
    """Print the tool version."""
    typer.echo(__version__)


def run() -> None:
    """Console entry point: click's usage errors become one line too (typer would draw a box)."""
    try:
        code = app(standalone_mode=False)
    except _UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: show its help, as typer would
            typer.echo(exc.ctx.get_help() if exc.ctx else "")
            sys.exit(EXIT_ERROR)
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        err_console.print(f"error: {one_line(exc.format_message())}{hint}", markup=False)
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        err_console.print("aborted", markup=False)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - outside any command body (e.g. rendering --help): still one line
        err_console.print(f"error: internal: {type(exc).__name__}: {one_line(str(exc))}", markup=False)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
