"""An append-only JSON-lines journal per blue/green deployment, so interrupted commands resume safely.

Every mutating step writes ``intent`` before its AWS call and ``done`` (or ``failed``) after it.
On a re-run, a step with ``done`` is skipped, and a step with ``intent`` but no outcome is NOT
called again: the caller looks the deployment up instead (a create or a switchover must never
happen twice). One file per deployment name and Region; a finished ``cleanup`` closes a lifecycle,
so a later deployment with the same name starts from a clean state.

Entries hold identifiers, API parameters and statuses only: never a password, token or DSN.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from upgrade_cli.cli_common import ToolError

ENV_DIR = "AURORA_UPGRADE_JOURNAL_DIR"
DEFAULT_DIR = Path("~/.aurora-upgrade/journal")

INTENT, DONE, FAILED, INFO = "intent", "done", "failed", "info"
LIFECYCLE_END = "cleanup"  # a `cleanup` step marked done closes the deployment's lifecycle


def journal_dir(option: Path | None) -> Path:
    """``--journal-dir``, else ``$AURORA_UPGRADE_JOURNAL_DIR``, else ``~/.aurora-upgrade/journal``."""
    raw = option or (Path(os.environ[ENV_DIR]) if os.environ.get(ENV_DIR) else DEFAULT_DIR)
    return Path(raw).expanduser()


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


class Journal:
    """The journal of one deployment (``<dir>/<region>--<name>.jsonl``)."""

    def __init__(self, directory: Path, region: str, name: str):
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{region}--{name}")
        self.path = Path(directory) / f"{safe}.jsonl"
        self.name = name

    # reading -----------------------------------------------------------------------------------
    def all_entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        out = []
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                # A kill during a write can leave a torn last line; anything else is corruption.
                if lineno == len(lines):
                    continue
                raise ToolError(f"journal {self.path} is corrupt at line {lineno}; fix or move it aside") from None
        return out

    def entries(self) -> list[dict[str, Any]]:
        """Entries of the current lifecycle (after the last finished cleanup)."""
        items = self.all_entries()
        for i in range(len(items) - 1, -1, -1):
            if items[i].get("step") == LIFECYCLE_END and items[i].get("phase") == DONE:
                return items[i + 1:]
        return items

    def last(self, step: str) -> dict[str, Any] | None:
        """The latest entry of ``step`` in this lifecycle."""
        found = [e for e in self.entries() if e.get("step") == step]
        return found[-1] if found else None

    def phase(self, step: str) -> str | None:
        """``intent`` (started, outcome unknown), ``done``, ``failed``, ``info`` or None (never started)."""
        entry = self.last(step)
        return entry.get("phase") if entry else None

    def value(self, key: str) -> Any:
        """The latest value recorded under ``key`` in any entry of this lifecycle."""
        for entry in reversed(self.entries()):
            if entry.get(key) is not None:
                return entry[key]
        return None

    # writing -----------------------------------------------------------------------------------
    def write(self, command: str, step: str, phase: str, **data: Any) -> dict[str, Any]:
        """Append one entry and flush it to disk before returning (it must survive a kill)."""
        entry = {"ts": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "deployment": self.name,
                 "command": command, "step": step, "phase": phase, **data}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, default=_json_default, sort_keys=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise ToolError(f"cannot write journal {self.path}: {exc.strerror}") from None
        return entry
