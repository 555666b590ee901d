"""The live collector against the real MariaDB server: same catalog as the dump, read-only, partial-safe.

MariaDB 10.11 is not MySQL 5.7. Where that matters here:
- MariaDB's information_schema quotes literal defaults and says ``current_timestamp()``/``utf8mb3``;
  the collectors normalise both spellings, which is what these tests prove.
- MariaDB rewrites view definitions (schema-qualified names, fewer parentheses) and generated-column
  expressions (backquotes); those texts are compared token-wise without qualifiers and parentheses.
- The ``mariadb`` client drops comments from routine bodies when it loads a file, so bodies are
  compared as token streams (comments are not tokens).
"""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path

import pytest

from upgrade_cli.checks.registry import Scope, all_checks, run_checks
from tests.mariadb_server import ROOT_PASSWORD
from upgrade_cli.precheck.collect.dump import parse_dump
from upgrade_cli.precheck.collect.live import collect_live, redact_statement
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import tokenize

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "legacy_app_57.sql"
HANDWRITTEN = REPO / "tests" / "fixtures" / "handwritten_schema.sql"


def mariadb_loadable(sql: str) -> str:
    """The example dump without its ``-- BEGIN not-in-mariadb`` ... ``-- END`` blocks."""
    return re.sub(r"^-- BEGIN not-in-mariadb.*?^-- END not-in-mariadb\n", "", sql, flags=re.S | re.M)


def scan(mariadb, db: str, **kwargs) -> Catalog:
    with mariadb.connect() as conn:
        return collect_live(conn, [db], **kwargs)


def _tokens(text: str | None, schema: str) -> tuple[str, ...] | None:
    """Text as tokens, without ``schema.`` qualifiers and parentheses, words lower-cased."""
    if text is None:
        return None
    toks = tokenize(text)
    out: list[str] = []
    skip_dot = False
    for i, t in enumerate(toks):
        if skip_dot:
            skip_dot = False
            continue
        if t.kind in ("ident", "word") and t.text == schema and i + 1 < len(toks) and toks[i + 1].text == ".":
            skip_dot = True
            continue
        if t.kind == "punct" and t.text in "()":
            continue
        out.append(t.text.lower() if t.kind == "word" else t.text)
    return tuple(out)


def structure(cat: Catalog, schema: str, *, known_definers: bool = True) -> dict:
    """Everything both collectors must agree on, with server-rewritten texts compared as tokens."""
    def opt(value):
        return value if known_definers else None

    tables = {}
    for t in cat.tables:
        cols = [(c.name, c.ordinal, c.data_type, c.column_type, c.nullable, c.default, c.default_is_expression,
                 c.charset, c.collation, c.extra, _tokens(c.generation_expression, schema), c.comment)
                for c in t.columns]
        tables[t.name] = dict(
            engine=t.engine, row_format=t.row_format, charset=t.charset, collation=t.collation, comment=t.comment,
            tablespace=t.tablespace, partition_method=t.partition_method,
            partition_expression=_tokens(t.partition_expression, schema), subpartition_method=t.subpartition_method,
            partitions=[(p.name, p.tablespace, p.subpartitions) for p in t.partitions], columns=cols,
            indexes=[(i.name, [(p.column, p.sub_part) for p in i.parts], i.unique, i.index_type, i.comment)
                     for i in t.indexes],
            foreign_keys=[(f.name, f.columns, f.ref_schema, f.ref_table, f.ref_columns) for f in t.foreign_keys])
    return dict(
        tables=tables,
        views={v.name: (v.columns, v.check_option, opt(v.definer), opt(v.security_type)) for v in cat.views},
        routines={(r.kind, r.name): (_tokens(r.body, schema), r.params, r.returns, r.sql_mode, opt(r.definer),
                                     r.security_type if known_definers or r.security_type != "DEFINER" else None,
                                     r.comment) for r in cat.routines},
        triggers={t.name: (t.table, t.timing, t.event, _tokens(t.body, schema), t.sql_mode, opt(t.definer))
                  for t in cat.triggers},
        events={e.name: (_tokens(e.body, schema), e.sql_mode, opt(e.definer), e.status) for e in cat.events},
    )


def _unset_definers(cat: Catalog) -> None:
    """A hand-written file names no definer: the server fills in the loading account, the file cannot."""
    for obj in [*cat.views, *cat.routines, *cat.triggers, *cat.events]:
        obj.definer = None
    for v in cat.views:
        v.security_type = None
    for r in cat.routines:
        r.security_type = None if r.security_type == "DEFINER" else r.security_type


@pytest.fixture
def app_definer(mariadb):
    """The example's objects are defined by `app`@`%`; mariadb-dump refuses views whose definer is missing."""
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute("CREATE USER IF NOT EXISTS 'app'@'%' ACCOUNT LOCK")
    yield
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute("DROP USER IF EXISTS 'app'@'%'")


SERVER_CHECKS = {c.id for c in all_checks() if c.scope is not Scope.objects}


def findings(cat: Catalog) -> set[tuple]:
    """Object findings as comparable tuples: server-scope checks and server-fact findings left out (the
    server's own mysql schema, where MariaDB keeps index_stats/table_stats, is no object of the dump)."""
    run = run_checks(cat)
    assert run.failed == {}
    return {(f.check_id, f.object_type, f.object_name, f.column) for f in run.findings
            if f.check_id not in SERVER_CHECKS and f.object_type != "server" and f.schema != "mysql"}


def test_real_mariadb_dump_and_live_scan_build_the_same_catalog(mariadb, fresh_db, app_definer):
    mariadb.execute_script(HANDWRITTEN.read_text(), fresh_db)
    mariadb.execute_script(mariadb_loadable(EXAMPLE.read_text()), fresh_db)
    live = scan(mariadb, fresh_db)
    dump = parse_dump(mariadb.dump_schema(fresh_db), "mariadb-dump")
    assert live.complete and live.issues == [] and dump.issues == []
    assert [s.name for s in dump.schemas] == [fresh_db]
    assert (dump.schemas[0].charset, dump.schemas[0].collation) == (live.schemas[0].charset, live.schemas[0].collation)
    assert len(live.tables) == 18 and len(live.routines) == 7
    assert structure(dump, fresh_db) == structure(live, fresh_db)
    assert findings(dump) == findings(live)
    assert findings(live)  # the planted problems are there to be found


def test_hand_written_ddl_and_live_scan_agree(mariadb, fresh_db):
    mariadb.execute_script(HANDWRITTEN.read_text(), fresh_db)
    live = scan(mariadb, fresh_db)
    offline = parse_dump(HANDWRITTEN.read_text(), str(HANDWRITTEN), default_schema=fresh_db)
    _unset_definers(live)
    _unset_definers(offline)
    assert structure(offline, fresh_db) == structure(live, fresh_db)
    assert findings(offline) == findings(live)


def test_example_dump_and_live_scan_agree(mariadb, fresh_db):
    sql = mariadb_loadable(EXAMPLE.read_text())
    mariadb.execute_script(sql, fresh_db)
    live = scan(mariadb, fresh_db)
    offline = parse_dump(sql, str(EXAMPLE), default_schema=fresh_db)
    assert structure(offline, fresh_db) == structure(live, fresh_db)
    found = findings(live)
    assert found == findings(offline)
    # planted problems fire ...
    for expected in [("reservedKeywords", "column", "leaderboard", "rank"), ("utf8mb3", "column", "groups", "name"),
                     ("zeroDates", "column", "orders", "placed_at"), ("removedFunctions", "routine", "hash_password", None),
                     ("groupbyAscSyntax", "routine", "order_report", None),
                     ("enumSetElementLength", "column", "system_settings", "kind"),
                     ("nonNativePartitioning", "table", "audit_log", None),
                     ("obsoleteSqlModeFlags", "routine", "hash_password", None),
                     ("depreciatedSyntax", "routine", "order_report", None)]:
        assert expected in found, expected
    # ... and the traps do not
    assert not {f for f in found if f[0] == "removedFunctions" and f[2] in ("order_report", "season_ranks")}
    assert not {f for f in found if f[3] in ("password", "rank_value")}
    assert not {f for f in found if f[0] == "groupbyAscSyntax" and f[2] in ("season_ranks", "purge_sessions")}
    assert not {f for f in found if f[0] == "depreciatedSyntax" and f[2] in ("purge_sessions", "v_order_totals")}
    assert not {f for f in found if f[0] == "reservedKeywords" and f[1] in ("trigger", "routine")}


def _general_log_statements(path: Path, thread_id: int) -> list[str]:
    """Query statements of one connection from a MariaDB general log file (multi-line aware)."""
    head = re.compile(r"^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+(\d+)\s+([A-Za-z]+(?: [A-Za-z]+)?)\t(.*)$")
    entries: list[list] = []
    for line in path.read_text(errors="replace").splitlines():
        m = head.match(line)
        if m:
            entries.append([int(m.group(1)), m.group(2), m.group(3)])
        elif entries:
            entries[-1][2] += "\n" + line
    return [text for tid, command, text in entries if tid == thread_id and command in ("Query", "Execute", "Prepare")]


def test_scan_sends_no_write(mariadb, fresh_db, tmp_path):
    """Nor do its spare sessions: each is read-only before its one read."""
    mariadb.execute_script(HANDWRITTEN.read_text(), fresh_db)
    log = tmp_path / "general.log"
    spares: list[int] = []

    def spare():
        conn = mariadb.connect()
        spares.append(conn.thread_id())
        return conn

    with mariadb.connect() as admin, admin.cursor() as cur, mariadb.connect() as conn:
        cur.execute("SET GLOBAL general_log_file = %s", (str(log),))
        cur.execute("SET GLOBAL general_log = ON")
        try:
            cat = collect_live(conn, [fresh_db], spare=spare)
        finally:
            cur.execute("SET GLOBAL general_log = OFF")
        thread_id = conn.thread_id()
    assert cat.complete and cat.tables and len(spares) == 4  # columns, indexes, views, triggers
    for session in (thread_id, *spares):
        sent = [s for s in _general_log_statements(log, session) if s != "SET NAMES utf8mb4"]  # the driver's
        assert len(sent) >= (15 if session == thread_id else 2)  # the filter really found the scan's statements
        allowed = ("SELECT", "SHOW", "SET SESSION", "XA RECOVER")
        offending = [s for s in sent if not s.lstrip().upper().startswith(allowed)]
        assert offending == []
        assert sent[0].upper().startswith("SET SESSION TRANSACTION READ ONLY")


def test_spare_sessions_read_what_the_scan_session_would(mariadb, fresh_db):
    """Issue 23: the biggest reads start on spare sessions while the rows before them are read. The catalog
    is the one a single session reads; a spare that cannot connect leaves its statement to the scan's own
    session."""
    mariadb.execute_script(HANDWRITTEN.read_text(), fresh_db)
    with mariadb.connect() as conn:
        alone = collect_live(conn, [fresh_db])
    with mariadb.connect() as conn:
        spared = collect_live(conn, [fresh_db], spare=mariadb.connect)

    def refused():
        raise OSError("too many connections")

    with mariadb.connect() as conn:
        no_spare = collect_live(conn, [fresh_db], spare=refused)
    for cat in (spared, no_spare):
        cat.source, cat.server = alone.source, alone.server
        assert cat.to_json() == alone.to_json()



def test_lost_connection_returns_a_partial_catalog(mariadb, fresh_db):
    mariadb.execute_script(HANDWRITTEN.read_text(), fresh_db)
    phases: list[str] = []
    with mariadb.connect() as admin, admin.cursor() as cur:
        conn = mariadb.connect()

        def kill_during_columns(phase: str) -> None:
            phases.append(phase)
            if phase == "columns":
                cur.execute(f"KILL CONNECTION {conn.thread_id()}")

        cat = collect_live(conn, [fresh_db], progress=kill_during_columns)
    assert cat.complete is False
    assert "columns" in cat.incomplete_reason and "connection lost" in cat.incomplete_reason
    assert "\n" not in cat.incomplete_reason
    assert {t.name for t in cat.tables} >= {"customers", "products"}  # what was read before the kill is kept
    assert all(t.columns == [] for t in cat.tables)
    assert phases[-1] == "columns"
    Catalog.from_dict(cat.to_dict())  # the partial catalog can still be written as a snapshot


def test_server_facts_xa_transactions_and_accounts(mariadb, fresh_db):
    xid = f"upg-{uuid.uuid4().hex[:8]}"
    with mariadb.connect(fresh_db) as xa, xa.cursor() as xcur, mariadb.connect(fresh_db) as trx, trx.cursor() as tcur:
        xcur.execute("CREATE TABLE k (id int primary key) ENGINE=InnoDB")
        xcur.execute(f"XA START '{xid}'")
        xcur.execute("INSERT INTO k VALUES (1)")
        xcur.execute(f"XA END '{xid}'")
        xcur.execute(f"XA PREPARE '{xid}'")
        tcur.execute("BEGIN")
        tcur.execute("INSERT INTO k VALUES (2), (3)")
        try:
            cat = scan(mariadb, fresh_db)
        finally:
            tcur.execute("ROLLBACK")
            xcur.execute(f"XA ROLLBACK '{xid}'")
    s = cat.server
    assert "MariaDB" in s.version and s.known and s.sql_mode is not None
    assert {"lower_case_table_names", "sql_mode", "character_set_server", "event_scheduler"} <= set(s.variables)
    assert any(x["data"] == xid for x in s.xa_prepared)
    assert any(t["rows_modified"] >= 2 and t["trx_state"] == "RUNNING" for t in s.transactions)
    assert isinstance(s.history_list_length, int)
    assert "'root'@'localhost'" in s.users
    assert {"user", "proc", "db"} <= set(s.mysql_tables)
    assert s.extra["statement_timeout"] == "max_statement_time=60s"
    text = cat.to_json()
    assert ROOT_PASSWORD not in text
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute("SELECT authentication_string FROM mysql.user WHERE authentication_string <> ''")
        hashes = [r[0] for r in cur.fetchall()]
    assert hashes and not any(h in text for h in hashes)


def test_every_global_variable_is_read_but_none_that_can_hold_a_credential(mariadb, fresh_db):
    cat = scan(mariadb, fresh_db)
    v = cat.server.variables
    # what removedSysVars / sysVarsNewDefaults read, without the collector having to list them
    assert {"explicit_defaults_for_timestamp", "innodb_autoinc_lock_mode", "max_allowed_packet"} <= set(v)
    assert len(v) > 300
    assert not [n for n in v if "password" in n or n.startswith("init_") or n.endswith("_auth")]
    # MariaDB has neither Aurora v2's DDL recovery tables nor MySQL 5.7's show_old_temporals:
    # both are recorded as unavailable and the scan goes on.
    unavailable = cat.server.extra["unavailable"]
    assert "ddl_log_rows" in unavailable and "show_old_temporals" in unavailable
    assert "show_old_temporals" not in v and "ddl_log_rows" not in cat.server.extra


def test_tables_in_the_system_tablespace_are_seen(mariadb, fresh_db):
    """A table created with innodb_file_per_table=OFF lives in InnoDB's system tablespace (space 0)."""
    with mariadb.connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("SET GLOBAL innodb_file_per_table = OFF")
        try:
            cur.execute("CREATE TABLE shared_t (id int primary key) ENGINE=InnoDB")
        finally:
            cur.execute("SET GLOBAL innodb_file_per_table = ON")
        cur.execute("CREATE TABLE own_file_t (id int primary key) ENGINE=InnoDB")
    cat = scan(mariadb, fresh_db)
    assert cat.table(fresh_db, "shared_t").tablespace == "innodb_system"
    assert cat.table(fresh_db, "own_file_t").tablespace is None


def test_processlist_shows_busy_sessions_with_secrets_redacted(mariadb, fresh_db):
    with mariadb.connect() as busy:
        worker = threading.Thread(target=lambda: busy.cursor().execute(
            "SELECT SLEEP(4), 'IDENTIFIED BY' AS x, PASSWORD('hunter2-canary')"))
        worker.start()
        try:
            for _ in range(50):
                cat = scan(mariadb, fresh_db)
                if any("SLEEP" in (p["info"] or "") for p in cat.server.processlist):
                    break
        finally:
            worker.join()
    rows = [p for p in cat.server.processlist if "SLEEP" in (p["info"] or "")]
    assert rows and rows[0]["command"] == "Query"
    assert "hunter2-canary" not in cat.to_json()


def test_redaction_only_touches_statements_that_may_carry_secrets():
    assert redact_statement("SELECT 'x' FROM t") == "SELECT 'x' FROM t"
    assert redact_statement("ALTER USER 'a'@'%' IDENTIFIED BY 's3cret'") == \
        "ALTER USER '<redacted>'@'<redacted>' IDENTIFIED BY '<redacted>'"
    assert redact_statement(None) is None


def test_round_trips_do_not_grow_with_the_number_of_tables(mariadb, fresh_db):
    other = f"t_{uuid.uuid4().hex[:10]}"
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{other}`")
        for n in range(3):
            cur.execute(f"CREATE TABLE `{fresh_db}`.t{n} (id int primary key, v varchar(10))")
        for n in range(60):
            cur.execute(f"CREATE TABLE `{other}`.t{n} (id int primary key, v varchar(10), KEY (v))")
    try:
        small, large = scan(mariadb, fresh_db), scan(mariadb, other)
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute(f"DROP DATABASE `{other}`")
    assert (len(small.tables), len(large.tables)) == (3, 60)
    # one bulk query per object kind and server fact: 32 with the privileges phase (issue 12) and
    # I_S.FILES, INNODB_SYS_COLUMNS and the sessions' sql_mode (issue 10)
    assert small.server.extra["round_trips"] == large.server.extra["round_trips"] <= 32


def test_missing_privileges_are_recorded_not_fatal(mariadb, fresh_db):
    mariadb.execute_script(HANDWRITTEN.read_text(), fresh_db)
    user, password = f"ro_{uuid.uuid4().hex[:6]}", "ro-Pw-canary-123"
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute(f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY %s", (password,))
        cur.execute(f"GRANT SELECT, EXECUTE ON `{fresh_db}`.* TO '{user}'@'127.0.0.1'")
    try:
        import pymysql

        with pymysql.connect(host=mariadb.host, port=mariadb.port, user=user, password=password) as conn:
            cat = collect_live(conn, [fresh_db])
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute(f"DROP USER '{user}'@'127.0.0.1'")
    # SELECT and EXECUTE show every table and routine, but information_schema hides triggers without
    # TRIGGER and events without EVENT, the code of views without SHOW VIEW and of other definers'
    # routines, and the mysql/sys tables; mysql.user and mysql.proc are denied: the scan says so
    # instead of passing on what it could not see (the report then marks the checks that read them)
    assert set(cat.unreadable) == {"triggers", "events", "views", "routines", "server.mysql_tables",
                                   "server.extra.sys_base_tables", "server.processlist", "server.users",
                                   "server.extra.user_plugins", "server.orphaned_routines",
                                   "server.extra.sessions_allowing_zero_dates", "server.extra.ddl_log_rows",
                                   # information_schema.INNODB_* need PROCESS
                                   "server.transactions", "server.history_list_length", "tablespaces",
                                   "server.extra.innodb_tables", "server.extra.old_geometry_columns"}
    assert cat.complete  # incompleteness is the report's call: only checks that read these are not run
    assert "lacks TRIGGER" in cat.unreadable["triggers"] and "lacks EVENT" in cat.unreadable["events"]
    assert "(1142)" in cat.unreadable["server.users"] and "lacks PROCESS" in cat.unreadable["server.processlist"]
    assert {"users", "orphaned_routines"} <= set(cat.server.extra["unavailable"])
    assert len(cat.tables) == 7
    hidden = {r.name for r in cat.routines if r.body is None}
    assert hidden == {"price_with_tax", "restock"}  # bodies of root's routines are not visible to this account
    assert {i.object_name for i in cat.issues if i.object_type == "routine"} == hidden
    assert password not in cat.to_json()


def _live_test_schemas(mariadb) -> list[str]:
    """Every schema the live tests load: each live check case, the example dump and the handwritten
    schema, one database each (dropped by the caller)."""
    from tests.test_check_cases import _all_cases

    scripts = [mariadb_loadable(EXAMPLE.read_text(encoding="utf-8")), HANDWRITTEN.read_text(encoding="utf-8")]
    scripts += [p.values[1]["sql"] for p in _all_cases() if "sql" in p.values[1] and p.values[1].get("live", True)]
    names = []
    for sql in scripts:
        name = f"t_{uuid.uuid4().hex[:10]}"
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
        names.append(name)
        mariadb.execute_script(sql, database=name)
    return names


def test_foreign_keys_and_partitions_read_below_the_floor_give_the_same_catalog(mariadb, monkeypatch):
    """Issue 23: foreign keys from InnoDB's dictionary (MariaDB has INNODB_SYS_FOREIGN under 5.7's name)
    and partitions read only for tables marked partitioned give the catalog, so the findings, that
    KEY_COLUMN_USAGE and an unfiltered PARTITIONS gave, on every live test schema."""
    import upgrade_cli.precheck.collect.live as live

    schemas = _live_test_schemas(mariadb)
    try:
        sent: list[str] = []
        stream = live._Scan.stream

        def recording(self, sql, args=None):
            sent.append(sql)
            return stream(self, sql, args)

        monkeypatch.setattr(live._Scan, "stream", recording)
        monkeypatch.setattr(live, "_NAMES_PER_QUERY", 2)  # several PARTITIONS reads, split across schemas
        with mariadb.connect() as conn:
            now = collect_live(conn, schemas)
        monkeypatch.setattr(live._Scan, "stream", stream)
        monkeypatch.setattr(live, "_innodb_foreign_keys", lambda scan, ctx: None)  # KEY_COLUMN_USAGE, as before
        monkeypatch.setattr(live, "_packs_tables", lambda scan: False)  # COLUMNS and STATISTICS row by row
        with mariadb.connect() as conn:
            before = collect_live(conn, schemas)
            with conn.cursor() as cur:  # every partitioned table, as the unfiltered query read them
                cur.execute("SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME FROM information_schema.PARTITIONS "
                            f"WHERE TABLE_SCHEMA IN ({','.join(['%s'] * len(schemas))}) "
                            "AND PARTITION_NAME IS NOT NULL", schemas)
                partitioned = set(cur.fetchall())
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            for name in schemas:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    assert not any("KEY_COLUMN_USAGE" in sql for sql in sent)  # the dictionary was read, not the fallback
    assert sum("GROUP_CONCAT" in sql for sql in sent) == 2  # COLUMNS and STATISTICS, a table per row
    assert sum("information_schema.PARTITIONS" in sql for sql in sent) == (len(partitioned) + 1) // 2
    assert sum(len(t.foreign_keys) for t in now.tables) >= 5 and len(partitioned) >= 3  # the test has work to do
    assert {(t.schema, t.name) for t in now.tables if t.partitions} == partitioned
    now.source, now.server = before.source, before.server  # when it ran and the server's live counters
    assert now.to_json() == before.to_json()
    key = lambda f: (f.check_id, f.location, f.message)  # noqa: E731
    assert sorted(map(key, run_checks(now).findings)) == sorted(map(key, run_checks(before).findings))


# Values a packed read must not take for its separators or its NULLs: ASCII unit and record separators in
# comments and defaults, '=' where NULL travels as '=value', empty strings beside NULLs, and two tables
# whose names differ only in case (MariaDB on Linux keeps both; the server's IN and ORDER BY fold case).
PACKING_TRAPS = """
CREATE TABLE t (
  a INT NOT NULL COMMENT 'unit \x1f and record \x1e inside',
  b VARCHAR(20) DEFAULT '\x1e\x1f' COMMENT '',
  c VARCHAR(20) DEFAULT '=' ,
  d VARCHAR(20) DEFAULT '',
  e VARCHAR(20) NULL,
  f TEXT CHARACTER SET latin1 COMMENT '=x',
  KEY k_b (b(3)) COMMENT 'index \x1e comment',
  KEY k_cd (c, d)
) COMMENT 'table';
CREATE TABLE T (x INT PRIMARY KEY, y INT GENERATED ALWAYS AS (x + 1) VIRTUAL, z POINT NOT NULL, SPATIAL KEY (z));
CREATE TABLE wide (%s);
CREATE VIEW v AS SELECT a, b FROM t;
"""


def test_tables_read_one_per_row_give_the_catalog_read_row_by_row(mariadb, monkeypatch):
    """Issue 23: COLUMNS and STATISTICS packed one table per row (GROUP_CONCAT) give the catalog the rows
    gave, on every live test schema and on values built to break the packing; a table whose packed value
    does not add up (here: cut short by a small group_concat_max_len) is read again row by row."""
    import upgrade_cli.precheck.collect.live as live

    schemas = _live_test_schemas(mariadb)
    traps = f"t_{uuid.uuid4().hex[:10]}"
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{traps}`")
    wide = ", ".join(f"c{i} INT COMMENT 'column {i}'" for i in range(300))
    mariadb.execute_script(PACKING_TRAPS % wide, database=traps)
    schemas.append(traps)
    sent: list[tuple[str, list[str]]] = []
    stream = live._Scan.stream

    def read_again() -> list[list[str]]:
        """The (schema, table) names read again row by row, from the statements sent."""
        found = [args for sql, args in sent if "GROUP_CONCAT" not in sql and "information_schema.COLUMNS" in sql]
        sent.clear()
        return found

    try:
        monkeypatch.setattr(live._Scan, "stream", lambda self, sql, args=None: sent.append((sql, args)) or
                            stream(self, sql, args))
        with mariadb.connect() as conn:
            packed = collect_live(conn, schemas, spare=mariadb.connect)  # and the two big reads on spares
        again_packed = read_again()
        monkeypatch.setattr(live, "_packs_tables", lambda scan: scan.query("SET SESSION group_concat_max_len = 400")
                            is not None)
        with mariadb.connect() as conn:
            cut_short = collect_live(conn, schemas)
        again_cut_short = read_again()
        monkeypatch.setattr(live._Scan, "stream", stream)
        monkeypatch.setattr(live, "_packs_tables", lambda scan: False)
        with mariadb.connect() as conn:
            by_rows = collect_live(conn, schemas)
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            for name in schemas:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    trap = {t.name: t for t in by_rows.tables if t.schema == traps}
    assert set(trap) == {"t", "T", "wide"} and len(trap["wide"].columns) == 300
    assert trap["t"].columns[0].comment == "unit \x1f and record \x1e inside"
    assert [c.default for c in trap["t"].columns[1:5]] == ["\x1e\x1f", "=", "", None]
    assert again_packed == [[traps, "t", "v"]]  # separators in a comment and a default: read again by name
    assert len(again_cut_short) == 1 and {traps, "wide", "t"} <= set(again_cut_short[0])  # cut short, read again
    for cat in (packed, cut_short):
        cat.source, cat.server = by_rows.source, by_rows.server  # when it ran and the server's live counters
        assert cat.to_json() == by_rows.to_json()
