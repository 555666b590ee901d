"""Support windows and Extended Support cost: from the API when it answers, from the sourced table when not."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.aws_server import aws_error
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from upgrade_cli import aws as aws_api
from upgrade_cli import lifecycle as L

DAY = dt.date(2026, 12, 7)


def test_major_of_reads_aurora_engine_versions():
    assert L.major_of("5.7.mysql_aurora.2.11.2") == "5.7"
    assert L.major_of("8.0.mysql_aurora.3.05.2") == "8.0"
    assert L.major_of("garbage") is None and L.major_of(None) is None


def test_offline_table_dates_and_billing_years_cite_their_page():
    w = L.support_windows()["5.7"]
    assert (w.standard_ends, w.extended_ends, w.charges_start) == (
        dt.date(2024, 10, 31), dt.date(2028, 2, 29), dt.date(2024, 12, 1))
    assert "extended-support.html" in w.source and "as of" in w.source
    assert w.support_on(dt.date(2024, 10, 31)) == "standard"
    assert w.support_on(dt.date(2024, 11, 15)) == "extended" and w.extended_year(dt.date(2024, 11, 15)) is None
    assert w.extended_year(dt.date(2024, 12, 1)) == 1
    assert w.extended_year(dt.date(2026, 11, 30)) == 2
    assert w.extended_year(DAY) == 3
    assert w.support_on(dt.date(2028, 3, 1)) == "ended"
    assert L.support_windows()["8.0"].support_on(DAY) == "standard"


def test_cost_is_vcpus_times_the_support_years_price():
    w = L.support_windows()["5.7"]
    est = L.extended_support_monthly(["db.r6g.xlarge", "db.r6g.large"], w, "us-east-1", DAY)
    assert (est.vcpus, est.support_year, est.usd_per_vcpu_hour, est.usd_per_month) == (6, 3, 0.2, 876.0)
    assert "aws.amazon.com/rds/aurora/pricing" in est.source
    year2 = L.extended_support_monthly(["db.r6g.xlarge"], w, "us-east-1", dt.date(2025, 6, 1))
    assert (year2.support_year, year2.usd_per_month) == (1, 292.0)
    elsewhere = L.extended_support_monthly(["db.r6g.large"], w, "eu-west-1", DAY)
    assert "us-east-1 list price used for eu-west-1" in elsewhere.note


def test_what_cannot_be_estimated_is_none_never_zero():
    w57 = L.support_windows()["5.7"]
    assert L.extended_support_monthly(["db.serverless"], w57, "us-east-1", DAY).usd_per_month is None
    assert L.extended_support_monthly(["db.z9.huge"], w57, "us-east-1", DAY).usd_per_month is None
    assert L.extended_support_monthly(["db.r6g.large"], None, "us-east-1", DAY).usd_per_month is None
    assert L.extended_support_monthly(["db.r6g.large"], w57, "us-east-1", dt.date(2028, 3, 1)).usd_per_month is None
    assert L.extended_support_monthly(["db.r6g.large"], L.support_windows()["8.0"], "us-east-1", DAY).usd_per_month == 0


def test_every_known_class_has_vcpus():
    classes = L._classes()
    assert all(L.vcpus_of(name) for name in classes)
    assert L.vcpus_of("db.r6g.4xlarge") == 16 and L.vcpus_of("db.t3.medium") == 2


def test_lts_releases_are_sourced():
    lts = L.lts_releases()
    assert set(lts) >= {"3.04", "3.10"}
    assert all(r["released"] and "Updates.LTS" in r["source"] for r in lts.values())


def test_api_dates_win_over_the_table(aws):
    install_rds_engine_fake(aws)
    windows = L.support_windows(aws_api.client("rds", "us-east-1"))
    assert windows["8.0"].standard_ends == dt.date(2028, 4, 30)  # the fake's date; the table has none
    assert windows["8.0"].source == L.API
    assert windows["5.7"].charges_start == dt.date(2024, 12, 1)  # billing start only the table knows
    assert "DescribeDBMajorEngineVersions" in aws.actions()


@pytest.mark.parametrize("code", ["AccessDenied", "InvalidAction"])
def test_api_failure_falls_back_to_the_table_and_says_why(aws, code):
    aws.on("DescribeDBMajorEngineVersions", lambda params: aws_error(code, "no", 403))
    windows = L.support_windows(aws_api.client("rds", "us-east-1", max_attempts=0))
    assert windows["5.7"].standard_ends == dt.date(2024, 10, 31)
    assert code in windows["5.7"].source and L.TABLE in windows["5.7"].source
