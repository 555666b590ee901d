"""The data-type grammar of a dump: column types, routine parameters, RETURNS, and charset clauses."""

from __future__ import annotations

from upgrade_cli.precheck.collect.cursor import Cursor, ParseError
from upgrade_cli.precheck.collect.normalize import STRING_TYPES, default_collation, quote_element
from upgrade_cli.precheck.model import charset_of_collation, normalize_charset, normalize_collation

# --------------------------------------------------------------------------------------------
# Data types: one parser for columns, routine parameters and RETURNS.
# --------------------------------------------------------------------------------------------

_TYPE_ALIASES = {
    "integer": "int", "int4": "int", "int1": "tinyint", "int2": "smallint", "int3": "mediumint",
    "int8": "bigint", "middleint": "mediumint", "bool": "tinyint", "boolean": "tinyint",
    "dec": "decimal", "numeric": "decimal", "fixed": "decimal", "real": "double", "float8": "double",
    "float4": "float", "character": "char", "nchar": "char", "nvarchar": "varchar",
}
_INT_WIDTHS = {"tinyint": (4, 3), "smallint": (6, 5), "mediumint": (9, 8), "int": (11, 10), "bigint": (20, 20)}
_TYPE_ATTRS = {"UNSIGNED", "SIGNED", "ZEROFILL", "BINARY", "ASCII", "UNICODE", "BYTE", "CHARACTER", "CHARSET",
               "COLLATE", "CHAR"}


class ColumnType:
    def __init__(self, data_type: str, column_type: str, charset: str | None, collation: str | None,
                 binary_collation: bool, enum_values: list[str]):
        self.data_type = data_type
        self.column_type = column_type
        self.charset = charset
        self.collation = collation
        self.binary_collation = binary_collation
        self.enum_values = enum_values

    @property
    def is_string(self) -> bool:
        return self.data_type in STRING_TYPES


# The words that can start a type attribute in parse_type's loop (CHAR only as CHAR SET).
_TYPE_ATTRIBUTE_WORDS = frozenset({"UNSIGNED", "SIGNED", "ZEROFILL", "BINARY", "ASCII", "UNICODE", "BYTE",
                                   "CHARACTER", "CHAR", "CHARSET", "COLLATE"})


_UNSIGNED_TYPES = frozenset(_INT_WIDTHS) | {"decimal", "float", "double"}  # the types whose column_type says unsigned


def parse_type(c: Cursor) -> ColumnType:
    word = c.take()
    if word[0] != "word":
        raise ParseError(f"expected a data type at line {word.line}, found {word.text!r}")
    base = word.text.lower()
    charset = collation = None
    if base == "national":
        base, charset = c.take().text.lower(), "utf8mb3"
    elif base in ("nchar", "nvarchar"):
        charset = "utf8mb3"
    if base == "double" and c.accept("PRECISION"):
        pass
    elif base in ("char", "character") and c.accept("VARYING"):
        base = "varchar"
    elif base == "long":
        base = "mediumblob" if c.accept("VARBINARY") else "mediumtext"
        c.accept("VARCHAR")
    is_bool = base in ("bool", "boolean")
    base = _TYPE_ALIASES.get(base, base)
    args: list[str] = []
    enum_values: list[str] = []
    toks, i = c.toks, c.i
    if i + 2 < c.stop and toks[i][1] == "(" and toks[i + 2][1] == ")" and toks[i][0] == toks[i + 2][0] == "punct" \
            and toks[i + 1][0] != "punct" and base not in ("enum", "set"):
        args = [toks[i + 1][1]]  # int(11), varchar(100): most types, without a cursor and a split
        c.i = i + 3
    elif c.at_punct("("):
        inner = c.group()
        if base in ("enum", "set"):
            enum_values = [t[1] for t in inner.toks[inner.i:inner.stop] if t[0] == "string"]
        else:
            args = ["".join([t[1] for t in part.toks[part.i:part.stop]]) for part in inner.split_commas()]
    unsigned = zerofill = binary = False
    while True:
        t = c.peek()
        if t is None or t[0] != "word" or t[1].upper() not in _TYPE_ATTRIBUTE_WORDS:
            break  # most types have no attribute: one look instead of eight
        if c.accept("UNSIGNED"):
            unsigned = True
        elif c.accept("SIGNED"):
            pass
        elif c.accept("ZEROFILL"):
            zerofill = unsigned = True
        elif c.accept("BINARY"):
            binary = True
        elif c.accept("ASCII"):
            charset = "latin1"
        elif c.accept("UNICODE"):
            charset = "ucs2"
        elif c.accept("BYTE"):
            charset = "binary"
        elif clause := charset_clause(c):
            charset, collation = apply_clause(clause, charset, collation)
        else:
            break
    if base == "float" and len(args) == 1:  # FLOAT(p): the precision picks FLOAT or DOUBLE
        base, args = ("double" if int(args[0]) > 24 else "float"), []
    if is_bool:
        args = ["1"]
    elif base in _INT_WIDTHS and not args:
        args = [str(_INT_WIDTHS[base][1 if unsigned else 0])]
    elif base == "decimal":
        args = (args + ["10", "0"][len(args):])[:2] if len(args) < 2 else args
    elif base in ("char", "binary", "bit") and not args:
        args = ["1"]
    elif base == "year" and not args:
        args = ["4"]
    if base in ("enum", "set"):
        column_type = f"{base}({','.join(quote_element(v) for v in enum_values)})"
    else:
        column_type = base + (f"({','.join(args)})" if args else "")
    if unsigned and base in _UNSIGNED_TYPES:
        column_type += " unsigned"
    if zerofill:
        column_type += " zerofill"
    return ColumnType(base, column_type, charset, collation, binary, enum_values)


def parse_definer(c: Cursor) -> str:
    """``DEFINER = `u`@`h``` → ``u@h`` (the form information_schema uses)."""
    c.accept_punct("=")
    user = c.take()
    if user.kind == "word" and user.upper == "CURRENT_USER":
        if c.at_punct("("):
            c.group()
        return "CURRENT_USER"
    text = user.text
    if user.kind == "variable" and user.text.startswith("@"):  # `u`@host written without quotes
        return text
    if c.at_punct("@"):
        c.i += 1
        text += "@" + c.take().text
    elif (nxt := c.peek()) is not None and nxt.kind == "variable":
        text += c.take().text
    return text


def charset_clause(c: Cursor) -> tuple[str, str] | None:
    """``CHARACTER SET [=] x`` / ``CHARSET [=] x`` / ``COLLATE [=] x`` at the cursor, consumed: (kind, name).

    The ``=`` is table/database option syntax; column types never have it, so accepting it is harmless."""
    if c.at("CHARACTER", "CHAR") and c.at("SET", k=1):
        c.i += 2
        kind = "charset"
    elif c.accept("CHARSET"):
        kind = "charset"
    elif c.accept("COLLATE"):
        kind = "collation"
    else:
        return None
    c.accept_punct("=")
    return kind, c.name()


def apply_clause(clause: tuple[str, str], charset: str | None, collation: str | None) -> tuple[str | None, str | None]:
    kind, name = clause
    return (name, collation) if kind == "charset" else (charset, name)


def parse_type_attrs(c: Cursor) -> tuple[str | None, str | None, bool]:
    charset = collation = None
    binary = False
    while True:
        if clause := charset_clause(c):
            charset, collation = apply_clause(clause, charset, collation)
        elif c.accept("BINARY"):
            binary = True
        else:
            return charset, collation, binary


def tablespace_option(c: Cursor) -> str | None:
    while not c.done():
        if c.accept("TABLESPACE"):
            c.accept_punct("=")
            return c.name()
        c.take()
    return None


def charset_pair(charset: str | None, collation: str | None) -> tuple[str | None, str | None]:
    """Fill in the missing half of (charset, collation), normalised."""
    charset, collation = normalize_charset(charset), normalize_collation(collation)
    if collation and not charset:
        charset = charset_of_collation(collation)
    if charset and not collation:
        collation = normalize_collation(default_collation(charset))
    return charset, collation
