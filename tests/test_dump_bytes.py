"""Bytes in, never a refused file: a dump is decoded statement by statement as mysqldump wrote it.

mysqldump prints each stored program's body as the bytes it was created with, after
``SET character_set_client = <the routine's>``; a routine created through a latin1 connection (the 5.7
client default) makes the file invalid UTF-8. MariaDB stands in for 5.7 on the live path: its
``information_schema.ROUTINES`` gives the body converted to UTF-8, as 5.7's does.
"""

from __future__ import annotations

import gzip
import json

import pymysql
import pytest
from typer.testing import CliRunner

from upgrade_cli.main import app
from upgrade_cli.precheck.collect.dump import decode_statement, load_dump

SPECIAL = "auroraUpgradeCheckForSpecialCharactersInProcedures"

# A 5.7 mysqldump of a routine created through latin1: raw 0xA0 (no-break space), 0xE4 (ä), 0xFC (ü)
LATIN1_DUMP = (
    b"-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n"
    b"-- Server version\t5.7.44\n\n/*!40101 SET NAMES utf8 */;\n"
    b"/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
    b"/*!40101 SET character_set_client = utf8 */;\n"
    b"CREATE TABLE `kunde` (\n  `id` int(11) NOT NULL,\n  `name` varchar(50) COMMENT 'Gr\xc3\xb6\xc3\x9fe',\n"
    b"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1;\n"
    b"/*!40101 SET character_set_client = @saved_cs_client */;\n"
    b"/*!50003 SET @saved_cs_client      = @@character_set_client */ ;\n"
    b"/*!50003 SET character_set_client  = latin1 */ ;\n"
    b"/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION' */ ;\n"
    b"DELIMITER ;;\nCREATE DEFINER=`app`@`%` PROCEDURE `gruesse`(IN n INT)\nBEGIN\n"
    b"  -- Gr\xfc\xdfe f\xfcr \xe4lle\xa0Kunden\n  SELECT name FROM kunde WHERE id = n;\nEND ;;\nDELIMITER ;\n"
    b"/*!50003 SET character_set_client  = @saved_cs_client */ ;\n"
    b"-- Dump completed on 2024-01-01 10:00:00\n")


def _precheck(*args):
    res = CliRunner().invoke(app, ["precheck", *map(str, args), "--format", "json"], catch_exceptions=False)
    return res.exit_code, json.loads(res.stdout) if res.stdout.startswith("{") else res.output


def test_a_latin1_routine_dump_scans_with_findings_not_a_refused_file(tmp_path):
    path = tmp_path / "latin1.sql"
    path.write_bytes(LATIN1_DUMP)
    code, report = _precheck("--ddl", path)
    assert code == 1, report
    special = [f for f in report["findings"] if f["check_id"] == SPECIAL]
    assert [f["location"] for f in special] == ["shop.gruesse"]
    assert "byte 0xA0 in latin1" in special[0]["message"]
    body = load_dump(path).routines[0].body
    assert "Grüße für älle\u00a0Kunden" in body  # each byte read as latin1, the table before as UTF-8
    assert load_dump(path).tables[0].columns[1].comment == "Größe"


def test_gzip_is_read_as_a_stream_and_gives_the_same_findings(tmp_path):
    plain, packed = tmp_path / "d.sql", tmp_path / "d.sql.gz"
    plain.write_bytes(LATIN1_DUMP)
    packed.write_bytes(gzip.compress(LATIN1_DUMP))
    assert _precheck("--ddl", packed)[1]["findings"] == _precheck("--ddl", plain)[1]["findings"]
    packed.write_bytes(gzip.compress(LATIN1_DUMP)[:-20])
    code, out = _precheck("--ddl", packed)
    assert code == 2 and "cannot be decompressed" in out


def test_zstd_is_read_as_a_stream(tmp_path):
    zstandard = pytest.importorskip("zstandard")  # the zstd extra (in the test extras)
    packed = tmp_path / "d.sql.zst"
    packed.write_bytes(zstandard.ZstdCompressor().compress(LATIN1_DUMP))
    code, report = _precheck("--ddl", packed)
    assert code == 1 and [f["object_name"] for f in report["findings"] if f["check_id"] == SPECIAL] == ["gruesse"]


def test_an_undecodable_byte_is_a_finding_on_its_object_not_a_file_error(tmp_path):
    path = tmp_path / "bad.sql"
    path.write_bytes(b"SET NAMES utf8mb4;\nCREATE TABLE ok (id INT);\n"
                     b"DELIMITER ;;\nCREATE PROCEDURE broken() SELECT 'caf\xe9' ;;\nDELIMITER ;\n")
    code, report = _precheck("--ddl", path, "--fail-on", "never")
    assert code == 0, report
    manual = [f for f in report["findings"] if f["check_id"] == "manualReview"]
    assert [f["object_name"] for f in manual] == ["broken"]
    assert "0xE9" in manual[0]["message"] and "not valid utf8mb4" in manual[0]["message"]


@pytest.mark.parametrize("charset, raw, text", [
    ("latin1", b"\xe4\x80\x81", "ä€\x81"),  # MySQL latin1 is cp1252 with its five gaps passed through
    (None, b"\xc3\xa4", "ä"),  # no SET NAMES: UTF-8 when it is UTF-8 ...
    (None, b"\xe4", "ä"),  # ... else latin1, the 5.7 client default
    ("cp1251", b"\xe4", "д"),
])
def test_decode_statement_reads_the_bytes_in_the_client_charset(charset, raw, text):
    assert decode_statement(raw.decode("utf-8", "surrogateescape"), charset) == (text, None)


def test_latin1_routine_on_the_live_path_and_in_its_mariadb_dump(mariadb, fresh_db, tmp_path):
    conn = pymysql.connect(host=mariadb.host, port=mariadb.port, user=mariadb.user, password=mariadb.password,
                           database=fresh_db, autocommit=True, charset="latin1")
    with conn, conn.cursor() as cur:  # the statement goes out as latin1 bytes: 0xA0, 0xE4, 0xFC
        cur.execute("CREATE PROCEDURE gruesse(IN n INT)\nBEGIN\n  -- f\u00fcr \u00e4lle\u00a0Kunden\n"
                    "  SELECT n;\nEND")
    code, live = _live(mariadb, fresh_db)
    assert code == 1, live
    assert [f["object_name"] for f in live["findings"] if f["check_id"] == SPECIAL] == ["gruesse"]
    dump = tmp_path / "live.sql"
    dump.write_bytes(mariadb.dump_schema(fresh_db).encode("utf-8", "surrogateescape"))
    code, offline = _precheck("--ddl", dump)
    assert code == 1, offline
    assert [f["object_name"] for f in offline["findings"] if f["check_id"] == SPECIAL] == ["gruesse"]


def _live(mariadb, db):
    res = CliRunner().invoke(app, ["precheck", "--host", mariadb.host, "--port", str(mariadb.port), "--user",
                                   mariadb.user, "--schema", db, "--format", "json"],
                             env={"AURORA_UPGRADE_PASSWORD": mariadb.password}, catch_exceptions=False)
    return res.exit_code, json.loads(res.stdout) if res.stdout.startswith("{") else res.output
