"""Offline path throughput: our dump parser + every check, next to sqlglot's bare parse of the same SQL.

    .venv/bin/python benchmarks/offline_throughput.py                 # 5,000 routines, 2,000 tables
    .venv/bin/python benchmarks/offline_throughput.py --routines 500 --tables 200 --repeat 1

It generates a mysqldump-style schema dump (tables with indexes and utf8 columns, views,
triggers, and stored procedures/functions with DECLAREs, cursors, IF/LOOP, GROUP BY and
SQL_CALC_FOUND_ROWS), then times, in the same process and run:

- ours: ``parse_dump`` of the whole file (split, DELIMITER, version comments, catalog) plus
  ``run_checks`` (every registered check) on the result;
- before: the same scan with issue 14's sqlglot work patched out, i.e. without the view naming of
  ``collect/views.py`` (it names the columns of the one view in ten written as ``SELECT *, amount * 2``)
  and with ``checks/_expr.py`` answering from lexer tokens only (after: views and generated columns are
  read from sqlglot's tree); runs interleaved, so the ratio after / before is the cost of that work;
- baseline: ``sqlglot.parse_one(stmt, read="mysql")`` on each statement, pre-split and with the
  version comments already unwrapped (the most favourable input for sqlglot), AST discarded;
  statements it rejects still count their time.

It prints all three (median of ``--repeat`` runs, ``gc.collect()`` before each) and the ratio
ours / sqlglot. sqlglot does not build a catalog nor run checks, so the ratio says what the whole
offline scan costs compared with merely parsing the same text.
"""

from __future__ import annotations

import argparse
import gc
import logging
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlglot  # noqa: E402
from sqlglot.errors import SqlglotError  # noqa: E402

from upgrade_cli.checks import _expr  # noqa: E402
from upgrade_cli.checks.registry import all_checks, run_checks  # noqa: E402
from upgrade_cli.precheck.collect import dump, views  # noqa: E402
from upgrade_cli.precheck.collect.dump import parse_dump  # noqa: E402


def _table(i: int) -> str:
    return (f"CREATE TABLE `t_{i:05d}` (\n"
            f"  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
            f"  `account_id` int(11) NOT NULL,\n"
            f"  `name` varchar(100) CHARACTER SET utf8 NOT NULL DEFAULT '',\n"
            f"  `status` enum('new','paid','shipped') NOT NULL DEFAULT 'new',\n"
            f"  `amount` decimal(10,2) unsigned zerofill DEFAULT NULL,\n"
            f"  `note` text,\n"
            f"  `created` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n"
            f"  `updated` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
            f"  `rank` int(11) DEFAULT NULL COMMENT 'position {i}',\n"
            f"  PRIMARY KEY (`id`),\n"
            f"  KEY `account_idx` (`account_id`),\n"
            f"  KEY `name_idx` (`name`(20),`status`)\n"
            f") ENGINE=InnoDB DEFAULT CHARSET=utf8 COMMENT='table {i}'")


def _view(i: int, tables: int) -> str:
    t = f"t_{i % tables:05d}"
    if i % 10 == 9:  # hand-written, as in a DDL file: the columns come from collect/views.py (sqlglot)
        return f"CREATE VIEW `v_{i:05d}` AS SELECT *, amount * 2 FROM `{t}` WHERE status = 'paid'"
    return (f"CREATE ALGORITHM=UNDEFINED DEFINER=`app`@`%` SQL SECURITY DEFINER VIEW `v_{i:05d}` AS "
            f"select `{t}`.`account_id` AS `account_id`,sum(`{t}`.`amount`) AS `total` from `{t}` "
            f"where (`{t}`.`status` = 'paid') group by `{t}`.`account_id`")


def _trigger(i: int, tables: int) -> str:
    t = f"t_{i % tables:05d}"
    return (f"CREATE DEFINER=`app`@`%` TRIGGER `trg_{i:05d}` BEFORE INSERT ON `{t}` FOR EACH ROW "
            f"BEGIN\n  IF NEW.amount IS NULL THEN SET NEW.amount = 0; END IF;\n  SET NEW.created = NOW();\nEND")


def _routine(i: int, tables: int) -> str:
    t = f"t_{i % tables:05d}"
    if i % 3 == 0:
        return (f"CREATE DEFINER=`app`@`%` FUNCTION `f_{i:05d}`(p_account INT) RETURNS decimal(12,2)\n"
                f"    READS SQL DATA\nBEGIN\n  DECLARE v_total DECIMAL(12,2) DEFAULT 0;\n"
                f"  SELECT SUM(amount) INTO v_total FROM `{t}` WHERE account_id = p_account AND status <> 'new';\n"
                f"  RETURN IFNULL(v_total, 0);\nEND")
    return (f"CREATE DEFINER=`app`@`%` PROCEDURE `p_{i:05d}`(IN p_account INT, OUT p_count INT)\n"
            f"BEGIN\n"
            f"  DECLARE done INT DEFAULT 0;\n"
            f"  DECLARE v_id INT;\n"
            f"  DECLARE cur CURSOR FOR SELECT id FROM `{t}` WHERE account_id = p_account ORDER BY created DESC;\n"
            f"  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;\n"
            f"  SET p_count = 0;\n"
            f"  OPEN cur;\n"
            f"  read_loop: LOOP\n"
            f"    FETCH cur INTO v_id;\n"
            f"    IF done THEN LEAVE read_loop; END IF;\n"
            f"    UPDATE `{t}` SET status = 'shipped' WHERE id = v_id AND status = 'paid';\n"
            f"    SET p_count = p_count + 1;\n"
            f"  END LOOP;\n"
            f"  CLOSE cur;\n"
            f"  SELECT SQL_CALC_FOUND_ROWS status, COUNT(*) FROM `{t}` GROUP BY status{' ASC' if i % 50 == 1 else ''};\n"
            f"  SELECT FOUND_ROWS();\n"
            f"END")


def generate(tables: int, views: int, triggers: int, routines: int) -> tuple[str, list[str]]:
    """(dump text in mysqldump's shape, the same statements pre-split and unwrapped for sqlglot)."""
    parts = ["-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)\n--\n-- Host: localhost    Database: bench\n"
             "-- ------------------------------------------------------\n-- Server version\t5.7.44-log\n\n"
             "/*!40101 SET NAMES utf8 */;\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n"
             "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `bench` /*!40100 DEFAULT CHARACTER SET latin1 */;\n\nUSE `bench`;\n"]
    plain: list[str] = []
    for i in range(tables):
        sql = _table(i)
        parts.append(f"\n--\n-- Table structure for table `t_{i:05d}`\n--\n\nDROP TABLE IF EXISTS `t_{i:05d}`;\n"
                     f"/*!40101 SET @saved_cs_client     = @@character_set_client */;\n{sql};\n")
        plain.append(sql)
    for i in range(views):
        sql = _view(i, tables)
        parts.append(f"\n/*!50001 DROP VIEW IF EXISTS `v_{i:05d}`*/;\n/*!50001 {sql} */;\n")
        plain.append(sql)
    parts.append("\nDELIMITER ;;\n")
    for i in range(triggers):
        sql = _trigger(i, tables)
        rest = sql.split(" TRIGGER ", 1)[1]
        parts.append(f"/*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER {rest} */;;\n")
        plain.append(sql)
    for i in range(routines):
        sql = _routine(i, tables)
        parts.append(f"{sql} ;;\n")
        plain.append(sql)
    parts.append("DELIMITER ;\n")
    return "".join(parts), plain


def _timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        result = None  # the last run's result is freed here, not inside the next timing
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ours(text: str):
    catalog = parse_dump(text, "bench.sql")
    return catalog, run_checks(catalog)


def sqlglot_bare(statements: list[str]) -> int:
    failed = 0
    for stmt in statements:
        try:
            sqlglot.parse_one(stmt, read="mysql")
        except SqlglotError:
            failed += 1
    return failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--routines", type=int, default=5000)
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--views", type=int, default=500)
    ap.add_argument("--triggers", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)  # Command fallbacks would log per statement

    text, statements = generate(args.tables, args.views, args.triggers, args.routines)
    n = len(statements)
    print(f"dump: {len(text) / 1e6:.1f} MB, {n} statements ({args.tables} tables, {args.views} views, "
          f"{args.triggers} triggers, {args.routines} routines); {len(all_checks())} checks; "
          f"sqlglot {sqlglot.__version__}; median of {args.repeat}")

    t_parse, catalog = _timed(lambda: parse_dump(text, "bench.sql"), args.repeat)
    after_times, before_times = [], []
    after = before = None  # only the last result of each is kept: every run starts with the same heap
    for _ in range(args.repeat):  # interleaved, so load from other jobs on the machine hits both alike
        after = before = None
        t, after = _timed(lambda: ours(text), 1)
        after_times.append(t)
        with mock.patch.object(dump, "name_view_columns", lambda catalog: None), \
                mock.patch.object(_expr, "_ast_calls", lambda text, is_query: None):
            t, before = _timed(lambda: ours(text), 1)
        before_times.append(t)
    (cat, run), (cat_before, _) = after, before
    t_ours, t_before = statistics.median(after_times), statistics.median(before_times)
    t_glot, failed = _timed(lambda: sqlglot_bare(statements), args.repeat)

    assert len(cat.routines) == args.routines and len(cat.tables) == args.tables, "the dump did not parse fully"
    print(f"ours    parse_dump + run_checks: {t_ours:7.2f} s  {n / t_ours:8.0f} stmt/s  "
          f"(parse_dump alone {t_parse:.2f} s; {len(run.findings)} findings, {len(cat.issues)} manual-review, "
          f"{len(run.failed)} crashed checks)")
    unnamed = sum(not v.columns for v in cat_before.views)
    print(f"before  without sqlglot:         {t_before:7.2f} s  {n / t_before:8.0f} stmt/s  "
          f"({unnamed} views without columns; after: {sum(not v.columns for v in cat.views)})")
    print(f"ratio ours / before: {t_ours / t_before:.3f}  (the offline scan may cost at most 1.10)")
    # the same sqlglot work timed on its own (less exposed to the machine's load than the difference of two scans)
    with mock.patch.object(dump, "name_view_columns", lambda catalog: None):
        unnamed_cat = parse_dump(text, "bench.sql")
    t_naming, _ = _timed(lambda: views.name_view_columns(unnamed_cat), 1)
    texts = [(v.definition, True) for v in cat.views] + [
        (col.generation_expression, False) for t in cat.tables for col in t.columns if col.generation_expression]
    t_trees, _ = _timed(lambda: [_expr._ast_calls(t, q) for t, q in texts], 1)
    print(f"sqlglot work alone: view naming {t_naming:.2f} s + expression trees ({len(texts)}) {t_trees:.2f} s "
          f"= {(t_naming + t_trees) / t_before:.1%} of the scan before")
    print(f"sqlglot parse_one per statement: {t_glot:7.2f} s  {n / t_glot:8.0f} stmt/s  "
          f"({failed} of {n} statements rejected by sqlglot)")
    print(f"ratio ours / sqlglot bare parse: {t_ours / t_glot:.3f}   (parse_dump alone: {t_parse / t_glot:.2f}; "
          f"the scan runs at {t_glot / t_ours:.1f}x sqlglot's statements/s, the target is 3x: ratio at most 0.333)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
