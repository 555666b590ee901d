"""Read Aurora's own ``upgrade-prechecks.log`` and turn its problems into our findings.

Aurora's log is the ground truth of what blocked (or would block) an upgrade, so merging it into
our report puts both views side by side. The format drifts between Aurora versions (the
real logs under ``tests/fixtures/aurora_logs/`` show it): check ids change spelling (mapped through the registry's
aliases), ``status`` may be missing, a check whose *query* failed says ``ERROR`` with no problems
(that is "not checked", never a pass), and ``CONFIGURATION_ERROR`` entries are noise on Aurora.
Severity always comes from each problem's ``level``, never from the check id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from upgrade_cli.checks.registry import Finding, Severity, get_check
from upgrade_cli.inputs import decode_text, read_input
from upgrade_cli.outcome import ToolError

ORIGIN = "aurora-log"
_LEVELS = {"error": Severity.error, "warning": Severity.warning, "notice": Severity.notice}
# Community checks that need a my.cnf path: on Aurora they always say CONFIGURATION_ERROR.
IGNORED_STATUS = "CONFIGURATION_ERROR"


@dataclass
class LogCheck:
    """One entry of ``checksPerformed``."""

    raw_id: str
    check_id: str  # our id when the registry knows the raw id, else the raw id
    title: str
    status: str | None  # OK, ERROR, CONFIGURATION_ERROR, or None when the entry has no status key
    description: str | None
    doc_links: list[str]
    problems: int

    @property
    def query_failed(self) -> bool:
        return (self.status or "").upper() == "ERROR"


@dataclass
class AuroraLog:
    path: str
    server_version: str | None = None
    target_version: str | None = None
    aurora_server_version: str | None = None
    aurora_target_version: str | None = None
    error_count: int | None = None
    warning_count: int | None = None
    notice_count: int | None = None
    summary: str | None = None
    checks: list[LogCheck] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed_checks(self) -> dict[str, str]:
        """Checks whose query failed on Aurora: unknown state, reported as such."""
        return {c.check_id: c.description or "the check's query failed" for c in self.checks if c.query_failed}

    def summary_dict(self) -> dict[str, Any]:
        """The log's identity and counts, for the report (no problems: those are findings)."""
        return {
            "path": self.path,
            "server_version": self.server_version,
            "target_version": self.target_version,
            "aurora_server_version": self.aurora_server_version,
            "aurora_target_version": self.aurora_target_version,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "notice_count": self.notice_count,
            "summary": self.summary,
            "checks_performed": len(self.checks),
            "checks_failed": self.failed_checks,
            "checks_ignored": sorted(c.raw_id for c in self.checks if (c.status or "").upper() == IGNORED_STATUS),
        }


def load_aurora_log(path: str | Path) -> AuroraLog:
    """Read and parse a log file; any problem with the file is one ToolError line."""
    return parse_aurora_log(decode_text(read_input(path, "Aurora log"), path, "upgrade-prechecks.log"), str(path))


def parse_aurora_log(text: str, path: str = "upgrade-prechecks.log") -> AuroraLog:
    if not text.strip():
        raise ToolError(f"{path}: the Aurora log is empty")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path}: not an upgrade-prechecks.log: invalid JSON at line {exc.lineno} "
                        f"column {exc.colno} ({exc.msg})") from None
    return aurora_log_from(doc, path)


def aurora_log_from(doc: Any, path: str) -> AuroraLog:
    """The log from its JSON document, already loaded (a hand-off reader has it)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("checksPerformed", []), list):
        raise ToolError(f"{path}: not an upgrade-prechecks.log: expected an object with checksPerformed[]")
    log = AuroraLog(
        path=path,
        server_version=_text(doc.get("serverVersion")),
        target_version=_text(doc.get("targetVersion")),
        aurora_server_version=_text(doc.get("auroraServerVersion")),
        aurora_target_version=_text(doc.get("auroraTargetVersion")),
        error_count=_int(doc.get("errorCount")),
        warning_count=_int(doc.get("warningCount")),
        notice_count=_int(doc.get("noticeCount")),
        summary=_text(doc.get("Summary", doc.get("summary"))),
    )
    for n, entry in enumerate(doc.get("checksPerformed") or []):
        if not isinstance(entry, dict):
            raise ToolError(f"{path}: checksPerformed[{n}] is not an object")
        _add_check(log, entry, n)
    return log


def _add_check(log: AuroraLog, entry: dict[str, Any], n: int) -> None:
    raw_id = _text(entry.get("id")) or f"checksPerformed[{n}]"
    known = get_check(raw_id)
    check_id = known.id if known else raw_id
    problems = entry.get("detectedProblems") or []
    if not isinstance(problems, list):
        problems = []
    status = _text(entry.get("status"))
    description = _text(entry.get("description"))
    links = _text(entry.get("documentationLink")) or ""
    doc_links = [u.strip() for part in links.split("\n") for u in part.split(", ") if u.strip()]
    log.checks.append(LogCheck(raw_id=raw_id, check_id=check_id, title=_text(entry.get("title")) or raw_id,
                               status=status, description=description, doc_links=doc_links,
                               problems=len(problems)))
    if (status or "").upper() == IGNORED_STATUS:
        return
    for problem in problems:
        if isinstance(problem, dict):
            log.findings.append(_finding(check_id, problem, description))


def _finding(check_id: str, problem: dict[str, Any], check_description: str | None) -> Finding:
    level = (_text(problem.get("level")) or "").strip()
    severity = _LEVELS.get(level.lower())
    message = _text(problem.get("description")) or ""
    if severity is None:  # an unknown level must stay visible without pretending to know how bad it is
        severity = Severity.warning
        message = f"(unrecognised level {level or 'missing'!r}) {message}".strip()
    db_object = _text(problem.get("dbObject")) or ""
    object_type = (_text(problem.get("dbObjectType")) or "").lower() or None
    schema, name, column = _split_db_object(db_object)
    if object_type is None:
        object_type = "server" if schema is None else ("column" if column else ("table" if name else "schema"))
    return Finding(check_id=check_id, severity=severity, object_type=object_type, schema=schema,
                   object_name=name, column=column, message=message or f"reported by Aurora on {db_object}",
                   fix=check_description, origin=ORIGIN)


def _split_db_object(db_object: str) -> tuple[str | None, str | None, str | None]:
    """``schema.table.column`` → parts. Server-wide objects (``all``, ``global.sql_mode``,
    ``information_schema.innodb_trx``) have no schema of the user's, so they become the name."""
    if not db_object or db_object.lower() in ("all", "global") or db_object.lower().startswith(
            ("global.", "session.", "information_schema.", "performance_schema.")):
        return None, db_object or None, None
    parts = db_object.split(".", 2)
    return parts[0], (parts[1] if len(parts) > 1 else None), (parts[2] if len(parts) > 2 else None)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
