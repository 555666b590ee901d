"""How every command reaches a MySQL server: one set of connection options, one way to connect.

Options come, highest priority first, from explicit flags, a DSN, the environment
(``AURORA_UPGRADE_PASSWORD``, then ``MYSQL_PWD``; password only) and a MySQL option file
(``--defaults-file``, else ``~/.my.cnf``, ``[client]`` section) — the same order the ``mysql``
client uses, so a DBA's existing setup just works. ``-p``/``--password`` given bare is an explicit
flag too: the password is asked for on the terminal, without echo, as the ``mysql`` client does. With ``--iam`` the password is a short-lived
RDS IAM auth token made at connect time (tokens expire after 15 minutes).

Secrets never leave this module in text: ``repr``/``str`` of the options hide the password, and
every error becomes one line built from our own words (plus the server's message with any secret
scrubbed out), never the DSN or the option file contents.

This is the engine half (ground: no typer, no rich, nothing printed). The command-line half, the typer
options, asking for ``-p`` and the warning about an inline password, is ``upgrade_cli/connect_options.py``.
"""

from __future__ import annotations

import configparser
import dataclasses
import functools
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from upgrade_cli import aws
from upgrade_cli.inputs import decode_text, read_input
from upgrade_cli.outcome import ToolError

if TYPE_CHECKING:  # imported where a connection is opened: commands that never connect start without it
    import pymysql

DEFAULT_PORT = 3306
DEFAULT_HOST = "localhost"
PASSWORD_ENV_VARS = ("AURORA_UPGRADE_PASSWORD", "MYSQL_PWD")
CONNECT_TIMEOUT_S = 10
DEFAULT_IO_TIMEOUT_S = 120  # no read or write ever waits for ever, whatever the caller forgot
IO_TIMEOUT_MARGIN_S = 5  # past a statement timeout: the server's own "timed out" error arrives first


def io_timeout_for(statement_timeout_s: float) -> float:
    """The network read/write deadline for a session whose statements the server stops at
    ``statement_timeout_s``: a frozen server or a dropped network must not hang the client."""
    return float(statement_timeout_s) + IO_TIMEOUT_MARGIN_S


@dataclass
class ConnectionOptions:
    """Where and how to connect. ``None`` means "not given" so sources can be layered."""

    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    socket: str | None = None
    database: str | None = None
    ssl_ca: str | None = None
    iam: bool = False
    region: str | None = None  # for --iam; else the AWS default region
    connect_timeout: float = CONNECT_TIMEOUT_S
    password_source: str | None = None  # where the password came from (never the value), for messages

    @property
    def address(self) -> str:
        """What we connect to, for messages and reports (never includes credentials)."""
        if self.socket and not self.host:
            return self.socket
        return f"{self.host or DEFAULT_HOST}:{self.port or DEFAULT_PORT}"

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if shown["password"] is not None:
            shown["password"] = "***"
        return "ConnectionOptions(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    __str__ = __repr__

    def merged_over(self, lower: "ConnectionOptions") -> "ConnectionOptions":
        """These options, with anything not given taken from ``lower``."""
        out = dataclasses.replace(lower)
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "iam":
                out.iam = self.iam or lower.iam
            elif f.name == "connect_timeout":
                out.connect_timeout = self.connect_timeout
            elif value is not None:
                setattr(out, f.name, value)
        if self.password is not None:
            out.password_source = self.password_source
        return out


# --------------------------------------------------------------------------------------------
# DSNs
# --------------------------------------------------------------------------------------------

_PT_KEYS = {"h": "host", "P": "port", "u": "user", "p": "password", "D": "database", "S": "socket"}
_URL_QUERY_KEYS = {"ssl_ca", "ssl-ca", "socket", "iam", "region"}
DSN_HELP = "mysql://user[:pass]@host[:port][/db][?ssl_ca=FILE&iam=1&region=R] or h=host,P=port,u=user,D=db,S=/socket"


def parse_dsn(dsn: str) -> ConnectionOptions:
    """Parse ``mysql://user:pass@host:port/db?ssl_ca=...`` or pt-style ``h=host,P=3306,u=user,p=pw,D=db,S=/sock``.

    Error messages never repeat the DSN: it may hold a password.
    """
    text = dsn.strip()
    if "://" in text:
        return _parse_url_dsn(text)
    if "=" in text:
        return _parse_pt_dsn(text)
    raise ToolError(f"unrecognised DSN: expected {DSN_HELP}")


def _parse_url_dsn(text: str) -> ConnectionOptions:
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("mysql", "mariadb", "mysql+pymysql"):
        raise ToolError(f"unsupported DSN scheme {parts.scheme!r}: expected mysql://")
    if "@" in parts.path or "@" in parts.query or "@" in parts.fragment:
        # A password holding '/', '?' or '#' ends the host part early; the rest would be echoed as a name.
        raise ToolError("the DSN has an '@' after its host part: percent-encode '/', '?', '#' and '@' in the "
                        "user name and password (%2F, %3F, %23, %40)")
    try:
        port = parts.port
    except ValueError:
        raise ToolError("invalid port in DSN: it must be a number from 1 to 65535") from None
    opts = ConnectionOptions(
        host=unquote(parts.hostname) if parts.hostname else None,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=unquote(parts.path.lstrip("/")) or None,
    )
    if opts.password is not None:
        opts.password_source = "the DSN"
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if key not in _URL_QUERY_KEYS:
            raise ToolError("unknown DSN parameter after '?': known are ssl_ca, socket, iam, region")
        value = values[-1]
        if key in ("ssl_ca", "ssl-ca"):
            opts.ssl_ca = value
        elif key == "socket":
            opts.socket = value
        elif key == "region":
            opts.region = value
        elif key == "iam":
            opts.iam = value.lower() in ("", "1", "true", "yes", "on")
    return opts


def _parse_pt_dsn(text: str) -> ConnectionOptions:
    opts = ConnectionOptions()
    for n, item in enumerate(text.split(","), 1):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        # Never echo the part: after a ',' inside a password, it is the rest of the password.
        if not sep:
            raise ToolError(f"part {n} of the pt-style DSN is not KEY=VALUE (a value cannot hold ','; "
                            "use a mysql:// DSN with %2C, or $AURORA_UPGRADE_PASSWORD for the password)")
        if key not in _PT_KEYS:
            raise ToolError(f"part {n} of the pt-style DSN has an unknown key: pt-style DSNs use h, P, u, p, D, S")
        setattr(opts, _PT_KEYS[key], value)
    if opts.port is not None:
        opts.port = _port(str(opts.port), "DSN")
    if opts.password is not None:
        opts.password_source = "the DSN"
    return opts


def _port(value: str, where: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        raise ToolError(f"invalid port in {where}: it must be a number from 1 to 65535") from None
    if not 0 < port < 65536:
        raise ToolError(f"invalid port in {where}: it must be a number from 1 to 65535")
    return port


# --------------------------------------------------------------------------------------------
# Option files and resolution
# --------------------------------------------------------------------------------------------


def read_defaults_file(path: str | Path) -> ConnectionOptions:
    """The ``[client]`` section of a MySQL option file (``!include`` lines and bare flags are skipped)."""
    path = Path(path).expanduser()
    raw = decode_text(read_input(path, "defaults file"), path, "MySQL option file")
    # The mysql client ignores leading whitespace; configparser would read an indented line as the
    # continuation of the line above (a password glued onto the user name, then echoed in errors).
    lines = [ln.strip() for ln in raw.splitlines() if not ln.lstrip().startswith("!")]
    parser = configparser.ConfigParser(allow_no_value=True, strict=False, interpolation=None,
                                       comment_prefixes=("#", ";"), inline_comment_prefixes=None)
    try:
        parser.read_string("\n".join(lines))
    except configparser.Error as exc:
        # configparser quotes the offending line, which may hold a password: give the line number only.
        lineno = getattr(exc, "lineno", None) or next((e[0] for e in getattr(exc, "errors", [])), "?")
        raise ToolError(f"cannot parse defaults file {path} (line {lineno})") from None
    if not parser.has_section("client"):
        return ConnectionOptions()
    section = {k.replace("-", "_"): _unquote(v) for k, v in parser.items("client") if v is not None}
    opts = ConnectionOptions(
        host=section.get("host"),
        user=section.get("user"),
        password=section.get("password"),
        socket=section.get("socket"),
        database=section.get("database"),
        ssl_ca=section.get("ssl_ca"),
    )
    if "port" in section:
        opts.port = _port(section["port"], f"defaults file {path}")
    if opts.password is not None:
        opts.password_source = f"defaults file {path}"
    return opts


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def resolve(*, dsn: str | None = None, host: str | None = None, port: int | None = None,
            user: str | None = None, password: str | None = None, socket_path: str | None = None,
            database: str | None = None, defaults_file: str | Path | None = None, ssl_ca: str | None = None,
            iam: bool = False, region: str | None = None, env: Mapping[str, str] | None = None,
            home: Path | None = None, password_source: str | None = None) -> ConnectionOptions:
    """Layer flags over DSN over environment over option file, like the ``mysql`` client does.

    ``password`` is a value already in hand (the CLI asks for ``-p`` before calling this); ``password_source``
    says where it came from, for messages (default ``--password``)."""
    env = os.environ if env is None else env
    source = (password_source or "--password") if password is not None else None
    flags = ConnectionOptions(host=host, port=port, user=user, password=password, socket=socket_path,
                              database=database, ssl_ca=ssl_ca, iam=iam, region=region, password_source=source)
    opts = flags.merged_over(parse_dsn(dsn)) if dsn else flags
    if opts.password is None:
        for var in PASSWORD_ENV_VARS:
            if env.get(var):
                opts.password, opts.password_source = env[var], f"${var}"
                break
    if defaults_file is not None:
        opts = opts.merged_over(read_defaults_file(defaults_file))
    else:
        mycnf = (home or Path(env.get("HOME") or Path.home())) / ".my.cnf"
        if mycnf.is_file():
            opts = opts.merged_over(read_defaults_file(mycnf))
    if opts.port is not None:
        opts.port = _port(str(opts.port), "--port")
    return opts


# --------------------------------------------------------------------------------------------
# Connecting
# --------------------------------------------------------------------------------------------


def iam_token(opts: ConnectionOptions) -> str:
    """A fresh RDS IAM auth token for the options' host, port and user (signed locally by boto3)."""
    if not opts.host or not opts.user:
        raise ToolError("--iam needs --host (the cluster endpoint) and --user")
    if not opts.ssl_ca:
        raise ToolError("--iam needs TLS: give --ssl-ca with the RDS CA bundle")
    rds = aws.client("rds", region=opts.region)
    try:
        return rds.generate_db_auth_token(DBHostname=opts.host, Port=opts.port or DEFAULT_PORT,
                                          DBUsername=opts.user, Region=opts.region)
    except Exception as exc:  # noqa: BLE001 - botocore raises several unrelated types here
        raise aws.explain(exc, "GenerateDBAuthToken") from None


@functools.cache
def _connection_class() -> type[pymysql.connections.Connection]:
    """pymysql's connection, its opportunistic TLS (no --ssl-ca: TLS when the server offers it, its certificate
    unchecked) without loading the system's CA store first (~20 ms each connection), which an unchecked
    certificate never consults; with --ssl-ca it is pymysql's own."""
    import pymysql

    class Connection(pymysql.connections.Connection):
        def _create_ssl_ctx(self, sslp: Any) -> ssl.SSLContext:
            if sslp:
                return getattr(super(), "_create_ssl_ctx")(sslp)  # private: not in the stubs
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # as pymysql makes it for no CA, less the CA store
            ctx.verify_flags &= ~ssl.VERIFY_X509_STRICT
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx

    return Connection


def open_connection(opts: ConnectionOptions, read_only: bool = True,
                    read_timeout: float | None = None) -> pymysql.connections.Connection:
    """Connect (autocommit, utf8mb4); with ``read_only`` the session refuses writes.

    ``read_timeout`` bounds every network read and write after the handshake (default
    ``DEFAULT_IO_TIMEOUT_S``). Every failure is one ToolError line naming the address and the likely cause.
    """
    import pymysql
    io_timeout = read_timeout if read_timeout is not None else DEFAULT_IO_TIMEOUT_S
    secret = iam_token(opts) if opts.iam else opts.password
    # The handshake is bounded by the connect timeout (pymysql reads it with read_timeout), so a
    # server that accepts but never answers cannot hang us; the caller's read_timeout applies after.
    kwargs: dict[str, Any] = dict(user=opts.user, password=secret or "", database=opts.database,
                                  connect_timeout=opts.connect_timeout, read_timeout=opts.connect_timeout,
                                  write_timeout=opts.connect_timeout,
                                  charset="utf8mb4", autocommit=True)
    if opts.socket and not opts.host:
        kwargs["unix_socket"] = opts.socket
    else:
        kwargs.update(host=opts.host or DEFAULT_HOST, port=opts.port or DEFAULT_PORT)
        if opts.socket:
            kwargs["unix_socket"] = opts.socket
    if opts.ssl_ca:
        if not Path(opts.ssl_ca).expanduser().is_file():
            raise ToolError(f"CA bundle not found: {opts.ssl_ca}")
        kwargs["ssl"] = {"ca": str(Path(opts.ssl_ca).expanduser())}
    try:
        conn = _connection_class()(**kwargs)
    except pymysql.err.MySQLError as exc:
        raise connection_error(exc, opts, secret) from None
    except ssl.SSLError as exc:  # raised while loading the CA bundle, before any network I/O
        raise ToolError(f"cannot use CA bundle {opts.ssl_ca}: {exc.reason or 'not a PEM certificate file'}") from None
    for private in ("_read_timeout", "_write_timeout"):  # no public setter (and not in the stubs)
        setattr(conn, private, io_timeout)  # pymysql applies them per read/write
    if read_only:
        try:
            with conn.cursor() as cur:
                cur.execute("SET SESSION TRANSACTION READ ONLY")
        except pymysql.err.MySQLError as exc:
            conn.close()
            raise connection_error(exc, opts, secret) from None
    return conn


def connection_error(exc: BaseException, opts: ConnectionOptions, secret: str | None = None) -> ToolError:
    """One line for a pymysql failure, with the password or token scrubbed from anything we echo."""
    where = opts.address
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    server_msg = scrub(str(exc.args[1]) if len(exc.args) > 1 else str(exc), secret, opts.password)
    original = getattr(exc, "original_exception", None)
    if code == 1045:
        how = "an IAM token" if opts.iam else (f"a password from {opts.password_source}" if opts.password_source
                                                 else "no password")
        return ToolError(f"access denied for user {opts.user or ''!r} at {where} (using {how}): "
                         "check the user name and password")
    if code == 1044:
        return ToolError(f"access denied for user {opts.user or ''!r} to database {opts.database!r} at {where}")
    if code == 1049:
        return ToolError(f"unknown database {opts.database!r} at {where}")
    if isinstance(original, socket.gaierror):
        return ToolError(f"unknown host {opts.host!r}: the name does not resolve")
    if isinstance(original, ConnectionRefusedError):
        return ToolError(f"connection refused by {where}: is the server running and the port right?")
    if isinstance(original, (TimeoutError, socket.timeout)):
        return ToolError(f"timed out connecting to {where} after {opts.connect_timeout:g}s: "
                         "check the host, port, security group and network path")
    if isinstance(original, ssl.SSLError):
        return ToolError(f"TLS handshake with {where} failed ({scrub(str(original.reason or original), secret)}): "
                         "check --ssl-ca")
    if isinstance(original, FileNotFoundError):
        return ToolError(f"no server socket at {opts.socket}")
    if isinstance(original, OSError):
        return ToolError(f"cannot connect to {where}: {scrub(original.strerror or str(original), secret)}")
    if code == 2026:
        return ToolError(f"TLS required (--ssl-ca/--iam) but {where} does not offer it")
    if code == 2013 and "timed out" in server_msg:
        return ToolError(f"timed out waiting for {where} to answer after {opts.connect_timeout:g}s: "
                         "is it a MySQL server?")
    if code in (2006, 2013):
        return ToolError(f"lost connection to {where}: {server_msg}")
    return ToolError(f"cannot connect to {where}: MySQL error {code}: {server_msg}" if code
                     else f"cannot connect to {where}: {server_msg}")


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with every given secret replaced by ``***``."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text
