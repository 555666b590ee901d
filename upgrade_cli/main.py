"""The ``aurora-upgrade`` command line: one sub-command group per stage of the upgrade.

``run`` is the console entry point (httpie's ``main()``); every command body is a program that
returns an ExitStatus or raises, registered on a ``cli_common.App``, which guards it. Exceptions
become exit statuses in one place, ``cli_common.status_of``, here as inside every command.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
import typer.core
import typer.main

from upgrade_cli import bench, bluegreen, dossier, fleet, metrics, params, precheck
from upgrade_cli.cli_common import App, Group, status_of

# The stages' commands: name -> (the module and attribute that is the command, its help). A stage is imported
# only when one of its commands runs (start-up: benchmarks/startup.py); `--help` lists each by the help its
# stage package declares, which the command itself shows too.
COMMANDS = {  # a function: registered as ``App.command`` registers one
    "precheck": ("upgrade_cli.precheck.cli", "precheck", precheck.HELP),
    "dossier": ("upgrade_cli.dossier.cli", "dossier", dossier.HELP),
}
GROUPS = {  # an App of sub-commands (whose own help is the same HELP)
    "checks": ("upgrade_cli.precheck.cli", "checks_app", precheck.CHECKS_HELP),
    "params": ("upgrade_cli.params.cli", "app", params.HELP),
    "bluegreen": ("upgrade_cli.bluegreen.cli", "app", bluegreen.HELP),
    "bench": ("upgrade_cli.bench.cli", "app", bench.HELP),
    "metrics": ("upgrade_cli.metrics.cli", "app", metrics.HELP),
    "fleet": ("upgrade_cli.fleet.cli", "app", fleet.HELP),
}


def stage_app(name: str) -> App:
    """An App holding the stage command ``name`` as the top-level app would hold it (this imports the stage)."""
    module, attribute, help_text = COMMANDS.get(name) or GROUPS[name]
    target = getattr(__import__(module, fromlist=[attribute]), attribute)  # as `import` does: -X importtime sees it
    holder = App()
    if name in COMMANDS:
        holder.command(name, help=help_text)(target)
    else:
        holder.add_typer(target, name=name)
    return holder


class _Listed(typer.core.TyperCommand):
    """A stage's command before it is imported: its name and help, all that ``--help`` and a shell
    completion of the command names read."""


class Stages(Group):
    """The top-level group: it lists every stage's command without importing the stage, and imports one
    when the command line names it (to run it, print its help or complete its words). The order is typer's:
    commands, then groups, each in the order declared."""

    def __init__(self, *, commands: Any = None, **kwargs: Any):
        def listed(table: dict[str, tuple[str, str, str]]) -> dict[str, typer.core.TyperCommand]:
            return {name: _Listed(name=name, help=help_text) for name, (_, _, help_text) in table.items()}

        super().__init__(commands={**listed(COMMANDS), **dict(commands or {}), **listed(GROUPS)}, **kwargs)

    def load(self, name: str) -> Any:
        """The command ``name``, its stage imported the first time (``commands`` then holds it)."""
        if isinstance(self.commands.get(name), _Listed):
            self.commands[name] = typer.main.get_group(stage_app(name)).commands[name]
        return self.commands[name]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, cmd, rest = super().resolve_command(ctx, args)
        return name, (self.load(name) if name is not None else cmd), rest


app = App(
    name="aurora-upgrade",
    help="Aurora MySQL 2 (5.7) → 3 (8.0): precheck, parameter groups, blue/green cutover, benchmark.",
    cls=Stages,
)


def command_tree() -> Stages:
    """The whole command line as click sees it, every stage imported: for what walks every command (the
    contract and help tests)."""
    root = typer.main.get_command(app)
    assert isinstance(root, Stages)
    for name in list(root.commands):
        root.load(name)
    return root


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
