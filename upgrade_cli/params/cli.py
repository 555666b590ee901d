"""`aurora-upgrade params`: Diff aurora-mysql5.7 and aurora-mysql8.0 parameter groups and plan the 8.0 groups."""

import typer

app = typer.Typer(help="Diff aurora-mysql5.7 and aurora-mysql8.0 parameter groups and plan the 8.0 groups.", no_args_is_help=True)
