"""bench's query shapes: the hand-written fingerprint against a sqlglot-based one, same inputs, same run.

    .venv/bin/python benchmarks/fingerprints.py            # 3,000-statement workload + corpus view bodies
    .venv/bin/python benchmarks/fingerprints.py --repeat 5

Inputs:
- the SELECT workload of ``../shared/bench/make-workload.py gen-queries`` (3,000 statements by default,
  generated into a temp directory without any server); the generator also writes which of its
  query templates made each statement, the true shape, so each fingerprint is scored against it;
- its ``queries-mixed.sql`` (SELECT, SET, WITH, DML, SHOW/EXPLAIN), scored against the baseline;
- every view body of the shared corpus (``../shared/corpus/*.sql``, read by our dump parser); no
  true shapes there, so the two fingerprints are compared with each other.

For each input it prints, per fingerprint: shapes found; true shapes kept whole (*identical*),
spread over several fingerprints (*split*) or sharing a fingerprint with another true shape
(*merged*); statements sqlglot could not parse (they keep their own text as shape); and the time
per 1,000 statements (median of ``--repeat`` runs, ``gc.collect()`` before each) with the ratio
to the baseline, ``sqlshape.fingerprint`` (the one bench uses).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlglot  # noqa: E402
from sqlglot import exp  # noqa: E402

from upgrade_cli.bench.sqlshape import fingerprint  # noqa: E402
from upgrade_cli.precheck.collect.dump import load_dump  # noqa: E402

SHARED = Path(os.environ.get("AURORA_UPGRADE_SHARED") or REPO.parent / "shared")
BASELINE = "sqlshape.fingerprint"
_LITERALS = (exp.Literal, exp.Null, exp.Boolean, exp.HexString, exp.BitString, exp.National)


def sqlglot_fingerprint(sql: str) -> str:
    """The shape by sqlglot: literals → ``?``, an IN list of literals → ``?+``, printed back in one spelling."""
    try:
        tree = sqlglot.parse_one(sql, read="mysql")
    except sqlglot.errors.SqlglotError:
        return "unparsed: " + sql

    def literal(node) -> bool:
        return isinstance(node, _LITERALS) or isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal)

    def normalise(node):
        if isinstance(node, exp.In) and node.expressions and all(literal(e) for e in node.expressions):
            node.set("expressions", [exp.var("?+")])
            return node
        if literal(node):
            return exp.var("?")
        return node

    return tree.transform(normalise, copy=False).sql(dialect="mysql")


FINGERPRINTS = {BASELINE: fingerprint, "sqlglot": sqlglot_fingerprint}


def workload(n: int) -> tuple[list[str], list[str], list[str]]:
    """(statements, true shape of each, the generator's mixed SELECT/SET/DML/SHOW file) from the shared
    generator, written to a temp directory."""
    with tempfile.TemporaryDirectory(prefix="fp-workload-") as tmp:
        subprocess.run([sys.executable, str(SHARED / "bench" / "make-workload.py"), "gen-queries", "--dir", tmp,
                        "--queries", str(n)], check=True, stdout=subprocess.DEVNULL)
        statements = [line.rstrip().rstrip(";") for line in open(Path(tmp) / "queries.sql", encoding="utf-8")]
        shapes = [line.split("\t")[1].strip() for line in open(Path(tmp) / "queries.shapes.tsv", encoding="utf-8")]
        mixed = [line.rstrip().rstrip(";") for line in open(Path(tmp) / "queries-mixed.sql", encoding="utf-8")]
    return statements, shapes, mixed


def corpus_views() -> list[str]:
    return [v.definition for p in sorted((SHARED / "corpus").glob("*.sql")) for v in load_dump(p).views]


def agreement(truth: list[str], found: list[str]) -> dict[str, int]:
    """How the groups of ``found`` match the groups of ``truth`` (each a label per statement)."""
    by_truth, by_found = defaultdict(set), defaultdict(set)
    for t, f in zip(truth, found):
        by_truth[t].add(f)
        by_found[f].add(t)
    split = {t for t, fs in by_truth.items() if len(fs) > 1}
    merged = {t for ts in by_found.values() if len(ts) > 1 for t in ts}
    return {"shapes": len(by_found), "identical": len(set(by_truth) - split - merged), "split": len(split),
            "merged": len(merged), "of": len(by_truth)}


def timed(fn, statements: list[str], repeat: int) -> tuple[float, list[str]]:
    times, out = [], []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = [fn(s) for s in statements]
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def report(title: str, statements: list[str], truth: list[str] | None, repeat: int) -> None:
    print(f"\n{title}: {len(statements)} statements"
          + (f", {len(set(truth))} true shapes" if truth else " (no true shapes: scored against the baseline)"))
    results = {name: timed(fn, statements, repeat) for name, fn in FINGERPRINTS.items()}
    base_time, base_fps = results[BASELINE]
    print(f"  {'fingerprint':22} {'shapes':>6} {'identical':>9} {'split':>5} {'merged':>6} {'unparsed':>8} "
          f"{'ms/1k stmts':>11} {'vs baseline':>11}")
    for name, (seconds, fps) in results.items():
        a = agreement(truth if truth else base_fps, fps)
        unparsed = sum(fp.startswith("unparsed: ") for fp in fps)
        per_k = seconds / len(statements) * 1000 * 1000
        print(f"  {name:22} {a['shapes']:6} {a['identical']:5}/{a['of']:<3} {a['split']:5} {a['merged']:6} {unparsed:8} "
              f"{per_k:11.1f} {seconds / base_time:10.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)
    print(f"sqlglot {sqlglot.__version__}; baseline {BASELINE}; median of {args.repeat}")
    statements, shapes, mixed = workload(args.queries)
    report("make-workload.py SELECT workload", statements, shapes, args.repeat)
    report("make-workload.py mixed statements (SELECT, SET, WITH, DML, SHOW)", mixed, None, args.repeat)
    views = corpus_views()
    if views:
        report("corpus view bodies", views, None, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
