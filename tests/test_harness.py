"""The test harness itself: the real MariaDB server and FakeAWS answer as the other tests expect."""

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.fakes.aws_server import aws_error


def test_mariadb_is_real_and_on_loopback(mariadb):
    with mariadb.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT VERSION(), @@bind_address")
        version, bind = cur.fetchone()
    assert "MariaDB" in version
    assert bind == "127.0.0.1"


def test_fake_aws_passes_through_to_moto_and_answers_what_moto_lacks(aws):
    rds = boto3.client("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="g1", DBParameterGroupFamily="aurora-mysql5.7",
                                          Description="d")
    names = [g["DBClusterParameterGroupName"] for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]]
    assert "g1" in names

    aws.on("DescribeDBEngineVersions", lambda p: {"DBEngineVersions": [
        {"Engine": "aurora-mysql", "EngineVersion": "5.7.mysql_aurora.2.11.2", "DBParameterGroupFamily": "aurora-mysql5.7",
         "ValidUpgradeTarget": [{"Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.04.0",
                                 "IsMajorVersionUpgrade": True}]}]})
    out = rds.describe_db_engine_versions(Engine="aurora-mysql")
    target = out["DBEngineVersions"][0]["ValidUpgradeTarget"][0]
    assert target["EngineVersion"] == "8.0.mysql_aurora.3.04.0" and target["IsMajorVersionUpgrade"] is True

    aws.on("DescribeDBClusters", lambda p: aws_error("AccessDenied", "not allowed", 403))
    with pytest.raises(ClientError) as exc:
        rds.describe_db_clusters()
    assert exc.value.response["Error"]["Code"] == "AccessDenied"
    assert aws.actions()[-1] == "DescribeDBClusters"
    assert [c.answered_by for c in aws.calls][:2] == ["moto", "moto"]
