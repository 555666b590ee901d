"""The whole live scan against its floor: the same statements, run once each through the `mariadb` C client.

For each size N it builds N tables (``precheck_scale.schema_script``: 20 columns, 2 secondary indexes,
a view per 50 tables, routines) in a throw-away MariaDB, then, one after the other:

1. ``capture``: ``aurora-upgrade precheck`` runs once with the server's general log on (``log_output=TABLE``);
   the statements its connection sent are kept, in order. This run is also the warm-up.
2. ``floor``: those statements go through ONE ``mariadb`` client session (``--batch --force``, output to
   /dev/null): what the server and a C client need for exactly this statement set.
3. ``scan``: the whole CLI again (``precheck --host ... --schema bench_N --out DIR --format json``: connect,
   read, build the catalog, run every check, write report.json/md/html and junit.xml, and the JSON report
   to stdout), general log off. ``--format json``: the console listing prints each of the ~9 findings per
   table through rich (about 1 ms each), which is the renderer's cost, not the scan's.
4. with ``--floor-rev REV`` (a git revision of this repository, say the last one before issue 23:
   ``26a5ff3^1``), that revision's CLI (its tree extracted with ``git archive``, run by this venv's Python)
   has its statements captured and replayed the same way: the floor of the statement set it sends ("today's
   floor"), and its whole scan is timed like step 3 (the same scan before). ``--floor-cli PATH`` names such
   a CLI directly instead.

Steps 2-4 run under ``/usr/bin/time -v``: wall clock and peak RSS. Prints per size the scan, each floor,
the ratios and the scan's peak RSS and RSS per 1k tables (linear growth shows as a flat column).

    .venv/bin/python benchmarks/live_scan_floor.py [--sizes 1000,20000] [--floor-rev '26a5ff3^1']

The tables are created by 4 concurrent sessions on a server that never fsyncs (``precheck_scale.FAST_DDL_CNF``);
100,000 tables take about 20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from precheck_scale import FAST_DDL_CNF, build_schema  # noqa: E402
from tests.mariadb_server import MariaDB  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict[str, str], stdin: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB, exit code) of ``cmd`` under /usr/bin/time -v; its output is discarded."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        with open(stdin or os.devnull, "rb") as fin:
            rc = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *cmd], stdin=fin,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
        text = Path(report.name).read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    rss_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, rss_mb, rc


def cli_of_revision(rev: str, into: Path) -> Path:
    """A script running revision ``rev``'s CLI from its extracted tree with this venv's Python (its packages
    found on ``sys.path`` before this checkout's editable install)."""
    into.mkdir(parents=True)
    tree = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=tree, check=True)
    for package in ("checks", "param_profiles"):  # installed as upgrade_cli.<package> (pyproject package-dir)
        (into / "upgrade_cli" / package).symlink_to(into / package)
    script = into / "aurora-upgrade"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} -c \"import sys; sys.path.insert(0, '{into}'); "
                      "sys.argv[0] = 'aurora-upgrade'; from upgrade_cli.main import run; run()\" \"$@\"\n")
    script.chmod(0o755)
    return script


def scan_cmd(cli: str, server: MariaDB, db: str, out: Path) -> list[str]:
    return [cli, "precheck", "--host", server.host, "--port", str(server.port), "--user", "root", "--schema", db,
            "--statement-timeout", "3600", "--out", str(out), "--allow-incomplete", "--format", "json"]


def capture(server: MariaDB, cmd: list[str], env: dict[str, str], into: Path) -> int:
    """Run ``cmd`` with the general log on; write the statements other sessions sent to ``into``."""
    with server.connect() as admin, admin.cursor() as cur:
        cur.execute("SELECT CONNECTION_ID()")
        me = cur.fetchone()[0]
        cur.execute("SET GLOBAL log_output = 'TABLE'")
        cur.execute("TRUNCATE TABLE mysql.general_log")
        cur.execute("SET GLOBAL general_log = ON")
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        finally:
            cur.execute("SET GLOBAL general_log = OFF")
        cur.execute("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                    "WHERE command_type = 'Query' AND thread_id <> %s ORDER BY event_time", (me,))
        statements = [row[0] for row in cur.fetchall()]
        cur.execute("TRUNCATE TABLE mysql.general_log")
    into.write_text("".join(s.rstrip().rstrip(";") + ";\n" for s in statements), encoding="utf-8")
    return len(statements)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,20000", help="comma-separated table counts (default 1000,20000)")
    ap.add_argument("--routines", type=int, default=300)
    ap.add_argument("--cli", default=str(REPO / ".venv" / "bin" / "aurora-upgrade"))
    ap.add_argument("--floor-cli", help="another build's aurora-upgrade: its statements give a second floor")
    ap.add_argument("--floor-rev", help="a git revision whose CLI's statements give a second floor")
    args = ap.parse_args()
    for tool in ("/usr/bin/time", shutil.which("mariadb")):
        if not tool or not Path(tool).exists():
            sys.exit("error: needs /usr/bin/time (apt-get install time) and the mariadb client")
    sizes = [int(s) for s in args.sizes.split(",")]
    most = max(sizes)
    with tempfile.TemporaryDirectory(prefix="scan-floor-") as tmp:
        tmp_path = Path(tmp)
        if args.floor_rev:
            args.floor_cli = str(cli_of_revision(args.floor_rev, tmp_path / "floor-rev"))
        server = MariaDB(tmp_path / "db", extra_cnf=f"table_definition_cache={most + 2000}\n"
                         f"table_open_cache={most + 2000}\ninnodb_open_files={most + 2000}\n"
                         f"open_files_limit={max(65535, 2 * most + 5000)}\nmax_allowed_packet=64M\n"
                         + FAST_DDL_CNF)
        (tmp_path / "db").mkdir()
        server.start()
        env = {**os.environ, "AURORA_UPGRADE_PASSWORD": server.password, "MYSQL_PWD": server.password}
        client = [shutil.which("mariadb"), "-h", server.host, "-P", str(server.port), "-uroot", "--batch",
                  "--skip-column-names", "--force"]
        try:
            print(f"{'tables':>7} {'statements':>10} {'floor s':>8} {'scan s':>8} {'ratio':>6} "
                  f"{'scan RSS MB':>11} {'MB/1k tables':>12} {'floor RSS MB':>12}"
                  + (f" {'old stmts':>9} {'old floor s':>11} {'ratio':>6} {'old scan s':>10} {'old RSS MB':>10}"
                     if args.floor_cli else ""), flush=True)
            for n in sizes:
                db = f"bench_{n}"
                built = build_schema(server, db, n, args.routines)
                out = tmp_path / f"report-{n}"
                statements = tmp_path / f"statements-{n}.sql"
                count = capture(server, scan_cmd(args.cli, server, db, out), env, statements)
                floor_s, floor_mb, _ = timed([*client, db], env, statements)
                scan_s, scan_mb, rc = timed(scan_cmd(args.cli, server, db, out), env)
                if rc not in (0, 1):
                    sys.exit(f"error: the scan exited {rc}")
                line = (f"{n:>7} {count:>10} {floor_s:>8.2f} {scan_s:>8.2f} {scan_s / floor_s:>6.2f} "
                        f"{scan_mb:>11.0f} {1000 * scan_mb / n:>12.1f} {floor_mb:>12.0f}")
                if args.floor_cli:
                    old = tmp_path / f"statements-old-{n}.sql"
                    old_count = capture(server, scan_cmd(args.floor_cli, server, db, tmp_path / "old"), env, old)
                    old_s, _, _ = timed([*client, db], env, old)
                    old_scan_s, old_scan_mb, _ = timed(scan_cmd(args.floor_cli, server, db, tmp_path / "old"), env)
                    line += (f" {old_count:>9} {old_s:>11.2f} {scan_s / old_s:>6.2f} {old_scan_s:>10.2f} "
                             f"{old_scan_mb:>10.0f}")
                print(line + f"   (built in {built:.0f} s)", flush=True)
                if n != sizes[-1]:  # the server goes with its directory after the last (dropping 100k tables takes long)
                    with server.connect() as admin, admin.cursor() as cur:
                        cur.execute(f"DROP DATABASE {db}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
