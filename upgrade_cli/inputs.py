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
from typing import Any, Callable

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
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text  # one pass, not two


def read_json(path: str | Path, what: str) -> Any:
    """A JSON input file, parsed; every way it can be wrong is one line naming ``what``."""
    text = decode_text(read_input(path, what), path, what)
    try:
        with paused_gc():  # millions of new containers, no cycle among them: collections would only walk them
            return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path} is not a {what}: invalid JSON at line {exc.lineno} column {exc.colno} "
                        f"({exc.msg})") from None
    except RecursionError:
        raise ToolError(f"{path} is not a {what}: JSON nested too deeply") from None


def build_typed(cls: type, data: Any, where: str = "snapshot") -> Any:
    """Rebuild nested dataclasses from ``asdict`` output, type-checking every field against its
    annotation: a snapshot (or a bench workload) is an input, and ``"complete": "false"`` must not
    read as complete. A wrong field is a ValueError naming its path (``snapshot.tables[3].name``).

    A builder compiled per dataclass (:func:`_fast`) takes JSON's values as they are; whatever it does not
    take (a wrong field, or a shape it does not know) is rebuilt by the checking converters, which say why."""
    try:
        with paused_gc():  # as in read_json
            return _fast(cls)(data)
    except Exception:  # noqa: BLE001 - the checking converters below rebuild it or name what is wrong
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


class _NotAsIs(Exception):
    """A value :func:`_fast`'s builder does not take as it is."""


# what JSON gives for each scalar annotation, as the checking converter takes it (a bool is not a number)
_FAST_CHECKS = {str: "{v}.__class__ is str", int: "{v}.__class__ is int", bool: "{v}.__class__ is bool",
                float: "({v}.__class__ is float or {v}.__class__ is int)"}
_fast_builders: dict[type, Callable[[Any], Any]] = {}


def _fast(cls: type) -> Callable[[Any], Any]:
    """The builder of ``cls`` from JSON's values, with the checks of :func:`_converter` inlined (a 20,000-table
    snapshot holds millions of values): one generated function per dataclass. It raises on anything it does not
    take as is (:func:`build_typed` then asks the checking converters)."""
    if cls not in _fast_builders:
        _fast_builders[cls] = lambda data: _fast_builders[cls](data)  # a dataclass that names itself, while made
        hints = typing.get_type_hints(cls)
        env: dict[str, Any] = {"cls": cls, "NotAsIs": _NotAsIs}
        fields = [(f, *_fast_value(hints[f.name], f"v{i}", env, str(i))) for i, f in enumerate(dataclasses.fields(cls))]
        # a snapshot's objects have every field: all read at once, checked in one expression, passed by position
        lines = ["def build(d):", "    if d.__class__ is not dict: raise NotAsIs", "    try:",
                 *(f"        v{i} = d[{f.name!r}]" for i, (f, _, _) in enumerate(fields)),
                 "    except KeyError:", "        return build_some(d)",
                 f"    if not ({' and '.join(f'({check})' for _, check, _ in fields if check) or 'True'}): raise NotAsIs",
                 f"    return cls({', '.join(f'{f.name}={value}' for f, _, value in fields)})",
                 # one without some fields (they take their defaults), or without a required one (not taken)
                 "def build_some(d):", "    kw = {}"]
        for i, (f, check, value) in enumerate(fields):
            lines += [f"    if {f.name!r} in d:", f"        v{i} = d[{f.name!r}]",
                      *([f"        if not ({check}): raise NotAsIs"] if check else []), f"        kw[{f.name!r}] = {value}"]
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                lines.append("    else: raise NotAsIs")
        lines.append("    return cls(**kw)")
        exec("\n".join(lines), env)  # noqa: S102 - our own text, from the dataclass's fields
        _fast_builders[cls] = env["build"]
    return _fast_builders[cls]


def _fast_value(hint: Any, v: str, env: dict[str, Any], name: str) -> tuple[str, str]:
    """(the check, the value) of one field's value ``v`` in a :func:`_fast` builder."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return "", v
    if hint in _FAST_CHECKS:
        return _FAST_CHECKS[hint].format(v=v), v
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        check, value = _fast_value(next(a for a in args if a is not type(None)), v, env, name)
        return (f"{v} is None or {check}" if check else ""), (f"None if {v} is None else {value}" if value != v else v)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        env["b" + name] = _fast(hint)
        return "", f"b{name}({v})"
    if origin is list and args and (args[0] in _FAST_CHECKS or dataclasses.is_dataclass(args[0])):
        check, value = _fast_value(args[0], "x", env, name)
        if check:
            return f"{v}.__class__ is list and all({check} for x in {v})", f"{v}[:]"
        return f"{v}.__class__ is list", f"[{value} for x in {v}]"
    env["c" + name] = _converter(hint)  # anything else (a dict of server values): the checking converter
    return "", f"c{name}({v}, 'snapshot')"
