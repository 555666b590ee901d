"""The precheck stage: collect a catalog (live server, dump or snapshot), run the checks, report.

``collect/`` builds the :class:`~upgrade_cli.precheck.model.Catalog`; the checks (``checks/``,
imported as ``upgrade_cli.checks``) read it; ``report`` renders what they found; ``cli`` is the
``precheck`` and ``checks`` commands.
"""
