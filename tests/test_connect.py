"""Connection options: DSNs, layering of flags/env/option files, IAM tokens, and one-line errors.

Connection tests run against the real MariaDB fixture; failures use real sockets (a closed port,
an unresolvable name, a listener that never speaks).
"""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pymysql
import pytest
from typer.testing import CliRunner

from tests.mariadb_server import free_port
from upgrade_cli.cli_common import ToolError
from upgrade_cli.connect import ConnectionOptions, open_connection, parse_dsn, read_defaults_file, resolve
from upgrade_cli import connect_options
from upgrade_cli.main import app

NO_HOME = Path("/nonexistent-home-for-tests")


def test_url_dsn_is_decoded():
    opts = parse_dsn("mysql://app%40corp:s%3Acret%2F@db.example.com:3307/shop?ssl_ca=/etc/rds.pem&region=eu-west-1")
    assert (opts.user, opts.password, opts.host, opts.port, opts.database) == (
        "app@corp", "s:cret/", "db.example.com", 3307, "shop")
    assert opts.ssl_ca == "/etc/rds.pem" and opts.region == "eu-west-1" and opts.password_source == "the DSN"


def test_pt_style_dsn():
    opts = parse_dsn("h=10.0.0.5,P=3310,u=dba,p=pw,D=app,S=/run/mysqld.sock")
    assert (opts.host, opts.port, opts.user, opts.password, opts.database, opts.socket) == (
        "10.0.0.5", 3310, "dba", "pw", "app", "/run/mysqld.sock")


@pytest.mark.parametrize("dsn", [
    "mysql://u:CANARYpw@host:notaport/db",
    "h=host,P=99999,u=u,p=CANARYpw",
    "h=host,x=1,p=CANARYpw",
    "postgres://u:CANARYpw@host/db",
    "mysql://u:CANARYpw@host/db?sslmode=require",
    "just-CANARYpw-words",
])
def test_bad_dsn_is_one_line_without_the_password(dsn):
    with pytest.raises(ToolError) as exc:
        parse_dsn(dsn)
    assert "CANARY" not in str(exc.value)
    assert "\n" not in str(exc.value)


def test_repr_and_str_hide_the_password():
    opts = ConnectionOptions(host="h", user="u", password="CANARYpw")
    assert "CANARY" not in repr(opts) and "CANARY" not in str(opts) and "***" in repr(opts)
    assert "CANARY" not in f"{opts}" and "CANARY" not in repr([opts])


def test_flags_beat_dsn_beat_env_beat_option_file(tmp_path):
    cnf = tmp_path / "my.cnf"
    cnf.write_text("!includedir /etc/mysql/conf.d/\n[mysqld]\nport=1\n[client]\nhost = cnfhost\nport=3311\n"
                   "user=cnfuser\npassword=\"cnf pw\"\nssl-ca=/cnf/ca.pem\nskip-ssl\n")
    only_cnf = resolve(defaults_file=cnf, env={})
    assert (only_cnf.host, only_cnf.port, only_cnf.user, only_cnf.password, only_cnf.ssl_ca) == (
        "cnfhost", 3311, "cnfuser", "cnf pw", "/cnf/ca.pem")
    assert only_cnf.password_source == f"defaults file {cnf}"

    env_pw = resolve(defaults_file=cnf, env={"MYSQL_PWD": "mysqlpwd", "AURORA_UPGRADE_PASSWORD": "ours"})
    assert env_pw.password == "ours" and env_pw.password_source == "$AURORA_UPGRADE_PASSWORD"
    assert resolve(defaults_file=cnf, env={"MYSQL_PWD": "mysqlpwd"}).password == "mysqlpwd"

    dsn = resolve(dsn="mysql://dsnuser:dsnpw@dsnhost/app", defaults_file=cnf, env={"MYSQL_PWD": "x"})
    assert (dsn.host, dsn.port, dsn.user, dsn.password, dsn.database) == ("dsnhost", 3311, "dsnuser", "dsnpw", "app")

    flags = resolve(dsn="mysql://dsnuser:dsnpw@dsnhost/app", host="flaghost", port=3399, user="flaguser",
                    defaults_file=cnf, env={})
    assert (flags.host, flags.port, flags.user, flags.password) == ("flaghost", 3399, "flaguser", "dsnpw")


def test_my_cnf_in_home_is_read_only_without_defaults_file(tmp_path):
    (tmp_path / ".my.cnf").write_text("[client]\nuser=homeuser\n")
    assert resolve(env={"HOME": str(tmp_path)}).user == "homeuser"
    other = tmp_path / "other.cnf"
    other.write_text("[client]\nuser=otheruser\n")
    assert resolve(env={"HOME": str(tmp_path)}, defaults_file=other).user == "otheruser"


def test_option_file_errors_are_one_line_and_never_quote_the_file(tmp_path):
    with pytest.raises(ToolError, match="defaults file not found"):
        read_defaults_file(tmp_path / "missing.cnf")
    broken = tmp_path / "broken.cnf"
    broken.write_text("password=CANARYpw\n[client\n")
    with pytest.raises(ToolError) as exc:
        read_defaults_file(broken)
    assert "CANARY" not in str(exc.value) and "line" in str(exc.value)


def test_password_flag_warns_on_stderr(capsys):
    connect_options.resolve(host="h", password="x", env={}, home=NO_HOME)
    assert "process list" in capsys.readouterr().err


@pytest.fixture
def app_user(mariadb):
    """A real user with a known (canary) password and a scratch database it may write to."""
    name, password, db = f"u{uuid.uuid4().hex[:8]}", f"CANARY-{uuid.uuid4().hex}", f"d{uuid.uuid4().hex[:8]}"
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{db}`")
        cur.execute(f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
        cur.execute(f"GRANT ALL ON `{db}`.* TO '{name}'@'127.0.0.1'")
    yield name, password, db
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DROP USER '{name}'@'127.0.0.1'")
        cur.execute(f"DROP DATABASE `{db}`")


def test_open_connection_is_read_only_by_default(mariadb, app_user):
    user, password, db = app_user
    opts = ConnectionOptions(host="127.0.0.1", port=mariadb.port, user=user, password=password, database=db)
    with open_connection(opts) as conn, conn.cursor() as cur:
        cur.execute("SELECT CURRENT_USER()")
        assert cur.fetchone()[0].startswith(user + "@")
        with pytest.raises(pymysql.err.MySQLError) as exc:
            cur.execute("CREATE TABLE t (a INT)")
        assert "READ ONLY" in str(exc.value).upper()
    with open_connection(opts, read_only=False) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (a INT)")


def test_socket_connection(mariadb):
    opts = ConnectionOptions(socket=mariadb.socket, user="root", password=mariadb.password)
    assert opts.address == mariadb.socket
    with open_connection(opts) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


def test_wrong_password_is_access_denied_without_the_password(mariadb, app_user):
    user, password, _ = app_user
    wrong = "CANARY-wrong-" + uuid.uuid4().hex
    opts = resolve(host="127.0.0.1", port=mariadb.port, user=user, env={"AURORA_UPGRADE_PASSWORD": wrong},
                   home=NO_HOME)
    with pytest.raises(ToolError) as exc:
        open_connection(opts)
    msg = str(exc.value)
    assert msg.startswith(f"access denied for user '{user}'") and "$AURORA_UPGRADE_PASSWORD" in msg
    assert "CANARY" not in msg and "\n" not in msg and exc.value.exit_code == 2


def test_unknown_host():
    with pytest.raises(ToolError, match=r"^unknown host 'no-such-host\.invalid'"):
        open_connection(ConnectionOptions(host="no-such-host.invalid", user="u", password="p"))


def test_connection_refused_on_a_free_port():
    port = free_port()
    with pytest.raises(ToolError, match=rf"^connection refused by 127\.0\.0\.1:{port}"):
        open_connection(ConnectionOptions(host="127.0.0.1", port=port, user="u", password="p"))


def test_a_silent_listener_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        opts = ConnectionOptions(host="127.0.0.1", port=port, user="u", password="p", connect_timeout=0.5)
        with pytest.raises(ToolError, match=r"^timed out"):
            open_connection(opts)


def test_missing_ca_bundle_and_iam_without_tls(tmp_path):
    with pytest.raises(ToolError, match="CA bundle not found"):
        open_connection(ConnectionOptions(host="127.0.0.1", user="u", ssl_ca=str(tmp_path / "none.pem")))
    with pytest.raises(ToolError, match="--iam needs TLS"):
        open_connection(ConnectionOptions(host="db.example", user="u", iam=True))


def test_iam_token_is_generated_by_boto3_and_never_echoed(aws, mariadb, tmp_path):
    """boto3 signs the token locally; TLS is required, and this test server offers none: one line, no token."""
    from upgrade_cli.connect import iam_token

    opts = ConnectionOptions(host="127.0.0.1", port=mariadb.port, user="iamuser", iam=True, region="eu-west-1",
                             ssl_ca=str(tmp_path / "ca.pem"))
    token = iam_token(opts)
    assert token.startswith(f"127.0.0.1:{mariadb.port}/?Action=connect") and "DBUser=iamuser" in token
    assert "X-Amz-Signature=" in token and "eu-west-1" in token
    (tmp_path / "ca.pem").write_bytes(_self_signed_ca_pem())
    with pytest.raises(ToolError) as exc:
        open_connection(opts)
    assert str(exc.value) == f"TLS required (--ssl-ca/--iam) but 127.0.0.1:{mariadb.port} does not offer it"


def test_a_ca_file_that_is_not_pem_is_one_line(tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ToolError, match="cannot use CA bundle"):
        open_connection(ConnectionOptions(host="127.0.0.1", user="u", ssl_ca=str(bad)))


def _self_signed_ca_pem() -> bytes:
    """A real CA certificate (cryptography comes with moto), never trusted by the test server."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aurora-upgrade test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


# --------------------------------------------------------------------------------------------
# -p alone asks for the password, as the mysql client does
# --------------------------------------------------------------------------------------------

EXE = Path(sys.executable).parent / "aurora-upgrade"


def _scan_args(mariadb, user, db):
    return ["precheck", "--host", "127.0.0.1", "--port", str(mariadb.port), "--user", user, "-p", "--schema", db,
            "--format", "json", "--fail-on", "never", "--allow-incomplete"]


def _env_without_a_password() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AURORA_UPGRADE_PASSWORD", "MYSQL_PWD")}
    return {**env, "HOME": str(NO_HOME)}


def _run_on_a_terminal(args: list[str], typed: str) -> tuple[int, str]:
    """Run the script on a pseudo-terminal (its controlling terminal), type ``typed`` at the password
    prompt; (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its stdin, stdout, stderr and /dev/tty
        os.execve(str(EXE), [str(EXE), *args], _env_without_a_password())
    shown = b""
    try:
        while b"Enter password: " not in shown:
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, f"no password prompt: {shown!r}"
            shown += os.read(fd, 4096)
        os.write(fd, typed.encode() + b"\n")
        while True:
            ready, _, _ = select.select([fd], [], [], 120)
            assert ready, "the scan did not finish"
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_p_alone_asks_on_the_terminal_without_echo(mariadb, app_user):
    user, password, db = app_user
    code, shown = _run_on_a_terminal(_scan_args(mariadb, user, db), password)
    assert code == 0, shown[-2000:]
    assert password not in shown  # the terminal never echoed it, and nothing printed it
    assert '"kind": "live"' in shown and "process list" not in shown


def test_p_alone_reads_one_line_when_stdin_is_not_a_terminal(mariadb, app_user):
    user, password, db = app_user
    res = subprocess.run([str(EXE), *_scan_args(mariadb, user, db)], input=password + "\n", capture_output=True,
                         text=True, timeout=120, env=_env_without_a_password())
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["source"]["kind"] == "live" and password not in res.stdout + res.stderr


def test_a_wrong_typed_password_is_access_denied_and_never_shown(mariadb, app_user):
    user, _, db = app_user
    wrong = "CANARY-typed-" + uuid.uuid4().hex
    res = CliRunner().invoke(app, _scan_args(mariadb, user, db), input=wrong + "\n", env=_env_without_a_password())
    assert res.exit_code == 2
    assert res.stderr.strip() == (f"error: access denied for user '{user}' at 127.0.0.1:{mariadb.port} (using a "
                                  "password from the prompt): check the user name and password")
    assert wrong not in res.output


def test_p_alone_with_nothing_on_stdin_is_one_line():
    res = subprocess.run([str(EXE), "precheck", "--host", "127.0.0.1", "-p", "--port", "1"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60, env=_env_without_a_password())
    assert res.returncode == 2
    assert res.stderr == ("error: -p/--password given without a value, and stdin is neither a terminal nor a "
                          "password line\n")
