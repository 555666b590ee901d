"""boto3 clients and the one place AWS errors become one-line ToolErrors.

boto3 and botocore (about 120 ms to import) are imported on first use, so commands that never reach
AWS (``--help``, ``checks``, an offline precheck) start without them; ``AWS_ERRORS`` is resolved the
same way (a module ``__getattr__``), so ``except aws.AWS_ERRORS`` still reads naturally.

The endpoint comes from boto3's own ``AWS_ENDPOINT_URL`` support, so tests point every client
at a local moto server without special code paths here. Throttling is retried by botocore's
``standard`` retry mode (exponential backoff with jitter).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Iterator

from upgrade_cli.outcome import ToolError

RETRY_ATTEMPTS = 6


def aws_errors() -> tuple[type[Exception], ...]:
    """What an AWS call can raise that is the service's (or the network's) fault, not ours."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError
    return (ClientError, BotoCoreError, ResponseParserError)


def __getattr__(name: str) -> Any:
    if name == "AWS_ERRORS":
        return aws_errors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _OnFirstUse:
    """A boto3 client made when it is first used, not when asked for.

    Making one can fail (no Region, an unknown profile): deferred, that failure comes after the command
    has checked its own options, so a missing or wrong option is named before any AWS setup problem.
    """

    def __init__(self, make: Callable[[], Any]):
        self._make, self._client = make, None

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            self._client = self._make()
        return getattr(self._client, name)


def made_on_first_use(make: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(make)
    def deferred(*args: Any, **kwargs: Any) -> Any:
        return _OnFirstUse(lambda: make(*args, **kwargs))
    return deferred


@made_on_first_use
def client(service: str, region: str | None = None, profile: str | None = None,
           max_attempts: int = RETRY_ATTEMPTS, *, session: Any = None, retry_mode: str = "standard",
           pool: int = 10) -> Any:
    """A boto3 client with standard retries; errors creating it become ToolErrors.

    ``max_attempts`` counts retries after the first try (botocore's meaning); ``0`` is for callers
    that are themselves a polling loop with their own backoff. ``session`` (a boto3 Session, e.g. an
    assumed role's) replaces ``profile``; ``retry_mode="adaptive"`` adds client-side rate limiting for
    callers that fan out over many Regions or accounts at once.
    """
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError
    try:
        session = session or boto3.Session(profile_name=profile, region_name=region)
        return session.client(service, region_name=region or session.region_name,
                              config=Config(retries={"mode": retry_mode, "max_attempts": max_attempts},
                                            connect_timeout=10, read_timeout=60, max_pool_connections=pool))
    except (BotoCoreError, ValueError) as exc:
        raise ToolError(f"AWS setup failed: {exc}") from None


def default_region(profile: str | None = None) -> str | None:
    """The Region boto3 would use (``AWS_DEFAULT_REGION``, the profile's config), or None."""
    import boto3
    from botocore.exceptions import BotoCoreError
    try:
        return boto3.Session(profile_name=profile).region_name
    except BotoCoreError:
        return None


def explain(exc: Exception, operation: str) -> ToolError:
    """One line that says which call failed and why, without request ids or stack noise."""
    from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code", "Error")
        msg = err.get("Message", "")
        return ToolError(f"AWS {operation} failed: {code}: {msg}".rstrip(": "))
    if isinstance(exc, NoCredentialsError):
        return ToolError(f"AWS {operation} failed: no AWS credentials found (set a profile or AWS_* variables)")
    if isinstance(exc, NoRegionError):
        return ToolError(f"AWS {operation} failed: no region given (use --region or AWS_DEFAULT_REGION)")
    return ToolError(f"AWS {operation} failed: {exc}")


def call(api: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    """Call ``api.<operation>(**kwargs)`` (snake_case name), mapping AWS errors to ToolError."""
    try:
        return getattr(api, operation)(**kwargs)
    except aws_errors() as exc:
        raise explain(exc, _camel(operation)) from None


def paginate(api: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Yield every item under ``key`` across all pages of a paginated call."""
    try:
        for page in api.get_paginator(operation).paginate(**kwargs):
            yield from page.get(key, [])
    except aws_errors() as exc:
        raise explain(exc, _camel(operation)) from None


def error_code(exc: BaseException) -> str | None:
    from botocore.exceptions import ClientError
    return exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None


def _camel(snake: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_")).replace("Db", "DB")


def describe_cluster(rds: Any, ident: str) -> dict[str, Any] | None:
    """The DB cluster (identifier or ARN), or None when it does not exist; other errors are one line."""
    from botocore.exceptions import ClientError
    try:
        return rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]
    except ClientError as exc:
        if error_code(exc) == "DBClusterNotFoundFault":
            return None
        raise explain(exc, "DescribeDBClusters") from None
    except aws_errors() as exc:
        raise explain(exc, "DescribeDBClusters") from None


def group_record(rds: Any, name: str, kind: str) -> dict[str, Any] | None:
    """The DescribeDB(Cluster)ParameterGroups record of one group, or None (moto answers an unknown name empty)."""
    if kind == "cluster":
        found = call(rds, "describe_db_cluster_parameter_groups",
                     DBClusterParameterGroupName=name)["DBClusterParameterGroups"]
    else:
        found = call(rds, "describe_db_parameter_groups", DBParameterGroupName=name)["DBParameterGroups"]
    return found[0] if found else None


def group_arn(rds: Any, name: str, kind: str) -> str | None:
    """The ARN of a parameter group (``kind``: cluster or instance), or None when it does not exist."""
    record = group_record(rds, name, kind)
    return (record or {}).get("DBClusterParameterGroupArn" if kind == "cluster" else "DBParameterGroupArn")
