"""Whether a dump file is whole, judged by its statements and not only by mysqldump's trailer.

A dump cut part way (a full disk, a killed ``mysqldump``, a partial copy) reads as a smaller clean
schema, so every check would pass on what is missing. ``mysqldump``/``mariadb-dump`` end a complete
dump with ``-- Dump completed``, but ``--compact``, ``--skip-comments`` and ``mysqlpump`` write no
such header or trailer. What every dump tool does write, and a cut breaks:

- every statement ends with its delimiter: a last statement without one, left open (a quote, a
  comment, a parenthesis), inside a ``DELIMITER`` block, or a ``CREATE`` whose ``BEGIN`` has no
  ``END``, was cut;
- a ``DELIMITER ;;`` block is closed by ``DELIMITER ;``;
- a session setting saved (``SET @saved_cs_client = @@character_set_client`` before a ``CREATE
  TABLE``, the header's ``SET @OLD_SQL_MODE=@@SQL_MODE``) is restored later: a save never restored
  was cut before it (the header's, once the closing block has begun: see ``_saved_not_restored``).

Only the first rule holds for a hand-written file (which may leave its last ``;`` or its
``DELIMITER //`` out), so the others apply to machine-written dumps: a dump header, or the
``/*!NNNNN`` version comments every dump tool writes. Content after the trailer (notes appended to
a complete dump) is not part of the dump, unless it starts another one.
"""

from __future__ import annotations

import bisect
import re

from upgrade_cli.sqltext import Statement, split_statements, tokenize

_TRAILER = "Dump completed"
DUMP_HEADER = re.compile(r"^--\s*(MySQL|MariaDB) dump .*$", re.M)
_BULK = re.compile(r"(?:/\*M?!\d*\s*)?(?:INSERT|REPLACE)\b", re.I)
_CREATE = re.compile(r"(?:/\*!\d*\s*)?CREATE\s", re.I)
_SET = re.compile(r"(?:/\*!\d*\s*)?SET\s", re.I)
_SAVE = re.compile(r"\bSET\s+@(\w+)\s*=\s*@@", re.I)
_USE_VAR = re.compile(r"=\s*@(\w+)")
_STORED_CODE = re.compile(r"(?:/\*!\d+\s*)?CREATE\b.*?\b(PROCEDURE|FUNCTION|TRIGGER|EVENT)\b", re.I | re.S)


def cut_short(text: str, statements: list[Statement], dump_tool: str | None) -> str | None:
    """Why the dump ``text`` (split into ``statements``) is known to be cut short, or None."""
    trailer = _trailer_end(text)
    if trailer is not None:
        rest = text[trailer:]
        header = DUMP_HEADER.search(rest)
        if header is None:  # what follows a complete dump is not part of it
            return None
        return cut_short(rest[header.start():], split_statements(rest[header.start():]), header.group(0))
    if dump_tool:
        return (f"the {dump_tool.lstrip('- ').split(' ')[0]} dump has no '-- Dump completed' trailer: "
                "the file is truncated or the dump failed part way")
    if not statements:
        return None
    machine = "/*!" in text[:65536] or "/*!" in statements[-1].text
    last = statements[-1]
    delimiter = _delimiter_at_end(text, statements)
    if not last.terminated:
        if _left_open(last.text):
            return f"the file ends inside the statement at line {last.line}: the dump is truncated"
        if delimiter != ";":
            return (f"the file ends inside the DELIMITER {delimiter} block, in the statement at line {last.line}: "
                    "the dump is truncated")
        if _open_compound(last.text):
            return f"the CREATE at line {last.line} has no END: the dump is truncated"
        if machine:
            return f"the last statement (line {last.line}) has no closing ';': the dump is truncated"
        return None
    tail = text[last.pos + len(last.text):]
    if tail.rfind("/*") > tail.rfind("*/"):
        return f"the file ends inside a comment after line {last.line}: the dump is truncated"
    if not machine:
        return None
    if delimiter != ";":
        return f"the DELIMITER {delimiter} block is never closed: the dump is truncated after line {last.line}"
    pending = _saved_not_restored(statements)
    if pending:
        var, line = pending
        return (f"the session setting saved in @{var} at line {line} is never restored: the dump is truncated "
                f"after line {last.line}")
    return None


def _trailer_end(text: str) -> int | None:
    """Offset just past the last ``-- Dump completed`` line, or None."""
    at = text.rfind(_TRAILER)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        if re.fullmatch(r"--\s*", text[line_start:at]):
            end = text.find("\n", at)
            return len(text) if end < 0 else end + 1
        at = text.rfind(_TRAILER, 0, at)
    return None


def _delimiter_at_end(text: str, statements: list[Statement]) -> str:
    """The delimiter in force at the end of the text: the last DELIMITER command outside a statement."""
    starts = [s.pos for s in statements]
    found = max(text.rfind("\nDELIMITER "), text.rfind("\ndelimiter "))
    while found >= 0:
        i = bisect.bisect_right(starts, found + 1) - 1
        inside = i >= 0 and found + 1 < statements[i].pos + len(statements[i].text)
        if not inside:
            eol = text.find("\n", found + 1)
            words = text[found + 11:len(text) if eol < 0 else eol].split()
            return words[0] if words else ";"
        found = max(text.rfind("\nDELIMITER ", 0, found), text.rfind("\ndelimiter ", 0, found))
    if text[:10].upper() == "DELIMITER ":
        words = text[10:].split("\n", 1)[0].split()
        return words[0] if words else ";"
    return ";"


def _left_open(text: str) -> bool:
    """Whether statement text stops inside a string, an identifier, a comment or parentheses."""
    if _BULK.match(text):
        return True  # mysqldump's row data always ends with ';': the rows after it are gone
    if text.count("/*") > text.count("*/"):
        return True
    depth = 0
    tokens = tokenize(text)
    for t in tokens:
        if t.kind == "punct" and t.text in "()":
            depth += 1 if t.text == "(" else -1
    if tokens and tokens[-1].kind in ("string", "ident"):
        last = tokens[-1]
        closing = text[last.end - 1] if last.end - last.pos >= 2 else ""
        if closing != text[last.pos] or text[last.end - 2:last.end - 1] == "\\":
            return True
    return depth > 0


def _open_compound(text: str) -> bool:
    """A CREATE of stored code whose BEGIN ... END blocks do not close (``END IF``/``END LOOP`` close
    their own IF/LOOP, not a BEGIN)."""
    if not _STORED_CODE.match(text):
        return False
    depth = 0
    words = [t.upper for t in tokenize(text) if t.kind == "word"]
    for i, w in enumerate(words):
        if w == "BEGIN":
            depth += 1
        elif w == "END" and (i + 1 == len(words) or words[i + 1] not in ("IF", "LOOP", "WHILE", "REPEAT", "CASE")):
            depth -= 1
    return depth > 0


def _saved_not_restored(statements: list[Statement]) -> tuple[str, int] | None:
    """The first ``SET @v = @@setting`` whose ``@v`` no later statement reads, with its line. The
    header's saves (before the first ``CREATE``: ``@OLD_SQL_MODE``, restored by the file's last lines)
    count only once one of them is restored: schema files shipped with applications are often
    exports with those last lines trimmed, while a dump cut inside them restores some and not all."""
    pending: dict[str, int] = {}
    header: set[str] = set()
    header_restored = body = False
    for s in statements:
        body = body or _CREATE.match(s.text) is not None
        if not _SET.match(s.text):  # saves and restores are SET statements; bodies are not read
            continue
        head = s.text[:400]
        saved = {m.group(1).lower() for m in _SAVE.finditer(head)}
        for m in _USE_VAR.finditer(head):
            var = m.group(1).lower()
            if var not in saved and pending.pop(var, None) is not None and var in header:
                header_restored = True
        for var in saved:
            pending.setdefault(var, s.line)
            if not body:
                header.add(var)
    if not header_restored:
        pending = {var: line for var, line in pending.items() if var not in header}
    if not pending:
        return None
    var, line = min(pending.items(), key=lambda kv: kv[1])
    return var, line
