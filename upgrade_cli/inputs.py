"""Reading the files a user hands the tool, free of typer and rich, so engines can import it.

Every way an input can be wrong (missing, a directory or a FIFO, too big, binary, not UTF-8, not JSON)
becomes one :class:`ToolError` line naming what the file was meant to be.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import stat
from pathlib import Path
from typing import Any

from upgrade_cli.outcome import ToolError


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector for a scan: a catalog, its tokens and findings are hundreds of
    thousands of small objects without cycles (reference counting frees them), so every full collection
    would only walk them again (a third of an offline scan). Restored afterwards, even on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # what the scan allocated goes straight to the oldest generation (freeze + unfreeze: two
            # list moves): re-enabling would otherwise start by walking all of it as "young"
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def one_line(text: str) -> str:
    """Collapse whitespace so an error message stays on one line."""
    return " ".join(str(text).split())


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
        if test(mode) and str(p) != os.devnull:  # /dev/null is empty: `--defaults-file /dev/null` is an idiom
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


def _a(what: str) -> str:
    return ("an " if what[:1].lower() in "aeiou" else "a ") + what


def decode_text(data: bytes, path: str | Path, what: str) -> str:
    """Text of an input file: UTF-8, or UTF-16/32 with a BOM (PowerShell's ``>`` writes UTF-16).

    Line endings become ``\\n`` whatever they were (CRLF, or CR only from old Mac tools).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise ToolError(f"{path} is not {_a(what)}: damaged {codec.upper()} text at byte {exc.start}") from None
            break
    else:
        if b"\x00" in data[:65536]:
            raise ToolError(f"{path} is a binary file, not {_a(what)}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ToolError(f"{path} is not {_a(what)}: not UTF-8 text (invalid byte at offset {exc.start})") from None
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
