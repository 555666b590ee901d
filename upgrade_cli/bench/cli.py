"""`aurora-upgrade bench`: Capture slow queries, replay them on blue and green, compare.

capture → a workload JSON (shapes with sample statements and source timings);
run     → a results file (JSON lines), replaying only read-only statements on both sides at once;
compare → verdicts. ``compare`` exits 1 when there is a regression, a result or order difference,
an error on one side only or a warning difference, and when no statement was measured on both
sides (such a comparison shows nothing); plan changes, "improved" and "inconclusive" are reported but
do not fail. ``run --from-compare`` replays only the inconclusive shapes, with the samples each needs.
Errors (bad input, unreachable server) exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from upgrade_cli.bench import HELP
from upgrade_cli.bench import capture as capture_mod
from upgrade_cli.bench.compare import CompareOptions, compare as compare_results, inconclusive_shapes
from upgrade_cli.bench.render import COMPARISON, WORKLOAD
from upgrade_cli.bench.workload import Workload
from upgrade_cli.cli_common import (App, ExitStatus, OutputFormat, RegionOpt, ToolError, err_console,
                                    format_option)
from upgrade_cli.connect import open_connection
from upgrade_cli.connect_options import (DefaultsFileOpt, DsnOpt, HostOpt, IamOpt, PasswordOpt, PortOpt, SocketOpt,
                                         SslCaOpt, UserOpt, resolve)
from upgrade_cli.emit import emit

app = App(help=HELP)
FormatOpt = Annotated[OutputFormat, format_option(OutputFormat.console, OutputFormat.json, OutputFormat.md, OutputFormat.html)]


@app.command("capture")
def capture(
    out: Annotated[Path, typer.Option("--out", "-o", help="Workload file to write (JSON).")] = Path("workload.json"),
    slow_log: Annotated[Optional[Path], typer.Option("--slow-log", help="Read a MySQL/MariaDB/Aurora slow query log.")] = None,
    sql: Annotated[Optional[Path], typer.Option("--sql", help="Read ;-separated statements from a SQL file.")] = None,
    top: Annotated[int, typer.Option("--top", help="Keep the N heaviest query shapes (by total time).")] = 50,
    max_samples: Annotated[int, typer.Option("--max-samples", help="Distinct statements kept per shape (0 = all).")] = 1000,
    database: Annotated[Optional[str], typer.Option("--database", "-D", help="Default database for statements with none.")] = None,
    host: HostOpt = None, port: PortOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    socket: SocketOpt = None, dsn: DsnOpt = None, defaults_file: DefaultsFileOpt = None, ssl_ca: SslCaOpt = None,
    iam: IamOpt = False, region: RegionOpt = None,
) -> None:
    """Build a workload from performance_schema digests (--host/--dsn), a slow log or a SQL file."""
    live = any(v is not None for v in (host, dsn, socket)) or iam
    sources = [s for s in (live, slow_log is not None, sql is not None) if s]
    if len(sources) != 1:
        raise ToolError("give exactly one source: --host/--dsn (performance_schema), --slow-log FILE or --sql FILE")
    if top < 1:
        raise ToolError("--top must be at least 1")
    if max_samples < 0:
        raise ToolError("--max-samples cannot be negative")
    if slow_log is not None:
        workload = capture_mod.capture_slow_log(slow_log, top, max_samples, database)
    elif sql is not None:
        workload = capture_mod.capture_sql_file(sql, top, max_samples, database)
    else:
        opts = resolve(dsn=dsn, host=host, port=port, user=user, password=password, socket_path=socket,
                       database=database, defaults_file=defaults_file, ssl_ca=ssl_ca, iam=iam, region=region)
        conn = open_connection(opts, read_only=True)
        try:
            workload = capture_mod.capture_digests(conn, top)
        finally:
            conn.close()
    emit(WORKLOAD(workload), OutputFormat.json, out)
    without = sum(1 for q in workload.queries if not q.samples)
    if without:
        err_console.print(f"note: {without} shapes have no sample text and cannot be replayed "
                          "(see their 'note' in the workload file)", markup=False)


@app.command("run")
def run(
    workload: Annotated[Path, typer.Option("--workload", "-w", help="Workload file from `bench capture`.")],
    blue: Annotated[str, typer.Option("--blue", help="Blue (current) server DSN, e.g. mysql://user@host:3306/db.")],
    green: Annotated[str, typer.Option("--green", help="Green (upgraded) server DSN.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Results file to write (JSON lines).")] = Path("results.jsonl"),
    repeat: Annotated[int, typer.Option("--repeat", help="Timed executions per statement and side "
                                                        "(a one-statement shape needs 5 for a verdict).")] = 5,
    warmup: Annotated[int, typer.Option("--warmup", help="Untimed executions first (warm caches).")] = 1,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Sessions per side running statements at once.")] = 1,
    timeout: Annotated[float, typer.Option("--timeout", help="Per-statement time limit in seconds (server enforced).")] = 30.0,
    budget: Annotated[float, typer.Option("--budget", help="Seconds per query shape; once spent (and 2 statements "
                                                           "done) the shape's other samples are skipped. 0 = all.")] = 0.0,
    explain_samples: Annotated[int, typer.Option("--explain-samples", help="Statements per shape to EXPLAIN on both sides.")] = 2,
    from_compare: Annotated[Optional[Path], typer.Option(
        "--from-compare", help="A `bench compare --format json` report: replay only its inconclusive shapes, "
                               "each until it has the samples the report says would settle it.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
) -> None:
    """Replay the workload's read-only statements on blue and green in parallel; write every measurement."""
    from upgrade_cli.bench.replay import RunOptions, run_workload  # pymysql: only replay connects
    options = RunOptions(repeat=repeat, warmup=warmup, concurrency=concurrency, timeout_s=timeout, budget_s=budget,
                         explain_samples=explain_samples)
    options.validate()
    wl = Workload.load(workload)
    if from_compare is not None:
        wl = wl.remeasure(inconclusive_shapes(from_compare), repeat)
        if not wl.queries:
            raise ToolError(f"{from_compare} has no inconclusive shape of this workload: nothing to re-measure")
    blue_opts, green_opts = resolve(dsn=blue), resolve(dsn=green)

    def progress(done: int, total: int) -> None:
        if not quiet:
            err_console.print(f"  {done}/{total} statements", markup=False)

    summary = run_workload(wl, blue_opts, green_opts, options, out, progress=None if quiet else progress)
    err_console.print(f"replayed {summary.statements} statements of {summary.shapes} shapes on both sides "
                      f"({summary.skipped} skipped) in {summary.wall_s:.1f}s → {out}", markup=False)


@app.command("compare")
def compare(
    results: Annotated[list[Path], typer.Argument(
        help="Results file(s) from `bench run`; a shape measured again in a later file (--from-compare) "
             "is judged on that file's samples.")],
    fmt: FormatOpt = OutputFormat.console,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the report here instead of stdout.")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="A regression's interval must lie above this green/blue ratio.")] = 1.10,
    floor_ms: Annotated[float, typer.Option("--floor-ms", help="…and its p50 must be this many ms slower.")] = 1.0,
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level of the interval.")] = 0.95,
) -> ExitStatus:
    """Per-shape verdicts: every difference, and latency only where the samples show it. Exit 1 on
    regressions or differences, and when nothing was measured on both sides."""
    data = compare_results(results, CompareOptions(threshold=threshold, floor_ms=floor_ms, confidence=confidence))
    emit(COMPARISON(data), fmt, out)
    if not data["complete"]:
        err_console.print("warning: the run did not finish (no end record): results are partial", markup=False)
    if not data["summary"]["measured"]:
        err_console.print("nothing measured: no statement ran on both sides without an error "
                          f"({data['summary']['statements']} replayed, {data['summary']['skipped']} skipped)",
                          markup=False)
    return ExitStatus(data["exit_code"])
