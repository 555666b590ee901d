"""`aurora-upgrade params`: diff aurora-mysql5.7 and aurora-mysql8.0 parameter groups and plan the 8.0 groups."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional, Sequence

import typer

from upgrade_cli import aws, dryrun
from upgrade_cli.cli_common import (CALLS, App, Blocked, CallListing, DryRunFormat, DryRunFormatOpt, DryRunOpt,
                                    ExitStatus, OutputFormat, ProfileOpt, RegionOpt, ToolError, YesOpt, dry_run_block,
                                    err_console, format_option)
from upgrade_cli.emit import emit
from upgrade_cli.params import HELP, groups, profiles, versions
from upgrade_cli.params.diff import build_report
from upgrade_cli.params.plan import SETTLE_NOTE, after_switchover_call, build_plan, execute, plan_calls, tag_calls
from upgrade_cli.params.render import DIFF, PLAN, TARGETS, PlanShown, Targets

app = App(help=HELP)

ClusterOpt = Annotated[Optional[str], typer.Option("--cluster", help="DB cluster identifier (Aurora MySQL 2).")]
FormatOpt = Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json, OutputFormat.md)]


class TempTableEngine(str, Enum):
    temptable = "temptable"
    memory = "memory"


FromJsonOpt = Annotated[Optional[Path], typer.Option(
    "--from-json", help="Offline: `aws rds describe-db-cluster-parameters` output (no AWS access needed).")]
InstanceJsonOpt = Annotated[Optional[list[Path]], typer.Option(
    "--instance-json", help="Offline: `aws rds describe-db-parameters` output per instance; the first is the "
    "writer (repeatable).")]
InstanceClassOpt = Annotated[Optional[list[str]], typer.Option(
    "--instance-class", help="Offline: the class of each --instance-json, in the same order (comma list, or "
    "repeat it).")]


def _read_params(cluster: str | None, from_json: Path | None, instance_json: list[Path] | None,
                 instance_class: list[str] | None, region: str | None, profile: str | None,
                 extra_live: bool = False) -> tuple[groups.ClusterParams, Any]:
    """The v2 cluster's groups, live (and the RDS client) or from exported JSON (client None)."""
    if from_json:
        if cluster or extra_live:
            raise ToolError("--from-json is offline: do not combine it with --cluster or --target-* groups")
        return groups.from_json(from_json, instance_json or [], instance_class or []), None
    if not cluster:
        raise ToolError("give --cluster ID (or --from-json FILE for an offline run)")
    if instance_json or instance_class:
        raise ToolError("--instance-json/--instance-class only go with --from-json")
    rds = aws.client("rds", region, profile)
    return groups.read_cluster(rds, cluster), rds


@app.command("diff")
def diff(
    cluster: ClusterOpt = None,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    target_cluster_group: Annotated[Optional[str], typer.Option(
        "--target-cluster-group", help="Compare with this aurora-mysql8.0 cluster parameter group.")] = None,
    target_instance_group: Annotated[Optional[str], typer.Option(
        "--target-instance-group", help="Compare with this aurora-mysql8.0 DB parameter group.")] = None,
    from_json: FromJsonOpt = None,
    instance_json: InstanceJsonOpt = None,
    instance_class: InstanceClassOpt = None,
    output_format: FormatOpt = OutputFormat.console,
) -> None:
    """Report what each v2 parameter setting becomes in 8.0, changed defaults, and TempTable sizing per instance."""
    cp, rds = _read_params(cluster, from_json, instance_json, instance_class, region, profile,
                           extra_live=bool(target_cluster_group or target_instance_group))
    tc = groups.read_target_group(rds, target_cluster_group, "cluster") if target_cluster_group else None
    ti = groups.read_target_group(rds, target_instance_group, "instance") if target_instance_group else None
    v2 = groups.family_defaults(rds, profiles.V2)
    v3 = groups.family_defaults(rds, profiles.V3)
    emit(DIFF(build_report(cp, v2, v3, tc, ti)), output_format)


@app.command("plan")
def plan(
    name: Annotated[str, typer.Option("--name", help="Base name: creates NAME-cluster and NAME-instance groups.")],
    cluster: ClusterOpt = None,
    from_json: FromJsonOpt = None,
    instance_json: InstanceJsonOpt = None,
    instance_class: InstanceClassOpt = None,
    temptable_engine: Annotated[TempTableEngine, typer.Option(
        "--temptable-engine", help="internal_tmp_mem_storage_engine for the WRITER: temptable (8.0 default) or "
        "memory (readers are fixed to TempTable).")] = TempTableEngine.temptable,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    apply: Annotated[bool, typer.Option("--apply", help="Create/modify the 8.0 groups (asks first).")] = False,
    allow_unverified: Annotated[bool, typer.Option(
        "--allow-unverified", help="With --apply: send names the 8.0 defaults could not confirm (AWS rejects the "
        "whole call if one does not exist).")] = False,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    dry_run_format: DryRunFormatOpt = None,
    output_format: FormatOpt = OutputFormat.console,
) -> None:
    """Plan aurora-mysql8.0 groups that carry over the cluster's settings; --apply makes them (idempotent)."""
    if apply and dry_run:
        raise ToolError("--apply and --dry-run exclude each other")
    if apply and from_json:
        raise ToolError("--apply needs --cluster (an offline plan can only be shown or dry-run)")
    cp, rds = _read_params(cluster, from_json, instance_json, instance_class, region, profile)
    v2 = groups.family_defaults(rds, profiles.V2)
    v3 = groups.family_defaults(rds, profiles.V3)
    the_plan = build_plan(cp, v2, v3, name, temptable_engine.value)
    calls = plan_calls(rds, the_plan) if (apply or dry_run) else None
    shown = None if calls is None else [*calls, *tag_calls(rds, calls)]  # each changed group is then stamped
    if dry_run_format is not None and calls is None:
        raise ToolError("--dry-run-format goes with --dry-run (or --apply, for the calls it shows first)")
    if dry_run_format == DryRunFormat.aws_cli and output_format == OutputFormat.json:
        raise ToolError("--format json lists the calls in the document as JSON (api_calls); --dry-run-format aws-cli "
                        "goes with --format console or md")
    emit(PLAN(PlanShown(the_plan, shown)), output_format)
    if calls is None or shown is None:
        return
    if output_format != OutputFormat.json:
        fmt, md = dry_run_format or DryRunFormat.json, output_format == OutputFormat.md
        where = (rds.meta.region_name if rds is not None else region), profile
        items: list[str | tuple[str, Sequence[dryrun.Call]]] = []
        if rds is None:
            items.append("offline plan: the calls assume none of the groups exists yet")
        records = [c.record() for c in shown]
        if not calls:
            items.append("nothing to change: the 8.0 groups already match the plan")
        elif dry_run:
            items.append(dry_run_block(records))
        else:
            items.append((f"--apply will make {len(shown)} call(s), in order:", records))
        if the_plan.after_switchover:
            after = after_switchover_call(the_plan.cluster_group.name, the_plan.after_switchover)
            items.append(("after switchover (made and journaled by `bluegreen switchover`):", [after.record()]))
        if calls:
            items.append(f"note: {SETTLE_NOTE}")
        emit(CALLS(CallListing(items, fmt, *where, fenced=md)), OutputFormat.console)
    if the_plan.unverified:
        err_console.print(f"note: not verified against {profiles.V3} ({v3.source}): "
                          f"{', '.join(the_plan.unverified)}", markup=False, soft_wrap=True)
    if dry_run or not calls:
        return
    if the_plan.unverified and not allow_unverified:
        raise ToolError(f"--apply: {len(the_plan.unverified)} name(s) could not be verified as {profiles.V3} "
                        f"parameters ({v3.source}): {', '.join(the_plan.unverified)}; AWS rejects a whole Modify call "
                        "over one unknown name. Grant rds:DescribeEngineDefaultParameters and "
                        "rds:DescribeEngineDefaultClusterParameters so they can be checked, or pass --allow-unverified")
    if not yes and not typer.confirm(f"Apply {len(shown)} API call(s) to create/modify the 8.0 groups?"):
        raise Blocked("aborted: nothing changed")
    execute(rds, calls, lambda c: err_console.print(f"done: {c.describe()}", markup=False))
    err_console.print(f"applied {len(calls)} call(s); static parameters take effect after a reboot", markup=False)
    err_console.print(f"note: {SETTLE_NOTE}", markup=False)


@app.command("versions")
def versions_cmd(
    cluster: ClusterOpt = None,
    engine_version: Annotated[Optional[str], typer.Option(
        "--engine-version", help="A 5.7.mysql_aurora.2.x.y version instead of a cluster.")] = None,
    target: Annotated[Optional[str], typer.Option(
        "--target", help="Check this target (8.0 or 8.0.mysql_aurora.3.xx.y).")] = None,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    output_format: FormatOpt = OutputFormat.console,
) -> ExitStatus:
    """List valid aurora-mysql 8.0 upgrade targets: AWS's default, LTS, end of standard support, a recommendation."""
    rds = aws.client("rds", region, profile)
    if cluster and not engine_version:
        found = aws.describe_cluster(rds, cluster)
        if found is None:
            raise ToolError(f"DB cluster {cluster!r} not found")
        engine_version = found["EngineVersion"]
    elif not engine_version or cluster:
        raise ToolError("give exactly one of --cluster or --engine-version")
    targets = versions.valid_upgrade_targets(rds, engine_version)
    best = versions.recommended_target(targets)
    verdict = versions.check_target(targets, target) if target else None
    emit(TARGETS(Targets(str(engine_version), targets, best, verdict)), output_format)
    return ExitStatus.of_findings(verdict is not None and not verdict.valid)
