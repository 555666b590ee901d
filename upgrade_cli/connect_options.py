"""The MySQL connection flags on the command line: typer options, ``-p`` asking, the inline-password warning.

Presentation: every command declares the connection flags with these types, so they are spelled the same
everywhere, and turns them into ``connect.ConnectionOptions`` with :func:`resolve`. The engine half, which
layers the sources and connects, is ``upgrade_cli/connect.py`` (no typer, no rich).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from upgrade_cli import connect
from upgrade_cli.cli_common import ASK, err_console
from upgrade_cli.outcome import ToolError

HostOpt = Annotated[Optional[str], typer.Option("--host", "-h", help="Server host name (e.g. the cluster writer endpoint).")]
PortOpt = Annotated[Optional[int], typer.Option("--port", "-P", help="Server port (default 3306).")]
UserOpt = Annotated[Optional[str], typer.Option("--user", "-u", help="User name.")]
PasswordOpt = Annotated[Optional[str], typer.Option(
    "--password", "-p", help="Password. Given alone (-p), it is asked for without echo, as with the mysql "
    "client; inline (-pSECRET) it is visible in the process list. Else: $AURORA_UPGRADE_PASSWORD, $MYSQL_PWD, "
    "or the defaults file.")]
SocketOpt = Annotated[Optional[str], typer.Option("--socket", "-S", help="Unix socket path.")]
DsnOpt = Annotated[Optional[str], typer.Option("--dsn", help=f"Connection string: {connect.DSN_HELP}.")]
DefaultsFileOpt = Annotated[Optional[Path], typer.Option(
    "--defaults-file", help="MySQL option file to read ([client] section) instead of ~/.my.cnf.")]
SslCaOpt = Annotated[Optional[str], typer.Option("--ssl-ca", help="CA bundle (PEM) to verify the server's TLS certificate.")]
IamOpt = Annotated[bool, typer.Option("--iam", help="Authenticate with an RDS IAM auth token (needs --ssl-ca).")]


def resolve(*, password: str | None = None, **flags: Any) -> connect.ConnectionOptions:
    """``connect.resolve`` for the flags as typer parsed them: ``-p`` alone (:data:`cli_common.ASK`) asks for
    the password, and an inline password is used with a warning on stderr."""
    source = None
    if password == ASK:
        password, source = ask_password(), "the prompt"
    elif password is not None:
        err_console.print("warning: --password is visible to other users in the process list; "
                          "prefer -p alone (asks), AURORA_UPGRADE_PASSWORD or a defaults file", markup=False)
    return connect.resolve(password=password, password_source=source, **flags)


def ask_password() -> str:
    """The password for ``-p`` given bare: typed at the terminal, never echoed, the prompt on stderr so
    stdout stays the report (Enter alone is an empty password, as in the mysql client). When stdin is
    not a terminal, its first line is the password (``secret-tool lookup ... | aurora-upgrade ... -p``)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise ToolError("-p/--password given without a value, and stdin is neither a terminal nor a "
                            "password line")
        return line.rstrip("\r\n")
    return typer.prompt("Enter password", hide_input=True, err=True, default="", show_default=False)
