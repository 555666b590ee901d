"""TempTable sizing advice per instance (AWS: ams3-temptable-behavior, and the per-class local storage table).

In 8.0 every internal temp table shares one TempTable pool: ``temptable_max_ram`` (1 GiB at
≥ 16 GiB class memory, else 16 MB) then ``temptable_max_mmap`` files on local storage. The writer
spills further to InnoDB; a reader cannot, so a reader query fails with ERROR 1114 "table is full".
Readers are fixed to TempTable: MEMORY in a group a reader uses changes nothing there (a warning,
not an error). Only ``tmp_table_size`` can limit a TempTable table (with
``aurora_tmptable_enable_per_table_limit``); ``max_heap_table_size`` never does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from upgrade_cli.params import profiles

if TYPE_CHECKING:
    from upgrade_cli.params.groups import ClusterParams, FamilyDefaults, GroupParams

MIB = 1024 ** 2
LOCAL_SHARE = 0.8  # AWS: start mmap at about 80 % of the class's local storage
PEAK_QUERY = ("SELECT event_name, current_alloc, high_alloc FROM sys.memory_global_by_current_bytes "
              "WHERE event_name LIKE 'memory/temptable/%'")


@dataclass
class TempTableAdvice:
    instance: str
    role: str
    instance_class: str | None
    memory_gib: float | None
    local_gib: float | None
    local_documented: bool
    max_ram: int | None
    max_mmap: int | None
    engine: str
    severity: str = "info"
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def human(n: int | None) -> str:
    if n is None:
        return "?"
    if n >= 1024 ** 3 and n % (1024 ** 3) == 0:
        return f"{n // 1024 ** 3} GiB"
    if n >= 1024 ** 3:
        return f"{n / 1024 ** 3:.1f} GiB"
    return f"{n / MIB:.0f} MB"


def _value(name: str, v3: "FamilyDefaults", groups: list["GroupParams | None"], memory_gib: float | None
           ) -> tuple[str | None, str]:
    """Effective 8.0 value and where it comes from: target instance > target cluster > family default."""
    for g in groups:
        if g is not None and name in g.user:
            return g.user[name], f"group {g.name}"
    info = v3.params.get(name)
    if info is None:
        return None, "unknown"
    by_memory = profiles.class_memory_default(info, memory_gib)
    if by_memory is not None:
        return by_memory, "default for this class memory"
    return profiles.evaluate(info.default, memory_gib), "default"


def advise(cp: "ClusterParams", v3: "FamilyDefaults", target_cluster: "GroupParams | None" = None,
           target_instance: "GroupParams | None" = None, v2_user_names: set[str] | None = None,
           planned: dict[str, "GroupParams"] | None = None) -> list[TempTableAdvice]:
    """Advice for the writer and every reader. ``planned`` maps member id → its planned 8.0 instance group."""
    out = []
    tuned_tmp_size = bool(v2_user_names and "tmp_table_size" in v2_user_names)
    for m in cp.members:
        cls = profiles.instance_class(m.instance_class)
        mem = cls.memory_gib if cls else None
        groups = [(planned or {}).get(m.id) or target_instance, target_cluster]
        ram_s, ram_from = _value("temptable_max_ram", v3, groups, mem)
        mmap_s, mmap_from = _value("temptable_max_mmap", v3, groups, mem)
        engine, _ = _value("internal_tmp_mem_storage_engine", v3, groups, mem)
        per_table, _ = _value("aurora_tmptable_enable_per_table_limit", v3, groups, mem)
        ram, mmap = profiles.as_int(ram_s), profiles.as_int(mmap_s)
        a = TempTableAdvice(m.id, m.role, m.instance_class, mem, cls.local_gib if cls else None,
                            bool(cls and cls.local_documented), ram, mmap, engine or "TempTable")
        msgs = a.messages
        if cls is None:
            msgs.append(f"unknown instance class {m.instance_class or '(not given)'}: memory and local storage "
                        "unknown, so the RAM default and the mmap ceiling cannot be checked")
        else:
            msgs.append(f"temptable_max_ram = {human(ram)} ({ram_from}); temptable_max_mmap = {human(mmap)} "
                        f"({mmap_from}); class memory {mem:g} GiB, local storage {cls.local_gib:g} GiB "
                        f"({'AWS table' if cls.local_documented else 'estimate'}: {cls.source})")
            if cls.memory_gib < 16 and ram_from.startswith("default"):
                msgs.append("under 16 GiB of class memory the TempTable RAM pool defaults to only 16 MB: most "
                            "sizeable GROUP BY / DISTINCT / derived-table / CTE temp tables go straight to mmap files")
            ceiling = int(cls.local_gib * LOCAL_SHARE * 1024 ** 3)
            if mmap is not None and mmap > ceiling:
                a.severity = "warning"
                msgs.append(f"temptable_max_mmap {human(mmap)} is above ~80 % of local storage ({human(ceiling)}): "
                            "temp files could fill local storage, which logs share")
            else:
                msgs.append(f"ceiling for temptable_max_mmap on this class: about {human(ceiling)} (80 % of local "
                            "storage); size RAM + mmap to your peak temp data")
        if m.writer:
            msgs.append("writer: beyond temptable_max_ram, TempTable overflows to memory-mapped files on local "
                        "storage up to temptable_max_mmap; beyond that (or with temptable_max_mmap=0) the table becomes "
                        "an InnoDB on-disk internal temporary table in the cluster volume (slower, but the query "
                        "completes)")
        else:
            msgs.append(f"reader: temp tables can only overflow to mmap files; when RAM ({human(ram)}) + mmap "
                        f"({human(mmap)}) is exhausted the query FAILS with ERROR 1114 (HY000) \"The table "
                        "'/rdsdbdata/tmp/#sql...' is full\". Readers are fixed to TempTable, so the fix is sizing "
                        f"temptable_max_ram + temptable_max_mmap (peak: `{PEAK_QUERY}`, needs performance_schema), "
                        "watching FreeLocalStorage and FreeableMemory, or a class with more local storage")
            if mmap == 0:
                a.severity = "error"
                msgs.append("temptable_max_mmap = 0 is not allowed on readers: the group would leave readers no "
                            "overflow at all")
            if (engine or "").upper() == "MEMORY":
                a.severity = "warning" if a.severity == "info" else a.severity
                msgs.append("internal_tmp_mem_storage_engine=MEMORY is set in a group this reader uses: a no-op here, "
                            "readers are fixed to TempTable (it takes effect if this instance is promoted to writer)")
            if per_table in ("1", "ON"):
                a.severity = "warning" if a.severity == "info" else a.severity
                msgs.append("aurora_tmptable_enable_per_table_limit is ON: a reader query fails with ERROR 1114 as "
                            "soon as one temp table reaches tmp_table_size (the pool sizing above no longer protects it)")
        if tuned_tmp_size and per_table not in ("1", "ON"):
            msgs.append("your v2 groups tune tmp_table_size, which TempTable ignores unless "
                        "aurora_tmptable_enable_per_table_limit=ON (3.04+); with it ON, readers error at that size "
                        "instead of spilling. max_heap_table_size never limits TempTable tables")
        out.append(a)
    return out
