"""``precheck --fix-script`` on MariaDB: applied to the example schema, a live re-scan has no finding the
script claims to fix, and the script runs again without error (re-runnable).

MariaDB 10.11 stands in for 5.7: its default sql_mode holds NO_AUTO_CREATE_USER as 5.7's does, so
every routine the example loads is stored with it; ``utf8`` is utf8mb3 there too.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.test_collect_live import EXAMPLE, mariadb_loadable
from upgrade_cli.main import app
from upgrade_cli.precheck.fixscript import FIXED_CHECKS


def _scan(mariadb, db, *extra):
    res = CliRunner().invoke(app, ["precheck", "--host", mariadb.host, "--port", str(mariadb.port), "--user",
                                   mariadb.user, "--schema", db, "--format", "json", "--fail-on", "never", *extra],
                             env={"AURORA_UPGRADE_PASSWORD": mariadb.password}, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["findings"]


def _claimed(findings, script: str) -> set[tuple[str, str]]:
    """(check, location) of the findings the script says it fixes: on an object it names."""
    out = set()
    for f in findings:
        if f["check_id"] not in FIXED_CHECKS or f["object_type"] in ("server", "event"):
            continue
        if f["object_type"] == "column" and f"ALTER TABLE `{f['schema']}`.`{f['object_name']}`" not in script:
            continue  # a view column: it follows its base column
        out.add((f["check_id"], f["location"]))
    return out


def test_fix_script_applied_on_mariadb_leaves_no_claimed_finding(mariadb, fresh_db, tmp_path):
    mariadb.execute_script(mariadb_loadable(EXAMPLE.read_text()), fresh_db)
    fix = tmp_path / "fix.sql"
    before = _scan(mariadb, fresh_db, "--fix-script", str(fix))
    script = fix.read_text(encoding="utf-8")
    claimed = _claimed(before, script)
    assert {c for c, _ in claimed} == {"utf8mb3", "obsoleteSqlModeFlags"}, claimed
    assert script.count("\nALTER TABLE `") == len({loc.rsplit(".", 1)[0] for c, loc in claimed if c == "utf8mb3"})
    assert "NOT fixed by this script" in script and "reservedKeywords" in script
    mariadb.execute_script(script)
    after = _scan(mariadb, fresh_db)
    assert claimed.isdisjoint((f["check_id"], f["location"]) for f in after)
    left = {(f["check_id"], f["location"]) for f in before} - claimed
    assert left <= {(f["check_id"], f["location"]) for f in after} | {
        (f["check_id"], f["location"]) for f in before if f["object_type"] == "column"}  # view columns follow
    mariadb.execute_script(script)  # re-runnable: the second run changes nothing
    assert _scan(mariadb, fresh_db) == after
