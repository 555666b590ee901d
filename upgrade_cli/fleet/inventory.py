"""The inventory: every aurora-mysql cluster of the accounts and Regions asked for, read in bounded parallel.

Calls grow with pages, not with clusters. Per account and Region: one paginated ``DescribeDBClusters``
(engine filter; tags come in each cluster's ``TagList``), one paginated ``DescribeDBInstances`` (the
classes of every member), one paginated ``DescribeBlueGreenDeployments``, and two
``DescribeDBClusterParameters`` listings per distinct 5.7 cluster parameter group, however many clusters
share it. Per account one ``GetCallerIdentity`` or ``AssumeRole``; per run one lifecycle read and one
read of each family's engine defaults. Throttling is retried by botocore's ``adaptive`` mode (exponential
backoff plus a client-side rate limiter shared by the client's threads).

Contract on failure: an account whose role cannot be assumed, or a Region that answers AccessDenied
(an opt-in Region not enabled, an SCP), becomes a :class:`Failure` in the result and the rest of the
fleet is still read; a scan with failures says ``complete: false``. Only bad input raises.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from upgrade_cli import aws
from upgrade_cli.inputs import decode_text, read_input
from upgrade_cli.outcome import ToolError
from upgrade_cli.params import api as params_api

ENGINE = "aurora-mysql"
ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,64}$")
SESSION_NAME = "aurora-upgrade-fleet"
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
# A deployment in these states has finished or is going away: the cluster is no longer moving
DONE_BLUEGREEN = {"SWITCHOVER_COMPLETED", "DELETING"}


@dataclass(frozen=True)
class Principal:
    """One account to scan and the session that reads it (None when it could not be had: ``error`` says why)."""

    account: str
    via: str  # "current credentials", "profile NAME", "role arn:aws:iam::...:role/NAME"
    session: Any = None
    error: str | None = None


@dataclass(frozen=True)
class ParamsSummary:
    """What the 5.7 cluster parameter group would carry into 8.0 that blocks green (``params diff``'s errors)."""

    group: str
    errors: tuple[str, ...]  # "parameter: why", one per error finding
    warnings: int
    note: str | None = None  # why it could not be read (then errors is empty and means nothing)


@dataclass
class Cluster:
    account: str
    region: str
    cluster: str
    arn: str
    engine_version: str
    status: str
    instance_classes: list[str]  # one entry per instance
    tags: dict[str, str]
    parameter_group: str | None
    endpoint: str | None
    port: int | None
    master_user: str | None
    bluegreen: list[dict[str, str]]  # deployments in flight with this cluster as blue: name, id, status, target
    params: ParamsSummary | None = None


@dataclass(frozen=True)
class Failure:
    account: str
    region: str | None  # None: the whole account (its role could not be assumed)
    error: str


@dataclass
class Inventory:
    accounts: list[str]
    regions: list[str]
    clusters: list[Cluster] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    calls: Counter = field(default_factory=Counter)  # API operation → calls made (retries not counted)
    green_clusters: int = 0  # green clusters of in-flight deployments: shown with their blue, not as clusters
    first_client: Any = None  # an RDS client that answered: the run's lifecycle read uses it
    sessions: dict[str, Any] = field(default_factory=dict)  # account → the boto3 Session that read it


# ---------------------------------------------------------------------------------------------
# Input: accounts file, tags, Regions
# ---------------------------------------------------------------------------------------------


def read_accounts(path: Path) -> list[str]:
    """``--accounts FILE``: one 12-digit account id a line, ``#`` comments; anything else is one line, exit 2."""
    text = decode_text(read_input(path, "accounts file"), path, "accounts file")
    out: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not ACCOUNT_ID.match(line):
            raise ToolError(f"{path}:{n}: not a 12-digit AWS account id: {line[:40]!r}")
        if line not in out:
            out.append(line)
    if not out:
        raise ToolError(f"{path} lists no account id (one 12-digit id a line, # for comments)")
    return out


def parse_tags(specs: list[str]) -> dict[str, str]:
    """``--tag KEY=VALUE`` (a comma list, or repeated; every one must match)."""
    out: dict[str, str] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep or not key.strip():
            raise ToolError(f"--tag must be KEY=VALUE, not {spec!r}")
        out[key.strip()] = value.strip()
    return out


def known_regions() -> set[str]:
    """Every RDS Region botocore knows, in every partition (offline: botocore's endpoint data)."""
    import boto3

    session = boto3.Session()
    return {r for p in PARTITIONS for r in session.get_available_regions("rds", partition_name=p)}


def check_regions(regions: list[str]) -> list[str]:
    known = known_regions()
    for r in regions:
        if r != "all" and r not in known:
            raise ToolError(f"unknown Region {r!r} in --region (e.g. us-east-1, eu-west-1, or 'all')")
    if "all" in regions and len(regions) > 1:
        raise ToolError("--region all cannot be combined with named Regions")
    return regions


def enabled_regions(principal: Principal, region: str | None, counter: Callable) -> tuple[list[str], str | None]:
    """``--region all``: the Regions enabled for this account (EC2 ``DescribeRegions``), else the partition's."""
    try:
        ec2 = _client("ec2", principal.session, region or "us-east-1", counter)
        found = aws.call(ec2, "describe_regions")["Regions"]
        return sorted(r["RegionName"] for r in found if r.get("OptInStatus") != "not-opted-in"), None
    except ToolError as exc:
        import boto3

        names = boto3.Session().get_available_regions("rds")
        return sorted(names), f"--region all: the partition's list of Regions ({exc}); Regions not enabled fail below"


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


def base_sessions(profiles: list[str], region: str | None) -> list[tuple[str, Any]]:
    """(how, session) for the named profiles, or the current credentials."""
    import boto3
    from botocore.exceptions import BotoCoreError

    out = []
    for name in profiles or [None]:
        try:
            out.append((f"profile {name}" if name else "current credentials",
                        boto3.Session(profile_name=name, region_name=region)))
        except BotoCoreError as exc:
            raise ToolError(f"--profile {name}: {exc}") from None
    return out


def identify(how: str, session: Any, region: str | None, counter: Callable) -> Principal:
    try:
        sts = _client("sts", session, region, counter)
        return Principal(aws.call(sts, "get_caller_identity")["Account"], how, session)
    except ToolError as exc:
        return Principal("?", how, None, str(exc))


def assume(account: str, role_name: str, base: Any, region: str | None, counter: Callable) -> Principal:
    """STS AssumeRole into ``arn:aws:iam::{account}:role/{role_name}`` (the AWS Organizations pattern)."""
    import boto3

    arn = f"arn:aws:iam::{account}:role/{role_name}"
    try:
        sts = _client("sts", base, region, counter)
        creds = aws.call(sts, "assume_role", RoleArn=arn, RoleSessionName=SESSION_NAME)["Credentials"]
    except ToolError as exc:
        return Principal(account, f"role {arn}", None, str(exc))
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=region)
    return Principal(account, f"role {arn}", session)


# ---------------------------------------------------------------------------------------------
# The scan
# ---------------------------------------------------------------------------------------------


class _Counter:
    """Counts API calls per operation across threads (botocore's ``before-call`` event: once per call)."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self._lock = threading.Lock()

    def __call__(self, model: Any = None, **_: Any) -> None:
        with self._lock:
            self.calls[model.name if model is not None else "?"] += 1


_CLIENTS = threading.Lock()  # a boto3 Session is not thread-safe; the clients it makes are


def _client(service: str, session: Any, region: str | None, counter: Callable) -> Any:
    with _CLIENTS:  # aws.client makes the client on first use: use it here, under the lock
        api = aws.client(service, region, session=session, retry_mode="adaptive", max_attempts=8)
        api.meta.events.register("before-call", counter)
    return api


@dataclass
class _Shared:
    """What one run reads once, whichever task gets there first."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    defaults: dict[str, Any] = field(default_factory=dict)

    def family_defaults(self, rds: Any, family: str) -> Any:
        with self.lock:
            if family not in self.defaults:
                self.defaults[family] = params_api.family_defaults(rds, family)
            return self.defaults[family]


def scan(*, profiles: list[str], accounts: list[str], role_name: str | None, regions: list[str],
         default_region: str | None, tags: dict[str, str], params: bool = True, parallel: int = 8) -> Inventory:
    """Read the fleet. ``regions`` is a list of names or ``["all"]``; see the module docstring for the calls."""
    counter = _Counter()
    home = default_region or (regions[0] if regions and regions != ["all"] else None)
    bases = base_sessions(profiles, home)
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="fleet") as pool:
        if accounts:
            principals = list(pool.map(lambda a: assume(a, role_name or "", bases[0][1], home, counter), accounts))
        else:
            principals = list(pool.map(lambda b: identify(b[0], b[1], home, counter), bases))
        seen: set[str] = set()
        usable = []
        inv = Inventory(accounts=[], regions=[])
        for p in principals:
            inv.accounts.append(p.account)
            if p.error:
                inv.failures.append(Failure(p.account, None, f"{p.via}: {p.error}"))
            elif p.account not in seen:
                seen.add(p.account)
                usable.append(p)
                inv.sessions[p.account] = p.session
        if regions == ["all"]:
            if usable:
                names, note = enabled_regions(usable[0], home, counter)
            else:
                names, note = [], None
            inv.regions = names
            if note:
                inv.notes.append(note)
        else:
            inv.regions = list(regions)
        shared = _Shared()
        jobs = [(p, r) for p in usable for r in inv.regions]
        for result in pool.map(lambda job: _scan_region(job[0], job[1], tags, params, shared, counter), jobs):
            inv.clusters.extend(result.clusters)
            inv.green_clusters += result.greens
            inv.notes.extend(result.notes)
            if result.failure:
                inv.failures.append(result.failure)
            elif inv.first_client is None:
                inv.first_client = result.client
    inv.clusters.sort(key=lambda c: (c.account, c.region, c.cluster))
    inv.calls = counter.calls
    return inv


@dataclass
class _RegionResult:
    clusters: list[Cluster] = field(default_factory=list)
    failure: Failure | None = None
    greens: int = 0
    notes: list[str] = field(default_factory=list)
    client: Any = None


def _scan_region(p: Principal, region: str, tags: dict[str, str], params: bool, shared: _Shared,
                 counter: Callable) -> _RegionResult:
    try:
        rds = _client("rds", p.session, region, counter)
        engine = [{"Name": "engine", "Values": [ENGINE]}]
        raw = [c for c in aws.paginate(rds, "describe_db_clusters", "DBClusters", Filters=engine)
               if c.get("Engine") == ENGINE]
        classes: dict[str, list[str]] = {}
        if raw:
            for inst in aws.paginate(rds, "describe_db_instances", "DBInstances", Filters=engine):
                if inst.get("DBClusterIdentifier"):
                    classes.setdefault(inst["DBClusterIdentifier"], []).append(inst.get("DBInstanceClass") or "?")
    except ToolError as exc:
        return _RegionResult(failure=Failure(p.account, region, str(exc)))
    result = _RegionResult(client=rds)
    in_flight: dict[str, list[dict[str, str]]] = {}
    if raw:
        try:
            in_flight = _bluegreen(rds)
        except ToolError as exc:
            result.notes.append(f"account {p.account} {region}: blue/green deployments not read: {exc}")
    greens = {d["target_arn"] for ds in in_flight.values() for d in ds}
    for c in raw:
        if c.get("DBClusterArn") in greens:
            result.greens += 1
            continue
        tag_map = {t.get("Key", ""): t.get("Value", "") for t in c.get("TagList") or []}
        if any(tag_map.get(k) != v for k, v in tags.items()):
            continue
        result.clusters.append(Cluster(
            account=p.account, region=region, cluster=c["DBClusterIdentifier"], arn=c.get("DBClusterArn", ""),
            engine_version=c.get("EngineVersion", ""), status=c.get("Status", ""),
            instance_classes=sorted(classes.get(c["DBClusterIdentifier"], [])), tags=tag_map,
            parameter_group=c.get("DBClusterParameterGroup"), endpoint=c.get("Endpoint"), port=c.get("Port"),
            master_user=c.get("MasterUsername"),
            bluegreen=[{k: v for k, v in d.items() if k != "target_arn"} for d in in_flight.get(c["DBClusterArn"], [])]))
    if params:
        _params_summaries(rds, [c for c in result.clusters if c.engine_version.startswith("5.7.")], shared)
    return result


def _bluegreen(rds: Any) -> dict[str, list[dict[str, str]]]:
    """In-flight blue/green deployments by their blue cluster's ARN."""
    out: dict[str, list[dict[str, str]]] = {}
    for d in aws.paginate(rds, "describe_blue_green_deployments", "BlueGreenDeployments"):
        if d.get("Status") not in DONE_BLUEGREEN:
            out.setdefault(d.get("Source", ""), []).append({
                "name": d.get("BlueGreenDeploymentName", ""), "id": d.get("BlueGreenDeploymentIdentifier", ""),
                "status": d.get("Status", ""), "target_arn": d.get("Target", "")})
    return out


def _params_summaries(rds: Any, clusters: list[Cluster], shared: _Shared) -> None:
    """One read and one diff per distinct cluster parameter group of the 5.7 clusters."""
    done: dict[str, ParamsSummary] = {}
    for c in clusters:
        name = c.parameter_group
        if not name:
            continue
        if name not in done:
            try:
                report = params_api.group_report(rds, name, c.engine_version,
                                                 shared.family_defaults(rds, params_api.V2),
                                                 shared.family_defaults(rds, params_api.V3))
                errors = tuple(f"{f.parameter}: {f.note or f.action}" for f in report.findings if f.severity == "error")
                done[name] = ParamsSummary(name, errors, sum(f.severity == "warning" for f in report.findings))
            except ToolError as exc:
                done[name] = ParamsSummary(name, (), 0, str(exc))
        c.params = done[name]
