"""What happens to each v2 parameter setting in aurora-mysql8.0, and the diff report built from it.

:func:`map_setting` is the single place that decides rename / drop / move / carry for one user
setting; the diff reports it and the plan (``plan.py``) executes it, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from upgrade_cli.precheck.api import OBSOLETE_FLAGS
from upgrade_cli.params import profiles
from upgrade_cli.params.groups import ClusterParams, FamilyDefaults, GroupParams, Member
from upgrade_cli.params.temptable import TempTableAdvice, advise

RULE_ORDER = ["value_fixed", "green_setting", "removed", "renamed", "scope_changed", "not_modifiable", "unverified", "target_differs", "custom",
              "default_changed", "attention"]
RULE_TITLES = {
    "value_fixed": "Value 8.0 rejects (the plan carries the cleaned value)",
    "green_setting": "Set for green by blue/green (your value is restored after switchover)",
    "removed": "Removed in 8.0 (dropped from the plan)",
    "renamed": "Renamed in 8.0 (carried under the new name)",
    "scope_changed": "Scope changed: cluster-level only in 8.0",
    "not_modifiable": "Not modifiable in 8.0 (dropped)",
    "unverified": "Not in the 8.0 profile (carried; verify)",
    "target_differs": "Your setting differs from the target 8.0 group",
    "custom": "Your settings carried over (differ from the 8.0 default)",
    "default_changed": "8.0 default differs and you did not pin the value",
    "attention": "Needs attention",
}


@dataclass(frozen=True)
class Mapping:
    """Where one v2 user setting goes in 8.0 (``new_name`` None means dropped)."""

    rule: str
    new_name: str | None
    new_kind: str | None  # "cluster" | "instance"
    note: str
    source: str
    severity: str = "info"
    value: str | None = None  # the value to plan when it is not the v2 value (cleaned, or green's)
    restore: str | None = None  # set back in the production cluster group after switchover


# `strip: obsolete_sql_mode_flags` in rules.yaml: the obsoleteSqlModeFlags check's list, plus MAXDB (maxdbFlag).
STRIP_LISTS = {"obsolete_sql_mode_flags": (*OBSOLETE_FLAGS, "MAXDB")}


def strip_flags(value: str, flags: tuple[str, ...]) -> tuple[str, list[str]]:
    """``value`` without ``flags`` (comma list, order kept, case-insensitive), and the flags removed."""
    items = [f.strip() for f in value.split(",") if f.strip()]
    removed = [f for f in items if f.upper() in flags]
    return ",".join(f for f in items if f.upper() not in flags), removed


def map_setting(name: str, value: str, kind: str, v3: FamilyDefaults) -> Mapping:
    """Where one v2 setting goes, with the value 8.0 and blue/green need (see :func:`_adjust`)."""
    return _adjust(_map_name(name, value, kind, v3), value)


def _adjust(m: Mapping, value: str) -> Mapping:
    """Values 8.0 rejects are cleaned (an error); values green must not start with are overridden."""
    if m.new_name is None:
        return m
    r = profiles.rules()
    fix = r.value_fixes.get(m.new_name)
    if fix:
        cleaned, removed = strip_flags(value, STRIP_LISTS[fix["strip"]])
        if removed:
            note = f"{fix['note']}: removed {', '.join(removed)}"
            if not cleaned:
                return replace(m, rule="value_fixed", new_name=None, new_kind=None, severity="error",
                               note=f"{note}; nothing is left, so the 8.0 default applies", source=r.url(fix))
            return replace(m, rule="value_fixed", value=cleaned, severity="error", note=note, source=r.url(fix))
    green = r.green_settings.get(m.new_name)
    if green and value.strip().upper() != green["green"].upper():
        return replace(m, rule="green_setting", value=green["green"], restore=value, severity="warning",
                       note=f"{green['note']}; `bluegreen switchover` sets {m.new_name}={value} again in the "
                            "production cluster group once the switchover is verified", source=r.url(green))
    return m


def _map_name(name: str, value: str, kind: str, v3: FamilyDefaults) -> Mapping:
    r = profiles.rules()
    if name in r.renamed:
        rule = r.renamed[name]
        new = rule["new"]
        info = v3.params.get(new)
        new_kind = "cluster" if (info and info.level == "cluster") or kind == "cluster" else "instance"
        return Mapping("renamed", new, new_kind, f"renamed to {new} in 8.0", r.url(rule), "warning")
    if name in r.removed:
        rule = r.removed[name]
        return Mapping("removed", None, None, rule["note"], r.url(rule), "warning")
    if name in r.scope_changed and kind == "instance":
        rule = r.scope_changed[name]
        if rule["action"] == "move":
            return Mapping("scope_changed", name, "cluster", rule["note"], r.url(rule), "warning")
        return Mapping("scope_changed", None, None, rule["note"], r.url(rule), "warning")
    info = v3.params.get(name)
    if info is None:
        if v3.from_api:
            return Mapping("removed", None, None, f"not a parameter of {profiles.V3} ({v3.source})",
                           "DescribeEngineDefault*Parameters", "warning")
        return Mapping("unverified", name, kind, f"not in param_profiles/{profiles.V3}.yaml: check it exists in 8.0",
                       "param_profiles", "warning")
    if not info.modifiable:
        return Mapping("not_modifiable", None, None, f"not modifiable in {profiles.V3}", v3.source, "warning")
    if kind == "instance" and info.level == "cluster":
        return Mapping("scope_changed", name, "cluster", f"cluster-level in {profiles.V3}", v3.source, "warning")
    return Mapping("custom", name, kind, "", "")


@dataclass
class Finding:
    rule: str
    parameter: str
    where: str
    v2: str | None
    v3: str | None
    action: str
    note: str = ""
    source: str = ""
    severity: str = "info"  # info | warning | error


@dataclass
class Report:
    cluster_id: str
    origin: str
    engine_version: str | None
    v2_defaults: str
    v3_defaults: str
    target: str
    findings: list[Finding] = field(default_factory=list)
    temptable: list[TempTableAdvice] = field(default_factory=list)

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def to_dict(self) -> dict:
        return {"cluster": self.cluster_id, "origin": self.origin, "engine_version": self.engine_version,
                "defaults": {profiles.V2: self.v2_defaults, profiles.V3: self.v3_defaults}, "target": self.target,
                "findings": [asdict(f) for f in self.findings],
                "temptable": [a.to_dict() for a in self.temptable]}


def where_of(group: GroupParams, members: list[Member] | None = None) -> str:
    if group.kind == "cluster":
        return f"cluster group {group.name}"
    who = ", ".join(f"{m.id} {m.role}" for m in members or [])
    return f"instance group {group.name}" + (f" ({who})" if who else "")


def v2_effective(cp: ClusterParams, member: Member | None, name: str, v2: FamilyDefaults) -> str | None:
    """Instance explicit > cluster group > the group's listed default > family default."""
    if member and name in member.group.user:
        return member.group.user[name]
    if name in cp.cluster_group.user:
        return cp.cluster_group.user[name]
    listed = (member.group if member else cp.cluster_group).records.get(name, {}).get("ParameterValue")
    if listed is not None:
        return listed
    info = v2.params.get(name)
    return (info.default if info.default is not None else info.server_default) if info else None


def v3_target_value(name: str, kind: str, v3: FamilyDefaults, target_cluster: GroupParams | None,
                    target_instance: GroupParams | None) -> str | None:
    """The value 8.0 would have: the target group's (instance > cluster) else the family default."""
    for group in ([target_instance] if kind == "instance" else []) + [target_cluster]:
        if group is not None and group.value(name) is not None:
            return group.value(name)
    info = v3.params.get(name)
    return info.default if info else None


def build_report(cp: ClusterParams, v2: FamilyDefaults, v3: FamilyDefaults, target_cluster: GroupParams | None = None,
                 target_instance: GroupParams | None = None) -> Report:
    target = (f"groups {target_cluster.name if target_cluster else '-'} / {target_instance.name if target_instance else '-'}"
              if target_cluster or target_instance else f"{profiles.V3} family defaults")
    report = Report(cp.cluster_id, cp.origin, cp.engine_version, v2.source, v3.source, target)
    has_target = bool(target_cluster or target_instance)
    sources: list[tuple[GroupParams, list[Member] | None]] = [(cp.cluster_group, None)]
    sources += list(cp.instance_groups().values())
    user_names: set[str] = set()
    for group, members in sources:
        for name, value in sorted(group.user.items()):
            user_names.add(name)
            m = map_setting(name, value, group.kind, v3)
            where = where_of(group, members)
            if m.new_name is None:
                report.findings.append(Finding(m.rule, name, where, value, None, "drop", m.note, m.source, m.severity))
                continue
            tval = v3_target_value(m.new_name, m.new_kind, v3, target_cluster, target_instance)
            planned = m.value if m.value is not None else value
            where_to = " in the 8.0 cluster group" if m.new_kind != group.kind else ""
            action = f"set {m.new_name}={planned}{where_to}"
            if m.rule in ("value_fixed", "green_setting"):
                if m.restore is not None:
                    action += f" (green); after switchover {m.new_name}={m.restore}"
                note = m.note if not (has_target and tval != planned) else f"{m.note}; target group has {tval}"
                report.findings.append(Finding(m.rule, name, where, value, planned, action, note, m.source,
                                               m.severity))
                continue
            if m.rule == "custom":
                if has_target and tval != value:
                    report.findings.append(Finding("target_differs", name, where, value, tval, action,
                                                   "the target group does not carry your v2 setting", m.source,
                                                   "warning"))
                elif not has_target and tval != value:
                    report.findings.append(Finding("custom", name, where, value, tval, f"carry: {action}", "", m.source))
                continue
            note = m.note if not (has_target and tval != value) else f"{m.note}; target group has {tval}"
            report.findings.append(Finding(m.rule, name, where, value, tval, action, note, m.source, m.severity))
    _default_changes(report, cp, v2, v3, user_names)
    _attention(report, cp, v2, user_names)
    report.temptable = advise(cp, v3, target_cluster, target_instance, user_names)
    return report


def _default_changes(report: Report, cp: ClusterParams, v2: FamilyDefaults, v3: FamilyDefaults,
                     user_names: set[str]) -> None:
    r = profiles.rules()
    pinned = user_names | {r.renamed[n]["new"] for n in user_names if n in r.renamed}
    done = set()
    for name, rule in r.default_changed.items():
        if name in pinned:
            continue
        done.add(name)
        report.findings.append(Finding("default_changed", name, "cluster", rule["v2"], rule["v3"],
                                       rule.get("action", "pin the v2 value in the 8.0 group if you depend on it"),
                                       rule.get("note", ""),
                                       r.url(rule), "warning"))
    for name, info3 in sorted(v3.params.items()):
        info2 = v2.params.get(name)
        if name in pinned or name in done or info2 is None:
            continue
        if info2.default is not None and info3.default is not None and info2.default != info3.default:
            report.findings.append(Finding("default_changed", name, info3.level, info2.default, info3.default,
                                           "review", "family defaults differ", f"{v2.source} / {v3.source}"))


def _attention(report: Report, cp: ClusterParams, v2: FamilyDefaults, user_names: set[str]) -> None:
    r = profiles.rules()
    for rule in r.attention:
        names = rule["names"]
        when = rule["when"]
        src = r.url(rule)
        text = " ".join(rule["rationale"].split())
        if when == "always":
            values = {n: v2_effective(cp, cp.writer, n, v2) for n in names}
            shown = ", ".join(f"{n}={v}" for n, v in values.items() if v is not None) or "defaults"
            report.findings.append(Finding("attention", rule["name"], "cluster", shown, None, "review", text, src,
                                           rule["severity"]))
        elif when == "user_set":
            hits = [n for n in names if n in user_names]
            if hits:
                shown = ", ".join(f"{n}={v2_effective(cp, cp.writer, n, v2)}" for n in hits)
                report.findings.append(Finding("attention", rule["name"], "writer effective", shown, None, "review",
                                               text, src, rule["severity"]))
        else:
            value = v2_effective(cp, cp.writer, names[0], v2)
            shown = "" if value is None else str(value)
            fires = shown in when["value_in"] if "value_in" in when else shown not in when["value_not_in"]
            if fires:
                report.findings.append(Finding("attention", rule["name"], "writer effective",
                                               f"{names[0]}={shown or '(unset)'}", None,
                                               "fix before upgrading" if rule["severity"] == "error" else "review",
                                               text, src, rule["severity"]))
