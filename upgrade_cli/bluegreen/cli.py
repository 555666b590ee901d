"""`aurora-upgrade bluegreen`: Create, watch, gate, switch over and clean up an RDS blue/green deployment."""

import typer

app = typer.Typer(help="Create, watch, gate, switch over and clean up an RDS blue/green deployment.", no_args_is_help=True)
