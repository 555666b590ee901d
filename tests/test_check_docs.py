"""Every check is documented in the fixed shape, and docs/checks.md is the registry rendered, not stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upgrade_cli.checks import all_checks
from upgrade_cli.main import app
from upgrade_cli.precheck.cli import DOC_SECTIONS, check_sections, missing_sections, render_check_docs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "checks.md"


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: c.id)
def test_every_check_has_every_section(check):
    assert missing_sections(check) == []
    assert [name for name, _ in check_sections(check)] == list(DOC_SECTIONS)
    assert check.doc_url.startswith("https://")


def test_docs_checks_md_is_not_stale():
    assert DOCS.read_text(encoding="utf-8") == render_check_docs(all_checks()), (
        "docs/checks.md is stale: run `aurora-upgrade checks docs`")


def test_every_check_has_its_section_in_the_file():
    text = DOCS.read_text(encoding="utf-8")
    for c in all_checks():
        section = text.split(f"\n## {c.id}\n", 1)[1].split("\n## ", 1)[0]
        headings = [line[4:] for line in section.splitlines() if line.startswith("### ")]
        assert headings == list(DOC_SECTIONS), c.id


def test_docs_command_writes_then_check_passes_and_detects_staleness(tmp_path):
    runner = CliRunner()
    target = tmp_path / "checks.md"
    res = runner.invoke(app, ["checks", "docs", "--file", str(target)])
    assert res.exit_code == 0 and target.read_text() == render_check_docs(all_checks())
    assert runner.invoke(app, ["checks", "docs", "--file", str(target), "--check"]).exit_code == 0
    target.write_text(target.read_text().replace("### Fix", "### Remedy", 1))
    stale = runner.invoke(app, ["checks", "docs", "--file", str(target), "--check"])
    assert stale.exit_code == 1 and "is stale" in stale.stderr
    missing = runner.invoke(app, ["checks", "docs", "--file", str(tmp_path / "none.md"), "--check"])
    assert missing.exit_code == 1


def test_docs_command_refuses_a_check_without_a_fix(monkeypatch, tmp_path):
    import dataclasses

    from upgrade_cli.checks import registry

    broken = dataclasses.replace(all_checks()[0], fix="  ")
    monkeypatch.setattr(registry, "_REGISTRY", {broken.id: broken})
    res = CliRunner().invoke(app, ["checks", "docs", "--file", str(tmp_path / "x.md")])
    assert res.exit_code == 1 and f"{broken.id} lacks Fix" in res.stderr
    assert not (tmp_path / "x.md").exists()


def test_readme_counts_are_the_registry_and_no_test_count_is_typed_by_hand():
    """A count typed into the README goes stale: every "N checks" there is the registry's, and the test
    suite's size is left to pytest's own summary line."""
    readme = (DOCS.parent.parent / "README.md").read_text(encoding="utf-8")
    counts = [int(n.replace(",", "")) for n in re.findall(r"\b(\d[\d,]*) checks\b", readme)]
    assert counts and set(counts) == {len(all_checks())}
    assert not re.findall(r"\b\d[\d,]* tests\b", readme)
