"""One precheck, start to finish: the engine under ``aurora-upgrade precheck`` (and ``fleet precheck``'s children).

It picks the one input, collects a :class:`Catalog` (live, dump or snapshot), runs the registry's checks for
the target, merges Aurora's own log and builds the :class:`Report`. What was asked for is written as soon as
it exists, so a scan that stops early still leaves what it found: the snapshot right after collection, then
the ``--out`` reports and the fix script. It never prints and never decides an exit code: the command shows
the report (``emit``) and judges the :class:`Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from upgrade_cli import aws, connect
from upgrade_cli.connect import ConnectionOptions
from upgrade_cli.checks.registry import Check, CheckRun, all_checks, get_check, run_checks
from upgrade_cli.handoffs import expect_kind
from upgrade_cli.inputs import read_json
from upgrade_cli.outcome import ToolError
from upgrade_cli.precheck.aurora_log import AuroraLog, load_aurora_log
from upgrade_cli.precheck.collect.dump import load_dump
from upgrade_cli.precheck.fixscript import build_fix_script
from upgrade_cli.precheck.model import SNAPSHOT_FORMAT, Catalog
from upgrade_cli.precheck.report import Report, build_report, write_reports
from upgrade_cli.target import Target, resolve_target

Progress = Callable[[str], None]  # what the run is doing now ("reading tables", "running the checks")


@dataclass
class Live:
    """A live server to scan: how to reach it (the report names its address)."""

    opts: ConnectionOptions

    @property
    def address(self) -> str:
        return self.opts.address


@dataclass
class Request:
    """What one precheck is asked to do: the command's options, checked and parsed."""

    ddl: Optional[Path] = None
    snapshot: Optional[Path] = None
    live: Optional[Live] = None
    schemas: list[str] = field(default_factory=list)
    only: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    target_version: Optional[str] = None
    fail_on: str = "error"
    check_table: bool = False
    statement_timeout: int = 60
    import_aurora_log: Optional[Path] = None
    master_user: Optional[str] = None
    cluster: Optional[str] = None
    region: Optional[str] = None
    profile: Optional[str] = None
    save_snapshot: Optional[Path] = None
    out: Optional[Path] = None
    fix_script: Optional[Path] = None
    details: bool = False


@dataclass
class Outcome:
    report: Report
    run: CheckRun
    written: list[Path]  # in the order written: snapshot, reports, fix script


def pick_input(ddl: Path | None, snapshot: Path | None, live: bool, connection_flags: list[str],
               check_table: bool) -> None:
    """Exactly one input, and no flag that does not apply to it (``connection_flags``: the live-only flags given)."""
    given = [name for name, on in (("--ddl", ddl is not None), ("--snapshot", snapshot is not None),
                                   ("a live server", live)) if on]
    if len(given) != 1:
        if not given and connection_flags:
            raise ToolError(f"{connection_flags[0]} needs a live server: add --host, --socket or --dsn")
        raise ToolError("give exactly one input: --ddl FILE, --snapshot FILE, or a live server "
                        f"(--host/--socket/--dsn){'; got ' + ' and '.join(given) if given else ''}")
    if connection_flags and not live:
        raise ToolError(f"{connection_flags[0]} only applies to a live server, not to {given[0]}")
    if check_table and ddl is not None:
        raise ToolError("--check-table needs a live server: a dump cannot run CHECK TABLE")


@dataclass
class Ready:
    """What a request resolves to before any scan: so a bad option, a wrong cluster id or a bad log fails
    before a password prompt, a connection or a long scan."""

    selected: list[Check]
    left_out: set[str]
    target: Target
    master_user: Optional[str]
    aurora_log: Optional[AuroraLog]


def prepare(req: Request) -> Ready:
    if not req.statement_timeout > 0:
        raise ToolError(f"--statement-timeout must be more than 0 seconds, not {req.statement_timeout}")
    selected = select_checks(req.only, "--only")
    left_out = {c.id for c in select_checks(req.skip, "--skip")} if req.skip else set()
    target = resolve_target(req.target_version)
    master_user = req.master_user
    if req.cluster and not master_user:
        master_user = master_user_of(req.cluster, req.region, req.profile)
    aurora_log = load_aurora_log(req.import_aurora_log) if req.import_aurora_log is not None else None
    return Ready(selected, left_out, target, master_user, aurora_log)


def precheck(req: Request, ready: Ready | None = None, progress: Progress | None = None) -> Outcome:
    """Run one precheck; ``ready`` is what :func:`prepare` made of ``req`` (made here when not given)."""
    ready = ready or prepare(req)
    selected, left_out, target, master_user = ready.selected, ready.left_out, ready.target, ready.master_user
    catalog, source = collect(req, progress)
    if req.cluster:  # whatever the input, the cluster it stands for: `fleet scan --reports` joins the report by it
        source["cluster"] = {"id": req.cluster, "region": req.region or aws.default_region(req.profile)}
    if req.schemas:
        missing = sorted(set(req.schemas) - {s.name for s in catalog.schemas})
        if missing:  # a mistyped name would scan nothing and look clean (live: collect_live says so first)
            raise ToolError(f"--schema: no schema {', '.join(missing)} in {source['name']}")
        catalog = filter_schemas(catalog, req.schemas)
    if master_user:
        catalog.server.extra["master_user"] = master_user
    written: list[Path] = []
    if req.save_snapshot is not None:
        written.append(write_text(req.save_snapshot, catalog.to_json() + "\n", "snapshot"))

    if progress:
        progress("running the checks")
    ran_check_table = req.check_table or "check_table" in catalog.server.extra  # a snapshot of a --check-table scan
    run = run_checks(catalog, only=[c.id for c in selected] if req.only else None, skip=left_out, target=target,
                     opted_in={"--check-table"} if ran_check_table else ())
    report = build_report(source, selected, run, fail_on=req.fail_on, complete=catalog.complete,
                          incomplete_reason=catalog.incomplete_reason, target=target.to_dict(),
                          selection={"only": [c.id for c in selected] if req.only else None, "skip": sorted(left_out)},
                          **_merged(ready.aurora_log, selected, left_out, bool(req.only)))
    if req.out is not None:
        written += write_reports(report, req.out, req.details)
    if req.fix_script is not None:
        fix = build_fix_script(catalog, report.findings, f"{source['kind']} {source['name']}")
        written.append(write_text(req.fix_script, fix, "fix script"))
    return Outcome(report, run, written)


def _merged(aurora_log: AuroraLog | None, selected: list[Check], left_out: set[str], only: bool) -> dict[str, Any]:
    """Aurora's log as ``build_report`` takes it: its findings of the checks selected, and its summary."""
    if aurora_log is None:
        return {}
    wanted = {c.id for c in selected} - left_out
    return {"extra_findings": [f for f in aurora_log.findings
                               if (not only or f.check_id in wanted) and f.check_id not in left_out],
            "aurora_log": aurora_log.summary_dict()}


def collect(req: Request, progress: Progress | None) -> tuple[Catalog, dict[str, Any]]:
    """The catalog of the one input, and the report's ``source`` for it."""
    if req.ddl is not None:
        catalog = load_dump(req.ddl)
        return catalog, source_of(catalog)
    if req.snapshot is not None:
        catalog = load_snapshot(req.snapshot)
        return catalog, {**source_of(catalog), "kind": "snapshot", "name": str(req.snapshot),
                         "snapshot_of": {"kind": catalog.source.kind, "name": catalog.source.name,
                                         "collected_at": catalog.source.collected_at}}
    assert req.live is not None, "pick_input lets exactly one input through"
    catalog = collect_live_catalog(req.live, req.schemas or None, req.statement_timeout, req.check_table, progress)
    return catalog, {**source_of(catalog), "kind": "live", "name": req.live.address}


def collect_live_catalog(live: Live, schemas: list[str] | None, statement_timeout: int, check_table: bool,
                         progress: Progress | None) -> Catalog:
    from upgrade_cli.precheck.collect.live import collect_live  # pymysql: only a live scan needs it

    # a read-only session whose network reads time out a little after the server's statement timeout
    deadline = connect.io_timeout_for(statement_timeout)
    live.opts.connect_timeout = min(live.opts.connect_timeout, deadline)
    def session() -> Any:  # the scan's own, and each spare the scan opens like it
        return connect.open_connection(live.opts, read_only=True, read_timeout=deadline)

    conn = session()
    try:
        return collect_live(conn, schemas=schemas, progress=(lambda phase: progress(f"reading {phase}")) if progress
                            else None, statement_timeout_s=statement_timeout, check_table=check_table, spare=session)
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - the connection may already be gone; the catalog says so
            pass


def master_user_of(cluster_id: str, region: str | None, profile: str | None) -> str:
    found = aws.describe_cluster(aws.client("rds", region, profile), cluster_id)
    if found is None:
        raise ToolError(f"DB cluster {cluster_id!r} not found")
    if not found.get("MasterUsername"):
        raise ToolError(f"DB cluster {cluster_id!r} reports no master user name; give --master-user")
    return str(found["MasterUsername"])


def select_checks(ids: list[str], flag: str) -> list[Check]:
    """The checks ``ids`` name (ids or aliases), in the order given; every check when none."""
    if not ids:
        return all_checks()
    picked: list[Check] = []
    for check_id in ids:
        c = get_check(check_id)
        if c is None:
            raise ToolError(f"unknown check {check_id!r} in {flag}: see 'aurora-upgrade checks list'")
        if c not in picked:
            picked.append(c)
    return picked


def source_of(catalog: Catalog) -> dict[str, Any]:
    s = catalog.source
    version = catalog.server.version or catalog.server.extra.get("dump_server_version")
    return {"kind": s.kind, "name": s.name, "server_version": version,
            "aurora_version": catalog.server.aurora_version, "collected_at": s.collected_at}


def load_snapshot(path: Path) -> Catalog:
    """A catalog saved by ``--save-snapshot``; anything else is one clear line."""
    data = read_json(path, "snapshot")
    expect_kind(path, data, "precheck snapshot", "snapshot_format")
    if not isinstance(data, dict) or "snapshot_format" not in data:
        raise ToolError(f"{path} is not a snapshot saved by 'precheck --save-snapshot'")
    if data.get("snapshot_format") != SNAPSHOT_FORMAT:
        raise ToolError(f"{path}: unsupported snapshot format {data.get('snapshot_format')!r}")
    try:
        return Catalog.from_dict(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ToolError(f"{path} is a damaged snapshot: {exc}") from None


def filter_schemas(catalog: Catalog, schemas: list[str]) -> Catalog:
    """Keep only objects of the given schemas (server facts stay: they are server-wide)."""
    keep = set(schemas)
    catalog.schemas = [s for s in catalog.schemas if s.name in keep]
    for kind in ("tables", "views", "routines", "triggers", "events"):
        setattr(catalog, kind, [o for o in getattr(catalog, kind) if o.schema in keep])
    catalog.issues = [i for i in catalog.issues if i.schema is None or i.schema in keep]
    return catalog


def write_text(path: Path, text: str, what: str) -> Path:
    """``text`` into ``path`` (its folder made); a write error is one line naming ``what``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"cannot write {what} {path}: {exc.strerror or exc}") from None
    return path
