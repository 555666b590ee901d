"""The parameter knowledge in ``param_profiles/`` (YAML data), loaded once, plus formula evaluation.

The data lives in YAML so a DBA can review and correct a fact (each rule names its source) without
reading code. Family defaults from the API are preferred; these profiles are the offline fallback.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Callable

from upgrade_cli.outcome import ToolError
from upgrade_cli.param_profiles import load_yaml

V2 = "aurora-mysql5.7"
V3 = "aurora-mysql8.0"
FAMILIES = (V2, V3)
GIB = 1024 ** 3


@dataclass(frozen=True)
class ParamInfo:
    """What one family says about one parameter (API record or profile entry)."""

    name: str
    level: str  # "cluster" | "instance"
    default: str | None
    modifiable: bool = True
    apply_type: str = "static"  # static | dynamic
    allowed: str | None = None
    server_default: str | None = None
    note: str | None = None
    verify: str | None = None
    default_by_class_memory: dict | None = None

    @property
    def apply_method(self) -> str:
        """What ModifyDB*ParameterGroup needs: static parameters only accept pending-reboot."""
        return "immediate" if self.apply_type == "dynamic" else "pending-reboot"


@dataclass(frozen=True)
class InstanceClass:
    name: str
    memory_gib: float
    local_gib: float
    local_documented: bool
    source: str = ""  # the doc URL the local storage figure comes from (or what it was estimated from)


@dataclass
class Rules:
    sources: dict[str, str]
    removed: dict[str, dict]
    renamed: dict[str, dict]  # old name -> rule
    default_changed: dict[str, dict]
    scope_changed: dict[str, dict]
    attention: list[dict] = field(default_factory=list)
    value_fixes: dict[str, dict] = field(default_factory=dict)
    green_settings: dict[str, dict] = field(default_factory=dict)

    def url(self, rule: dict) -> str:
        """The rule's doc URL: the only citation output shows (a user can follow it)."""
        return self.sources.get(rule.get("source", ""), rule.get("source", ""))


@functools.lru_cache(maxsize=None)
def family_profile(family: str) -> dict[str, ParamInfo]:
    if family not in FAMILIES:
        raise ToolError(f"no parameter profile for family {family} (known: {', '.join(FAMILIES)})")
    data = load_yaml(f"{family}.yaml")
    out = {}
    for name, entry in data["parameters"].items():
        out[name] = ParamInfo(
            name=name, level=entry["level"],
            default=None if entry.get("default") is None else str(entry["default"]),
            modifiable=bool(entry.get("modifiable", True)), apply_type=entry.get("apply_type", "static"),
            allowed=entry.get("allowed"),
            server_default=None if entry.get("server_default") is None else str(entry["server_default"]),
            note=entry.get("note"), verify=entry.get("verify"),
            default_by_class_memory=entry.get("default_by_class_memory"))
    return out


@functools.lru_cache(maxsize=None)
def rules() -> Rules:
    data = load_yaml("rules.yaml")
    return Rules(sources=data["sources"],
                 removed={r["name"]: r for r in data["removed"]},
                 renamed={r["old"]: r for r in data["renamed"]},
                 default_changed={r["name"]: r for r in data["default_changed"]},
                 scope_changed={r["name"]: r for r in data["scope_changed"]},
                 attention=list(data["attention"]),
                 value_fixes={r["name"]: r for r in data.get("value_fixes", [])},
                 green_settings={r["name"]: r for r in data.get("green_settings", [])})


@functools.lru_cache(maxsize=None)
def instance_classes() -> dict[str, InstanceClass]:
    data = load_yaml("instance_classes.yaml")
    sources = data.get("sources", {})

    def cite(c: dict) -> str:
        src = str(c.get("source", ""))
        return sources.get(src) or f"{src} ({sources.get('temp_storage', '')})"

    return {name: InstanceClass(name, float(c["memory_gib"]), float(c["local_gib"]), bool(c["local_documented"]),
                                cite(c))
            for name, c in data["classes"].items()}


def instance_class(name: str | None) -> InstanceClass | None:
    return instance_classes().get(name or "")


def engine_default_records(family: str, level: str) -> list[dict]:
    """The profile as API ``Parameter`` records (what DescribeEngineDefault*Parameters would return)."""
    out = []
    for p in family_profile(family).values():
        if p.level != level:
            continue
        rec = {"ParameterName": p.name, "Source": "engine-default", "ApplyType": p.apply_type, "DataType": "string",
               "IsModifiable": p.modifiable, "ApplyMethod": p.apply_method, "Description": p.note or ""}
        if p.default is not None:
            rec["ParameterValue"] = p.default
        if p.allowed:
            rec["AllowedValues"] = p.allowed
        out.append(rec)
    return out


def info_from_record(rec: dict, level: str) -> ParamInfo:
    """An API ``Parameter`` record as ParamInfo; profile notes are kept when the profile knows the name."""
    name = rec["ParameterName"]
    return ParamInfo(name=name, level=level, default=rec.get("ParameterValue"),
                     modifiable=bool(rec.get("IsModifiable", True)),
                     apply_type=(rec.get("ApplyType") or "static").lower(), allowed=rec.get("AllowedValues"))


# ---- formulas ------------------------------------------------------------------------------------

_FUNCS: dict[str, Callable[..., float]] = {
    "GREATEST": max, "LEAST": min, "SUM": lambda *a: sum(a),
    # log is base 2: AWS's max_connections table (db.r5.large → 1000, xlarge → 2000, …) only fits log2.
    "log": lambda x: math.log2(x) if x > 0 else 0.0,
}
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_FLAGS = {"TrueIfReplica", "TrueIfClusterReplica", "FalseIfReplica"}


def is_formula(value: str | None) -> bool:
    return bool(value and "{" in value and "}" in value)


def evaluate(value: str | None, memory_gib: float | None, replica: bool = False, cluster_replica: bool = False
             ) -> str | None:
    """Evaluate an AWS default formula for an instance class, or return the value unchanged.

    ``{DBInstanceClassMemory*3/4}`` → bytes (an upper bound: RDS reserves some class memory),
    ``{TrueIfReplica}`` → "1"/"0". Returns None when it cannot be evaluated (unknown class, odd syntax).
    """
    if value is None or not is_formula(value):
        return value
    body = value.strip()
    flag = body.strip("{}")
    if flag in _FLAGS:
        true = {"TrueIfReplica": replica, "TrueIfClusterReplica": cluster_replica, "FalseIfReplica": not replica}[flag]
        return "1" if true else "0"
    if memory_gib is None:
        return None
    expr = body.replace("{", "(").replace("}", ")")
    try:
        result = _eval(ast.parse(expr, mode="eval").body, {"DBInstanceClassMemory": memory_gib * GIB})
    except (ValueError, SyntaxError, ZeroDivisionError, TypeError):
        return None
    return str(int(result))


def _eval(node: ast.AST, names: dict[str, float]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left, names), _eval(node.right, names))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
        return float(_FUNCS[node.func.id](*[_eval(a, names) for a in node.args]))
    raise ValueError(f"unsupported formula element {ast.dump(node)[:40]}")


def class_memory_default(info: ParamInfo, memory_gib: float | None) -> str | None:
    """Defaults documented as a memory threshold (temptable_max_ram: 1 GiB at ≥ 16 GiB, else 16 MB)."""
    rule = info.default_by_class_memory
    if not rule or memory_gib is None:
        return None
    return str(rule["at_or_above"] if memory_gib >= float(rule["threshold_gib"]) else rule["below"])


_SIZE = re.compile(r"^\d+$")


def as_int(value: str | None) -> int | None:
    return int(value) if value is not None and _SIZE.match(value.strip()) else None
