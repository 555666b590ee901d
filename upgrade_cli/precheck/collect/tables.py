"""The table grammar of a dump: CREATE TABLE (columns, indexes, keys, options, partitions), CREATE INDEX, ALTER TABLE."""

from __future__ import annotations

import copy
from typing import Callable

from upgrade_cli.precheck.collect.cursor import Cursor, ParseError, first_name
from upgrade_cli.precheck.collect.normalize import (canonical_expression, canonical_extra, decimal_literal, index_order,
                                                    strip_outer_parens)
from upgrade_cli.precheck.collect.types import (apply_clause, charset_clause, charset_pair, parse_type, parse_type_attrs,
                                                tablespace_option)
from upgrade_cli.precheck.model import Column, ForeignKey, Index, IndexPart, Partition, Schema, Table, View

class TableGrammar:
    """CREATE TABLE, CREATE INDEX and ALTER TABLE: the table half of :class:`DumpParser`'s grammar.

    A mixin: it reads and writes the parser's state (``self.tables``, ``self.sql_mode``, ``self._issue``...)."""

    # the parser's state and helpers this half uses (DumpParser sets and defines them)
    schemas: dict[str, Schema]
    tables: dict[tuple[str, str], Table]
    views: dict[tuple[str, str], View]
    ddl_seen: int
    fk_index_names: dict[tuple[str, str, str], str]
    _issue: Callable[..., None]  # (object_type, name, reason, schema=None)
    _qualified: Callable[[Cursor], tuple[str, str]]
    _if_not_exists: Callable[[Cursor], None]
    _schema_or_default: Callable[[], str]
    _charset_options: Callable[[Cursor], tuple[str | None, str | None]]

    # -- tables ----------------------------------------------------------------------------------

    innodb_default_row_format: str | None = None  # as a SET GLOBAL earlier in the script left it

    def create_table(self, c: Cursor, line: int) -> None:
        self._if_not_exists(c)
        schema, name = self._qualified(c)
        if c.accept("LIKE") or (c.at_punct("(") and c.at("LIKE", k=1)):
            inner = c.group() if c.at_punct("(") else c
            inner.accept("LIKE")
            src_schema, src = inner.qualified()
            base = self.tables.get((src_schema or schema, src))
            if base is None:
                raise ParseError(f"CREATE TABLE {name} LIKE {src}: {src} is not defined earlier in the dump")
            table = copy.deepcopy(base)
            table.schema, table.name = schema, name
            self.tables[(schema, name)] = table
            return
        if not c.at_punct("("):
            raise ParseError(f"CREATE TABLE {name} without a column list (CREATE ... SELECT) cannot be read offline")
        body = c.group()
        table = Table(schema=schema, name=name)
        self._table_options(c, table, line)
        sch = self.schemas.get(schema)
        if table.charset is None and table.collation is None and sch is not None:
            table.charset, table.collation = sch.charset, sch.collation
        table.charset, table.collation = charset_pair(table.charset, table.collation)
        for part in body.split_commas():
            self._table_element(part, table, line)
        if not c.done():
            self._issue("table", name, f"CREATE TABLE {name} at line {line}: text after the table options "
                        f"not understood: {c.rest_text()[:60]!r}", schema)
        finish_table(table, self.fk_index_names)
        if (table.engine or "InnoDB").lower() == "innodb":
            table.innodb_row_format = table.row_format or self.innodb_default_row_format
        self.tables[(schema, name)] = table
        self.views.pop((schema, name), None)

    def _table_options(self, c: Cursor, table: Table, line: int) -> None:
        while not c.done():
            if c.accept_punct(",") or c.accept("DEFAULT"):
                continue
            if c.at("PARTITION") and c.at("BY", k=1):
                c.i += 2
                self._partitioning(c, table)
                continue
            if clause := charset_clause(c):
                table.charset, table.collation = apply_clause(clause, table.charset, table.collation)
            elif c.accept("ENGINE", "TYPE"):
                c.accept_punct("=")
                table.engine = c.name()
            elif c.accept("ROW_FORMAT"):
                c.accept_punct("=")
                table.row_format = c.name().upper()
            elif c.accept("COMMENT"):
                c.accept_punct("=")
                table.comment = c.take().text
            elif c.accept("TABLESPACE"):
                c.accept_punct("=")
                table.tablespace = c.name()
                if c.accept("STORAGE"):
                    c.take()
            elif c.at("WITH") and c.at("SYSTEM", k=1):
                c.i += 3
            elif c.current().kind == "word":
                c.skip_option()
            else:
                t = c.current()
                raise ParseError(f"table option not understood at line {t.line}: {t.text!r}")
        if table.engine:
            table.engine = canonical_engine(table.engine)

    def _partitioning(self, c: Cursor, table: Table) -> None:
        method, expr = self._partition_method(c)
        table.partition_method, table.partition_expression = method, expr
        count = sub_count = 0
        if c.accept("PARTITIONS"):
            count = int(c.take().text)
        if c.at("SUBPARTITION") and c.at("BY", k=1):
            c.i += 2
            table.subpartition_method, _ = self._partition_method(c)
            if c.accept("SUBPARTITIONS"):
                sub_count = int(c.take().text)
        if c.at_punct("("):
            for part in c.group().split_commas():
                table.partitions.append(self._partition_def(part, sub_count))
        else:
            table.partitions = [Partition(f"p{i}", subpartitions=[f"p{i}sp{j}" for j in range(sub_count)])
                                for i in range(count or 1)]

    def _partition_method(self, c: Cursor) -> tuple[str, str | None]:
        words = []
        if c.accept("LINEAR"):
            words.append("LINEAR")
        kind = c.take().upper
        words.append(kind)
        if kind == "SYSTEM_TIME":
            expr = None
            while not c.done() and not c.at("PARTITIONS", "SUBPARTITION") and not c.at_punct("("):
                c.take()
            return kind, expr
        if c.accept("COLUMNS"):
            words.append("COLUMNS")
        if kind == "KEY" and c.accept("ALGORITHM"):
            c.skip_value()
        expr = c.group_text() if c.at_punct("(") else None
        return " ".join(words), expr

    def _partition_def(self, c: Cursor, sub_count: int) -> Partition:
        c.expect("PARTITION")
        part = Partition(c.name())
        while not c.done():
            if c.accept("VALUES"):
                if c.accept("LESS"):
                    c.expect("THAN")
                else:
                    c.expect("IN")
                if c.at_punct("("):
                    part.description = ",".join(_bound_text(v) for v in c.group().split_commas())
                else:
                    part.description = c.take().upper  # MAXVALUE
            elif c.at_punct("("):
                for sub in c.group().split_commas():
                    sub.expect("SUBPARTITION")
                    part.subpartitions.append(sub.name())
                    ts = tablespace_option(sub)
                    part.tablespace = part.tablespace or ts
            elif c.accept("TABLESPACE"):
                c.accept_punct("=")
                part.tablespace = c.name()
            elif c.accept("STORAGE"):
                continue
            elif c.current().kind == "word":
                c.skip_option()
            else:
                c.take()
        if not part.subpartitions and sub_count:
            part.subpartitions = [f"{part.name}sp{j}" for j in range(sub_count)]
        return part

    def _table_element(self, c: Cursor, table: Table, line: int) -> None:
        t = c.peek()
        assert t is not None
        word = t.upper if t.kind == "word" else ""
        symbol = None
        if word == "CONSTRAINT":
            c.take()
            if not c.at("PRIMARY", "UNIQUE", "FOREIGN", "CHECK"):
                symbol = c.name()
            nxt = c.peek()
            word = nxt.upper if nxt is not None else ""
        if word in ("PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT", "SPATIAL"):
            table.indexes.append(self._index_def(c, table, symbol))
        elif word == "FOREIGN":
            table.foreign_keys.append(self._foreign_key(c, table, symbol))
        elif word in ("CHECK", "PERIOD"):
            return
        else:
            self._column(c, table, line)

    def _index_def(self, c: Cursor, table: Table, symbol: str | None, kind: str = "") -> Index:
        """``PRIMARY KEY (..)``, ``UNIQUE [KEY] [name] (..)``, ``FULLTEXT KEY ..``, ``KEY name (..)``."""
        kind = kind or c.take().upper
        unique = kind in ("PRIMARY", "UNIQUE")
        index_type = {"FULLTEXT": "FULLTEXT", "SPATIAL": "SPATIAL"}.get(kind, "")
        if kind == "PRIMARY":
            c.expect("KEY")
        else:
            c.accept("KEY", "INDEX")
        name = None
        if not c.at_punct("(") and not c.at("USING"):
            name = c.name()
        if c.accept("USING", "TYPE"):
            index_type = c.take().upper
        parts = self._index_parts(c.group())
        comment = ""
        while not c.done():
            if c.accept("USING", "TYPE"):
                index_type = c.take().upper
            elif c.accept("COMMENT"):
                c.accept_punct("=")
                comment = c.take().text
            elif c.accept("WITH"):
                c.expect("PARSER")
                c.take()
            elif c.at("NOT") and c.at("IGNORED", k=1):
                c.i += 2
            else:  # KEY_BLOCK_SIZE=n, VISIBLE, CLUSTERING=YES ...: nothing the catalog keeps
                c.take()
                if c.at_punct("="):
                    c.skip_value()
        if kind == "PRIMARY":
            name = "PRIMARY"
        name = name or symbol or auto_index_name(table, parts[0].column)
        if not index_type:
            index_type = "HASH" if (table.engine or "").upper() in ("MEMORY", "HEAP") else "BTREE"
        return Index(name=name, parts=parts, unique=unique, index_type=index_type, comment=comment)

    def _index_parts(self, c: Cursor) -> list[IndexPart]:
        parts = []
        for p in c.split_commas():
            if p.at_punct("("):
                raise ParseError("functional index parts (expressions) are not supported offline")
            col = p.name()
            sub = None
            if p.at_punct("("):
                sub = int(p.group_text())
            parts.append(IndexPart(col, sub))
        if not parts:
            raise ParseError("index without columns")
        return parts

    def _foreign_key(self, c: Cursor, table: Table, symbol: str | None) -> ForeignKey:
        c.expect("FOREIGN")
        c.expect("KEY")
        index_name = None if c.at_punct("(") else c.name()
        cols = [p.name() for p in c.group().split_commas()]
        c.expect("REFERENCES")
        ref_schema, ref_table = c.qualified()
        ref_cols = [p.name() for p in c.group().split_commas()] if c.at_punct("(") else []
        name = symbol or f"{table.name}_ibfk_{len(table.foreign_keys) + 1}"
        if index := index_name or symbol:  # the name InnoDB gives the index it adds when none covers the columns
            self.fk_index_names[(table.schema, table.name, name)] = index
        return ForeignKey(name, cols, ref_schema or table.schema, ref_table, ref_cols)

    def _column(self, c: Cursor, table: Table, line: int) -> None:
        c.accept("COLUMN")
        name = c.name()
        col, inline = self._column_definition(c, name, len(table.columns) + 1, table, line)
        existing = table.column(name)
        if existing is not None:
            table.columns.remove(existing)
        at = self._column_position(c, table)
        table.columns.insert(at, col)
        if existing is not None or at < len(table.columns) - 1:  # not simply appended: renumber
            for n, each in enumerate(table.columns, 1):
                each.ordinal = n
        for kind in inline:
            table.indexes.append(Index("PRIMARY" if kind == "PRIMARY" else auto_index_name(table, name),
                                       [IndexPart(name)], unique=True,
                                       index_type="HASH" if (table.engine or "").upper() in ("MEMORY", "HEAP") else "BTREE"))

    def _column_position(self, c: Cursor, table: Table) -> int:
        """``FIRST`` / ``AFTER col`` (ALTER TABLE ADD/MODIFY/CHANGE): the list index for the column."""
        if c.accept("FIRST"):
            return 0
        if c.accept("AFTER"):
            after = table.column(c.name())
            if after is not None:
                return table.columns.index(after) + 1
        return len(table.columns)

    def _column_definition(self, c: Cursor, name: str, ordinal: int, table: Table,
                           line: int) -> tuple[Column, list[str]]:
        typ = parse_type(c)
        col = Column(name=name, ordinal=ordinal, data_type=typ.data_type, column_type=typ.column_type)
        extra: list[str] = []
        inline: list[str] = []
        generated = None
        toks = c.toks
        while c.i < c.stop:
            # one look at the attribute's first word, then one branch (a column has a few attributes;
            # eighteen at() tests each was a quarter of a dump's parse)
            t = toks[c.i]
            w = t[1].upper() if t[0] == "word" else ""
            if w == "NOT" and c.at("NULL", k=1):
                c.i += 2
                col.nullable = False
            elif w == "NULL":
                c.i += 1
                col.nullable = True
            elif w == "DEFAULT":
                c.i += 1
                col.default, col.default_is_expression = self._default_value(c)
            elif w == "AUTO_INCREMENT":
                c.i += 1
                extra.append("auto_increment")
            elif w == "ON" and c.at("UPDATE", k=1):
                c.i += 2
                fn = end = c.take()
                if c.at_punct("("):
                    c.group()
                    end = c.toks[c.i - 1]
                extra.append("on update " + c.text[fn.pos:end.end])
            elif w == "COMMENT":
                c.i += 1
                col.comment = c.take().text
            elif w in ("PRIMARY", "KEY"):
                c.accept("PRIMARY")
                c.expect("KEY")
                inline.append("PRIMARY")
            elif w == "UNIQUE":
                c.i += 1
                c.accept("KEY", "INDEX")
                inline.append("UNIQUE")
            elif w in ("GENERATED", "AS"):
                if c.accept("GENERATED"):
                    c.expect("ALWAYS")
                c.expect("AS")
                if c.at("ROW"):  # MariaDB system-versioning columns
                    c.take(), c.take()
                    continue
                generated = strip_outer_parens(c.group_text())
                extra.append("virtual generated")
            elif w == "VIRTUAL":
                c.i += 1
            elif w in ("STORED", "PERSISTENT"):
                c.i += 1
                if extra and extra[-1] == "virtual generated":
                    extra[-1] = "stored generated"
            elif w in ("COLUMN_FORMAT", "STORAGE", "SRID"):
                c.i += 1
                c.take()
            elif w in ("INVISIBLE", "VISIBLE", "COMPRESSED"):
                c.i += 1
                if c.at_punct("="):
                    c.skip_value()
            elif w == "CHECK":
                c.i += 1
                c.group()
            elif w == "REFERENCES":
                c.i += 1
                c.qualified()
                if c.at_punct("("):
                    c.group()
                while c.at("MATCH", "ON"):
                    c.take()
                    while c.at("FULL", "PARTIAL", "SIMPLE", "DELETE", "UPDATE", "RESTRICT", "CASCADE", "SET",
                               "NULL", "NO", "ACTION", "DEFAULT"):
                        c.take()
            elif w in ("WITH", "WITHOUT") and c.at("SYSTEM", k=1):
                c.i += 3
            elif w in ("FIRST", "AFTER"):
                break  # position: the caller places the column
            elif w in ("CHARACTER", "CHARSET", "COLLATE", "BINARY"):
                extra_typ = parse_type_attrs(c)
                typ.charset = extra_typ[0] or typ.charset
                typ.collation = extra_typ[1] or typ.collation
                typ.binary_collation = typ.binary_collation or extra_typ[2]
            else:
                t = c.take()
                self._issue("column", f"{table.name}.{name}",
                            f"CREATE TABLE {table.name} at line {line}: column attribute {t.text!r} not understood",
                            table.schema)
                break
        col.generation_expression = generated
        col.extra = canonical_extra(extra)
        if typ.is_string:
            charset, collation = typ.charset, typ.collation
            if charset is None and collation is None:
                charset, collation = table.charset, table.collation
            charset, collation = charset_pair(charset, collation)
            if typ.binary_collation and charset:
                collation = f"{charset}_bin"
            col.charset, col.collation = charset, collation
        if col.default is not None and not col.default_is_expression:
            col.default = decimal_literal(col.default, col.column_type)
        return col, inline

    def _default_value(self, c: Cursor) -> tuple[str | None, bool]:
        t = c.take()
        if t.kind == "string":
            value = t.text
            while (nxt := c.peek()) is not None and nxt.kind == "string":
                value += c.take().text
            return value, False
        if t.kind == "word" and (nxt := c.peek()) is not None and nxt.kind == "string" and nxt.pos == t.end:
            s = c.take()
            if t.upper in ("B", "X"):
                return f"{t.text.lower()}'{s.text}'", False
            return s.text, False  # _charset'literal' or N'literal'
        if t.kind == "punct" and t.text in "+-" and (nxt := c.peek()) is not None and nxt.kind == "number":
            n = c.take().text
            return (n if t.text == "+" else "-" + n), False
        if t.kind == "number":
            return t.text, False
        if t.kind == "word" and t.upper == "NULL":
            return None, False
        if t.kind == "word" and t.upper in ("TRUE", "FALSE"):
            return ("1" if t.upper == "TRUE" else "0"), False
        if t.kind == "punct" and t.text == "(":
            c.i -= 1
            return canonical_expression(c.group_text()), True
        if t.kind == "word":
            end = t
            if c.at_punct("("):
                c.group()
                end = c.toks[c.i - 1]
            return canonical_expression(c.text[t.pos:end.end]), True
        raise ParseError(f"DEFAULT value not understood at line {t.line}: {t.text!r}")

    def create_index(self, c: Cursor, index_kind: str, line: int) -> None:
        name = c.name()
        index_type = ""
        if c.accept("USING", "TYPE"):
            index_type = c.take().upper
        c.expect("ON")
        schema, table_name = self._qualified(c)
        table = self.tables.get((schema, table_name))
        if table is None:
            self._issue("index", f"{table_name}.{name}",
                        f"CREATE INDEX at line {line} on {table_name}, which is not defined earlier in the dump", schema)
            return
        rest_start = c.i
        idx = self._index_def(Cursor(c.toks, c.text, rest_start, c.stop), table, name, kind=index_kind or "INDEX")
        idx.name = name
        if index_type and idx.index_type in ("BTREE", "HASH"):
            idx.index_type = index_type
        table.indexes = [i for i in table.indexes if i.name != name] + [idx]

    # -- ALTER / RENAME --------------------------------------------------------------------------

    def alter(self, c: Cursor, line: int) -> None:
        c.accept("ONLINE", "OFFLINE", "IGNORE")
        kind = c.take().upper
        if kind in ("DATABASE", "SCHEMA"):
            name = c.name() if not c.at("DEFAULT", "CHARACTER", "CHARSET", "COLLATE") else self._schema_or_default()
            charset, collation = self._charset_options(c)
            self.schemas[name] = Schema(name, charset, collation)
            return
        if kind != "TABLE":
            self.ddl_seen += 1
            self._issue(kind.lower(), first_name(c), f"ALTER {kind} at line {line} is not applied offline")
            return
        schema, name = self._qualified(c)
        table = self.tables.get((schema, name))
        if table is None:
            self._issue("table", name, f"ALTER TABLE at line {line} on {name}, which is not defined earlier in the dump",
                        schema)
            return
        for spec in c.split_commas():
            self._alter_spec(spec, table, line)
        finish_table(table, self.fk_index_names)

    def _alter_spec(self, c: Cursor, table: Table, line: int) -> None:
        if c.accept("ADD"):
            if c.at("PARTITION"):
                raise ParseError("ALTER TABLE ... ADD PARTITION is not applied offline")
            if c.at_punct("("):
                for part in c.group().split_commas():
                    self._table_element(part, table, line)
            else:
                self._table_element(c, table, line)
            return
        if c.at("DISABLE", "ENABLE") and c.at("KEYS", k=1):
            return
        if c.at("ENGINE", "TYPE", "ROW_FORMAT", "COMMENT", "DEFAULT", "CHARACTER", "CHARSET", "COLLATE",
                "AUTO_INCREMENT", "TABLESPACE", "AVG_ROW_LENGTH", "CHECKSUM", "KEY_BLOCK_SIZE", "MAX_ROWS",
                "MIN_ROWS", "PACK_KEYS", "STATS_PERSISTENT", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES"):
            self._table_options(c, table, line)
            return
        if c.at("PARTITION") and c.at("BY", k=1):
            c.i += 2
            table.partitions = []
            self._partitioning(c, table)
            return
        if c.accept("MODIFY"):
            c.accept("COLUMN")
            self._replace_column(c, table, c.name(), line)
            return
        if c.accept("CHANGE"):
            c.accept("COLUMN")
            old = c.name()
            self._replace_column(c, table, old, line, new_name=c.name())
            return
        if c.accept("DROP"):
            if c.accept_seq("PRIMARY", "KEY"):
                table.indexes = [i for i in table.indexes if i.name != "PRIMARY"]
            elif c.accept("INDEX", "KEY"):
                gone = c.name()
                table.indexes = [i for i in table.indexes if i.name != gone]
            elif c.accept_seq("FOREIGN", "KEY"):
                gone = c.name()
                table.foreign_keys = [f for f in table.foreign_keys if f.name != gone]
            else:
                c.accept("COLUMN")
                gone = c.name()
                table.columns = [col for col in table.columns if col.name.lower() != gone.lower()]
                for n, col in enumerate(table.columns, 1):
                    col.ordinal = n
            return
        self._issue("table", table.name, f"ALTER TABLE {table.name} at line {line}: clause not applied offline: "
                    f"{c.rest_text()[:60]!r}", table.schema)

    def _replace_column(self, c: Cursor, table: Table, old: str, line: int, new_name: str | None = None) -> None:
        existing = table.column(old)
        if existing is None:
            raise ParseError(f"ALTER TABLE {table.name}: no column {old}")
        col, _ = self._column_definition(c, new_name or old, existing.ordinal, table, line)
        table.columns[table.columns.index(existing)] = col
        if c.at("FIRST", "AFTER"):
            table.columns.remove(col)
            table.columns.insert(self._column_position(c, table), col)
        for n, each in enumerate(table.columns, 1):
            each.ordinal = n

_ENGINES = {"innodb": "InnoDB", "myisam": "MyISAM", "memory": "MEMORY", "heap": "MEMORY", "csv": "CSV",
            "archive": "ARCHIVE", "blackhole": "BLACKHOLE", "federated": "FEDERATED", "mrg_myisam": "MRG_MyISAM",
            "merge": "MRG_MyISAM", "aria": "Aria", "tokudb": "TokuDB", "rocksdb": "ROCKSDB", "ndbcluster": "ndbcluster"}


def canonical_engine(engine: str) -> str:
    """Engine names as ``information_schema.TABLES.ENGINE`` spells them."""
    return _ENGINES.get(engine.lower(), engine)


def auto_index_name(table: Table, column: str) -> str:
    """The name MySQL gives an unnamed index: the first column, then ``_2``, ``_3`` ... if taken."""
    taken = {i.name.lower() for i in table.indexes}
    name, n = column, 2
    while name.lower() in taken:
        name, n = f"{column}_{n}", n + 1
    return name


def finish_table(table: Table, fk_index_names: dict[tuple[str, str, str], str]) -> None:
    """What the server adds on its own: NOT NULL primary-key columns, an index for every foreign key."""
    for idx in table.indexes:
        if idx.name == "PRIMARY":
            for part in idx.parts:
                col = table.column(part.column)
                if col is not None:
                    col.nullable = False
    for fk in table.foreign_keys:
        index_name = fk_index_names.get((table.schema, table.name, fk.name))
        cols = [c.lower() for c in fk.columns]
        covered = any([p.column.lower() for p in i.parts][:len(cols)] == cols for i in table.indexes
                      if i.index_type not in ("FULLTEXT", "SPATIAL"))
        if not covered:
            table.indexes.append(Index(index_name or auto_index_name(table, fk.columns[0]),
                                       [IndexPart(c) for c in fk.columns]))
    table.indexes.sort(key=index_order)


def _bound_text(value: Cursor) -> str:
    """One partition bound as ``information_schema.PARTITIONS.PARTITION_DESCRIPTION`` prints it."""
    toks = value.toks[value.i:value.stop]
    if len(toks) == 1 and toks[0].kind == "string":
        return "'" + toks[0].text.replace("'", "''") + "'"
    if len(toks) == 1 and toks[0].kind == "word":
        return toks[0].upper  # MAXVALUE, NULL
    return value.text[toks[0].pos:toks[-1].end] if toks else ""
