"""Zero dates: a server that accepts them, and columns that default to them."""

from __future__ import annotations

from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import quote_ident


def sql_mode_flags(sql_mode: str | None) -> set[str]:
    return {f.strip().upper() for f in (sql_mode or "").split(",") if f.strip()}


@check(
    id="zeroDates",
    title="Zero Date, Datetime, and Timestamp values",
    severity=Severity.warning,
    source="mysql-shell",
    since="8.0.11",
    doc_url="https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html#sqlmode_no_zero_date",
    detects="A global sql_mode without NO_ZERO_DATE or NO_ZERO_IN_DATE (when the server is known), and DATE, "
            "DATETIME and TIMESTAMP columns whose default is a zero date ('0000-00-00...').",
    why="8.0's default sql_mode includes NO_ZERO_DATE, NO_ZERO_IN_DATE and strict mode: a table whose column "
        "defaults to '0000-00-00' can no longer be created from its dump, and inserts relying on zero dates fail.",
    example="CREATE TABLE t (created DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00');",
    fix="Give the column a real default or make it NULL DEFAULT NULL (update zero values first), and add "
        "NO_ZERO_DATE,NO_ZERO_IN_DATE to the sql_mode of the parameter group once the data is clean.",
    aliases=("zeroDatesCheck",),
)
def zero_dates(c: Check, catalog: Catalog):
    if catalog.server.sql_mode is not None:
        missing = {"NO_ZERO_DATE", "NO_ZERO_IN_DATE"} - sql_mode_flags(catalog.server.sql_mode)
        if missing:
            yield c.finding("server", f"global.sql_mode does not contain {' or '.join(sorted(missing))}, "
                                      "which allows insertion of zero dates",
                            object_name="global.sql_mode",
                            fix="Add NO_ZERO_DATE,NO_ZERO_IN_DATE to sql_mode (the DB cluster parameter group) "
                                "after cleaning zero dates out of the data.")
    for t in catalog.tables:
        for col in t.columns:
            if col.data_type in ("date", "datetime", "timestamp") and (col.default or "").startswith("0000-00-00"):
                yield c.finding("column", f"column has zero default value: {col.default}", schema=t.schema,
                                object_name=t.name, column=col.name,
                                fix=f"UPDATE rows holding zero dates, then ALTER TABLE {quote_ident(t.schema)}."
                                    f"{quote_ident(t.name)} ALTER COLUMN {quote_ident(col.name)} SET DEFAULT <a real "
                                    f"date> (or MODIFY it NULL DEFAULT NULL).")
