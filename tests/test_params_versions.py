"""Engine versions: valid 8.0 targets come from DescribeDBEngineVersions (named fake), ≥ 3.04 recommended."""

import datetime as dt

import boto3
import pytest

from tests.fakes.aws_server import aws_error
from tests.fakes.rds_engine_fake import install_rds_engine_fake, throttled
from upgrade_cli.cli_common import ToolError
from upgrade_cli.params.versions import (aurora_version, check_target, is_recommended, recommended_target,
                                         valid_upgrade_targets)

WHILE_304_IS_SUPPORTED = dt.date(2025, 1, 1)  # 3.04 (LTS, released 2023-07-31) is in its 3 years then


def test_version_strings_parse_in_full_and_short_form():
    assert aurora_version("8.0.mysql_aurora.3.04.0") == (3, 4, 0)
    assert aurora_version("5.7.mysql_aurora.2.11.2") == (2, 11, 2)
    assert aurora_version("3.07.1") == (3, 7, 1)
    assert aurora_version("8.0.28") is None
    assert is_recommended("8.0.mysql_aurora.3.04.0") and not is_recommended("8.0.mysql_aurora.3.03.1")


def test_targets_are_major_80_only_sorted_and_flag_the_recommendation(aws):
    install_rds_engine_fake(aws, defaults=False)
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.11.2", WHILE_304_IS_SUPPORTED)
    names = [t["EngineVersion"] for t in targets]
    assert names[0] == "8.0.mysql_aurora.3.03.1" and names[-1] == "8.0.mysql_aurora.3.08.2"
    assert all(n.startswith("8.0.mysql_aurora.3.") for n in names)  # no 2.x minor upgrades
    assert [t["Recommended"] for t in targets][:2] == [False, True]
    assert recommended_target(targets)["EngineVersion"] == "8.0.mysql_aurora.3.08.2"
    call = next(c for c in aws.calls if c.action == "DescribeDBEngineVersions")
    assert call.params["EngineVersion"] == "5.7.mysql_aurora.2.11.2"


def test_check_target_short_full_invalid_and_not_recommended(aws):
    install_rds_engine_fake(aws, defaults=False)
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.11.6", WHILE_304_IS_SUPPORTED)
    short = check_target(targets, "8.0")
    assert short.valid and short.resolved == "8.0.mysql_aurora.3.08.2" and short.recommended
    full = check_target(targets, "8.0.mysql_aurora.3.04.0")
    assert full.valid and full.recommended and full.resolved == "8.0.mysql_aurora.3.04.0"
    old = check_target(targets, "3.03.1")
    assert old.valid and not old.recommended and "3.04" in old.message and old.resolved == "8.0.mysql_aurora.3.03.1"
    bad = check_target(targets, "8.0.mysql_aurora.3.99.0")
    assert not bad.valid and bad.resolved is None and "3.04.0" in bad.message
    assert not check_target([], "8.0").valid


def test_2_12_source_only_reaches_305_and_later(aws):
    install_rds_engine_fake(aws, defaults=False)
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.12.1")
    assert min(aurora_version(t["EngineVersion"]) for t in targets) == (3, 5, 2)
    assert not check_target(targets, "8.0.mysql_aurora.3.04.0").valid


def test_unknown_source_version_is_one_clear_error(aws):
    install_rds_engine_fake(aws, defaults=False)
    with pytest.raises(ToolError, match="not offered in this Region"):
        valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.07.2")


def test_throttled_twice_then_answered_thanks_to_retries(aws):
    install_rds_engine_fake(aws, defaults=False)
    from tests.fakes import rds_engine_fake
    aws.on("DescribeDBEngineVersions", throttled(rds_engine_fake.describe_db_engine_versions, 2))
    from upgrade_cli import aws as uaws
    targets = valid_upgrade_targets(uaws.client("rds"), "5.7.mysql_aurora.2.11.2")
    assert targets
    assert aws.actions().count("DescribeDBEngineVersions") == 3 + 1  # three tries, then the DefaultOnly call


def test_access_denied_is_one_line_tool_error(aws):
    aws.on("DescribeDBEngineVersions", lambda p: aws_error("AccessDenied", "User is not authorized", 403))
    from upgrade_cli import aws as uaws
    with pytest.raises(ToolError) as exc:
        valid_upgrade_targets(uaws.client("rds"), "5.7.mysql_aurora.2.11.2")
    assert str(exc.value) == "AWS DescribeDBEngineVersions failed: AccessDenied: User is not authorized"


def test_a_source_version_no_longer_offered_is_still_described(aws):
    """AWS lists a retired version only with IncludeAll=true; without it the tool said 'not offered'."""
    install_rds_engine_fake(aws, defaults=False)
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.11.1")
    assert targets and all(t["EngineVersion"].startswith("8.0.") for t in targets)
    call = [c for c in aws.calls if c.action == "DescribeDBEngineVersions"][0]
    assert call.params["IncludeAll"] == "true"


# ---- issue 19: target selection from AWS's default, LTS releases and support dates ----------------

def test_8_0_resolves_to_aws_default_and_a_named_target_is_kept(aws):
    """The fake's default (3.05.2) is not the newest minor (3.08.2): "8.0" follows AWS, not the newest."""
    install_rds_engine_fake(aws, defaults=False, default_v3="3.05.2")
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.12.1", dt.date(2026, 12, 7))
    default = check_target(targets, "8.0")
    assert default.resolved == "8.0.mysql_aurora.3.05.2" and default.recommended
    assert "AWS default" in default.message and "standard support until 2028-04-30" in default.message
    named = check_target(targets, "3.08.2")
    assert named.resolved == "8.0.mysql_aurora.3.08.2" and named.recommended
    call = next(c for c in aws.calls if c.params.get("DefaultOnly") == "true")
    assert call.action == "DescribeDBEngineVersions" and call.params["EngineVersion"] == "8.0"


def test_an_lts_release_past_its_three_years_is_never_recommended(aws):
    install_rds_engine_fake(aws, defaults=False)
    targets = {t["EngineVersion"]: t for t in valid_upgrade_targets(
        boto3.client("rds"), "5.7.mysql_aurora.2.11.2", dt.date(2026, 12, 7))}
    lts = targets["8.0.mysql_aurora.3.04.3"]
    assert lts["LTS"] and lts["StandardSupportEnds"] == "2026-07-31" and not lts["Recommended"]
    assert "past its end of standard support (2026-07-31)" in lts["Why"]
    assert not targets["8.0.mysql_aurora.3.06.1"]["Recommended"]  # older than AWS's default, not LTS
    newest = targets["8.0.mysql_aurora.3.08.2"]
    assert newest["Default"] and newest["Recommended"] and not newest["LTS"]
    # the dates printed come from DescribeDBMajorEngineVersions (the fake's 2028-04-30), not the offline table
    assert newest["StandardSupportEnds"] == "2028-04-30" and newest["SupportSource"] == "RDS DescribeDBMajorEngineVersions"


def test_without_the_lifecycle_calls_the_table_answers_and_says_so(aws):
    install_rds_engine_fake(aws, defaults=False)
    aws.on("DescribeDBMajorEngineVersions", lambda p: aws_error("AccessDenied", "not allowed", 403))
    newest = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.11.2", dt.date(2026, 12, 7))[-1]
    assert newest["StandardSupportEnds"] is None and "engine_lifecycle.yaml" in newest["SupportSource"]
    assert "AccessDenied" in newest["SupportSource"]


