"""Readiness: the newest precheck report of each cluster, found in a reports folder.

A precheck given ``--cluster ID`` records ``source.cluster`` (``{"id", "region"}``) in its report.json;
``fleet precheck`` saves one per cluster. Every ``report.json`` under ``--reports DIR`` (recursively) that
names a cluster is read; for each (Region, cluster id) the newest by ``generated_at`` wins. Files that are
not precheck reports of this tool, or name no cluster, are counted and skipped: a folder of old CI
artefacts should not stop the fleet view.

The verdict comes from the precheck judge (``upgrade_cli.judges``) that the gates and the dossier use:
READY only where it passes; NOT READY on a blocking finding; INCOMPLETE for anything else it does not pass
(an incomplete scan, checks not run or left out by ``--only``/``--skip``). A report older than
``stale_days`` keeps its verdict but is marked stale: the schema may have changed since.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from upgrade_cli import judges
from upgrade_cli.handoffs import read_precheck
from upgrade_cli.inputs import read_json
from upgrade_cli.outcome import ToolError
from upgrade_cli.precheck import api as precheck_api

READY, NOT_READY, INCOMPLETE, NOT_SCANNED = "READY", "NOT READY", "INCOMPLETE", "not scanned"
VERDICTS = (READY, NOT_READY, INCOMPLETE)
REPORT_NAME = "report.json"


@dataclass(frozen=True)
class Readiness:
    verdict: str  # READY / NOT READY / INCOMPLETE / not scanned
    blockers: tuple[str, ...] = ()  # blocking check ids (or why it is incomplete)
    report: str | None = None  # the report.json path
    generated_at: dt.datetime | None = None
    age_days: int | None = None
    stale: bool = False


@dataclass
class ReportIndex:
    found: dict[tuple[str, str], Readiness] = field(default_factory=dict)  # (region, cluster id) → newest
    read: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: why"

    def of(self, region: str, cluster: str) -> Readiness:
        return self.found.get((region, cluster), Readiness(NOT_SCANNED))


def index_reports(folder: Path, today: dt.date, stale_days: int) -> ReportIndex:
    """Every cluster-named precheck report under ``folder``; an unreadable folder is one line, exit 2."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ToolError(f"--reports {folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ToolError(f"--reports {folder}: cannot read the folder (permission denied)")
    index = ReportIndex()
    errors: list[OSError] = []
    for root, _dirs, files in os.walk(folder, onerror=errors.append):
        if REPORT_NAME in files:
            _add(index, Path(root) / REPORT_NAME, today, stale_days)
    for exc in errors:
        if Path(exc.filename or "") == folder:
            raise ToolError(f"--reports {folder}: {exc.strerror or exc}")
        index.skipped.append(f"{exc.filename}: {exc.strerror or exc}")
    return index


def _add(index: ReportIndex, path: Path, today: dt.date, stale_days: int) -> None:
    try:
        key, readiness = read_one(path, today, stale_days)
    except ToolError as exc:
        index.skipped.append(f"{path}: {exc}")
        return
    index.read += 1
    current = index.found.get(key)
    if current is None or (current.generated_at or _EPOCH) < (readiness.generated_at or _EPOCH):
        index.found[key] = readiness


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def read_one(path: Path, today: dt.date, stale_days: int) -> tuple[tuple[str, str], Readiness]:
    """((Region, cluster id), its readiness) of one report.json; not a cluster's precheck report is a ToolError."""
    data = read_json(path, "precheck report")
    cluster = (data.get("source") or {}).get("cluster") if isinstance(data, dict) else None
    if not isinstance(cluster, dict) or not cluster.get("id"):
        raise ToolError("names no cluster (made without --cluster)")
    report = read_precheck(path, checks=precheck_api.CHECKS)  # the format check every consumer of a report goes through
    try:
        at = dt.datetime.fromisoformat(str(data.get("generated_at")))
    except ValueError:
        raise ToolError(f"no valid generated_at ({data.get('generated_at')!r})") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    verdict, blockers = judge(report)
    age = (today - at.date()).days
    return ((str(cluster.get("region") or ""), str(cluster["id"])),
            Readiness(verdict, blockers, str(path), at, age, age > stale_days))


def judge(report: Any) -> tuple[str, tuple[str, ...]]:
    """READY / NOT READY / INCOMPLETE and the blocking check ids, from the precheck judge the gates and the
    dossier use (``upgrade_cli.judges``), so the fleet can never call READY a report they would not pass.

    A finding that blocks is NOT READY; anything else the judge does not pass (an incomplete scan, checks
    not run, left out by ``--only``/``--skip`` or unknown to the report) is INCOMPLETE for the fleet."""
    verdict = judges.precheck(report, checks=precheck_api.CHECKS)
    if verdict.status == judges.PASS and report.verdict in (None, READY):
        return READY, ()
    if report.verdict == NOT_READY or any(r.rule == "precheck-errors" for r in verdict.reasons):
        return NOT_READY, tuple(dict.fromkeys(b.check_id for b in report.blocking))
    not_run = tuple(dict.fromkeys(m.split(":", 1)[0] for m in verdict.covered.not_run))
    return INCOMPLETE, not_run or tuple(r.text for r in verdict.reasons) or (f"report verdict {report.verdict}",)
