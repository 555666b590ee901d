"""Make every input under examples/ (but the schema dump) with today's tool, and the example dossier.

    .venv/bin/python examples/make_examples.py            # rewrites examples/ and docs/example-dossier/
    .venv/bin/python examples/make_examples.py --out DIR  # writes DIR/examples/ only (the drift test's copy)

No AWS account and no database server: what a command writes is what the command wrote, run in-process
from a scratch copy of examples/ so every path inside a file is relative (``examples/...``). Three inputs
stand for what only a real system has, and are made here by deterministic generators, SYNTHETIC and named so:

- the parameter-group exports: the tool's own aurora-mysql5.7 profile (``param_profiles/``) as
  ``aws rds describe-db-cluster-parameters`` / ``describe-db-parameters`` would list it, plus the settings
  a legacy cluster typically carries (``synthetic_parameter_exports``);
- the slow log: MySQL 5.7's slow-log format over the example schema's tables (``synthetic_slow_log``);
- the bench results: lock-step samples written as ``bench run`` writes them, green having lost an index
  (``synthetic_bench_results``), and the CloudWatch series that ``metrics compare``'s engine judges
  (``synthetic_metrics``).

The blue/green journal is ``bluegreen create`` run against the tests' moto fake of RDS (``tests/fakes/``,
in-process), stopped by the precheck gate, and ``examples/fleet/`` is ``fleet scan`` of the tests' fake fleet
(``tests/fakes/fleet_fake.py``) on the same fake: the test extras must be installed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner  # noqa: E402

from upgrade_cli.bench.replay import RESULTS_FORMAT, RunOptions, SideResult  # noqa: E402
from upgrade_cli.bench.sqlshape import read_only_reason, result_shape  # noqa: E402
from upgrade_cli.bench.workload import Workload  # noqa: E402
from upgrade_cli.main import app  # noqa: E402
from upgrade_cli.metrics import compare as metrics_compare  # noqa: E402
from upgrade_cli.metrics.fetch import Cluster, series_for  # noqa: E402
from upgrade_cli.formats import json_text  # noqa: E402
from upgrade_cli.params import profiles  # noqa: E402

SCHEMA = "examples/legacy_app_57.sql"
DATABASE = "legacy_app"  # the dump's database
SEED = 57
TARGET = "3.08.2"  # what the tests' fake of RDS resolves "8.0" to: the deployment's target
WINDOW_START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)  # the synthetic rehearsal's hour
DOSSIER_COMMAND = ("dossier", "--precheck", "examples/dossier/precheck-report.json",
                   "--params", "examples/dossier/params-plan.json", "--bench", "examples/dossier/bench.json",
                   "--metrics", "examples/dossier/metrics.json", "--deployment", "prod-to-3",
                   "--journal-dir", "examples/dossier/journal", "--region", "us-east-1", "--offline")


def cli(*args: str, ok: tuple[int, ...] = (0, 1)) -> str:
    res = CliRunner().invoke(app, list(args))
    if res.exit_code not in ok:
        raise SystemExit(f"aurora-upgrade {' '.join(args[:2])} exited {res.exit_code}: {res.output}")
    return res.stdout


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# ---- precheck ----------------------------------------------------------------------------------


def precheck(work: Path) -> None:
    cli("precheck", "--ddl", SCHEMA, "--out", str(work / "precheck"), "--target-version", TARGET,
        "--save-snapshot", "examples/precheck/legacy_app_57.snapshot.json")
    Path("examples/dossier").mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "precheck/report.json", "examples/dossier/precheck-report.json")


# ---- params ------------------------------------------------------------------------------------

# SYNTHETIC: what the DBA of a legacy 5.7 cluster set (Source "user"), by group.
CLUSTER_SETTINGS = {"binlog_format": "ROW", "character_set_server": "utf8", "collation_server": "utf8_general_ci",
                    "time_zone": "Europe/Berlin", "innodb_flush_log_at_trx_commit": "2",
                    "aurora_load_from_s3_role": "arn:aws:iam::123456789012:role/legacy-app-s3-load"}
WRITER_SETTINGS = {"tx_isolation": "READ-COMMITTED", "query_cache_type": "1", "query_cache_size": "67108864",
                   "slave_parallel_workers": "8", "tmp_table_size": "268435456", "max_heap_table_size": "268435456",
                   "long_query_time": "0.5", "slow_query_log": "1", "event_scheduler": "ON",
                   "sql_mode": "STRICT_TRANS_TABLES,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"}
READER_SETTINGS = {"tx_isolation": "READ-COMMITTED", "long_query_time": "0.5", "slow_query_log": "1"}


def parameter_record(info: profiles.ParamInfo, user_value: str | None) -> dict[str, object]:
    """One ``Parameters[]`` item as DescribeDBClusterParameters returns it (botocore's Parameter shape)."""
    rec: dict[str, object] = {"ParameterName": info.name}
    value = user_value if user_value is not None else info.default
    if value is not None:
        rec["ParameterValue"] = value
    rec.update(Description=info.name.replace("_", " "),
               Source="user" if user_value is not None else ("system" if str(info.default).startswith("{")
                                                             else "engine-default"),
               ApplyType=info.apply_type, DataType="string", IsModifiable=info.modifiable,
               ApplyMethod="pending-reboot")
    if info.allowed:
        rec["AllowedValues"] = info.allowed
    return rec


def synthetic_parameter_exports() -> None:
    """SYNTHETIC: the full listing of each 5.7 group (the family profile) with the settings above."""
    known = profiles.family_profile(profiles.V2)
    for name, level, settings in (("prod", "cluster", CLUSTER_SETTINGS),
                                  ("prod-writer", "instance", WRITER_SETTINGS),
                                  ("prod-reader", "instance", READER_SETTINGS)):
        missing = sorted(set(settings) - {n for n, i in known.items() if i.level == level})
        if missing:
            raise SystemExit(f"{name}: the {profiles.V2} profile has no {level} parameter {', '.join(missing)}")
        write_json(Path(f"examples/params/{name}.json"), {"Parameters": [
            parameter_record(info, settings.get(n)) for n, info in sorted(known.items()) if info.level == level]})


def params_plan() -> None:
    plan = cli("params", "plan", "--from-json", "examples/params/prod.json",
               "--instance-json", "examples/params/prod-writer.json",
               "--instance-json", "examples/params/prod-reader.json",
               "--instance-class", "db.r6g.xlarge,db.r6g.large", "--name", "prod-v3", "--format", "json")
    Path("examples/dossier/params-plan.json").write_text(plan, encoding="utf-8")


# ---- bench -------------------------------------------------------------------------------------

# SYNTHETIC: the application's heaviest statements: template, sample values, blue's typical ms, blue's plan
# (table, access type, key) from the example schema's indexes
SLOW_QUERIES = (
    ("SELECT id, `$amount`, currency FROM orders WHERE user_id = {} ORDER BY placed_at DESC LIMIT 20",
     (17, 4242, 90210, 311, 8, 1200, 77), 38.0, ("orders", "ref", "idx_orders_user")),
    ("SELECT o.id, SUM(i.qty * i.price) FROM orders o JOIN order_items i ON i.order_id = o.id "
     "WHERE o.user_id = {} GROUP BY o.id ORDER BY o.id", (17, 4242, 555, 90, 31337, 64, 2), 61.0,
     ("o", "ref", "idx_orders_user")),
    ("SELECT u.id, u.login, g.name FROM users u LEFT JOIN `groups` g ON g.id = u.group_id WHERE u.email LIKE '{}%'",
     ("ann", "bo", "chris", "dana", "eve", "fritz", "gus"), 22.0, ("u", "range", "idx_users_email")),
    ("SELECT user_id, `rank`, rank_value FROM leaderboard WHERE season = {} ORDER BY `rank` LIMIT 100",
     (2020, 2021, 2022, 2023, 2024, 2025, 2026), 12.0, ("leaderboard", "ref", "idx_rank")),
    ("SELECT COUNT(*) FROM audit_log WHERE logged_at >= '2026-11-{:02d} 00:00:00'", (1, 4, 8, 11, 15, 18, 22), 140.0,
     ("audit_log", "ALL", None)),
    ("UPDATE sessions SET last_seen = NOW() WHERE id = '{}'", ("9f2c", "77ab", "03de"), 3.0, None),
)
REGRESSED = 0  # green lost idx_orders_user: this shape scans orders


def synthetic_slow_log(path: Path) -> None:
    """SYNTHETIC: a MySQL 5.7 slow log (``long_query_time=0.5``) of SLOW_QUERIES against the example schema."""
    rng = random.Random(SEED)
    out = ["/rdsdbbin/oscar/bin/mysqld, Version: 5.7.12-log (MySQL Community Server (GPL)). started with:",
           "Tcp port: 3306  Unix socket: /tmp/mysql.sock", "Time                 Id Command    Argument"]
    at = WINDOW_START - dt.timedelta(days=1)
    used = None
    for n in range(7 * len(SLOW_QUERIES)):
        template, values, typical_ms, _ = SLOW_QUERIES[n % len(SLOW_QUERIES)]
        at += dt.timedelta(seconds=rng.randint(5, 90))
        secs = typical_ms / 1000 * rng.uniform(14, 30)  # the slow ones: what the log keeps
        rows_sent = rng.randint(0, 100)
        host = f"10.0.{rng.randint(1, 4)}.{rng.randint(2, 250)}"
        out += [f"# Time: {at.strftime('%Y-%m-%dT%H:%M:%S')}.{rng.randint(0, 999999):06d}Z",
                f"# User@Host: app[app] @  [{host}]  Id: {rng.randint(100, 999):5d}",
                f"# Query_time: {secs:.6f}  Lock_time: {rng.uniform(0, 0.0003):.6f} Rows_sent: {rows_sent}  "
                f"Rows_examined: {rows_sent * rng.randint(50, 4000)}"]
        if used != DATABASE:
            out.append(f"use {DATABASE};")
            used = DATABASE
        sample = values[n // len(SLOW_QUERIES) % len(values)]
        out += [f"SET timestamp={int(at.timestamp())};", template.format(sample) + ";"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _side(rng: random.Random, typical_ms: float, repeat: int, rows: int, checksum: str,
          plan: tuple[str, str, str | None], slower: float) -> SideResult:
    table, access, key = plan
    return SideResult(latencies_ms=[round(typical_ms * slower * rng.lognormvariate(0, 0.08), 4) for _ in range(repeat)],
                      rows=rows, checksum=checksum, ordered_checksum=checksum[::-1], order_checked=False,
                      plan=[{"table": table, "access_type": access, "key": key, "rows": 40 if key else 250000}])


def synthetic_bench_results(workload_path: Path, path: Path) -> None:
    """SYNTHETIC: what ``bench run`` writes for the workload, from a seeded generator, not from servers.

    Every read-only sample is replayed ``RunOptions().repeat`` times on each side with the same rows;
    green runs the REGRESSED shape without its index (a full scan, about 7 times slower)."""
    rng = random.Random(SEED)
    run = RunOptions()
    by_prefix = {t.split(" WHERE ")[0]: (ms, plan) for t, _, ms, plan in SLOW_QUERIES}
    regressed = SLOW_QUERIES[REGRESSED][0].split(" WHERE ")[0]
    lines = [{"type": "run", "format": RESULTS_FORMAT, "version": 1,
              "blue": {"address": "prod.cluster-ro-abc123.us-east-1.rds.amazonaws.com:3306", "user": "bench",
                       "version": "5.7.12", "timeout_variable": "max_execution_time"},
              "green": {"address": "prod-green-x1y2z3.cluster-ro-abc123.us-east-1.rds.amazonaws.com:3306",
                        "user": "bench", "version": "8.0.39", "timeout_variable": "max_execution_time"},
              "options": dataclasses.asdict(run),
              "workload": {"origin": "slow-log", "detail": "synthetic: examples/make_examples.py"},
              "started": WINDOW_START.strftime("%Y-%m-%dT%H:%M:%S%z")}]
    statements = skipped = 0
    workload = Workload.load(workload_path)
    for shape in workload.queries:
        base = {"digest": shape.digest, "fingerprint": shape.fingerprint, "database": shape.database}
        for i, sql in enumerate(shape.samples):
            reason = read_only_reason(sql)
            if reason:  # bench run skips what is not a read, and says why
                skipped += 1
                lines.append({"type": "skipped", **base, "sample": i, "sql": sql, "reason": reason})
                continue
            prefix = next(p for p in by_prefix if sql.startswith(p))
            ms, plan = by_prefix[prefix]
            rows = rng.randint(1, 100)
            checksum = f"{rng.getrandbits(128):032x}"
            rs = result_shape(sql)
            lost = prefix == regressed
            lines.append({"type": "statement", **base, "sample": i, "sql": sql,
                          "order_keys": list(rs.order_keys) if rs.order_keys else None, "has_limit": rs.has_limit,
                          "nondeterministic": rs.nondeterministic,
                          "blue": dataclasses.asdict(_side(rng, ms, run.repeat, rows, checksum, plan, 1.0)),
                          "green": dataclasses.asdict(_side(rng, ms, run.repeat, rows, checksum,
                                                            (plan[0], "ALL", None) if lost else plan,
                                                            7.0 if lost else 1.0))})
            statements += 1
    lines.append({"type": "end", "statements": statements, "skipped": skipped, "shapes": len(workload.queries),
                  "wall_s": 0.0})
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in lines), encoding="utf-8")


def bench() -> None:
    synthetic_slow_log(Path("examples/bench/mysql-slow.log"))
    cli("bench", "capture", "--slow-log", "examples/bench/mysql-slow.log", "--top", "50",
        "-o", "examples/bench/workload.json")
    synthetic_bench_results(Path("examples/bench/workload.json"), Path("examples/bench/results.jsonl"))
    cli("bench", "compare", "examples/bench/results.jsonl", "--format", "json", "-o", "examples/dossier/bench.json")


# ---- metrics -----------------------------------------------------------------------------------


def synthetic_metrics() -> None:
    """SYNTHETIC CloudWatch series for blue (prod) and green (prod-green-rehearsal), one hour each at one
    minute, judged by ``metrics compare``'s own engine: green's select latency is a third higher."""
    rng = random.Random(SEED)
    period = 60
    blue = metrics_compare.Window("blue", "prod", WINDOW_START, WINDOW_START + dt.timedelta(hours=1))
    green = metrics_compare.Window("green", "prod-green-rehearsal", WINDOW_START + dt.timedelta(hours=2),
                                   WINDOW_START + dt.timedelta(hours=3))
    members = (("prod-1", "WRITER"), ("prod-2", "READER"))

    def data(window: metrics_compare.Window, name: str, green_side: bool) -> dict:
        series = series_for(cluster=Cluster(name, True, tuple((f"{name}-{i}", r) for i, (_, r) in
                                                              enumerate(members, 1))))
        out = {}
        for s in series:
            level = 10 + rng.random() * 90
            if green_side and s.metric.name == "SelectLatency":
                level *= 1.35
            out[s] = [(window.start + dt.timedelta(seconds=period * k), round(level * rng.uniform(0.95, 1.05), 3))
                      for k in range(60)]
        return out

    rng_state = rng.getstate()
    before = data(blue, "prod", False)
    rng.setstate(rng_state)  # green draws the same levels: only what is made different differs
    after = data(green, "prod-green-rehearsal", True)
    doc = metrics_compare.compare(blue, green, period, before, after,
                                  notes=["SYNTHETIC series made by examples/make_examples.py, not CloudWatch data"])
    Path("examples/dossier/metrics.json").write_text(json_text(doc), encoding="utf-8")


# ---- bluegreen journal -------------------------------------------------------------------------


@contextlib.contextmanager
def fake_aws(work: Path) -> Iterator[Any]:
    """The tests' moto server in-process, every boto3 client of this process pointed at it (no AWS account)."""
    import boto3

    from tests.fakes.aws_server import FakeAWS
    from tests.fakes.rds_engine_fake import install_rds_engine_fake
    from tests.fakes.rds_integrations_fake import install_integrations_fake

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    aws = FakeAWS().start()
    try:
        os.environ.update(AWS_ENDPOINT_URL=aws.url, AWS_ACCESS_KEY_ID="example", AWS_SECRET_ACCESS_KEY="example",
                          AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=str(work / "c"),
                          AWS_SHARED_CREDENTIALS_FILE=str(work / "k"))
        install_rds_engine_fake(aws)
        install_integrations_fake(aws)  # as the tests' aws fixture does: moto lacks DescribeIntegrations
        boto3.setup_default_session()
        yield aws
    finally:
        aws.stop()


def journal(work: Path) -> None:
    """``bluegreen create`` against the tests' moto fake of RDS, stopped by the precheck gate."""
    from tests.fakes.rds_bluegreen_fake import build_blue

    with fake_aws(work):
        blue = build_blue("prod")
        shutil.rmtree("examples/dossier/journal", ignore_errors=True)
        cli("bluegreen", "create", "--cluster", blue.cluster, "--target-version", "8.0",
            "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group", blue.instance_group_v3,
            "--precheck-report", "examples/dossier/precheck-report.json", "--name", "prod-to-3",
            "--journal-dir", "examples/dossier/journal", "--poll-interval", "0", ok=(1,))


# ---- fleet -------------------------------------------------------------------------------------

FLEET_AS_OF = "2026-12-07"


def _stable(text: str) -> str:
    """Output without what changes from run to run: when it was made, moto's random deployment id."""
    text = re.sub(r'"generated_at": "[^"]+"', '"generated_at": "(when it was made)"', text)
    text = re.sub(r"Generated [^ ]+ by", "Generated (when it was made) by", text)
    return re.sub(r"bgd-[a-z0-9]+", "bgd-example", text)


def fleet(work: Path) -> None:
    """``fleet scan`` of the tests' fake fleet (tests/fakes/fleet_fake.py), in each of its four formats."""
    from tests.fakes.fleet_fake import DENIED, REGIONS, ROLE, build_fleet, make_reports, write_accounts

    examples = Path("examples/fleet").resolve()
    examples.mkdir(parents=True, exist_ok=True)
    scratch = work / "fleet"
    scratch.mkdir()
    with fake_aws(work) as aws:
        build_fleet(aws)
        cwd = os.getcwd()
        os.chdir(scratch)  # the report paths inside the output are relative: reports/...
        try:
            write_accounts(Path("accounts.txt"))
            make_reports(Path("reports"))
            for fmt, name in (("json", "fleet.json"), ("csv", "fleet.csv"), ("html", "fleet.html"),
                              ("console", "fleet.txt")):
                cli("fleet", "scan", "--accounts", "accounts.txt", "--role-name", ROLE, "--region",
                    ",".join([*REGIONS, DENIED]), "--reports", "reports", "--as-of", FLEET_AS_OF, "--allow-partial",
                    "--format", fmt, "--out", name, ok=(0,))
                (examples / name).write_text(_stable(Path(name).read_text(encoding="utf-8")), encoding="utf-8")
        finally:
            os.chdir(cwd)


# ---- all ---------------------------------------------------------------------------------------


def make(into: Path, render_dossier: bool) -> None:
    """Write ``into``/examples/ (and, when asked, ``into``/docs/example-dossier/)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tree = work / "tree"
        (tree / "examples").mkdir(parents=True)
        shutil.copy(ROOT / SCHEMA, tree / SCHEMA)
        os.environ["HOME"] = str(work)  # no ~/.my.cnf, no ~/.aws
        cwd = os.getcwd()
        os.chdir(tree)  # every path inside a file is relative: examples/...
        try:
            precheck(work)
            synthetic_parameter_exports()
            params_plan()
            bench()
            synthetic_metrics()
            journal(work)
            fleet(work)
            if render_dossier:
                cli(*DOSSIER_COMMAND, "--out", str(work / "dossier"), ok=(1,))  # NO-GO: the precheck has errors
        finally:
            os.chdir(cwd)
        (tree / SCHEMA).unlink()
        for path in sorted(p for p in (tree / "examples").rglob("*") if p.is_file()):
            if path.suffix in (".lock", ".guard"):  # the journal's locks: this run's, not an example
                continue
            dest = into / path.relative_to(tree)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest)
        if render_dossier:
            docs = into / "docs/example-dossier"
            shutil.rmtree(docs, ignore_errors=True)
            shutil.copytree(work / "dossier", docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write DIR/examples/ here instead of the repository (no dossier)")
    args = parser.parse_args()
    make(args.out.resolve() if args.out else ROOT, render_dossier=args.out is None)
    print(f"examples written to {(args.out or ROOT) / 'examples'}")


if __name__ == "__main__":
    main()
