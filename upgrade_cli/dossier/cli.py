"""`aurora-upgrade dossier`: one go/no-go document for the change review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from upgrade_cli.cli_common import ExitStatus, JournalOpt, OutputFormat, ProfileOpt, RegionOpt
from upgrade_cli.dossier.build import GO, build
from upgrade_cli.dossier.render import DOSSIER, FILES
from upgrade_cli.emit import emit
from upgrade_cli.handoffs import journal_dir


def dossier(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for dossier.html, dossier.md and dossier.json.")],
    precheck: Annotated[Optional[Path], typer.Option("--precheck", help="report.json from `precheck --out`.")] = None,
    params: Annotated[Optional[Path], typer.Option("--params", help="`params plan --format json` output.")] = None,
    bench: Annotated[Optional[Path], typer.Option("--bench", help="`bench compare --format json` output.")] = None,
    metrics: Annotated[Optional[Path], typer.Option("--metrics", help="`metrics compare --format json` output.")] = None,
    deployment: Annotated[Optional[str], typer.Option(
        "--deployment", help="Blue/green deployment name: its journal steps and RDS events.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not ask RDS for the deployment's events.")] = False,
    region: RegionOpt = None,
    profile: ProfileOpt = None,
    jdir: JournalOpt = None,
) -> ExitStatus:
    """`aurora-upgrade dossier` (its help, with the exit codes: ``upgrade_cli.dossier.HELP``)."""
    doc = build(precheck, params, bench, metrics, deployment, journal_dir(jdir), region, profile,
                use_aws=not offline)
    for name, fmt in FILES.items():
        emit(DOSSIER(doc), fmt, out / name)
    emit(DOSSIER(doc), OutputFormat.console)
    return ExitStatus.of_findings(doc["verdict"] != GO)
