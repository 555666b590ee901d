"""``precheck --fix-script``: one ordered, re-runnable remediation script from a scan's findings.

What it fixes, in this order (each statement can run again: ALTER ... to the same definition, DROP
... IF EXISTS before each CREATE):

1. ``utf8mb3`` schemas: ``ALTER DATABASE ... CHARACTER SET utf8mb4`` with the utf8mb4 twin collation;
2. ``utf8mb3`` table columns: one ``ALTER TABLE`` per table with a ``MODIFY`` for every such column
   (type, nullability, default and comment kept) and the table default, under
   ``FOREIGN_KEY_CHECKS = 0`` so both ends of a foreign key can change;
3. routines and triggers stored with a flag 8.0 removed (``obsoleteSqlModeFlags``), or with hidden
   characters in a routine (``auroraUpgradeCheckForSpecialCharactersInProcedures``): re-created with
   their original definer, security, characteristics and body, under their own ``sql_mode`` minus the
   removed flags, the hidden characters outside string literals replaced by plain spaces.

Everything else is listed in the header with the reason it is left to a person. The claim is tested:
on MariaDB, the script applied to the example schema leaves a live re-scan without a finding of
``FIXED_CHECKS`` on an object the script touched (tests/test_fix_script.py).
"""

from __future__ import annotations

from typing import Iterable

from upgrade_cli.checks._facts import hidden_characters, parse_account
from upgrade_cli.checks.charsets import modify_to_utf8mb4, utf8mb4_collation
from upgrade_cli.checks.registry import Finding
from upgrade_cli.checks.sql_modes import OBSOLETE_FLAGS
from upgrade_cli.precheck.model import Catalog, Column, Routine, Table, Trigger
from upgrade_cli.sqltext import quote_ident, quote_qualified

UTF8MB3, SQL_MODE, SPECIAL = "utf8mb3", "obsoleteSqlModeFlags", "auroraUpgradeCheckForSpecialCharactersInProcedures"
FIXED_CHECKS = (UTF8MB3, SQL_MODE, SPECIAL)

# Why the rest is left to a person, for the checks whose findings the script leaves.
_NOT_FIXED_WHY = {
    "reservedKeywords": "renaming or quoting a name changes every query that uses it",
    "routineSyntax": "the body must be rewritten (quote or rename the word), a code change",
    "zeroDates": "zero dates in rows need a data decision (NULL or a real date)",
    "enumSetElementLength": "shortening ENUM/SET elements changes the data and the application",
    "groupbyAscSyntax": "the query must be rewritten with ORDER BY",
    "removedFunctions": "the replacement function can behave differently: a code change",
    "manualReview": "the object could not be fully analysed",
}


def _q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _definer(definer: str | None) -> str:
    if not definer:
        return ""
    user, host = parse_account(definer)
    return f"DEFINER={quote_ident(user)}@{quote_ident(host)} "


def _table_sql(t: Table, cols: list[Column]) -> str:
    changes = [modify_to_utf8mb4(c) for c in cols]
    if t.charset == "utf8mb3":
        changes.append(f"DEFAULT CHARACTER SET utf8mb4 COLLATE {utf8mb4_collation(t.collation)}")
    return f"ALTER TABLE {quote_qualified(t.schema, t.name)}\n  " + ",\n  ".join(changes) + ";"


def _clean_mode(sql_mode: str) -> str:
    return ",".join(f for f in sql_mode.split(",") if f.strip() and f.strip().upper() not in OBSOLETE_FLAGS)


def _clean_body(body: str) -> str:
    """The body with hidden characters outside string literals replaced by plain spaces."""
    chars = list(body)
    for pos, _ in hidden_characters(body):
        chars[pos] = " "
    return "".join(chars)


def _params(r: Routine) -> str:
    out = []
    for p in filter(None, (p.strip() for p in r.params.split(", "))):
        words = p.split(" ", 2 if r.kind == "PROCEDURE" else 1)
        if r.kind == "PROCEDURE" and words[0].upper() in ("IN", "OUT", "INOUT") and len(words) == 3:
            out.append(f"{words[0].upper()} {quote_ident(words[1])} {words[2]}")
        elif len(words) >= 2:
            out.append(f"{quote_ident(words[0])} {' '.join(words[1:])}")
        else:
            out.append(p)
    return ", ".join(out)


def _routine_sql(r: Routine) -> list[str]:
    name = quote_qualified(r.schema, r.name)
    head = f"CREATE {_definer(r.definer)}{r.kind} {name}({_params(r)})"
    if r.kind == "FUNCTION":
        head += f" RETURNS {r.returns}"
    traits = [f"SQL SECURITY {r.security_type or 'DEFINER'}", r.data_access or "CONTAINS SQL"]
    if r.deterministic:
        traits.append("DETERMINISTIC")
    if r.comment:
        traits.append("COMMENT " + _q(r.comment))
    return [f"SET SESSION sql_mode = {_q(_clean_mode(r.sql_mode))}", f"DROP {r.kind} IF EXISTS {name}",
            f"{head}\n    {' '.join(traits)}\n{_clean_body(r.body or '')}"]


def _trigger_sql(t: Trigger) -> list[str]:
    name = quote_qualified(t.schema, t.name)
    return [f"SET SESSION sql_mode = {_q(_clean_mode(t.sql_mode))}", f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE {_definer(t.definer)}TRIGGER {name} {t.timing} {t.event} ON {quote_qualified(t.schema, t.table)} "
            f"FOR EACH ROW\n{t.body}"]


def build_fix_script(catalog: Catalog, findings: Iterable[Finding], source: str) -> str:
    """The script's text (see the module docstring); ``source`` names the scan in its header."""
    by_check: dict[str, list[Finding]] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    schemas = [s for s in catalog.schemas if any(f.object_type == "schema" and f.schema == s.name
                                                   for f in by_check.get(UTF8MB3, ()))]
    wanted_cols = {(f.schema, f.object_name, f.column) for f in by_check.get(UTF8MB3, ()) if f.object_type == "column"}
    tables, generated = [], []
    for t in catalog.tables:
        cols = [c for c in t.columns if (t.schema, t.name, c.name) in wanted_cols]
        generated += [f"{t.schema}.{t.name}.{c.name}" for c in cols if c.generation_expression]
        cols = [c for c in cols if not c.generation_expression]
        if cols:
            tables.append((t, cols))
    redo = {(f.schema, f.object_name) for f in (*by_check.get(SQL_MODE, ()), *by_check.get(SPECIAL, ()))
            if f.object_type in ("routine", "trigger")}
    routines = [r for r in catalog.routines if (r.schema, r.name) in redo and r.body is not None]
    triggers = [t for t in catalog.triggers if (t.schema, t.name) in redo and any(
        f.object_type == "trigger" for f in by_check.get(SQL_MODE, ()) if (f.schema, f.object_name) == (t.schema, t.name))]
    events = sorted({f"{f.schema}.{f.object_name}" for f in by_check.get(SQL_MODE, ()) if f.object_type == "event"})
    server = [f for f in by_check.get(SQL_MODE, ()) if f.object_type == "server"]

    header = [f"-- aurora-upgrade fix script for {source}",
              "-- Run with: mysql --default-character-set=utf8mb4 < fix.sql  (every statement can run again)",
              f"-- Fixes: {len(schemas)} schema default(s) and {sum(len(c) for _, c in tables)} column(s) in "
              f"{len(tables)} table(s) to utf8mb4 ({UTF8MB3}); {len(routines)} routine(s) and {len(triggers)} "
              f"trigger(s) re-created under their sql_mode without {', '.join(OBSOLETE_FLAGS[:5])}, ... ({SQL_MODE}), "
              f"hidden characters replaced by spaces ({SPECIAL}).",
              "-- Before running: take a snapshot. ALTER TABLE copies each table it converts (time and disk);",
              "-- an index on a converted column must still fit (utf8mb4: 4 bytes a character; 767 bytes for a",
              "-- COMPACT/REDUNDANT table).",
              "--",
              "-- NOT fixed by this script, and why:"]
    left = []
    for check_id, found in sorted(by_check.items()):
        if check_id in FIXED_CHECKS:
            continue
        left.append(f"--   {check_id}: {len(found)} finding(s): {_NOT_FIXED_WHY.get(check_id, 'needs a decision: see the report')}")
    if generated:
        left.append(f"--   {UTF8MB3} on generated columns ({', '.join(generated[:5])}{' ...' if len(generated) > 5 else ''}): "
                    "MODIFY must repeat the expression; re-create them by hand")
    if events:
        left.append(f"--   {SQL_MODE} on events ({', '.join(events[:5])}{' ...' if len(events) > 5 else ''}): re-creating "
                    "an event can lose ON COMPLETION and a STARTS in the past; re-create them by hand")
    if server:
        left.append(f"--   {SQL_MODE} in the global sql_mode: change the DB cluster parameter group (params plan)")
    left.append(f"--   {UTF8MB3} on view columns: they follow the base-table columns converted here")
    left.append("--   triggers re-created here lose a FOLLOWS/PRECEDES order among triggers of the same timing and event;")
    left.append("--   a routine parameter declared with its own CHARACTER SET takes the schema default (information_schema")
    left.append("--   keeps only its type)")
    header += left or ["--   (nothing else was found)"]

    body = ["", "SET NAMES utf8mb4;", "SET @saved_sql_mode = @@SESSION.sql_mode;",
            "SET @saved_fk_checks = @@SESSION.foreign_key_checks;", "SET SESSION foreign_key_checks = 0;"]
    if schemas:
        body += ["", "-- schema defaults"]
        body += [f"ALTER DATABASE {quote_ident(s.name)} CHARACTER SET utf8mb4 COLLATE {utf8mb4_collation(s.collation)};"
                 for s in schemas]
    if tables:
        body += ["", "-- utf8mb3 columns, one ALTER TABLE per table"]
        body += [_table_sql(t, cols) for t, cols in tables]
    if routines or triggers:
        body += ["", "-- stored programs re-created without the removed sql_mode flags", "DELIMITER ;;"]
        for statements in [*map(_routine_sql, routines), *map(_trigger_sql, triggers)]:
            body += [f"{s} ;;" for s in statements]
        body += ["DELIMITER ;"]
    body += ["", "SET SESSION sql_mode = @saved_sql_mode;", "SET SESSION foreign_key_checks = @saved_fk_checks;"]
    return "\n".join(header + body) + "\n"
