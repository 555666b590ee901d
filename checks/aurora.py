"""Aurora's own major-version prechecks (Aurora MySQL 2 → 3) that SQL metadata can see.

Ids are the ones Aurora writes into ``upgrade-prechecks.log``, so our findings line up with a real
precheck run. Thresholds follow the AWS precheck reference and troubleshooting pages. Checks that
need on-disk state live in :mod:`upgrade_cli.checks.not_checkable`; community server-side checks in
:mod:`upgrade_cli.checks.server`.
"""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._facts import (GEOMETRY_TYPES, char_name, hidden_characters, live_facts, max_bytes_per_char, non_bmp,
                           parse_account)
from upgrade_cli.checks.registry import Scope, Severity, check
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.sqltext import is_ddl, quote_ident


# AWS's examples: the precheck warns above these. AWS calls a history list length up to 100,000 "generally acceptable".
UNCOMMITTED_ROWS_THRESHOLD = 10_000_000
HISTORY_LIST_LENGTH_THRESHOLD = 1_000_000
HISTORY_LIST_LENGTH_ACCEPTABLE = 100_000


# --- running state: XA, big transactions, undo history, DDL -------------------------------------------------

def _xa_data(value, length: int) -> bytes:
    """XA RECOVER's ``data`` as bytes: the collector keeps UTF-8 text, or ``0x<hex>`` for other bytes."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value or "")
    if text.startswith("0x") and len(text) == 2 + 2 * length:
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            pass
    return text.encode("utf-8")


def xid_sql(row: dict) -> str:
    """The xid of an ``XA RECOVER`` row as SQL (hex literals: gtrid/bqual are arbitrary bytes)."""
    g = int(row.get("gtrid_length") or 0)
    b = int(row.get("bqual_length") or 0)
    data = _xa_data(row.get("data"), g + b)
    gtrid, bqual = data[:g], data[g:g + b]
    return f"X'{gtrid.hex()}',X'{bqual.hex()}',{int(row.get('formatID', row.get('formatid', 1)) or 0)}"


@check(
    id="auroraUpgradeCheckForIncompleteXATransactions",
    title="XA transactions in PREPARED state",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="XA transactions that were prepared but never committed or rolled back (rows of XA RECOVER).",
    why="A prepared XA transaction survives restarts and failovers and blocks the clean shutdown the "
        "upgrade needs, so Aurora cancels the upgrade while one exists.",
    example="XA START 'pay-42'; UPDATE accounts SET balance = balance - 10 WHERE id = 1; XA END 'pay-42'; "
            "XA PREPARE 'pay-42';  -- and the coordinator never finishes it",
    fix="Ask the transaction coordinator to finish it, or decide by hand: run XA RECOVER, then "
        "XA COMMIT <xid> or XA ROLLBACK <xid> for each row (our finding gives the xid as hex literals).",
)
def incomplete_xa(c, catalog: Catalog):
    for row in catalog.server.xa_prepared:
        xid = xid_sql(row)
        yield c.finding("server", f"prepared XA transaction {xid} is neither committed nor rolled back",
                        object_name=f"xa {xid}", fix=f"XA COMMIT {xid};  -- or: XA ROLLBACK {xid};")


@check(
    id="auroraUpgradeCheckForUncommittedRowModifications",
    title="Large uncommitted transactions",
    severity=Severity.warning, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects=f"Open transactions that modified more than {UNCOMMITTED_ROWS_THRESHOLD:,} rows "
            "(information_schema.INNODB_TRX.TRX_ROWS_MODIFIED), the threshold of AWS's example.",
    why="The upgrade's clean shutdown rolls back every uncommitted change first; rolling back millions "
        "of rows can take hours of extra downtime (see the troubleshooting page: " + doc_links.AURORA_UPGRADE_TROUBLESHOOTING + ").",
    example="START TRANSACTION; UPDATE events SET archived = 1;  -- 12M rows, left open",
    fix="Commit or roll back large transactions before the upgrade window; split big batch jobs into "
        "small committed chunks, and pause them during the upgrade.",
)
def uncommitted_rows(c, catalog: Catalog):
    for trx in catalog.server.transactions:
        rows = int(trx.get("rows_modified") or 0)
        if rows > UNCOMMITTED_ROWS_THRESHOLD:
            started = f", open for {trx['seconds']} s" if trx.get("seconds") is not None else ""
            yield c.finding("server", f"transaction {trx.get('trx_id')} has {rows:,} uncommitted row "
                            f"modifications{started}", object_name=f"trx {trx.get('trx_id')}",
                            fix="Let it commit, or roll it back, before starting the upgrade.")


@check(
    id="auroraUpgradeCheckForRollbackSegmentHistoryLength",
    title="High undo history list length",
    severity=Severity.warning, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects=f"An InnoDB history list length (trx_rseg_history_len) above {HISTORY_LIST_LENGTH_THRESHOLD:,}, "
            "the threshold of AWS's example.",
    why="The clean shutdown before the upgrade waits for purge to clear the undo history; a long list "
        f"means a long shutdown. AWS calls up to {HISTORY_LIST_LENGTH_ACCEPTABLE:,} generally acceptable.",
    example="SELECT count FROM information_schema.innodb_metrics WHERE name = 'trx_rseg_history_len';  -- 4500000",
    fix="Find and end long-running transactions (INNODB_TRX ordered by trx_started), let purge catch up "
        f"(watch CloudWatch RollbackSegmentHistoryListLength) and upgrade when it is below {HISTORY_LIST_LENGTH_ACCEPTABLE:,}.",
)
def history_list_length(c, catalog: Catalog):
    hll = catalog.server.history_list_length
    if hll is not None and hll > HISTORY_LIST_LENGTH_THRESHOLD:
        yield c.finding("server", f"history list length is {hll:,} (warning above {HISTORY_LIST_LENGTH_THRESHOLD:,}; "
                        f"AWS considers up to {HISTORY_LIST_LENGTH_ACCEPTABLE:,} generally acceptable)",
                        object_name="trx_rseg_history_len",
                        fix="End long-running transactions and wait for purge before the upgrade.")


@check(
    id="auroraCheckDDLRecovery",
    title="DDL running, or DDL recovery leftovers",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Schema-changing statements (ALTER/CREATE/DROP/RENAME/TRUNCATE/ANALYZE/OPTIMIZE/REPAIR) running in the "
            "processlist, and rows left in Aurora's DDL recovery tables mysql.ddl_log_md_table / "
            "mysql.ddl_log_table when the collector could count them.",
    why="Aurora cancels the upgrade while DDL is running, and leftovers of Aurora v2's DDL recovery "
        "cannot be carried into the 8.0 data dictionary.",
    example="ALTER TABLE orders ADD COLUMN note TEXT;  -- still running on another session",
    fix="Let running DDL finish (or stop it) and keep schema changes frozen during the upgrade; for "
        "leftovers in the DDL recovery tables, contact AWS Support.",
)
def ddl_running(c, catalog: Catalog):
    for p in catalog.server.processlist:
        if str(p.get("command") or "").lower() in ("sleep", "daemon"):
            continue
        if is_ddl(p.get("info")):
            info = " ".join(str(p.get("info")).split())[:120]
            yield c.finding("server", f"DDL running for {p.get('time')} s in connection {p.get('id')} "
                            f"({p.get('user')}): {info}", object_name=f"connection {p.get('id')}",
                            fix="Wait for this statement to finish, or stop it, before the upgrade.")
    for table, rows in sorted((catalog.server.extra.get("ddl_log_rows") or {}).items()):
        if int(rows or 0) > 0:
            yield c.finding("table", f"{rows} row(s) left in the DDL recovery table mysql.{table}",
                            schema="mysql", object_name=table, fix="Contact AWS Support before the upgrade.")


# --- characters utf8mb3 metadata cannot hold ------------------------------------------------------------

def _non_bmp_message(what: str, chars: list[str]) -> str:
    shown = ", ".join(f"{ch} ({char_name(ch)})" for ch in chars[:5])
    return f"{what} contains characters outside the BMP, invalid in utf8mb3: {shown}"


_NON_BMP_WHY = ("Aurora MySQL 2 stored this text in utf8mb3 metadata without rejecting 4-byte characters; "
                "the 8.0 data dictionary migration validates it as utf8mb3 and stops on them.")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3CharacterStringInViews",
    title="Characters outside the BMP in view definitions",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="View definitions that contain characters outside the Basic Multilingual Plane (emoji, "
            "rare CJK: 4-byte UTF-8).",
    why=_NON_BMP_WHY,
    example="CREATE VIEW greetings AS SELECT CONCAT(name, ' 🎉') AS label FROM users;",
    fix="Recreate the view without the character, e.g. build it with CHAR(0xF09F8E89 USING utf8mb4) or "
        "read it from a table instead of a literal.",
)
def non_bmp_views(c, catalog: Catalog):
    for v in catalog.views:
        chars = non_bmp(v.definition)
        if chars:
            yield c.finding("view", _non_bmp_message("view definition", chars), schema=v.schema, object_name=v.name,
                            fix="Recreate the view (CREATE OR REPLACE VIEW) without 4-byte characters in its text.")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3TableComments",
    title="Characters outside the BMP in table comments",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Table comments that contain 4-byte UTF-8 characters.",
    why=_NON_BMP_WHY,
    example="CREATE TABLE orders (id INT) COMMENT 'orders 📦';",
    fix="ALTER TABLE ... COMMENT = '<text without the character>'.",
)
def non_bmp_table_comments(c, catalog: Catalog):
    for t in catalog.tables:
        chars = non_bmp(t.comment)
        if chars:
            yield c.finding("table", _non_bmp_message("table comment", chars), schema=t.schema, object_name=t.name,
                            fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} COMMENT = "
                                "'<comment without 4-byte characters>';")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3ColumnComments",
    title="Characters outside the BMP in column comments",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Column comments that contain 4-byte UTF-8 characters.",
    why=_NON_BMP_WHY,
    example="CREATE TABLE t (status INT COMMENT '1 = ✅ 2 = 🚫');",
    fix="ALTER TABLE ... MODIFY the column with the same definition and a comment without the character.",
)
def non_bmp_column_comments(c, catalog: Catalog):
    for t in catalog.tables:
        for col in t.columns:
            chars = non_bmp(col.comment)
            if chars:
                yield c.finding("column", _non_bmp_message("column comment", chars), schema=t.schema,
                                object_name=t.name, column=col.name,
                                fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} MODIFY "
                                    f"{quote_ident(col.name)} {col.column_type} ... COMMENT '<without 4-byte characters>';")


@check(
    id="auroraUpgradeCheckForInvalidUtf8mb3IndexComments",
    title="Characters outside the BMP in index comments",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Index comments that contain 4-byte UTF-8 characters.",
    why=_NON_BMP_WHY,
    example="CREATE TABLE t (a INT, KEY a_idx (a) COMMENT 'hot path 🔥');",
    fix="Drop and recreate the index with a comment without the character.",
)
def non_bmp_index_comments(c, catalog: Catalog):
    for t in catalog.tables:
        for ix in t.indexes:
            chars = non_bmp(ix.comment)
            if chars:
                yield c.finding("index", _non_bmp_message(f"comment of index {ix.name}", chars), schema=t.schema,
                                object_name=t.name, column=ix.name,
                                fix="Drop and re-add the index with a comment without 4-byte characters "
                                    "(one ALTER TABLE ... DROP INDEX ..., ADD INDEX ... COMMENT '...').")


# --- object shapes 8.0 rejects --------------------------------------------------------------------------

@check(
    id="auroraUpgradeCheckForViewColumnNameLength",
    title="View column names longer than 64 characters",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Views whose column names (often generated from an expression with no alias) are longer than 64 characters.",
    why="5.7 accepted long auto-generated view column names; the 8.0 data dictionary limits column names "
        "to 64 characters, so the view cannot be migrated.",
    example="CREATE VIEW v AS SELECT CONCAT(first_name, ' ', last_name, ' <', email_address, '>', ' - ', phone_number) FROM people;",
    fix="Recreate the view with a short alias for each such column (SELECT ... AS contact).",
)
def view_column_name_length(c, catalog: Catalog):
    for v in catalog.views:
        for name in v.columns:
            if len(name) > 64:
                yield c.finding("view", f"view column name is {len(name)} characters long (limit 64)",
                                schema=v.schema, object_name=v.name, column=name,
                                fix="Recreate the view with a short alias (AS ...) for this column.")


@check(
    id="auroraUpgradeCheckForPrefixIndexOnGeometryColumns",
    title="Prefix indexes on geometry columns",
    severity=Severity.error, source="aurora", since="8.0.12", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Non-spatial indexes that index a geometry-typed column with a prefix length (KEY (g(32))). "
            "SPATIAL indexes are not reported: the server lists a sub-part for them that is not a user prefix.",
    why="From 8.0.12 a prefix length on a geometry column is rejected, so the table definition cannot be migrated.",
    example="CREATE TABLE shapes (g GEOMETRY NOT NULL, KEY g_prefix (g(32))) ENGINE=InnoDB;",
    fix="Drop the prefix index; use a SPATIAL INDEX on the (NOT NULL, SRID-restricted) column instead.",
)
def geometry_prefix_index(c, catalog: Catalog):
    for t in catalog.tables:
        for ix in t.indexes:
            if ix.index_type.upper() == "SPATIAL":
                continue
            for part in ix.parts:
                col = t.column(part.column)
                if col and col.data_type in GEOMETRY_TYPES and part.sub_part is not None:
                    yield c.finding("index", f"index {ix.name} uses a prefix ({part.sub_part}) on geometry column "
                                    f"{col.name}", schema=t.schema, object_name=t.name, column=ix.name,
                                    fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} DROP INDEX "
                                        f"{quote_ident(ix.name)};  -- then ADD SPATIAL INDEX on the column if needed")


@check(
    id="auroraUpgradeCheckIndexLengthLimitOnTinyColumns",
    title="Index prefixes over 255 bytes on TINYTEXT/TINYBLOB",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    aliases=("auroraUpgradeCheckIndexLengthLimitOnTinytext",),
    detects="Indexes on TINYTEXT or TINYBLOB columns whose prefix is longer than 255 bytes, counting "
            "characters times the column's bytes per character (with utf8mb4, over 63 characters).",
    why="A TINYTEXT value holds at most 255 bytes; 5.7 accepted a longer prefix in characters, 8.0 rejects "
        "the definition, so the table cannot be migrated.",
    example="CREATE TABLE notes (title TINYTEXT CHARACTER SET utf8mb4, KEY (title(100)));",
    fix="Recreate the index with a prefix of at most 255 bytes (63 characters for utf8mb4, 85 for utf8mb3), "
        "or change the column to VARCHAR.",
)
def tiny_column_prefix(c, catalog: Catalog):
    for t in catalog.tables:
        for ix in t.indexes:
            for part in ix.parts:
                col = t.column(part.column)
                if not col or col.data_type not in ("tinytext", "tinyblob") or part.sub_part is None:
                    continue
                per_char = 1 if col.data_type == "tinyblob" else max_bytes_per_char(col.charset)
                size = part.sub_part * per_char
                if size > 255:
                    yield c.finding("index", f"index {ix.name} prefix {part.sub_part} on {col.data_type.upper()} "
                                    f"{col.name} is {size} bytes (limit 255)", schema=t.schema, object_name=t.name,
                                    column=ix.name,
                                    fix=f"Recreate {quote_ident(ix.name)} with a prefix of at most "
                                        f"{255 // per_char} {'bytes' if per_char == 1 else 'characters'}.")


@check(
    id="auroraUpgradeCheckForSpecialCharactersInProcedures",
    title="Hidden or special characters in stored routine bodies",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Stored procedure and function bodies with invisible or special characters in the code itself "
            "(outside string literals, quoted identifiers and comments): no-break space (\\xa0), zero-width "
            "and bidirectional marks, byte-order marks, soft hyphens, control characters.",
    why="The upgrade re-parses every routine body while it moves routines into the 8.0 data dictionary. "
        "5.7 accepted such characters as whitespace when the routine was created through a latin1 "
        "connection (0xA0 is a space there); 8.0 reads the body as UTF-8 and the parse fails. Inside "
        "string literals they are data and parse fine.",
    example="CREATE PROCEDURE p() BEGIN\u00a0SELECT 1; END  -- a no-break space after BEGIN",
    fix="Recreate the routine with the characters replaced by plain spaces (or, inside string literals, by "
        "CHAR(...) expressions). SHOW CREATE PROCEDURE and a hex editor show where they are.",
)
def special_characters(c, catalog: Catalog):
    for r in catalog.routines:
        found = hidden_characters(r.body)
        if not found:
            continue
        names = sorted({char_name(ch) for _, ch in found})
        line = r.body[:found[0][0]].count("\n") + 1
        yield c.finding("routine", f"{r.kind.lower()} body contains {len(found)} hidden/special character(s) "
                        f"({', '.join(names)}), first on line {line} of the body", schema=r.schema,
                        object_name=r.name,
                        fix=f"Recreate {r.kind.upper()} {quote_ident(r.schema)}.{quote_ident(r.name)} with those "
                            "characters replaced by plain spaces.")


_SYS_BASE_TABLES = {"sys_config"}  # the one base table the sys schema ships with


@check(
    id="auroraUpgradeCheckForSysSchemaObjectTypeMismatch",
    title="Base tables in the sys schema where views are expected",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    detects="Tables in the sys schema other than sys_config (every other sys object is a view).",
    why="The upgrade recreates the sys schema's views; an object of the same name with the wrong type "
        "(a base table, e.g. restored from a logical dump) makes that step fail.",
    example="CREATE TABLE sys.host_summary (host VARCHAR(255));",
    fix="Move any data you need out, then DROP TABLE sys.<name>; the upgrade recreates the view.",
)
def sys_schema_type(c, catalog: Catalog):
    # sys is a system schema: a live scan lists its base tables in extra, a dump may contain the schema itself.
    names = {t.name for t in catalog.tables if t.schema.lower() == "sys"}
    names |= set(catalog.server.extra.get("sys_base_tables") or ())
    for name in sorted(names):
        if name.lower() not in _SYS_BASE_TABLES:
            yield c.finding("table", "base table in the sys schema, where 8.0 expects a view", schema="sys",
                            object_name=name, fix=f"DROP TABLE sys.{quote_ident(name)};  -- after saving its data")


@check(
    id="auroraGetDanglingFulltextIndex",
    title="FTS_DOC_ID leftovers without a FULLTEXT index",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS,
    aliases=("getDanglingFulltextIndex",),
    detects="Tables with an FTS_DOC_ID column or an FTS_DOC_ID_INDEX index but no FULLTEXT index: what is "
            "left after a FULLTEXT index was dropped (MySQL bug #76012). A hidden FTS_DOC_ID that only "
            "InnoDB sees cannot be read from the SQL layer; Aurora's own precheck log covers that case.",
    why="The 8.0 data dictionary migration expects FTS_DOC_ID only together with a FULLTEXT index; the "
        "dangling reference stops the upgrade.",
    example="CREATE TABLE docs (FTS_DOC_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, body TEXT, "
            "UNIQUE KEY FTS_DOC_ID_INDEX (FTS_DOC_ID));  -- its FULLTEXT index was dropped",
    fix="Rebuild the table (ALTER TABLE ... ENGINE=InnoDB, or OPTIMIZE TABLE) after dropping the leftover "
        "column/index, or re-add the FULLTEXT index if it is still wanted.",
)
def dangling_fulltext(c, catalog: Catalog):
    for t in catalog.tables:
        if any(ix.index_type.upper() == "FULLTEXT" for ix in t.indexes):
            continue
        leftovers = [f"column {col.name}" for col in t.columns if col.name.upper() == "FTS_DOC_ID"]
        leftovers += [f"index {ix.name}" for ix in t.indexes if ix.name.upper() == "FTS_DOC_ID_INDEX"]
        if leftovers:
            yield c.finding("table", f"{' and '.join(leftovers)} without a FULLTEXT index", schema=t.schema,
                            object_name=t.name,
                            fix=f"ALTER TABLE {quote_ident(t.schema)}.{quote_ident(t.name)} ENGINE=InnoDB;  "
                                "-- after dropping the leftover, or re-add the FULLTEXT index")


# --- accounts -----------------------------------------------------------------------------------------------

@check(
    id="auroraUpgradeCheckForMasterUser",
    title="RDS master user missing",
    severity=Severity.error, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="The cluster's master user (name given with --master-user, or read from DescribeDBClusters) "
            "has no account in mysql.user. When the name is not known the check says so instead of passing.",
    why="The upgrade grants rds_superuser_role to the master user; if the account was dropped, that step fails.",
    example="DROP USER 'admin'@'%';  -- the master user of the cluster",
    fix="Reset the master user's password (aws rds modify-db-cluster --master-user-password ...); RDS then "
        "recreates the account.",
)
def master_user(c, catalog: Catalog):
    if not live_facts(catalog):
        return
    name = catalog.server.extra.get("master_user")
    if not name:
        yield c.finding("server", "not checked: the master user name is unknown (pass --master-user or "
                        "scan with AWS access to the cluster)", object_name="master user", severity=Severity.notice)
        return
    if not catalog.server.users:
        yield c.finding("server", "not checked: the account list (mysql.user) was not visible to the scan user",
                        object_name=f"user {name}", severity=Severity.notice)
        return
    if not any(parse_account(a)[0] == name for a in catalog.server.users):
        yield c.finding("user", f"master user '{name}' has no account", object_name=f"user {name}",
                        fix="aws rds modify-db-cluster --db-cluster-identifier <cluster> --master-user-password "
                            "<new password> --apply-immediately  (recreates the master user)")


@check(
    id="auroraUpgradeCheckForInternalUsers",
    title="Accounts in the MySQL 8.0 internal-user namespace",
    severity=Severity.notice, source="aurora", since="8.0.11", doc_url=doc_links.AURORA_PRECHECKS, scope=Scope.server,
    detects="Accounts named mysql.* (mysql.sys, mysql.session, mysql.infoschema): the names 8.0 uses for "
            "its internal users.",
    why="Aurora documents this precheck as relevant only for upgrade targets up to 3.03.0, where such "
        "accounts can make the upgrade fail; targets 3.04 and later handle them.",
    example="SELECT user, host FROM mysql.user WHERE user LIKE 'mysql.%';",
    fix="Choose an Aurora MySQL 3.04 or later target version (recommended); otherwise contact AWS Support "
        "before upgrading to 3.03 or earlier.",
)
def internal_users(c, catalog: Catalog):
    for account in catalog.server.users:
        user, host = parse_account(account)
        if user.lower().startswith("mysql."):
            yield c.finding("user", f"account '{user}'@'{host}' uses an 8.0 internal user name; this matters only "
                            "for targets up to Aurora MySQL 3.03", object_name=f"user {user}@{host}",
                            fix="Upgrade to Aurora MySQL 3.04 or later.")
