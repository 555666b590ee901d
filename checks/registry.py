"""The check registry: every upgrade check is a small, documented, pure function of a Catalog.

A check module in this package declares its checks with :func:`check`; :func:`all_checks`
imports every module of the package once (no central list to keep in sync) and returns them in
id order. Ids are the ones DBAs already know from MySQL Shell's upgrade checker and Aurora's
prechecks, without the trailing ``Check``; ``aliases`` maps the other spellings seen in real
``upgrade-prechecks.log`` files.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, TypeVar, cast

from upgrade_cli.inputs import paused_gc
from upgrade_cli.precheck.model import Catalog
from upgrade_cli.target import Target, default_target

if TYPE_CHECKING:
    from upgrade_cli.precheck.findings import FindingStore


class Severity(str, enum.Enum):
    error = "error"
    warning = "warning"
    notice = "notice"

    def __init__(self, value: str) -> None:
        # set once per member, a plain attribute: the store reads it for every finding
        self.rank: int = {"notice": 0, "warning": 1, "error": 2}[value]


class Scope(str, enum.Enum):
    objects = "objects"  # needs only schema objects: works on a dump, a snapshot and a live server
    server = "server"  # needs live server facts (XA RECOVER, innodb_trx, variables, mysql.*)
    not_checkable = "not_checkable"  # cannot be seen through SQL (on-disk state): documented, reported as not checked


class Finding(NamedTuple):
    """One thing a check found (a named tuple, immutable: a big scan makes a million, and a frozen
    dataclass's ``__init__`` costs four times as much)."""

    check_id: str
    severity: Severity
    object_type: str  # schema, table, column, index, foreign_key, view, routine, trigger, event, server, user, ...
    schema: str | None = None
    object_name: str | None = None
    column: str | None = None
    message: str = ""
    fix: str | None = None  # remediation text or SQL, when it is safe to give
    origin: str = "scan"  # "scan", or "aurora-log" for findings imported from upgrade-prechecks.log

    @property
    def location(self) -> str:
        return ".".join(p for p in (self.schema, self.object_name, self.column) if p) or "(server)"

    def to_dict(self) -> dict:
        return {
            "check_id": self.check_id,
            "severity": self.severity.value,
            "object_type": self.object_type,
            "schema": self.schema,
            "object_name": self.object_name,
            "column": self.column,
            "location": self.location,
            "message": self.message,
            "fix": self.fix,
            "origin": self.origin,
        }


CheckFn = Callable[[Catalog, Target], Iterable[Finding]]
# what @check decorates: (check, catalog) or (check, catalog, target), returning its findings
CheckBody = TypeVar("CheckBody", bound=Callable[..., Iterable[Finding]])


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: Severity  # the level its findings have by default
    source: str  # "mysql-shell", "aurora", "mysql-manual" (the 8.0 manual beyond the Shell) or "aurora-upgrade" (ours)
    since: str  # first 8.0 version the problem applies to, e.g. "8.0.11": the check runs for targets at or above it
    doc_url: str
    detects: str  # what it detects
    why: str  # why it breaks (or changes) in 8.0
    example: str  # a short SQL example that fires
    fix: str  # how to fix it
    scope: Scope = Scope.objects
    aliases: tuple[str, ...] = ()
    until: str | None = None  # the check runs only for targets below this version (e.g. ftsInTablename, 8.0.18)
    opt_in: str | None = None  # the flag a user must give for it to run (it is not a pure read), e.g. --check-table
    func: CheckFn | None = field(default=None, compare=False, repr=False)

    def applies_to(self, target: Target) -> bool:
        """MySQL Shell's registry condition for a 5.7 source: ``since`` <= target (< ``until``)."""
        return target.reaches(self.since) and not (self.until and target.reaches(self.until))

    def finding(self, object_type: str, message: str, *, schema: str | None = None,
                object_name: str | None = None, column: str | None = None,
                fix: str | None = None, severity: Severity | None = None) -> Finding:
        """A finding of this check (its default severity unless told otherwise)."""
        return Finding(self.id, severity or self.severity, object_type, schema, object_name, column, message, fix)


_REGISTRY: dict[str, Check] = {}
_LOADED = False


def check(**meta: Any) -> Callable[[CheckBody], CheckBody]:
    """Register the decorated function as a check; ``meta`` are the :class:`Check` fields.

    The function receives ``(check, catalog)`` so it can build findings with ``check.finding``, and
    ``(check, catalog, target)`` when it declares a third parameter (a word list that follows the target).
    """

    def register(fn: CheckBody) -> CheckBody:
        c = Check(**meta)
        if c.id in _REGISTRY:
            raise ValueError(f"duplicate check id {c.id}")
        if len(inspect.signature(fn).parameters) == 3:
            object.__setattr__(c, "func", lambda catalog, target=None, _fn=fn, _c=c:
                               _fn(_c, catalog, target or default_target()))
        else:
            object.__setattr__(c, "func", lambda catalog, target=None, _fn=fn, _c=c: _fn(_c, catalog))
        _REGISTRY[c.id] = c
        return fn

    return register


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module(__package__)  # upgrade_cli.checks, wherever its folder is installed
    for mod in pkgutil.iter_modules(package.__path__):
        if not mod.name.startswith("_") and mod.name != "registry":
            importlib.import_module(f"{__package__}.{mod.name}")
    _LOADED = True


def all_checks() -> list[Check]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda c: c.id.lower())


def _norm(check_id: str) -> str:
    low = check_id.strip().lower()
    return low[: -len("check")] if low.endswith("check") and len(low) > 5 else low


def get_check(check_id: str) -> Check | None:
    """Find a check by id or alias, ignoring case and a trailing ``Check``."""
    want = _norm(check_id)
    for c in all_checks():
        if _norm(c.id) == want or any(_norm(a) == want for a in c.aliases):
            return c
    return None


def _canonical_id(check_id: str) -> str:
    """The registered id an id or alias names, or the text as given (an unknown id selects nothing)."""
    c = get_check(check_id)
    return c.id if c else check_id


MANUAL_REVIEW_ID = "manualReview"


class _Reading:
    """The catalog as one check sees it, noting which unreadable paths (``Catalog.unreadable``) it reads.

    This is how a check declares what it depends on: by reading it. A kind the scan could not
    fully see (``catalog.routines``), a server fact whose query failed (``catalog.server.users``) or an
    ``extra`` key (``catalog.server.extra.get("user_plugins")``) makes every check that read it
    "not run", never "passed".
    """

    def __init__(self, target: object, unreadable: dict[str, str], prefix: str = "", seen: set[str] | None = None):
        self._target, self._unreadable, self._prefix = target, unreadable, prefix
        self.kinds: set[str] = set() if seen is None else seen

    def __getattr__(self, name: str) -> Any:
        path = self._prefix + name
        if path in self._unreadable:
            self.kinds.add(path)
        value = getattr(self._target, name)
        if path == "server":
            return _Reading(value, self._unreadable, "server.", self.kinds)
        if path == "server.extra":
            return _ReadingDict(value, self.kinds, self._unreadable)
        return value


class _ReadingDict(dict):
    """``server.extra`` as one check reads it: a key the scan could not read is noted."""

    def __init__(self, data: dict, seen: set[str], unreadable: dict[str, str]):
        super().__init__(data)
        self._seen, self._unreadable = seen, unreadable

    def _note(self, key: object) -> None:
        if f"server.extra.{key}" in self._unreadable:
            self._seen.add(f"server.extra.{key}")

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)


@dataclass
class CheckRun:
    findings: FindingStore  # in the report's order, on disk (a big scan finds a million things)
    failed: dict[str, str]  # check id -> error text, for checks that crashed (never a silent pass)
    skipped: dict[str, str]  # check id -> why it does not apply here (needs a live server, another target, --skip)
    # check id -> why it applied but could not (fully) run: it read what the scan could not see
    # (Catalog.unreadable); its findings in what it could see are kept
    not_run: dict[str, str] = field(default_factory=dict)
    blind: list[str] = field(default_factory=list)  # the unreadable paths those checks read, sorted


def run_checks(catalog: Catalog, only: Iterable[str] | None = None, *, skip: Iterable[str] = (),
               target: Target | None = None, opted_in: Iterable[str] = ()) -> CheckRun:
    """Run every (or the selected) check that applies to ``target`` (default: the newest Aurora 3 release
    known). ``only``/``skip`` take ids or aliases; an opt-in check runs only when its flag is in
    ``opted_in``. A crashing check is recorded, not fatal."""
    opted_in = set(opted_in)
    target = target or default_target()
    selected = all_checks()
    if only:
        wanted = {_canonical_id(i) for i in only}
        selected = [c for c in selected if c.id in wanted]
    unwanted = {_canonical_id(i) for i in skip}
    from upgrade_cli.precheck.findings import FindingStore  # it reads Finding from here

    findings = FindingStore()  # each check's findings go to disk as it returns them
    failed: dict[str, str] = {}
    skipped: dict[str, str] = {}
    not_run: dict[str, str] = {}
    blind_paths: set[str] = set()
    with paused_gc():  # the body checks' token cache would only be walked again by full collections
        for c in selected:
            if c.id in unwanted:
                skipped[c.id] = "left out by --skip"
                continue
            if c.scope is Scope.not_checkable:
                skipped[c.id] = "not checkable from SQL"
                continue
            if c.opt_in and c.opt_in not in opted_in:
                skipped[c.id] = f"not run: opt in with {c.opt_in} on a live scan"
                continue
            if not c.applies_to(target):
                bound = f"from MySQL {c.since}" + (f" to before {c.until}" if c.until else "")
                skipped[c.id] = f"does not apply to the target {target.label} (applies {bound})"
                continue
            if c.scope is Scope.server and not catalog.server.known:
                skipped[c.id] = "needs a live server"
                continue
            reading = _Reading(catalog, catalog.unreadable) if catalog.unreadable else None
            # the proxy reads through to the catalog, noting what it reads: to the check it is the catalog
            view = cast(Catalog, reading) if reading is not None else catalog
            mark = findings.mark()
            try:
                assert c.func is not None, "declared without @check"
                findings.add_stream(c.func(view, target))
            except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
                findings.rollback(mark)  # a crashed check reports nothing, not what it found before
                failed[c.id] = f"{type(exc).__name__}: {exc}"
                continue
            blind = sorted(reading.kinds) if reading is not None else []
            if blind:  # what it found in what it could see stays: a found error is never hidden
                blind_paths.update(blind)
                not_run[c.id] = "this scan could not read " + "; ".join(
                    f"{path} ({catalog.unreadable[path]})" for path in blind)
    findings.add(Finding(check_id=MANUAL_REVIEW_ID, severity=Severity.warning, object_type=issue.object_type,
                         schema=issue.schema, object_name=issue.object_name,
                         message=f"could not be fully analysed: {issue.reason}",
                         fix="Review this object by hand against the 8.0 changes.") for issue in catalog.issues)
    return CheckRun(findings=findings, failed=failed, skipped=skipped, not_run=not_run, blind=sorted(blind_paths))
