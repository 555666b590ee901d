"""What every command shares: consoles, exit codes, and the one-line error contract.

Every command body runs under :func:`guarded`, so bad input, a lost connection or an AWS error
becomes one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import enum
import functools
import json
import math
import os
import stat
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
            for name, value in kwargs.items():  # click's FloatRange lets NaN through; every comparison with it is false
                if isinstance(value, float) and not math.isfinite(value):
                    raise ToolError(f"--{name.replace('_', '-')} must be a finite number, not {value}")
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


# Inputs are read whole: a limit keeps a wrong path (a disk image, /dev/zero) from exhausting memory.
MAX_INPUT_BYTES = 1 << 30  # 1 GiB: far above any --no-data dump, snapshot, log or export
_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def open_input(path: str | Path, what: str):
    """An input file opened for binary reading, after refusing what is not a regular file.

    Checked before opening: opening a FIFO blocks until a writer comes, and a device never ends.
    """
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise ToolError(f"{what} not found: {p}") from None
    except OSError as exc:
        raise ToolError(f"cannot read {what} {p}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise ToolError(f"{what} path is a directory, not a file: {p}")
    for test, kind in _SPECIAL_FILES:
        if test(mode):
            raise ToolError(f"{what} {p} is {kind}, not a regular file: save it to a file first")
    try:
        return open(p, "rb")
    except OSError as exc:
        raise ToolError(f"cannot read {what} {p}: {exc.strerror or exc}") from None


def read_input(path: str | Path, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of an input file; missing, not a regular file, too big or unreadable is one line naming ``what``."""
    p = Path(path)
    with open_input(p, what) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise ToolError(f"cannot read {what} {p}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ToolError(f"{what} {p} is larger than {limit >> 20} MiB: not a file this tool reads")
    return data


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_text(data: bytes, path: str | Path, what: str) -> str:
    """Text of an input file: UTF-8, or UTF-16/32 with a BOM (PowerShell's ``>`` writes UTF-16).

    Line endings become ``\\n`` whatever they were (CRLF, or CR only from old Mac tools).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise ToolError(f"{path} is not a {what}: damaged {codec.upper()} text at byte {exc.start}") from None
            break
    else:
        if b"\x00" in data[:65536]:
            raise ToolError(f"{path} is a binary file, not a {what}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ToolError(f"{path} is not a {what}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_json(path: str | Path, what: str) -> Any:
    """A JSON input file, parsed; every way it can be wrong is one line naming ``what``."""
    text = decode_text(read_input(path, what), path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path} is not a {what}: invalid JSON at line {exc.lineno} column {exc.colno} "
                        f"({exc.msg})") from None
    except RecursionError:
        raise ToolError(f"{path} is not a {what}: JSON nested too deeply") from None
