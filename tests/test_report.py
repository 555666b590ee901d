"""The report model and its renderers: JSON (documented keys), Markdown, HTML, JUnit, console.

Checks here are small local ones run through the real ``run_checks`` (in an isolated registry), so
the statuses come from a real run: one passes, one finds, one needs a server, one is not checkable,
one crashes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from upgrade_cli.checks import registry
from upgrade_cli.checks.registry import Check, Finding, Scope, Severity, run_checks
from upgrade_cli.precheck.model import Catalog, CollectionIssue, Source, Table
from upgrade_cli.precheck.report import (
    REPORT_FILES,
    build_report,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    write_reports,
)
from upgrade_cli.precheck import report as report_module
from upgrade_cli.precheck.render import render_console

DOC = Path(__file__).resolve().parent.parent / "docs" / "report-format.md"
EVIL = "<script>alert('x')</script> | `tick` *star* [link](http://evil.example) & [bold]markup[/bold]"


def _check(id_, body=None, scope=Scope.objects):
    """A check as ``@check`` would build it: ``body(check, catalog)`` bound to its own Check."""
    c = Check(id=id_, title=f"title of {id_}", severity=Severity.error, source="mysql-shell", since="8.0.11",
              doc_url=f"https://docs.example/{id_}", detects="d", why="w", example="e", fix="f", scope=scope)
    object.__setattr__(c, "func", lambda catalog, target=None: (body or (lambda c, cat: ()))(c, catalog))
    return c


def _finds(c, catalog):
    for t in catalog.tables:
        yield c.finding("table", f"table {t.name} is bad: {EVIL}", schema=t.schema, object_name=t.name,
                        fix=f"ALTER TABLE `{t.name}` ...")
    yield c.finding("server", "a notice", severity=Severity.notice)


def _crash(c, catalog):
    raise RuntimeError("boom")


@pytest.fixture
def run(monkeypatch):
    checks = [_check("aPasses"), _check("bFinds", _finds), _check("cNeedsServer", scope=Scope.server),
              _check("dNotCheckable", scope=Scope.not_checkable), _check("eCrashes", _crash)]
    monkeypatch.setattr(registry, "_REGISTRY", {c.id: c for c in checks})
    monkeypatch.setattr(registry, "_LOADED", True)
    catalog = Catalog(source=Source(kind="dump", name="legacy.sql", collected_at="2024-01-01T00:00:00+00:00"),
                      tables=[Table(schema="shop", name="orders<x>")],
                      issues=[CollectionIssue(schema="shop", object_type="routine", object_name="p1",
                                              reason="body not understood")])
    return checks, run_checks(catalog)


def _report(run, **kw):
    checks, result = run
    source = {"kind": "dump", "name": "legacy.sql", "server_version": None, "aurora_version": None,
              "collected_at": "2024-01-01T00:00:00+00:00"}
    return build_report(source, checks, result, **kw)


def test_statuses_counts_and_blocking(run):
    imported = [Finding(check_id="cNeedsServer", severity=Severity.error, object_type="server", object_name="all",
                        message="from aurora", origin="aurora-log"),
                Finding(check_id="auroraOnlyCheck", severity=Severity.warning, object_type="table", schema="s",
                        object_name="t", message="only Aurora knows", origin="aurora-log")]
    report = _report(run, extra_findings=imported)
    status = {c.id: c.status for c in report.checks}
    assert status == {"aPasses": "passed", "bFinds": "findings", "cNeedsServer": "findings",
                      "dNotCheckable": "not_checkable", "eCrashes": "failed", "manualReview": "findings",
                      "auroraOnlyCheck": "findings"}
    by_id = {c.id: c for c in report.checks}
    assert by_id["eCrashes"].note == "RuntimeError: boom"
    assert by_id["auroraOnlyCheck"].source == "aurora-log" and by_id["auroraOnlyCheck"].severity == "warning"
    assert report.counts == {"error": 2, "warning": 2, "notice": 1, "total": 5}
    assert [f.severity.value for f in report.findings] == ["error", "error", "warning", "warning", "notice"]
    assert len(report.blocking) == 2
    assert len(_report(run, extra_findings=imported, fail_on="warning").blocking) == 4
    assert len(_report(run, extra_findings=imported, fail_on="notice").blocking) == 5
    assert _report(run, extra_findings=imported, fail_on="never").blocking == []


def test_reviewers_read_findings_first_then_every_check(run):
    report = _report(run)
    order = [c.id for c in report.reading_order()]
    assert order == ["bFinds", "manualReview", "eCrashes", "aPasses", "cNeedsServer", "dNotCheckable"]
    for text, heading in ((render_markdown(report), "## All checks"), (render_html(report), "<h2>All checks</h2>")):
        assert text.index("bFinds") < text.index("manualReview") < text.index(heading)
        assert text.index(heading) < text.rindex("dNotCheckable")


def _documented_keys(section: str, doc: Path = DOC) -> set[str]:
    """Backquoted names in the first column of the table under ``## <section>`` in docs/report-format.md."""
    text = doc.read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    keys = set()
    for line in body.splitlines():
        if line.startswith("| `"):
            keys.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return keys


def test_json_has_exactly_the_documented_keys(run):
    from upgrade_cli.precheck.aurora_log import load_aurora_log

    log = load_aurora_log(Path(__file__).parent / "fixtures" / "aurora_logs" / "failed_2_11_to_3_04.log")
    report = _report(run, aurora_log=log.summary_dict(), complete=False, incomplete_reason="lost connection")
    data = json.loads(render_json(report))
    assert set(data) == _documented_keys("Top level")
    assert data["report_format"] == 1 and data["tool"]["name"] == "aurora-upgrade"
    assert data["complete"] is False and data["passed"] is False and data["blocking"] == 1
    assert set(data["source"]) | {"snapshot_of", "cluster"} == _documented_keys("`source`")
    assert all(set(c) == _documented_keys("`checks[]`") for c in data["checks"])
    assert all(set(f) == _documented_keys("`findings[]`") for f in data["findings"])
    assert set(data["aurora_log"]) == _documented_keys("`aurora_log`")
    assert data["counts"] == {"error": 1, "warning": 1, "notice": 1, "total": 3}


def test_markdown_escapes_cells(run):
    md = render_markdown(_report(run))
    row = next(line for line in md.splitlines() if "orders" in line and line.startswith("| error"))
    assert row.count("|") - row.count("\\|") == 6  # 5 columns: the pipe in the message is escaped
    assert "<script>" not in md and "\\<script\\>" in md
    assert "## bFinds: title of bFinds" in md and "could not be fully analysed" in md


def test_html_is_self_contained_and_escaped(run):
    page = render_html(_report(run, complete=False, incomplete_reason="lost <connection>"))
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "&lt;script&gt;" in page and "orders&lt;x&gt;" in page
    assert not re.search(r"<(link|img|iframe|object)\b|\bsrc=|@import|url\(", page)
    assert "INCOMPLETE SCAN: lost &lt;connection&gt;" in page
    assert 'href="https://docs.example/bFinds"' in page


def test_junit_one_testcase_per_check(run):
    xml = render_junit(_report(run, complete=False, incomplete_reason="lost connection"))
    suite = ET.fromstring(xml.split("?>", 1)[1])
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {"aPasses", "bFinds", "cNeedsServer", "dNotCheckable", "eCrashes", "manualReview",
                          "scan-complete"}
    assert list(cases["aPasses"]) == []
    failure = cases["bFinds"].find("failure")
    assert failure is not None and failure.get("message") == "1 finding(s) at or above error"
    assert "orders<x>" in failure.text and "ALTER TABLE" in failure.text
    assert "a notice" in cases["bFinds"].find("system-out").text  # below fail-on: reported, not failing
    assert cases["cNeedsServer"].find("skipped") is not None and cases["dNotCheckable"].find("skipped") is not None
    assert cases["eCrashes"].find("error").get("message") == "RuntimeError: boom"
    assert cases["scan-complete"].find("error").get("message") == "lost connection"
    assert cases["manualReview"].find("failure") is None  # a warning, below fail-on=error
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("7", "1", "2", "2")
    warn = ET.fromstring(render_junit(_report(run, fail_on="warning")).split("?>", 1)[1])
    assert warn.get("failures") == "2"


def test_console_shows_counts_tables_and_what_was_not_checked(run):
    con = Console(record=True, width=250, color_system=None)
    render_console(_report(run), con)
    text = con.export_text()
    assert "1 error  1 warning  1 notice" in text
    assert "bFinds — title of bFinds" in text and "shop.orders<x>" in text
    assert "[bold]markup[/bold]" in text  # data is never interpreted as rich markup
    assert "not checkable (not checkable from SQL), 1: dNotCheckable" in text
    assert "failed: eCrashes — RuntimeError: boom" in text
    assert "skipped (needs a live server), 1: cNeedsServer" in text
    assert "1 finding(s) at or above --fail-on error" in text


def test_write_reports_writes_every_format(run, tmp_path):
    paths = write_reports(_report(run), tmp_path / "out")
    assert [p.name for p in paths] == list(REPORT_FILES)
    assert json.loads((tmp_path / "out" / "report.json").read_text())["counts"]["total"] == 3
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from upgrade_cli.cli_common import ToolError

    with pytest.raises(ToolError, match="cannot write reports"):
        write_reports(_report(run), blocker / "sub")


def test_repeats_are_rolled_up_unless_details_and_json_keeps_every_finding(monkeypatch):
    checks = [_check("bFinds", _finds)]
    monkeypatch.setattr(registry, "_REGISTRY", {c.id: c for c in checks})
    monkeypatch.setattr(registry, "_LOADED", True)
    catalog = Catalog(source=Source(kind="dump", name="tenants.sql", collected_at="2024-01-01T00:00:00+00:00"),
                      tables=[Table(schema="shop", name=f"t{i:02d}") for i in range(30)])
    report = _report((checks, run_checks(catalog)))
    assert len(json.loads(render_json(report))["findings"]) == 31
    console = Console(record=True, width=200)
    render_console(report, console)
    text = console.export_text()
    assert "30 errors, 1 notice on 30 tables, 1 server in 30 tables: shop.t00, shop.t01" in text
    assert "(+26 more)" in text and "shop.t29" not in text and "--details lists every finding" in text
    detailed = Console(record=True, width=200)
    render_console(report, detailed, details=True)
    assert "shop.t29" in detailed.export_text()
    md = render_markdown(report)
    assert "shop.t04" in md and "shop.t05" not in md and "lists all 31" in md
    assert "shop.t29" in render_markdown(report, details=True)
    page = render_html(report)
    assert "<details><summary>30 errors, 1 notice on 30 tables" in page and "shop.t29" in page  # <= 200 rows
    junit = ET.fromstring(render_junit(report))
    failure = junit.find("testcase[@name='bFinds']/failure").text
    assert failure.startswith("30 errors") and "20 more" in failure and "shop.t29" not in failure
    assert "shop.t29" in ET.fromstring(render_junit(report, details=True)).find("testcase[@name='bFinds']/failure").text


def test_findings_come_back_from_disk_in_one_stable_sort_order(monkeypatch):
    """The store (chunks on disk, one batch per check, batches merged) lists exactly what one stable sort of
    every finding did, ties (same key, several batches) in the order they came; report.json is the same bytes
    json.dumps(indent=2) gives for that list."""
    from upgrade_cli.precheck import findings as store_module
    from upgrade_cli.precheck.findings import FindingStore, report_order

    monkeypatch.setattr(store_module, "CHUNK", 3)
    batches = [[Finding("bCheck", sev, "column", "s" if i % 5 else None, f"t{i % 4}", f"c{i % 3}", f"m{n}-{i} ü \"q\" \\ {EVIL}",
                        None if i % 2 else f"ALTER {i}", origin)
                for i in range(11) for sev in (Severity.warning, Severity.error) if (i + n) % 3]
               for n, origin in enumerate(("scan", "scan", "aurora-log"))]
    batches.append([Finding("aCheck", Severity.notice, "server", message="x"),
                    Finding("ACheck2", Severity.warning, "table", "s", "t", message="y")])
    store = FindingStore()
    for batch in batches:
        store.add(batch)
    expected = sorted((f for batch in batches for f in batch), key=report_order)
    assert list(store) == expected and len(store) == len(expected)
    assert store.by_check()["bCheck"][:4] == [f for f in expected if f.check_id == "bCheck"][:4]
    checks = [_check("bCheck"), _check("aCheck"), _check("ACheck2")]
    run = registry.CheckRun(findings=store, failed={}, skipped={})
    report = build_report({"kind": "dump", "name": "x"}, checks, run, fail_on="warning")
    assert render_json(report) == json.dumps({**report.to_dict(), "findings": [f.to_dict() for f in expected]},
                                             indent=2, ensure_ascii=False, default=str) + "\n"
    assert len(report.blocking) == sum(f.severity is not Severity.notice for f in expected)


@pytest.mark.parametrize("n", [1000, 2001])
def test_json_findings_in_whole_thousands(n):
    from upgrade_cli.precheck.findings import FindingStore

    store = FindingStore(Finding("aCheck", Severity.warning, "table", "s", f"t{i:05}", message="m") for i in range(n))
    report = build_report({"kind": "dump", "name": "x"}, [_check("aCheck")],
                          registry.CheckRun(findings=store, failed={}, skipped={}))
    assert render_json(report) == json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    assert render_json(report) == render_json(report)  # the second copy from the spool


def test_a_check_that_crashes_half_way_reports_nothing(monkeypatch):
    """Its findings go to the store in batches (here of 2, cut between objects): those already written are
    taken back, as when a check's findings were one list; a check that finishes keeps all of them, in order."""
    from upgrade_cli.precheck import findings as store_module

    monkeypatch.setattr(store_module, "BATCH", 2)

    def half(c, catalog):
        for t in catalog.tables:
            yield c.finding("table", "x", schema=t.schema, object_name=t.name)
        raise RuntimeError("boom")

    def whole(c, catalog):
        for t in catalog.tables:
            yield c.finding("column", "y", schema=t.schema, object_name=t.name, column="b")
            yield c.finding("column", "y", schema=t.schema, object_name=t.name, column="a")

    checks = [_check("aHalf", half), _check("bWhole", whole)]
    monkeypatch.setattr(registry, "_REGISTRY", {c.id: c for c in checks})
    monkeypatch.setattr(registry, "_LOADED", True)
    catalog = Catalog(source=Source(kind="dump", name="x"), tables=[Table("s", f"t{i}") for i in range(7)])
    result = run_checks(catalog)
    assert "aHalf" in result.failed
    assert [(f.check_id, f.object_name, f.column) for f in result.findings] == [
        ("bWhole", f"t{i}", col) for i in range(7) for col in ("a", "b")]


@pytest.mark.parametrize("odd", ["\x1f", "\x1e", "a\x1eb", "\\u001f", "\\u001e", "\\u001e x", "x\\", "\\", "", "\udcff", "%s %(x)s", "\x00\n"])
def test_json_findings_whatever_their_text(odd):
    """report.json encodes a chunk of findings in one call, its values cut by two control characters: a value
    holding them, their escapes' text, or anything else still comes out as json.dumps writes it."""
    from upgrade_cli.precheck.findings import FindingStore

    found = [Finding("aCheck", Severity.warning, "column", "s", "t", "c", message=f"m {odd}", fix=odd),
             Finding("aCheck", Severity.warning, "table", odd or None, "u", None, message=odd),
             Finding("aCheck", Severity.notice, "server", None, odd, odd, message="x", fix=None),
             Finding("aCheck", Severity.notice, "schema", odd, None, "", message="y", origin="aurora-log")]
    report = build_report({"kind": "dump", "name": "x"}, [_check("aCheck")],
                          registry.CheckRun(findings=FindingStore(found), failed={}, skipped={}))
    assert render_json(report) == json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    assert [f.location for f in found] == [report_module._location(f.schema, f.object_name, f.column) for f in found]


def test_reports_written_twice_in_one_place_stay_whole(tmp_path):
    """report.json's findings are copied from the first report.json written (stdout's copy): writing the reports
    again over it, or elsewhere, still gives every finding."""
    from upgrade_cli.precheck.findings import FindingStore
    from upgrade_cli.precheck.report import write_reports

    store = FindingStore(Finding("aCheck", Severity.warning, "table", "s", f"t{i:05}", message="m") for i in range(2500))
    report = build_report({"kind": "dump", "name": "x"}, [_check("aCheck")],
                          registry.CheckRun(findings=store, failed={}, skipped={}))
    expected = json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    for out in (tmp_path, tmp_path, tmp_path / "other"):
        write_reports(report, out)
        assert (out / "report.json").read_text(encoding="utf-8") == expected
    assert render_json(report) == expected
