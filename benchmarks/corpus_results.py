"""Scan every real-world schema of the shared corpus offline and count findings per check.

    .venv/bin/python benchmarks/corpus_results.py                  # print the report
    .venv/bin/python benchmarks/corpus_results.py --write          # rewrite docs/corpus-results.md
    .venv/bin/python benchmarks/corpus_results.py --live --write   # also redo the live-vs-offline section

``tests/test_corpus.py`` renders the same report and fails when it differs from the committed
``docs/corpus-results.md``, so a change in what the checks find on real schemas is always a
visible, reviewed diff. The corpus lives outside the repository (``../shared/corpus`` or
``$AURORA_UPGRADE_CORPUS``); without it the test is skipped.

``--live`` starts a throw-away MariaDB (``tests/mariadb_server.py``), loads every corpus file into
it with the ``mariadb`` client, and for each file it loads unchanged compares the views of a live
scan with the offline scan of the same file: column lists and findings on views, once without
the sqlglot view naming (``collect/views.py``, the "before") and once with it, in the same run.
Without ``--live`` the committed live section is kept as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import uuid
from contextlib import contextmanager
from unittest import mock
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from upgrade_cli.checks.registry import MANUAL_REVIEW_ID, get_check, run_checks  # noqa: E402
from upgrade_cli.precheck.collect import dump  # noqa: E402
from upgrade_cli.precheck.collect.dump import load_dump, parse_dump  # noqa: E402

RESULTS_MD = REPO / "docs" / "corpus-results.md"
BASELINE = Path(__file__).with_name("corpus_baseline.json")  # the counts before issue 10, for the comparison
LIVE_HEADING = "## Live vs offline: views"


def corpus_dir() -> Path:
    return Path(os.environ.get("AURORA_UPGRADE_CORPUS") or REPO.parent / "shared" / "corpus")


@dataclass
class FileResult:
    name: str
    objects: dict[str, int]
    counts: Counter = field(default_factory=Counter)  # (check id, severity) -> findings
    failed: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # the scan itself crashed


def scan_file(path: Path) -> FileResult:
    """Offline scan of one dump; a crash is recorded, never raised, so one file cannot hide the others."""
    try:
        catalog = load_dump(path)
        run = run_checks(catalog)
    except Exception as exc:  # noqa: BLE001 - the report must show it
        return FileResult(path.name, {}, error=f"{type(exc).__name__}: {exc}")
    objects = {"tables": len(catalog.tables), "views": len(catalog.views), "routines": len(catalog.routines),
               "triggers": len(catalog.triggers), "events": len(catalog.events)}
    counts = Counter((f.check_id, f.severity.value) for f in run.findings)
    return FileResult(path.name, objects, counts, dict(run.failed))


def scan_corpus(directory: Path) -> list[FileResult]:
    return [scan_file(p) for p in sorted(directory.glob("*.sql"))]


def render(results: list[FileResult]) -> str:
    lines = [
        "# Corpus results: offline scans of real-world schemas",
        "",
        "Every `*.sql` file of the shared corpus (`../shared/corpus/`, described in its README) scanned",
        "offline (`aurora-upgrade precheck --ddl FILE`), with the number of findings per check.",
        f"`{MANUAL_REVIEW_ID}` counts statements or objects the dump parser could not fully understand.",
        "Server-scope checks do not run on a dump, and not-checkable checks never run.",
        "",
        "Regenerate with `.venv/bin/python benchmarks/corpus_results.py --write`;",
        "`tests/test_corpus.py` fails when this file differs from a fresh scan.",
        "",
        "## Summary",
        "",
        "| file | tables | views | routines | triggers | events | errors | warnings | notices | manual review | crashed checks |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.error:
            lines.append(f"| `{r.name}` | scan crashed: {r.error} |" + " |" * 9)
            continue
        by_sev = Counter()
        for (check_id, sev), n in r.counts.items():
            if check_id != MANUAL_REVIEW_ID:
                by_sev[sev] += n
        manual = sum(n for (cid, _), n in r.counts.items() if cid == MANUAL_REVIEW_ID)
        o = r.objects
        lines.append(f"| `{r.name}` | {o['tables']} | {o['views']} | {o['routines']} | {o['triggers']} | {o['events']} "
                     f"| {by_sev['error']} | {by_sev['warning']} | {by_sev['notice']} | {manual} | {len(r.failed)} |")
    lines += _before_after(results)
    for r in results:
        lines += ["", f"## `{r.name}`", ""]
        if r.error:
            lines.append(f"The scan crashed: `{r.error}`")
            continue
        lines += ["| check | severity | findings |", "|---|---|---:|"]
        for (check_id, sev), n in sorted(r.counts.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1])):
            lines.append(f"| `{check_id}` | {sev} | {n} |")
        if not r.counts:
            lines.append("| (no findings) | | 0 |")
        for check_id, err in sorted(r.failed.items()):
            lines.append(f"\nCheck `{check_id}` crashed: `{err}`")
    return "\n".join(lines) + "\n"


def _current_id(check_id: str) -> str:
    c = get_check(check_id)
    return c.id if c else check_id


def _before_after(results: list[FileResult]) -> list[str]:
    """Findings per check over the whole corpus, before issue 10 (``corpus_baseline.json``) and now."""
    if not BASELINE.exists():
        return []
    before: Counter = Counter()
    for counts in json.loads(BASELINE.read_text(encoding="utf-8"))["files"].values():
        for key, n in counts.items():
            check_id, sev = key.split("/")
            before[(_current_id(check_id), sev)] += n
    after: Counter = Counter()
    for r in results:
        after.update(r.counts)
    lines = ["", "## Findings per check, before and after issue 10", "",
             "All files together. *Before* is this report as committed before issue 10 (Shell parity, no noise; "
             "`benchmarks/corpus_baseline.json`, old ids shown under today's); *after* is this scan.", "",
             "| check | severity | before | after |", "|---|---|---:|---:|"]
    for key in sorted(set(before) | set(after), key=lambda k: (k[0].lower(), k[1])):
        lines.append(f"| `{key[0]}` | {key[1]} | {before[key]} | {after[key]} |")
    lines.append(f"| **total** | | {sum(before.values())} | {sum(after.values())} |")
    return lines


@dataclass
class LiveViews:
    name: str
    load_error: str | None = None  # the first line the mariadb client printed, when the file does not load
    views: int = 0
    columns_differ: dict[str, int] = field(default_factory=dict)  # "before"/"after" -> views whose columns differ
    findings_differ: dict[str, int] = field(default_factory=dict)  # "before"/"after" -> view findings in one scan only
    charset_unknown: int = 0  # live utf8mb3 view columns whose charset the offline scan leaves unknown (after)


@contextmanager
def _without_view_naming():
    """The dump parser as it was before collect/views.py: views named by the lexer and mysqldump stubs only."""
    with mock.patch.object(dump, "name_view_columns", lambda catalog: None):
        yield


def _view_findings(catalog) -> set[tuple]:
    views = {(v.schema, v.name) for v in catalog.views}
    return {(f.check_id, f.object_type, f.schema, f.object_name, f.column) for f in run_checks(catalog).findings
            if (f.schema, f.object_name) in views and f.check_id != MANUAL_REVIEW_ID}


def compare_views_live(server, name: str, text: str) -> LiveViews:
    """Load ``text`` into ``server`` (a tests.mariadb_server.MariaDB) and compare its views live and offline."""
    from upgrade_cli.precheck.collect.live import collect_live

    result = LiveViews(name)
    db = f"corpus_{uuid.uuid4().hex[:8]}"
    with server.connect() as conn, conn.cursor() as cur:
        cur.execute("SHOW DATABASES")
        before = {r[0] for r in cur.fetchall()}
        cur.execute("SHOW GLOBAL VARIABLES")
        settings = dict(cur.fetchall())
        cur.execute(f"CREATE DATABASE `{db}`")
    try:
        try:
            server.execute_script(text, db)
        except RuntimeError as exc:
            result.load_error = next((ln for ln in str(exc).splitlines() if ln.startswith("ERROR")), str(exc))[:120]
            return result
        with server.connect() as conn, conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            schemas = sorted({r[0] for r in cur.fetchall()} - before)
        with server.connect() as conn:
            live = collect_live(conn, schemas)
        live_columns = {(v.schema, v.name): v.columns for v in live.views}
        result.views = len(live_columns)
        for label in ("before", "after"):
            if label == "before":
                with _without_view_naming():
                    offline = parse_dump(text, name, default_schema=db)
            else:
                offline = parse_dump(text, name, default_schema=db)
            offline_columns = {(v.schema, v.name): v.columns for v in offline.views}
            result.columns_differ[label] = sum(offline_columns.get(k) != cols for k, cols in live_columns.items())
            live_found, offline_found = _view_findings(live), _view_findings(offline)
            known = {(v.schema, v.name, c) for v in offline.views for c in v.column_charsets}
            unknown = {f for f in live_found - offline_found if f[0] == "utf8mb3" and f[2:] not in known}
            result.findings_differ[label] = len((live_found ^ offline_found) - unknown)
            result.charset_unknown = len(unknown)
        return result
    finally:  # the next unit gets the server this one found (Shell sections SET GLOBAL sql_mode, row formats)
        with server.connect() as conn, conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            for name in sorted({r[0] for r in cur.fetchall()} - before):
                cur.execute(f"DROP DATABASE `{name}`")
            cur.execute("SHOW GLOBAL VARIABLES")
            for var, value in cur.fetchall():
                if var in settings and settings[var] != value:
                    cur.execute(f"SET GLOBAL {var} = %s", (settings[var],))


_TEST_F = re.compile(r"^-- TEST_F\(MySQL_upgrade_check_test, (\w+)\)\s*$", re.M)


def load_units(directory: Path) -> list[tuple[str, str]]:
    """Every corpus file, and each TEST_F section of the file extracted from MySQL Shell's unit test on its own
    (the whole file stops loading at its first MariaDB-only error; most of its sections load)."""
    units = []
    for path in sorted(directory.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        units.append((path.name, text))
        marks = list(_TEST_F.finditer(text))
        for m, nxt in zip(marks, marks[1:] + [None]):
            units.append((f"{path.name} § {m.group(1)}", text[m.start():nxt.start() if nxt else len(text)]))
    return units


def live_corpus(directory: Path) -> list[LiveViews]:
    from tests.mariadb_server import MariaDB

    with tempfile.TemporaryDirectory(prefix="corpus-mariadb-") as tmp, MariaDB(tmp) as server:
        return [compare_views_live(server, name, text) for name, text in load_units(directory)]


def render_live(rows: list[LiveViews]) -> str:
    lines = [
        LIVE_HEADING, "",
        "Each file loaded into MariaDB 10.11 with the `mariadb` client, unchanged, then scanned live and offline.",
        "*Before*: view columns offline from mysqldump's stub tables and `expr AS name` lists only; *after*: also",
        "`*`, `t.*` and unaliased expressions named by sqlglot (`upgrade_cli/precheck/collect/views.py`). Findings on",
        "views are compared as (check, object type, schema, object, column), manual review left out. Since issue 20",
        "`utf8mb3` reports view columns as the Shell does; a view column that is a literal or holds a subquery takes",
        "the charset of the connection that created the view, which a dump does not say: the offline scan leaves it",
        "unknown, counted apart in the last column (not as a differing finding).",
        "Regenerate with `.venv/bin/python benchmarks/corpus_results.py --live --write`.", "",
        "| file | loads into MariaDB | views | column lists differing, before → after | view findings differing, before → after "
        "| view column charsets unknown offline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.load_error:
            lines.append(f"| `{r.name}` | no: `{r.load_error.replace('|', '/')}` | | | | |")
        else:
            lines.append(f"| `{r.name}` | yes | {r.views} | {r.columns_differ['before']} → {r.columns_differ['after']} "
                         f"| {r.findings_differ['before']} → {r.findings_differ['after']} | {r.charset_unknown} |")
    return "\n".join(lines) + "\n"


def offline_part(text: str) -> str:
    """The document without its live section (which only ``--live`` recomputes)."""
    return text.split("\n" + LIVE_HEADING, 1)[0].rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {RESULTS_MD.relative_to(REPO)}")
    parser.add_argument("--live", action="store_true", help="recompute the live-vs-offline section on MariaDB")
    args = parser.parse_args(argv)
    directory = corpus_dir()
    if not directory.is_dir():
        print(f"corpus not found at {directory} (set AURORA_UPGRADE_CORPUS)", file=sys.stderr)
        return 2
    text = render(scan_corpus(directory))
    committed = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
    if args.live:
        text += "\n" + render_live(live_corpus(directory))
    elif LIVE_HEADING in committed:
        text += "\n" + LIVE_HEADING + committed.split(LIVE_HEADING, 1)[1]
    if args.write:
        RESULTS_MD.parent.mkdir(exist_ok=True)
        RESULTS_MD.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS_MD}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
