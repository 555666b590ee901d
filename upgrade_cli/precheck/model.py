"""The catalog: one server's schema objects and server facts, as the checks see them.

Both collectors (live server via pymysql, offline mysqldump file) build this same shape, and a
snapshot is this shape as JSON, so every check is a pure function of a ``Catalog`` and gives the
same findings whichever way the catalog was built.

Normalisation rules that both collectors must follow (so live and offline compare equal):
- identifiers are kept exactly as written (case preserved, no backquotes);
- ``data_type`` is the lower-case base type (``int``, ``varchar``, ``enum``, ``geometry``);
  ``column_type`` is the lower-case full type as in ``information_schema.COLUMNS.COLUMN_TYPE``
  (``int(11) unsigned zerofill``, ``enum('a','b')``), element text of enum/set kept as written;
- charsets and collations go through :func:`normalize_charset` / :func:`normalize_collation`
  (``utf8`` and ``utf8mb3`` are the same thing, reported as ``utf8mb3``);
- a column's ``charset``/``collation`` are the *effective* ones (inherited from the table when
  not declared), ``None`` for non-string columns;
- ``default`` is ``None`` when there is no default or the default is NULL; otherwise the literal
  value without quotes, or the expression text for expression defaults (``CURRENT_TIMESTAMP``
  upper-cased, without ``()``), with ``default_is_expression`` set;
- ``row_format`` is only the explicitly declared ROW_FORMAT (``CREATE_OPTIONS``), upper-case;
  ``innodb_row_format`` is the one InnoDB actually uses (live: ``INNODB_SYS_TABLES``; a dump: the declared
  one, or the ``innodb_default_row_format`` the script set globally before the CREATE TABLE), upper-case.
"""

from __future__ import annotations

import dataclasses
import json
import operator
from dataclasses import dataclass, field
from typing import Any

from upgrade_cli.inputs import build_typed
from upgrade_cli.sqltext import TokenCache

SNAPSHOT_FORMAT = 1

# The spatial data types (lower case, as ``data_type``).
GEOMETRY_TYPES = frozenset({"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                            "multipolygon", "geometrycollection", "geomcollection"})


def normalize_charset(name: str | None) -> str | None:
    """Lower-case, and fold the 5.7 alias ``utf8`` into ``utf8mb3`` (what 8.0 calls it)."""
    if not name:
        return None
    name = name.strip().lower()
    return "utf8mb3" if name == "utf8" else name


def normalize_collation(name: str | None) -> str | None:
    """Lower-case, and fold ``utf8_*`` collations into ``utf8mb3_*``."""
    if not name:
        return None
    name = name.strip().lower()
    if name.startswith("utf8_"):
        return "utf8mb3_" + name[len("utf8_"):]
    return name


def charset_of_collation(collation: str | None) -> str | None:
    """The charset a collation belongs to (``latin1_swedish_ci`` → ``latin1``)."""
    collation = normalize_collation(collation)
    if not collation:
        return None
    return collation.split("_", 1)[0]


@dataclass(slots=True)
class Column:
    name: str
    ordinal: int
    data_type: str
    column_type: str
    nullable: bool = True
    default: str | None = None
    default_is_expression: bool = False
    charset: str | None = None
    collation: str | None = None
    extra: str = ""  # e.g. "auto_increment", "on update CURRENT_TIMESTAMP" (lower-case keywords)
    generation_expression: str | None = None
    comment: str = ""


@dataclass(slots=True)
class IndexPart:
    column: str
    sub_part: int | None = None  # prefix length in characters (bytes for binary types)


@dataclass(slots=True)
class Index:
    name: str
    parts: list[IndexPart]
    unique: bool = False
    index_type: str = "BTREE"  # BTREE, HASH, FULLTEXT, SPATIAL
    comment: str = ""


@dataclass(slots=True)
class ForeignKey:
    name: str
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]


@dataclass(slots=True)
class Partition:
    name: str
    tablespace: str | None = None
    subpartitions: list[str] = field(default_factory=list)
    description: str | None = None  # PARTITION_DESCRIPTION: the VALUES bound(s), strings single-quoted; MAXVALUE


@dataclass(slots=True)
class Table:
    schema: str
    name: str
    engine: str | None = None
    row_format: str | None = None
    innodb_row_format: str | None = None  # the format InnoDB holds it in (INNODB_SYS_TABLES), when known
    charset: str | None = None
    collation: str | None = None
    comment: str = ""
    tablespace: str | None = None
    partition_method: str | None = None  # RANGE, LIST, HASH, KEY, RANGE COLUMNS, LINEAR HASH, ...
    partition_expression: str | None = None
    subpartition_method: str | None = None
    partitions: list[Partition] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    temporary: bool = False

    def column(self, name: str) -> Column | None:
        low = name.lower()
        return next((c for c in self.columns if c.name.lower() == low), None)


@dataclass
class View:
    schema: str
    name: str
    definition: str  # the SELECT body only, as the server stores it
    columns: list[str] = field(default_factory=list)
    check_option: str = "NONE"
    definer: str | None = None
    security_type: str | None = None
    # the character set of each string column, as information_schema.COLUMNS lists it for the view
    # (a dump: columns that name a base-table column, whose charset they take)
    column_charsets: dict[str, str] = field(default_factory=dict)


@dataclass
class Routine:
    schema: str
    name: str
    kind: str  # PROCEDURE or FUNCTION
    body: str | None  # ROUTINE_DEFINITION: BEGIN ... END or the single statement; None = not visible
    params: str = ""  # parameter list text, without the parentheses
    returns: str | None = None
    sql_mode: str = ""
    definer: str | None = None
    security_type: str | None = None
    comment: str = ""
    charset_client: str | None = None  # the client character set it was created through, when known
    deterministic: bool = False  # IS_DETERMINISTIC
    data_access: str = "CONTAINS SQL"  # SQL_DATA_ACCESS: CONTAINS SQL, NO SQL, READS SQL DATA, MODIFIES SQL DATA
    # the parameter list as written, quotes kept (a dump's CREATE, or mysql.proc.param_list); None = not read
    param_list: str | None = None


@dataclass
class Trigger:
    schema: str
    name: str
    table: str
    timing: str  # BEFORE / AFTER
    event: str  # INSERT / UPDATE / DELETE
    body: str
    sql_mode: str = ""
    definer: str | None = None


@dataclass
class Event:
    schema: str
    name: str
    body: str
    sql_mode: str = ""
    definer: str | None = None
    status: str | None = None
    schedule: str = ""


@dataclass
class Tablespace:
    """A general tablespace (``CREATE TABLESPACE``; live: ``information_schema.FILES``)."""
    name: str
    file_name: str | None = None
    engine: str | None = None


@dataclass
class Schema:
    name: str
    charset: str | None = None
    collation: str | None = None


@dataclass
class ServerFacts:
    """What only a live server can tell. ``None``/empty means "not known" (e.g. a dump)."""

    version: str | None = None  # SELECT VERSION(), or the dump header's "Server version"
    version_comment: str | None = None
    aurora_version: str | None = None
    sql_mode: str | None = None  # @@GLOBAL.sql_mode
    variables: dict[str, str] = field(default_factory=dict)  # global variables, lower-case names (no credential-like ones)
    xa_prepared: list[dict[str, Any]] = field(default_factory=list)  # XA RECOVER rows
    transactions: list[dict[str, Any]] = field(default_factory=list)  # innodb_trx: trx_id, trx_state, seconds, rows_modified, query
    history_list_length: int | None = None
    processlist: list[dict[str, Any]] = field(default_factory=list)  # id, user, db, command, time, state, info (non-idle only)
    users: list[str] = field(default_factory=list)  # 'user'@'host' account names (never passwords)
    mysql_tables: list[str] = field(default_factory=list)  # table names in the mysql schema
    orphaned_routines: list[dict[str, Any]] = field(default_factory=list)  # routines whose schema is gone
    extra: dict[str, Any] = field(default_factory=dict)  # anything else a server check needs

    @property
    def known(self) -> bool:
        return self.version is not None


@dataclass
class Source:
    kind: str  # "live", "dump" or "snapshot"
    name: str  # host:port, or the dump file path
    collected_at: str = ""  # ISO 8601 UTC
    tool_version: str = ""


@dataclass
class CollectionIssue:
    """An object the collector could not fully understand: reported for manual review, never a pass."""

    schema: str | None
    object_type: str
    object_name: str | None
    reason: str


@dataclass
class Catalog:
    source: Source
    server: ServerFacts = field(default_factory=ServerFacts)
    schemas: list[Schema] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    routines: list[Routine] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tablespaces: list[Tablespace] = field(default_factory=list)
    issues: list[CollectionIssue] = field(default_factory=list)
    complete: bool = True
    incomplete_reason: str | None = None
    # catalog path -> why the scan could not see all of it: an object kind ("routines"), a server fact
    # ("server.users") or a server.extra key ("server.extra.user_plugins"); see collect/visibility.py.
    # Checks that read a path listed here are not run, and the report is then incomplete.
    unreadable: dict[str, str] = field(default_factory=dict)

    def table(self, schema: str, name: str) -> Table | None:
        return next((t for t in self.tables if t.schema == schema and t.name == name), None)

    def token_cache(self, adopt: TokenCache | None = None) -> TokenCache:
        """This catalog's body tokens (not a field: never serialised, gone with the catalog); the dump
        parser hands over (``adopt``) the one it filled while parsing."""
        if adopt is not None:
            self.__dict__["_token_cache"] = adopt
        return self.__dict__.setdefault("_token_cache", TokenCache())

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["snapshot_format"] = SNAPSHOT_FORMAT
        return data

    def to_json(self) -> str:
        """The snapshot: ``json.dumps(self.to_dict(), indent=1, ensure_ascii=False, default=str)``, written
        without the dict copy and without json's pure-Python indenting encoder (:func:`_json_text`)."""
        return _json_text(self, "\n")[:-2] + f',\n "snapshot_format": {SNAPSHOT_FORMAT}\n}}'

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Catalog":
        if data.get("snapshot_format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unsupported snapshot format {data.get('snapshot_format')!r}")
        return build_typed(cls, data)


_encode = json.encoder.encode_basestring  # the C one json.dumps(ensure_ascii=False) uses
# a dataclass's fields: what reads their values at once (a tuple, a catalog has more than one), their keys as written
_FIELDS: dict[type, tuple[Any, list[str]]] = {}


def _json_text(value: Any, indent: str) -> str:
    """``value`` as ``json.dumps(dataclasses.asdict-ed value, indent=1, ensure_ascii=False, default=str)`` writes
    it ``indent`` deep (a newline and its spaces): what a catalog holds most (dataclasses, lists, text, None,
    whole numbers, true/false) directly, anything else through json itself."""
    cls: type = value.__class__
    if cls is list:
        if not value:
            return "[]"
        inner = indent + " "
        return "[" + inner + ("," + inner).join([_encode(v) if v.__class__ is str else _json_text(v, inner)
                                                  for v in value]) + indent + "]"
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return int.__repr__(value)
    found = _FIELDS.get(cls)
    if found is None and dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls)]
        found = _FIELDS[cls] = (operator.attrgetter(*names, "__class__"), [_encode(n) + ": " for n in names])
    if found is not None:
        read, keys = found
        if not keys:
            return "{}"
        inner = indent + " "
        return "{" + inner + ("," + inner).join([
            key + (_encode(v) if v.__class__ is str else "null" if v is None else _json_text(v, inner))
            for key, v in zip(keys, read(value))]) + indent + "}"
    if value is None:
        return "null"
    return json.dumps(_plain(value), indent=1, ensure_ascii=False, default=str).replace("\n", indent)


def _plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` makes of a value inside a dataclass."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value
