"""``fleet precheck``: the live precheck of many clusters at once, each report saved where ``fleet scan`` finds it.

Each cluster is scanned by the ``aurora-upgrade precheck`` command itself, in a child process (so a hung or
crashed scan is one cluster's failure, bounded by a timeout, and the reports are exactly what a DBA's own
precheck writes), with ``--cluster ID --region R``: the report names its cluster and Region, so ``fleet
scan --reports DIR`` joins it. At most ``concurrency`` children run at once.

Credentials: one scan user for every cluster (``--user``), with an IAM token per cluster (``--iam``; the
child signs it with the account's credentials, handed over in its environment, never on its command line),
the password from ``$AURORA_UPGRADE_PASSWORD`` / ``--defaults-file``, which the child reads as ``precheck``
always does, or a secret per cluster (``--secret-tag KEY``: the cluster's tag KEY names a Secrets Manager
secret ``{"username", "password"}`` in its account and Region; the password reaches the child in its
environment). Nothing secret is printed or written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from upgrade_cli import aws
from upgrade_cli.inputs import one_line
from upgrade_cli.outcome import ToolError
from upgrade_cli.fleet.inventory import Cluster
from upgrade_cli.fleet.readiness import REPORT_NAME, Readiness, read_one

AWS_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


@dataclass(frozen=True)
class Target:
    cluster: Cluster
    host: str
    port: int
    credentials: dict[str, str]  # AWS_* for the child (the account's session), never printed
    user: str | None = None  # from the cluster's secret, else --user
    password: str | None = None  # from the cluster's secret; handed to the child in its environment only
    error: str | None = None  # why it cannot be scanned (its secret could not be read): not run


@dataclass(frozen=True)
class Outcome:
    target: Target
    exit_code: int | None  # None: it did not finish within the timeout
    readiness: Readiness | None  # from the report it wrote; None when it wrote none
    error: str | None  # the child's one-line error, when it had one
    seconds: float
    report_dir: Path


def parse_endpoints(specs: list[str]) -> dict[str, tuple[str, int]]:
    """``--endpoint CLUSTER=HOST[:PORT]``: connect there instead of the cluster's endpoint (tunnels, tests)."""
    out = {}
    for spec in specs:
        name, sep, where = spec.partition("=")
        host, _, port = where.rpartition(":") if ":" in where else (where, "", "3306")
        if not sep or not name.strip() or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ToolError(f"--endpoint must be CLUSTER=HOST[:PORT], not {spec!r}")
        out[name.strip()] = (host, int(port))
    return out


def credentials_of(session: Any) -> dict[str, str]:
    creds = session.get_credentials() if session is not None else None
    if creds is None:
        return {}
    frozen = creds.get_frozen_credentials()
    out = {"AWS_ACCESS_KEY_ID": frozen.access_key, "AWS_SECRET_ACCESS_KEY": frozen.secret_key}
    if frozen.token:
        out["AWS_SESSION_TOKEN"] = frozen.token
    return out


def secret_login(session: Any, region: str, secret_id: str) -> tuple[str | None, str]:
    """(user, password) from a Secrets Manager secret in the RDS shape ``{"username", "password"}``."""
    api = aws.client("secretsmanager", region, session=session)
    text = aws.call(api, "get_secret_value", SecretId=secret_id).get("SecretString") or ""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("password"), str):
        raise ToolError(f"secret {secret_id} is not a JSON object with a password (the RDS secret shape)")
    return (data["username"] if isinstance(data.get("username"), str) else None), data["password"]


def report_dir(reports: Path, c: Cluster) -> Path:
    return reports / c.account / c.region / c.cluster


def run_all(targets: list[Target], *, reports: Path, user: str, iam: bool, ssl_ca: str | None,
            defaults_file: Path | None, statement_timeout: int, timeout: float, concurrency: int,
            today: dt.date, stale_days: int) -> list[Outcome]:
    """Scan every target, at most ``concurrency`` at a time; outcomes in the targets' order."""
    def one(t: Target) -> Outcome:
        return _run(t, reports=reports, user=user, iam=iam, ssl_ca=ssl_ca, defaults_file=defaults_file,
                    statement_timeout=statement_timeout, timeout=timeout, today=today, stale_days=stale_days)

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="fleet-precheck") as pool:
        return list(pool.map(one, targets))


def _run(t: Target, *, reports: Path, user: str, iam: bool, ssl_ca: str | None, defaults_file: Path | None,
         statement_timeout: int, timeout: float, today: dt.date, stale_days: int) -> Outcome:
    c = t.cluster
    out = report_dir(reports, c)
    if t.error:
        return Outcome(t, None, None, t.error, 0.0, out)
    argv = [sys.executable, "-m", "upgrade_cli.main", "precheck", "--host", t.host, "--port", str(t.port),
            "--user", t.user or user, "--cluster", c.cluster, "--region", c.region, "--out", str(out),
            "--statement-timeout", str(statement_timeout), "--format", "json"]
    if c.master_user:
        argv += ["--master-user", c.master_user]
    if iam:
        argv.append("--iam")
    if ssl_ca:
        argv += ["--ssl-ca", ssl_ca]
    if defaults_file:
        argv += ["--defaults-file", str(defaults_file)]
    env = {k: v for k, v in os.environ.items() if k not in AWS_ENV}
    env.update(t.credentials)
    if t.password is not None:
        env["AURORA_UPGRADE_PASSWORD"] = t.password
    started = time.monotonic()
    try:
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              timeout=timeout)
        code, err = done.returncode, _last_error(done.stderr)
    except subprocess.TimeoutExpired:
        code, err = None, f"no answer within {timeout:.0f} s: stopped"
    readiness = None
    if (out / REPORT_NAME).exists():
        try:
            readiness = read_one(out / REPORT_NAME, today, stale_days)[1]
        except ToolError as exc:
            err = err or str(exc)
    return Outcome(t, code, readiness, err, time.monotonic() - started, out)


def _last_error(stderr: str) -> str | None:
    lines = [one_line(x) for x in stderr.splitlines() if x.startswith("error:")]
    return lines[-1][len("error:"):].strip() if lines else None
