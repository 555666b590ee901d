"""`aurora-upgrade bench`: Capture slow queries, replay them on blue and green, compare."""

import typer

app = typer.Typer(help="Capture slow queries, replay them on blue and green, compare.", no_args_is_help=True)
