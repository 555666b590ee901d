"""The offline collector: real mysqldump shapes, hand-written DDL, traps, bad files, the public corpus."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from upgrade_cli.cli_common import ToolError
from upgrade_cli.precheck.collect.dump import load_dump, parse_dump
from upgrade_cli.sqltext import split_statements

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "legacy_app_57.sql"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # the shared corpus beside the checkout, as CI lays it out


def test_example_dump_builds_the_whole_catalog():
    cat = load_dump(EXAMPLE)
    assert cat.issues == []
    assert [s.name for s in cat.schemas] == ["legacy_app"]  # from the header's "Database:"
    assert {t.name for t in cat.tables} == {
        "groups", "users", "leaderboard", "system_settings", "orders", "order_items", "audit_log", "articles",
        "FTS_search_terms", "sensor_readings", "sessions", "customer_loyalty_program_enrollment_history_with_audit_trail"}
    # the stub tables mysqldump writes for views are not tables; their columns become the view's
    views = {v.name: v for v in cat.views}
    assert set(views) == {"v_top_players", "v_order_totals"}
    assert views["v_top_players"].columns == ["login", "season", "rank"]
    assert views["v_top_players"].check_option == "CASCADED"
    assert views["v_top_players"].definition.startswith("select `u`.`login`")
    assert views["v_top_players"].definition.endswith("where (`l`.`rank` <= 10)")  # no WITH CHECK OPTION
    assert views["v_top_players"].definer == "app@%"
    # a dump cannot tell server facts: the version is kept aside so server checks are skipped
    assert cat.server.version is None and not cat.server.known
    assert cat.server.extra["dump_server_version"] == "5.7.12-log"


def test_example_dump_columns_are_normalised_like_information_schema():
    cat = load_dump(EXAMPLE)
    users = cat.table("legacy_app", "users")
    col = {c.name: c for c in users.columns}
    assert col["id"].column_type == "int(10) unsigned zerofill" and col["id"].extra == "auto_increment"
    assert (col["login"].charset, col["login"].collation) == ("utf8mb4", "utf8mb4_unicode_ci")
    assert (col["email"].charset, col["email"].collation) == ("utf8mb3", "utf8mb3_general_ci")  # inherited, utf8 folded
    assert col["bio"].default is None and col["bio"].nullable
    assert col["last_login"].default == "0000-00-00 00:00:00" and not col["last_login"].default_is_expression
    assert col["updated_at"].default == "CURRENT_TIMESTAMP" and col["updated_at"].default_is_expression
    assert col["updated_at"].extra == "on update CURRENT_TIMESTAMP"
    assert users.row_format == "DYNAMIC" and users.charset == "utf8mb3"
    idx = {i.name: i for i in users.indexes}
    assert idx["idx_users_email"].parts[0].sub_part == 32 and idx["idx_users_email"].comment == "prefix index"
    assert users.foreign_keys[0].name == "fk_users_group" and users.foreign_keys[0].ref_table == "groups"
    audit = cat.table("legacy_app", "audit_log")
    assert audit.engine == "MyISAM" and audit.partition_method == "RANGE"
    assert [p.name for p in audit.partitions] == ["p2016", "p2017", "pmax"]
    items = {c.name: c for c in cat.table("legacy_app", "order_items").columns}
    assert items["total"].generation_expression == "`qty` * `price`" and items["total"].extra == "virtual generated"
    readings = {c.name: c for c in cat.table("legacy_app", "sensor_readings").columns}
    assert readings["taken_at"].default == "CURRENT_TIMESTAMP(3)"
    assert cat.table("legacy_app", "sessions").indexes[0].index_type == "HASH"


def test_example_dump_stored_code_carries_its_own_sql_mode_and_body():
    cat = load_dump(EXAMPLE)
    routines = {r.name: r for r in cat.routines}
    assert set(routines) == {"hash_password", "obfuscate", "reveal", "order_report", "season_ranks"}
    assert routines["hash_password"].sql_mode == "STRICT_TRANS_TABLES,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
    assert routines["obfuscate"].sql_mode == "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"
    assert routines["hash_password"].body.startswith("BEGIN") and routines["hash_password"].body.endswith("END")
    assert routines["hash_password"].returns == "char(41)" and routines["hash_password"].params == "p_plain varchar(64)"
    assert routines["obfuscate"].body == "RETURN IF(p_key = '', DES_ENCRYPT(p_text), ENCODE(p_text, p_key))"
    assert routines["order_report"].params == "IN p_since datetime, OUT p_total int(11)"
    assert routines["order_report"].comment == "nightly order report"
    trigger = cat.triggers[0]
    assert (trigger.name, trigger.table, trigger.timing, trigger.event) == ("leaderboard_bi", "leaderboard", "BEFORE", "INSERT")
    assert trigger.body.startswith("BEGIN") and trigger.body.endswith("END") and trigger.definer == "app@%"
    event = cat.events[0]
    assert event.body.startswith("BEGIN") and "DELETE FROM `sessions`" in event.body
    assert event.status == "ENABLED" and event.sql_mode == "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
    assert event.schedule == "EVERY 1 HOUR STARTS '2017-01-01 00:00:00'"


def test_hand_written_ddl_is_read_like_the_server_would_store_it():
    cat = parse_dump((REPO / "tests/fixtures/handwritten_schema.sql").read_text(), "hw.sql", default_schema="shop")
    assert cat.issues == []
    customers = cat.table("shop", "customers")
    assert [c.name for c in customers.columns][:5] == ["id", "name", "email", "phone", "country"]  # ADD ... AFTER
    col = {c.name: c for c in customers.columns}
    assert col["id"].column_type == "int(10) unsigned" and not col["id"].nullable
    assert col["score"].column_type == "float(7,2)" and col["score"].default == "0.00"
    assert col["balance"].default == "0.00" and col["created"].default == "CURRENT_TIMESTAMP"
    assert col["flags"].column_type == "set('vip','beta','staff')"
    assert (col["notes"].charset, col["notes"].collation) == ("utf8mb3", "utf8mb3_unicode_ci")
    assert col["ver"].comment == "row version; not a 'rank'"
    assert {i.name for i in customers.indexes} == {"PRIMARY", "email", "by_country"}
    products = cat.table("shop", "products")
    assert products.comment == 'catalog; "products"' and products.collation == "utf8mb4_unicode_ci"
    assert {c.name: c for c in products.columns}["is_active"].column_type == "tinyint(1)"
    lines = cat.table("shop", "invoice_lines")
    assert lines.foreign_keys[0].name == "fk_lines_product"
    assert "fk_lines_product" in {i.name for i in lines.indexes}  # InnoDB adds an index for an unindexed FK
    invoices = cat.table("shop", "invoices")
    assert invoices.partition_method == "RANGE" and invoices.subpartition_method == "HASH"
    assert [p.subpartitions for p in invoices.partitions][0] == ["p2019sp0", "p2019sp1"]
    hashed = cat.table("shop", "hashed")
    assert hashed.partition_method == "LINEAR KEY" and [p.name for p in hashed.partitions] == ["p0", "p1", "p2"]
    assert cat.table("shop", "heap_cache").indexes[0].index_type == "HASH"  # MEMORY's default
    views = {v.name: v for v in cat.views}
    assert views["active_products"].columns == ["sku", "label"]
    assert views["big_customers"].columns == ["id", "name", "spent"]
    routines = {r.name: r for r in cat.routines}
    assert routines["restock"].params == "IN p_sku varchar(32), INOUT p_qty int(11), OUT p_msg varchar(100)"
    assert routines["restock"].security_type == "INVOKER" and "; inside" in routines["restock"].comment
    assert routines["price_with_tax"].body == "return round(p * (1 + rate), 2)"
    assert routines["price_with_tax"].sql_mode == "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"
    triggers = {t.name: t for t in cat.triggers}
    assert triggers["customers_bu"].body == "set new.ver = old.ver + 1"
    assert triggers["customers_bu2"].body.startswith("begin")  # after FOLLOWS customers_bu
    events = {e.name: e for e in cat.events}
    assert events["nightly_cleanup"].status == "DISABLED"
    assert events["nightly_cleanup"].body == "delete from heap_cache where v is null"
    assert events["one_shot"].schedule == "at '2030-06-01 00:00:00'"


def test_splitter_traps_strings_comments_delimiters_and_crlf():
    sql = ("SELECT 'a;b', \"c;d\", `e;f`; -- DELIMITER ;;\r\n"
           "/* DELIMITER $$ ; */ SELECT 2;\r\n"
           "# DELIMITER //\r\n"
           "DELIMITER $$\r\n"
           "CREATE PROCEDURE p() BEGIN SELECT 'x$$y'; SELECT 1; END$$\r\n"
           "DELIMITER ;\r\n"
           "SELECT 'it''s; \\' still';\r\n")
    texts = [s.text for s in split_statements(sql)]
    assert texts == ["SELECT 'a;b', \"c;d\", `e;f`", "SELECT 2",
                     "CREATE PROCEDURE p() BEGIN SELECT 'x$$y'; SELECT 1; END", "SELECT 'it''s; \\' still'"]
    lines = [s.line for s in split_statements(sql)]
    assert lines == [1, 2, 5, 7]


def test_crlf_dump_with_newlines_in_identifiers():
    sql = ("CREATE TABLE `odd\r\nname` (\r\n  `col\twith tab` int(11) DEFAULT NULL,\r\n"
           "  `semi;colon` varchar(10) DEFAULT 'x;y'\r\n) ENGINE=InnoDB DEFAULT CHARSET=latin1;\r\n")
    cat = parse_dump(sql, default_schema="d")
    table = cat.tables[0]
    assert table.name == "odd\nname"
    assert [c.name for c in table.columns] == ["col\twith tab", "semi;colon"]
    assert table.columns[1].default == "x;y"


def test_a_bad_statement_is_reported_and_the_rest_survive():
    sql = """
    CREATE TABLE good1 (id int);
    CREATE TABLE broken (id int, KEY (;
    CREATE TABLE copy AS SELECT * FROM good1;
    CREATE SEQUENCE s1;
    FROBNICATE everything;
    CREATE TABLE good2 (id int);
    """
    cat = parse_dump(sql, default_schema="d")
    assert {t.name for t in cat.tables} == {"good1", "good2"}
    reviewed = {(i.object_type, i.object_name) for i in cat.issues}
    assert ("table", "broken") in reviewed and ("table", "copy") in reviewed
    assert ("sequence", "s1") in reviewed and ("statement", None) in reviewed
    assert all(i.reason for i in cat.issues)


def test_issues_become_manual_review_findings_never_a_pass():
    from upgrade_cli.checks.registry import MANUAL_REVIEW_ID, run_checks

    cat = parse_dump("CREATE TABLE t (id int, KEY (;", default_schema="d")
    findings = run_checks(cat).findings
    assert [(f.check_id, f.object_name) for f in findings if f.check_id == MANUAL_REVIEW_ID] == [(MANUAL_REVIEW_ID, "t")]


def test_mysql57_view_stub_and_version_comments():
    sql = """/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
SET @saved_cs_client     = @@character_set_client;
/*!50001 CREATE TABLE `v` (
  `a` tinyint NOT NULL,
  `b` tinyint NOT NULL
) ENGINE=MyISAM */;
SET character_set_client = @saved_cs_client;
/*!50003 SET sql_mode = 'ONLY_FULL_GROUP_BY,NO_AUTO_CREATE_USER' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t_ai` AFTER INSERT ON `t` FOR EACH ROW INSERT INTO log VALUES (NEW.id) */;;
DELIMITER ;
/*!50003 SET sql_mode = @saved_sql_mode */ ;
/*!50001 DROP TABLE IF EXISTS `v`*/;
/*!50001 DROP VIEW IF EXISTS `v`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY INVOKER */
/*!50001 VIEW `v` AS select 1 AS `a`,2 AS `b` */
/*!50002 WITH LOCAL CHECK OPTION */;
"""
    cat = parse_dump(sql, default_schema="d")
    assert cat.tables == [] and cat.issues == []
    view = cat.views[0]
    assert (view.columns, view.check_option, view.security_type) == (["a", "b"], "LOCAL", "INVOKER")
    assert view.definition == "select 1 AS `a`,2 AS `b`"
    trigger = cat.triggers[0]
    assert trigger.body == "INSERT INTO log VALUES (NEW.id)"
    assert trigger.sql_mode == "ONLY_FULL_GROUP_BY,NO_AUTO_CREATE_USER" and trigger.definer == "root@localhost"


def test_partition_tablespaces_and_table_options():
    sql = """CREATE TABLE p (id int NOT NULL, d date NOT NULL)
      ENGINE=InnoDB DEFAULT CHARSET=utf8 ROW_FORMAT=COMPACT COMMENT='c' /*!50100 TABLESPACE `ts1` */
      /*!50100 PARTITION BY LIST (id) SUBPARTITION BY KEY (d)
      (PARTITION a VALUES IN (1,2) (SUBPARTITION a1 TABLESPACE = innodb_system ENGINE = InnoDB,
                                   SUBPARTITION a2 TABLESPACE = innodb_system ENGINE = InnoDB),
       PARTITION b VALUES IN (3) (SUBPARTITION b1 ENGINE = InnoDB, SUBPARTITION b2 ENGINE = InnoDB)) */;"""
    table = parse_dump(sql, default_schema="d").tables[0]
    assert (table.tablespace, table.row_format, table.comment, table.charset) == ("ts1", "COMPACT", "c", "utf8mb3")
    assert (table.partition_method, table.subpartition_method) == ("LIST", "KEY")
    assert [(p.name, p.tablespace, p.subpartitions) for p in table.partitions] == [
        ("a", "innodb_system", ["a1", "a2"]), ("b", None, ["b1", "b2"])]
    assert [p.description for p in table.partitions] == ["1,2", "3"]


def test_tablespaces_partition_bounds_and_row_format_as_the_server_holds_them():
    cat = parse_dump("""CREATE TABLESPACE circular ADD DATAFILE 'mysql/../circular.ibd' ENGINE=INNODB;
      SET GLOBAL innodb_default_row_format = 'redundant';
      CREATE TABLE r (id INT);
      CREATE TABLE m (id INT) ENGINE=MyISAM;
      SET GLOBAL innodb_default_row_format = DEFAULT;
      CREATE TABLE d (id INT);
      CREATE TABLE c (id INT) ROW_FORMAT=COMPACT;
      CREATE TABLE p (a DATE, b DATE) PARTITION BY RANGE COLUMNS (a, b)
        (PARTITION p0 VALUES LESS THAN ('2000,01,01', "2010'01'01"), PARTITION p1 VALUES LESS THAN (MAXVALUE, MAXVALUE));
      SET sql_mode = 'ORACLE';
      CREATE PROCEDURE pr() SELECT 1;""", default_schema="s")
    assert [(t.name, t.file_name, t.engine) for t in cat.tablespaces] == [("circular", "mysql/../circular.ibd", "INNODB")]
    assert {t.name: t.innodb_row_format for t in cat.tables} == {"r": "REDUNDANT", "m": None, "d": None, "c": "COMPACT",
                                                                  "p": None}
    assert [p.description for p in cat.table("s", "p").partitions] == ["'2000,01,01','2010''01''01'", "MAXVALUE,MAXVALUE"]
    assert cat.routines[0].sql_mode == ("PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ORACLE,NO_KEY_OPTIONS,NO_TABLE_OPTIONS,"
                                        "NO_FIELD_OPTIONS,NO_AUTO_CREATE_USER")
    assert not cat.issues


def test_load_dump_errors_are_one_line(tmp_path: Path):
    with pytest.raises(ToolError, match="not found"):
        load_dump(tmp_path / "missing.sql")
    with pytest.raises(ToolError, match="directory"):
        load_dump(tmp_path)
    binary = tmp_path / "image.sql"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ToolError, match="binary"):
        load_dump(binary)
    latin = tmp_path / "latin1.sql"  # no SET NAMES: read as latin1, the 5.7 client default, not refused
    latin.write_bytes("CREATE TABLE t (c varchar(3) DEFAULT 'é');".encode("latin-1"))
    assert load_dump(latin).tables[0].columns[0].default == "é"
    prose = tmp_path / "notes.sql"
    prose.write_text("These are meeting notes; nothing to see here.\nSELECT 1;\n")
    with pytest.raises(ToolError, match="no SQL DDL"):
        load_dump(prose)
    for exc_case in (tmp_path / "missing.sql", tmp_path, binary, prose):
        with pytest.raises(ToolError) as exc:
            load_dump(exc_case)
        assert "\n" not in str(exc.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: permissions cannot make it unreadable")
def test_unreadable_dump(tmp_path: Path):
    f = tmp_path / "secret.sql"
    f.write_text("CREATE TABLE t (id int);")
    f.chmod(0)
    with pytest.raises(ToolError, match="cannot read"):
        load_dump(f)


def test_gzip_dump_is_read_transparently(tmp_path: Path):
    f = tmp_path / "dump.sql.gz"
    f.write_bytes(gzip.compress(EXAMPLE.read_bytes()))
    assert len(load_dump(f).tables) == 12


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not on this machine")
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.sql")) if CORPUS.is_dir() else [], ids=lambda p: p.name)
def test_every_corpus_file_parses(path: Path):
    cat = load_dump(path)
    assert cat.tables, f"{path.name}: no tables read"
    unparsed = [i for i in cat.issues if "could not be parsed" in i.reason]
    # the only statements the parser may give up on are CREATE TABLE ... SELECT (no column list offline)
    assert all("CREATE ... SELECT" in i.reason for i in unparsed), unparsed


@pytest.mark.skipif(not (CORPUS / "mysql-shell-561cd3d-nasty_tables.sql").exists(), reason="corpus absent")
def test_nasty_tables_keep_fuzzed_identifiers():
    cat = load_dump(CORPUS / "mysql-shell-561cd3d-nasty_tables.sql")
    assert len(cat.tables) == 26 and cat.issues == []
    assert any("\n" in t.name or any("\n" in c.name for c in t.columns) for t in cat.tables)
    zerofill = [c for t in cat.tables for c in t.columns if "zerofill" in c.column_type]
    assert len(zerofill) >= 39


@pytest.mark.skipif(not (CORPUS / "mysql-shell-561cd3d-upgrade_check_t-extracted.sql").exists(), reason="corpus absent")
def test_upgrade_checker_corpus_objects_are_all_found():
    """The Shell's test file drops some objects again (cleanup): those are gone, as on the server it builds."""
    cat = load_dump(CORPUS / "mysql-shell-561cd3d-upgrade_check_t-extracted.sql")
    kinds = [r.kind for r in cat.routines]
    assert (len(cat.triggers), len(cat.views), kinds.count("PROCEDURE"), kinds.count("FUNCTION"), len(cat.events)) \
        == (18, 8, 14, 17, 16)
    modes = {r.name: r.sql_mode for r in cat.routines}
    assert modes["TEST_NO_AUTO_CREATE_USER"] == "NO_AUTO_CREATE_USER"


def test_drop_and_rename_later_in_a_script_apply_before_the_checks():
    cat = parse_dump("""CREATE DATABASE gone; CREATE TABLE gone.t (a INT); CREATE PROCEDURE gone.p() SELECT 1;
      CREATE TABLE t1 (id INT, KEY k (id)); CREATE TABLE t2 (id INT); CREATE TABLE t3 (id INT);
      CREATE TRIGGER t1_bi BEFORE INSERT ON t1 FOR EACH ROW SET @x = 1;
      CREATE TRIGGER t2_bi BEFORE INSERT ON t2 FOR EACH ROW SET @x = 1;
      CREATE VIEW v1 AS SELECT id FROM t3; CREATE VIEW v2 AS SELECT id FROM t3;
      CREATE FUNCTION f() RETURNS INT RETURN 1; CREATE PROCEDURE p() SELECT 1;
      CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1;
      CREATE TABLESPACE ts ADD DATAFILE 'ts.ibd';
      DROP DATABASE IF EXISTS gone;
      DROP TABLE IF EXISTS t2, missing;
      DROP TEMPORARY TABLE IF EXISTS t3;
      DROP INDEX k ON t1;
      RENAME TABLE t1 TO t1_new, v2 TO v2_new;
      DROP VIEW v1; DROP FUNCTION IF EXISTS f; DROP EVENT e; DROP TABLESPACE ts; DROP USER 'x'@'%';""",
                     default_schema="s")
    assert [s.name for s in cat.schemas] == ["s"]
    assert [t.name for t in cat.tables] == ["t1_new", "t3"] and cat.tables[0].indexes == []
    assert [(t.name, t.table) for t in cat.triggers] == [("t1_bi", "t1_new")]
    assert [v.name for v in cat.views] == ["v2_new"]
    assert [(r.kind, r.name) for r in cat.routines] == [("PROCEDURE", "p")]
    assert cat.events == [] and cat.tablespaces == [] and not cat.issues


def test_truncated_and_mangled_dumps_never_crash():
    text = EXAMPLE.read_text()
    for cut in range(0, len(text), max(1, len(text) // 150)):
        for sample in (text[:cut], text[cut:], text[:cut] + "/*!50003 CREATE*/ ( ` ' \" DELIMITER"):
            cat = parse_dump(sample, default_schema="d")
            assert all(i.reason for i in cat.issues)


def test_parse_leaves_the_garbage_collector_as_it_found_it():
    """parse_dump pauses the cyclic GC; afterwards it runs again and nothing stays frozen."""
    import gc

    parse_dump("CREATE TABLE t (a int);\nCREATE PROCEDURE p() SELECT 1;\n", "gc.sql")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        parse_dump("CREATE TABLE t (a int);\n", "gc.sql")
        assert not gc.isenabled()  # a caller's own pause is kept
    finally:
        gc.enable()
