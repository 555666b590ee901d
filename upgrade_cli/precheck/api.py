"""The precheck stage as other stages use it, and the only precheck module (with the check catalog under
``upgrade_cli.checks``) another stage may import.

``CHECKS`` is what reading and judging a precheck report needs from the check registry; the gates, the
dossier and `fleet` hand it to ``handoffs.read_precheck`` and ``judges.precheck``, which are ground and import
no stage. ``OBSOLETE_FLAGS`` are the sql_mode flags 8.0 removed: `params diff` strips them from sql_mode
settings as the precheck check names them. The import-linter contracts in pyproject.toml hold every other
precheck module to this stage (docs/architecture.md, "Layers").
"""

from __future__ import annotations

from upgrade_cli.checks.registry import all_checks, get_check
from upgrade_cli.checks.sql_modes import OBSOLETE_FLAGS
from upgrade_cli.handoffs import CheckCatalog
from upgrade_cli.precheck.aurora_log import aurora_log_from

__all__ = ["CHECKS", "OBSOLETE_FLAGS"]


def _our_id(check_id: str) -> str | None:
    found = get_check(check_id)
    return found.id if found else None


CHECKS = CheckCatalog(ids=lambda: [c.id for c in all_checks()], our_id=_our_id, aurora_log=aurora_log_from)
