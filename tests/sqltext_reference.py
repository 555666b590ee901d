"""The lexer loop as it was before the single-pattern rewrite, kept only as the reference for
``tests/test_lexer_differential.py``: the fast loop must produce exactly these tokens."""

from __future__ import annotations

import re

from upgrade_cli.sqltext import Token, _number, _read_quoted, _variable

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
