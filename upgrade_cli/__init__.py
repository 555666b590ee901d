"""aurora-upgrade: Aurora MySQL 2 (5.7) → Aurora MySQL 3 (8.0) upgrade, from precheck to cutover."""

__version__ = "0.1.0"
