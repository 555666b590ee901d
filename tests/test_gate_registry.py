"""The gate registry: one declaration per gate, everything else derived from it (the test matrix too)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upgrade_cli.bluegreen import gates as G
from upgrade_cli.bluegreen import registry as R
from upgrade_cli.cli_common import ToolError
from upgrade_cli.main import app

ROOT = Path(__file__).resolve().parents[1]
SPECS = R.all_gates()


def test_docs_gates_md_is_generated_from_the_registry():
    res = CliRunner().invoke(app, ["bluegreen", "gates", "--format", "md"])
    assert res.exit_code == 0, res.output
    assert (ROOT / "docs/gates.md").read_text(encoding="utf-8") == res.stdout, (
        "docs/gates.md is stale: run `aurora-upgrade bluegreen gates --format md > docs/gates.md`")
    for spec in SPECS:
        assert f"`{spec.name}`" in res.stdout


def test_a_gate_name_is_typed_once_in_the_code():
    """The create/switchover lists, the SQL set and --override read the registry: no hand-kept list remains."""
    sources = {p: p.read_text(encoding="utf-8") for p in (ROOT / "upgrade_cli").rglob("*.py")}
    for spec in SPECS:
        where = [f"{p.relative_to(ROOT)}" for p, text in sources.items()
                 for _ in re.finditer(rf"""["']{re.escape(spec.name)}["']""", text)]
        assert where == ["upgrade_cli/bluegreen/gates.py"], (spec.name, where)


@pytest.mark.parametrize("phase", R.PHASES)
def test_every_gate_gets_what_its_parameters_name(phase):
    """The matrix: each gate of a phase is fed from the phase's inputs or an earlier gate's `provides`."""
    known = set(R.PHASE_INPUTS[phase])
    for spec in R.gates_for(phase):
        assert set(spec.required) <= known, (spec.name, set(spec.required) - known)
        if spec.provides:
            known.add(spec.provides)
    used = {p for s in R.gates_for(phase) for p in s.params}
    assert R.PHASE_INPUTS[phase] <= used, f"{phase} hands its gates inputs no gate reads"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.needs.sql], ids=lambda s: s.name)
def test_a_sql_gate_without_its_connection_says_which_option_gives_it(spec):
    first = next(iter(inspect.signature(spec.func).parameters))
    assert first == "conn", spec.name
    for phase in spec.phases:
        gate = R.not_run(spec.name, phase)
        assert (gate.name, gate.status) == (spec.name, R.NOT_RUN)
        assert gate.detail == f"no {spec.needs.option(phase)} given: would check {spec.checks}"
    direct = getattr(G, spec.func.__name__)(None)  # called without a connection: NOT RUN, never an error
    assert direct.status == R.NOT_RUN


def test_override_takes_only_switchover_gate_names():
    R.check_overrides(R.SWITCHOVER, list(R.names(R.SWITCHOVER)))
    with pytest.raises(ToolError, match=r"unknown gate\(s\) to override: binlog-format; gates are: "):
        R.check_overrides(R.SWITCHOVER, ["binlog-format"])  # a create gate
    with pytest.raises(ToolError, match="create has no --override"):
        R.check_overrides(R.CREATE, ["binlog-format"])


def test_a_declared_gate_fails_closed_and_is_named_by_its_declaration():
    gate = G.deployment_available({"Status": "DELETING", "BlueGreenDeploymentIdentifier": "bgd-1"})
    assert (gate.name, gate.status, gate.detail) == ("deployment-available", R.FAIL, "status is DELETING")
    raising = R.evaluate("x", lambda: (_ for _ in ()).throw(ToolError("API says no")))
    assert (raising.status, raising.detail) == (R.FAIL, "could not evaluate: API says no")
    with pytest.raises(ValueError, match="declared twice"):
        R.gate("source-cluster", phase=R.CREATE, needs=R.Needs.api, checks="x")(lambda: None)


def test_the_derived_lists_match_what_the_orchestrator_runs():
    assert G.SWITCHOVER_GATES == R.names(R.SWITCHOVER) and G.CREATE_GATES == R.names(R.CREATE)
    assert set(G.SQL_GATES) == {s.name for s in SPECS if s.needs.sql}
    assert set(G.CREATE_GATES) & set(G.SWITCHOVER_GATES) == {"precheck-report", "blue-not-a-replica",
                                                             "zero-etl-integrations"}
