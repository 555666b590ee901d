"""`aurora-upgrade precheck` and `aurora-upgrade checks`: scan a server, dump or snapshot.

The command only wires things together: it reads the options, opens the live session's options
(``connect``), hands the rest to the engine (``precheck/run.py``: collect, check, build one Report,
write what was asked as soon as it exists) and shows the report through ``emit``. Whatever was
collected is written (snapshot, reports) before an incomplete scan exits 2.
"""

from __future__ import annotations

import contextlib
import enum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from upgrade_cli import connect_options
from upgrade_cli.checks.registry import all_checks, get_check
from upgrade_cli.cli_common import (App, Blocked, ExitStatus, OutputFormat, ProfileOpt, RegionOpt, ToolError, err_console,
                                    format_option)
from upgrade_cli.emit import emit
from upgrade_cli.precheck import CHECKS_HELP, run
from upgrade_cli.precheck.render import (CHECK, CHECK_LIST, DOC_SECTIONS, REPORT, Shown, check_sections,  # noqa: F401
                                         missing_sections, render_check_docs)
from upgrade_cli.precheck.report import FAIL_ON_LEVELS

checks_app = App(help=CHECKS_HELP)

FormatOpt = Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json)]
DEFAULT_STATEMENT_TIMEOUT_S = 60


class FailOn(str, enum.Enum):
    """--fail-on's choices: one member per level of the report's FAIL_ON_LEVELS (a level added there and not
    here fails at import)."""

    error, warning, notice, never = FAIL_ON_LEVELS


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
    """`aurora-upgrade precheck` (its help, with the exit codes: ``upgrade_cli.precheck.HELP``)."""
    live = any(v is not None for v in (host, socket, dsn, defaults_file)) or iam
    conn_only = [flag for flag, v in (("--port", port), ("--user", user), ("--password", password),
                                      ("--ssl-ca", ssl_ca), ("--region", None if cluster else region)) if v is not None]
    run.pick_input(ddl, snapshot, live, conn_only, check_table)
    request = run.Request(ddl=ddl, snapshot=snapshot, schemas=schema or [], only=only or [], skip=skip or [],
                          target_version=target_version, fail_on=fail_on.value, check_table=check_table,
                          statement_timeout=statement_timeout, import_aurora_log=import_aurora_log,
                          master_user=master_user, cluster=cluster, region=region, profile=profile,
                          save_snapshot=save_snapshot, out=out, fix_script=fix_script, details=details)
    ready = run.prepare(request)  # every bad option fails before a password prompt, a connection or a long scan
    if live:
        opts = connect_options.resolve(dsn=dsn, host=host, port=port, user=user, password=password, socket_path=socket,
                               defaults_file=defaults_file, ssl_ca=ssl_ca, iam=iam, region=region)
        request.live = run.Live(opts)
    with _phases(request.live.address if request.live else None) as progress:
        outcome = run.precheck(request, ready, progress)
    report = outcome.report
    emit(REPORT(Shown(report, details)), output_format)

    if not report.complete and allow_incomplete:
        err_console.print(f"warning: scan incomplete ({report.incomplete_reason}); the report says "
                          "complete: false", markup=False)
    elif not report.complete:
        kept = ", ".join(str(p) for p in outcome.written)
        raise ToolError(f"scan incomplete: {report.incomplete_reason or 'collection stopped early'}; "
                        f"partial results written: {kept or 'none (use --out or --save-snapshot)'}")
    if outcome.run.failed:
        raise ToolError(f"{len(outcome.run.failed)} check(s) crashed and did not run: "
                        f"{', '.join(sorted(outcome.run.failed))} (see the report)")
    return ExitStatus.of_findings(bool(report.blocking))


@contextlib.contextmanager
def _phases(address: str | None) -> Iterator[Optional[run.Progress]]:
    """A pulsing bar on stderr naming what a live scan is doing (a dump or a snapshot needs none)."""
    if address is None:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # start-up: live scans only

    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task(f"{address}: connecting", total=None)  # phases vary: a pulsing bar
        yield lambda doing: bar.update(task, description=f"{address}: {doing}", advance=1)


# --------------------------------------------------------------------------------------------
# checks list / explain / docs
# --------------------------------------------------------------------------------------------

@checks_app.command("list")
def checks_list(output_format: FormatOpt = OutputFormat.console) -> None:
    """List every check: id, severity, source, scope, the 8.0 version it applies from."""
    emit(CHECK_LIST(all_checks()), output_format)


@checks_app.command("explain")
def checks_explain(check_id: Annotated[str, typer.Argument(help="A check id or alias, e.g. reservedKeywords.")]) -> None:
    """Explain one check: what it detects, why it breaks in 8.0, an example, the fix, the docs."""
    c = get_check(check_id)
    if c is None:
        raise ToolError(f"unknown check {check_id!r}: see 'aurora-upgrade checks list'")
    emit(CHECK(c), OutputFormat.console)


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
    if check_only:
        text = render_check_docs(checks)
        try:
            current = file.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            raise Blocked(f"{file} is stale: run 'aurora-upgrade checks docs' to regenerate it")
        err_console.print(f"{file} is up to date ({len(checks)} checks)", markup=False)
        return
    emit(CHECK_LIST(checks), OutputFormat.md, file)
