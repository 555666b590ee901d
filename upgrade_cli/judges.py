"""One judge per hand-off: what a precheck report, params plan, bench comparison, metrics comparison
or blue/green journal says about the upgrade, as one typed :class:`Verdict`.

The switchover gates (``bluegreen/gates.py``) and the dossier (``dossier/build.py``) both call these
judges, so they can never say different things about the same file. A verdict is ``pass``, ``risk``
or ``block``; each reason names the input and the JSON field it came from and the :data:`RULES`
entry that decided its level (the rules are rendered into ``docs/dossier.md`` and the HTML
dossier's footer from here). Each verdict also says what its input *covered* (scope, target, what
ran, what did not, how much was measured). Not measured is not a pass: an input that measured
nothing blocks, and a status, verdict or phase a judge does not know is never read as a pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from upgrade_cli.handoffs import BenchReport, CheckCatalog, DeploymentJournal, ParamsPlan, PrecheckReport
from upgrade_cli.outcome import ToolError
from upgrade_cli.target import resolve_target

PASS, RISK, BLOCK = "pass", "risk", "block"
_RANK = {PASS: 0, RISK: 1, BLOCK: 2}


@dataclass(frozen=True)
class Rule:
    id: str
    level: str  # risk or block
    when: str  # the rule, in the words the dossier prints


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("precheck-verdict", BLOCK, "precheck: the report's own verdict is NOT READY or INCOMPLETE, or one this "
                                    "tool does not know (field `verdict`)"),
    Rule("precheck-nothing-ran", BLOCK, "precheck: no check ran (every one in `checks[]` skipped or not checkable)"),
    Rule("precheck-incomplete", BLOCK, "precheck: the scan is incomplete (`complete` false)"),
    Rule("precheck-errors", BLOCK, "precheck: an error finding (`findings[]`, `counts.error`)"),
    Rule("precheck-not-run", BLOCK, "precheck: a check crashed, could not run, or has a status this tool does not "
                                    "know (`checks[].status` failed / not_run / unknown)"),
    Rule("precheck-selection", BLOCK, "precheck: the scan was limited by `--only` or `--skip` (or made by a version "
                                      "that lacked checks) and the report does not show every check it left out as "
                                      "skipped (`selection`, `checks[]`)"),
    Rule("precheck-skipped", RISK, "precheck: the scan was limited by `--only` or `--skip`, and every check it left "
                                   "out is shown as skipped (`checks[].status`); the dossier lists them"),
    Rule("precheck-target", BLOCK, "precheck: made for another MySQL release than the deployment's target "
                                   "(`target` vs the journal's TargetEngineVersion, compared as the create gate does)"),
    Rule("precheck-target-unknown", RISK, "precheck: the report does not say which release it checked, so it cannot "
                                          "be matched to the deployment's target (`target`)"),
    Rule("params-blocker", BLOCK, "params plan: a blocker (`blockers[]`)"),
    Rule("params-empty", BLOCK, "params plan: no parameter group planned (`groups[]` empty)"),
    Rule("params-cluster", BLOCK, "params plan: made for another cluster than the deployment's blue (`cluster`)"),
    Rule("bench-nothing-measured", BLOCK, "bench: no statement measured on both sides (`summary.measured`, or "
                                          "`shapes[]` without latencies on both sides)"),
    Rule("bench-wrong-answers", BLOCK, "bench: green answers differently from blue: results, row order or errors "
                                       "(`findings[].kind`, `shapes[].verdict`)"),
    Rule("bench-unknown", BLOCK, "bench: a shape verdict or failing finding this tool does not know "
                                 "(`shapes[].verdict`, `summary.failing`)"),
    Rule("bench-target", BLOCK, "bench: green ran another MySQL release than the deployment's target "
                                "(`run.green.version`, when it is a MySQL 8.0 version)"),
    Rule("bench-regression", RISK, "bench: a latency regression (`findings[]` kind regression)"),
    Rule("bench-warnings", RISK, "bench: warnings or plans differ (`findings[].kind`, `shapes[].verdict`)"),
    Rule("bench-inconclusive", RISK, "bench: shapes whose samples cannot tell same from different "
                                     "(`shapes[].verdict` inconclusive / insufficient data)"),
    Rule("bench-incomplete", RISK, "bench: the run is incomplete (`complete` false)"),
    Rule("metrics-nothing-measured", BLOCK, "metrics: no series has data (`summary.series_with_data`, or "
                                            "`results[].verdict` all \"no data\")"),
    Rule("metrics-target", BLOCK, "metrics: the \"after\" window read another cluster than the deployment's, or "
                                  "started before its switchover completed (`after.cluster`, `after.start`)"),
    Rule("metrics-unknown", BLOCK, "metrics: a series verdict this tool does not know (`results[].verdict`)"),
    Rule("metrics-worse", RISK, "metrics: a server metric got worse on green (`results[].verdict`)"),
    Rule("metrics-no-data", RISK, "metrics: some series have no data (`results[].verdict` \"no data\")"),
    Rule("journal-switchover-failed", BLOCK, "journal: the switchover failed or was rolled back (step `switchover` "
                                             "phase failed: blue is still production)"),
    Rule("journal-switchover-open", BLOCK, "journal: a switchover was started and its outcome is not recorded"),
    Rule("journal-verify-failed", BLOCK, "journal: the check after the switchover failed (step `verify` phase failed)"),
    Rule("journal-deployment-failed", BLOCK, "journal: creating the deployment failed (step `create` or "
                                             "`wait-available` phase failed, last of its kind)"),
    Rule("journal-gate-unknown", BLOCK, "journal: a gate with a status this tool does not know (`gates[].status`)"),
    Rule("journal-no-gates", RISK, "journal: no gate check recorded for the deployment (`gates[]`)"),
    Rule("journal-gate-failed", RISK, "journal: the latest gate check of create or switchover has a gate failed, "
                                      "overridden, NOT RUN or skipped (`gates[].status`)"),
)}


@dataclass(frozen=True)
class Reason:
    rule: str  # a RULES id
    level: str  # risk or block: the rule's
    input: str  # the file (or journal) it came from
    field: str  # the JSON field in that file
    text: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Coverage:
    """What a hand-off looked at: never more than the file itself shows."""

    scope: str  # what was scanned / compared / deployed
    target: str | None = None
    unit: str = ""  # what `ran` and `measured` count: checks, statements, series, gates
    ran: tuple[str, ...] = ()
    not_run: tuple[str, ...] = ()  # what applies but did not run (with why, where known)
    measured: int | None = None
    of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    judge: str  # precheck, params, bench, metrics, journal
    input: str
    status: str  # pass, risk or block
    reasons: tuple[Reason, ...]
    covered: Coverage

    @property
    def blocks(self) -> bool:
        return self.status == BLOCK

    def summary(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {"judge": self.judge, "input": self.input, "status": self.status,
                "reasons": [r.to_dict() for r in self.reasons], "covered": self.covered.to_dict()}


@dataclass
class _Case:
    judge: str
    input: str
    reasons: list[Reason] = field(default_factory=list)

    def add(self, rule: str, fld: str, text: str) -> None:
        self.reasons.append(Reason(rule, RULES[rule].level, self.input, fld, text))

    def verdict(self, covered: Coverage) -> Verdict:
        status = max((r.level for r in self.reasons), key=_RANK.__getitem__, default=PASS)
        ordered = sorted(self.reasons, key=lambda r: -_RANK[r.level])
        return Verdict(self.judge, self.input, status, tuple(ordered), covered)


# ---------------------------------------------------------------------------------------------
# precheck report
# ---------------------------------------------------------------------------------------------

VERDICTS_OK = ("READY",)
VERDICTS_KNOWN = ("READY", "NOT READY", "INCOMPLETE")
CHECK_RAN = ("passed", "findings")
CHECK_LEGIT_SKIP = ("skipped", "not_checkable")  # skipped: not for this target / opt-in / left out (judged apart)
LEFT_OUT_NOTE = "left out by --skip"


def target_mismatch(checked: str | None, target_version: str | None) -> str | None:
    """Why the precheck's target is not ``target_version``, or None when they agree (or either is unknown)."""
    if not checked or not target_version:
        return None
    try:
        ran, wanted = resolve_target(checked), resolve_target(target_version)
    except ToolError:
        return None  # a version this tool does not know: nothing to compare against
    if ran.mysql == wanted.mysql:
        return None
    return (f"the precheck ran for {ran.label}, not for {wanted.label}; "
            f"re-run precheck --target-version {wanted.aurora or wanted.mysql_version}")


def _left_out(report: PrecheckReport, checks: CheckCatalog) -> tuple[str, list[str], str]:
    """(the field that shows it, the checks this scan left out, why) for our own report.json."""
    sel = report.selection
    if sel is not None:
        only, skip = sel.get("only"), [str(i) for i in sel.get("skip") or ()]
        wanted = None if only is None else {checks.our_id(i) or i for i in only}
        left = skip + [c for c in checks.ids() if wanted is not None and c not in wanted and c not in skip]
        return "selection", left, "the scan was limited by --only/--skip"
    skipped = [c.id for c in report.checks if c.status == "skipped" and (c.note or "").startswith(LEFT_OUT_NOTE)]
    listed = {checks.our_id(c.id) or c.id for c in report.checks}  # older spellings count
    absent = [c for c in checks.ids() if c not in listed]
    why = ("the scan was limited by --only/--skip" if not absent else
           "the report leaves out checks this tool runs (made with --only, or by an older version: re-run precheck)")
    return "checks[]", skipped + absent, why


def precheck(report: PrecheckReport, target_version: str | None = None, *, checks: CheckCatalog) -> Verdict:
    """``target_version``: the release being deployed (the create request's, or the journal's); ``checks``: the
    precheck stage's catalog (``upgrade_cli.precheck.api.CHECKS``), to tell which checks a report left out."""
    case = _Case("precheck", report.path)
    if not report.complete:
        case.add("precheck-incomplete", "complete", f"the scan is incomplete ({report.incomplete_reason}): "
                                                    "no errors found so far is not a pass")
    if report.errors:
        first = report.blocking[0] if report.blocking else None
        named = f", first: {first.check_id} at {first.where}" if first else ""
        case.add("precheck-errors", "counts.error", f"{report.errors} error finding(s) block the upgrade{named}")
    if report.crashed_checks:
        case.add("precheck-not-run", "checks[].status",
                 f"check(s) crashed, so their result is unknown: {', '.join(report.crashed_checks)}")
    known = (*CHECK_RAN, *CHECK_LEGIT_SKIP, "failed", "not_run")
    not_run = [c for c in report.checks if c.status == "not_run"]
    if not_run:
        case.add("precheck-not-run", "checks[].status", "check(s) that apply could not run: " + "; ".join(
            f"{c.id} ({c.note})" if c.note else c.id for c in not_run))
    strange = [c for c in report.checks if c.status not in known]
    if strange:
        case.add("precheck-not-run", "checks[].status", "check status(es) this tool does not know, not a pass: " +
                 ", ".join(f"{c.id}={c.status}" for c in strange))
    hidden: list[str] = []
    if report.kind == "aurora-upgrade":
        where, left, why = _left_out(report, checks)
        shown = {c.id for c in report.checks if c.status == "skipped"}
        hidden = [c for c in left if c not in shown]
        if hidden:
            case.add("precheck-selection", where, f"{why}: {len(hidden)} check(s) not run and not in the report: "
                                                  f"{', '.join(hidden)}")
        elif left:
            case.add("precheck-skipped", "checks[].status", f"{why}: {len(left)} check(s) shown as skipped, not run: "
                                                            f"{', '.join(left)}")
    mismatch = target_mismatch(report.target_version, target_version)
    if mismatch:
        case.add("precheck-target", "target", mismatch)
    elif target_version and not report.target_version:
        case.add("precheck-target-unknown", "target", f"the report does not say which release it checked; the "
                                                      f"deployment targets {target_version}")
    if report.verdict is not None and report.verdict not in VERDICTS_OK:
        known = report.verdict in VERDICTS_KNOWN
        explained = any(r.level == BLOCK for r in case.reasons)  # the errors or gaps behind it, named above
        if not (known and explained):
            case.add("precheck-verdict", "verdict", f"precheck verdict {report.verdict}" if known else
                     f"precheck verdict {report.verdict!r} is not one this tool knows: not a pass")
    ran = tuple(c.id for c in report.checks if c.status in CHECK_RAN)
    if report.kind == "aurora-upgrade" and not ran:
        case.add("precheck-nothing-ran", "checks[].status", f"no check ran: {len(report.checks)} listed, none "
                                                            "passed or found anything")
    missed = tuple(f"{c.id}: {c.note or c.status}" for c in report.checks
                   if c.status not in CHECK_RAN and not (c.status in CHECK_LEGIT_SKIP and
                                                         not (c.note or "").startswith(LEFT_OUT_NOTE))
                   ) + tuple(f"{c}: not in the report" for c in hidden)
    return case.verdict(Coverage(scope=report.source or report.kind, target=report.target_version, unit="checks",
                                 ran=ran, not_run=missed, measured=len(ran) if report.checks else None,
                                 of=len(report.checks) if report.checks else None))


# ---------------------------------------------------------------------------------------------
# params plan
# ---------------------------------------------------------------------------------------------


def params(plan: ParamsPlan, cluster: str | None = None) -> Verdict:
    """``cluster``: the deployment's blue cluster, when known."""
    case = _Case("params", plan.path)
    if not plan.groups:
        case.add("params-empty", "groups[]", "the plan has no parameter group: nothing was planned")
    if cluster and plan.cluster != cluster:
        case.add("params-cluster", "cluster", f"the plan is for cluster {plan.cluster}, the deployment's blue is "
                                              f"{cluster}")
    for b in plan.blockers:
        case.add("params-blocker", "blockers[]", f"parameter plan blocker: {b}")
    return case.verdict(Coverage(scope=f"cluster {plan.cluster}: {', '.join(plan.groups)}", target=cluster,
                                 unit="parameters",
                                 measured=len(plan.changes)))


# ---------------------------------------------------------------------------------------------
# bench comparison
# ---------------------------------------------------------------------------------------------

WRONG_ANSWERS = ("result_differs", "order_differs", "error_one_side", "error_differs")
SHAPE_WRONG = ("results differ", "errors differ")
SHAPE_WARN = ("warnings differ", "plan differs")
SHAPE_INCONCLUSIVE = ("inconclusive", "insufficient data")
SHAPE_UNMEASURED = ("not measured", "no data", "errors")  # "errors": failed on both sides (older reports)
SHAPE_FINE = ("same", "improved", "faster", "regression")  # regressions are read from findings[]
SHAPE_KNOWN = (*SHAPE_WRONG, *SHAPE_WARN, *SHAPE_INCONCLUSIVE, *SHAPE_UNMEASURED, *SHAPE_FINE)


def _measured(shape: dict[str, Any]) -> bool:
    return bool(shape.get("blue")) and bool(shape.get("green"))


def _mysql_release(version: str | None) -> tuple[int, ...] | None:
    """(8, 0, 32) from "8.0.32" or "8.0.32-log"; None for anything else (MariaDB, an Aurora name, nothing)."""
    head = (version or "").split("-")[0].split(".")
    return tuple(int(x) for x in head) if len(head) == 3 and all(x.isdigit() for x in head) else None


def bench(report: BenchReport, target_version: str | None = None) -> Verdict:
    """``target_version``: the release green runs (the deployment's), when known."""
    case = _Case("bench", report.path)
    ran_on = _mysql_release(report.green_version)
    if ran_on and ran_on[:2] == (8, 0) and target_version:
        try:
            wanted = resolve_target(target_version)
        except ToolError:
            wanted = None
        if wanted is not None and wanted.mysql != ran_on:
            case.add("bench-target", "run.green.version", f"green answered as MySQL {report.green_version}, the "
                                                          f"deployment targets {wanted.label}")
    s = report.summary
    shapes = [sh for sh in report.shapes if isinstance(sh, dict)]
    measured_shapes = [sh for sh in shapes if _measured(sh)]
    if isinstance(s.get("measured"), int) and not isinstance(s.get("measured"), bool):
        measured, unit, fld = s["measured"], "statements", "summary.measured"
    else:
        measured, unit, fld = len(measured_shapes), "shapes", "shapes[].blue/green"
    if measured == 0:
        case.add("bench-nothing-measured", fld, f"nothing was measured: 0 of {s.get('statements', '?')} statement(s) "
                                                f"timed on both sides ({s.get('skipped', 0)} skipped)")
    wrong = [d for d in report.differences if d.kind in WRONG_ANSWERS]
    if wrong:
        case.add("bench-wrong-answers", "findings[].kind", "green answers differently from blue: " + "; ".join(
            f"{d.kind} {d.digest[:16]}: {d.detail}" for d in wrong[:5]) + (f" and {len(wrong) - 5} more"
                                                                            if len(wrong) > 5 else ""))
    verdicts = {str(sh.get("digest", "?"))[:16]: sh.get("verdict") for sh in shapes}
    shape_wrong = [d for d, v in verdicts.items() if v in SHAPE_WRONG]
    if shape_wrong and not wrong:
        case.add("bench-wrong-answers", "shapes[].verdict", f"green answers differently on shape(s) "
                                                            f"{', '.join(shape_wrong)}")
    unknown = {d: v for d, v in verdicts.items() if v not in SHAPE_KNOWN}
    if unknown:
        case.add("bench-unknown", "shapes[].verdict", "shape verdict(s) this tool does not know, not a pass: " +
                 ", ".join(f"{d}={v!r}" for d, v in unknown.items()))
    explained = len(report.regressions) + len(report.differences)
    if report.failing > explained:
        case.add("bench-unknown", "summary.failing", f"{report.failing} failing finding(s), of which "
                                                     f"{report.failing - explained} of a kind this tool does not know")
    for r in report.regressions[:5]:
        case.add("bench-regression", "findings[]", f"latency regression {r.digest[:16]}: {r.detail}")
    if len(report.regressions) > 5:
        case.add("bench-regression", "findings[]", f"{len(report.regressions)} latency regressions in all")
    warn = [d for d in report.differences if d.kind not in WRONG_ANSWERS]
    warn_shapes = [d for d, v in verdicts.items() if v in SHAPE_WARN]
    if warn or warn_shapes:
        case.add("bench-warnings", "findings[].kind" if warn else "shapes[].verdict",
                 f"{len(warn) or len(warn_shapes)} warning or plan difference(s) between blue and green")
    inconclusive = [d for d, v in verdicts.items() if v in SHAPE_INCONCLUSIVE]
    if inconclusive:
        case.add("bench-inconclusive", "shapes[].verdict", f"{len(inconclusive)} shape(s) inconclusive (too few "
                                                           f"samples to call them same): {', '.join(inconclusive[:5])}")
    if not report.complete:
        case.add("bench-incomplete", "complete", "the bench run is incomplete: its results are partial")
    return case.verdict(Coverage(
        scope=f"blue {report.blue or '?'} vs green {report.green or '?'}", target=report.green, unit=unit,
        ran=tuple(str(sh.get("digest", "?"))[:16] for sh in measured_shapes),
        not_run=tuple(f"{str(sh.get('digest', '?'))[:16]}: {sh.get('verdict')}" for sh in shapes
                      if not _measured(sh)),
        measured=measured, of=s.get("statements") if unit == "statements" else len(shapes)))


# ---------------------------------------------------------------------------------------------
# metrics comparison
# ---------------------------------------------------------------------------------------------

METRIC_WORSE = ("worse", "worse (tail)")
METRIC_NO_DATA = "no data"
METRIC_KNOWN = (*METRIC_WORSE, METRIC_NO_DATA, "better", "unchanged", "changed")


def _series(r: dict[str, Any]) -> str:
    return f"{r.get('metric')}" + (f" ({r['role']})" if r.get("role") else "")


def metrics(data: dict[str, Any], path: str, deployment: DeploymentJournal | None = None) -> Verdict:
    """``deployment``: its journal, to check the "after" window read its cluster after its switchover."""
    case = _Case("metrics", path)
    after = data.get("after") or {}
    if deployment is not None:
        # after the switchover green carries blue's name; before it, "after" is green under its own name
        names = {n for n in ((deployment.blue_cluster, deployment.green_cluster) if deployment.switchover_done
                             else (deployment.green_cluster,)) if n}
        if names and after.get("cluster") not in names:
            case.add("metrics-target", "after.cluster", f"the \"after\" window read cluster {after.get('cluster')}, "
                                                        f"not the deployment's ({', '.join(sorted(names))})")
        done = deployment.switchover_done
        try:
            start = dt.datetime.fromisoformat(str(after.get("start")))
        except ValueError:
            start = None
        slack = dt.timedelta(seconds=max(60, int(data.get("period_s") or 0)))  # windows align to the period
        if done is not None and start is not None and start.tzinfo is not None and start < done - slack:
            case.add("metrics-target", "after.start", f"the \"after\" window starts {start:%Y-%m-%d %H:%M} UTC, "
                                                      f"before the switchover completed ({done:%H:%M} UTC)")
    results = [r for r in data.get("results") or () if isinstance(r, dict)]
    s = data.get("summary") or {}
    series = s["series"] if isinstance(s.get("series"), int) else len(results)
    no_data = [r for r in results if r.get("verdict") == METRIC_NO_DATA]
    if isinstance(s.get("series_with_data"), int):
        with_data, fld = s["series_with_data"], "summary.series_with_data"
    else:
        with_data, fld = len(results) - len(no_data), "results[].verdict"
    if with_data <= 0:
        case.add("metrics-nothing-measured", fld, f"nothing was measured: {series - with_data} of {series} series "
                                                  "have no data")
    elif no_data:
        case.add("metrics-no-data", "results[].verdict", f"{len(no_data)} of {series} series have no data: " +
                 ", ".join(_series(r) for r in no_data[:8]) + (" …" if len(no_data) > 8 else ""))
    unknown = [r for r in results if r.get("verdict") not in METRIC_KNOWN]
    if unknown:
        case.add("metrics-unknown", "results[].verdict", "series verdict(s) this tool does not know, not a pass: " +
                 ", ".join(f"{_series(r)}={r.get('verdict')!r}" for r in unknown))
    for r in results:
        if r.get("verdict") in METRIC_WORSE:
            change = f" {r['median_change']:+.0%} median" if isinstance(r.get("median_change"), (int, float)) else ""
            case.add("metrics-worse", "results[].verdict", f"server metric {_series(r)} {r['verdict']} on green{change}")
    return case.verdict(Coverage(
        scope=f"{(data.get('before') or {}).get('cluster', '?')} vs {after.get('cluster', '?')}", unit="series",
        ran=tuple(_series(r) for r in results if r.get("verdict") != METRIC_NO_DATA),
        not_run=tuple(f"{_series(r)}: no data" for r in no_data), measured=with_data, of=series))


# ---------------------------------------------------------------------------------------------
# blue/green journal
# ---------------------------------------------------------------------------------------------

GATE_OK = ("pass", "warn")
GATE_RISK = ("fail", "overridden", "NOT RUN", "skip")
OPEN_PHASES = ("intent", "called", "info")


def journal(j: DeploymentJournal) -> Verdict:
    case = _Case("journal", j.path)
    last: dict[str, Any] = {}
    for s in j.steps:
        last[s.step] = s
    sw = last.get("switchover")
    if sw is not None and sw.phase == "failed":
        case.add("journal-switchover-failed", "switchover.phase", f"the switchover failed or was rolled back at "
                                                                  f"{sw.at:%Y-%m-%d %H:%M} UTC ({sw.detail})")
    elif sw is not None and sw.phase in OPEN_PHASES:
        case.add("journal-switchover-open", "switchover.phase", f"the switchover was started ({sw.phase}) and its "
                                                                "outcome is not recorded: run `bluegreen switchover` "
                                                                "again to follow it")
    elif sw is not None and sw.phase != "done":
        case.add("journal-switchover-open", "switchover.phase", f"switchover phase {sw.phase!r} is not one this tool "
                                                                "knows: not a pass")
    verify = last.get("verify")
    if verify is not None and verify.phase != "done":
        case.add("journal-verify-failed", "verify.phase", f"the check after the switchover failed ({verify.detail})")
    for step in ("create", "wait-available"):
        st = last.get(step)
        if st is not None and st.phase == "failed":
            case.add("journal-deployment-failed", f"{step}.phase", f"{step} failed ({st.detail})")
    ran: list[str] = []
    missed: list[str] = []
    for command in ("create", "switchover"):
        gated = [s for s in j.steps if s.command == command and s.gates]
        if not gated:
            continue
        latest = gated[-1]
        unknown = [f"{g}={st!r}" for g, st, _ in latest.gates if st not in (*GATE_OK, *GATE_RISK)]
        if unknown:
            case.add("journal-gate-unknown", f"{latest.step}.gates[].status",
                     f"{command} gate status(es) this tool does not know, not a pass: {', '.join(unknown)}")
        risky = [(g, st) for g, st, _ in latest.gates if st in GATE_RISK]
        if risky:
            case.add("journal-gate-failed", f"{latest.step}.gates[].status",
                     f"latest gate check ({command}: {latest.step} {latest.phase}): failed, overridden, NOT RUN or "
                     f"skipped: {', '.join(f'{g} ({st})' for g, st in risky)}")
        ran += [f"{command}: {g}" for g, st, _ in latest.gates if st in GATE_OK]
        missed += [f"{command}: {g} ({st})" for g, st, _ in latest.gates if st not in GATE_OK]
    if not ran and not missed:
        case.add("journal-no-gates", "gates[]", f"no gate check recorded in the journal of {j.name}")
    return case.verdict(Coverage(scope=f"deployment {j.name}", target=j.target_version, unit="gates",
                                 ran=tuple(ran), not_run=tuple(missed), measured=len(ran), of=len(ran) + len(missed)))


# ---------------------------------------------------------------------------------------------
# the rules, as the dossier states them
# ---------------------------------------------------------------------------------------------

DOSSIER_RULES = (
    ("NO-GO", "a judge blocks (below); or no precheck report was given (readiness for 8.0 is not shown)"),
    ("GO WITH RISKS", "no judge blocks, but one sees a risk (below); or no parameter plan, bench comparison or "
                      "deployment was given (not shown is not passed)"),
    ("GO", "every input given except, before the switchover, the metrics comparison; every judge passes"),
)


def rules_markdown() -> str:
    """The rules as ``docs/dossier.md`` lists them (a test keeps the two equal)."""
    lines = ["| verdict | when |", "|---|---|"] + [f"| **{v}** | {w} |" for v, w in DOSSIER_RULES]
    lines += ["", "Each judge (`upgrade_cli/judges.py`; the switchover gates call the same ones) says `block` or "
              "`risk` by these rules; a status, verdict or phase a judge does not know is never a pass:", "",
              "| judge says | rule |", "|---|---|"]
    lines += [f"| {r.level} | {r.when} (`{r.id}`) |" for r in RULES.values()]
    return "\n".join(lines) + "\n"


RULES_BEGIN = "<!-- rules: generated by `python -m upgrade_cli.judges docs/dossier.md`; do not edit -->"
RULES_END = "<!-- end rules -->"


def with_rules(doc: str) -> str:
    """``doc`` with the text between the rules markers replaced by :func:`rules_markdown`."""
    head, sep, rest = doc.partition(RULES_BEGIN)
    _, sep2, tail = rest.partition(RULES_END)
    if not sep or not sep2:
        raise ToolError(f"no {RULES_BEGIN} … {RULES_END} block to put the rules in")
    return f"{head}{RULES_BEGIN}\n{rules_markdown()}{RULES_END}{tail}"


if __name__ == "__main__":  # regenerate the rules in docs/dossier.md
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/dossier.md")
    target.write_text(with_rules(target.read_text(encoding="utf-8")), encoding="utf-8")
