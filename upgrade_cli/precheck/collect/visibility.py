"""What a live scan could not see, as the catalog fields the checks read (``Catalog.unreadable``).

Two ways a scan account sees less than the server holds, and neither raises:

- ``information_schema`` silently hides what the account holds no privilege on: schemas without
  SHOW DATABASES, tables without a table privilege, routines without EXECUTE/CREATE ROUTINE/ALTER ROUTINE, triggers without TRIGGER,
  events without EVENT, other sessions' threads without PROCESS. :func:`hidden_by_grants` reads the
  account's global and schema grants (``GRANT ... ON app.*`` instead of ``ON *.*`` is the usual
  case) and names what they hide.
- a server-fact query fails: denied (``mysql.user`` without SELECT on it), interrupted by the
  statement timeout (a ``LOCK TABLES mysql.user WRITE`` held elsewhere) or a lock wait.
  :func:`blind_fields` turns the failure into the fields that query fills. A table or variable the
  server does not have (``mysql.ddl_log_table`` off Aurora) is no blind spot: the fact is absent.

Keys are the catalog paths checks read: an object kind (``routines``), a server attribute
(``server.users``) or a key of ``server.extra`` (``server.extra.user_plugins``). The check registry
marks every check that reads one *not run* (:class:`upgrade_cli.checks.registry.CheckRun`).
"""

from __future__ import annotations

import re

# The catalog fields each best-effort fact query of live.py fills (its ``best_effort`` name).
FACT_FIELDS = {
    "variables": ("server.variables",),
    "xa_prepared": ("server.xa_prepared",),
    "transactions": ("server.transactions",),
    "history_list_length": ("server.history_list_length",),
    "processlist": ("server.processlist",),
    "users": ("server.users", "server.extra.user_plugins"),
    "mysql_tables": ("server.mysql_tables", "server.extra.active_plugins"),
    "orphaned_routines": ("server.orphaned_routines",),
    "sessions_allowing_zero_dates": ("server.extra.sessions_allowing_zero_dates",),
    "sys_base_tables": ("server.extra.sys_base_tables",),
    "ddl_log_rows": ("server.extra.ddl_log_rows",),
    "tablespaces": ("tablespaces", "server.extra.innodb_tables", "server.extra.old_geometry_columns"),
}
CHECK_TABLE_FIELD = "server.extra.check_table"

# Errors that mean "this server has no such thing", not "you may not see it": ER_NO_SUCH_TABLE,
# ER_UNKNOWN_TABLE, ER_UNKNOWN_SYSTEM_VARIABLE, ER_BAD_FIELD_ERROR, ER_BAD_DB_ERROR.
_ABSENT = {1146, 1109, 1193, 1054, 1049}


def blind_fields(fact: str, code: int | None, why: str) -> dict[str, str]:
    """The catalog fields a failed fact query leaves unknown, with why (none when the fact is absent)."""
    if code in _ABSENT:
        return {}
    if fact.startswith("CHECK TABLE"):
        return {CHECK_TABLE_FIELD: f"{fact} failed: {why}"}
    return {path: f"the {fact} query failed: {why}" for path in FACT_FIELDS.get(fact, ())}


# The privileges that make a table visible in information_schema (MySQL's TABLE_ACLS; MariaDB adds
# DELETE HISTORY). A global PROCESS or RELOAD shows no table.
_TABLE_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "GRANT", "INDEX", "ALTER",
                     "CREATE VIEW", "SHOW VIEW", "TRIGGER", "REFERENCES", "DELETE HISTORY"}
# Object kind -> the schema- or global-level privileges that make every object of it visible
# (global SELECT also reads mysql.proc: every routine).
KIND_PRIVILEGES = {
    "tables": _TABLE_PRIVILEGES,
    "views": _TABLE_PRIVILEGES,
    "routines": {"CREATE ROUTINE", "ALTER ROUTINE", "EXECUTE"},
    "triggers": {"TRIGGER"},
    "events": {"EVENT"},
}
# Server facts read through information_schema from a system schema: hidden, not denied, without
# a table privilege on it.
_SYSTEM_SCHEMA_FACTS = {"mysql": ("mysql_tables", "server.mysql_tables"),
                        "sys": ("sys_base_tables", "server.extra.sys_base_tables")}


def hidden_by_grants(grantee: str, global_privs: set[str], grants: list[tuple[str, str]],
                     wanted: list[str], every_schema: bool) -> dict[str, str]:
    """What ``information_schema`` hides from an account with these global privileges and
    (schema pattern, privilege) grants, for the schemas ``wanted`` (``every_schema``: the scan claims
    every user schema, not the ones named by ``--schema``): catalog path -> why."""
    hidden: dict[str, str] = {}
    if every_schema and not global_privs & (_TABLE_PRIVILEGES | {"SHOW DATABASES"}):
        why = (f"{grantee} lacks SHOW DATABASES (or a global table privilege): information_schema lists only "
               f"the schemas it holds a privilege on ({', '.join(wanted[:5]) or 'none'}); name them with --schema")
        hidden.update({kind: why for kind in ("schemas", *KIND_PRIVILEGES)})

    def has(schema: str | None, needed: set[str]) -> bool:
        if global_privs & needed:
            return True
        return schema is not None and any(p in needed for pattern, p in grants if _schema_like(schema, pattern))

    for kind, needed in KIND_PRIVILEGES.items():
        if kind in hidden or (kind == "routines" and "SELECT" in global_privs):
            continue
        blind = [s for s in wanted if not has(s, needed)]
        if blind:
            what = "a table privilege" if needed is _TABLE_PRIVILEGES else " or ".join(sorted(needed))
            hidden[kind] = (f"{grantee} lacks {what} on schema(s) {', '.join(blind[:5])}"
                            f"{' ...' if len(blind) > 5 else ''}: information_schema hides such {kind}")
    for schema, (fact, path) in _SYSTEM_SCHEMA_FACTS.items():
        if not has(schema, _TABLE_PRIVILEGES):
            hidden[path] = f"{grantee} lacks a table privilege on {schema}.*: information_schema hides its tables ({fact})"
    if "PROCESS" not in global_privs:
        hidden["server.processlist"] = f"{grantee} lacks PROCESS: the processlist shows only its own threads"
    return hidden


def unreadable_privileges(why: str) -> dict[str, str]:
    """Everything grants can hide, when the account's grants themselves cannot be read."""
    paths = [*KIND_PRIVILEGES, *(path for _, path in _SYSTEM_SCHEMA_FACTS.values()), "server.processlist"]
    return {path: f"this account's privileges cannot be read: {why}" for path in paths}


def _schema_like(schema: str, pattern: str) -> bool:
    """Whether a grant's schema name (which may use ``%``, ``_`` and ``\\`` escapes, like LIKE) covers ``schema``."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.fullmatch("".join(out), schema, re.S) is not None  # case-sensitive, as on Linux
