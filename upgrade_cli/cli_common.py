"""What every command shares: the shared options and the one-line error contract (the consoles and the one
output path, ``emit``, are in ``upgrade_cli/emit.py``; ``OutputFormat`` in ``upgrade_cli/formats.py``).

How a command runs (httpie's ``program()`` / ``main()`` split): the function a stage registers on
its :class:`App` is the program. It returns ``None`` (success) or an :class:`ExitStatus`, or
raises a :class:`ToolError`; it never raises ``typer.Exit`` or calls ``sys.exit``. ``App.command``
wraps every such function in :func:`guarded` by construction, and :func:`status_of` is the one
place an exception becomes a line on stderr and an exit status (``main.run`` uses it too, for
click's usage errors). So bad input, a lost connection or an AWS error is one line and a non-zero
exit, never a traceback.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from dataclasses import dataclass
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Optional, ParamSpec, Sequence, TypeVar, get_args, get_origin

import typer
import typer.core
from rich.console import Console

from upgrade_cli import dryrun, layout
from upgrade_cli.emit import Kind, console, err_console
from upgrade_cli.formats import OutputFormat
from upgrade_cli.handoffs import JOURNAL_ENV_DIR
from upgrade_cli.inputs import one_line
from upgrade_cli.narrator import Checked, Watch
from upgrade_cli.outcome import Blocked, ExitStatus, ToolError

__all__ = ["ASK", "App", "Blocked", "Command", "ConsoleNarrator", "DryRunFormat", "DryRunFormatOpt", "DryRunOpt",
           "ExitStatus", "JournalOpt", "OutputFormat", "ProfileOpt", "ProfilesOpt", "RegionOpt", "RegionsOpt",
           "ToolError", "YesOpt",
           "comma_list", "console", "err_console", "format_option", "guarded", "is_guarded", "CALLS", "CallListing", "dry_run_block",
           "status_of"]


class ConsoleNarrator:
    """The CLI's :class:`~upgrade_cli.narrator.Narrator`: an engine's progress on stdout (warnings on stderr),
    each line through ``layout`` (whole in a pipe, wrapped between words on a terminal), and its question
    asked with typer's prompt, which ``--yes`` answers. The stage gives the two drawings only it knows: its
    checks as a table (``checked``) and a wait's poll snapshots (``watcher``)."""

    def __init__(self, yes: bool, checked: Callable[[Console, str, Sequence[Checked]], None],
                 watcher: Callable[[Console], Watch]):
        self.yes = yes
        self._checked = checked
        self._watcher = watcher

    def _say(self, text: str) -> None:
        layout.line(console, text)

    started = done = skipped = planned = info = _say

    def note(self, text: str) -> None:
        layout.line(console, f"note: {text}")

    def warn(self, text: str) -> None:
        layout.line(err_console, f"warning: {text}")

    def checked(self, title: str, results: Sequence[Checked]) -> None:
        self._checked(console, title, results)

    def watch(self, what: str) -> Watch:
        return self._watcher(console)

    def confirm(self, question: str) -> bool:
        return self.yes or typer.confirm(question, default=False)

if TYPE_CHECKING:  # the click typer 0.29 vendors, as the type checker sees it
    from typer._click.exceptions import MissingParameter as _MissingParameter, UsageError as _UsageError
else:  # click's, wherever typer takes click from
    _UsageError = typer.BadParameter.__mro__[1]
    _MissingParameter = next(c for c in typer.BadParameter.__subclasses__() if c.__name__ == "MissingParameter")
_TYPER_PARAMS = (typer.core.TyperArgument, typer.core.TyperOption)  # what a typer command's parameters are

P = ParamSpec("P")
R = TypeVar("R", bound=int | None)  # what a command body returns: None or an ExitStatus
F = TypeVar("F", bound=Callable[..., Any])
_GUARDED: weakref.WeakSet[Callable[..., object]] = weakref.WeakSet()


# --------------------------------------------------------------------------------------------
# Shared options: every command spells these flags the same way (connection flags: connect.py)
# --------------------------------------------------------------------------------------------

class _Refused(str):
    """A value an option parser refused, carried into the command: its complaint is then one
    ``error:`` line like any other bad input (click would draw a box around it)."""

    message: str

    def __new__(cls, value: str, message: str) -> _Refused:
        obj = super().__new__(cls, value)
        obj.message = message
        return obj


def format_option(*allowed: OutputFormat) -> Any:
    """The one ``--format``/``-f`` option: the formats this command renders, same help everywhere
    (``Annotated[OutputFormat, format_option(...)]``, so the type checker sees an OutputFormat)."""
    names = [f.value for f in allowed]
    choices = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]

    def parse(value: str) -> Any:
        text = str(getattr(value, "value", value)).strip().lower()
        if text in names:
            return OutputFormat(text)
        return _Refused(str(value), f"unknown --format {str(value)!r}: --format must be one of {', '.join(names)}")

    return typer.Option("--format", "-f", parser=parse, metavar="|".join(names), help=f"Output format: {choices}.")


RegionOpt = Annotated[Optional[str], typer.Option(
    "--region", help="AWS Region for API calls and --iam tokens (default: your AWS configuration).")]
ProfileOpt = Annotated[Optional[str], typer.Option(
    "--profile", help="AWS named profile (default: your AWS configuration).")]
RegionsOpt = Annotated[Optional[list[str]], typer.Option(
    "--region", help="AWS Regions (a comma list, or repeat it), or 'all' (the Regions enabled for the account; "
    "default: your AWS configuration's Region).")]
ProfilesOpt = Annotated[Optional[list[str]], typer.Option(
    "--profile", help="AWS named profiles, one account each (a comma list, or repeat it; default: the current "
    "credentials).")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print the exact API calls it would make; make none.")]
# bluegreen writes the journals; the dossier and `metrics compare` read them (handoffs.journal_dir)
JournalOpt = Annotated[Optional[Path], typer.Option(
    "--journal-dir", envvar=JOURNAL_ENV_DIR, help="Where step journals live (default ~/.aurora-upgrade/journal).")]


class DryRunFormat(str, enum.Enum):
    """How a dry run prints the calls it recorded (:mod:`upgrade_cli.dryrun`)."""

    json = dryrun.JSON
    aws_cli = dryrun.AWS_CLI


DryRunFormatOpt = Annotated[Optional[DryRunFormat], typer.Option(
    "--dry-run-format", help="How --dry-run prints the calls: json (an array, one call a line) or aws-cli "
    "(runnable `aws` commands); default json.")]


@dataclass(frozen=True)
class CallListing:
    """The document a dry run (or an ``--apply`` preview) prints: lines of its own and blocks of AWS calls, in
    order. A block is a line saying what the calls are (a shell comment in aws-cli form, so the block pastes
    whole), then the calls as :mod:`upgrade_cli.dryrun` renders them; ``fenced``: in Markdown code blocks."""

    items: Sequence[str | tuple[str, Sequence[dryrun.Call]]]
    fmt: DryRunFormat = DryRunFormat.json
    region: str | None = None
    profile: str | None = None
    fenced: bool = False


def _show_calls(listing: CallListing, out: Console) -> None:
    aws_cli = listing.fmt == DryRunFormat.aws_cli
    for item in listing.items:
        if isinstance(item, str):
            out.print(item, markup=False, highlight=False, soft_wrap=True)
            continue
        head, calls = item
        out.print(f"# {head}" if aws_cli and not listing.fenced else head, markup=False, highlight=False,
                  soft_wrap=True)
        if aws_cli and not calls:
            continue
        body = dryrun.render(calls, listing.fmt.value, listing.region, listing.profile)
        if listing.fenced:
            body = f"```{'sh' if aws_cli else 'json'}\n{body}\n```"
        out.print(body, markup=False, highlight=False, soft_wrap=True)


CALLS: Kind[CallListing] = Kind("AWS calls", console=_show_calls, json=None)


def dry_run_block(calls: Sequence[dryrun.Call]) -> tuple[str, Sequence[dryrun.Call]]:
    """What a dry run recorded, in order, under the one heading every dry run prints."""
    return f"dry run: {len(calls)} call(s) a real run would make, in order" + (":" if calls else ""), calls


# --------------------------------------------------------------------------------------------
# The error contract
# --------------------------------------------------------------------------------------------

def status_of(exc: BaseException) -> ExitStatus:
    """The one place an exception becomes one line on stderr and an exit status."""
    if isinstance(exc, ToolError):
        line, status = f"error: {one_line(str(exc))}", exc.exit_status
    elif isinstance(exc, KeyboardInterrupt):
        line, status = "interrupted", ExitStatus.INTERRUPTED
    elif isinstance(exc, _UsageError):
        if type(exc).__name__ == "NoArgsIsHelpError":
            # A bare group (``aurora-upgrade bench``): its help once, exit 2 as click exits for a missing command.
            # The error was made from the help text; rich help prints itself while being made and leaves "".
            if exc.format_message().strip():
                typer.echo(exc.format_message())
            return ExitStatus.ERROR
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        message = exc.format_message().replace("Value error, ", "")  # pydantic's prefix on typer's coercion errors
        line, status = f"error: {one_line(message)}{hint}", ExitStatus.ERROR
    elif isinstance(exc, typer.Abort):
        line, status = "aborted", ExitStatus.ERROR
    else:  # the contract is "never a traceback": a bug is still one line
        line, status = f"error: internal: {type(exc).__name__}: {one_line(str(exc))}", ExitStatus.ERROR
    err_console.print(line, markup=False)
    return status


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a command body under the contract: its ExitStatus or exception becomes the exit code (a
    ``typer.Exit``); a body that succeeds returns what it returned (None or ``ExitStatus.OK``).

    ``App.command`` applies this to every command; applying it twice is harmless (the inner one's
    ``typer.Exit`` passes through the outer one).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            refused = [v for v in kwargs.values() if isinstance(v, _Refused)]
            if refused:
                raise ToolError(refused[0].message)
            for name, value in kwargs.items():  # click's FloatRange lets NaN through; every comparison with it is false
                if isinstance(value, float) and not math.isfinite(value):
                    raise ToolError(f"--{name.replace('_', '-')} must be a finite number, not {value}")
            result = fn(*args, **kwargs)
            status = ExitStatus.OK if result is None else ExitStatus(result)
        except typer.Exit:  # click's own exits (--help, a parser's exit): not ours to change
            raise
        except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - every failure is one line
            raise typer.Exit(int(status_of(exc))) from None
        if status is not ExitStatus.OK:
            raise typer.Exit(int(status))
        return result

    _GUARDED.add(wrapper)
    return wrapper


def is_guarded(fn: Callable[..., object]) -> bool:
    """Whether ``fn`` is a command body wrapped by :func:`guarded` (``tests/test_cli_contract.py`` walks them)."""
    return fn in _GUARDED


ASK = "\x00ask"  # the value of an option that asks for it when given bare (see Command)
ASKED_WHEN_BARE = ("password",)  # options that ask when bare, as the mysql client's -p/--password does


def comma_list(values: list[str] | None) -> list[str] | None:
    """A repeatable option's values with comma lists split: ``--only a,b --only c`` is ``[a, b, c]``.

    Items are stripped and empty ones dropped; ``None`` (not given) stays ``None``.
    """
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _is_comma_list(param: Any) -> bool:
    """A repeatable option of plain strings: ids, names, classes. Lists of paths are left whole: a file name
    may hold a comma."""
    descriptor = getattr(param, "type_descriptor", None)
    return bool(getattr(param, "multiple", False)) and getattr(descriptor, "annotation", None) == list[str]


class Command(typer.core.TyperCommand):
    """How every command reads its command line (``App.command`` makes each one of these).

    - An option named in ``ASKED_WHEN_BARE`` given bare (``-p`` or ``--password`` at the end or before
      another option) gets :data:`ASK`, and the command asks for the value without echo; ``-pSECRET``,
      ``--password=SECRET`` and ``--password SECRET`` still give it inline, as with the mysql client.
    - Every missing required option and argument is named first, in one error, before any value is
      converted or checked: a user fixes what is missing before what is wrong.
    - A repeatable string option also takes comma lists (:func:`comma_list`).
    - Option values are converted without pydantic where typer's conversion is plain
      (:func:`convert_without_pydantic`).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        convert_without_pydantic(self.get_params(ctx))
        try:
            args = self._ask_when_bare(list(args))
            if not ctx.resilient_parsing:
                self._name_missing_first(ctx, args)
            return super().parse_args(ctx, args)
        except _UsageError as exc:  # one line however the app is run (click's own show() draws a usage block)
            raise _OneLineUsageError(exc.format_message(), ctx=exc.ctx or ctx) from None

    def invoke(self, ctx: Any) -> Any:
        for param in self.params:
            if isinstance(param, _TYPER_PARAMS) and _is_comma_list(param) and ctx.params.get(param.name):
                values = comma_list(ctx.params[param.name])
                if not values:
                    raise typer.BadParameter("give at least one value", ctx=ctx, param=param)
                ctx.params[param.name] = values
        return super().invoke(ctx)

    def _ask_when_bare(self, args: list[str]) -> list[str]:
        options = [p for p in self.params if getattr(p, "param_type_name", "") == "option"]
        asked = {opt: p for p in options if p.name in ASKED_WHEN_BARE for opt in p.opts}
        if not asked:
            return args
        every = {opt for p in options for opt in (*p.opts, *p.secondary_opts)}
        shorts = {opt for opt in every if len(opt) == 2}

        def is_option(token: str) -> bool:
            return token in every or token.split("=", 1)[0] in every or token[:2] in shorts or token == "--"

        out: list[str] = []
        for n, token in enumerate(args):
            if token == "--":
                return out + args[n:]
            bare = token in asked and (n + 1 == len(args) or is_option(args[n + 1]))
            if bare and (not out or out[-1] not in every or _is_flag(options, out[-1])):
                long = next((o for o in asked[token].opts if o.startswith("--")), token)
                token = f"{long}={ASK}"
            out.append(token)
        return out

    def _name_missing_first(self, ctx: Any, args: list[str]) -> None:
        params = self.get_params(ctx)
        opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))  # syntax errors first: click's own line
        if any(p.is_eager and opts.get(p.name) is not None for p in params):
            return  # --help, --version: nothing is missing for them
        missing = [p for p in params if isinstance(p, _TYPER_PARAMS) and p.required and opts.get(p.name) is None
                   and p.resolve_envvar_value(ctx) is None]
        if len(missing) == 1:
            raise _MissingParameter(ctx=ctx, param=missing[0])
        if missing:
            kinds = [("argument", [p for p in missing if p.param_type_name == "argument"]),
                     ("option", [p for p in missing if p.param_type_name == "option"])]
            raise _UsageError("Missing " + "; ".join(f"{kind}{'s' if len(ps) > 1 else ''} "
                                                     + ", ".join(p.get_error_hint() for p in ps)
                                                     for kind, ps in kinds if ps), ctx=ctx)


# --------------------------------------------------------------------------------------------
# Option values without pydantic (start-up: benchmarks/startup.py)
# --------------------------------------------------------------------------------------------

try:  # typer 0.2x converts option values with pydantic (~50 ms to import); these parts of it need none
    from typer._coercion import build_runtime_param as _typer_conversion
    from typer._param_types import coerce_cli_choice as _choice, coerce_cli_path as _path
except ImportError:  # pragma: no cover - an older typer converts with click's types: nothing to replace
    pass

_UNSURE = object()  # a value _converted leaves to typer
_DIGITS = {int: re.compile(r"-?[0-9]{1,18}"), float: re.compile(r"-?[0-9]{1,18}(?:\.[0-9]{1,18})?")}


def convert_without_pydantic(params: Sequence[Any]) -> None:
    """Have typer's options convert their values with :class:`_Conversion` (:class:`Command`'s and
    :class:`Group`'s, ``--help`` included)."""
    for param in params:
        if getattr(param, "_runtime_param", False) is None:  # typer makes its pydantic converter on first use
            setattr(param, "_runtime_param", _Conversion())


class _Conversion:
    """An option's value converted as typer converts it, without importing pydantic: nothing given, strings,
    plain numbers in range, an enum's choice, paths, lists of these and ``parser=`` options come out exactly
    as typer makes them; any other value, and every value typer refuses, goes to typer's own conversion, so
    its errors are typer's word for word (tests/test_cli_contract.py compares the two on every option)."""

    def __init__(self) -> None:
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:  # typer's answer for nothing given
            return () if many else None
        if not (many and isinstance(value, str)):  # typer refuses that one
            try:
                converted = _converted(value, param.type_descriptor.annotation, param.type_descriptor.parameter_info,
                                       param, ctx)
            except Exception:  # noqa: BLE001 - typer's conversion says what is wrong, in its words
                converted = _UNSURE
            if converted is not _UNSURE:
                return converted
        if self._typer is None:
            self._typer = _typer_conversion(param.type_descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)


def _converted(value: Any, annotation: Any, info: Any, param: Any, ctx: Any) -> Any:
    """``value`` as typer's pydantic adapters make it (``typer._adapters.build_adapter``, in its order), or
    _UNSURE."""
    if get_origin(annotation) is list:
        if not isinstance(value, (list, tuple)):
            return _UNSURE
        items = [_converted(v, get_args(annotation)[0], info, param, ctx) for v in value]
        return _UNSURE if any(item is _UNSURE for item in items) else items
    if info.parser is not None:
        return info.parser(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choice(value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
    if annotation in _DIGITS and not info.clamp:
        if type(value) is annotation:
            number = value
        elif isinstance(value, str) and _DIGITS[annotation].fullmatch(value):
            number = annotation(value)
        else:
            return _UNSURE
        in_range = (info.min is None or number >= info.min) and (info.max is None or number <= info.max)
        return number if in_range else _UNSURE
    if annotation is str:
        return value if type(value) is str else _UNSURE
    path_type = info.path_type or annotation
    if isinstance(path_type, type) and issubclass(path_type, Path) and isinstance(value, (str, Path)):
        # pydantic's path of a string is path_type(value); typer checks it (exists, file_okay, ...) from there
        return _path(value if isinstance(value, path_type) else path_type(value), info, path_type=path_type,
                     param=param, ctx=ctx)
    return _UNSURE


class Group(typer.core.TyperGroup):
    """How every group reads its command line: its options (``--help``, the top level's ``--version``)
    converted as a command's are (:func:`convert_without_pydantic`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        convert_without_pydantic(self.get_params(ctx))
        return super().parse_args(ctx, args)


class _OneLineUsageError(_UsageError):
    """A usage error that shows itself as the contract's one ``error:`` line, also when click's own
    ``main`` (standalone mode: ``CliRunner``) shows it rather than ``main.run``."""

    def show(self, file: Any = None) -> None:
        status_of(self)


def _is_flag(options: list[Any], token: str) -> bool:
    """Whether ``token`` names an option that takes no value (so the next token is not its value)."""
    return any(token in (*p.opts, *p.secondary_opts) and p.is_flag for p in options)


class App(typer.Typer):
    """The ``typer.Typer`` of every stage: each command it registers runs under :func:`guarded`.

    The contract comes with the app, not from a decorator someone may forget
    (``tests/test_cli_contract.py`` walks every registered command). Help is click's plain text: it
    wraps at any width and never cuts an option's name (rich's help table cut them at 80 columns),
    and a pipe gets no box drawing. Shell completion (``--install-completion``) is typer's.
    """

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("cls", Group)
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("pretty_exceptions_enable", False)  # errors are one line; never dump locals
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", Command)
        register = super().command(*args, **kwargs)

        def decorator(fn: F) -> F:
            register(guarded(fn))  # typer runs the guarded body; the name keeps the plain one, as typer's own
            return fn

        return decorator
