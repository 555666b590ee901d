"""Start-up: how long the commands that need no AWS and no server take, and how much of it is imports.

For ``--help``, ``checks list`` and ``precheck --ddl examples/legacy_app_57.sql`` it prints, median of
``--repeat`` runs, the wall time of the command and the import time of its modules (``-X importtime``,
every module's own time), against the bare interpreter (``python -c pass``) measured in the same run,
and the heaviest packages it imported. boto3, pymysql and pydantic must not be among them (a test holds
that: tests/test_cli_main.py). A live ``precheck --host`` is timed up to its first connection attempt (a
loopback port nothing listens on, refused at once): the start-up a live scan pays before its first query.

Every run reads compiled bytecode, as an installed package does (pip compiles it at install time; an editable
install writes it on the first run): the runs use a bytecode cache in a temporary folder, filled by one
warm-up run, even where the environment sets PYTHONDONTWRITEBYTECODE (then every import compiles its
source, which cost ~150 ms of the --help figure, none of it the program's).

    .venv/bin/python benchmarks/startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMANDS = {"--help": ["--help"], "checks list": ["checks", "list"],
            "precheck --ddl": ["precheck", "--ddl", str(REPO / "examples" / "legacy_app_57.sql")],
            "precheck --host": ["precheck", "--host", "127.0.0.1", "--port", "PORT", "--user", "u", "--password", "x",
                                "--format", "json"]}
NOT_IMPORTED = {"boto3", "botocore", "pymysql", "pydantic"}  # a live scan needs pymysql


def closed_port() -> str:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, Counter]:
    """(wall s, import s of everything, cumulative import s per top-level package) of one run."""
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    per_package: Counter = Counter()
    total = 0
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, self_us, _cumulative, name = [p.strip() for p in line.replace("import time:", "|").split("|")]
        if not self_us.isdigit():
            continue  # the header line
        total += int(self_us)
        per_package[name.strip().split(".")[0]] += int(self_us)
    return wall, total / 1e6, per_package


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="startup-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        measure(args.repeat, env)


def measure(repeat: int, env: dict[str, str]) -> None:
    port = closed_port()
    commands = {label: [port if arg == "PORT" else arg for arg in cmd] for label, cmd in COMMANDS.items()}
    for cmd in [["-c", "pass"], *(["-m", "upgrade_cli.main", *c] for c in commands.values())]:
        run(cmd, env)  # fills the bytecode cache
    bare = statistics.median(run(["-c", "pass"], env)[0] for _ in range(repeat))
    print(f"bare interpreter (python -c pass): {bare * 1000:.0f} ms")
    print(f"{'command':16} {'wall ms':>8} {'imports ms':>10} {'over bare ms':>12}   heaviest imports (ms)")
    for label, cmd in commands.items():
        runs = [run(["-m", "upgrade_cli.main", *cmd], env) for _ in range(repeat)]
        wall = statistics.median(r[0] for r in runs)
        imports = statistics.median(r[1] for r in runs)
        heaviest = runs[len(runs) // 2][2].most_common(5)
        print(f"{label:16} {wall * 1000:>8.0f} {imports * 1000:>10.0f} {(wall - bare) * 1000:>12.0f}   "
              + ", ".join(f"{name} {us / 1000:.0f}" for name, us in heaviest))
        unwanted = NOT_IMPORTED - ({"pymysql"} if "--host" in cmd else set())
        assert not unwanted & set(runs[0][2]), f"{label} imported {sorted(unwanted & set(runs[0][2]))}"


if __name__ == "__main__":
    main()
