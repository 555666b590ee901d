"""Server-state checks against REAL states of the MariaDB test server, collected with ``collect_live``.

Each test creates a state on its own connection (a prepared XA transaction, an open transaction,
DDL waiting on a metadata lock, an orphaned routine, ...), scans the server with a separate
read-only connection, runs the one check, and undoes the state. Where MariaDB 10.11 differs from
MySQL 5.7 the test says so.
"""

from __future__ import annotations

import threading
import time
import uuid

import upgrade_cli.checks.server as server_checks
from upgrade_cli.checks.registry import Severity, get_check
from upgrade_cli.precheck.collect.live import collect_live


def scan(mariadb, schemas):
    with mariadb.connect() as conn:
        return collect_live(conn, schemas=schemas)


def run(check_id, catalog):
    return list(get_check(check_id).func(catalog))


def test_prepared_xa_transaction_is_found_with_its_xid(mariadb, fresh_db):
    gtrid = f"h4-{uuid.uuid4().hex[:8]}"
    xid = f"'{gtrid}','br',7"
    owner = mariadb.connect(fresh_db)
    try:
        with owner.cursor() as cur:
            cur.execute("CREATE TABLE t (id INT PRIMARY KEY)")
            cur.execute(f"XA START {xid}")
            cur.execute("INSERT INTO t VALUES (1)")
            cur.execute(f"XA END {xid}")
            cur.execute(f"XA PREPARE {xid}")
        catalog = scan(mariadb, [fresh_db])
        findings = run("auroraUpgradeCheckForIncompleteXATransactions", catalog)
        want = f"X'{gtrid.encode().hex()}',X'{b'br'.hex()}',7"
        mine = [f for f in findings if want in f.message]
        assert len(mine) == 1 and mine[0].severity is Severity.error
        assert mine[0].fix == f"XA COMMIT {want};  -- or: XA ROLLBACK {want};"
    finally:
        # MariaDB: only the owning session may end an XA it still holds (others get XAER_NOTA).
        with owner.cursor() as cur:
            cur.execute(f"XA ROLLBACK {xid}")
        owner.close()
    after = run("auroraUpgradeCheckForIncompleteXATransactions", scan(mariadb, [fresh_db]))
    assert not [f for f in after if gtrid.encode().hex() in f.message]


def test_xa_rollback_with_the_generated_fix_from_another_session(mariadb, fresh_db):
    """The fix text is runnable: a prepared XA whose session is gone is rolled back with it."""
    gtrid = f"h4-{uuid.uuid4().hex[:8]}"
    owner = mariadb.connect(fresh_db)
    with owner.cursor() as cur:
        cur.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        cur.execute(f"XA START '{gtrid}'")
        cur.execute("INSERT INTO t VALUES (1)")
        cur.execute(f"XA END '{gtrid}'")
        cur.execute(f"XA PREPARE '{gtrid}'")
    owner.close()  # MariaDB ≥ 10.5 (like MySQL 5.7.7+) keeps the prepared XA after the client disconnects
    try:
        for _ in range(50):  # the server detaches the XA from the closed session asynchronously
            found = [f for f in run("auroraUpgradeCheckForIncompleteXATransactions", scan(mariadb, [fresh_db]))
                     if gtrid.encode().hex() in f.message]
            if found:
                break
            time.sleep(0.1)
        assert len(found) == 1
        rollback = found[0].fix.split("--")[1].replace("or:", "").strip()
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute(rollback)
            gtrid = None
    finally:
        if gtrid:
            with mariadb.connect() as admin, admin.cursor() as cur:
                cur.execute(f"XA ROLLBACK '{gtrid}'")


def test_open_transaction_with_modified_rows(mariadb, fresh_db, monkeypatch):
    holder = mariadb.connect(fresh_db)
    try:
        with holder.cursor() as cur:
            cur.execute("CREATE TABLE t (id INT PRIMARY KEY)")
            cur.execute("START TRANSACTION")
            cur.execute("INSERT INTO t VALUES (1), (2), (3)")
        catalog = scan(mariadb, [fresh_db])
        open_trx = [t for t in catalog.server.transactions if int(t.get("rows_modified") or 0) == 3]
        assert len(open_trx) == 1, catalog.server.transactions
        # 3 rows are far below AWS's 10M threshold: the real threshold stays quiet ...
        assert run("auroraUpgradeCheckForUncommittedRowModifications", catalog) == []
        # ... and with a threshold a test server can reach, the same real transaction is reported.
        monkeypatch.setattr(server_checks, "UNCOMMITTED_ROWS_THRESHOLD", 2)
        findings = run("auroraUpgradeCheckForUncommittedRowModifications", catalog)
        assert [f.object_name for f in findings] == [f"trx {open_trx[0]['trx_id']}"]
        assert "3 uncommitted row modifications" in findings[0].message
    finally:
        holder.rollback()
        holder.close()


def test_history_list_length_is_read_from_the_server(mariadb, fresh_db, monkeypatch):
    catalog = scan(mariadb, [fresh_db])
    hll = catalog.server.history_list_length
    assert isinstance(hll, int) and hll >= 0  # MariaDB 10.11 has trx_rseg_history_len in INNODB_METRICS, like 5.7
    assert run("auroraUpgradeCheckForRollbackSegmentHistoryLength", catalog) == []  # an idle test server
    monkeypatch.setattr(server_checks, "HISTORY_LIST_LENGTH_THRESHOLD", -1)
    findings = run("auroraUpgradeCheckForRollbackSegmentHistoryLength", catalog)
    assert len(findings) == 1 and f"{hll:,}" in findings[0].message


def test_ddl_waiting_on_a_metadata_lock_is_running_ddl(mariadb, fresh_db):
    blocker = mariadb.connect(fresh_db)
    ddl_conn = mariadb.connect(fresh_db)
    errors: list[BaseException] = []
    with blocker.cursor() as cur:
        cur.execute("CREATE TABLE orders (id INT PRIMARY KEY)")
        cur.execute("START TRANSACTION")
        cur.execute("SELECT * FROM orders")  # holds a shared metadata lock until commit

    def alter():
        try:
            with ddl_conn.cursor() as c:
                c.execute("SET SESSION lock_wait_timeout = 60")
                c.execute("ALTER TABLE orders ADD COLUMN note VARCHAR(20)")
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    worker = threading.Thread(target=alter)
    worker.start()
    try:
        findings = []
        for _ in range(100):  # until the ALTER shows up in the processlist
            findings = run("auroraCheckDDLRecovery", scan(mariadb, [fresh_db]))
            findings = [f for f in findings if "ADD COLUMN note" in f.message]
            if findings:
                break
            time.sleep(0.05)
        assert len(findings) == 1
        assert findings[0].object_name == f"connection {ddl_conn.thread_id()}"
        assert findings[0].severity is Severity.error
    finally:
        blocker.commit()
        worker.join(60)
        blocker.close()
        ddl_conn.close()
    assert not errors
    quiet = [f for f in run("auroraCheckDDLRecovery", scan(mariadb, [fresh_db])) if "ADD COLUMN note" in f.message]
    assert quiet == []


def test_orphaned_routine_in_mysql_proc(mariadb):
    """MariaDB, like MySQL 5.7, keeps routines in mysql.proc, so a row for a dropped schema is a real orphan."""
    gone = f"gone_{uuid.uuid4().hex[:8]}"
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute(
            "INSERT INTO mysql.proc (db, name, type, specific_name, language, sql_data_access, is_deterministic, "
            "security_type, param_list, returns, body, definer, created, modified, sql_mode, comment, "
            "character_set_client, collation_connection, db_collation, body_utf8) VALUES "
            "(%s, 'refresh_totals', 'PROCEDURE', 'refresh_totals', 'SQL', 'CONTAINS_SQL', 'NO', 'DEFINER', '', '', "
            "'BEGIN END', 'root@localhost', NOW(), NOW(), '', '', 'utf8mb4', 'utf8mb4_general_ci', "
            "'utf8mb4_general_ci', 'BEGIN END')", (gone,))
    try:
        catalog = scan(mariadb, None)
        findings = [f for f in run("orphanedObjects", catalog) if f.schema == gone]
        assert [(f.object_type, f.object_name) for f in findings] == [("routine", "refresh_totals")]
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute("DELETE FROM mysql.proc WHERE db = %s", (gone,))
    assert not [f for f in run("orphanedObjects", scan(mariadb, None)) if f.schema == gone]


def test_master_user_account_present_or_dropped(mariadb, fresh_db):
    name = f"h4master{uuid.uuid4().hex[:6]}"
    catalog = scan(mariadb, [fresh_db])
    catalog.server.extra["master_user"] = name  # what --master-user sets
    findings = run("auroraUpgradeCheckForMasterUser", catalog)
    assert [(f.object_type, f.severity) for f in findings] == [("user", Severity.error)]
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (name, uuid.uuid4().hex))
    try:
        catalog = scan(mariadb, [fresh_db])
        catalog.server.extra["master_user"] = name
        assert run("auroraUpgradeCheckForMasterUser", catalog) == []
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute("DROP USER %s@'%%'", (name,))


def test_quiet_and_mariadb_specific_server_facts(mariadb, fresh_db):
    with mariadb.connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (a INT)")
        cur.execute("CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1")
    catalog = scan(mariadb, [fresh_db])
    # Every trigger the server creates has a definer; lower_case_table_names is 0 on Linux.
    assert run("getTriggersWithNullDefiner", catalog) == []
    assert run("getValueOfVariablelower_case_table_names", catalog) == []
    # MariaDB ships sys with sys_config as its only base table, as MySQL 5.7 does.
    assert run("auroraUpgradeCheckForSysSchemaObjectTypeMismatch", catalog) == []
    # MariaDB has no show_old_temporals, so the check says it could not look instead of passing.
    old = run("oldTemporal", catalog)
    assert [(f.severity, "not checkable" in f.message) for f in old] == [(Severity.notice, True)]
    # MariaDB's own mysql.index_stats / mysql.table_stats (engine-independent statistics) are named like
    # 8.0 dictionary tables; MySQL 5.7's mysql schema has no such tables.
    collisions = {f.object_name for f in run("mysqlSchema", catalog)}
    assert collisions == {"index_stats", "table_stats"}



def test_check_table_runs_only_when_asked(mariadb, fresh_db):
    """--check-table is an opt-in: without it no CHECK TABLE is sent; with it every table is checked."""
    from upgrade_cli.checks.registry import run_checks
    from upgrade_cli.precheck.collect.live import collect_live

    mariadb.execute_script("CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (a INT) ENGINE=MyISAM;", fresh_db)
    with mariadb.connect() as conn:
        plain = collect_live(conn, schemas=[fresh_db])
    with mariadb.connect() as conn:
        checked = collect_live(conn, schemas=[fresh_db], check_table=True)
    assert "check_table" not in plain.server.extra
    assert checked.server.extra["check_table"] == []
    assert not [k for k in checked.server.extra.get("unavailable", {}) if k.startswith("CHECK TABLE")]
    assert checked.server.extra["round_trips"] == plain.server.extra["round_trips"] + 2  # one per table
    assert run_checks(plain).skipped["checkTableCommand"] == "not run: opt in with --check-table on a live scan"
    run = run_checks(checked, opted_in={"--check-table"})
    assert "checkTableCommand" not in run.skipped and not [f for f in run.findings if f.check_id == "checkTableCommand"]


def test_accounts_plugins_and_the_innodb_dictionary_read_live(mariadb, fresh_db):
    """The facts behind authMethodUsage, deprecatedRouterAuthMethod, pluginUsage, schemaInconsistency and
    engineMixup, read from the real server: a router account with mysql_native_password fires, a consistent
    schema (InnoDB, MyISAM and a partitioned table) does not."""
    router = f"mysql_router_{uuid.uuid4().hex[:6]}"
    mariadb.execute_script("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB; CREATE TABLE m (a INT) ENGINE=MyISAM;"
                           "CREATE TABLE p (id INT) ENGINE=InnoDB PARTITION BY HASH(id) PARTITIONS 2;", fresh_db)
    with mariadb.connect() as admin, admin.cursor() as cur:
        cur.execute(f"CREATE USER '{router}'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('x1')")
    try:
        catalog = scan(mariadb, [fresh_db])
    finally:
        with mariadb.connect() as admin, admin.cursor() as cur:
            cur.execute(f"DROP USER '{router}'@'localhost'")
    extra = catalog.server.extra
    assert extra["user_plugins"][f"'{router}'@'localhost'"] == "mysql_native_password"
    assert "InnoDB" in extra["active_plugins"]
    assert extra["innodb_tables"] == [f"{fresh_db}/p", f"{fresh_db}/t"]  # partitions folded, MyISAM not there
    assert [f.object_name for f in run("deprecatedRouterAuthMethod", catalog)] == [f"'{router}'@'localhost'"]
    native = {a for a, p in extra["user_plugins"].items() if p == "mysql_native_password"} - {f"'{router}'@'localhost'"}
    assert {f.object_name for f in run("authMethodUsage", catalog)} == native
    assert run("schemaInconsistency", catalog) == [] and run("engineMixup", catalog) == []
    assert run("pluginUsage", catalog) == [] and run("oldGeometryTypes", catalog) == []
