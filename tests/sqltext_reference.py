"""The lexer loop and the statement splitter as they were before the speed work (issue 10), kept only as
the reference for ``tests/test_lexer_differential.py``: the fast ones must give exactly these results."""

from __future__ import annotations

import functools
import re

from upgrade_cli.sqltext import Statement, Token, _number, _read_quoted, _skip_quoted, _variable

_TOKEN_START = re.compile(r"""
    (?P<ws>\s+)
  | (?P<vend>\*/)
  | (?P<vstart>/\*M?!\d*)
  | (?P<block>/\*)
  | (?P<line>\#|--(?=\s|\Z))
  | (?P<quote>['"`])
  | (?P<at>@)
  | (?P<num>\d|\.\d)
  | (?P<word>[\w$\u0080-\U0010ffff]+)
  | (?P<punct><=>|->>|<=|>=|<>|!=|:=|\|\||&&|->|<<|>>|.)
""", re.VERBOSE | re.DOTALL)


def reference_tokenize(sql: str) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    i, n, line = 0, len(sql), 1
    in_version_comment = False
    match = _TOKEN_START.match
    while i < n:
        m = match(sql, i)
        kind = m.lastgroup
        if kind == "word":
            j = m.end()
            append(Token("word", sql[i:j], line, i, j))
            i = j
        elif kind == "punct":
            j = m.end()
            append(Token("punct", m.group(), line, i, j))
            i = j
        elif kind == "quote":
            ch = m.group()
            value, j = _read_quoted(sql, i, ch)
            append(Token("ident" if ch == "`" else "string", value, line, i, j))
            line += sql.count("\n", i, j)
            i = j
        elif kind == "ws":
            j = m.end()
            line += sql.count("\n", i, j)
            i = j
        elif kind == "vend":
            if in_version_comment:
                in_version_comment = False
                i += 2
            else:
                append(Token("punct", "*", line, i, i + 1))
                i += 1
        elif kind == "vstart":
            in_version_comment = True
            i = m.end()
        elif kind == "block":
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += sql.count("\n", i, end)
            i = end
        elif kind == "line":
            end = sql.find("\n", i)
            i = n if end < 0 else end
        elif kind == "at":
            i = _variable(sql, i, line, tokens)
        else:  # num
            i = _number(sql, i, line, tokens)
    return tokens


def reference_split(sql: str) -> list[Statement]:
    # the splitter before lines were counted lazily
    out: list[Statement] = []
    delim = ";"
    i, n, line = 0, len(sql), 1
    start, start_line = 0, 1
    has_code = False  # the current statement holds something besides whitespace and comments

    def emit(end: int, terminated: bool = True) -> None:
        text = sql[start:end]
        if has_code and text.strip():
            lead = len(text) - len(text.lstrip())
            out.append(Statement(text.strip(), start_line + text.count("\n", 0, lead), start + lead, terminated))

    while i < n:
        ch = sql[i]
        if not has_code and ch in " \t\r\n":
            if ch == "\n":
                line += 1
            i += 1
            continue
        if not has_code and sql[i:i + 9].upper() == "DELIMITER" and (i + 9 >= n or sql[i + 9] in " \t"):
            eol = sql.find("\n", i)
            eol = n if eol < 0 else eol
            new = sql[i + 9:eol].strip().split()
            if new:
                delim = new[0]
            i = eol
            start, start_line = i, line
            continue
        if sql.startswith(delim, i):
            emit(i)
            i += len(delim)
            start, start_line, has_code = i, line, False
            continue
        two = sql[i:i + 2]
        if two == "/*" and (sql.startswith("/*M!999999\\-", i)  # mariadb-dump's sandbox marker
                            or not (sql.startswith("/*!", i) or sql.startswith("/*M!", i))):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += sql.count("\n", i, end)
            i = end
            continue
        if ch == "#" or (two == "--" and (i + 2 >= n or sql[i + 2] in " \t\r\n")):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            continue
        if not has_code:
            start, start_line, has_code = i, line, True
        if ch in "'\"`":
            j = _skip_quoted(sql, i, ch)
            line += sql.count("\n", i, j)
            i = j
            continue
        if ch == "\n":
            line += 1
        # jump over plain code to the next character that can matter (row data is megabytes of it)
        m = _interesting(delim).search(sql, i + 1)
        i = m.start() if m else n
    emit(n, terminated=False)
    return out


@functools.lru_cache(maxsize=16)
def _interesting(delim: str) -> re.Pattern[str]:
    """Characters that can start a quote, a comment, a line or the delimiter."""
    return re.compile("[" + re.escape("'\"`#-/\n" + delim[0]) + "]")
