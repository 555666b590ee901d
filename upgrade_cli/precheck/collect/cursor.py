"""A cursor over :func:`upgrade_cli.sqltext.tokenize` tokens: the dump parser's only way to read a statement."""

from __future__ import annotations

from upgrade_cli.sqltext import Token

class ParseError(Exception):
    pass


class Cursor:
    """A position in a token list, with the statement text for slicing bodies as written."""

    __slots__ = ("toks", "text", "i", "stop")  # a hundred thousand cursors a dump: faster to make and read

    def __init__(self, tokens: list[Token], text: str, start: int = 0, stop: int | None = None):
        self.toks = tokens
        self.text = text
        self.i = start
        self.stop = len(tokens) if stop is None else stop

    def done(self) -> bool:
        return self.i >= self.stop

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < self.stop else None

    def current(self) -> Token:
        """The token at the cursor, not consumed: ``peek()`` where the statement cannot have ended."""
        if self.i >= self.stop:
            raise ParseError("unexpected end of statement")
        return self.toks[self.i]

    # at/at_punct/accept are the parser's innermost calls (a million a dump): fields by index, no peek()
    def at(self, *words: str, k: int = 0) -> bool:
        j = self.i + k
        if j >= self.stop:
            return False
        t = self.toks[j]
        return t[0] == "word" and t[1].upper() in words

    def at_punct(self, p: str, k: int = 0) -> bool:
        j = self.i + k
        if j >= self.stop:
            return False
        t = self.toks[j]
        return t[0] == "punct" and t[1] == p

    def take(self) -> Token:
        i = self.i
        if i >= self.stop:
            raise ParseError("unexpected end of statement")
        self.i = i + 1
        return self.toks[i]

    def accept(self, *words: str) -> Token | None:
        i = self.i
        if i < self.stop:
            t = self.toks[i]
            if t[0] == "word" and t[1].upper() in words:
                self.i = i + 1
                return t
        return None

    def accept_seq(self, *words: str) -> bool:
        i = self.i
        if i + len(words) > self.stop:
            return False
        toks = self.toks
        for k, w in enumerate(words, i):
            t = toks[k]
            if t[0] != "word" or t[1].upper() != w:
                return False
        self.i = i + len(words)
        return True

    def accept_punct(self, p: str) -> bool:
        i = self.i
        if i < self.stop:
            t = self.toks[i]
            if t[0] == "punct" and t[1] == p:
                self.i = i + 1
                return True
        return False

    def expect(self, *words: str) -> Token:
        t = self.accept(*words)
        if t is None:
            nxt = self.peek()
            raise ParseError(f"expected {'/'.join(words)}, found {nxt.text if nxt else 'end'!r}")
        return t

    def name(self) -> str:
        t = self.take()
        if t[0] not in ("ident", "word", "string"):
            raise ParseError(f"expected a name at line {t.line}, found {t.text!r}")
        return t[1]

    def qualified(self) -> tuple[str | None, str]:
        first = self.name()
        if self.at_punct("."):
            self.i += 1
            return first, self.name()
        return None, first

    def group_end(self) -> int:
        """Index of the ``)`` matching the ``(`` at the cursor."""
        depth, toks = 0, self.toks
        for j in range(self.i, self.stop):
            t = toks[j]
            if t[0] == "punct":
                p = t[1]
                if p == "(":
                    depth += 1
                elif p == ")":
                    depth -= 1
                    if depth == 0:
                        return j
        raise ParseError("unbalanced parentheses")

    def group(self) -> "Cursor":
        """Consume ``( ... )`` and return a cursor over its inside."""
        if not self.at_punct("("):
            t = self.peek()
            raise ParseError(f"expected '(' , found {t.text if t else 'end'!r}")
        end = self.group_end()
        inner = Cursor(self.toks, self.text, self.i + 1, end)
        self.i = end + 1
        return inner

    def group_text(self) -> str:
        """Consume ``( ... )`` and return the text inside, as written."""
        inner = self.group()
        open_tok, close_tok = self.toks[inner.i - 1], self.toks[inner.stop]
        return self.text[open_tok.end:close_tok.pos].strip()

    def split_commas(self) -> list["Cursor"]:
        """Split the rest of this cursor at top-level commas (empty parts left out)."""
        parts, depth, start, toks, text = [], 0, self.i, self.toks, self.text
        for j in range(self.i, self.stop):
            t = toks[j]
            if t[0] != "punct":
                continue
            p = t[1]
            if p == "(":
                depth += 1
            elif p == ")":
                depth -= 1
            elif p == "," and depth == 0:
                if start < j:
                    parts.append(Cursor(toks, text, start, j))
                start = j + 1
        if start < self.stop:
            parts.append(Cursor(toks, text, start, self.stop))
        self.i = self.stop
        return parts

    def rest_text(self) -> str:
        if self.done():
            return ""
        return self.text[self.toks[self.i].pos:self.toks[self.stop - 1].end].strip()

    def skip_value(self) -> None:
        """Skip one option value: ``= x``, a parenthesised group, or a single token."""
        self.accept_punct("=")
        if self.at_punct("("):
            self.group()
        elif not self.done():
            self.take()

    def skip_option(self) -> None:
        """Skip an option we do not keep: its name (with the DIRECTORY of ``DATA DIRECTORY``), then its value."""
        self.take()
        if self.at("DIRECTORY"):
            self.take()
        self.skip_value()


def first_name(c: Cursor) -> str | None:
    """The name after an optional ``IF NOT EXISTS``, not consumed (None when there is none)."""
    c.accept_seq("IF", "NOT", "EXISTS")
    t = c.peek()
    return t.text if t is not None and t.kind in ("ident", "word") else None
