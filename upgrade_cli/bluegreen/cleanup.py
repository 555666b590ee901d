"""`bluegreen cleanup`: delete the deployment, and after a switchover the renamed 5.7 cluster (``-old1``).

Split from :mod:`upgrade_cli.bluegreen.orchestrator` (its journal and gate rules apply here too): each
deletion is journaled intent → call → done and never repeated, and green is never deleted with
DeleteTarget once it has become production.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from upgrade_cli import aws
from upgrade_cli.bluegreen import rds as bg
from upgrade_cli.bluegreen.journal import DONE, INFO, INTENT, Journal
from upgrade_cli.bluegreen.orchestrator import OLD_BLUE, Context, confirm, extended_support, tell_cost
from upgrade_cli.bluegreen.waiter import WaitAborted
from upgrade_cli.outcome import ToolError


def _journal_for(ctx: Context, ref: str, dep: dict[str, Any] | None) -> Journal:
    if dep is not None:
        return ctx.journal(dep["BlueGreenDeploymentName"])
    if not ref.lower().startswith("bgd-"):
        return ctx.journal(ref)
    for path in sorted(Path(ctx.journal_dir).glob(f"{ctx.region}--*.jsonl")):
        name = path.name[len(ctx.region) + 2:-len(".jsonl")]
        journal = ctx.journal(name)
        if any(e.get("deployment_id") == ref for e in journal.entries()):
            return journal
    raise ToolError(f"no blue/green deployment {ref!r} in AWS and no journal mentions it in {ctx.journal_dir}")


def _old_blue_name(ctx: Context, source_arn: str) -> str:
    source = bg.arn_name(source_arn)
    return source if OLD_BLUE.search(source) else f"{source}-old1"


def cleanup(ctx: Context, ref: str, delete_old_blue: bool, final_snapshot: bool, delete_green: bool) -> None:
    dep = bg.lookup_deployment(ctx.rds, ref)
    journal = _journal_for(ctx, ref, dep)
    if not ctx.dry_run:
        journal.lock("cleanup", ctx.narrator)
    if dep is None and journal.phase("delete-deployment") not in (INTENT, DONE):
        raise ToolError(f"no blue/green deployment {ref!r} in AWS, and journal {journal.path} has no record of "
                        "deleting it")
    status = dep.get("Status") if dep else journal.value("status_at_cleanup")
    if delete_green and status == bg.SWITCHOVER_COMPLETED:
        raise ToolError("refusing --delete-green after a completed switchover: green is production now "
                        "(AWS forbids DeleteTarget then too)")
    if delete_green and delete_old_blue:
        raise ToolError("--delete-green (abandon before switchover) and --delete-old-blue (after it) exclude "
                        "each other")
    if status == bg.SWITCHOVER_IN_PROGRESS:
        raise ToolError(f"{dep['BlueGreenDeploymentIdentifier']} is {status}; wait for it to settle first")
    if delete_old_blue and status != bg.SWITCHOVER_COMPLETED:
        raise ToolError(f"--delete-old-blue needs a completed switchover; the deployment is {status}")

    old_blue = None
    if delete_old_blue:
        old_blue = (journal.value("old_blue_cluster") or journal.value("old_blue")
                    or (_old_blue_name(ctx, dep["Source"]) if dep else None))
        if old_blue is None:
            raise ToolError(f"cannot tell which cluster is the old blue from AWS or journal {journal.path}")
        _guard_old_blue(ctx, old_blue, journal)

    abandon_keeping_green = dep is not None and not delete_green and status != bg.SWITCHOVER_COMPLETED
    green_name = bg.arn_name(dep["Target"]) if dep and dep.get("Target") else None
    plan = [f"delete blue/green deployment {ref}" + (
        " AND its green resources" if delete_green else
        f" only: green cluster {green_name} is KEPT, keeps replicating from blue and keeps billing"
        if abandon_keeping_green else " (blue and green clusters are kept)")]
    if old_blue:
        plan.append(f"{'snapshot and ' if final_snapshot else ''}delete old blue cluster {old_blue} and its instances")
    ctx.narrator.planned("cleanup plan:\n  " + "\n  ".join(plan))
    if dep is not None and status == bg.SWITCHOVER_COMPLETED and not old_blue:
        tell_cost(ctx, extended_support(ctx, [("kept", _old_blue_name(ctx, dep["Source"]))]), ", every month it is kept")
    if not ctx.dry_run:
        confirm(ctx, "Proceed with this cleanup?")

    _delete_deployment(ctx, journal, dep, delete_green, old_blue)
    if old_blue:
        _delete_old_blue(ctx, journal, old_blue, final_snapshot)
    if ctx.dry_run:
        ctx.narrator.info("dry run: nothing was deleted")
        return
    if abandon_keeping_green:
        journal.write("cleanup", "cleanup", DONE, green_kept=green_name)  # closes this lifecycle
        ctx.narrator.done(f"deployment deleted, but green cluster {green_name} is kept: AWS keeps it replicating from "
                          f"blue (Aurora MySQL) and billing. To remove it, delete its instances "
                          f"(`aws rds delete-db-instance --db-instance-identifier ...`) and then the cluster "
                          f"(`aws rds delete-db-cluster --db-cluster-identifier {green_name} --skip-final-snapshot`); "
                          "next time abandon with `cleanup --delete-green`")
    elif old_blue or delete_green or status != bg.SWITCHOVER_COMPLETED:
        journal.write("cleanup", "cleanup", DONE, old_blue_cluster=old_blue)  # closes this lifecycle
        ctx.narrator.done("cleanup done")
    else:
        journal.write("cleanup", "cleanup", INFO, note="deployment deleted; old blue kept")
        ctx.narrator.done("deployment deleted; the old blue cluster is kept (read-only) for a rollback or forensics "
                          f"window: delete it later with `aurora-upgrade bluegreen cleanup {ref} --delete-old-blue`")
        kept = journal.value("old_blue_cluster")
        tell_cost(ctx, extended_support(ctx, [("kept", kept)]) if kept else [], ", every month it is kept")


def _guard_old_blue(ctx: Context, old_blue: str, journal: Journal) -> None:
    """Never delete anything that is not the renamed 5.7 blue: the name must end -oldN and run 5.7."""
    if not OLD_BLUE.search(old_blue):
        raise ToolError(f"refusing to delete {old_blue}: old blue clusters end in -old1 (-oldN)")
    cluster = aws.describe_cluster(ctx.rds, old_blue)
    if cluster is None:
        if journal.phase("delete-old-blue-cluster") in (INTENT, DONE):
            return  # deleted by an earlier run
        raise ToolError(f"old blue cluster {old_blue} not found")
    if not cluster.get("EngineVersion", "").startswith("5.7"):
        raise ToolError(f"refusing to delete {old_blue}: it runs {cluster.get('EngineVersion')}, "
                        "not the 5.7 blue")


def _delete_deployment(ctx: Context, journal: Journal, dep: dict[str, Any] | None, delete_green: bool,
                       old_blue: str | None) -> None:
    if dep is None:
        ctx.narrator.skipped("deployment already deleted (journal)")
        return
    ident = dep["BlueGreenDeploymentIdentifier"]
    if dep.get("Status") == bg.DELETING and not ctx.dry_run:  # an earlier run's delete is under way
        _wait_gone(ctx, f"deployment {ident}", lambda: bg.lookup_deployment(ctx.rds, ident))
        journal.write("cleanup", "delete-deployment", DONE, deployment_id=ident)
        return
    params: dict[str, Any] = {"BlueGreenDeploymentIdentifier": ident}
    if delete_green:
        params["DeleteTarget"] = True
        _unprotect(ctx, journal, aws.describe_cluster(ctx.rds, dep["Target"]))  # AWS refuses DeleteTarget otherwise
    if ctx.dry_run:
        ctx.mutations.call(ctx.rds, "delete_blue_green_deployment", **params)
        return
    if old_blue is None and dep.get("Status") == bg.SWITCHOVER_COMPLETED:
        # recorded now, while AWS still names it: once the deployment is gone, only the journal knows which
        # cluster `cleanup --delete-old-blue` (the command printed next) must delete
        old_blue = _old_blue_name(ctx, dep["Source"])
    journal.write("cleanup", "delete-deployment", INTENT, deployment_id=ident, request=params,
                  status_at_cleanup=dep.get("Status"), old_blue_cluster=old_blue)
    ctx.mutations.call(ctx.rds, "delete_blue_green_deployment", **params)
    _wait_gone(ctx, f"deployment {ident}", lambda: bg.lookup_deployment(ctx.rds, ident))
    journal.write("cleanup", "delete-deployment", DONE, deployment_id=ident)
    ctx.narrator.done(f"deleted deployment {ident}")


def _wait_gone(ctx: Context, what: str, lookup: Callable[[], Any]) -> None:
    start = ctx.poll.clock()
    while lookup() is not None:
        if ctx.poll.clock() - start >= ctx.poll.timeout:
            raise WaitAborted(f"timed out waiting for {what} to be deleted; re-run cleanup to continue")
        ctx.poll.sleep(ctx.poll.interval)


def _unprotect(ctx: Context, journal: Journal, cluster: dict[str, Any] | None) -> None:
    """Turn deletion protection off on a cluster about to be deleted (idempotent: checks first)."""
    if not cluster or not cluster.get("DeletionProtection"):
        return
    name = cluster["DBClusterIdentifier"]
    if not ctx.dry_run:
        journal.write("cleanup", f"disable-deletion-protection:{name}", INTENT, cluster=name)
    ctx.mutations.call(ctx.rds, "modify_db_cluster", DBClusterIdentifier=name, DeletionProtection=False,
                       ApplyImmediately=True)
    if not ctx.dry_run:
        journal.write("cleanup", f"disable-deletion-protection:{name}", DONE, cluster=name)


def _delete_old_blue(ctx: Context, journal: Journal, old_blue: str, final_snapshot: bool) -> None:
    cluster = aws.describe_cluster(ctx.rds, old_blue)
    if cluster is None:
        ctx.narrator.skipped(f"old blue cluster {old_blue} already deleted")
        return
    _unprotect(ctx, journal, cluster)
    for inst in bg.cluster_instances(ctx.rds, cluster):
        iid = inst["DBInstanceIdentifier"]
        if inst.get("DBInstanceStatus") == "deleting":
            continue
        if not ctx.dry_run:
            journal.write("cleanup", f"delete-instance:{iid}", INTENT, instance=iid)
        ctx.mutations.call(ctx.rds, "delete_db_instance", DBInstanceIdentifier=iid)
        if not ctx.dry_run:
            journal.write("cleanup", f"delete-instance:{iid}", DONE, instance=iid)
    if not ctx.dry_run:
        _wait_gone(ctx, f"the instances of {old_blue}",
                   lambda: bg.cluster_instances(ctx.rds, cluster) or None)
    snapshot = journal.value("final_snapshot") or f"{old_blue}-final-{dt.datetime.now(dt.timezone.utc):%Y%m%d%H%M}"
    params = ({"DBClusterIdentifier": old_blue, "FinalDBSnapshotIdentifier": snapshot} if final_snapshot
              else {"DBClusterIdentifier": old_blue, "SkipFinalSnapshot": True})
    if ctx.dry_run:
        ctx.mutations.call(ctx.rds, "delete_db_cluster", **params)
        return
    journal.write("cleanup", "delete-old-blue-cluster", INTENT, cluster=old_blue,
                  final_snapshot=snapshot if final_snapshot else None, request=params)
    ctx.mutations.call(ctx.rds, "delete_db_cluster", **params)
    journal.write("cleanup", "delete-old-blue-cluster", DONE, cluster=old_blue)
    ctx.narrator.done(f"deleting old blue cluster {old_blue}" + (f" (final snapshot {snapshot})" if final_snapshot
                                                                 else " (no final snapshot)"))


# =============================================================================================
# status
# =============================================================================================
