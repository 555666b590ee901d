"""A multi-tenant schema through every output: the roll-up keeps the console and report.html readable.

    .venv/bin/python benchmarks/rollup_scale.py                  # 4,000 tables
    .venv/bin/python benchmarks/rollup_scale.py --tables 500

It writes a mysqldump-style file of ``--tables`` tables that all repeat the same dozen utf8 (utf8mb3)
string columns and a reserved-word column (the shape of a schema-per-tenant or
table-per-tenant application), then runs the real CLI (``precheck --ddl``) in a subprocess:

- baseline: ``--format json`` to a pipe (every finding, no rendering);
- console: the default console output to a pipe (one line per row), rolled up;
- files: ``--out DIR`` (report.json, report.md, report.html, junit.xml).

It prints each run's wall time, the console's line count, the console / JSON time ratio and the size
of each file, and says whether the targets hold: console at most 2,000 lines and at most 2x the
JSON run's time, report.html at most 5 MB, report.json listing every finding.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / ".venv" / "bin" / "aurora-upgrade"

_STRINGS = ("first_name", "last_name", "email", "phone", "street", "city", "zip", "country", "company", "title",
            "notes", "tags")


def write_dump(path: Path, tables: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)\n--\n-- Host: localhost    Database: tenants\n"
                  "-- Server version\t5.7.44\n\n/*!40101 SET NAMES utf8 */;\n"
                  "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `tenants` /*!40100 DEFAULT CHARACTER SET utf8 */;\n"
                  "USE `tenants`;\n")
        for i in range(tables):
            cols = "".join(f"  `{c}` varchar(100) DEFAULT NULL,\n" for c in _STRINGS)
            out.write(f"CREATE TABLE `tenant_{i:05d}_contacts` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n{cols}"
                      f"  `rank` int(11) DEFAULT NULL,\n"
                      f"  PRIMARY KEY (`id`)\n"
                      f") ENGINE=InnoDB DEFAULT CHARSET=utf8;\n")
        out.write("-- Dump completed on 2024-01-01 10:00:00\n")


def _run(*args: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    res = subprocess.run([str(CLI), "precheck", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if res.returncode not in (0, 1):
        sys.exit(f"precheck {' '.join(args)} exited {res.returncode}: {res.stderr.decode()[-500:]}")
    return elapsed, res.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=4000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "tenants.sql"
        write_dump(dump, args.tables)
        dump_size = dump.stat().st_size
        t_json, out = _run("--ddl", str(dump), "--format", "json")
        report = json.loads(out)
        t_console, console = _run("--ddl", str(dump))
        t_files, _ = _run("--ddl", str(dump), "--format", "json", "--out", str(Path(tmp) / "out"))
        sizes = {p.name: p.stat().st_size for p in sorted((Path(tmp) / "out").iterdir())}
    lines = console.decode().count("\n")
    n = report["counts"]["total"]
    print(f"{args.tables:,} tables, {dump_size / 1e6:.1f} MB dump; "
          f"{n:,} findings ({report['counts']['warning']:,} warnings, {report['counts']['error']:,} errors)")
    print(f"baseline --format json: {t_json:6.2f} s   (report.json lists {len(report['findings']):,} findings)")
    print(f"console (rolled up):    {t_console:6.2f} s   {lines:,} lines   ratio console / json {t_console / t_json:.2f}")
    print(f"--out (all four files): {t_files:6.2f} s   " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sizes.items()))
    ok = (lines <= 2000 and t_console <= 2 * t_json and sizes["report.html"] <= 5_000_000
          and len(report["findings"]) == n)
    print("targets (console <= 2,000 lines and <= 2x json; report.html <= 5 MB; json lists all):",
          "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
