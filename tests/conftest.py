"""Shared fixtures: a real MariaDB server and a real HTTP moto server (FakeAWS).

Both are started once per test session on loopback, in temp directories, and stopped at the end.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.fakes.aws_server import FakeAWS
from tests.fakes.rds_integrations_fake import install_integrations_fake
from tests.mariadb_server import MariaDB

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> MariaDB:
    """One real MariaDB server for the whole session (root / ``ROOT_PASSWORD``)."""
    server = MariaDB(tmp_path_factory.mktemp("mariadb"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fresh_db(mariadb: MariaDB):
    """A new empty database on the session server, dropped afterwards. Yields its name."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}`")
    yield name
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="session")
def _aws_server() -> FakeAWS:
    server = FakeAWS().start()
    yield server
    server.stop()


@pytest.fixture
def aws(_aws_server: FakeAWS, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeAWS:
    """FakeAWS, reset, with every boto3 client of the process pointed at it."""
    _aws_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", _aws_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    install_integrations_fake(_aws_server)  # moto lacks DescribeIntegrations; the zero-ETL gates read it
    yield _aws_server
    _aws_server.handlers.clear()


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach real AWS: without the ``aws`` fixture, endpoints point at a dead port."""
    if "AWS_ENDPOINT_URL" not in os.environ:
        monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
