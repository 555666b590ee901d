"""The manual's upgrade prerequisites map to checks that exist, and docs/checks.md lists those beyond the Shell."""

from __future__ import annotations

from pathlib import Path

from upgrade_cli.checks.manual import MANUAL_ITEMS
from upgrade_cli.checks.registry import all_checks

DOCS = Path(__file__).resolve().parent.parent / "docs" / "checks.md"


def test_every_manual_item_names_registered_checks():
    ids = {c.id for c in all_checks()}
    assert [i for item in MANUAL_ITEMS for i in item.checks if i not in ids] == []


def test_the_manuals_thirteen_items_in_order_and_every_one_a_schema_shows_is_covered():
    # upgrade-prerequisites.html numbers 13 items; item 1 holds three issues (old types, orphan .frm, triggers)
    assert [i.number for i in MANUAL_ITEMS] == ["1a", "1b", "1c", *map(str, range(2, 14))]
    assert [i.number for i in MANUAL_ITEMS if i.in_schema and not i.checks] == []


def test_checks_docs_lists_the_checks_beyond_the_shell():
    beyond = [c for c in all_checks() if c.source == "mysql-manual"]
    assert beyond, "at least the stored-program ENUM/SET check"
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Beyond MySQL Shell", 1)[1].split("\n## ", 1)[0]
    for c in beyond:
        assert f"[{c.id}]" in section and c.doc_url.startswith("https://dev.mysql.com/doc/refman/8.0/en/upgrade-prerequisites")
    for item in MANUAL_ITEMS:
        assert f"| {item.number} | {item.says} |" in section
