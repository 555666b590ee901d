"""Join the stage outputs into one go/no-go document for the change review.

The verdict is the worst of what the inputs say:

* **NO-GO**: no precheck report (readiness is unproven), a precheck error finding, an incomplete
  scan or a crashed check, a plan blocker, or green answering differently from blue (result, row
  order or errors on one side in the bench comparison).
* **GO WITH RISKS**: nothing above, but a latency regression, a warning difference or an
  incomplete bench run, a server metric that got worse, a failed gate in the journal, or a missing
  bench report, parameter plan or deployment (what was not shown is not a pass).
* **GO**: none of that.

Every input is read by :mod:`upgrade_cli.handoffs`, the same readers the switchover gates use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

from upgrade_cli import aws
from upgrade_cli.cli_common import ToolError
from upgrade_cli.handoffs import (BenchReport, DeploymentJournal, ParamsPlan, PrecheckReport, read_bench,
                                  read_journal, read_metrics, read_params_plan, read_precheck)

DOSSIER_FORMAT = 1
GO, NO_GO, RISKS = "GO", "NO-GO", "GO WITH RISKS"
NOGO_REASON, RISK_REASON, NOTE = "no-go", "risk", "note"
WRONG_ANSWERS = ("result_differs", "order_differs", "error_one_side", "error_differs")


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def precheck_section(r: PrecheckReport) -> dict[str, Any]:
    return {"path": r.path, "kind": r.kind, "tool_version": r.tool_version, "complete": r.complete,
            "incomplete_reason": r.incomplete_reason, "target_version": r.target_version, "source": r.source,
            "counts": r.counts, "blocking": [asdict(b) for b in r.blocking], "crashed_checks": list(r.crashed_checks)}


def params_section(p: ParamsPlan) -> dict[str, Any]:
    return {"path": p.path, "cluster": p.cluster, "groups": list(p.groups), "changes": [asdict(c) for c in p.changes],
            "drops": [asdict(d) for d in p.drops], "renames": [asdict(r) for r in p.renames],
            "notes": list(p.notes), "blockers": list(p.blockers)}


def bench_section(b: BenchReport) -> dict[str, Any]:
    return {"path": b.path, "complete": b.complete, "failing": b.failing, "blue": b.blue, "green": b.green,
            "summary": b.summary, "regressions": [asdict(r) for r in b.regressions],
            "differences": [asdict(d) for d in b.differences]}


def timeline_section(name: str, journal: DeploymentJournal | None, events: list[dict[str, Any]] | None,
                     events_error: str | None, costs: list[str] | None = None) -> dict[str, Any]:
    items = []
    for s in (journal.steps if journal else ()):
        items.append({"at": _iso(s.at), "source": "journal", "what": f"{s.command}: {s.step} {s.phase}",
                      "detail": s.detail, "gates": [{"gate": g, "status": st, "detail": d} for g, st, d in s.gates]})
    for e in events or ():
        items.append({"at": _iso(e["Date"]), "source": "rds-event", "what": e.get("Message", ""),
                      "detail": ", ".join(e.get("EventCategories") or []), "gates": []})
    items.sort(key=lambda i: i["at"] or "")
    return {"deployment": name, "journal": journal.path if journal else None, "events_error": events_error,
            "rds_events": None if events is None else len(events), "items": items,
            "switchover_started": _iso(journal.switchover_started) if journal else None,
            "switchover_done": _iso(journal.switchover_done) if journal else None,
            **({"extended_support": costs} if costs is not None else {})}  # offline: not asked, not shown


def rds_events(region: str | None, profile: str | None, name: str) -> tuple[list[dict[str, Any]] | None, str | None]:
    """The deployment's RDS events of the last 14 days, or (None, why not) when AWS cannot be asked."""
    from upgrade_cli.bluegreen import rds as bg

    try:
        rds = aws.client("rds", region, profile, max_attempts=1)
        dep = bg.lookup_deployment(rds, name)
        if dep is None:
            return None, f"deployment {name} not found in RDS"
        events = list(aws.paginate(rds, "describe_events", "Events", SourceType="blue-green-deployment",
                                   SourceIdentifier=dep["BlueGreenDeploymentIdentifier"], Duration=20160))
        return events, None
    except ToolError as exc:
        return None, str(exc)


def extended_support(region: str | None, profile: str | None, name: str) -> list[str] | None:
    """The Extended Support cost line of the deployment's 5.7 cluster (blue, or the kept -old1), as
    `bluegreen status` shows it; None when AWS cannot be asked."""
    from upgrade_cli.bluegreen import cost
    from upgrade_cli.bluegreen import rds as bg

    try:
        rds = aws.client("rds", region, profile, max_attempts=1)
        dep = bg.lookup_deployment(rds, name)
        found = aws.describe_cluster(rds, dep["Source"]) if dep and dep.get("Source") else None
        if found is None:
            return None
        role = "old blue" if dep.get("Status") == bg.SWITCHOVER_COMPLETED else "blue"
        return [cost.line(cost.estimate(rds, found, rds.meta.region_name), role)]
    except ToolError:
        return None


def verdict(doc: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    reasons: list[dict[str, str]] = []

    def add(level: str, text: str) -> None:
        reasons.append({"level": level, "text": text})

    pre = doc["precheck"]
    if pre is None:
        add(NOGO_REASON, "no precheck report given: the cluster's readiness for 8.0 is not shown")
    else:
        errors = [b for b in pre["blocking"] if b["severity"] == "error"]
        for b in errors[:5]:
            add(NOGO_REASON, f"precheck error {b['check_id']} at {b['where']}: {b['message']}")
        if len(errors) > 5 or (pre["counts"]["error"] and not errors):
            add(NOGO_REASON, f"precheck: {pre['counts']['error']} error finding(s) in all")
        if not pre["complete"]:
            add(NOGO_REASON, f"precheck scan incomplete ({pre['incomplete_reason']}): no errors so far is not a pass")
        if pre["crashed_checks"]:
            add(NOGO_REASON, f"precheck check(s) crashed, result unknown: {', '.join(pre['crashed_checks'])}")
    par = doc["params"]
    if par is None:
        add(RISK_REASON, "no parameter plan given: the 8.0 parameter groups are not shown")
    else:
        for b in par["blockers"]:
            add(NOGO_REASON, f"parameter plan blocker: {b}")
    bench = doc["bench"]
    if bench is None:
        add(RISK_REASON, "no bench report given: query latency and results on green are not shown")
    else:
        wrong = [d for d in bench["differences"] if d["kind"] in WRONG_ANSWERS]
        for d in wrong[:5]:
            add(NOGO_REASON, f"bench: green answers differently ({d['kind']}, {d['digest'][:16]}): {d['detail']}")
        for r in bench["regressions"][:5]:
            add(RISK_REASON, f"bench regression {r['digest'][:16]}: {r['detail']}")
        if len(bench["regressions"]) > 5:
            add(RISK_REASON, f"bench: {len(bench['regressions'])} latency regressions in all")
        warn = [d for d in bench["differences"] if d["kind"] not in WRONG_ANSWERS]
        if warn:
            add(RISK_REASON, f"bench: {len(warn)} warning difference(s) between blue and green")
        if not bench["complete"]:
            add(RISK_REASON, "bench run incomplete: its results are partial")
    tl = doc["timeline"]
    if tl is None:
        add(RISK_REASON, "no deployment given: the blue/green timeline and its gates are not shown")
    else:
        if not tl["items"]:
            add(RISK_REASON, f"no journal or RDS events found for deployment {tl['deployment']}")
        gated = [i for i in tl["items"] if i["gates"]]
        if gated:
            failed = [g["gate"] for g in gated[-1]["gates"] if g["status"] in ("fail", "overridden")]
            if failed:
                add(RISK_REASON, f"latest gate check ({gated[-1]['what']}): failed or overridden: {', '.join(failed)}")
    met = doc["metrics"]
    if met is None:
        add(NOTE, "no metrics comparison given (available after the switchover: `metrics compare --around-switchover`)")
    else:
        for r in met["results"]:
            if r["verdict"].startswith("worse"):
                role = f" ({r['role']})" if r["role"] else ""
                change = f"{r['median_change']:+.0%} median" if r["median_change"] is not None else ""
                add(RISK_REASON, f"server metric {r['metric']}{role} {r['verdict']} on green {change}".rstrip())
    levels = {r["level"] for r in reasons}
    return (NO_GO if NOGO_REASON in levels else RISKS if RISK_REASON in levels else GO), reasons


def build(precheck: Path | None, params: Path | None, bench: Path | None, metrics: Path | None,
          deployment: str | None, journal_dir: Path, region: str | None, profile: str | None,
          use_aws: bool = True) -> dict[str, Any]:
    """The dossier as plain data (what the HTML, Markdown and JSON render)."""
    timeline = None
    if deployment:
        region_name = region or aws.client("rds", region, profile).meta.region_name
        if not region_name:  # journals are kept per Region
            raise ToolError("no AWS Region for the deployment's journal and events: give --region")
        journal = read_journal(journal_dir, region_name, deployment)
        events, why = rds_events(region, profile, deployment) if use_aws else (None, "not asked (--offline)")
        costs = extended_support(region, profile, deployment) if use_aws else None
        timeline = timeline_section(deployment, journal, events, why, costs)
    doc: dict[str, Any] = {
        "dossier_format": DOSSIER_FORMAT, "generated_at": _iso(dt.datetime.now(dt.timezone.utc)),
        "deployment": deployment,
        "inputs": {"precheck": str(precheck) if precheck else None, "params": str(params) if params else None,
                   "bench": str(bench) if bench else None, "metrics": str(metrics) if metrics else None},
        "precheck": precheck_section(read_precheck(precheck)) if precheck else None,
        "params": params_section(read_params_plan(params)) if params else None,
        "timeline": timeline,
        "bench": bench_section(read_bench(bench)) if bench else None,
        "metrics": read_metrics(metrics) if metrics else None,
    }
    doc["verdict"], doc["reasons"] = verdict(doc)
    return doc
