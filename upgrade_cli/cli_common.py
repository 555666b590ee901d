"""What every command shares: consoles, exit codes, and the one-line error contract.

Every command body runs under :func:`guarded`, so bad input, a lost connection or an AWS error
becomes one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import enum
import functools
import json
from pathlib import Path
from typing import Any, Callable, TypeVar

import typer
from rich.console import Console

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at or above --fail-on, a failed gate, a regression
EXIT_ERROR = 2  # usage, input, connection or API error
EXIT_INTERRUPTED = 130

console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class ToolError(Exception):
    """An expected failure with a message fit for the operator: printed as one line."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR):
        super().__init__(message)
        self.exit_code = exit_code


class OutputFormat(str, enum.Enum):
    console = "console"
    json = "json"
    md = "md"


F = TypeVar("F", bound=Callable[..., Any])


def one_line(text: str) -> str:
    """Collapse whitespace so an error message stays on one line."""
    return " ".join(str(text).split())


def guarded(fn: F) -> F:
    """Turn ToolError, Ctrl-C and unexpected exceptions into one stderr line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except ToolError as exc:
            err_console.print(f"error: {one_line(str(exc))}", markup=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted", markup=False)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # noqa: BLE001 - the contract is "never a traceback"
            err_console.print(f"error: internal: {type(exc).__name__}: {one_line(str(exc))}", markup=False)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper  # type: ignore[return-value]


def read_input(path: str | Path, what: str) -> bytes:
    """The bytes of an input file; missing, a directory or unreadable is one line naming ``what``."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise ToolError(f"{what} not found: {p}") from None
    except IsADirectoryError:
        raise ToolError(f"{what} path is a directory, not a file: {p}") from None
    except OSError as exc:
        raise ToolError(f"cannot read {what} {p}: {exc.strerror or exc}") from None


def read_json(path: str | Path, what: str) -> Any:
    """A JSON input file, parsed; every way it can be wrong is one line naming ``what``."""
    data = read_input(path, what)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ToolError(f"{path} is not a {what}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path} is not a {what}: invalid JSON at line {exc.lineno} column {exc.colno} "
                        f"({exc.msg})") from None


def write_output(text: str, out: Path | None, done: str) -> None:
    """A rendered report to stdout, or to ``out`` with ``done → out`` on stderr; a write error is one line."""
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolError(f"cannot write {out}: {exc.strerror}") from None
    err_console.print(f"{done} → {out}", markup=False)
