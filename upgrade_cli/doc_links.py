"""The public documents this tool cites, each under one name.

A check's ``doc_url``, a rule's ``source`` and a gate's message point a DBA to these pages; keeping
them here means one spelling per page and one place to fix when AWS or Oracle moves it.
"""

# AWS: Aurora MySQL
AURORA_PRECHECKS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.upgrade-prechecks.descriptions.html"
AURORA_CLOUDWATCH_METRICS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html"
AURORA_UPGRADE_TROUBLESHOOTING = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Upgrading.Troubleshooting.html"

# Oracle: MySQL Shell and the MySQL 8.0 manual
SHELL_UPGRADE_CHECKER = "https://dev.mysql.com/doc/mysql-shell/8.0/en/mysql-shell-utilities-upgrade.html"
MYSQL_UPGRADE_PREREQUISITES = "https://dev.mysql.com/doc/refman/8.0/en/upgrade-prerequisites.html"
MYSQL_UPGRADING_FROM_57 = "https://dev.mysql.com/doc/refman/8.0/en/upgrading-from-previous-series.html"
MYSQL_80_REMOVALS = "https://dev.mysql.com/doc/refman/8.0/en/mysql-nutshell.html#mysql-nutshell-removals"
MYSQL_80_REMOVED_OPTIONS = "https://dev.mysql.com/doc/refman/8.0/en/added-deprecated-removed.html#optvars-removed"
MYSQL_KEYWORDS = "https://dev.mysql.com/doc/refman/8.0/en/keywords.html"
MYSQL_NUMERIC_ATTRIBUTES = "https://dev.mysql.com/doc/refman/8.0/en/numeric-type-attributes.html"
