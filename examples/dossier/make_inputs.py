"""Re-make the example dossier's inputs with the real commands, without an AWS account.

Run from the repository root: ``.venv/bin/python examples/dossier/make_inputs.py``. It needs the
test extras and MariaDB (as the tests do): AWS is the tests' moto server with their named fakes
(`tests/fakes/`), and blue and green for `bench` are two throw-away local MariaDB servers. Every
file it writes is what the command wrote; nothing is edited by hand afterwards. Then render the
dossier with the command in ``examples/dossier/README.md``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner  # noqa: E402

from tests.fakes.aws_server import FakeAWS  # noqa: E402
from tests.fakes.rds_bluegreen_fake import build_blue  # noqa: E402
from tests.fakes.rds_engine_fake import install_rds_engine_fake  # noqa: E402
from upgrade_cli.main import app  # noqa: E402

def cli(*args: str, ok: tuple[int, ...] = (0, 1)) -> str:
    res = CliRunner().invoke(app, list(args))
    if res.exit_code not in ok:
        raise SystemExit(f"{' '.join(args[:2])} failed ({res.exit_code}): {res.output}")
    return res.output


def precheck(work: Path) -> None:
    cli("precheck", "--ddl", "examples/legacy_app_57.sql", "--out", str(work / "precheck"))
    shutil.copy(work / "precheck/report.json", HERE / "precheck-report.json")


def params_and_journal(aws: FakeAWS) -> None:
    import boto3

    install_rds_engine_fake(aws)
    rds = boto3.client("rds")
    blue = build_blue("prod")
    rds.create_db_parameter_group(DBParameterGroupName="prod-57-inst", DBParameterGroupFamily="aurora-mysql5.7",
                                  Description="v2 instance group")
    rds.modify_db_parameter_group(DBParameterGroupName="prod-57-inst", Parameters=[
        {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"} for k, v in
        {"tx_isolation": "READ-COMMITTED", "query_cache_size": "67108864", "slave_parallel_workers": "8",
         "tmp_table_size": "268435456", "long_query_time": "0.5"}.items()])
    for inst in ("prod-1", "prod-2"):
        rds.modify_db_instance(DBInstanceIdentifier=inst, DBParameterGroupName="prod-57-inst", ApplyImmediately=True)
    plan = cli("params", "plan", "--cluster", "prod", "--name", "prod-v3", "--format", "json", ok=(0,))
    (HERE / "params-plan.json").write_text(plan)
    journal = HERE / "journal"
    shutil.rmtree(journal, ignore_errors=True)
    # the precheck gate stops the create: the journal records the gates and their evidence
    cli("bluegreen", "create", "--cluster", blue.cluster, "--target-version", "8.0",
        "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group", blue.instance_group_v3,
        "--precheck-report", "examples/dossier/precheck-report.json", "--name", "prod-to-3",
        "--journal-dir", "examples/dossier/journal", "--poll-interval", "0", ok=(1,))


def metrics(work: Path) -> None:
    import boto3

    from tests.test_metrics import seed

    start = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    seed(boto3.client("cloudwatch"), "prod", start, "prod-green-rehearsal", start)
    cli("metrics", "compare", "--blue-cluster", "prod", "--green-cluster", "prod-green-rehearsal",
        "--start", start.isoformat(), "--end", (start + dt.timedelta(hours=1)).isoformat(),
        "--format", "json", "--out", str(HERE / "metrics.json"))


def bench(work: Path) -> None:
    from tests.test_dossier import bench_reports

    shutil.copy(bench_reports(work)["bench"], HERE / "bench.json")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["HOME"] = str(work)
        os.chdir(ROOT)  # paths in the reports and the journal are relative to the repository
        precheck(work)
        bench(work)
        aws = FakeAWS().start()
        try:
            os.environ.update(AWS_ENDPOINT_URL=aws.url, AWS_ACCESS_KEY_ID="example", AWS_SECRET_ACCESS_KEY="example",
                              AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=str(work / "c"),
                              AWS_SHARED_CREDENTIALS_FILE=str(work / "k"))
            params_and_journal(aws)
            metrics(work)
        finally:
            aws.stop()
    print(f"inputs written to {HERE}")


if __name__ == "__main__":
    main()
