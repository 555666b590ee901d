"""An append-only JSON-lines journal per blue/green deployment, so interrupted commands resume safely.

Every mutating step writes ``intent`` before its AWS call and ``done`` (or ``failed``) after it.
On a re-run, a step with ``done`` is skipped, and a step with ``intent`` but no outcome is NOT
called again: the caller looks the deployment up instead (a create or a switchover must never
happen twice). One file per deployment name and Region; a finished ``cleanup`` closes a lifecycle,
so a later deployment with the same name starts from a clean state.

Entries hold identifiers, API parameters and statuses only: never a password, token or DSN.
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path
from typing import Any

from upgrade_cli.handoffs import DONE, FAILED, INFO, INTENT, JournalFile
from upgrade_cli.narrator import Narrator
from upgrade_cli.outcome import ToolError

__all__ = ["DONE", "FAILED", "INFO", "INTENT", "Journal"]  # the phases: the journal's format, in handoffs.py


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


class Journal(JournalFile):
    """The journal of one deployment (``<dir>/<region>--<name>.jsonl``), as the bluegreen commands hold and
    write it; reading it is :class:`handoffs.JournalFile`'s (the dossier and `metrics` read it too)."""

    # one run at a time --------------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.path.with_suffix(".lock")

    def lock(self, command: str, narrator: Narrator) -> None:
        """Hold this deployment for the rest of the process: a second run at the same time would
        call Create or Switchover again before the first one's ``done`` is written.

        The lock file names its holder (pid, host). A holder on this host that is no longer running
        left a stale lock (a kill -9): it is taken over, and ``narrator`` is told. A live holder, or one on
        another host (whose pid cannot be checked from here), stops this run with its details.
        """
        me = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
              "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            guard = open(self.path.with_suffix(".guard"), "a")
        except OSError as exc:
            raise ToolError(f"cannot create lock {self.lock_path}: {exc.strerror}") from None
        with guard:  # two runs judging the same stale lock must not both take it over
            fcntl.flock(guard, fcntl.LOCK_EX)
            self._acquire(me, narrator)

    def _acquire(self, me: dict[str, Any], narrator: Narrator) -> None:
        for _ in range(2):
            try:
                fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder.get("pid") == me["pid"] and holder.get("host") == me["host"]:
                    return  # this process already holds it
                if holder.get("host") == me["host"] and isinstance(holder.get("pid"), int) \
                        and not _alive(holder["pid"]):
                    narrator.warn(f"taking over the stale lock {self.lock_path}: its holder, pid {holder['pid']} "
                                  f"({holder.get('command')} since {holder.get('since')}), is no longer running on "
                                  "this host; its journal entries are resumed from")
                    self.lock_path.unlink(missing_ok=True)
                    continue
                where = f"pid {holder.get('pid')} on host {holder.get('host')}" if holder else "an unknown holder"
                raise ToolError(f"deployment {self.name} is in use by another run ({where}, "
                                f"{holder.get('command', '?')} since {holder.get('since', '?')}); wait for it to "
                                f"finish, or, if no such run exists, remove {self.lock_path}")
            except OSError as exc:
                raise ToolError(f"cannot create lock {self.lock_path}: {exc.strerror}") from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(me) + "\n")
            atexit.register(self._unlock, me)
            return
        raise ToolError(f"cannot take the lock {self.lock_path}: another run took it first")

    def _holder(self) -> dict[str, Any]:
        try:
            data = json.loads(self.lock_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _unlock(self, me: dict[str, Any]) -> None:
        if self._holder().get("pid") == me["pid"]:
            self.lock_path.unlink(missing_ok=True)

    # writing -----------------------------------------------------------------------------------
    def write(self, command: str, step: str, phase: str, **data: Any) -> dict[str, Any]:
        """Append one entry and flush it to disk before returning (it must survive a kill)."""
        entry = {"ts": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "deployment": self.name,
                 "command": command, "step": step, "phase": phase, **data}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as fh:
                torn = fh.tell() > 0 and _last_byte(self.path) != b"\n"
                line = json.dumps(entry, default=_json_default, sort_keys=False) + "\n"
                fh.write((("\n" if torn else "") + line).encode("utf-8"))  # never glued onto a torn line
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise ToolError(f"cannot write journal {self.path}: {exc.strerror}") from None
        return entry
