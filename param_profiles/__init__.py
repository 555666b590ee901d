"""Parameter, instance-class and engine-lifecycle data as reviewable YAML, each file citing its sources.

Read with :func:`load_yaml`; this package has no other code, so any stage (or the shared
``upgrade_cli.lifecycle``) can read its data without importing another stage.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from upgrade_cli.outcome import ToolError


def load_yaml(name: str) -> Any:
    """One YAML file of param_profiles/, a one-line ToolError when it is missing."""
    try:
        text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ToolError(f"parameter profile data missing: param_profiles/{name} ({exc})") from None
    return yaml.safe_load(text)
