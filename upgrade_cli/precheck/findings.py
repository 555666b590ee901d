"""A scan's findings, kept on disk as the checks produce them and read back by check in the report's order.

A 100k-table scan finds about a million things (the same dozen per table); held as objects they took more
memory than the catalog. :class:`FindingStore` takes each check's findings as it returns them, sorts that
batch in the report's order (:func:`report_order`) and pickles it, in chunks, to one unnamed temporary
file; it keeps beside it only what the reports need without reading them back: counts per check and
severity, and the tallies of a roll-up line (:class:`Tally`). The report files read the findings back one
check at a time (:class:`CheckFindings`), the first few or all of them, so no report needs them all at once.

Order: each batch split by (severity, check) and each part sorted stably within the check, then a group's
parts merged in the order they came (``heapq.merge`` keeps earlier parts first on equal keys), the groups
taken by severity and check: exactly the order of one stable sort of every finding by :func:`report_order`,
which is what ``report.json`` has always listed. A chunk holds a finding's fields less its check and severity,
which its group gives.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterable, Iterator, Mapping, Sequence, overload

from upgrade_cli.checks.registry import Finding, Severity  # registry imports this module only inside run_checks

CHUNK = 1000  # findings per pickled chunk: reading the first few of a check reads one chunk
BATCH = 20_000  # findings of one check held at once before they are sorted and written
# object types that name a part of a table: a roll-up line counts the tables they are in
TABLE_PARTS = frozenset({"table", "column", "index", "foreign_key", "partition", "constraint"})
_SEVERITY_BY_RANK = {s.rank: s for s in Severity}
# what groups a finding in the store (attrgetter reads it in C, which counts at a million findings)
_GROUP_KEY = attrgetter("severity.rank", "check_id")
_RANK = attrgetter("severity.rank")
_KIND = attrgetter("object_type")


def _severity_counts(groups: Mapping[tuple[int, str], Sequence[_Segment]],
                     keys: Iterable[tuple[int, str]]) -> dict[str, int]:
    """How many findings of each severity the (rank, check) groups named by ``keys`` hold."""
    out = {s.value: 0 for s in Severity}
    for rank, check_id in keys:
        out[_SEVERITY_BY_RANK[rank].value] += sum(seg.count for seg in groups[(rank, check_id)])
    return out


def report_order(f: Finding) -> tuple[int, str, str, str, str, str]:
    """The order findings are listed in: worst first, then by check, object and origin."""
    return (-f.severity.rank, f.check_id.lower(), f.schema or "", f.object_name or "", f.column or "", f.origin)


def _within_check(f: Finding) -> tuple[str, str, str, str]:
    return (f.schema or "", f.object_name or "", f.column or "", f.origin)


# a finding as stored: its fields after the check and severity (its group gives them), in this order
ROW_FIELDS = Finding._fields[2:]
Row = tuple[str, str | None, str | None, str | None, str, str | None, str]


def _row_within_check(row: Row) -> tuple[str, str, str, str]:
    """:func:`_within_check` of a stored row."""
    return (row[1] or "", row[2] or "", row[3] or "", row[6])


@dataclass
class Tally:
    """What a roll-up line says about some findings: how many of each severity and object type, in how many
    tables (table parts only)."""

    by_severity: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Severity})
    kinds: dict[str, int] = field(default_factory=dict)
    tables: set[tuple[str | None, str]] = field(default_factory=set)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Tally:
        found = findings if isinstance(findings, list) else list(findings)  # read three times below
        tally = cls()
        for rank, n in Counter(map(_RANK, found)).items():
            tally.by_severity[_SEVERITY_BY_RANK[rank].value] += n
        tally.kinds = dict(Counter(map(_KIND, found)))  # in the order each kind first comes, as a roll-up lists ties
        tally.tables = {(f.schema, f.object_name) for f in found if f.object_type in TABLE_PARTS and f.object_name}
        return tally

    def merged(self, other: Tally) -> Tally:
        out = Tally({s: n + other.by_severity[s] for s, n in self.by_severity.items()}, dict(self.kinds),
                    self.tables | other.tables)
        for kind, n in other.kinds.items():
            out.kinds[kind] = out.kinds.get(kind, 0) + n
        return out


@dataclass
class _Segment:
    """One batch's findings of one check and severity: where its chunks are, how many, their tally."""

    chunks: list[tuple[int, int]]  # (offset, length) in the store's file
    count: int
    tally: Tally
    first: tuple[str, str, str, str]  # the order key (within the check) of its first and last finding
    last: tuple[str, str, str, str]


class FindingStore:
    """Every finding of a run, on disk; iterating gives them in the report's order."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the store
        self._groups: dict[tuple[int, str], list[_Segment]] = {}  # (severity rank, check id) -> its batches
        self.add(findings)

    def add(self, findings: Iterable[Finding]) -> None:
        """One batch (a check's findings, Aurora's log): split by (severity, check), each part sorted (a stable
        sort, as :func:`report_order` within one check), then written chunk by chunk."""
        parts: dict[tuple[int, str], list[Finding]] = {}
        for key, run in itertools.groupby(findings, key=_GROUP_KEY):  # a check's findings: mostly one run
            parts.setdefault(key, []).extend(run)
        for key, part in parts.items():
            found = sorted(part, key=_within_check)
            chunks = []
            for start in range(0, len(found), CHUNK):
                # a finding less its first two fields, the check and severity its group gives
                data = pickle.dumps([f[2:] for f in found[start:start + CHUNK]], pickle.HIGHEST_PROTOCOL)
                offset = self._file.seek(0, 2)
                self._file.write(data)
                chunks.append((offset, len(data)))
            self._groups.setdefault(key, []).append(
                _Segment(chunks, len(found), Tally.of(found), _within_check(found[0]), _within_check(found[-1])))

    def add_stream(self, findings: Iterable[Finding]) -> None:
        """A check's findings as it yields them, in batches of about BATCH that never split one object's
        findings: a check that goes object by object in the catalog's order gives batches that follow each
        other, read back one after the other instead of merged."""
        found = iter(findings)
        batch = list(itertools.islice(found, BATCH))
        while batch:
            last, following = batch[-1], None
            for f in found:  # the rest of the last object's findings join its batch
                if f.object_name != last.object_name or f.schema != last.schema:
                    following = f
                    break
                batch.append(f)
            self.add(batch)
            batch = [] if following is None else [following, *itertools.islice(found, BATCH - 1)]

    def mark(self) -> list[tuple[tuple[int, str], int]]:
        """Where the store is now, for :meth:`rollback`."""
        return [(key, len(segments)) for key, segments in self._groups.items()]

    def rollback(self, mark: list[tuple[tuple[int, str], int]]) -> None:
        """Forget every batch added since ``mark`` (a check that crashed half way)."""
        kept = dict(mark)
        self._groups = {key: segments[:kept[key]] for key, segments in self._groups.items() if kept.get(key)}

    def copy(self) -> FindingStore:
        """The same findings (the same file); what is added to the copy stays out of this store."""
        other = FindingStore.__new__(FindingStore)
        other._file = self._file
        other._groups = {key: list(segments) for key, segments in self._groups.items()}
        return other

    def _keys(self) -> list[tuple[int, str]]:
        return sorted(self._groups, key=lambda k: (-k[0], k[1].lower(), k[1]))

    def _read(self, segment: _Segment) -> Iterator[list[Row]]:
        for offset, length in segment.chunks:
            self._file.seek(offset)
            yield pickle.loads(self._file.read(length))

    def _group(self, key: tuple[int, str]) -> Iterator[list[Row]]:
        """One (severity, check) group's stored rows in order, a chunk (about CHUNK) at a time."""
        segments = self._groups[key]
        if all(a.last <= b.first for a, b in itertools.pairwise(segments)):  # a check's batches, in order
            return itertools.chain.from_iterable(self._read(s) for s in segments)
        merged = heapq.merge(*(itertools.chain.from_iterable(self._read(s)) for s in segments), key=_row_within_check)
        return iter(lambda: list(itertools.islice(merged, CHUNK)), [])

    def _view(self, keys: list[tuple[int, str]]) -> CheckFindings:
        return CheckFindings(self, [k for k in keys if self._groups[k]])

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._view(self._keys()))

    def rows(self) -> Iterator[tuple[str, Severity, list[Row]]]:
        """Every finding in order, as stored (:meth:`CheckFindings.rows`)."""
        return self._view(self._keys()).rows()

    def __len__(self) -> int:
        return sum(s.count for segments in self._groups.values() for s in segments)

    def counts(self) -> dict[str, int]:
        """Findings by severity."""
        return _severity_counts(self._groups, self._groups)

    def at_or_above(self, rank: int) -> CheckFindings:
        """Every finding of at least this severity rank, in order."""
        return self._view([k for k in self._keys() if k[0] >= rank])

    def by_check(self) -> dict[str, CheckFindings]:
        """Each check's findings (worst first), in the report's order of checks' first findings."""
        keys: dict[str, list[tuple[int, str]]] = {}
        for key in self._keys():
            keys.setdefault(key[1], []).append(key)
        return {check_id: self._view(group) for check_id, group in keys.items()}


class CheckFindings(Sequence["Finding"]):
    """Some of a store's findings (one check's, or those of a severity and above), read back on demand: its
    length and tally come from memory, its findings from the file (``[:n]`` reads the first chunk only)."""

    def __init__(self, store: FindingStore, keys: list[tuple[int, str]]) -> None:
        self._store = store
        self._keys = keys

    def __len__(self) -> int:
        return sum(s.count for k in self._keys for s in self._store._groups[k])

    def __eq__(self, other: object) -> bool:  # compares as the list it stands for
        if isinstance(other, (list, CheckFindings)):
            return list(self) == list(other)
        return NotImplemented

    def __iter__(self) -> Iterator[Finding]:
        for check_id, severity, rows in self.rows():
            for row in rows:
                yield Finding(check_id, severity, *row)

    def rows(self) -> Iterator[tuple[str, Severity, list[Row]]]:
        """These findings in order as they are stored, a chunk at a time: (check, severity, each finding's
        :data:`ROW_FIELDS`), for a writer that needs no Finding objects (report.json: 187k at 20k tables)."""
        for key in self._keys:
            for rows in self._store._group(key):
                yield key[1], _SEVERITY_BY_RANK[key[0]], rows

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop or 0) < 0:
                return list(self)[index]
            return list(itertools.islice(self, index.start, index.stop))
        if index < 0:
            index += len(self)
        found = next(itertools.islice(self, index, None), None)
        if found is None or index < 0:
            raise IndexError(index)
        return found

    def counts(self) -> dict[str, int]:
        """How many of each severity."""
        return _severity_counts(self._store._groups, self._keys)

    @property
    def tally(self) -> Tally:
        out = Tally()
        for key in self._keys:
            for segment in self._store._groups[key]:
                out = out.merged(segment.tally)
        return out

    def split(self, rank: int) -> tuple[CheckFindings, CheckFindings]:
        """(those at or above this severity rank, the rest), each in order."""
        return (CheckFindings(self._store, [k for k in self._keys if k[0] >= rank]),
                CheckFindings(self._store, [k for k in self._keys if k[0] < rank]))
