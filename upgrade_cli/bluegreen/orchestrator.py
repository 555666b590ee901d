"""The blue/green flows: create → wait, gated switchover → verify, cleanup. Journaled and resumable.

Each flow reads the deployment's journal first. A step whose ``intent`` was written but whose
outcome was not (Ctrl-C, kill, lost network mid-call) is never called again: the flow looks the
deployment up and carries on from what AWS reports. Mutating calls go through
:class:`~upgrade_cli.bluegreen.rds.Mutations`, so ``--dry-run`` records them and calls nothing (and
writes no journal entries: a dry run must not change what a later real run resumes from).

The flows never print and never prompt: they tell ``Context.narrator`` what they do (steps, gates,
polls) and ask it before a step that cannot be undone; the CLI's narrator prints and
asks (``--yes`` answers), a test's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from upgrade_cli import aws
from upgrade_cli.bluegreen import cost
from upgrade_cli.bluegreen import gates as G
from upgrade_cli.bluegreen import instance_groups as IG
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.bluegreen import registry as R
from upgrade_cli.bluegreen.journal import DONE, FAILED, INFO, INTENT, Journal
from upgrade_cli.bluegreen.waiter import DeploymentFailed, PollSettings, WaitAborted, wait_for
from upgrade_cli.narrator import Narrator, QuietNarrator
from upgrade_cli.outcome import Blocked, ToolError
from upgrade_cli.params import api as params_api

CALLED = "called"  # the switchover call returned; the outcome is still to be seen
OPEN = (INTENT, CALLED, INFO)  # started, outcome unknown (INFO: a wait gave up): never call again, look it up
AVAILABLE_GRACE_POLLS = 6  # AVAILABLE polls tolerated right after a switchover call (eventual consistency)
OLD_BLUE = bg.OLD_BLUE
RESTORE_STEP = "restore-green-settings"  # after a verified switchover: production gets blue's values back
RESTORE_WHEN = f"once the switchover is verified (journaled step {RESTORE_STEP})"  # a dry run's note on that call
GROUPS_PHASE = "instance-groups"  # journal phase of the green instance group assignment (after create)
EVENTS_STEP = "enable-replica-side-disabled-events"  # after a verified switchover
# information_schema.EVENTS.STATUS of an event that arrived through replication (MySQL 8.0 spells it both ways)
REPLICA_SIDE = ("SLAVESIDE_DISABLED", "REPLICA_SIDE_DISABLED")

Connector = R.Connector


@dataclass
class Context:
    rds: Any  # standard retries, for single calls
    rds_poll: Any  # max_attempts=0: the waiter backs off itself
    cw: Any
    region: str
    journal_dir: Path
    dry_run: bool = False
    poll: PollSettings = field(default_factory=PollSettings)
    narrator: Narrator = field(default_factory=QuietNarrator)  # the CLI passes its console narrator

    def __post_init__(self) -> None:
        self.mutations = bg.Mutations(self.dry_run)

    def journal(self, name: str, lock: str | None = None) -> Journal:
        """The deployment's journal; ``lock`` (the command) holds it against a concurrent run (not for a dry run)."""
        journal = Journal(self.journal_dir, self.region, name)
        if lock and not self.dry_run:
            journal.lock(lock, self.narrator)
        return journal


def confirm(ctx: Context, question: str) -> None:
    """Go on only when the narrator says yes (the CLI asks, or --yes answered); else stop, having changed nothing."""
    if not ctx.narrator.confirm(question):
        raise Blocked("aborted: nothing was changed")


def extended_support(ctx: Context, clusters: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Extended Support estimates of (role, cluster name or ARN) pairs; one that cannot be read is left out."""
    from upgrade_cli import lifecycle

    out = []
    windows = lifecycle.support_windows(ctx.rds)
    for role, ref in clusters:
        try:
            found = aws.describe_cluster(ctx.rds, ref)
            if found is not None:
                out.append({"role": role, **cost.estimate(ctx.rds, found, ctx.region, windows=windows)})
        except ToolError:
            continue
    return out


def cost_lines(estimates: list[dict[str, Any]], why: str) -> list[str]:
    """One ``cost:`` line per estimate (``why``: what the monthly figure is for), as create, status and cleanup say it."""
    return [f"cost: {cost.line(e, e['role'])}{why}" for e in estimates]


def tell_cost(ctx: Context, estimates: list[dict[str, Any]], why: str) -> None:
    for text in cost_lines(estimates, why):
        ctx.narrator.info(text)


def _gates_record(gates: list[G.Gate]) -> list[dict[str, str]]:
    return [{"gate": g.name, "status": g.status, "detail": g.detail} for g in gates]


# =============================================================================================
# create
# =============================================================================================


@dataclass
class CreateRequest:
    cluster: str
    target_version: str
    cluster_group: str
    instance_group: str | None
    name: str | None
    precheck_report: Path | None
    blue: Connector | None

    def inputs(self) -> dict[str, Any]:
        """What identifies "the same create" across re-runs (no secrets: DSNs are not recorded)."""
        return {"cluster": self.cluster, "target_version": self.target_version,
                "cluster_parameter_group": self.cluster_group, "instance_parameter_group": self.instance_group}


def create(ctx: Context, req: CreateRequest, wait: bool) -> dict[str, Any] | None:
    cluster = aws.describe_cluster(ctx.rds, req.cluster)
    if cluster is None:
        raise ToolError(f"DB cluster {req.cluster!r} not found in {ctx.region}")
    name = bg.check_name(req.name or bg.deployment_name_for(req.cluster, req.target_version))
    journal = ctx.journal(name, lock="create")
    dep = _resume_create(ctx, journal, req, name)
    if dep is None:
        dep = _fresh_create(ctx, journal, req, cluster, name, wait)
        if dep is None:  # dry run
            if wait:
                ctx.narrator.planned(f"then poll DescribeBlueGreenDeployments every {ctx.poll.interval:g}s until "
                                     "AVAILABLE")
            return None
    if not wait:
        ctx.narrator.info(f"deployment {dep['BlueGreenDeploymentIdentifier']} is {dep.get('Status')}; follow it with "
                          f"`aurora-upgrade bluegreen status {dep['BlueGreenDeploymentIdentifier']}` or re-run with "
                          "--wait")
        return dep
    if ctx.dry_run:
        ctx.narrator.planned(f"then poll DescribeBlueGreenDeployments every {ctx.poll.interval:g}s until AVAILABLE")
        return dep
    return wait_available(ctx, journal, dep["BlueGreenDeploymentIdentifier"])


def _resume_create(ctx: Context, journal: Journal, req: CreateRequest, name: str) -> dict[str, Any] | None:
    """The deployment an earlier run created (or started creating), or None to create afresh."""
    phase = journal.phase("create")
    if phase not in (INTENT, DONE) or journal.phase("delete-deployment") == DONE:
        return None  # never created, or created and cleaned up since: a new lifecycle
    recorded = journal.last("create").get("inputs") or journal.value("inputs")
    if recorded and recorded != req.inputs():
        raise ToolError(f"journal {journal.path} records a create of {name} with different inputs {recorded}; "
                        "use another --name, or clean the earlier deployment up first")
    dep = bg.lookup_deployment(ctx.rds, journal.value("deployment_id") or name)
    if phase == DONE:
        if dep is None:
            raise ToolError(f"journal {journal.path} says {name} was created, but AWS has no such deployment "
                            "any more (deleted outside this tool?); move the journal aside to start over")
        ctx.narrator.skipped(f"resuming: {name} ({dep['BlueGreenDeploymentIdentifier']}) was already created "
                             f"(journal {journal.path}); not creating it again")
        return dep
    # intent without outcome: the call may or may not have reached AWS.
    if dep is not None:
        ctx.narrator.skipped(f"resuming: the interrupted create of {name} did reach AWS "
                             f"({dep['BlueGreenDeploymentIdentifier']}, {dep.get('Status')}); not creating it again")
        if not ctx.dry_run:
            journal.write("create", "create", DONE, deployment_id=dep["BlueGreenDeploymentIdentifier"],
                          status=dep.get("Status"), recovered=True)
        return dep
    # Nothing exists under the name: the call never took effect. Deployment names are unique per
    # account and Region, so a new attempt cannot produce a second deployment.
    ctx.narrator.info(f"the interrupted create of {name} never reached AWS (no deployment by that name); "
                      "starting it again")
    if not ctx.dry_run:
        journal.write("create", "create", FAILED, error="interrupted before AWS recorded the deployment")
    return None


def _settle(ctx: Context, groups: list[tuple[str, str]], wait: bool) -> None:
    """With --wait (not in a dry run), sleep until AWS's 5 minutes after a group change are up; the
    groups-settled gate then judges the groups as they are."""
    if not wait or ctx.dry_run:
        return
    gate = G.groups_settled(ctx.rds, groups)
    until = gate.value if gate.status == G.FAIL else None
    while until is not None:
        remaining = (until - bg.utcnow()).total_seconds()
        ctx.narrator.started(f"waiting {max(remaining, 0):.0f}s for the parameter group change to settle (AWS asks "
                             "for 5 minutes before building from a changed group)")
        ctx.poll.sleep(max(remaining, 1.0))
        gate = G.groups_settled(ctx.rds, groups)
        until = gate.value if gate.status == G.FAIL else None


def _fresh_create(ctx: Context, journal: Journal, req: CreateRequest, cluster: dict[str, Any],
                  name: str, wait: bool = False) -> dict[str, Any] | None:
    existing = bg.lookup_deployment(ctx.rds, name)
    if existing is not None:
        raise ToolError(f"a deployment named {name} already exists ({existing['BlueGreenDeploymentIdentifier']}, "
                        f"{existing.get('Status')}) and journal {journal.path} has no record of creating it; "
                        f"see `aurora-upgrade bluegreen status {existing['BlueGreenDeploymentIdentifier']}` "
                        "or choose another --name")
    try:
        plan = IG.plan_for(ctx.rds, bg.cluster_instances(ctx.rds, cluster), req.cluster_group, req.instance_group)
    except ToolError as exc:  # the target-instance-group gate fails with it
        plan = IG.Planned({}, "not read", error=str(exc))
    groups = [(req.cluster_group, "cluster")] + [(g, "instance") for g in sorted(set(plan.groups.values()))]
    _settle(ctx, groups, wait)
    gates = R.run_phase(R.CREATE, {"rds": ctx.rds, "cluster": cluster, "cluster_group": req.cluster_group,
                                   "planned": plan, "groups": groups,
                                   "requested_version": req.target_version, "precheck_report": req.precheck_report},
                        {"blue": req.blue})
    resolved = R.provided(gates, "target_version")
    ctx.narrator.checked(f"create gates for {name}", gates)
    tell_cost(ctx, extended_support(ctx, [("blue", cluster["DBClusterIdentifier"])]), ", every month it stays on 5.7")
    failed = [g.name for g in gates if g.blocks]
    if failed:
        if not ctx.dry_run:
            journal.write("create", "gates", FAILED, inputs=req.inputs(), gates=_gates_record(gates))
        raise Blocked(f"not creating {name}: gate(s) failed: {', '.join(failed)}")
    params: dict[str, Any] = {"BlueGreenDeploymentName": name, "Source": cluster["DBClusterArn"],
                              "TargetEngineVersion": resolved or req.target_version,
                              "TargetDBClusterParameterGroupName": req.cluster_group}
    writer_group = plan.writer_group(bg.writer_id(cluster))
    if writer_group:
        params["TargetDBParameterGroupName"] = writer_group
    if ctx.dry_run:
        ctx.mutations.call(ctx.rds, "create_blue_green_deployment", **params)
        _show_planned_assignment(ctx, plan, writer_group)
        ctx.narrator.info("dry run: nothing was created")
        return None
    journal.write("create", "gates", DONE, inputs=req.inputs(), gates=_gates_record(gates),
                  instance_groups=plan.groups, instance_groups_how=plan.how)
    journal.write("create", "create", INTENT, inputs=req.inputs(), request=params)
    try:
        out = ctx.mutations.call(ctx.rds, "create_blue_green_deployment", **params)
    except ToolError as exc:
        dep = bg.lookup_deployment(ctx.rds, name)  # a retried call may have landed after all
        if dep is None:
            journal.write("create", "create", FAILED, error=str(exc))
            raise
        out = {"BlueGreenDeployment": dep}
    dep = out["BlueGreenDeployment"]
    journal.write("create", "create", DONE, deployment_id=dep["BlueGreenDeploymentIdentifier"],
                  status=dep.get("Status"), source=dep.get("Source"), target=dep.get("Target"))
    ctx.narrator.done(f"created {name}: {dep['BlueGreenDeploymentIdentifier']} ({dep.get('Status')})")
    ctx.narrator.note(G.GREEN_LAG_OPTIONS)
    return dep


def _tasks_failed(dep: dict[str, Any]) -> list[str]:
    return [t.get("Name", "?") for t in dep.get("Tasks", []) if t.get("Status") == "FAILED"]


def _check_provisioning(dep: dict[str, Any]) -> None:
    ident, details = dep["BlueGreenDeploymentIdentifier"], dep.get("StatusDetails") or "no details given"
    if dep.get("Status") == bg.INVALID_CONFIGURATION:
        raise DeploymentFailed(f"deployment {ident} is INVALID_CONFIGURATION: {details}", dep)
    failed = _tasks_failed(dep)
    if failed:
        raise DeploymentFailed(f"deployment {ident}: task {', '.join(failed)} FAILED: {details}", dep)
    if dep.get("Status") in (bg.SWITCHOVER_IN_PROGRESS, bg.SWITCHOVER_COMPLETED, bg.SWITCHOVER_FAILED, bg.DELETING):
        raise DeploymentFailed(f"deployment {ident} is {dep['Status']}, not provisioning", dep)


def _is_ready(dep: dict[str, Any]) -> bool:
    return dep.get("Status") == bg.AVAILABLE and all(t.get("Status") == "COMPLETED" for t in dep.get("Tasks", []))


def wait_available(ctx: Context, journal: Journal, ident: str) -> dict[str, Any]:
    if journal.phase("wait-available") == DONE:
        dep = bg.find_deployment(ctx.rds, ident)
        if _is_ready(dep):
            ctx.narrator.skipped(f"{ident} is AVAILABLE")
            return dep
    journal.write("create", "wait-available", INTENT, deployment_id=ident)
    ctx.narrator.started(f"waiting for {ident} to become AVAILABLE (poll every {ctx.poll.interval:g}s, "
                         f"timeout {ctx.poll.timeout:g}s)")
    try:
        dep = wait_for(lambda: bg.poll_deployment(ctx.rds_poll, ident), _is_ready, _check_provisioning, ctx.poll,
                       f"{ident} to become AVAILABLE", ctx.narrator)
    except DeploymentFailed as exc:
        journal.write("create", "wait-available", FAILED, status=exc.snapshot.get("Status"),
                      status_details=exc.snapshot.get("StatusDetails"), failed_tasks=_tasks_failed(exc.snapshot),
                      error=str(exc))
        raise
    except WaitAborted as exc:
        journal.write("create", "wait-available", INFO, error=str(exc))
        raise WaitAborted(f"{exc}; the deployment exists: re-run the same command to keep waiting "
                          "(it will not be created again)") from None
    journal.write("create", "wait-available", DONE, status=dep.get("Status"))
    assign_instance_groups(ctx, journal, dep)
    ctx.narrator.done(f"{ident} is AVAILABLE: validate green, then `aurora-upgrade bluegreen switchover {ident}`")
    return dep


def _show_planned_assignment(ctx: Context, plan: IG.Planned, writer_group: str | None) -> None:
    """Dry run of create: the group moves made once green exists (its instance names are AWS's to choose)."""
    moves = {blue: group for blue, group in sorted(plan.groups.items()) if group != writer_group}
    if not moves:
        return
    when = ("once AVAILABLE (journaled, also re-checked by `bluegreen switchover`): each green instance gets the 8.0 "
            "group planned for its blue partner")
    for blue, group in moves.items():
        green = f"<green partner of {blue}>"
        ctx.mutations.call(ctx.rds, "modify_db_instance", when=when, DBInstanceIdentifier=green,
                           DBParameterGroupName=group, ApplyImmediately=True)
        ctx.mutations.call(ctx.rds, "reboot_db_instance", when=when, DBInstanceIdentifier=green)


def _planned_groups(ctx: Context, journal: Journal, dep: dict[str, Any]) -> IG.Planned:
    """The groups recorded at create, else read again from the tags (a deployment created elsewhere)."""
    recorded = journal.value("instance_groups")
    if recorded:
        return IG.Planned(dict(recorded), journal.value("instance_groups_how") or "recorded at create")
    blue = aws.describe_cluster(ctx.rds, dep["Source"])
    if blue is None:
        return IG.Planned({}, "blue cluster not found")
    inputs = journal.value("inputs") or {}
    green = aws.describe_cluster(ctx.rds, dep["Target"]) if dep.get("Target") else None
    return IG.plan_for(ctx.rds, bg.cluster_instances(ctx.rds, blue),
                       inputs.get("cluster_parameter_group") or (green or {}).get("DBClusterParameterGroup"),
                       inputs.get("instance_parameter_group"))


def assign_instance_groups(ctx: Context, journal: Journal, dep: dict[str, Any],
                           plan: IG.Planned | None = None) -> tuple[dict[str, str], list[IG.Step]]:
    """Put every green instance on its planned 8.0 group and reboot it.

    Returns green id -> planned group, and the calls that were needed (made, or recorded in a dry run).

    Each call is journaled (intent → done) and made only when AWS still shows it is needed (the group
    differs, or the change is pending a reboot), so a re-run after an interruption repeats nothing
    that took effect. ``--dry-run`` records the calls.
    """
    plan = plan or _planned_groups(ctx, journal, dep)
    wanted = IG.wanted_by_green(plan.groups, IG.green_partners(ctx.rds, dep))
    green = aws.describe_cluster(ctx.rds, dep["Target"]) if dep.get("Target") else None
    if not wanted or green is None:
        return wanted, []
    steps = IG.steps_for({i["DBInstanceIdentifier"]: i for i in bg.cluster_instances(ctx.rds, green)}, wanted)
    if steps:
        ctx.narrator.started(f"each green instance gets the 8.0 instance group planned for its blue partner "
                             f"({plan.how}):")
    for step in steps:
        if ctx.dry_run:
            ctx.mutations.call(ctx.rds, step.operation, **step.params)
            continue
        if step.operation == "reboot_db_instance":
            _wait_instances(ctx, green, [step.green], lambda i: i.get("DBInstanceStatus") == "available",
                            "available before its reboot")
        journal.write(GROUPS_PHASE, step.name, INTENT, request=step.params)
        ctx.mutations.call(ctx.rds, step.operation, **step.params)
        journal.write(GROUPS_PHASE, step.name, DONE)
    if steps and not ctx.dry_run:
        _wait_instances(ctx, green, sorted(wanted), lambda i: i.get("DBInstanceStatus") == "available"
                        and IG.apply_status(i) in (None, IG.IN_SYNC), "available with its group in-sync")
        ctx.narrator.done("green instance groups: " + ", ".join(f"{g}={p}" for g, p in sorted(wanted.items())))
    return wanted, steps


def _wait_instances(ctx: Context, cluster: dict[str, Any], ids: list[str], ready: Callable[[dict[str, Any]], bool],
                    what: str) -> None:
    start = ctx.poll.clock()
    while True:
        found = {i["DBInstanceIdentifier"]: i for i in bg.cluster_instances(ctx.rds, cluster)}
        if all(gid in found and ready(found[gid]) for gid in ids):
            return
        if ctx.poll.clock() - start >= ctx.poll.timeout:
            raise WaitAborted(f"timed out waiting for {', '.join(ids)} to be {what}; re-run to continue (calls "
                              "that took effect are not repeated)")
        ctx.poll.sleep(ctx.poll.interval)


# =============================================================================================
# switchover
# =============================================================================================


@dataclass
class SwitchoverRequest:
    ref: str
    timeout: int
    max_lag: float
    lag_minutes: int
    max_trx_seconds: int
    overrides: list[str]
    precheck_report: Path | None
    bench_report: Path | None
    blue: Connector | None
    green: Connector | None
    blue_writer: Connector | None = None  # the same endpoint, writable: re-enables events after the switchover


def switchover_gates(ctx: Context, dep: dict[str, Any], req: SwitchoverRequest,
                     planned: IG.Assignment | None = None) -> list[G.Gate]:
    """``planned``: the green instance groups the switchover assigned (see :func:`assign_instance_groups`)."""
    gates = R.run_phase(R.SWITCHOVER, {"rds": ctx.rds, "cw": ctx.cw, "dep": dep, "max_lag": req.max_lag,
                                       "lag_minutes": req.lag_minutes, "max_trx_seconds": req.max_trx_seconds,
                                       "precheck_report": req.precheck_report, "bench_report": req.bench_report,
                                       "planned": planned or IG.Assignment({}, "not read")},
                        {"blue": req.blue, "green": req.green})
    return R.apply_overrides(gates, req.overrides, R.SWITCHOVER)


def switchover(ctx: Context, req: SwitchoverRequest) -> dict[str, Any]:
    R.check_overrides(R.SWITCHOVER, req.overrides)  # reject unknown gate names before anything else
    dep = bg.find_deployment(ctx.rds, req.ref)
    ident, name = dep["BlueGreenDeploymentIdentifier"], dep["BlueGreenDeploymentName"]
    journal = ctx.journal(name, lock="switchover")
    phase = journal.phase("switchover")
    blue_name = journal.value("blue_cluster") or bg.production_name(dep)

    if phase in OPEN:
        ctx.narrator.skipped(f"resuming: an earlier switchover of {ident} was started (journal {journal.path}); "
                             "following it, not calling SwitchoverBlueGreenDeployment again")
        if ctx.dry_run:
            return dep
        return _follow_switchover(ctx, journal, ident, blue_name, req, resumed=True)
    if dep.get("Status") == bg.SWITCHOVER_COMPLETED:
        ctx.narrator.skipped(f"{ident} already switched over: {dep.get('StatusDetails') or ''}".rstrip(": "))
        if not ctx.dry_run:
            _verify(ctx, journal, blue_name, req.blue)
        _restore_green_settings(ctx, journal, dep, blue_name)  # a dry run records the call a real run makes
        _enable_events(ctx, journal, req.blue_writer)
        return dep
    if dep.get("Status") == bg.SWITCHOVER_IN_PROGRESS:
        ctx.narrator.skipped(f"{ident} is already switching over (started elsewhere); following it")
        if ctx.dry_run:
            return dep
        journal.write("switchover", "switchover", CALLED, deployment_id=ident, blue_cluster=blue_name,
                      note="found in progress, not started by this run")
        return _follow_switchover(ctx, journal, ident, blue_name, req, resumed=True)

    try:
        plan = _planned_groups(ctx, journal, dep)
        wanted, needed = assign_instance_groups(ctx, journal, dep, plan)
        assigned = IG.Assignment(wanted, plan.how, pending_in_dry_run=bool(ctx.dry_run and needed))
    except ToolError as exc:  # the green-instance-groups gate fails with it
        assigned = IG.Assignment({}, "not read", error=str(exc))
    gates = switchover_gates(ctx, dep, req, assigned)
    ctx.narrator.checked(f"switchover gates for {name} ({ident})", gates)
    failed = [g.name for g in gates if g.blocks]
    not_run = [g.name for g in gates if g.status == G.NOT_RUN]
    if failed or not_run:
        if not ctx.dry_run:
            journal.write("switchover", "switchover-gates", FAILED, deployment_id=ident, gates=_gates_record(gates))
        if {G.replica_lag_metric.spec.name, G.replica_status.spec.name} & set(failed):
            ctx.narrator.note(G.GREEN_LAG_OPTIONS)
        why = ([f"gate(s) failed: {', '.join(failed)}"] if failed else []) + (
            [f"SQL gate(s) not run: {', '.join(not_run)} (give the connection)"] if not_run else [])
        raise Blocked(f"switchover of {ident} stopped: {'; '.join(why)} "
                      "(fix the cause, or accept the risk with --override GATE)")
    params = {"BlueGreenDeploymentIdentifier": ident, "SwitchoverTimeout": req.timeout}
    if ctx.dry_run:
        ctx.mutations.call(ctx.rds, "switchover_blue_green_deployment", **params)
        ctx.narrator.planned(f"then poll DescribeBlueGreenDeployments every {ctx.poll.interval:g}s until "
                             "SWITCHOVER_COMPLETED or SWITCHOVER_FAILED")
        restore = _restore_plan(ctx, bg.arn_name(dep["Source"]), aws.describe_cluster(ctx.rds, dep["Target"]))
        if restore:
            ctx.mutations.call(ctx.rds, "modify_db_cluster_parameter_group", when=RESTORE_WHEN, **restore)
        enabled = _enabled_events(req.blue)
        if enabled:
            ctx.narrator.planned(f"then (journaled step {EVENTS_STEP}): any of these events enabled on blue that "
                                 "production shows replica-side disabled is enabled again with ALTER EVENT ... ENABLE: "
                                 + ", ".join(enabled))
        ctx.narrator.info("dry run: nothing was switched")
        return dep
    journal.write("switchover", "switchover-gates", DONE, deployment_id=ident, gates=_gates_record(gates))
    confirm(ctx, f"Switch over {name} ({ident})? Writes stop on both sides for up to {req.timeout}s; "
                 f"{blue_name} becomes {blue_name}-old1 and green takes its name.")
    try:
        restore = _restore_plan(ctx, bg.arn_name(dep["Source"]), aws.describe_cluster(ctx.rds, dep["Target"]))
    except ToolError as exc:  # never a reason to stop a gated switchover: say what to check instead
        restore = None
        ctx.narrator.warn(f"could not read blue's parameter groups ({exc}); after the switchover, check that "
                          "event_scheduler in production's cluster group is what blue ran with")
    journal.write("switchover", "switchover", INTENT, deployment_id=ident, blue_cluster=blue_name,
                  green_cluster=bg.arn_name(dep["Target"]), request=params, restore=restore,
                  blue_events_enabled=_enabled_events(req.blue))
    try:
        ctx.mutations.call(ctx.rds, "switchover_blue_green_deployment", **params)
    except ToolError as exc:
        now = bg.lookup_deployment(ctx.rds, ident)  # a retried call may have landed after all
        if now is None or now.get("Status") not in (bg.SWITCHOVER_IN_PROGRESS, bg.SWITCHOVER_COMPLETED):
            journal.write("switchover", "switchover", FAILED, error=str(exc))
            raise
    journal.write("switchover", "switchover", CALLED, deployment_id=ident)
    return _follow_switchover(ctx, journal, ident, blue_name, req, resumed=False)


def _follow_switchover(ctx: Context, journal: Journal, ident: str, blue_name: str, req: SwitchoverRequest,
                       resumed: bool) -> dict[str, Any]:
    seen = {"in_progress": False, "available_polls": 0}

    def check(dep: dict[str, Any]) -> None:
        status, details = dep.get("Status"), dep.get("StatusDetails") or "no details given"
        if status == bg.SWITCHOVER_IN_PROGRESS:
            seen["in_progress"] = True
        elif status == bg.SWITCHOVER_FAILED:
            raise DeploymentFailed(f"switchover of {ident} FAILED and was rolled back: {details}; blue is still "
                                   "production. Fix the cause and run switchover again", dep)
        elif status == bg.AVAILABLE:
            seen["available_polls"] += 1
            if seen["in_progress"] or resumed or seen["available_polls"] > AVAILABLE_GRACE_POLLS:
                raise DeploymentFailed(f"switchover of {ident} did not happen or was rolled back (deployment is "
                                       f"AVAILABLE again: {details}); blue is still production. Run switchover "
                                       "again to start a new attempt", dep)
        elif status != bg.SWITCHOVER_COMPLETED:
            raise DeploymentFailed(f"deployment {ident} is {status} during switchover: {details}", dep)

    try:
        dep = wait_for(lambda: bg.poll_deployment(ctx.rds_poll, ident),
                       lambda d: d.get("Status") == bg.SWITCHOVER_COMPLETED, check, ctx.poll,
                       f"the switchover of {ident}", ctx.narrator)
    except DeploymentFailed as exc:
        journal.write("switchover", "switchover", FAILED, status=exc.snapshot.get("Status"),
                      status_details=exc.snapshot.get("StatusDetails"), error=str(exc))
        raise
    except WaitAborted as exc:
        journal.write("switchover", "switchover", INFO, error=str(exc))
        raise WaitAborted(f"{exc}; re-run `aurora-upgrade bluegreen switchover {ident}` to keep following it "
                          "(it will not switch over again)") from None
    journal.write("switchover", "switchover", DONE, status=dep.get("Status"),
                  status_details=dep.get("StatusDetails"), old_blue=bg.arn_name(dep.get("Source", "")))
    ctx.narrator.done(f"switchover of {ident} completed: {dep.get('StatusDetails') or ''}".rstrip(": "))
    _verify(ctx, journal, blue_name, req.blue)
    _restore_green_settings(ctx, journal, dep, blue_name)
    _enable_events(ctx, journal, req.blue_writer)
    _binlog_repoint(ctx.narrator, blue_name)
    return dep


def _restore_plan(ctx: Context, old_blue: str, production: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ModifyDBClusterParameterGroup that gives production blue's values of what green started without
    (``params.api.restore_call``), read before the switchover call (journaled with its intent), or from the
    renamed ``-oldN`` cluster when the switchover happened elsewhere. None when nothing differs.
    """
    return params_api.restore_call(ctx.rds, old_blue, production)


def _restore_green_settings(ctx: Context, journal: Journal, dep: dict[str, Any], production: str) -> None:
    """Journaled: production (the former green) gets back what green had to start without (event_scheduler)."""
    if journal.phase(RESTORE_STEP) == DONE:
        return
    params = journal.value("restore")  # read from blue's groups just before the switchover call
    if params is None:  # switched over elsewhere: read the renamed old blue's groups instead
        fresh = bg.find_deployment(ctx.rds, dep["BlueGreenDeploymentIdentifier"])
        params = _restore_plan(ctx, bg.arn_name(fresh["Source"]), aws.describe_cluster(ctx.rds, production))
    if params is None:
        return
    if ctx.dry_run:
        ctx.mutations.call(ctx.rds, "modify_db_cluster_parameter_group", when=RESTORE_WHEN, **params)
        return
    journal.write("switchover", RESTORE_STEP, INTENT, request=params)
    ctx.mutations.call(ctx.rds, "modify_db_cluster_parameter_group", **params)
    journal.write("switchover", RESTORE_STEP, DONE, group=params["DBClusterParameterGroupName"])
    shown = ", ".join(f"{p['ParameterName']}={p['ParameterValue']}" for p in params["Parameters"])
    ctx.narrator.done(f"set {shown} in {params['DBClusterParameterGroupName']} (production's cluster group), as "
                      "blue ran it")


def _binlog_repoint(narrator: Narrator, production: str) -> None:
    """After the switchover: what anything that read blue's binlog has to do now."""
    narrator.note(
        f"binlog consumers (external replicas, DMS, Debezium/CDC; the create gate binlog-consumers listed those it "
        f"saw): replication from blue stopped at the switchover and {production}-old1 takes no more writes. For each:"
        f"\n  1. stop it;"
        f"\n  2. point it at {production}'s writer endpoint (same name, now 8.0): its binary log files and positions "
        f"are its own, not blue's: start from a position at or before the switchover (SHOW BINARY LOGS on "
        f"production; the switchover time is in the journal) and let the consumer skip what it already applied, "
        f"or re-seed it;"
        f"\n  3. keep binlog retention on production long enough for it to catch up "
        f"(CALL mysql.rds_set_configuration('binlog retention hours', N)).")


def _events(conn: Any) -> dict[str, str]:
    """Every event as ```schema`.`name``` -> information_schema.EVENTS.STATUS."""
    with conn.cursor() as cur:
        cur.execute("SELECT EVENT_SCHEMA, EVENT_NAME, STATUS FROM information_schema.EVENTS")
        return {f"`{db.replace('`', '``')}`.`{name.replace('`', '``')}`": str(status)
                for db, name, status in cur.fetchall()}


def _enabled_events(blue: Connector | None) -> list[str] | None:
    """Blue's ENABLED events, read before the switchover (None when there is no connection or it fails)."""
    import pymysql  # here, not at the top: bluegreen's AWS-only commands start without it

    if blue is None:
        return None
    try:
        conn = blue()
        try:
            return sorted(e for e, status in _events(conn).items() if status == "ENABLED")
        finally:
            conn.close()
    except (ToolError, pymysql.err.MySQLError):
        return None


def _enable_events(ctx: Context, journal: Journal, writer: Connector | None) -> None:
    """Journaled: events that reached green through replication are REPLICA_SIDE_DISABLED on production now.

    MySQL marks every event created or altered on a source as disabled on the replica that applies it,
    whatever its status on the source, and turning event_scheduler ON does not enable it. Those that were
    ENABLED on blue (read just before the switchover) are enabled again; when blue's list could not be read,
    the events are named with the statement to run, and nothing is enabled.
    """
    if journal.phase(EVENTS_STEP) == DONE:
        return
    if writer is None:
        ctx.narrator.note("events created or altered on blue during the deployment are replica-side disabled on "
                          "production; give --blue-dsn to have them re-enabled, or check information_schema.EVENTS "
                          f"for STATUS {' / '.join(REPLICA_SIDE)} and ALTER EVENT ... ENABLE them")
        return
    import pymysql  # here, not at the top: bluegreen's AWS-only commands start without it

    blue_enabled = journal.value("blue_events_enabled")
    conn = writer()
    try:
        disabled = sorted(e for e, status in _events(conn).items() if status in REPLICA_SIDE)
        if blue_enabled is None:
            if disabled:
                ctx.narrator.note(f"{len(disabled)} event(s) on production are replica-side disabled and blue's "
                                  "event list was not read before the switchover (no --blue-dsn): enable those that "
                                  f"ran on blue with ALTER EVENT ... ENABLE: {', '.join(disabled)}")
            return
        todo = [e for e in disabled if e in blue_enabled]
        if not todo:
            return
        statements = [f"ALTER EVENT {e} ENABLE" for e in todo]
        why = "enabled on blue"
        if ctx.dry_run:
            ctx.narrator.planned(f"then (journaled step {EVENTS_STEP}, {why}):")
            for sql in statements:
                ctx.narrator.planned(f"would run on production: {sql}")
            return
        journal.write("switchover", EVENTS_STEP, INTENT, statements=statements)
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
        journal.write("switchover", EVENTS_STEP, DONE, enabled=todo)
        ctx.narrator.done(f"enabled {len(todo)} replica-side disabled event(s) on production ({why}): "
                          f"{', '.join(todo)}")
    except pymysql.err.MySQLError as exc:
        raise ToolError(f"could not re-enable events on production: MySQL error "
                        f"{exc.args[0] if exc.args else exc}; run ALTER EVENT ... ENABLE by hand") from None
    finally:
        conn.close()


def _verify(ctx: Context, journal: Journal, blue_name: str, blue: Connector | None) -> None:
    """The cluster that now carries the blue name must run 8.0 (API; and SQL through the endpoint if given)."""
    cluster = aws.describe_cluster(ctx.rds, blue_name)
    version = cluster.get("EngineVersion", "") if cluster else None
    problems = []
    if version is None:
        problems.append(f"no cluster named {blue_name} after switchover")
    elif not version.startswith("8.0"):
        problems.append(f"{blue_name} runs {version}, not 8.0")
    sql_version = None
    if blue is not None:
        import pymysql  # here, not at the top: only this SQL check needs it
        try:
            conn = blue()
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT @@version")
                    sql_version = str(cur.fetchone()[0])
            finally:
                conn.close()
            if not sql_version.startswith("8.0"):
                problems.append(f"the cluster endpoint serves {sql_version}, not 8.0")
        except ToolError as exc:
            problems.append(f"could not check the endpoint by SQL: {exc}")
        except pymysql.err.MySQLError as exc:
            problems.append(f"could not check the endpoint by SQL: MySQL error {exc.args[0] if exc.args else exc}")
    if problems:
        journal.write("switchover", "verify", FAILED, engine_version=version, sql_version=sql_version,
                      error="; ".join(problems))
        raise Blocked(f"verification after switchover failed: {'; '.join(problems)}")
    journal.write("switchover", "verify", DONE, engine_version=version, sql_version=sql_version)
    ctx.narrator.done(f"verified: {blue_name} now runs {version}" + (f"; endpoint reports {sql_version}"
                                                                     if sql_version else ""))


# =============================================================================================
# cleanup
# =============================================================================================


def status_report(ctx: Context, ref: str, lag_minutes: int = 5) -> dict[str, Any]:
    """Deployment, tasks, members, green endpoints, replica lag and the journal's last step."""
    dep = bg.find_deployment(ctx.rds, ref)
    green = aws.describe_cluster(ctx.rds, dep["Target"]) if dep.get("Target") else None
    green_info = None
    lag = None
    if green is not None:
        writer = bg.writer_id(green)
        green_info = {"cluster": green["DBClusterIdentifier"], "engine_version": green.get("EngineVersion"),
                      "status": green.get("Status"), "endpoint": green.get("Endpoint"),
                      "reader_endpoint": green.get("ReaderEndpoint"),
                      "custom_endpoints": green.get("CustomEndpoints", []), "writer": writer}
        if writer and dep.get("Status") not in (bg.SWITCHOVER_COMPLETED,):
            points = bg.replica_lag(ctx.cw, writer, lag_minutes)
            if points:
                lag = {"seconds": points[-1]["Maximum"], "at": points[-1]["Timestamp"], "metric": bg.LAG_METRIC}
    journal = ctx.journal(dep["BlueGreenDeploymentName"])
    entries = journal.entries()
    last = entries[-1] if entries else None
    source = "old blue" if dep.get("Status") == bg.SWITCHOVER_COMPLETED else "blue"
    return bg.jsonable({"deployment": dep, "green": green_info, "replica_lag": lag,
                        "journal": {"path": str(journal.path), "last": last},
                        "extended_support": extended_support(ctx, [(source, dep["Source"])]) if dep.get("Source")
                        else []})


def list_report(ctx: Context) -> list[dict[str, Any]]:
    return bg.jsonable([{k: d.get(k) for k in ("BlueGreenDeploymentIdentifier", "BlueGreenDeploymentName",
                                                "Status", "Source", "Target", "CreateTime")}
                        for d in aws.paginate(ctx.rds, "describe_blue_green_deployments",
                                                 "BlueGreenDeployments")])
