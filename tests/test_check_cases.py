"""Runs every case of ``tests/check_cases/*.yaml`` (format: ``tests/check_cases/README.md``).

Each case becomes one test, id ``<checkId>-<case name>``:

- a ``sql`` case is loaded into a fresh database of the real MariaDB server and collected live,
  AND parsed offline as a dump whose default database is that database (a ``USE`` line is
  prepended); the one check runs on both catalogs and each result must match ``fires``.
  ``live: false`` cases run offline only (``live_skip_reason`` says why MariaDB cannot hold them).
  The server the tests run on is MariaDB, not the scanned 5.7 server, so its facts (version,
  global sql_mode, ...) are cleared from both catalogs: a ``sql`` case is about schema objects;
  server facts are tested with ``catalog`` cases.
- a ``catalog`` case builds a :class:`~upgrade_cli.precheck.model.Catalog` from the fragment.

Matching: the number of findings equals the number of ``fires`` entries and each entry matches a
distinct finding. An entry is a partial match on :class:`~upgrade_cli.checks.registry.Finding` fields:
``message`` and ``fix`` match as substrings, ``severity`` by its value, every other field exactly.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from upgrade_cli.checks.registry import Finding, Scope, all_checks, get_check
from upgrade_cli.precheck.model import SNAPSHOT_FORMAT, Catalog, ServerFacts

CASE_DIR = Path(__file__).resolve().parent / "check_cases"
_FIELDS = set(Finding._fields)
_SUBSTRING_FIELDS = {"message", "fix"}
_CASE_KEYS = {"name", "sql", "catalog", "fires", "live", "live_skip_reason"}


def _case_files() -> list[Path]:
    return sorted(CASE_DIR.glob("*.yaml"))


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _all_cases() -> list[Any]:
    params = []
    for path in _case_files():
        data = _load(path)
        for case in data.get("cases") or []:
            params.append(pytest.param(path.stem, case, id=f"{data.get('check', path.stem)}-{case.get('name')}"))
    return params


# --- matching ---------------------------------------------------------------------------------


def _entry_matches(entry: dict, finding: Finding) -> bool:
    for key, want in entry.items():
        got = getattr(finding, key)
        if key == "severity":
            got = got.value
        if key in _SUBSTRING_FIELDS:
            if got is None or str(want) not in got:
                return False
        elif got != want:
            return False
    return True


def _assign(entries: list[dict], findings: list[Finding], used: set[int]) -> bool:
    """Backtracking: can every entry be matched to a distinct finding?"""
    if not entries:
        return True
    first, rest = entries[0], entries[1:]
    for i, f in enumerate(findings):
        if i not in used and _entry_matches(first, f):
            if _assign(rest, findings, used | {i}):
                return True
    return False


def assert_fires(expected: list[dict], findings: list[Finding], where: str) -> None:
    shown = "\n  ".join(f"{f.object_type} {f.location} [{f.severity.value}]: {f.message}" for f in findings) or "(none)"
    assert len(findings) == len(expected), (
        f"{where}: expected {len(expected)} finding(s), got {len(findings)}:\n  {shown}")
    assert _assign(list(expected), findings, set()), (
        f"{where}: findings do not match {expected}:\n  {shown}")


# --- building catalogs -------------------------------------------------------------------------


def catalog_from_fragment(fragment: dict) -> Catalog:
    data = {"snapshot_format": SNAPSHOT_FORMAT, "source": {"kind": "snapshot", "name": "check-case"}}
    data.update(fragment)
    return Catalog.from_dict(data)


def _offline_catalog(sql: str, database: str) -> Catalog:
    from upgrade_cli.precheck.collect.dump import parse_dump

    catalog = parse_dump(f"USE `{database}`;\n{sql}", "check-case.sql")
    catalog.server = ServerFacts()
    return catalog


def _live_catalog(mariadb, sql: str, database: str) -> Catalog:
    from upgrade_cli.precheck.collect.live import collect_live

    mariadb.execute_script(sql, database=database)
    with mariadb.connect() as conn:
        catalog = collect_live(conn, schemas=[database])
    catalog.server = ServerFacts()
    return catalog


def _findings(check_id: str, catalog: Catalog) -> list[Finding]:
    c = get_check(check_id)
    return list(c.func(catalog))  # type: ignore[misc]


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("check_id", "case"), _all_cases())
def test_check_case(check_id: str, case: dict, request: pytest.FixtureRequest) -> None:
    _validate_case(check_id, case)
    expected = case["fires"] or []
    if "catalog" in case:
        assert_fires(expected, _findings(check_id, catalog_from_fragment(case["catalog"])), "catalog")
        return
    sql = case["sql"]
    if case.get("live", True):
        mariadb = request.getfixturevalue("mariadb")
        database = request.getfixturevalue("fresh_db")
        live = _findings(check_id, _live_catalog(mariadb, sql, database))
        assert_fires(expected, live, "live (MariaDB)")
        _assert_in_schema(live, database)
    else:
        database = f"t_{uuid.uuid4().hex[:10]}"
    offline = _findings(check_id, _offline_catalog(sql, database))
    assert_fires(expected, offline, "offline (dump)")
    _assert_in_schema(offline, database)


def _assert_in_schema(findings: list[Finding], database: str) -> None:
    stray = [f.location for f in findings if f.schema not in (None, database)]
    assert not stray, f"findings outside the case's database: {stray}"


def _validate_case(check_id: str, case: dict) -> None:
    assert get_check(check_id) is not None, f"{check_id}.yaml names no registered check"
    unknown = set(case) - _CASE_KEYS
    assert not unknown, f"unknown case keys {unknown}"
    assert case.get("name"), "every case needs a name"
    assert ("sql" in case) != ("catalog" in case), "a case has exactly one of sql / catalog"
    assert "fires" in case, "every case says what fires ([] for none)"
    for entry in case["fires"] or []:
        bad = set(entry) - _FIELDS
        assert not bad, f"fires entry has fields Finding lacks: {bad}"
        assert "schema" not in entry, "do not put the schema name in fires (it is generated)"
    if case.get("live") is False:
        assert "sql" in case, "live: false only makes sense for sql cases"
        assert case.get("live_skip_reason"), "a live: false case must say why in live_skip_reason"


def test_case_files_are_well_formed() -> None:
    for path in _case_files():
        data = _load(path)
        assert data.get("check") == path.stem, f"{path.name}: 'check' must equal the file name"
        names = [c.get("name") for c in data.get("cases") or []]
        assert len(names) == len(set(names)), f"{path.name}: duplicate case names"
        c = get_check(path.stem)
        assert c is not None and c.id == path.stem, f"{path.name}: not a registered check id"


def test_every_check_has_a_firing_and_a_quiet_case() -> None:
    files = {p.stem: _load(p) for p in _case_files()}
    missing = []
    for c in all_checks():
        if c.scope is Scope.not_checkable:
            continue
        cases = (files.get(c.id) or {}).get("cases") or []
        if not any(case.get("fires") for case in cases) or not any(not case.get("fires") for case in cases):
            missing.append(c.id)
    assert not missing, f"checks without a firing and a non-firing case in tests/check_cases/: {missing}"
