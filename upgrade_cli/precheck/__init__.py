"""The precheck stage: collect a catalog (live server, dump or snapshot), run the checks, report.

``collect/`` builds the :class:`~upgrade_cli.precheck.model.Catalog`; the checks (``checks/``,
imported as ``upgrade_cli.checks``) read it; ``report`` renders what they found; ``cli`` is the
``precheck`` and ``checks`` commands.
"""

# The commands' help, and `aurora-upgrade --help`'s lines for them (main.py lists them without importing the stage).
HELP = """Scan a live server, a mysqldump file or a snapshot for 5.7 → 8.0 incompatibilities.

Exit codes: 0 no findings at or above --fail-on; 1 findings at or above --fail-on;
2 usage, input or connection error, a crashed check, or an incomplete scan (unless
--allow-incomplete; an incomplete report never passes a bluegreen gate)."""
CHECKS_HELP = "List and explain the upgrade checks."
