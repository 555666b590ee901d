"""`aurora-upgrade precheck` and `aurora-upgrade checks`: scan a server, dump or snapshot.

The command only wires things together: pick the one input, build a Catalog (live, dump or
snapshot), run the registry's checks, merge Aurora's own log if given, and render one Report.
Whatever was collected is written (snapshot, reports) before an incomplete scan exits 2.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from upgrade_cli.checks.registry import Check, Scope, all_checks, get_check, run_checks
from upgrade_cli.checks.manual import MANUAL_ITEMS
from upgrade_cli import aws, connect, connect_options, doc_links, layout
from upgrade_cli.precheck.aurora_log import load_aurora_log
from upgrade_cli.precheck.collect.dump import load_dump
from upgrade_cli.cli_common import App, Blocked, ExitStatus, OutputFormat, ProfileOpt, RegionOpt, ToolError, console, err_console, format_option
from upgrade_cli.inputs import read_json
from upgrade_cli.handoffs import expect_kind
from upgrade_cli.precheck.model import SNAPSHOT_FORMAT, Catalog
from upgrade_cli.precheck.fixscript import build_fix_script
from upgrade_cli.precheck.report import FAIL_ON_LEVELS, build_report, render_console, write_json, write_reports
from upgrade_cli.target import resolve_target

checks_app = App(help="List and explain the upgrade checks.")

FormatOpt = format_option(OutputFormat.console, OutputFormat.json)
DEFAULT_STATEMENT_TIMEOUT_S = 60
FailOn = enum.Enum("FailOn", {level: level for level in FAIL_ON_LEVELS}, type=str)  # --fail-on's choices


def precheck(
    ddl: Annotated[Optional[Path], typer.Option("--ddl", help="A `mysqldump --no-data --routines --triggers "
                                                "--events` file to scan (no server needed).")] = None,
    snapshot: Annotated[Optional[Path], typer.Option("--snapshot", help="Re-check a snapshot saved with "
                                                     "--save-snapshot (no server needed).")] = None,
    host: connect_options.HostOpt = None,
    port: connect_options.PortOpt = None,
    user: connect_options.UserOpt = None,
    password: connect_options.PasswordOpt = None,
    socket: connect_options.SocketOpt = None,
    dsn: connect_options.DsnOpt = None,
    defaults_file: connect_options.DefaultsFileOpt = None,
    ssl_ca: connect_options.SslCaOpt = None,
    iam: connect_options.IamOpt = False,
    region: RegionOpt = None,
    schema: Annotated[Optional[list[str]], typer.Option("--schema", help="Only these schemas (comma list, or "
                                                        "repeat it).")] = None,
    save_snapshot: Annotated[Optional[Path], typer.Option("--save-snapshot", help="Write the collected catalog "
                                                          "as JSON, to re-check later with --snapshot.")] = None,
    output_format: FormatOpt = OutputFormat.console,
    out: Annotated[Optional[Path], typer.Option("--out", help="Directory for report.json, report.md, "
                                                "report.html and junit.xml.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", case_sensitive=False, help="Exit 1 when a finding is "
                                            "at or above this level.")] = FailOn.error,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Run only these check ids or aliases "
                                                      "(comma list, or repeat it).")] = None,
    skip: Annotated[Optional[list[str]], typer.Option("--skip", help="Leave out these check ids or aliases "
                                                      "(comma list, or repeat it).")] = None,
    check_table: Annotated[bool, typer.Option(
        "--check-table", help="Also run CHECK TABLE ... FOR UPGRADE on every table (MySQL Shell's checkTableCommand; "
        "live servers only). Off by default: it opens every table and on 5.7 is not a pure read (it may rewrite a "
        "table's .frm version), so without it the check is reported as not run.")] = False,
    target_version: Annotated[Optional[str], typer.Option(
        "--target-version", help="The upgrade target: an Aurora MySQL 3 version (3.04.3, 8.0.mysql_aurora.3.08.2) "
        "or a MySQL 8.0.x; version-gated checks and reserved words follow it. Default: the newest Aurora 3 "
        "release this tool knows.")] = None,
    import_aurora_log: Annotated[Optional[Path], typer.Option("--import-aurora-log", help="Merge the findings of "
                                                              "Aurora's upgrade-prechecks.log.")] = None,
    master_user: Annotated[Optional[str], typer.Option("--master-user", help="The cluster's master user name "
                                                       "(for the master-user check).")] = None,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="The Aurora cluster scanned: its master user "
                                                   "name is read from the RDS API (DescribeDBClusters).")] = None,
    profile: ProfileOpt = None,
    statement_timeout: Annotated[int, typer.Option("--statement-timeout", help="Seconds any one metadata query "
                                                   "may run on a live server (> 0; network reads "
                                                   "time out a little later).")] = DEFAULT_STATEMENT_TIMEOUT_S,
    fix_script: Annotated[Optional[Path], typer.Option("--fix-script", help="Write one ordered, re-runnable SQL "
                                                       "script fixing what can be fixed safely (utf8mb3 columns, "
                                                       "stored programs' removed sql_mode flags); its header lists "
                                                       "what it does not fix and why.")] = None,
    details: Annotated[bool, typer.Option("--details", help="List every finding: without it a check with more "
                                          "than 10 findings is one line of counts and the first few (console, "
                                          "Markdown, JUnit; HTML shows 200 rows). report.json always lists all.")] = False,
    allow_incomplete: Annotated[bool, typer.Option("--allow-incomplete", help="Exit by the findings even when the "
                                                   "scan is incomplete (a truncated dump, unreadable objects, a "
                                                   "lost connection); the report still says complete: false.")] = False,
) -> ExitStatus:
    """Scan a live server, a mysqldump file or a snapshot for 5.7 → 8.0 incompatibilities.

    Exit codes: 0 no findings at or above --fail-on; 1 findings at or above --fail-on;
    2 usage, input or connection error, a crashed check, or an incomplete scan (unless
    --allow-incomplete; an incomplete report never passes a bluegreen gate).
    """
    live = any(v is not None for v in (host, socket, dsn, defaults_file)) or iam
    conn_only = [flag for flag, v in (("--port", port), ("--user", user), ("--password", password),
                                      ("--ssl-ca", ssl_ca), ("--region", None if cluster else region)) if v is not None]
    given = [name for name, on in (("--ddl", ddl is not None), ("--snapshot", snapshot is not None),
                                   ("a live server", live)) if on]
    if len(given) != 1:
        if not given and conn_only:
            raise ToolError(f"{conn_only[0]} needs a live server: add --host, --socket or --dsn")
        raise ToolError("give exactly one input: --ddl FILE, --snapshot FILE, or a live server "
                        f"(--host/--socket/--dsn){'; got ' + ' and '.join(given) if given else ''}")
    if conn_only and not live:
        raise ToolError(f"{conn_only[0]} only applies to a live server, not to {given[0]}")
    if check_table and ddl is not None:
        raise ToolError("--check-table needs a live server: a dump cannot run CHECK TABLE")
    if not statement_timeout > 0:
        raise ToolError(f"--statement-timeout must be more than 0 seconds, not {statement_timeout}")
    selected = _select_checks(only or [], "--only")
    left_out = {c.id for c in _select_checks(skip or [], "--skip")} if skip else set()
    target = resolve_target(target_version)
    if cluster and not master_user:  # before a long scan: a wrong cluster id should fail first
        master_user = _master_user_of(cluster, region, profile)
    aurora_log = None
    if import_aurora_log is not None:  # read it first: a bad log should fail before a long scan
        aurora_log = load_aurora_log(import_aurora_log)

    if ddl is not None:
        catalog = load_dump(ddl)
        source = _source_of(catalog)
    elif snapshot is not None:
        catalog = load_snapshot(snapshot)
        source = {**_source_of(catalog), "kind": "snapshot", "name": str(snapshot),
                  "snapshot_of": {"kind": catalog.source.kind, "name": catalog.source.name,
                                  "collected_at": catalog.source.collected_at}}
    else:
        opts = connect_options.resolve(dsn=dsn, host=host, port=port, user=user, password=password, socket_path=socket,
                               defaults_file=defaults_file, ssl_ca=ssl_ca, iam=iam, region=region)
        catalog = _collect_live(opts, schema or None, statement_timeout, check_table)
        source = {**_source_of(catalog), "kind": "live", "name": opts.address}
    if cluster:  # whatever the input, the cluster it stands for: `fleet scan --reports` joins the report by it
        source["cluster"] = {"id": cluster, "region": region or aws.default_region(profile)}
    if schema:
        missing = sorted(set(schema) - {s.name for s in catalog.schemas})
        if missing:  # a mistyped name would scan nothing and look clean (live: collect_live says so first)
            raise ToolError(f"--schema: no schema {', '.join(missing)} in {source['name']}")
        catalog = filter_schemas(catalog, schema)
    if master_user:
        catalog.server.extra["master_user"] = master_user
    if save_snapshot is not None:
        _write(save_snapshot, catalog.to_json() + "\n", "snapshot")

    ran_check_table = check_table or "check_table" in catalog.server.extra  # a snapshot of a --check-table scan
    run = run_checks(catalog, only=[c.id for c in selected] if only else None, skip=left_out, target=target,
                     opted_in={"--check-table"} if ran_check_table else ())
    extra = []
    log_summary = None
    if aurora_log is not None:
        wanted = {c.id for c in selected} - left_out
        extra = [f for f in aurora_log.findings if (not only or f.check_id in wanted) and f.check_id not in left_out]
        log_summary = aurora_log.summary_dict()
    report = build_report(source, selected, run, fail_on=fail_on.value, complete=catalog.complete,
                          incomplete_reason=catalog.incomplete_reason, extra_findings=extra, aurora_log=log_summary,
                          target=target.to_dict(),
                          selection={"only": [c.id for c in selected] if only else None, "skip": sorted(left_out)})
    if output_format == OutputFormat.json:
        write_json(report, sys.stdout)
        sys.stdout.flush()
    else:
        render_console(report, console, details)
    written = write_reports(report, out, details) if out is not None else []
    if fix_script is not None:
        _write(fix_script, build_fix_script(catalog, report.findings, f"{source['kind']} {source['name']}"), "fix script")
        written.append(fix_script)

    if not report.complete and allow_incomplete:
        err_console.print(f"warning: scan incomplete ({report.incomplete_reason}); the report says "
                          "complete: false", markup=False)
    elif not report.complete:
        kept = ", ".join(str(p) for p in ([save_snapshot] if save_snapshot else []) + written)
        raise ToolError(f"scan incomplete: {report.incomplete_reason or 'collection stopped early'}; "
                        f"partial results written: {kept or 'none (use --out or --save-snapshot)'}")
    if run.failed:
        raise ToolError(f"{len(run.failed)} check(s) crashed and did not run: {', '.join(sorted(run.failed))} "
                        "(see the report)")
    return ExitStatus.of_findings(report.blocking)


def _master_user_of(cluster_id: str, region: str | None, profile: str | None) -> str:
    found = aws.describe_cluster(aws.client("rds", region, profile), cluster_id)
    if found is None:
        raise ToolError(f"DB cluster {cluster_id!r} not found")
    if not found.get("MasterUsername"):
        raise ToolError(f"DB cluster {cluster_id!r} reports no master user name; give --master-user")
    return found["MasterUsername"]


def _select_checks(only: list[str], flag: str) -> list[Check]:
    if not only:
        return all_checks()
    picked = []
    for check_id in only:
        c = get_check(check_id)
        if c is None:
            raise ToolError(f"unknown check {check_id!r} in {flag}: see 'aurora-upgrade checks list'")
        if c not in picked:
            picked.append(c)
    return picked


def _source_of(catalog: Catalog) -> dict[str, Any]:
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


def _collect_live(opts: connect.ConnectionOptions, schemas: list[str] | None, statement_timeout: float,
                  check_table: bool) -> Catalog:
    from upgrade_cli.precheck.collect.live import collect_live  # pymysql: only a live scan needs it
    opts.connect_timeout = min(opts.connect_timeout, connect.io_timeout_for(statement_timeout))
    conn = connect.open_connection(opts, read_only=True, read_timeout=connect.io_timeout_for(statement_timeout))
    try:
        with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task(f"{opts.address}: connecting", total=None)  # phases vary: a pulsing bar

            def progress(phase: str) -> None:
                bar.update(task, description=f"{opts.address}: reading {phase}", advance=1)

            return collect_live(conn, schemas=schemas, progress=progress, statement_timeout_s=statement_timeout,
                                check_table=check_table)
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - the connection may already be gone; the catalog says so
            pass


def filter_schemas(catalog: Catalog, schemas: list[str]) -> Catalog:
    """Keep only objects of the given schemas (server facts stay: they are server-wide)."""
    keep = set(schemas)
    catalog.schemas = [s for s in catalog.schemas if s.name in keep]
    for kind in ("tables", "views", "routines", "triggers", "events"):
        setattr(catalog, kind, [o for o in getattr(catalog, kind) if o.schema in keep])
    catalog.issues = [i for i in catalog.issues if i.schema is None or i.schema in keep]
    return catalog


def _write(path: Path, text: str, what: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"cannot write {what} {path}: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------------------------
# checks list / explain / docs
# --------------------------------------------------------------------------------------------

DOC_SECTIONS = ("What it detects", "Why it breaks in 8.0", "Example", "Fix", "Docs")
SCOPE_TEXT = {
    Scope.objects: "schema objects: works on a live server, a dump and a snapshot",
    Scope.server: "server state: needs a live server (skipped for dumps)",
    Scope.not_checkable: "not checkable from SQL: reported as not checked, verify by hand",
}


def check_sections(c: Check) -> list[tuple[str, str]]:
    """The fixed documentation shape of a check, shared by ``checks explain`` and docs/checks.md."""
    return list(zip(DOC_SECTIONS, (c.detects, c.why, c.example, c.fix, c.doc_url)))


def missing_sections(c: Check) -> list[str]:
    return [name for name, text in check_sections(c) if not (text or "").strip()] + (
        ["title"] if not c.title.strip() else [])


def _check_row(c: Check) -> dict[str, Any]:
    return {"id": c.id, "title": c.title, "severity": c.severity.value, "source": c.source, "scope": c.scope.value,
            "since": c.since, "aliases": list(c.aliases), "doc_url": c.doc_url}


@checks_app.command("list")
def checks_list(output_format: FormatOpt = OutputFormat.console) -> None:
    """List every check: id, severity, source, scope, the 8.0 version it applies from."""
    rows = [_check_row(c) for c in all_checks()]
    if output_format == OutputFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    # ids are what users copy into --only and explain: their column is as wide as the longest
    layout.table(console, f"{len(rows)} upgrade checks", ("id", "severity", "source", "scope", "since", "title"),
                 [[str(r[k]) for k in ("id", "severity", "source", "scope", "since", "title")] for r in rows],
                 lambda r: f"{r[0]} ({r[1]}, {r[2]}, {r[3]}, since {r[4]}): {r[5]}", below=())


@checks_app.command("explain")
def checks_explain(check_id: Annotated[str, typer.Argument(help="A check id or alias, e.g. reservedKeywords.")]) -> None:
    """Explain one check: what it detects, why it breaks in 8.0, an example, the fix, the docs."""
    c = get_check(check_id)
    if c is None:
        raise ToolError(f"unknown check {check_id!r}: see 'aurora-upgrade checks list'")
    console.print(Text(f"{c.id} — {c.title}", style="bold"))
    meta = f"severity {c.severity.value} · source {c.source} · since {c.since} · scope: {SCOPE_TEXT[c.scope]}"
    if c.aliases:
        meta += f" · also known as {', '.join(c.aliases)}"
    console.print(Text(meta))
    for name, text in check_sections(c):
        console.print()
        console.print(Text(name, style="bold underline"))
        if name == "Docs":  # one URL a line, never wrapped: a broken URL cannot be followed
            for url in text.replace(", ", "\n").split():
                console.print(Text(url), soft_wrap=True)
        else:
            console.print(Text(text.strip()))


def render_check_docs(checks: list[Check]) -> str:
    """docs/checks.md: an index table, then one section per check in the fixed shape."""
    lines = ["# Upgrade checks", "",
             "Generated from the check registry by `aurora-upgrade checks docs`; do not edit by hand.",
             "`aurora-upgrade checks explain ID` shows the same text.", "",
             f"{len(checks)} checks. Severity is the level a finding has by default; scope says what input "
             "the check needs.", "",
             "| id | severity | source | scope | since | title |", "|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| [{c.id}](#{c.id.lower()}) | {c.severity.value} | {c.source} | {c.scope.value} | {c.since} "
                     f"| {c.title.replace('|', chr(92) + '|')} |")
    lines += _manual_section(checks)
    for c in checks:
        lines += ["", f"## {c.id}", "", f"**{c.title}**", "",
                  f"- Severity: {c.severity.value}", f"- Source: {c.source}",
                  f"- Scope: {SCOPE_TEXT[c.scope]}", f"- Since: {c.since}"]
        if c.aliases:
            lines.append(f"- Also known as: {', '.join(f'`{a}`' for a in c.aliases)}")
        for name, text in check_sections(c):
            body = text.strip()
            if name == "Example":
                body = f"```sql\n{body}\n```"
            elif name == "Docs":
                body = "\n".join(f"<{u.strip()}>" for u in body.replace(", ", "\n").splitlines() if u.strip())
            lines += ["", f"### {name}", "", body]
    return "\n".join(lines) + "\n"


def _manual_section(checks: list[Check]) -> list[str]:
    """The MySQL 8.0 manual's upgrade prerequisites and the checks covering each; those beyond MySQL Shell."""
    beyond = [c for c in checks if c.source == "mysql-manual"]
    lines = ["", "## Beyond MySQL Shell: the MySQL 8.0 manual's upgrade prerequisites", "",
             f"<{doc_links.MYSQL_UPGRADE_PREREQUISITES}> lists, in numbered items without anchors, what to check "
             "before an upgrade to 8.0. Every item, whether a schema shows it, and the checks that cover it (for an "
             "item a schema shows, for every object kind it names). Checks with source `mysql-manual` go beyond "
             "MySQL Shell's: " + (", ".join(f"[{c.id}](#{c.id.lower()})" for c in beyond) or "none") + ".", "",
             "| # | manual item | in a schema | checks | note |", "|---|---|---|---|---|"]
    for item in MANUAL_ITEMS:
        covered = ", ".join(f"[{i}](#{i.lower()})" for i in item.checks) or "none"
        lines.append(f"| {item.number} | {item.says} | {'yes' if item.in_schema else 'no'} | {covered} | {item.note} |")
    return lines


@checks_app.command("docs")
def checks_docs(
    file: Annotated[Path, typer.Option("--file", help="Where the rendered catalog lives.")] = Path("docs/checks.md"),
    check_only: Annotated[bool, typer.Option("--check", help="Do not write: exit 1 if the file is stale.")] = False,
) -> None:
    """Render docs/checks.md from the registry (with --check: fail if it is stale)."""
    checks = all_checks()
    incomplete = {c.id: missing_sections(c) for c in checks if missing_sections(c)}
    if incomplete:
        detail = "; ".join(f"{cid} lacks {', '.join(m)}" for cid, m in sorted(incomplete.items()))
        raise Blocked(f"check documentation incomplete: {detail}")
    text = render_check_docs(checks)
    if check_only:
        try:
            current = file.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            raise Blocked(f"{file} is stale: run 'aurora-upgrade checks docs' to regenerate it")
        err_console.print(f"{file} is up to date ({len(checks)} checks)", markup=False)
        return
    _write(file, text, "check docs")
    err_console.print(f"wrote {file} ({len(checks)} checks)", markup=False)
