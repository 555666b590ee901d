"""The 5.7 → 8.0 check catalog. Each module declares checks with :func:`upgrade_cli.checks.registry.check`."""

from upgrade_cli.checks.registry import (  # noqa: F401
    MANUAL_REVIEW_ID,
    Check,
    CheckRun,
    Finding,
    Scope,
    Severity,
    all_checks,
    check,
    get_check,
    run_checks,
)
