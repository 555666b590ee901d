"""`aurora-upgrade precheck` and `aurora-upgrade checks`: scan a server, dump or snapshot."""

import typer

checks_app = typer.Typer(help="List and explain the upgrade checks.", no_args_is_help=True)


def precheck() -> None:
    """Scan a live server, a mysqldump file or a snapshot for 5.7 → 8.0 incompatibilities."""
    raise NotImplementedError
