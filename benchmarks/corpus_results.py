"""Scan every real-world schema of the shared corpus offline and count findings per check.

    .venv/bin/python benchmarks/corpus_results.py           # print the report
    .venv/bin/python benchmarks/corpus_results.py --write   # rewrite docs/corpus-results.md

``tests/test_corpus.py`` renders the same report and fails when it differs from the committed
``docs/corpus-results.md``, so a change in what the checks find on real schemas is always a
visible, reviewed diff. The corpus lives outside the repository (``../shared/corpus`` or
``$AURORA_UPGRADE_CORPUS``); without it the test is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from upgrade_cli.checks.registry import MANUAL_REVIEW_ID, get_check, run_checks  # noqa: E402
from upgrade_cli.precheck.collect.dump import load_dump  # noqa: E402

RESULTS_MD = REPO / "docs" / "corpus-results.md"
BASELINE = Path(__file__).with_name("corpus_baseline.json")  # the counts before issue 10, for the comparison


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {RESULTS_MD.relative_to(REPO)}")
    args = parser.parse_args(argv)
    directory = corpus_dir()
    if not directory.is_dir():
        print(f"corpus not found at {directory} (set AURORA_UPGRADE_CORPUS)", file=sys.stderr)
        return 2
    text = render(scan_corpus(directory))
    if args.write:
        RESULTS_MD.parent.mkdir(exist_ok=True)
        RESULTS_MD.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS_MD}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
