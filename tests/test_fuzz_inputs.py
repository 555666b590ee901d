"""Seeded fuzzing of every file input: mutated dumps, snapshots, Aurora logs, parameter exports,
slow logs, bench workloads and bench results files. Whatever the bytes, the command exits 0, 1 or 2 with at most one
``error:`` line, never ``error: internal``, never a secret, and never hangs.

Bounded: a fixed seed and a fixed number of cases per input (a few hundred in all, well under a
minute); each case runs in-process under an alarm so a hang fails the test instead of the suite.
"""

from __future__ import annotations

import json
import random
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upgrade_cli.main import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "CANARYpw7731"  # in every seed where a password can appear, and in the environment
CASE_DEADLINE_S = 20
SEED = 20261125

SLOW_LOG = f"""\
/usr/sbin/mysqld, Version: 5.7.44-log (MySQL Community Server (GPL)). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
# Time: 2024-03-05T10:15:42.123456Z
# User@Host: app[app] @  [10.0.0.12]  Id:    42
# Query_time: 1.234567  Lock_time: 0.000101 Rows_sent: 10  Rows_examined: 500000
use shop;
SET timestamp=1709633742;
SELECT o.id, o.total FROM orders o WHERE o.customer_id = 17 ORDER BY o.id;
# Time: 2024-03-05T10:15:43.000001Z
# User@Host: admin[admin] @  [10.0.0.12]  Id:    43
# Query_time: 0.500000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0
SET timestamp=1709633743;
ALTER USER 'app'@'%' IDENTIFIED BY '{SECRET}';
# Time: 2024-03-05T10:15:44.000001Z
# User@Host: app[app] @  [10.0.0.12]  Id:    42
# Query_time: 0.750000  Lock_time: 0.000100 Rows_sent: 3  Rows_examined: 300000
SELECT PASSWORD('{SECRET}'), id FROM shop.orders WHERE id > 4;
"""


def _results() -> str:
    side = {"latencies_ms": [1.5, 1.6, 1.4], "rows": 3, "checksum": "ab", "ordered_checksum": "cd", "error": None,
            "warnings": [], "plan": [{"table": "o", "access_type": "ref", "key": "k", "rows": 10}], "unstable": False,
            "order_checked": True, "timeout": False}
    recs = [{"type": "run", "format": "aurora-upgrade-bench-results", "version": 1, "blue": {"address": "b:3306"},
             "green": {"address": "g:3306"}, "options": {}, "workload": {}, "started": "2026-01-01T00:00:00+0000"}]
    for i in range(4):
        recs.append({"type": "statement", "digest": f"d{i % 2}", "fingerprint": "select ?", "database": "shop",
                     "sample": i, "sql": f"SELECT PASSWORD('{SECRET}') FROM t WHERE id = {i}", "order_keys": None,
                     "has_limit": False, "nondeterministic": None, "blue": side,
                     "green": {**side, "latencies_ms": [2.5, 2.9, 2.7]}})
    recs.append({"type": "skipped", "digest": "d9", "fingerprint": "x", "database": None, "sample": 0,
                 "sql": "DELETE FROM t", "reason": "writes"})
    recs.append({"type": "end", "statements": 4, "skipped": 1, "shapes": 3, "wall_s": 1.0})
    return "".join(json.dumps(r) + "\n" for r in recs)


PARAMS = json.dumps({"Parameters": [
    {"ParameterName": "query_cache_type", "ParameterValue": "1", "Source": "user", "ApplyType": "static",
     "DataType": "integer", "IsModifiable": True},
    {"ParameterName": "tx_isolation", "ParameterValue": "READ-COMMITTED", "Source": "user", "ApplyType": "dynamic",
     "DataType": "string", "IsModifiable": True},
    {"ParameterName": "innodb_file_format", "ParameterValue": "Barracuda", "Source": "system"},
]}, indent=1)


def _dump() -> str:
    text = (REPO / "examples" / "legacy_app_57.sql").read_text(encoding="utf-8")
    return text.replace("-- Dump completed", f"CREATE USER 'x'@'%' IDENTIFIED BY '{SECRET}';\n-- Dump completed")


# ---- mutations --------------------------------------------------------------------------------

_JUNK = [b"\x00", b"\xff\xfe", b"\r", b"\r\n", b"(" * 3000, b"'", b"`", b'"', b"/*", b"DELIMITER ;;\n", b"NaN",
         b"-1", b"1e999", b"\xc3", b"{", b"]", b"\n-- Dump completed on x\n", b"\x7fELF"]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    op = rng.randrange(7)
    if not data:
        return rng.choice(_JUNK)
    i = rng.randrange(len(data))
    if op == 0:  # truncate
        return data[:i]
    if op == 1:  # flip some bytes
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf)
    if op == 2:  # insert junk
        return data[:i] + rng.choice(_JUNK) + data[i:]
    if op == 3:  # drop a slice
        return data[:i] + data[i + rng.randint(1, 200):]
    if op == 4:  # duplicate / shuffle lines
        lines = data.split(b"\n")
        j = rng.randrange(len(lines))
        lines.insert(rng.randrange(len(lines)), lines[j])
        rng.shuffle(lines[max(0, j - 3):j + 3])
        return b"\n".join(lines)
    if op == 5:  # re-encode: UTF-16 with a BOM, or CR-only line endings
        text = data.decode("utf-8", "replace")
        return ("\ufeff" + text).encode("utf-16-le") if rng.random() < 0.5 else text.replace("\n", "\r").encode()
    return data + data[:i]  # a file written twice, the second time cut


_WRONG = ["false", 0, None, [], {}, "x", -1, 1e308, True, [[{}]], {"a": None}]


def _mutate_json(doc, rng: random.Random):
    """Replace one value somewhere in the document with a value of the wrong type."""
    doc = json.loads(json.dumps(doc))
    node, path = doc, []
    for _ in range(rng.randint(1, 6)):
        if isinstance(node, dict) and node:
            key = rng.choice(sorted(node))
        elif isinstance(node, list) and node:
            key = rng.randrange(len(node))
        else:
            break
        path.append((node, key))
        node = node[key]
    if not path:
        return rng.choice(_WRONG)
    parent, key = rng.choice(path)
    if isinstance(parent, dict) and rng.random() < 0.25:
        del parent[key]
    else:
        parent[key] = rng.choice(_WRONG)
    return doc


def _mutate(seed: bytes, rng: random.Random, json_lines: bool = False, is_json: bool = False) -> bytes:
    if is_json and rng.random() < 0.6:
        return json.dumps(_mutate_json(json.loads(seed), rng)).encode()
    if json_lines and rng.random() < 0.6:
        lines = seed.decode().splitlines()
        k = rng.randrange(len(lines))
        lines[k] = json.dumps(_mutate_json(json.loads(lines[k]), rng))
        return ("\n".join(lines) + "\n").encode()
    out = seed
    for _ in range(rng.randint(1, 3)):
        out = _mutate_bytes(out, rng)
    return out


_MARKERS = ("IDENTIFIED BY '", "PASSWORD('")


def _secret_recognisable(data: bytes) -> bool:
    """Whether every copy of the secret in a mutated input still sits where a password goes
    (a flipped byte in ``PASSWORD`` makes it an ordinary literal, which nothing can know to hide)."""
    text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", "replace")
    starts = [i for i in range(len(text)) if text.startswith(SECRET, i)]
    return all(any(text[:i].endswith(m) for m in _MARKERS) for i in starts)


# ---- the run ----------------------------------------------------------------------------------


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("seeds")
    (d / "dump.sql").write_text(_dump(), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["precheck", "--ddl", str(d / "dump.sql"), "--save-snapshot", str(d / "snap.json"),
                              "--format", "json"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    (d / "slow.log").write_text(SLOW_LOG, encoding="utf-8")
    res = runner.invoke(app, ["bench", "capture", "--slow-log", str(d / "slow.log"), "-o", str(d / "workload.json")],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    (d / "results.jsonl").write_text(_results(), encoding="utf-8")
    (d / "params.json").write_text(PARAMS, encoding="utf-8")
    return {"dump": d / "dump.sql", "snapshot": d / "snap.json", "slowlog": d / "slow.log",
            "results": d / "results.jsonl", "params": d / "params.json", "workload": d / "workload.json",
            "aurora": FIXTURES / "aurora_logs" / "failed_2_11_to_3_04.log"}


CASES = {  # input kind -> (number of cases, argv with {f} for the mutated file and {o} for an output path)
    "dump": (90, ["precheck", "--ddl", "{f}", "--format", "json", "--out", "{o}"]),
    "snapshot": (60, ["precheck", "--snapshot", "{f}", "--format", "json"]),
    "aurora": (40, ["precheck", "--snapshot", "{snap}", "--import-aurora-log", "{f}", "--format", "json"]),
    "params": (40, ["params", "diff", "--from-json", "{f}", "--format", "json"]),
    "slowlog": (50, ["bench", "capture", "--slow-log", "{f}", "-o", "{o}"]),
    "results": (60, ["bench", "compare", "{f}", "--format", "json"]),
    # nothing listens on port 9: a workload that loads fails fast at the connection, after the reader ran
    "workload": (40, ["bench", "run", "--workload", "{f}", "--blue", "h=127.0.0.1,P=9", "--green", "h=127.0.0.1,P=9",
                      "-o", "{o}"]),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_mutated_inputs_exit_cleanly(kind, seeds, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AURORA_UPGRADE_PASSWORD", SECRET)
    rng = random.Random(f"{SEED}-{kind}")
    n, argv = CASES[kind]
    seed = seeds[kind].read_bytes()
    runner = CliRunner()
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for case in range(n):
            data = _mutate(seed, rng, json_lines=kind == "results",
                           is_json=kind in ("snapshot", "params", "aurora", "workload"))
            f = tmp_path / f"{kind}-{case}"
            f.write_bytes(data)
            out = tmp_path / f"out-{case}"
            args = [a.format(f=f, o=out, snap=seeds["snapshot"]) for a in argv]
            signal.alarm(CASE_DEADLINE_S)
            try:
                res = runner.invoke(app, args, catch_exceptions=True)
            except _Hang:
                pytest.fail(f"{kind} case {case} hung ({f})")
            finally:
                signal.alarm(0)
            where = f"{kind} case {case} ({f})"
            assert res.exception is None or isinstance(res.exception, SystemExit), \
                f"{where}: {type(res.exception).__name__}: {res.exception}"
            assert res.exit_code in (0, 1, 2), f"{where}: exit {res.exit_code}"
            errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
            assert len(errors) <= 1 and "Traceback" not in res.output, f"{where}: {res.stderr}"
            assert not any(ln.startswith("error: internal") for ln in errors), f"{where}: {errors}"
            if res.exit_code == 2:
                assert errors, f"{where}: exit 2 without an error line"
            written = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()) \
                if out.is_dir() else (out.read_text(errors="replace") if out.is_file() else "")
            if _secret_recognisable(data):
                assert SECRET not in res.output + written, f"{where}: the secret leaked"
    finally:
        signal.signal(signal.SIGALRM, old)


def test_snapshot_builder_takes_what_the_checking_converters_take():
    """build_typed's compiled builders take a snapshot's values as they are, and leave anything else to the checking
    converters (which name what is wrong): for every value of a real snapshot replaced by a value of another
    JSON type, or a field dropped, the builders never take what the checking converters refuse, and build the
    same catalog when both take it."""
    from upgrade_cli.inputs import _converter, _fast
    from upgrade_cli.precheck.collect.dump import load_dump
    from upgrade_cli.precheck.model import Catalog

    snapshot = load_dump(REPO / "examples" / "legacy_app_57.sql").to_dict()
    rng = random.Random(SEED)
    paths: list[list] = []

    def walk(value, path):
        paths.append(path)
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list)
                          else ()):
            walk(item, [*path, key])
    walk(snapshot, [])
    for path in rng.sample(paths[1:], min(400, len(paths) - 1)):
        for replacement in ("x", 1, 1.5, True, None, [], {}, "drop"):
            data = json.loads(json.dumps(snapshot))
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            if replacement == "drop":
                if not isinstance(parent, dict):
                    continue
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            try:
                checked = _converter(Catalog)(data, "snapshot")
            except (ValueError, TypeError, KeyError, AttributeError):
                with pytest.raises(Exception):
                    _fast(Catalog)(data)
                continue
            try:
                built = _fast(Catalog)(data)
            except Exception:  # noqa: BLE001 - refusing is allowed: build_typed then asks the checking converters
                continue
            assert built == checked, path


def test_snapshot_text_is_json_dumps_of_the_catalog():
    """Catalog.to_json writes the snapshot without json's indenting encoder: the same text as json.dumps of
    to_dict(), for a real catalog and for odd values a server fact may hold (numbers, tuples, nested objects,
    non-text keys, an enum, NaN, text that needs escapes)."""
    import enum
    import math

    from upgrade_cli.precheck.collect.dump import load_dump
    from upgrade_cli.precheck.model import Catalog, Source, Table

    class Kind(str, enum.Enum):
        a = "a"

    for catalog in (load_dump(REPO / "examples" / "legacy_app_57.sql"), Catalog(Source("x", "y"))):
        catalog.server.extra.update({"f": 1.5, "nan": math.nan, "t": (1, "a"), "nested": {"k": [1, {"z": None}], 2: True},
                                     "kind": Kind.a, "text": "\"q\" \\ \n \x00 ü \u2028", "empty": [], "obj": {}})
        catalog.tables.append(Table("s", "t\n\"", comment="ü"))
        assert catalog.to_json() == json.dumps(catalog.to_dict(), indent=1, ensure_ascii=False, default=str)
