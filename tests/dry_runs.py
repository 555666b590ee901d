"""Reading what a ``--dry-run`` printed: the JSON array of calls after its ``dry run: N call(s) ...`` line,
or its ``aws ...`` command lines (``--dry-run-format aws-cli``)."""

from __future__ import annotations

import json
import re
from typing import Any

_HEAD = re.compile(r"(?:# )?dry run: (\d+) call\(s\) a real run would make, in order:?\n(?:```json\n)?")


def listed_calls(output: str) -> list[dict[str, Any]]:
    """The calls of the dry run's list (the last one printed), each ``{"service", "operation", "parameters"}``."""
    heads = list(_HEAD.finditer(output))
    assert heads, f"no dry-run list in:\n{output}"
    calls, _ = json.JSONDecoder().raw_decode(output, heads[-1].end())
    assert len(calls) == int(heads[-1].group(1)), output
    return calls


def listed(output: str, operation: str) -> list[dict[str, Any]]:
    """The parameters of each listed call of ``operation``, in order."""
    return [c["parameters"] for c in listed_calls(output) if c["operation"] == operation]


def aws_cli_lines(output: str) -> list[str]:
    """The ``aws ...`` commands a ``--dry-run-format aws-cli`` run printed, in order."""
    return [line for line in output.splitlines() if line.startswith("aws ")]
