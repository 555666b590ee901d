"""The single-pattern lexer gives exactly the tokens of the reference loop it replaced (kinds,
texts, unescaped values, lines, offsets), and the splitter exactly the statements of the reference
splitter, on the real-world corpus, the fixtures, the benchmark dump and seeded random mixes of the
fragments where lexers go wrong."""

from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

import pytest

from tests.sqltext_reference import reference_split, reference_tokenize
from upgrade_cli import sqltext
from upgrade_cli.sqltext import DDL_VERBS, is_ddl, split_statements, tokenize

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # the shared corpus beside the checkout, as CI lays it out

FRAGMENTS = [
    "SELECT", " ", "\n", "\t", "a", "_x", "$d", "é", "ünï", "1", "12", "1.5", ".5", "1e5", "1e+5", "1E-3", "0x1F",
    "0b01", "0xZZ", "1abc", "1_a", "3d", "٣", "'", "''", "'a''b'", "'a\\'b'", "'\\n\\0\\Z\\\\'", '"', '"x""y"',
    '"a\\"b"', "`", "``", "`a``b`", "`q\nr`", "@", "@@", "@x", "@@global.x", "@'u'", "@`h`", "@\"h\"", "`u`@`h`",
    "'u'@'%'", "u@h", "@@session.`tx`", "/*", "*/", "/*!", "/*!50003 ", "/*M!100100 ", "/*M!999999\\- sandbox */",
    "/* c */", "--", "-- c\n", "--x", "#", "# c\n", "-", "/", "*", ".", ",", ";", ";;", "(", ")", "=", "<=>", "->>",
    "->", "<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "!", "?", "+", "%", "^", "~", "\\", "{", "}", "[", "]",
    ":", "\r\n", "\x00", "\u3000", "\u00a0",
    # where the findall fast path hands over to the scanner, or must not
    "10.50", "1.", "1.5.3", ".5x", "0.5e3", "a*/b", "@\u3000", "`u`@h.x", "'u'@10.0.0.1", "@'a\nb'", "@'", "@`",
    '@"x', "u@@h", "`u`@`h\n`", "/* open", "/*M c */", "-->", "--\t", "a\u3000b",
]


def _same(text: str) -> None:
    assert tokenize(text) == reference_tokenize(text), text[:200]


def _same_split(text: str) -> None:
    assert ([(s.text, s.line, s.pos, s.terminated) for s in split_statements(text)]
            == [(s.text, s.line, s.pos, s.terminated) for s in reference_split(text)]), text[:200]


SPLIT_FRAGMENTS = [";", ";;", "DELIMITER ;;\n", "DELIMITER ;\n", "DELIMITER $$\n", "$$", "\n", "\n\n", " ", "\t",
                   "\r\n", "'a;b'", "'x\n", "`q;`", '"d;"', "-- c;\n", "--x", "# h\n", "/* ; \n */",
                   "/*!50003 a; */", "/*M!999999\\- x */", "SELECT", "a", "\\", '"', "'", "`",
                   "DELIMITER //\n", "//", "DELIMITER #\n", "#", "DELIMITER --\n", "-- ", "/*/", "/* open",
                   "-", "/", "- -", "*/", "DELIMITER /\n", "DELIMITER ;-\n", ";-", "DELIMITER -\n", "/*!50003 x */"]


def _ddl_from_all_tokens(text: str) -> bool:
    words = tokenize(text)
    if not words or words[0].kind != "word" or words[0].upper not in DDL_VERBS:
        return False
    return not (len(words) > 1 and words[1].kind == "word" and words[1].upper in ("USER", "ROLE", "TEMPORARY"))


def test_is_ddl_from_a_prefix_answers_as_the_whole_statement():
    """is_ddl lexes only the first 512 characters of a long statement: long words, comments and quoted
    values across that edge must not change its answer."""
    long_ = ["x" * 200, " " * 300, "/* " + "c" * 400 + " */", "'" + "s" * 480, "''", "`" + "q" * 490, "1e",
             "CREATE " * 80, "CREATE", "ALTER", "DROP", "TABLE", "USER", "TEMPORARY", "ROLE", " "]
    starts = ["CREATE ", "ALTER ", "DROP ", "CREATE USER ", "/*!50003 CREATE*/ ", ""]
    rng = random.Random(20261125)
    for _ in range(5000):
        parts = [rng.choice(FRAGMENTS + long_) for _ in range(rng.randint(1, 40))]
        parts.insert(rng.randint(0, 2), rng.choice(starts))
        text = "".join(parts)
        assert is_ddl(text) == _ddl_from_all_tokens(text), text[:200]


def test_split_random_mixes():
    rng = random.Random(20261125)
    for _ in range(20000):
        _same_split("".join(rng.choice(SPLIT_FRAGMENTS) for _ in range(rng.randint(1, 20))))


def test_random_mixes_of_tricky_fragments():
    rng = random.Random(20261125)
    for _ in range(20000):
        _same("".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 25))))


def test_every_fragment_alone_and_at_the_end():
    for frag in FRAGMENTS:
        for text in (frag, "x " + frag, frag + " y", "`a`" + frag, "'s'" + frag, frag + frag):
            _same(text)


def _files() -> list[Path]:
    files = sorted((REPO / "tests" / "fixtures").rglob("*.sql"))
    files += sorted(CORPUS.glob("*.sql")) if CORPUS.is_dir() else []
    return files


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_corpus_and_fixture_files(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    _same(text)
    _same_split(text)
    for stmt in split_statements(text):
        _same(stmt.text)


def test_benchmark_dump():
    spec = importlib.util.spec_from_file_location("offline_throughput", REPO / "benchmarks" / "offline_throughput.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text, statements = bench.generate(20, 5, 5, 30)
    _same(text)
    _same_split(text)
    for stmt in split_statements(text):
        _same(stmt.text)


def _bodies(cat) -> list[str]:
    return [t for t in ([v.definition for v in cat.views] + [r.body for r in cat.routines]
                        + [t.body for t in cat.triggers] + [e.body for e in cat.events]) if t]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_parser_handed_body_tokens_are_the_bodies_own(path):
    """The dump parser hands the checks the tokens it already has of each body (moved to offset 0,
    line 1): they must be exactly what lexing the body alone gives."""
    from upgrade_cli.precheck.collect.dump import parse_dump

    cat = parse_dump(path.read_text(encoding="utf-8", errors="replace"), path.name)
    cache = cat.token_cache()
    for body in _bodies(cat):
        assert cache.tokens(body) == tuple(tokenize(body)), body[:200]


def test_body_tokens_at_the_edges_of_a_version_comment():
    from upgrade_cli.precheck.collect.dump import parse_dump

    dump = ("DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`u`@`%`*/ /*!50003 TRIGGER t BEFORE INSERT ON x "
            "FOR EACH ROW BEGIN\n  SET NEW.a = 1 /* c */; SET @v = 'a''b';\n  SET NEW.b = NEW.a --\n;\nEND */;;\n"
            "CREATE PROCEDURE p()\n  @x := 1 ;;\nCREATE PROCEDURE q() SELECT 1 -- x\n ;;\n"
            "CREATE PROCEDURE r() SELECT 'unterminated ;;\nDELIMITER ;\n")
    cat = parse_dump(dump, "edges.sql")
    assert _bodies(cat)
    for body in _bodies(cat):
        assert cat.token_cache().tokens(body) == tuple(tokenize(body)), body


@pytest.mark.parametrize("name, meant", [
    ("_W", r"[\w$\u0080-\U0010ffff]"), ("_W_START", r"[A-Za-z_$\u0080-\U0010ffff]"),
    ("_W_DOT", r"[\w$.\u0080-\U0010ffff]"), ("_PUNCT", r"""[^\w$\u0080-\U0010ffff\s'"`@\#\-/*.]""")])
def test_the_cheap_character_classes_hold_what_they_stand_for(name, meant):
    """sqltext spells its classes by the ASCII characters they leave out (start-up): the same characters,
    every code point."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert re.sub(getattr(sqltext, name), "", every) == re.sub(meant, "", every)
