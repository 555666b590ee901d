"""Reading what a ``--dry-run`` printed: the JSON array of calls after its ``dry run: N call(s) ...`` line, or
its ``aws ...`` command lines (``--dry-run-format aws-cli``).

Every call read here is also held to botocore's model: its parameters are members of the operation's input,
and its ``aws`` CLI line parses back (``shlex``, the AWS CLI's option names and types) to the same parameters.
So each test that reads a dry run proves its calls would run as the ``aws rds`` commands they stand for.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from upgrade_cli import dryrun

_HEAD = re.compile(r"(?:# )?dry run: (\d+) call\(s\) a real run would make, in order:?\n(?:```json\n)?")
_SCALAR = {"string": str, "timestamp": str, "blob": str, "integer": int, "long": int, "float": float,
           "double": float}


def listed_calls(output: str) -> list[dict[str, Any]]:
    """The calls of the dry run's list (the last one printed), each ``{"service", "operation", "parameters"}``."""
    heads = list(_HEAD.finditer(output))
    assert heads, f"no dry-run list in:\n{output}"
    calls, _ = json.JSONDecoder().raw_decode(output, heads[-1].end())
    assert len(calls) == int(heads[-1].group(1)), output
    for call in calls:
        assert_runnable(call)
    return calls


def listed(output: str, operation: str) -> list[dict[str, Any]]:
    """The parameters of each listed call of ``operation``, in order."""
    return [c["parameters"] for c in listed_calls(output) if c["operation"] == operation]


def aws_cli_lines(output: str) -> list[str]:
    """The ``aws ...`` commands a ``--dry-run-format aws-cli`` run printed, in order."""
    return [line for line in output.splitlines() if line.startswith("aws ")]


def assert_runnable(call: dict[str, Any]) -> None:
    """The call is valid for botocore's model, and its ``aws`` CLI line parses back to the same call."""
    shape = dryrun.service_model(call["service"]).operation_model(call["operation"]).input_shape
    assert set(call["parameters"]) <= set(shape.members), (call["operation"], set(call["parameters"]) - set(shape.members))
    line = dryrun.aws_cli(dryrun.Call(**call), region="eu-west-1", profile="a profile")
    service, operation, parameters, rest = parse_aws_cli(line)
    assert (service, operation, parameters) == (call["service"], call["operation"], call["parameters"]), line
    assert rest == {"region": "eu-west-1", "profile": "a profile"}


def parse_aws_cli(line: str) -> tuple[str, str, dict[str, Any], dict[str, str]]:
    """``aws SERVICE OPERATION --option value ...`` read back as the AWS CLI reads it, with botocore's model:
    (service, API operation name, parameters, the global options)."""
    from botocore import xform_name

    words = shlex.split(line)
    assert words[0] == "aws", line
    model = dryrun.service_model(words[1])
    operation = {xform_name(n, "-"): n for n in model.operation_names}[words[2]]
    shape = model.operation_model(operation).input_shape
    options = {xform_name(m, "-"): m for m in shape.members}
    parameters: dict[str, Any] = {}
    rest: dict[str, str] = {}
    i = 3
    while i < len(words):
        assert words[i].startswith("--"), (words[i], line)
        option, values = words[i][2:], []
        i += 1
        while i < len(words) and not words[i].startswith("--"):
            values.append(words[i])
            i += 1
        if option in ("region", "profile"):
            (rest[option],) = values
            continue
        negated = option.startswith("no-") and option[3:] in options
        name = options[option[3:] if negated else option]  # KeyError: no such option for this operation
        member = shape.members[name]
        if member.type_name == "boolean":
            assert values == [], (option, values)
            parameters[name] = not negated
        elif member.type_name in _SCALAR:
            (value,) = values
            parameters[name] = _SCALAR[member.type_name](value)
        elif member.type_name == "list" and member.member.type_name in _SCALAR:
            parameters[name] = [_SCALAR[member.member.type_name](v) for v in values]
        else:
            (value,) = values
            parameters[name] = json.loads(value)
    return words[1], operation, parameters, rest
