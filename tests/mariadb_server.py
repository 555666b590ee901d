"""A real, throw-away MariaDB server for tests and benchmarks (Debian's ``mariadb-server``).

It lives entirely in a temp directory: its own datadir, option file, unix socket and a free
loopback port; it is initialised on first start and killed (TERM, then KILL) on stop. Nothing
touches the system-wide server in /etc/mysql.

MariaDB 10.11 is not MySQL 5.7; tests that depend on a difference say so where they make it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pymysql

ROOT_PASSWORD = "root-Pw-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _binary(name: str) -> str:
    path = shutil.which(name) or f"/usr/sbin/{name}"
    if not os.path.exists(path):
        raise RuntimeError(f"{name} not found: install Debian's mariadb-server (tests/run.sh does)")
    return path


class MariaDB:
    def __init__(self, basedir: str | Path, port: int | None = None, extra_cnf: str = ""):
        self.basedir = Path(basedir)
        self.port = port or free_port()
        self.extra_cnf = extra_cnf
        self.host = "127.0.0.1"
        self.user = "root"
        self.password = ROOT_PASSWORD
        self.proc: subprocess.Popen | None = None

    @property
    def socket(self) -> str:
        return str(self.basedir / "mysqld.sock")

    @property
    def cnf(self) -> Path:
        return self.basedir / "my.cnf"

    def _write_cnf(self) -> None:
        d = self.basedir
        (d / "data").mkdir(parents=True, exist_ok=True)
        (d / "tmp").mkdir(exist_ok=True)
        self.cnf.write_text(
            f"""[mariadbd]
datadir={d / 'data'}
tmpdir={d / 'tmp'}
port={self.port}
bind-address=127.0.0.1
socket={self.socket}
pid-file={d / 'mysqld.pid'}
log-error={d / 'error.log'}
skip-name-resolve
skip-log-bin
performance_schema=ON
character-set-server=utf8mb4
innodb_buffer_pool_size=128M
innodb_flush_log_at_trx_commit=2
max_connections=200
{self.extra_cnf}
"""
        )

    def start(self, timeout: float = 60) -> "MariaDB":
        self._write_cnf()
        user_opt = ["--user=root"] if os.geteuid() == 0 else []
        first = not (self.basedir / "data" / "mysql").exists()
        if first:
            subprocess.run(
                [_binary("mariadb-install-db"), f"--defaults-file={self.cnf}", "--auth-root-authentication-method=normal",
                 "--skip-test-db", *user_opt],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
        self.proc = subprocess.Popen([_binary("mariadbd"), f"--defaults-file={self.cnf}", *user_opt],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = pymysql.connect(unix_socket=self.socket, user="root", password="" if first else self.password)
                break
            except pymysql.err.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = (self.basedir / "error.log")
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"MariaDB did not start:\n{tail}")
                time.sleep(0.1)
        if first:
            with conn.cursor() as cur:
                for host in ("localhost", "127.0.0.1", "::1"):
                    cur.execute(f"CREATE USER IF NOT EXISTS 'root'@'{host}'")
                    cur.execute(f"ALTER USER 'root'@'{host}' IDENTIFIED BY %s", (self.password,))
                    cur.execute(f"GRANT ALL ON *.* TO 'root'@'{host}' WITH GRANT OPTION")
                cur.execute("DELETE FROM mysql.global_priv WHERE User='' ")
                cur.execute("FLUSH PRIVILEGES")
        conn.close()
        return self

    def stop(self, timeout: float = 60) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def connect(self, database: str | None = None, **kwargs) -> pymysql.connections.Connection:
        """An admin (root) connection over TCP, autocommit on."""
        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               database=database, autocommit=True, charset="utf8mb4", **kwargs)

    def execute_script(self, sql: str, database: str | None = None) -> None:
        """Run a multi-statement script (with DELIMITER lines) through the real ``mariadb`` client."""
        args = [_binary("mariadb"), f"--socket={self.socket}", "-uroot", f"-p{self.password}", "--default-character-set=utf8mb4"]
        if database:
            args.append(database)
        res = subprocess.run(args, input=sql.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if res.returncode != 0:
            raise RuntimeError(f"mariadb client failed: {res.stderr.decode(errors='replace').strip()}")

    def dump_schema(self, *databases: str, options: tuple[str, ...] = ()) -> str:
        """``mariadb-dump --no-data --routines --triggers --events`` of the given databases (plus ``options``,
        e.g. ``--compact``)."""
        args = [_binary("mariadb-dump"), f"--socket={self.socket}", "-uroot", f"-p{self.password}", "--no-data",
                "--routines", "--triggers", "--events", *options, "--databases", *databases]
        res = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        return res.stdout.decode("utf-8", "surrogateescape")  # a latin1-created body is not UTF-8

    def __enter__(self) -> "MariaDB":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def replication_pair(tmp_path_factory: Any):
    """Two more MariaDB servers, the second a running binlog replica of the first: what green is to blue.

    Yields ``(primary, replica)`` once both replication threads run; stops both afterwards.
    """
    primary = MariaDB(tmp_path_factory.mktemp("primary"), extra_cnf="log-bin=primary-bin\nserver-id=1\n").start()
    replica = MariaDB(tmp_path_factory.mktemp("replica"), extra_cnf="server-id=2\n").start()
    try:
        with primary.connect() as conn, conn.cursor() as cur:
            cur.execute("SHOW MASTER STATUS")
            log_file, log_pos = cur.fetchone()[:2]
        with replica.connect() as conn, conn.cursor() as cur:
            cur.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%s, MASTER_USER='root', "
                        "MASTER_PASSWORD=%s, MASTER_LOG_FILE=%s, MASTER_LOG_POS=%s, MASTER_USE_GTID=no",
                        (primary.port, ROOT_PASSWORD, log_file, log_pos))
            cur.execute("START SLAVE")
        deadline = time.monotonic() + 30
        with replica.connect() as conn, conn.cursor(pymysql.cursors.DictCursor) as cur:
            while True:
                cur.execute("SHOW SLAVE STATUS")
                row = cur.fetchone()
                if row and row["Slave_IO_Running"] == "Yes" and row["Slave_SQL_Running"] == "Yes":
                    break
                assert time.monotonic() < deadline, f"replication did not start: {row and row.get('Last_IO_Error')}"
                time.sleep(0.1)
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()
