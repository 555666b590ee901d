"""Named fake: RDS events of a blue/green deployment (``DescribeEvents``, SourceType blue-green-deployment).

moto 5.2.5 records no events for the blue/green deployments it creates or switches over, so a test
that needs the deployment's side of the timeline scripts the messages here; every other
DescribeEvents call still goes to moto. The wording follows AWS's event list (RDS-EVENT-0247
"Switchover from blue to green started.", RDS-EVENT-0248 "Switchover completed on blue/green
deployment.": https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html).
"""


from __future__ import annotations

import datetime as dt

from tests.fakes.aws_server import FakeAWS

SWITCHOVER_STARTED = "Switchover from {blue} to {green} started."
SWITCHOVER_COMPLETED = "Switchover completed on blue/green deployment."


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
