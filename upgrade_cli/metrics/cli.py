"""`aurora-upgrade metrics compare`: blue's server metrics against green's, from CloudWatch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from upgrade_cli import aws
from upgrade_cli.bluegreen import api as bluegreen_api
from upgrade_cli.cli_common import (App, ExitStatus, JournalOpt, OutputFormat, ProfileOpt, RegionOpt, ToolError,
                                    err_console, format_option)
from upgrade_cli.emit import emit
from upgrade_cli.handoffs import journal_dir, read_journal
from upgrade_cli.metrics import HELP, fetch
from upgrade_cli.metrics.compare import DEFAULT_BAND, TAIL, WORSE, Window, compare
from upgrade_cli.metrics.render import COMPARISON

app = App(help=HELP)
FormatOpt = Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json, OutputFormat.md, OutputFormat.html)]

DAY = dt.timedelta(days=1)


def parse_time(text: str, option: str) -> dt.datetime:
    """ISO 8601; a time without a zone is UTC."""
    try:
        t = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ToolError(f"{option} {text!r} is not a time: use ISO 8601, e.g. 2026-03-01T14:00:00Z") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def switchover_times(rds: Any, region: str, jdir: Path, name: str) -> tuple[dt.datetime, dt.datetime, str | None]:
    """(started, completed, blue cluster) from the journal, else from the deployment's RDS events
    (RDS-EVENT-0247 "Switchover from … started.", RDS-EVENT-0248 "Switchover completed on blue/green
    deployment.": https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html)."""
    journal = read_journal(jdir, region, name)
    if journal and journal.switchover_started and journal.switchover_done:
        return journal.switchover_started, journal.switchover_done, journal.blue_cluster
    dep = bluegreen_api.find_deployment(rds, name)
    events = bluegreen_api.deployment_events(rds, dep)
    started = [e["Date"] for e in events if "switchover" in e.get("Message", "").lower()
               and "start" in e.get("Message", "").lower()]
    done = [e["Date"] for e in events if "switchover" in e.get("Message", "").lower()
            and "complet" in e.get("Message", "").lower()]
    if not done:
        raise ToolError(f"no completed switchover found for {name}: neither the journal in {jdir} nor the "
                        "deployment's RDS events of the last 14 days record one")
    return (started or done)[-1], done[-1], bluegreen_api.production_of_old_blue(dep)


def around(started: dt.datetime, done: dt.datetime, window: dt.timedelta, settle: dt.timedelta,
           now: dt.datetime, same_hours: bool) -> tuple[tuple[dt.datetime, dt.datetime], tuple[dt.datetime, dt.datetime]]:
    """(before, after) windows of equal length: after starts ``settle`` after the switchover; before is the
    same hours of day on the latest earlier day that ends before the switchover started (or, with
    ``same_hours`` False, the window just before it)."""
    a_start = done + settle
    a_end = min(a_start + window, now)
    if a_end <= a_start:
        raise ToolError(f"the window after the switchover starts at {a_start.isoformat(timespec='seconds')}, "
                        "which is not in the past yet: wait, or give a shorter --settle")
    length = a_end - a_start
    if same_hours:
        days = max(1, -(-(a_end - started) // DAY))
        return (a_start - days * DAY, a_end - days * DAY), (a_start, a_end)
    return (started - length, started), (a_start, a_end)


@app.command("compare")
def compare_cmd(
    blue_cluster: Annotated[Optional[str], typer.Option("--blue-cluster", help="Blue cluster identifier.")] = None,
    green_cluster: Annotated[Optional[str], typer.Option("--green-cluster", help="Green cluster identifier.")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="Green's window start (ISO 8601, UTC if no zone).")] = None,
    end: Annotated[Optional[str], typer.Option("--end", help="Green's window end.")] = None,
    blue_start: Annotated[Optional[str], typer.Option(
        "--blue-start", help="Blue's window start (same length); default: the same window as green.")] = None,
    around_switchover: Annotated[Optional[str], typer.Option(
        "--around-switchover", help="Deployment name: compare the window after its switchover with one before.")] = None,
    window: Annotated[int, typer.Option("--window", min=5, help="With --around-switchover: window length, minutes.")] = 60,
    settle: Annotated[int, typer.Option("--settle", min=0, help="Minutes after the switchover to skip.")] = 10,
    adjacent: Annotated[bool, typer.Option(
        "--adjacent", help="Compare with the window just before the switchover, not the same hours a day earlier.")] = False,
    band: Annotated[float, typer.Option("--band", min=0, help="Noise band in percent: smaller moves are unchanged.")] = DEFAULT_BAND * 100,
    fmt: FormatOpt = OutputFormat.console,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the report here instead of stdout.")] = None,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    jdir: JournalOpt = None,
) -> ExitStatus:
    """Median / p95 change per metric and role, with a verdict. Exit 1 when a metric got worse, and when
    no series has data in both windows."""
    cw, rds = aws.client("cloudwatch", region, profile), aws.client("rds", region, profile)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    switchover = None
    if around_switchover:
        if start or end or blue_start:
            raise ToolError("--around-switchover takes its windows from the switchover: drop --start/--end/--blue-start")
        t0, t1, blue_name = switchover_times(rds, rds.meta.region_name or "", journal_dir(jdir), around_switchover)
        (bs, be), (gs, ge) = around(t0, t1, dt.timedelta(minutes=window), dt.timedelta(minutes=settle), now,
                                    same_hours=not adjacent)
        # after a switchover green carries blue's name, so by default both windows read that identifier
        blue_cluster = blue_cluster or blue_name
        green_cluster = green_cluster or blue_name
        switchover = {"deployment": around_switchover, "started": t0.isoformat(timespec="seconds"),
                      "completed": t1.isoformat(timespec="seconds")}
        if not blue_cluster:
            raise ToolError(f"the blue cluster of {around_switchover} is unknown: give --blue-cluster")
        if not green_cluster:
            raise ToolError(f"the green cluster of {around_switchover} is unknown: give --green-cluster")
    else:
        if not (blue_cluster and green_cluster and start and end):
            raise ToolError("give --blue-cluster, --green-cluster, --start and --end (or --around-switchover NAME)")
        gs, ge = parse_time(start, "--start"), parse_time(end, "--end")
        if ge <= gs:
            raise ToolError("--end must be after --start")
        bs = parse_time(blue_start, "--blue-start") if blue_start else gs
        be = bs + (ge - gs)
    before, after = Window("blue", blue_cluster, bs, be), Window("green", green_cluster, gs, ge)
    period = max(fetch.choose_period(bs, be, now), fetch.choose_period(gs, ge, now))
    clusters = {c: fetch.describe(rds, c) for c in {before.cluster, after.cluster}}
    notes = [f"cluster {c.name} not found: its per-instance metrics (free memory, free local storage) were not read"
             for c in clusters.values() if not c.found]
    binlog = any(c.binlog_replica for c in clusters.values())
    data = compare(before, after, period,
                   fetch.fetch(cw, before.cluster, bs, be, period, fetch.series_for(cluster=clusters[before.cluster],
                                                                                     binlog_replica=binlog)),
                   fetch.fetch(cw, after.cluster, gs, ge, period, fetch.series_for(cluster=clusters[after.cluster],
                                                                                    binlog_replica=binlog)),
                   band / 100, switchover, notes)
    emit(COMPARISON(data), fmt, out)
    if not data["summary"]["series_with_data"]:
        err_console.print(f"no data: none of the {data['summary']['series']} series has datapoints in both "
                          "windows, so this comparison shows nothing (wrong cluster or window?)", markup=False)
    worse = data["summary"][WORSE] + data["summary"][TAIL]
    return ExitStatus.of_findings(worse or not data["summary"]["series_with_data"])
