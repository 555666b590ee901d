"""What a dry run would send to AWS, recorded as data, and its two renderings: JSON and ``aws`` CLI commands.

Every ``--dry-run`` records the calls a real run would make as :class:`Call` (service, the API's
operation name, the exact parameters) and prints them one way: a JSON array, one object per call
in order (the default), or with ``--dry-run-format aws-cli`` one runnable ``aws <service> <operation>
--option value ...`` line per call. Names and types come from botocore's own service model, the
one the AWS CLI builds its options from (``xform_name(name, "-")``; a boolean is ``--flag`` /
``--no-flag``), so what a DBA reviews is what the tool would send. Secrets never enter the record:
a member botocore marks ``sensitive`` (``MasterUserPassword``) or any string under a name that says
password is replaced by :data:`REDACTED` when it is recorded.

Ground module: no stage, typer or rich; botocore is imported on first use (dry runs only).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shlex
from dataclasses import dataclass
from typing import Any, Sequence

JSON, AWS_CLI = "json", "aws-cli"
FORMATS = (JSON, AWS_CLI)
REDACTED = "<redacted>"
_SCALARS = {"string", "integer", "long", "float", "double", "timestamp", "blob"}


@dataclass(frozen=True)
class Call:
    """One call a real run would make. ``when`` says so when the real run makes it later (after a wait)."""

    service: str  # botocore's service name: "rds"
    operation: str  # the API's operation name: "CreateBlueGreenDeployment"
    parameters: dict[str, Any]
    when: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"service": self.service, "operation": self.operation, "parameters": self.parameters}
        return {**out, "when": self.when} if self.when else out


@functools.cache
def service_model(service: str) -> Any:
    """botocore's model of ``service`` (loaded once: about a second, paid by dry runs only)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def operation_name(service: str, operation: str) -> str:
    """The API's name of ``operation``, given as the boto3 method (``create_blue_green_deployment``) or the API name."""
    from botocore import xform_name

    names = service_model(service).operation_names
    if operation in names:
        return operation
    by_method = {xform_name(n): n for n in names}
    if operation not in by_method:
        raise ValueError(f"{service} has no operation {operation!r}")
    return by_method[operation]


def record(service: str, operation: str, parameters: dict[str, Any], when: str | None = None) -> Call:
    """The call as a dry run shows it: the API's operation name, its parameters with every secret redacted."""
    op = operation_name(service, operation)
    shape = service_model(service).operation_model(op).input_shape
    return Call(service, op, _redacted(shape, jsonable(parameters)), when)


def jsonable(value: Any) -> Any:
    """Parameters as JSON holds them (a datetime as its ISO text)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, (dt.date, dt.datetime))
                                 else str(v)))


def _redacted(shape: Any, value: Any, name: str = "") -> Any:
    """``value`` with every sensitive member (botocore's flag, or a string named like a password) replaced."""
    if isinstance(value, str) and ((shape is not None and shape.metadata.get("sensitive"))
                                   or "password" in name.lower()):
        return REDACTED
    kind = shape.type_name if shape is not None else None
    if isinstance(value, dict):
        members = shape.members if kind == "structure" else {}
        inner = shape.value if kind == "map" else None
        return {k: _redacted(members.get(k, inner), v, k if kind != "map" else name) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(shape.member if kind == "list" else None, v, name) for v in value]
    return value


def render(calls: Sequence[Call], fmt: str, region: str | None = None, profile: str | None = None) -> str:
    """The calls as a JSON array, one call a line (``json``), or as ``aws`` CLI lines (``aws-cli``), in order."""
    if fmt == AWS_CLI:
        return "\n".join(line for c in calls for line in aws_cli_lines(c, region, profile))
    if not calls:
        return "[]"
    # one object a line: the array is valid JSON, and each call stays whole for grep and review
    return "[\n" + ",\n".join("  " + json.dumps(c.to_dict(), ensure_ascii=False) for c in calls) + "\n]"


def aws_cli_lines(call: Call, region: str | None = None, profile: str | None = None) -> list[str]:
    """The call as one runnable ``aws`` command, after a ``#`` comment when the real run makes it later."""
    comment = [f"# {' '.join(call.when.split())}"] if call.when else []
    return [*comment, aws_cli(call, region, profile)]


def aws_cli(call: Call, region: str | None = None, profile: str | None = None) -> str:
    """``aws rds create-blue-green-deployment --blue-green-deployment-name ... --region ...``, shell-quoted."""
    from botocore import xform_name

    shape = service_model(call.service).operation_model(call.operation).input_shape
    members = shape.members if shape is not None else {}
    words = ["aws", call.service, xform_name(call.operation, "-")]
    for name, value in call.parameters.items():
        words += _option(xform_name(name, "-"), members.get(name), value)
    words += [*(["--region", region] if region else []), *(["--profile", profile] if profile else [])]
    return " ".join(w if w.startswith("--") else shlex.quote(w) for w in words)


def _option(option: str, shape: Any, value: Any) -> list[str]:
    """One parameter as the AWS CLI spells it: a flag, a scalar, scalars, or JSON for anything structured."""
    kind = shape.type_name if shape is not None else None
    if kind == "boolean":
        return [f"--{option}" if value else f"--no-{option}"]
    if kind in _SCALARS:
        return [f"--{option}", _text(value)]
    if kind == "list" and shape.member.type_name in _SCALARS:
        return [f"--{option}", *(_text(v) for v in value)]
    return [f"--{option}", json.dumps(value, separators=(",", ":"), ensure_ascii=False)]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)

