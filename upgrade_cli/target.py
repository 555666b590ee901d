"""The upgrade target a precheck runs for: an Aurora MySQL 3 version or a MySQL 8.0.x release.

MySQL Shell registers each check for the target versions it applies to and builds its reserved-word
list from the target (``upgrade_check_registry.cc``, ``get_reserved_keywords_check``); we do the same
with the MySQL release the target is built on. Which MySQL release an Aurora version is built on is
data, in ``param_profiles/aurora_mysql_versions.yaml``. Ground: the checks, the judges and the gates all ask it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from upgrade_cli.outcome import ToolError
from upgrade_cli.param_profiles import load_yaml

Version = tuple[int, int, int]

_AURORA = re.compile(r"^(?:8\.0\.mysql_aurora\.)?(?P<major>3)\.(?P<minor>\d{1,2})(?:\.(?P<patch>\d+))?$")
_MYSQL = re.compile(r"^(?:mysql[- ]?)?8\.0\.(?P<patch>\d+)$", re.I)


def parse_version(text: str) -> Version:
    """``8.0.28`` → ``(8, 0, 28)``."""
    a, b, c = (int(x) for x in text.split(".")[:3])
    return a, b, c


@dataclass(frozen=True)
class Target:
    mysql: Version  # the MySQL release whose behaviour the checks follow
    aurora: str | None = None  # "3.08.2" when the target was an Aurora version

    @property
    def mysql_version(self) -> str:
        return ".".join(map(str, self.mysql))

    @property
    def engine_version(self) -> str | None:
        """The RDS engine version string (``8.0.mysql_aurora.3.08.2``), for an Aurora target."""
        return f"8.0.mysql_aurora.{self.aurora}" if self.aurora else None

    @property
    def label(self) -> str:
        return (f"Aurora MySQL {self.aurora} (MySQL {self.mysql_version})" if self.aurora
                else f"MySQL {self.mysql_version}")

    def reaches(self, version: str) -> bool:
        """Whether the target is at or above ``version`` (a check or keyword that starts there applies)."""
        return self.mysql >= parse_version(version)

    def to_dict(self) -> dict:
        return {"label": self.label, "aurora_version": self.aurora, "engine_version": self.engine_version,
                "mysql_version": self.mysql_version}


@functools.lru_cache(maxsize=1)
def _versions() -> tuple[dict[str, str], str]:
    data = load_yaml("aurora_mysql_versions.yaml")
    return {str(k): str(v) for k, v in data["versions"].items()}, str(data["newest"])


def resolve_target(text: str | None) -> Target:
    """``--target-version``: ``3.04.3``, ``8.0.mysql_aurora.3.08.2``, ``3.08``, a MySQL ``8.0.36``, or
    ``None``/``8.0`` for the newest Aurora 3 release known. Anything else is a one-line ToolError."""
    versions, newest = _versions()
    spelled = (text or "").strip()
    if spelled in ("", "8.0"):
        spelled = newest
    m = _AURORA.match(spelled)
    if m:
        minor = f"3.{int(m['minor']):02d}"
        if minor not in versions:
            raise ToolError(f"--target-version {text}: Aurora MySQL {minor} is not a release this tool knows "
                            f"({', '.join(versions)}); give the MySQL 8.0.x it is built on instead")
        patch = int(m["patch"]) if m["patch"] is not None else 0
        return Target(parse_version(versions[minor]), f"{minor}.{patch}")
    m = _MYSQL.match(spelled)
    if m:
        return Target((8, 0, int(m["patch"])))
    raise ToolError(f"--target-version {text!r}: expected an Aurora MySQL 3 version (3.04.3, "
                    "8.0.mysql_aurora.3.08.2) or a MySQL 8.0.x release (8.0.36)")


def default_target() -> Target:
    return resolve_target(None)
