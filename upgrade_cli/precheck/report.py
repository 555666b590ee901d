"""One report model for a precheck, rendered for each audience.

A DBA reads the console or the HTML page, a change ticket gets the Markdown, CI reads the JUnit
XML and other tools (the blue/green gate) read the JSON. All are rendered from the same
:class:`Report`, so they can never disagree: the text formats here, the rich console view in
``precheck/render.py`` (this module has no rich in it: the engine writes ``--out`` with it). The JSON
shape is documented in ``docs/report-format.md`` and versioned by ``report_format``; change it only
additively.
"""

from __future__ import annotations

import codecs
import functools
import html
import io
import itertools
import json
import operator
import os
import tempfile
import typing
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Sequence, TextIO

from upgrade_cli.checks.registry import MANUAL_REVIEW_ID, Check, CheckRun, Finding, Scope, Severity
from upgrade_cli import __version__, formats
from upgrade_cli.formats import md_text
from upgrade_cli.outcome import ToolError
from upgrade_cli.precheck.findings import ROW_FIELDS, CheckFindings, FindingStore, Row, Tally

REPORT_FORMAT = 1
FAIL_ON_LEVELS = ("error", "warning", "notice", "never")
SEVERITIES = ("error", "warning", "notice")
REPORT_FILES = ("report.json", "report.md", "report.html", "junit.xml")

# Roll-up: a check with more findings than ROLLUP_AT is one line (counts and the first ROLLUP_SHOWN
# locations) in the console, Markdown and JUnit, and a collapsed section of at most HTML_ROWS rows in
# HTML, unless --details; report.json always lists every finding. A schema of 4,000 tenant tables
# repeats the same dozen findings per table: 56,000 rows nobody reads (benchmarks/rollup_scale.py).
ROLLUP_AT = 10
ROLLUP_SHOWN = 5
HTML_ROWS = 200

# Status of one check in this run. NOT_RUN: it applies, but read what the scan could not see.
PASSED, FINDINGS, SKIPPED, NOT_CHECKABLE, FAILED, NOT_RUN = (
    "passed", "findings", "skipped", "not_checkable", "failed", "not_run")
# The one-word answer of a report (``verdict``): INCOMPLETE wins over the findings, since a scan
# that could not see everything can prove neither.
READY, NOT_READY, INCOMPLETE = "READY", "NOT READY", "INCOMPLETE"


@dataclass
class CheckSummary:
    id: str
    title: str
    severity: str  # the check's default severity
    source: str  # mysql-shell / aurora / aurora-upgrade, or aurora-log for ids only Aurora's log knows
    scope: str
    status: str  # passed, findings, skipped, not_checkable, failed, not_run
    counts: dict[str, int]  # findings by severity
    doc_url: str | None = None
    note: str | None = None  # why skipped / not run / failed

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "severity": self.severity, "source": self.source,
                "scope": self.scope, "status": self.status, "findings": sum(self.counts.values()),
                "counts": dict(self.counts), "doc_url": self.doc_url, "note": self.note}


@dataclass
class _Encoded:
    """Where the findings list is, encoded once as UTF-8: a stretch of report.json, or an unnamed temporary file.
    ``strict``: no lone surrogate in it (from a dump's undecodable bytes), so its bytes are exactly what a UTF-8
    text stream writes of it."""

    file: IO[bytes]
    offset: int
    length: int = 0
    strict: bool = True


@dataclass
class Report:
    source: dict[str, Any]  # kind, name, server_version, aurora_version, collected_at (+ snapshot_of)
    findings: FindingStore  # in the report's order, read back from disk (build_report)
    checks: list[CheckSummary]
    fail_on: str = "error"
    complete: bool = True
    incomplete_reason: str | None = None
    aurora_log: dict[str, Any] | None = None
    target: dict[str, Any] | None = None  # Target.to_dict(): the upgrade target the checks ran for
    selection: dict[str, Any] = field(default_factory=lambda: {"only": None, "skip": []})  # --only / --skip ids
    tool_version: str = __version__
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    # the findings list encoded once (_findings_json): stdout and report.json both copy it; not part of the document
    findings_json: _Encoded | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        out = self.findings.counts()
        out["total"] = sum(out.values())
        return out

    @property
    def blocking(self) -> CheckFindings:
        """Findings at or above ``fail_on`` (what makes the command exit 1)."""
        return self.findings.at_or_above(fail_rank(self.fail_on))

    def checks_with(self, status: str) -> list[CheckSummary]:
        return [c for c in self.checks if c.status == status]

    @property
    def passed(self) -> bool:
        return not self.blocking and self.complete and not self.checks_with(FAILED)

    @property
    def verdict(self) -> str:
        """INCOMPLETE when the scan could not see everything or a check crashed; NOT READY on an error
        finding (8.0's upgrade stops on those whatever ``--fail-on`` says) or one at or above ``fail_on``."""
        if not self.complete or self.checks_with(FAILED):
            return INCOMPLETE
        if self.counts["error"] or self.blocking:
            return NOT_READY
        return READY

    def verdict_line(self) -> str:
        """The verdict with its counts, short enough for an 80-column terminal: the first and last line
        a reader sees (the per-status check counts follow on the console's summary line)."""
        c = self.counts

        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        line = (f"{self.verdict}: {n(c['error'], 'error')}, {n(c['warning'], 'warning')}, {n(c['notice'], 'notice')}; "
                f"{n(len(self.checks_with(NOT_RUN)), 'check')} not run, {len(self.checks_with(FAILED))} crashed")
        only, skip = self.selection.get("only"), self.selection.get("skip")
        if only is not None:
            line += f"; --only {', '.join(only)}"
        if skip:
            line += f"; --skip {', '.join(skip)}"
        return line

    def findings_by_check(self) -> dict[str, CheckFindings]:
        return self.findings.by_check()

    def reading_order(self) -> list[CheckSummary]:
        """Checks as a reviewer reads them: worst findings first, then crashes, passes, what did not run."""
        status_rank = {FINDINGS: 0, FAILED: 1, NOT_RUN: 2, PASSED: 3, SKIPPED: 4, NOT_CHECKABLE: 5}
        return sorted(self.checks, key=lambda c: (status_rank.get(c.status, 5),
                                                  [-c.counts.get(s, 0) for s in SEVERITIES], c.id.lower()))

    def to_dict(self, findings: Any = None) -> dict[str, Any]:
        """The JSON document; ``findings`` stands in for the list of every finding (write_json streams it)."""
        return {
            "report_format": REPORT_FORMAT,
            "verdict": self.verdict,
            "tool": {"name": "aurora-upgrade", "version": self.tool_version},
            "generated_at": self.generated_at,
            "source": self.source,
            "target": self.target,
            "selection": self.selection,
            "complete": self.complete,
            "incomplete_reason": self.incomplete_reason,
            "fail_on": self.fail_on,
            "passed": self.passed,
            "counts": self.counts,
            "blocking": len(self.blocking),
            "checks": [c.to_dict() for c in self.checks],
            "findings": [f.to_dict() for f in self.findings] if findings is None else findings,
            "aurora_log": self.aurora_log,
        }


def rolled_up(findings: Sequence[Finding], details: bool) -> bool:
    return not details and len(findings) > ROLLUP_AT


def rollup_line(findings: Sequence[Finding]) -> str:
    """``48,000 warnings on 48,000 columns in 4,000 tables: s.t1.a, s.t1.b, … (+47,995 more)``."""
    tally = findings.tally if isinstance(findings, CheckFindings) else Tally.of(findings)
    by_sev, kinds, tables = tally.by_severity, tally.kinds, tally.tables
    sevs = ", ".join(f"{n:,} {s}{'s' if n != 1 else ''}" for s, n in by_sev.items() if n)
    objects = ", ".join(f"{n:,} {_plural(kind, n)}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    where = f" in {len(tables):,} {_plural('table', len(tables))}" if tables and set(kinds) != {"table"} else ""
    first = ", ".join(dict.fromkeys(f.location for f in findings[:ROLLUP_SHOWN]))
    more = len(findings) - min(len(findings), ROLLUP_SHOWN)
    return f"{sevs} on {objects}{where}: {first}" + (f", … (+{more:,} more)" if more else "")


def _plural(kind: str, n: int) -> str:
    word = kind.replace("_", " ")
    return word if n == 1 else (word[:-1] + "ies" if word.endswith("y") else word + "s")


def at_or_above(severity: Severity, fail_on: str) -> bool:
    return severity.rank >= fail_rank(fail_on)


def fail_rank(fail_on: str) -> int:
    """The lowest severity rank ``--fail-on`` counts (above every rank for ``never``)."""
    return 3 if fail_on == "never" else Severity(fail_on).rank


def build_report(source: dict[str, Any], selected: list[Check], run: CheckRun, *, fail_on: str = "error",
                 complete: bool = True, incomplete_reason: str | None = None,
                 extra_findings: Iterable[Finding] = (), aurora_log: dict[str, Any] | None = None,
                 target: dict[str, Any] | None = None, selection: dict[str, Any] | None = None) -> Report:
    """Summarise a check run (plus imported findings) per check, in registry order. The report is
    incomplete when the catalog is, and whenever a check that applies could not run."""
    if fail_on not in FAIL_ON_LEVELS:
        raise ToolError(f"--fail-on must be one of {', '.join(FAIL_ON_LEVELS)}, not {fail_on!r}")
    findings = run.findings.copy()
    findings.add(extra_findings)
    per_check = {check_id: found.counts() for check_id, found in findings.by_check().items()}
    summaries = []
    for c in selected:
        counts = per_check.pop(c.id, {s: 0 for s in SEVERITIES})
        if c.id in run.failed:
            status, note = FAILED, run.failed[c.id]
        elif c.scope is Scope.not_checkable:
            status, note = NOT_CHECKABLE, run.skipped.get(c.id, "not checkable from SQL")
        elif c.id in run.not_run:
            status, note = NOT_RUN, run.not_run[c.id]
        elif c.id in run.skipped:
            status, note = SKIPPED, run.skipped[c.id]
        else:
            status, note = (FINDINGS if any(counts.values()) else PASSED), None
        if status == NOT_RUN and any(counts.values()):
            note = f"{note}; its {sum(counts.values())} finding(s) cover only what it could see"
        elif status in (SKIPPED, NOT_CHECKABLE) and any(counts.values()):  # not run here, but Aurora's log found some
            status, note = FINDINGS, f"not run by this scan ({note}); findings from Aurora's log"
        summaries.append(CheckSummary(id=c.id, title=c.title, severity=c.severity.value, source=c.source,
                                      scope=c.scope.value, status=status, counts=counts, doc_url=c.doc_url, note=note))
    for check_id, counts in per_check.items():  # manual review, and ids only Aurora's log knows
        manual = check_id == MANUAL_REVIEW_ID
        summaries.append(CheckSummary(
            id=check_id, title="Objects that could not be fully analysed" if manual else check_id,
            severity="warning" if manual else max((s for s in SEVERITIES if counts[s]), key=lambda s: Severity(s).rank),
            source="aurora-upgrade" if manual else "aurora-log", scope="objects" if manual else "server",
            status=FINDINGS, counts=counts))
    not_run = [c.id for c in selected if c.id in run.not_run]
    if not_run:
        blind = ", ".join(run.blind)
        reasons = [incomplete_reason, f"{len(not_run)} check(s) that apply could not run "
                   f"({', '.join(not_run[:8])}{' ...' if len(not_run) > 8 else ''}): this scan could not read {blind}"]
        complete, incomplete_reason = False, "; ".join(r for r in reasons if r)
    return Report(source=source, findings=findings, checks=summaries, fail_on=fail_on, complete=complete,
                  incomplete_reason=incomplete_reason, aurora_log=aurora_log, target=target,
                  selection=selection or {"only": None, "skip": []})


# --------------------------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------------------------

def source_line(report: Report) -> str:
    s = report.source
    line = f"{s.get('kind')} {s.get('name')}"
    if s.get("snapshot_of"):
        line += f" (snapshot of {s['snapshot_of'].get('kind')} {s['snapshot_of'].get('name')})"
    if s.get("server_version"):
        line += f", server {s['server_version']}"
    if report.target:
        line += f", target {report.target['label']}"
    return line


def render_json(report: Report) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


_FINDINGS_HERE = "\0findings\0"  # where write_json puts the findings in the encoded document


def write_json(report: Report, fh: TextIO) -> None:
    """The report as ``formats.write_json`` writes it, its findings encoded one chunk at a time as they are read
    back, and only once per report: later copies (stdout after report.json) copy the bytes of the first. A
    100k-table report is never one list of dicts, nor one 180 MB string."""
    head, tail = _around_findings(report)
    fh.write(head)
    encoded = report.findings_json or _encode_findings(report, tempfile.TemporaryFile())  # noqa: SIM115 - kept
    raw = getattr(fh, "buffer", None)
    if raw is not None and encoded.strict and _is_utf8(getattr(fh, "encoding", None)) and os.linesep == "\n":
        fh.flush()  # a UTF-8 file or stdout takes the bytes as they are, without decoding and encoding them again
        _copy_bytes(encoded, raw)
    else:
        decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        for data in _chunks_of(encoded):
            fh.write(decoder.decode(data))
        fh.write(decoder.decode(b"", final=True))
    fh.write(tail)


def _write_report_json(report: Report, path: Path) -> None:
    """report.json, its findings encoded straight into it the first time; stdout's copy is then read from it."""
    encoded = report.findings_json
    if encoded is not None and path.exists() and os.path.samestat(os.fstat(encoded.file.fileno()), path.stat()):
        report.findings_json = _respooled(encoded)  # written again where they are read from: moved out first
    with path.open("w", encoding="utf-8") as fh:
        if report.findings_json is not None or os.linesep != "\n":
            write_json(report, fh)
            return
        head, tail = _around_findings(report)
        fh.write(head)
        fh.flush()
        try:
            encoded = _encode_findings(report, typing.cast(IO[bytes], fh.buffer), strict=True)
        except BaseException:
            report.findings_json = None  # a part written: nothing to copy from
            raise
        fh.write(tail)
    encoded.file = path.open("rb")


def _respooled(encoded: _Encoded) -> _Encoded:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - kept with the report
    for data in _chunks_of(encoded):
        spool.write(data)
    return _Encoded(spool, 0, encoded.length, encoded.strict)


def _around_findings(report: Report) -> tuple[str, str]:
    """The JSON document's text before and after its findings list."""
    head, tail = formats.json_text(report.to_dict(findings=_FINDINGS_HERE)).split(json.dumps(_FINDINGS_HERE), 1)
    return head, tail


def _encode_findings(report: Report, out: IO[bytes], strict: bool = False) -> _Encoded:
    """The findings list as json.dumps(indent=2) lays it out one level down, UTF-8 into ``out`` (rewound when it
    is read back) and kept with the report. The findings are encoded as they are stored, a chunk at a time
    (:func:`_rows_json`), never as Finding objects. ``strict``: a lone surrogate is an error, as it is for a
    UTF-8 text file."""
    encoded = report.findings_json = _Encoded(out, out.tell())
    sep = "[\n    "
    for check_id, severity, rows in report.findings.rows():
        text = sep + _rows_json(check_id, severity.value, rows)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            if strict:
                raise
            data, encoded.strict = text.encode("utf-8", "surrogatepass"), False  # a dump's undecodable bytes
        out.write(data)
        sep = ",\n    "
    out.write(b"[]" if sep == "[\n    " else b"\n  ]")
    encoded.length = out.tell() - encoded.offset
    return encoded


def _chunks_of(encoded: _Encoded) -> Iterator[bytes]:
    encoded.file.seek(encoded.offset)
    left = encoded.length
    while left > 0 and (data := encoded.file.read(min(left, 1 << 20))):
        left -= len(data)
        yield data


def _copy_bytes(encoded: _Encoded, raw: IO[bytes]) -> None:
    """The encoded findings into ``raw``: by the kernel (sendfile) where ``raw`` is a file or a pipe."""
    try:
        out_fd = raw.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):  # a BytesIO (a test's captured stdout)
        out_fd = None
    done = 0
    if out_fd is not None:
        raw.flush()
        try:
            while done < encoded.length:
                sent = os.sendfile(out_fd, encoded.file.fileno(), encoded.offset + done, encoded.length - done)
                if not sent:
                    break
                done += sent
        except OSError:  # not a descriptor sendfile writes to: copied below from where it stopped
            pass
    for data in _chunks_of(_Encoded(encoded.file, encoded.offset + done, encoded.length - done)):
        raw.write(data)


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


# Finding.to_dict()'s keys in its order (a test holds the two together)
_FINDING_KEYS = ("check_id", "severity", *ROW_FIELDS[:4], "location", *ROW_FIELDS[4:])
# Two control characters stand for "next value" and "null" in a chunk's text, the encoder writes them as these
# escapes (_rows_json checks that no value holds them)
_SEP, _NULL = "\x1f", "\x1e"
_SEP_JSON, _NULL_JSON = "\\u001f", '"\\u001e"'


def _rows_json(check_id: str, severity: str, rows: list[Row]) -> str:
    """Stored findings of one check and severity as json.dumps(indent=2) lays out their ``Finding.to_dict()`` two
    levels down, joined as in a list: every value of the chunk goes through the C string encoder in one call,
    as one text whose values are cut by ``_SEP`` (``_NULL`` for None), then laid into the chunk's template, which
    holds the check and severity, and the object type and origin when all the rows share them. A value holding
    either character takes the exact path one value at a time: it would cut one value too many (``_SEP``), or
    be taken for a None (``_NULL``). A value holding their escapes' text is encoded as ``\\u001f``, the escape
    with its backslash escaped: it too cuts one more value."""
    s, n = _SEP, _NULL
    kind, origin = _one_value(rows, 0), _one_value(rows, 6)
    if kind is None or origin is None:
        per_finding = 8
        text = s.join([
            f"{o}{s}{n if sc is None else sc}{s}{n if nm is None else nm}{s}{n if col is None else col}{s}"
            f"{(f'{sc}.{nm}.{col}' if col else f'{sc}.{nm}') if sc and nm else _location(sc, nm, col)}{s}"
            f"{m}{s}{n if fx is None else fx}{s}{orig}" for o, sc, nm, col, m, fx, orig in rows])
    else:
        per_finding = 6
        text = s.join([
            f"{n if sc is None else sc}{s}{n if nm is None else nm}{s}{n if col is None else col}{s}"
            f"{(f'{sc}.{nm}.{col}' if col else f'{sc}.{nm}') if sc and nm else _location(sc, nm, col)}{s}"
            f"{m}{s}{n if fx is None else fx}" for _, sc, nm, col, m, fx, _ in rows])
    values = _json_string(text)[1:-1].split(_SEP_JSON)
    nones = sum(map(tuple.count, rows, itertools.repeat(None)))
    if len(values) != per_finding * len(rows) or text.count(n) != nones:
        return ",\n    ".join(_FINDING_JSON % _encoded(check_id, severity, row) for row in rows)
    given = {"check_id": check_id, "severity": severity}
    if per_finding == 6:
        given.update(object_type=kind, origin=origin)
    out = _chunk_template(len(rows), tuple(given.items())) % tuple(values)
    return out.replace(_NULL_JSON, "null") if nones else out


def _one_value(rows: list[Row], i: int) -> Any:
    """The value every row has at position ``i``, if they all have the same (else None)."""
    found = set(map(operator.itemgetter(i), rows))
    return next(iter(found)) if len(found) == 1 else None


def _encoded(check_id: str, severity: str, row: Row) -> tuple[str, ...]:
    """One stored finding's values as JSON, in ``_FINDING_KEYS``' order."""
    o, sc, nm, col, m, fx, orig = row
    return tuple("null" if v is None else _json_string(v)
                 for v in (check_id, severity, o, sc, nm, col, _location(sc, nm, col), m, fx, orig))


def _location(schema: str | None, object_name: str | None, column: str | None) -> str:
    """``Finding.location`` of a stored finding (a test holds the two together)."""
    return ".".join(p for p in (schema, object_name, column) if p) or "(server)"


_json_string = json.encoder.encode_basestring  # the C one json.dumps(ensure_ascii=False) uses
# one finding laid out as json.dumps(indent=2) does, two levels down: its values as JSON, or all quoted text
_FINDING_JSON = "{\n      " + ",\n      ".join(f'"{key}": %s' for key in _FINDING_KEYS) + "\n    }"


@functools.lru_cache(maxsize=32)
def _chunk_template(n: int, given: tuple[tuple[str, str], ...]) -> str:
    """The layout of ``n`` findings, the values ``given`` (key, value) written in, the others left to fill."""
    values = dict(given)
    one = "{\n      " + ",\n      ".join(
        f'"{key}": ' + (_json_string(values[key]).replace("%", "%%") if key in values else '"%s"')
        for key in _FINDING_KEYS) + "\n    }"
    return ",\n    ".join([one] * n)


def render_markdown(report: Report, details: bool = False) -> str:
    c = report.counts
    lines = [f"# aurora-upgrade precheck: {md_text(source_line(report))}", "", f"**{md_text(report.verdict_line())}**", "",
             f"Tool {report.tool_version}, generated {report.generated_at}, fail-on `{report.fail_on}`.", ""]
    if not report.complete:
        lines += [f"**INCOMPLETE SCAN:** {md_text(report.incomplete_reason)}", ""]
    lines += ["| errors | warnings | notices | total |", "|---:|---:|---:|---:|",
              f"| {c['error']} | {c['warning']} | {c['notice']} | {c['total']} |"]
    by_check = report.findings_by_check()
    order = report.reading_order()
    for s in order:
        if s.id not in by_check:
            continue
        lines += ["", f"## {md_text(s.id)}: {md_text(s.title)}", ""]
        if s.doc_url:
            lines += [f"Docs: <{s.doc_url}>", ""]
        found: Sequence[Finding] = by_check[s.id]
        if rolled_up(found, details):
            lines += [f"**{md_text(rollup_line(found))}**", "",
                      f"The first {ROLLUP_SHOWN} below; report.json (or --details) lists all {len(found):,}.", ""]
            found = found[:ROLLUP_SHOWN]
        lines += ["| severity | location | message | fix | origin |", "|---|---|---|---|---|"]
        for f in found:
            lines.append(f"| {f.severity.value} | {md_text(f.location)} | {md_text(f.message)} | {md_text(f.fix or '')} | {f.origin} |")
    lines += ["", "## All checks", "", "| check | title | status | findings | note |", "|---|---|---|---:|---|"]
    for s in order:
        lines.append(f"| {md_text(s.id)} | {md_text(s.title)} | {s.status} | {sum(s.counts.values())} | {md_text(s.note or '')} |")
    if report.aurora_log:
        log = report.aurora_log
        lines += ["", "## Aurora upgrade-prechecks.log", "",
                  f"From `{md_text(log['path'])}`: Aurora {md_text(log.get('aurora_server_version'))} → "
                  f"{md_text(log.get('aurora_target_version'))}; {md_text(log.get('summary') or '')}"]
        for check_id, why in log.get("checks_failed", {}).items():
            lines.append(f"- not checked by Aurora: {md_text(check_id)}: {md_text(why)}")
    return "\n".join(lines) + "\n"


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}td{overflow-wrap:anywhere}th{background:#f3f3f3;white-space:nowrap}
.error{color:#b00020;font-weight:bold}.warning{color:#9a6700}.notice{color:#0550ae}
.incomplete{background:#ffebe9;padding:1em;border:1px solid #b00020}code,pre{white-space:pre-wrap}
.verdict{font-size:1.3em;font-weight:bold;padding:.5em 1em}.ready{background:#dafbe1;color:#116329}
.not-ready,.verdict.incomplete{background:#ffebe9;color:#b00020}"""
_VERDICT_CLASS = {READY: "ready", NOT_READY: "not-ready", INCOMPLETE: "incomplete"}


def render_html(report: Report, details: bool = False) -> str:
    """A self-contained page (inline CSS, no scripts, no external assets); every value escaped. Each check
    with findings is a collapsed section under its roll-up line, of at most HTML_ROWS rows without ``details``."""
    e = html.escape
    c = report.counts
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>aurora-upgrade precheck: {e(source_line(report))}</title><style>{_CSS}</style></head><body>",
             f'<h1>aurora-upgrade precheck</h1><p class="verdict {_VERDICT_CLASS[report.verdict]}">'
             f"{e(report.verdict_line())}</p><p>Source: {e(source_line(report))}<br>Tool {e(report.tool_version)}, "
             f"generated {e(report.generated_at)}, fail-on <code>{e(report.fail_on)}</code></p>"]
    if not report.complete:
        parts.append(f'<p class="incomplete">INCOMPLETE SCAN: {e(report.incomplete_reason or "")}</p>')
    parts.append("<table><tr><th>errors</th><th>warnings</th><th>notices</th><th>total</th></tr>"
                 f'<tr><td class="error">{c["error"]}</td><td class="warning">{c["warning"]}</td>'
                 f'<td class="notice">{c["notice"]}</td><td>{c["total"]}</td></tr></table>')
    by_check = report.findings_by_check()
    order = report.reading_order()
    for s in order:
        if s.id not in by_check:
            continue
        found = by_check[s.id]
        parts.append(f'<h2 id="{e(s.id)}">{e(s.id)}: {e(s.title)}</h2>')
        if s.doc_url:
            parts.append(f'<p>Docs: <a href="{e(s.doc_url)}">{e(s.doc_url)}</a></p>')
        parts.append(f"<details><summary>{e(rollup_line(found))}</summary>")
        shown = found if details else found[:HTML_ROWS]
        parts.append("<table><tr><th>severity</th><th>location</th><th>message</th><th>fix</th><th>origin</th></tr>")
        for f in shown:
            parts.append(f'<tr><td class="{f.severity.value}">{f.severity.value}</td><td>{e(f.location)}</td>'
                         f"<td>{e(f.message)}</td><td><pre>{e(f.fix or '')}</pre></td><td>{e(f.origin)}</td></tr>")
        parts.append("</table>")
        if len(shown) < len(found):
            parts.append(f"<p>The first {len(shown):,} of {len(found):,}: report.json (or --details) lists all.</p>")
        parts.append("</details>")
    if report.aurora_log:
        log = report.aurora_log
        parts.append(f"<h2>Aurora upgrade-prechecks.log</h2><p>{e(log['path'])}: Aurora "
                     f"{e(str(log.get('aurora_server_version')))} → {e(str(log.get('aurora_target_version')))}. "
                     f"{e(log.get('summary') or '')}</p><ul>")
        for check_id, why in log.get("checks_failed", {}).items():
            parts.append(f"<li>not checked by Aurora: {e(check_id)}: {e(why)}</li>")
        parts.append("</ul>")
    parts.append("<h2>All checks</h2><table><tr><th>check</th><th>title</th><th>status</th><th>findings</th><th>note</th></tr>")
    for s in order:
        link = f'<a href="#{e(s.id)}">{e(s.id)}</a>' if s.id in by_check else e(s.id)
        parts.append(f"<tr><td>{link}</td><td>{e(s.title)}</td><td>{e(s.status)}</td>"
                     f"<td>{sum(s.counts.values())}</td><td>{e(s.note or '')}</td></tr>")
    parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_junit(report: Report, details: bool = False) -> str:
    """One testcase per check; a failure when it has findings at or above fail-on (findings below go
    to system-out), skipped when not run, error when the check crashed or the scan is incomplete."""
    by_check = report.findings_by_check()
    suite = ET.Element("testsuite", name="aurora-upgrade precheck", timestamp=report.generated_at)
    n_fail = n_skip = n_err = 0
    for s in report.checks:
        case = ET.SubElement(suite, "testcase", classname=f"aurora-upgrade.{s.source}", name=s.id)
        failing, rest = by_check[s.id].split(fail_rank(report.fail_on)) if s.id in by_check else ([], [])
        if s.status == FAILED:
            n_err += 1
            ET.SubElement(case, "error", message=s.note or "check failed")
        elif s.status in (SKIPPED, NOT_CHECKABLE, NOT_RUN):
            n_skip += 1
            ET.SubElement(case, "skipped", message=s.note or s.status)
        if failing:
            n_fail += 1
            el = ET.SubElement(case, "failure", type=failing[0].severity.value,
                               message=f"{len(failing)} finding(s) at or above {report.fail_on}")
            el.text = _finding_lines(failing, details)
        if rest:
            ET.SubElement(case, "system-out").text = _finding_lines(rest, details)
    if not report.complete:
        n_err += 1
        case = ET.SubElement(suite, "testcase", classname="aurora-upgrade", name="scan-complete")
        ET.SubElement(case, "error", message=report.incomplete_reason or "scan incomplete")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(n_fail))
    suite.set("errors", str(n_err))
    suite.set("skipped", str(n_skip))
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _finding_lines(findings: Sequence[Finding], details: bool) -> str:
    if not rolled_up(findings, details):
        return "\n".join(_finding_line(f) for f in findings)
    return "\n".join([rollup_line(findings), *(_finding_line(f) for f in findings[:ROLLUP_AT]),
                      f"... {len(findings) - ROLLUP_AT:,} more: report.json (or --details) lists all"])


def _finding_line(f: Finding) -> str:
    line = f"[{f.severity.value}] {f.location}: {f.message}"
    if f.fix:
        line += f" | fix: {f.fix}"
    if f.origin != "scan":
        line += f" ({f.origin})"
    return line


def write_reports(report: Report, out_dir: str | Path, details: bool = False) -> list[Path]:
    """Write every file format into ``out_dir`` (created if needed), one file at a time; ``details`` lifts
    the roll-up."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ToolError(f"cannot write reports to {out}: it exists and is not a directory (--out names a directory)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, render in zip(REPORT_FILES, (None, render_markdown, render_html, render_junit)):
            path = out / name
            if render is None:
                _write_report_json(report, path)
            else:
                path.write_text(render(report, details), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ToolError(f"cannot write reports to {out}: {exc.strerror or exc}") from None
    return written
