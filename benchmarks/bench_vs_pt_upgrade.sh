#!/usr/bin/env bash
# bench_vs_pt_upgrade.sh -- `aurora-upgrade bench run + compare` against Percona's pt-upgrade, measured
# in the same run, on the same two MariaDB servers and the same 3,000-query slow log.
#
#   benchmarks/bench_vs_pt_upgrade.sh [DIR]        (DIR default /tmp/twodb; reports in DIR/vs-pt/)
#
# Uses the shared scripts (not copied here): ../shared/bench/two-mariadb.sh starts two servers
# (127.0.0.1:33061/33062), make-workload.py loads the 2.5M-row "shop" schema and writes the slow log,
# `perturb` makes host2 differ the way an upgrade can (index dropped, prices changed, 8.0 sql_mode).
# Then, one after the other (never concurrently, so neither steals the other's cores):
#   1. pt-upgrade (Debian percona-toolkit, --no-version-check), default options;
#   2. bench run --budget 1 (every cheap statement, a 1 s per-shape budget on expensive ones) + compare;
#   3. bench run with every statement (no budget) + compare, for the full-coverage cost;
#   4. both tools on one query returning 1.2M rows (SELECT * FROM order_items), for peak memory.
# Each step is timed with /usr/bin/time -v (wall clock, peak RSS), and the CPU time each server spent
# during it is read from /proc (what bounds a replay of every statement: both servers must run each one).
# The summary prints the ratios and which injected differences each tool reported. At the end host2 is
# unperturbed and both servers stop. pt-upgrade is installed (percona-toolkit) when missing and run as root.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd -P)
SHARED=${SHARED_BENCH:-$REPO/../shared/bench}
DIR=${1:-/tmp/twodb}
OUT=$DIR/vs-pt
PY=$REPO/.venv/bin/python
CLI=$REPO/.venv/bin/aurora-upgrade
PW=${TWODB_PASSWORD:-root}
P1=${TWODB_PORT1:-33061}
P2=${TWODB_PORT2:-33062}

for f in "$SHARED/two-mariadb.sh" "$SHARED/make-workload.py"; do
  [ -f "$f" ] || { echo "error: $f not found (set SHARED_BENCH to the shared/bench directory)" >&2; exit 2; }
done
if ! command -v pt-upgrade >/dev/null && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q percona-toolkit >/dev/null
fi
command -v pt-upgrade >/dev/null || { echo "error: pt-upgrade not found: apt-get install -y percona-toolkit" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time not found: apt-get install -y time" >&2; exit 2; }
[ -x "$CLI" ] || { echo "error: $CLI not found: python3 -m venv .venv && .venv/bin/pip install -e ." >&2; exit 2; }

mkdir -p "$OUT"
WL=("$PY" "$SHARED/make-workload.py" --dir "$DIR" --host1 "127.0.0.1:$P1" --host2 "127.0.0.1:$P2" --password "$PW")
cleanup() {
  "${WL[@]}" unperturb >/dev/null 2>&1 || true
  bash "$SHARED/two-mariadb.sh" stop "$DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== servers and workload ($DIR)"
bash "$SHARED/two-mariadb.sh" start "$DIR" >/dev/null
"${WL[@]}" gen-data
"${WL[@]}" load
"${WL[@]}" gen-queries
[ -s "$DIR/workload-slow.log" ] || "${WL[@]}" run
"${WL[@]}" perturb
SLOW=$DIR/workload-slow.log
DSN1="h=127.0.0.1,P=$P1,u=root,p=$PW"
DSN2="h=127.0.0.1,P=$P2,u=root,p=$PW"
export AURORA_UPGRADE_PASSWORD=$PW   # the bench DSNs carry no password
BLUE="mysql://root@127.0.0.1:$P1/shop"
GREEN="mysql://root@127.0.0.1:$P2/shop"

server_cpu() {  # CPU seconds (user + system) each server has used so far: "host1 host2"
  local n pid
  for n in 1 2; do
    pid=$(cat "$DIR/db$n/mysqld.pid")
    awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f ", ($12 + $13) / hz}' "/proc/$pid/stat"
  done
}

timed() {  # timed NAME cmd... ; stdout/stderr to $OUT/NAME.{out,err}, /usr/bin/time to $OUT/NAME.time,
  local name=$1; shift  # the servers' CPU before and after to $OUT/NAME.srvcpu
  local before
  before=$(server_cpu)
  set +e
  /usr/bin/time -v -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
  local rc=$?
  set -e
  echo "$before $(server_cpu)" > "$OUT/$name.srvcpu"
  printf '  %-14s rc=%-3s wall=%-8s peak_rss_kb=%s\n' "$name" "$rc" \
    "$(awk '/Elapsed/ {print $NF}' "$OUT/$name.time")" "$(awk '/Maximum resident/ {print $NF}' "$OUT/$name.time")"
}

echo "== 3,000-query slow log, host2 perturbed"
timed pt pt-upgrade --no-version-check "$DSN1" "$DSN2" "$SLOW"
timed capture "$CLI" bench capture --slow-log "$SLOW" --top 1000 --out "$OUT/workload.json"
timed bench "$CLI" bench run --workload "$OUT/workload.json" --blue "$BLUE" --green "$GREEN" \
  --repeat 1 --warmup 0 --budget 1 --out "$OUT/bench.jsonl" -q
timed compare "$CLI" bench compare "$OUT/bench.jsonl" --format json --out "$OUT/bench.json"
"$CLI" bench compare "$OUT/bench.jsonl" --format html --out "$OUT/bench.html" 2>/dev/null || true
"$CLI" bench compare "$OUT/bench.jsonl" --format md --out "$OUT/bench.md" 2>/dev/null || true
timed bench-full "$CLI" bench run --workload "$OUT/workload.json" --blue "$BLUE" --green "$GREEN" \
  --repeat 1 --warmup 0 --out "$OUT/bench-full.jsonl" -q
timed compare-full "$CLI" bench compare "$OUT/bench-full.jsonl" --format json --out "$OUT/bench-full.json"

echo "== one query returning 1.2M rows (SELECT * FROM order_items)"
echo "SELECT * FROM order_items;" > "$OUT/big.sql"
timed pt-big pt-upgrade --no-version-check --type rawlog --database shop "$DSN1" "$DSN2" "$OUT/big.sql"
"$CLI" bench capture --sql "$OUT/big.sql" --database shop --out "$OUT/big.json" >/dev/null
timed bench-big "$CLI" bench run --workload "$OUT/big.json" --blue "$BLUE" --green "$GREEN" \
  --repeat 1 --warmup 0 --explain-samples 0 --timeout 300 --out "$OUT/big.jsonl" -q

echo "== summary"
"$PY" - "$OUT" <<'EOF'
import json, re, sys
from pathlib import Path

out = Path(sys.argv[1])

def timing(name):
    text = (out / f"{name}.time").read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return secs, rss / 1024

def client_cpu(name):  # user + system CPU of the tool and its child processes
    text = (out / f"{name}.time").read_text()
    return sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", text).group(1)) for kind in ("User", "System"))

def server_cpu(name):  # CPU seconds host1 and host2 spent during the step
    b1, b2, a1, a2 = map(float, (out / f"{name}.srvcpu").read_text().split())
    return a1 - b1, a2 - b2

# the injected differences, and the query text that shows each (make-workload.py perturb)
INJECTED = [
    ("index dropped → slower reviews-by-product", "regression", "FROM reviews r JOIN customers c"),
    ("prices changed → rows differ (cheapest_in_category)", "rows", "SELECT id, name, price FROM products WHERE category_id"),
    ("prices changed → rows differ (price_range)", "rows", "MIN(price), MAX(price)"),
    ("prices changed → rows differ (uk_sku)", "rows", "FROM products WHERE sku ="),
    ("prices changed → rows differ (price_per_g)", "rows", "price / weight_g"),
    ("ONLY_FULL_GROUP_BY → error on host2 only", "error", "c.country_id, c.email, COUNT(*)"),
    ("ERROR_FOR_DIVISION_BY_ZERO → warning on host2 only", "warning", "price / weight_g"),
]

# pt-upgrade: one block per query class; the example SQL lines follow the "## <kind> diffs" headings
pt_text = (out / "pt.out").read_text()
pt_found = {"regression": [], "rows": [], "error": [], "warning": [], "other": []}
for block in pt_text.split("# Query class ")[1:]:
    sections = re.split(r"\n##\n## ", block)
    for sec in sections[1:]:
        head = sec.split(":", 1)[0]
        kind = {"Query time diffs": "regression", "Row diffs": "rows", "Query errors diffs": "error",
                "Warning diffs": "warning"}.get(head, "other")
        pt_found[kind].append(sec)

bench = json.loads((out / "bench.json").read_text())
full = json.loads((out / "bench-full.json").read_text())

def bench_found(data):
    found = {"regression": [], "rows": [], "error": [], "warning": [], "other": []}
    shapes = {s["digest"]: s for s in data["shapes"]}
    for f in data["findings"]:
        kind = {"regression": "regression", "result_differs": "rows", "order_differs": "rows",
                "error_one_side": "error", "error_differs": "error", "warnings_differ": "warning"}.get(f["kind"])
        if kind:
            found[kind].append(f["sql"])
    return found

def hit(found, kind, needle):
    return any(needle.lower() in text.lower() for text in found[kind])

bf, ff = bench_found(bench), bench_found(full)
print(f"{'injected difference':52} {'pt-upgrade':>10} {'bench':>6} {'bench full':>10}")
for label, kind, needle in INJECTED:
    print(f"{label:52} {'found' if hit(pt_found, kind, needle) else 'MISSED':>10} "
          f"{'found' if hit(bf, kind, needle) else 'MISSED':>6} {'found' if hit(ff, kind, needle) else 'MISSED':>10}")

rand_pt = hit(pt_found, "rows", "ORDER BY RAND()")
false_pt_time = [s for s in pt_found["regression"] if "FROM reviews r JOIN customers c" not in s]
print(f"false alarms: pt-upgrade ORDER BY RAND() row diffs: {'yes' if rand_pt else 'no'}, "
      f"other query-time classes: {len(false_pt_time)}; bench: regressions outside reviews: "
      f"{sum(1 for s in bf['regression'] if 'FROM reviews' not in s)}, "
      f"unstable (not claimed) {bench['summary']['unstable']}")

pt_s, pt_mb = timing("pt")
cap_s, cap_mb = timing("capture")
b_s, b_mb = timing("bench")
c_s, c_mb = timing("compare")
f_s, f_mb = timing("bench-full")
fc_s, _ = timing("compare-full")
print()
print(f"pt-upgrade                        wall {pt_s:7.2f} s   peak RSS {pt_mb:7.1f} MB")
print(f"bench capture+run+compare (budget) wall {cap_s + b_s + c_s:7.2f} s   peak RSS {max(cap_mb, b_mb, c_mb):7.1f} MB"
      f"   (capture {cap_s:.2f} + run {b_s:.2f} + compare {c_s:.2f}; {bench['summary']['statements']} statements replayed, "
      f"{bench['summary']['skipped_reasons'].get('budget', 0)} left out by the budget)")
print(f"bench run+compare, every statement wall {f_s + fc_s:7.2f} s   peak RSS {max(f_mb, cap_mb):7.1f} MB"
      f"   ({full['summary']['statements']} statements)")
print(f"ratio pt-upgrade / bench (budget): {pt_s / (cap_s + b_s + c_s):.2f}x less wall time"
      f"   |   pt-upgrade / bench (every statement): {pt_s / (cap_s + f_s + fc_s):.2f}x")
# the floor: every statement must run on both servers, one at a time on each (MariaDB runs a statement
# on one core). pt-upgrade runs host1 then host2; bench runs both at once, so it cannot take less than
# the busier server's CPU time: that caps the every-statement ratio whatever the client does.
pt1, pt2 = server_cpu("pt")
fb1, fb2 = server_cpu("bench-full")
floor_ratio = (pt1 + pt2) / max(fb1, fb2)
print(f"server CPU, pt-upgrade: host1 {pt1:.2f} s + host2 {pt2:.2f} s (run one after the other; wall/CPU "
      f"{pt_s / (pt1 + pt2):.2f}); pt-upgrade's own CPU {client_cpu('pt'):.2f} s")
print(f"server CPU, bench every statement: host1 {fb1:.2f} s, host2 {fb2:.2f} s (run at once; wall/CPU of the "
      f"busier {f_s / max(fb1, fb2):.2f}); bench run's own CPU (all processes) {client_cpu('bench-full'):.2f} s")
print(f"bound on the every-statement ratio from the servers' CPU alone: ({pt1:.2f} + {pt2:.2f}) / "
      f"max({fb1:.2f}, {fb2:.2f}) = {floor_ratio:.2f}x")
pb_s, pb_mb = timing("pt-big")
bb_s, bb_mb = timing("bench-big")
big = [json.loads(l) for l in (out / "big.jsonl").read_text().splitlines()]
rows = next((r["blue"]["rows"] for r in big if r.get("type") == "statement"), None)
print(f"1.2M-row result ({rows} rows): pt-upgrade {pb_s:.2f} s, peak RSS {pb_mb:.0f} MB; "
      f"bench {bb_s:.2f} s, peak RSS {bb_mb:.0f} MB (small workload: {b_mb:.0f} MB → flat)")
EOF
echo "reports: $OUT/{pt.out,bench.json,bench.md,bench.html}"
