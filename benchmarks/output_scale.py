"""A big precheck's outputs against json's own encoder: report.json, the snapshot written and read back.

    .venv/bin/python benchmarks/output_scale.py                  # 4,000 tables (rollup_scale.py's schema)
    .venv/bin/python benchmarks/output_scale.py --tables 20000

In process, best of three, each writer against the baseline it must equal byte for byte, measured in the same run:

- report.json: ``report.write_json`` (the findings encoded a chunk at a time from the store) against
  ``json.dump`` of the report's dict (every finding a dict, json's indenting encoder);
- snapshot saved: ``Catalog.to_json`` against ``json.dumps(catalog.to_dict(), indent=1)``;
- snapshot read: ``inputs.build_typed`` (a builder generated per dataclass) against the checking converters alone.

It prints each time and ratio (ours / baseline: lower is better) and stops if an output differs.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollup_scale import write_dump  # noqa: E402 - the same tenant schema

from upgrade_cli import inputs  # noqa: E402
from upgrade_cli.checks.registry import all_checks, run_checks  # noqa: E402
from upgrade_cli.precheck import report as report_module  # noqa: E402
from upgrade_cli.precheck.collect.dump import load_dump  # noqa: E402
from upgrade_cli.precheck.model import Catalog  # noqa: E402


def best(fn: Callable[[], Any], n: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def line(what: str, ours: float, baseline: float, same: bool) -> None:
    if not same:
        sys.exit(f"{what}: the output differs from the baseline's")
    print(f"{what:<16} ours {ours:6.3f} s   baseline {baseline:6.3f} s   ratio {ours / baseline:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=4000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "tenants.sql"
        write_dump(dump, args.tables)
        catalog = load_dump(dump)
    run = run_checks(catalog)

    def report() -> report_module.Report:  # a fresh one: write_json keeps the findings it encoded
        r = report_module.build_report({"kind": "dump", "name": "tenants"}, all_checks(), run)
        r.generated_at = "-"
        return r

    def ours_json() -> str:
        buf = io.StringIO()
        report_module.write_json(report(), buf)
        return buf.getvalue()

    def baseline_json() -> str:
        buf = io.StringIO()
        json.dump(report().to_dict(), buf, indent=2, ensure_ascii=False, default=str)
        return buf.getvalue() + "\n"

    print(f"{args.tables:,} tables, {len(run.findings):,} findings")
    (t_ours, a), (t_base, b) = best(ours_json), best(baseline_json)
    line("report.json", t_ours, t_base, a == b)
    (t_ours, a), (t_base, b) = best(catalog.to_json), best(
        lambda: json.dumps(catalog.to_dict(), indent=1, ensure_ascii=False, default=str))
    line("snapshot saved", t_ours, t_base, a == b)
    data = json.loads(a)
    (t_ours, a), (t_base, b) = best(lambda: inputs.build_typed(Catalog, data)), best(
        lambda: inputs._converter(Catalog)(data, "snapshot"))
    line("snapshot read", t_ours, t_base, a == b)


if __name__ == "__main__":
    main()
