"""Named fake: a small multi-account, multi-Region fleet on moto, plus the one thing moto cannot do here.

moto 5.2.6 models accounts (``AssumeRole`` credentials act in the role's account), Regions, clusters,
instances, tags, parameter groups and blue/green deployments, so :func:`build_fleet` makes all of that
with real calls. What it lacks: an account or Region that refuses to answer (moto accepts every
signature, in every Region). :func:`deny_region` answers ``AccessDenied`` to ``DescribeDBClusters``
signed for one Region, as an SCP or a Region not enabled does. ``DescribeDBMajorEngineVersions`` and the
engine defaults come from ``rds_engine_fake``.

The fleet (the clusters are ours to invent, NOT a picture of any real estate):

==============  ==============  =========  =======================  ======================================
account         Region          cluster    engine                   why it is there
==============  ==============  =========  =======================  ======================================
111111111111    us-east-1       orders     5.7, 2 x db.r6g.large    prod, Extended Support, NOT READY report,
                                                                    group shared-57 (a params error)
111111111111    us-east-1       payments   5.7, db.r6g.xlarge       prod, same group shared-57 (read once)
111111111111    us-east-1       reports    5.7, db.t3.medium        staging, READY report (an older NOT READY too)
111111111111    us-east-1       billing    8.0, db.r6g.xlarge       prod, standard support: costs nothing
111111111111    us-east-1       pg-analytics  aurora-postgresql     must not be listed
111111111111    us-east-1       legacy-mysql  RDS MySQL instance    must not be listed
111111111111    eu-west-1       catalog    5.7, db.r5.large         a blue/green deployment in flight
222222222222    eu-west-1       search     5.7, db.r5.2xlarge       dev, READY but stale report
222222222222    us-east-1       inventory  5.7, db.r6g.large        no report; tagged into wave 1
any             ap-southeast-2  -          -                        AccessDenied
==============  ==============  =========  =======================  ======================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3

from tests.fakes.aws_server import FakeAWS, aws_error
from tests.fakes.rds_engine_fake import install_rds_engine_fake

ACCOUNTS = ("111111111111", "222222222222")
ROLE = "fleet-reader"
REGIONS = ("us-east-1", "eu-west-1")
DENIED = "ap-southeast-2"
V57, V80 = "5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.05.2"
LISTED = {"orders", "payments", "reports", "billing", "catalog", "search", "inventory"}
SHARED_GROUP = "shared-57"
APP_GROUP = "app-57"  # every other 5.7 cluster's group (moto would give a 5.7 cluster default.aurora8.0)
GROUP_SETTINGS = {SHARED_GROUP: {"sql_mode": "STRICT_TRANS_TABLES,NO_AUTO_CREATE_USER"},  # 8.0 rejects it
                  APP_GROUP: {"binlog_format": "ROW", "sql_mode": "STRICT_TRANS_TABLES"}}


@dataclass(frozen=True)
class Spec:
    account: str
    region: str
    name: str
    version: str
    classes: tuple[str, ...]
    tags: dict[str, str]
    group: str | None = None


FLEET = (
    Spec(ACCOUNTS[0], "us-east-1", "orders", V57, ("db.r6g.large", "db.r6g.large"), {"env": "prod"}, SHARED_GROUP),
    Spec(ACCOUNTS[0], "us-east-1", "payments", V57, ("db.r6g.xlarge",), {"env": "prod"}, SHARED_GROUP),
    Spec(ACCOUNTS[0], "us-east-1", "reports", V57, ("db.t3.medium",), {"env": "staging"}),
    Spec(ACCOUNTS[0], "us-east-1", "billing", V80, ("db.r6g.xlarge",), {"env": "prod"}),
    Spec(ACCOUNTS[0], "eu-west-1", "catalog", V57, ("db.r5.large",), {"env": "prod"}),
    Spec(ACCOUNTS[1], "eu-west-1", "search", V57, ("db.r5.2xlarge",), {"env": "dev"}),
    Spec(ACCOUNTS[1], "us-east-1", "inventory", V57, ("db.r6g.large",), {"env": "prod", "aurora-upgrade-wave": "1"}),
)


def session_for(account: str, region: str) -> Any:
    """A boto3 session acting in ``account`` (moto: credentials of an assumed role act in its account)."""
    creds = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="fleet-setup")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=region)


def deny_region(aws: FakeAWS, region: str = DENIED) -> None:
    """``DescribeDBClusters`` signed for ``region`` fails with AccessDenied; every other Region reaches moto."""
    def handler(params: dict[str, str]) -> Any:
        if aws.request.region == region:
            return aws_error("AccessDenied", f"not authorized to perform rds:DescribeDBClusters in {region}", 403)
        return None

    aws.on("DescribeDBClusters", handler)


def add_cluster(rds: Any, spec: Spec) -> dict[str, Any]:
    args: dict[str, Any] = dict(DBClusterIdentifier=spec.name, Engine="aurora-mysql", EngineVersion=spec.version,
                                MasterUsername="admin", MasterUserPassword="not-a-real-pw1",
                                Tags=[{"Key": k, "Value": v} for k, v in spec.tags.items()])
    if spec.group:
        args["DBClusterParameterGroupName"] = spec.group
    cluster = rds.create_db_cluster(**args)["DBCluster"]
    for n, cls in enumerate(spec.classes, 1):
        rds.create_db_instance(DBInstanceIdentifier=f"{spec.name}-{n}", DBClusterIdentifier=spec.name,
                               Engine="aurora-mysql", DBInstanceClass=cls)
    return cluster


def build_fleet(aws: FakeAWS) -> dict[str, Any]:
    """The fleet above, in moto; returns {"arns": {name: arn}, "green": green cluster ARN}."""
    install_rds_engine_fake(aws)
    deny_region(aws)
    arns = {}
    made_groups: set[tuple[str, str, str]] = set()
    for spec in FLEET:
        rds = session_for(spec.account, spec.region).client("rds")
        group = spec.group or (APP_GROUP if spec.version == V57 else None)
        if group and (spec.account, spec.region, group) not in made_groups:
            made_groups.add((spec.account, spec.region, group))
            rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=group,
                                                  DBParameterGroupFamily="aurora-mysql5.7", Description="fleet")
            rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
                {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"}
                for k, v in GROUP_SETTINGS[group].items()])
        arns[spec.name] = add_cluster(rds, replace(spec, group=group))["DBClusterArn"]
    one = session_for(ACCOUNTS[0], "us-east-1").client("rds")
    one.create_db_cluster(DBClusterIdentifier="pg-analytics", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="not-a-real-pw1")
    one.create_db_instance(DBInstanceIdentifier="legacy-mysql", Engine="mysql", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword="not-a-real-pw1", AllocatedStorage=20)
    eu = session_for(ACCOUNTS[0], "eu-west-1").client("rds")
    bg = eu.create_blue_green_deployment(BlueGreenDeploymentName="catalog-to-8", Source=arns["catalog"],
                                         TargetEngineVersion=V80)["BlueGreenDeployment"]
    return {"arns": arns, "green": bg.get("Target")}


def write_accounts(path: Path) -> Path:
    path.write_text("# the fleet's accounts\n" + "\n".join(f"{a}  # team {n}" for n, a in enumerate(ACCOUNTS, 1))
                    + "\n", encoding="utf-8")
    return path


def age_report(report: Path, generated_at: str) -> None:
    """Back-date a real report.json (a stale report is one made long ago; nothing else in it changes)."""
    data = json.loads(report.read_text(encoding="utf-8"))
    data["generated_at"] = generated_at
    report.write_text(json.dumps(data, indent=2), encoding="utf-8")


def make_reports(folder: Path) -> Path:
    """A folder of real ``precheck --cluster`` reports for the fleet: READY (reports, with an older NOT READY
    beside it), NOT READY (orders), stale READY (search), and junk that is not a report."""
    from typer.testing import CliRunner

    from upgrade_cli.main import app

    repo = Path(__file__).resolve().parents[2]

    def precheck(dump: Path, cluster: str, region: str, out: str, generated_at: str) -> None:
        res = CliRunner().invoke(app, ["precheck", "--ddl", str(dump), "--cluster", cluster, "--region", region,
                                       "--master-user", "admin", "--out", str(folder / out), "--format", "json"])
        assert res.exit_code in (0, 1), res.output
        age_report(folder / out / "report.json", generated_at)

    legacy, clean = repo / "examples" / "legacy_app_57.sql", repo / "tests" / "fixtures" / "dumps" / "clean.sql"
    precheck(legacy, "reports", "us-east-1", "old/reports", "2026-11-01T10:00:00+00:00")
    precheck(clean, "reports", "us-east-1", "team-a/reports", "2026-12-01T10:00:00+00:00")
    precheck(legacy, "orders", "us-east-1", "team-a/orders", "2026-12-04T16:30:00+00:00")
    precheck(clean, "search", "eu-west-1", "team-b/search", "2026-08-01T09:00:00+00:00")
    (folder / "ci" / "junk").mkdir(parents=True)
    (folder / "ci" / "junk" / "report.json").write_text('{"not": "a report"}')
    return folder
