"""Named fake: ``DescribeIntegrations`` (zero-ETL), which moto 5.2.5 does not implement.

Installed for every test by the ``aws`` fixture with no integrations; a test adds some with
:func:`add_integration`. Answers are serialised by FakeAWS with botocore's own output shape for
DescribeIntegrations, so a field the model does not have cannot reach the tool.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.aws_server import FakeAWS

_INTEGRATIONS: list[dict[str, Any]] = []


def install_integrations_fake(aws: FakeAWS) -> None:
    """Answer DescribeIntegrations from this module's list (emptied on every install)."""
    _INTEGRATIONS.clear()
    aws.on("DescribeIntegrations", lambda params: {"Integrations": list(_INTEGRATIONS)})


def add_integration(source_arn: str, name: str = "to-redshift", status: str = "active") -> None:
    _INTEGRATIONS.append({"SourceArn": source_arn, "IntegrationName": name, "Status": status,
                          "TargetArn": "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/analytics",
                          "IntegrationArn": f"arn:aws:rds:us-east-1:123456789012:integration:{name}"})
