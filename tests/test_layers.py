"""The layering (docs/architecture.md, "Layers"): every module is classified, and engines stay off the terminal.

import-linter (run by tests/run.sh) checks the imports between the classes in pyproject's contracts; these tests
check what it cannot: that every module under upgrade_cli/ (checks/ and param_profiles/ included, as installed)
is in exactly one class, so a new module cannot slip past the contracts, and that importing any engine or ground
module in a fresh interpreter loads neither typer nor rich (a lazy import inside a function would hide from a
glance at the imports, not from this).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = {"upgrade_cli": "upgrade_cli", "checks": "upgrade_cli.checks", "param_profiles": "upgrade_cli.param_profiles"}
MAIN = {"upgrade_cli.main", "upgrade_cli.__main__"}
TERMINAL = {"typer", "click", "rich"}
# Engines that still reach typer or rich, with their lines in pyproject's ignore_imports; the lead empties this
# when the branches moving them have merged (a module fixed but still listed fails too, so the list stays exact).
PENDING: set[str] = set()


def modules() -> set[str]:
    """Every module as installed (pyproject package-dir puts checks/ and param_profiles/ inside upgrade_cli)."""
    out = set()
    for folder, package in FOLDERS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out.add(".".join([package, *parts]))
    return out


def contracts() -> dict[str, dict]:
    conf = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["id"]: c for c in conf["contracts"]}


def matching(expressions: list[str], names: set[str]) -> set[str]:
    """The modules import-linter's module expressions name (``*``: one part, ``**``: one or more)."""
    found = set()
    for expr in expressions:
        pattern = re.escape(expr).replace(r"\*\*", r"[^.]+(?:\.[^.]+)*").replace(r"\*", r"[^.]+")
        hits = {n for n in names if re.fullmatch(pattern, n)}
        assert hits, f"{expr} in pyproject's contracts names no module"
        found |= hits
    return found


def classes() -> dict[str, set[str]]:
    names, c = modules(), contracts()
    return {"ground": matching(c["ground"]["source_modules"], names) | {"upgrade_cli"},
            "engines": matching(c["engines"]["source_modules"], names),
            "presentation": matching(c["presentation"]["source_modules"], names),
            "main": MAIN}


def test_every_module_is_in_exactly_one_layer():
    names, found = modules(), classes()
    unclassified = names - set().union(*found.values())
    assert not unclassified, (f"classify {sorted(unclassified)} in pyproject's [tool.importlinter] contracts "
                              "(ground, engines or presentation): docs/architecture.md, 'Layers'")
    for a in found:
        for b in found:
            assert a == b or not found[a] & found[b], f"in both {a} and {b}: {sorted(found[a] & found[b])}"


def test_every_engine_belongs_to_a_stage_the_independence_contract_names():
    stages = contracts()["stages"]["modules"]
    for name in classes()["engines"]:
        assert any(name == s or name.startswith(s + ".") for s in stages), name


def test_the_root_package_imports_nothing():
    """``upgrade_cli/__init__.py`` is ground but cannot be a contract source (as a package it is everything)."""
    tree = ast.parse((REPO / "upgrade_cli" / "__init__.py").read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


def _terminal_modules_loaded(module: str) -> set[str]:
    code = (f"import importlib, sys; importlib.import_module({module!r}); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return set(res.stdout.split()) & TERMINAL


def test_importing_an_engine_or_ground_module_loads_neither_typer_nor_rich():
    """Each module in its own fresh interpreter; four at a time (one interpreter each, the start-up dominates)."""
    found = classes()
    off_terminal = sorted(found["engines"] | found["ground"])
    with ThreadPoolExecutor(4) as pool:
        loaded = dict(zip(off_terminal, pool.map(_terminal_modules_loaded, off_terminal)))
    offenders = {m for m, terminal in loaded.items() if terminal}
    assert not offenders - PENDING, {m: sorted(loaded[m]) for m in sorted(offenders - PENDING)}
    assert not PENDING - offenders, f"off the terminal now, remove from PENDING: {sorted(PENDING - offenders)}"
