"""A small MySQL lexer: the one place that knows about quotes, comments and version comments.

sqlglot cannot parse MySQL stored code (it rejects every routine in benchmarks/offline_throughput.py),
so the dump splitter and the body-level checks work on these tokens instead. Comments are
dropped; ``/*!NNNNN ... */`` executable comments are unwrapped, because mysqldump puts real DDL
inside them. String and quoted-identifier tokens carry their unescaped value, so a check never
mistakes ``'PASSWORD('`` inside a literal for a call.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, NamedTuple, Protocol

_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


class Token(NamedTuple):
    """One lexical token. A named tuple, not a dataclass: a dump makes millions of them."""

    kind: str  # "word", "ident" (`quoted`), "string", "number", "variable" (@x, @@x), "punct"
    text: str  # as written for word/number/punct/variable; the unescaped value for ident/string
    line: int  # 1-based line in the source text
    pos: int  # offset of the token's first character in the source text
    end: int  # offset just past the token

    @property
    def upper(self) -> str:
        return self[1].upper()

    def is_word(self, *words: str) -> bool:
        return self[0] == "word" and self[1].upper() in words


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) > 127


# Character classes spelled by the ASCII characters they leave out (or hold): each class spanning
# U+0080..U+10FFFF costs `re` ~3 ms to compile (it walks the whole BMP), ~25 ms at the start of every
# scan; these match the same characters (tests/test_lexer_differential.py checks every code point).
_W = r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"  # [\w$\u0080-\U0010ffff]: a word character
_W_START = r"[^\x00-\x23\x25-\x40\x5b-\x5e\x60\x7b-\x7f]"  # [A-Za-z_$\u0080-\U0010ffff]: one, not a digit
_W_DOT = r"[^\x00-\x23\x25-\x2d\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"  # [\w$.\u0080-\U0010ffff]: one, or a dot
_PUNCT = r"[\x00-\x08\x0e-\x1b!%&()+,:;<=>?\[\\\]^{|}~\x7f]"  # [^\w$\u0080-\U0010ffff\s'"`@\#\-/*.]: other ASCII

# One pattern per token, after any whitespace (group 1), tried in this order; the lexer below acts
# on the group that matched. Words (any run of letters, digits, _ and $ and every non-ASCII
# character, not starting with a digit), terminated quoted values, punctuation and plain integers —
# nearly every token — are matched whole here; the rest (other numbers, variables, comments,
# version-comment markers, an unterminated quote) go to the helpers below. A quoted value runs to its closing quote:
# backslash escapes (not in `identifiers`) and doubled quotes.
_TOKEN = re.compile(rf"""
    (\s*+)
    (?:
      (?P<word>(?!\d){_W}+)
    | (?P<punct><=>|->>|<=|>=|<>|!=|:=|\|\||&&|->|<<|>>|{_PUNCT})
    | (?P<number>\d+(?![^\W_]|\.))
    | (?P<ident>`(?P<identv>(?:[^`]|``)*)`)
    | (?P<sq>'(?P<sqv>(?:[^'\\]|\\.|'')*)')
    | (?P<dq>"(?P<dqv>(?:[^"\\]|\\.|"")*)")
    | (?P<vend>\*/)
    | (?P<vstart>/\*M?!\d*)
    | (?P<block>/\*)
    | (?P<line>\#|--(?=\s|\Z))
    | (?P<quote>['"`])
    | (?P<at>@)
    | (?P<num>\d|\.\d)
    | (?P<punct2>.)
    )
""", re.VERBOSE | re.DOTALL)
_WORD_RUN = re.compile(_W + "*")
_QUOTED = {q: re.compile(q + r"((?:[^" + q + r"\\]|\\.|" + q + q + r")*)" + q, re.DOTALL) for q in "'\""}
_QUOTED["`"] = re.compile(r"`((?:[^`]|``)*)`", re.DOTALL)
_UNESCAPE = re.compile(r"\\(.)|''|\"\"", re.DOTALL)
_new = tuple.__new__  # builds a Token without the named tuple's Python-level __new__ (a million calls a dump)


def _unescape(body: str, quote: str) -> str:
    if quote == "`":
        return body.replace("``", "`") if "``" in body else body
    if "\\" not in body and quote * 2 not in body:
        return body
    return _UNESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)) if m.group(1) is not None
                         else m.group(0)[0], body)


# The fast path of tokenize: one findall over the whole text, no match object per token. Each
# result is (whitespace and comments before the token, the token, a special): the token alternatives
# are exactly the tokens _TOKEN matches whole and that come out the same wherever they stand (quoted
# values that close, plain and decimal numbers, variables); the special is a version-comment marker,
# the end of the text, or one character where the slow path must take over (an unterminated quote or
# comment, 1e5, 0x1F, 1abc, a stray */ ...). The commonest first: ASCII words, ( ) , ; =, `names`.
_FAST = re.compile(rf"""
    ((?:[ \t\n\r]++|\s++|/\*(?!M?!)(?:[^*]++|\*(?!/))*+\*/|(?:\#|--(?=\s|\Z))[^\n]*+)*+)
    (?:
      ( [a-zA-Z_]{_W}*+
      | [(),;=]
      | `(?:[^`]++|``)*+`
      | (?!\d){_W}++
      | '(?:[^'\\]++|\\.|'')*+'
      | <=>|->>|<=|>=|<>|!=|:=|\|\||&&|->|<<|>>|{_PUNCT}
      | -(?!-(?:\s|\Z))|/(?!\*)|\*(?!/)|\.(?!\d)
      | (?:\d++(?:\.\d++)?|\.\d++)(?![^\W_]|\.)
      | "(?:[^"\\]++|\\.|"")*+"
      | @++(?:'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`(?:[^`]++|``)*+`|(?!['"`]){_W_DOT}*+)
      )
    | (/\*M?!\d*+|\*/|.|\Z)
    )
""", re.VERBOSE | re.DOTALL).findall
# A fast token's kind by its first character ("." is a number only as .5); other characters are words,
# or numbers when they are digits (\d is Unicode).
_KIND_OF = {c: "word" if c.isalpha() or c in "_$" else "number" if c.isdigit()
            else {"`": "ident", "'": "string", '"': "string", "@": "variable", ".": "dot"}.get(c, "punct")
            for c in map(chr, range(128))}
_HOST_WORD = re.compile(r"(?!\d)" + _W + "+").fullmatch


def tokenize(sql: str) -> list[Token]:
    """Split MySQL text into tokens. Never raises: an unterminated quote runs to the end.

    A findall over the whole text makes the tokens that need no decision (nearly all); at the first
    that does, :func:`_scan` goes on from there one token at a time, so both give the same tokens
    (tests/test_lexer_differential.py holds them to the reference lexer)."""
    tokens: list[Token] = []
    append, kind_of, T = tokens.append, _KIND_OF.get, Token
    pos, line, in_version_comment = 0, 1, False
    for space, tok, special in _FAST(sql):
        if space:
            pos += len(space)
            if "\n" in space:
                line += space.count("\n")
        if tok:
            kind = kind_of(tok[0]) or ("number" if tok[0].isdecimal() else "word")
            end = pos + len(tok)
            if kind == "word" or kind == "punct" or kind == "number":
                append(_new(T, (kind, tok, line, pos, end)))
            elif kind == "dot":
                append(_new(T, ("number" if len(tok) > 1 else "punct", tok, line, pos, end)))
            elif kind == "ident":
                value = tok[1:-1]
                append(_new(T, ("ident", value.replace("``", "`") if "``" in value else value, line, pos, end)))
                if "\n" in tok:
                    line += tok.count("\n")
            elif kind == "string":
                append(_new(T, ("string", _unescape(tok[1:-1], tok[0]), line, pos, end)))
                if "\n" in tok:
                    line += tok.count("\n")
            elif tokens and tokens[-1][4] == pos and tokens[-1][0] in ("ident", "string", "word"):
                host = tok[1:]  # user@host in DEFINER=: '@', then the host as a token of its own
                if host and host[0] in "'\"`":
                    host_kind = "ident" if host[0] == "`" else "string"
                    value = _unescape(host[1:-1], host[0])
                elif not host or (_HOST_WORD(host) and not host[0].isspace()):
                    host_kind, value = "word", host
                else:  # 10.0.0.1, host.example.com, @@...: as _variable reads them
                    return _scan(sql, pos, line, in_version_comment, tokens)
                append(_new(T, ("punct", "@", line, pos, pos + 1)))
                if host:
                    append(_new(T, (host_kind, value, line, pos + 1, end)))
                    if "\n" in host:
                        line += host.count("\n")
            else:
                append(_new(T, ("variable", tok, line, pos, end)))
            pos = end
        elif special == "*/" and in_version_comment:
            in_version_comment = False
            pos += 2
        elif special.startswith("/*"):
            in_version_comment = True
            pos += len(special)
        elif not special:
            return tokens  # the end
        else:
            return _scan(sql, pos, line, in_version_comment, tokens)
    return tokens


class _Scanner(Protocol):
    def match(self) -> re.Match[str] | None: ...


# CPython's Pattern.scanner (each match() goes on where the last one ended); typeshed does not list it
_token_scanner: Callable[[str, int], _Scanner] = getattr(_TOKEN, "scanner")


def _scan(sql: str, i: int, line: int, in_version_comment: bool, tokens: list[Token]) -> list[Token]:
    """The rest of ``sql`` from ``i`` (at ``line``), one token at a time, appended to ``tokens``."""
    append = tokens.append
    count, T = sql.count, Token
    # A scanner goes on where its last match ended, which is where nearly every token leaves the
    # lexer; the branches that go on elsewhere (comments, variables, numbers, ...) start a new one.
    scanner = _token_scanner
    match = scanner(sql, i).match
    while True:
        m = match()
        if m is None:
            return tokens  # only whitespace left
        kind = m.lastgroup or ""  # never None: every alternative is a named group
        s, e = m.span(kind)
        if s != i and (s - i > 1 or sql[i] == "\n"):  # one space between tokens: no newline to count
            line += count("\n", i, s)
        if kind == "word" or kind == "punct" or kind == "number":
            i = e
            append(_new(T, (kind, sql[s:e], line, s, e)))
            continue
        if kind == "ident":
            i = e
            value = m.group("identv")
            append(_new(T, ("ident", value.replace("``", "`") if "``" in value else value, line, s, i)))
            line += count("\n", s, i)
            continue
        if kind == "sq" or kind == "dq":
            i = e
            append(_new(T, ("string", _unescape(m.group(kind + "v"), sql[s]), line, s, i)))
            line += count("\n", s, i)
            continue
        if kind == "punct2":  # '-', '/', '*', '.' not starting a comment, marker or number
            i = e  # s + 1
            append(_new(T, ("punct", sql[s], line, s, i)))
            continue
        if kind == "vstart":
            in_version_comment = True
            i = e
            continue
        if kind == "vend":
            if in_version_comment:
                in_version_comment = False
                i = e  # s + 2
                continue
            append(_new(T, ("punct", "*", line, s, s + 1)))
            i = s + 1
        elif kind == "block":
            end = sql.find("*/", s + 2)
            i = len(sql) if end < 0 else end + 2
            line += count("\n", s, i)
        elif kind == "line":
            end = sql.find("\n", s)
            i = len(sql) if end < 0 else end
        elif kind == "quote":  # no closing quote: the value runs to the end
            ch = sql[s]
            value, i = _read_unterminated(sql, s, ch)
            append(_new(T, ("ident" if ch == "`" else "string", value, line, s, i)))
            line += count("\n", s, i)
        elif kind == "at":
            i = _variable(sql, s, line, tokens)
        else:  # num
            i = _number(sql, s, line, tokens)
        match = scanner(sql, i).match  # go on at i, not where the match ended


class TokenCache:
    """Tokens (and upper-case words) of stored bodies by text, for one catalog: a dozen body checks
    read the same bodies, and the dump parser already holds the tokens of every body it copied.

    It lives as long as its catalog (no cache across scans) and grows with the bodies it holds.
    """

    __slots__ = ("_tokens", "_slices", "_words", "_derived")

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[Token, ...]] = {}
        self._slices: dict[str, tuple[Token, ...]] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._derived: dict[object, dict[str, object]] = {}

    def add_slice(self, text: str, tokens: list[Token], start: int, stop: int) -> None:
        """Record that ``text`` is exactly ``tokens[start].pos`` .. ``tokens[stop - 1].end`` of the text
        ``tokens`` came from, so its tokens are that slice, moved to offset 0 and line 1 — provided
        lexing the text alone cannot differ from lexing it in place: no ``*/`` inside (a version
        comment opened before it could close there), no ``@`` first (``user@host`` depends on the
        token before), no ``-`` last (``--`` at the very end of a text is a comment)."""
        if stop <= start or "*/" in text or text in self._tokens:
            return
        first, last = tokens[start], tokens[stop - 1]
        if len(text) != last.end - first.pos:
            return  # not that span as written (stripped)
        if first.kind == "variable" or first.text == "@" or (last.kind == "punct" and last.text == "-"):
            return
        self._slices[text] = tuple(tokens[start:stop])  # a tuple of atomic tuples: the collector soon stops tracking it

    def tokens(self, text: str) -> tuple[Token, ...]:
        toks = self._tokens.get(text)
        if toks is None:
            lexed = self._slices.pop(text, None)
            toks = self._tokens[text] = _moved(lexed) if lexed else tuple(tokenize(text))
        return toks

    def words(self, text: str) -> frozenset[str]:
        """Every word-like run in the text, upper-case: a cheap test before a token walk (a token can
        only be a word the text holds)."""
        words = self._words.get(text)
        if words is None:
            words = self._words[text] = frozenset(_WORD.findall(text.upper()))
        return words

    def of_text(self, text: str, fn, *args):
        """``fn(text, *args)``, computed once per text and arguments for this catalog: an analysis several
        checks read (``fn`` must be pure and its result treated as read-only), such as a sqlglot tree."""
        key = (fn, args)
        by_text = self._derived.get(key)
        if by_text is None:
            by_text = self._derived[key] = {}
        try:
            return by_text[text]
        except KeyError:
            value = by_text[text] = fn(text, *args)
            return value

    def derived(self, text: str, fn):
        """``fn(self.tokens(text))``, as :meth:`of_text`: an analysis of the tokens."""
        return self.of_text(text, self._of_tokens, fn)

    def _of_tokens(self, text: str, fn):
        return fn(self.tokens(text))


_WORD = re.compile(_W_START + _W + "*")


def _moved(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """``tokens`` as if lexed from a text that starts at the first of them."""
    dp, dl = tokens[0].pos, tokens[0].line - 1
    if not dp and not dl:
        return tokens
    T = Token
    return tuple([_new(T, (t[0], t[1], t[2] - dl, t[3] - dp, t[4] - dp)) for t in tokens])


def _variable(sql: str, i: int, line: int, tokens: list[Token]) -> int:
    n = len(sql)
    if tokens and tokens[-1].end == i and tokens[-1].kind in ("ident", "string", "word"):
        tokens.append(Token("punct", "@", line, i, i + 1))  # user@host in DEFINER=
        return i + 1
    j = i + 1
    while j < n and sql[j] == "@":
        j += 1
    if j < n and sql[j] in "'\"`":
        _, j = _read_quoted(sql, j, sql[j])
    else:
        while j < n and (_is_word_char(sql[j]) or sql[j] == "."):
            j += 1
    tokens.append(Token("variable", sql[i:j], line, i, j))
    return j


def _number(sql: str, i: int, line: int, tokens: list[Token]) -> int:
    n = len(sql)
    two = sql[i:i + 2]
    j = i + 1
    if two.lower() in ("0x", "0b"):
        j = i + 2
    while j < n and (sql[j].isalnum() or sql[j] == "." or (sql[j] in "+-" and sql[j - 1] in "eE" and not two.lower() == "0x")):
        j += 1
    text = sql[i:j]
    kind = "number"
    if any(c.isalpha() for c in text) and not _looks_numeric(text):
        run = _WORD_RUN.match(sql, j)
        assert run is not None  # the pattern matches the empty string too
        j = run.end()
        text, kind = sql[i:j], "word"
    tokens.append(Token(kind, text, line, i, j))
    return j


def _looks_numeric(text: str) -> bool:
    low = text.lower()
    if low.startswith(("0x", "0b")):
        return True
    try:
        float(low)
        return True
    except ValueError:
        return False


def _read_quoted(sql: str, i: int, quote: str) -> tuple[str, int]:
    """Read a quoted string/identifier starting at ``i``; return (value, index after it)."""
    m = _QUOTED[quote].match(sql, i)
    if m:
        return _unescape(m.group(1), quote), m.end()
    return _read_unterminated(sql, i, quote)


def _read_unterminated(sql: str, i: int, quote: str) -> tuple[str, int]:
    """A quote with no closing one: the value runs to the end, escapes still applied."""
    out: list[str] = []
    j, n = i + 1, len(sql)
    while j < n:
        c = sql[j]
        if c == "\\" and quote != "`" and j + 1 < n:
            nxt = sql[j + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            j += 2
            continue
        if c == quote:
            if j + 1 < n and sql[j + 1] == quote:
                out.append(quote)
                j += 2
                continue
            return "".join(out), j + 1
        out.append(c)
        j += 1
    return "".join(out), n


# What "DDL" means everywhere in this tool (the switchover gate, auroraCheckDDLRecovery, bench's
# replay filter): a statement that changes the data dictionary or rebuilds a table under a metadata
# lock. Decisions, so the three callers cannot drift apart again:
# - ANALYZE / OPTIMIZE / REPAIR TABLE count: they take metadata locks, and OPTIMIZE on InnoDB is a
#   table rebuild (ALTER TABLE ... FORCE), so they hold up a switchover or an upgrade like an ALTER.
# - CREATE/ALTER/DROP/RENAME USER or ROLE, and GRANT/REVOKE, do not: account management changes no
#   table and takes no table metadata lock (bench skips them anyway, as administration).
# - CREATE/DROP TEMPORARY TABLE does not: it is session-local and never reaches the dictionary.
DDL_VERBS = frozenset({"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "ANALYZE", "OPTIMIZE", "REPAIR"})
_NOT_DDL_OBJECTS = frozenset({"USER", "ROLE", "TEMPORARY"})


def is_ddl(statement: str | None) -> bool:
    """Whether a statement is DDL in the sense above (comments and version comments handled by the lexer).

    Only its first two words count, so a long statement (a processlist INSERT can be megabytes) is lexed
    from a prefix: once a third token follows them there, the first two are whole, and a word, or the
    fact that a token is no word, cannot change with what comes after the prefix."""
    text = statement or ""
    words = tokenize(text[:512])
    if len(words) < 3:
        words = tokenize(text)
    if not words or words[0].kind != "word" or words[0].upper not in DDL_VERBS:
        return False
    second = words[1] if len(words) > 1 else None
    return not (second is not None and second.kind == "word" and second.upper in _NOT_DDL_OBJECTS)


def quote_ident(name: str) -> str:
    """Backquote an identifier for generated fix SQL."""
    return "`" + name.replace("`", "``") + "`"


def quote_qualified(schema: str, name: str) -> str:
    """```schema`.`name``` for generated fix SQL."""
    return quote_ident(schema) + "." + quote_ident(name)


class Statement(NamedTuple):
    """One statement of a script (a named tuple: a dump has tens of thousands)."""

    text: str  # the statement without its delimiter
    line: int  # 1-based line of its first character in the source text
    pos: int  # offset of its first character in the source text
    terminated: bool = True  # False for a last statement the text ends inside (no delimiter: a cut-off file)


def _skip_quoted(sql: str, i: int, quote: str) -> int:
    """Index just past the quoted token at ``i`` (``n`` if unterminated), without building its value:
    a 50 MB INSERT literal must cost a scan, not a list of 50 million characters."""
    j, n = i + 1, len(sql)
    while True:
        k = sql.find(quote, j)
        if k < 0:
            return n
        if quote != "`":
            b = k - 1
            while b >= j and sql[b] == "\\":
                b -= 1
            if (k - 1 - b) % 2:  # an odd run of backslashes escapes this quote
                j = k + 1
                continue
        if k + 1 < n and sql[k + 1] == quote:
            j = k + 2
            continue
        return k + 1


def split_statements(sql: str) -> list[Statement]:
    """Split a script into statements the way the ``mysql`` client does.

    Honours ``DELIMITER`` lines (only at the start of a statement, never inside a comment or a
    string), quotes with backslash escapes, ``--``/``#``/``/* */`` comments (a delimiter inside
    them does not end a statement) and ``/*!NNNNN ... */`` version comments, which the client
    treats as code. Statements that hold only comments are dropped. Never raises.
    """
    out: list[Statement] = []
    delim = ";"
    i, n = 0, len(sql)
    start = 0
    has_code = False  # the current statement holds something besides whitespace and comments
    counted, line = 0, 1  # lines are counted only up to where a statement starts (row data is megabytes)

    def line_at(pos: int) -> int:
        nonlocal counted, line
        line += sql.count("\n", counted, pos)
        counted = pos
        return line

    def emit(end: int, terminated: bool = True) -> None:
        text = sql[start:end]
        if has_code and text.strip():
            lead = len(text) - len(text.lstrip())
            out.append(Statement(text.strip(), line_at(start + lead), start + lead, terminated))

    while i < n:
        if not has_code:
            if delim[0] not in "#-/":
                gap = _GAP(sql, i)
                assert gap is not None  # the pattern matches the empty string too
                i = gap.end()
                if i >= n:
                    break
            elif sql[i] in " \t\r\n":  # a delimiter that can look like a comment's start: one step at a time
                i += 1
                continue
        ch = sql[i]
        if not has_code and sql[i:i + 9].upper() == "DELIMITER" and (i + 9 >= n or sql[i + 9] in " \t"):
            eol = sql.find("\n", i)
            eol = n if eol < 0 else eol
            new = sql[i + 9:eol].strip().split()
            if new:
                delim = new[0]
            i = eol
            start = i
            continue
        if sql.startswith(delim, i):
            emit(i)
            i += len(delim)
            start, has_code = i, False
            continue
        two = sql[i:i + 2]
        if two == "/*" and (sql.startswith("/*M!999999\\-", i)  # mariadb-dump's sandbox marker
                            or not (sql.startswith("/*!", i) or sql.startswith("/*M!", i))):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == "#" or (two == "--" and (i + 2 >= n or sql[i + 2] in " \t\r\n")):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            continue
        if not has_code:
            start, has_code = i, True
        run = _code_run(delim)
        if run is None:  # a delimiter that starts with a quote: one step at a time
            if ch in "'\"`":
                i = _skip_quoted(sql, i, ch)
                continue
            m = _interesting(delim).search(sql, i + 1)
            i = m.start() if m else n
            continue
        # jump over plain code and whole quoted values to the next character that can matter
        # (row data is megabytes of it)
        e = run(sql, i if ch in "'\"`" else i + 1).end()
        i = _skip_quoted(sql, i, ch) if e == i else e  # e == i: a quote never closed runs to the end
    emit(n, terminated=False)
    return out


# What split_statements skips between statements in one match: whitespace, comments (a version
# comment is code, except mariadb-dump's sandbox marker), mysqldump's comment blocks.
_GAP = re.compile(r"""(?:[ \t\r\n]++
    | /\*(?:(?!M?!)|(?=M!999999\\-))(?:.*?\*/|.*\Z)
    | (?:\#|--(?=[ \t\r\n]|\Z))[^\n]*+
    )*+""", re.VERBOSE | re.DOTALL).match


@functools.lru_cache(maxsize=16)
def _interesting(delim: str) -> re.Pattern[str]:
    """Characters that can start a quote, a comment or the delimiter."""
    return re.compile("[" + re.escape("'\"`#-/" + delim[0]) + "]")


@functools.lru_cache(maxsize=16)
def _code_run(delim: str):
    """``match`` of a run of plain code and terminated quoted values (read as :func:`_skip_quoted`
    does: backslash escapes, doubled quotes, possessive so an unclosed quote is not half-read): it
    stops at a character that can start a comment or the delimiter, or at a quote never closed.
    None when the delimiter starts with a quote character."""
    if delim[0] in "'\"`":
        return None
    # '-', '/' and the delimiter's first character are code too where they start no comment and no
    # delimiter ('a - b', ';' inside a routine written with DELIMITER ;;): no stop in the loop for them
    not_starting = {"-": [r"(?!-(?:[ \t\r\n]|\Z))"], "/": [r"(?!\*)"]}
    if delim[0] != "#":
        not_starting.setdefault(delim[0], []).append("(?!" + re.escape(delim[1:]) + ")" if delim[1:] else "(?!)")
    code_too = "".join("|" + re.escape(ch) + "".join(ahead) for ch, ahead in not_starting.items())
    return re.compile(r"(?:[^" + re.escape("'\"`#-/" + delim[0]) + r"]++" + code_too +
                      r"|'(?:[^'\\]++|\\.|'')*+'"
                      r"|\"(?:[^\"\\]++|\\.|\"\")*+\""
                      r"|`(?:[^`]++|``)*+`)*+", re.DOTALL).match


_SECRET_RE = re.compile(r"IDENTIFIED|PASSWORD|SECRET|TOKEN|ENCRYPT|AES_|DES_|ENCODE", re.I)
_STRING_LITERAL_RE = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"")


def redact_statement(text: str | None) -> str | None:
    """Statement text fit to store or show: when it may carry a secret (``IDENTIFIED BY '…'``,
    ``PASSWORD('…')``, ``AES_ENCRYPT(…, 'key')``), every string literal is masked.

    Used for other sessions' statements (processlist, open transactions) and for captured bench workloads.
    """
    if text is None:
        return None
    if _SECRET_RE.search(text):
        return _STRING_LITERAL_RE.sub("'<redacted>'", text)
    return text
