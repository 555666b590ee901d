"""What a cluster costs in RDS Extended Support while it waits (blue) or is kept (the renamed ``-old1``).

Aurora MySQL 2 left standard support on 2024-10-31 and is billed per vCPU-hour of Extended Support on
top of instance hours; dates, prices and vCPUs come from :mod:`upgrade_cli.lifecycle` (the API first,
its sourced tables otherwise), so ``bluegreen create``/``status``/``cleanup`` and the dossier show the
same figure. The cluster's ``EngineLifecycleSupport`` says whether it is enrolled at all: a cluster
that opted out is not billed, but AWS upgrades it itself once standard support has ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from upgrade_cli import lifecycle
from upgrade_cli.bluegreen import rds as bg

OPTED_OUT = "open-source-rds-extended-support-disabled"


def estimate(rds: Any, cluster: dict[str, Any], region: str | None, day: dt.date | None = None,
             windows: dict[str, lifecycle.SupportWindow] | None = None) -> dict[str, Any]:
    """The monthly Extended Support estimate of one cluster, as plain data (JSON-ready)."""
    day = day or bg.utcnow().date()
    version = cluster.get("EngineVersion", "")
    windows = windows if windows is not None else lifecycle.support_windows(rds)
    window = windows.get(lifecycle.major_of(version) or "")
    classes = [i.get("DBInstanceClass", "") for i in bg.cluster_instances(rds, cluster)]
    est = lifecycle.extended_support_monthly(classes, window, region, day)
    enrolled = cluster.get("EngineLifecycleSupport")
    support = window.support_on(day) if window else "unknown"
    note = est.note
    if enrolled == OPTED_OUT and support != "standard":
        note = f"Extended Support is turned off on this cluster ({OPTED_OUT}): not billed, but AWS upgrades it itself"
    return {"cluster": cluster.get("DBClusterIdentifier"), "engine_version": version, "support": support,
            "lifecycle_support": enrolled, "instances": len(classes), "vcpus": est.vcpus,
            "usd_per_month": 0.0 if enrolled == OPTED_OUT else est.usd_per_month, "note": note,
            "support_source": window.source if window else None, "price_source": est.source, "on": day.isoformat()}


def line(e: dict[str, Any], role: str) -> str:
    """``blue prod (5.7..., extended support): about $584/month in RDS Extended Support (...)``."""
    usd = e["usd_per_month"]
    money = (f"about ${usd:,.0f}/month in RDS Extended Support" if usd else
             "no Extended Support charge" if usd == 0 else "Extended Support charge not estimated")
    return (f"{role} {e['cluster']} ({e['engine_version']}, {e['support']} support on {e['on']}): {money} "
            f"({e['note']}; prices: {e['price_source']}; dates: {e['support_source']})")
