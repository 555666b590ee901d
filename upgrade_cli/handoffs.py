"""Typed readers for the files one stage hands to the next.

``precheck --out`` writes report.json, ``params plan --format json`` a plan, ``bench compare
--format json`` a comparison, and ``bluegreen`` a journal. The switchover gates and the dossier
read them here, and only here, so a renamed key breaks one reader and its contract test instead
of silently turning a gate into a pass. Each reader returns a frozen dataclass with what its
consumers need, and a file of another kind or format version is one ToolError line naming the
file and what is wrong with it. No typer or rich here: this is data, not presentation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from upgrade_cli.inputs import read_input, read_json
from upgrade_cli.outcome import ToolError

PRECHECK_FORMAT = 1  # docs/report-format.md
BENCH_FORMAT = 1  # bench.compare.compare(): "bench_format"
PLAN_FORMAT = 1  # params.plan.Plan.to_dict(): "plan_format"
SEVERITIES = ("error", "warning", "notice")


# The key that marks each hand-off document, and what a DBA calls it.
KINDS = {
    "report_format": "a precheck report",
    "checksPerformed": "AWS's upgrade-prechecks.log",
    "bench_format": "a bench compare report",
    "plan_format": "a params plan",
    "metrics_format": "a metrics comparison",
    "dossier_format": "a dossier",
    "snapshot_format": "a precheck snapshot",
    "fleet_format": "a fleet scan report",
    "Parameters": "an RDS parameter export",
}


def kind_of(data: Any) -> str | None:
    """What kind of hand-off document ``data`` is, by its format key, or None when no key says."""
    if not isinstance(data, dict):
        return None
    return next((what for key, what in KINDS.items() if key in data), None)


def expect_kind(path: Path, data: Any, what: str, *keys: str) -> None:
    """Every reader's first word on a wrong file: one line naming the kind it is, when a format key says."""
    kind = kind_of(data)
    if kind is not None and not any(k in data for k in keys):
        raise ToolError(f"{path} is {kind}, not a {what}")


def _object(path: Path, what: str, *keys: str) -> dict[str, Any]:
    """The JSON object in ``path``, of the kind ``keys`` mark."""
    data = read_json(path, what)
    if not isinstance(data, dict):
        raise ToolError(f"{path} is not a {what}: expected a JSON object")
    expect_kind(path, data, what, *keys)
    return data


def _version(data: dict[str, Any], key: str, supported: int, path: Path, what: str, required: bool) -> int:
    """The file's format number; another number (a newer or older tool wrote it) is an error."""
    value = data.get(key)
    if value is None and not required:
        return supported
    if value != supported:
        found = "no" if value is None else repr(value)
        raise ToolError(f"{path} is a {what} with {found} {key} (this tool reads {key} {supported}); "
                        "re-create it with this version of aurora-upgrade")
    return supported


def _need(data: dict[str, Any], path: Path, what: str, **types: type | tuple[type, ...]) -> None:
    for key, kind in types.items():
        if not isinstance(data.get(key), kind):
            raise ToolError(f"{path} is not a {what}: missing or malformed {key!r}")


# ---------------------------------------------------------------------------------------------
# precheck: report.json (or AWS's upgrade-prechecks.log)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckCatalog:
    """What reading and judging a precheck report needs from the precheck stage's check registry. The caller
    passes ``upgrade_cli.precheck.api.CHECKS``, so this ground module (and ``judges.py``) imports no stage."""

    ids: Callable[[], list[str]]  # every check this tool runs, in registry order
    our_id: Callable[[str], str | None]  # our id for an id or an alias (an older spelling, Aurora's), None if unknown
    aurora_log: Callable[[Any, str], Any]  # AWS's upgrade-prechecks.log, already loaded, as a precheck AuroraLog


@dataclass(frozen=True)
class BlockingFinding:
    check_id: str
    severity: str
    where: str
    message: str


@dataclass(frozen=True)
class CheckStatus:
    id: str
    status: str  # passed, findings, skipped, not_checkable, not_run, failed (or what a newer tool wrote)
    note: str | None


@dataclass(frozen=True)
class PrecheckReport:
    path: str
    kind: str  # "aurora-upgrade" (our report.json) or "aurora-log" (AWS's upgrade-prechecks.log)
    tool_version: str | None
    report_format: int | None
    complete: bool
    incomplete_reason: str | None
    target_version: str | None
    source: str | None  # what was scanned
    counts: dict[str, int]  # error / warning / notice / total
    blocking: tuple[BlockingFinding, ...]  # errors first: what stops the upgrade
    crashed_checks: tuple[str, ...]  # checks that failed to run: not a pass
    checks: tuple[CheckStatus, ...] = ()  # checks[]: each check's status (none for AWS's log)
    verdict: str | None = None  # READY / NOT READY / INCOMPLETE, when the report states one
    selection: dict[str, Any] | None = None  # {"only": [ids] or None, "skip": [ids]}, when the report records it

    @property
    def errors(self) -> int:
        return self.counts.get("error", 0)


def read_precheck(path: Path, *, checks: CheckCatalog) -> PrecheckReport:
    """``precheck --format json`` / ``--out DIR``'s report.json, or AWS's upgrade-prechecks.log (read with
    ``checks.aurora_log``)."""
    path = Path(path)
    data = _object(path, "precheck report", "report_format", "checksPerformed")
    if "report_format" not in data and "checksPerformed" in data:
        return _from_aurora_log(path, data, checks)
    _version(data, "report_format", PRECHECK_FORMAT, path, "precheck report", required=True)
    _need(data, path, "precheck report", tool=dict, counts=dict, findings=list, complete=bool, checks=list)
    if data["tool"].get("name") != "aurora-upgrade":
        raise ToolError(f"{path} is not a precheck report of aurora-upgrade (tool {data['tool'].get('name')!r})")
    counts = {k: int(data["counts"].get(k) or 0) for k in (*SEVERITIES, "total")}
    fail_on = data.get("fail_on", "error")
    levels = SEVERITIES[:SEVERITIES.index(fail_on) + 1] if fail_on in SEVERITIES else ()
    blocking = tuple(BlockingFinding(f.get("check_id", "?"), f.get("severity", "?"), f.get("location") or "(server)",
                                     f.get("message", ""))
                     for f in data["findings"] if isinstance(f, dict) and f.get("severity") in levels)
    log = data.get("aurora_log") or {}
    source = data.get("source") or {}
    return PrecheckReport(
        path=str(path), kind="aurora-upgrade", tool_version=data["tool"].get("version"),
        report_format=data["report_format"], complete=data["complete"],
        incomplete_reason=data.get("incomplete_reason"),
        target_version=(data.get("target") or {}).get("engine_version")
        or (data.get("target") or {}).get("mysql_version") or log.get("aurora_target_version") or log.get("target_version"),
        source=" ".join(str(x) for x in (source.get("kind"), source.get("name")) if x) or None,
        counts=counts, blocking=tuple(sorted(blocking, key=lambda b: SEVERITIES.index(b.severity)
                                             if b.severity in SEVERITIES else 9)),
        crashed_checks=tuple(c.get("id", "?") for c in data["checks"]
                             if isinstance(c, dict) and c.get("status") == "failed"),
        checks=tuple(CheckStatus(str(c.get("id", "?")), str(c.get("status")), c.get("note"))
                     for c in data["checks"] if isinstance(c, dict)),
        verdict=data.get("verdict") if isinstance(data.get("verdict"), str) else None,
        selection=data.get("selection") if isinstance(data.get("selection"), dict) else None)


def _from_aurora_log(path: Path, data: dict[str, Any], checks: CheckCatalog) -> PrecheckReport:
    log = checks.aurora_log(data, str(path))
    found = {s: sum(1 for f in log.findings if f.severity.value == s) for s in SEVERITIES}
    counts = {s: (getattr(log, f"{s}_count") if getattr(log, f"{s}_count") is not None else found[s])
              for s in SEVERITIES}
    counts["total"] = sum(counts.values())
    return PrecheckReport(
        path=str(path), kind="aurora-log", tool_version=None, report_format=None, complete=True,
        incomplete_reason=None, target_version=log.aurora_target_version or log.target_version,
        source=log.aurora_server_version or log.server_version, counts=counts,
        blocking=tuple(BlockingFinding(f.check_id, f.severity.value, f.location, f.message)
                       for f in log.findings if f.severity.value == "error"),
        crashed_checks=tuple(sorted(log.failed_checks)))


# ---------------------------------------------------------------------------------------------
# bench compare --format json
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regression:
    digest: str
    query: str
    detail: str
    ratio: float | None
    blue_p50_ms: float | None
    green_p50_ms: float | None
    blue_ms: tuple[float, ...]  # a sample of latencies, for charts
    green_ms: tuple[float, ...]


@dataclass(frozen=True)
class Difference:
    kind: str  # result_differs, error_one_side, warnings_differ, ...
    digest: str
    detail: str


@dataclass(frozen=True)
class BenchReport:
    path: str
    complete: bool
    failing: int  # regressions plus differences: what the gate blocks on
    regressions: tuple[Regression, ...]
    differences: tuple[Difference, ...]  # failing findings other than latency
    summary: dict[str, Any]
    blue: str | None  # "address (version)"
    green: str | None
    shapes: tuple[dict[str, Any], ...] = ()  # shapes[]: digest, verdict, blue/green stats (null: not measured)
    green_version: str | None = None  # SELECT VERSION() on green, as bench run recorded it


def read_bench(path: Path) -> BenchReport:
    """``bench compare --format json`` output."""
    path = Path(path)
    data = _object(path, "bench compare report", "bench_format")
    _version(data, "bench_format", BENCH_FORMAT, path, "bench compare report", required=False)
    _need(data, path, "bench compare report", summary=dict, shapes=list, findings=list, complete=bool, run=dict)
    summary = data["summary"]
    if not isinstance(summary.get("failing"), int) or isinstance(summary.get("failing"), bool):
        raise ToolError(f"{path} is not a bench compare report: summary has no failing count")
    shapes = {s.get("digest"): s for s in data["shapes"] if isinstance(s, dict)}
    regressions, differences = [], []
    for f in data["findings"]:
        if not isinstance(f, dict):
            continue
        if f.get("kind") == "regression":
            shape = shapes.get(f.get("digest"), {})
            chart = shape.get("chart") or {}
            regressions.append(Regression(
                digest=str(f.get("digest")), query=" ".join(str(f.get("sql") or shape.get("fingerprint") or "").split()),
                detail=str(f.get("detail", "")), ratio=shape.get("ratio"),
                blue_p50_ms=(shape.get("blue") or {}).get("p50_ms"), green_p50_ms=(shape.get("green") or {}).get("p50_ms"),
                blue_ms=tuple(chart.get("blue_ms") or ()), green_ms=tuple(chart.get("green_ms") or ())))
        elif f.get("kind") in ("result_differs", "order_differs", "error_one_side", "error_differs", "warnings_differ"):
            differences.append(Difference(str(f["kind"]), str(f.get("digest")), str(f.get("detail", ""))))
    regressions.sort(key=lambda r: -(r.ratio or 0))

    def side(name: str) -> str | None:
        s = data["run"].get(name) or {}
        return f"{s.get('address')} ({s.get('version')})" if s else None

    return BenchReport(path=str(path), complete=data["complete"], failing=summary["failing"],
                       regressions=tuple(regressions), differences=tuple(differences), summary=dict(summary),
                       blue=side("blue"), green=side("green"), shapes=tuple(shapes.values()),
                       green_version=(data["run"].get("green") or {}).get("version"))


# ---------------------------------------------------------------------------------------------
# params plan --format json
# ---------------------------------------------------------------------------------------------

# The tags `params plan --apply` leaves on the groups it writes: the hand-off to `bluegreen`, through AWS.
CHANGED_TAG = "aurora-upgrade:changed-at"  # on every group --apply creates or modifies; `bluegreen create` reads it
# On every group --apply creates: the 5.7 group it was made from, so `bluegreen create`/`switchover` can give each
# green instance the 8.0 group planned for its blue partner's group (CreateBlueGreenDeployment takes only one).
SOURCE_TAG = "aurora-upgrade:made-from"


@dataclass(frozen=True)
class ParamChange:
    group: str  # the 8.0 group it goes into
    name: str
    value: str
    apply_method: str
    origin: str  # where the v2 value came from


@dataclass(frozen=True)
class ParamDrop:
    name: str
    value: str
    where: str
    why: str


@dataclass(frozen=True)
class ParamRename:
    old: str
    new: str
    group: str


@dataclass(frozen=True)
class ParamsPlan:
    path: str
    cluster: str
    groups: tuple[str, ...]  # "cluster group NAME", "instance group NAME"
    changes: tuple[ParamChange, ...]
    drops: tuple[ParamDrop, ...]
    renames: tuple[ParamRename, ...]
    notes: tuple[str, ...]
    blockers: tuple[str, ...]


def read_params_plan(path: Path) -> ParamsPlan:
    """``params plan --format json`` output (the rename shows as a new name whose origin names the old one)."""
    path = Path(path)
    data = _object(path, "params plan", "plan_format")
    _version(data, "plan_format", PLAN_FORMAT, path, "params plan", required=False)
    _need(data, path, "params plan", cluster=str, groups=list, dropped=list)
    changes, renames, names = [], [], []
    for g in data["groups"]:
        if not isinstance(g, dict) or not isinstance(g.get("parameters"), dict):
            raise ToolError(f"{path} is not a params plan: a group has no parameters object")
        names.append(f"{g.get('kind')} group {g.get('name')}")
        for pname, p in g["parameters"].items():
            origin = str(p.get("origin", ""))
            changes.append(ParamChange(str(g.get("name")), pname, str(p.get("value")),
                                       str(p.get("apply_method", "")), origin))
            old = origin.rsplit(": ", 1)[-1] if ": " in origin else pname
            if old != pname:
                renames.append(ParamRename(old, pname, str(g.get("name"))))
    drops = tuple(ParamDrop(str(d.get("name")), str(d.get("value")), str(d.get("where", "")), str(d.get("note", "")))
                  for d in data["dropped"] if isinstance(d, dict))
    return ParamsPlan(path=str(path), cluster=data["cluster"], groups=tuple(names), changes=tuple(changes),
                      drops=drops, renames=tuple(renames), notes=tuple(str(n) for n in data.get("notes") or ()),
                      blockers=tuple(str(b) for b in data.get("blockers") or ()))


# ---------------------------------------------------------------------------------------------
# bluegreen journal
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalStep:
    at: dt.datetime
    command: str
    step: str
    phase: str
    detail: str
    gates: tuple[tuple[str, str, str], ...]  # (gate, status, detail) when the step recorded gates


@dataclass(frozen=True)
class DeploymentJournal:
    path: str
    name: str
    steps: tuple[JournalStep, ...]
    blue_cluster: str | None
    green_cluster: str | None
    switchover_started: dt.datetime | None  # when SwitchoverBlueGreenDeployment was about to be called
    switchover_done: dt.datetime | None  # when the tool saw SWITCHOVER_COMPLETED
    target_version: str | None = None  # the engine version green was created with (create's request)


JOURNAL_ENV_DIR = "AURORA_UPGRADE_JOURNAL_DIR"
JOURNAL_DEFAULT_DIR = Path("~/.aurora-upgrade/journal")
INTENT, DONE, FAILED, INFO = "intent", "done", "failed", "info"  # the phases of a journaled step
LIFECYCLE_END = "cleanup"  # a `cleanup` step marked done closes the deployment's lifecycle


def journal_dir(option: Path | None) -> Path:
    """``--journal-dir``, else ``$AURORA_UPGRADE_JOURNAL_DIR``, else ``~/.aurora-upgrade/journal``."""
    raw = option or (Path(os.environ[JOURNAL_ENV_DIR]) if os.environ.get(JOURNAL_ENV_DIR) else JOURNAL_DEFAULT_DIR)
    return Path(raw).expanduser()


class JournalFile:
    """A deployment's journal file (``<dir>/<region>--<name>.jsonl``, JSON lines) read as the bluegreen commands
    wrote it (``bluegreen/journal.py`` holds and writes it)."""

    def __init__(self, directory: Path, region: str, name: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{region}--{name}")
        self.path = Path(directory) / f"{safe}.jsonl"
        self.name = name

    def all_entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        raw = read_input(self.path, "journal").decode("utf-8", errors="replace")
        lines = raw.split("\n")
        out = []
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                entry = None
            if isinstance(entry, dict):
                out.append(entry)
                continue
            # A kill during a write leaves a torn line: a prefix of one of our entries. Skipping it
            # leaves its step at the phase before, which resuming already handles safely (a torn
            # intent: the call was never made; a torn done: the intent is looked up, not repeated).
            # The next write starts on a fresh line, so a torn line may also sit mid-file.
            if line.startswith('{"ts": "') and not line.rstrip().endswith("}"):
                continue
            raise ToolError(f"journal {self.path} is corrupt at line {lineno}; fix or move it aside")
        return out

    def entries(self) -> list[dict[str, Any]]:
        """Entries of the current lifecycle (after the last finished cleanup)."""
        items = self.all_entries()
        for i in range(len(items) - 1, -1, -1):
            if items[i].get("step") == LIFECYCLE_END and items[i].get("phase") == DONE:
                return items[i + 1:]
        return items

    def last(self, step: str) -> dict[str, Any] | None:
        """The latest entry of ``step`` in this lifecycle."""
        found = [e for e in self.entries() if e.get("step") == step]
        return found[-1] if found else None

    def phase(self, step: str) -> str | None:
        """``intent`` (started, outcome unknown), ``done``, ``failed``, ``info`` or None (never started)."""
        entry = self.last(step)
        return entry.get("phase") if entry else None

    def value(self, key: str) -> Any:
        """The latest value recorded under ``key`` in any entry of this lifecycle."""
        for entry in reversed(self.entries()):
            if entry.get(key) is not None:
                return entry[key]
        return None


_DETAIL_KEYS = ("status", "status_details", "error", "note", "deployment_id", "engine_version", "cluster",
                "instance", "old_blue")


def read_journal(directory: Path, region: str, name: str) -> DeploymentJournal | None:
    """The current lifecycle of a deployment's journal, or None when there is none."""
    journal = JournalFile(directory, region, name)
    entries = journal.entries()
    if not entries:
        return None
    steps = []
    for e in entries:
        try:
            at = dt.datetime.fromisoformat(str(e.get("ts")))
        except ValueError:
            raise ToolError(f"journal {journal.path}: an entry has no valid timestamp ({e.get('ts')!r})") from None
        detail = "; ".join(f"{k}={e[k]}" for k in _DETAIL_KEYS if e.get(k) not in (None, ""))
        gates = tuple((str(g.get("gate")), str(g.get("status")), str(g.get("detail", "")))
                      for g in e.get("gates") or () if isinstance(g, dict))
        steps.append(JournalStep(at, str(e.get("command", "")), str(e.get("step", "")), str(e.get("phase", "")),
                                 detail, gates))

    def first(step: str, phase: str) -> dt.datetime | None:
        return next((s.at for s in steps if s.step == step and s.phase == phase), None)

    request = next((e.get("request") for e in reversed(entries) if e.get("step") == "create"
                    and isinstance(e.get("request"), dict)), None) or {}
    return DeploymentJournal(path=str(journal.path), name=name, steps=tuple(steps),
                             blue_cluster=journal.value("blue_cluster") or (journal.value("inputs") or {}).get("cluster"),
                             green_cluster=journal.value("green_cluster"),
                             switchover_started=first("switchover", INTENT), switchover_done=first("switchover", DONE),
                             target_version=request.get("TargetEngineVersion") or journal.value("engine_version"))


# ---------------------------------------------------------------------------------------------
# metrics compare --format json
# ---------------------------------------------------------------------------------------------

METRICS_FORMAT = 1  # metrics.compare.METRICS_FORMAT


def read_metrics(path: Path) -> dict[str, Any]:
    """``metrics compare --format json`` output, checked; kept as data because its renderer draws the series."""
    path = Path(path)
    data = _object(path, "metrics comparison", "metrics_format")
    _version(data, "metrics_format", METRICS_FORMAT, path, "metrics comparison", required=True)
    _need(data, path, "metrics comparison", before=dict, after=dict, results=list, summary=dict, period_s=int)
    for r in data["results"]:
        if not isinstance(r, dict) or not {"metric", "role", "unit", "verdict", "series"} <= r.keys():
            raise ToolError(f"{path} is not a metrics comparison: a result lacks metric/role/unit/verdict/series")
    return data
