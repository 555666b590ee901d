"""The gate registry: every gate declared once, the way checks are (``checks/registry.py``).

A gate is one function in ``bluegreen/gates.py`` under one ``@gate(name, phase=..., needs=...,
checks=...)`` declaration. Everything else is derived from the registry, never typed again: the
create and switchover lists (declaration order), which gates need a SQL connection and the option
that gives it (a SQL gate without its connection is NOT RUN, saying what it would have checked),
the names ``--override`` accepts, ``docs/gates.md`` (``aurora-upgrade bluegreen gates --format md``)
and the test matrix (``tests/test_gate_registry.py``).

A gate function takes, by parameter name, what its phase knows (:data:`PHASE_INPUTS`; a SQL gate's
first parameter is its connection) and returns ``(status, detail)``; a gate that ``provides`` a
value returns ``(status, detail, value)`` and later gates of the phase receive it by that name.
Calling a declared function returns a :class:`Gate` and never raises for an API or SQL error: a
gate fails closed, with the reason.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

from upgrade_cli.outcome import ToolError

PASS, FAIL, WARN, SKIP, OVERRIDDEN, NOT_RUN = "pass", "fail", "warn", "skip", "overridden", "NOT RUN"
STATUSES = (PASS, WARN, SKIP, OVERRIDDEN, NOT_RUN, FAIL)  # what a journal may record; anything else is unknown
CREATE, SWITCHOVER = "create", "switchover"
PHASES = (CREATE, SWITCHOVER)
OVERRIDABLE = (SWITCHOVER,)  # create can be undone, so it has no --override; a switchover cannot

# What each phase hands its gates, by parameter name (the orchestrator passes exactly these).
PHASE_INPUTS: dict[str, frozenset[str]] = {
    CREATE: frozenset({"rds", "cluster", "cluster_group", "planned", "groups", "requested_version",
                       "precheck_report"}),
    SWITCHOVER: frozenset({"rds", "cw", "dep", "max_lag", "lag_minutes", "max_trx_seconds", "precheck_report",
                           "bench_report", "planned"}),
}


class Needs(str, enum.Enum):
    api = "api"  # the RDS / CloudWatch API only
    report = "report"  # a file another stage wrote, read through handoffs.py
    blue_sql = "blue-sql"  # a read-only SQL session on blue's writer
    green_sql = "green-sql"  # a read-only SQL session on green's writer

    @property
    def sql(self) -> bool:
        return self in (Needs.blue_sql, Needs.green_sql)

    @property
    def connection(self) -> str | None:
        """The connector the phase hands a SQL gate: ``blue`` or ``green``."""
        return {Needs.blue_sql: "blue", Needs.green_sql: "green"}.get(self)

    def option(self, phase: str) -> str | None:
        """The command-line option that gives a SQL gate its connection in ``phase``."""
        if self is Needs.blue_sql:
            return "--dsn" if phase == CREATE else "--blue-dsn"
        return "--green-dsn" if self is Needs.green_sql else None


@dataclass
class Gate:
    name: str
    status: str
    detail: str
    value: Any = field(default=None, repr=False, compare=False)  # what a `provides` gate hands later gates

    @property
    def blocks(self) -> bool:
        return self.status == FAIL


@dataclass(frozen=True)
class GateSpec:
    name: str
    phases: tuple[str, ...]
    needs: Needs
    checks: str  # what it verifies, in one sentence (docs, and the NOT RUN detail of a SQL gate)
    func: Callable[..., Any]  # the undecorated function: returns (status, detail[, value])
    provides: str | None = None

    @property
    def params(self) -> tuple[str, ...]:
        """The phase inputs it takes (a SQL gate's connection excluded)."""
        names = list(inspect.signature(self.func).parameters)
        return tuple(names[1:] if self.needs.sql else names)

    @property
    def required(self) -> tuple[str, ...]:
        sig = inspect.signature(self.func).parameters
        return tuple(p for p in self.params if sig[p].default is inspect.Parameter.empty)


_REGISTRY: dict[str, GateSpec] = {}


def _as_gate(name: str, result: Any) -> Gate:
    if isinstance(result, Gate):
        return result
    status, detail, *value = result
    return Gate(name, status, detail, value[0] if value else None)


def evaluate(name: str, fn: Callable[[], Any]) -> Gate:
    """Run one gate; an error while evaluating it fails the gate with that reason (fail closed)."""
    import pymysql  # here, not at the top: bluegreen's AWS-only commands start without it
    try:
        return _as_gate(name, fn())
    except ToolError as exc:
        return Gate(name, FAIL, f"could not evaluate: {exc}")
    except pymysql.err.MySQLError as exc:
        return Gate(name, FAIL, f"could not evaluate: MySQL error {exc.args[0] if exc.args else ''}: "
                                f"{exc.args[1] if len(exc.args) > 1 else exc}")


def not_run(name: str, phase: str | None = None) -> Gate:
    """A SQL gate without its connection: say what it would have checked, and which option gives it."""
    spec = _REGISTRY[name]
    return Gate(name, NOT_RUN, f"no {spec.needs.option(phase or spec.phases[0])} given: would check {spec.checks}")


class DeclaredGate:
    """What ``@gate`` leaves in place of the function: called directly it returns a :class:`Gate` (NOT RUN
    without its connection, fail closed); ``spec`` is its declaration."""

    def __init__(self, spec: GateSpec):
        self.spec = spec
        functools.update_wrapper(self, spec.func)

    def __call__(self, *args: Any, **kwargs: Any) -> Gate:
        spec = self.spec
        if spec.needs.sql and (args[0] if args else kwargs.get("conn")) is None:
            return not_run(spec.name)
        return evaluate(spec.name, lambda: spec.func(*args, **kwargs))


def gate(name: str, *, phase: str | tuple[str, ...], needs: Needs, checks: str,
         provides: str | None = None) -> Callable[[Callable[..., Any]], DeclaredGate]:
    """Declare a gate. The decorated function, called directly, returns a :class:`Gate` (fail closed)."""
    phases = (phase,) if isinstance(phase, str) else tuple(phase)

    def register(fn: Callable[..., Any]) -> DeclaredGate:
        if name in _REGISTRY:
            raise ValueError(f"gate {name!r} declared twice")
        unknown = set(phases) - set(PHASES)
        if unknown or not phases:
            raise ValueError(f"gate {name!r}: unknown phase(s) {sorted(unknown)}")
        spec = GateSpec(name, phases, needs, checks, fn, provides)
        _REGISTRY[name] = spec
        return DeclaredGate(spec)

    return register


def all_gates() -> tuple[GateSpec, ...]:
    """Every declared gate, in declaration order (importing the gates module declares them)."""
    importlib.import_module("upgrade_cli.bluegreen.gates")
    return tuple(_REGISTRY.values())


def gates_for(phase: str) -> tuple[GateSpec, ...]:
    return tuple(s for s in all_gates() if phase in s.phases)


def names(phase: str) -> tuple[str, ...]:
    return tuple(s.name for s in gates_for(phase))


def get(name: str) -> GateSpec | None:
    all_gates()
    return _REGISTRY.get(name)


def sql_gates() -> dict[str, GateSpec]:
    """The gates that need a SQL connection (NOT RUN without one)."""
    return {s.name: s for s in all_gates() if s.needs.sql}


def check_overrides(phase: str, overrides: list[str]) -> None:
    """``--override`` takes only the names of this phase's gates, and only where a phase can be overridden."""
    if overrides and phase not in OVERRIDABLE:
        raise ToolError(f"{phase} has no --override: its gates cannot be overridden")
    known = names(phase)
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ToolError(f"unknown gate(s) to override: {', '.join(unknown)}; gates are: {', '.join(known)}")


def apply_overrides(gates: list[Gate], overrides: list[str], phase: str = SWITCHOVER) -> list[Gate]:
    check_overrides(phase, overrides)
    for g in gates:
        if g.name in overrides and g.status in (FAIL, NOT_RUN):
            g.status, g.detail = OVERRIDDEN, f"{g.detail} (overridden by --override {g.name})"
    return gates


Connector = Callable[[], Any]  # opens a read-only SQL connection (or raises ToolError)


def _on_connection(connector: Connector, fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    conn = connector()
    try:
        return fn(conn, **kwargs)
    finally:
        conn.close()


def run_phase(phase: str, inputs: dict[str, Any], connections: dict[str, Connector | None]) -> list[Gate]:
    """Every gate of ``phase``, in declaration order, each fed the inputs its parameters name."""
    if set(inputs) != PHASE_INPUTS[phase]:
        raise ValueError(f"{phase} gates take {sorted(PHASE_INPUTS[phase])}, not {sorted(inputs)}")
    values, out = dict(inputs), []
    for spec in gates_for(phase):
        kwargs = {p: values[p] for p in spec.params if p in values}
        wanted = spec.needs.connection  # None for a gate that needs no SQL
        connector = connections.get(wanted) if wanted else None
        if wanted and connector is None:
            result = not_run(spec.name, phase)
        elif connector is not None:
            result = evaluate(spec.name, functools.partial(_on_connection, connector, spec.func, kwargs))
        else:
            result = evaluate(spec.name, functools.partial(spec.func, **kwargs))
        if spec.provides:
            values[spec.provides] = result.value
        out.append(result)
    return out


def provided(gates: list[Gate], key: str) -> Any:
    """The value a phase's gates handed on under ``key`` (``provides=key``), or None."""
    by = {s.name for s in all_gates() if s.provides == key}
    return next((g.value for g in gates if g.name in by), None)


def docs_markdown() -> str:
    """``docs/gates.md``: generated from the registry (``aurora-upgrade bluegreen gates --format md``)."""
    needs = {Needs.api: "RDS / CloudWatch API", Needs.report: "a report file"}
    lines = ["# Blue/green gates", "",
             "Generated from the gate registry (`upgrade_cli/bluegreen/registry.py`) by "
             "`aurora-upgrade bluegreen gates --format md`; do not edit by hand.", "",
             "A gate fails closed: an API or SQL error while evaluating it fails it with that reason. A SQL gate "
             "without its connection is **NOT RUN**: `create` goes on (it can be undone), `switchover` refuses "
             "until the connection is given or `--override GATE` names it. Only switchover gates can be "
             "overridden."]
    for phase in PHASES:
        lines += ["", f"## {phase}", "", "| gate | needs | checks |", "|---|---|---|"]
        for s in gates_for(phase):
            need = f"SQL ({s.needs.option(phase)})" if s.needs.sql else needs[s.needs]
            lines.append(f"| `{s.name}` | {need} | {s.checks.replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"
