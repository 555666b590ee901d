"""Functions removed in MySQL 8.0, called from stored code or generated columns."""

from __future__ import annotations

from upgrade_cli import doc_links
from upgrade_cli.checks._sql import function_calls, lines_of, stored_code
from upgrade_cli.checks.registry import Check, Severity, check
from upgrade_cli.precheck.model import Catalog

_AES = "AES_ENCRYPT and AES_DECRYPT"
# MySQL Shell's list (upgrade_check_creators.cc, Removed_functions_check) with each replacement;
# OLD_PASSWORD (removed in 5.7.5, still found in objects carried over from 5.6) added.
REMOVED_FUNCTIONS: dict[str, str | None] = {
    "ENCODE": _AES, "DECODE": _AES, "ENCRYPT": "SHA2", "DES_ENCRYPT": _AES, "DES_DECRYPT": _AES,
    "PASSWORD": None, "OLD_PASSWORD": None,
    "AREA": "ST_AREA", "ASBINARY": "ST_ASBINARY", "ASTEXT": "ST_ASTEXT", "ASWKB": "ST_ASWKB", "ASWKT": "ST_ASWKT",
    "BUFFER": "ST_BUFFER", "CENTROID": "ST_CENTROID", "CONTAINS": "MBRCONTAINS", "CROSSES": "ST_CROSSES",
    "DIMENSION": "ST_DIMENSION", "DISJOINT": "MBRDISJOINT", "DISTANCE": "ST_DISTANCE", "ENDPOINT": "ST_ENDPOINT",
    "ENVELOPE": "ST_ENVELOPE", "EQUALS": "MBREQUALS", "EXTERIORRING": "ST_EXTERIORRING",
    "GEOMCOLLFROMTEXT": "ST_GEOMCOLLFROMTEXT", "GEOMCOLLFROMWKB": "ST_GEOMCOLLFROMWKB",
    "GEOMETRYCOLLECTIONFROMTEXT": "ST_GEOMETRYCOLLECTIONFROMTEXT",
    "GEOMETRYCOLLECTIONFROMWKB": "ST_GEOMETRYCOLLECTIONFROMWKB", "GEOMETRYFROMTEXT": "ST_GEOMETRYFROMTEXT",
    "GEOMETRYFROMWKB": "ST_GEOMETRYFROMWKB", "GEOMETRYN": "ST_GEOMETRYN", "GEOMETRYTYPE": "ST_GEOMETRYTYPE",
    "GEOMFROMTEXT": "ST_GEOMFROMTEXT", "GEOMFROMWKB": "ST_GEOMFROMWKB", "GLENGTH": "ST_LENGTH",
    "INTERIORRINGN": "ST_INTERIORRINGN", "INTERSECTS": "MBRINTERSECTS", "ISCLOSED": "ST_ISCLOSED",
    "ISEMPTY": "ST_ISEMPTY", "ISSIMPLE": "ST_ISSIMPLE", "LINEFROMTEXT": "ST_LINEFROMTEXT",
    "LINEFROMWKB": "ST_LINEFROMWKB", "LINESTRINGFROMTEXT": "ST_LINESTRINGFROMTEXT",
    "LINESTRINGFROMWKB": "ST_LINESTRINGFROMWKB", "MBREQUAL": "MBREQUALS", "MLINEFROMTEXT": "ST_MLINEFROMTEXT",
    "MLINEFROMWKB": "ST_MLINEFROMWKB", "MPOINTFROMTEXT": "ST_MPOINTFROMTEXT", "MPOINTFROMWKB": "ST_MPOINTFROMWKB",
    "MPOLYFROMTEXT": "ST_MPOLYFROMTEXT", "MPOLYFROMWKB": "ST_MPOLYFROMWKB",
    "MULTILINESTRINGFROMTEXT": "ST_MULTILINESTRINGFROMTEXT", "MULTILINESTRINGFROMWKB": "ST_MULTILINESTRINGFROMWKB",
    "MULTIPOINTFROMTEXT": "ST_MULTIPOINTFROMTEXT", "MULTIPOINTFROMWKB": "ST_MULTIPOINTFROMWKB",
    "MULTIPOLYGONFROMTEXT": "ST_MULTIPOLYGONFROMTEXT", "MULTIPOLYGONFROMWKB": "ST_MULTIPOLYGONFROMWKB",
    "NUMGEOMETRIES": "ST_NUMGEOMETRIES", "NUMINTERIORRINGS": "ST_NUMINTERIORRINGS", "NUMPOINTS": "ST_NUMPOINTS",
    "OVERLAPS": "MBROVERLAPS", "POINTFROMTEXT": "ST_POINTFROMTEXT", "POINTFROMWKB": "ST_POINTFROMWKB",
    "POINTN": "ST_POINTN", "POLYFROMTEXT": "ST_POLYFROMTEXT", "POLYFROMWKB": "ST_POLYFROMWKB",
    "POLYGONFROMTEXT": "ST_POLYGONFROMTEXT", "POLYGONFROMWKB": "ST_POLYGONFROMWKB", "SRID": "ST_SRID",
    "STARTPOINT": "ST_STARTPOINT", "TOUCHES": "ST_TOUCHES", "WITHIN": "MBRWITHIN", "X": "ST_X", "Y": "ST_Y",
}


def _describe(name: str) -> str:
    repl = REMOVED_FUNCTIONS[name]
    return f"{name} (consider using {repl} instead)" if repl else f"{name} (no replacement: hash passwords in the application)"


@check(
    id="removedFunctions",
    title="Usage of removed functions",
    severity=Severity.error,
    source="mysql-shell",
    since="8.0.11",
    doc_url=doc_links.MYSQL_80_REMOVALS,
    detects="Views, routines, triggers, events and generated columns that call a function removed in 8.0: "
            "ENCODE, DECODE, ENCRYPT, DES_ENCRYPT, DES_DECRYPT, PASSWORD, OLD_PASSWORD and the old GIS names "
            "without the ST_/MBR prefix (ASTEXT, CONTAINS, GLENGTH, X, Y, ...).",
    why="The functions no longer exist in 8.0: the object fails when it runs (or, for a generated column or "
        "view, when the table or view is opened), and the upgrade's dictionary check reports it as an error.",
    example="CREATE VIEW v AS SELECT ASTEXT(geo) AS wkt FROM places;",
    fix="Re-create the object with the replacement (ST_ASTEXT, MBRCONTAINS, ST_LENGTH, SHA2, AES_ENCRYPT, ...). "
        "PASSWORD() has no replacement: hash in the application.",
    aliases=("removedFunctionsCheck",),
)
def removed_functions(c: Check, catalog: Catalog):
    for code in stored_code(catalog, generated_columns=True):
        calls = function_calls(code.tokens, REMOVED_FUNCTIONS)
        if not calls:
            continue
        names = list(dict.fromkeys(t.upper for t in calls))
        plural = "s" if len(names) > 1 else ""
        yield c.finding(code.object_type,
                        f"{code.kind} uses removed function{plural} " + ", ".join(_describe(n) for n in names)
                        + f" ({lines_of(t.line for t in calls)})",
                        schema=code.schema, object_name=code.name, column=code.column,
                        fix="Re-create it calling " + ", ".join(
                            f"{REMOVED_FUNCTIONS[n]} instead of {n}" if REMOVED_FUNCTIONS[n] else f"no {n}"
                            for n in names) + ".")
