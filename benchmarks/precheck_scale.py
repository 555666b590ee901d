"""How the live scan scales: collect_live vs the bare bulk queries it is made of, per schema size.

Builds N-table schemas (20 columns each, 2 secondary indexes, one view per 50 tables and a few
hundred routines) in a throw-away MariaDB, then for each N measures, in the same run:
- ``bare``: the exact information_schema/server queries collect_live sends (recorded from a scan),
  replayed with a plain cursor (execute + fetchall, no Python processing): the floor;
- ``scan``: collect_live itself (queries + building the Catalog);
- ``checks``: run_checks on the resulting catalog (reported separately).
The ratio scan/bare is the collector's overhead (target <= 1.3); scan time per 1k tables shows
whether growth is linear. Each figure is the median of at least ``--repeat`` interleaved runs (more
for small sizes, until ~3 s of bare time) after one warm-up.

    .venv/bin/python benchmarks/precheck_scale.py [--sizes 1000,5000,20000] [--routines 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import pymysql  # noqa: E402

from upgrade_cli.checks.registry import run_checks  # noqa: E402
from tests.mariadb_server import MariaDB  # noqa: E402
from upgrade_cli.precheck.collect import live  # noqa: E402


def table_statements(n_tables: int) -> list[str]:
    """One CREATE TABLE per benchmark table, with a few upgrade problems so the checks have work to do."""
    out = []
    for i in range(n_tables):
        cols = ["id int(11) NOT NULL AUTO_INCREMENT"]
        for c in range(1, 20):
            kind = c % 5
            cols.append({0: f"c{c} int(11) DEFAULT '0'",
                         1: f"c{c} varchar(64) CHARACTER SET utf8 DEFAULT NULL",
                         2: f"c{c} datetime NOT NULL DEFAULT '0000-00-00 00:00:00'",
                         3: f"c{c} decimal(10,2) DEFAULT '0.00'",
                         4: f"c{c} text"}[kind])
        cols += ["PRIMARY KEY (id)", "KEY k1 (c1)", "KEY k2 (c2, c3)"]
        charset = "utf8" if i % 3 == 0 else "utf8mb4"
        out.append(f"CREATE TABLE t{i} ({', '.join(cols)}) ENGINE=InnoDB DEFAULT CHARSET={charset};")
    return out


def objects_script(n_tables: int, n_routines: int) -> str:
    """The views (one per 50 tables) and routines over :func:`table_statements`' tables."""
    out = ["SET sql_mode = 'NO_ENGINE_SUBSTITUTION';"]
    for v in range(0, n_tables, 50):
        out.append(f"CREATE VIEW v{v} AS SELECT id, c1, c2 FROM t{v} WHERE c1 > 0;")
    out.append("DELIMITER //")
    for r in range(n_routines):
        t = r % n_tables
        if r % 3:
            out.append(f"CREATE PROCEDURE p{r}(IN a INT) BEGIN SELECT c1, COUNT(*) FROM t{t} WHERE id > a "
                       f"GROUP BY c1 ORDER BY c1; UPDATE t{t} SET c1 = c1 + 1 WHERE id = a; END //")
        else:
            out.append(f"CREATE FUNCTION f{r}(a INT) RETURNS INT DETERMINISTIC "
                       f"RETURN (SELECT COUNT(*) FROM t{t} WHERE id < a) //")
    out.append("DELIMITER ;")
    return "\n".join(out) + "\n"


def schema_script(n_tables: int, n_routines: int) -> str:
    """DDL for one benchmark schema: the tables, then the views and routines over them."""
    return "\n".join(["SET sql_mode = 'NO_ENGINE_SUBSTITUTION';", *table_statements(n_tables)]) + "\n" + \
        objects_script(n_tables, n_routines)


# The benchmark server's settings that make CREATE TABLE cheap: no fsync (3.4x faster here). Each table keeps
# its own file (innodb_file_per_table, as on RDS and Aurora): in the system tablespace CREATE TABLE is 8x
# faster still, but a statement that opens every table (KEY_COLUMN_USAGE, PARTITIONS) then costs a quarter of
# what it does with a file per table, which would misstate the floor of the statements the scan used to send.
FAST_DDL_CNF = ("innodb_flush_method=nosync\ninnodb_flush_log_at_trx_commit=0\ninnodb_doublewrite=0\n"
                "innodb_buffer_pool_size=512M\ninnodb_log_file_size=256M\n")


def build_schema(server: MariaDB, db: str, n_tables: int, n_routines: int, sessions: int = 4) -> float:
    """(Re)create ``db`` holding :func:`schema_script`'s objects; returns the seconds it took. The tables are
    created by ``sessions`` concurrent ``mariadb`` clients (slices of the list), then the views and routines."""
    start = time.perf_counter()
    with server.connect() as admin, admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {db}")
        cur.execute(f"CREATE DATABASE {db}")
    tables = table_statements(n_tables)
    with ThreadPoolExecutor(sessions) as pool:
        for done in pool.map(lambda part: server.execute_script(
                "\n".join(["SET sql_mode = 'NO_ENGINE_SUBSTITUTION';", *tables[part::sessions]]) + "\n", db),
                range(sessions)):
            pass
    server.execute_script(objects_script(n_tables, n_routines), db)
    return time.perf_counter() - start


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def record_queries(conn, db: str) -> list[tuple[str, object]]:
    """The statements one collect_live run sends, in order (recorded by wrapping its query method)."""
    sent: list[tuple[str, object]] = []
    originals = {"stream": live._Scan.stream}  # every read goes through it (query() too)

    def recorder(original):
        def recording(self, sql, args=None):
            sent.append((sql, args))
            return original(self, sql, args)
        return recording

    for name, original in originals.items():
        setattr(live._Scan, name, recorder(original))
    try:
        live.collect_live(conn, [db], statement_timeout_s=3600)
    finally:
        for name, original in originals.items():
            setattr(live._Scan, name, original)
    return sent


def bare(conn, queries) -> None:
    with conn.cursor() as cur:
        for sql, args in queries:
            try:
                cur.execute(sql, args)
                cur.fetchall()
            except pymysql.err.MySQLError:
                pass  # a best-effort fact the server lacks: the scan paid for the same error


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000", help="comma-separated table counts (default 1000,5000)")
    ap.add_argument("--routines", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    with tempfile.TemporaryDirectory(prefix="precheck-scale-") as tmp:
        server = MariaDB(tmp, extra_cnf="table_definition_cache=30000\ntable_open_cache=30000\n"
                                        "innodb_open_files=30000\nopen_files_limit=65535\n")
        server.start()
        try:
            print(f"{'tables':>7} {'objects':>8} {'bare s':>8} {'scan s':>8} {'ratio':>6} {'checks s':>9} "
                  f"{'scan s/1k tables':>18} {'round trips':>12}")
            for n in sizes:
                db = f"bench_{n}"
                build = build_schema(server, db, n, args.routines)
                with server.connect() as conn:
                    queries = record_queries(conn, db)  # also the warm-up run
                    bare_runs, scan_runs = [], []
                    catalog = None
                    # at least --repeat pairs and ~3 s of bare time, so small sizes are not all noise
                    while len(bare_runs) < args.repeat or (sum(bare_runs) < 3 and len(bare_runs) < 25):
                        bare_runs.append(timed(lambda: bare(conn, queries)))

                        def scan():
                            nonlocal catalog
                            catalog = None  # let the previous catalog go before building the next
                            catalog = live.collect_live(conn, [db], statement_timeout_s=3600)

                        scan_runs.append(timed(scan))
                    assert catalog is not None and catalog.complete, catalog and catalog.incomplete_reason
                    checks_s = timed(lambda: run_checks(catalog))
                objects = len(catalog.tables) + len(catalog.views) + len(catalog.routines)
                b, s = statistics.median(bare_runs), statistics.median(scan_runs)
                print(f"{n:>7} {objects:>8} {b:>8.2f} {s:>8.2f} {s / b:>6.2f} {checks_s:>9.2f} "
                      f"{1000 * s / n:>18.3f} {len(queries):>12}   (built in {build:.0f}s)", flush=True)
                with server.connect() as admin, admin.cursor() as cur:
                    cur.execute(f"DROP DATABASE {db}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
