"""Not measured is not a pass: the judges, the gates that call them, and the dossier's rules (issue 18).

Inputs come from the real stages: `precheck --out`, `bench run` + `bench compare` on the session
MariaDB (blue against itself), `params plan`, and `bluegreen create` / `switchover` on moto with the
named fakes (engine versions; a switchover that fails and rolls back). Variants of those files are
the real output with one field changed, as a newer or older tool would write it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes.rds_bluegreen_fake import (BlueGreenTimeline, build_blue, create_deployment, green_writer, put_lag,
                                            rds_show_configuration, run_cli, sql_overrides)
from tests.fakes.rds_engine_fake import install_rds_engine_fake
from tests.mariadb_server import ROOT_PASSWORD
from tests.test_dossier import CLEAN_DDL, params_plan
from upgrade_cli import judges
from upgrade_cli.bluegreen import gates
from upgrade_cli.dossier import build as dossier_build
from upgrade_cli.handoffs import read_bench, read_params_plan, read_precheck
from upgrade_cli.main import app
from upgrade_cli.precheck.api import CHECKS

NAME = "prod-to-3"
SWITCHED = "8.0.mysql_aurora.3.04.0"  # what create_deployment's green runs
CREATED = "8.0.mysql_aurora.3.05.2"  # what the `bluegreen create` tests ask for
BLUE_SQL = ("long-transactions", "running-ddl", "prepared-xa", "blue-not-a-replica")
ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, mariadb) -> dict[str, Path]:
    """Real precheck reports (clean, for three targets; one made with --only, one with --skip) and real bench
    comparisons on the session MariaDB: blue against itself ("bench"), and one where every statement failed on
    both sides ("bench_nothing")."""
    d = tmp_path_factory.mktemp("judged")
    out: dict[str, Path] = {}
    (d / "clean.sql").write_text(CLEAN_DDL)
    for name, extra in (("pre_304", ["--target-version", SWITCHED]), ("pre_305", ["--target-version", CREATED]),
                        ("pre_301", ["--target-version", "3.01.0"]),
                        ("pre_only", ["--target-version", SWITCHED, "--only", "zeroDates"]),
                        ("pre_skip", ["--target-version", SWITCHED, "--skip", "zeroDates"])):
        res = cli("precheck", "--ddl", str(d / "clean.sql"), "--out", str(d / name), *extra)
        assert res.exit_code == 0, res.output
        out[name] = d / name / "report.json"
    mariadb.execute_script("CREATE DATABASE IF NOT EXISTS judged;\nUSE judged;\n"
                           "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB;\n"
                           "INSERT IGNORE INTO t SELECT seq, seq % 7 FROM seq_1_to_5000;\n")
    dsn = f"mysql://root:{mariadb.password}@{mariadb.host}:{mariadb.port}/judged"
    workloads = {"bench": "".join(f"SELECT COUNT(*) FROM t WHERE v = {v};\n" for v in range(7)) * 3
                 + "".join(f"SELECT id, v FROM t WHERE id = {i};\n" for i in (5, 50, 500)),
                 "bench_nothing": "".join(f"SELECT v FROM no_such_table WHERE id = {i};\n" for i in range(10))}
    for name, sql in workloads.items():
        (d / f"{name}.sql").write_text(sql)
        res = cli("bench", "capture", "--sql", str(d / f"{name}.sql"), "--database", "judged",
                  "-o", str(d / f"{name}.w.json"))
        assert res.exit_code == 0, res.output
        res = cli("bench", "run", "--workload", str(d / f"{name}.w.json"), "--blue", dsn, "--green", dsn,
                  "--out", str(d / f"{name}.jsonl"), "-q")
        assert res.exit_code == 0, res.output
        results = [str(d / f"{name}.jsonl")]
        res = cli("bench", "compare", *results, "--format", "json", "--out", str(d / f"{name}.json"))
        assert res.exit_code in (0, 1), res.output  # 1: a newer compare says "nothing measured" itself
        # A loaded machine can leave blue-against-itself "inconclusive" (a risk): settle it as a DBA would,
        # replaying just those shapes with the samples the comparison asks for (bench run --from-compare).
        for more in range(3):
            if not json.loads((d / f"{name}.json").read_text())["summary"].get("inconclusive"):
                break
            results.append(str(d / f"{name}.more{more}.jsonl"))
            res = cli("bench", "run", "--workload", str(d / f"{name}.w.json"), "--blue", dsn, "--green", dsn,
                      "--from-compare", str(d / f"{name}.json"), "--out", results[-1], "-q")
            assert res.exit_code == 0, res.output
            res = cli("bench", "compare", *results, "--format", "json", "--out", str(d / f"{name}.json"))
            assert res.exit_code in (0, 1), res.output
        out[name] = d / f"{name}.json"
    return out


def variant(path: Path, tmp_path: Path, change) -> Path:
    """The real file with one change, as another version of the tool would write it."""
    data = json.loads(path.read_text())
    change(data)
    new = tmp_path / f"variant-{path.name}"
    new.write_text(json.dumps(data))
    return new


def dossier(tmp_path: Path, *args: str) -> tuple[int, dict]:
    out = tmp_path / "dossier"
    res = cli("dossier", *args, "--journal-dir", str(tmp_path / "journal"), "--region", "us-east-1", "--offline",
              "--out", str(out))
    assert res.exit_code in (0, 1), res.output
    assert "internal" not in res.output
    return res.exit_code, json.loads((out / "dossier.json").read_text())


def rules(doc: dict, level: str = "no-go") -> set[str]:
    return {r["rule"] for r in doc["reasons"] if r["level"] == level}


# ---------------------------------------------------------------------------------------------
# the dossier's GO cases of issue 18, from a real create → switchover on moto
# ---------------------------------------------------------------------------------------------


def switch(aws, tmp_path, monkeypatch, inputs, *extra: str, keep: tuple[str, ...] = ()):
    monkeypatch.setenv("HOME", str(tmp_path))
    dep = create_deployment(build_blue(), NAME)
    put_lag(green_writer(dep), 0.0, 0.0)
    return dep, run_cli(tmp_path / "journal", "switchover", NAME, "--yes", "--precheck-report", str(inputs["pre_304"]),
                        "--bench-report", str(inputs["bench"]), *extra, *sql_overrides(keep))


def all_inputs(aws, tmp_path, inputs, precheck: str = "pre_304") -> list[str]:
    plan = tmp_path / "plan.json"
    if not plan.exists():
        params_plan(aws, plan)
    return ["--precheck", str(inputs[precheck]), "--params", str(plan),
            "--bench", str(inputs["bench"]), "--deployment", NAME]


@pytest.mark.parametrize("end", ["SWITCHOVER_FAILED", "AVAILABLE"])
def test_a_failed_or_rolled_back_switchover_is_no_go(end, aws, tmp_path, monkeypatch, inputs):
    BlueGreenTimeline(aws).fail_switchover("Switchover timed out: green could not catch up", end=end)
    _, res = switch(aws, tmp_path, monkeypatch, inputs)
    assert res.exit_code == 1 and "blue is still production" in res.output
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs))
    assert (code, doc["verdict"]) == (1, "NO-GO"), doc["reasons"]
    first = doc["reasons"][0]
    assert (first["rule"], first["field"]) == ("journal-switchover-failed", "switchover.phase")
    assert first["input"].endswith(f"us-east-1--{NAME}.jsonl")


def test_a_failed_verify_after_the_switchover_is_no_go(aws, tmp_path, monkeypatch, inputs, mariadb):
    """The blue SQL gates run on MariaDB, which then serves the endpoint: "not 8.0", so verify fails."""
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    _, res = switch(aws, tmp_path, monkeypatch, inputs, "--blue-dsn", f"mysql://root@127.0.0.1:{mariadb.port}/",
                    keep=BLUE_SQL)
    assert res.exit_code == 1 and "the cluster endpoint serves 10." in res.output
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs))
    assert (code, doc["verdict"]) == (1, "NO-GO"), doc["reasons"]
    assert "journal-verify-failed" in rules(doc)


def create(aws, tmp_path, monkeypatch, mariadb, *extra: str):
    """`bluegreen create` of prod → CREATED on moto, with whatever connection and report ``extra`` gives."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", ROOT_PASSWORD)
    install_rds_engine_fake(aws)
    blue = build_blue()
    with rds_show_configuration(mariadb, 24):
        res = run_cli(tmp_path / "journal", "create", "--cluster", blue.cluster, "--target-version", CREATED,
                      "--cluster-parameter-group", blue.cluster_group_v3, "--instance-parameter-group",
                      blue.instance_group_v3, "--name", NAME, *extra)
    assert res.exit_code == 0, res.output
    return res


def test_create_gates_not_run_and_a_skipped_precheck_gate_are_a_risk_not_a_go(aws, tmp_path, monkeypatch, inputs,
                                                                               mariadb):
    create(aws, tmp_path, monkeypatch, mariadb)  # no --dsn: SQL gates NOT RUN; no --precheck-report: skipped
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs, "pre_305"))
    assert (code, doc["verdict"]) == (1, "GO WITH RISKS"), doc["reasons"]
    risk = next(r for r in doc["reasons"] if r["rule"] == "journal-gate-failed")
    for gate in ("no-tmp-database", "binlog-retention", "tables-without-pk", "blue-not-a-replica"):
        assert f"{gate} (NOT RUN)" in risk["text"]
    assert "precheck-report (skip)" in risk["text"] and risk["field"] == "gates.gates[].status"
    covered = doc["judges"]["journal"]["covered"]
    assert covered["target"] == CREATED and "create: precheck-report (skip)" in covered["not_run"]


def test_a_precheck_for_another_target_than_the_deployment_is_no_go(aws, tmp_path, monkeypatch, inputs, mariadb):
    """Every create gate ran and passed with the 3.05.2 report; the dossier is then handed one made for 3.01.0."""
    create(aws, tmp_path, monkeypatch, mariadb, "--dsn", f"mysql://root@127.0.0.1:{mariadb.port}/",
           "--precheck-report", str(inputs["pre_305"]))
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs, "pre_305"))
    assert (code, doc["verdict"]) == (0, "GO"), doc["reasons"]
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs, "pre_301"))
    assert (code, doc["verdict"]) == (1, "NO-GO"), doc["reasons"]
    reason = next(r for r in doc["reasons"] if r["rule"] == "precheck-target")
    assert reason["field"] == "target" and "MySQL 8.0.23" in reason["text"] and "3.05.2" in reason["text"]
    # the create gate says the same about the same file
    gate = gates.precheck_report(inputs["pre_301"], CREATED)
    assert gate.status == gates.FAIL and "re-run precheck --target-version 3.05.2" in gate.detail


def test_an_unknown_gate_status_in_the_journal_is_never_a_pass(aws, tmp_path, monkeypatch, inputs, mariadb):
    create(aws, tmp_path, monkeypatch, mariadb, "--dsn", f"mysql://root@127.0.0.1:{mariadb.port}/",
           "--precheck-report", str(inputs["pre_305"]))
    path = tmp_path / "journal" / f"us-east-1--{NAME}.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    entries[0]["gates"][0]["status"] = "passed-ish"  # written by some other tool version
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs, "pre_305"))
    assert (code, doc["verdict"]) == (1, "NO-GO"), doc["reasons"]
    assert "journal-gate-unknown" in rules(doc)


def test_a_metrics_comparison_that_measured_nothing_is_no_go(aws, tmp_path, monkeypatch, inputs):
    _, res = switch(aws, tmp_path, monkeypatch, inputs)
    assert res.exit_code == 0, res.output
    time.sleep(1.1)  # the journal records the switchover to the second: let the window after it begin
    res = cli("metrics", "compare", "--around-switchover", NAME, "--journal-dir", str(tmp_path / "journal"),
              "--settle", "0", "--window", "5", "--adjacent", "--format", "json", "--out", str(tmp_path / "m.json"))
    assert res.exit_code in (0, 1), res.output  # moto's CloudWatch has no datapoint for these clusters
    data = json.loads((tmp_path / "m.json").read_text())
    assert data["results"] and {r["verdict"] for r in data["results"]} == {"no data"}
    code, doc = dossier(tmp_path, *all_inputs(aws, tmp_path, inputs), "--metrics", str(tmp_path / "m.json"))
    assert (code, doc["verdict"]) == (1, "NO-GO"), doc["reasons"]
    reason = next(r for r in doc["reasons"] if r["rule"] == "metrics-nothing-measured")
    assert f"{len(data['results'])} of {len(data['results'])} series have no data" in reason["text"]
    assert doc["judges"]["metrics"]["covered"]["measured"] == 0


def test_a_bench_comparison_that_measured_nothing_is_no_go_and_fails_the_gate(inputs, tmp_path):
    report = read_bench(inputs["bench_nothing"])
    assert report.summary["statements"] == 10 and not report.failing  # what the gate passed on
    gate = gates.bench_report(inputs["bench_nothing"])
    assert gate.status == gates.FAIL and "nothing was measured: 0 of 10 statement(s)" in gate.detail
    code, doc = dossier(tmp_path, "--precheck", str(inputs["pre_304"]), "--bench", str(inputs["bench_nothing"]))
    assert (code, doc["verdict"]) == (1, "NO-GO"), doc["reasons"]
    assert "bench-nothing-measured" in rules(doc)
    # a newer compare's own count of statements measured on both sides is read the same way
    newer = variant(inputs["bench"], tmp_path, lambda d: d["summary"].update(measured=0))
    assert judges.bench(read_bench(newer)).reasons[0].field == "summary.measured"


# ---------------------------------------------------------------------------------------------
# the gates and the dossier call the same judges
# ---------------------------------------------------------------------------------------------


def test_the_gates_and_the_dossier_call_the_same_judge(inputs, tmp_path, monkeypatch):
    seen: list[tuple[str, str]] = []
    for name in ("precheck", "bench"):
        real = getattr(judges, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            verdict = _real(*args, **kwargs)
            seen.append((_name, verdict.status))
            return verdict

        monkeypatch.setattr(judges, name, spy)
    pre, bench = inputs["pre_only"], inputs["bench_nothing"]
    gate_pre, gate_bench = gates.precheck_report(pre), gates.bench_report(bench)
    doc = dossier_build.build(pre, None, bench, None, None, tmp_path, "us-east-1", None, use_aws=False)
    assert seen == [("precheck", "block"), ("bench", "block")] * 2  # once by each gate, once by the dossier
    assert gate_pre.status == gate_bench.status == gates.FAIL and doc["verdict"] == "NO-GO"
    assert {doc["judges"]["precheck"]["status"], doc["judges"]["bench"]["status"]} == {"block"}


# ---------------------------------------------------------------------------------------------
# each judge: measured nothing, covered less than it claims, another target, a status it does not know
# ---------------------------------------------------------------------------------------------


def test_a_precheck_made_with_only_is_not_a_full_scan(inputs):
    """Today's report lists only the --only checks: the rest are not shown at all, so it blocks."""
    v = judges.precheck(read_precheck(inputs["pre_only"], checks=CHECKS), SWITCHED, checks=CHECKS)
    assert v.status == judges.BLOCK and v.reasons[0].rule == "precheck-selection"
    assert v.covered.ran == ("zeroDates",) and gates.precheck_report(inputs["pre_only"]).status == gates.FAIL


def test_a_precheck_made_with_skip_shows_the_skipped_check_and_is_a_risk(inputs):
    v = judges.precheck(read_precheck(inputs["pre_skip"], checks=CHECKS), SWITCHED, checks=CHECKS)
    assert (v.status, [r.rule for r in v.reasons]) == (judges.RISK, ["precheck-skipped"])
    assert "zeroDates" in v.reasons[0].text and gates.precheck_report(inputs["pre_skip"]).status == gates.WARN


@pytest.mark.parametrize("change, rule, field", [
    (lambda d: d.update(verdict="INCOMPLETE"), "precheck-verdict", "verdict"),
    (lambda d: d.update(verdict="MOSTLY READY"), "precheck-verdict", "verdict"),
    (lambda d: d["checks"][0].update(status="not_run", note="no SELECT on mysql.user"), "precheck-not-run",
     "checks[].status"),
    (lambda d: d["checks"][0].update(status="sort-of"), "precheck-not-run", "checks[].status"),
    (lambda d: d.update(selection={"only": ["zeroDates"], "skip": []}), "precheck-selection", "selection"),
    (lambda d: d.update(complete=False, incomplete_reason="connection lost"), "precheck-incomplete", "complete"),
    (lambda d: d.pop("target"), "precheck-target-unknown", "target"),
])
def test_the_precheck_judge_never_passes_what_it_cannot_vouch_for(inputs, tmp_path, change, rule, field):
    v = judges.precheck(read_precheck(variant(inputs["pre_304"], tmp_path, change), checks=CHECKS), SWITCHED,
                        checks=CHECKS)
    assert v.status != judges.PASS and (v.reasons[0].rule, v.reasons[0].field) == (rule, field)
    assert v.reasons[0].input.endswith("variant-report.json")


def test_a_clean_precheck_passes_and_says_what_it_covered(inputs):
    v = judges.precheck(read_precheck(inputs["pre_304"], checks=CHECKS), SWITCHED, checks=CHECKS)
    assert (v.status, v.reasons) == (judges.PASS, ())
    assert v.covered.target == SWITCHED and v.covered.unit == "checks" and v.covered.measured == len(v.covered.ran) > 20
    assert v.covered.of == len(read_precheck(inputs["pre_304"], checks=CHECKS).checks)


@pytest.mark.parametrize("change, status, rule", [
    (lambda d: d["shapes"][0].update(verdict="inconclusive", samples_needed=40), judges.RISK, "bench-inconclusive"),
    (lambda d: d["shapes"][0].update(verdict="results differ"), judges.BLOCK, "bench-wrong-answers"),
    (lambda d: d["shapes"][0].update(verdict="looks fine"), judges.BLOCK, "bench-unknown"),
    (lambda d: d["summary"].update(failing=2), judges.BLOCK, "bench-unknown"),
    (lambda d: d.update(complete=False), judges.RISK, "bench-incomplete"),
])
def test_the_bench_judge_reads_every_verdict(inputs, tmp_path, change, status, rule):
    assert judges.bench(read_bench(inputs["bench"])).status == judges.PASS
    v = judges.bench(read_bench(variant(inputs["bench"], tmp_path, change)))
    assert (v.status, v.reasons[0].rule) == (status, rule)


def _metrics(verdicts: list[str]) -> dict:
    return {"before": {"cluster": "prod"}, "after": {"cluster": "prod"}, "summary": {},
            "results": [{"metric": f"M{i}", "role": "WRITER", "verdict": v, "median_change": 0.5}
                        for i, v in enumerate(verdicts)]}


@pytest.mark.parametrize("verdicts, status, rule", [
    (["no data", "no data"], judges.BLOCK, "metrics-nothing-measured"),
    ([], judges.BLOCK, "metrics-nothing-measured"),
    (["unchanged", "no data"], judges.RISK, "metrics-no-data"),
    (["worse", "unchanged"], judges.RISK, "metrics-worse"),
    (["unchanged", "fine-ish"], judges.BLOCK, "metrics-unknown"),
])
def test_the_metrics_judge(verdicts, status, rule):
    v = judges.metrics(_metrics(verdicts), "m.json")
    assert (v.status, v.reasons[0].rule) == (status, rule)
    newer = _metrics(["unchanged"]) | {"summary": {"series": 32, "series_with_data": 0}}
    assert judges.metrics(newer, "m.json").reasons[0].field == "summary.series_with_data"


def test_the_dossier_states_its_rules_generated_from_the_judges(inputs, tmp_path):
    text = (ROOT / "docs/dossier.md").read_text(encoding="utf-8")
    assert judges.with_rules(text) == text, "docs/dossier.md is stale: run `python -m upgrade_cli.judges docs/dossier.md`"
    _, doc = dossier(tmp_path, "--precheck", str(inputs["pre_304"]))
    page = (tmp_path / "dossier" / "dossier.html").read_text()
    assert '<footer id="rules">' in page and all(r.id in page for r in judges.RULES.values())
    assert judges.rules_markdown().rstrip() in (tmp_path / "dossier" / "dossier.md").read_text()
    assert doc["reasons"] and all({"rule", "input", "field"} <= r.keys() for r in doc["reasons"])


def test_bad_input_is_still_one_line_and_exit_2(inputs, tmp_path):
    broken = variant(inputs["bench"], tmp_path, lambda d: d.update(shapes="not a list"))
    res = cli("dossier", "--bench", str(broken), "--out", str(tmp_path / "d"))
    assert res.exit_code == 2 and res.output.startswith("error: ") and res.output.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# for each input: measured nothing, covered less than it claims, made for another target
# ---------------------------------------------------------------------------------------------


def test_a_precheck_where_no_check_ran_blocks(inputs, tmp_path):
    def nothing(d):
        for c in d["checks"]:
            c.update(status="skipped", note="does not apply to the target")
    v = judges.precheck(read_precheck(variant(inputs["pre_304"], tmp_path, nothing), checks=CHECKS), SWITCHED,
                        checks=CHECKS)
    assert v.status == judges.BLOCK and v.reasons[0].rule == "precheck-nothing-ran" and v.covered.measured == 0


def test_a_params_plan_for_another_cluster_or_with_no_group_blocks(aws, tmp_path):
    build_blue()
    plan = read_params_plan(params_plan(aws, tmp_path / "plan.json"))
    assert judges.params(plan, "prod").status == judges.PASS
    other = judges.params(plan, "orders")
    assert (other.status, other.reasons[0].rule, other.reasons[0].field) == (judges.BLOCK, "params-cluster", "cluster")
    empty = read_params_plan(variant(tmp_path / "plan.json", tmp_path, lambda d: d.update(groups=[])))
    assert judges.params(empty).reasons[0].rule == "params-empty"


def test_a_bench_whose_green_ran_another_release_blocks(inputs, tmp_path):
    def on(version):
        return read_bench(variant(inputs["bench"], tmp_path, lambda d: d["run"]["green"].update(version=version)))
    assert judges.bench(on("8.0.32"), CREATED).status == judges.PASS  # Aurora 3.05.2 answers as MySQL 8.0.32
    v = judges.bench(on("8.0.23"), CREATED)
    assert (v.status, v.reasons[0].rule, v.reasons[0].field) == (judges.BLOCK, "bench-target", "run.green.version")
    assert judges.bench(on("10.11.6-MariaDB"), CREATED).status == judges.PASS  # the tests' stand-in: not compared


def test_metrics_of_another_cluster_or_from_before_the_switchover_block(aws, tmp_path, monkeypatch, inputs):
    _, res = switch(aws, tmp_path, monkeypatch, inputs)
    assert res.exit_code == 0, res.output
    from upgrade_cli.handoffs import read_journal

    j = read_journal(tmp_path / "journal", "us-east-1", NAME)
    data = _metrics(["unchanged"]) | {"after": {"cluster": "prod", "start": j.switchover_done.isoformat()},
                                      "period_s": 60}
    assert judges.metrics(data, "m.json", j).status == judges.PASS
    other = judges.metrics(data | {"after": {"cluster": "orders", "start": data["after"]["start"]}}, "m.json", j)
    assert (other.reasons[0].rule, other.reasons[0].field) == ("metrics-target", "after.cluster")
    early = (j.switchover_done - dt.timedelta(hours=1)).isoformat()
    before = judges.metrics(data | {"after": {"cluster": "prod", "start": early}}, "m.json", j)
    assert (before.status, before.reasons[0].field) == (judges.BLOCK, "after.start")


def test_a_journal_without_any_gate_check_is_a_risk(tmp_path):
    from upgrade_cli.bluegreen.journal import Journal
    from upgrade_cli.handoffs import read_journal

    Journal(tmp_path, "us-east-1", NAME).write("cleanup", "delete-deployment", "done")
    v = judges.journal(read_journal(tmp_path, "us-east-1", NAME))
    assert (v.status, v.reasons[0].rule, v.covered.measured) == (judges.RISK, "journal-no-gates", 0)
