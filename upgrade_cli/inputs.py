"""Reading the files a user hands the tool (and rebuilding typed dataclasses from their JSON), free of typer
and rich, so engines can import it.

Every way an input can be wrong (missing, a directory or a FIFO, too big, binary, not UTF-8, not JSON)
becomes one :class:`ToolError` line naming what the file was meant to be.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import os
import stat
import types
import typing
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


def build_typed(cls: type, data: Any, where: str = "snapshot") -> Any:
    """Rebuild nested dataclasses from ``asdict`` output, type-checking every field against its
    annotation: a snapshot (or a bench workload) is an input, and ``"complete": "false"`` must not
    read as complete. A wrong field is a ValueError naming its path (``snapshot.tables[3].name``)."""
    return _converter(cls)(data, where)


# A path into the input, formatted only for an error: (parent, ".name" or index), or the root's name.
Where = Any
Convert = typing.Callable[[Any, Where], Any]


def _path(where: Where) -> str:
    steps: list[str] = []
    while isinstance(where, tuple):
        where, step = where
        steps.append(f"[{step}]" if isinstance(step, int) else step)
    return str(where) + "".join(reversed(steps))


_JSON_NAMES = {str: "text", bool: "true/false", int: "an integer", float: "a number", dict: "an object",
               list: "a list"}


@functools.cache
def _converter(hint: Any) -> Convert:
    """The checking converter for one annotation, made once per type: a 20,000-table snapshot holds
    millions of values, and resolving each class's hints per object made loading it take minutes."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in args if a is not type(None)))
        nullable = type(None) in args
        return lambda value, where: None if value is None and nullable else inner(value, where)
    if hint is Any:
        return lambda value, where: value
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):  # a dataclass itself, not an instance
        return _dataclass_converter(hint)
    base = origin or hint

    def check(value: Any, where: Where) -> None:
        if type(value) is base or base is float and type(value) is int:
            return
        if not isinstance(value, base) or isinstance(value, bool) and base in (int, float):
            raise ValueError(f"{_path(where)} must be {_JSON_NAMES.get(base, base.__name__)}, "
                             f"not {json.dumps(value)[:40]}")

    if base is list and args:
        item = _converter(args[0])

        def convert_list(value: Any, where: Where) -> Any:
            check(value, where)
            return [item(v, (where, i)) for i, v in enumerate(value)]
        return convert_list
    if base is dict and args:
        server_values = args[1] is str  # server values: text, but numbers and NULL are what a server may hand back

        def convert_dict(value: Any, where: Where) -> Any:
            check(value, where)
            if not all(isinstance(k, str) for k in value):
                raise ValueError(f"{_path(where)} has a non-text key")
            if server_values:
                bad = next((k for k, v in value.items() if not isinstance(v, (str, int, float, type(None)))), None)
                if bad is not None:
                    raise ValueError(f"{_path(where)}.{bad} must be text")
            return value
        return convert_dict

    def convert(value: Any, where: Where) -> Any:
        check(value, where)
        return value
    return convert


def _dataclass_converter(cls: type) -> Convert:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, "." + f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
               hints[f.name]) for f in dataclasses.fields(cls)]
    plan: list[tuple[str, str, bool, Convert]] = []

    def convert(data: Any, where: Where) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"{_path(where)} is not an object")
        if not plan:  # filled on first use: a dataclass may name itself (or a later one) among its fields
            plan.extend((name, step, required, _converter(hint)) for name, step, required, hint in fields)
        kwargs = {}
        for name, step, required, field_convert in plan:
            if name in data:
                kwargs[name] = field_convert(data[name], (where, step))
            elif required:
                raise ValueError(f"{_path(where)}.{name} is missing")
        return cls(**kwargs)
    return convert
