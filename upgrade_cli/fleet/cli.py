"""`aurora-upgrade fleet scan / precheck`: every Aurora MySQL cluster of many accounts and Regions at once.

``scan`` lists the clusters with their support window, the monthly cost of waiting, readiness from a
reports folder and proposed waves; ``precheck`` runs the live precheck of many clusters concurrently and
saves the reports where ``scan`` finds them. The AWS SDK is imported inside the commands, not here, so
``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from upgrade_cli import connect_options
from upgrade_cli.cli_common import (App, ExitStatus, OutputFormat, ProfilesOpt, RegionsOpt, ToolError, err_console,
                                    format_option)
from upgrade_cli.emit import emit
from upgrade_cli.fleet import HELP

app = App(help=HELP)

FormatOpt = Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json, OutputFormat.csv, OutputFormat.html)]
AccountsOpt = Annotated[Optional[Path], typer.Option(
    "--accounts", help="A file of 12-digit account ids, one a line (# comments): only these accounts are read, "
    "each through --role-name, assumed with the current credentials or the one --profile given.")]
RoleOpt = Annotated[Optional[str], typer.Option(
    "--role-name", help="The role assumed in each --accounts account: arn:aws:iam::ACCOUNT:role/NAME.")]
TagOpt = Annotated[Optional[list[str]], typer.Option(
    "--tag", help="Only clusters with these tags, KEY=VALUE (a comma list, or repeat it): all must match.")]
ParallelOpt = Annotated[int, typer.Option("--parallel", help="Accounts and Regions read at once (1-64).")]
StaleOpt = Annotated[int, typer.Option("--stale-days", help="A precheck report older than this is stale.")]
AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", help="The day support and cost are computed for, YYYY-MM-DD (default: today, UTC).")]


def _day(as_of: str | None) -> dt.date:
    if as_of is None:
        return dt.datetime.now(dt.timezone.utc).date()
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError:
        raise ToolError(f"--as-of must be a date YYYY-MM-DD, not {as_of!r}") from None


def _inventory(region: list[str] | None, profile: list[str] | None, accounts: Path | None, role_name: str | None,
               tag: list[str] | None, parallel: int, params: bool) -> Any:
    """Validate the scope options (bad input: one line, exit 2, before any call), then read the fleet."""
    from upgrade_cli import aws
    from upgrade_cli.fleet import inventory

    if not 1 <= parallel <= 64:
        raise ToolError(f"--parallel must be between 1 and 64, not {parallel}")
    tags = inventory.parse_tags(tag or [])
    profiles = list(dict.fromkeys(profile or []))  # comma lists are split by cli_common.Command
    regions = inventory.check_regions(list(dict.fromkeys(region or [])))
    ids: list[str] = []
    if accounts is not None or role_name is not None:
        if accounts is None or not role_name:
            raise ToolError("--accounts FILE and --role-name NAME go together")
        if not inventory.ROLE_NAME.match(role_name):
            raise ToolError(f"--role-name {role_name!r} is not an IAM role name")
        if len(profiles) > 1:
            raise ToolError("with --accounts, give at most one --profile: the credentials that assume --role-name")
        ids = inventory.read_accounts(accounts)
    default_region = aws.default_region(profiles[0] if profiles else None)
    if not regions:
        if not default_region:
            raise ToolError("give --region (a comma list, or 'all'): no Region is configured (AWS_DEFAULT_REGION)")
        regions = [default_region]
    return inventory.scan(profiles=profiles, accounts=ids, role_name=role_name, regions=regions,
                          default_region=default_region, tags=tags, params=params, parallel=parallel)


@app.command("scan")
def scan(
    region: RegionsOpt = None,
    profile: ProfilesOpt = None,
    accounts: AccountsOpt = None,
    role_name: RoleOpt = None,
    tag: TagOpt = None,
    reports: Annotated[Optional[Path], typer.Option(
        "--reports", help="A folder of precheck reports (searched recursively): the newest report.json naming "
        "each cluster gives its readiness.")] = None,
    stale_days: StaleOpt = 30,
    as_of: AsOfOpt = None,
    production_tag: Annotated[Optional[list[str]], typer.Option(
        "--production-tag", help="Tags KEY=VALUE that mark production (a comma list, or repeat it; any one "
        "matches, in any case; default env/environment/stage = prod/production).")] = None,
    wave_tag: Annotated[str, typer.Option("--wave-tag", help="A cluster tagged KEY=N goes in wave N.")] = "aurora-upgrade-wave",
    params: Annotated[bool, typer.Option("--params/--no-params", help="Diff each distinct 5.7 cluster parameter "
                                         "group once (errors that would block green).")] = True,
    parallel: ParallelOpt = 8,
    allow_partial: Annotated[bool, typer.Option("--allow-partial", help="Exit 0 even when an account or Region "
                                                "could not be read (the output still says so).")] = False,
    output_format: FormatOpt = OutputFormat.console,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the output to this file.")] = None,
) -> ExitStatus:
    """List every aurora-mysql cluster: support window, monthly Extended Support cost, readiness and waves.

    Exit codes: 0 every account and Region read; 2 bad input, or some account or Region could not be read
    (AccessDenied, a Region not enabled): the output still lists the rest and names what is missing
    (--allow-partial exits 0 then).
    """
    from upgrade_cli import lifecycle
    from upgrade_cli.fleet import readiness, render, waves

    day = _day(as_of)
    if stale_days < 1:
        raise ToolError(f"--stale-days must be at least 1, not {stale_days}")
    production = waves.parse_production(production_tag or list(waves.PRODUCTION_TAGS))
    index = readiness.index_reports(reports, day, stale_days) if reports is not None else None
    inv = _inventory(region, profile, accounts, role_name, tag, parallel, params)
    windows = lifecycle.support_windows(inv.first_client)
    rep = waves.build(inv, windows, index, day, production, wave_tag)
    if index is not None:
        rep.reports = {"folder": str(reports), "read": index.read, "skipped": len(index.skipped)}
        for line in index.skipped[:5]:
            err_console.print(f"note: report skipped: {line}", markup=False)
    emit(render.FLEET(rep), output_format, out)
    if rep.failures and not allow_partial:
        raise ToolError(f"fleet scan partial: {len(rep.failures)} account/Region(s) not read "
                        f"({rep.failures[0].account} {rep.failures[0].region or ''}: {rep.failures[0].error})")
    return ExitStatus.OK


@app.command("precheck")
def precheck(
    reports: Annotated[Path, typer.Option("--reports", help="Folder for the reports: ACCOUNT/REGION/CLUSTER/ "
                                          "report.json (+ md, html, junit), where 'fleet scan' finds them.")],
    user: connect_options.UserOpt = None,
    iam: connect_options.IamOpt = False,
    ssl_ca: connect_options.SslCaOpt = None,
    defaults_file: connect_options.DefaultsFileOpt = None,
    region: RegionsOpt = None,
    profile: ProfilesOpt = None,
    accounts: AccountsOpt = None,
    role_name: RoleOpt = None,
    tag: TagOpt = None,
    cluster: Annotated[Optional[list[str]], typer.Option(
        "--cluster", help="Only these cluster ids (a comma list, or repeat it; default every 5.7 cluster).")] = None,
    endpoint: Annotated[Optional[list[str]], typer.Option(
        "--endpoint", help="CLUSTER=HOST[:PORT]: connect there instead of the cluster's endpoint, e.g. a tunnel "
        "(a comma list, or repeat it).")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Clusters scanned at once (1-32).")] = 4,
    statement_timeout: Annotated[int, typer.Option("--statement-timeout", help="Seconds any one metadata query may "
                                                   "run (passed to each precheck).")] = 60,
    timeout: Annotated[int, typer.Option("--timeout", help="Seconds one cluster's whole scan may take.")] = 1800,
    secret_tag: Annotated[Optional[str], typer.Option(
        "--secret-tag", help="A secret per cluster: its tag KEY names a Secrets Manager secret {\"username\", "
        "\"password\"} (the RDS shape) in the cluster's account and Region.")] = None,
    parallel: ParallelOpt = 8,
) -> ExitStatus:
    """Run the live precheck of many clusters concurrently; each report goes under --reports for 'fleet scan'.

    One scan user for all (--user; --iam tokens, or the password from $AURORA_UPGRADE_PASSWORD or
    --defaults-file), or a secret per cluster (--secret-tag). Exit codes: 0 every cluster READY; 1 some NOT READY or INCOMPLETE; 2 bad input, or
    some cluster could not be scanned (the others' reports are still written).
    """
    from upgrade_cli.fleet import prechecks, render
    from upgrade_cli.fleet.readiness import READY

    if not user and not secret_tag:
        raise ToolError("give --user (the scan user every cluster is read with) or --secret-tag")
    if iam and secret_tag:
        raise ToolError("--iam and --secret-tag exclude each other: a token or a password")
    if not 1 <= concurrency <= 32:
        raise ToolError(f"--concurrency must be between 1 and 32, not {concurrency}")
    if statement_timeout < 1 or timeout < 1:
        raise ToolError("--statement-timeout and --timeout must be at least 1 second")
    if iam and not ssl_ca:
        raise ToolError("--iam needs TLS: give --ssl-ca with the RDS CA bundle")
    overrides = prechecks.parse_endpoints(endpoint or [])
    wanted = list(dict.fromkeys(cluster or []))
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolError(f"--reports {reports}: {exc.strerror or exc}") from None
    inv = _inventory(region, profile, accounts, role_name, tag, parallel, params=False)
    for f in inv.failures:
        err_console.print(f"warning: account {f.account} {f.region or ''} not read: {f.error}", markup=False)
    chosen = [c for c in inv.clusters if (c.cluster in wanted if wanted else c.engine_version.startswith("5.7."))]
    missing = sorted(set(wanted) - {c.cluster for c in chosen})
    if missing:
        raise ToolError(f"--cluster {', '.join(missing)}: not an aurora-mysql cluster in the accounts and Regions read")
    sessions = _sessions(inv)
    targets = []
    for c in chosen:
        host, port = overrides.get(c.cluster) or (c.endpoint, c.port or 3306)
        if not host:
            err_console.print(f"warning: {c.cluster} has no endpoint yet: skipped", markup=False)
            continue
        login: dict[str, Any] = {}
        if secret_tag:
            login = _secret_login(inv, c, secret_tag)
        targets.append(prechecks.Target(c, host, int(port), sessions.get(c.account, {}), **login))
    if not targets:
        raise ToolError("no cluster to scan (no 5.7 cluster found; or give --cluster)")
    err_console.print(f"scanning {len(targets)} cluster(s), {concurrency} at a time → {reports}", markup=False)
    outcomes = prechecks.run_all(targets, reports=reports, user=user or "", iam=iam, ssl_ca=ssl_ca,
                                 defaults_file=defaults_file, statement_timeout=statement_timeout, timeout=timeout,
                                 concurrency=concurrency, today=_day(None), stale_days=30)
    emit(render.PRECHECKS(outcomes), OutputFormat.console)
    failed = [o for o in outcomes if o.readiness is None or o.exit_code not in (0, 1)]
    if failed:
        raise ToolError(f"{len(failed)} of {len(outcomes)} cluster(s) not fully scanned: "
                        f"{failed[0].target.cluster.cluster}: {failed[0].error or 'no report written'}")
    return ExitStatus.of_findings(any(o.readiness is None or o.readiness.verdict != READY for o in outcomes))


def _secret_login(inv: Any, c: Any, tag: str) -> dict[str, Any]:
    """The Target fields of a cluster's own secret, or the error that keeps it from being scanned."""
    from upgrade_cli.fleet import prechecks

    secret_id = c.tags.get(tag)
    if not secret_id:
        return {"error": f"no tag {tag} naming its secret"}
    try:
        found_user, password = prechecks.secret_login(inv.sessions.get(c.account), c.region, secret_id)
    except ToolError as exc:
        return {"error": str(exc)}
    return {"user": found_user, "password": password}


def _sessions(inv: Any) -> dict[str, dict[str, str]]:
    """The AWS credentials each account's precheck child gets (for --iam tokens), by account."""
    from upgrade_cli.fleet import prechecks

    return {acct: prechecks.credentials_of(session) for acct, session in inv.sessions.items()}
