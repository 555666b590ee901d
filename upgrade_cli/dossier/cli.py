"""`aurora-upgrade dossier`: one go/no-go document for the change review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from upgrade_cli.cli_common import ExitStatus, JournalOpt, ProfileOpt, RegionOpt, ToolError, console
from upgrade_cli.dossier.build import GO, build
from upgrade_cli.handoffs import journal_dir
from upgrade_cli.dossier.render import render_html, render_json, render_markdown

FILES = {"dossier.html": render_html, "dossier.md": render_markdown, "dossier.json": render_json}


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
    """Join precheck, parameter plan, blue/green timeline, bench and metrics into one GO / NO-GO / GO WITH
    RISKS document. Missing inputs are shown as missing. Exit 0 on GO, 1 otherwise."""
    doc = build(precheck, params, bench, metrics, deployment, journal_dir(jdir), region, profile,
                use_aws=not offline)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, render in FILES.items():
            (out / name).write_text(render(doc), encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"cannot write the dossier to {out}: {exc.strerror}") from None
    console.print(f"{doc['verdict']}: {len(doc['reasons'])} reason(s) → {out / 'dossier.html'}", markup=False)
    for r in doc["reasons"]:
        console.print(f"  {r['level']}: {r['text']}", markup=False, soft_wrap=True)
    return ExitStatus.of_findings(doc["verdict"] != GO)
