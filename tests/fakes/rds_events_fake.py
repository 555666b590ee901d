"""Named fake: RDS events of a blue/green deployment (``DescribeEvents``, SourceType blue-green-deployment).

moto 5.2.5 records no events for the blue/green deployments it creates or switches over, so a test
that needs the deployment's side of the timeline scripts the messages here; every other
DescribeEvents call still goes to moto. Messages are test data, not a record of AWS's wording.
"""

from __future__ import annotations

import datetime as dt

from tests.fakes.aws_server import FakeAWS


def bluegreen_events(aws: FakeAWS, deployment_id: str, messages: list[str],
                     end: dt.datetime | None = None) -> None:
    """Answer DescribeEvents for ``deployment_id`` with ``messages``, one minute apart, the last at ``end``."""
    end = end or dt.datetime.now(dt.timezone.utc)
    events = [{"SourceIdentifier": deployment_id, "SourceType": "blue-green-deployment", "Message": m,
               "EventCategories": ["notification"], "Date": end - dt.timedelta(minutes=len(messages) - 1 - i),
               "SourceArn": f"arn:aws:rds:us-east-1:123456789012:deployment:{deployment_id}"}
              for i, m in enumerate(messages)]

    def handler(params: dict[str, str]):
        if params.get("SourceType") != "blue-green-deployment":
            return None
        return {"Events": [e for e in events if e["SourceIdentifier"] == params.get("SourceIdentifier")]}

    aws.on("DescribeEvents", handler)
