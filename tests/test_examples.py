"""examples/ is what today's tool makes, and every README command that needs no AWS or server runs on it.

No server here: ``examples/make_examples.py`` runs its commands in-process (the journal's ``bluegreen
create`` against the tests' in-process moto fake), and the README's offline commands run against
examples/ in a scratch directory.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upgrade_cli.main import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
REGENERATE = ".venv/bin/python examples/make_examples.py"
HAND_WRITTEN = {"README.md", "dossier/README.md", "fleet/README.md", "make_examples.py", "legacy_app_57.sql"}
VOLATILE = {"ts", "generated_at", "collected_at"}  # when the command ran, not what it found


def _steady(value):
    if isinstance(value, dict):
        return {k: "<time>" if k in VOLATILE else _steady(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


def _content(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return _steady(json.loads(text))
    if path.suffix in (".jsonl",):
        return [_steady(json.loads(line)) for line in text.splitlines()]
    return text


def test_the_committed_examples_are_what_the_tool_makes_today(tmp_path):
    res = subprocess.run([sys.executable, str(EXAMPLES / "make_examples.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    made = {p.relative_to(tmp_path / "examples").as_posix() for p in (tmp_path / "examples").rglob("*") if p.is_file()}
    committed = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts} - HAND_WRITTEN
    assert committed == made, (f"examples/ is stale (missing: {sorted(made - committed)}, no longer made: "
                               f"{sorted(committed - made)}): run `{REGENERATE}`")
    stale = [name for name in sorted(made) if _content(tmp_path / "examples" / name) != _content(EXAMPLES / name)]
    assert not stale, f"examples/ drifted from what the tool makes today ({', '.join(stale)}): run `{REGENERATE}`"


# ---- the README ---------------------------------------------------------------------------------

# A README command needs AWS or a server when it names one of these; every other one must run here.
NEEDS_AWS_OR_SERVER = ("--host", "--dsn", "--blue", "--green", "--socket", "--iam", "--cluster ", "bluegreen create",
                       "bluegreen status", "bluegreen switchover", "bluegreen cleanup", "bench run", "metrics compare",
                       "params versions", "--apply", "--install-completion", "fleet scan", "fleet precheck")
# The README's usage lines name files as a DBA would; these example files stand for them.
STAND_INS = {
    "schema.sql": "examples/legacy_app_57.sql",
    "prod.json": "examples/precheck/legacy_app_57.snapshot.json",
    "cluster-params.json": "examples/params/prod.json",
    "writer.json": "examples/params/prod-writer.json",
    "mysql-slow.log": "examples/bench/mysql-slow.log",
    "results.jsonl": "examples/bench/results.jsonl",
    "more.jsonl": "examples/bench/results.jsonl",  # bench run --from-compare's output: another results file
    # AWS's own file: the tool cannot make it, so a fixture of its format stands in
    "upgrade-prechecks.log": "tests/fixtures/aurora_logs/failed_2_11_to_3_04.log",
}


def readme_commands() -> list[str]:
    """Every ``aurora-upgrade`` command in the README's code blocks, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            m = re.search(r"(?:^|&&\s*)(?:\S*/)?aurora-upgrade(\s.*)?$", line.strip())
            if m:
                out.append("aurora-upgrade" + (m.group(1) or ""))
    return out


def needs_aws_or_server(command: str) -> bool:
    words = shlex.split(command, comments=True)
    line = " ".join(words) + " "
    return (any(marker in line for marker in NEEDS_AWS_OR_SERVER) or "..." in words
            or ("--deployment" in words and "--offline" not in words))  # the dossier reads RDS events


def offline_commands() -> list[str]:
    return [c for c in readme_commands() if not needs_aws_or_server(c)]


def test_the_readme_has_offline_commands_to_try():
    commands = offline_commands()
    assert len(commands) >= 10 and any("examples/" in c for c in commands)
    for c in ("bench capture", "bench compare", "params diff --from-json", "params plan --from-json", "dossier"):
        assert any(c in command for command in commands), c


@pytest.mark.parametrize("command", offline_commands())
def test_every_readme_command_that_needs_no_aws_or_server_runs_on_the_examples(command, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(EXAMPLES)  # outputs land in tmp_path, never in examples/
    words = shlex.split(command, comments=True)[1:]
    for name, stand_in in STAND_INS.items():
        if name in words and not (tmp_path / name).exists():
            shutil.copy(ROOT / stand_in, tmp_path / name)
    res = CliRunner().invoke(app, words)
    assert res.exit_code in (0, 1), f"{command}\n{res.output}"  # 1: findings, a regression, NO-GO
    assert "Traceback" not in res.output


def test_the_readme_shows_the_example_fleet():
    """README's 'Your fleet' console view is examples/fleet/fleet.txt, which make_examples.py makes."""
    assert (EXAMPLES / "fleet" / "fleet.txt").read_text() in (ROOT / "README.md").read_text(), \
        f"README's 'Your fleet' example differs from examples/fleet/fleet.txt: paste it again after `{REGENERATE}`"
