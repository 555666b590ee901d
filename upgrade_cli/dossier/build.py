"""Join the stage outputs into one go/no-go document for the change review.

Every input is read by :mod:`upgrade_cli.handoffs` and judged by :mod:`upgrade_cli.judges`, the same
readers and judges the switchover gates use. The verdict is the worst of what the judges say
(``block`` → NO-GO, ``risk`` → GO WITH RISKS), plus what is missing: no precheck report is NO-GO
(readiness is unproven), no parameter plan, bench comparison or deployment is a risk (not shown is
not passed). The rules are stated in the document itself (``judges.rules_markdown``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any

from upgrade_cli import aws, judges
from upgrade_cli.bluegreen import api as bluegreen_api
from upgrade_cli.precheck import api as precheck_api
from upgrade_cli.outcome import ToolError
from upgrade_cli.handoffs import (BenchReport, DeploymentJournal, ParamsPlan, PrecheckReport, read_bench,
                                  read_journal, read_metrics, read_params_plan, read_precheck)

DOSSIER_FORMAT = 1
GO, NO_GO, RISKS = "GO", "NO-GO", "GO WITH RISKS"
NOGO_REASON, RISK_REASON, NOTE = "no-go", "risk", "note"
LEVEL = {judges.BLOCK: NOGO_REASON, judges.RISK: RISK_REASON}
MISSING = {  # input → (level when it is not given, why that matters)
    "precheck": (NOGO_REASON, "no precheck report given: the cluster's readiness for 8.0 is not shown"),
    "params": (RISK_REASON, "no parameter plan given: the 8.0 parameter groups are not shown"),
    "bench": (RISK_REASON, "no bench report given: query latency and results on green are not shown"),
    "journal": (RISK_REASON, "no deployment given: the blue/green timeline and its gates are not shown"),
    "metrics": (NOTE, "no metrics comparison given (available after the switchover: "
                      "`metrics compare --around-switchover`)"),
}


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
    try:
        rds = aws.client("rds", region, profile, max_attempts=1)
        dep = bluegreen_api.lookup_deployment(rds, name)
        if dep is None:
            return None, f"deployment {name} not found in RDS"
        return bluegreen_api.deployment_events(rds, dep), None
    except ToolError as exc:
        return None, str(exc)


def extended_support(region: str | None, profile: str | None, name: str) -> list[str] | None:
    """The Extended Support cost line of the deployment's 5.7 cluster (blue, or the kept -old1), as
    `bluegreen status` shows it; None when AWS cannot be asked."""
    try:
        rds = aws.client("rds", region, profile, max_attempts=1)
        found = bluegreen_api.extended_support_line(rds, bluegreen_api.lookup_deployment(rds, name))
        return None if found is None else [found]
    except ToolError:
        return None


def verdict(doc: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """GO / NO-GO / GO WITH RISKS from the judges' verdicts in ``doc["judges"]`` and the inputs not given."""
    reasons: list[dict[str, str]] = []
    given = doc["judges"]
    for name in ("precheck", "params", "bench", "journal", "metrics"):
        v = given.get(name)
        if v is None:
            if name == "journal" and doc["timeline"] is not None:
                reasons.append({"level": RISK_REASON, "text": f"no journal or RDS events found for deployment "
                                f"{doc['timeline']['deployment']}" if not doc["timeline"]["items"] else
                                f"no journal for deployment {doc['timeline']['deployment']}: its gates and "
                                "switchover outcome are not shown", "input": "--deployment", "field": "",
                                "rule": "missing-journal"})
                continue
            level, text = MISSING[name]
            reasons.append({"level": level, "text": text, "input": "", "field": "", "rule": f"missing-{name}"})
            continue
        for r in v["reasons"]:
            reasons.append({"level": LEVEL[r["level"]], "text": f"{name}: {r['text']}", "input": r["input"],
                            "field": r["field"], "rule": r["rule"]})
    order = (NOGO_REASON, RISK_REASON, NOTE)
    reasons.sort(key=lambda r: order.index(r["level"]))
    levels = {r["level"] for r in reasons}
    return (NO_GO if NOGO_REASON in levels else RISKS if RISK_REASON in levels else GO), reasons


def build(precheck: Path | None, params: Path | None, bench: Path | None, metrics: Path | None,
          deployment: str | None, journal_dir: Path, region: str | None, profile: str | None,
          use_aws: bool = True) -> dict[str, Any]:
    """The dossier as plain data (what the HTML, Markdown and JSON render)."""
    timeline, journal = None, None
    if deployment:
        region_name = region or aws.client("rds", region, profile).meta.region_name
        if not region_name:  # journals are kept per Region
            raise ToolError("no AWS Region for the deployment's journal and events: give --region")
        journal = read_journal(journal_dir, region_name, deployment)
        events, why = rds_events(region, profile, deployment) if use_aws else (None, "not asked (--offline)")
        costs = extended_support(region, profile, deployment) if use_aws else None
        timeline = timeline_section(deployment, journal, events, why, costs)
    pre = read_precheck(precheck, checks=precheck_api.CHECKS) if precheck else None
    plan = read_params_plan(params) if params else None
    ben = read_bench(bench) if bench else None
    met = read_metrics(metrics) if metrics else None
    target = journal.target_version if journal else None
    judged = {"precheck": judges.precheck(pre, target, checks=precheck_api.CHECKS) if pre else None,
              "params": judges.params(plan, journal.blue_cluster if journal else None) if plan else None,
              "bench": judges.bench(ben, target) if ben else None,
              "journal": judges.journal(journal) if journal else None,
              "metrics": judges.metrics(met, str(metrics), journal) if met else None}
    doc: dict[str, Any] = {
        "dossier_format": DOSSIER_FORMAT, "generated_at": _iso(dt.datetime.now(dt.timezone.utc)),
        "deployment": deployment,
        "inputs": {"precheck": str(precheck) if precheck else None, "params": str(params) if params else None,
                   "bench": str(bench) if bench else None, "metrics": str(metrics) if metrics else None},
        "precheck": precheck_section(pre) if pre else None,
        "params": params_section(plan) if plan else None,
        "timeline": timeline,
        "bench": bench_section(ben) if ben else None,
        "metrics": met,
        "judges": {k: v.to_dict() for k, v in judged.items() if v is not None},
    }
    doc["verdict"], doc["reasons"] = verdict(doc)
    return doc
