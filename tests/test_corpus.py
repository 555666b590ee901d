"""Real-world schemas (the shared corpus) scan offline without a crash, and their counts do not drift.

The expected counts are ``docs/corpus-results.md``, written by ``benchmarks/corpus_results.py
--write``. A deliberate change in a check shows up here as a diff to review and commit.
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("corpus_results", REPO / "benchmarks" / "corpus_results.py")
corpus_results = importlib.util.module_from_spec(_spec)
sys.modules["corpus_results"] = corpus_results  # dataclasses look their module up by name
_spec.loader.exec_module(corpus_results)

CORPUS = corpus_results.corpus_dir()
pytestmark = pytest.mark.skipif(not any(CORPUS.glob("*.sql")) if CORPUS.is_dir() else True,
                                reason=f"corpus not present at {CORPUS}")


@pytest.fixture(scope="module")
def results():
    return corpus_results.scan_corpus(CORPUS)


def test_every_corpus_file_scans_without_a_crash(results):
    assert len(results) == len(list(CORPUS.glob("*.sql")))
    crashed = {r.name: r.error for r in results if r.error}
    assert not crashed, f"offline scan crashed: {crashed}"
    broken = {r.name: r.failed for r in results if r.failed}
    assert not broken, f"checks crashed on real schemas: {broken}"
    assert all(r.objects["tables"] > 0 for r in results), "a corpus file produced no tables at all"


def test_counts_match_docs_corpus_results(results):
    current = corpus_results.render(results)
    committed = corpus_results.RESULTS_MD.read_text(encoding="utf-8") if corpus_results.RESULTS_MD.exists() else ""
    committed = corpus_results.offline_part(committed)
    if current != committed:
        diff = "".join(difflib.unified_diff(committed.splitlines(True), current.splitlines(True),
                                            "docs/corpus-results.md (committed)", "fresh scan"))
        pytest.fail("corpus counts changed; review, then run `.venv/bin/python benchmarks/corpus_results.py "
                    f"--write` and commit:\n{diff}")


def test_files_mariadb_loads_unchanged_have_the_same_views_live_and_offline(mariadb):
    """The live-vs-offline section of docs/corpus-results.md, for whole files: no view differs any more."""
    rows = [corpus_results.compare_views_live(mariadb, p.name, p.read_text(encoding="utf-8"))
            for p in sorted(CORPUS.glob("*.sql"))]
    loaded = [r for r in rows if r.load_error is None]
    assert sum(r.views for r in loaded) > 0, "no corpus file with views loads into MariaDB"
    assert {r.name: (r.columns_differ["after"], r.findings_differ["after"]) for r in loaded} == {
        r.name: (0, 0) for r in loaded}
