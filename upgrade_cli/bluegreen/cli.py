"""`aurora-upgrade bluegreen`: create, watch, gate, switch over and clean up an RDS blue/green deployment.

Terraform and CloudFormation cannot drive Aurora blue/green and boto3 has no waiters for it, so
these commands do it with gates before every risky call, a resumable journal and ``--dry-run``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from upgrade_cli import aws, connect, connect_options
from upgrade_cli.bluegreen import HELP
from upgrade_cli.bluegreen import cleanup as cleanup_steps
from upgrade_cli.bluegreen import orchestrator as orch
from upgrade_cli.bluegreen import render
from upgrade_cli.bluegreen.waiter import PollSettings
from upgrade_cli.cli_common import (CALLS, App, CallListing, ConsoleNarrator, DryRunFormat, DryRunFormatOpt, DryRunOpt,
                                    JournalOpt, OutputFormat, ProfileOpt, RegionOpt, ToolError, YesOpt, console,
                                    dry_run_block, format_option)
from upgrade_cli.emit import emit
from upgrade_cli.handoffs import journal_dir

app = App(help=HELP)
FormatOpt = Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json)]

PollOpt = Annotated[float, typer.Option("--poll-interval", min=0, help="Seconds between status polls.")]
PrecheckOpt = Annotated[Optional[Path], typer.Option(
    "--precheck-report", help="Precheck JSON report (or AWS upgrade-prechecks.log); any error blocks.")]


def _context(region: str | None, profile: str | None, jdir: Path | None, dry_run: bool = False,
             yes: bool = False, interval: float = 30.0, timeout: float = 6 * 3600.0) -> orch.Context:
    rds = aws.client("rds", region, profile)
    region_name = rds.meta.region_name
    if not region_name:
        raise ToolError("no AWS Region given (use --region or AWS_DEFAULT_REGION)")
    return orch.Context(rds=rds, rds_poll=aws.client("rds", region, profile, max_attempts=0),
                        cw=aws.client("cloudwatch", region, profile), region=region_name,
                        journal_dir=journal_dir(jdir), dry_run=dry_run,
                        poll=PollSettings(interval=interval, timeout=timeout),
                        narrator=ConsoleNarrator(yes, checked=render.show_gates, watcher=render.DeploymentWatch))


@contextlib.contextmanager
def _dry_run_listed(ctx: orch.Context, fmt: DryRunFormat | None, profile: str | None) -> Iterator[None]:
    """A dry run prints the calls it recorded once the command is done (also those before a gate stopped it)."""
    if fmt is not None and not ctx.dry_run:
        raise ToolError("--dry-run-format goes with --dry-run")
    try:
        yield
    except BaseException:
        if ctx.dry_run and ctx.mutations.recorded:
            _list_recorded(ctx, fmt, profile)
        raise
    if ctx.dry_run:
        _list_recorded(ctx, fmt, profile)


def _list_recorded(ctx: orch.Context, fmt: DryRunFormat | None, profile: str | None) -> None:
    listing = CallListing([dry_run_block(ctx.mutations.recorded)], fmt or DryRunFormat.json, ctx.region, profile)
    emit(CALLS(listing), OutputFormat.console)


def _connector(dsn: str | None, host: str | None = None, port: int | None = None,
               user: str | None = None, password: str | None = None,
               read_only: bool = True) -> orch.Connector | None:
    """A way to open a session, read-only unless asked (password: -p, the DSN, $AURORA_UPGRADE_PASSWORD or
    ~/.my.cnf)."""
    if not dsn and not host:
        return None
    opts = connect_options.resolve(dsn=dsn, host=host, port=port, user=user, password=password)
    return lambda: connect.open_connection(opts, read_only=read_only)


@app.command("create")
def create(
    cluster: Annotated[str, typer.Option("--cluster", help="The blue (source) Aurora MySQL 2 cluster.")],
    target_version: Annotated[str, typer.Option("--target-version", help="8.0 or a full 8.0.mysql_aurora.3.x.y.")],
    cluster_parameter_group: Annotated[str, typer.Option(
        "--cluster-parameter-group", help="aurora-mysql8.0 cluster parameter group for green.")],
    instance_parameter_group: Annotated[Optional[str], typer.Option(
        "--instance-parameter-group", help="aurora-mysql8.0 DB parameter group for every green instance.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Deployment name (default: <cluster>-to-<version>).")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Follow the deployment until AVAILABLE.")] = False,
    precheck_report: PrecheckOpt = None,
    dsn: Annotated[Optional[str], typer.Option(
        "--dsn", "--blue-dsn", help=f"Blue writer, for the SQL gates ({connect.DSN_HELP}).")] = None,
    host: connect_options.HostOpt = None,
    port: connect_options.PortOpt = None,
    user: connect_options.UserOpt = None,
    password: connect_options.PasswordOpt = None,
    dry_run: DryRunOpt = False,
    dry_run_format: DryRunFormatOpt = None,
    poll_interval: PollOpt = 30.0,
    wait_timeout: Annotated[float, typer.Option("--wait-timeout", min=0, help="Give up waiting after this many seconds.")] = 6 * 3600.0,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    journal: JournalOpt = None,
) -> None:
    """Verify prerequisites, then create the blue/green deployment (and with --wait, follow it)."""
    blue = _connector(dsn, host, port, user, password)
    if blue is None:
        console.print("note: no blue connection (--dsn or --host): the SQL gates are NOT RUN", markup=False)
    ctx = _context(region, profile, journal, dry_run=dry_run, interval=poll_interval, timeout=wait_timeout)
    with _dry_run_listed(ctx, dry_run_format, profile):
        orch.create(ctx, orch.CreateRequest(cluster=cluster, target_version=target_version,
                                            cluster_group=cluster_parameter_group,
                                            instance_group=instance_parameter_group, name=name,
                                            precheck_report=precheck_report, blue=blue), wait=wait)


@app.command("status")
def status(
    ident: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="Deployment id (bgd-…) or name; "
                                                                        "omit to list all.")] = None,
    fmt: FormatOpt = OutputFormat.console,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    journal: JournalOpt = None,
) -> None:
    """Show a deployment: status, tasks, switchover members, green endpoints, replica lag."""
    ctx = _context(region, profile, journal)
    if ident is None:
        emit(render.DEPLOYMENTS(orch.list_report(ctx)), fmt)
    else:
        emit(render.STATUS(orch.status_report(ctx, ident)), fmt)


@app.command("switchover")
def switchover(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Deployment id (bgd-…) or name.")],
    timeout: Annotated[int, typer.Option("--timeout", min=30, max=3600,
                                         help="SwitchoverTimeout: AWS rolls back if it takes longer.")] = 300,
    max_lag: Annotated[float, typer.Option("--max-lag", min=0, help="Highest replica lag (s) allowed.")] = 5.0,
    lag_window: Annotated[int, typer.Option("--lag-window", min=1,
                                            help="Minutes of AuroraBinlogReplicaLag the lag gate looks at.")] = 5,
    max_trx_seconds: Annotated[int, typer.Option("--max-trx-seconds", min=0,
                                                 help="Oldest open transaction allowed on blue (s).")] = 60,
    override: Annotated[Optional[list[str]], typer.Option(
        "--override", help="Proceed although these gates failed (gate names: a comma list, or repeat it).")] = None,
    precheck_report: PrecheckOpt = None,
    bench_report: Annotated[Optional[Path], typer.Option("--bench-report", help="Bench JSON report; regressions block.")] = None,
    blue_dsn: Annotated[Optional[str], typer.Option(
        "--blue-dsn", help="Blue cluster endpoint, for the transaction/DDL/XA gates, the 8.0 check after and "
                           "re-enabling replica-side disabled events on production.")] = None,
    green_dsn: Annotated[Optional[str], typer.Option("--green-dsn", help="Green writer, for SHOW REPLICA STATUS.")] = None,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    dry_run_format: DryRunFormatOpt = None,
    poll_interval: PollOpt = 10.0,
    wait_timeout: Annotated[float, typer.Option("--wait-timeout", min=0,
                                                help="Give up following the switchover after this many seconds.")] = 3600.0,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    journal: JournalOpt = None,
) -> None:
    """Run every gate, then switch over and verify the cluster endpoint serves 8.0."""
    blue, green = _connector(blue_dsn), _connector(green_dsn)
    ctx = _context(region, profile, journal, dry_run=dry_run, yes=yes, interval=poll_interval, timeout=wait_timeout)
    with _dry_run_listed(ctx, dry_run_format, profile):
        orch.switchover(ctx, orch.SwitchoverRequest(
            ref=ident, timeout=timeout, max_lag=max_lag, lag_minutes=lag_window, max_trx_seconds=max_trx_seconds,
            overrides=list(override or []), precheck_report=precheck_report, bench_report=bench_report,
            blue=blue, green=green, blue_writer=_connector(blue_dsn, read_only=False)))


@app.command("gates")
def gates(fmt: Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.md)] = OutputFormat.console) -> None:
    """List every gate of create and switchover: what it checks and what it needs (--format md: docs/gates.md)."""
    emit(render.GATES(None), fmt)


@app.command("cleanup")
def cleanup(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Deployment id (bgd-…) or name.")],
    delete_old_blue: Annotated[bool, typer.Option(
        "--delete-old-blue", help="After a completed switchover, also delete the -old1 cluster and instances.")] = False,
    final_snapshot: Annotated[bool, typer.Option(
        "--final-snapshot/--skip-final-snapshot", help="Snapshot the old blue cluster as it is deleted.")] = True,
    delete_green: Annotated[bool, typer.Option(
        "--delete-green", help="Abandon before switchover: delete the green resources too (DeleteTarget).")] = False,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    dry_run_format: DryRunFormatOpt = None,
    poll_interval: PollOpt = 15.0,
    wait_timeout: Annotated[float, typer.Option("--wait-timeout", min=0, help="Give up waiting for deletions.")] = 3600.0,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    journal: JournalOpt = None,
) -> None:
    """Delete the deployment (never its target after switchover) and optionally the old blue cluster."""
    ctx = _context(region, profile, journal, dry_run=dry_run, yes=yes, interval=poll_interval, timeout=wait_timeout)
    with _dry_run_listed(ctx, dry_run_format, profile):
        cleanup_steps.cleanup(ctx, ident, delete_old_blue=delete_old_blue, final_snapshot=final_snapshot,
                              delete_green=delete_green)
