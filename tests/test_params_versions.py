"""Engine versions: valid 8.0 targets come from DescribeDBEngineVersions (named fake), ≥ 3.04 recommended."""

import boto3
import pytest

from tests.fakes.aws_server import aws_error
from tests.fakes.rds_engine_fake import install_rds_engine_fake, throttled
from upgrade_cli.cli_common import ToolError
from upgrade_cli.params.versions import (aurora_version, check_target, is_recommended, recommended_target,
                                         valid_upgrade_targets)


def test_version_strings_parse_in_full_and_short_form():
    assert aurora_version("8.0.mysql_aurora.3.04.0") == (3, 4, 0)
    assert aurora_version("5.7.mysql_aurora.2.11.2") == (2, 11, 2)
    assert aurora_version("3.07.1") == (3, 7, 1)
    assert aurora_version("8.0.28") is None
    assert is_recommended("8.0.mysql_aurora.3.04.0") and not is_recommended("8.0.mysql_aurora.3.03.1")


def test_targets_are_major_80_only_sorted_and_flag_the_recommendation(aws):
    install_rds_engine_fake(aws, defaults=False)
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.11.2")
    names = [t["EngineVersion"] for t in targets]
    assert names[0] == "8.0.mysql_aurora.3.03.1" and names[-1] == "8.0.mysql_aurora.3.08.2"
    assert all(n.startswith("8.0.mysql_aurora.3.") for n in names)  # no 2.x minor upgrades
    assert [t["Recommended"] for t in targets][:2] == [False, True]
    assert recommended_target(targets)["EngineVersion"] == "8.0.mysql_aurora.3.08.2"
    call = aws.calls[-1]
    assert call.action == "DescribeDBEngineVersions" and call.params["EngineVersion"] == "5.7.mysql_aurora.2.11.2"


def test_check_target_short_full_invalid_and_not_recommended(aws):
    install_rds_engine_fake(aws, defaults=False)
    targets = valid_upgrade_targets(boto3.client("rds"), "5.7.mysql_aurora.2.11.6")
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
    assert aws.actions().count("DescribeDBEngineVersions") == 3


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
    call = [c for c in aws.calls if c.action == "DescribeDBEngineVersions"][-1]
    assert call.params["IncludeAll"] == "true"
