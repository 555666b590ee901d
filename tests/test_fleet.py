"""fleet scan on moto (3 Regions, 2 accounts through STS AssumeRole) and fleet precheck on two MariaDB servers.

The fleet is ``tests/fakes/fleet_fake.py``'s (its table says what each cluster is for). Reports are made by
the real ``precheck`` command with ``--cluster``; the stale one is a real report back-dated. MariaDB stands
in for the 5.7 cluster endpoints in ``fleet precheck``: it is not MySQL 5.7, so the test asserts what the
schema it loads decides (a reserved word is a warning, a table in the mysql schema's name an error), not
the full verdict of a server-level check.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes.fleet_fake import (ACCOUNTS, DENIED, LISTED, REGIONS, ROLE, SHARED_GROUP, V57, build_fleet,
                                    make_reports, write_accounts)
from tests.mariadb_server import ROOT_PASSWORD, MariaDB
from tests.test_dossier import headless_chromium, png_is_blank
from tests.test_report import _documented_keys
from upgrade_cli import lifecycle
from upgrade_cli.main import app

REPO = Path(__file__).resolve().parent.parent
DUMPS = REPO / "tests" / "fixtures" / "dumps"
AS_OF = "2026-12-07"


def cli(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture
def fleet(aws, tmp_path):
    world = build_fleet(aws)
    return {**world, "accounts": write_accounts(tmp_path / "accounts.txt"),
            "reports": make_reports(tmp_path / "reports")}


def scan_args(fleet, *extra):
    return ("fleet", "scan", "--accounts", fleet["accounts"], "--role-name", ROLE, "--region",
            ",".join([*REGIONS, DENIED]), "--reports", fleet["reports"], "--as-of", AS_OF, *extra)


def test_fleet_scan_across_accounts_and_regions(fleet, aws):
    aws.calls.clear()
    res = cli(*scan_args(fleet, "--format", "json"))
    assert res.exit_code == 2, res.output  # partial: the denied Region; the rest is still there
    last = res.stderr.strip().splitlines()[-1]  # before it, a note per report skipped
    assert last.startswith("error: fleet scan partial: 2 account/Region(s) not read"), res.stderr
    doc = json.loads(res.stdout)
    rows = {c["cluster"]: c for c in doc["clusters"]}
    documented = REPO / "docs" / "fleet-format.md"
    assert set(doc) == _documented_keys("Top level", documented)
    assert set(doc["totals"]) == _documented_keys("`totals`", documented)
    assert all(set(c) == _documented_keys("`clusters[]`", documented) for c in doc["clusters"])
    assert set(rows) == LISTED  # no aurora-postgresql, no RDS MySQL, no green cluster of the deployment
    assert doc["fleet_format"] == 1 and doc["complete"] is False and doc["as_of"] == AS_OF
    assert sorted(doc["scope"]["accounts"]) == list(ACCOUNTS) and doc["scope"]["regions"] == [*REGIONS, DENIED]
    assert {(f["account"], f["region"]) for f in doc["failures"]} == {(a, DENIED) for a in ACCOUNTS}
    assert all("AccessDenied" in f["error"] for f in doc["failures"])
    assert {(r["account"], r["region"]) for r in rows.values()} == {
        (ACCOUNTS[0], "us-east-1"), (ACCOUNTS[0], "eu-west-1"), (ACCOUNTS[1], "eu-west-1"), (ACCOUNTS[1], "us-east-1")}

    # lifecycle and cost: 8.0 on standard support costs 0; 5.7 in Extended Support costs its classes' vCPUs
    billing, orders = rows["billing"], rows["orders"]
    assert billing["support"] == "standard" and billing["extended_support_monthly_usd"] == 0.0
    assert billing["wave"] is None
    assert orders["support"] == "extended" and orders["major"] == "5.7" and orders["support_ends"] == "2028-02-29"
    assert orders["instance_classes"] == ["db.r6g.large", "db.r6g.large"] and orders["vcpus"] == 4
    window = lifecycle.support_windows(None)["5.7"]
    year = window.extended_year(lifecycle.dt.date.fromisoformat(AS_OF))
    rate = {1: 0.1, 2: 0.1, 3: 0.2}[year]  # param_profiles/engine_lifecycle.yaml's prices
    assert orders["extended_support_year"] == year and orders["extended_support_monthly_usd"] == round(4 * rate * 730, 2)
    assert rows["search"]["vcpus"] == 8 and rows["search"]["extended_support_monthly_usd"] > orders[
        "extended_support_monthly_usd"] > 0
    total = sum(r["extended_support_monthly_usd"] for r in rows.values())
    assert doc["totals"]["extended_support_monthly_usd"] == round(total, 2) and doc["totals"]["clusters_cost_unknown"] == 0
    assert "engine_lifecycle.yaml" in doc["sources"]["prices"] and "DescribeDBMajorEngineVersions" in doc["sources"][
        "lifecycle"] and "estimates" in doc["estimates"]

    # blue/green in flight: shown on its blue, wave 0; the green cluster is not a cluster to move
    assert [b["name"] for b in rows["catalog"]["bluegreen"]] == ["catalog-to-8"] and rows["catalog"]["wave"] == 0
    assert doc["totals"]["green_clusters_not_listed"] == 1

    # readiness from the reports folder: newest per cluster, stale marked, the rest not scanned
    assert rows["reports"]["readiness"] == "READY" and rows["reports"]["report"].endswith("team-a/reports/report.json")
    assert rows["reports"]["report_age_days"] == 6 and rows["reports"]["report_stale"] is False
    assert orders["readiness"] == "NOT READY" and orders["blockers"]
    assert rows["search"]["readiness"] == "READY" and rows["search"]["report_stale"] is True
    assert rows["inventory"]["readiness"] == rows["payments"]["readiness"] == "not scanned"
    assert doc["reports"] == {"folder": str(fleet["reports"]), "read": 4, "skipped": 1}
    assert "ci/junk/report.json: names no cluster" in res.stderr

    # params: the shared 5.7 group blocks green (NO_AUTO_CREATE_USER), read once for both clusters
    for name in ("orders", "payments"):
        assert rows[name]["params"]["group"] == SHARED_GROUP and any(
            "sql_mode" in e for e in rows[name]["params"]["errors"])
    group_reads = [c for c in aws.calls if c.action == "DescribeDBClusterParameters"
                   and c.params.get("DBClusterParameterGroupName") == SHARED_GROUP]
    assert len(group_reads) == 2  # the user listing and the full listing, once

    # waves: READY non-production first; production, stale and not ready later; a tag overrides
    assert rows["reports"]["wave"] == 1 and rows["inventory"]["wave"] == 1 and "tag" in rows["inventory"]["wave_reason"]
    assert rows["search"]["wave"] == 3 and "days old" in rows["search"]["wave_reason"]
    assert orders["wave"] == payments_wave(rows) == 4
    assert [c["cluster"] for c in doc["clusters"]][:1] == ["catalog"]  # wave 0 first
    assert doc["totals"]["by_wave"]["1"]["clusters"] == 2

    # calls grow with Regions and accounts, not clusters: one listing each, one AssumeRole per account
    assert aws.actions().count("AssumeRole") == 2
    assert aws.actions().count("DescribeDBClusters") == 6 and aws.actions().count("DescribeDBInstances") == 4
    assert doc["api_calls"]["DescribeDBClusters"] == 6


def payments_wave(rows):
    return rows["payments"]["wave"]


def test_fleet_scan_tag_filter_csv_and_console(fleet):
    res = cli(*scan_args(fleet, "--tag", "env=prod", "--format", "csv", "--allow-partial"))
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["cluster"] for r in table} == {"orders", "payments", "billing", "catalog", "inventory"}
    assert next(r for r in table if r["cluster"] == "billing")["extended_support_monthly_usd"] == "0.0"

    res = cli(*scan_args(fleet, "--allow-partial"), env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    # a pipe at 80 columns: no table, and each row whole on one line (never hard-wrapped: grep finds it)
    assert not [ln for ln in lines if set(ln) & set("│┃") or ln.startswith("  ") and not ln.startswith("    ")]
    assert lines[0].startswith("7 aurora-mysql clusters in 2 account(s) and 3 Region(s)")
    assert any(line.startswith("- PARTIAL: account 111111111111 Region ap-southeast-2") for line in lines)
    assert "wave 0 (blue/green in flight): 1 cluster(s)" in res.stdout


def test_fleet_html_in_a_real_browser(fleet, tmp_path):
    base = headless_chromium(tmp_path, "1280,1600")
    page = tmp_path / "fleet.html"
    res = cli(*scan_args(fleet, "--format", "html", "--out", page, "--allow-partial"))
    assert res.exit_code == 0, res.output
    text = page.read_text()
    assert "src=" not in text and "href=" not in text and "<link" not in text  # self-contained
    shot = tmp_path / "shot.png"
    run = subprocess.run([*base, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 5000, run.stderr[-2000:]
    assert "Uncaught" not in run.stderr and "CONSOLE(" not in run.stderr
    assert not png_is_blank(shot)
    # the inline script sorts the table: by cost, most expensive first (#sort= applies it on load)
    dom = subprocess.run([*base, "--dump-dom", page.as_uri() + "#sort=extended_support_monthly_usd-desc"],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'data-sorted="extended_support_monthly_usd-desc"' in dom
    order = [line.split("id=\"c-")[1].split('"')[0] for line in dom.split("<tr ")[1:] if 'id="c-' in line]
    assert order[0] == f"{ACCOUNTS[1]}-eu-west-1-search"  # 8 vCPU: the most expensive
    assert 'id="partial"' in dom and "Cost by wave" in dom and 'id="total"' in dom


def test_named_profiles_one_account_each(fleet, tmp_path):
    """--profile a,b: each profile's own account (GetCallerIdentity), no role assumed."""
    from tests.fakes.fleet_fake import session_for

    lines = []
    for name, account in (("team-a", ACCOUNTS[0]), ("team-b", ACCOUNTS[1])):
        creds = session_for(account, "us-east-1").get_credentials().get_frozen_credentials()
        lines += [f"[{name}]", f"aws_access_key_id = {creds.access_key}", f"aws_secret_access_key = {creds.secret_key}",
                  f"aws_session_token = {creds.token}", ""]
    (tmp_path / "aws-credentials").write_text("\n".join(lines))  # the aws fixture's AWS_SHARED_CREDENTIALS_FILE
    res = cli("fleet", "scan", "--profile", "team-a,team-b", "--region", ",".join(REGIONS), "--format", "json",
              "--no-params")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["scope"]["accounts"] == list(ACCOUNTS) and {c["cluster"] for c in doc["clusters"]} == LISTED
    assert doc["api_calls"]["GetCallerIdentity"] == 2 and "AssumeRole" not in doc["api_calls"]
    res = cli("fleet", "scan", "--profile", "nobody", "--region", "us-east-1")
    assert res.exit_code == 2 and "--profile nobody:" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_an_account_whose_role_cannot_be_assumed_is_partial(aws, tmp_path):
    from tests.fakes.aws_server import aws_error
    from tests.fakes.fleet_fake import Spec, add_cluster, session_for

    add_cluster(session_for(ACCOUNTS[0], "us-east-1").client("rds"),
                Spec(ACCOUNTS[0], "us-east-1", "orders", V57, ("db.r6g.large",), {}))
    aws.on("AssumeRole", lambda p: aws_error("AccessDenied", "not authorized to perform sts:AssumeRole", 403)
           if "333333333333" in p.get("RoleArn", "") else None)
    accounts = tmp_path / "accounts.txt"
    accounts.write_text(f"{ACCOUNTS[0]}\n333333333333\n")
    res = cli("fleet", "scan", "--accounts", accounts, "--role-name", ROLE, "--region", "us-east-1", "--format", "json")
    assert res.exit_code == 2, res.output
    doc = json.loads(res.stdout)
    assert [c["cluster"] for c in doc["clusters"]] == ["orders"] and doc["complete"] is False
    [failure] = doc["failures"]
    assert failure["account"] == "333333333333" and failure["region"] is None
    assert failure["error"].startswith("role arn:aws:iam::333333333333:role/fleet-reader: AWS AssumeRole failed: "
                                       "AccessDenied")


def test_readiness_of_partial_runs_and_the_reports_own_verdict(tmp_path):
    """--skip/--only and an incomplete scan are never READY; a report's own verdict wins when it has one."""
    from upgrade_cli.fleet.readiness import index_reports

    truncated = tmp_path / "truncated.sql"
    truncated.write_text((DUMPS / "clean.sql").read_text().replace("-- Dump completed", "-- cut"))
    runs = {"skipped": (DUMPS / "clean.sql", "--skip", "zeroDates"), "only": (DUMPS / "clean.sql", "--only", "zeroDates"),
            "cut": (truncated, "--allow-incomplete"), "clean": (DUMPS / "clean.sql",), "judged": (DUMPS / "clean.sql",)}
    for name, (dump, *extra) in runs.items():
        res = cli("precheck", "--ddl", dump, "--cluster", name, "--region", "eu-west-1", "--master-user", "admin",
                  "--out", tmp_path / "r" / name, "--format", "json", *extra)
        assert res.exit_code in (0, 1), res.output
    judged = tmp_path / "r" / "judged" / "report.json"
    data = json.loads(judged.read_text())
    data["verdict"] = "NOT READY"  # as a later report format may say it, beside passed: true
    judged.write_text(json.dumps(data))
    index = index_reports(tmp_path / "r", lifecycle.dt.date.today(), 30)
    verdicts = {cluster: r.verdict for (_region, cluster), r in index.found.items()}
    assert verdicts == {"skipped": "INCOMPLETE", "only": "INCOMPLETE", "cut": "INCOMPLETE", "clean": "READY",
                        "judged": "NOT READY"}
    assert index.of("eu-west-1", "skipped").blockers == ("zeroDates",)
    assert index.of("us-east-1", "clean").verdict == "not scanned"  # matched by Region too


def test_region_all_current_credentials_and_throttling(aws):
    """--region all: the Regions enabled for the account (DescribeRegions); throttled calls are retried."""
    import boto3

    from tests.fakes.fleet_fake import Spec, add_cluster
    from tests.fakes.rds_engine_fake import install_rds_engine_fake, throttled

    install_rds_engine_fake(aws)
    add_cluster(boto3.client("rds", region_name="eu-west-1"),
                Spec("123456789012", "eu-west-1", "solo", V57, ("db.r6g.large",), {}))
    aws.on("DescribeDBClusters", throttled(None, 3))  # botocore's adaptive mode backs off and retries
    res = cli("fleet", "scan", "--region", "all", "--as-of", AS_OF, "--format", "json", "--no-params")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    enabled = [r["RegionName"] for r in boto3.client("ec2").describe_regions()["Regions"]
               if r.get("OptInStatus") != "not-opted-in"]
    assert doc["scope"]["regions"] == sorted(enabled) and "eu-west-1" in enabled and len(enabled) > 10
    assert doc["scope"]["accounts"] == ["123456789012"] and [c["cluster"] for c in doc["clusters"]] == ["solo"]
    assert aws.actions().count("DescribeDBClusters") == len(enabled) + 3  # three throttled, then retried
    assert doc["api_calls"]["DescribeDBClusters"] == len(enabled)  # one per Region; retries not counted
    assert doc["api_calls"]["GetCallerIdentity"] == 1 and doc["api_calls"]["DescribeRegions"] == 1


@pytest.mark.parametrize("args, message", [
    (("--region", "mars-north-1"), "unknown Region 'mars-north-1'"),
    (("--reports", "/nonexistent/reports"), "--reports /nonexistent/reports: no such folder"),
    (("--tag", "env"), "--tag must be KEY=VALUE"),
    (("--role-name", ROLE), "--accounts FILE and --role-name NAME go together"),
    (("--as-of", "yesterday"), "--as-of must be a date"),
])
def test_bad_input_is_one_line(aws, args, message):
    res = cli("fleet", "scan", *args)
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and message in res.stderr, res.stderr
    assert "Traceback" not in res.output


def test_malformed_accounts_file_and_unreadable_reports(aws, tmp_path):
    bad = tmp_path / "accounts.txt"
    bad.write_text("111111111111\n12345  # too short\n")
    res = cli("fleet", "scan", "--accounts", bad, "--role-name", ROLE, "--region", "us-east-1")
    assert res.exit_code == 2 and res.stderr.strip() == f"error: {bad}:2: not a 12-digit AWS account id: '12345'"
    afile = tmp_path / "reports-file"
    afile.write_text("x")
    res = cli("fleet", "scan", "--region", "us-east-1", "--reports", afile)
    assert res.exit_code == 2 and res.stderr.strip() == f"error: --reports {afile}: not a folder"


# ---------------------------------------------------------------------------------------------
# fleet precheck: two MariaDB servers standing in for two clusters' endpoints
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    servers = [MariaDB(tmp_path_factory.mktemp(f"fleet-db{n}")) for n in (1, 2)]
    try:
        for s in servers:
            s.start()
        yield servers
    finally:
        for s in servers:
            s.stop()


def test_fleet_precheck_scans_clusters_concurrently(aws, two_servers, tmp_path, monkeypatch):
    from tests.fakes.fleet_fake import Spec, add_cluster
    from tests.fakes.rds_engine_fake import install_rds_engine_fake
    import boto3

    install_rds_engine_fake(aws)
    rds = boto3.client("rds", region_name="us-east-1")
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    for name in ("shop", "blog"):
        add_cluster(rds, Spec("123456789012", "us-east-1", name, V57, ("db.r6g.large",), {"scan-secret": f"scan/{name}"}))
        secrets.create_secret(Name=f"scan/{name}", SecretString=json.dumps({"username": "root",
                                                                            "password": ROOT_PASSWORD}))
    add_cluster(rds, Spec("123456789012", "us-east-1", "ghost", V57, ("db.r6g.large",), {}))
    clean, legacy = two_servers
    clean.execute_script("CREATE DATABASE shop; CREATE TABLE shop.items (id int PRIMARY KEY, name varchar(20));")
    # an error-level finding on any server: a table whose name 8.0's data dictionary takes in the mysql schema
    legacy.execute_script("CREATE DATABASE blog; CREATE TABLE blog.posts (id int PRIMARY KEY, `rank` int);"
                          "CREATE TABLE mysql.catalogs (id int PRIMARY KEY);")
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    reports = tmp_path / "reports"
    endpoints = ("--endpoint", f"shop=127.0.0.1:{clean.port}", "--endpoint", f"blog=127.0.0.1:{legacy.port}")
    res = cli("fleet", "precheck", "--reports", reports, "--user", "root", "--region", "us-east-1", *endpoints,
              "--cluster", "shop,blog", "--concurrency", "2")
    assert res.exit_code in (0, 1), res.output
    assert ROOT_PASSWORD not in res.output
    for name, server in (("shop", clean), ("blog", legacy)):
        report = json.loads((reports / "123456789012" / "us-east-1" / name / "report.json").read_text())
        assert report["source"]["cluster"] == {"id": name, "region": "us-east-1"}
        assert report["source"]["name"] == f"127.0.0.1:{server.port}" and report["complete"] is True
        assert ROOT_PASSWORD not in json.dumps(report)
    blog = json.loads((reports / "123456789012" / "us-east-1" / "blog" / "report.json").read_text())
    assert "mysqlSchema" in {f["check_id"] for f in blog["findings"] if f["severity"] == "error"}
    assert res.exit_code == 1  # blog is NOT READY

    # a secret per cluster (its tag names it); a cluster without one is not scanned, and says why
    monkeypatch.delenv("AURORA_UPGRADE_PASSWORD")
    before = (reports / "123456789012" / "us-east-1" / "shop" / "report.json").stat().st_mtime
    res = cli("fleet", "precheck", "--reports", reports, "--secret-tag", "scan-secret", "--region", "us-east-1",
              *endpoints, "--endpoint", f"ghost=127.0.0.1:{clean.port}")
    assert res.exit_code == 2 and res.stderr.strip().splitlines()[-1] == (
        "error: 1 of 3 cluster(s) not fully scanned: ghost: no tag scan-secret naming its secret"), res.output
    assert (reports / "123456789012" / "us-east-1" / "shop" / "report.json").stat().st_mtime > before
    assert ROOT_PASSWORD not in res.output

    # the next fleet scan joins them
    res = cli("fleet", "scan", "--region", "us-east-1", "--reports", reports, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {c["cluster"]: c for c in json.loads(res.stdout)["clusters"]}
    assert rows["blog"]["readiness"] == "NOT READY" and "mysqlSchema" in rows["blog"]["blockers"]
    assert rows["ghost"]["readiness"] == "not scanned"
    assert rows["shop"]["readiness"] in ("READY", "NOT READY") and rows["shop"]["report_age_days"] == 0
